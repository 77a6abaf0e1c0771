"""Batch scoring: many companies against every cluster, fast and streaming.

The score of each criterion for a company depends on few values: its NAF
code, its place, its size, its sector words. `BatchMatcher` computes each
criterion's vector over all clusters once per distinct value (`vectors`: the
very functions of `scoring`, so the numbers are the reference's), keeps them
in bounded tables, and scores a chunk of companies at once with numpy.
Only free text (keywords, descriptions) is scored per company, through an
inverted index of the clusters' vocabulary. Rows are checked and resolved by
the rules of profiles (see `rows`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from clusterctl.matching import Match
from clusterctl.scoring import (
    CRITERIA,
    OTHERS,
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
    VectorTable,
)
from .vectors import CriterionVectors

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
        self.vectors = CriterionVectors(matcher)

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
            block.text[len(block.idx)] = self.vectors.text_row(company)
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
        vectors = self.vectors
        sector = self._vector(
            "sector",
            tuple(sorted((k, v[0]) for k, v in c.evidence.items())),
            lambda: (vectors.sector_row(c.evidence), None),
        )
        naf = self._vector(
            "naf", tuple(e.code for e in c.naf), lambda: (vectors.naf_row(c.naf), None)
        )
        geo = self._vector(
            "geo", tuple(_place_key(p) for p in c.places), lambda: vectors.geo_row(c)
        )
        member = self._vector(
            "member_type",
            (c.size, tuple(c.looking_for)),
            lambda: (vectors.member_row(c), None),
        )
        return sector, naf, geo, member

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


def _place_key(place: Any) -> tuple[Any, ...]:
    """What a site's geo score and cells depend on, and nothing else: its region
    and the point distances are measured from (none for a region alone)."""
    return (place.region, *site_point(place))
