"""Cutting a CSV register's text into records, exactly where Python's `csv`
module would, so that every path (serial or parallel) reads the same rows.

The rules are csv's own (default dialect, `strict=False`): a `"` at the start
of a field opens a quoted field, where `""` is a literal quote and line breaks
belong to the field; a quote anywhere else is a literal character; after a
closing quote, anything but the delimiter or the line end continues the field
unquoted. A line break outside quotes ends the record (LF, CRLF and CR alike).

Most lines are a whole record, and two fast paths say so in C: a line without
`"`, or a line a regular expression recognises as well-formed. Only the others
are scanned quote by quote, across as many lines as their quoted field spans.

A record is malformed when its quote does not close into a row of the header's
width, before the end of the file and within MAX_RECORD characters: then its
first line alone is refused (a `bad` entry of its block) and reading goes on at
the next line, so one stray quote never swallows the rows after it. A line
longer than MAX_RECORD is refused too (csv itself refuses fields over 131,072
characters), and only its first LINE_CAP characters are kept. Every line of
the input ends up in exactly one record, good or refused: nothing is invented,
nothing dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

from .events import TOO_LONG, UNCLOSED_QUOTE

#: Characters one record may hold (its lines together), well under csv's own
#: default field size limit (131,072), so that csv never refuses a record we give.
MAX_RECORD = 100_000

#: Characters of one physical line kept in memory: a longer line is refused
#: (TOO_LONG) with only its start kept, its rest read and let go, so a file of
#: one huge line (or no line end at all) cannot exhaust memory.
LINE_CAP = MAX_RECORD + 2

#: `Refusal.columns` when the quote stays open to the end of the file, or past
#: MAX_RECORD characters.
AT_EOF = 0
OVER_CAP = -1

# Scanner states, between characters.
_FIELD_START = 0
_UNQUOTED = 1
_QUOTED = 2
_ENDED = 3  # the record ended with this line


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why the splitter refused a record (its first line, alone)."""

    code: str  # TOO_LONG or UNCLOSED_QUOTE
    columns: int  # columns of the joined lines, or AT_EOF / OVER_CAP


@dataclass(slots=True)
class RecordBlock:
    """Consecutive records of a register: what one unit of work reads.

    `texts[i]` is record i as read (line endings included), starting on line
    `lines[i]`; `bad` maps the index of each refused record to why."""

    lines: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    bad: dict[int, Refusal] = field(default_factory=dict)


def well_formed(sep: str) -> Callable[[str], re.Match[str] | None]:
    """A C-level test that a line is a whole record: each field is unquoted
    (not starting with a quote) or quoted and closed right before the
    delimiter or the line end. Possessive quantifiers keep it linear."""
    s = re.escape(sep)
    cell = f'(?:"[^"]*+(?:""[^"]*+)*+"|[^"{s}\\r\\n][^{s}\\r\\n]*+)?+'
    return re.compile(f"{cell}(?:{s}{cell})*+(?:\\r\\n|\\n|\\r)?").fullmatch


def scan_line(text: str, state: int, seps: int, sep: str) -> tuple[int, int]:
    """csv's quote state after one physical line, from `state` at its start:
    (_QUOTED when the record goes on to the next line, else _ENDED; the
    delimiters seen outside quotes so far)."""
    pos, n = 0, len(text)
    while True:
        if state == _QUOTED:
            q = text.find('"', pos)
            if q < 0:
                return _QUOTED, seps
            pos = q + 1
            if pos < n and text[pos] == '"':  # "" is a literal quote
                pos += 1
                continue
            if pos >= n or text[pos] in "\r\n":  # closed at the line's end
                return _ENDED, seps
            if text[pos] == sep:
                seps += 1
                pos += 1
                state = _FIELD_START
                continue
            state = _UNQUOTED  # "abc"def: the field goes on, unquoted
        if state == _FIELD_START:
            if pos < n and text[pos] == '"':
                state = _QUOTED
                pos += 1
                continue
            state = _UNQUOTED
        found = text.find(sep, pos)  # unquoted: quotes are literal here
        if found < 0:
            return _ENDED, seps
        seps += 1
        pos = found + 1
        state = _FIELD_START


def _scan(
    buf: list[str], i: int, stream: IO[str], sep: str, width: int
) -> tuple[int, Refusal | None]:
    """The record starting at `buf[i]`, read on from `stream` into `buf` as
    needed: (index after its last line, None), or (i + 1, why) when its first
    line must be refused alone."""
    state, seps, total, j = _FIELD_START, 0, 0, i
    while True:
        if j == len(buf):
            more = read_line(stream)
            if not more:
                return i + 1, Refusal(UNCLOSED_QUOTE, AT_EOF)
            buf.append(more)
        text = buf[j]
        total += len(text)
        if total > MAX_RECORD:
            if j == i:
                return i + 1, Refusal(TOO_LONG, OVER_CAP)
            return i + 1, Refusal(UNCLOSED_QUOTE, OVER_CAP)
        state, seps = scan_line(text, state, seps, sep)
        j += 1
        if state == _ENDED:
            if j == i + 1 or seps + 1 == width:
                return j, None
            return i + 1, Refusal(UNCLOSED_QUOTE, seps + 1)


def record_blocks(
    stream: IO[str],
    sep: str,
    width: int,
    *,
    line: int = 2,
    size: int = 64 * 1024,
    first_size: int | None = None,
) -> Iterator[RecordBlock]:
    """The records of `stream` (its lines from number `line` on) in blocks of
    about `size` characters (`first_size` for the first). Where blocks are cut
    changes nothing in the records: every decision depends only on the lines
    from a record's start on."""
    match = well_formed(sep)
    number = line
    buf = read_lines(stream, first_size or size)
    while buf:
        block = RecordBlock()
        lines, texts, bad = block.lines, block.texts, block.bad
        i = 0
        while i < len(buf):
            text = buf[i]
            if '"' not in text or match(text):
                if len(text) > MAX_RECORD:
                    bad[len(texts)] = Refusal(TOO_LONG, OVER_CAP)
                lines.append(number)
                texts.append(text)
                i += 1
                number += 1
                continue
            end, refusal = _scan(buf, i, stream, sep, width)
            if refusal is not None:
                bad[len(texts)] = refusal
            lines.append(number)
            texts.append(text if end == i + 1 else "".join(buf[i:end]))
            number += end - i
            i = end
        yield block
        buf = read_lines(stream, size)


def read_line(stream: IO[str]) -> str:
    """The next physical line, line end included ("" at the end): at most
    LINE_CAP characters of it (see `LINE_CAP`)."""
    text = stream.readline(LINE_CAP)
    if len(text) == LINE_CAP and not text.endswith(("\n", "\r")):
        while True:  # the rest of an over-long line: read, not kept
            rest = stream.readline(LINE_CAP)
            if not rest or rest.endswith(("\n", "\r")):
                break
    return text


def read_lines(stream: IO[str], size: int) -> list[str]:
    """Lines of about `size` characters in all, each as `read_line` gives it."""
    lines: list[str] = []
    total = 0
    readline = stream.readline
    while total < size:
        text = readline(LINE_CAP)
        if not text:
            break
        if len(text) == LINE_CAP and not text.endswith(("\n", "\r")):
            while True:
                rest = readline(LINE_CAP)
                if not rest or rest.endswith(("\n", "\r")):
                    break
        lines.append(text)
        total += len(text)
    return lines
