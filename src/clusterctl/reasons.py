"""Eligibility and reasons: what a match's numbers mean, in plain words.

One rule decides eligibility, the pôles' own: a relevant sector (the sector
criterion reaches `SECTOR_ELIGIBLE`, or the NAF criterion `NAF_ELIGIBLE`), and
a site in a region the cluster covers or borders. `sector_eligible` and
`location_eligible` are that rule on numbers (they work elementwise on numpy
arrays too, for the batch path); `eligibility` adds the reason, naming the
criterion that decided, written from the very values of the breakdown so that
no reason contradicts the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .matching import Match
    from .scoring import Criterion
    from .taxonomy import Taxonomy

SECTOR_ELIGIBLE = 0.5
NAF_ELIGIBLE = 0.6
#: Region relations that meet the location rule.
LOCATED = ("same", "bordering")


def sector_eligible(sector: Any, naf: Any) -> Any:
    """The sector rule on criterion values: floats give a bool, numpy arrays an
    array of bools."""
    return (sector >= SECTOR_ELIGIBLE) | (naf >= NAF_ELIGIBLE)


def location_eligible(relation: str | None) -> bool | None:
    """The location rule on a region relation (None: no location given)."""
    return None if relation is None else relation in LOCATED


def deciding_criterion(sector: float, naf: float) -> str | None:
    """Which criterion meets the sector rule: "sector" first, else "naf"."""
    if sector >= SECTOR_ELIGIBLE:
        return "sector"
    if naf >= NAF_ELIGIBLE:
        return "naf"
    return None


def eligibility(match: Match, taxonomy: Taxonomy) -> dict[str, Any]:
    """{"sector": {...}, "location": {...}}, each with `eligible` (True, False
    or None when the company gave nothing to judge), `criterion` (what decided)
    and `why`."""
    return {
        "sector": _sector_eligibility(match, taxonomy),
        "location": _location_eligibility(match),
    }


def _sector_eligibility(match: Match, taxonomy: Taxonomy) -> dict[str, Any]:
    sector = match.criteria["sector"]
    naf = match.criteria["naf"]
    if not sector.used and not naf.used:
        return {
            "eligible": None,
            "criterion": None,
            "why": "no sector or NAF code given",
        }
    decided = deciding_criterion(sector.score, naf.score)
    if decided == "sector":
        why = relation_text(sector.matched[0], taxonomy)
        return {"eligible": True, "criterion": "sector", "why": why}
    if decided == "naf":
        why = naf_text(naf.matched[0], taxonomy)
        return {"eligible": True, "criterion": "naf", "why": why}
    parts = []
    if sector.used:
        parts.append(_sector_short(sector, match, taxonomy))
    if naf.used:
        parts.append(_naf_short(naf, taxonomy))
    return {
        "eligible": False,
        "criterion": "sector" if sector.used else "naf",
        "why": "; ".join(parts),
    }


def _floor2(value: float) -> str:
    """A score below a threshold, written so that it reads below it (0.499 ->
    0.49, never 0.50)."""
    return f"{math.floor(value * 100) / 100:.2f}"


def _sector_short(sector: Criterion, match: Match, taxonomy: Taxonomy) -> str:
    """Why the sector criterion falls short: the closest sector and what
    weakens it, or that no sector is related at all."""
    needed = f"sector score {_floor2(sector.score)}, {SECTOR_ELIGIBLE:.2f} needed"
    if not sector.matched:
        theirs = ", ".join(taxonomy.label(s) for s in match.cluster.sectors[:3])
        return f"no sector of the company is close to {theirs}"
    m = sector.matched[0]
    causes = []
    if m["relation"] in ("sibling", "cousin"):
        causes.append("only a related sector")
    elif m["relation"] == "parent":
        causes.append("its sector is narrower than yours")
    if m["sector"] in taxonomy.children and m["relation"] != "parent":
        causes.append(f"{taxonomy.label(m['sector'])} is broad")
    if m["source"] != "sectors":
        causes.append(f"found in your {m['source']}, not in your sectors")
    text = relation_text(m, taxonomy, with_source=False)
    return f"{text}, but {'; '.join(causes) or 'weakly'} ({needed})"


def _naf_short(naf: Criterion, taxonomy: Taxonomy) -> str:
    needed = f"NAF score {_floor2(naf.score)}, {NAF_ELIGIBLE:.2f} needed"
    if naf.matched and naf.score > 0:
        return f"{naf_text(naf.matched[0], taxonomy)}, only partly ({needed})"
    return "no NAF code of the company is typical of its members"


def _location_eligibility(match: Match) -> dict[str, Any]:
    relation = match.region_relation
    if relation is None:
        return {"eligible": None, "criterion": None, "why": "no location given"}
    return {
        "eligible": location_eligible(relation),
        "criterion": "geo",
        "why": geo_text(match),
    }


# ------------------------------------------------------------------ texts
def relation_text(
    m: Mapping[str, Any], taxonomy: Taxonomy, *, with_source: bool = True
) -> str:
    """A sector match of the breakdown in words: "Biotechnology is one of its
    sectors (from your keywords: vaccines)"."""
    mine, theirs = taxonomy.label(m["sector"]), taxonomy.label(m["cluster_sector"])
    rel = m["relation"]
    if rel == "same":
        text = f"{mine} is one of its sectors"
    elif rel == "child":
        text = f"{mine} is under {theirs}"
    elif rel == "parent":
        text = f"{theirs} is part of {mine}"
    elif rel == "sibling":
        parent = taxonomy.ancestors(m["sector"])[0]
        text = f"{mine} and {theirs} are both under {taxonomy.label(parent)}"
    else:
        top = taxonomy.label(taxonomy.top(m["sector"]))
        text = f"{mine} and {theirs} are both in {top}"
    if with_source and m["source"] != "sectors":
        text += f" (from your {m['source']}: {m['term']})"
    return text


