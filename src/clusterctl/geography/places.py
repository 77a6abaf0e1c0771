"""`Place`, the resolver's answer, built from a gazetteer row, a département or
a region, with the notes that say how."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import NamedTuple

from clusterctl.i18n import _, join_clauses

from .gazetteer import Row, coordinates, department_code, load_gazetteer, population
from .tables import Department, Region, load_tables, resolve_department


class PlaceWarning(NamedTuple):
    """What the user must be told about how an input was placed: `ambiguous_place`
    (a name shared by several communes, or short for longer names: which one was
    taken and why), `conflicting_place` (fields that disagree: which one was kept) or
    `unknown_place` (a city not found: what placed the input instead)."""

    code: str
    text: str


@dataclass(frozen=True, slots=True)
class Place:
    """Where an input was placed, how (`note`), and what the user should be told
    (`warnings`)."""

    city: str | None
    postal_code: str | None
    insee_code: str | None
    department: str | None
    region: str | None
    lat: float | None
    lon: float | None
    resolved_from: str
    ambiguous: bool
    note: str | None
    warnings: tuple[PlaceWarning, ...] = ()


def warned(place: Place | None, code: str, text: str) -> Place | None:
    """`place` with one more warning (None stays None)."""
    if place is None:
        return None
    return replace(place, warnings=(*place.warnings, PlaceWarning(code, text)))


def describe(place: Place) -> str:
    """Where a place was put, in a few words: "Bordeaux (33)", "Gironde (33)",
    "Bretagne"."""
    if place.city:
        return f"{place.city} ({place.department})"
    dept = resolve_department(place.department) if place.department else None
    if dept is not None:
        return f"{dept.name} ({dept.code})"
    return place.region or "?"


def commune_place(
    row: Row,
    resolved_from: str,
    postal_code: str | None = None,
    *,
    ambiguous: bool = False,
    notes: tuple[str, ...] = (),
) -> Place:
    """A `Place` for a gazetteer row; former communes are reported as their parent."""
    lat, lon = coordinates(row)
    extra = list(notes)
    current = row
    parent = load_gazetteer().insee(row.parent) if row.parent else None
    if row.kind in "dx" and parent is not None:
        if parent.name != row.name:
            former = _("{name} is a former commune, now part of {commune}")
            extra.append(former.format(name=row.name, commune=parent.name))
        current = parent
    elif row.kind == "a":
        city = parent.name if parent else row.name
        part = _("{name} is a municipal arrondissement of {city}")
        extra.append(part.format(name=row.name, city=city))
    if postal_code is None:
        postal_code = current.postal_codes.split(" ", 1)[0] or None
    dept = department_code(current.insee)
    department = resolve_department(dept)
    return Place(
        city=current.name,
        postal_code=postal_code,
        insee_code=current.insee,
        department=dept,
        region=department.region if department else None,
        lat=lat,
        lon=lon,
        resolved_from=resolved_from,
        ambiguous=ambiguous,
        note=join_clauses(extra) or None,
    )


def department_place(
    dept: Department, postal_code: str | None = None, note: str | None = None
) -> Place:
    """A département placed at its chef-lieu."""
    chef_lieu = load_tables().department_chef_lieu[dept.code]
    text = _("placed at the chef-lieu of {department} ({code}), {chef_lieu}").format(
        department=dept.name, code=dept.code, chef_lieu=chef_lieu
    )
    return Place(
        None, postal_code, None, dept.code, dept.region, dept.lat, dept.lon,
        "department", False, join_clauses((note, text)) if note else text,
    )  # fmt: skip


def region_place(region: Region, note: str | None = None) -> Place:
    """A region placed at its chef-lieu."""
    chef_lieu = load_tables().region_chef_lieu[region.name]
    text = _("placed at the chef-lieu of {region}, {chef_lieu}").format(
        region=region.name, chef_lieu=chef_lieu
    )
    return Place(
        None, None, None, None, region.name, region.lat, region.lon,
        "region", False, join_clauses((note, text)) if note else text,
    )  # fmt: skip


def took_most_populous(commune: str, department: str) -> str:
    """The clause saying which of several communes was taken."""
    return _("took the most populous, {commune} ({department})").format(
        commune=commune, department=department
    )


def postal_code_would_settle() -> str:
    return _("a postal code or département would settle it")


def choose(
    rows: list[Row],
    resolved_from: str,
    label: Callable[[int], str],
    postal_code: str | None = None,
    notes: tuple[str, ...] = (),
) -> Place:
    """The most populous of `rows`, with a note when there was a choice.

    `label(count)` says what the communes have in common, as a clause ("3
    communes share postal code 01000"). A shared name is ambiguous; a shared
    postal code only when its communes lie in different départements (otherwise
    département and region are certain).
    """
    best = max(rows, key=population)
    if len(rows) == 1:
        return commune_place(best, resolved_from, postal_code, notes=notes)
    where = department_code(best.insee)
    shared = label(len(rows))
    took = _("took the most populous ({commune}, {department})").format(
        commune=best.name, department=where
    )
    note = join_clauses((shared, took))
    ambiguous = resolved_from != "postal_code" or (
        len({department_code(r.insee) for r in rows}) > 1
    )
    place = commune_place(
        best, resolved_from, postal_code, ambiguous=ambiguous, notes=(*notes, note)
    )
    if not ambiguous:
        return place
    settle = (
        _("a city would settle it")
        if resolved_from == "postal_code"
        else postal_code_would_settle()
    )
    text = join_clauses((shared, took_most_populous(best.name, where), settle))
    return replace(place, warnings=(PlaceWarning("ambiguous_place", text),))
