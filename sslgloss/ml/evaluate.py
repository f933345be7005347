"""How good the models are, measured against simple baselines on the same held-out lines.

* Masked model: top-1 / top-5 accuracy at 15% of the tokens of each held-out
  line (positions drawn with a fixed seed; all replaced by [MASK]) against the
  unigram baseline, which always answers the most frequent training tokens.
* Next-word model: perplexity on the held-out lines (each read from its start,
  ending with the end-of-text token) against an interpolated Kneser-Ney
  trigram model counted on the same training lines **with the same tokens**.
  Token perplexity is exp(mean log-loss per token); word perplexity divides
  the same total log-loss by the number of words (punctuation marks and the
  end of each line count as words), so both are comparable across the two
  models.
* Probes: everyday and glossary-style sentences (probes.yaml), scored as a
  hit when an intended word is among the model's top 5 whole words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F
import yaml
from tokenizers import Tokenizer

from sslgloss.ml import registry
from sslgloss.ml.corpus import build_corpus
from sslgloss.ml.data import encode_lines
from sslgloss.ml.fill_mask import fill_mask, unigram_fill_mask
from sslgloss.ml.ngram import KneserNeyTrigram, load_or_build_ngram
from sslgloss.ml.tokenizer import MASK, PAD, SEP, SPECIAL_TOKENS

PROBES_PATH = Path(__file__).resolve().parent / "probes.yaml"


def load_probes(path: Path = PROBES_PATH) -> list[dict]:
    """[{text: "... [MASK] ...", answers: [word, ...]}, ...]."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [{"text": d["text"], "answers": [str(a).lower() for a in d["answers"]]} for d in data]


def _word_count(tokenizer: Tokenizer, lines: list[str]) -> int:
    pre = tokenizer.pre_tokenizer
    norm = tokenizer.normalizer
    return sum(len(pre.pre_tokenize_str(norm.normalize_str(line))) + 1 for line in lines)  # +1: end of line


# -- masked ---------------------------------------------------------------------------------------


@torch.no_grad()
def masked_scores(model, tokenizer: Tokenizer, lines: list[str], unigram_counts: torch.Tensor,
                  seed: int = 0, max_len: int = 64, batch_size: int = 64) -> dict:
    """Top-1/top-5 of the model and of the unigram baseline at the same masked positions."""
    sep, mask, pad = (tokenizer.token_to_id(t) for t in (SEP, MASK, PAD))
    special = [tokenizer.token_to_id(t) for t in SPECIAL_TOKENS]
    counts = unigram_counts.clone().double()
    counts[special] = -1
    baseline = counts.topk(5).indices  # the unigram answer, the same everywhere
    gen = torch.Generator().manual_seed(seed)
    seqs = [[sep, *ids[: max_len - 2], sep] for ids in encode_lines(tokenizer, lines) if ids]
    hits = {"top1": 0, "top5": 0, "base_top1": 0, "base_top5": 0}
    n = 0
    for start in range(0, len(seqs), batch_size):
        chunk = seqs[start : start + batch_size]
        T = max(len(s) for s in chunk)
        ids = torch.full((len(chunk), T), pad)
        attn = torch.zeros(len(chunk), T, dtype=torch.long)
        for i, s in enumerate(chunk):
            ids[i, : len(s)] = torch.tensor(s)
            attn[i, : len(s)] = 1
        chosen = torch.zeros_like(ids, dtype=torch.bool)
        for i, s in enumerate(chunk):
            inner = len(s) - 2
            m = max(1, round(0.15 * inner))
            pos = torch.randperm(inner, generator=gen)[:m] + 1
            chosen[i, pos] = True
        inputs = ids.masked_fill(chosen, mask)
        logits, _ = model(inputs, attention_mask=attn)  # (B, T, V)
        top5 = logits[chosen].topk(5, dim=-1).indices  # (N, 5)
        gold = ids[chosen]  # (N,)
        hits["top1"] += int((top5[:, 0] == gold).sum())
        hits["top5"] += int((top5 == gold[:, None]).any(-1).sum())
        hits["base_top1"] += int((baseline[0] == gold).sum())
        hits["base_top5"] += int((baseline[None, :] == gold[:, None]).any(-1).sum())
        n += len(gold)
    return {k: v / max(n, 1) for k, v in hits.items()} | {"masked_tokens": n, "lines": len(seqs)}


# -- next word ------------------------------------------------------------------------------------


