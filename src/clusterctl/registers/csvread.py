"""CSV registers: the header row says the delimiter and where our fields sit;
each record (see `records`) becomes a `Row`, a `Reject` or a `Skip`.

`parse_block` is the one function that turns records into events, in this
process or in a worker of a parallel run: the same records give the same
events whatever the path.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from clusterctl.errors import DataFileError, UsageError
from clusterctl.i18n import _

from .events import (
    BAD_BYTES,
    COLUMNS,
    NO_IDENTITY,
    UNCLOSED_QUOTE,
    UNREADABLE,
    Event,
    Layout,
    Reject,
    Row,
)
from .records import (
    AT_EOF,
    MAX_RECORD,
    OVER_CAP,
    RecordBlock,
    Refusal,
    read_line,
    record_blocks,
)
from .sirene import finish, map_header, no_identity_reason
from .source import has_bad_bytes

#: Characters of records per block when reading in this process.
READ_BLOCK = 64 * 1024


@dataclass
class CsvSpec:
    """What the header row of a CSV register tells: delimiter, width, layout."""

    sep: str
    width: int
    layout: Layout
    needs_finish: bool
    ident: list[int]
    #: the header row as read (line end included): what a file of rejected
    #: rows starts with, so that it can be corrected and read again
    header: str = ""


def _sniff(header: str, delimiter: str | None) -> str:
    if delimiter:
        if delimiter in ("\\t", "tab"):
            return "\t"
        if len(delimiter) != 1 or delimiter in '"\r\n':
            raise UsageError(
                _(
                    "--delimiter takes one character (or 'tab'), not a quote or a "
                    "line break"
                )
            )
        return delimiter
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def read_csv_header(stream: IO[str], delimiter: str | None, label: str) -> CsvSpec:
    """Read the header row (line 1) and tell how to read the records after it."""
    first = read_line(stream)  # bounded: a file of one huge line is not read whole
    if len(first) > MAX_RECORD:
        raise DataFileError(
            _("{file}:1: header row longer than {count} characters").format(
                file=label, count=MAX_RECORD
            )
        )
    if not first.strip():
        raise DataFileError(
            _("{file}: empty register (no header row)").format(file=label)
        )
    if has_bad_bytes(first):
        raise DataFileError(
            _("{file}:1: header row is not valid text; try --encoding latin-1").format(
                file=label
            )
        )
    sep = _sniff(first, delimiter)
    header = next(csv.reader([first], delimiter=sep, strict=False))
    columns, needs_finish = map_header(header, label)
    layout = Layout(columns, sep)
    ident = [layout.index[k] for k in ("name", "siren", "siret") if k in layout.index]
    return CsvSpec(sep, len(header), layout, needs_finish, ident, first)


def read_csv(
    stream: IO[str],
    delimiter: str | None,
    label: str,
    on_header: Callable[[str], None] | None = None,
) -> Iterator[Event]:
    """Every event of a CSV register, in order; `on_header` is given the header
    row as read."""
    spec = read_csv_header(stream, delimiter, label)
    if on_header is not None:
        on_header(spec.header)
    for block in record_blocks(stream, spec.sep, spec.width, size=READ_BLOCK):
        yield from parse_block(spec, block)


def refusal_reason(refusal: Refusal, width: int) -> str:
    """The words for a record the splitter refused."""
    if refusal.code != UNCLOSED_QUOTE:
        return _("a row longer than {limit} characters").format(limit=MAX_RECORD)
    if refusal.columns == AT_EOF:
        return _("a quote that is never closed")
    if refusal.columns == OVER_CAP:
        return _("a quote that is not closed within {limit} characters").format(
            limit=MAX_RECORD
        )
    return _(
        "a quote not closed on this line (read on, the row has {count} columns, "
        "expected {width})"
    ).format(count=refusal.columns, width=width)


def _cells(texts: list[str], sep: str) -> list[list[str] | None]:
    """csv's cells of each record (None where csv refuses one). Each text is
    exactly one record, so one reader reads them all."""
    try:
        rows: list[list[str] | None] = list(
            csv.reader(texts, delimiter=sep, strict=False)
        )
        if len(rows) == len(texts):
            return rows
    except csv.Error:
        pass
    out: list[list[str] | None] = []
    for text in texts:
        try:
            out.append(next(csv.reader([text], delimiter=sep, strict=False), []))
        except csv.Error:
            out.append(None)
    return out


def parse_block(spec: CsvSpec, block: RecordBlock) -> Iterator[Event]:
    """The events of one block of records, in order. Blank lines give none."""
    sep, width, layout, columns = spec.sep, spec.width, spec.layout, spec.layout.columns
    needs_finish, ident = spec.needs_finish, spec.ident
    lines, texts, bad = block.lines, block.texts, block.bad
    good = [t for k, t in enumerate(texts) if k not in bad] if bad else texts
    rows = iter(_cells(good, sep))
    for k, text in enumerate(texts):
        line = lines[k]
        if bad and k in bad:
            refusal = bad[k]
            yield Reject(line, refusal_reason(refusal, width), text, refusal.code)
            continue
        cells = next(rows)
        if cells is None:
            yield Reject(line, _("a row the csv module cannot read"), text, UNREADABLE)
            continue
        if len(cells) != width:
            if len(cells) < 2 and text.isspace():
                continue  # a blank line, or one of spaces
            if has_bad_bytes(text):
                yield Reject(line, _bad_bytes(), text, BAD_BYTES)
            else:
                reason = _("{count} columns, expected {width}").format(
                    count=len(cells), width=width
                )
                yield Reject(line, reason, text, COLUMNS)
            continue
        if has_bad_bytes(text):
            yield Reject(line, _bad_bytes(), text, BAD_BYTES)
        elif needs_finish:
            fields = {k: v for i, k in columns if (v := cells[i].strip())}
            yield finish(line, fields, text)
        elif _any_value(cells, ident):
            yield Row(line, raw=text, cells=cells, layout=layout)
        else:
            yield Reject(line, no_identity_reason(), text, NO_IDENTITY)


def _bad_bytes() -> str:
    return _("undecodable bytes (try --encoding latin-1)")


def _any_value(cells: list[str], indexes: list[int]) -> bool:
    for i in indexes:
        value = cells[i]
        if value and not value.isspace():
            return True
    return False
