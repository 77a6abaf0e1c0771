"""Matching a company to clusters: ranked results with a breakdown and reasons.

`Matcher` precomputes, once per dataset, everything that does not depend on
the company (each cluster's sectors, NAF prefixes, text vocabulary, word
rarity), then scores each cluster with the criteria of `scoring`. Results are
sorted by score, ties broken by cluster id, so output is deterministic.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .scoring import (
    CRITERIA,
    DEFAULT_WEIGHTS,
    ClusterProfile,
    Criterion,
    region_relations,
    score_geo,
    score_member,
    score_naf,
    score_sector,
    score_text,
    total,
)
from .text import content_words

if TYPE_CHECKING:
    from .dataset import ClusterRecord as Cluster
    from .dataset import Dataset
    from .profiles import Company
    from .taxonomy import Taxonomy

SCHEMA_VERSION = 1
BAG_WEIGHTS = {"keywords": 1.0, "description": 0.6, "sectors": 0.5}
SECTOR_ELIGIBLE = 0.5
NAF_ELIGIBLE = 0.6


def parse_weights(spec: str | None) -> dict[str, float]:
    """`sector=0.5,geo=0.3` (or a file of such lines) -> weights summing to 1.

    Criteria not named keep their default weight before normalisation."""
    weights = dict(DEFAULT_WEIGHTS)
    if not spec:
        return weights
    from pathlib import Path

    if "=" not in spec and Path(spec).is_file():
        spec = Path(spec).read_text(encoding="utf-8")
    for item in spec.replace("\n", ",").split(","):
        item = item.split("#", 1)[0].strip()
        if not item:
            continue
        name, _, value = item.partition("=")
        name = name.strip().replace("-", "_")
        if name not in weights:
            raise UsageError(
                f"unknown criterion '{name}' in --weights; valid: {', '.join(CRITERIA)}"
            )
        try:
            weights[name] = float(value)
        except ValueError:
            raise UsageError(
                f"weight for '{name}' is not a number: '{value}'"
            ) from None
        if not math.isfinite(weights[name]) or weights[name] < 0:
            raise UsageError(f"weight for '{name}' must be a number >= 0")
    norm = sum(weights.values())
    if norm <= 0:
        raise UsageError("--weights: at least one weight must be above 0")
    return {k: v / norm for k, v in weights.items()}


@dataclass
class Match:
    cluster: Cluster
    score: float
    criteria: dict[str, Criterion]
    distance_km: float | None
    region_relation: str | None


class Matcher:
    """Scores companies against every cluster of a dataset."""

    def __init__(
        self,
        dataset: Dataset,
        weights: Mapping[str, float] | None = None,
        *,
        include_merged: bool = False,
    ) -> None:
        from . import geography
        from .taxonomy import load_taxonomy

        self.dataset = dataset
        self.weights = dict(weights or DEFAULT_WEIGHTS)
        self.taxonomy: Taxonomy = load_taxonomy()
        self._neighbours = geography.are_neighbours
        self._distance = geography.distance_km
        self._regions = geography.region_names()
        # Sorted by id: an index order that is also the tie-break order.
        self.clusters = sorted(
            (c for c in dataset.clusters if include_merged or c.status != "merged"),
            key=lambda c: c.id,
        )
        self.profiles = [self._profile(c) for c in self.clusters]
        self._idf: dict[str, float] | None = None

    @property
    def idf(self) -> dict[str, float]:
        """Word rarity across clusters. The clusters' vocabularies (`bag`) are
        built with it, on first use: a register of NAF codes and places never
        needs them."""
        if self._idf is None:
            for cluster, profile in zip(self.clusters, self.profiles, strict=True):
                profile.bag.update(self._bag(cluster))
            self._idf = self._compute_idf()
        return self._idf

    def _bag(self, cluster: Cluster) -> dict[str, float]:
        bag: dict[str, float] = {}

        def add(text: str, weight: float) -> None:
            words = content_words(text)
            for token in words + [f"{a} {b}" for a, b in itertools.pairwise(words)]:
                bag[token] = max(bag.get(token, 0.0), weight)

        for keyword in cluster.keywords:
            add(keyword, BAG_WEIGHTS["keywords"])
        for sid in cluster.sectors:
            sector = self.taxonomy.sectors.get(sid)
            if sector:
                for term in (
                    sector.label_en,
                    sector.label_fr,
                    *sector.synonyms_en,
                    *sector.synonyms_fr,
                ):
                    add(term, BAG_WEIGHTS["sectors"])
        if cluster.description:
            add(cluster.description, BAG_WEIGHTS["description"])
        return bag

    def _profile(self, cluster: Cluster) -> ClusterProfile:
        return ClusterProfile(
            id=cluster.id,
            sectors=tuple(cluster.sectors),
            naf=tuple(cluster.naf),
            regions=tuple(cluster.regions),
            lat=cluster.hq.lat,
            lon=cluster.hq.lon,
            city=cluster.hq.city,
            member_types=frozenset(self.dataset.member_types(cluster)),
            services=frozenset(self.dataset.services(cluster)),
            bag={},  # filled with the idf, on first use
            region_relation=region_relations(
                cluster.regions, self._regions, self._neighbours
            ),
        )

    def _compute_idf(self) -> dict[str, float]:
        df: dict[str, int] = {}
        for profile in self.profiles:
            for token in profile.bag:
                df[token] = df.get(token, 0) + 1
        n = max(len(self.profiles), 1)
        return {t: math.log(1.0 + n / d) for t, d in df.items()}

    def score(self, company: Company, index: int) -> Match:
        """The reference computation: one company against one cluster."""
        idf = self.idf
        cp = self.profiles[index]
        geo, km, rel = score_geo(company.places, cp, self._distance)
        criteria = {
            "sector": score_sector(self.taxonomy, company.evidence, cp),
            "naf": score_naf(self.taxonomy, company.naf, cp),
            "text": score_text(company.tokens, cp, idf),
            "geo": geo,
            "member_type": score_member(company.size, company.looking_for, cp),
        }
        return Match(
            self.clusters[index], total(criteria, self.weights), criteria, km, rel
        )

    def match(self, company: Company) -> list[Match]:
        """Every cluster, best first; ties broken by id."""
        results = [self.score(company, i) for i in range(len(self.profiles))]
        results.sort(key=lambda m: (-m.score, m.cluster.id))
        return results


# ------------------------------------------------------------------ output
def eligibility(match: Match, company: Company, taxonomy: Taxonomy) -> dict[str, Any]:
    """The pôles' own rules: a relevant sector, located in or near the region."""
    sector = match.criteria["sector"]
    naf = match.criteria["naf"]
    if sector.score >= SECTOR_ELIGIBLE or naf.score >= NAF_ELIGIBLE:
        why = _sector_reason(match, taxonomy) or _naf_reason(match, taxonomy) or ""
        sector_ok: dict[str, Any] = {"eligible": True, "why": why}
    elif not sector.used and not naf.used:
        sector_ok = {"eligible": None, "why": "no sector or NAF code given"}
    else:
        sector_ok = {
            "eligible": False,
            "why": "no sector of the company is close to "
            f"{', '.join(taxonomy.label(s) for s in match.cluster.sectors[:3])}",
        }
    rel = match.region_relation
    if rel is None:
        location: dict[str, Any] = {"eligible": None, "why": "no location given"}
    else:
        location = {"eligible": rel in ("same", "bordering"), "why": _geo_reason(match)}
    return {"sector": sector_ok, "location": location}


