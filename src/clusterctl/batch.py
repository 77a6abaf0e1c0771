"""Batch matching: many companies against every cluster, fast and streaming.

The score of each criterion for a company depends on few values: its NAF
code, its place, its size, its sector words. `BatchMatcher` computes each
criterion's vector over all clusters once per distinct value, with the very
functions of `scoring` (so the numbers are the reference's, bit for bit), keeps
them in bounded tables, and scores a chunk of companies at once with numpy.
Only free text (keywords, descriptions) is scored per company, through an
inverted index of the clusters' vocabulary.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .matching import Match
from .profiles import Company, resolve_naf_codes, sector_ids_for
from .scoring import (
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

if TYPE_CHECKING:
    from .matching import Matcher
    from .registers import Row

CHUNK = 4096
TABLE_LIMIT = 50_000
EXPLAIN_LIMIT = 100_000
CATEGORY_SIZES = {"PME": "sme", "ETI": "midcap", "GE": "large"}
#: SIRENE employee bands (tranche d'effectifs) -> our sizes.
BAND_SIZES = {
    **dict.fromkeys(("00", "01", "02", "03", "11", "12", "21", "22", "31"), "sme"),
    **dict.fromkeys(("32", "41", "42", "51"), "midcap"),
    **dict.fromkeys(("52", "53"), "large"),
}
SIZES = ("startup", "sme", "midcap", "large", "research", "academic", "public")


class VectorTable:
    """Distinct value -> row of a matrix of criterion scores over all clusters.

    Rows are written into a numpy array that doubles when full. The batch
    matcher empties every table at once between chunks when they grow past
    `TABLE_LIMIT`, so memory stays flat whatever the input size."""

    def __init__(self, width: int) -> None:
        import numpy as np

        self.width = width
        self.index: dict[Any, int] = {}
        self.extra: list[Any] = []
        self.data = np.zeros((256, width), dtype=np.float64)

    def __len__(self) -> int:
        return len(self.extra)

    def get(self, key: Any) -> int | None:
        return self.index.get(key)

    def add(self, key: Any, row: list[float], extra: Any = None) -> int:
        import numpy as np

        n = len(self.extra)
        if n == len(self.data):
            grown = np.zeros((2 * n, self.width), dtype=np.float64)
            grown[:n] = self.data
            self.data = grown
        self.data[n] = row
        self.index[key] = n
        self.extra.append(extra)
        return n

    def matrix(self) -> Any:
        return self.data[: len(self.extra)]

    def clear(self) -> None:
        self.index.clear()
        self.extra.clear()


class GeoCells:
    """The output cells of one site (or set of sites) for every cluster:
    distance, region relation, location eligibility, and CSV/TSV line endings.
    Text is formatted when printed: a block prints only a few clusters per site,
    and nothing kept per printed cell can grow with the register."""

    __slots__ = ("eligible", "km_values", "names", "post", "pre")

    def __init__(
        self,
        km_values: list[float],
        names: list[str],
        eligible: list[str],
        pre: dict[str, list[str]],
        post: dict[str, list[str]],
    ) -> None:
        self.km_values, self.names, self.eligible = km_values, names, eligible
        self.pre, self.post = pre, post

    def km(self, k: int) -> str:
        """Distance to cluster k's HQ as printed ("" when unknown)."""
        value = self.km_values[k]
        return "" if value != value else "%.1f" % value  # noqa: UP031

    def tail(self, sep: str, k: int) -> str:
        """The last three cells of a CSV (sep ",") or TSV line, and its newline.
        Built each time rather than kept: memory must not grow with the rows."""
        return self.pre[sep][k] + self.km(k) + self.post[sep][k]


