"""`clusterctl list` filters: resolve each value once, then test every cluster.

One flag repeated means OR, different flags mean AND. Every value is resolved
against its vocabulary first (sector taxonomy, regions, member types,
statuses), and an unknown value is a `UsageError` naming the closest valid ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from . import vocabulary
from .errors import UsageError
from .i18n import _
from .labels import STATUS_GROUPS
from .text import normalize

if TYPE_CHECKING:
    import datetime as dt

    from .dataset import ClusterRecord, Dataset
    from .geography import Place

#: The default: every cluster whose label is not merged, current or doubtful.
LABELLED = STATUS_GROUPS["labelled"]
MEMBER_TYPES = vocabulary.MEMBER_TYPES


class Filters:
    """Resolved filter values (a plain class: it is built on every `list`)."""

    def __init__(
        self,
        sectors: set[str] | None = None,  # expanded with descendants
        regions: set[str] | None = None,
        cities: set[str] | None = None,  # normalised
        keywords: list[str] | None = None,  # normalised
        member_types: set[str] | None = None,
        statuses: frozenset[str] | None = None,  # label states on the date
        near: Place | None = None,
        radius_km: float | None = None,
    ) -> None:
        self.sectors = sectors or set()
        self.regions = regions or set()
        self.cities = cities or set()
        self.keywords = keywords or []
        self.member_types = member_types or set()
        self.statuses = statuses if statuses is not None else LABELLED
        self.near = near
        self.radius_km = radius_km


def _unknown(kind: str, value: str) -> str:
    """ "unknown region 'x'": the start of an error, for each kind of value."""
    if kind == "region":
        return _("unknown region '{value}'").format(value=value)
    if kind == "city":
        return _("unknown city '{value}'").format(value=value)
    if kind == "member type":
        return _("unknown member type '{value}'").format(value=value)
    return _("unknown {kind} '{value}'").format(kind=kind, value=value)


def _did_you_mean(kind: str, value: str, options: Sequence[str]) -> UsageError:
    error = _unknown(kind, value)
    if not options:
        return UsageError(error)
    choices = ", ".join(repr(o) for o in options)
    message = _("{error} (did you mean {choices}?)")
    return UsageError(message.format(error=error, choices=choices))


def _close(value: str, choices: Iterable[str], limit: int = 3) -> list[str]:
    import difflib

    by_key = {normalize(c): c for c in choices}
    close = difflib.get_close_matches(
        normalize(value), list(by_key), n=limit, cutoff=0.5
    )
    return [by_key[c] for c in close]


def resolve_sectors(values: Sequence[str]) -> set[str]:
    if not values:
        return set()
    from .taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    wanted: set[str] = set()
    for value in values:
        sector = taxonomy.resolve(value)
        if sector is None:
            message = _("unknown sector '{value}'{hint}")
            hint = taxonomy.did_you_mean(value)
            raise UsageError(message.format(value=value, hint=hint))
        wanted |= taxonomy.descendants(sector)
    return wanted


def resolve_regions(values: Sequence[str]) -> set[str]:
    if not values:
        return set()
    from . import geography

    names = set()
    for value in values:
        region = geography.resolve_region(value)
        if region is None:
            raise _did_you_mean("region", value, geography.suggest_regions(value))
        names.add(region.name)
    return names


def resolve_choice(
    kind: str, values: Sequence[str], choices: Sequence[str]
) -> set[str]:
    out: set[str] = set()
    for value in values:
        key = normalize(value).replace(" ", "-")
        if key not in choices:
            close = _close(value, choices)
            if close:
                raise _did_you_mean(kind, value, close)
            message = _("{error} (valid: {choices})")
            error = _unknown(kind, value)
            raise UsageError(message.format(error=error, choices=", ".join(choices)))
        out.add(key)
    return out


def resolve_cities(dataset: Dataset, values: Sequence[str]) -> set[str]:
    """HQ cities; a real commune with no cluster HQ is fine (it filters to nothing),
    anything else is an error naming the closest HQ cities."""
    if not values:
        return set()
    from . import geography

    known = {normalize(c.hq.city) for c in dataset.clusters}
    out = set()
    for value in values:
        key = normalize(value)
        if key not in known and geography.resolve_place(city=value) is None:
            raise _did_you_mean(
                "city", value, _close(value, {c.hq.city for c in dataset.clusters})
            )
        out.add(key)
    return out


def keep(
    cluster: ClusterRecord, f: Filters, member_types: Sequence[str], label_status: str
) -> bool:
    """Does `cluster` pass every filter? (`label_status`: its label on the date.)"""
    if label_status not in f.statuses:
        return False
    if f.sectors and not f.sectors.intersection(cluster.sectors):
        return False
    if f.regions and not f.regions.intersection(cluster.regions):
        return False
    if f.cities and normalize(cluster.hq.city) not in f.cities:
        return False
    if f.member_types and not f.member_types.intersection(member_types):
        return False
    return not f.keywords or any(_has_keyword(cluster, k) for k in f.keywords)


def _has_keyword(cluster: ClusterRecord, keyword: str) -> bool:
    padded = f" {keyword} "
    return any(padded in f" {normalize(k)} " for k in cluster.keywords)


def distance_to(cluster: ClusterRecord, place: Place) -> float | None:
    from .geography import distance_km

    if place.lat is None or place.lon is None:
        return None
    return round(distance_km(place.lat, place.lon, cluster.hq.lat, cluster.hq.lon), 1)


def filter_clusters(
    dataset: Dataset, f: Filters, on: dt.date | None = None
) -> list[tuple[ClusterRecord, float | None]]:
    """Clusters passing the filters on date `on` (default today), with their
    distance to `f.near` if given."""
    from .labels import dataset_labels

    labels = dataset_labels(dataset, on)
    out = []
    for cluster in dataset.clusters:
        status = labels[cluster.id].status
        if not keep(cluster, f, dataset.member_types(cluster), status):
            continue
        distance = distance_to(cluster, f.near) if f.near else None
        if f.radius_km is not None and (distance is None or distance > f.radius_km):
            continue
        out.append((cluster, distance))
    return out
