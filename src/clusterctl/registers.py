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
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .errors import DataFileError, UsageError
from .text import normalize

INPUT_FORMATS = ("csv", "ndjson", "yaml")
MAX_FIELD = 100_000
csv.field_size_limit(MAX_FIELD * 10)

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


@dataclass(slots=True)
class Row:
    line: int
    fields: dict[str, Any]
    raw: str = ""
    warnings: list[str] = field(default_factory=list)


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


def decoded_lines(binary: IO[bytes], encoding: str, label: str) -> Iterator[str]:
    """Lines of text; a line that cannot be decoded becomes a marker line, so the
    CSV reader keeps counting and the row is rejected, not the file."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)
    except LookupError:
        raise UsageError(f"unknown encoding '{encoding}'") from None
    first = True
    for raw in binary:
        if first:
            first = False
            if raw.startswith(codecs.BOM_UTF8) and encoding.lower().replace(
                "-", ""
            ) in ("utf8", "utf8sig"):
                raw = raw[3:]
        try:
            yield decoder().decode(raw, final=True)
        except UnicodeDecodeError:
            yield _BAD + raw.decode("latin-1").replace('"', "'").rstrip("\r\n") + "\n"


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
        lines = decoded_lines(binary, encoding, label)
        if fmt == "csv":
            yield from _read_csv(lines, delimiter, label)
        elif fmt == "ndjson":
            yield from _read_ndjson(lines)
        else:
            yield from _read_yaml(lines, label)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise DataFileError(f"{label}: cannot read: {exc}") from None
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


def _read_csv(
    lines: Iterator[str], delimiter: str | None, label: str
) -> Iterator[Event]:
    first = next(lines, None)
    if first is None:
        raise DataFileError(f"{label}: empty register (no header row)")
    if first.startswith(_BAD):
        raise DataFileError(
            f"{label}:1: header row is not valid text; try --encoding latin-1"
        )
    sep = _sniff(first, delimiter)
    header = next(csv.reader([first], delimiter=sep))
    mapping = _map_header(header, label)
    width = len(header)
    # Feed the header back so csv counts physical lines from 1.
    reader = csv.reader(_chain(first, lines), delimiter=sep, strict=False)
    next(reader)
    prev = reader.line_num
    for cells in reader:
        line = prev + 1
        prev = reader.line_num
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        raw = sep.join(cells)
        if any(c.startswith(_BAD) for c in cells[:1]) or _BAD in raw:
            yield Reject(
                line,
                "undecodable bytes (try --encoding latin-1)",
                raw.replace(_BAD, ""),
            )
            continue
        if len(cells) != width:
            yield Reject(line, f"{len(cells)} columns, expected {width}", raw)
            continue
        if any(len(c) > MAX_FIELD for c in cells):
            yield Reject(
                line, f"a field is longer than {MAX_FIELD} characters", raw[:200]
            )
            continue
        yield _row_from_cells(line, cells, mapping, raw)


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _map_header(header: list[str], label: str) -> list[str | None]:
    """Column index -> our field name (None for columns we do not use)."""
    mapping: list[str | None] = []
    known = 0
    for name in header:
        key = name.strip().lstrip("\ufeff")
        folded = key.replace(" ", "").lower()
        if folded in SIRENE_COLUMNS:
            mapping.append(SIRENE_COLUMNS[folded])
        elif normalize(key).replace(" ", "_") in PROFILE_COLUMNS:
            mapping.append(normalize(key).replace(" ", "_"))
        else:
            mapping.append(None)
            continue
        known += 1
    if not known:
        raise DataFileError(
            f"{label}:1: no known column in the header (expected name, siren, naf, "
            "postal_code... or SIRENE columns such as denominationUniteLegale)"
        )
    return mapping


def _row_from_cells(
    line: int, cells: list[str], mapping: list[str | None], raw: str
) -> Row | Skip | Reject:
    fields: dict[str, Any] = {}
    for key, value in zip(mapping, cells, strict=True):
        if key and value.strip():
            fields[key] = value.strip()
    return _finish(line, fields, raw)


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


def _read_ndjson(lines: Iterator[str]) -> Iterator[Event]:
    for line_no, text in enumerate(lines, 1):
        if not text.strip():
            continue
        if text.startswith(_BAD):
            yield Reject(
                line_no,
                "undecodable bytes (try --encoding latin-1)",
                text[1:].rstrip("\n"),
            )
            continue
        try:
            obj = json.loads(text)
        except (ValueError, RecursionError) as exc:
            yield Reject(
                line_no, f"invalid JSON: {str(exc).split(':')[0]}", text.rstrip("\n")
            )
            continue
        if not isinstance(obj, dict):
            yield Reject(line_no, "expected a JSON object", text.rstrip("\n"))
            continue
        yield Row(line_no, {"_profile": obj}, text.rstrip("\n"))


def _read_yaml(lines: Iterator[str], label: str) -> Iterator[Event]:
    """A YAML list of profiles, or a stream of documents (one profile each)."""
    from .yamlio import parse

    text = "".join(lines)
    if _BAD in text:
        line = text[: text.index(_BAD)].count("\n") + 1
        raise DataFileError(f"{label}:{line}: not valid text; try --encoding latin-1")
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    parse(text, label)  # size, depth and alias checks with a file:line error
    try:
        nodes = yaml.compose_all(text, Loader=loader)
        docs = list(nodes)
    except yaml.YAMLError as exc:
        raise DataFileError(f"{label}: invalid YAML: {exc}") from None
    items: list[Any] = []
    for doc in docs:
        if isinstance(doc, yaml.SequenceNode):
            items.extend(doc.value)
        elif doc is not None:
            items.append(doc)
    for node in items:
        line = node.start_mark.line + 1
        value = yaml.load(yaml.serialize(node), Loader=loader)
        if not isinstance(value, dict):
            yield Reject(line, "expected a mapping of profile fields", str(value)[:200])
            continue
        yield Row(
            line,
            {"_profile": value},
            json.dumps(value, ensure_ascii=False, default=str),
        )