class _RegionCells:
    """For a site's region, per cluster: the region score and the output cells
    that depend on the region only (relation, location eligibility)."""

    def __init__(self, values: Any, names: list[str]) -> None:
        self.values = values
        self.names = names
        from .reasons import location_eligible

        self.eligible = ["true" if location_eligible(r) else "false" for r in names]
        self.pre = {sep: [f"{sep}{e}{sep}" for e in self.eligible] for sep in ",\t"}
        self.post = {sep: [f"{sep}{r}\n" for r in names] for sep in ",\t"}


class Block:
    """A chunk of rows held column by column, so the hot path creates no object
    per row. After `BatchMatcher.score`, `order`, `score` and `criteria` hold
    each row's best clusters, best first."""

    def __init__(self) -> None:
        self.lines: list[int] = []
        self.names: list[str] = []
        self.sirens: list[str] = []
        self.sirets: list[str] = []
        self.idx: list[tuple[int, int, int, int]] = []  # sector, naf, geo, member rows
        self.text: dict[int, list[float]] = {}  # row -> text criterion per cluster
        self.has_sector: list[bool] = []  # a sector word or NAF code was given
        self.sources: list[Any] = []  # Company, or Row to build one on demand
        self.order: Any = None
        self.score: Any = None
        self.criteria: dict[str, Any] = {}
        #: where member_type's weight was shared out (None: nowhere)
        self.shared: Any = None
        self.prepared: dict[str, Any] | None = None  # output values, in bulk

    def __len__(self) -> int:
        return len(self.lines)


