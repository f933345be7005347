"""What every demo page shares: URL parameters, embed mode, explanations with term links, errors, progress.

A page starts with ``common.setup_page(...)``, reads each input with
``param(name, default, parse)`` and gives the widget ``key=name`` and
``on_change=sync_param, args=(name, default, fmt)``, so that the URL always
reproduces what the learner sees (a term page presets inputs the same way).
Expected failures (``SslglossError``, including ``InputError``) are shown
with ``st.error`` inside ``with guard():``, never as a traceback.
"""

from __future__ import annotations

import contextlib
import os
import re
from typing import Any, Callable, Iterator

import streamlit as st

from sslgloss.errors import InputError, SslglossError

SITE_URL_ENV = "SSLGLOSS_SITE_URL"
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"
TERM_PATH = "terms/{id}/"  # where the MkDocs site puts a term page (sslgloss/site/builder.py: TERM_PREFIX)

EMBED_CSS = """
<style>
/* ?embed=true: the page lives in an iframe on a term page, so keep only the demo itself */
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebar"],
[data-testid="stSidebarCollapsedControl"], [data-testid="stDecoration"], footer { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container { padding: 0.75rem 1rem 1rem 1rem !important; max-width: 100% !important; }
[data-testid="stAppViewContainer"] { top: 0 !important; }
</style>
"""


MAX_TEXT_CHARS = 2_000  # a demo input is a sentence or a paragraph; more is a paste gone wrong
# C0/C1 control characters (tab and newlines are fine) and the bidi overrides that can make text read
# differently from what the model sees; zero-width joiners stay allowed (emoji sequences use them).
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def check_typed_text(text: Any, *, what: str, empty: str, max_chars: int = MAX_TEXT_CHARS,
                     instead: str = "Paste a sentence or a paragraph instead.", reads: str = "this demo reads") -> str:
    """The checks every text box shares: not empty, not too long, no invisible control characters.

    Raises InputError naming the box (``what``) and what to do; ``empty`` is the advice for an empty box.
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"The {what} is empty. {empty}")
    if len(text) > max_chars:
        raise InputError(f"The {what} has {len(text):,} characters; {reads} at most {max_chars:,}. {instead}")
    bad = CONTROL_CHARS.search(text)
    if bad:
        retype = "query" if what == "query" else "text"
        raise InputError(f"The {what} contains an invisible control character (U+{ord(bad.group()):04X}) at "
                         f"position {bad.start() + 1}; delete it, or retype the {retype} instead of pasting it.")
    return text


def check_has_english_words(text: str, *, what: str, no_words: str, not_english: str) -> None:
    """InputError if ``text`` has no letters or digits at all, or none in English (ASCII) script."""
    if not any(ch.isalnum() for ch in text):
        raise InputError(f"The {what} has no words, only symbols or emoji, so {no_words}")
    if not any(ch.isascii() and ch.isalnum() for ch in text):
        raise InputError(f"The {what} has no English words. {not_english}")


def truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def is_embedded() -> bool:
    """True when the URL has ``?embed=true`` (Streamlit's own flag, which we also style for).

    Streamlit keeps ``embed`` out of ``st.query_params``; ``st.context.is_embedded``
    reports it (Streamlit >= 1.46). Older versions pass it through the query params.
    """
    embedded = getattr(st.context, "is_embedded", None)
    if embedded is not None:
        return bool(embedded)
    return truthy(st.query_params.get("embed"))


def setup_page(title: str, icon: str | None = None, back_link: bool = True) -> None:
    """Page title and icon; a link back to the list of demos; in embed mode no chrome (fits an iframe)."""
    embedded = is_embedded()
    st.set_page_config(page_title=f"{title} · sslgloss demos", page_icon=icon, layout="centered",
                       initial_sidebar_state="collapsed" if embedded else "auto")
    if embedded:
        st.html(EMBED_CSS)
    elif back_link:
        st.markdown("[:material/arrow_back: All demos](./)")


# ----------------------------------------------------------------------------- URL parameters

def param(name: str, default: Any, parse: Callable[[str], Any] = str) -> Any:
    """The current value of input ``name``; on a session's first run it comes from ``?name=`` in the URL.

    The value is kept in ``st.session_state[name]``, so a widget with
    ``key=name`` shows it. A URL value that ``parse`` rejects (an
    ``InputError`` or ``ValueError``) is reported with ``st.error`` and the
    default is used instead.
    """
    if name not in st.session_state:
        raw = st.query_params.get(name)
        value = default
        if raw is not None:
            try:
                value = parse(raw)
            except (InputError, ValueError) as err:
                st.error(f"The link's `{name}` parameter was not used: {err}")
        st.session_state[name] = value
    return st.session_state[name]


def sync_param(name: str, default: Any = None, fmt: Callable[[Any], str] = str) -> None:
    """Widget callback: write the widget's value back to ``?name=`` (dropped when it equals the default)."""
    value = st.session_state.get(name)
    if value is None or value == default:
        if name in st.query_params:
            del st.query_params[name]
    else:
        st.query_params[name] = fmt(value)


def set_param(name: str, value: Any, default: Any = None, fmt: Callable[[Any], str] = str) -> None:
    """Change an input from code (a button's callback), keeping the URL in step."""
    st.session_state[name] = value
    sync_param(name, default, fmt)


def parse_int(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise InputError(f"`{text}` is not a whole number; use {low} to {high}") from None
        if not low <= value <= high:
            raise InputError(f"{value} is out of range; use {low} to {high}")
        return value

    return parse


def parse_choice(choices: list[str] | tuple[str, ...]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in choices:
            raise InputError(f"`{text}` is not one of {', '.join(f'`{c}`' for c in choices)}")
        return text

    return parse


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
        from sslgloss import load_glossary

        return {term_id: term.title for term_id, term in load_glossary().terms.items()}
    except Exception:  # the demos must work even while a term plugin is broken
        return {}


def term_title(term_id: str) -> str:
    return _term_titles().get(term_id) or term_id.replace("-", " ").capitalize()


def term_link(term_id: str, text: str | None = None) -> str:
    """A Markdown link to a term's page on the glossary site (opens in a new tab)."""
    return f"[{text or term_title(term_id)}]({term_url(term_id)})"


def explain(body: str, terms: list[str], expanded: bool = False) -> None:
    """A "What is happening?" expander: the explanation, then links to the terms it illustrates."""
    with st.expander("What is happening?", expanded=expanded, icon=":material/school:"):
        st.markdown(body)
        if terms:
            st.markdown("**Glossary:** " + " · ".join(term_link(t) for t in terms))


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


def bootstrap_note() -> None:
    """One line under the title saying these are small models trained on this machine."""
    st.caption("A small self-supervised model trained by sslgloss's own code on this machine's CPU; "
               "nothing is downloaded.")
