"""The `sslgloss` commands for the text models: train, eval, fill-mask, next-word, generate.

The lead's ``sslgloss.cli`` adds every command in ``COMMANDS`` to the main
group. Expected failures (SslglossError) become ``Error: <message>`` and exit
code 1, never a traceback; bad option values are click's usage errors (exit 2).
Run this file directly (``python -m sslgloss.ml.cli``) to use the commands
without the main CLI.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from sslgloss.cli_base import Command

from sslgloss.errors import SslglossError

KIND_CHOICES = ["masked", "next-word", "all", "masked-minilm"]


def _threads() -> None:
    import os

    import torch

    # 2 cores on the machines this runs on. When other work shares them, one thread is far faster:
    # measured 25x on a tiny model (OpenMP threads wait for each other on an oversubscribed CPU),
    # so SSLGLOSS_THREADS=1 is the setting for a busy machine.
    torch.set_num_threads(int(os.environ.get("SSLGLOSS_THREADS", "2")))


def _print_notices(notices) -> None:
    for notice in notices:
        click.echo(f"Note: {notice}", err=True)


@click.command("train", cls=Command)
@click.argument("kind", type=click.Choice(KIND_CHOICES), default="all")
@click.option("--preset", "preset_name", type=click.Choice(["release", "default", "tiny"]), default="default",
              show_default=True, help="Model size and step count; `release` reproduces the shipped weights.")
@click.option("--minutes", type=click.FloatRange(min=0.05), default=None,
              help="Train for this many minutes per model instead of the preset's step count (not bit-reproducible).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Write checkpoints here instead of the cache dir ($SSLGLOSS_CACHE/models).")
@click.option("--init-from", "init_from", default=None, metavar="KIND|PATH",
              help="Start from another checkpoint's weights and tokenizer: `next-word` or `masked` (the checkpoint "
                   "inference uses) or a .pt file. The release masked model starts from the next-word one.")
def train_command(kind, preset_name, minutes, seed, out_dir, init_from):
    """Train the masked and/or next-word model on WordNet, Jane Austen's novels and the glossary; save the checkpoint.

    `all --preset release` follows the release recipe: the next-word model first, then the masked model
    starting from it. `masked-minilm` continues masked-word training of the pretrained MiniLM encoder
    (about 36 minutes on 2 cores; `--preset tiny` is a 20-step trial).
    """
    _threads()
    if kind == "masked-minilm":
        if init_from is not None or minutes is not None:
            raise click.UsageError("masked-minilm starts from MiniLM and runs a fixed number of steps: drop --init-from and --minutes")
        _train_minilm(preset_name, seed, out_dir)
        return
    import signal

    from sslgloss.ml.pipeline import prepare, train_models
    from sslgloss.ml.train import STOP

    if hasattr(signal, "SIGUSR1"):  # `kill -USR1 <pid>` ends the current model's run early and saves it
        signal.signal(signal.SIGUSR1, lambda *_: STOP.set())

    init_path = None
    if init_from is not None:
        from sslgloss.ml.checkpoint import find_checkpoint

        if kind == "all":
            raise click.UsageError("--init-from needs one model kind: `sslgloss train masked --init-from next-word`")
        init_path = find_checkpoint(init_from) if init_from in ("masked", "next-word") else Path(init_from)
        if not init_path.exists():
            raise click.BadParameter(f"no checkpoint at {init_path}", param_hint="--init-from")
        click.echo(f"Starting from {init_path}", err=True)
    click.echo("Preparing the corpus and tokenizer (WordNet 3.0 + Jane Austen + glossary)...", err=True)
    prepared = prepare()
    c = prepared.corpus
    click.echo(f"Corpus: {len(c.train):,} training lines, {len(c.heldout):,} held out, "
               f"{len(prepared.stream):,} tokens; sources {c.sources}", err=True)
    train_models(kind, preset_name, seed=seed, minutes=minutes, out_dir=out_dir, init_from=init_path,
                 init_label=init_from, prepared=prepared, echo=click.echo)


def _train_minilm(preset_name: str, seed: int, out_dir) -> None:
    from sslgloss.ml import pretrained_masked as module

    recipe = module.Recipe(seed=seed) if preset_name != "tiny" else module.Recipe(seed=seed, steps=20, batch=8, warmup=5)
    target = Path(out_dir) / module.WEIGHTS_FILE.name if out_dir else module.trained_file()
    click.echo(f"Continuing masked-word training of MiniLM for {recipe.steps} steps of {recipe.batch} lines "
               "(WordNet as sentences + Jane Austen + glossary)...", err=True)

    def progress(step: int, loss: float, seconds: float) -> None:
        if step % 100 == 0 or step == recipe.steps:
            click.echo(f"  step {step}/{recipe.steps}  loss {loss:.3f}  {seconds:.0f} s", err=True)

    weights, summary = module.train(recipe, progress=progress)
    module.save(weights, summary, target)
    module.reset()
    click.echo(f"Saved {target} (loss {summary['final_loss']:.3f}, {summary['seconds'] / 60:.1f} min)"
               + ("" if out_dir else "; inference now uses it; copy it to sslgloss/ml/weights/ to ship it"), err=True)


def _k_option(default: int = 5):
    return click.option("--k", "k", type=int, default=default, show_default=True, help="How many predictions to show.")


def _json_option():
    return click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")


@click.command("eval", cls=Command)
@_json_option()
@click.option("--max-lines", type=click.IntRange(min=10), default=None, help="Use only the first N held-out lines.")
@click.option("--part", type=click.Choice(["test", "dev"]), default="test", show_default=True,
              help="Which part of the learner sets to score: test (the figures to quote) or dev (to tune on).")
def eval_command(as_json, max_lines, part):
    """Score both models against their baselines on held-out text, plus the probe sentences."""
    _threads()
    from sslgloss.ml.evaluate import format_report, run_eval

    report = run_eval(max_lines=max_lines, part=part)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, default=str))
    else:
        click.echo(format_report(report))


@click.command("fill-mask", cls=Command)
@click.argument("text")
@_k_option()
@click.option("--punctuation", is_flag=True, help="Also offer punctuation marks as answers (from-scratch model).")
@click.option("--model", "which", type=click.Choice(["pretrained", "scratch"]), default=None,
              help="pretrained (the default where its weights are installed): MiniLM's encoder after our masked-word "
                   "training; scratch: our 5M model trained from random numbers on this corpus.")
@_json_option()
def fill_mask_command(text, k, punctuation, which, as_json):
    """Predict the word hidden behind each [MASK] in TEXT, next to the unigram baseline."""
    _threads()
    from sslgloss.ml.fill_mask import fill_mask, unigram_fill_mask

    from sslgloss.ml import pretrained_masked

    which = which or ("pretrained" if pretrained_masked.available() and not punctuation else "scratch")
    if which == "pretrained":
        if punctuation:
            raise click.UsageError("--punctuation needs --model scratch: the pretrained model answers with words only")
        result = pretrained_masked.fill_mask(text, k=k)
    else:
        result = fill_mask(text, k=k, punctuation=punctuation)
    baseline = unigram_fill_mask(text, k=k, punctuation=punctuation)
    if as_json:
        click.echo(json.dumps({
            "text": text,
            "model": which,
            "masks": [
                {"predictions": [p.__dict__ for p in preds], "baseline": [p.__dict__ for p in base]}
                for preds, base in zip(result, baseline)
            ],
            "notices": result.notices,
        }, indent=2, ensure_ascii=False))
        return
    _print_notices(result.notices)
    for n, (preds, base) in enumerate(zip(result, baseline), 1):
        if len(result) > 1:
            click.echo(f"[MASK] #{n}")
        click.echo(f"  {'model':<22} {'prob':>6}   {'unigram baseline':<18} {'prob':>6}")
        for i in range(max(len(preds), len(base))):
            left = f"  {preds[i].word:<22} {preds[i].prob:>6.3f}" if i < len(preds) else " " * 31
            right = f"   {base[i].word:<18} {base[i].prob:>6.3f}" if i < len(base) else ""
            click.echo(left + right)


@click.command("next-word", cls=Command)
@click.argument("prompt")
@_k_option()
@click.option("--punctuation", is_flag=True, help="Also offer punctuation marks as next words.")
@click.option("--baseline", is_flag=True, help="Also show the Kneser-Ney trigram baseline (built from the corpus on first use).")
@_json_option()
def next_word_command(prompt, k, punctuation, baseline, as_json):
    """The most likely next words after PROMPT, next to the Kneser-Ney trigram baseline."""
    _threads()
    from sslgloss.ml.next_word import next_word_distribution, ngram_next_word_distribution

    result = next_word_distribution(prompt, k=k, punctuation=punctuation)
    if baseline:
        try:
            baseline = ngram_next_word_distribution(prompt, k=k, punctuation=punctuation)
        except SslglossError as err:  # the baseline needs the corpus (WordNet); the model does not
            baseline = None
            result.notices.append(f"no trigram baseline: {err}")
    else:
        baseline = None
    if as_json:
        click.echo(json.dumps({"prompt": prompt, "predictions": [p.__dict__ for p in result],
                               "baseline": [p.__dict__ for p in baseline] if baseline is not None else None,
                               "notices": result.notices}, indent=2, ensure_ascii=False))
        return
    _print_notices(result.notices)
    base = list(baseline or [])
    click.echo(f"  {'model':<22} {'prob':>6}" + (f"   {'trigram baseline':<18} {'prob':>6}" if base else ""))
    for i in range(max(len(result), len(base))):
        left = f"  {result[i].word:<22} {result[i].prob:>6.3f}" if i < len(result) else " " * 31
        right = f"   {base[i].word:<18} {base[i].prob:>6.3f}" if i < len(base) else ""
        click.echo(left + right)


@click.command("generate", cls=Command)
@click.argument("prompt")
@click.option("--tokens", type=int, default=30, show_default=True, help="How many tokens to add at most.")
@click.option("--temperature", type=float, default=0.8, show_default=True, help="<= 0 means always the most likely token.")
@click.option("--top-k", type=int, default=40, show_default=True, help="Sample among the K most likely tokens (0: all).")
@click.option("--top-p", type=float, default=None, help="Sample among the most likely tokens covering probability P.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--baseline", is_flag=True, help="Also show what the trigram baseline writes.")
def generate_command(prompt, tokens, temperature, top_k, top_p, seed, baseline):
    """Continue PROMPT with the next-word model."""
    _threads()
    from sslgloss.ml.generate import generate, ngram_generate

    result = generate(prompt, tokens=tokens, temperature=temperature, top_k=top_k, top_p=top_p, seed=seed)
    _print_notices(result.notices)
    click.echo(result.text)
    if baseline:
        base = ngram_generate(prompt, tokens=tokens, temperature=temperature, top_k=top_k, top_p=top_p, seed=seed)
        click.echo(f"trigram baseline: {base.text}")


COMMANDS = [train_command, eval_command, fill_mask_command, next_word_command, generate_command]


@click.group()
def _standalone():
    """Text-model commands of sslgloss (standalone entry point)."""


for _cmd in COMMANDS:
    _standalone.add_command(_cmd)

if __name__ == "__main__":
    _standalone()
