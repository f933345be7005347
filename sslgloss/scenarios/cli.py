"""`sslgloss sentiment`: the few-label sentiment demo's classifiers from a terminal.

Imported lazily by ``sslgloss.cli`` (the ``COMMANDS`` list at the bottom), so
the other commands start without loading torch.
"""

from __future__ import annotations

import json
import logging
import os

import click

from ..cli_base import Command



def _quiet() -> None:
    """Keep the libraries' progress bars and notices out of the answer."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    for name in ("sentence_transformers", "transformers"):
        logging.getLogger(name).setLevel(logging.ERROR)


@click.command("sentiment", cls=Command)
@click.argument("text", nargs=-1)
@click.option("--labels", "n_labels", type=int, default=16, show_default=True,
              help="How many labelled sentences the classifiers learn from: 4, 8, 16, 32, 64 or 128.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option("--eval", "part", type=click.Choice(["dev", "test"]), default=None,
              help="Instead of classifying TEXT, score every classifier on the learner set's dev or test part.")
@click.option("--seeds", type=click.IntRange(1, 20), default=5, show_default=True,
              help="With --eval: how many draws of the labels to average over.")
@click.option("--curve", is_flag=True,
              help="Recompute the learning curve (minutes) and write it into the package, which ships it.")
def sentiment(text: tuple[str, ...], n_labels: int, as_json: bool, part: str | None, seeds: int, curve: bool) -> None:
    """Positive or negative? Classify TEXT with classifiers that learned from a few labelled sentences.

    e.g. sslgloss sentiment "The service was slow and the food was cold." --labels 16
    """
    from . import few_label_sentiment as fs

    _quiet()
    if curve:
        click.echo(f"wrote {fs.write_shipped_curve()}")
        return
    fs.check_labels(n_labels)
    if part is not None:
        if text:
            raise click.UsageError("give either TEXT or --eval, not both")
        _evaluate(fs, part, n_labels, seeds, as_json)
        return
    sentence = fs.check_sentence(" ".join(text))
    if not as_json and not fs.is_tuned(n_labels):
        click.echo(f"(first use with {n_labels} labels tunes the encoder, ~20-40 s; cached afterwards)", err=True)
    predictions = fs.predict(sentence, n_labels)
    main, bow = predictions
    if as_json:
        click.echo(json.dumps({"text": sentence, "labels": n_labels, "label": main["label"],
                               "positive": round(main["positive"], 4), "classifier": main["classifier"],
                               "baseline": {"classifier": bow["classifier"], "label": bow["label"],
                                            "positive": round(bow["positive"], 4)}},
                              indent=2, ensure_ascii=False))
        return
    click.echo(f"{main['label']}  P(positive) = {main['positive']:.2f}   [{main['classifier']}, {n_labels} labels]")
    click.echo(f"baseline: {bow['label']}  P(positive) = {bow['positive']:.2f}   [{bow['classifier']}]")


def _evaluate(fs, part: str, n_labels: int, seeds: int, as_json: bool) -> None:
    from . import sentiment_eval

    report = sentiment_eval.evaluate(part, n_labels, seeds)
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    click.echo(f"learner set `{part}`: {report['sentences']} sentences; pool held-out: {report['pool_held_out']}; "
               f"{n_labels} labels, {seeds} draws ({report['seconds_per_seed']:.0f} s per draw)")
    click.echo(f"{'classifier':<74}{'accuracy':>10}{'P(right)>=0.8':>15}{'pool acc':>10}  (min-max over draws)")
    for method in report["methods"].values():
        acc, conf, pool = (method[k] for k in ("learner_accuracy", "learner_confident_right", "pool_accuracy"))
        click.echo(f"{method['name']:<74}{acc['mean']:>10.3f}{conf['mean']:>15.3f}{pool['mean']:>10.3f}  "
                   f"({acc['min']:.2f}-{acc['max']:.2f})")


COMMANDS = [sentiment]
