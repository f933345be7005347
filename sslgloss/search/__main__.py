"""`python -m sslgloss.search COMMAND`: the search commands (search, search-eval, search-train) without the main CLI."""

from __future__ import annotations

import click

from .cli import COMMANDS


@click.group()
def main() -> None:
    """Search the glossary, score the search, teach the search encoder the glossary."""


for command in COMMANDS:
    main.add_command(command)

if __name__ == "__main__":
    main()
