"""The demo slot of a term page: the live Streamlit demo in an iframe, and a static fallback.

The iframe points at ``{demos_url}/{demo id}?embed=true&input=...`` (the demo
app uses the demo id as each page's ``url_path``). It starts without ``src``:
the page's script probes ``{demos_url}/_stcore/health`` and only loads the
iframe when the server answers, so a reader never sees a browser error page.
Until then (or if the server stops) the static result is shown: HTML that the
demo plugin computes with the same model at build time. Computing it can take
seconds, so it is cached on disk by demo id, input and glossary fingerprint.
If the fallback fails, the slot shows how to start the demos instead, and the
build logs a warning.

The slot's markup comes from the template ``sslgloss/demo-slot.html`` and the
static results' from ``sslgloss/demo-static-*.html`` (see
:mod:`sslgloss.site.templating`); a theme's ``custom_dir`` overrides both, in
this process and in the worker that computes the static results (the request
names the ``custom_dir``). What the templates say is part of the cache key, so
editing one recomputes the static results.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import quote, urlencode

import jinja2
from markupsafe import Markup

from ..storage import try_atomic_write
from ..site.sanitize import FallbackSanitizer
from ..site.templating import TEMPLATES, environment

class _WorkerError(Exception):
    pass


START_COMMAND = "make serve"
START_COMMAND_ALT = "sslgloss demos"


def demo_url(demos_url: str, demo_id: str, input_text: str | None, params: dict | None = None,
             embed: bool = True) -> str:
    """The URL of one demo page with its inputs preset.

    >>> demo_url("http://127.0.0.1:8501/", "masking", "The [MASK] sat.")
    'http://127.0.0.1:8501/masking?embed=true&input=The+%5BMASK%5D+sat.'
    """
    query: dict[str, str] = {}
    if embed:
        query["embed"] = "true"
    if input_text is not None:
        query["input"] = input_text
    for key, value in (params or {}).items():
        query.setdefault(str(key), str(value))
    url = f"{demos_url.rstrip('/')}/{quote(demo_id, safe='')}"
    return url + ("?" + urlencode(query) if query else "")


class FallbackCache:
    """Static demo results on disk, keyed by demo id + input + params + glossary fingerprint."""

    def __init__(self, root: Path, fingerprint: str):
        self.root = root
        self.fingerprint = fingerprint

    def path(self, demo_id: str, input_text: str | None, params: dict) -> Path:
        key = "\0".join([demo_id, input_text or "", repr(sorted(params.items())), self.fingerprint])
        digest = hashlib.sha256(key.encode()).hexdigest()[:20]
        return self.root / f"{demo_id}-{digest}.html"

    def get(self, demo_id: str, input_text: str | None, params: dict) -> str | None:
        try:
            return self.path(demo_id, input_text, params).read_text(encoding="utf-8")
        except OSError:
            return None

    def put(self, demo_id: str, input_text: str | None, params: dict, fragment: str) -> None:
        try_atomic_write(self.path(demo_id, input_text, params), fragment)

    def salted(self, salt: str) -> "FallbackCache":
        """The same folder, with ``salt`` (e.g. what the templates say) added to every key."""
        return FallbackCache(self.root, f"{self.fingerprint}:{salt}")


def custom_dir_of(templates: jinja2.Environment) -> str | None:
    """The theme's ``custom_dir`` an environment from :func:`~sslgloss.site.templating.environment` looks in first."""
    loader = templates.loader
    if not isinstance(loader, jinja2.FileSystemLoader):
        return None
    packaged = TEMPLATES.resolve()
    found = [str(p) for p in loader.searchpath if Path(p).resolve() != packaged]
    return found[0] if found else None


def templates_signature(templates: jinja2.Environment) -> str:
    """A digest of the static results' code and of the ``demo-*.html`` templates ``templates`` would use."""
    from . import static

    digest = hashlib.sha256(Path(static.__file__).read_bytes())
    try:
        names = sorted(n for n in templates.list_templates() if n.startswith("sslgloss/demo-"))
    except TypeError:  # a loader that cannot list its templates
        names = []
    for name in names:
        source, _, _ = templates.loader.get_source(templates, name)
        digest.update(b"\0" + name.encode() + b"\0" + source.encode())
    return digest.hexdigest()[:12]


