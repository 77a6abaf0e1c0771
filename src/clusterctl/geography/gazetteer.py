"""The commune gazetteer, communes.tsv.gz: rows and ready-made indexes.

The ~37,500-line file is read only when a commune or postal code must be
resolved. Sources and licences: `data/GEOGRAPHY-SOURCES.md`; rebuilt by
`scripts/build_geography.py`.
"""

from __future__ import annotations

import gzip
from bisect import bisect_left
from functools import lru_cache
from itertools import repeat
from typing import NamedTuple

from .tables import data_dir

GAZETTEER_FILE = "communes.tsv.gz"


class Row(NamedTuple):
    """One gazetteer line (kind: c commune, a municipal arrondissement, d/x former)."""

    insee: str
    name: str
    kind: str
    postal_codes: str  # space-separated
    lat: str
    lon: str
    population: str
    parent: str  # INSEE code of the commune an arrondissement/former commune belongs to
    geo: str  # which source gave the coordinates (see the file's header)


class Gazetteer:
    """communes.tsv.gz: rows kept as text, indexes built per section on first use.

    The file carries its indexes ready-made, so loading is decompression plus a few
    C-level dict constructions, not a Python loop over 37,500 rows; a postal-code
    workload never builds the name index, and a name workload never the CEDEX one.
    """

    def __init__(self, text: str) -> None:
        lines = text.split("\n")
        self._sections: dict[str, list[str]] = {}
        pos = 0
        while pos < len(lines):
            title, _, count = lines[pos][1:].partition(" ")
            if lines[pos].startswith("#") and count.isdigit():
                self._sections[title] = lines[pos + 1 : pos + 1 + int(count)]
                pos += 1 + int(count)
            else:
                pos += 1
        self._lines = self._sections["rows"]
        self._rows: list[Row | None] = [None] * len(self._lines)
        self._indexes: dict[str, dict[str, str]] = {}
        self._by_insee: dict[str, int] | None = None
        self._compact: dict[str, str] | None = None
        self._sorted_names: list[str] | None = None

    def _index(self, title: str) -> dict[str, str]:
        """One ready-made "key<TAB>row numbers" section as a dict, built once."""
        index = self._indexes.get(title)
        if index is None:
            index = dict(map(str.split, self._sections[title], repeat("\t")))
            self._indexes[title] = index
        return index

    def _row(self, number: int) -> Row:
        row = self._rows[number]
        if row is None:
            row = self._rows[number] = Row(*self._lines[number].split("\t"))
        return row

    def _many(self, numbers: str | None) -> list[Row]:
        return [self._row(int(n)) for n in numbers.split()] if numbers else []

    def insee(self, code: str) -> Row | None:
        """The commune (or arrondissement, or former commune) with this INSEE code."""
        if self._by_insee is None:
            codes = [line[:5] for line in reversed(self._lines)]  # first row wins
            self._by_insee = dict(
                zip(codes, range(len(codes) - 1, -1, -1), strict=True)
            )
        number = self._by_insee.get(code)
        return None if number is None else self._row(number)

    def postal(self, code: str) -> list[Row]:
        """Communes and arrondissements served by a (non-CEDEX) postal code."""
        return self._many(self._index("postal").get(code))

    def cedex(self, code: str) -> Row | None:
        """The commune of a CEDEX code, when GeoNames lists it."""
        number = self._index("cedex").get(code)
        return None if number is None else self._row(int(number))

    def is_postal_code(self, code: str) -> bool:
        return code in self._index("postal") or code in self._index("cedex")

    def named(self, key: str) -> list[Row]:
        """Rows whose normalised name is `key`."""
        return self._many(self._index("names").get(key))

    def named_compact(self, key: str) -> list[Row]:
        """Rows whose name without spaces is `key` ("villeneuvedascq")."""
        if self._compact is None:
            compact: dict[str, str] = {}
            for name, numbers in self._index("names").items():
                short = name.replace(" ", "")
                compact[short] = (
                    f"{compact[short]} {numbers}" if short in compact else numbers
                )
            self._compact = compact
        return self._many(self._compact.get(key))

    def starting_with(self, key: str) -> list[Row]:
        """Rows whose normalised name is the words of `key` and more ("aix" ->
        Aix-en-Provence, Aix-les-Bains...), by bisection of the sorted names."""
        if self._sorted_names is None:
            self._sorted_names = sorted(self._index("names"))
        names, prefix = self._sorted_names, key + " "
        out: list[Row] = []
        for i in range(bisect_left(names, prefix), len(names)):
            if not names[i].startswith(prefix):
                break
            out += self.named(names[i])
        return out


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """Read communes.tsv.gz once, on the first commune or postal-code lookup."""
    raw = gzip.decompress((data_dir() / GAZETTEER_FILE).read_bytes())
    return Gazetteer(raw.decode("utf-8"))


def department_code(insee: str) -> str:
    """Département of an INSEE commune code: 3 characters overseas, else 2."""
    return insee[:3] if insee.startswith("97") else insee[:2]


def population(row: Row) -> int:
    return int(row.population) if row.population else 0


def coordinates(row: Row) -> tuple[float | None, float | None]:
    """A row's point; former communes without one borrow their parent's."""
    if not row.lat and row.parent:
        row = load_gazetteer().insee(row.parent) or row
    return (float(row.lat), float(row.lon)) if row.lat else (None, None)
