"""Reading company registers for batch matching: CSV (our columns or INSEE
SIRENE's), NDJSON and YAML, streamed row by row.

Nothing here holds more than one row: a register of any size streams. Each
row comes out as a `Row` (its line number, canonical fields, raw text) or a
`Reject` (a row that cannot be read: wrong number of columns, undecodable
bytes, nothing to identify the company). A row with a bad value is not
rejected: the bad value is dropped with a warning when the row is resolved.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import re
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from .errors import DataFileError, UsageError
from .text import normalize

INPUT_FORMATS = ("csv", "ndjson", "yaml")
MAX_FIELD = 100_000
csv.field_size_limit(MAX_FIELD)

#: Our own CSV columns (lists inside a cell are separated by ';').
PROFILE_COLUMNS = (
    "name",
    "siren",
    "siret",
    "description",
    "sectors",
    "keywords",
    "naf",
    "location",
    "city",
    "postal_code",
    "insee_code",
    "department",
    "region",
    "size",
    "employees",
    "looking_for",
)

#: INSEE SIRENE stock-file columns -> our fields (first non-empty wins).
SIRENE_COLUMNS = {
    "siren": "siren",
    "siret": "siret",
    "denominationunitelegale": "name",
    "denominationusuelleetablissement": "name2",
    "enseigne1etablissement": "name3",
    "nomunitelegale": "name4",
    "prenom1unitelegale": "firstname",
    "activiteprincipaleetablissement": "naf",
    "activiteprincipaleunitelegale": "naf2",
    "nomenclatureactiviteprincipaleetablissement": "naf_nomenclature",
    "nomenclatureactiviteprincipaleunitelegale": "naf2_nomenclature",
    "codepostaletablissement": "postal_code",
    "codecommuneetablissement": "insee_code",
    "libellecommuneetablissement": "city",
    "categorieentreprise": "category",
    "trancheeffectifsunitelegale": "employee_band",
    "trancheeffectifsetablissement": "employee_band2",
    "etatadministratifetablissement": "state",
    "etatadministratifunitelegale": "state2",
}
_BAD = "\ufffe"  # marks a line whose bytes could not be decoded


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


def _getter(indexes: list[int]) -> Any:
    """A fast function of a row's cells giving the cells at `indexes` (a key)."""
    if not indexes:
        return lambda cells: ""
    return itemgetter(*indexes)


def _identity(indexes: list[int | None]) -> Any:
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

        def name_siren(cells: list[str]) -> tuple[str, str, str]:
            name, siren = get(cells)
            return name.strip(), siren.strip(), ""

        return name_siren

    def identity(cells: list[str]) -> tuple[str, ...]:
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
        cells: list[str] | None = None,
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
        if self.cells is not None and self.layout is not None:
            return self.layout.sep.join(self.cells)
        return self._raw


@dataclass(slots=True)
class Reject:
    line: int
    reason: str
    raw: str = ""


@dataclass(slots=True)
class Skip:
    line: int
    reason: str


Event = Row | Reject | Skip


def open_binary(source: str) -> IO[bytes]:
    """The register's bytes: stdin for '-', gunzipped when the name ends in .gz
    or the content starts with the gzip magic number."""
    if source == "-":
        stream: IO[bytes] = sys.stdin.buffer
    else:
        path = Path(source)
        if path.is_dir():
            raise DataFileError(f"{source}: is a directory, not a register")
        try:
            stream = path.open("rb")
        except FileNotFoundError:
            raise DataFileError(f"{source}: no such file") from None
        except OSError as exc:
            raise DataFileError(f"{source}: cannot read: {exc.strerror}") from None
    buffered = io.BufferedReader(stream) if not hasattr(stream, "peek") else stream
    if buffered.peek(2)[:2] == b"\x1f\x8b":  # type: ignore[attr-defined]
        return gzip.GzipFile(fileobj=buffered)  # type: ignore[return-value]
    return buffered


def detect_format(source: str, explicit: str | None) -> str:
    if explicit:
        fmt = explicit.lower().replace("jsonl", "ndjson")
        if fmt not in INPUT_FORMATS:
            raise UsageError(
                f"unknown input format '{explicit}' (valid: {', '.join(INPUT_FORMATS)})"
            )
        return fmt
    name = source.lower().removesuffix(".gz")
    for suffixes, fmt in (
        ((".csv", ".tsv", ".txt"), "csv"),
        ((".ndjson", ".jsonl", ".json"), "ndjson"),
        ((".yaml", ".yml"), "yaml"),
    ):
        if name.endswith(suffixes):
            return fmt
    if source == "-":
        return "csv"
    raise UsageError(
        f"{source}: cannot tell the format from the name; "
        "use --input-format csv|ndjson|yaml"
    )


