"""Line up what a speech recogniser wrote with what was said, and count the word edits between them.

The demo app runs this file as a page at ``/word-error-rate`` (the demo's id).
Query parameters (a term page presets them, a learner can share them):
``input`` what the recogniser wrote, ``reference`` what was said.
"""

from __future__ import annotations

import streamlit as st

from sslgloss.demos import page
from sslgloss_speech import wer

DEMO_ID = "word-error-rate"
MAX_CHARS = 2000

page.setup_page("Word error rate", ":material/hearing:")
state = page.PageState(DEMO_ID)  # this page's inputs live under "word-error-rate:<name>"
st.title("Word error rate")

reference = state.param("reference", wer.DEFAULT_REFERENCE)
hypothesis = state.param("input", wer.DEFAULT_HYPOTHESIS)
st.text_input("What was said (the reference)", key=state.key("reference"), max_chars=MAX_CHARS,
              on_change=state.sync, args=("reference", wer.DEFAULT_REFERENCE))
st.text_input("What the recogniser wrote", key=state.key("input"), max_chars=MAX_CHARS,
              on_change=state.sync, args=("input", wer.DEFAULT_HYPOTHESIS))

try:
    score = wer.word_error_rate(reference[:MAX_CHARS], hypothesis[:MAX_CHARS])
except ValueError as err:
    st.error(str(err), icon=":material/error:")
    st.stop()
if score.reference_words == 0:
    st.error("Type what was said in the first box: the error rate counts edits per word said.",
             icon=":material/error:")
    st.stop()

columns = st.columns(4)
columns[0].metric("Word error rate", f"{score.rate:.1%}")
columns[1].metric("Substitutions", score.substitutions)
columns[2].metric("Deletions", score.deletions)
columns[3].metric("Insertions", score.insertions)


def shown(step: wer.Step) -> str:
    said, heard = page.md_escape(step.reference or ""), page.md_escape(step.hypothesis or "")
    return {"ok": said, "substitution": f":red[~~{said}~~] :green[**{heard}**]", "deletion": f":red[~~{said}~~]",
            "insertion": f":green[**{heard}**]"}[step.kind]


st.markdown(" ".join(shown(step) for step in score.steps))
st.caption("Struck out in red: said but not recognised. Bold in green: recognised but not said.")

page.explain(
    f"The two texts are lined up with the fewest word edits ({score.errors} here): a **substitution** is a "
    "word heard wrongly, a **deletion** a word missed, an **insertion** a word that was never said. The word "
    f"error rate is the edits over the {score.reference_words} words said, so a recogniser that adds words "
    "can score above 100%. Benchmarks such as LibriSpeech report it after lower-casing and dropping "
    "punctuation, as this page does.",
    ["speech-recognition", "librispeech"],
)
