"""Clusters related to a cluster: shared sectors and keywords, nearby regions.

Used to find partners across regions; the score is a plain sum so that it can
be explained: each shared sector (or parent/child pair) and keyword counts,
and a shared or bordering region adds a little.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import geography
from .labels import dataset_labels
from .taxonomy import load_taxonomy
from .text import normalize

if TYPE_CHECKING:
    from .dataset import ClusterRecord, Dataset


def related_clusters(dataset: Dataset, cluster: ClusterRecord) -> list[dict[str, Any]]:
    """Every other cluster that is not merged, with something in common, best
    first; each with its label on today's date (`label_status`, `label_note`)."""
    taxonomy = load_taxonomy()
    labels = dataset_labels(dataset)
    mine = set(cluster.sectors)
    mine_wide = (
        set().union(*(taxonomy.descendants(taxonomy.top(s)) for s in mine))
        if mine
        else set()
    )
    keywords = {normalize(k) for k in cluster.keywords}
    rows: list[dict[str, Any]] = []
    for other in dataset.clusters:
        label = labels[other.id]
        if other.id == cluster.id or label.status == "merged":
            continue
        shared = sorted(mine.intersection(other.sectors))
        near = sorted(mine_wide.intersection(other.sectors) - set(shared))
        shared_kw = sorted(keywords.intersection(normalize(k) for k in other.keywords))
        if set(cluster.regions) & set(other.regions):
            relation = "same"
        elif any(
            geography.are_neighbours(a, b)
            for a in cluster.regions
            for b in other.regions
        ):
            relation = "bordering"
        else:
            relation = "other"
        score = 10 * len(shared) + 3 * len(near) + 4 * len(shared_kw)
        if score == 0:
            continue
        score += {"same": 3, "bordering": 1, "other": 0}[relation]
        km = geography.distance_km(
            cluster.hq.lat, cluster.hq.lon, other.hq.lat, other.hq.lon
        )
        rows.append(
            {
                "id": other.id,
                "name": other.name,
                "score": score,
                "shared_sectors": shared,
                "shared_keywords": shared_kw,
                "region_relation": relation,
                "distance_km": round(km, 1),
                "regions": list(other.regions),
                "label_status": label.status,
                "label_note": label.note,
            }
        )
    rows.sort(key=lambda r: (-r["score"], r["id"]))
    return [{"rank": i, **r} for i, r in enumerate(rows, 1)]
