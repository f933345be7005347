"""Options of the sslgloss MkDocs plugin (``plugins: - sslgloss: ...`` in mkdocs.yml)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

# `sslgloss serve --terms-dir DIR` passes extra folders of term files to the plugin through this variable
# (absolute paths joined by os.pathsep), so a folder can be served without editing mkdocs.yml.
TERM_DIRS_ENV = "SSLGLOSS_TERM_DIRS"


class SslglossConfig(base.Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing its configuration."""
    term_dirs = c.ListOfItems(c.Type(str), default=[])
    """Folders of term files to add, relative to mkdocs.yml (a folder counts as a term plugin)."""
    entry_points = c.Type(bool, default=True)
    """Load the installed term plugins (the core glossary among them); off builds ``term_dirs`` only."""
    demos_url = c.Type(str, default="http://127.0.0.1:8501")
    """Where the Streamlit demo app runs; term pages embed ``{demos_url}/{demo id}?embed=true``."""
    demo_fallbacks = c.Type(bool, default=True)
    """Compute each demo's static result at build time (cached on disk) for when the app is down.
    The environment variable SSLGLOSS_SITE_FALLBACKS=0 turns this off too (e.g. for quick test builds)."""
    demo_fallback_timeout = c.Type(int, default=180)
    """Seconds one demo's static result may take to compute before the page goes without it."""
    allow_raw_html = c.Type(bool, default=False)
    """Trust raw HTML in term prose; by default it is sanitised with nh3."""
    autolink = c.Type(bool, default=True)
    """Link the first mention of every term on every page."""
    graph_layout_seed = c.Type(int, default=42)
    """Seed of the build-time layout of the graph page."""
    atomic_build = c.Type(bool, default=True)
    """Build into a temporary folder and swap it into site_dir only when the build succeeds."""
