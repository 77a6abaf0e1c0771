"""Facets: the sectors and regions, each with how many current clusters it has.

What `clusterctl sectors` and `clusterctl regions` print, as plain rows. A
current cluster is one whose recorded status is not merged
(`Dataset.current`); a parent sector counts the clusters of its children.
`geography` is imported by `region_facets` only: `sectors` does not need it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .dataset import Dataset
    from .taxonomy import Taxonomy


def sector_facets(dataset: Dataset, taxonomy: Taxonomy) -> list[dict[str, Any]]:
    """One row per sector, in taxonomy order, with its number of current clusters."""
    current = list(dataset.current())
    rows = []
    for sector in taxonomy.sectors.values():
        under = taxonomy.descendants(sector.id)
        rows.append(
            {
                "id": sector.id,
                "parent": sector.parent,
                "label_en": sector.label_en,
                "label_fr": sector.label_fr,
                "ecosystem": taxonomy.ecosystem(sector.id),
                "clusters": sum(1 for c in current if under.intersection(c.sectors)),
                "synonyms": [*sector.synonyms_en, *sector.synonyms_fr],
                "naf": [code for code, _ in sector.naf],
            }
        )
    return rows


def region_facets(dataset: Dataset) -> list[dict[str, Any]]:
    """One row per region, with the current clusters covering it and those with
    their head office there (a record lists its head-office region first)."""
    from . import geography

    current = list(dataset.current())
    return [
        {
            "name": r.name,
            "code": r.code,
            "iso": r.iso,
            "name_en": r.name_en,
            "abbreviations": list(r.abbreviations),
            "former_names": list(r.former_names),
            "neighbours": list(r.neighbours),
            "clusters": sum(1 for c in current if r.name in c.regions),
            "hq_clusters": sum(
                1 for c in current if c.regions and c.regions[0] == r.name
            ),
        }
        for r in geography.regions()
    ]
