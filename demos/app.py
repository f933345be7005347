"""The sslgloss demo app: one Streamlit page per registered demo, plus a home page listing them.

Run it with ``sslgloss demos`` (or ``streamlit run demos/app.py``). Each demo
is served at ``/<demo id>`` (its ``url_path``), which is what term pages put
in their iframes, e.g. ``/masked-image?embed=true``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

if str(Path(__file__).resolve().parent) not in sys.path:  # `import common` however the app is started
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import registry  # noqa: E402


def home() -> None:
    st.title("sslgloss demos")
    st.write("Small self-supervised models, trained by sslgloss's own code on this machine's CPU. "
             "Pick a demo; every input is in the URL, so you can share exactly what you see.")
    ready, missing = registry.available_demos()
    for demo in ready:
        with st.container(border=True):
            st.page_link(pages[demo.id], label=demo.title, icon=demo.icon)
            about = registry.description(demo)
            if about:
                st.write(about)
            if demo.terms:
                st.caption("Illustrates: " + " · ".join(common.term_link(t) for t in demo.terms))
    if not ready:
        st.info("No demo page is available yet.")
    if missing:
        st.caption("Registered but without a page file yet: " + ", ".join(f"`{d.id}`" for d in missing))
    st.caption(f"Glossary site: {common.site_url()}")


common.setup_page("Demos", ":material/science:", back_link=False)
ready_demos, _ = registry.available_demos()
pages = {demo.id: st.Page(Path(demo.script), title=demo.title, icon=demo.icon, url_path=demo.id)
         for demo in ready_demos}
home_page = st.Page(home, title="All demos", icon=":material/home:", url_path="home", default=True)
current = st.navigation([home_page, *pages.values()], position="hidden" if common.is_embedded() else "sidebar")
current.run()
