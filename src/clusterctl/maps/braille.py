"""A canvas of Unicode braille characters: each character cell holds 2×4 dots.

Dots are addressed in canvas units (x right, y down); a cell may instead hold a
plain character (a marker's number) and a colour. Pure text: what to do with
colours is the caller's business.
"""

from __future__ import annotations

import math

# Bit of each dot (column, row) in a braille cell, from U+2800.
_BITS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))


class BrailleCanvas:
    def __init__(self, columns: int, rows: int) -> None:
        self.columns, self.rows = columns, rows
        self.dots = [[0] * columns for _ in range(rows)]
        self.chars: dict[tuple[int, int], str] = {}
        self.colours: dict[tuple[int, int], str] = {}

    @property
    def size(self) -> tuple[int, int]:
        """Width and height in dots."""
        return self.columns * 2, self.rows * 4

    def dot(self, x: float, y: float, colour: str | None = None) -> None:
        ix, iy = math.floor(x), math.floor(y)
        col, row = ix >> 1, iy >> 2
        if 0 <= col < self.columns and 0 <= row < self.rows:
            self.dots[row][col] |= _BITS[ix & 1][iy & 3]
            if colour is not None:
                self.colours[(col, row)] = colour

    def line(
        self, x0: float, y0: float, x1: float, y1: float, colour: str | None = None
    ) -> None:
        """Dots along a segment (one per dot step of its longer axis)."""
        steps = max(1, math.ceil(max(abs(x1 - x0), abs(y1 - y0))))
        for i in range(steps + 1):
            t = i / steps
            self.dot(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, colour)

    def circle(self, cx: float, cy: float, r: float, colour: str | None = None) -> None:
        """A dotted circle: one dot every other step along its circumference."""
        steps = max(8, int(2 * math.pi * r / 2))
        for i in range(steps):
            a = 2 * math.pi * i / steps
            self.dot(cx + r * math.cos(a), cy + r * math.sin(a), colour)

    def put(self, col: int, row: int, text: str, colour: str | None = None) -> None:
        """Plain characters over the dots, from cell (col, row) rightwards."""
        for i, char in enumerate(text):
            if 0 <= col + i < self.columns and 0 <= row < self.rows:
                self.chars[(col + i, row)] = char
                if colour is not None:
                    self.colours[(col + i, row)] = colour
                else:
                    self.colours.pop((col + i, row), None)

    def cell(self, col: int, row: int) -> str:
        char = self.chars.get((col, row))
        if char is not None:
            return char
        bits = self.dots[row][col]
        return chr(0x2800 + bits) if bits else " "

    def runs(self) -> list[list[tuple[str, str | None]]]:
        """Each row as runs of (text, colour or None)."""
        out = []
        for row in range(self.rows):
            runs: list[tuple[str, str | None]] = []
            for col in range(self.columns):
                char, colour = self.cell(col, row), self.colours.get((col, row))
                if runs and runs[-1][1] == colour:
                    runs[-1] = (runs[-1][0] + char, colour)
                else:
                    runs.append((char, colour))
            out.append(runs)
        return out
