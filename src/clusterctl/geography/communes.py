"""Placing a commune by its name, with whatever postal code, département or region
came with it: homonyms, short names ("Aix"), and fields that disagree."""

from __future__ import annotations

import re
from dataclasses import replace

from .codes import by_postal_code, fallback, with_postal_code
from .gazetteer import Row, department_code, load_gazetteer, population
from .names import longer_names, name_candidates, shown
from .places import Place, PlaceWarning, choose, commune_place, describe, warned
from .postal import department_of_postal_code
from .tables import Department, Region, resolve_department


def by_city(
    key: str, code: str | None, dept: Department | None, region: Region | None
) -> Place | None:
    """A commune by name, narrowed by whatever postal code, département or region."""
    rows = name_candidates(key)
    name = rows[0].name if rows else shown(key)
    unknown = PlaceWarning("unknown_place", f"no commune named {name}")
    notes: tuple[str, ...] = ()
    if code:
        with_code = with_postal_code(rows, code) or with_postal_code(
            longer_names(key), code
        )  # "Aix" with 13100 is Aix-en-Provence
        if with_code:
            label = f"named {name} have postal code {code}"
            return choose(with_code, "commune", label, code)
        if not rows:
            return fallback(code, dept, region, f"{unknown.text} found", unknown)
        if load_gazetteer().postal(code):
            return _conflict(rows, name, code, dept, region)
        prefix = department_of_postal_code(code)
        rows = [r for r in rows if department_code(r.insee) == prefix]
        if not rows:
            note = f"no commune named {name} where postal code {code} points"
            not_its = PlaceWarning(
                "conflicting_place", f"postal code {code} is not {name}'s"
            )
            return fallback(code, dept, region, note, not_its)
        notes = (f"postal code {code} is a CEDEX or unlisted code",)
    exact = _narrow(rows, dept, region)
    if not code:
        longer = _narrow(longer_names(key), dept, region)
        if longer and _longer_wins(exact, longer):
            return _short_name(key, exact, longer, dept, region)
    if not rows:
        return fallback(code, dept, region, f"{unknown.text} found", unknown)
    if not exact:
        narrower = dept if dept is not None and not _narrow(rows, dept, None) else None
        where = narrower.name if narrower else region.name if region else "?"
        text = f"no commune named {name} in {where}"
        return fallback(
            code, narrower, region, text, PlaceWarning("conflicting_place", text)
        )
    return choose(exact, "commune", f"are named {name}", code, notes)


def _first_words(name: str, count: int) -> str:
    """The first `count` words of a name as written: ("Châlons-en-Champagne", 1) ->
    "Châlons"."""
    words = list(re.finditer(r"[^\W_]+", name))
    return name[: words[count - 1].end()] if len(words) >= count else name


def _narrow(
    rows: list[Row], dept: Department | None, region: Region | None
) -> list[Row]:
    if dept is not None:
        rows = [r for r in rows if department_code(r.insee) == dept.code]
    if region is not None:
        rows = [r for r in rows if region_of(r) == region.name]
    return rows


def _longer_wins(exact: list[Row], longer: list[Row]) -> bool:
    """A longer name wins when no commune has the exact name, or when it is more
    populous than the communes the exact name stands for (Aix-en-Provence over the
    village of Aix; Boulogne-Billancourt over the former commune of Boulogne)."""
    if not exact:
        return True
    return max(map(population, longer)) > max(map(_population_of_commune, exact))


def _population_of_commune(row: Row) -> int:
    """A row's population, or for a former commune that of the commune it joined."""
    if row.kind in "dx" and row.parent:
        parent = load_gazetteer().insee(row.parent)
        return population(parent) if parent else 0
    return population(row)


def _short_name(
    key: str,
    exact: list[Row],
    longer: list[Row],
    dept: Department | None,
    region: Region | None,
) -> Place:
    """The most populous commune whose name starts with `key`, with a warning."""
    best = max(longer, key=population)
    shown, where = (
        _first_words(best.name, len(key.split())),
        department_code(best.insee),
    )
    pool = sorted({r.insee: r for r in (*exact, *longer)}.values(), key=population)
    within = f" in {dept.name}" if dept else f" in {region.name}" if region else ""
    if len(pool) == 1:
        text = (
            f"no commune is named {shown}{within}; took {best.name} ({where}), whose "
            "name starts with it"
        )
    else:
        names = ", ".join(r.name for r in reversed(pool[-3:]))
        more = f" and {len(pool) - 3} more" if len(pool) > 3 else ""
        text = (
            f"{shown} may be any of {len(pool)} communes ({names}{more}); took the "
            f"most populous{within}, {best.name} ({where}); a postal code or "
            "département would settle it"
        )
    place = commune_place(best, "commune", ambiguous=len(pool) > 1, notes=(text,))
    return replace(place, warnings=(PlaceWarning("ambiguous_place", text),))


def _conflict(
    rows: list[Row],
    name: str,
    code: str,
    dept: Department | None,
    region: Region | None,
) -> Place | None:
    """A city and a postal code of other communes: the postal code is kept, unless
    a département or region given alongside agrees with the city and not with it."""
    note = f"no commune named {name} has postal code {code}"
    agree = _narrow(rows, dept, region) if dept or region else []
    code_dept = resolve_department(department_of_postal_code(code) or "")
    code_fits = code_dept is not None and (
        (dept is None or code_dept.code == dept.code)
        and (region is None or code_dept.region == region.name)
    )
    if agree and not code_fits:
        kept = choose(agree, "commune", f"are named {name}", None, (note,))
        given = dept.name if dept else region.name if region else ""
        text = (
            f"postal code {code} is not {name}'s; kept the city, which agrees with "
            f"{given}: {describe(kept)}"
        )
        return warned(kept, "conflicting_place", text)
    place = by_postal_code(code, dept, (f"{note}; used the postal code",))
    if place is None:
        return None
    text = (
        f"postal code {code} is not {name}'s; kept the postal code: {describe(place)}"
    )
    return warned(place, "conflicting_place", text)


def region_of(row: Row) -> str | None:
    dept = resolve_department(department_code(row.insee))
    return dept.region if dept else None
