"""Panels people read at a terminal: `show` (one cluster) and `naf`.

A panel fits a screen: lists run inline and wrap between items, related fields
share a line (the head office's city, département and coordinates; a member
count with its date), empty fields are left out, and each source address is
cited as `[n]` and printed whole under the panel, where the terminal can wrap
it without breaking it (it stays one clickable address).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import IO, Any

from clusterctl.fieldlabels import field_label
from clusterctl.i18n import _, format_date, pgettext
from clusterctl.layout import Cell, Hang, Items, Line, Stack
from clusterctl.terminal import References, draw_panel, readable

from .tables import sector_words, state_words

Rows = list[tuple[str, Cell]]


def draw_cluster(record: Mapping[str, Any], out: IO[str]) -> None:
    """`show` on a terminal: the record (or the `--fields` chosen) as a panel."""
    refs = References()
    for url in record.get("sources") or ():  # numbered in the sources' order
        refs.cite(str(url))
    title = record.get("name") or record.get("id") or ""
    draw_panel(str(title), cluster_rows(record, refs), out, references=refs)


def cluster_rows(record: Mapping[str, Any], refs: References) -> Rows:
    """Rows of a cluster's panel, in the record's order, each field named in
    the language in use."""
    rows: Rows = []
    for key, value in record.items():
        if _empty(value) or (key in _FOLDED and _FOLDED[key] in record):
            continue
        shape = _SHAPES.get(key)
        cell = shape(record, refs) if shape else readable(value)
        if not _empty(cell):
            rows.append((field_label(key), cell))
    return rows


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _status(record: Mapping[str, Any], refs: References) -> Cell:
    """`active, as of 2023-03-27 [1]`."""
    text = state_words(str(record["status"]))
    if record.get("status_as_of"):
        text = _("{status}, as of {date}").format(
            status=text, date=format_date(record["status_as_of"])
        )
    if record.get("status_source"):
        text += f" {refs.cite(record['status_source'])}"
    if record.get("label_term_end"):
        text = _("{status}; label term ends {date}").format(
            status=text, date=format_date(record["label_term_end"])
        )
    return text


def _label(record: Mapping[str, Any], refs: References) -> Cell:
    """`current: labelled to 2026-12-31`, `! lapsed: label not confirmed ...`."""
    return label_text(str(record["label_status"]), record.get("label_note"))


def label_text(state: str, note: str | None) -> str:
    """A label's state and note in words: `! lapsed: label not confirmed
    since 2024-12-31` (`!` marks a label no source confirms)."""
    flag = "! " if state in ("lapsed", "unconfirmed") else ""
    words = flag + state_words(state)
    return _("{state}: {note}").format(state=words, note=note) if note else words


def _hq(record: Mapping[str, Any], refs: References) -> Cell:
    """`Paris (75), 48.8566, 2.3522`."""
    hq = record["hq"] or {}
    text = str(hq.get("city") or "")
    if hq.get("department"):
        text += f" ({hq['department']})"
    point = [f"{hq[k]}" for k in ("lat", "lon") if hq.get(k) is not None]
    return ", ".join([t for t in [text.strip(), *point] if t])


def _members(record: Mapping[str, Any], refs: References) -> Cell:
    """`1000, as of 2022-01-12 [3]: 'environ un millier d'adhérents'`."""
    members = record["members"] or {}
    parts = [] if members.get("count") is None else [str(members["count"])]
    when = members.get("as_of_date") or members.get("as_of")
    if when:
        parts.append(_("as of {date}").format(date=format_date(when)))
    text = ", ".join(parts)
    if members.get("source"):
        text += f" {refs.cite(members['source'])}"
    if members.get("note"):
        note = str(members["note"])
        text = _("{figure}: {note}").format(figure=text, note=note) if text else note
    return text.strip()


