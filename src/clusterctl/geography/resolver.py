"""`resolve_place`: free text or structured fields to a `Place`.

The most specific field wins and the others narrow it down; results are cached
twice, on the raw inputs and on their normalised form.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from clusterctl.text import normalize

from .gazetteer import Row, department_code, load_gazetteer, population
from .names import CEDEX, longer_names, name_candidates, split_place_hint
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
from .postal import department_of_postal_code, normalize_postal_code
from .tables import (
    MAX_INPUT,
    Department,
    Region,
    is_signed_number,
    load_tables,
    resolve_department,
    resolve_region,
)

_CACHE_SIZE = 1 << 16

_INSEE = re.compile(r"(?:\d{5}|2[ab]\d{3})", re.ASCII)
_POSTAL_IN_TEXT = re.compile(
    r"(?:^|(?<= ))(\d{5})(?= |$)|^(\d{2} \d{3})(?= |$)", re.ASCII
)
_Fields = dict[str, str | None]


def _by_insee(code: str) -> Place | None:
    row = load_gazetteer().insee(code.upper())
    return commune_place(row, "insee_code") if row else None


def _by_postal_code(
    code: str, dept: Department | None = None, notes: tuple[str, ...] = ()
) -> Place | None:
    """A postal code's commune(s), else a CEDEX code's commune, else its département."""
    gaz = load_gazetteer()
    rows = gaz.postal(code)
    if rows:
        rows = [r for r in rows if r.kind == "a"] or rows  # 75013: the arrondissement
        if dept is not None:
            rows = [r for r in rows if department_code(r.insee) == dept.code] or rows
        return choose(rows, "postal_code", f"share postal code {code}", code, notes)
    row = gaz.cedex(code)
    if row is not None:
        note = f"postal code {code} is a CEDEX code of {row.name}"
        return commune_place(row, "postal_code", code, notes=(*notes, note))
    note = "; ".join((*notes, f"postal code {code} is a CEDEX or unlisted code"))
    dept_code = department_of_postal_code(code)
    found = resolve_department(dept_code) if dept_code else None
    if found is not None:
        return department_place(found, code, note)
    corse = resolve_region("94") if code.startswith("20") else None
    return region_place(corse, note) if corse else None


def _fallback(
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
        place = _by_postal_code(code, dept, (note,))
    elif dept is not None:
        place = department_place(dept, None, note)
    elif region is not None:
        place = region_place(region, note)
    else:
        return None
    if place is None:
        return None
    verb = "placed by" if warning.code == "unknown_place" else "kept"
    text = f"{warning.text}; {verb} the {kept}: {describe(place)}"
    return warned(place, warning.code, text)


def _with_postal_code(rows: list[Row], code: str) -> list[Row]:
    """Rows that have `code`, an arrondissement replacing its city (Paris + 75013)."""
    gaz = load_gazetteer()

    def codes(row: Row) -> list[str]:  # former communes use their commune's codes
        parent = gaz.insee(row.parent) if row.parent and not row.postal_codes else None
        return (parent or row).postal_codes.split()

    cedex = gaz.cedex(code)
    found = [r for r in rows if code in codes(r) or (cedex is not None and cedex is r)]
    arrondissements = [r for r in gaz.postal(code) if r.kind == "a"]
    return [next((a for a in arrondissements if a.parent == r.insee), r) for r in found]


def _by_city(
    key: str, code: str | None, dept: Department | None, region: Region | None
) -> Place | None:
    """A commune by name, narrowed by whatever postal code, département or region."""
    rows = name_candidates(key)
    name = rows[0].name if rows else _shown(key)
    unknown = PlaceWarning("unknown_place", f"no commune named {name}")
    notes: tuple[str, ...] = ()
    if code:
        with_code = _with_postal_code(rows, code) or _with_postal_code(
            longer_names(key), code
        )  # "Aix" with 13100 is Aix-en-Provence
        if with_code:
            label = f"named {name} have postal code {code}"
            return choose(with_code, "commune", label, code)
        if not rows:
            return _fallback(code, dept, region, f"{unknown.text} found", unknown)
        if load_gazetteer().postal(code):
            return _conflict(rows, name, code, dept, region)
        prefix = department_of_postal_code(code)
        rows = [r for r in rows if department_code(r.insee) == prefix]
        if not rows:
            note = f"no commune named {name} where postal code {code} points"
            not_its = PlaceWarning(
                "conflicting_place", f"postal code {code} is not {name}'s"
            )
            return _fallback(code, dept, region, note, not_its)
        notes = (f"postal code {code} is a CEDEX or unlisted code",)
    exact = _narrow(rows, dept, region)
    if not code:
        longer = _narrow(longer_names(key), dept, region)
        if longer and _longer_wins(exact, longer):
            return _short_name(key, exact, longer, dept, region)
    if not rows:
        return _fallback(code, dept, region, f"{unknown.text} found", unknown)
    if not exact:
        narrower = dept if dept is not None and not _narrow(rows, dept, None) else None
        where = narrower.name if narrower else region.name if region else "?"
        text = f"no commune named {name} in {where}"
        return _fallback(
            code, narrower, region, text, PlaceWarning("conflicting_place", text)
        )
    return choose(exact, "commune", f"are named {name}", code, notes)


def _shown(key: str) -> str:
    """A normalised name as people write it: "nowhere sur mer" -> "Nowhere Sur Mer"."""
    return " ".join(word.capitalize() for word in key.split())


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
        rows = [r for r in rows if _region_of(r) == region.name]
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
    place = _by_postal_code(code, dept, (f"{note}; used the postal code",))
    if place is None:
        return None
    text = (
        f"postal code {code} is not {name}'s; kept the postal code: {describe(place)}"
    )
    return warned(place, "conflicting_place", text)


def _region_of(row: Row) -> str | None:
    dept = resolve_department(department_code(row.insee))
    return dept.region if dept else None


def _by_insee_checked(
    code: str, city: str | None, postal_code: str | None
) -> Place | None:
    """An INSEE code's commune; a city or postal code given alongside that is not
    that commune's is set aside, with a warning."""
    place = _by_insee(code)
    if place is None or not (city or postal_code):
        return place
    gaz = load_gazetteer()
    row = gaz.insee(code.upper())
    ids = {place.insee_code, *((row.insee, row.parent) if row else ())} - {"", None}

    def ours(rows: list[Row]) -> bool:  # an arrondissement belongs to its city
        return any(r.insee in ids or r.parent in ids for r in rows)

    disagree = []
    if city and not ours(named := name_candidates(city)):
        disagree.append(f"city {named[0].name if named else _shown(city)}")
    served = gaz.postal(postal_code) if postal_code else []
    if served and not ours(served):
        disagree.append(f"postal code {postal_code}")
    if not disagree:
        return place
    text = (
        f"{' and '.join(disagree)} {'is' if len(disagree) == 1 else 'are'} not INSEE "
        f"code {code.upper()}'s; kept the INSEE code: {describe(place)}"
    )
    return warned(place, "conflicting_place", text)


