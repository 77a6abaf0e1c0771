"""Running a batch: blocks of rows resolved, scored and rendered to text.

`batchblock.process` turns one block of register events into a `Result`
(output text, messages, counts). `run_events` does it block by block in this
process, for any input; `run_parallel` splits a plain CSV file into blocks of lines that
worker processes parse and process, so that reading, matching and formatting
all run on several cores while this process only writes results in order.
The first block runs here before the workers are forked: they inherit the
caches it filled.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO, Any

from .batchblock import Result, process

BLOCK_BYTES = 256 * 1024  # about 3,500 SIRENE rows per block of lines
FIRST_BLOCK_BYTES = 32 * 1024
MAX_PENDING = 3  # blocks in flight per worker

#: What a worker needs, set before the fork so that workers inherit it.
_STATE: dict[str, Any] = {}


def run_events(
    bm: Any, writer: Any, events: Iterator[Any], top: int, label: str, chunk: int
) -> Iterator[Result]:
    """Every block of events, processed here, in order."""
    items: list[Any] = []
    for event in events:
        items.append(event)
        if len(items) >= chunk:
            yield process(bm, writer, items, top, label)
            items = []
    if items:
        yield process(bm, writer, items, top, label)


def run_parallel(
    bm: Any, writer: Any, stream: IO[str], spec: Any, top: int, label: str, jobs: int
) -> Iterator[Result]:
    """Blocks of CSV lines parsed and processed by `jobs` worker processes;
    results come back in input order."""
    import multiprocessing

    from clusterctl.registers import parse_csv_lines

    # A small first block runs here: its values warm the caches the workers
    # inherit, without keeping them waiting long.
    first = next(_line_blocks(stream, FIRST_BLOCK_BYTES), None)
    if first is None:
        return
    start, lines = first
    yield process(
        bm, writer, parse_csv_lines(spec, enumerate(lines, start)), top, label
    )
    blocks = _line_blocks(stream, start=start + len(lines))
    _STATE.update(bm=bm, writer=writer, spec=spec, top=top, label=label)
    pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_init)
    try:
        pending: list[Any] = []
        for block in blocks:
            pending.append(pool.apply_async(_work, (block,)))
            while pending and (pending[0].ready() or len(pending) > MAX_PENDING * jobs):
                yield pending.pop(0).get()
        while pending:
            yield pending.pop(0).get()
    finally:
        pool.terminate()


def _line_blocks(
    stream: IO[str], size: int = BLOCK_BYTES, start: int = 2
) -> Iterator[tuple[int, list[str]]]:
    """(first line number, lines) of about BLOCK_BYTES, never ending inside a
    quoted field that spans lines (up to 50 more lines are taken to close it)."""
    number = start
    while True:
        lines = stream.readlines(size)
        if not lines:
            return
        if sum(line.count('"') for line in lines) & 1:
            for _ in range(50):
                more = stream.readline()
                if not more:
                    break
                lines.append(more)
                if more.count('"') & 1:
                    break
        yield number, lines
        number += len(lines)


def _init() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent's handlers turn SIGTERM and SIGHUP into an exit with a
    # message; a worker is stopped by them quietly.
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    _STATE["writer"].out = io.StringIO()


def _work(block: tuple[int, list[str]]) -> Result:
    from clusterctl.registers import parse_csv_lines

    start, lines = block
    events = parse_csv_lines(_STATE["spec"], enumerate(lines, start))
    return process(
        _STATE["bm"], _STATE["writer"], events, _STATE["top"], _STATE["label"]
    )


def can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()
