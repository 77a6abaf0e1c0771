"""Every output format in one place: table, tsv, csv, json, ndjson, yaml.

Writers take plain rows (mappings of field name to value) and a stream; they
know nothing about clusters. Machine formats never go through Rich, so nothing
is wrapped at 80 columns or read as markup, and no escape code reaches a pipe.
Rich is imported only to draw a table or a panel on a terminal.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from enum import Enum, StrEnum
from typing import IO, Any

from .errors import UsageError

LIST_SEPARATOR = ";"


class OutputFormat(StrEnum):
    """`auto` is a table on a terminal and TSV with a header row in a pipe."""

    auto = "auto"
    table = "table"
    tsv = "tsv"
    csv = "csv"
    json = "json"
    ndjson = "ndjson"
    jsonl = "jsonl"
    yaml = "yaml"


def resolve_format(fmt: OutputFormat | str, out: IO[str]) -> OutputFormat:
    fmt = OutputFormat(fmt)
    if fmt is OutputFormat.jsonl:
        return OutputFormat.ndjson
    if fmt is OutputFormat.auto:
        isatty = getattr(out, "isatty", None)
        return OutputFormat.table if isatty and isatty() else OutputFormat.tsv
    return fmt


def _default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(obj: Any, indent: int | None = None) -> str:
    return json.dumps(obj, ensure_ascii=False, default=_default, indent=indent)


def flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings become dotted keys: {"hq": {"city": x}} -> {"hq.city": x}."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def field_names(records: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every flattened (dotted) field name found in the records, in order."""
    names: dict[str, None] = {}
    for record in records:
        for key in flatten(record):
            names.setdefault(key)
    return list(names)


def parse_fields(spec: str | None, valid: Sequence[str]) -> list[str] | None:
    """`--fields a,b.c` -> ["a", "b.c"]; an unknown name is an error naming the
    closest valid one (the command line lists them all for `--fields help`)."""
    if spec is None:
        return None
    from .i18n import _
    from .problems import did_you_mean

    wanted = [f.strip() for f in spec.split(",") if f.strip()]
    if not wanted:
        raise UsageError(
            _("--fields needs at least one field name ('--fields help' lists them)")
        )
    for name in wanted:
        if name not in valid:
            hint = did_you_mean(name, valid)
            text = _("unknown field '{field}'{hint}; '--fields help' lists every field")
            raise UsageError(text.format(field=name, hint=hint))
    return wanted