def _resolve_fields(fields: _Fields) -> Place | None:
    """Keyword form: the most specific field wins, the others narrow it down."""
    insee = fields["insee_code"]
    code, city = fields["postal_code"], fields["city"]
    if insee and (place := _by_insee_checked(insee, city, code)):
        return place
    dept = resolve_department(fields["department"] or "")
    region = resolve_region(fields["region"] or "")
    if city:
        return _by_city(city, code, dept, region)
    if code:
        return _by_postal_code(code, dept)
    if dept is not None:
        return department_place(dept)
    if region is not None:
        return region_place(region)
    return None


def _resolve_text(key: str, fields: _Fields) -> Place | None:
    """Free text: postal code (+ city), INSEE code, département, region, commune.

    Alongside keywords, text that names a commune is taken as the city.
    """
    alone = not any(fields.values())
    match = _POSTAL_IN_TEXT.search(key)
    code = normalize_postal_code(match.group(match.lastindex or 1)) if match else None
    if match and code:
        gaz = load_gazetteer()
        if key == code and not gaz.is_postal_code(code) and (row := gaz.insee(key)):
            note = f"{key} is not a postal code; read as the INSEE code of {row.name}"
            return commune_place(row, "insee_code", notes=(note,))  # "75056": Paris
        after = CEDEX.sub("", key[match.end() :]).strip()  # "31000 Toulouse"
        before = key[: match.start()].strip()  # "Saint-Denis 97400"
        fields["postal_code"] = fields["postal_code"] or code
        fields["city"] = fields["city"] or after or before or None
        return _resolve_fields(fields)
    if _INSEE.fullmatch(key) and (place := _by_insee(key)):
        return place
    if not alone and not fields["city"] and name_candidates(key):
        fields["city"] = key
        return _resolve_fields(fields)
    dept = resolve_department(key)
    if dept is not None:
        if normalize(load_tables().department_chef_lieu[dept.code]) == key:
            fields["city"] = key  # "Paris": the commune rather than the département
        fields["department"] = fields["department"] or dept.code
        return _resolve_fields(fields)
    region = resolve_region(key)
    if region is not None:
        fields["region"] = fields["region"] or region.name
        return _resolve_fields(fields)
    hint = None if name_candidates(key) else split_place_hint(key)
    if hint is not None:
        key, hint_dept, hint_region = hint
        if hint_dept is not None:
            fields["department"] = fields["department"] or hint_dept.code
        if hint_region is not None:
            fields["region"] = fields["region"] or hint_region.name
    fields["city"] = fields["city"] or key
    return _resolve_fields(fields)


