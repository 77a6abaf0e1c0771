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

from .i18n import _, format_decimal, join_clauses, pgettext

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
            "why": _("no sector or NAF code given"),
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
        "why": join_clauses(parts),
    }


def _floor2(value: float) -> str:
    """A score below a threshold, written so that it reads below it (0.499 ->
    0.49, never 0.50)."""
    return format_decimal(math.floor(value * 100) / 100)


def _sector_short(sector: Criterion, match: Match, taxonomy: Taxonomy) -> str:
    """Why the sector criterion falls short: the closest sector and what
    weakens it, or that no sector is related at all."""
    needed = _("sector score {score}, {threshold} needed").format(
        score=_floor2(sector.score), threshold=format_decimal(SECTOR_ELIGIBLE)
    )
    if not sector.matched:
        theirs = ", ".join(taxonomy.label(s) for s in match.cluster.sectors[:3])
        return _("no sector of the company is close to {sectors}").format(
            sectors=theirs
        )
    m = sector.matched[0]
    causes = []
    if m["relation"] in ("sibling", "cousin"):
        causes.append(_("only a related sector"))
    elif m["relation"] == "parent":
        causes.append(_("its sector is narrower than yours"))
    if m["sector"] in taxonomy.children and m["relation"] != "parent":
        causes.append(_("{sector} is broad").format(sector=taxonomy.label(m["sector"])))
    if m["source"] != "sectors":
        causes.append(_found_in(m["source"]))
    text = relation_text(m, taxonomy, with_source=False)
    if not causes:
        return _("{relation}, but weakly ({needed})").format(
            relation=text, needed=needed
        )
    return _("{relation}, but {causes} ({needed})").format(
        relation=text, causes=join_clauses(causes), needed=needed
    )


def _found_in(source: str) -> str:
    """A sector found elsewhere than in the company's sectors, and where."""
    if source == "keywords":
        return _("found in your keywords, not in your sectors")
    if source == "description":
        return _("found in your description, not in your sectors")
    if source == "naf":
        return _("found from your NAF code, not in your sectors")
    return _("found in your {source}, not in your sectors").format(source=source)


def _naf_short(naf: Criterion, taxonomy: Taxonomy) -> str:
    needed = _("NAF score {score}, {threshold} needed").format(
        score=_floor2(naf.score), threshold=format_decimal(NAF_ELIGIBLE)
    )
    if naf.matched and naf.score > 0:
        return _("{naf}, only partly ({needed})").format(
            naf=naf_text(naf.matched[0], taxonomy), needed=needed
        )
    return _("no NAF code of the company is typical of its members")


def _location_eligibility(match: Match) -> dict[str, Any]:
    relation = match.region_relation
    if relation is None:
        return {"eligible": None, "criterion": None, "why": _("no location given")}
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
    sectors (from your keywords: vaccines)"; sectors are named in the language
    in use."""
    mine, theirs = taxonomy.label(m["sector"]), taxonomy.label(m["cluster_sector"])
    rel = m["relation"]
    if rel == "same":
        text = _("{sector} is one of its sectors").format(sector=mine)
    elif rel == "child":
        text = _("{sector} is under {theirs}").format(sector=mine, theirs=theirs)
    elif rel == "parent":
        text = _("{theirs} is part of {sector}").format(sector=mine, theirs=theirs)
    elif rel == "sibling":
        parent = taxonomy.label(taxonomy.ancestors(m["sector"])[0])
        text = _("{sector} and {theirs} are both under {parent}").format(
            sector=mine, theirs=theirs, parent=parent
        )
    else:
        top = taxonomy.label(taxonomy.top(m["sector"]))
        text = _("{sector} and {theirs} are both in {top}").format(
            sector=mine, theirs=theirs, top=top
        )
    if with_source and m["source"] != "sectors":
        text = _from_source(text, m["source"], m["term"])
    return text


def _from_source(text: str, source: str, term: str) -> str:
    """A relation and the company's words it was found in."""
    if source == "keywords":
        message = _("{relation} (from your keywords: {term})")
    elif source == "description":
        message = _("{relation} (from your description: {term})")
    elif source == "naf":
        message = _("{relation} (from your naf: {term})")
    else:
        return _("{relation} (from your {source}: {term})").format(
            relation=text, source=source, term=term
        )
    return message.format(relation=text, term=term)


def naf_text(m: Mapping[str, Any], taxonomy: Taxonomy) -> str:
    """A NAF match of the breakdown in words."""
    if m["via"] == "naf":
        return _("NAF {code} ({label}) is typical of its members").format(
            code=m["code"], label=m["label"]
        )
    return _("NAF {code} is {sector}").format(
        code=m["code"], sector=taxonomy.label(m["sector"])
    )


def geo_text(match: Match) -> str:
    """Where the company's best site stands: distance to the HQ and region
    relation; when outside the rule, that comes first."""
    geo = match.criteria["geo"].matched[0]
    cluster = match.cluster
    km = (
        _("{km} km from its HQ in {city}").format(
            km=f"{round(match.distance_km):.0f}", city=cluster.hq.city
        )
        if match.distance_km is not None
        else None
    )
    region = geo["region"]
    regions = ", ".join(cluster.regions)
    if match.region_relation == "same":
        where = _("{region} is one of its regions").format(region=region)
    elif match.region_relation == "bordering":
        where = _("{region} borders its region ({regions})").format(
            region=region, regions=regions
        )
    else:
        where = _("outside its regions ({regions}) and not bordering them").format(
            regions=regions
        )
        return join_clauses(p for p in (where, km) if p)
    return join_clauses(p for p in (km, where) if p)


def member_type_label(value: str) -> str:
    """A member type (`sme`) in words, in the language in use; the value itself
    in English, where it is also what users type."""
    labels = {
        "startup": pgettext("member type", "startup"),
        "sme": pgettext("member type", "sme"),
        "midcap": pgettext("member type", "midcap"),
        "large": pgettext("member type", "large"),
        "research": pgettext("member type", "research"),
        "academic": pgettext("member type", "academic"),
        "public": pgettext("member type", "public"),
    }
    return labels.get(value, value)


def service_label(value: str) -> str:
    """A service (`rd-projects`) in words, in the language in use; the value
    itself in English, where it is also what users type."""
    labels = {
        "rd-projects": pgettext("service", "rd-projects"),
        "funding": pgettext("service", "funding"),
        "coaching": pgettext("service", "coaching"),
        "europe": pgettext("service", "europe"),
        "export": pgettext("service", "export"),
        "training": pgettext("service", "training"),
        "events": pgettext("service", "events"),
    }
    return labels.get(value, value)


def reasons(match: Match, taxonomy: Taxonomy) -> list[dict[str, str]]:
    """Every reason of a match, criterion by criterion, most telling first
    within each. A criterion whose weight is shared out gives none. `code` is
    for programs (the same in every language), `text` for people."""
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
                "text": _("words in common: {words}").format(words=", ".join(words)),
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
            if m["admitted"]:
                text = _("admits members of type {type}")
            else:
                text = _("does not list members of type {type}")
            out.append(
                {
                    "criterion": "member_type",
                    "code": "member_size",
                    "text": text.format(type=member_type_label(m["size"])),
                }
            )
        elif m.get("offered"):
            offered = ", ".join(service_label(s) for s in m["offered"])
            out.append(
                {
                    "criterion": "member_type",
                    "code": "member_services",
                    "text": _("offers {services}").format(services=offered),
                }
            )
    return out
