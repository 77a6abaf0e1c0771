"""The start-up floor: a Typer app that imports what clusterctl needs and does nothing.

    python bench/floor_app.py list --format json    # prints []

`clusterctl list --format json` is compared against it: the difference is what
clusterctl itself adds to starting Python, Typer, pydantic and PyYAML.
"""

from enum import StrEnum
from typing import Annotated

import typer

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(StrEnum):
    table = "table"
    json = "json"


@app.callback()
def main() -> None:
    """A floor app (the callback keeps `list` a subcommand, as in clusterctl)."""


@app.command("list")
def list_(
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="Output format.")
    ] = Format.table,
) -> None:
    """Import what clusterctl needs to read its dataset, and print an empty list."""
    import pydantic  # noqa: F401
    import yaml  # noqa: F401

    print("[]")


if __name__ == "__main__":
    app()