@torch.no_grad()
def causal_nll(model, tokenizer: Tokenizer, lines: list[str], max_len: int = 128, batch_size: int = 64) -> tuple[float, int]:
    """Total natural-log loss of every token of every line (plus its end), and the token count."""
    sep, pad = tokenizer.token_to_id(SEP), tokenizer.token_to_id(PAD)
    seqs = sorted((ids[: max_len - 1] for ids in encode_lines(tokenizer, lines)), key=len)
    total, count = 0.0, 0
    for start in range(0, len(seqs), batch_size):
        chunk = seqs[start : start + batch_size]
        T = max(len(s) for s in chunk) + 1
        inputs = torch.full((len(chunk), T), pad)
        targets = torch.full((len(chunk), T), -100)
        for i, s in enumerate(chunk):
            inputs[i, : len(s) + 1] = torch.tensor([sep, *s])
            targets[i, : len(s) + 1] = torch.tensor([*s, sep])
        logits, _ = model(inputs)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1), ignore_index=-100, reduction="sum")
        total += float(loss)
        count += int((targets != -100).sum())
    return total, count


def ngram_nll(kn: KneserNeyTrigram, tokenizer: Tokenizer, lines: list[str], max_len: int = 128) -> tuple[float, int]:
    seqs = [ids[: max_len - 1] for ids in encode_lines(tokenizer, lines)]
    logp = kn.log_probs(seqs)
    return float(-logp.sum()), int(len(logp))


# -- the whole report -----------------------------------------------------------------------------


@dataclass
class EvalReport:
    masked: dict = field(default_factory=dict)
    next_word: dict = field(default_factory=dict)
    probes: list[dict] = field(default_factory=list)
    probe_summary: dict = field(default_factory=dict)
    models: dict = field(default_factory=dict)
    corpus: dict = field(default_factory=dict)
    search: object = None
    sentiment: dict | None = None
    learner: list = field(default_factory=list)  # SetScore of each learner set (sslgloss/ml/learner_eval.py)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        out = {k: getattr(self, k) for k in ("models", "corpus", "masked", "next_word", "probe_summary", "probes", "search", "notes")}
        out["learner"] = [s.as_dict() for s in self.learner]
        out["sentiment"] = self.sentiment
        return out


def run_eval(max_lines: int | None = None, include_sentence_demos: bool = True, part: str = "test") -> EvalReport:
    """Evaluate the models that inference would load (cache dir, else shipped) on the held-out split."""
    report = EvalReport()
    corpus = build_corpus()
    heldout = corpus.heldout[:max_lines] if max_lines else corpus.heldout
    report.corpus = {"source": corpus.note, "sources": corpus.sources, "train_lines": len(corpus.train),
                     "heldout_lines": len(heldout), "fingerprint": corpus.fingerprint}
    mlm = registry.get_model("masked")
    clm = registry.get_model("next-word")
    for name, lm in (("masked", mlm), ("next-word", clm)):
        meta = lm.checkpoint.meta
        report.models[name] = {"path": str(lm.checkpoint.path), "command": meta.get("command"),
                               "steps": meta.get("steps"), "seconds": meta.get("seconds"),
                               "corpus_fingerprint": meta.get("corpus_fingerprint")}
        if meta.get("corpus_fingerprint") and meta.get("corpus_fingerprint") != corpus.fingerprint:
            report.notes.append(
                f"the {name} model was trained on corpus {meta.get('corpus_fingerprint')}, the corpus is now "
                f"{corpus.fingerprint} (the glossary or a source changed); the held-out split is by line hash, so held-out lines "
                "were still never trained on, but retraining would use the new text"
            )
    report.masked = masked_scores(mlm.model, mlm.tokenizer, heldout, mlm.unigram)
    report.masked["top5_ratio"] = report.masked["top5"] / max(report.masked["base_top5"], 1e-9)

    kn = load_or_build_ngram(clm.tokenizer, corpus)
    nll, n_tok = causal_nll(clm.model, clm.tokenizer, heldout, clm.model.config.block_size)
    kn_nll, kn_tok = ngram_nll(kn, clm.tokenizer, heldout, clm.model.config.block_size)
    n_words = _word_count(clm.tokenizer, heldout)
    assert n_tok == kn_tok, "both models must score the same tokens"
    report.next_word = {
        "tokens": n_tok, "words": n_words,
        "token_ppl": math.exp(nll / n_tok), "kn3_token_ppl": math.exp(kn_nll / n_tok),
        "word_ppl": math.exp(nll / n_words), "kn3_word_ppl": math.exp(kn_nll / n_words),
        "comparison": "same WordPiece tokens for both models; word perplexity = exp(total loss / words)",
    }

    from . import pretrained_masked

    started = include_sentence_demos and pretrained_masked.available()  # reads MiniLM's embeddings, as search does
    hits = base_hits = started_hits = 0
    for probe in load_probes():
        preds = fill_mask(probe["text"], k=5)[0]
        base = unigram_fill_mask(probe["text"], k=5)[0]
        hit = any(p.word in probe["answers"] for p in preds)
        base_hit = any(p.word in probe["answers"] for p in base)
        hits += hit
        base_hits += base_hit
        row = {"text": probe["text"], "answers": probe["answers"], "model": [p.word for p in preds],
               "baseline": [p.word for p in base], "hit": hit, "baseline_hit": base_hit}
        if started:
            words = [p.word for p in pretrained_masked.fill_mask(probe["text"], k=5)[0]]
            row.update(pretrained=words, pretrained_hit=any(w in probe["answers"] for w in words))
            started_hits += row["pretrained_hit"]
        report.probes.append(row)
    report.probe_summary = {"probes": len(report.probes), "model_hits": hits, "baseline_hits": base_hits}
    if started:
        report.probe_summary["pretrained_hits"] = started_hits

    from .learner_eval import fill_mask_score, next_word_score, pretrained_fill_mask_score

    report.learner = [fill_mask_score(part), next_word_score(part)]
    if started:
        report.learner.insert(1, pretrained_fill_mask_score(part))
    if include_sentence_demos:  # search and sentiment: both load the MiniLM sentence encoder
        report.search = _search_eval(report.notes, part)
        report.sentiment = _sentiment_eval(report.notes, part)
    return report


