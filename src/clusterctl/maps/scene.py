"""What a map shows, independent of how it is drawn: markers, lines, legend, notes.

`cluster_scene()` turns a list of clusters into markers at their head offices,
sized by member count and coloured by the EU industrial ecosystem of their main
(first) sector; `match_scene()` turns a `match` result into the company's place,
its top matches numbered by rank and lines between them. Renderers (`svg`,
`html`, `text`) draw a `Scene`; none of them knows about clusters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from clusterctl.i18n import (
    _,
    format_date,
    format_decimal,
    format_number,
    join_clauses,
    ngettext,
    pgettext,
)
from clusterctl.taxonomy import load_taxonomy

from .basemap import load_basemap
from .colours import UNKNOWN_COLOUR, ecosystem_colour

if TYPE_CHECKING:
    from clusterctl.dataset import ClusterRecord, Dataset
    from clusterctl.geography import Place

# Marker radius (canvas units of a 960-pixel-wide picture) for a member count:
# the area is proportional to the count, 500 members give 9 units.
SIZE_REFERENCE = (100, 500, 1000)


def marker_radius(members: int | None) -> float:
    """Radius of a head-office marker; an unknown member count gets the smallest."""
    if not members or members <= 0:
        return 3.5
    return max(3.5, min(16.0, 9.0 * math.sqrt(members / 500)))


@dataclass(frozen=True, slots=True)
class Marker:
    key: str  # cluster id
    name: str
    lat: float
    lon: float
    radius: float
    colour: str  # "#rrggbb"
    category: str  # legend entry the colour stands for
    place: str  # head-office city
    details: tuple[str, ...]  # lines for the hover text
    label: str = ""  # drawn in the marker (match ranks)
    members: int | None = None
    region: str = ""
    sector: str = ""  # main sector's label
    status: str = ""


@dataclass(frozen=True, slots=True)
class Origin:
    """The company (match maps) or the --near place (cluster maps)."""

    name: str
    lat: float
    lon: float
    radius_km: float | None = None


@dataclass(frozen=True, slots=True)
class Scene:
    title: str
    subtitle: str
    markers: tuple[Marker, ...]
    legend: tuple[tuple[str, str], ...]  # (colour, category) in display order
    footer: tuple[str, ...]
    origin: Origin | None = None
    lines: bool = False  # draw a line from the origin to each marker
    sized: bool = True  # marker size stands for the member count
    notes: tuple[str, ...] = field(default=())
    entries: tuple[tuple[str, str], ...] = field(default=())  # (label, text) list


def _members(cluster: ClusterRecord) -> int | None:
    members = cluster.record.get("members") or {}
    count = members.get("count") if isinstance(members, Mapping) else None
    return count if isinstance(count, int) else None


def _category(cluster: ClusterRecord) -> tuple[str, str, str]:
    """(colour, ecosystem name, main sector label) of a cluster."""
    taxonomy = load_taxonomy()
    if not cluster.sectors:
        return UNKNOWN_COLOUR, _("No sector recorded"), pgettext("sector", "none")
    main = cluster.sectors[0]
    ecosystem = taxonomy.ecosystem(main)
    name = taxonomy.ecosystem_label(ecosystem or "") or pgettext("ecosystem", "Other")
    return ecosystem_colour(ecosystem), name, taxonomy.label(main)


def cluster_marker(cluster: ClusterRecord, label: str = "") -> Marker:
    from clusterctl.labels import status_text

    colour, category, sector = _category(cluster)
    members = _members(cluster)
    region = cluster.regions[0] if cluster.regions else ""
    if members:
        count = ngettext("{count} member", "{count} members", members).format(
            count=format_number(members)
        )
    else:
        count = _("member count unknown")
    status = _("status {status}").format(status=status_text(cluster.status))
    details = (
        f"{cluster.hq.city} ({region})",
        _("main sector: {sector} ({ecosystem})").format(
            sector=sector, ecosystem=category
        ),
        join_clauses((count, status)),
    )
    return Marker(
        key=cluster.id,
        name=cluster.name,
        lat=cluster.hq.lat,
        lon=cluster.hq.lon,
        radius=marker_radius(members),
        colour=colour,
        category=category,
        place=cluster.hq.city,
        details=details,
        label=label,
        members=members,
        region=region,
        sector=sector,
        status=cluster.status,
    )


def _legend(markers: Sequence[Marker]) -> tuple[tuple[str, str], ...]:
    seen: dict[str, str] = {}
    for marker in sorted(markers, key=lambda m: m.category):
        seen.setdefault(marker.category, marker.colour)
    return tuple((colour, name) for name, colour in seen.items())


def footer_lines(dataset: Dataset) -> tuple[str, ...]:
    """The dataset's date and sources, and the base map's credit."""
    info = dataset.info
    sources = {s for c in dataset.clusters for s in c.record.get("sources") or ()}
    title = info.title or _("clusters")
    licence = f", {info.licence}" if info.licence else ""
    basemap = load_basemap()
    data = ngettext(
        "Data: {title}, dataset {version} of {date}{licence}; sources: {count} "
        "public source cited in the records (clusterctl show ID lists them).",
        "Data: {title}, dataset {version} of {date}{licence}; sources: {count} "
        "public sources cited in the records (clusterctl show ID lists them).",
        len(sources),
    )
    base = _(
        "Base map: {source} ({licence}), simplified; Lambert-93 projection, "
        "overseas regions in insets at their own scale."
    )
    return (
        data.format(
            title=title,
            version=info.version,
            date=format_date(info.date),
            licence=licence,
            count=format_number(len(sources)),
        ),
        base.format(source=basemap.source, licence=basemap.licence),
    )


def cluster_scene(
    dataset: Dataset,
    clusters: Sequence[ClusterRecord],
    *,
    subtitle: str = "",
    near: Place | None = None,
    radius_km: float | None = None,
) -> Scene:
    """Head offices of `clusters`, largest first (so small ones stay visible)."""
    markers = _note_neighbours(
        sorted((cluster_marker(c) for c in clusters), key=lambda m: (-m.radius, m.key))
    )
    origin = None
    if near is not None and near.lat is not None and near.lon is not None:
        name = near.city or near.department or near.region or _("here")
        origin = Origin(name, near.lat, near.lon, radius_km)
    count = len(markers)
    title = ngettext(
        "{count} cluster: head offices", "{count} clusters: head offices", count
    )
    return Scene(
        title=title.format(count=format_number(count)),
        subtitle=subtitle,
        markers=tuple(markers),
        legend=_legend(markers),
        footer=footer_lines(dataset),
        origin=origin,
    )


def _note_neighbours(markers: list[Marker]) -> list[Marker]:
    """Markers at the very same point hide each other: each one's hover text
    names the others."""
    at: dict[tuple[float, float], list[str]] = {}
    for m in markers:
        at.setdefault((m.lat, m.lon), []).append(m.name)
    out = []
    for m in markers:
        others = [n for n in at[(m.lat, m.lon)] if n != m.name]
        if others:
            also = _("same place: {clusters}").format(
                clusters=", ".join(sorted(others, key=str.casefold))
            )
            m = _with(m, (*m.details, also), m.radius)
        out.append(m)
    return out


def match_scene(dataset: Dataset, result: Mapping[str, Any]) -> Scene:
    """A company and its top matches (numbered by rank), with lines to them."""
    company = result.get("company") or {}
    location = company.get("location") or {}
    name = company.get("name") or _("the company")
    markers, notes = [], []
    for match in result.get("matches") or ():
        cluster = dataset.get(match["id"])
        if cluster is None:
            continue
        base = cluster_marker(cluster, label=str(match["rank"]))
        distance = match.get("distance_km")
        away = (
            _("{distance} km away").format(distance=format_decimal(distance, None))
            if distance is not None
            else _("distance unknown")
        )
        rank = _("#{rank}, score {score}/100, {distance}").format(
            rank=match["rank"], score=f"{match['score']:.0f}", distance=away
        )
        details = (rank, *base.details[:2])
        markers.append(_with(base, details, radius=7.0))
    origin = None
    lat, lon = location.get("lat"), location.get("lon")
    if lat is not None and lon is not None:
        where = location.get("city") or location.get("region") or ""
        origin = Origin(f"{name} ({where})" if where else name, lat, lon)
    else:
        unplaced = _("{company}: location not known as a point; no lines drawn")
        notes.append(unplaced.format(company=name))
    markers.sort(key=lambda m: -int(m.label))
    entries = tuple((str(m["rank"]), _entry(m)) for m in result.get("matches") or ())
    title = ngettext(
        "{company}: top {count} cluster",
        "{company}: top {count} clusters",
        len(markers),
    )
    return Scene(
        title=title.format(company=name, count=len(markers)),
        subtitle=_("numbers are ranks; lines join the company to each cluster's HQ"),
        markers=tuple(markers),
        legend=_legend(markers),
        footer=footer_lines(dataset),
        origin=origin,
        lines=origin is not None,
        sized=False,
        notes=tuple(notes),
        entries=entries,
    )


def _entry(match: Mapping[str, Any]) -> str:
    distance = match.get("distance_km")
    score = f"{match['score']:.0f}"
    if distance is None:
        return _("{cluster}: score {score}").format(cluster=match["name"], score=score)
    return _("{cluster}: score {score}, {distance} km").format(
        cluster=match["name"], score=score, distance=f"{distance:.0f}"
    )


def _with(marker: Marker, details: tuple[str, ...], radius: float) -> Marker:
    from dataclasses import replace

    return replace(marker, details=details, radius=radius)
