"""sslgloss: a glossary of self-supervised learning built from a typed concept graph.

>>> from sslgloss import load_glossary, learning_path
>>> glossary = load_glossary()
>>> learning_path(glossary, "self-supervised-learning")[0]
'machine-learning'
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import GlossaryError, InputError, ModelError, Problem, SslglossError, UnknownTermError
from .glossary import Glossary, load_glossary
from .graph import backlinks, central_terms, clusters, learning_path, neighbours, shortest_path
from .hookspecs import DemoPage, hookimpl
from .plugins import iter_demos
from .relations import RelationType
from .schema import DemoSpec, Reference, Term

__all__ = [
    "DemoPage",
    "DemoSpec",
    "Glossary",
    "GlossaryError",
    "InputError",
    "ModelError",
    "Problem",
    "Reference",
    "RelationType",
    "SslglossError",
    "Term",
    "UnknownTermError",
    "__version__",
    "backlinks",
    "central_terms",
    "clusters",
    "hookimpl",
    "iter_demos",
    "learning_path",
    "load_glossary",
    "neighbours",
    "shortest_path",
]
