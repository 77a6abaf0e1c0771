"""How a company is scored against one cluster: the five named criteria.

This module is the definition of the score, written one company and one
cluster at a time so that it can be read and tested. `matching.Matcher` uses it
for single profiles; the batch path computes the same numbers in bulk and is
tested to rank exactly as this does.

Each criterion gives a value in 0-1; the score is 100 x the weighted sum.
A criterion with no input (no sector word, no NAF code, no location...) scores
0 and is reported as `used: false`: it lowers every cluster equally, so the
ranking is unaffected. Every criterion only grows as evidence is added (noisy-OR
or saturating sums, maxima over sites), so adding a matching sector, keyword or
site never lowers a score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .naf import code_fits

if TYPE_CHECKING:
    from .geography import Place
    from .naf import NafEntry
    from .taxonomy import Taxonomy

CRITERIA = ("sector", "naf", "text", "geo", "member_type")
DEFAULT_WEIGHTS: dict[str, float] = {
    "sector": 0.45,
    "naf": 0.10,
    "text": 0.15,
    "geo": 0.25,
    "member_type": 0.05,
}

#: Sector relation -> similarity. "child" means the company's sector is under
#: the cluster's (biotech vs health): the cluster covers it.
RELATION_SCORES = {
    "same": 1.0,
    "child": 0.85,
    "parent": 0.7,
    "sibling": 0.4,
    "cousin": 0.25,
}
NAF_LEVEL_SCORES = {6: 1.0, 5: 1.0, 4: 0.85, 2: 0.6}
#: The company gives a class, group or division holding one of the cluster's codes.
NAF_PARTIAL_SCORES = {5: 0.9, 4: 0.75, 2: 0.5}
#: Share of the noisy-OR (vs the best single match) in the sector criterion.
SECTOR_SPREAD = 0.3
#: Factor for a broad sector (one with sub-sectors) on the company's side.
BROAD_SECTOR = 0.85
NAF_VIA_SECTOR = 0.8
TEXT_SCALE = 8.0
GEO_REGION = {"same": 1.0, "bordering": 0.5, "other": 0.0}
GEO_REGION_SHARE = 0.7
GEO_DISTANCE_KM = 150.0


def position_weight(index: int) -> float:
    """A cluster's first-listed sectors are its core; later ones count a bit less."""
    return max(0.75, 1.0 - 0.05 * index)


POSITION_WEIGHTS = [position_weight(i) for i in range(64)]


@dataclass
class Criterion:
    """One criterion's value for a company and a cluster.

    `used` is False when the company gave nothing for it (it then scores 0 for
    every cluster). `shared` (member_type only) is True when nothing the
    company gave can be judged against what the cluster's record says (its
    member types or services are not known, or the company gave neither size
    nor needs): the criterion neither scores nor explains, and its weight is
    shared out over the other criteria for that cluster."""

    used: bool
    score: float = 0.0
    matched: list[dict[str, Any]] = field(default_factory=list)
    shared: bool = False


@dataclass
class ClusterProfile:
    """What scoring needs of a cluster, precomputed once per dataset."""

    id: str
    sectors: tuple[str, ...]
    naf: tuple[str, ...]
    regions: tuple[str, ...]
    lat: float
    lon: float
    city: str
    #: None when the record does not say (unknown, not "none")
    member_types: frozenset[str] | None
    services: frozenset[str] | None
    #: text token -> weight (keywords 1, description 0.6, sector vocabulary 0.5)
    bag: dict[str, float]
    #: every region -> "same", "bordering" or "other" for this cluster
    region_relation: dict[str, str]
    _sector_best: dict[str, tuple[float, str | None, str | None]] = field(
        default_factory=dict
    )

    def naf_prefixes_of(self, code: str) -> list[str]:
        """The cluster's NAF prefixes that contain `code` or that `code` contains,
        in the cluster's order: a few set lookups for a full code."""
        if len(code) == 6:
            wanted = {code[:2], code[:4], code[:5], code}
            return [p for p in self.naf if p in wanted]
        return [p for p in self.naf if code_fits(code, p)]

    def best_sector(
        self, taxonomy: Taxonomy, sector: str
    ) -> tuple[float, str | None, str | None]:
        """(similarity, relation, cluster sector) of the cluster's sector closest
        to a company's sector; memoised per cluster."""
        found = self._sector_best.get(sector)
        if found is None:
            best: tuple[float, str | None, str | None] = (0.0, None, None)
            for i, csid in enumerate(self.sectors):
                rel = taxonomy.relation(sector, csid)
                if rel is None:
                    continue
                value = RELATION_SCORES[rel] * POSITION_WEIGHTS[i]
                if value > best[0]:
                    best = (value, rel, csid)
            found = self._sector_best[sector] = best
        return found


