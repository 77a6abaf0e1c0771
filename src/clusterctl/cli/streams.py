"""The standard streams of the process: closed ones stood in for, interrupts
and failed writes turned into an exit code and one line on stderr."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
from typing import NoReturn

from clusterctl.errors import ExitCode
from clusterctl.i18n import _


def interrupted(signum: int, frame: object) -> None:
    """Ctrl-C, and SIGTERM or SIGHUP (a closed terminal, `kill`, a supervisor)
    the same way: the run stops where it is, its `finally` blocks close files
    and stop worker processes, and the exit status is 128 + the signal."""
    print("", file=sys.stderr)
    raise SystemExit(128 + signum if signum else ExitCode.INTERRUPTED)


class _ClosedStream(io.TextIOBase):
    """Stands for a standard stream that was closed when the program started:
    using it is an error the user is told about, not an `AttributeError` on
    `None`."""

    def __init__(self, name: str) -> None:
        self._name = name

    def _fail(self, *args: object) -> NoReturn:
        if self._name == "input":
            raise OSError(errno.EBADF, _("standard input is closed"))
        raise OSError(errno.EBADF, _("standard output is closed"))

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


def guard_streams() -> None:
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


def output_failed(exc: OSError) -> int:
    """Report a failed write (a full disk, a closed stdout) as one line; the
    unwritten rest goes to /dev/null so that exiting does not fail again."""
    if exc.errno == errno.EPIPE:
        code = ExitCode.NO_RESULT  # pragma: no cover - only without SIGPIPE
    else:
        from .usage import error

        what = exc.strerror or str(exc)
        if exc.filename:
            error(f"{exc.filename}: {what}")
        else:
            error(_("cannot write output: {reason}").format(reason=what))
        code = ExitCode.USAGE
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return code
