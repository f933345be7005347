"""Word error rate, the score of a speech recogniser: the example plugin's demo, in plain Python.

A recogniser's transcript (the *hypothesis*) is lined up with what was really
said (the *reference*) by the smallest number of word edits: a substitution
(a word heard wrongly), a deletion (a word missed) or an insertion (a word that
was never said). Word error rate is the number of edits over the number of
reference words, so it can pass 100% when the recogniser adds words.

This module is what the demo page (``word_error_rate_page.py``) and the term
pages' static result (:func:`static_result`) share: one computation, two views.

>>> result = word_error_rate("the cat sat", "the cat sat down")
>>> result.insertions, f"{result.rate:.1%}"
(1, '33.3%')
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

#: what the page shows when a link or a term names no input (the Speech Recognition term names its own)
DEFAULT_REFERENCE = "send the report to maria before noon on friday"
DEFAULT_HYPOTHESIS = "send a report maria before new on friday please"
MAX_WORDS = 200  # the alignment is quadratic; a page's sentence is far shorter

_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def words(text: str) -> list[str]:
    """The words of ``text``, lower-cased, without punctuation (how benchmarks normalise before scoring)."""
    return [w.lower().replace("’", "'") for w in _WORD_RE.findall(text)]


@dataclass(frozen=True)
class Step:
    """One position of the alignment: ``kind`` is "ok", "substitution", "deletion" or "insertion"."""

    kind: str
    reference: str | None
    hypothesis: str | None


@dataclass(frozen=True)
class Score:
    steps: tuple[Step, ...]
    reference_words: int

    def count(self, kind: str) -> int:
        return sum(1 for step in self.steps if step.kind == kind)

    @property
    def substitutions(self) -> int:
        return self.count("substitution")

    @property
    def deletions(self) -> int:
        return self.count("deletion")

    @property
    def insertions(self) -> int:
        return self.count("insertion")

    @property
    def errors(self) -> int:
        return self.substitutions + self.deletions + self.insertions

    @property
    def rate(self) -> float:
        """Errors per reference word (0 when both texts are empty)."""
        if self.reference_words == 0:
            return float(self.errors > 0)
        return self.errors / self.reference_words


def word_error_rate(reference: str, hypothesis: str) -> Score:
    """Align ``hypothesis`` to ``reference`` with the fewest word edits (Levenshtein over words)."""
    ref, hyp = words(reference), words(hypothesis)
    if len(ref) > MAX_WORDS or len(hyp) > MAX_WORDS:
        raise ValueError(f"at most {MAX_WORDS} words each; this demo aligns one sentence at a time")
    # cost[i][j]: the fewest edits that turn ref[:i] into hyp[:j]
    cost = [[i + j if i == 0 or j == 0 else 0 for j in range(len(hyp) + 1)] for i in range(len(ref) + 1)]
    for i in range(1, len(ref) + 1):
        for j in range(1, len(hyp) + 1):
            cost[i][j] = min(cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]), cost[i - 1][j] + 1, cost[i][j - 1] + 1)
    steps: list[Step] = []
    i, j = len(ref), len(hyp)
    while i or j:  # walk back; on ties prefer a match or substitution, then a deletion, then an insertion
        if i and j and cost[i][j] == cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            kind = "ok" if ref[i - 1] == hyp[j - 1] else "substitution"
            steps.append(Step(kind, ref[i - 1], hyp[j - 1]))
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + 1:
            steps.append(Step("deletion", ref[i - 1], None))
            i -= 1
        else:
            steps.append(Step("insertion", None, hyp[j - 1]))
            j -= 1
    return Score(tuple(reversed(steps)), len(ref))


# ---------------------------------------------------------------------- the static result


def _step_html(step: Step) -> str:
    ref, hyp = html.escape(step.reference or ""), html.escape(step.hypothesis or "")
    if step.kind == "ok":
        return ref
    if step.kind == "substitution":
        return f'<del title="said">{ref}</del> <ins title="heard instead">{hyp}</ins>'
    if step.kind == "deletion":
        return f'<del title="missed">{ref}</del>'
    return f'<ins title="never said">{hyp}</ins>'


def static_result(spec: Any = None) -> str:
    """The term page's static result: the alignment and the score for the term's ``input`` and ``reference``.

    ``spec`` is the term's ``DemoSpec``: ``spec.input`` is what the recogniser wrote,
    ``spec.params["reference"]`` what was said; either may be missing (the defaults are used).
    Every word is escaped: term files and their demo inputs come from anyone.
    """
    hypothesis = getattr(spec, "input", None) or DEFAULT_HYPOTHESIS
    reference = (getattr(spec, "params", None) or {}).get("reference") or DEFAULT_REFERENCE
    try:
        score = word_error_rate(reference, hypothesis)
    except ValueError as err:
        return f'<div class="sslgloss-fallback sslgloss-fallback-error"><p>{html.escape(str(err))}</p></div>'
    cards = [("Word error rate", f"{score.rate:.1%}", True), ("Substitutions", str(score.substitutions), False),
             ("Deletions", str(score.deletions), False), ("Insertions", str(score.insertions), False)]
    metrics = "".join(
        f'<div class="sslgloss-fallback-metric{" sslgloss-fallback-metric--lead" if lead else ""}">'
        f'<span class="sslgloss-fallback-metric__label">{label}</span> '
        f'<span class="sslgloss-fallback-metric__value">{value}</span></div>' for label, value, lead in cards)
    return "\n".join([
        '<div class="sslgloss-fallback">',
        f'<p class="sslgloss-fallback-input"><span class="sslgloss-fallback-input__label">Said</span> '
        f"<q>{html.escape(reference)}</q></p>",
        f'<p class="sslgloss-fallback-input"><span class="sslgloss-fallback-input__label">Recognised</span> '
        f"<q>{html.escape(hypothesis)}</q></p>",
        f'<div class="sslgloss-fallback-metrics">{metrics}</div>',
        "<p>" + " ".join(_step_html(step) for step in score.steps) + "</p>",
        f'<p class="sslgloss-fallback-note">{score.errors} edit(s) over {score.reference_words} reference words; '
        "struck out: said but not recognised, underlined: recognised but not said.</p>",
        "</div>",
    ])