def _absorbed(record: Mapping[str, Any], refs: References) -> Cell:
    """`Advancity (2018) [4], PICOM (2019)`."""
    items = []
    for item in record["absorbed"]:
        if not isinstance(item, Mapping):
            items.append(str(item))
            continue
        text = str(item.get("name", ""))
        if item.get("year"):
            text += f" ({item['year']})"
        if item.get("source"):
            text += f" {refs.cite(item['source'])}"
        items.append(text)
    return Items(tuple(items))


def _website(record: Mapping[str, Any], refs: References) -> Cell:
    url = Line(str(record["website"]), "link")
    if record.get("website_verified") is False:
        return Stack((url, _("not verified: no source confirms this address")))
    return url


def _sectors(record: Mapping[str, Any], refs: References) -> Cell:
    """Sector ids (English) or labels (another language)."""
    return Items(tuple(sector_words(record["sectors"])))


def _confidence(record: Mapping[str, Any], refs: References) -> Cell:
    words = {
        "high": pgettext("confidence", "high"),
        "medium": pgettext("confidence", "medium"),
        "low": pgettext("confidence", "low"),
    }
    value = str(record["confidence"])
    return words.get(value, value)


def _sources(record: Mapping[str, Any], refs: References) -> Cell:
    return Items(tuple(refs.cite(str(url)) for url in record["sources"]))


_SHAPES: dict[str, Callable[[Mapping[str, Any], References], Cell]] = {
    "status": _status,
    "label_status": _label,
    "hq": _hq,
    "members": _members,
    "absorbed": _absorbed,
    "website": _website,
    "sectors": _sectors,
    "confidence": _confidence,
    "sources": _sources,
}
#: Fields shown in another field's line when that field is shown (the name is
#: the panel's title).
_FOLDED = {
    "name": "name",
    "status_as_of": "status",
    "status_source": "status",
    "label_term_end": "status",
    "label_note": "label_status",
    "website_verified": "website",
}


# ---------------------------------------------------------------- naf
def naf_rows(record: Mapping[str, Any]) -> Rows:
    """`naf`: the code's labels, then each sector it maps to with why, then
    the clusters that fit it, each on its own line of plain words."""
    rows: Rows = []
    names = _naf_labels()
    for key in ("code", "level", "label", "section", "section_label",
                "division_label"):  # fmt: skip
        if not _empty(record.get(key)):
            value = record[key]
            if key == "level":
                value = _naf_levels().get(str(value), value)
            rows.append((names[key], readable(value)))
    sector_line = _("{label} ({id}), via {code}: {why}")
    sectors = [
        Hang(
            "- ",
            sector_line.format(
                label=s["label"], id=s["id"], code=s["via"], why=s["why"]
            ),
        )
        for s in record.get("sectors") or ()
    ]
    if sectors:
        rows.append((names["sectors"], Stack(tuple(sectors))))
    cluster_line = _("{name} ({id}): {regions}")
    clusters = [
        Hang(
            "- ",
            cluster_line.format(
                name=c["name"], id=c["id"], regions=", ".join(c.get("regions") or ())
            ),
        )
        for c in record.get("clusters") or ()
    ]
    none = pgettext("no cluster", "none")
    rows.append((names["clusters"], Stack(tuple(clusters)) if clusters else none))
    return rows


def _naf_labels() -> dict[str, str]:
    """The lines of the `naf` panel, named in the language in use (its `label`
    is the code's official wording, not a cluster's label)."""
    return {
        "code": pgettext("NAF field", "code"),
        "level": pgettext("NAF field", "level"),
        "label": pgettext("NAF field", "label"),
        "section": pgettext("NAF field", "section"),
        "section_label": pgettext("NAF field", "section_label"),
        "division_label": pgettext("NAF field", "division_label"),
        "sectors": pgettext("NAF field", "sectors"),
        "clusters": pgettext("NAF field", "clusters"),
    }


def _naf_levels() -> dict[str, str]:
    """The levels of the NAF, in words of the language in use."""
    return {
        "division": pgettext("NAF level", "division"),
        "group": pgettext("NAF level", "group"),
        "class": pgettext("NAF level", "class"),
        "subclass": pgettext("NAF level", "subclass"),
    }
