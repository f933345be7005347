"""sslgloss-speech: self-supervised learning for speech, as an sslgloss term plugin.

An example of a complete term plugin. It adds five terms to the glossary
(speech recognition, contrastive predictive coding, wav2vec 2.0, HuBERT and the
LibriSpeech corpus), linked into the core concept graph; one relation type,
``evaluated_on`` ("evaluated on" / "benchmark for"), that links a model to the
benchmark it was measured on; and one live demo, ``word-error-rate``, which the
Speech Recognition page embeds (``wer.py`` computes it, ``word_error_rate_page.py``
is its Streamlit page, and ``wer.static_result`` what the term page shows when
no demo server runs).

sslgloss finds the plugin through the ``sslgloss`` entry point declared in
``pyproject.toml`` and calls the ``@hookimpl`` functions below; nothing else in
sslgloss or in the site needs to change.
"""

from pathlib import Path

from sslgloss import DemoPage, RelationType, hookimpl

# The sslgloss versions this plugin works with; other versions refuse it with a clear message.
SSLGLOSS_REQUIRES = ">=0.1"

HERE = Path(__file__).parent
TERMS_DIR = HERE / "terms"


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


@hookimpl
def register_demos(register):
    """A term embeds it with ``demos: [{id: word-error-rate, input: "...", params: {reference: "..."}}]``."""
    register(DemoPage(
        id="word-error-rate",  # shared with every plugin's demos: it is also the page's address on the demo server
        title="Word error rate",
        script=HERE / "word_error_rate_page.py",
        terms=["speech-recognition"],
        icon=":material/hearing:",
        fallback="sslgloss_speech.wer:static_result",  # run at build time in a separate process, with a time limit
        params=("reference",),  # read besides `input`; `sslgloss validate` refuses any other name
    ))
