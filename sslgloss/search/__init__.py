"""Search the glossary by meaning (MiniLM embeddings), by keywords (BM25), or both (hybrid).

>>> from sslgloss.search import get_engine
>>> engine = get_engine()
>>> engine.search("hide words in a sentence and guess them", k=1)[0].term_id
'masked-language-modeling'

``semantic_scores``, ``reciprocal_rank_fusion`` and ``project_2d`` are pure
functions of arrays and rankings; the engine adds the model, the passages and
the on-disk embedding cache around them. The model is all-MiniLM-L6-v2 after it
taught itself this glossary by self-supervised contrastive learning on the
glossary's own text (``adapt``; ``sslgloss search-train``), or the base model if
that is impossible. ``evaluate()`` measures every mode on the learner set's
held-out part (``sslgloss/evalsets/search.yaml``) or the project's ``questions.yaml``.
"""

from __future__ import annotations

from .engine import MAX_QUERY_CHARS, MODES, SearchEngine, SearchResult, get_engine, prepare_query
from .evaluation import evaluate, load_learner_questions, load_questions
from .fusion import reciprocal_rank_fusion
from .passages import Passage, glossary_passages
from .projection import Projection2D, project_2d
from .semantic import load_encoder, semantic_scores

__all__ = [
    "MAX_QUERY_CHARS",
    "MODES",
    "Passage",
    "Projection2D",
    "SearchEngine",
    "SearchResult",
    "evaluate",
    "get_engine",
    "glossary_passages",
    "load_encoder",
    "load_learner_questions",
    "load_questions",
    "prepare_query",
    "project_2d",
    "reciprocal_rank_fusion",
    "semantic_scores",
]
