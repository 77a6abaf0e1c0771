"""One block of register events resolved, scored and rendered to text.

`process` is the unit of work of a batch run: the same function runs a block
in this process or in a worker, so both paths give the same output.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .batchwrite import capture

if TYPE_CHECKING:
    from clusterctl.batch import BatchMatcher, Block, Pair
    from clusterctl.registers import Event, Row

    from .batchwrite import Writer


@dataclass(frozen=True, slots=True)
class Message:
    """One thing to tell about one row: a warning (`kind` is its code) or a
    rejection (`kind` is "rejected", `code` the reader's reason code when it
    gives one). The run groups them by kind. `code` defaults to `kind`."""

    kind: str
    line: int
    text: str
    code: str = ""

    def __post_init__(self) -> None:
        if not self.code:
            object.__setattr__(self, "code", self.kind)


@dataclass
class Result:
    text: str = ""
    messages: list[Message] = field(default_factory=list)
    read: int = 0
    matched: int = 0
    warned: int = 0
    skipped: int = 0
    found: int = 0  # companies with at least one match
    rejected: list[str] = field(default_factory=list)


def process(
    bm: BatchMatcher, writer: Writer, events: Iterable[Event], top: int, label: str
) -> Result:
    """Resolve, score and render one block of register events. Every row meets
    the rules of profiles (see `clusterctl.batch.rows`): one that breaks them
    is rejected with the reason a profile would be given."""
    from clusterctl.batch import Block, RowRejected
    from clusterctl.registers import Reject, Skip

    result = Result()
    block = Block()
    messages = result.messages
    for event in events:
        result.read += 1
        if isinstance(event, Reject):
            result.rejected.append(event.raw)
            code = getattr(event, "code", "")
            messages.append(Message("rejected", event.line, event.reason, code))
            continue
        if isinstance(event, Skip):
            result.skipped += 1
            continue
        try:
            warnings = _add(bm, block, event)
        except RowRejected as exc:
            result.rejected.append(event.raw)
            # broke a rule of profiles (nothing to match on, a bad value)
            messages.append(Message("rejected", event.line, exc.reason, "profile"))
            continue
        if warnings:
            result.warned += 1
            messages.extend(Message(code, event.line, text) for code, text in warnings)
    if len(block):
        saved = writer.count
        writer.count = 1  # JSON items come with their separator; framed later
        scored = bm.score(block, top, writer.min_score)
        result.text = capture(writer, lambda: writer.write(scored))
        writer.count = saved
        result.matched = len(block)
        # companies with at least one match left (the best comes first)
        best = scored.score[:, :1]
        result.found = int((best >= writer.min_score).sum())
    bm.bound_memory()
    return result


def _add(bm: BatchMatcher, block: Block, row: Row) -> list[Pair]:
    """Add a row to the block: a CSV row, or a profile (NDJSON or YAML item)."""
    if row.cells is not None:
        return bm.add_row(block, row)
    profile = row.fields.get("_profile")
    if profile is None:
        return bm.add_row(block, row)
    return bm.add_profile(block, profile, row.line)
