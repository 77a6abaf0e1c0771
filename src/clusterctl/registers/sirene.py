"""The columns a CSV register may have: ours, or INSEE SIRENE's stock-file
columns, and how SIRENE's alternatives fold into our fields."""

from __future__ import annotations

from typing import Any

from clusterctl.errors import DataFileError
from clusterctl.i18n import _
from clusterctl.text import normalize

from .events import NO_IDENTITY, Reject, Row, Skip

#: Our own CSV columns (lists inside a cell are separated by ';').
PROFILE_COLUMNS = (
    "name",
    "siren",
    "siret",
    "description",
    "sectors",
    "keywords",
    "naf",
    "location",
    "city",
    "postal_code",
    "insee_code",
    "department",
    "region",
    "size",
    "employees",
    "looking_for",
)

#: INSEE SIRENE stock-file columns -> our fields (first non-empty wins).
SIRENE_COLUMNS = {
    "siren": "siren",
    "siret": "siret",
    "denominationunitelegale": "name",
    "denominationusuelleetablissement": "name2",
    "enseigne1etablissement": "name3",
    "nomunitelegale": "name4",
    "prenom1unitelegale": "firstname",
    "activiteprincipaleetablissement": "naf",
    "activiteprincipaleunitelegale": "naf2",
    "nomenclatureactiviteprincipaleetablissement": "naf_nomenclature",
    "nomenclatureactiviteprincipaleunitelegale": "naf2_nomenclature",
    "codepostaletablissement": "postal_code",
    "codecommuneetablissement": "insee_code",
    "libellecommuneetablissement": "city",
    "categorieentreprise": "category",
    "trancheeffectifsunitelegale": "employee_band",
    "trancheeffectifsetablissement": "employee_band2",
    "etatadministratifetablissement": "state",
    "etatadministratifunitelegale": "state2",
}

#: Fields that `finish` folds or checks (several names, NAF nomenclature, state).
_FINISHED = {
    "name2",
    "name3",
    "name4",
    "firstname",
    "naf2",
    "naf2_nomenclature",
    "naf_nomenclature",
    "employee_band2",
    "state",
    "state2",
}
#: SIRENE columns that stand in for another when it is absent.
_ALTERNATES = {
    "name2": "name",
    "name3": "name",
    "naf2": "naf",
    "naf2_nomenclature": "naf_nomenclature",
    "employee_band2": "employee_band",
    "state2": "state",
}


def no_identity_reason() -> str:
    return _("neither a name nor an identifier (siren, siret)")


def map_header(header: list[str], label: str) -> tuple[list[tuple[int, str]], bool]:
    """(column index, our field) for the columns we use, and whether rows need
    `finish` (several name or NAF columns, a state column...)."""
    columns: list[tuple[int, str]] = []
    for i, name in enumerate(header):
        key = name.strip().lstrip("\ufeff")
        folded = key.replace(" ", "").lower()
        if folded in SIRENE_COLUMNS:
            columns.append((i, SIRENE_COLUMNS[folded]))
        elif normalize(key).replace(" ", "_") in PROFILE_COLUMNS:
            columns.append((i, normalize(key).replace(" ", "_")))
    if not columns:
        raise DataFileError(
            _(
                "{file}:1: no known column in the header (expected name, siren, "
                "naf, postal_code... or SIRENE columns such as "
                "denominationUniteLegale)"
            ).format(file=label)
        )
    seen: dict[str, int] = {}
    for i, name in columns:
        if name in seen:  # which cell would count is anybody's guess: refused
            raise DataFileError(
                _(
                    "{file}:1: columns {first} and {second} are both '{field}'; "
                    "keep one"
                ).format(file=label, first=seen[name] + 1, second=i + 1, field=name)
            )
        seen[name] = i
    present = {name for _i, name in columns}
    renamed = []
    for i, name in columns:
        target = _ALTERNATES.get(name)
        if target and target not in present:
            present.add(target)
            name = target
        renamed.append((i, name))
    needs_finish = any(name in _FINISHED for _i, name in renamed)
    return renamed, needs_finish


def finish(line: int, fields: dict[str, Any], raw: str) -> Row | Skip | Reject:
    """Fold SIRENE's alternatives into our fields; skip closed establishments."""
    state = fields.pop("state", None) or fields.pop("state2", None)
    if state and state.upper() in ("F", "C"):
        return Skip(line, _("closed establishment"))
    for alt in ("name2", "name3"):
        value = fields.pop(alt, None)
        if value and not fields.get("name"):
            fields["name"] = value
    surname, first = fields.pop("name4", None), fields.pop("firstname", None)
    if surname and not fields.get("name"):
        fields["name"] = f"{first} {surname}" if first else surname
    naf2 = fields.pop("naf2", None)
    nomenclature = fields.pop("naf_nomenclature", None)
    nomenclature2 = fields.pop("naf2_nomenclature", None)
    if not fields.get("naf") and naf2:
        fields["naf"], nomenclature = naf2, nomenclature2
    if nomenclature and nomenclature.upper().replace(" ", "") not in ("NAFREV2", ""):
        fields["naf_nomenclature"] = nomenclature
    band = fields.pop("employee_band", None) or fields.pop("employee_band2", None)
    if band:
        fields["employee_band"] = band
    if not (fields.get("name") or fields.get("siren") or fields.get("siret")):
        return Reject(line, no_identity_reason(), raw, NO_IDENTITY)
    return Row(line, fields, raw)
