"""The core glossary's term files: one Markdown file per term (see docs/contributing/add-a-term.md).

The plugin that registers them is :mod:`sslgloss.core`.
"""
