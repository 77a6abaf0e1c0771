"""What reading a register gives, one item per record: a `Row` to match, a
`Reject` (a record that cannot be read, kept as read for `--rejects`) or a
`Skip` (a record deliberately left out, such as a closed establishment).

A `Reject` carries a stable short `code` beside its human `reason`, so that a
run can group its messages by kind whatever the language of the reasons.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

#: Stable reject codes (never translated; scripts may rely on them).
COLUMNS = "columns"  # a record with the wrong number of columns
UNCLOSED_QUOTE = "unclosed_quote"  # a quoted field that never closes properly
TOO_LONG = "too_long"  # a record over the reader's size cap
BAD_BYTES = "bad_bytes"  # bytes that do not decode in the chosen encoding
NO_IDENTITY = "no_identity"  # neither a name nor a siren nor a siret
UNREADABLE = "unreadable"  # a record the csv module refuses
INVALID_JSON = "invalid_json"
NOT_OBJECT = "not_object"  # a JSON value that is not an object
INVALID_YAML = "invalid_yaml"
NOT_MAPPING = "not_mapping"  # a YAML item that is not a mapping

Cells = list[str]


class Layout:
    """Where each of our fields sits in a CSV register's rows (one per file)."""

    __slots__ = (
        "columns",
        "identity",
        "index",
        "naf_key",
        "place_key",
        "sep",
        "size_key",
        "text",
    )

    def __init__(self, columns: list[tuple[int, str]], sep: str) -> None:
        self.columns = columns
        self.index = {name: i for i, name in reversed(columns)}
        self.sep = sep
        pick = self._pick
        #: columns of free text, sector words or wishes (the general path)
        self.text = pick(("sectors", "keywords", "description", "looking_for"))
        #: the values that decide each criterion: keys of the batch caches
        self.naf_key = _getter(pick(("naf", "naf_nomenclature")))
        self.place_key = _getter(
            pick(
                (
                    "location",
                    "city",
                    "postal_code",
                    "insee_code",
                    "department",
                    "region",
                )
            )
        )
        self.size_key = _getter(
            pick(("size", "category", "employee_band", "employees"))
        )
        ident = [self.index.get(k) for k in ("name", "siren", "siret")]
        self.identity = _identity(ident)

    def _pick(self, names: tuple[str, ...]) -> list[int]:
        return [self.index[n] for n in names if n in self.index]


def _getter(indexes: list[int]) -> Callable[[Cells], Any]:
    """A fast function of a row's cells giving the cells at `indexes` (a key)."""
    if not indexes:
        return lambda cells: ""
    return itemgetter(*indexes)


def _identity(indexes: list[int | None]) -> Callable[[Cells], tuple[str, ...]]:
    """cells -> (name, siren, siret), stripped, "" when the column is absent."""
    present = [i for i in indexes if i is not None]
    if not present:
        return lambda cells: ("", "", "")
    get = itemgetter(*present)
    slots = [present.index(i) if i is not None else None for i in indexes]
    if len(present) == 1:
        return lambda cells: tuple(
            get(cells).strip() if s is not None else "" for s in slots
        )
    if slots == [0, 1, None]:  # name and siren, as in SIRENE extracts

        def name_siren(cells: Cells) -> tuple[str, ...]:
            name, siren = get(cells)
            return name.strip(), siren.strip(), ""

        return name_siren

    def identity(cells: Cells) -> tuple[str, ...]:
        values = get(cells)
        return tuple(values[s].strip() if s is not None else "" for s in slots)

    return identity


class Row:
    """One readable row: CSV cells with their layout, or a mapping of fields."""

    __slots__ = ("_fields", "_raw", "cells", "layout", "line")

    def __init__(
        self,
        line: int,
        fields: dict[str, Any] | None = None,
        raw: str = "",
        *,
        cells: Cells | None = None,
        layout: Layout | None = None,
    ) -> None:
        self.line = line
        self._fields = fields
        self._raw = raw
        self.cells = cells
        self.layout = layout

    @property
    def fields(self) -> dict[str, Any]:
        if self._fields is None:
            assert self.cells is not None
            assert self.layout is not None
            cells = self.cells
            self._fields = {
                k: v for i, k in self.layout.columns if (v := cells[i].strip())
            }
        return self._fields

    @property
    def raw(self) -> str:
        """The row's text as read (for --rejects), else its cells joined."""
        if not self._raw and self.cells is not None and self.layout is not None:
            return self.layout.sep.join(self.cells)
        return self._raw


@dataclass(slots=True)
class Reject:
    """A record that cannot be read: its first line, why (in words, and as a
    stable `code`) and its text as read, line endings included."""

    line: int
    reason: str
    raw: str = ""
    code: str = "rejected"  # the reader always gives one of the codes above


@dataclass(slots=True)
class Skip:
    """A record deliberately left out (a closed establishment)."""

    line: int
    reason: str
    code: str = "closed"


Event = Row | Reject | Skip
