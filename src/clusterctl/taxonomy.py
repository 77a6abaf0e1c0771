"""The sector taxonomy: a bilingual hierarchy of sectors with their NAF codes.

Loaded from `data/sectors.yaml`. It answers three questions: which sector does
a word mean (`resolve`, any language, case or accents), which sectors sit under
another (`descendants`: `health` includes `biotech`), and which sectors does a
NAF code belong to (`sectors_for_naf`, longest prefix wins). `find_terms` scans
free text for taxonomy terms through a prebuilt dictionary, which is what makes
matching descriptions fast. A sector's `words` (`paper`, `mode`) name it when typed
alone but are too common in prose to signal it inside a text: `resolve` knows
them, `find_terms` does not. An unknown word gets suggestions (`did_you_mean`)
that contain it: `games` -> 'Video games', 'board games'.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .errors import DataFileError
from .i18n import _, language
from .resources import data_file
from .text import FUNCTION_WORDS, normalize, stem, stem_phrase


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
    words: tuple[str, ...] = ()  # typed alone, they name the sector; not in texts


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
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _suggestions: dict[str, list[str]] = field(default_factory=dict)
    #: ecosystem id -> French name (`name_fr` in the file), where there is one
    ecosystems_fr: dict[str, str] = field(default_factory=dict)
    _written: tuple[_Written, dict[str, list[str]]] | None = None

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
        if not self.names:
            self.names = build_names(self.sectors.values())
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
        ids = (
            self.terms.get(key)
            or self.names.get(key)
            or self.compact_terms.get(key.replace(" ", ""), ())
        )
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

    def did_you_mean(self, text: str) -> str:
        """`" (did you mean 'Video games', 'board games' (creative-industries)?)"`
        for an unknown sector word, or "" when nothing is close; memoised (a
        register repeats its words), bounded."""
        shown = self._suggestions.get(text)
        if shown is None:
            shown = [
                _quoted(term) if stem_phrase(term) == stem_phrase(sid)
                else f"{_quoted(term)} ({sid})"
                for term, sid in self.suggest_terms(text)
            ]  # fmt: skip
            if len(self._suggestions) >= 4096:
                self._suggestions.clear()
            self._suggestions[text] = shown
        if not shown:
            return ""
        return _(" (did you mean {choices}?)").format(choices=", ".join(shown))

    def suggest_terms(self, text: str, limit: int = 5) -> list[tuple[str, str]]:
        """(term as written, sector id) for an unknown sector word, one per sector:
        the terms that contain its words (labels first, then the shortest), else
        the closest spellings. Grammar words ("and", "de") contain nothing."""
        words = [stem(w) for w in normalize(text).split() if w not in FUNCTION_WORDS]
        if not words:
            return []
        written, by_word = self._written = self._written or _written_terms(self)
        size = len(words)
        ranked: dict[str, tuple[tuple[int, int, int], str]] = {}
        for key in by_word.get(words[0], ()):
            parts = key.split()
            if not any(parts[i : i + size] == words for i in range(len(parts))):
                continue
            for sid in self.terms.get(key) or self.names.get(key, ()):
                term, is_label = written[(key, sid)]
                rank = (0 if is_label else 1, len(parts), len(key))
                if sid not in ranked or rank < ranked[sid][0]:
                    ranked[sid] = (rank, term)
        if ranked:
            order = sorted(ranked, key=lambda sid: (ranked[sid][0], sid))
            return [(ranked[sid][1], sid) for sid in order[:limit]]
        import difflib

        keys = [*self.terms, *self.names]
        close = difflib.get_close_matches(" ".join(words), keys, n=9, cutoff=0.75)
        out: list[tuple[str, str]] = []
        for key in close:
            for sid in self.terms.get(key) or self.names.get(key, ()):
                if all(sid != s for _, s in out):
                    out.append((written[(key, sid)][0], sid))
        return out[: min(limit, 3)]

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
        """A sector's name in the language in use (its id when unknown)."""
        sector = self.sectors.get(sector_id)
        return sector_label(sector) if sector else sector_id

    def ecosystem_label(self, ecosystem_id: str) -> str | None:
        """An EU industrial ecosystem's name in the language in use, or None."""
        if language() == "fr" and ecosystem_id in self.ecosystems_fr:
            return self.ecosystems_fr[ecosystem_id]
        return self.ecosystems.get(ecosystem_id)

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


