"""Register rows resolved by the rules of profiles, value by value.

A row of a CSV register (our columns or SIRENE's) is the profile its cells
spell (`profile_fields`): it is checked by the `Profile` model and resolved by
the functions of `profiles`, so that a company gets the same facts, warnings
and rejection whether it comes as a profile file, an NDJSON or YAML item or a
CSV row. What makes the batch fast is only that each distinct NAF value, place
and size of a register is checked and resolved once (a `Part`), then looked
up; the free text of a row (sectors, keywords, description, wishes) is
resolved row by row. Parts are kept up to PART_LIMIT per kind.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import TYPE_CHECKING

from clusterctl.models import (
    MAX_LIST_ITEM,
    MAX_PLACE_TEXT,
    PART_OF_PROFILE,
    Location,
    Profile,
    missing_to_match,
)
from clusterctl.profiles import (
    Company,
    Warning,
    resolve_location,
    resolve_looking_for,
    resolve_naf_codes,
    resolve_place_fields,
    resolve_size,
    resolve_words,
    thin_warning,
    unnamed_warning,
    warn_if_thin,
    warn_if_unnamed,
)

if TYPE_CHECKING:
    from pydantic import ValidationError

    from clusterctl.geography import Place
    from clusterctl.naf import NafEntry
    from clusterctl.taxonomy import Taxonomy

#: A warning as a batch reports it: (code, text).
Pair = tuple[str, str]
#: Table rows of a company's criteria: sector, naf, geo, member_type.
Indices = tuple[int, int, int, int]

NAF_FIELDS = ("naf", "naf_nomenclature")
PLACE_FIELDS = ("location", "city", "postal_code", "insee_code", "department", "region")
SIZE_FIELDS = ("size", "category", "employee_band", "employees")
TEXT_FIELDS = ("sectors", "keywords", "description", "looking_for")
IDENTITY_FIELDS = ("name", "siren", "siret")
#: Distinct values resolved and kept per kind (NAF, place, size).
PART_LIMIT = 20_000


class RowRejected(Exception):
    """A row that cannot be matched, with the reason a profile would be given."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def rejection_reason(exc: ValidationError) -> str:
    """The first problem of a failed validation, as `field: message`: the
    words `clusterctl match PROFILE` uses, without the file and line (and,
    for a rule on the whole profile, without the row it names by its line)."""
    from clusterctl.problems import error_text, from_validation_error
    from clusterctl.profiles import suggest_field

    first = from_validation_error(exc, "", lambda loc: None, suggest=suggest_field)[0]
    if first.path:
        return f"{first.path}: {first.message}"
    whole = [e for e in exc.errors(include_url=False) if not e["loc"]]
    return error_text(whole[0]) if whole else first.message


def split_list(value: object) -> list[str]:
    """A register cell listing several values: `biotech; medtech`."""
    if not value:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(";") if part.strip()]


def location_value(fields: Mapping[str, str]) -> str | dict[str, str] | None:
    """A row's place as a profile's `location`: the `location` cell alone is
    free text; with any of city, postal_code, insee_code, department, region it
    is a mapping (the `location` cell standing for a missing city)."""
    loc, city, postal, insee, dept, region = (fields.get(k) or "" for k in PLACE_FIELDS)
    if not (city or postal or insee or dept or region):
        return loc or None
    pairs = (
        ("city", city or loc),
        ("postal_code", postal),
        ("insee_code", insee),
        ("department", dept),
        ("region", region),
    )
    return {k: v for k, v in pairs if v}


def profile_fields(fields: Mapping[str, str]) -> dict[str, object]:
    """The profile a register row spells (SIRENE's category, employee band and
    NAF nomenclature, which profiles do not have, left out)."""
    out: dict[str, object] = {
        k: fields[k] for k in (*IDENTITY_FIELDS, "description") if fields.get(k)
    }
    for key in ("sectors", "keywords", "naf", "looking_for"):
        values = split_list(fields.get(key))
        if values:
            out[key] = values
    place = location_value(fields)
    if place:
        out["location"] = place
    for key in ("size", "employees"):
        if fields.get(key):
            out[key] = fields[key]
    return out


def check_part(values: Mapping[str, object]) -> Profile:
    """Some fields of a profile checked by the model's rules for them."""
    from pydantic import ValidationError

    try:
        return Profile.model_validate(values, context=PART_OF_PROFILE)
    except ValidationError as exc:
        raise RowRejected(rejection_reason(exc)) from None


def _max_lengths() -> dict[str, int]:
    """A `Location`'s fields and their longest value, read from the model."""
    from annotated_types import MaxLen

    return {
        name: meta.max_length
        for name, info in Location.model_fields.items()
        for meta in info.metadata
        if isinstance(meta, MaxLen)
    }


