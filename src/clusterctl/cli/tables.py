"""The tables people read at a terminal: `list`, `related` and `sectors`.

Each table has layouts from the richest to the narrowest; the first one whose
columns all get a comfortable width in the terminal is drawn. At 80 columns a
cluster is its name over its id (never split), with the label marked beside
the id when it is not plainly current, and its lists are shortened with a count
("biotech, medtech +3") so that each cluster takes at most two lines. Wider
terminals get separate id, name, label and head-office columns.

Only the default columns are laid out here; `--fields` gets the generic table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any

from clusterctl.i18n import format_decimal, language
from clusterctl.layout import Cell, Column, Items, Line, Stack, fits

Row = Mapping[str, Any]
Layout = tuple[list[Column], Callable[[Row], list[Cell]]]

#: Below this width a list column is too cramped for a layout to be chosen.
LIST_COMFORT = 22
DOUBTFUL = ("lapsed", "unconfirmed")


def draw(
    layouts: Sequence[Layout],
    rows: Sequence[Row],
    out: IO[str],
    *,
    width: int | None = None,
    title: str | None = None,
) -> None:
    """Draw `rows` with the first layout that fits (else the last one), its
    headers in the language in use."""
    from dataclasses import replace

    from clusterctl.fieldlabels import field_label
    from clusterctl.terminal import console_for, draw_table

    available = width or console_for(out).width
    for keys, cells_of in layouts:
        columns = [replace(c, header=field_label(c.header)) for c in keys]
        cells = [cells_of(row) for row in rows]
        if fits(columns, cells, available):
            break
    draw_table(columns, cells, out, title=title, width=available)


# ---------------------------------------------------------------- labels
def marker(state: str | None, note: str | None, *, dated: bool = True) -> str:
    """A label that is not plainly current, in a few words of the language in
    use: `! lapsed 2024-12-31` (the date its label was last confirmed, as the
    note writes it), `probation`, `merged`; empty when current."""
    if not state or state == "current":
        return ""
    if state in DOUBTFUL:
        since = _DATE.search(note or "")
        date = f" {since.group()}" if dated and since else ""
        return f"! {state_words(state)}{date}"
    return state_words(state)


#: A date as a label note writes it (`2024-12-31`, or `31/12/2024` in French).
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}")


def state_words(state: str | None) -> str:
    """A label state or recorded status in the words of the language in use."""
    if not state:
        return ""
    from clusterctl.labels import status_text

    return status_text(state)


def _label_style(state: str | None) -> str | None:
    return "yellow" if state in DOUBTFUL else None


def _label_lines(row: Row) -> Cell:
    """The label column of a medium layout: the state over its date."""
    state, note = row.get("label_status") or "", row.get("label_note")
    head = marker(state, note, dated=False) or state_words(state)
    date = marker(state, note)[len(head) :].strip()
    style = _label_style(state)
    return Stack((Line(head, style), *([Line(date, style)] if date else [])))


def _cluster(row: Row, *, with_marker: bool) -> Cell:
    """Name over id; the label's marker beside the id when asked."""
    state = row.get("label_status")
    mark = marker(state, row.get("label_note"), dated=False) if with_marker else ""
    second = Line(f"{row['id']}  {mark}" if mark else row["id"], _label_style(state))
    return Stack((Line(row["name"]), second))


def _items(values: Any, max_lines: int | None = 2) -> Items:
    return Items(tuple(str(v) for v in values or ()), max_lines=max_lines)


def sector_words(ids: Any) -> list[str]:
    """Sector ids for people: in English the ids themselves (the words
    `--sector` takes), in another language the sectors' labels (`Santé`)."""
    values = [str(v) for v in ids or ()]
    if language() == "en" or not values:
        return values
    from clusterctl.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    return [taxonomy.label(v) for v in values]


def relation_words(value: str | None) -> str:
    """`same`, `bordering` or `other` (a region relation) in words."""
    from clusterctl.i18n import pgettext

    words = {
        "same": pgettext("region relation", "same"),
        "bordering": pgettext("region relation", "bordering"),
        "other": pgettext("region relation", "other"),
    }
    return words.get(value or "", value or "")


def _km(row: Row) -> Cell:
    value = row.get("distance_km")
    return Line("" if value is None else f"{value:.0f}")


