"""What a name designates: the one cluster `show` describes, or the absorbed
organisation a name stands for.

Names are compared folded (case, accents and punctuation do not matter), as
`search.find_clusters` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .errors import NotFoundError
from .i18n import _
from .search import find_clusters
from .text import normalize

if TYPE_CHECKING:
    from .dataset import ClusterRecord, Dataset


def one_cluster(dataset: Dataset, name: str) -> ClusterRecord:
    """The cluster `name` designates (id, name, alias, former name or absorbed
    organisation); a `NotFoundError` when it designates none (with the closest
    names) or several (listing them)."""
    return only_one(name, find_clusters(dataset, name))


def only_one(name: str, found: Sequence[ClusterRecord]) -> ClusterRecord:
    """The one cluster of `found` (what `name` designates); a `NotFoundError`
    listing them when there are several."""
    if len(found) > 1:
        names = ", ".join(f"{c.id} ({c.name})" for c in found)
        text = _("'{name}' names several clusters: {clusters}")
        raise NotFoundError(text.format(name=name, clusters=names))
    return found[0]


def absorbed_named(record: Mapping[str, Any], name: str) -> dict[str, Any] | None:
    """The organisation of `record["absorbed"]` that `name` designates, when
    `name` is none of the cluster's own names."""
    key = normalize(name)
    own = [record["id"], record["name"], *record["aliases"], *record["former_names"]]
    if key in {normalize(n) for n in own}:
        return None
    for absorbed in record["absorbed"]:
        if normalize(absorbed["name"]) == key:
            return dict(absorbed)
    return None
