"""Placing a commune by its codes: INSEE code, postal code (a CEDEX code, an
unlisted one), and the fallbacks when a name cannot be placed."""

from __future__ import annotations

from collections.abc import Callable

from clusterctl.i18n import _, join_clauses

from .gazetteer import Row, department_code, load_gazetteer
from .names import name_candidates, shown
from .places import (
    Place,
    PlaceWarning,
    choose,
    commune_place,
    department_place,
    describe,
    region_place,
    warned,
)
from .postal import department_of_postal_code
from .tables import Department, Region, resolve_department, resolve_region


def by_insee(code: str) -> Place | None:
    row = load_gazetteer().insee(code.upper())
    return commune_place(row, "insee_code") if row else None


def by_postal_code(
    code: str, dept: Department | None = None, notes: tuple[str, ...] = ()
) -> Place | None:
    """A postal code's commune(s), else a CEDEX code's commune, else its département."""
    gaz = load_gazetteer()
    rows = gaz.postal(code)
    if rows:
        rows = [r for r in rows if r.kind == "a"] or rows  # 75013: the arrondissement
        if dept is not None:
            rows = [r for r in rows if department_code(r.insee) == dept.code] or rows
        return choose(rows, "postal_code", _sharing(code), code, notes)
    row = gaz.cedex(code)
    if row is not None:
        note = _("postal code {code} is a CEDEX code of {commune}").format(
            code=code, commune=row.name
        )
        return commune_place(row, "postal_code", code, notes=(*notes, note))
    note = join_clauses((*notes, unlisted_postal_code(code)))
    dept_code = department_of_postal_code(code)
    found = resolve_department(dept_code) if dept_code else None
    if found is not None:
        return department_place(found, code, note)
    corse = resolve_region("94") if code.startswith("20") else None
    return region_place(corse, note) if corse else None


def _sharing(code: str) -> Callable[[int], str]:
    def label(count: int) -> str:
        text = _("{count} communes share postal code {code}")
        return text.format(count=count, code=code)

    return label


def unlisted_postal_code(code: str) -> str:
    return _("postal code {code} is a CEDEX or unlisted code").format(code=code)


def _action(unknown: bool, kept: str, place: str) -> str:
    """ "kept the postal code: Bordeaux (33)": how a fallback placed the input."""
    if unknown:
        if kept == "postal code":
            text = _("placed by the postal code: {place}")
        elif kept == "département":
            text = _("placed by the département: {place}")
        else:
            text = _("placed by the region: {place}")
    elif kept == "postal code":
        text = kept_postal_code()
    elif kept == "département":
        text = _("kept the département: {place}")
    else:
        text = _("kept the region: {place}")
    return text.format(place=place)


def kept_postal_code() -> str:
    """ "kept the postal code: {place}", to be formatted."""
    return _("kept the postal code: {place}")


def fallback(
    code: str | None,
    dept: Department | None,
    region: Region | None,
    note: str,
    warning: PlaceWarning,
) -> Place | None:
    """When the commune cannot be placed: postal code, then département, then region.
    `warning` begins what the user is told; where the input was put completes it."""
    kept = "postal code" if code else "département" if dept else "region"
    if code:
        place = by_postal_code(code, dept, (note,))
    elif dept is not None:
        place = department_place(dept, None, note)
    elif region is not None:
        place = region_place(region, note)
    else:
        return None
    if place is None:
        return None
    action = _action(warning.code == "unknown_place", kept, describe(place))
    return warned(place, warning.code, join_clauses((warning.text, action)))


def with_postal_code(rows: list[Row], code: str) -> list[Row]:
    """Rows that have `code`, an arrondissement replacing its city (Paris + 75013)."""
    gaz = load_gazetteer()

    def codes(row: Row) -> list[str]:  # former communes use their commune's codes
        parent = gaz.insee(row.parent) if row.parent and not row.postal_codes else None
        return (parent or row).postal_codes.split()

    cedex = gaz.cedex(code)
    found = [r for r in rows if code in codes(r) or (cedex is not None and cedex is r)]
    arrondissements = [r for r in gaz.postal(code) if r.kind == "a"]
    return [next((a for a in arrondissements if a.parent == r.insee), r) for r in found]


def by_insee_checked(
    code: str, city: str | None, postal_code: str | None
) -> Place | None:
    """An INSEE code's commune; a city or postal code given alongside that is not
    that commune's is set aside, with a warning."""
    place = by_insee(code)
    if place is None or not (city or postal_code):
        return place
    gaz = load_gazetteer()
    row = gaz.insee(code.upper())
    ids = {place.insee_code, *((row.insee, row.parent) if row else ())} - {"", None}

    def ours(rows: list[Row]) -> bool:  # an arrondissement belongs to its city
        return any(r.insee in ids or r.parent in ids for r in rows)

    other_city = None
    if city and not ours(named := name_candidates(city)):
        other_city = named[0].name if named else shown(city)
    served = gaz.postal(postal_code) if postal_code else []
    other_code = postal_code if served and not ours(served) else None
    if other_city is None and other_code is None:
        return place
    if other_city is not None and other_code is not None:
        text = _(
            "city {city} and postal code {postal_code} are not INSEE code {code}'s; "
            "kept the INSEE code: {place}"
        )
    elif other_city is not None:
        text = _("city {city} is not INSEE code {code}'s; kept the INSEE code: {place}")
    else:
        text = _(
            "postal code {postal_code} is not INSEE code {code}'s; kept the INSEE "
            "code: {place}"
        )
    found = text.format(
        city=other_city,
        postal_code=other_code,
        code=code.upper(),
        place=describe(place),
    )
    return warned(place, "conflicting_place", found)