# ---------------------------------------------------------------- list
def list_layouts(*, near: bool) -> list[Layout]:
    """`list`: wide (id, name, label, hq.city, regions, sectors), medium (the
    cluster as name over id, label, hq.city, lists) and narrow (name over id
    with the label's marker, regions, sectors)."""
    km = [Column("km", justify="right")] if near else []
    lists = [
        Column("regions", comfort=LIST_COMFORT),
        Column("sectors", comfort=LIST_COMFORT),
    ]

    def extra(row: Row) -> list[Cell]:
        return [_km(row)] if near else []

    def tail(row: Row) -> list[Cell]:
        return [_items(row.get("regions")), _items(sector_words(row.get("sectors")))]

    def city(row: Row) -> Cell:
        return Line((row.get("hq") or {}).get("city") or "")

    wide: Layout = (
        [Column("id"), Column("name"), Column("label"), *km, Column("hq.city"), *lists],
        lambda r: [
            Line(r["id"]),
            Line(r["name"]),
            Line(
                marker(r.get("label_status"), r.get("label_note"))
                or state_words(r.get("label_status")),
                _label_style(r.get("label_status")),
            ),
            *extra(r),
            city(r),
            *tail(r),
        ],
    )
    medium: Layout = (
        [Column("cluster"), Column("label"), *km, Column("hq.city"), *lists],
        lambda r: [
            _cluster(r, with_marker=False),
            _label_lines(r),
            *extra(r),
            city(r),
            *tail(r),
        ],
    )
    narrow: Layout = (
        [Column("cluster"), *km, *lists],
        lambda r: [_cluster(r, with_marker=True), *extra(r), *tail(r)],
    )
    return [wide, medium, narrow]


# ---------------------------------------------------------------- related
def related_layouts() -> list[Layout]:
    """`related`: the default columns when they fit; else the partner as name
    over id (label marked) with its shared sectors and keywords shortened;
    at 80 columns, without the shared keywords."""

    def rank(r: Row) -> Cell:
        return Line(str(r.get("rank", "")))

    def score(r: Row) -> Cell:
        return Line(format_decimal(r.get("score", 0), None))

    def relation(r: Row) -> Cell:
        return Line(relation_words(r.get("region_relation")))

    sectors = Column("shared_sectors", comfort=LIST_COMFORT)
    keywords = Column("shared_keywords", comfort=LIST_COMFORT)
    wide: Layout = (
        [
            Column("rank", "right"),
            Column("id"),
            Column("name"),
            Column("score", "right"),
            sectors,
            keywords,
            Column("region_relation"),
            Column("label_status"),
        ],
        lambda r: [
            rank(r),
            Line(r["id"]),
            Line(r["name"]),
            score(r),
            _items(sector_words(r.get("shared_sectors"))),
            _items(r.get("shared_keywords")),
            relation(r),
            Line(
                state_words(r.get("label_status")), _label_style(r.get("label_status"))
            ),
        ],
    )

    def partner(with_keywords: bool) -> Layout:
        """The partner as name over id, its label marked beside the id."""
        lists = [sectors, keywords] if with_keywords else [sectors]
        columns = [Column("#", "right"), Column("cluster"), Column("score", "right")]
        return (
            [*columns, *lists, Column("region")],
            lambda r: [
                rank(r),
                _cluster(r, with_marker=True),
                score(r),
                _items(sector_words(r.get("shared_sectors"))),
                *([_items(r.get("shared_keywords"))] if with_keywords else []),
                relation(r),
            ],
        )

    medium, narrow = partner(with_keywords=True), partner(with_keywords=False)
    return [wide, medium, narrow]


