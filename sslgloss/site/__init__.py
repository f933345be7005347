"""The site: the MkDocs plugin (plugin.py) and the plain classes it drives to build the glossary's pages."""
