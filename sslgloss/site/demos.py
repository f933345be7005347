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
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import quote, urlencode

from .sanitize import FallbackSanitizer

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
        path = self.path(demo_id, input_text, params)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(fragment, encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass


class DemoSlots:
    """Renders the "Try it live" block of a term page.

    :meth:`prepare` computes every static result the pages need before any page is
    rendered: fallbacks named as ``"module:function"`` run in a worker process with a time
    limit (two at a time); plain callables (tests, tiny plugins) run in this process.
    """

    def __init__(self, demos: Iterable, demos_url: str, cache: FallbackCache | None, fallbacks: bool = True,
                 warn: Callable[[str], None] | None = None, timeout: float = 180.0, workers: int = 2):
        self.demos = {d.id: d for d in demos}
        self.demos_url = demos_url.rstrip("/")
        self.cache = cache
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
        request = json.dumps({"fallback": fallback, "spec": spec.model_dump()})
        env = dict(os.environ, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
        try:
            done = subprocess.run([sys.executable, "-m", "sslgloss.site.fallback_worker"], input=request,
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
        blocks = []
        for spec in term.demos:
            demo = self.demos.get(spec.id)
            title = demo.title if demo else spec.id
            live = demo_url(self.demos_url, spec.id, spec.input, spec.params)
            open_url = demo_url(self.demos_url, spec.id, spec.input, spec.params, embed=False)
            static = self.static_result(spec, where)
            esc = html.escape
            preset = (f'<p class="sslgloss-demo__input">Preset input: <q>{esc(spec.input)}</q></p>'
                      if spec.input else "")
            if static:
                fallback = (f'<div class="sslgloss-demo__static"><p class="sslgloss-demo__static-label">'
                            f"Static result, computed when this site was built:</p>{static}</div>")
            else:
                fallback = ""
            blocks.append(
                f'<div class="sslgloss-demo" data-state="checking" data-demo="{esc(spec.id)}" '
                f'data-health="{esc(self.demos_url)}/_stcore/health">'
                f'<div class="sslgloss-demo__bar"><span class="sslgloss-demo__title">{esc(title)}</span>'
                f'<span class="sslgloss-demo__badge" aria-live="polite"></span>'
                f'<a class="sslgloss-demo__open" href="{esc(open_url)}" target="_blank" rel="noopener">'
                f"Open in a new tab</a></div>"
                f"{preset}"
                f'<div class="sslgloss-demo__live"><iframe data-src="{esc(live)}" title="{esc(title)} (live demo)" '
                f'loading="lazy" allow="clipboard-write"></iframe></div>'
                f'<div class="sslgloss-demo__offline">{fallback}'
                f'<p class="sslgloss-demo__how">The live demo runs on your computer. Start it with '
                f"<code>{START_COMMAND}</code> (or <code>{START_COMMAND_ALT}</code>) in the project folder; "
                f"this page connects by itself once it is up. "
                f'<button type="button" class="sslgloss-demo__retry">Check again</button></p></div>'
                f"</div>"
            )
        return "".join(blocks)
