"""The sslgloss Streamlit demo app (installed as ``sslgloss.demos.streamlit_app``); see app.py."""
