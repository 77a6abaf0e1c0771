"""Placing a commune by its name, with whatever postal code, département or region
came with it: homonyms, short names ("Aix"), and fields that disagree."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from clusterctl.i18n import _, join_clauses, ngettext, pgettext

from .codes import (
    by_postal_code,
    fallback,
    kept_postal_code,
    unlisted_postal_code,
    with_postal_code,
)
from .gazetteer import Row, department_code, load_gazetteer, population
from .names import longer_names, name_candidates, shown
from .places import (
    Place,
    PlaceWarning,
    choose,
    commune_place,
    describe,
    postal_code_would_settle,
    took_most_populous,
    warned,
)
from .postal import department_of_postal_code
from .tables import Department, Region, resolve_department


def by_city(
    key: str, code: str | None, dept: Department | None, region: Region | None
) -> Place | None:
    """A commune by name, narrowed by whatever postal code, département or region."""
    rows = name_candidates(key)
    name = rows[0].name if rows else shown(key)
    unknown = PlaceWarning(
        "unknown_place", _("no commune named {name}").format(name=name)
    )
    not_found = _("no commune named {name} found").format(name=name)
    notes: tuple[str, ...] = ()
    if code:
        with_code = with_postal_code(rows, code) or with_postal_code(
            longer_names(key), code
        )  # "Aix" with 13100 is Aix-en-Provence
        if with_code:
            return choose(with_code, "commune", _named_with_code(name, code), code)
        if not rows:
            return fallback(code, dept, region, not_found, unknown)
        if load_gazetteer().postal(code):
            return _conflict(rows, name, code, dept, region)
        prefix = department_of_postal_code(code)
        rows = [r for r in rows if department_code(r.insee) == prefix]
        if not rows:
            note = _("no commune named {name} where postal code {code} points")
            not_its = PlaceWarning("conflicting_place", _not_its(code, name))
            return fallback(
                code, dept, region, note.format(name=name, code=code), not_its
            )
        notes = (unlisted_postal_code(code),)
    exact = _narrow(rows, dept, region)
    if not code:
        longer = _narrow(longer_names(key), dept, region)
        if longer and _longer_wins(exact, longer):
            return _short_name(key, exact, longer, dept, region)
    if not rows:
        return fallback(code, dept, region, not_found, unknown)
    if not exact:
        narrower = dept if dept is not None and not _narrow(rows, dept, None) else None
        if narrower is not None:
            text = pgettext("département", "no commune named {name} in {area}")
        elif region is not None:
            text = pgettext("region", "no commune named {name} in {area}")
        else:
            text = _("no commune named {name} in {area}")
        where = narrower.name if narrower else region.name if region else "?"
        text = text.format(name=name, area=where)
        return fallback(
            code, narrower, region, text, PlaceWarning("conflicting_place", text)
        )
    return choose(exact, "commune", _named(name), code, notes)


def _named(name: str) -> Callable[[int], str]:
    def label(count: int) -> str:
        return _("{count} communes are named {name}").format(count=count, name=name)

    return label


def _named_with_code(name: str, code: str) -> Callable[[int], str]:
    def label(count: int) -> str:
        text = _("{count} communes named {name} have postal code {code}")
        return text.format(count=count, name=name, code=code)

    return label


def _not_its(code: str, name: str) -> str:
    return _("postal code {code} is not {name}'s").format(code=code, name=name)


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
    area = dept.name if dept else region.name if region else None
    if len(pool) == 1:
        if dept:
            none = pgettext("département", "no commune is named {name} in {area}")
        elif region:
            none = pgettext("region", "no commune is named {name} in {area}")
        else:
            none = _("no commune is named {name}")
        took = _("took {commune} ({department}), whose name starts with it")
        text = join_clauses(
            (
                none.format(name=shown, area=area),
                took.format(commune=best.name, department=where),
            )
        )
    else:
        names = ", ".join(r.name for r in reversed(pool[-3:]))
        if len(pool) > 3:
            more = ngettext(
                "{communes} and {count} more",
                "{communes} and {count} more",
                len(pool) - 3,
            )
            names = more.format(communes=names, count=len(pool) - 3)
        many = _("{name} may be any of {count} communes ({communes})").format(
            name=shown, count=len(pool), communes=names
        )
        if dept:
            took = pgettext(
                "département",
                "took the most populous in {area}, {commune} ({department})",
            ).format(area=area, commune=best.name, department=where)
        elif region:
            took = pgettext(
                "region", "took the most populous in {area}, {commune} ({department})"
            ).format(area=area, commune=best.name, department=where)
        else:
            took = took_most_populous(best.name, where)
        text = join_clauses((many, took, postal_code_would_settle()))
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
    note = _("no commune named {name} has postal code {code}").format(
        name=name, code=code
    )
    agree = _narrow(rows, dept, region) if dept or region else []
    code_dept = resolve_department(department_of_postal_code(code) or "")
    code_fits = code_dept is not None and (
        (dept is None or code_dept.code == dept.code)
        and (region is None or code_dept.region == region.name)
    )
    if agree and not code_fits:
        kept = choose(agree, "commune", _named(name), None, (note,))
        given = dept.name if dept else region.name if region else ""
        city = _("kept the city, which agrees with {area}: {place}").format(
            area=given, place=describe(kept)
        )
        text = join_clauses((_not_its(code, name), city))
        return warned(kept, "conflicting_place", text)
    used = join_clauses((note, _("used the postal code")))
    place = by_postal_code(code, dept, (used,))
    if place is None:
        return None
    kept_code = kept_postal_code().format(place=describe(place))
    text = join_clauses((_not_its(code, name), kept_code))
    return warned(place, "conflicting_place", text)


def region_of(row: Row) -> str | None:
    dept = resolve_department(department_code(row.insee))
    return dept.region if dept else None