def naf_text(m: Mapping[str, Any], taxonomy: Taxonomy) -> str:
    """A NAF match of the breakdown in words."""
    if m["via"] == "naf":
        return f"NAF {m['code']} ({m['label']}) is typical of its members"
    return f"NAF {m['code']} is {taxonomy.label(m['sector'])}"


def geo_text(match: Match) -> str:
    """Where the company's best site stands: distance to the HQ and region
    relation; when outside the rule, that comes first."""
    geo = match.criteria["geo"].matched[0]
    cluster = match.cluster
    km = (
        f"{round(match.distance_km):.0f} km from its HQ in {cluster.hq.city}"
        if match.distance_km is not None
        else None
    )
    region = geo["region"]
    if match.region_relation == "same":
        where = f"{region} is one of its regions"
    elif match.region_relation == "bordering":
        where = f"{region} borders its region ({', '.join(cluster.regions)})"
    else:
        where = (
            f"outside its regions ({', '.join(cluster.regions)}) and not bordering them"
        )
        return "; ".join(p for p in (where, km) if p)
    return "; ".join(p for p in (km, where) if p)


def reasons(match: Match, taxonomy: Taxonomy) -> list[dict[str, str]]:
    """Every reason of a match, criterion by criterion, most telling first
    within each. A criterion whose weight is shared out gives none."""
    out = []
    sector = match.criteria["sector"]
    for m in sector.matched[:3]:
        out.append(
            {
                "criterion": "sector",
                "code": f"sector_{m['relation']}",
                "text": relation_text(m, taxonomy),
            }
        )
    naf = match.criteria["naf"]
    if naf.matched:
        out.append(
            {
                "criterion": "naf",
                "code": f"naf_{naf.matched[0]['via']}",
                "text": naf_text(naf.matched[0], taxonomy),
            }
        )
    text_c = match.criteria["text"]
    if text_c.matched:
        words = list(dict.fromkeys(m["word"] for m in text_c.matched))[:5]
        out.append(
            {
                "criterion": "text",
                "code": "text_words",
                "text": "words in common: " + ", ".join(words),
            }
        )
    if match.region_relation:
        out.append(
            {
                "criterion": "geo",
                "code": f"geo_{match.region_relation}",
                "text": geo_text(match),
            }
        )
    out.extend(_member_reasons(match.criteria["member_type"].matched))
    return out


def _member_reasons(matched: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    out = []
    for m in matched:
        if "size" in m:
            verb = "admits" if m["admitted"] else "does not list"
            out.append(
                {
                    "criterion": "member_type",
                    "code": "member_size",
                    "text": f"{verb} members of type {m['size']}",
                }
            )
        elif m.get("offered"):
            out.append(
                {
                    "criterion": "member_type",
                    "code": "member_services",
                    "text": "offers " + ", ".join(m["offered"]),
                }
            )
    return out
