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

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .profiles import Company, resolve_naf_codes, sector_ids_for
from .scoring import (
    CRITERIA,
    TEXT_SCALE,
    score_geo,
    score_member,
    score_naf,
    score_sector,
)
from .text import content_words

if TYPE_CHECKING:
    from .matching import Matcher

CHUNK = 2048
TABLE_LIMIT = 50_000
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

    Bounded: past `limit` entries it starts again, so memory stays flat."""

    def __init__(self, width: int, limit: int = TABLE_LIMIT) -> None:
        self.width = width
        self.limit = limit
        self.index: dict[Any, int] = {}
        self.rows: list[list[float]] = []
        self.extra: list[Any] = []
        self._matrix: Any = None

    def get(self, key: Any) -> int | None:
        return self.index.get(key)

    def add(self, key: Any, row: list[float], extra: Any = None) -> int:
        if len(self.rows) >= self.limit:
            self.index.clear()
            self.rows.clear()
            self.extra.clear()
        self.index[key] = len(self.rows)
        self.rows.append(row)
        self.extra.append(extra)
        self._matrix = None
        return len(self.rows) - 1

    def matrix(self) -> Any:
        import numpy as np

        if self._matrix is None or len(self._matrix) != len(self.rows):
            self._matrix = np.array(self.rows, dtype=np.float64).reshape(
                len(self.rows), self.width
            )
        return self._matrix


@dataclass(slots=True)
class Scored:
    """One company's top clusters: (cluster index, score, criterion scores)."""

    company: Company
    line: int
    top: list[tuple[int, float, dict[str, float]]]
    distances: list[float | None]
    relations: list[str | None]


