"""JSON registers: NDJSON (one profile object per line) or a JSON array of
profile objects, such as `clusterctl list -f json` writes.

A `.json` file is an array when its first non-blank character is `[`, else it
is read as NDJSON. An array is streamed element by element (never held whole):
each element becomes a `Row` like an NDJSON line, numbered by the line where it
starts, and an element that is not an object is rejected alone. An element may
hold up to MAX_ELEMENT characters; an array that is not valid JSON stops the
run with one line naming the file and the line.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import IO

from clusterctl.errors import DataFileError
from clusterctl.i18n import _

from .events import (
    BAD_BYTES,
    INVALID_JSON,
    NOT_OBJECT,
    TOO_LONG,
    Event,
    Reject,
    Row,
)
from .source import has_bad_bytes

#: Characters one NDJSON line or one array element may hold.
MAX_ELEMENT = 1_000_000

_JSON_SPACE = " \t\r\n"
_SPACE = re.compile(r"[ \t\r\n]*")


def read_json(stream: IO[str], label: str) -> Iterator[Event]:
    """A JSON array of profiles, or NDJSON (see the module docstring)."""
    head: list[str] = []
    while True:
        text = stream.readline()
        if not text:
            break
        head.append(text)
        if text.strip(_JSON_SPACE):
            break
    lines = chain(head, stream)
    if head and head[-1].lstrip(_JSON_SPACE).startswith("["):
        yield from _Array(lines, label).events()
    else:
        yield from read_ndjson(lines)


def read_ndjson(lines: Iterable[str]) -> Iterator[Event]:
    """One profile object per line; blank lines are skipped."""
    for line_no, text in enumerate(lines, 1):
        if not text.strip():
            continue
        raw = text.rstrip("\r\n")
        if has_bad_bytes(raw):
            yield Reject(line_no, _bad_bytes(), raw, BAD_BYTES)
            continue
        if len(raw) > MAX_ELEMENT:
            reason = _("a line longer than {limit} characters").format(
                limit=MAX_ELEMENT
            )
            yield Reject(line_no, reason, raw, TOO_LONG)
            continue
        try:
            obj = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            reason = _("invalid JSON: {error}").format(error=str(exc).split(":")[0])
            yield Reject(line_no, reason, raw, INVALID_JSON)
            continue
        if not isinstance(obj, dict):
            yield Reject(line_no, _("expected a JSON object"), raw, NOT_OBJECT)
            continue
        yield Row(line_no, {"_profile": obj}, raw)


def _bad_bytes() -> str:
    return _("undecodable bytes (try --encoding latin-1)")


class _Array:
    """A JSON array read element by element from whole lines of text.

    `buf` holds the text not yet consumed, `offsets` where each of its lines
    starts (the first is line `base`), so that any position has a line number.
    """

    def __init__(self, lines: Iterator[str], label: str) -> None:
        self.lines = lines
        self.label = label
        self.buf = ""
        self.offsets: list[int] = []
        self.base = 1
        self.eof = False
        self.decoder = json.JSONDecoder()

    def _more(self, wanted: int) -> bool:
        """Read at least `wanted` more characters (whole lines); False at EOF."""
        parts, got = [], 0
        offset = len(self.buf)
        for text in self.lines:
            self.offsets.append(offset + got)
            parts.append(text)
            got += len(text)
            if got >= wanted:
                break
        else:
            self.eof = True
        self.buf += "".join(parts)
        return got > 0

    def _line(self, pos: int) -> int:
        return self.base + bisect_right(self.offsets, pos) - 1

    def _trim(self, pos: int) -> int:
        """Drop the lines before the one holding `pos`; `pos` in the new buf."""
        if pos < 64 * 1024:  # copy the buffer rarely, not once per element
            return pos
        k = bisect_right(self.offsets, pos) - 1
        if k <= 0:
            return pos
        cut = self.offsets[k]
        self.buf = self.buf[cut:]
        self.offsets = [o - cut for o in self.offsets[k:]]
        self.base += k
        return pos - cut

    def _error(self, pos: int, what: str) -> DataFileError:
        return DataFileError(
            _("{file}:{line}: not a valid JSON array: {error}").format(
                file=self.label, line=self._line(pos), error=what
            )
        )

    def _skip_space(self, pos: int) -> int:
        """The position of the next non-blank character (reading on as needed);
        len(buf) at the end of the input."""
        while True:
            end = _SPACE.match(self.buf, pos)
            pos = end.end() if end else pos
            if pos < len(self.buf) or self.eof or not self._more(64 * 1024):
                return pos

    def events(self) -> Iterator[Event]:
        pos = self._skip_space(0)
        pos += 1  # the "[" that read_json saw
        pos = self._skip_space(pos)
        if pos < len(self.buf) and self.buf[pos] == "]":
            self._end(pos + 1)
            return
        while True:
            pos = self._trim(pos)
            if pos >= len(self.buf):
                raise self._error(pos, _("the array is not closed"))
            start = pos
            obj, pos = self._element(start)
            raw = self.buf[start:pos]
            line = self._line(start)
            if has_bad_bytes(raw):
                yield Reject(line, _bad_bytes(), raw, BAD_BYTES)
            elif isinstance(obj, dict):
                yield Row(line, {"_profile": obj}, raw)
            else:
                yield Reject(line, _("expected a JSON object"), raw, NOT_OBJECT)
            pos = self._skip_space(pos)
            char = self.buf[pos : pos + 1]
            if char == "]":
                self._end(pos + 1)
                return
            if char != ",":
                if not char:
                    raise self._error(pos, _("the array is not closed"))
                raise self._error(pos, _("expected ',' or ']' after an element"))
            pos = self._skip_space(pos + 1)

    def _element(self, start: int) -> tuple[object, int]:
        """The value starting at `start` and the position after it. JSON strings
        cannot span lines, so an error before the last line read is an error of
        the data; one on the last line may only mean that the value goes on."""
        while True:
            try:
                obj, end = self.decoder.raw_decode(self.buf, start)
            except json.JSONDecodeError as exc:
                if self.eof or exc.pos < self.offsets[-1]:
                    raise self._error(exc.pos, exc.msg) from None
            except RecursionError:
                raise self._error(start, _("nested too deeply")) from None
            else:
                if end < len(self.buf) or self.eof:
                    return obj, end
            if len(self.buf) - start > MAX_ELEMENT:
                raise self._error(
                    start,
                    _("an element longer than {limit} characters").format(
                        limit=MAX_ELEMENT
                    ),
                )
            self._more(max(64 * 1024, len(self.buf) - start))

    def _end(self, pos: int) -> None:
        """After the closing "]" only blanks may follow."""
        pos = self._skip_space(pos)
        if pos < len(self.buf):
            raise self._error(pos, _("text after the end of the array"))
