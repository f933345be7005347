"""Everything about the live demos except the Streamlit page files themselves.

One module per question a newcomer asks:

- what a demo is: :class:`sslgloss.DemoPage` (``sslgloss/hookspecs.py``), the
  core glossary's demos and their default inputs: :mod:`.catalog`;
- what input a demo accepts: :mod:`.checks`;
- how a page keeps its state (URL parameters, per-page session keys), its
  embed mode and its explanations: :mod:`.page`;
- the static results a term page shows when the demo server is down:
  :mod:`.static`, computed at build time in :mod:`.worker`;
- the demo slot of a term page (iframe and fallback): :mod:`.embed`;
- starting the demo server: :mod:`.launcher` (``sslgloss demos``).

The Streamlit app itself (``app.py`` and one page per demo) lives in the
repository's top-level ``demos/`` folder, installed as
:mod:`sslgloss.demos.streamlit_app`.
"""
