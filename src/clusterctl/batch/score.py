"""Batch scoring: many companies against every cluster, fast and streaming.

The score of each criterion for a company depends on few values: its NAF
code, its place, its size, its sector words. `BatchMatcher` computes each
criterion's vector over all clusters once per distinct value, with the very
functions of `scoring` (so the numbers are the reference's, bit for bit), keeps
them in bounded tables, and scores a chunk of companies at once with numpy.
Only free text (keywords, descriptions) is scored per company, through an
inverted index of the clusters' vocabulary. Rows are checked and resolved by
the rules of profiles (see `rows`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from clusterctl.matching import Match
from clusterctl.scoring import (
    CRITERIA,
    OTHERS,
    TEXT_SCALE,
    Criterion,
    score_geo,
    score_member,
    score_naf,
    score_sector,
    score_text,
    site_point,
    total,
)

from .rows import (
    IDENTITY_FIELDS,
    NAF_FIELDS,
    PLACE_FIELDS,
    SIZE_FIELDS,
    TEXT_FIELDS,
    Pair,
    Part,
    Parts,
    RowResolver,
    profile_company,
)
from .tables import (
    EXPLAIN_LIMIT,
    TABLE_LIMIT,
    Block,
    GeoCells,
    RegionCells,
    VectorTable,
)

if TYPE_CHECKING:
    from clusterctl.matching import Matcher
    from clusterctl.profiles import Company
    from clusterctl.registers import Row


class BatchMatcher:
    """Resolve and score companies in bulk; ranks exactly as `Matcher.match`."""

    def __init__(self, matcher: Matcher) -> None:
        self.m = matcher
        self.k = len(matcher.profiles)
        self.tables = {name: VectorTable(self.k) for name in CRITERIA if name != "text"}
        self.rows = RowResolver(matcher.taxonomy, self._indices)
        self._explained: dict[tuple[str, int, int], Criterion | tuple[Any, ...]] = {}
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

    # ------------------------------------------------------------ entries
    def add_row(self, block: Block, row: Row) -> list[Pair]:
        """Add a register row to `block`; its warnings as (code, text), or
        RowRejected. CSV rows with no free text (a SIRENE extract) take the
        fast path: each NAF code, place and size is checked, resolved and
        scored once, then only looked up."""
        cells, layout = row.cells, row.layout
        if (
            cells is None
            or layout is None
            or (layout.text and any(cells[i].strip() for i in layout.text))
        ):
            return self.add_fields(block, row.fields, row.line)
        rows = self.rows
        fields: Callable[[], Mapping[str, str]] = lambda: row.fields  # noqa: E731
        naf = rows.part(rows.naf_parts, layout.naf_key(cells), fields, rows.resolve_naf)
        place = rows.part(
            rows.place_parts, layout.place_key(cells), fields, rows.resolve_place
        )
        size = rows.part(
            rows.size_parts, layout.size_key(cells), fields, rows.resolve_size
        )
        name, siren, siret = layout.identity(cells)
        return self._add_parts(block, row.line, (name, siren, siret), naf, place, size)

    def add_fields(
        self, block: Block, fields: Mapping[str, str], line: int
    ) -> list[Pair]:
        """Add a row given as a mapping of register fields (SIRENE rows folded
        from several columns, rows with free text)."""
        rows = self.rows
        identity = tuple(fields.get(k) or "" for k in IDENTITY_FIELDS)
        name, siren, siret = identity
        parts = []
        for cache, names, resolve in (
            (rows.naf_parts, NAF_FIELDS, rows.resolve_naf),
            (rows.place_parts, PLACE_FIELDS, rows.resolve_place),
            (rows.size_parts, SIZE_FIELDS, rows.resolve_size),
        ):
            key = ("fields", *(fields.get(k) or "" for k in names))
            parts.append(rows.part(cache, key, lambda: fields, resolve))
        naf, place, size = parts
        if not any(fields.get(k) for k in TEXT_FIELDS):
            return self._add_parts(block, line, (name, siren, siret), naf, place, size)
        rows.check_identity(name, siren, siret)
        company = rows.text_company(
            fields, (name, siren, siret), line, (naf, place, size)
        )
        return self.add_company(block, company)

    def _add_parts(
        self,
        block: Block,
        line: int,
        identity: tuple[str, str, str],
        naf: Part,
        place: Part,
        size: Part,
    ) -> list[Pair]:
        name, siren, siret = identity
        self.rows.check_identity(name, siren, siret)
        warnings = self.rows.warnings(name, naf, place, size)
        block.lines.append(line)
        block.names.append(name)
        block.sirens.append(siren)
        block.sirets.append(siret)
        block.idx.append((naf.rows[0], naf.rows[1], place.rows[2], size.rows[3]))
        block.has_sector.append(naf.signal)
        block.sources.append(Parts(naf, place, size))
        return warnings or _NONE

    def add_profile(
        self, block: Block, profile: Mapping[str, object], line: int
    ) -> list[Pair]:
        """Add a profile given as a mapping (an NDJSON or YAML item); its
        warnings, or RowRejected when it fails validation."""
        return self.add_company(block, profile_company(profile, line))

    def add_company(self, block: Block, company: Company) -> list[Pair]:
        """Add a resolved company (a profile row, or a row with free text)."""
        block.lines.append(company.line or 0)
        block.names.append(company.name or "")
        block.sirens.append(company.siren or "")
        block.sirets.append(company.siret or "")
        if company.tokens:
            block.text[len(block.idx)] = self._text_row(company)
        block.idx.append(self._indices(company))
        block.has_sector.append(bool(company.evidence or company.naf))
        block.sources.append(company)
        return [(w.code, w.text) for w in company.warnings]

    def company(self, block: Block, i: int) -> Company:
        """Row `i` of `block` as a full `Company` (for JSON output, explanations)."""
        source = block.sources[i]
        if isinstance(source, Parts):
            identity = (block.names[i], block.sirens[i], block.sirets[i])
            source = block.sources[i] = source.company(identity, block.lines[i])
        return source

    # ------------------------------------------------------------ scoring
    def _vector(self, name: str, key: Any, compute: Any) -> int:
        table = self.tables[name]
        idx = table.get(key)
        if idx is None:
            row, extra = compute()
            idx = table.add(key, row, extra)
        return idx

    def _indices(self, c: Company) -> tuple[int, int, int, int]:
        m = self.m
        profiles = m.profiles
        sector = self._vector(
            "sector",
            tuple(sorted((k, v[0]) for k, v in c.evidence.items())),
            lambda: (self._sector_row(c.evidence), None),
        )
        naf = self._vector(
            "naf", tuple(e.code for e in c.naf), lambda: (self._naf_row(c.naf), None)
        )
        geo = self._vector(
            "geo", tuple(_place_key(p) for p in c.places), lambda: self._geo_row(c)
        )
        member = self._vector(
            "member_type",
            (c.size, tuple(c.looking_for)),
            lambda: ([_member_value(c, p) for p in profiles], None),
        )
        return sector, naf, geo, member

    def _best(self, sector: str) -> Any:
        """Per cluster, the similarity of its closest sector to `sector`."""
        vector = self._best_vectors.get(sector)
        if vector is None:
            import numpy as np

            tax = self.m.taxonomy
            vector = np.array([p.best_sector(tax, sector)[0] for p in self.m.profiles])
            self._best_vectors[sector] = vector
        return vector

    def _sector_row(self, evidence: dict[str, tuple[float, str, str]]) -> list[float]:
        """`scoring.score_sector` for every cluster at once: the same operations
        in the same order, elementwise, so the same numbers."""
        import numpy as np

        from clusterctl.scoring import SECTOR_SPREAD, specificity

        miss = np.ones(self.k)
        top = np.zeros(self.k)
        for sid in sorted(evidence):
            value = (
                evidence[sid][0] * self._best(sid) * specificity(self.m.taxonomy, sid)
            )
            miss = miss * (1.0 - value)
            top = np.maximum(top, value)
        row: list[float] = (
            (1.0 - SECTOR_SPREAD) * top + SECTOR_SPREAD * (1.0 - miss)
        ).tolist()
        return row

    def _naf_row(self, entries: Sequence[Any]) -> list[float]:
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
                best = np.maximum(best, NAF_VIA_SECTOR * self._best(sid))
        return best.tolist()

    def _geo_row(self, c: Company) -> tuple[list[float], Any]:
        """Best site per cluster, as `scoring.score_geo` computes it, in numpy:
        the same formula (haversine, exp(-km/150), region relation) over every
        cluster at once. Values agree with the reference to ~1e-15; ranks are
        tested to be identical. The extra part holds the output cells (distance,
        relation, eligibility, and the CSV/TSV line endings) for every cluster."""
        import numpy as np

        from clusterctl.scoring import GEO_DISTANCE_KM, GEO_REGION_SHARE

        hq_lat, hq_lon, table = self._hq_arrays()
        if not c.places:
            return [0.0] * self.k, None
        sites = []
        for place in c.places:
            rel = table.get(place.region or "", table[""])
            lat, lon = site_point(place)
            if lat is not None and lon is not None:
                km = _haversine(lat, lon, hq_lat, hq_lon)
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

    def _hq_arrays(self) -> tuple[Any, Any, dict[str, RegionCells]]:
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

    def _text_row(self, c: Company) -> list[float]:
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

    def score(self, block: Block, top: int, min_score: float = 0.0) -> Block:
        """Score every row of `block` against every cluster and keep its `top`
        best, ordered by score then cluster id (clusters are indexed in id order,
        and the sort is stable). Those scoring `min_score` or more come first
        (`selection.top_matches`): only with current labels first can one of
        them follow one below it."""
        import numpy as np

        n = len(block)
        w = self.m.weights
        idx = np.array(block.idx, dtype=np.intp).reshape(n, 4)
        full = {
            "sector": self.tables["sector"].matrix()[idx[:, 0]],
            "naf": self.tables["naf"].matrix()[idx[:, 1]],
            "text": np.zeros((n, self.k)),
            "geo": self.tables["geo"].matrix()[idx[:, 2]],
            "member_type": self.tables["member_type"].matrix()[idx[:, 3]],
        }
        for i, row in block.text.items():
            full["text"][i] = row
        total = 0.0 + w["sector"] * full["sector"]
        for name in ("naf", "text", "geo"):
            total = total + w[name] * full[name]
        # `scoring.total`: member_type is NaN where it is shared out
        member = full["member_type"]
        shared = np.isnan(member)
        if shared.any():
            member = full["member_type"] = np.where(shared, 0.0, member)
            rest = sum(w[name] for name in OTHERS)
            spread = total / rest if rest > 0 else np.zeros_like(total)
            total = np.where(shared, spread, total + w["member_type"] * member)
        else:
            total = total + w["member_type"] * member
        total = total * 100.0
        order = np.argsort(-total, axis=1, kind="stable")
        tiers = self._tiers()
        if tiers is not None:  # current labels first (`Matcher.match`)
            by_tier = np.argsort(tiers[order], axis=1, kind="stable")
            order = np.take_along_axis(order, by_tier, axis=1)
            if min_score > 0:
                below = np.take_along_axis(total, order, axis=1) < min_score
                kept_first = np.argsort(below, axis=1, kind="stable")
                order = np.take_along_axis(order, kept_first, axis=1)
        order = order[:, :top]
        rows = np.arange(n)[:, None]
        block.shared = shared[rows, order] if shared.any() else None
        block.order = order
        block.score = total[rows, order]
        block.criteria = {name: m[rows, order] for name, m in full.items()}
        return block

    def _tiers(self) -> Any:
        """The matcher's label tiers as an array, or None when they are all 0."""
        if not any(self.m.tiers):
            return None
        import numpy as np

        return np.array(self.m.tiers, dtype=np.intp)

    def rank(
        self, companies: Sequence[Company], top: int
    ) -> list[list[tuple[int, float]]]:
        """(cluster index, score) of each company's `top` best clusters: the
        library form of batch scoring, and what the tests compare with
        `Matcher.match`."""
        block = Block()
        for company in companies:
            self.add_company(block, company)
        if not len(block):
            return []
        self.score(block, top)
        return [
            list(zip(o, s, strict=True))
            for o, s in zip(block.order.tolist(), block.score.tolist(), strict=True)
        ]

    def bound_memory(self) -> None:
        """Between blocks (no row holds a table row then), start the tables and
        the resolved values that point into them again once any table has grown
        past TABLE_LIMIT; explanations past EXPLAIN_LIMIT are forgotten."""
        if max(len(t) for t in self.tables.values()) > TABLE_LIMIT:
            for table in self.tables.values():
                table.clear()
            self.rows.clear()
            self._explained.clear()
        elif len(self._explained) > EXPLAIN_LIMIT:
            self._explained.clear()

    # ------------------------------------------------------------ explaining
    def explain(self, block: Block, i: int, k: int) -> Any:
        """The full `Match` (breakdown and reasons) of row `i` and cluster `k`,
        from the same functions as the reference; per-value parts are memoised."""
        m = self.m
        c = self.company(block, i)
        p = m.profiles[k]
        _, naf_i, geo_i, member_i = block.idx[i]

        def memo(name: str, row: int, compute: Any) -> Any:
            key = (name, row, k)
            if key not in self._explained:
                self._explained[key] = compute()
            return self._explained[key]

        geo, km, rel = memo("geo", geo_i, lambda: score_geo(c.places, p, m._distance))
        criteria = {
            # not memoised: rows sharing sector weights may name other terms
            "sector": score_sector(m.taxonomy, c.evidence, p),
            "naf": memo("naf", naf_i, lambda: score_naf(m.taxonomy, c.naf, p)),
            "text": score_text(c.tokens, p, m.vocabulary())
            if c.tokens
            else Criterion(False),
            "geo": geo,
            "member_type": memo(
                "member", member_i, lambda: score_member(c.size, c.looking_for, p)
            ),
        }
        return Match(
            m.clusters[k], total(criteria, m.weights), criteria, km, rel, m.labels[k]
        )


_NONE: list[Pair] = []


def _member_value(company: Company, profile: Any) -> float:
    """The member_type criterion for the tables: NaN when it is shared out."""
    criterion = score_member(company.size, company.looking_for, profile)
    return math.nan if criterion.shared else criterion.score


def _haversine(lat: float, lon: float, hq_lat: Any, hq_lon: Any) -> Any:
    """`geography.distance_km` from one point to many, in numpy."""
    import numpy as np

    from clusterctl.geography import EARTH_RADIUS_KM

    p1, p2 = np.radians(lat), np.radians(hq_lat)
    dp, dl = p2 - p1, np.radians(hq_lon - lon)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def _place_key(place: Any) -> tuple[Any, ...]:
    return (place.insee_code, place.postal_code, place.region, place.lat, place.lon)
