"""`resolve_place`: free text or structured fields to a `Place`.

The most specific field wins and the others narrow it down; results are cached
twice, on the raw inputs and on their normalised form.
"""

from __future__ import annotations

import re
from functools import lru_cache

from clusterctl.i18n import _, language
from clusterctl.text import normalize

from .codes import by_insee, by_insee_checked, by_postal_code
from .communes import by_city
from .gazetteer import load_gazetteer
from .names import CEDEX, name_candidates, split_place_hint
from .places import Place, commune_place, department_place, region_place
from .postal import normalize_postal_code
from .tables import (
    MAX_INPUT,
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


def _resolve_fields(fields: _Fields) -> Place | None:
    """Keyword form: the most specific field wins, the others narrow it down."""
    insee = fields["insee_code"]
    code, city = fields["postal_code"], fields["city"]
    if insee and (place := by_insee_checked(insee, city, code)):
        return place
    dept = resolve_department(fields["department"] or "")
    region = resolve_region(fields["region"] or "")
    if city:
        return by_city(city, code, dept, region)
    if code:
        return by_postal_code(code, dept)
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
            note = _(
                "{code} is not a postal code; read as the INSEE code of {commune}"
            ).format(code=key, commune=row.name)
            return commune_place(row, "insee_code", notes=(note,))  # "75056": Paris
        after = CEDEX.sub("", key[match.end() :]).strip()  # "31000 Toulouse"
        before = key[: match.start()].strip()  # "Saint-Denis 97400"
        fields["postal_code"] = fields["postal_code"] or code
        fields["city"] = fields["city"] or after or before or None
        return _resolve_fields(fields)
    if _INSEE.fullmatch(key) and (place := by_insee(key)):
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
    lang: str,
) -> Place | None:
    """Resolution proper, cached on normalised inputs ("Toulouse" == "TOULOUSE")
    and on the language its notes are written in."""
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
    lang: str,
) -> Place | None:
    """First cache level, on the inputs exactly as given (and the language): a
    repeat is a dict lookup."""
    code = normalize_postal_code(postal_code) if postal_code is not None else None
    insee = _clean(insee_code)
    return _resolve_normalised(
        _clean(text), _clean(city), code,
        insee if insee and _INSEE.fullmatch(insee) else None,
        _clean(department), _clean(region), lang,
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
            _short(department), _short(region), language(),
        )  # fmt: skip
    except TypeError:  # unhashable input (a list, a dict): not a place
        return None


def _short(value: str | None) -> str | None:
    """Drop absurdly long inputs before they become cache keys."""
    return None if isinstance(value, str) and len(value) > MAX_INPUT else value
