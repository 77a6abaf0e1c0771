"""Matching a company to clusters: ranked results with a breakdown and reasons.

`Matcher` precomputes, once per dataset, everything that does not depend on
the company (each cluster's sectors, NAF prefixes, text vocabulary, word
rarity, label on today's date), then scores each cluster with the criteria of
`scoring`. By default clusters whose label is current come first and those
whose label is doubtful (lapsed, unconfirmed) after them; within each group
results are sorted by score, ties broken by cluster id, so output is
deterministic. Merged clusters are never ranked.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import geography
from .dataset import today
from .errors import UsageError
from .i18n import _, format_date, join_clauses
from .labels import cluster_label, phase_notice, programme_of
from .reasons import NAF_ELIGIBLE, SECTOR_ELIGIBLE, eligibility, reasons
from .scoring import (
    CRITERIA,
    DEFAULT_WEIGHTS,
    ClusterProfile,
    Criterion,
    effective_weights,
    region_relations,
    score_geo,
    score_member,
    score_naf,
    score_sector,
    score_text,
    total,
)
from .taxonomy import load_taxonomy
from .text import content_words

if TYPE_CHECKING:
    import datetime as dt

    from .dataset import ClusterRecord, Dataset
    from .geography import Place
    from .labels import Label
    from .profiles import Company
    from .taxonomy import Taxonomy

__all__ = [
    "NAF_ELIGIBLE",
    "SECTOR_ELIGIBLE",
    "Match",
    "Matcher",
    "eligibility",
    "match_record",
    "match_result",
    "normalise_weights",
    "parse_weights",
    "reasons",
]

SCHEMA_VERSION = 1
BAG_WEIGHTS = {"keywords": 1.0, "description": 0.6, "sectors": 0.5}


def _unknown_criterion(name: str, where: str) -> str:
    from .problems import did_you_mean

    text = _("unknown criterion '{name}' in {where}{hint}; the criteria are {criteria}")
    return text.format(
        name=name,
        where=where,
        hint=did_you_mean(name, CRITERIA),
        criteria=", ".join(CRITERIA),
    )


def normalise_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Criterion weights -> weights summing to 1. Criteria not given weigh 0;
    an unknown criterion, a weight that is not a finite number >= 0, or no
    weight above 0 is a `UsageError`. Overflow-safe: weights are divided by
    the largest before they are summed, so 1e308 and 1e308 give 0.5 and 0.5."""
    out = dict.fromkeys(CRITERIA, 0.0)
    for key, value in weights.items():
        name = str(key).strip().replace("-", "_")
        if name not in out:
            raise UsageError(_unknown_criterion(str(key), "weights"))
        if isinstance(value, bool) or not isinstance(value, int | float):
            message = _("weight for '{name}' is not a number: {value!r}")
            raise UsageError(message.format(name=name, value=value))
        number = float(value)
        if not math.isfinite(number) or number < 0:
            message = _("weight for '{name}' must be a finite number >= 0")
            raise UsageError(message.format(name=name))
        out[name] = number
    largest = max(out.values())
    if largest <= 0:
        raise UsageError(_("weights: at least one weight must be above 0"))
    scaled = {k: v / largest for k, v in out.items()}
    norm = sum(scaled.values())
    return {k: v / norm for k, v in scaled.items()}


def parse_weights(spec: str | None) -> dict[str, float]:
    """`sector=0.5,geo=0.3` (or a file of such lines) -> weights summing to 1.

    Criteria not named keep their default weight before normalisation (the
    `--weights` syntax); `normalise_weights` takes a mapping, where criteria
    not given weigh 0."""
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
        name, _sep, value = item.partition("=")
        name = name.strip().replace("-", "_")
        if name not in weights:
            raise UsageError(_unknown_criterion(name, "--weights"))
        try:
            weights[name] = float(value)
        except ValueError:
            message = _("weight for '{name}' is not a number: '{value}'")
            raise UsageError(message.format(name=name, value=value)) from None
        if not math.isfinite(weights[name]) or weights[name] < 0:
            message = _("weight for '{name}' must be a number >= 0")
            raise UsageError(message.format(name=name))
    return normalise_weights(weights)


@dataclass
class Match:
    cluster: ClusterRecord
    score: float
    criteria: dict[str, Criterion]
    distance_km: float | None
    region_relation: str | None
    label: Label | None = None


