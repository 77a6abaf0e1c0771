"""One block of register events resolved, scored and rendered to text.

`process` is the unit of work of a batch run: the same function runs a block
in this process or in a worker, so both paths give the same output.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .batchwrite import capture


@dataclass(frozen=True, slots=True)
class Message:
    """One thing to tell about one row: a warning (`kind` is its code) or a
    rejection (`kind` is "rejected"). The run groups them by kind."""

    kind: str
    line: int
    text: str


@dataclass
class Result:
    text: str = ""
    messages: list[Message] = field(default_factory=list)
    read: int = 0
    matched: int = 0
    warned: int = 0
    skipped: int = 0
    rejected: list[str] = field(default_factory=list)


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
            messages.append(Message("rejected", event.line, event.reason))
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
            messages.extend(Message("warning", event.line, w) for w in warnings)
    if len(block):
        saved = writer.count
        writer.count = 1  # JSON items come with their separator; framed later
        result.text = capture(writer, lambda: writer.write(bm.score(block, top)))
        writer.count = saved
        result.matched = len(block)
    bm.bound_memory()
    return result


def _add(bm: Any, block: Any, row: Any, label: str, messages: list[Message]) -> Any:
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
            Message("rejected", row.line, f"{where + ': ' if where else ''}{msg}")
        )
        return None
    return bm.add_company(block, resolve_profile(model, line=row.line))
