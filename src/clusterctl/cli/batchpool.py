"""Running a batch: blocks of rows resolved, scored and rendered to text.

`batchblock.process` turns one block of register events into a `Result`
(output text, messages, counts). `run_events` does it block by block in this
process, for any input; `run_parallel` has worker processes do it for a plain
CSV file, while this process only reads and writes.

Parallel gives the same output as serial by construction: this process cuts the
file into records with the very splitter the serial path uses
(`registers.record_blocks`), so blocks always end between two records, and a
worker turns each block into events with the same `registers.parse_block`.
Workers parse cells, match and format, which is where the time goes; cutting
records costs this process a test of each line for a quote.

The first block runs here before the workers are forked: they inherit the
caches it filled. Workers ignore Ctrl-C (this process handles it), die with
this process (Linux), and the pool is terminated whatever ends the run.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from .batchblock import Result, process

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult

    from clusterctl.registers import CsvSpec, RecordBlock

#: Characters of records per block sent to a worker (about 3,500 SIRENE rows),
#: and in the first block, run here to warm the caches the workers inherit.
BLOCK_BYTES = 256 * 1024
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
    bm: Any,
    writer: Any,
    stream: IO[str],
    spec: CsvSpec,
    top: int,
    label: str,
    jobs: int,
) -> Iterator[Result]:
    """Blocks of CSV records (read after the header) processed by `jobs` worker
    processes; results come back in input order."""
    import multiprocessing

    from clusterctl.registers import parse_block, record_blocks

    blocks = record_blocks(
        stream,
        spec.sep,
        spec.width,
        size=BLOCK_BYTES,
        first_size=FIRST_BLOCK_BYTES,
    )
    first = next(blocks, None)
    if first is None:
        return
    yield process(bm, writer, parse_block(spec, first), top, label)
    _STATE.update(
        bm=bm, writer=writer, spec=spec, top=top, label=label, parent=os.getpid()
    )
    pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_init)
    try:
        pending: list[AsyncResult[Result]] = []
        for block in blocks:
            pending.append(pool.apply_async(_work, (block,)))
            while pending and (pending[0].ready() or len(pending) > MAX_PENDING * jobs):
                yield pending.pop(0).get()
        while pending:
            yield pending.pop(0).get()
    finally:
        pool.terminate()
        pool.join()


def _init() -> None:
    """In each worker: die with the parent, leave Ctrl-C to it, write to memory."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent's handlers turn SIGTERM and SIGHUP into an exit with a
    # message; a worker is stopped by them quietly.
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    _die_with_parent()
    _STATE["writer"].out = io.StringIO()


def _die_with_parent() -> None:
    """Ask Linux to send SIGTERM to this worker when its parent dies, so that no
    worker outlives a killed run and holds its output pipe open. Elsewhere (or
    if prctl is unavailable) the pool's own clean-up is all there is."""
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != _STATE.get("parent"):  # the parent died before prctl
        os._exit(1)


def _work(block: RecordBlock) -> Result:
    from clusterctl.registers import parse_block

    events = parse_block(_STATE["spec"], block)
    return process(
        _STATE["bm"], _STATE["writer"], events, _STATE["top"], _STATE["label"]
    )


def can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()
