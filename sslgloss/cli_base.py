"""What every `sslgloss` command shares: one error handler and the `--terms-dir` option.

Commands live beside their code (sslgloss/ml/cli.py, search/cli.py, scenarios/cli.py,
demos/launcher.py) and are declared with ``@click.command(cls=Command)``, so an
``SslglossError`` anywhere becomes click's clean ``Error: ...`` (exit 1), never a
traceback, whether the command runs from the ``sslgloss`` group or on its own.
"""

from __future__ import annotations

from pathlib import Path

import click

from .errors import SslglossError
from .extras import missing_extra


def clean_errors(invoke, ctx: click.Context):
    """The one error handler of the command line: an ``SslglossError`` (bad input, a missing model...)
    becomes click's ``Error: ...`` and exit status 1, a package of the `demos` extra that is not installed
    the line that says how to install it, Ctrl+C a short "interrupted"; never a traceback."""
    try:
        return invoke(ctx)
    except SslglossError as err:
        raise click.ClickException(str(err)) from None
    except ModuleNotFoundError as err:  # a command that needs the `demos` extra, run without it
        message = missing_extra(err, f"`{ctx.command_path}`")
        if message is None:
            raise
        raise click.ClickException(message) from None
    except KeyboardInterrupt:
        raise click.ClickException("interrupted") from None


class Command(click.Command):
    """Every sslgloss command (``@click.command(cls=Command)`` in the modules that define commands)."""

    def invoke(self, ctx: click.Context):
        return clean_errors(super().invoke, ctx)


terms_dir_option = click.option(
    "--terms-dir", "terms_dirs", multiple=True, type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A folder of term files to add to the glossary (repeatable).")
