"""Laying out table and panel cells in a given width, without Rich.

A terminal table is only readable when nothing is cut where a reader would
not cut it: an id or a name is never split inside a word, a list breaks
between its items (or ends with a count of the items left out, "biotech,
medtech +3"), and a short column keeps its natural width while the long ones
share what is left. This module decides widths and line breaks; `formats`
draws the result.

Cells are plain values:

- `str`: text that wraps at spaces (a newline starts a new line);
- `Line`: text kept on one line (an id, a score, a URL);
- `Items`: a list, wrapped between items, optionally limited to `max_lines`;
- `Hang`: a label followed by text, continuation lines indented under it;
- `Stack`: several cells, each starting on its own line.

Widths are terminal cells (a wide character counts two, a combining mark none).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

#: One output line of a cell: its text and an optional style name.
Styled = tuple[str, str | None]


@dataclass(frozen=True)
class Line:
    """Text that never wraps: an id, a number, a URL."""

    text: str
    style: str | None = None


@dataclass(frozen=True)
class Items:
    """A list shown as `a, b, c`, wrapped between items. With `max_lines`, the
    items that do not fit are counted at the end: `a, b +3`."""

    items: tuple[str, ...]
    max_lines: int | None = None
    style: str | None = None


@dataclass(frozen=True)
class Hang:
    """`label` then `text`; the text's further lines are indented under it."""

    label: str
    text: str
    style: str | None = None


@dataclass(frozen=True)
class Stack:
    """Cells shown one under the other."""

    parts: tuple[Cell, ...]


Cell = str | Line | Items | Hang | Stack


@dataclass(frozen=True)
class Column:
    """A table column: its header, alignment and how much room it needs.

    `comfort` is the width below which a layout using this column is judged
    too cramped (see `fits`); 0 means the column's narrowest width will do.
    """

    header: str
    justify: str = "left"
    comfort: int = 0
    style: str | None = None


@dataclass
class TableLayout:
    widths: list[int]
    header: list[list[str]]
    rows: list[list[list[Styled]]] = field(default_factory=list)


# ---------------------------------------------------------------- measuring
@lru_cache(maxsize=4096)
def width_of(text: str) -> int:
    """Terminal cells taken by `text`."""
    if text.isascii():
        return len(text)
    total = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) == "Cf":
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def _words(text: str) -> list[str]:
    return [w for line in text.split("\n") for w in line.split(" ") if w]


def min_width(cell: Cell) -> int:
    """The narrowest width that splits no word (or no `Line`)."""
    if isinstance(cell, Line):
        return width_of(cell.text)
    if isinstance(cell, Stack):
        return max((min_width(p) for p in cell.parts), default=0)
    if isinstance(cell, Hang):
        return width_of(cell.label) + max(map(width_of, _words(cell.text)), default=0)
    if isinstance(cell, Items):
        words = [w for item in cell.items for w in _words(item + ",")]
        need = max(map(width_of, words), default=0)
        if cell.max_lines and len(cell.items) > 1:
            need = max(need, width_of(f"+{len(cell.items) - 1}"))
        return need
    return max(map(width_of, _words(cell)), default=0)


def natural_width(cell: Cell) -> int:
    """The width the cell takes when nothing wraps."""
    if isinstance(cell, Line):
        return width_of(cell.text)
    if isinstance(cell, Stack):
        return max((natural_width(p) for p in cell.parts), default=0)
    if isinstance(cell, Hang):
        return width_of(cell.label) + natural_width(cell.text)
    if isinstance(cell, Items):
        return width_of(", ".join(cell.items))
    return max((width_of(line) for line in cell.split("\n")), default=0)


