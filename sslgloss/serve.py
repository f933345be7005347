"""`sslgloss serve`: the site (mkdocs serve) and its live demos (Streamlit) side by side, from a checkout.

The demos' models and caches are prepared in a child process first (`sslgloss demos --prepare-only`),
so that the demo server never holds the memory of first-use training; the site serves meanwhile.
SIGTERM or Ctrl-C stops every process it started.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from .cli_base import Command, terms_dir_option
from .extras import INSTALL_DEMOS, demos_installed


def repo_root() -> Path:
    """The checkout this package runs from (holding mkdocs.yml and demos/)."""
    root = Path(__file__).resolve().parents[1]
    if not (root / "mkdocs.yml").exists():
        raise click.ClickException(f"no mkdocs.yml next to the package in {root}; `sslgloss serve` runs from a "
                                   "source checkout (git clone, then `make serve`)")
    return root


@click.command("serve", cls=Command)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port of the site.")
@click.option("--demos-port", default=8501, show_default=True, type=click.IntRange(1, 65535),
              help="Port of the Streamlit demo server.")
@click.option("--no-demos", is_flag=True, help="Serve the site only.")
@click.option("--no-prepare", is_flag=True,
              help="Start the demo server at once; each demo then trains or encodes what it needs on first use "
                   "(with an empty cache, the server's memory peaks higher).")
@click.option("--host", default="127.0.0.1", show_default=True)
@terms_dir_option
def serve(port: int, demos_port: int, no_demos: bool, no_prepare: bool, host: str, terms_dirs) -> None:
    """Serve the site (mkdocs serve) and its live demos (Streamlit) together; Ctrl-C stops both."""
    import signal
    import subprocess
    import time

    from .site.config import TERM_DIRS_ENV

    root = repo_root()
    env = {**os.environ, "SSLGLOSS_SITE_URL": f"http://{host}:{port}/",
           "SSLGLOSS_DEMOS_URL": f"http://{host}:{demos_port}"}
    if terms_dirs:  # added to mkdocs.yml's term_dirs by the MkDocs plugin, and watched for edits
        env[TERM_DIRS_ENV] = os.pathsep.join(str(Path(d).resolve()) for d in terms_dirs)
    demos = prepare = None
    if not no_demos and not demos_installed():
        click.echo(f"the live demos need `{INSTALL_DEMOS}`; serving the site only", err=True)
        no_demos = True
    site = None
    term = _Termination()
    previous = signal.signal(signal.SIGTERM, term.handler)  # `kill PID` stops both servers, as Ctrl-C does

    def start_demos() -> subprocess.Popen:
        from sslgloss.demos.launcher import server_command

        click.echo(f"demos: http://{host}:{demos_port}", err=True)
        return server_command(demos_port, host, env=env).popen()

    try:
        if not no_demos and no_prepare:
            with term.deferred():  # each child is held by a variable before a SIGTERM may stop `serve`
                demos = start_demos()
        elif not no_demos:
            from sslgloss.demos.launcher import prepare_command

            # the demos' models and caches are prepared in a child first, so the demo server never holds
            # the memory of first-use training and encoding (benchmarks/README.md, "Demos under load");
            # the site serves meanwhile, and its pages show the demos' static results until the server is up
            with term.deferred():
                prepare = prepare_command(env).popen()
            click.echo("demos: preparing their models (a minute or two on an empty cache)…", err=True)
        click.echo(f"site:  http://{host}:{port}", err=True)
        with term.deferred():
            site = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"{host}:{port}"], cwd=root,
                                    env=env)
        while (code := site.poll()) is None:
            if prepare is not None and prepare.poll() is not None:
                if prepare.returncode:
                    click.echo("demos: preparing failed (see above); each demo computes what it needs on first use",
                               err=True)
                prepare = None
                with term.deferred():
                    demos = start_demos()
            time.sleep(0.2)
    except KeyboardInterrupt:
        code = 0
    finally:
        for child in (site, prepare, demos):
            if child is not None and child.poll() is None:
                child.terminate()
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
        signal.signal(signal.SIGTERM, previous)
    sys.exit(code)


class _Termination:
    """SIGTERM stops `serve` as Ctrl-C does (a KeyboardInterrupt), except while a child is being started.

    There it would interrupt `Popen` after the fork: the child would run on, held by no variable, so
    nothing would stop it, and it would outlive `serve` (a test that terminated `serve` right after its
    first line left `mkdocs serve` running). Inside :meth:`deferred` the signal is noted, and raised as
    soon as the child is assigned.
    """

    def __init__(self) -> None:
        self.deferring = False
        self.pending = False

    def handler(self, signum, frame) -> None:
        if self.deferring:
            self.pending = True
            return
        raise KeyboardInterrupt

    @contextmanager
    def deferred(self):
        self.deferring = True
        try:
            yield
        finally:
            self.deferring = False
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt


COMMANDS = [serve]
