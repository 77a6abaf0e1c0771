"""The `clusterctl` command line: a thin Typer layer over the library.

Each command parses options, calls one or two library functions and hands
plain rows to `formats`. Heavy modules (pydantic, YAML, Rich, rapidfuzz) are
imported inside commands, never here, so that `--help` and shell completion
stay fast. For the same reason the command modules import the library inside
each command, not at the top: `--help` loads only the command line, `errors`
and `formats`.

`app` (the Typer application, in `app.py`) is what command modules register
their commands on; importing this package imports every command module, and
`main` is the console entry point (`clusterctl = "clusterctl.cli:main"`).
"""

from __future__ import annotations

import signal
import sys

from clusterctl.errors import ExitCode

# Commands register themselves on `app` when their modules are imported.
from . import browse, checks, mapcmd, matchcmd  # noqa: F401
from .app import app
from .streams import guard_streams, interrupted, output_failed
from .usage import install

# Usage errors in one voice and completion of the values each option accepts,
# once every command is registered.
install(app)

__all__ = ["app", "main"]


def main() -> None:
    """Console entry point: quiet on a closed pipe, 130 on Ctrl-C (143 on
    SIGTERM, 129 on SIGHUP), one line and exit 2 when the output cannot be
    written."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), interrupted)
    guard_streams()
    code: int | str | None = ExitCode.OK
    try:
        app()
    except SystemExit as exc:
        code = exc.code
    except OSError as exc:
        code = output_failed(exc)
    try:
        sys.stdout.flush()
    except OSError as exc:
        code = output_failed(exc)
    sys.exit(code)