LOCATION_LENGTHS = _max_lengths()


def plain(value: str, longest: int) -> bool:
    """Text the model would take as it is: printable (so without the control
    characters it refuses) and no longer than its limit. Values that are not
    plain are left to the model, which decides; plain ones skip it (the check
    of each distinct register value is on the batch's hot path)."""
    return len(value) <= longest and value.isprintable()


def checked_place(
    place: str | dict[str, str],
) -> str | Mapping[str, str | None] | None:
    """A row's place as the model takes it, as text or fields (RowRejected
    when it refuses it)."""
    if isinstance(place, str):
        if plain(place, MAX_PLACE_TEXT):
            return place
    elif all(
        plain(v, LOCATION_LENGTHS.get(k, 0)) for k, v in place.items()
    ):  # the fields the model validates, with nothing to convert
        return place
    checked = check_part({"location": place}).location
    if checked is None or isinstance(checked, str):
        return checked
    return checked.model_dump()


class Part:
    """What one distinct value of a register (a NAF cell, a place, a size)
    resolves to: its share of a company, its warnings, its table rows."""

    __slots__ = (
        "described",
        "evidence",
        "naf",
        "naf_given",
        "pairs",
        "places",
        "rows",
        "signal",
        "size",
        "size_from",
        "warnings",
    )

    def __init__(self, probe: Company, rows: Indices, described: bool) -> None:
        self.rows = rows
        self.described = described
        self.signal = bool(probe.evidence or probe.naf)
        self.evidence = probe.evidence
        self.naf: list[NafEntry] = probe.naf
        self.naf_given = probe.naf_given
        self.places: list[Place] = probe.places
        self.size, self.size_from = probe.size, probe.size_from
        self.warnings: list[Warning] = probe.warnings
        self.pairs: list[Pair] = [(w.code, w.text) for w in probe.warnings]

    def add_to(self, company: Company) -> None:
        """Put this part's facts and warnings into `company`, in the order
        `resolve_profile` finds them."""
        company.naf_given.extend(self.naf_given)
        company.naf.extend(self.naf)
        for sid, (_weight, source, term) in self.evidence.items():
            company.add_evidence(sid, source, term)
        company.places.extend(self.places)
        if self.size_from:
            company.size, company.size_from = self.size, self.size_from
        company.warnings.extend(self.warnings)


class Parts:
    """A row without free text: its NAF, place and size parts, put together
    into a `Company` only when output needs one (JSON, explanations)."""

    __slots__ = ("naf", "place", "size")

    def __init__(self, naf: Part, place: Part, size: Part) -> None:
        self.naf, self.place, self.size = naf, place, size

    def company(self, identity: tuple[str, str, str], line: int) -> Company:
        name, siren, siret = identity
        company = Company(name=name or None, siren=siren or None, siret=siret or None)
        company.line = line
        for part in (self.naf, self.place, self.size):
            part.add_to(company)
        warn_if_unnamed(company)
        warn_if_thin(company)
        return company