# ---------------------------------------------------------------- search
def search_layouts() -> list[Layout]:
    """`search`: the default columns when they fit, else the cluster as name
    over id (its recorded status beside the id when not active), the score,
    the field that matched and the matched text."""
    columns = ("rank", "id", "name", "status", "score", "field", "matched")
    numbers = {"rank", "score"}

    def value(r: Row, key: str) -> Cell:
        raw = r.get(key)
        if raw is None:
            text = ""
        elif key == "score":
            text = format_decimal(raw, None)
        elif key == "status":
            text = state_words(raw)
        elif key == "field":
            from clusterctl.fieldlabels import field_label

            text = field_label(raw)
        else:
            text = str(raw)
        return text if key in ("name", "matched") else Line(text)

    def cluster(r: Row) -> Cell:
        status = r.get("status")
        second = (
            r["id"]
            if status in (None, "active")
            else f"{r['id']}  {state_words(status)}"
        )
        return Stack((Line(r["name"]), Line(second)))

    wide: Layout = (
        [
            Column(
                c,
                "right" if c in numbers else "left",
                comfort=LIST_COMFORT if c == "matched" else 0,
            )
            for c in columns
        ],
        lambda r: [value(r, c) for c in columns],
    )
    narrow: Layout = (
        [
            Column("#", "right"),
            Column("cluster"),
            Column("score", "right"),
            Column("field"),
            Column("matched", comfort=LIST_COMFORT),
        ],
        lambda r: [
            value(r, "rank"),
            cluster(r),
            value(r, "score"),
            value(r, "field"),
            value(r, "matched"),
        ],
    )
    return [wide, narrow]


# ---------------------------------------------------------------- sectors
def sector_layouts() -> list[Layout]:
    """`sectors`: a parent column when there is room, else each sub-sector
    indented under its parent (the table's order keeps them together)."""
    count = Column("clusters", justify="right")

    def labels(r: Row) -> list[Cell]:
        return [r.get("label_en") or "", r.get("label_fr") or ""]

    wide: Layout = (
        [
            Column("id"),
            Column("parent"),
            Column("label_en"),
            Column("label_fr"),
            count,
        ],
        lambda r: [
            Line(r["id"]),
            Line(r.get("parent") or ""),
            *labels(r),
            Line(str(r.get("clusters", ""))),
        ],
    )
    tree: Layout = (
        [Column("id"), Column("label_en"), Column("label_fr"), count],
        lambda r: [
            Line(("  " if r.get("parent") else "") + r["id"]),
            *labels(r),
            Line(str(r.get("clusters", ""))),
        ],
    )
    return [wide, tree]


def tree_order(rows: Sequence[Row]) -> list[Row]:
    """Each parent followed by its children, in the order given."""
    children: dict[str, list[Row]] = {}
    for row in rows:
        if row.get("parent"):
            children.setdefault(row["parent"], []).append(row)
    ordered: list[Row] = []
    ids = {row["id"] for row in rows}
    for row in rows:
        if not row.get("parent") or row["parent"] not in ids:
            ordered.append(row)
            ordered.extend(children.get(row["id"], []))
    return ordered


# ---------------------------------------------------------------- batch
def batch_layouts() -> list[Layout]:
    """`match --batch` as a table (rows keyed by the CSV columns, as text):
    every column when it fits, else the company, the rank, the cluster as
    name over id, the score, whether the sector and location rules are met
    (✓ ✓) and the distance."""
    flag = {"true": "✓", "false": "✗"}

    def fits_cell(r: Row) -> Cell:
        rules = (r.get("sector_eligible"), r.get("location_eligible"))
        return Line(" ".join(flag.get(str(v), "?") for v in rules))

    def text(key: str) -> Callable[[Row], Cell]:
        return lambda r: Line(str(r.get(key) or ""))

    from clusterctl.columns import BATCH_COLUMNS

    columns = BATCH_COLUMNS

    def cluster_cell(r: Row) -> Cell:
        flag = marker(str(r.get("label_status") or ""), None, dated=False)
        name = str(r.get("name") or "")
        return Stack(
            (Line(f"{name} {flag}" if flag else name), Line(str(r.get("id") or "")))
        )

    numbers = {"line", "rank", "score", "distance_km"}
    wide: Layout = (
        [Column(c, "right" if c in numbers else "left") for c in columns],
        lambda r: [
            str(r.get(c) or "")
            if c in ("company", "name")
            else Line(state_words(str(r.get(c) or "")))
            if c == "label_status"
            else text(c)(r)
            for c in columns
        ],
    )
    narrow: Layout = (
        [
            Column("line", "right"),
            Column("company"),
            Column("#", "right"),
            Column("cluster"),
            Column("score", "right"),
            Column("fits"),
            Column("km", "right"),
        ],
        lambda r: [
            text("line")(r),
            str(r.get("company") or r.get("siren") or ""),
            text("rank")(r),
            cluster_cell(r),
            text("score")(r),
            fits_cell(r),
            text("distance_km")(r),
        ],
    )
    return [wide, narrow]
