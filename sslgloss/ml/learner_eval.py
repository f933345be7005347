"""The text models on inputs a learner types first: the held-out learner sets of ``sslgloss/evalsets``.

Each item is an everyday sentence with one ``[MASK]`` (fill-mask) or an
everyday prompt (next word), with every answer a fair judge would accept. A
hit is an accepted word among the model's top k whole words; the baselines
answer the same items (unigram frequencies for the blank, the Kneser–Ney
trigram for the next word), so every figure has its floor beside it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .. import evalsets
from ..errors import InputError


@dataclass
class SetScore:
    name: str
    part: str
    items: int = 0
    model_top1: float = 0.0
    model_top5: float = 0.0
    baseline_top1: float = 0.0
    baseline_top5: float = 0.0
    baseline: str = ""
    misses: list[dict] = field(default_factory=list)  # what the model said where it missed (dev part only)

    def as_dict(self) -> dict:
        return asdict(self)


def _hits(words: list[str], answers: list[str]) -> tuple[bool, bool]:
    accepted = {a.lower() for a in answers}
    return (bool(words) and words[0].lower() in accepted), any(w.lower() in accepted for w in words[:5])


def _score(name: str, part: str, items: list[dict], key: str, model, baseline, baseline_name: str) -> SetScore:
    score = SetScore(name, part, baseline=baseline_name)
    for item in items:
        try:
            words = [p.word for p in model(item[key])]
            base = [p.word for p in baseline(item[key])]
        except InputError as err:  # an item the model refuses counts as a miss, and says why
            score.misses.append({key: item[key], "error": str(err)})
            score.items += 1
            continue
        top1, top5 = _hits(words, item["answers"])
        b1, b5 = _hits(base, item["answers"])
        score.items += 1
        score.model_top1 += top1
        score.model_top5 += top5
        score.baseline_top1 += b1
        score.baseline_top5 += b5
        if not top5 and part == "dev":
            score.misses.append({key: item[key], "want": item["answers"][:4], "model": words})
    n = max(score.items, 1)
    for attr in ("model_top1", "model_top5", "baseline_top1", "baseline_top5"):
        setattr(score, attr, getattr(score, attr) / n)
    return score


def fill_mask_score(part: str = "test") -> SetScore:
    from .fill_mask import fill_mask, unigram_fill_mask

    return _score("fill-mask", part, evalsets.load("fill-mask", part), "text",
                  lambda t: fill_mask(t, k=5)[0], lambda t: unigram_fill_mask(t, k=5)[0], "unigram frequencies")


def pretrained_fill_mask_score(part: str = "test") -> SetScore:
    """The same set for the pretrained-start masked model (MiniLM + our masked-word training)."""
    from .fill_mask import unigram_fill_mask
    from .pretrained_masked import fill_mask

    return _score("fill-mask, pretrained start", part, evalsets.load("fill-mask", part), "text",
                  lambda t: fill_mask(t, k=5)[0], lambda t: unigram_fill_mask(t, k=5)[0], "unigram frequencies")


def next_word_score(part: str = "test") -> SetScore:
    from .next_word import next_word_distribution, ngram_next_word_distribution

    return _score("next-word", part, evalsets.load("next-word", part), "prompt",
                  lambda t: next_word_distribution(t, k=5), lambda t: ngram_next_word_distribution(t, k=5),
                  "Kneser-Ney trigram")


def format_scores(scores: list[SetScore]) -> list[str]:
    lines = ["Learner sets (sslgloss/evalsets): the accepted word in the model's top 1 / top 5"]
    for s in scores:
        lines.append(f"  {s.name:<28} {s.part:<4} {s.items:>3} items   model {s.model_top1:.2f} / {s.model_top5:.2f}   "
                     f"{s.baseline} {s.baseline_top1:.2f} / {s.baseline_top5:.2f}")
    return lines