_SURROGATE = re.compile("[\udc80-\udcff]")


def text_stream(binary: IO[bytes], encoding: str) -> IO[str]:
    """The register as text. Undecodable bytes become lone surrogates instead of
    stopping the read, so the one row that holds them can be rejected (and
    written back byte for byte to --rejects); a UTF-8 BOM is dropped."""
    name = encoding.lower().replace("_", "-")
    if name in ("utf-8", "utf8"):
        encoding = "utf-8-sig"
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UsageError(f"unknown encoding '{encoding}'") from None
    return io.TextIOWrapper(
        binary, encoding=encoding, errors="surrogateescape", newline=""
    )


def has_bad_bytes(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def read_register(
    source: str,
    *,
    input_format: str | None = None,
    delimiter: str | None = None,
    encoding: str = "utf-8",
) -> Iterator[Event]:
    fmt = detect_format(source, input_format)
    label = "<stdin>" if source == "-" else source
    binary = open_binary(source)
    try:
        text = text_stream(binary, encoding)
        if fmt == "csv":
            yield from _read_csv(text, delimiter, label)
        elif fmt == "ndjson":
            yield from _read_ndjson(text)
        else:
            yield from _read_yaml(text, label)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise DataFileError(f"{label}: cannot read: {exc}") from None
    except UnicodeError as exc:
        raise DataFileError(f"{label}: cannot decode as {encoding}: {exc}") from None
    finally:
        if source != "-":
            binary.close()


def _sniff(header: str, delimiter: str | None) -> str:
    if delimiter:
        if delimiter in ("\\t", "tab"):
            return "\t"
        if len(delimiter) != 1:
            raise UsageError("--delimiter takes one character (or 'tab')")
        return delimiter
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    return max(counts, key=lambda d: (counts[d], d == ","))


MAX_RECORD_LINES = 50


def _records(
    numbered: Iterator[tuple[int, str]],
    width: int,
    sep: str,
    bad: set[int],
    starts: deque[tuple[int, int, str]],
    strays: list[tuple[int, str]],
) -> Iterator[str]:
    """Whole CSV records, one per item, noting each one's first line and length
    in `starts`. A quoted field may span lines; a quote left open for
    MAX_RECORD_LINES lines (or to the end) is a stray: its line goes to `strays`
    and the lines after it are read again, so one bad row loses nothing else.
    Lines with undecodable bytes are noted in `bad`."""
    source = numbered
    again: deque[tuple[int, str]] = deque()
    pending: list[tuple[int, str]] = []
    quotes = 0
    while True:
        if again:
            number, line = again.popleft()
        else:
            item = next(source, None)
            if item is None:
                if not pending:
                    return
                strays.append(pending[0])
                again.extend(pending[1:])
                pending, quotes = [], 0
                continue
            number, line = item
            if not line.isascii() and _SURROGATE.search(line):
                bad.add(number)
        count = line.count('"')
        if not pending and (
            not count & 1 or len(next(csv.reader([line], delimiter=sep))) == width
        ):
            starts.append((number, 1, line))
            yield line
            continue
        pending.append((number, line))
        quotes += count
        if len(pending) > 1 and not quotes & 1:
            record = "".join(text for _, text in pending)
            if len(next(csv.reader([record], delimiter=sep))) == width:
                starts.append((pending[0][0], len(pending), record))
                yield record
            else:  # the first line's quote was stray; read the others again
                strays.append(pending[0])
                again.extendleft(reversed(pending[1:]))
            pending, quotes = [], 0
        elif len(pending) >= MAX_RECORD_LINES:
            strays.append(pending[0])
            again.extendleft(reversed(pending[1:]))
            pending, quotes = [], 0


@dataclass
class CsvSpec:
    """What the header row of a CSV register tells: delimiter, width, layout."""

    sep: str
    width: int
    layout: Layout
    needs_finish: bool
    ident: list[int]


def read_csv_header(stream: IO[str], delimiter: str | None, label: str) -> CsvSpec:
    first = stream.readline()
    if not first.strip():
        raise DataFileError(f"{label}: empty register (no header row)")
    if has_bad_bytes(first):
        raise DataFileError(
            f"{label}:1: header row is not valid text; try --encoding latin-1"
        )
    sep = _sniff(first, delimiter)
    header = next(csv.reader([first], delimiter=sep))
    columns, needs_finish = _map_header(header, label)
    layout = Layout(columns, sep)
    ident = [layout.index[k] for k in ("name", "siren", "siret") if k in layout.index]
    return CsvSpec(sep, len(header), layout, needs_finish, ident)


def _read_csv(stream: IO[str], delimiter: str | None, label: str) -> Iterator[Event]:
    spec = read_csv_header(stream, delimiter, label)
    yield from parse_csv_lines(spec, enumerate(stream, 2))


def parse_csv_lines(
    spec: CsvSpec, numbered: Iterator[tuple[int, str]]
) -> Iterator[Event]:
    """Events for the data lines of a CSV register, given with their numbers
    (the whole file, or one block of it)."""
    sep, width, layout, columns = spec.sep, spec.width, spec.layout, spec.layout.columns
    needs_finish, ident = spec.needs_finish, spec.ident
    bad: set[int] = set()
    starts: deque[tuple[int, int, str]] = deque()
    strays: list[tuple[int, str]] = []
    reader = csv.reader(
        _records(numbered, width, sep, bad, starts, strays), delimiter=sep, strict=False
    )
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a field over the size limit
            line, _, text = starts.popleft()
            yield Reject(line, f"unreadable row ({exc})", text)
            continue
        line, length, text = starts.popleft()
        if strays and strays[0][0] < line:
            yield from _stray_rejects(strays, line)
        if len(cells) != width:
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            if bad and _bad_between(bad, line, line + length - 1):
                yield Reject(line, "undecodable bytes (try --encoding latin-1)", text)
            else:
                yield Reject(line, f"{len(cells)} columns, expected {width}", text)
            continue
        if bad and _bad_between(bad, line, line + length - 1):
            yield Reject(line, "undecodable bytes (try --encoding latin-1)", text)
            continue
        if needs_finish:
            fields = {k: v for i, k in columns if (v := cells[i].strip())}
            yield _finish(line, fields, text)
        elif _any_value(cells, ident):
            yield Row(line, cells=cells, layout=layout)
        else:
            yield Reject(line, "neither a name nor an identifier (siren, siret)", text)
    yield from _stray_rejects(strays, None)


def _stray_rejects(
    strays: list[tuple[int, str]], before: int | None
) -> Iterator[Reject]:
    """Rejects for lines with a quote that never closes, up to line `before`."""
    while strays and (before is None or strays[0][0] < before):
        line, text = strays.pop(0)
        yield Reject(line, "a quote that is never closed", text)


def _any_value(cells: list[str], indexes: list[int]) -> bool:
    for i in indexes:
        value = cells[i]
        if value and not value.isspace():
            return True
    return False


def _bad_between(bad: set[int], first: int, last: int) -> bool:
    """Did any physical line of a row (first..last) hold undecodable bytes?"""
    return any(n in bad for n in range(first, last + 1))


#: Fields that `_finish` folds or checks (several names, NAF nomenclature, state).
_FINISHED = {
    "name2",
    "name3",
    "name4",
    "firstname",
    "naf2",
    "naf2_nomenclature",
    "naf_nomenclature",
    "employee_band2",
    "state",
    "state2",
}
#: SIRENE columns that stand in for another when it is absent.
_ALTERNATES = {
    "name2": "name",
    "name3": "name",
    "naf2": "naf",
    "naf2_nomenclature": "naf_nomenclature",
    "employee_band2": "employee_band",
    "state2": "state",
}


def _map_header(header: list[str], label: str) -> tuple[list[tuple[int, str]], bool]:
    """(column index, our field) for the columns we use, and whether rows need
    `_finish` (several name or NAF columns, a state column...)."""
    columns: list[tuple[int, str]] = []
    for i, name in enumerate(header):
        key = name.strip().lstrip("\ufeff")
        folded = key.replace(" ", "").lower()
        if folded in SIRENE_COLUMNS:
            columns.append((i, SIRENE_COLUMNS[folded]))
        elif normalize(key).replace(" ", "_") in PROFILE_COLUMNS:
            columns.append((i, normalize(key).replace(" ", "_")))
    if not columns:
        raise DataFileError(
            f"{label}:1: no known column in the header (expected name, siren, naf, "
            "postal_code... or SIRENE columns such as denominationUniteLegale)"
        )
    present = {name for _, name in columns}
    renamed = []
    for i, name in columns:
        target = _ALTERNATES.get(name)
        if target and target not in present:
            present.add(target)
            name = target
        renamed.append((i, name))
    needs_finish = any(name in _FINISHED for _, name in renamed)
    return renamed, needs_finish


def _finish(line: int, fields: dict[str, Any], raw: str) -> Row | Skip | Reject:
    """Fold SIRENE's alternatives into our fields; skip closed establishments."""
    state = fields.pop("state", None) or fields.pop("state2", None)
    if state and state.upper() in ("F", "C"):
        return Skip(line, "closed establishment")
    for alt in ("name2", "name3"):
        value = fields.pop(alt, None)
        if value and not fields.get("name"):
            fields["name"] = value
    surname, first = fields.pop("name4", None), fields.pop("firstname", None)
    if surname and not fields.get("name"):
        fields["name"] = f"{first} {surname}" if first else surname
    naf2 = fields.pop("naf2", None)
    nomenclature = fields.pop("naf_nomenclature", None)
    nomenclature2 = fields.pop("naf2_nomenclature", None)
    if not fields.get("naf") and naf2:
        fields["naf"], nomenclature = naf2, nomenclature2
    if nomenclature and nomenclature.upper().replace(" ", "") not in ("NAFREV2", ""):
        fields["naf_nomenclature"] = nomenclature
    band = fields.pop("employee_band", None) or fields.pop("employee_band2", None)
    if band:
        fields["employee_band"] = band
    if not (fields.get("name") or fields.get("siren") or fields.get("siret")):
        return Reject(line, "neither a name nor an identifier (siren, siret)", raw)
    return Row(line, fields, raw)


def _read_ndjson(stream: IO[str]) -> Iterator[Event]:
    for line_no, text in enumerate(stream, 1):
        if not text.strip():
            continue
        raw = text.rstrip("\r\n")
        if has_bad_bytes(raw):
            yield Reject(line_no, "undecodable bytes (try --encoding latin-1)", raw)
            continue
        if len(raw) > MAX_FIELD * 10:
            yield Reject(line_no, "line too long", raw[:200])
            continue
        try:
            obj = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            yield Reject(line_no, f"invalid JSON: {str(exc).split(':')[0]}", raw)
            continue
        if not isinstance(obj, dict):
            yield Reject(line_no, "expected a JSON object", raw)
            continue
        yield Row(line_no, {"_profile": obj}, raw)


def _read_yaml(stream: IO[str], label: str) -> Iterator[Event]:
    """A YAML list of profiles, or a stream of documents (one profile each).
    Each profile is built on its own, so a bad one is rejected by its line."""
    import yaml

    from .yamlio import MAX_BYTES, check_document, strict_loader, yaml_error

    text = stream.read(MAX_BYTES + 1)
    if len(text) > MAX_BYTES:
        raise DataFileError(
            f"{label}: a YAML register is limited to "
            f"{MAX_BYTES // (1024 * 1024)} MB; use CSV or NDJSON"
        )
    bad = _SURROGATE.search(text)
    if bad:
        line = text[: bad.start()].count("\n") + 1
        raise DataFileError(f"{label}:{line}: not valid text; try --encoding latin-1")
    check_document(text, label)  # alias bombs and oversized documents
    loader = strict_loader()
    try:
        docs = list(yaml.compose_all(text, Loader=loader))
    except yaml.YAMLError as exc:
        raise DataFileError(yaml_error(exc, label, text)) from None
    items: list[Any] = []
    for doc in docs:
        if isinstance(doc, yaml.SequenceNode):
            items.extend(doc.value)
        elif doc is not None:
            items.append(doc)
    for node in items:
        line = node.start_mark.line + 1
        raw = text[node.start_mark.index : node.end_mark.index]
        try:
            value = yaml.load(yaml.serialize(node), Loader=loader)
        except yaml.YAMLError as exc:
            reason = str(getattr(exc, "problem", None) or exc).splitlines()[0]
            yield Reject(line, f"invalid YAML: {reason}", raw)
            continue
        if not isinstance(value, dict):
            yield Reject(line, "expected a mapping of profile fields", raw)
            continue
        yield Row(line, {"_profile": value}, raw)
