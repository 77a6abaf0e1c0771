"""Search over clusters: names, sectors, keywords, head office, regions, descriptions.

Query and texts are compared word by word, on word boundaries: a query word
matches a word of a text when it is the same word (plural folded), the start of
it ("cyber" in "cybersécurité") or, from four letters, a close spelling
("valey"); never a piece inside another word ("vin" is not in "driving"). A text
scores the mean of its query words' matches, a little more when the query is
its exact phrase, so "jeux vidéo" outranks "jeux de société". Each field has a
weight, so a long description can never outrank a name; a query whose words
are found in different fields of one cluster scores their mean, less a margin.
The index is built once per dataset and kept only while the dataset lives;
rapidfuzz is imported only here.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .i18n import _, format_number, ngettext
from .text import FUNCTION_WORDS, compact, normalize, stem

if TYPE_CHECKING:
    from .dataset import ClusterRecord, Dataset

#: field -> weight. Names first; a description shares a word with almost anything.
FIELDS: dict[str, float] = {
    "name": 1.0,
    "sector": 0.9,
    "keyword": 0.9,
    "city": 0.9,
    "region": 0.8,
    "description": 0.7,
}
#: A query longer than this is not a search (and would take long): refused.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
WORD_CUTOFF = 80.0  # a close spelling counts from this rapidfuzz ratio
PREFIX_SCORE = 90.0  # "cyber" at the start of "cybersecurite"
PHRASE = 0.95  # the query's words, in order, inside a longer text
PARTIAL = 0.9  # some query words, or not in order, or spelt differently
SEVERAL = 0.85  # query words found in different texts of one cluster


@dataclass(frozen=True, slots=True)
class Hit:
    cluster: ClusterRecord
    score: float
    field: str
    matched: str


@dataclass(frozen=True, slots=True)
class _Entry:
    field: str
    text: str  # normalised
    shown: str
    words: tuple[str, ...]  # stemmed
    cluster_ids: tuple[str, ...]  # a sector's terms serve every cluster in it


class SearchIndex:
    """Every searchable text of a dataset, and which texts each word appears in."""

    def __init__(self, entries: list[_Entry], by_id: dict[str, ClusterRecord]) -> None:
        self.entries = entries
        self.by_id = by_id
        self.postings: dict[str, list[int]] = {}
        for number, entry in enumerate(entries):
            for word in dict.fromkeys(entry.words):
                self.postings.setdefault(word, []).append(number)
        self.vocabulary = list(self.postings)

    @classmethod
    def build(cls, dataset: Dataset) -> SearchIndex:
        from . import geography
        from .taxonomy import load_taxonomy, sector_names

        taxonomy = load_taxonomy()
        owners: dict[tuple[str, str], list[str]] = {}  # (field, text) -> cluster ids
        for c in dataset.clusters:
            names = (c.name, c.id, *c.aliases, *c.former_names, *c.absorbed)
            texts = [("name", n) for n in names]
            for sid in c.sectors:
                sector = taxonomy.sectors.get(sid)
                names = (*sector_names(sector), *sector.words) if sector else (sid,)
                texts += [("sector", n) for n in names[1:] or names]  # not the id
            texts += [("keyword", k) for k in c.keywords]
            texts.append(("city", c.hq.city))
            for name in c.regions:
                region = geography.resolve_region(name)
                more = (region.name_en, *region.former_names) if region else ()
                texts += [("region", n) for n in (name, *more)]
            if c.description:
                texts.append(("description", c.description))
            for key in dict.fromkeys(texts):
                owners.setdefault(key, []).append(c.id)
        entries = []
        for (field, shown), ids in owners.items():
            text = normalize(shown)
            if text:
                words = tuple(stem(w) for w in text.split())
                entries.append(_Entry(field, text, shown, words, tuple(ids)))
        return cls(entries, {c.id: c for c in dataset.clusters})

    def search(
        self, query: str, *, min_score: float = 70.0, include_merged: bool = True
    ) -> list[Hit]:
        """Clusters ranked by their best weighted text score (0-100). An empty or
        overlong query is a `UsageError`."""
        q = check_query(query)
        words = [w for w in q.split() if w not in FUNCTION_WORDS] or q.split()
        stems = [stem(w) for w in words]
        similar = [self._similar(w, s) for w, s in zip(words, stems, strict=True)]
        best: dict[str, Hit] = {}
        per_word: dict[str, list[tuple[float, str]]] = {}
        candidates = sorted(
            {n for sims in similar for w in sims for n in self.postings[w]}
        )
        for number in candidates:
            entry = self.entries[number]
            weight = FIELDS[entry.field]
            sims = [
                max((sims.get(w, 0.0) for w in entry.words), default=0.0)
                for sims in similar
            ]
            score = weight * _text_score(q, stems, sims, entry)
            for cid in entry.cluster_ids:
                if cid not in best or score > best[cid].score:
                    best[cid] = Hit(self.by_id[cid], score, entry.field, entry.shown)
                slots = per_word.setdefault(cid, [(0.0, "")] * len(words))
                for i, sim in enumerate(sims):
                    if sim * weight > slots[i][0]:
                        slots[i] = (sim * weight, entry.shown)
        if len(words) > 1:
            for cid, slots in per_word.items():
                found = [s for s in slots if s[0] > 0]
                if len(found) < 2:
                    continue
                coverage = SEVERAL * sum(v for v, _ in slots) / len(words)
                if coverage > best[cid].score:
                    shown = " + ".join(dict.fromkeys(s for _, s in found))
                    best[cid] = Hit(self.by_id[cid], coverage, "several", shown)
        hits = [
            h
            for h in best.values()
            if h.score >= min_score and (include_merged or h.cluster.status != "merged")
        ]
        hits.sort(key=lambda h: (-round(h.score, 6), h.cluster.id))
        return hits

    def _similar(self, word: str, stemmed: str) -> dict[str, float]:
        """Index words matching one query word, with how well (0-100)."""
        out = {stemmed: 100.0} if stemmed in self.postings else {}
        if len(word) < 4:
            return out  # "vin", "ia": the word itself only
        from rapidfuzz import fuzz, process

        for other, score, _index in process.extract(
            stemmed,
            self.vocabulary,
            scorer=fuzz.ratio,
            processor=None,
            limit=None,
            score_cutoff=WORD_CUTOFF,
        ):
            out[other] = max(out.get(other, 0.0), float(score))
        for other in self.vocabulary:
            if other.startswith(stemmed) and other != stemmed:
                out[other] = max(out.get(other, 0.0), PREFIX_SCORE)
        return out


def _text_score(q: str, stems: list[str], sims: list[float], entry: _Entry) -> float:
    """One text against the query: 100 for the query itself, else the mean of its
    words' matches, a phrase counting more than scattered words."""
    if entry.text == q or compact(entry.text) == q.replace(" ", ""):
        return 100.0
    mean = sum(sims) / len(sims)
    size = len(stems)
    in_order = all(s == 100.0 for s in sims) and any(
        list(entry.words[i : i + size]) == stems for i in range(len(entry.words))
    )
    return mean * (PHRASE if in_order else PARTIAL)


