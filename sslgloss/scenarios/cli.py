"""`sslgloss demos`: start the Streamlit demo app (demos/app.py in the repository checkout).

Imported lazily by ``sslgloss.cli`` through the ``COMMANDS`` list at the bottom.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from ..errors import SslglossError

APP_ENV = "SSLGLOSS_DEMOS_APP"
# glibc gives each thread that allocates its own malloc arena (up to 8 per core); Streamlit runs every
# session's script in a thread, so a busy demo server kept growing: RSS 808 MB after warm-up, 1,115 MB
# after 10 minutes of 20 sessions. With two arenas the same run stayed at 810-920 MB with no trend
# (benchmarks/README.md, "Demos under load"). The setting must be in place when the process starts.
SERVER_ENV = {"MALLOC_ARENA_MAX": "2"}


def server_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a demo server process: ``base`` (default os.environ) plus SERVER_ENV,
    where ``base`` does not already choose a value."""
    env = dict(os.environ if base is None else base)
    for key, value in SERVER_ENV.items():
        env.setdefault(key, value)
    return env


def find_app(explicit: Path | None = None) -> Path:
    """demos/app.py: ``--app``, else ``$SSLGLOSS_DEMOS_APP``, else beside the package in a repository checkout."""
    if explicit is not None:
        candidates = [explicit]
    elif os.environ.get(APP_ENV):
        candidates = [Path(os.environ[APP_ENV])]
    else:
        candidates = [Path(__file__).resolve().parents[2] / "demos" / "app.py"]
    for path in candidates:
        if path.is_file():
            return path.resolve()
    tried = ", ".join(str(p) for p in candidates)
    raise SslglossError(
        f"cannot find the demo app (tried {tried}). The demos live in the sslgloss repository, not in the "
        f"installed package: run from a checkout installed with `pip install -e .`, or pass --app PATH/TO/app.py "
        f"(or set {APP_ENV}).")


def prepare_models(echo=click.echo) -> None:
    """Train (or load from the cache) the three scenario models, so the first page view is quick."""
    from . import SCENARIOS, scenario

    for demo_id in SCENARIOS:
        echo(f"preparing {demo_id}…")
        summary = scenario(demo_id).static_summary()
        echo(f"  {summary['headline']}")


@click.command("demos")
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True,
              help="Port for the demo server (term pages embed http://127.0.0.1:8501 by default).")
@click.option("--address", default="127.0.0.1", show_default=True,
              help="Interface to listen on; 0.0.0.0 to accept connections from other machines.")
@click.option("--app", "app_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The demo app's entry script, if not the checkout's demos/app.py.")
@click.option("--prepare", is_flag=True,
              help="Train (or load) the scenario models before starting, instead of on first use.")
def demos(port: int, address: str, app_path: Path | None, prepare: bool) -> None:
    """Start the Streamlit demo app with its own config (demos/.streamlit/config.toml)."""
    try:
        app = find_app(app_path)
        if prepare:
            prepare_models()
    except SslglossError as err:
        raise click.ClickException(str(err)) from None
    command = [sys.executable, "-m", "streamlit", "run", str(app),
               "--server.port", str(port), "--server.address", address]
    click.echo(f"sslgloss demos on http://{address}:{port}/  (Ctrl+C stops)", err=True)
    os.chdir(app.parent.parent)
    try:
        if os.name == "posix":  # streamlit becomes this process: Ctrl+C and `kill PID` reach it directly
            os.execve(sys.executable, command, server_env())
        code = subprocess.call(command, env=server_env())
    except KeyboardInterrupt:
        code = 0
    except OSError as exc:
        raise click.ClickException(f"could not start streamlit: {exc}") from None
    if code:
        raise click.ClickException(f"streamlit exited with status {code}")


COMMANDS = [demos]