def reasons(match: Match, taxonomy: Taxonomy) -> list[dict[str, str]]:
    out = []
    sector = match.criteria["sector"]
    for m in sector.matched[:3]:
        out.append(
            {
                "criterion": "sector",
                "code": f"sector_{m['relation']}",
                "text": _relation_text(m, taxonomy),
            }
        )
    naf = match.criteria["naf"]
    if naf.matched:
        text = _naf_reason(match, taxonomy)
        if text:
            out.append(
                {
                    "criterion": "naf",
                    "code": f"naf_{naf.matched[0]['via']}",
                    "text": text,
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
                "text": _geo_reason(match),
            }
        )
    member = match.criteria["member_type"]
    for m in member.matched:
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


def _relation_text(m: Mapping[str, Any], taxonomy: Taxonomy) -> str:
    mine, theirs = taxonomy.label(m["sector"]), taxonomy.label(m["cluster_sector"])
    source = (
        "" if m["source"] == "sectors" else f" (from your {m['source']}: {m['term']})"
    )
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
    return text + source


def _sector_reason(match: Match, taxonomy: Taxonomy) -> str | None:
    matched = match.criteria["sector"].matched
    return _relation_text(matched[0], taxonomy) if matched else None


def _naf_reason(match: Match, taxonomy: Taxonomy) -> str | None:
    matched = match.criteria["naf"].matched
    if not matched:
        return None
    m = matched[0]
    if m["via"] == "naf":
        return f"NAF {m['code']} ({m['label']}) is typical of its members"
    return f"NAF {m['code']} is {taxonomy.label(m['sector'])}"


