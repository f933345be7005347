"""Starting the Streamlit demo server: the one place that knows its command line and environment.

``sslgloss demos`` runs it in the foreground, ``sslgloss serve`` beside the
site, and the tests and load benchmarks as a child process; all three take
:func:`server_command`. The app is :func:`sslgloss.demos.catalog.app_dir`
(the repository's ``demos/`` folder, or its installed copy in a wheel), run
from that folder so that Streamlit reads its ``.streamlit/config.toml``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from ..cli_base import Command

from ..errors import SslglossError
from ..extras import require_demos

APP_ENV = "SSLGLOSS_DEMOS_APP"
# glibc gives each thread that allocates its own malloc arena (up to 8 per core); Streamlit runs every
# session's script in a thread, so a busy demo server kept growing. Two arenas keep its memory flat under
# load (benchmarks/README.md, "Demos under load"). The setting must be in place when the process starts.
# One torch/OpenMP thread per answer: the server answers many sessions at once, each in its own thread, and
# a model call that also fans out over every core only makes the threads spin against each other (the
# models answer in 6-15 ms on one thread; benchmarks/README.md, "Server CPU per page run").
SERVER_ENV = {"MALLOC_ARENA_MAX": "2", "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
              "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def server_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a demo server process: ``base`` (default os.environ) plus SERVER_ENV,
    where ``base`` does not already choose a value."""
    env = dict(os.environ if base is None else base)
    for key, value in SERVER_ENV.items():
        env.setdefault(key, value)
    return env


def find_app(explicit: Path | None = None) -> Path:
    """The app's entry script: ``--app``, else ``$SSLGLOSS_DEMOS_APP``, else the installed app."""
    if explicit is not None:
        path = Path(explicit)
    elif os.environ.get(APP_ENV):
        path = Path(os.environ[APP_ENV])
    else:
        from .catalog import app_dir

        path = app_dir() / "app.py"
    if not path.is_file():
        raise SslglossError(f"cannot find the demo app at {path}; pass --app PATH/TO/app.py (or set {APP_ENV}), "
                            "or reinstall sslgloss")
    return path.resolve()


@dataclass
class ServerCommand:
    argv: list[str]
    cwd: Path
    env: dict[str, str]

    def popen(self, **kwargs) -> subprocess.Popen:
        return subprocess.Popen(self.argv, cwd=self.cwd, env=self.env, **kwargs)


def server_command(port: int = 8501, address: str = "127.0.0.1", *, app: Path | None = None,
                   base_path: str = "", env: dict[str, str] | None = None) -> ServerCommand:
    """The command that serves the demo app on ``address:port`` (under ``/base_path`` behind a proxy)."""
    require_demos()
    script = find_app(app)
    # the app's settings (no garbage collection after every page run, ...) are in its .streamlit/config.toml
    argv = [sys.executable, "-m", "streamlit", "run", script.name, "--server.port", str(port),
            "--server.address", address, "--server.headless", "true"]
    if base_path:
        argv += ["--server.baseUrlPath", base_path.strip("/")]
    return ServerCommand(argv, script.parent, server_env(env))


def prepare_models(echo=click.echo) -> None:
    """Train or load, into the cache, everything a demo page would otherwise compute on its first use:
    the three scenario models (songs, masked image, sentiment's learning curve and the page's tuned
    encoders, one per label count a learner can pick), the Kneser-Ney trigram beside the next-word
    model, and the search encoder's vectors of the glossary's passages. On an empty cache that is a
    few minutes of work, whose memory a demo server doing it on first use would keep as its peak
    (benchmarks/README.md, "Demos under load")."""
    from ..ml import registry
    from ..scenarios import SCENARIOS, scenario
    from ..scenarios import few_label_sentiment as sentiment
    from ..search import get_engine

    for demo_id in SCENARIOS:
        echo(f"preparing {demo_id}…")
        summary = scenario(demo_id).static_summary()
        echo(f"  {summary['headline']}")
    echo("preparing the sentiment page's classifiers…")
    sentiment.embeddings()
    sentiment.classifiers(sentiment.DEMO_LABELS)
    for n_labels in sentiment.LABEL_COUNTS:  # so that picking another count never tunes in the server
        if not sentiment.is_tuned(n_labels):
            sentiment.tuned_encoder(n_labels)
    echo(f"  tuned on {', '.join(map(str, sentiment.LABEL_COUNTS))} labels (cached)")
    echo("preparing next-word…")
    registry.get_ngram()
    echo("  the Kneser-Ney trigram baseline is built (cached)")
    echo("preparing semantic-search…")
    engine = get_engine()
    engine.passage_embeddings()
    echo(f"  {len(engine.passages):,} passages of {len(engine.term_ids)} terms encoded "
         f"({engine.encoded_on_load or 0} now, the rest from the cache)")


def prepare_command(env: dict[str, str] | None = None) -> ServerCommand:
    """``sslgloss demos --prepare-only`` as a child process: :func:`prepare_models`, whose memory goes
    with the child, before the demo server starts (``sslgloss serve``)."""
    require_demos()
    return ServerCommand([sys.executable, "-m", "sslgloss.cli", "demos", "--prepare-only"], Path.cwd(),
                         server_env(env))


@click.command("demos", cls=Command)
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True,
              help="Port for the demo server (term pages embed http://127.0.0.1:8501 by default).")
@click.option("--address", default="127.0.0.1", show_default=True,
              help="Interface to listen on; 0.0.0.0 to accept connections from other machines.")
@click.option("--app", "app_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The demo app's entry script, if not the installed one.")
@click.option("--prepare", is_flag=True,
              help="Train or load the demos' models and caches before starting, instead of on first use.")
@click.option("--prepare-only", is_flag=True, help="Only train or load the demos' models and caches, then exit.")
def demos(port: int, address: str, app_path: Path | None, prepare: bool, prepare_only: bool) -> None:
    """Start the Streamlit demo app with its own config (demos/.streamlit/config.toml)."""
    command = server_command(port, address, app=app_path)
    if prepare or prepare_only:
        prepare_models(echo=lambda line: click.echo(line, err=True))
    if prepare_only:
        return
    click.echo(f"sslgloss demos on http://{address}:{port}/  (Ctrl+C stops)", err=True)
    os.chdir(command.cwd)
    try:
        if os.name == "posix":  # streamlit becomes this process: Ctrl+C and `kill PID` reach it directly
            os.execve(sys.executable, command.argv, command.env)
        code = subprocess.call(command.argv, env=command.env)
    except KeyboardInterrupt:
        code = 0
    except OSError as exc:
        raise click.ClickException(f"could not start streamlit: {exc}") from None
    if code:
        raise click.ClickException(f"streamlit exited with status {code}")


COMMANDS = [demos]
