"""Running a batch: blocks of rows resolved, scored and rendered to text.

`process` turns one block of register events into a `Result` (output text,
messages, counts). `run_events` does it block by block in this process, for
any input; `run_parallel` splits a plain CSV file into blocks of lines that
worker processes parse and process, so that reading, matching and formatting
all run on several cores while this process only writes results in order.
The first block runs here before the workers are forked: they inherit the
caches it filled.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from clusterctl.formats import OutputFormat

BLOCK_BYTES = 256 * 1024  # about 3,500 SIRENE rows per block of lines
FIRST_BLOCK_BYTES = 32 * 1024
MAX_PENDING = 3  # blocks in flight per worker

#: What a worker needs, set before the fork so that workers inherit it.
_STATE: dict[str, Any] = {}


@dataclass
class Result:
    text: str = ""
    messages: list[str] = field(default_factory=list)
    read: int = 0
    matched: int = 0
    warned: int = 0
    skipped: int = 0
    rejected: list[str] = field(default_factory=list)


class Output:
    """Frames block texts into one stream: CSV/TSV header, JSON brackets."""

    def __init__(self, writer: Any, fmt: OutputFormat) -> None:
        self.writer, self.fmt = writer, fmt
        self.started = False
        self.items = 0

    def start(self) -> str:
        if self.started:
            return ""
        self.started = True
        return _capture(self.writer, self.writer._write_header)

    def frame(self, result: Result) -> Result:
        result.text = self.start() + self._json(result)
        return result

    def _json(self, result: Result) -> str:
        if self.fmt is not OutputFormat.json or not result.matched:
            return result.text
        body = result.text.removeprefix(",\n ")
        text = ("[" if self.items == 0 else ",\n ") + body
        self.items += result.matched
        return text

    def end(self) -> str:
        text = self.start()
        if self.fmt is OutputFormat.json:
            return text + ("[]\n" if self.items == 0 else "]\n")
        if self.fmt is OutputFormat.table:
            return text + _capture(self.writer, self.writer._flush_table)
        return text


def _capture(writer: Any, action: Callable[[], None]) -> str:
    out, writer.out = writer.out, io.StringIO()
    try:
        action()
        return writer.out.getvalue()
    finally:
        writer.out = out


def process(
    bm: Any, writer: Any, events: Iterable[Any], top: int, label: str
) -> Result:
    """Resolve, score and render one block of register events."""
    from clusterctl.batch import Block
    from clusterctl.registers import Reject, Skip

    result = Result()
    block = Block()
    messages = result.messages
    for event in events:
        result.read += 1
        if isinstance(event, Reject):
            result.rejected.append(event.raw)
            messages.append(f"{label}:{event.line}: rejected: {event.reason}\n")
            continue
        if isinstance(event, Skip):
            result.skipped += 1
            continue
        warnings = _add(bm, block, event, label, messages)
        if warnings is None:
            result.rejected.append(event.raw)
            continue
        if warnings:
            result.warned += 1
            messages.extend(f"{label}:{event.line}: warning: {w}\n" for w in warnings)
    if len(block):
        saved = writer.count
        writer.count = 1  # JSON items come with their separator; framed later
        result.text = _capture(writer, lambda: writer.write(bm.score(block, top)))
        writer.count = saved
        result.matched = len(block)
    bm.bound_memory()
    return result


def _add(bm: Any, block: Any, row: Any, label: str, messages: list[str]) -> Any:
    """Add a row to the block; None when it is rejected (a profile row, NDJSON or
    YAML, that fails validation)."""
    if row.cells is not None:
        return bm.add_row(block, row)
    profile = row.fields.get("_profile")
    if profile is None:
        return bm.add_fields(block, row.fields, row.line)
    from pydantic import ValidationError

    from clusterctl.models import Profile
    from clusterctl.profiles import resolve_profile

    try:
        model = Profile.model_validate(profile)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        msg = str(first["msg"]).removeprefix("Value error, ")
        messages.append(
            f"{label}:{row.line}: rejected: {where + ': ' if where else ''}{msg}\n"
        )
        return None
    return bm.add_company(block, resolve_profile(model, line=row.line))


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


def write_results(
    results: Iterable[Result], output: Output, out: IO[str], err: IO[str]
) -> Iterator[Result]:
    """Write each result's text and messages as it arrives; pass it on."""
    for result in results:
        output.frame(result)
        if result.text:
            out.write(result.text)
        if result.messages:
            err.write("".join(result.messages))
        yield result
