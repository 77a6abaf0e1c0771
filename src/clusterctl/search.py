"""Fuzzy search over clusters: names first, then sectors, keywords, descriptions.

Each field has its own scorer and weight, so a long description, which shares a
word with almost anything, can never outrank a name. A multi-word query also
earns a coverage score (each query word's best hit anywhere in the cluster), so
"cybersécurité quantique" prefers a cluster that has both. The index is built
once per dataset; rapidfuzz is imported only here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .text import compact, normalize

if TYPE_CHECKING:
    from .dataset import ClusterRecord, Dataset

#: field -> (weight, rapidfuzz scorer name). Weights keep names on top.
FIELDS: dict[str, tuple[float, str]] = {
    "name": (1.0, "WRatio"),
    "sector": (0.9, "WRatio"),
    "keyword": (0.9, "WRatio"),
    "description": (0.7, "token_set_ratio"),
}
WORD_CUTOFF = 80.0
MIN_PARTIAL = 5


@dataclass(frozen=True, slots=True)
class Hit:
    cluster: ClusterRecord
    score: float
    field: str
    matched: str


@dataclass
class SearchIndex:
    texts: dict[str, list[tuple[str, str, str]]]  # field -> [(normalised, shown, id)]
    by_id: dict[str, ClusterRecord]

    @classmethod
    def build(cls, dataset: Dataset) -> SearchIndex:
        from .taxonomy import load_taxonomy

        taxonomy = load_taxonomy()
        texts: dict[str, list[tuple[str, str, str]]] = {f: [] for f in FIELDS}
        for c in dataset.clusters:
            names = [c.name, c.id, *c.aliases, *c.former_names, *c.absorbed]
            texts["name"] += [(normalize(n), n, c.id) for n in names]
            for sid in c.sectors:
                sector = taxonomy.sectors.get(sid)
                terms = (
                    [sid]
                    if sector is None
                    else [
                        sector.label_en,
                        sector.label_fr,
                        *sector.synonyms_en,
                        *sector.synonyms_fr,
                    ]
                )
                texts["sector"] += [(normalize(t), t, c.id) for t in terms]
            texts["keyword"] += [(normalize(k), k, c.id) for k in c.keywords]
            if c.description:
                texts["description"].append(
                    (normalize(c.description), c.description, c.id)
                )
        for key in texts:
            texts[key] = [t for t in texts[key] if t[0]]
        return cls(texts, {c.id: c for c in dataset.clusters})

    def search(
        self, query: str, *, min_score: float = 70.0, include_merged: bool = True
    ) -> list[Hit]:
        """Clusters ranked by their best weighted field score (0-100)."""
        q = normalize(query)
        if not q:
            return []
        best: dict[str, Hit] = {}
        for field, (weight, _scorer) in FIELDS.items():
            for cid, score, shown in self._field_scores(field, q):
                weighted = score * weight
                if cid not in best or weighted > best[cid].score:
                    best[cid] = Hit(self.by_id[cid], weighted, field, shown)
        words = [w for w in q.split() if len(w) > 2]
        if len(words) > 1:
            self._add_coverage(words, best)
        hits = [
            h
            for h in best.values()
            if h.score >= min_score and (include_merged or h.cluster.status != "merged")
        ]
        hits.sort(key=lambda h: (-round(h.score, 6), h.cluster.id))
        return hits

    def _field_scores(self, field: str, q: str) -> list[tuple[str, float, str]]:
        from rapidfuzz import fuzz, process

        entries = self.texts[field]
        scorer = getattr(fuzz, FIELDS[field][1])
        choices = [e[0] for e in entries]
        out = []
        for choice, score, idx in process.extract(
            q, choices, scorer=scorer, processor=None, limit=None, score_cutoff=50
        ):
            _, shown, cid = entries[idx]
            if field == "name" and compact(shown) == q.replace(" ", ""):
                score = 100.0
            elif len(choice) < (4 if field == "name" else MIN_PARTIAL) and choice != q:
                continue  # "lte" or "rse" inside a longer query is not a match
            out.append((cid, float(score), shown))
        return out

    def _add_coverage(self, words: list[str], best: dict[str, Hit]) -> None:
        """Mean over query words of each word's best weighted hit in a cluster."""
        from rapidfuzz import fuzz

        per_cluster: dict[str, list[tuple[float, str]]] = {}
        for word in words:
            word_best: dict[str, tuple[float, str]] = {}
            for field, (weight, _) in FIELDS.items():
                if field == "description":
                    continue
                for norm, shown, cid in self.texts[field]:
                    score = max((fuzz.ratio(word, t) for t in norm.split()), default=0)
                    if (
                        score >= WORD_CUTOFF
                        and score * weight > word_best.get(cid, (0.0, ""))[0]
                    ):
                        word_best[cid] = (score * weight, shown)
            for cid, value in word_best.items():
                per_cluster.setdefault(cid, []).append(value)
        for cid, values in per_cluster.items():
            if len(values) < 2:
                continue
            coverage = sum(v for v, _ in values) / len(words)
            if cid not in best or coverage > best[cid].score:
                shown = " + ".join(dict.fromkeys(s for _, s in values))
                best[cid] = Hit(self.by_id[cid], coverage, "several", shown)


_INDEXES: dict[int, SearchIndex] = {}


def index_for(dataset: Dataset) -> SearchIndex:
    key = id(dataset)
    if key not in _INDEXES:
        _INDEXES[key] = SearchIndex.build(dataset)
    return _INDEXES[key]


def search(dataset: Dataset, query: str, *, min_score: float = 70.0) -> list[Hit]:
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
    for choice, _score, _ in found:
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
    hint = "; did you mean: " + ", ".join(f"{c.id} ({c.name})" for c in close)
    raise NotFoundError(f"no cluster named '{name}'{hint if close else ''}")


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
