"""Rendering a match result in every output format.

JSON and YAML carry the whole documented object; NDJSON is that object on one
line; CSV and TSV flatten it to one row per (company, rank); a terminal gets a
table with a score bar and the reasons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import IO, Any

from clusterctl.columns import MATCH_COLUMNS
from clusterctl.formats import (
    OutputFormat,
    resolve_format,
    write_delimited,
    write_object,
)
from clusterctl.i18n import _, format_decimal, pgettext
from clusterctl.scoring import CRITERIA


def match_row(match: Mapping[str, Any]) -> dict[str, Any]:
    """One flat row for a match (CSV, TSV)."""
    row = {
        "rank": match["rank"],
        "id": match["id"],
        "name": match["name"],
        "score": match["score"],
        "sector_eligible": match["eligibility"]["sector"]["eligible"],
        "location_eligible": match["eligibility"]["location"]["eligible"],
        "distance_km": match["distance_km"],
        "region_relation": match["region_relation"],
        "label_status": match.get("label_status"),
        "label_note": match.get("label_note"),
    }
    for name in CRITERIA:
        row[f"{name}_score"] = match["breakdown"][name]["score"]
    row["reasons"] = [r["text"] for r in match["reasons"]]
    return row


def bar(score: float, width: int = 5) -> str:
    """A score from 0 to 100 as a bar of `width` cells, in eighths of a cell."""
    eighths = round(max(0.0, min(score, 100.0)) / 100 * width * 8)
    full, part = divmod(eighths, 8)
    partial = " ▏▎▍▌▋▊▉"[part].strip() if full < width else ""
    return ("█" * full + partial).ljust(width, "░")


def write_match(
    result: Mapping[str, Any],
    fmt: OutputFormat,
    out: IO[str],
    *,
    explain: bool,
    header: bool = True,
) -> None:
    fmt = resolve_format(fmt, out)
    if fmt in (OutputFormat.json, OutputFormat.ndjson, OutputFormat.yaml):
        write_object(result, fmt, out)
    elif fmt in (OutputFormat.csv, OutputFormat.tsv):
        rows = [match_row(m) for m in result["matches"]]
        write_delimited(MATCH_COLUMNS, rows, out, fmt, header=header)
    else:
        _write_table(result, out, explain=explain)


#: The two eligibility rules of a match's "why" (keys of `eligibility`).
RULES = ("sector", "location")


def rule_words() -> tuple[str, ...]:
    """The names of `RULES` shown in the table, in the language in use."""
    return (pgettext("rule", "sector"), pgettext("rule", "location"))


def _write_table(result: Mapping[str, Any], out: IO[str], *, explain: bool) -> None:
    """Rank, score (a number over a bar), the cluster (name over id, with its
    label when not plainly current) and "why": the sector and location rules,
    each marked met (✓) or not (✗), then what tells this row apart."""
    from clusterctl.fieldlabels import field_label
    from clusterctl.formats import write_table
    from clusterctl.layout import Column, Line, Stack
    from clusterctl.terminal import draw_table

    company = result["company"]
    name = company["name"] or company["siren"] or _("the company")
    matches = result["matches"]
    rows = []
    for m, why in zip(matches, table_why(matches, explain=explain), strict=True):
        cluster = [Line(m["name"]), Line(m["id"])]
        if m.get("label_status") not in (None, "current"):
            cluster.append(Line(_label_marker(m), "yellow"))
        rows.append(
            [
                Line(str(m["rank"])),
                Stack((Line(format_decimal(m["score"], 1)), Line(bar(m["score"])))),
                Stack(tuple(cluster)),
                why_cell(m, why),
            ]
        )
    columns = [
        Column("#", justify="right"),
        Column(field_label("score"), justify="right"),
        Column(field_label("cluster")),
        Column(field_label("why")),
    ]
    title = _("Clusters for {company}").format(company=name)
    draw_table(columns, rows, out, title=title, separate_rows=True)
    if explain:
        yes, no = pgettext("criterion used", "yes"), pgettext("criterion used", "no")
        for m in matches:
            out.write("\n")
            brows = [
                [
                    criterion,
                    yes if c["used"] else no,
                    format_decimal(c["score"]),
                    format_decimal(c["weight"]),
                    format_decimal(c["contribution"], 1),
                ]
                for criterion, c in m["breakdown"].items()
            ]
            heading = _("{cluster}: {score}").format(
                cluster=m["name"], score=format_decimal(m["score"], 1)
            )
            write_table(
                ["criterion", "used", "score", "weight", "points"],
                brows,
                out,
                title=heading,
                justify={"score": "right", "weight": "right", "points": "right"},
            )


def why_cell(match: Mapping[str, Any], why: Sequence[str]) -> Any:
    """The "why" of one row: `sector ✓ ...`, `location ✗ ...`, then the other
    reasons, every line indented under the first so the rules stand out."""
    from clusterctl.layout import Hang, Stack

    words = rule_words()
    width = max(len(r) for r in words) + 4
    lines = []
    for i, text in enumerate(why):
        if i < len(RULES) and match["eligibility"][RULES[i]]["eligible"] is not None:
            mark = _flag(match["eligibility"][RULES[i]]["eligible"])
            label = f"{words[i]} {mark}".ljust(width)
        else:
            label = " " * width
        lines.append(Hang(label, text))
    return Stack(tuple(lines))


def table_why(
    matches: Sequence[Mapping[str, Any]], *, explain: bool = False
) -> list[list[str]]:
    """The "why" lines of each row of the match table: whether the sector rule
    is met and by what (or why not), where the company stands to the cluster
    (distance, region relation; why the location rule is not met), then the
    reasons that tell this row apart from the others (a reason every row shares
    says nothing about the choice). `explain` keeps every reason."""
    common: set[str] = set()
    if len(matches) > 1:
        common = set.intersection(*({r["text"] for r in m["reasons"]} for m in matches))
    out = []
    for m in matches:
        elig = m["eligibility"]
        lines = [elig["sector"]["why"]]
        if elig["location"]["eligible"] is not None:
            lines.append(elig["location"]["why"])
        rest = [r["text"] for r in _other_reasons(m)]
        if not explain:
            rest = [text for text in rest if text not in common][:1]
        out.append(lines + rest)
    return out


def _other_reasons(match: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The reasons the eligibility lines do not already give: the location is
    always there; so is the sector match that decided (or fell short), and the
    NAF one when it decided or fell short too."""
    sector = match["eligibility"]["sector"]
    covered = {"geo"}
    if sector["eligible"] is not None:
        covered.add(sector["criterion"])
        if not sector["eligible"]:
            covered |= {"sector", "naf"}
    out, seen = [], set()
    for r in match["reasons"]:
        if r["criterion"] in covered and r["criterion"] not in seen:
            seen.add(r["criterion"])  # the first of each is the one covered
            continue
        if r["criterion"] != "geo":
            out.append(r)
    return out


def _label_marker(match: Mapping[str, Any]) -> str:
    from .panels import label_text

    return label_text(match["label_status"], match.get("label_note"))


def _flag(value: bool | None) -> str:
    return {True: "✓", False: "✗", None: "?"}[value]
