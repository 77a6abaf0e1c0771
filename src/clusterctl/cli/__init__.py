"""The `clusterctl` command line: a thin Typer layer over the library.

Each command parses options, calls one or two library functions and hands
plain rows to `formats`. Heavy modules (pydantic, YAML, Rich, rapidfuzz) are
imported inside commands, never here, so that `--help` and shell completion
stay fast.

Help text is plain (`rich_markup_mode=None`): Rich would otherwise eat
`[...]` in help strings and cost a Rich import on every `--help`.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Annotated

import typer

from clusterctl.errors import ExitCode

EPILOG = (
    "Exit status: 0 results printed; 1 no result (a filter, search, show or match "
    "found nothing); 2 usage or input error; 130 interrupted. "
    "Environment: CLUSTERCTL_DATA (dataset file), CLUSTERCTL_TODAY (date used by "
    "validate), CLUSTERCTL_CACHE_DIR and CLUSTERCTL_NO_CACHE (start-up cache), "
    "NO_COLOR. Data: the 57 pôles de compétitivité of phase V (2023-2026), "
    "last checked November 2026; see 'clusterctl info'."
)

app = typer.Typer(
    name="clusterctl",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EPILOG,
    pretty_exceptions_enable=False,
    help="Explore France's innovation clusters (pôles de compétitivité) and "
    "match companies to them.",
)


def _remember_data(ctx: typer.Context, value: str | None) -> str | None:
    """`--data` is eager so that `--data FILE --version` reports that file."""
    ctx.meta["data"] = value
    return value


def _version(ctx: typer.Context, value: bool) -> None:
    if not value:
        return
    from importlib.metadata import PackageNotFoundError, version

    from clusterctl.dataset import default_path
    from clusterctl.versioning import dataset_header

    try:
        tool = version("clusterctl")
    except PackageNotFoundError:
        tool = "unknown"
    path = default_path(ctx.meta.get("data"))
    data_version, data_date = dataset_header(path)
    print(f"clusterctl {tool} (dataset {data_version}, {data_date})")
    raise typer.Exit(ExitCode.OK)


@app.callback()
def _main(
    ctx: typer.Context,
    data: Annotated[
        str | None,
        typer.Option(
            "--data",
            "-d",
            metavar="FILE",
            envvar="CLUSTERCTL_DATA",
            help="Cluster dataset to read instead of the bundled one "
            "('-' reads stdin).",
            show_default=False,
            is_eager=True,
            callback=_remember_data,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            is_eager=True,
            callback=_version,
            help="Print the tool's and the dataset's versions and exit.",
        ),
    ] = False,
) -> None:
    """Explore France's innovation clusters and match companies to them.

    Example: clusterctl match company.yaml
    """
    ctx.obj = {"data": data}


def _interrupted(signum: int, frame: object) -> None:
    print("", file=sys.stderr)
    raise SystemExit(ExitCode.INTERRUPTED)


def main() -> None:
    """Console entry point: quiet on a closed pipe, 130 on Ctrl-C."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGINT, _interrupted)
    try:
        app()
    except BrokenPipeError:  # pragma: no cover - only without SIGPIPE
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(ExitCode.NO_RESULT)


# Commands register themselves on `app` when their modules are imported.
from . import browse, checks, mapcmd, matchcmd  # noqa: E402, F401
