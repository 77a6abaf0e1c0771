"""Criterion vectors: each criterion's score for one value (a set of sector
evidence, NAF codes, places, a size) against every cluster at once.

These are `scoring`'s functions over all clusters in numpy: the same
operations in the same order, elementwise, so the same numbers as the
one-company reference (tested). `BatchMatcher` keeps the rows they give in
bounded tables, one per distinct value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from clusterctl.scoring import TEXT_SCALE, score_member, site_point

from .tables import GeoCells, RegionCells

if TYPE_CHECKING:
    from clusterctl.matching import Matcher
    from clusterctl.profiles import Company


class CriterionVectors:
    """Per-value criterion vectors over the matcher's clusters (in its order)."""

    def __init__(self, matcher: Matcher) -> None:
        self.m = matcher
        self.k = len(matcher.profiles)
        self._hq: Any = None
        self._best_vectors: dict[str, Any] = {}
        self._postings: dict[str, list[tuple[int, float]]] | None = None

    @property
    def postings(self) -> dict[str, list[tuple[int, float]]]:
        """Word -> (cluster, weight): built on first use (rows with free text)."""
        if self._postings is None:
            self._postings = self._build_postings()
        return self._postings

    def _build_postings(self) -> dict[str, list[tuple[int, float]]]:
        self.m.vocabulary()  # builds the clusters' vocabularies
        post: dict[str, list[tuple[int, float]]] = {}
        for k, profile in enumerate(self.m.profiles):
            for token, weight in profile.bag.items():
                post.setdefault(token, []).append((k, weight))
        return post

    def best(self, sector: str) -> Any:
        """Per cluster, the similarity of its closest sector to `sector`."""
        vector = self._best_vectors.get(sector)
        if vector is None:
            import numpy as np

            tax = self.m.taxonomy
            vector = np.array([p.best_sector(tax, sector)[0] for p in self.m.profiles])
            self._best_vectors[sector] = vector
        return vector

    def sector_row(self, evidence: dict[str, tuple[float, str, str]]) -> list[float]:
        """`scoring.score_sector` for every cluster at once: the same operations
        in the same order, elementwise, so the same numbers."""
        import numpy as np

        from clusterctl.scoring import SECTOR_SPREAD, specificity

        miss = np.ones(self.k)
        top = np.zeros(self.k)
        for sid in sorted(evidence):
            value = (
                evidence[sid][0] * self.best(sid) * specificity(self.m.taxonomy, sid)
            )
            miss = miss * (1.0 - value)
            top = np.maximum(top, value)
        row: list[float] = (
            (1.0 - SECTOR_SPREAD) * top + SECTOR_SPREAD * (1.0 - miss)
        ).tolist()
        return row

    def naf_row(self, entries: Sequence[Any]) -> list[float]:
        """`scoring.score_naf` for every cluster at once (its maximum of candidate
        values, taken elementwise)."""
        import numpy as np

        from clusterctl.scoring import (
            NAF_LEVEL_SCORES,
            NAF_PARTIAL_SCORES,
            NAF_VIA_SECTOR,
        )

        best = np.zeros(self.k)
        for entry in entries:
            code = entry.code
            direct = [
                max(
                    (
                        NAF_LEVEL_SCORES.get(len(pre), 0.6)
                        if code.startswith(pre)
                        else NAF_PARTIAL_SCORES.get(len(code), 0.5)
                        for pre in p.naf_prefixes_of(code)
                    ),
                    default=0.0,
                )
                for p in self.m.profiles
            ]
            best = np.maximum(best, np.array(direct))
            for sid, _prefix, _why in self.m.taxonomy.sectors_for_naf(code):
                best = np.maximum(best, NAF_VIA_SECTOR * self.best(sid))
        return best.tolist()

    def geo_row(self, c: Company) -> tuple[list[float], Any]:
        """Best site per cluster, as `scoring.score_geo` computes it, in numpy:
        the same formula (haversine, exp(-km/150), region relation) over every
        cluster at once. Values agree with the reference to ~1e-15; ranks are
        tested to be identical. The extra part holds the output cells (distance,
        relation, eligibility, and the CSV/TSV line endings) for every cluster."""
        import numpy as np

        from clusterctl.scoring import GEO_DISTANCE_KM, GEO_REGION_SHARE

        hq_lat, hq_lon, table = self.hq_arrays()
        if not c.places:
            return [0.0] * self.k, None
        sites = []
        for place in c.places:
            rel = table.get(place.region or "", table[""])
            lat, lon = site_point(place)
            if lat is not None and lon is not None:
                km = haversine(lat, lon, hq_lat, hq_lon)
                closeness = np.exp(-km / GEO_DISTANCE_KM)
            else:
                km = np.full(self.k, np.nan)
                closeness = np.zeros(self.k)
            value = GEO_REGION_SHARE * rel.values + (1 - GEO_REGION_SHARE) * closeness
            sites.append((value, km, rel))
        value, km, rel = sites[0]
        if len(sites) == 1:
            names, eligible, pre, post = rel.names, rel.eligible, rel.pre, rel.post
        else:  # several sites: keep, per cluster, the best one (first on ties)
            pick = np.zeros(self.k, dtype=np.intp)
            for n, (other, other_km, _) in enumerate(sites[1:], 1):
                better = other > value
                value = np.where(better, other, value)
                km = np.where(better, other_km, km)
                pick = np.where(better, n, pick)
            rels = [sites[n][2] for n in pick.tolist()]
            names = [r.names[k] for k, r in enumerate(rels)]
            eligible = [r.eligible[k] for k, r in enumerate(rels)]
            pre = {sep: [r.pre[sep][k] for k, r in enumerate(rels)] for sep in ",\t"}
            post = {sep: [r.post[sep][k] for k, r in enumerate(rels)] for sep in ",\t"}
        return value.tolist(), GeoCells(km.tolist(), names, eligible, pre, post)

    def hq_arrays(self) -> tuple[Any, Any, dict[str, RegionCells]]:
        if self._hq is None:
            import numpy as np

            from clusterctl.scoring import GEO_REGION

            profiles = self.m.profiles
            lat = np.array([p.lat for p in profiles])
            lon = np.array([p.lon for p in profiles])
            regions = profiles[0].region_relation if profiles else {}
            table = {}
            for region in [*regions, ""]:
                names = [p.region_relation.get(region, "other") for p in profiles]
                table[region] = RegionCells(
                    np.array([GEO_REGION[r] for r in names]),
                    names,
                    [label.status for label in self.m.labels],
                )
            self._hq = (lat, lon, table)
        hq: tuple[Any, Any, dict[str, RegionCells]] = self._hq
        return hq

    def text_row(self, c: Company) -> list[float]:
        """Same sums, in the same order, as `scoring.score_text`."""
        mass = [0.0] * self.k
        idf = self.m.vocabulary()
        for token in sorted(c.tokens):
            postings = self.postings.get(token)
            if postings:
                tw = c.tokens[token]
                weight_idf = idf.get(token, 0.0)
                for k, cw in postings:
                    mass[k] += tw * cw * weight_idf
        return [1.0 - math.exp(-x / TEXT_SCALE) for x in mass]

    def member_row(self, c: Company) -> list[float]:
        """The member_type criterion per cluster (NaN where it is shared out)."""
        return [member_value(c, p) for p in self.m.profiles]


def member_value(company: Company, profile: Any) -> float:
    """The member_type criterion for the tables: NaN when it is shared out."""
    criterion = score_member(company.size, company.looking_for, profile)
    return math.nan if criterion.shared else criterion.score


def haversine(lat: float, lon: float, hq_lat: Any, hq_lon: Any) -> Any:
    """`geography.distance_km` from one point to many, in numpy."""
    import numpy as np

    from clusterctl.geography import EARTH_RADIUS_KM

    p1, p2 = np.radians(lat), np.radians(hq_lat)
    dp, dl = p2 - p1, np.radians(hq_lon - lon)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
