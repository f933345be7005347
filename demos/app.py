"""The sslgloss demo app: one Streamlit page per registered demo, plus a home page listing them.

Run it with ``sslgloss demos`` (or ``streamlit run demos/app.py``). Each demo
is served at ``/<demo id>`` (its ``url_path``), which is what term pages put
in their iframes, e.g. ``/masked-image?embed=true``.
"""

from __future__ import annotations

import os

# One OpenMP thread per model call, set before any page imports torch: every session's script runs in a
# thread of its own, and a call fanning out over every core would spin against the other sessions' calls.
# (`sslgloss demos` sets it in the environment already; this covers `streamlit run demos/app.py`.)
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

from pathlib import Path  # noqa: E402

import streamlit as st  # noqa: E402


from sslgloss.demos import page  # noqa: E402
from sslgloss.demos import catalog  # noqa: E402


@st.cache_resource(show_spinner=False)
def demo_list():
    """The demos with a page file, and those without (plugins are loaded once per process)."""
    return catalog.available_demos()


@st.cache_resource(show_spinner=False)
def description(script: str) -> str:
    ready, _ = demo_list()
    return next((catalog.description(d) for d in ready if str(d.script) == script), "")


def home() -> None:
    st.title("sslgloss demos")
    st.write("Small self-supervised models, trained by sslgloss's own code on this machine's CPU. "
             "Pick a demo; every input is in the URL, so you can share exactly what you see.")
    ready, missing = demo_list()
    for demo in ready:
        with st.container(border=True):
            st.page_link(pages[demo.id], label=demo.title, icon=demo.icon)
            about = description(str(demo.script))
            if about:
                st.write(about)
            if demo.terms:
                st.caption("Illustrates: " + " · ".join(page.term_link(t) for t in demo.terms))
    if not ready:
        st.info("No demo page is available yet.")
    if missing:
        st.caption("Registered but without a page file yet: " + ", ".join(f"`{d.id}`" for d in missing))
    st.caption(f"Glossary site: {page.site_url()}")


page.setup_page("Demos", ":material/science:", back_link=False)
ready_demos, _ = demo_list()
pages = {demo.id: st.Page(Path(demo.script), title=demo.title, icon=demo.icon, url_path=demo.id)
         for demo in ready_demos}
home_page = st.Page(home, title="All demos", icon=":material/home:", url_path="home", default=True)
current = st.navigation([home_page, *pages.values()], position="hidden" if page.is_embedded() else "sidebar")
current.run()
