"""What `clusterctl info` says of a dataset: version, counts, freshness of its
labels on a date, provenance of its facts, sources and licences."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

from .dataset import today
from .i18n import N_, _
from .labels import LABEL_STATUSES, as_date, dataset_labels

if TYPE_CHECKING:
    from .dataset import Dataset

#: The licences of the data files bundled with the package (text for people:
#: in the language in use in output records).
BUNDLED_LICENCES = {
    "clusters": N_("CC BY 4.0 compilation of the public sources cited in each record"),
    "sectors": N_(
        "CC BY 4.0 (taxonomy); NAF rev. 2 codes and labels from INSEE "
        "(Licence Ouverte / Open Licence 2.0)"
    ),
    "geography": N_("see GEOGRAPHY-SOURCES.md in the data folder"),
}


def dataset_info(dataset: Dataset, on: dt.date | None = None) -> dict[str, Any]:
    """The dataset described as one record, its labels taken on date `on`
    (default: today, or `$CLUSTERCTL_TODAY`)."""
    when = on or today()
    clusters = dataset.clusters
    statuses = Counter(c.status for c in clusters)
    sources = {s for c in clusters for s in c.record["sources"]}
    return {
        "dataset": dataset.source,
        "version": dataset.info.version,
        "date": dataset.info.date,
        "title": dataset.info.title,
        "licence": dataset.info.licence,
        "clusters": len(clusters),
        "by_status": dict(sorted(statuses.items())),
        **label_freshness(dataset, when),
        "last_verified": {
            "oldest": min((c.last_verified for c in clusters), default=None),
            "newest": max((c.last_verified for c in clusters), default=None),
        },
        "distinct_sources": len(sources),
        "programme": dataset.info.programme,
        "provenance": provenance(dataset),
        "bundled_data_licences": {k: _(v) for k, v in BUNDLED_LICENCES.items()},
    }


def label_freshness(dataset: Dataset, on: dt.date) -> dict[str, Any]:
    """How old the dataset is on date `on`, and how many labels are in each
    state then (states with none left out)."""
    labels = dataset_labels(dataset, on)
    counts = Counter(label.status for label in labels.values())
    date = as_date(dataset.info.date)
    return {
        "today": on.isoformat(),
        "days_since_date": (on - date).days if date else None,
        "by_label_status": {s: counts[s] for s in LABEL_STATUSES if counts[s]},
    }


def provenance(dataset: Dataset) -> dict[str, Any]:
    """How well the dataset's facts are dated and sourced."""
    records = [c.record for c in dataset.clusters]
    counts = [r["members"] for r in records if (r.get("members") or {}).get("count")]
    years = [m["as_of"] for m in counts if m.get("as_of")]
    dated = [r["status_as_of"] for r in records if r.get("status_as_of")]
    return {
        "member_counts": len(counts),
        "member_counts_with_source": sum(1 for m in counts if m.get("source")),
        "member_counts_as_of": {
            "oldest": min(years, default=None),
            "newest": max(years, default=None),
        },
        "status_dated": len(dated),
        "status_as_of": {
            "oldest": min(dated, default=None),
            "newest": max(dated, default=None),
        },
        "absorbed_organisations": sum(len(r.get("absorbed") or ()) for r in records),
        "unverified_websites": sum(
            1 for r in records if r.get("website") and not r.get("website_verified")
        ),
        "low_confidence": sorted(
            r["id"] for r in records if r.get("confidence") == "low"
        ),
    }
