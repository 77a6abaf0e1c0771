"""The cluster filters shared by `list` and `map`: options and their resolution.

Both commands declare the same options with these `Annotated` types and turn
them into one `query.Filters` with `resolve_filters()`, so a filter means the
same thing, and fails with the same message, everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from clusterctl.errors import UsageError
from clusterctl.i18n import N_, _

from .common import note

if TYPE_CHECKING:
    from clusterctl.dataset import Dataset
    from clusterctl.query import Filters

Repeat = list[str] | None

SectorFilter = Annotated[
    Repeat,
    typer.Option(
        "--sector",
        "-s",
        metavar="SECTOR",
        help=N_(
            "Sector id or word, English or French (repeatable; "
            "a parent includes its children)."
        ),
    ),
]
RegionFilter = Annotated[
    Repeat,
    typer.Option(
        "--region",
        "-r",
        metavar="REGION",
        help=N_("Region: name, code, abbreviation or pre-2016 name (repeatable)."),
    ),
]
CityFilter = Annotated[
    Repeat,
    typer.Option("--city", metavar="CITY", help=N_("HQ city (repeatable).")),
]
KeywordFilter = Annotated[
    Repeat,
    typer.Option(
        "--keyword",
        "-k",
        metavar="WORD",
        help=N_("Keyword of the cluster (repeatable)."),
    ),
]
MemberTypeFilter = Annotated[
    Repeat,
    typer.Option(
        "--member-type",
        metavar="TYPE",
        help=N_(
            "startup, sme, midcap, large, research, academic, public (repeatable)."
        ),
    ),
]
StatusFilter = Annotated[
    Repeat,
    typer.Option(
        "--status",
        metavar="STATE",
        help=N_(
            "Label on today's date: current (incl. probation within its "
            "term), probation, lapsed, unconfirmed, doubtful (lapsed or "
            "unconfirmed), merged, or all (repeatable). Default: every cluster "
            "that is not merged."
        ),
    ),
]
NearFilter = Annotated[
    str | None,
    typer.Option(
        "--near",
        metavar="PLACE",
        help=N_(
            "Commune, postal code, département or region to measure "
            "distances from (list adds distance_km and sorts by it)."
        ),
    ),
]
RadiusFilter = Annotated[
    float | None,
    typer.Option(
        "--radius",
        metavar="KM",
        min=0,
        help=N_("With --near, keep clusters whose HQ is within KM."),
    ),
]


def resolve_filters(
    dataset: Dataset,
    *,
    sector: Repeat = None,
    region: Repeat = None,
    city: Repeat = None,
    keyword: Repeat = None,
    member_type: Repeat = None,
    status: Repeat = None,
    near: str | None = None,
    radius: float | None = None,
) -> Filters:
    """Every filter value resolved against its vocabulary (UsageError if unknown)."""
    from clusterctl import query
    from clusterctl.labels import resolve_statuses
    from clusterctl.text import normalize

    filters = query.Filters(
        sectors=query.resolve_sectors(sector or []),
        regions=query.resolve_regions(region or []),
        cities=query.resolve_cities(dataset, city or []),
        keywords=[k for k in (normalize(k) for k in keyword or []) if k],
        member_types=query.resolve_choice(
            "member type", member_type or [], query.MEMBER_TYPES
        ),
        statuses=resolve_statuses(status) if status else query.LABELLED,
        near=resolve_near(near) if near else None,
        radius_km=radius,
    )
    if radius is not None and near is None:
        raise UsageError(_("--radius needs --near PLACE"))
    return filters


def resolve_near(text: str) -> Any:
    """The `--near` place, with a point (UsageError otherwise)."""
    from clusterctl import geography

    place = geography.resolve_place(text)
    if place is None or place.lat is None:
        message = _(
            "cannot place '{place}' (try a commune, postal code, département or region)"
        )
        raise UsageError(message.format(place=text))
    if place.note:
        note(place.note)
    return place
