"""`resolve_place`: free text or structured fields to a `Place`.

The most specific field wins and the others narrow it down; results are cached
twice, on the raw inputs and on their normalised form.
"""

from __future__ import annotations

import re
from functools import lru_cache

from clusterctl.text import normalize

from .gazetteer import Row, department_code, load_gazetteer
from .names import CEDEX, name_candidates, split_place_hint
from .places import Place, choose, commune_place, department_place, region_place
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
    code: str | None, dept: Department | None, region: Region | None, note: str
) -> Place | None:
    """When the commune cannot be placed: postal code, then département, then region."""
    if code:
        return _by_postal_code(code, dept, (note,))
    if dept is not None:
        return department_place(dept, None, note)
    if region is not None:
        return region_place(region, note)
    return None


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
    if not rows:
        return _fallback(code, dept, region, f"no commune named {key!r} found")
    name = rows[0].name
    notes: tuple[str, ...] = ()
    if code:
        with_code = _with_postal_code(rows, code)
        if with_code:
            label = f"named {name} have postal code {code}"
            return choose(with_code, "commune", label, code)
        if load_gazetteer().postal(code):
            note = (
                f"no commune named {name} has postal code {code}; used the postal code"
            )
            return _by_postal_code(code, dept, (note,))
        prefix = department_of_postal_code(code)
        rows = [r for r in rows if department_code(r.insee) == prefix]
        if not rows:
            note = f"no commune named {name} where postal code {code} points"
            return _fallback(code, dept, region, note)
        notes = (f"postal code {code} is a CEDEX or unlisted code",)
    if dept is not None:
        rows = [r for r in rows if department_code(r.insee) == dept.code]
        if not rows:
            return _fallback(
                code, dept, region, f"no commune named {name} in {dept.name}"
            )
    if region is not None:
        rows = [r for r in rows if _region_of(r) == region.name]
        if not rows:
            return _fallback(
                code, None, region, f"no commune named {name} in {region.name}"
            )
    return choose(rows, "commune", f"are named {name}", code, notes)


def _region_of(row: Row) -> str | None:
    dept = resolve_department(department_code(row.insee))
    return dept.region if dept else None


def _resolve_fields(fields: _Fields) -> Place | None:
    """Keyword form: the most specific field wins, the others narrow it down."""
    insee = fields["insee_code"]
    if insee and (place := _by_insee(insee)):
        return place
    dept = resolve_department(fields["department"] or "")
    region = resolve_region(fields["region"] or "")
    code, city = fields["postal_code"], fields["city"]
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
