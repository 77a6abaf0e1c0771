"""Reading company registers for batch matching: CSV (our columns or INSEE
SIRENE's), NDJSON, JSON arrays and YAML, streamed record by record.

Each record comes out as an event: a `Row` (its line number, its values, its
text), a `Reject` (a record that cannot be read, with a stable `code` and a
reason in words: wrong number of columns, a quote that never closes,
undecodable bytes, nothing to identify the company...) or a `Skip`. A row with
a bad value is not rejected: the bad value is dropped with a warning when the
row is resolved.

CSV is cut into records by one splitter (`records`) that follows the `csv`
module's own quote rules, and those records become events through one function
(`csvread.parse_block`): the serial and the parallel paths share both, so they
read the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO

from .csvread import CsvSpec, parse_block, read_csv, read_csv_header
from .events import Event, Layout, Reject, Row, Skip
from .jsonread import MAX_ELEMENT, read_json, read_ndjson
from .records import MAX_RECORD, RecordBlock, record_blocks
from .sirene import PROFILE_COLUMNS, SIRENE_COLUMNS
from .source import (
    INPUT_FORMATS,
    bytes_read,
    detect_format,
    has_bad_bytes,
    open_binary,
    reading,
    text_stream,
)
from .yamlread import read_yaml

__all__ = [
    "INPUT_FORMATS",
    "MAX_ELEMENT",
    "MAX_RECORD",
    "PROFILE_COLUMNS",
    "SIRENE_COLUMNS",
    "CsvSpec",
    "Event",
    "Layout",
    "RecordBlock",
    "Reject",
    "Row",
    "Skip",
    "bytes_read",
    "detect_format",
    "has_bad_bytes",
    "open_binary",
    "parse_block",
    "read_csv_header",
    "read_register",
    "reading",
    "record_blocks",
    "text_stream",
]


def read_register(
    source: str,
    *,
    input_format: str | None = None,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    binary: IO[bytes] | None = None,
    on_header: Callable[[str], None] | None = None,
) -> Iterator[Event]:
    """Every event of the register `source` ('-' for stdin), in order. With
    `binary` (what `open_binary(source)` gave), it is read, and left open for
    the caller to close: a caller watching its position can show progress.
    `on_header` is given a CSV register's header row as read."""
    fmt = detect_format(source, input_format)
    label = "<stdin>" if source == "-" else source
    owned = binary is None
    if binary is None:
        binary = open_binary(source)
    try:
        with reading(label, encoding):
            text = text_stream(binary, encoding)
            if fmt == "csv":
                yield from read_csv(text, delimiter, label, on_header)
            elif fmt == "ndjson":
                yield from read_ndjson(text)
            elif fmt == "json":
                yield from read_json(text, label)
            else:
                yield from read_yaml(text, label)
    finally:
        if owned and source != "-":
            binary.close()