def score_sector(
    taxonomy: Taxonomy,
    evidence: Mapping[str, tuple[float, str, str]],
    cluster: ClusterProfile,
) -> Criterion:
    """The company's best sector match, plus a share of the others: each sector
    contributes weight x similarity x specificity, and the criterion is
    (1 - SECTOR_SPREAD) x max + SECTOR_SPREAD x noisy-OR of the contributions.
    Both parts only grow as sectors are added; the max keeps one specific match
    (geosciences) ahead of several vague ones (energy, environment)."""
    if not evidence:
        return Criterion(False)
    miss = 1.0
    top = 0.0
    matched: list[dict[str, Any]] = []
    for sid in sorted(evidence):
        weight, source, term = evidence[sid]
        best, best_rel, best_c = cluster.best_sector(taxonomy, sid)
        if best > 0:
            value = weight * best * specificity(taxonomy, sid)
            miss *= 1.0 - value
            top = max(top, value)
            matched.append(
                {
                    "sector": sid,
                    "cluster_sector": best_c,
                    "relation": best_rel,
                    "source": source,
                    "term": term,
                    "value": round(value, 4),
                }
            )
    matched.sort(key=lambda m: (-m["value"], m["sector"]))
    score = (1.0 - SECTOR_SPREAD) * top + SECTOR_SPREAD * (1.0 - miss)
    return Criterion(True, score, matched)


def specificity(taxonomy: Taxonomy, sector_id: str) -> float:
    """A broad sector with sub-sectors (energy, digital, health) says less about
    a company than a precise one (hydrogen, geosciences, biotech)."""
    return BROAD_SECTOR if sector_id in taxonomy.children else 1.0


def score_naf(
    taxonomy: Taxonomy, entries: Sequence[NafEntry], cluster: ClusterProfile
) -> Criterion:
    """Best of: the code under one of the cluster's NAF prefixes, or the code's
    sectors related to the cluster's sectors."""
    if not entries:
        return Criterion(False)
    best = 0.0
    matched: list[dict[str, Any]] = []
    for entry in entries:
        code = entry.code
        for prefix in cluster.naf_prefixes_of(code):
            if code.startswith(prefix):
                value = NAF_LEVEL_SCORES.get(len(prefix), 0.6)
            else:  # a shorter code than the cluster's ("62.01" for "62.01Z")
                value = NAF_PARTIAL_SCORES.get(len(code), 0.5)
            if value > best:
                best = value
                matched = [
                    {
                        "code": code,
                        "label": entry.label,
                        "via": "naf",
                        "prefix": prefix,
                        "value": value,
                    }
                ]
        for sid, _prefix, _why in taxonomy.sectors_for_naf(code):
            similarity, rel, csid = cluster.best_sector(taxonomy, sid)
            value = NAF_VIA_SECTOR * similarity
            if value > best:
                best = value
                matched = [
                    {
                        "code": code,
                        "label": entry.label,
                        "via": "sector",
                        "sector": sid,
                        "cluster_sector": csid,
                        "relation": rel,
                        "value": round(value, 4),
                    }
                ]
    return Criterion(True, best, matched)


def score_text(
    tokens: Mapping[str, float], cluster: ClusterProfile, idf: Mapping[str, float]
) -> Criterion:
    """Saturating sum of words (and word pairs) shared with the cluster's keywords,
    sector vocabulary and description, each weighted by how rare it is."""
    if not tokens:
        return Criterion(False)
    mass = 0.0
    matched: list[dict[str, Any]] = []
    for token in sorted(tokens):
        cw = cluster.bag.get(token)
        if cw:
            value = tokens[token] * cw * idf.get(token, 0.0)
            mass += value
            matched.append({"word": token, "value": round(value, 4)})
    matched.sort(key=lambda m: (-m["value"], m["word"]))
    return Criterion(True, 1.0 - math.exp(-mass / TEXT_SCALE), matched)


