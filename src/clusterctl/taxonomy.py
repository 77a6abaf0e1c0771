"""The sector taxonomy: a bilingual hierarchy of sectors with their NAF codes.

Loaded from `data/sectors.yaml`. It answers three questions: which sector does
a word mean (`resolve`, any language, case or accents), which sectors sit under
another (`descendants`: `health` includes `biotech`), and which sectors does a
NAF code belong to (`sectors_for_naf`, longest prefix wins). `find_terms` scans
free text for taxonomy terms through a prebuilt dictionary, which is what makes
matching descriptions fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .errors import DataFileError
from .resources import data_file
from .text import stem_phrase


@dataclass(frozen=True, slots=True)
class Sector:
    id: str
    parent: str | None
    label_en: str
    label_fr: str
    ecosystem: str | None
    synonyms_en: tuple[str, ...]
    synonyms_fr: tuple[str, ...]
    naf: tuple[tuple[str, str], ...]  # (code prefix, why)


@dataclass(slots=True)
class Taxonomy:
    sectors: dict[str, Sector]
    ecosystems: dict[str, str]
    children: dict[str, tuple[str, ...]] = field(default_factory=dict)
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    max_term_words: int = 1
    naf_prefixes: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    _relations: dict[tuple[str, str], str | None] = field(default_factory=dict)
    compact_terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    longest_from: dict[str, int] = field(default_factory=dict)
    _naf_memo: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        kids: dict[str, list[str]] = {}
        naf: dict[str, list[tuple[str, str]]] = {}
        for sector in self.sectors.values():
            if sector.parent:
                kids.setdefault(sector.parent, []).append(sector.id)
            for code, note in sector.naf:
                naf.setdefault(code, []).append((sector.id, note))
        self.children = {k: tuple(v) for k, v in kids.items()}
        if not self.terms:
            self.terms = build_terms(self.sectors.values())
        self.max_term_words = max((k.count(" ") + 1 for k in self.terms), default=1)
        self.compact_terms = {k: v for k, v in self.terms.items() if " " not in k}
        # first word -> words in the longest term starting with it (at least 2,
        # for the "micro technologies" -> "microtechnologies" case)
        longest: dict[str, int] = {}
        for key in self.terms:
            words = key.split(" ")
            longest[words[0]] = max(longest.get(words[0], 2), len(words))
        self.longest_from = longest
        self.naf_prefixes = {k: tuple(v) for k, v in naf.items()}

    def resolve(self, text: str) -> str | None:
        """The sector id a word or phrase names exactly, or None. Spacing does
        not matter: "micro-technologies" finds "microtechnologies"."""
        key = stem_phrase(text)
        ids = self.terms.get(key) or self.compact_terms.get(key.replace(" ", ""), ())
        if not ids:
            return None
        # A term shared by a parent and a child names the more general one.
        return min(ids, key=lambda s: (len(self.ancestors(s)), s))

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Sector ids whose names are closest to `text`, for an error message."""
        import difflib

        key = stem_phrase(text)
        close = difflib.get_close_matches(
            key, list(self.terms), n=limit * 3, cutoff=0.6
        )
        out: list[str] = []
        for term in close:
            for sid in self.terms[term]:
                if sid not in out:
                    out.append(sid)
        return out[:limit]

    def descendants(self, sector_id: str) -> set[str]:
        """The sector and every sector under it."""
        out, stack = set(), [sector_id]
        while stack:
            current = stack.pop()
            if current not in out:
                out.add(current)
                stack.extend(self.children.get(current, ()))
        return out

    def ancestors(self, sector_id: str) -> list[str]:
        """Parents from the nearest up, excluding the sector itself."""
        chain: list[str] = []
        current = self.sectors.get(sector_id)
        while current and current.parent and current.parent not in chain:
            chain.append(current.parent)
            current = self.sectors.get(current.parent)
        return chain

    def relation(self, company_sector: str, cluster_sector: str) -> str | None:
        """same, child (company's sector under the cluster's), parent, sibling,
        cousin (same top sector) or None; memoised, as matching asks often."""
        key = (company_sector, cluster_sector)
        if key not in self._relations:
            self._relations[key] = self._relation(company_sector, cluster_sector)
        return self._relations[key]

    def _relation(self, company_sector: str, cluster_sector: str) -> str | None:
        if company_sector == cluster_sector:
            return "same"
        up = self.ancestors(company_sector)
        if cluster_sector in up:
            return "child"
        down = self.ancestors(cluster_sector)
        if company_sector in down:
            return "parent"
        if up and down and up[0] == down[0]:
            return "sibling"
        top_up = up[-1] if up else company_sector
        top_down = down[-1] if down else cluster_sector
        return "cousin" if top_up == top_down else None

    def top(self, sector_id: str) -> str:
        chain = self.ancestors(sector_id)
        return chain[-1] if chain else sector_id

    def ecosystem(self, sector_id: str) -> str | None:
        for sid in (sector_id, *self.ancestors(sector_id)):
            sector = self.sectors.get(sid)
            if sector and sector.ecosystem:
                return sector.ecosystem
        return None

    def label(self, sector_id: str) -> str:
        sector = self.sectors.get(sector_id)
        return sector.label_en if sector else sector_id

    def sectors_for_naf(self, code: str) -> list[tuple[str, str, str]]:
        """(sector id, matching prefix, why) for a parsed NAF code; the most
        specific prefix that any sector claims wins, so `30.30Z` goes to
        aerospace even if another sector claims all of division 30. A class,
        group or division (`30.30`, `30.3`, `30`) that no sector claims as such
        takes the sectors of the codes under it."""
        found = self._naf_memo.get(code)
        if found is None:
            found = self._naf_memo[code] = self._sectors_for_naf(code)
        return found

    def _sectors_for_naf(self, code: str) -> list[tuple[str, str, str]]:
        hits = self.naf_prefixes.get(code)
        if hits:
            return [(sid, code, note) for sid, note in hits]
        if len(code) < 6:
            below: dict[str, tuple[str, str, str]] = {}
            for claimed in sorted(self.naf_prefixes):
                if claimed.startswith(code):
                    for sid, note in self.naf_prefixes[claimed]:
                        below.setdefault(sid, (sid, claimed, note))
            if below:
                return list(below.values())
        for end in (5, 4, 2):
            if end >= len(code):
                continue
            prefix = code[:end]
            hits = self.naf_prefixes.get(prefix)
            if hits:
                return [(sid, prefix, note) for sid, note in hits]
        return []

    def find_terms(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        """Taxonomy terms found in free text, longest first, without overlaps
        ("micro technologies" also finds the one-word "microtechnologies")."""
        words = stem_phrase(text).split()
        found: list[tuple[str, tuple[str, ...]]] = []
        i, n = 0, len(words)
        terms, compact = self.terms, self.compact_terms
        longest = self.longest_from
        while i < n:
            for size in range(min(longest.get(words[i], 2), n - i), 0, -1):
                phrase = " ".join(words[i : i + size])
                ids = terms.get(phrase)
                if ids is None and size == 2:
                    ids = compact.get(words[i] + words[i + 1])
                if ids:
                    found.append((phrase, ids))
                    i += size
                    break
            else:
                i += 1
        return found


def sector_names(sector: Sector) -> Iterable[str]:
    """Every name a sector answers to: id, labels, synonyms in both languages."""
    yield sector.id
    yield sector.label_en
    yield sector.label_fr
    yield from sector.synonyms_en
    yield from sector.synonyms_fr


def build_terms(sectors: Iterable[Sector]) -> dict[str, tuple[str, ...]]:
    """Folded term -> sector ids: the dictionary behind `resolve` and `find_terms`."""
    terms: dict[str, set[str]] = {}
    for sector in sectors:
        for term in sector_names(sector):
            key = stem_phrase(term)
            if key:
                terms.setdefault(key, set()).add(sector.id)
    return {k: tuple(sorted(v)) for k, v in terms.items()}


@cache
def load_taxonomy() -> Taxonomy:
    """The bundled taxonomy, parsed once per process and cached on disk as JSON."""
    from .cache import cached

    path = str(data_file("sectors.yaml"))
    return cached(path, "taxonomy", lambda: _read(path), _from_json)


def _from_json(data: dict[str, Any]) -> Taxonomy:
    sectors = {s["id"]: _sector(s) for s in data["sectors"]}
    terms = {k: tuple(v) for k, v in data["terms"].items()}
    return Taxonomy(sectors, data["ecosystems"], terms=terms)


def _read(path: str) -> dict[str, Any]:
    from .sectorfile import read_taxonomy

    raw = read_taxonomy(path)  # checked: errors name their line
    try:
        ecosystems = {e["id"]: e["name"] for e in raw.get("ecosystems") or []}
        sectors = [_plain(item) for item in raw["sectors"]]
    except (KeyError, TypeError, AttributeError) as exc:
        raise DataFileError(f"{path}: malformed taxonomy ({exc})") from None
    terms = build_terms(_sector(s) for s in sectors)
    return {
        "ecosystems": ecosystems,
        "sectors": sectors,
        "terms": {k: list(v) for k, v in terms.items()},
    }


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    synonyms = item.get("synonyms") or {}
    return {
        "id": item["id"],
        "parent": item.get("parent"),
        "label_en": item["label_en"],
        "label_fr": item["label_fr"],
        "ecosystem": item.get("ecosystem"),
        "synonyms_en": list(synonyms.get("en") or ()),
        "synonyms_fr": list(synonyms.get("fr") or ()),
        "naf": [[str(n["code"]), n.get("note", "")] for n in item.get("naf") or ()],
    }


def _sector(s: dict[str, Any]) -> Sector:
    return Sector(
        id=s["id"],
        parent=s["parent"],
        label_en=s["label_en"],
        label_fr=s["label_fr"],
        ecosystem=s["ecosystem"],
        synonyms_en=tuple(s["synonyms_en"]),
        synonyms_fr=tuple(s["synonyms_fr"]),
        naf=tuple((c, n) for c, n in s["naf"]),
    )
