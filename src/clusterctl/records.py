"""Clusters as plain output records, with stable keys documented in README.

The field names here are a plain copy of the pydantic model's (`models.Cluster`,
`models.Headquarters`, `models.Members`), so that listing clusters needs no
pydantic; tests/test_models.py fails when the two differ. Output keys are the
dataset's field names; `member_types` and `services` are filled from the
kind's defaults when a record does not set its own (null when neither is
recorded: unknown), and dates are ISO strings, so JSON, CSV and tables all say
the same thing. `labelled_record` adds the label on a date (`labels`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .labels import with_label

if TYPE_CHECKING:
    from .dataset import ClusterRecord, Dataset
    from .labels import Label

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


#: Keys of the nested records that `--fields` reaches with a dot (`hq.city`).
NESTED_FIELDS: dict[str, tuple[str, ...]] = {
    "hq": ("city", "department", "lat", "lon"),
    "members": ("count", "as_of", "as_of_date", "source", "note"),
}


def cluster_record(dataset: Dataset, cluster: ClusterRecord) -> dict[str, Any]:
    """The full output record of a cluster."""
    raw = dict(cluster.record)
    raw["member_types"] = dataset.known_member_types(cluster)
    raw["services"] = dataset.known_services(cluster)
    return {key: raw.get(key) for key in CLUSTER_FIELDS}


def valid_fields(extra: tuple[str, ...] = ()) -> list[str]:
    """Field names accepted by `--fields` for clusters, dotted ones included."""
    names: list[str] = []
    for key in CLUSTER_FIELDS:
        names.append(key)
        names.extend(f"{key}.{sub}" for sub in NESTED_FIELDS.get(key, ()))
    return names + list(extra)


def labelled_record(
    dataset: Dataset, cluster: ClusterRecord, label: Label
) -> dict[str, Any]:
    """The full output record of a cluster with its label on a date
    (`label_status` and `label_note` after `status`)."""
    return with_label(cluster_record(dataset, cluster), label)