def _search_eval(notes: list[str], part: str = "test"):
    """Search on the learner set's ``part`` (questions without the terms' words), every mode."""
    try:
        from sslgloss.search import evaluate
        from sslgloss.search.evaluation import load_learner_questions

        result = evaluate(questions=load_learner_questions(part))
        return {k: v for k, v in result.items() if k != "per_question"}  # the detail: `sslgloss search-eval`
    except Exception as err:  # the search part must not hide the model figures
        notes.append(f"search evaluation failed: {type(err).__name__}: {err}")
        return None


def _sentiment_eval(notes: list[str], part: str = "test", seeds: int = 1) -> dict | None:
    """Sentiment with 16 labels on the learner set's ``part`` (more draws: `sslgloss sentiment --eval`)."""
    try:
        from sslgloss.scenarios.sentiment_eval import evaluate

        return evaluate(part, seeds=seeds)
    except Exception as err:
        notes.append(f"sentiment evaluation failed: {type(err).__name__}: {err}")
        return None


def format_report(report: EvalReport) -> str:
    m, c, ps = report.masked, report.next_word, report.probe_summary
    lines = [
        f"Held-out text: {report.corpus['heldout_lines']:,} lines never trained on ({report.corpus['source']})",
        "",
        "Masked model (15% of held-out tokens hidden)        top-1    top-5",
        f"  our masked model                                  {m['top1']:.3f}    {m['top5']:.3f}",
        f"  unigram baseline (most frequent tokens)           {m['base_top1']:.3f}    {m['base_top5']:.3f}",
        f"  top-5 ratio model/baseline: {m['top5_ratio']:.2f}x (target >= 2x)  [{m['masked_tokens']:,} masked tokens]",
        "",
        "Next-word model                      perplexity per token   per word",
        f"  our next-word model                {c['token_ppl']:>10.1f}          {c['word_ppl']:>8.1f}",
        f"  Kneser-Ney trigram baseline        {c['kn3_token_ppl']:>10.1f}          {c['kn3_word_ppl']:>8.1f}",
        f"  (lower is better; target: below the trigram; {c['tokens']:,} tokens, {c['words']:,} words, same tokens for both)",
        "",
        f"Probes: intended word in the top 5 - model {ps['model_hits']}/{ps['probes']}, unigram baseline {ps['baseline_hits']}/{ps['probes']}"
        + (f", pretrained start {ps['pretrained_hits']}/{ps['probes']}" if "pretrained_hits" in ps else ""),
    ]
    for p in report.probes:
        mark = "+" if p["hit"] else "-"
        lines.append(f"  {mark} {p['text']}")
        lines.append(f"      want {', '.join(p['answers'][:4])} | model: {', '.join(p['model'])} | baseline: {', '.join(p['baseline'])}")
        if "pretrained" in p:
            lines.append(f"      pretrained start: {', '.join(p['pretrained'])}" + (" (hit)" if p["pretrained_hit"] else ""))
    if report.learner:
        from .learner_eval import format_scores

        lines += ["", *format_scores(report.learner)]
    if isinstance(report.search, dict) and isinstance(report.search.get("modes"), dict):
        lines += ["", f"Search, learner set ({report.search.get('questions', '?')} questions)   recall@1  recall@5    MRR"]
        for mode, fig in report.search["modes"].items():
            lines.append(f"  {mode:<30} {fig.get('recall@1', 0):>8.3f}  {fig.get('recall@5', 0):>8.3f}  {fig.get('mrr', 0):>6.3f}")
    if report.sentiment:
        sent = report.sentiment
        lines += ["", f"Sentiment with {sent['labels']} labels, learner set ({sent['sentences']} sentences, "
                      f"{sent['seeds']} draw(s))   accuracy   right with P >= 0.8"]
        for method in sent["methods"].values():
            lines.append(f"  {method['name'][:52]:<52} {method['learner_accuracy']['mean']:>6.3f}   "
                         f"{method['learner_confident_right']['mean']:>6.3f}")
    for note in report.notes:
        lines.append(f"Note: {note}")
    return "\n".join(lines)
