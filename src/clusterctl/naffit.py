"""A NAF code and the clusters that fit it: what `clusterctl naf CODE` prints.

A current cluster fits a code when one of its sectors sits under a sector the
code belongs to (`Taxonomy.sectors_for_naf`), or when one of its own NAF
prefixes and the code contain one another (`naf.code_fits`). Clusters that fit
by their own NAF codes come first, then by id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .i18n import _
from .naf import code_fits, lookup, parse_naf, suggest_naf

if TYPE_CHECKING:
    from .dataset import ClusterRecord, Dataset
    from .naf import NafEntry
    from .taxonomy import Taxonomy


def naf_entry(code: str) -> NafEntry:
    """The NAF table's entry for a code in any usual spelling; a `UsageError`
    naming the closest codes otherwise."""
    entry = lookup(code)
    if entry is None:
        close = suggest_naf(code)
        if parse_naf(code):
            text = _("unknown NAF rev. 2 code '{code}'")
        else:
            text = _("not a NAF rev. 2 code '{code}'")
        hint = _(" (closest: {codes})").format(codes=", ".join(close)) if close else ""
        raise UsageError(text.format(code=code) + hint)
    return entry


def fits_by_naf(code: str, cluster: ClusterRecord) -> bool:
    """Does one of the cluster's own NAF prefixes fit `code`?"""
    return any(code_fits(code, prefix) for prefix in cluster.naf)


def naf_fit(dataset: Dataset, entry: NafEntry, taxonomy: Taxonomy) -> dict[str, Any]:
    """The code's labels, its sectors (with why) and the current clusters that
    fit it, as one record."""
    hits = taxonomy.sectors_for_naf(entry.code)
    wanted: set[str] = set()
    for sector_id, _prefix, _why in hits:
        wanted |= taxonomy.descendants(sector_id)
    listed = [
        c
        for c in dataset.current()
        if wanted.intersection(c.sectors) or fits_by_naf(entry.code, c)
    ]
    listed.sort(key=lambda c: (not fits_by_naf(entry.code, c), c.id))
    return {
        "code": entry.code,
        "level": entry.level,
        "label": entry.label,
        "section": entry.section,
        "section_label": entry.section_label,
        "division_label": entry.division_label,
        "sectors": [
            {"id": sid, "label": taxonomy.label(sid), "via": prefix, "why": why}
            for sid, prefix, why in hits
        ],
        "clusters": [
            {"id": c.id, "name": c.name, "regions": list(c.regions)} for c in listed
        ],
    }
