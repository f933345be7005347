"""How a demo page behaves: its state and URL, its embed mode, its explanations and its errors.

A page file in ``demos/views/`` starts with::

    from sslgloss.demos import page
    page.setup_page("Masking: fill in the blank", ":material/text_fields:")
    state = page.PageState("masking")
    text = state.param("input", DEFAULT_TEXT, parse)
    st.text_area("Text", key=state.key("input"), on_change=state.sync, args=("input", DEFAULT_TEXT))

Each input lives under a page-scoped session key (``masking:input``), so a
page switch never carries one page's ``input`` into another; its value comes
from ``?input=`` on the session's first run and goes back to the URL when the
learner changes it, so the URL always reproduces what the learner sees (term
pages preset inputs the same way). Expected failures (any ``SslglossError``)
are shown with ``st.error`` inside ``with guard():``, never as a traceback.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Any, Callable, Iterator

import streamlit as st

from ..errors import InputError, SslglossError
from .checks import parse_choice

SITE_URL_ENV = "SSLGLOSS_SITE_URL"
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"
FAVICON = Path(__file__).with_name("favicon.png")
TERM_PATH = "terms/{id}/"  # where the site puts a term page (sslgloss/site/builder.py: TERM_PREFIX)

# ?embed=true: the page lives in an iframe on a term page, whose card already has the demo's title.
EMBED_CSS = """
<style>
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebar"],
[data-testid="stSidebarCollapsedControl"], [data-testid="stDecoration"], footer { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container { padding: 0.5rem 0.75rem 0.75rem !important; max-width: 100% !important; }
[data-testid="stAppViewContainer"] { top: 0 !important; }
[data-testid="stMainBlockContainer"] h1:first-of-type { display: none; }
html, body, [data-testid="stAppViewContainer"], [data-testid="stMain"] { overflow-y: hidden !important; height: auto !important; min-height: 0 !important; }
[data-testid="stTabs"] [role="tablist"] { flex-wrap: wrap; }
</style>
"""

# The term page sizes its iframe to the demo's content: this script reports the content's height to the
# parent page whenever it changes (a tab switch, a longer table). Only a number crosses; the site checks
# that the message comes from its own iframe and from the demo server's origin.
EMBED_HEIGHT_SCRIPT = """
<script>
(function () {
  var w = window.parent === window ? null : window;
  if (!w || w.__sslglossHeight) return;
  w.__sslglossHeight = true;
  var last = 0;
  function report() {
    var block = document.querySelector('[data-testid="stMainBlockContainer"]');
    if (!block) return;
    var height = Math.ceil(block.getBoundingClientRect().height);
    if (Math.abs(height - last) < 2) return;
    last = height;
    window.parent.postMessage({sslgloss: "demo-height", height: height}, "*");
  }
  function watch() {
    var block = document.querySelector('[data-testid="stMainBlockContainer"]');
    if (!block) { setTimeout(watch, 100); return; }
    new ResizeObserver(report).observe(block);
    report();
  }
  watch();
})();
</script>
"""


def is_embedded() -> bool:
    """True when the URL has ``?embed=true`` (Streamlit keeps it out of ``st.query_params``)."""
    return bool(st.context.is_embedded)


def setup_page(title: str, icon: str | None = None, back_link: bool = True) -> None:
    """Page title and icon; a link back to the list of demos; in embed mode no chrome, and a frame that fits."""
    embedded = is_embedded()
    # A local favicon: given a ":material/...:" icon, Streamlit would fetch the favicon from Google's servers,
    # and the demos promise to work offline. ``icon`` still marks the page in the navigation.
    st.set_page_config(page_title=f"{title} · sslgloss demos", page_icon=str(FAVICON), layout="centered",
                       initial_sidebar_state="collapsed" if embedded else "auto")
    if embedded:
        st.html(EMBED_CSS + EMBED_HEIGHT_SCRIPT, unsafe_allow_javascript=True)
    elif back_link:
        st.markdown("[:material/arrow_back: All demos](./)")


# ----------------------------------------------------------------------------- a page's state

class PageState:
    """A page's inputs: page-scoped session keys, read from and written back to the URL.

    ``param`` gives the value (``?name=`` on the first run, parsed by
    ``parse``; a bad URL value is reported with ``st.error`` and the default
    is used); a widget shows it with ``key=state.key(name)`` and keeps the URL
    in step with ``on_change=state.sync, args=(name, default[, fmt])``.
    """

    def __init__(self, page_id: str):
        self.page_id = page_id

    def key(self, name: str) -> str:
        return f"{self.page_id}:{name}"

    def _from_url(self, name: str, default: Any, parse: Callable[[str], Any]) -> Any:
        raw = st.query_params.get(name)
        if raw is None:
            return default
        try:
            return parse(raw)
        except (InputError, ValueError) as err:
            st.error(f"The link's `{name}` parameter was not used: {err}", icon=":material/error:")
            return default

    def param(self, name: str, default: Any, parse: Callable[[str], Any] = str) -> Any:
        if self.key(name) not in st.session_state:
            st.session_state[self.key(name)] = self._from_url(name, default, parse)
        return st.session_state[self.key(name)]

    def initial(self, name: str, default: Any, parse: Callable[[str], Any] = str) -> Any:
        """The start value of a widget inside a tab that may be hidden: pass it as ``value=``.

        A widget in a hidden tab whose value was only put into session state
        beforehand comes back empty from the browser on the next rerun, so such
        widgets get their first value through ``value=`` and keep this one apart.
        """
        store = self.key(name) + ":initial"
        if store not in st.session_state:
            st.session_state[store] = self._from_url(name, default, parse)
        return st.session_state[store]

    def sync(self, name: str, default: Any = None, fmt: Callable[[Any], str] = str) -> None:
        """Widget callback: write the value back to ``?name=`` (dropped when it equals the default).

        A widget that started from :meth:`initial` keeps its new value there too, so that it comes
        back with it when a lazy tab or expander that holds it is closed and opened again.
        """
        value = st.session_state.get(self.key(name))
        if self.key(name) + ":initial" in st.session_state:
            st.session_state[self.key(name) + ":initial"] = value
        if value is None or value == default:
            if name in st.query_params:
                del st.query_params[name]
        else:
            st.query_params[name] = fmt(value)

    def set(self, name: str, value: Any, default: Any = None, fmt: Callable[[Any], str] = str) -> None:
        """Change an input from code (a button's callback), keeping the URL in step."""
        st.session_state[self.key(name)] = value
        self.sync(name, default, fmt)

    def tabs(self, labels: list[str], name: str = "tab") -> list:
        """Tabs that compute only the open one (``tab.open``), the open tab kept in ``?name=``.

        A widget inside a tab that is not open is not drawn, so Streamlit forgets its value: give
        such widgets ``value=state.initial(...)`` and ``on_change=state.sync`` (sync keeps it there).
        """
        self.param(name, labels[0], parse_choice(labels))
        return st.tabs(labels, key=self.key(name), on_change=self.sync, args=(name, labels[0]))


# ----------------------------------------------------------------------------- explanations and links

def site_url() -> str:
    base = os.environ.get(SITE_URL_ENV) or DEFAULT_SITE_URL
    return base if base.endswith("/") else base + "/"


def term_url(term_id: str) -> str:
    return site_url() + TERM_PATH.format(id=term_id)


@st.cache_resource(show_spinner=False)
def _term_titles() -> dict[str, str]:
    """Term id -> title from the installed glossary; empty if it cannot be loaded (links then use the id)."""
    try:
        from .. import load_glossary

        return {term_id: term.title for term_id, term in load_glossary().terms.items()}
    except Exception:  # the demos must work even while a term plugin is broken
        return {}


def term_title(term_id: str) -> str:
    return _term_titles().get(term_id) or term_id.replace("-", " ").capitalize()


def term_link(term_id: str, text: str | None = None) -> str:
    """A Markdown link to a term's page on the glossary site."""
    return f"[{text or term_title(term_id)}]({term_url(term_id)})"


def explain(body: str, terms: list[str], expanded: bool = False) -> None:
    """A "What is happening?" expander: the explanation, then links to the terms it illustrates."""
    with st.expander("What is happening?", expanded=expanded, icon=":material/school:"):
        st.markdown(body)
        if terms:
            st.markdown("**Glossary:** " + " · ".join(term_link(t) for t in terms))


def md_escape(text: str) -> str:
    """Show text literally in st.markdown: no emphasis, links, images or HTML from the learner or a model."""
    return re.sub(r"([\\`*_{}\[\]<>()#+\-.!|~$])", r"\\\1", text)


def show_notices(notices) -> None:
    """What a model changed about the input (cut, unknown pieces...), as info boxes."""
    for notice in dict.fromkeys(notices or []):
        st.info(notice[:1].upper() + notice[1:] + ".", icon=":material/info:")


def model_note(lm) -> str:
    """One line about a text model that answered: its size and how it was trained (from its checkpoint)."""
    config, meta = lm.model.config, lm.checkpoint.meta or {}
    size = sum(p.numel() for p in lm.model.parameters()) / 1e6
    made = f", trained for {meta['steps']:,} steps" if isinstance(meta.get("steps"), int) else ""
    command = f" by `{meta['command']}`" if meta.get("command") else ""
    return (f"Model: {config.n_layers} layers, {config.d_model} numbers per token, {size:.1f} M parameters"
            f"{made}{command}.")


def bootstrap_note() -> None:
    """One line under the title saying these are small models trained on this machine."""
    st.caption("A small self-supervised model trained by sslgloss's own code on this machine's CPU; "
               "nothing is downloaded.")


# ----------------------------------------------------------------------------- errors and progress

@contextlib.contextmanager
def guard() -> Iterator[None]:
    """Show an expected failure as ``st.error`` (its message says what to do) and carry on with the page."""
    try:
        yield
    except SslglossError as err:
        st.error(str(err), icon=":material/error:")


@contextlib.contextmanager
def progress_bar(label: str) -> Iterator[Callable[[float, str], None]]:
    """A progress callback ``(fraction, message)``; the bar appears on the first report and goes at the end."""
    slot = st.empty()
    bar = None

    def update(fraction: float, message: str) -> None:
        nonlocal bar
        text = f"{label}: {message}"
        if bar is None:
            bar = slot.progress(fraction, text=text)
        else:
            bar.progress(fraction, text=text)

    try:
        yield update
    finally:
        slot.empty()