class BatchMatcher:
    """Resolve and score companies in bulk; ranks exactly as `Matcher.match`."""

    def __init__(self, matcher: Matcher) -> None:
        self.m = matcher
        self.k = len(matcher.profiles)
        self.tables = {name: VectorTable(self.k) for name in CRITERIA if name != "text"}
        self._naf_cache: dict[str, tuple[list[Any], list[str]]] = {}
        self._word_cache: dict[str, list[str]] = {}
        self._place_cache: dict[tuple[str, ...], tuple[Any, list[str]]] = {}
        # value -> (table rows, warnings, has sector): emptied with the tables
        self._naf_parts: dict[Any, Any] = {}
        self._geo_parts: dict[Any, Any] = {}
        self._size_parts: dict[Any, Any] = {}
        self._explained: dict[tuple[str, int, int], Any] = {}
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
    def add_row(self, block: Block, row: Row) -> list[str]:
        """Add a register row to `block`; returns its warnings. CSV rows with no
        free text (a SIRENE extract) take the fast path: each NAF code, place
        and size is resolved and scored once, then only looked up."""
        cells, layout = row.cells, row.layout
        if (
            cells is None
            or layout is None
            or (layout.text and any(cells[i].strip() for i in layout.text))
        ):
            return self.add_fields(block, row.fields, row.line)
        naf_key = layout.naf_key(cells)
        naf = self._naf_parts.get(naf_key)
        if naf is None:
            naf = self._naf_parts[naf_key] = self._part(row.fields, naf=True)
        place_key = layout.place_key(cells)
        place = self._geo_parts.get(place_key)
        if place is None:
            place = self._geo_parts[place_key] = self._part(row.fields, place=True)
        size_key = layout.size_key(cells)
        size = self._size_parts.get(size_key)
        if size is None:
            size = self._size_parts[size_key] = self._part(row.fields, size=True)
        name, siren, siret = layout.identity(cells)
        cleaned = _NONE
        if not (name.isprintable() and siren.isprintable() and siret.isprintable()):
            (name, siren, siret), cleaned = _clean_identity((name, siren, siret))
        block.lines.append(row.line)
        block.names.append(name)
        block.sirens.append(siren)
        block.sirets.append(siret)
        block.idx.append((naf[0][0], naf[0][1], place[0][2], size[0][3]))
        block.has_sector.append(naf[2])
        block.sources.append((row, naf[3], place[3], size[3]))
        if naf[1] or place[1] or size[1] or not name or cleaned:
            return naf[1] + place[1] + size[1] + _no_name(name) + cleaned
        return _NONE

    def add_fields(self, block: Block, fields: dict[str, Any], line: int) -> list[str]:
        """Add a row given as a mapping of fields (the general path)."""
        company = self.company_from_fields(fields, line)
        identity = tuple(fields.get(k) or "" for k in ("name", "siren", "siret"))
        identity, cleaned = _clean_identity(identity)
        company.name, company.siren, company.siret = (v or None for v in identity)
        return self.add_company(block, company) + cleaned

    def add_company(self, block: Block, company: Company) -> list[str]:
        """Add a resolved company (a profile row, or a row on the general path)."""
        block.lines.append(company.line or 0)
        block.names.append(company.name or "")
        block.sirens.append(company.siren or "")
        block.sirets.append(company.siret or "")
        if company.tokens:
            block.text[len(block.idx)] = self._text_row(company)
        block.idx.append(self._indices(company))
        block.has_sector.append(bool(company.evidence or company.naf))
        block.sources.append(company)
        return [w.text for w in company.warnings] + _no_name(company.name or "")

    def company(self, block: Block, i: int) -> Company:
        """Row `i` of `block` as a full `Company` (for JSON output, explanations)."""
        source = block.sources[i]
        if not isinstance(source, Company):
            # a fast-path row: put together the values its parts resolved
            _row, naf, place, size = source
            source = Company(
                name=block.names[i] or None,
                siren=block.sirens[i] or None,
                siret=block.sirets[i] or None,
                evidence=naf.evidence,
                naf=naf.naf,
                naf_given=naf.naf_given,
                places=place.places,
                size=size.size,
                size_from=size.size_from,
                line=block.lines[i],
                warnings=naf.warnings + place.warnings + size.warnings,
            )
            block.sources[i] = source
        return source

    def _part(
        self,
        fields: dict[str, Any],
        *,
        naf: bool = False,
        place: bool = False,
        size: bool = False,
    ) -> tuple[tuple[int, int, int, int], list[str], bool, Company]:
        """Table rows, warnings, sector flag and the resolved values (as a partial
        company) for one value of one field group."""
        company = Company(name=None)
        if naf and fields.get("naf"):
            self._add_naf(company, fields["naf"], fields.get("naf_nomenclature"))
        if place:
            self._add_place(company, fields)
        if size:
            self._add_size(company, fields)
        return (
            self._indices(company),
            [w.text for w in company.warnings],
            bool(company.evidence or company.naf),
            company,
        )

    def company_from_fields(self, fields: dict[str, Any], line: int) -> Company:
        """A company from one register row's values (identity left out)."""
        company = Company(name=None, line=line)
        for word in _split(fields.get("sectors")):
            company.sectors_given.append(word)
            ids = self._sector_words(word)
            company.sectors_resolved[word] = ids
            for sid in ids:
                company.add_evidence(sid, "sectors", word)
            if not ids:
                hint = self.m.taxonomy.did_you_mean(word)
                company.warn(
                    "unknown_sector",
                    f"sector '{word}' is not in the taxonomy{hint}; "
                    "it is used as a keyword only",
                )
            self._add_tokens(company, "sectors", word)
        for keyword in _split(fields.get("keywords")):
            company.keywords.append(keyword)
            self._add_text(company, "keywords", keyword)
        if fields.get("description"):
            company.description = fields["description"]
            self._add_text(company, "description", fields["description"])
        if fields.get("naf"):
            self._add_naf(company, fields["naf"], fields.get("naf_nomenclature"))
        self._add_place(company, fields)
        self._add_size(company, fields)
        if fields.get("looking_for"):
            from .profiles import resolve_looking_for

            resolve_looking_for(company, _split(fields["looking_for"]))
        return company

    def _sector_words(self, word: str) -> list[str]:
        if word not in self._word_cache:
            if len(self._word_cache) > TABLE_LIMIT:
                self._word_cache.clear()
            self._word_cache[word] = sector_ids_for(self.m.taxonomy, word)
        return self._word_cache[word]

    def _add_tokens(self, company: Company, source: str, text: str) -> None:
        from .profiles import add_tokens

        add_tokens(company, source, text)

    def _add_text(self, company: Company, source: str, text: str) -> None:
        for term, ids in self.m.taxonomy.find_terms(text):
            for sid in ids:
                company.add_evidence(sid, source, term)
        self._add_tokens(company, source, text)

    def _add_naf(self, company: Company, value: str, nomenclature: str | None) -> None:
        if nomenclature:
            company.warn(
                "naf_rev1",
                f"NAF '{value}' is in nomenclature {nomenclature}, "
                "not NAF rev. 2; NAF left out",
            )
            return
        for code in _split(value):  # a register may list several codes
            self._add_naf_code(company, code)

    def _add_naf_code(self, company: Company, code: str) -> None:
        if code not in self._naf_cache:
            probe = Company(name=None)
            resolve_naf_codes(probe, self.m.taxonomy, [code])
            texts = [w.text for w in probe.warnings]
            entry = probe.naf[0] if probe.naf else None
            if entry is not None and entry.level != "subclass":
                texts.append(
                    f"NAF '{code}' is not a full sub-class code (NN.NNL); "
                    f"matched at {entry.level} level {entry.code}"
                )
            self._naf_cache[code] = (probe.naf, texts)
        entries, warnings = self._naf_cache[code]
        company.naf_given.append(code)
        company.naf.extend(entries)
        for entry in entries:
            for sid, _p, _w in self.m.taxonomy.sectors_for_naf(entry.code):
                company.add_evidence(sid, "naf", entry.code)
        for text in warnings:
            company.warn("unknown_naf", text)

    def _add_place(self, company: Company, fields: dict[str, Any]) -> None:
        keys = ("location", "city", "postal_code", "insee_code", "department", "region")
        key = tuple(fields.get(k) or "" for k in keys)
        if not any(key):
            return
        if key not in self._place_cache:
            if len(self._place_cache) > TABLE_LIMIT:
                self._place_cache.clear()
            self._place_cache[key] = _resolve_place(*key)
        place, warnings = self._place_cache[key]
        for text in warnings:
            company.warn("unknown_place", text)
        if place is not None:
            company.places.append(place)

    def _add_size(self, company: Company, fields: dict[str, Any]) -> None:
        size = (fields.get("size") or "").strip().lower()
        if size:
            if size in SIZES:
                company.size, company.size_from = size, "size"
                return
            company.warn(
                "unknown_size",
                f"size '{fields['size']}' is not one of " + ", ".join(SIZES),
            )
        category = (fields.get("category") or "").upper()
        band = fields.get("employee_band") or ""
        employees = fields.get("employees")
        if category in CATEGORY_SIZES:
            company.size, company.size_from = CATEGORY_SIZES[category], "category"
        elif band in BAND_SIZES:
            company.size, company.size_from = BAND_SIZES[band], "employee_band"
        elif employees:
            try:
                n = int(employees)
            except ValueError:
                company.warn("unknown_size", f"employees '{employees}' is not a number")
                return
            company.size = "sme" if n < 250 else "midcap" if n < 5000 else "large"
            company.size_from = "employees"

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

        from .scoring import SECTOR_SPREAD, specificity

        miss = np.ones(self.k)
        top = np.zeros(self.k)
        for sid in sorted(evidence):
            value = (
                evidence[sid][0] * self._best(sid) * specificity(self.m.taxonomy, sid)
            )
            miss = miss * (1.0 - value)
            top = np.maximum(top, value)
        return ((1.0 - SECTOR_SPREAD) * top + SECTOR_SPREAD * (1.0 - miss)).tolist()

    def _naf_row(self, entries: Sequence[Any]) -> list[float]:
        """`scoring.score_naf` for every cluster at once (its maximum of candidate
        values, taken elementwise)."""
        import numpy as np

        from .scoring import NAF_LEVEL_SCORES, NAF_PARTIAL_SCORES, NAF_VIA_SECTOR

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

        from .scoring import GEO_DISTANCE_KM, GEO_REGION_SHARE

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

    def _hq_arrays(self) -> tuple[Any, Any, dict[str, _RegionCells]]:
        if self._hq is None:
            import numpy as np

            from .scoring import GEO_REGION

            profiles = self.m.profiles
            lat = np.array([p.lat for p in profiles])
            lon = np.array([p.lon for p in profiles])
            regions = profiles[0].region_relation if profiles else {}
            table = {}
            for region in [*regions, ""]:
                names = [p.region_relation.get(region, "other") for p in profiles]
                table[region] = _RegionCells(
                    np.array([GEO_REGION[r] for r in names]), names
                )
            self._hq = (lat, lon, table)
        return self._hq

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

    def score(self, block: Block, top: int) -> Block:
        """Score every row of `block` against every cluster and keep its `top`
        best, ordered by score then cluster id (clusters are indexed in id order,
        and the sort is stable)."""
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
        caches again once any has grown past its limit."""
        sizes = [len(t) for t in self.tables.values()]
        parts = (self._naf_parts, self._geo_parts, self._size_parts)
        sizes += [len(p) for p in parts]
        if max(sizes) > TABLE_LIMIT:
            for table in self.tables.values():
                table.clear()
            for part in parts:
                part.clear()
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


_NONE: list[str] = []


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _clean_identity(values: tuple[str, ...]) -> tuple[tuple[str, ...], list[str]]:
    """Names and identifiers without control characters (NUL, ESC...), which
    would otherwise reach terminals and files downstream."""
    cleaned = tuple(_CONTROL.sub("", v) for v in values)
    if cleaned == values:
        return values, _NONE
    return cleaned, ["control characters removed from the name or identifiers"]


def _member_value(company: Company, profile: Any) -> float:
    """The member_type criterion for the tables: NaN when it is shared out."""
    criterion = score_member(company.size, company.looking_for, profile)
    return math.nan if criterion.shared else criterion.score


def _no_name(name: str) -> list[str]:
    return [] if name else ["no company name (identified by its siren/siret)"]


def _haversine(lat: float, lon: float, hq_lat: Any, hq_lon: Any) -> Any:
    """`geography.distance_km` from one point to many, in numpy."""
    import numpy as np

    from .geography import EARTH_RADIUS_KM

    p1, p2 = np.radians(lat), np.radians(hq_lat)
    dp, dl = p2 - p1, np.radians(hq_lon - lon)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def _split(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(";") if part.strip()]


def _place_key(place: Any) -> tuple[Any, ...]:
    return (place.insee_code, place.postal_code, place.region, place.lat, place.lon)


def _resolve_place(
    location: str,
    city: str,
    postal_code: str,
    insee_code: str,
    department: str,
    region: str,
) -> tuple[Any, list[str]]:
    from . import geography

    warnings = []
    if postal_code and geography.normalize_postal_code(postal_code) is None:
        warnings.append(f"invalid postal code '{postal_code}'")
        postal_code = ""
    if location and not (city or postal_code or insee_code or department or region):
        place = geography.resolve_place(location)
    else:
        place = geography.resolve_place(
            city=city or location or None,
            postal_code=postal_code or None,
            insee_code=insee_code or None,
            department=department or None,
            region=region or None,
        )
    if place is None:
        shown = ", ".join(
            v
            for v in (location, city, postal_code, insee_code, department, region)
            if v
        )
        warnings.append(f"cannot place '{shown}'; location left out")
    elif place.warnings:
        warnings.extend(w.text for w in place.warnings)
    elif warnings and place is not None:
        warnings[-1] += f"; placed by {place.resolved_from.replace('_', ' ')}"
    return place, warnings
