"""The `clusterctl` command line: a thin Typer layer over the library.

Each command parses options, calls one or two library functions and hands
plain rows to `formats`. Heavy modules (pydantic, YAML, Rich, rapidfuzz) are
imported inside commands, never here, so that `--help` and shell completion
stay fast.

Help text is plain (`rich_markup_mode=None`): Rich would otherwise eat
`[...]` in help strings and cost a Rich import on every `--help`.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
import sys
from typing import Annotated, NoReturn

import typer

from clusterctl.errors import ExitCode

from .usage import ClusterctlGroup, install, short_help

EPILOG = (
    "Exit status: 0 results printed; 1 no result (a filter, search, show or match "
    "found nothing); 2 usage or input error; 130 interrupted. "
    "Environment: CLUSTERCTL_DATA (dataset file), CLUSTERCTL_TODAY (the date "
    "labels and dates are judged on), CLUSTERCTL_CACHE_DIR and CLUSTERCTL_NO_CACHE "
    "(start-up cache), NO_COLOR or TERM=dumb (no escape codes). Data: the pôles de "
    "compétitivité of phase V (2023-2026); see 'clusterctl info'."
)

app = typer.Typer(
    name="clusterctl",
    cls=ClusterctlGroup,
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


def _remember_safe(value: bool) -> bool:
    """Writers (and batch workers) read the choice from the environment."""
    if value:
        os.environ["CLUSTERCTL_SPREADSHEET_SAFE"] = "1"
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
    from clusterctl.formats import printable

    print(printable(f"clusterctl {tool} (dataset {data_version}, {data_date})"))
    raise typer.Exit(ExitCode.OK)


@app.callback(invoke_without_command=True)
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
    spreadsheet_safe: Annotated[
        bool,
        typer.Option(
            "--spreadsheet-safe",
            envvar="CLUSTERCTL_SPREADSHEET_SAFE",
            help="In csv and tsv output, prefix with ' every cell a spreadsheet "
            "would run as a formula (starting with =, +, -, @).",
            callback=_remember_safe,
        ),
    ] = False,
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
    if ctx.invoked_subcommand is None:
        short_help()
        raise typer.Exit(ExitCode.OK)


def _interrupted(signum: int, frame: object) -> None:
    print("", file=sys.stderr)
    raise SystemExit(ExitCode.INTERRUPTED)


class _ClosedStream(io.TextIOBase):
    """Stands for a standard stream that was closed when the program started:
    using it is an error the user is told about, not an `AttributeError` on
    `None`."""

    def __init__(self, name: str) -> None:
        self._name = name

    def _fail(self, *args: object) -> NoReturn:
        raise OSError(errno.EBADF, f"standard {self._name} is closed")

    read = readline = write = fileno = _fail

    @property
    def buffer(self) -> _ClosedStream:
        return self

    def isatty(self) -> bool:
        return False

    def readable(self) -> bool:
        return self._name == "input"

    def writable(self) -> bool:
        return self._name == "output"


def _guard_streams() -> None:
    """Keep file descriptors 0-2 taken (a file opened later must never land on
    them), stand in for closed stdin and stdout, and silence a closed stderr."""
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        if getattr(sys, name) is not None:
            continue
        with contextlib.suppress(OSError):
            os.open(os.devnull, os.O_RDWR)  # takes the lowest free descriptor
        if name == "stderr":
            sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        else:
            setattr(sys, name, _ClosedStream("input" if fd == 0 else "output"))


def _output_failed(exc: OSError) -> int:
    """Report a failed write (a full disk, a closed stdout) as one line; the
    unwritten rest goes to /dev/null so that exiting does not fail again."""
    if exc.errno == errno.EPIPE:
        code = ExitCode.NO_RESULT  # pragma: no cover - only without SIGPIPE
    else:
        what = exc.strerror or str(exc)
        where = f"{exc.filename}: " if exc.filename else "cannot write output: "
        print(f"clusterctl: error: {where}{what}", file=sys.stderr)
        code = ExitCode.USAGE
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return code


def main() -> None:
    """Console entry point: quiet on a closed pipe, 130 on Ctrl-C, one line and
    exit 2 when the output cannot be written."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGINT, _interrupted)
    _guard_streams()
    code: int | str | None = ExitCode.OK
    try:
        app()
    except SystemExit as exc:
        code = exc.code
    except OSError as exc:
        code = _output_failed(exc)
    try:
        sys.stdout.flush()
    except OSError as exc:
        code = _output_failed(exc)
    sys.exit(code)


# Commands register themselves on `app` when their modules are imported.
from . import browse, checks, mapcmd, matchcmd  # noqa: E402, F401

install(app)