class Matcher:
    """Scores companies against the clusters of a dataset.

    `weights`: a mapping of criterion -> weight (criteria not given weigh 0;
    normalised to sum to 1), default `scoring.DEFAULT_WEIGHTS`.
    `statuses`: the label states to rank (see `labels.LABEL_STATUSES`); None,
    the default, ranks every cluster that is not merged, on score alone (a
    doubtful label is flagged, not demoted: see README, "Label status").
    `current_first`: rank current labels before doubtful ones. `on`: the date
    labels are judged on (default `dataset.today()`, which reads
    `CLUSTERCTL_TODAY`)."""

    def __init__(
        self,
        dataset: Dataset,
        weights: Mapping[str, float] | None = None,
        *,
        statuses: frozenset[str] | set[str] | None = None,
        current_first: bool = False,
        on: dt.date | None = None,
    ) -> None:
        self.dataset = dataset
        self.weights = normalise_weights(
            DEFAULT_WEIGHTS if weights is None else weights
        )
        self.taxonomy: Taxonomy = load_taxonomy()
        self._neighbours = geography.are_neighbours
        self._distance = geography.distance_km
        self._regions = geography.region_names()
        self.on = on or today()
        self.programme = programme_of(dataset.info)
        self.statuses = None if statuses is None else frozenset(statuses)
        labelled = [
            (c, cluster_label(c, self.on, self.programme)) for c in dataset.clusters
        ]
        chosen = [
            (c, label)
            for c, label in labelled
            if label.status != "merged"
            and (self.statuses is None or label.status in self.statuses)
        ]
        # Sorted by id: an index order that is also the tie-break order.
        chosen.sort(key=lambda pair: pair[0].id)
        self.clusters = [c for c, _ in chosen]
        self.labels: list[Label] = [label for _, label in chosen]
        #: 0 for a current label, 1 for a doubtful one, ranked in that order
        #: with `current_first`; all 0 otherwise (ranked on score alone).
        self.current_first = current_first
        self.tiers = [
            1 if current_first and label.doubtful else 0 for label in self.labels
        ]
        self.profiles = [self._profile(c) for c in self.clusters]
        self._idf: dict[str, float] | None = None

    def vocabulary(self) -> dict[str, float]:
        """Word rarity across clusters (token -> idf), after building the
        clusters' vocabularies (each profile's `bag`) on the first call: a
        register of NAF codes and places never needs them."""
        if self._idf is None:
            for cluster, profile in zip(self.clusters, self.profiles, strict=True):
                profile.bag.update(self._bag(cluster))
            self._idf = self._compute_idf()
        return self._idf

    def _bag(self, cluster: ClusterRecord) -> dict[str, float]:
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

    def _profile(self, cluster: ClusterRecord) -> ClusterProfile:
        member_types, services = self.dataset.known_lists(cluster)
        return ClusterProfile(
            id=cluster.id,
            sectors=tuple(cluster.sectors),
            naf=tuple(cluster.naf),
            regions=tuple(cluster.regions),
            lat=cluster.hq.lat,
            lon=cluster.hq.lon,
            city=cluster.hq.city,
            member_types=member_types,
            services=services,
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
        idf = self.vocabulary()
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
            self.clusters[index],
            total(criteria, self.weights),
            criteria,
            km,
            rel,
            self.labels[index],
        )

    def match(self, company: Company) -> list[Match]:
        """Every ranked cluster, best first: current labels before doubtful ones
        (by default), then by score; ties broken by id."""
        tiers = self.tiers
        results = [
            (tiers[i], self.score(company, i)) for i in range(len(self.profiles))
        ]
        results.sort(key=lambda pair: (pair[0], -pair[1].score, pair[1].cluster.id))
        return [m for _, m in results]

    def doubtful(self, matches: Sequence[Match]) -> list[Match]:
        """The matches among `matches` whose label is not current on the date."""
        return [m for m in matches if m.label is not None and m.label.doubtful]


# ------------------------------------------------------------------ output
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


def _place_record(place: Place | None) -> dict[str, Any] | None:
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
    """One match as documented: the breakdown's weights are those the cluster
    was scored with (member_type's shared out when it is unknown), so the
    contributions add up to the score."""
    used = effective_weights(weights, match.criteria["member_type"].shared)
    label = match.label
    record: dict[str, Any] = {
        "rank": rank,
        "id": match.cluster.id,
        "name": match.cluster.name,
        "status": match.cluster.status,
        "label_status": label.status if label else None,
        "label_note": label.note if label else None,
        "score": round(match.score, 2),
        "eligibility": eligibility(match, taxonomy),
        "distance_km": None
        if match.distance_km is None
        else round(match.distance_km, 1),
        "region_relation": match.region_relation,
        "breakdown": {
            name: {
                "used": c.used,
                "score": round(c.score, 4),
                "weight": round(used[name], 4),
                "contribution": round(100 * used[name] * c.score, 2),
                "matched": c.matched if explain else c.matched[:3],
                "shared": c.shared,
            }
            for name, c in match.criteria.items()
        },
        "reasons": reasons(match, taxonomy),
    }
    return record


def label_warnings(matcher: Matcher, matches: Sequence[Match]) -> list[dict[str, str]]:
    """Warnings about the labels of the given matches, and about the phase."""
    out = []
    notice = phase_notice(matcher.dataset, matcher.on)
    if notice:
        out.append({"code": "label_phase_ended", "text": notice})
    doubtful = matcher.doubtful(matches)
    if doubtful:
        listed = join_clauses(
            f"{m.cluster.name} ({m.label.note})" for m in doubtful if m.label
        )
        text = _("label not current on {date}: {clusters}").format(
            date=format_date(matcher.on), clusters=listed
        )
        out.append({"code": "label_doubtful", "text": text})
    return out


def match_result(
    matcher: Matcher,
    company: Company,
    selected: Sequence[tuple[int, Match]],
    *,
    explain: bool = True,
) -> dict[str, Any]:
    """The documented result object of `clusterctl match --format json`."""
    dataset = matcher.dataset
    warnings = [{"code": w.code, "text": w.text} for w in company.warnings]
    warnings += label_warnings(matcher, [m for _, m in selected])
    return {
        "schema_version": SCHEMA_VERSION,
        "dataset": {"version": dataset.info.version, "date": dataset.info.date},
        "date": matcher.on.isoformat(),
        "weights": {k: round(v, 4) for k, v in matcher.weights.items()},
        "company": company_record(company),
        "matches": [
            match_record(
                m, rank, company, matcher.weights, matcher.taxonomy, explain=explain
            )
            for rank, m in selected
        ],
        "warnings": warnings,
    }