def region_relations(
    regions: Sequence[str], all_regions: Sequence[str], neighbours: Any
) -> dict[str, str]:
    """Every region's relation to a cluster's regions: same, bordering or other.
    Precomputed per cluster, so scoring a site is a dictionary lookup."""
    out = {}
    for region in all_regions:
        if region in regions:
            out[region] = "same"
        elif any(neighbours(region, r) for r in regions):
            out[region] = "bordering"
        else:
            out[region] = "other"
    return out


def geo_value(
    region: str | None,
    lat: float | None,
    lon: float | None,
    cluster: ClusterProfile,
    distance: Any,
) -> tuple[float, float | None, str]:
    """One site against one cluster: (value, km to the HQ, region relation)."""
    rel = cluster.region_relation.get(region, "other") if region else "other"
    km = None
    closeness = 0.0
    if lat is not None and lon is not None:
        km = distance(lat, lon, cluster.lat, cluster.lon)
        closeness = math.exp(-km / GEO_DISTANCE_KM)
    value = GEO_REGION_SHARE * GEO_REGION[rel] + (1 - GEO_REGION_SHARE) * closeness
    return value, km, rel


def site_point(place: Place) -> tuple[float | None, float | None]:
    """Where a site is, for distances: nowhere precise when only its region is
    known (a region's representative point says nothing of the company's)."""
    if place.resolved_from == "region":
        return None, None
    return place.lat, place.lon


def score_geo(
    places: Sequence[Place], cluster: ClusterProfile, distance: Any
) -> tuple[Criterion, float | None, str | None]:
    """Best site: 0.7 x region relation (same 1, bordering 0.5) + 0.3 x closeness
    to the HQ (exp(-km/150)). Returns the criterion, km and relation of that site."""
    if not places:
        return Criterion(False), None, None
    best, best_km, best_rel, best_place = -1.0, None, None, None
    for place in places:
        lat, lon = site_point(place)
        value, km, rel = geo_value(place.region, lat, lon, cluster, distance)

        if value > best:
            best, best_km, best_rel, best_place = value, km, rel, place
    assert best_place is not None
    matched = [
        {
            "city": best_place.city,
            "region": best_place.region,
            "relation": best_rel,
            "distance_km": None if best_km is None else round(best_km, 1),
        }
    ]
    return Criterion(True, best, matched), best_km, best_rel


def score_member(
    size: str | None, looking_for: Sequence[str], cluster: ClusterProfile
) -> Criterion:
    """Mean of the parts both sides can speak to: the company's kind among the
    cluster's member types (when the company gives its `size` and the cluster's
    record its member types), and the share of what the company is looking for
    that the cluster offers (when both are given). With no such part the
    criterion is `shared`: it neither scores nor explains, and its weight goes
    to the other criteria. So a cluster whose services are unknown scores the
    same whatever the company is looking for."""
    parts = []
    matched: list[dict[str, Any]] = []
    if size and cluster.member_types is not None:
        ok = size in cluster.member_types
        parts.append(1.0 if ok else 0.0)
        matched.append({"size": size, "admitted": ok})
    if looking_for and cluster.services is not None:
        offered = [w for w in looking_for if w in cluster.services]
        parts.append(len(offered) / len(looking_for))
        matched.append({"looking_for": list(looking_for), "offered": offered})
    if not parts:
        return Criterion(False, shared=True)
    return Criterion(True, sum(parts) / len(parts), matched)


#: The criteria whose weight takes a share of `member_type`'s when it is shared.
OTHERS = tuple(name for name in CRITERIA if name != "member_type")


def effective_weights(weights: Mapping[str, float], shared: bool) -> dict[str, float]:
    """The weights a cluster is scored with: the given ones, or, when the
    member_type criterion is shared out, the others scaled to sum to 1."""
    if not shared:
        return {name: weights[name] for name in CRITERIA}
    rest = sum(weights[name] for name in OTHERS)
    out = {name: (weights[name] / rest if rest > 0 else 0.0) for name in OTHERS}
    out["member_type"] = 0.0
    return out


def total(criteria: Mapping[str, Criterion], weights: Mapping[str, float]) -> float:
    """The 0-100 score: 100 x sum of weight x criterion (unused criteria add 0).
    When member_type is shared, 100 x (sum over the other criteria) / (their
    weights' sum). The batch path computes the same operations in bulk."""
    if criteria["member_type"].shared:
        rest = sum(weights[name] for name in OTHERS)
        if rest <= 0:
            return 0.0
        part = sum(weights[name] * criteria[name].score for name in OTHERS)
        return 100.0 * (part / rest)
    return 100.0 * sum(weights[name] * criteria[name].score for name in CRITERIA)
