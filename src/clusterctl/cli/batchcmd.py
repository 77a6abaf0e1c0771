"""`clusterctl match --batch`: stream a register through the batch matcher.

Matches go to stdout as they are computed; warnings and rejected rows go to
stderr with their line numbers, and a one-line summary ends the run. Exit
status 2 when any row was rejected, else 0.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

import typer

from clusterctl.errors import ExitCode, UsageError
from clusterctl.formats import OutputFormat, resolve_format

if TYPE_CHECKING:
    from .batchblock import Result
    from .batchwrite import Output


@dataclass
class Stats:
    read: int = 0
    matched: int = 0
    rejected: int = 0
    skipped: int = 0
    warned: int = 0

    def add(self, result: Any, reject_out: IO[str] | None) -> None:
        self.read += result.read
        self.matched += result.matched
        self.rejected += len(result.rejected)
        self.skipped += result.skipped
        self.warned += result.warned
        if reject_out:
            for raw in result.rejected:  # as read, line endings included
                reject_out.write(raw if raw.endswith("\n") else raw + "\n")


def run_batch(
    matcher: Any,
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
) -> None:
    """Stream the register through the matcher block by block, in this process
    or, for a large plain CSV file, in worker processes (see `batchpool`);
    results are written in input order."""
    from clusterctl.batch import CHUNK, BatchMatcher
    from clusterctl.registers import (
        detect_format,
        open_binary,
        read_csv_header,
        read_register,
        text_stream,
    )

    from .batchpool import run_events, run_parallel
    from .batchwrite import Output, Writer

    label = "<stdin>" if source == "-" else source
    stats = Stats()
    fmt = resolve_format(fmt, sys.stdout)
    workers = _jobs(jobs, source, fmt, detect_format(source, input_format))
    bm = BatchMatcher(matcher)
    writer = Writer(bm, fmt, sys.stdout, explain, header, min_score)
    output = Output(writer, fmt)
    reject_out = _open_rejects(rejects)
    progress = _Progress() if sys.stderr.isatty() else None
    binary = None
    # The batch creates no reference cycles: the cyclic collector would only
    # rescan the caches again and again (a third of the run time).
    gc.freeze()
    gc.disable()
    try:
        if workers > 1:
            binary = open_binary(source)
            stream = text_stream(binary, encoding)
            spec = read_csv_header(stream, delimiter, label)
            results = run_parallel(bm, writer, stream, spec, top, label, workers)
        else:
            events = read_register(
                source,
                input_format=input_format,
                delimiter=delimiter,
                encoding=encoding,
            )
            results = run_events(bm, writer, events, top, label, CHUNK)
        for result in write_results(results, output, sys.stdout, sys.stderr, label):
            stats.add(result, reject_out)
            if progress:
                progress.tick(stats.read)
        sys.stdout.write(output.end())
    except UnicodeError as exc:
        raise UsageError(f"{label}: cannot decode as {encoding}: {exc}") from None
    finally:
        gc.enable()
        if binary is not None:
            binary.close()
        if reject_out:
            reject_out.close()
        if progress:
            progress.done()
    print(
        f"clusterctl: {label}: {stats.read} rows read, {stats.matched} matched, "
        f"{stats.rejected} rejected, {stats.skipped} skipped"
        + (f", {stats.warned} with warnings" if stats.warned else ""),
        file=sys.stderr,
    )
    if stats.rejected:
        raise typer.Exit(ExitCode.USAGE)


def _jobs(jobs: int, source: str, fmt: OutputFormat, input_format: str) -> int:
    """Worker processes: `--jobs`, else one per core (up to 4) for a plain CSV
    file large enough to pay for them. Other inputs (stdin, .gz, NDJSON, YAML)
    and the table and YAML outputs run in this process."""
    import os

    from .batchpool import can_fork

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
    return max(1, min(4, os.cpu_count() or 1)) if size >= 4_000_000 else 1


def _open_rejects(path: str | None) -> IO[str] | None:
    if not path:
        return None
    try:
        # surrogateescape writes undecodable rows back byte for byte
        return open(path, "w", encoding="utf-8", errors="surrogateescape", newline="")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror}") from None


class _Progress:
    """A running count on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.shown = False

    def tick(self, n: int) -> None:
        self.shown = True
        sys.stderr.write(f"\r{n:,} rows...")
        sys.stderr.flush()

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")


def write_results(
    results: Iterable[Result], output: Output, out: IO[str], err: IO[str], label: str
) -> Iterator[Result]:
    """Write each result's text and messages as it arrives; pass it on."""
    for result in results:
        output.frame(result)
        if result.text:
            out.write(result.text)
        if result.messages:
            err.write(
                "".join(
                    f"{label}:{m.line}: "
                    + ("rejected: " if m.kind == "rejected" else "warning: ")
                    + f"{m.text}\n"
                    for m in result.messages
                )
            )
        yield result