def select(record: Mapping[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """Keep `fields` (dotted names allowed), nesting dotted ones back for JSON."""
    out: dict[str, Any] = {}
    for name in fields:
        value: Any = record
        for part in name.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        target = out
        *parents, last = name.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value
    return out


def cell(value: Any, sep: str = LIST_SEPARATOR) -> str:
    """One value as text for CSV, TSV and tables."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e15 else repr(value)
    if isinstance(value, list | tuple):
        return sep.join(
            cell(v, sep) if not isinstance(v, Mapping) else to_json(v) for v in value
        )
    if isinstance(value, Mapping):
        return to_json(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


ENV_SPREADSHEET_SAFE = "CLUSTERCTL_SPREADSHEET_SAFE"


def spreadsheet_safe_default() -> bool:
    """`--spreadsheet-safe` (or `CLUSTERCTL_SPREADSHEET_SAFE=1`) is on."""
    import os

    return os.environ.get(ENV_SPREADSHEET_SAFE, "") not in ("", "0", "false", "no")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet would run as a formula (`=HYPERLINK(...)`, `@SUM`,
    `+33 ...`) is prefixed with a single quote, which spreadsheets show as
    text; numbers (`-1.5`) are left alone. Used by `--spreadsheet-safe`."""
    if not text.startswith(_FORMULA_START):
        return text
    try:
        float(text)
    except ValueError:
        return "'" + text
    return text


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str, keep: str = "") -> str:
    """`text` with control characters (ESC, BEL, C1 codes...) shown as `\\xNN`
    escapes: data from a file or a register must never drive the terminal.
    `keep` lists controls that stay (a newline inside a table cell)."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(
        lambda m: m.group() if m.group() in keep else f"\\x{ord(m.group()):02x}",
        text,
    )


def _tsv_escape(text: str) -> str:
    return printable(
        text.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def write_rows(
    rows: Iterable[Mapping[str, Any]],
    fmt: OutputFormat,
    out: IO[str],
    *,
    columns: Sequence[str] | None = None,
    header: bool = True,
    title: str | None = None,
    safe: bool | None = None,
) -> int:
    """Write records in `fmt`; returns how many were written.

    `columns` chooses and orders fields (dotted names for nested ones); without
    it JSON/NDJSON/YAML keep whole records and CSV/TSV use every flattened key.
    """
    fmt = resolve_format(fmt, out)
    rows = [select(r, columns) for r in rows] if columns else list(rows)
    if fmt is OutputFormat.json:
        _write_json_array(rows, out)
    elif fmt is OutputFormat.ndjson:
        for row in rows:
            out.write(to_json(row) + "\n")
    elif fmt is OutputFormat.yaml:
        write_yaml(rows, out)
    else:
        flat = [flatten(r) for r in rows]
        names = _leaf_columns(columns, flat) if columns else field_names(rows)
        if fmt is OutputFormat.table:
            values = [[r.get(n) for n in names] for r in flat]
            write_table(names, values, out, title=title)
        else:
            write_delimited(names, flat, out, fmt, header=header, safe=safe)
    return len(rows)


def _leaf_columns(
    columns: Sequence[str], flat: Sequence[Mapping[str, Any]]
) -> list[str]:
    """Columns for CSV, TSV and tables: a field holding sub-fields (`hq`) becomes
    its dotted columns (`hq.city`, `hq.department`, ...)."""
    names: list[str] = []
    for column in columns:
        if any(column in row for row in flat):
            names.append(column)
            continue
        prefix = column + "."
        subs = list(
            dict.fromkeys(k for row in flat for k in row if k.startswith(prefix))
        )
        names.extend(subs or [column])
    return names


def _write_json_array(rows: Sequence[Any], out: IO[str]) -> None:
    """A JSON array with one object per line: valid JSON that also greps well."""
    if not rows:
        out.write("[]\n")
        return
    out.write("[")
    for i, row in enumerate(rows):
        out.write(("" if i == 0 else ",\n ") + to_json(row))
    out.write("]\n")


def write_delimited(
    names: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    out: IO[str],
    fmt: OutputFormat,
    *,
    header: bool = True,
    safe: bool | None = None,
) -> None:
    """CSV (RFC 4180) or TSV (tabs, newlines and backslashes escaped); `safe`
    makes cells harmless in a spreadsheet (see `spreadsheet_safe`)."""

    if safe is None:
        safe = spreadsheet_safe_default()

    def text(value: Any) -> str:
        return spreadsheet_safe(cell(value)) if safe else cell(value)

    if fmt is OutputFormat.csv:
        import csv

        writer = csv.writer(out, lineterminator="\n")
        if header:
            writer.writerow(names)
        writer.writerows([text(r.get(n)) for n in names] for r in rows)
        return
    if header:
        out.write("\t".join(names) + "\n")
    for r in rows:
        out.write("\t".join(_tsv_escape(text(r.get(n))) for n in names) + "\n")


def write_object(
    obj: Mapping[str, Any],
    fmt: OutputFormat,
    out: IO[str],
    *,
    safe: bool | None = None,
    title: str | None = None,
) -> None:
    """One record (`show`, `match`): pretty JSON, one NDJSON line, a YAML document,
    or a single flattened CSV/TSV row; on a terminal a panel headed `title`
    (default: the record's name)."""
    fmt = resolve_format(fmt, out)
    if fmt is OutputFormat.json:
        out.write(to_json(obj, indent=2) + "\n")
    elif fmt is OutputFormat.ndjson:
        out.write(to_json(obj) + "\n")
    elif fmt is OutputFormat.yaml:
        write_yaml(obj, out)
    elif fmt in (OutputFormat.csv, OutputFormat.tsv):
        flat = flatten(obj)
        write_delimited(list(flat), [flat], out, fmt, safe=safe)
    else:
        write_panel(title or str(obj.get("name", "")), obj, out)


def write_yaml(data: Any, out: IO[str]) -> None:
    import yaml

    plain = json.loads(to_json(data))
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    yaml.dump(
        plain,
        out,
        Dumper=dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )


def write_table(
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    out: IO[str],
    *,
    title: str | None = None,
    justify: Mapping[str, str] | None = None,
) -> None:
    """A table of plain values under `names` (see `terminal.draw_table`): ids
    are never split, lists wrap between items, numbers are right-aligned; the
    headers name the fields in the language in use."""
    from .fieldlabels import field_label
    from .layout import Column
    from .terminal import draw_table, table_cell

    def number(value: Any) -> bool:
        return value is None or (
            isinstance(value, int | float) and not isinstance(value, bool)
        )

    numeric = {n for i, n in enumerate(names) if all(number(r[i]) for r in rows)}
    columns = [
        Column(
            field_label(n),
            justify=(justify or {}).get(n, "right" if n in numeric else "left"),
        )
        for n in names
    ]
    cells = [[table_cell(n, v) for n, v in zip(names, r, strict=True)] for r in rows]
    draw_table(columns, cells, out, title=title)


def write_panel(title: str, fields: Mapping[str, Any], out: IO[str]) -> None:
    """A record as `key  value` lines inside a titled panel; nested fields
    indented, lists inline, addresses whole (see `terminal.draw_panel`)."""
    from .terminal import draw_panel, record_rows

    draw_panel(title, record_rows(fields), out)
