"""Reading and checking the sector taxonomy file (data/sectors.yaml).

The file is validated with the pydantic models (`models.TaxonomyFile`), then
checked across sectors: unique ids, parents and ecosystems that exist, no
cycle. Every problem is `FILE:LINE: path: message`, as for datasets. This runs
only when the taxonomy is read afresh; the cached taxonomy skips it. The models
(pydantic) are imported where they are used, as everywhere outside `models.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .errors import DataFileError
from .i18n import _
from .problems import ERROR, LineOf, Problem, from_validation_error, summarise
from .yamlio import LineFinder, parse, read_text

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .models import TaxonomyFile


def read_taxonomy(path: str) -> dict[str, Any]:
    """The taxonomy file as parsed YAML, once it passed every check; otherwise a
    `DataFileError` listing the problems with their lines."""
    text = read_text(path)
    raw = parse(text, path)
    _model, problems = check_taxonomy_text(text, path, raw)
    errors = [p for p in problems if p.severity == ERROR]
    if errors:
        lines = summarise(errors)
        raise DataFileError("\n".join(lines), problems=lines)
    if not isinstance(raw, dict):  # pragma: no cover - reported above
        raise DataFileError(_("{file}: not a taxonomy").format(file=path))
    return raw


def check_taxonomy_text(
    text: str, label: str, raw: object = None
) -> tuple[TaxonomyFile | None, list[Problem]]:
    """Validate a taxonomy document (`raw`: the text already parsed)."""
    from pydantic import ValidationError

    from .models import TaxonomyFile

    if raw is None:
        raw = parse(text, label)
    lines = LineFinder(text)
    try:
        model = TaxonomyFile.model_validate(raw)
    except ValidationError as exc:
        return None, from_validation_error(exc, label, lines, (), _suggest_key)
    return model, check_sectors(model, label, lines)


def check_sectors(model: TaxonomyFile, label: str, line_of: LineOf) -> list[Problem]:
    """Checks across sectors and ecosystems, each at its line."""
    problems: list[Problem] = []

    def add(loc: tuple[str | int, ...], message: str) -> None:
        path = ".".join(str(p) for p in loc)
        problems.append(Problem(label, line_of(loc), path, message))

    ecosystems: dict[str, int] = {}
    for i, ecosystem in enumerate(model.ecosystems):
        if ecosystem.id in ecosystems:
            text = _("duplicate ecosystem id '{id}' (also item {item})")
            add(
                ("ecosystems", i, "id"),
                text.format(id=ecosystem.id, item=ecosystems[ecosystem.id]),
            )
        ecosystems.setdefault(ecosystem.id, i)
    seen: dict[str, int] = {}
    for i, sector in enumerate(model.sectors):
        if sector.id in seen:
            text = _("duplicate sector id '{id}' (also item {item})")
            add(("sectors", i, "id"), text.format(id=sector.id, item=seen[sector.id]))
        seen.setdefault(sector.id, i)
    # With duplicate ids the tree is ambiguous: cycles are looked for once the
    # duplicates are fixed.
    unique = len(seen) == len(model.sectors)
    parents = {s.id: s.parent for s in model.sectors}
    for i, sector in enumerate(model.sectors):
        here: tuple[str | int, ...] = ("sectors", i)
        if sector.parent is not None and sector.parent not in parents:
            text = _("unknown parent sector '{sector}'")
            add((*here, "parent"), text.format(sector=sector.parent))
        elif unique and _in_cycle(sector.id, parents):
            text = _("sector '{sector}' is its own ancestor")
            add((*here, "parent"), text.format(sector=sector.id))
        if sector.ecosystem is not None and sector.ecosystem not in ecosystems:
            text = _("unknown ecosystem '{ecosystem}'")
            add((*here, "ecosystem"), text.format(ecosystem=sector.ecosystem))
    return problems


def _in_cycle(sector_id: str, parents: dict[str, str | None]) -> bool:
    seen = {sector_id}
    current = parents.get(sector_id)
    while current is not None:
        if current in seen:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def _suggest_key(key: str, parent: Sequence[str | int]) -> str | None:
    import difflib

    from .models import Ecosystem, SectorEntry, SectorNaf, TaxonomyFile, Terms

    path = [p for p in parent if isinstance(p, str)]
    nested: dict[str, type[BaseModel]] = {
        "naf": SectorNaf,
        "synonyms": Terms,
        "words": Terms,
    }
    model: type[BaseModel] = TaxonomyFile
    if path[:1] == ["ecosystems"]:
        model = Ecosystem
    elif path[:1] == ["sectors"]:
        model = nested.get(path[-1], SectorEntry)
    close = difflib.get_close_matches(key, list(model.model_fields), n=1, cutoff=0.6)
    return close[0] if close else None
