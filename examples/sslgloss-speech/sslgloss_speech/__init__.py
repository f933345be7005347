"""sslgloss-speech: self-supervised learning for speech, as an sslgloss term plugin.

An example of a complete term plugin. It adds five terms to the glossary
(speech recognition, contrastive predictive coding, wav2vec 2.0, HuBERT and the
LibriSpeech corpus), linked into the core concept graph, and one relation type,
``evaluated_on`` ("evaluated on" / "benchmark for"), that links a model to the
benchmark it was measured on.

sslgloss finds the plugin through the ``sslgloss`` entry point declared in
``pyproject.toml`` and calls the ``@hookimpl`` functions below; nothing else in
sslgloss or in the site needs to change.
"""

from pathlib import Path

from sslgloss import RelationType, hookimpl

# The sslgloss versions this plugin works with; other versions refuse it with a clear message.
SSLGLOSS_REQUIRES = ">=0.1"

TERMS_DIR = Path(__file__).parent / "terms"


@hookimpl
def register_terms(register):
    """Every ``*.md`` file in ``terms/`` is one term."""
    register(TERMS_DIR)


@hookimpl
def register_relation_types(register):
    """``wav2vec-2: {evaluated_on: [librispeech]}``; the inverse spelling ``benchmark_for`` works too."""
    register(RelationType(
        "evaluated_on", "evaluated on", "benchmark_for", "benchmark for",
        color="#bcbd22",
        description="The subject (a model or method) was evaluated on the object (a dataset or benchmark).",
    ))