def check_query(query: str) -> str:
    """The normalised query; a `UsageError` when it is empty or too long to be a
    search (checked before any work, so a pasted book is refused at once)."""
    if len(query) > MAX_QUERY_CHARS * 4:
        message = _(
            "search text too long ({count} characters; at most {limit}): search "
            "for a few words or a name"
        )
        shown = format_number(len(query))
        raise UsageError(message.format(count=shown, limit=MAX_QUERY_CHARS))
    q = normalize(query)
    if not q:
        if query.strip():
            message = _(
                "'{query}' has no letters or digits: nothing to search for; give a "
                "word or a name (for example 'hydrogen')"
            )
            raise UsageError(message.format(query=query))
        raise UsageError(
            _(
                "empty: nothing to search for; give a word or a name (for example "
                "'hydrogen')"
            )
        )
    count = len(q.split())
    if len(q) > MAX_QUERY_CHARS or count > MAX_QUERY_WORDS:
        message = ngettext(
            "search text too long ({count} word; at most {words} words or {chars} "
            "characters): search for a few words or a name",
            "search text too long ({count} words; at most {words} words or "
            "{chars} characters): search for a few words or a name",
            count,
        )
        raise UsageError(
            message.format(count=count, words=MAX_QUERY_WORDS, chars=MAX_QUERY_CHARS)
        )
    return q


#: One index per live dataset; it goes when the dataset goes.
_INDEXES: weakref.WeakKeyDictionary[Dataset, SearchIndex] = weakref.WeakKeyDictionary()


def index_for(dataset: Dataset) -> SearchIndex:
    index = _INDEXES.get(dataset)
    if index is None:
        index = _INDEXES[dataset] = SearchIndex.build(dataset)
    return index


def search(dataset: Dataset, query: str, *, min_score: float = 70.0) -> list[Hit]:
    """Clusters matching `query`, best first; see `SearchIndex.search`."""
    check_query(query)
    return index_for(dataset).search(query, min_score=min_score)


def suggest_clusters(
    dataset: Dataset, text: str, limit: int = 5
) -> list[ClusterRecord]:
    """Clusters whose names are close to `text`, for a "did you mean" message."""
    from rapidfuzz import fuzz, process

    choices = dataset.name_choices()
    found = process.extract(
        normalize(text),
        list(choices),
        scorer=fuzz.WRatio,
        processor=None,
        limit=limit * 3,
        score_cutoff=70,
    )
    out: list[ClusterRecord] = []
    for choice, _score, _index in found:
        cluster = dataset.get(choices[choice])
        if cluster and cluster not in out:
            out.append(cluster)
    return out[:limit]


def find_clusters(dataset: Dataset, name: str) -> list[ClusterRecord]:
    """Clusters named `name` (id, name, alias or former name); when there is
    none, a `NotFoundError` that lists the closest names."""
    from .errors import NotFoundError

    found = dataset.find(name)
    if found:
        return found
    close = suggest_clusters(dataset, name)
    if not close:
        raise NotFoundError(_("no cluster named '{name}'").format(name=name))
    choices = ", ".join(f"{c.id} ({c.name})" for c in close)
    message = _("no cluster named '{name}'; did you mean: {choices}")
    raise NotFoundError(message.format(name=name, choices=choices))


def hit_record(hit: Hit, rank: int) -> dict[str, Any]:
    return {
        "rank": rank,
        "id": hit.cluster.id,
        "name": hit.cluster.name,
        "status": hit.cluster.status,
        "score": round(hit.score, 1),
        "field": hit.field,
        "matched": hit.matched,
    }
