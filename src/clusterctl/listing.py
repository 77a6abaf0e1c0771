"""Listing clusters: the records `clusterctl list` prints, filtered and sorted.

`list_rows` keeps the clusters that pass the filters (`query`), gives each its
output record with its label on the date (`records`, `labels`) and its distance
to `--near`, then sorts them (`sort_rows`): by a field, by distance when a
place is given, else in dataset order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .formats import flatten
from .i18n import _
from .labels import LABEL_FIELDS, dataset_labels
from .query import filter_clusters
from .records import labelled_record, valid_fields
from .text import normalize

if TYPE_CHECKING:
    from .dataset import Dataset
    from .query import Filters

#: The key `list --near` adds to each record.
DISTANCE = "distance_km"


def list_fields(near: bool = False) -> list[str]:
    """The fields `list` can print and sort by (`--fields`, `--sort`)."""
    return valid_fields((*LABEL_FIELDS, *((DISTANCE,) if near else ())))


def list_rows(
    dataset: Dataset,
    filters: Filters,
    *,
    sort: str | None = None,
    limit: int | None = None,
    on: dt.date | None = None,
) -> list[dict[str, Any]]:
    """The records of the clusters passing `filters` on date `on` (default
    today), sorted by `sort` (a field, `-` first for descending; by default by
    distance to `filters.near`, else in dataset order), at most `limit`."""
    labels = dataset_labels(dataset, on)
    near = filters.near is not None
    rows = []
    for cluster, distance in filter_clusters(dataset, filters, on):
        row = labelled_record(dataset, cluster, labels[cluster.id])
        if near:
            row[DISTANCE] = distance
        rows.append(row)
    rows = sort_rows(rows, sort, list_fields(near), default=DISTANCE if near else None)
    return rows[:limit] if limit else rows


def sort_rows(
    rows: list[dict[str, Any]],
    sort: str | None,
    valid: list[str],
    default: str | None = None,
) -> list[dict[str, Any]]:
    """Rows sorted by the field `sort` names (dotted for nested ones, `-` first
    for descending; `default` when None). Text sorts folded (case and accents
    do not matter), lists by their joined text; ties keep id order in both
    directions and missing values come last. A field that is not in `valid`,
    or that has sub-fields, is a `UsageError`."""
    key = sort or default
    if not key:
        return rows
    reverse = key.startswith("-")
    key = key.lstrip("-")
    if key not in valid:
        from .problems import did_you_mean

        text = _("cannot sort by '{field}'{hint}; '--fields help' lists the fields")
        raise UsageError(text.format(field=key, hint=did_you_mean(key, valid)))
    flat = [flatten(row) for row in rows]
    _check_leaf(key, flat)
    values = [_sort_value(f.get(key)) for f in flat]
    order = sorted(range(len(rows)), key=lambda i: rows[i]["id"])
    present = [i for i in order if values[i] is not None]
    missing = [i for i in order if values[i] is None]
    present.sort(key=lambda i: values[i], reverse=reverse)
    return [rows[i] for i in present + missing]


def _check_leaf(key: str, flat: list[dict[str, Any]]) -> None:
    """`--sort hq` cannot sort: say which sub-fields can."""
    if any(key in f for f in flat):
        return
    subs = sorted({k for f in flat for k in f if k.startswith(key + ".")})
    if subs:
        text = _(
            "cannot sort by '{field}', which has sub-fields; sort by one of {fields}"
        )
        raise UsageError(text.format(field=key, fields=", ".join(subs)))


def _sort_value(value: Any) -> Any:
    if isinstance(value, list):
        value = ";".join(map(str, value))
    return normalize(value) if isinstance(value, str) else value


def unknown_member_types(
    dataset: Dataset, statuses: Iterable[str], on: dt.date | None = None
) -> int:
    """How many clusters with a label state in `statuses` record no member
    types: `--member-type` cannot keep them, as nothing says they admit it."""
    wanted = set(statuses)
    labels = dataset_labels(dataset, on)
    return sum(
        1
        for c in dataset.clusters
        if labels[c.id].status in wanted and dataset.known_lists(c)[0] is None
    )