# ---------------------------------------------------------------- wrapping
def wrap_words(text: str, width: int) -> list[str]:
    """Greedy wrap at spaces; a word longer than `width` stays whole."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            if not word:
                continue
            if not line:
                line = word
            elif width_of(line) + 1 + width_of(word) <= width:
                line += " " + word
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def _place(pieces: Sequence[str], width: int) -> list[str]:
    """Pieces (items with their commas) on lines, breaking only between them;
    a piece wider than the line wraps at its own spaces."""
    lines: list[str] = []
    line = ""
    for piece in pieces:
        if line and width_of(line) + 1 + width_of(piece) <= width:
            line += " " + piece
            continue
        if line:
            lines.append(line)
        parts = wrap_words(piece, width) if width_of(piece) > width else [piece]
        lines.extend(parts[:-1])
        line = parts[-1]
    if line:
        lines.append(line)
    return lines


def wrap_items(
    items: Sequence[str], width: int, max_lines: int | None = None
) -> list[str]:
    """`a, b, c` wrapped between items; with `max_lines`, as many items as fit
    followed by `+N`, the number left out."""

    def pieces(shown: Sequence[str]) -> list[str]:
        return [f"{item}," for item in shown[:-1]] + list(shown[-1:])

    full = _place(pieces(items), width)
    if max_lines is None or len(full) <= max_lines:
        return full
    for keep in range(len(items) - 1, 0, -1):
        lines = _with_count(
            _place(pieces(items[:keep]), width), len(items) - keep, width
        )
        if len(lines) <= max_lines:
            return lines
    # The first item alone takes more lines than allowed: it is shown whole.
    return _with_count(_place(items[:1], width), len(items) - 1, width)


def _with_count(lines: list[str], more: int, width: int) -> list[str]:
    """`+N` after the last line, or on a line of its own when it does not fit."""
    if not more:
        return lines
    mark = f"+{more}"
    if width_of(lines[-1]) + 1 + width_of(mark) <= width:
        return [*lines[:-1], f"{lines[-1]} {mark}"]
    return [*lines, mark]


def render(cell: Cell, width: int) -> list[Styled]:
    """The lines of a cell in `width` cells (wider only when a word is)."""
    if isinstance(cell, Line):
        return [(cell.text, cell.style)]
    if isinstance(cell, Stack):
        return [line for part in cell.parts for line in render(part, width)]
    if isinstance(cell, Items):
        if not cell.items:
            return [("", None)]
        return [(t, cell.style) for t in wrap_items(cell.items, width, cell.max_lines)]
    if isinstance(cell, Hang):
        indent = width_of(cell.label)
        lines = wrap_words(cell.text, max(1, width - indent))
        pad = " " * indent
        return [
            ((cell.label if i == 0 else pad) + text, cell.style)
            for i, text in enumerate(lines)
        ]
    return [(t, None) for t in wrap_words(cell, width)]


# ---------------------------------------------------------------- tables
def header_segments(header: str) -> list[str]:
    """A header breaks after `_`, `.`, `/` or a space: `label_` `status`."""
    segments, current = [], ""
    for char in header:
        current += char
        if char in "_./ ":
            segments.append(current)
            current = ""
    if current:
        segments.append(current)
    return segments


def _header_lines(header: str, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for segment in header_segments(header):
        if line and width_of(line + segment.rstrip()) > width:
            lines.append(line.rstrip())
            line = ""
        line += segment
    lines.append(line.rstrip())
    return lines


def allocate(mins: Sequence[int], naturals: Sequence[int], available: int) -> list[int]:
    """Column widths summing to at most `available`.

    Every column gets at least its minimum. Then the narrowest needs are met
    first: a column whose natural width is below a common cap gets it whole
    (short columns stay short), and the wider ones share the rest equally, up
    to their natural width."""
    naturals = [max(n, m) for n, m in zip(naturals, mins, strict=True)]
    if sum(naturals) <= available:
        return list(naturals)
    if sum(mins) >= available:
        return list(mins)

    def total(cap: int) -> int:
        return sum(min(n, max(m, cap)) for m, n in zip(mins, naturals, strict=True))

    lo, hi = 0, max(naturals)
    while lo < hi:  # the largest cap whose total still fits
        mid = (lo + hi + 1) // 2
        if total(mid) <= available:
            lo = mid
        else:
            hi = mid - 1
    widths = [min(n, max(m, lo)) for m, n in zip(mins, naturals, strict=True)]
    spare = available - sum(widths)
    for i in reversed(range(len(widths))):  # rounding: to the last wide columns
        if spare and widths[i] < naturals[i]:
            widths[i] += 1
            spare -= 1
    return widths


GAP = 2


def measure(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]]
) -> tuple[list[int], list[int]]:
    """Each column's narrowest and natural widths, header included."""
    mins, naturals = [], []
    for i, column in enumerate(columns):
        cells = [row[i] for row in rows]
        segments = header_segments(column.header) or [""]
        mins.append(
            max(
                [max(width_of(s.rstrip()) for s in segments)]
                + [min_width(c) for c in cells]
            )
        )
        naturals.append(
            max([width_of(column.header)] + [natural_width(c) for c in cells])
        )
    return mins, naturals


def fits(columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int) -> bool:
    """Whether the table fits `width` with every column at its comfort width."""
    mins, naturals = measure(columns, rows)
    available = width - GAP * (len(columns) - 1)
    widths = allocate(mins, naturals, available)
    if sum(widths) > available:
        return False
    return all(
        w >= min(n, c.comfort)
        for w, n, c in zip(widths, naturals, columns, strict=True)
    )


def layout_table(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int
) -> TableLayout:
    """Widths, header lines and the lines of every cell for `width` cells."""
    mins, naturals = measure(columns, rows)
    widths = allocate(mins, naturals, max(1, width - GAP * (len(columns) - 1)))
    header = [_header_lines(c.header, w) for c, w in zip(columns, widths, strict=True)]
    laid = TableLayout(widths, header)
    for row in rows:
        laid.rows.append([render(cell, w) for cell, w in zip(row, widths, strict=True)])
    return laid


def pad(text: str, width: int, justify: str = "left") -> str:
    space = max(0, width - width_of(text))
    if justify == "right":
        return " " * space + text
    if justify == "center":
        return " " * (space // 2) + text + " " * (space - space // 2)
    return text + " " * space
