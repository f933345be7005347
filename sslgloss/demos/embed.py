"""The demo slot of a term page: the live Streamlit demo in an iframe, and a static fallback.

The iframe points at ``{demos_url}/{demo id}?embed=true&input=...`` (the demo
app uses the demo id as each page's ``url_path``). It starts without ``src``:
the page's script probes ``{demos_url}/_stcore/health`` and only loads the
iframe when the server answers, so a reader never sees a browser error page.
Until then (or if the server stops) the static result is shown: HTML that the
demo plugin computes with the same model. Computing it can take seconds, so a
site build never does it for a result it has: results are cached on disk and the
core glossary's ship precomputed (:class:`FallbackCache`, ``sslgloss demos static``);
``mkdocs serve`` computes missing or outdated ones in the background.
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
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator
from urllib.parse import quote, urlencode

import jinja2
from markupsafe import Markup

from ..extras import INSTALL_DEMOS, demos_installed
from ..storage import try_atomic_write
from ..site.sanitize import FallbackSanitizer
from ..site.templating import TEMPLATES, environment
from .keys import templates_signature

class _WorkerError(Exception):
    pass


def run_worker(module: str, request, timeout: float, what: str) -> dict:
    """Run ``python -m module`` with ``request`` as JSON on stdin and a time limit; its last line of JSON output.

    The worker answers ``{"ok": true, ...}`` or ``{"ok": false, "error": ...}``; a time-out, a crash or
    an error is a :class:`_WorkerError` whose message names ``what`` (the build reports it in one line).
    """
    env = dict(os.environ, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    try:
        done = subprocess.run([sys.executable, "-m", module], input=json.dumps(request),
                              capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        raise _WorkerError(f"{what} took more than {timeout:.0f} s") from None
    try:
        answer = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        tail = (done.stderr or "").strip().splitlines()[-1:] or ["no output"]
        raise _WorkerError(f"{what} failed (exit {done.returncode}): {tail[0]}") from None
    if not answer.get("ok"):
        raise _WorkerError(answer.get("error", "unknown error"))
    return answer


_IN_FLIGHT: set[tuple] = set()  # (cache folder, result key) being computed in a background thread
_IN_FLIGHT_LOCK = threading.Lock()


#: results precomputed for the core glossary, shipped with the package (``sslgloss site demo-results`` writes them)
SHIPPED_RESULTS = Path(__file__).parent / "static-results"

START_COMMAND = "make serve"
START_COMMAND_ALT = "sslgloss demos"


def needs_missing_extra(demo) -> bool:
    """True for a core demo (its static result is computed by sslgloss's own models) without the `demos` extra."""
    fallback = getattr(demo, "fallback", None)
    return isinstance(fallback, str) and fallback.startswith("sslgloss.") and not demos_installed()


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


@dataclass(frozen=True)
class Cached:
    html: str
    fresh: bool  # False: computed for an earlier text of the same terms (see FallbackCache)


def terms_key(term_ids: Iterable[str]) -> str:
    """A digest of which terms a glossary has (not what they say)."""
    return hashlib.sha256("\0".join(sorted(term_ids)).encode()).hexdigest()[:8]


class FallbackCache:
    """Static demo results on disk, one file each: ``{demo}-{what}-{terms}-{text}.html``.

    ``what`` digests the input, the params and the salt (the templates and the code that
    write the results). Most demos do not read the glossary, so ``terms`` and ``text`` are
    ``any`` and no term edit touches them. A demo that does (semantic search ranks the
    glossary's terms) names the glossary's term ids (``terms``) and its whole text
    (``text``, the fingerprint): after an edit that keeps the same terms, the earlier result
    is *stale* — still right about which terms exist, shown at once, recomputed when the
    caller chooses. ``shipped`` is a read-only folder of results precomputed for the core
    glossary (the package ships them, ``sslgloss demos static`` writes them), so a fresh
    clone's first build computes nothing.
    """

    def __init__(self, root: Path, fingerprint: str, terms: str = "", shipped: Path | None = None, salt: str = ""):
        self.root = root
        self.fingerprint = fingerprint
        self.terms = terms or fingerprint
        self.shipped = shipped
        self.salt = salt

    def _what(self, demo_id: str, input_text: str | None, params: dict) -> str:
        key = "\0".join([demo_id, input_text or "", repr(sorted(params.items())), self.salt])
        return f"{demo_id}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"

    def path(self, demo_id: str, input_text: str | None, params: dict, reads_glossary: bool = True) -> Path:
        glossary = f"{self.terms[:8]}-{self.fingerprint[:12]}" if reads_glossary else "any-any"
        return self.root / f"{self._what(demo_id, input_text, params)}-{glossary}.html"

    def get(self, demo_id: str, input_text: str | None, params: dict, reads_glossary: bool = True) -> Cached | None:
        name = self.path(demo_id, input_text, params, reads_glossary).name
        folders = [self.root] + ([self.shipped] if self.shipped else [])
        for folder in folders:
            found = _read(folder / name)
            if found is not None:
                return Cached(found, fresh=True)
        if not reads_glossary:
            return None
        pattern = f"{self._what(demo_id, input_text, params)}-{self.terms[:8]}-*.html"
        stale = sorted((p for folder in folders for p in folder.glob(pattern)), key=_mtime, reverse=True)
        for candidate in stale:
            found = _read(candidate)
            if found is not None:
                return Cached(found, fresh=False)
        return None

    def put(self, demo_id: str, input_text: str | None, params: dict, fragment: str, reads_glossary: bool = True) -> None:
        try_atomic_write(self.path(demo_id, input_text, params, reads_glossary), fragment)

    def salted(self, salt: str) -> "FallbackCache":
        """The same folders, with ``salt`` (e.g. what the templates say) added to every key."""
        return FallbackCache(self.root, self.fingerprint, self.terms, self.shipped, f"{self.salt}:{salt}")


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def custom_dir_of(templates: jinja2.Environment) -> str | None:
    """The theme's ``custom_dir`` an environment from :func:`~sslgloss.site.templating.environment` looks in first."""
    loader = templates.loader
    if not isinstance(loader, jinja2.FileSystemLoader):
        return None
    packaged = TEMPLATES.resolve()
    found = [str(p) for p in loader.searchpath if Path(p).resolve() != packaged]
    return found[0] if found else None


class DemoSlots:
    """Renders the "Try it live" block of a term page.

    :meth:`prepare` computes every static result the pages need before any page is
    rendered: fallbacks named as ``"module:function"`` run in a worker process with a time
    limit (two at a time); plain callables (tests, tiny plugins) run in this process.
    ``templates`` (default: the packaged ones) writes the slot and the static results.
    """

    def __init__(self, demos: Iterable, demos_url: str, cache: FallbackCache | None, fallbacks: bool = True,
                 warn: Callable[[str], None] | None = None, timeout: float = 180.0, workers: int = 2,
                 templates: jinja2.Environment | None = None, note: Callable[[str], None] | None = None):
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
        self.note = note or logging.getLogger("mkdocs.plugins.sslgloss").info
        self._sanitizer = FallbackSanitizer()
        self._memo: dict[tuple, str | None] = {}
        self._told_install = False

    @staticmethod
    def _key(spec) -> tuple:
        return (spec.id, spec.input, tuple(sorted(spec.params.items())))

    def prepare(self, terms: Iterable, background: bool = False) -> None:
        """Find (or compute) the static result of every demo the terms embed.

        A result the cache holds is used as it is; a stale one (see :class:`FallbackCache`)
        too. With ``background`` (``mkdocs serve``) nothing is computed while the reader
        waits: missing and stale results are computed in a thread and show on the next
        rebuild. Otherwise missing ones are computed now and stale ones are left for
        an explicit refresh (named in one log line).
        """
        if not self.fallbacks:
            return
        missing: dict[tuple, tuple] = {}
        stale: dict[tuple, tuple] = {}
        for key, spec, where, hit in self._lookups(terms, known=self._memo):
            if hit is None:
                missing[key] = (spec, where)
                continue
            self._memo[key] = hit.html
            if not hit.fresh:
                stale[key] = (spec, where)
        if background:
            for key in missing:
                self._memo[key] = None
            self._refresh_in_background({**missing, **stale})
            return
        if stale:
            self.note(f"{len(stale)} static demo result(s) were computed for an earlier text of the glossary; "
                      f"`sslgloss site demo-results` or `mkdocs serve` recomputes them")
        self._compute_all(missing)

    def outdated(self, terms: Iterable) -> list[tuple[object, str, str]]:
        """(spec, where, "missing" or "stale") for every static result the cache does not hold as it is now."""
        return [(spec, where, "missing" if hit is None else "stale")
                for _, spec, where, hit in self._lookups(terms) if hit is None or not hit.fresh]

    def _lookups(self, terms: Iterable, known: Iterable = ()) -> Iterator[tuple[tuple, object, str, Cached | None]]:
        """(key, spec, where, what the cache holds) once per demo spec the terms embed, skipping ``known`` keys."""
        seen = set(known)
        for term in terms:
            for spec in term.demos:
                key = self._key(spec)
                if key in seen or spec.id not in self.demos:
                    continue
                seen.add(key)
                hit = self.cache.get(spec.id, spec.input, spec.params, self._reads(spec)) if self.cache else None
                yield key, spec, term.path or term.id, hit

    def refresh(self, items: list[tuple]) -> int:
        """Compute ``items`` (from :meth:`outdated`) now; the number that failed (each one was warned about)."""
        todo = {self._key(spec): (spec, where) for spec, where, _ in items}
        self._compute_all(todo)
        return sum(1 for key in todo if self._memo.get(key) is None)

    def result_files(self, terms: Iterable) -> set[Path]:
        """The cache files the terms' demos use as they are now."""
        if self.cache is None:
            return set()
        return {self.cache.path(spec.id, spec.input, spec.params, self._reads(spec))
                for term in terms for spec in term.demos if spec.id in self.demos}

    def _reads(self, spec) -> bool:
        return bool(getattr(self.demos.get(spec.id), "reads_glossary", False))

    def _compute_all(self, todo: dict[tuple, tuple]) -> None:
        if not todo:
            return
        with ThreadPoolExecutor(max_workers=max(1, self.workers)) as pool:
            for key, result in zip(todo, pool.map(lambda item: self._compute(*item), todo.values())):
                self._memo[key] = result

    def _refresh_in_background(self, todo: dict[tuple, tuple]) -> None:
        with _IN_FLIGHT_LOCK:
            todo = {k: v for k, v in todo.items() if (self.cache.root, k) not in _IN_FLIGHT}
            _IN_FLIGHT.update((self.cache.root, k) for k in todo)
        if not todo:
            return
        self.note(f"computing {len(todo)} static demo result(s) in the background; they show on the next rebuild")

        def run() -> None:
            try:
                with ThreadPoolExecutor(max_workers=1) as pool:  # one at a time: the reader's builds come first
                    list(pool.map(lambda item: self._compute(*item), todo.values()))
            finally:
                with _IN_FLIGHT_LOCK:
                    _IN_FLIGHT.difference_update((self.cache.root, k) for k in todo)

        threading.Thread(target=run, name="sslgloss-static-results", daemon=True).start()

    def _compute(self, spec, where: str) -> str | None:
        demo = self.demos[spec.id]
        if needs_missing_extra(demo):
            if not self._told_install:
                self._told_install = True
                self.note(f"the live demos are not installed, so the core demos' slots without a shipped result "
                          f"say how to install them: `{INSTALL_DEMOS}`")
            return None
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
            self.cache.put(spec.id, spec.input, spec.params, fragment, self._reads(spec))
        return fragment

    def _run_worker(self, fallback: str, spec) -> str:
        request = {"fallback": fallback, "spec": spec.model_dump(), "custom_dir": self.custom_dir}
        return run_worker("sslgloss.demos.worker", request, self.timeout, f"`{fallback}`")["html"]

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
                install_command=INSTALL_DEMOS if demo is not None and needs_missing_extra(demo) else None,
            )
            blocks.append("\n".join(line for line in html.splitlines() if line.strip()))
        return "\n".join(blocks)