def _geo_reason(match: Match) -> str:
    geo = match.criteria["geo"].matched[0]
    cluster = match.cluster
    parts = []
    if match.distance_km is not None:
        parts.append(
            f"{round(match.distance_km):.0f} km from the HQ in {cluster.hq.city}"
        )
    region = geo["region"]
    if match.region_relation == "same":
        parts.append(f"{region} is one of its regions")
    elif match.region_relation == "bordering":
        parts.append(f"{region} borders its region ({', '.join(cluster.regions)})")
    else:
        parts.append(f"outside its regions ({', '.join(cluster.regions)})")
    return "; ".join(parts)


def company_record(company: Company) -> dict[str, Any]:
    """The profile as resolved: what matching actually used."""
    place = company.places[0] if company.places else None
    return {
        "name": company.name,
        "siren": company.siren,
        "siret": company.siret,
        "sectors": {
            "given": company.sectors_given,
            "resolved": sorted(company.evidence),
            "from_sectors": company.sectors_resolved,
        },
        "naf": [{"code": e.code, "label": e.label} for e in company.naf],
        "location": _place_record(place),
        "locations": [_place_record(p) for p in company.places[1:]],
        "size": company.size,
        "looking_for": company.looking_for,
    }


def _place_record(place: Any) -> dict[str, Any] | None:
    if place is None:
        return None
    return {
        k: getattr(place, k)
        for k in (
            "city",
            "postal_code",
            "insee_code",
            "department",
            "region",
            "lat",
            "lon",
            "resolved_from",
            "ambiguous",
        )
    }


def match_record(
    match: Match,
    rank: int,
    company: Company,
    weights: Mapping[str, float],
    taxonomy: Taxonomy,
    *,
    explain: bool = True,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "rank": rank,
        "id": match.cluster.id,
        "name": match.cluster.name,
        "status": match.cluster.status,
        "score": round(match.score, 2),
        "eligibility": eligibility(match, company, taxonomy),
        "distance_km": None
        if match.distance_km is None
        else round(match.distance_km, 1),
        "region_relation": match.region_relation,
        "breakdown": {
            name: {
                "used": c.used,
                "score": round(c.score, 4),
                "weight": round(weights[name], 4),
                "contribution": round(100 * weights[name] * c.score, 2),
                "matched": c.matched if explain else c.matched[:3],
            }
            for name, c in match.criteria.items()
        },
        "reasons": reasons(match, taxonomy),
    }
    return record


def match_result(
    matcher: Matcher,
    company: Company,
    selected: Sequence[tuple[int, Match]],
    *,
    explain: bool = True,
) -> dict[str, Any]:
    """The documented result object of `clusterctl match --format json`."""
    dataset = matcher.dataset
    return {
        "schema_version": SCHEMA_VERSION,
        "dataset": {"version": dataset.info.version, "date": dataset.info.date},
        "weights": {k: round(v, 4) for k, v in matcher.weights.items()},
        "company": company_record(company),
        "matches": [
            match_record(
                m, rank, company, matcher.weights, matcher.taxonomy, explain=explain
            )
            for rank, m in selected
        ],
        "warnings": [{"code": w.code, "text": w.text} for w in company.warnings],
    }