def sector_label(sector: Sector) -> str:
    """The sector's label in the language in use (`label_fr` in French)."""
    return sector.label_fr if language() == "fr" else sector.label_en


def sector_names(sector: Sector) -> Iterable[str]:
    """Every name a sector answers to: id, labels, synonyms in both languages."""
    yield sector.id
    yield sector.label_en
    yield sector.label_fr
    yield from sector.synonyms_en
    yield from sector.synonyms_fr


_Written = dict[tuple[str, str], tuple[str, bool]]


def _written_terms(taxonomy: Taxonomy) -> tuple[_Written, dict[str, list[str]]]:
    """For suggestions, built on the error path only: (folded term, sector id) ->
    (the term as the taxonomy writes it, whether it is a label), and each folded
    word -> the folded terms that contain it."""
    written: _Written = {}
    for sector in taxonomy.sectors.values():
        labels = {sector.label_en, sector.label_fr}
        for term in (*sector_names(sector), *sector.words):
            key = (stem_phrase(term), sector.id)
            if key not in written or (term in labels and not written[key][1]):
                written[key] = (term, term in labels)
    by_word: dict[str, list[str]] = {}
    for folded in dict.fromkeys((*taxonomy.terms, *taxonomy.names)):
        for word in dict.fromkeys(folded.split()):
            by_word.setdefault(word, []).append(folded)
    return written, by_word


def _quoted(term: str) -> str:
    """'video games', or "design d'intérieur" when the term has an apostrophe."""
    return f'"{term}"' if "'" in term else f"'{term}'"


def build_names(sectors: Iterable[Sector]) -> dict[str, tuple[str, ...]]:
    """Folded word -> sector ids, for the words that name a sector only when typed
    alone."""
    names: dict[str, set[str]] = {}
    for sector in sectors:
        for word in sector.words:
            key = stem_phrase(word)
            if key:
                names.setdefault(key, set()).add(sector.id)
    return {k: tuple(sorted(v)) for k, v in names.items()}


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
    names = {k: tuple(v) for k, v in data["names"].items()}
    return Taxonomy(
        sectors,
        data["ecosystems"],
        terms=terms,
        names=names,
        ecosystems_fr=data.get("ecosystems_fr") or {},
    )


def _read(path: str) -> dict[str, Any]:
    from .sectorfile import read_taxonomy

    raw = read_taxonomy(path)  # checked: errors name their line
    try:
        ecosystems = {e["id"]: e["name"] for e in raw.get("ecosystems") or []}
        ecosystems_fr = {
            e["id"]: e["name_fr"]
            for e in raw.get("ecosystems") or []
            if e.get("name_fr")
        }
        sectors = [_plain(item) for item in raw["sectors"]]
    except (KeyError, TypeError, AttributeError) as exc:
        message = _("{file}: malformed taxonomy ({error})")
        raise DataFileError(message.format(file=path, error=exc)) from None
    terms = build_terms(_sector(s) for s in sectors)
    names = build_names(_sector(s) for s in sectors)
    return {
        "ecosystems": ecosystems,
        "ecosystems_fr": ecosystems_fr,
        "sectors": sectors,
        "terms": {k: list(v) for k, v in terms.items()},
        "names": {k: list(v) for k, v in names.items()},
    }


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    synonyms = item.get("synonyms") or {}
    words = item.get("words") or {}
    return {
        "id": item["id"],
        "parent": item.get("parent"),
        "label_en": item["label_en"],
        "label_fr": item["label_fr"],
        "ecosystem": item.get("ecosystem"),
        "synonyms_en": list(synonyms.get("en") or ()),
        "synonyms_fr": list(synonyms.get("fr") or ()),
        "naf": [[str(n["code"]), n.get("note", "")] for n in item.get("naf") or ()],
        "words": [*(words.get("en") or ()), *(words.get("fr") or ())],
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
        words=tuple(s["words"]),
    )