class RowResolver:
    """Checks and resolves register rows; one per batch matcher. `indices`
    gives the table rows of a (partial) company's criteria."""

    def __init__(self, taxonomy: Taxonomy, indices: Callable[[Company], Indices]):
        self.taxonomy = taxonomy
        self.indices = indices
        self.naf_parts: dict[Hashable, Part | str] = {}
        self.place_parts: dict[Hashable, Part | str] = {}
        self.size_parts: dict[Hashable, Part | str] = {}
        self._thin: dict[tuple[bool, bool], list[Pair]] = {}
        self._unnamed: list[Pair] | None = None

    def caches(self) -> tuple[dict[Hashable, Part | str], ...]:
        return (self.naf_parts, self.place_parts, self.size_parts)

    def clear(self) -> None:
        for cache in self.caches():
            cache.clear()

    # ------------------------------------------------------------ parts
    def part(
        self,
        cache: dict[Hashable, Part | str],
        key: Hashable,
        fields: Callable[[], Mapping[str, str]],
        resolve: Callable[[Company, Mapping[str, str]], bool],
    ) -> Part:
        """The part for `key` (resolved from the row's fields on first sight);
        RowRejected when the value breaks a rule of profiles."""
        part = cache.get(key)
        if part is None:
            if len(cache) >= PART_LIMIT:
                cache.clear()
            probe = Company(name=None)
            try:
                described = resolve(probe, fields())
            except RowRejected as exc:
                cache[key] = exc.reason
                raise
            part = cache[key] = Part(probe, self.indices(probe), described)
        elif isinstance(part, str):
            raise RowRejected(part)
        return part

    def resolve_naf(self, probe: Company, fields: Mapping[str, str]) -> bool:
        codes = split_list(fields.get("naf"))
        if not codes:
            return False
        if not all(plain(code, MAX_LIST_ITEM) for code in codes):
            codes = check_part({"naf": codes}).naf
        nomenclature = fields.get("naf_nomenclature") or None
        resolve_naf_codes(probe, self.taxonomy, codes, nomenclature)
        return True

    @staticmethod
    def resolve_place(probe: Company, fields: Mapping[str, str]) -> bool:
        place = location_value(fields)
        if place is not None:
            checked = checked_place(place)
            if isinstance(checked, str):
                resolve_location(probe, checked)
            elif checked is not None:
                resolve_place_fields(probe, **checked)
        return False

    @staticmethod
    def resolve_size(probe: Company, fields: Mapping[str, str]) -> bool:
        values = {k: fields[k] for k in ("size", "employees") if fields.get(k)}
        model = check_part(values) if values else None
        resolve_size(
            probe,
            model.size.value if model and model.size else None,
            model.employees if model else None,
            fields.get("category") or None,
            fields.get("employee_band") or None,
        )
        return False

    # ------------------------------------------------------------ rows
    @staticmethod
    def check_identity(name: str, siren: str, siret: str) -> None:
        """The identity's rules of profiles (length, no control character):
        the model decides, but is asked only when a value is not plainly
        printable or is longer than the usual (well under the model's limits),
        which keeps the check off the hot path."""
        if (
            len(name) > 100
            or len(siren) > 14
            or len(siret) > 14
            or not (name.isprintable() and siren.isprintable() and siret.isprintable())
        ):
            values = zip(IDENTITY_FIELDS, (name, siren, siret), strict=True)
            check_part({k: v for k, v in values if v})

    def warnings(
        self, name: str, naf: Part, place: Part, size: Part
    ) -> list[Pair] | None:
        """A row without free text: its warnings in `resolve_profile`'s order
        (None: none); RowRejected when it has nothing to match on."""
        if not naf.described:
            raise RowRejected(missing_to_match(True, False) or "")
        thin = self._thin.get((naf.signal, bool(place.places)))
        if thin is None:
            found = thin_warning(naf.signal, 0, bool(place.places))
            thin = [(found.code, found.text)] if found else []
            self._thin[(naf.signal, bool(place.places))] = thin
        if not (naf.pairs or place.pairs or size.pairs or thin or not name):
            return None
        return naf.pairs + place.pairs + size.pairs + self.unnamed(name) + thin

    def unnamed(self, name: str) -> list[Pair]:
        if name:
            return []
        if self._unnamed is None:
            found = unnamed_warning(None)
            self._unnamed = [(found.code, found.text)] if found else []
        return self._unnamed

    def text_company(
        self,
        fields: Mapping[str, str],
        identity: tuple[str, str, str],
        line: int,
        parts: tuple[Part, Part, Part],
    ) -> Company:
        """A row with free text, resolved as `resolve_profile` resolves the
        profile it spells: words row by row, NAF, place and size from parts."""
        values: dict[str, object] = {
            "sectors": split_list(fields.get("sectors")),
            "keywords": split_list(fields.get("keywords")),
            "looking_for": split_list(fields.get("looking_for")),
        }
        if fields.get("description"):
            values["description"] = fields["description"]
        model = check_part(values)
        described = bool(model.description or model.sectors or model.keywords)
        problem = missing_to_match(True, described or parts[0].described)
        if problem:
            raise RowRejected(problem)
        name, siren, siret = identity
        company = Company(
            name=name or None,
            siren=siren or None,
            siret=siret or None,
            description=model.description,
            keywords=list(model.keywords),
            sectors_given=list(model.sectors),
            line=line,
        )
        resolve_words(
            company, self.taxonomy, model.sectors, model.keywords, model.description
        )
        for part in parts:
            part.add_to(company)
        resolve_looking_for(company, model.looking_for)
        warn_if_unnamed(company)
        warn_if_thin(company)
        return company


def profile_company(raw: Mapping[str, object], line: int) -> Company:
    """A profile given as a mapping (an NDJSON or YAML item, a library call),
    checked and resolved; RowRejected when it breaks a rule."""
    from pydantic import ValidationError

    from clusterctl.profiles import resolve_profile

    try:
        model = Profile.model_validate(raw)
    except ValidationError as exc:
        raise RowRejected(rejection_reason(exc)) from None
    return resolve_profile(model, line=line)
