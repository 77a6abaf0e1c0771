"""`clusterctl match --batch`: stream a register through the batch matcher.

Matches go to stdout as they are computed. Warnings and rejected rows go to
stderr with their line numbers, the first few of each kind (a register of a
million rows must not print a million lines), then one line per kind with
its count, and a summary with the counts by kind ends the run. Rejected rows
are written to `--rejects` as they were read; the file takes its place only
when the run ends, so a failed run never empties an existing one. Exit status
2 when any row was rejected, 1 when no company has a match, else 0.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import gzip
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, cast

import typer

from clusterctl.errors import ExitCode, UsageError
from clusterctl.formats import OutputFormat, printable, resolve_format
from clusterctl.i18n import _, format_number

from .common import note

if TYPE_CHECKING:
    from clusterctl.matching import Matcher

    from .batchblock import Message, Result

#: Messages printed of each kind (a warning code, or a reason of rejection)
#: before the rest are only counted.
SHOWN_PER_KIND = 5


@dataclass
class Stats:
    read: int = 0
    matched: int = 0
    rejected: int = 0
    skipped: int = 0
    warned: int = 0
    found: int = 0

    def add(self, result: Result) -> None:
        self.found += result.found
        self.read += result.read
        self.matched += result.matched
        self.rejected += len(result.rejected)
        self.skipped += result.skipped
        self.warned += result.warned


def run_batch(
    matcher: Matcher,
    source: str,
    *,
    top: int,
    explain: bool,
    min_score: float,
    input_format: str | None,
    delimiter: str | None,
    encoding: str,
    rejects: str | None,
    fmt: OutputFormat,
    header: bool,
    jobs: int = 0,
    all_messages: bool = False,
) -> None:
    """Stream the register through the matcher block by block, in this process
    or, for a large plain CSV file, in worker processes (see `batchpool`);
    results are written in input order."""
    from clusterctl.batch import CHUNK, BatchMatcher
    from clusterctl.registers import (
        bytes_read,
        detect_format,
        open_binary,
        read_csv_header,
        read_register,
        reading,
        text_stream,
    )

    from .batchpool import run_events, run_parallel
    from .batchwrite import Output, Writer
    from .progress import RowProgress

    label = "<stdin>" if source == "-" else source
    stats = Stats()
    fmt = resolve_format(fmt, sys.stdout)
    workers = _jobs(jobs, source, fmt, detect_format(source, input_format))
    bm = BatchMatcher(matcher)
    writer = Writer(bm, fmt, sys.stdout, explain, header, min_score)
    output = Output(writer, fmt)
    reject_out = RejectsFile(rejects, source) if rejects else None
    binary = open_binary(source)
    if isinstance(cast(object, binary), gzip.GzipFile):
        workers = 1  # compressed whatever its name: read in this process
    progress = RowProgress(total=_size(source), position=bytes_read(binary))
    log = MessageLog(label, progress.stderr, None if all_messages else SHOWN_PER_KIND)
    finished = False
    results: Iterator[Result] | None = None
    # The batch creates no reference cycles: the cyclic collector would only
    # rescan the caches again and again (a third of the run time).
    gc.freeze()
    gc.disable()
    try:
        if workers > 1:
            stream = text_stream(binary, encoding)
            with reading(label, encoding):
                spec = read_csv_header(stream, delimiter, label)
            if reject_out is not None:
                reject_out.header = spec.header
            results = _reading(
                run_parallel(bm, writer, stream, spec, top, label, workers),
                label,
                encoding,
            )
        else:
            events = read_register(
                source,
                input_format=input_format,
                delimiter=delimiter,
                encoding=encoding,
                binary=binary,
                on_header=reject_out.set_header if reject_out is not None else None,
            )
            results = run_events(bm, writer, events, top, label, CHUNK)
        with progress:
            for result in results:
                output.frame(result)
                if result.text:
                    sys.stdout.write(result.text)
                log.write(result.messages)
                if reject_out is not None:
                    reject_out.write(result.rejected)
                stats.add(result)
                progress.advance(result.read)
        sys.stdout.write(output.end())
        finished = True
    except UnicodeError as exc:
        raise UsageError(
            _("{source}: cannot decode as {encoding}: {error}").format(
                source=label, encoding=encoding, error=exc
            )
        ) from None
    finally:
        gc.enable()
        # A generator's close stops the worker processes at once, whatever
        # ended the run (its `finally` terminates the pool).
        close = getattr(results, "close", None)
        if close is not None:
            close()
        if source != "-":
            binary.close()
        if reject_out is not None:
            reject_out.close(keep=finished)
    log.finish()
    print("clusterctl: " + printable(log.summary(stats)), file=sys.stderr)
    if stats.rejected:
        raise typer.Exit(ExitCode.USAGE)
    if not stats.found:  # an empty register, or every company under --min-score
        raise typer.Exit(ExitCode.NO_RESULT)


def _reading(results: Iterator[Result], label: str, encoding: str) -> Iterator[Result]:
    """`results`, with errors of reading the register said as one input error
    (errors of writing stdout happen outside, and are not caught here)."""
    from clusterctl.registers import reading

    with reading(label, encoding):
        yield from results


def _size(source: str) -> int | None:
    """The register's size in bytes, for the progress bar (compressed size for
    a compressed file: the bar follows the compressed bytes read)."""
    if source == "-":
        return None
    try:
        return os.path.getsize(source)
    except OSError:
        return None


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the system has
    one, as in containers limited to a few cores)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _jobs(jobs: int, source: str, fmt: OutputFormat, input_format: str) -> int:
    """Worker processes: `--jobs` (at most one per usable CPU: more would only
    compete for them), else one per CPU (up to 4) for a plain CSV file large
    enough to pay for them. Other inputs (stdin, .gz, NDJSON, YAML) and the
    table and YAML outputs run in this process."""
    from .batchpool import can_fork

    cpus = usable_cpus()
    if jobs > cpus:
        note(
            _("--jobs {jobs} is more than the {cpus} usable CPUs; using {cpus}").format(
                jobs=jobs, cpus=cpus
            )
        )
        jobs = cpus
    if (
        input_format != "csv"
        or source == "-"
        or source.lower().endswith(".gz")
        or fmt in (OutputFormat.table, OutputFormat.yaml)
        or not can_fork()
    ):
        return 1
    if jobs:
        return jobs
    try:
        size = os.path.getsize(source)
    except OSError:
        return 1
    return max(1, min(4, cpus)) if size >= 4_000_000 else 1


class RejectsFile:
    """`--rejects FILE`: rejected rows as they were read (undecodable bytes
    written back byte for byte), after the header row of a CSV register.

    The rows go to a new file beside FILE, which replaces it only when the run
    ends: a run that fails (a register that cannot be read, an interruption)
    leaves an existing FILE as it was. FILE may not be the register itself,
    under any name (a link, a path through another folder): writing it would
    destroy the input. A FILE that is not a regular file (a FIFO, /dev/null,
    /dev/stderr) is written directly."""

    def __init__(self, path: str, source: str) -> None:
        self.path = path
        self.temp: str | None = None
        self.stream: IO[str] | None = None
        #: a CSV register's header row, written before the first rejected row
        self.header = ""
        if source != "-" and _same_file(path, source):
            raise UsageError(
                _(
                    "--rejects {path}: this is the register itself; name another file"
                ).format(path=path)
            )
        if os.path.isdir(path):
            raise UsageError(
                _("--rejects {path}: is a folder; name a file").format(path=path)
            )
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.exists(path):  # said before the register is read
            code = errno.EACCES if os.path.isdir(folder) else errno.ENOENT
            if code == errno.ENOENT or not os.access(folder, os.W_OK):
                raise self._error(OSError(code, os.strerror(code)))

    def _open(self) -> IO[str]:
        import stat
        import tempfile

        try:
            mode = os.stat(self.path).st_mode
        except FileNotFoundError:
            mode = None
        except OSError as exc:
            raise self._error(exc) from None
        try:
            if mode is not None and not stat.S_ISREG(mode):
                target = self.path
            else:
                folder = os.path.dirname(os.path.abspath(self.path))
                fd, target = tempfile.mkstemp(
                    prefix="." + os.path.basename(self.path) + ".",
                    suffix=".part",
                    dir=folder,
                )
                os.close(fd)
                self.temp = target
                os.chmod(
                    target, stat.S_IMODE(mode) if mode is not None else _new_mode()
                )
            # surrogateescape writes undecodable rows back byte for byte
            return open(
                target, "w", encoding="utf-8", errors="surrogateescape", newline=""
            )
        except OSError as exc:
            self._discard()
            raise self._error(exc) from None

    def _error(self, exc: OSError) -> UsageError:
        return UsageError(
            _("--rejects {path}: cannot write: {reason}").format(
                path=self.path, reason=exc.strerror or exc
            )
        )

    def set_header(self, header: str) -> None:
        self.header = header

    def write(self, rows: list[str]) -> None:
        if not rows:
            return
        if self.stream is None:
            self.stream = self._open()
            if self.header:  # so that the file can be corrected and read again
                self.stream.write(self.header)
        for raw in rows:  # as read, line endings included
            self.stream.write(raw if raw.endswith(("\n", "\r")) else raw + "\n")

    def close(self, *, keep: bool) -> None:
        """Put the new file in place (`keep`), or leave the old one as it was."""
        if keep and self.stream is None:
            self.stream = self._open()  # a run without rejects: an empty file
        if self.stream is not None:
            try:
                self.stream.close()
            except OSError as exc:
                keep = False
                if self.temp is None:
                    raise self._error(exc) from None
        if self.temp is None:
            return
        if keep:
            try:
                os.replace(self.temp, self.path)
            except OSError as exc:
                self._discard()
                raise self._error(exc) from None
            self.temp = None
        else:
            self._discard()

    def _discard(self) -> None:
        if self.temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.temp)
            self.temp = None


def _same_file(path: str, source: str) -> bool:
    try:
        return os.path.samefile(path, source)
    except OSError:  # one of them does not exist: not the same file
        return False


def _new_mode() -> int:
    """The mode a new file gets here (0666 less the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@dataclass
class MessageLog:
    """Warnings and rejections on stderr, grouped by kind: the first `shown`
    of each kind as they come, with their line numbers, then at the end one
    line per kind with the count of the others. `shown=None` prints all."""

    label: str
    err: IO[str]
    shown: int | None = SHOWN_PER_KIND
    warnings: dict[str, int] = field(default_factory=dict)
    rejects: dict[str, int] = field(default_factory=dict)

    def write(self, messages: Iterable[Message]) -> None:
        lines = []
        for m in messages:
            rejected = m.kind == "rejected"
            kind = m.code
            counts = self.rejects if rejected else self.warnings
            n = counts[kind] = counts.get(kind, 0) + 1
            if self.shown is None or n <= self.shown:
                where = f"{self.label}:{m.line}"
                text = (
                    _("{where}: rejected: {message}")
                    if rejected
                    else _("{where}: warning: {message}")
                )
                lines.append(printable(text.format(where=where, message=m.text)) + "\n")
        if lines:
            self.err.write("".join(lines))

    def finish(self) -> None:
        """One line per kind of which some messages were not printed."""
        if self.shown is None:
            return
        for counts, text in (
            (self.warnings, _("{source}: {count} more warnings '{kind}' not shown")),
            (
                self.rejects,
                _("{source}: {count} more rows rejected '{kind}' not shown"),
            ),
        ):
            for kind, n in counts.items():
                if n > self.shown:
                    line = text.format(
                        source=self.label,
                        count=format_number(n - self.shown),
                        kind=kind,
                    )
                    self.err.write("clusterctl: " + printable(line) + "\n")
        if any(
            n > self.shown for n in (*self.warnings.values(), *self.rejects.values())
        ):
            self.err.write(
                "clusterctl: "
                + _(
                    "(--all-messages prints every one; "
                    "--rejects FILE keeps the rejected rows)"
                )
                + "\n"
            )

    def summary(self, stats: Stats) -> str:
        """The last line: counts of rows, and of messages by kind."""
        text = _(
            "{source}: {read} rows read, {matched} matched, {rejected} rejected, "
            "{skipped} skipped"
        ).format(
            source=self.label,
            read=format_number(stats.read),
            matched=format_number(stats.matched),
            rejected=format_number(stats.rejected),
            skipped=format_number(stats.skipped),
        )
        if stats.warned:
            text += _(", {count} with warnings").format(
                count=format_number(stats.warned)
            )
        for counts, head in (
            (self.warnings, _("warnings")),
            (self.rejects, _("rejected")),
        ):
            if counts:
                kinds = ", ".join(
                    f"{kind} {format_number(n)}" for kind, n in sorted(counts.items())
                )
                text += f"; {head}: {kinds}"
        return text