class BatchMatcher:
    """Resolve and score companies in bulk; ranks exactly as `Matcher.match`."""

    def __init__(self, matcher: Matcher) -> None:
        self.m = matcher
        self.k = len(matcher.profiles)
        self.tables = {name: VectorTable(self.k) for name in CRITERIA if name != "text"}
        self._naf_cache: dict[str, tuple[list[Any], list[str]]] = {}
        self._word_cache: dict[str, list[str]] = {}
        self._place_cache: dict[tuple[str, ...], tuple[Any, list[str]]] = {}
        self._terms_cache: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        self.postings = self._postings()

    def _postings(self) -> dict[str, list[tuple[int, float]]]:
        post: dict[str, list[tuple[int, float]]] = {}
        for k, profile in enumerate(self.m.profiles):
            for token, weight in profile.bag.items():
                post.setdefault(token, []).append((k, weight))
        return post

    # ------------------------------------------------------------ resolving
    def company_from_fields(self, fields: dict[str, Any], line: int) -> Company:
        """A company from one register row, every value resolved through caches."""
        company = Company(
            name=fields.get("name"),
            siren=fields.get("siren"),
            siret=fields.get("siret"),
            line=line,
        )
        for word in _split(fields.get("sectors")):
            company.sectors_given.append(word)
            ids = self._sector_words(word)
            company.sectors_resolved[word] = ids
            for sid in ids:
                company.add_evidence(sid, "sectors", word)
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
            from .profiles import _resolve_looking_for

            _resolve_looking_for(company, _split(fields["looking_for"]))
        if not fields.get("name"):
            company.warn("no_name", "no company name (identified by its siren/siret)")
        return company

    def _sector_words(self, word: str) -> list[str]:
        if word not in self._word_cache:
            if len(self._word_cache) > TABLE_LIMIT:
                self._word_cache.clear()
            self._word_cache[word] = sector_ids_for(self.m.taxonomy, word)
        return self._word_cache[word]

    def _add_tokens(self, company: Company, source: str, text: str) -> None:
        from .profiles import TOKEN_WEIGHTS

        weight = TOKEN_WEIGHTS[source]
        words = content_words(text)
        for token in words + [f"{a} {b}" for a, b in itertools.pairwise(words)]:
            if weight > company.tokens.get(token, 0.0):
                company.tokens[token] = weight

    def _add_text(self, company: Company, source: str, text: str) -> None:
        for term, ids in self.m.taxonomy.find_terms(text):
            for sid in ids:
                company.add_evidence(sid, source, term)
        self._add_tokens(company, source, text)

    def _add_naf(self, company: Company, code: str, nomenclature: str | None) -> None:
        if nomenclature:
            company.warn(
                "naf_rev1",
                f"NAF '{code}' is in nomenclature {nomenclature}, "
                "not NAF rev. 2; NAF left out",
            )
            return
        if code not in self._naf_cache:
            probe = Company(name=None)
            resolve_naf_codes(probe, self.m.taxonomy, [code])
            texts = [w.text for w in probe.warnings]
            if probe.naf and probe.naf[0].level != "subclass":
                texts.append(
                    f"NAF '{code}' is not a full sub-class code (NN.NNL); "
                    f"matched at {probe.naf[0].level} level {probe.naf[0].code}"
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
        ev_key = tuple(sorted(c.evidence.items()))
        sector = self._vector(
            "sector",
            ev_key,
            lambda: (
                [score_sector(m.taxonomy, c.evidence, p).score for p in profiles],
                None,
            ),
        )
        naf_key = tuple(e.code for e in c.naf)
        naf = self._vector(
            "naf",
            naf_key,
            lambda: ([score_naf(m.taxonomy, c.naf, p).score for p in profiles], None),
        )
        place_key = tuple(_place_key(p) for p in c.places)
        geo = self._vector("geo", place_key, lambda: self._geo_row(c))
        mem_key = (c.size, tuple(c.looking_for))
        member = self._vector(
            "member_type",
            mem_key,
            lambda: (
                [score_member(c.size, c.looking_for, p).score for p in profiles],
                None,
            ),
        )
        return sector, naf, geo, member

    def _geo_row(self, c: Company) -> tuple[list[float], Any]:
        m = self.m
        scores, kms, rels = [], [], []
        for p in m.profiles:
            crit, km, rel = score_geo(c.places, p, m._neighbours, m._distance)
            scores.append(crit.score)
            kms.append(km)
            rels.append(rel)
        return scores, (kms, rels)

    def _text_row(self, c: Company) -> list[float]:
        """Same sums, in the same order, as `scoring.score_text`."""
        mass = [0.0] * self.k
        idf = self.m.idf
        for token in sorted(c.tokens):
            postings = self.postings.get(token)
            if postings:
                tw = c.tokens[token]
                weight_idf = idf.get(token, 0.0)
                for k, cw in postings:
                    mass[k] += tw * cw * weight_idf
        return [1.0 - math.exp(-x / TEXT_SCALE) for x in mass]

    def score_chunk(
        self, companies: Sequence[Company], top: int, min_score: float = 0.0
    ) -> list[Scored]:
        import numpy as np

        w = self.m.weights
        idx = np.array([self._indices(c) for c in companies], dtype=np.intp).reshape(
            len(companies), 4
        )
        mats = {name: self.tables[name].matrix() for name in self.tables}
        sector = mats["sector"][idx[:, 0]]
        naf = mats["naf"][idx[:, 1]]
        geo = mats["geo"][idx[:, 2]]
        member = mats["member_type"][idx[:, 3]]
        text = np.array(
            [self._text_row(c) if c.tokens else [0.0] * self.k for c in companies],
            dtype=np.float64,
        ).reshape(len(companies), self.k)
        total = 0.0 + w["sector"] * sector
        total = total + w["naf"] * naf
        total = total + w["text"] * text
        total = total + w["geo"] * geo
        total = total + w["member_type"] * member
        total = total * 100.0
        order = np.argsort(-total, axis=1, kind="stable")[:, :top]
        out = []
        geo_extra = self.tables["geo"].extra
        for i, c in enumerate(companies):
            picks = []
            kms: list[float | None] = []
            rels: list[str | None] = []
            extra = geo_extra[idx[i, 2]]
            for k in order[i]:
                k = int(k)
                score = float(total[i, k])
                if score < min_score:
                    break
                picks.append(
                    (
                        k,
                        score,
                        {
                            "sector": float(sector[i, k]),
                            "naf": float(naf[i, k]),
                            "text": float(text[i, k]),
                            "geo": float(geo[i, k]),
                            "member_type": float(member[i, k]),
                        },
                    )
                )
                kms.append(extra[0][k] if extra else None)
                rels.append(extra[1][k] if extra else None)
            out.append(Scored(c, c.line or 0, picks, kms, rels))
        return out

    def run(
        self, companies: Iterable[Company], top: int, min_score: float = 0.0
    ) -> Iterator[Scored]:
        chunk: list[Company] = []
        for company in companies:
            chunk.append(company)
            if len(chunk) >= CHUNK:
                yield from self.score_chunk(chunk, top, min_score)
                chunk = []
        if chunk:
            yield from self.score_chunk(chunk, top, min_score)


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
    elif place.ambiguous and place.note:
        warnings.append(place.note)
    elif warnings and place is not None:
        warnings[-1] += f"; placed by {place.resolved_from.replace('_', ' ')}"
    return place, warnings
