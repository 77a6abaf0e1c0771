"""Rendering a match result in every output format.

JSON and YAML carry the whole documented object; NDJSON is that object on one
line; CSV and TSV flatten it to one row per (company, rank); a terminal gets a
table with a score bar and the reasons.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from clusterctl.formats import (
    OutputFormat,
    resolve_format,
    write_delimited,
    write_object,
)
from clusterctl.scoring import CRITERIA

#: CSV/TSV columns of a match row (batch adds the company's line and identifiers).
MATCH_COLUMNS = (
    "rank",
    "id",
    "name",
    "score",
    "sector_eligible",
    "location_eligible",
    "distance_km",
    "region_relation",
    *(f"{c}_score" for c in CRITERIA),
    "reasons",
)


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
    }
    for name in CRITERIA:
        row[f"{name}_score"] = match["breakdown"][name]["score"]
    row["reasons"] = [r["text"] for r in match["reasons"]]
    return row


def bar(score: float, width: int = 10) -> str:
    filled = round(score / 100 * width)
    return "█" * filled + "░" * (width - filled)


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


def _write_table(result: Mapping[str, Any], out: IO[str], *, explain: bool) -> None:
    from clusterctl.formats import write_table

    company = result["company"]
    title = f"Clusters for {company['name'] or company['siren'] or 'the company'}"
    rows = []
    for m in result["matches"]:
        elig = m["eligibility"]
        flags = "/".join(_flag(elig[k]["eligible"]) for k in ("sector", "location"))
        reasons = m["reasons"] if explain else m["reasons"][:3]
        rows.append(
            [
                str(m["rank"]),
                f"{m['score']:5.1f} {bar(m['score'])}",
                f"{m['name']} ({m['id']})",
                flags,
                "\n".join(r["text"] for r in reasons),
            ]
        )
    write_table(
        ["#", "score", "cluster", "sector/location", "why"],
        rows,
        out,
        title=title,
        justify={"#": "right"},
    )
    if explain:
        for m in result["matches"]:
            brows = [
                [
                    name,
                    "yes" if c["used"] else "no",
                    f"{c['score']:.2f}",
                    f"{c['weight']:.2f}",
                    f"{c['contribution']:.1f}",
                ]
                for name, c in m["breakdown"].items()
            ]
            write_table(
                ["criterion", "used", "score", "weight", "points"],
                brows,
                out,
                title=f"{m['name']}: {m['score']:.1f}",
            )


def _flag(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "?"}[value]