@lru_cache(maxsize=_CACHE_SIZE)
def _resolve_normalised(
    text: str | None,
    city: str | None,
    postal_code: str | None,
    insee_code: str | None,
    department: str | None,
    region: str | None,
) -> Place | None:
    """Resolution proper, cached on normalised inputs ("Toulouse" == "TOULOUSE")."""
    fields: _Fields = {
        "city": city, "postal_code": postal_code, "insee_code": insee_code,
        "department": department, "region": region,
    }  # fmt: skip
    return _resolve_text(text, fields) if text else _resolve_fields(fields)


def _clean(value: object) -> str | None:
    """Normalised text of one input, or None when empty, absurdly long, not text,
    or a signed number (`-6` is not département 06)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or len(value) > MAX_INPUT or is_signed_number(value):
        return None
    return normalize(value) or None


@lru_cache(maxsize=_CACHE_SIZE)
def _resolve_raw(
    text: str | None,
    city: str | None,
    postal_code: str | None,
    insee_code: str | None,
    department: str | None,
    region: str | None,
) -> Place | None:
    """First cache level, on the inputs exactly as given: a repeat is a dict lookup."""
    code = normalize_postal_code(postal_code) if postal_code is not None else None
    insee = _clean(insee_code)
    return _resolve_normalised(
        _clean(text), _clean(city), code,
        insee if insee and _INSEE.fullmatch(insee) else None,
        _clean(department), _clean(region),
    )  # fmt: skip


def resolve_place(
    text: str | None = None,
    *,
    city: str | None = None,
    postal_code: str | None = None,
    insee_code: str | None = None,
    department: str | None = None,
    region: str | None = None,
) -> Place | None:
    """Place free text or structured fields; None when nothing resolves.

    Free text is tried as a postal code (optionally followed by a city or "CEDEX nn"),
    an INSEE code, a département, a region, then a commune name ("St Etienne",
    "Villeneuve d'Ascq", "Paris 13e", "Saint-Denis La Réunion"). With keywords, the
    most specific field wins and the others disambiguate; an unknown city falls back
    to the postal code, then the département, then the region (with a note). Homonyms
    resolve to the most populous commune with `ambiguous=True` and a note. Unknown
    postal codes (CEDEX) fall back to their département's chef-lieu. Results are
    cached, first on the raw inputs, then on their normalised form.
    """
    try:
        return _resolve_raw(
            _short(text), _short(city), _short(postal_code), _short(insee_code),
            _short(department), _short(region),
        )  # fmt: skip
    except TypeError:  # unhashable input (a list, a dict): not a place
        return None


def _short(value: str | None) -> str | None:
    """Drop absurdly long inputs before they become cache keys."""
    return None if isinstance(value, str) and len(value) > MAX_INPUT else value