class DemoSlots:
    """Renders the "Try it live" block of a term page.

    :meth:`prepare` computes every static result the pages need before any page is
    rendered: fallbacks named as ``"module:function"`` run in a worker process with a time
    limit (two at a time); plain callables (tests, tiny plugins) run in this process.
    ``templates`` (default: the packaged ones) writes the slot and the static results.
    """

    def __init__(self, demos: Iterable, demos_url: str, cache: FallbackCache | None, fallbacks: bool = True,
                 warn: Callable[[str], None] | None = None, timeout: float = 180.0, workers: int = 2,
                 templates: jinja2.Environment | None = None):
        self.demos = {d.id: d for d in demos}
        self.demos_url = demos_url.rstrip("/")
        self.templates = templates or environment()
        self.custom_dir = custom_dir_of(self.templates)
        self._slot = self.templates.get_template("sslgloss/demo-slot.html")
        self.cache = cache.salted(templates_signature(self.templates)) if cache else None
        self.fallbacks = fallbacks
        self.timeout = timeout
        self.workers = workers
        self.warn = warn or logging.getLogger("mkdocs.plugins.sslgloss").warning
        self._sanitizer = FallbackSanitizer()
        self._memo: dict[tuple, str | None] = {}

    @staticmethod
    def _key(spec) -> tuple:
        return (spec.id, spec.input, tuple(sorted(spec.params.items())))

    def prepare(self, terms: Iterable) -> None:
        """Compute (or load from the cache) the static result of every demo the terms embed."""
        if not self.fallbacks:
            return
        todo: dict[tuple, tuple] = {}
        for term in terms:
            for spec in term.demos:
                key = self._key(spec)
                if key in self._memo or key in todo or spec.id not in self.demos:
                    continue
                cached = self.cache.get(spec.id, spec.input, spec.params) if self.cache else None
                if cached is not None:
                    self._memo[key] = cached
                else:
                    todo[key] = (spec, term.path or term.id)
        if not todo:
            return
        with ThreadPoolExecutor(max_workers=max(1, self.workers)) as pool:
            for key, result in zip(todo, pool.map(lambda item: self._compute(*item), todo.values())):
                self._memo[key] = result

    def _compute(self, spec, where: str) -> str | None:
        demo = self.demos[spec.id]
        try:
            if isinstance(demo.fallback, str):
                fragment = self._run_worker(demo.fallback, spec)
            else:
                function = demo.fallback_function()
                if function is None:
                    return None
                from .static import templates_from

                with templates_from(self.custom_dir):
                    fragment = str(function(spec))
        except Exception as exc:  # a missing model or a bug in a plugin must not stop the site
            reason = str(exc) if isinstance(exc, _WorkerError) else f"{type(exc).__name__}: {exc}"
            self.warn(f"demo `{spec.id}` on {where}: no static result ({reason}); "
                      f"the page shows how to start the live demo instead")
            return None
        fragment = self._sanitizer.clean(fragment)
        if self.cache:
            self.cache.put(spec.id, spec.input, spec.params, fragment)
        return fragment

    def _run_worker(self, fallback: str, spec) -> str:
        request = json.dumps({"fallback": fallback, "spec": spec.model_dump(), "custom_dir": self.custom_dir})
        env = dict(os.environ, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
        try:
            done = subprocess.run([sys.executable, "-m", "sslgloss.demos.worker"], input=request,
                                  capture_output=True, text=True, timeout=self.timeout, env=env)
        except subprocess.TimeoutExpired:
            raise _WorkerError(f"`{fallback}` took more than {self.timeout:.0f} s") from None
        try:
            answer = json.loads(done.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            tail = (done.stderr or "").strip().splitlines()[-1:] or ["no output"]
            raise _WorkerError(f"`{fallback}` failed (exit {done.returncode}): {tail[0]}") from None
        if not answer.get("ok"):
            raise _WorkerError(answer.get("error", "unknown error"))
        return answer["html"]

    def static_result(self, spec, where: str) -> str | None:
        """The sanitised fallback fragment for a DemoSpec, or None if there is none."""
        if spec.id not in self.demos or not self.fallbacks:
            return None
        key = self._key(spec)
        if key not in self._memo:
            self._memo[key] = self._compute(spec, where)
        return self._memo[key]

    def render(self, term, where: str) -> str:
        """The slot of every demo ``term`` embeds, from ``sslgloss/demo-slot.html``."""
        blocks = []
        for spec in term.demos:
            demo = self.demos.get(spec.id)
            static = self.static_result(spec, where)
            html = self._slot.render(
                demo_id=spec.id,
                title=demo.title if demo else spec.id,
                health_url=f"{self.demos_url}/_stcore/health",
                live_url=demo_url(self.demos_url, spec.id, spec.input, spec.params),
                open_url=demo_url(self.demos_url, spec.id, spec.input, spec.params, embed=False),
                preset_input=spec.input,
                static=Markup(static) if static else None,  # sanitised by FallbackSanitizer
                start_command=START_COMMAND,
                start_command_alt=START_COMMAND_ALT,
            )
            blocks.append("\n".join(line for line in html.splitlines() if line.strip()))
        return "\n".join(blocks)
