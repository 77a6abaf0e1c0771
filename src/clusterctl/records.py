"""Clusters as plain output records, with stable keys documented in README.

Output keys are the dataset's field names; `member_types` and `services` are
filled from the kind's defaults when a record does not set its own (null when
neither is recorded: unknown), and dates are ISO strings, so JSON, CSV and
tables all say the same thing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .dataset import ClusterRecord as Cluster
    from .dataset import Dataset

#: Columns shown by default in tables, TSV and CSV (`--fields` changes them).
SUMMARY_COLUMNS = ("id", "name", "status", "regions", "hq.city", "sectors")

#: Every key of a cluster record, in output order.
CLUSTER_FIELDS = (
    "id",
    "name",
    "aliases",
    "former_names",
    "absorbed",
    "kind",
    "status",
    "status_as_of",
    "status_source",
    "label_term_end",
    "successor",
    "regions",
    "hq",
    "sectors",
    "keywords",
    "naf",
    "website",
    "website_verified",
    "founded",
    "members",
    "member_types",
    "services",
    "programmes",
    "confidence",
    "notes",
    "description",
    "sources",
    "last_verified",
)


def cluster_record(dataset: Dataset, cluster: Cluster) -> dict[str, Any]:
    """The full output record of a cluster."""
    raw = dict(cluster.record)
    raw["member_types"] = dataset.known_member_types(cluster)
    raw["services"] = dataset.known_services(cluster)
    return {key: raw.get(key, _EMPTY.get(key)) for key in CLUSTER_FIELDS}


#: Values of fields a record read from an older cache may lack.
_EMPTY: dict[str, Any] = {"absorbed": []}


def valid_fields(extra: tuple[str, ...] = ()) -> list[str]:
    """Field names accepted by `--fields` for clusters, dotted ones included."""
    nested = {
        "hq": ("city", "department", "lat", "lon"),
        "members": ("count", "as_of", "as_of_date", "source", "note"),
    }
    names: list[str] = []
    for key in CLUSTER_FIELDS:
        names.append(key)
        names.extend(f"{key}.{sub}" for sub in nested.get(key, ()))
    return names + list(extra)
