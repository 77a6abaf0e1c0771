"""Commune names as people write them: "St" for "Saint", articles, arrondissements
("Paris 13e"), a trailing "CEDEX" or "France", a département or region after the
name ("Saint-Denis La Réunion")."""

from __future__ import annotations

import re
from functools import lru_cache

from .gazetteer import Row, load_gazetteer
from .tables import (
    Department,
    Region,
    resolve_department,
    resolve_region,
    strip_article,
)

_SAINTS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_ARRONDISSEMENT = re.compile(
    r"(paris|lyon|marseille) (\d{1,2}) ?(?:er|e|eme|ere|em|nd|d)?"
    r"(?: (?:arr|arrt|arrdt|arrondissement))?"
)
_ARRONDISSEMENT_BASE = {
    "paris": (75100, 20),
    "lyon": (69380, 9),
    "marseille": (13200, 16),
}
_NOISE = re.compile(r"(?: cedex(?: \d{1,2})?| france)+$")
CEDEX = re.compile(r"(?:^| )cedex(?: \d{1,2})?$")


@lru_cache(maxsize=4096)
def name_candidates(key: str) -> list[Row]:
    """Gazetteer rows whose name matches `key` (normalised), current communes first.

    Tried as given, then without a trailing "CEDEX nn" or "France" (but
    "Puiseux-en-France" is a name).
    """
    rows = _rows_named(key)
    if not rows:
        stripped = _NOISE.sub("", key).strip()
        rows = _rows_named(stripped) if stripped and stripped != key else []
    current = [r for r in rows if r.kind in "ca"]
    if current:
        return current
    # Former communes: one per parent (a commune déléguée may repeat its parent's name).
    return list({r.parent: r for r in rows}.values())


#: Words that begin thousands of names: never read as the short form of one.
_NOT_SHORT = frozenset(("saint", "sainte", "saints", "saintes", "le", "la", "les", "l"))


@lru_cache(maxsize=4096)
def longer_names(key: str) -> list[Row]:
    """Current communes whose name is `key` followed by more words: "Aix" may mean
    Aix-en-Provence or Aix-les-Bains as well as the village of Aix (Corrèze)."""
    saints = " ".join(_SAINTS.get(word, word) for word in key.split())
    if len(saints) < 3 or saints in _NOT_SHORT or _ARRONDISSEMENT.fullmatch(key):
        return []
    return [r for r in load_gazetteer().starting_with(saints) if r.kind == "c"]


def _rows_named(key: str) -> list[Row]:
    """Exact; "St" -> "Saint"; with or without a leading article; without spaces."""
    gaz = load_gazetteer()
    match = _ARRONDISSEMENT.fullmatch(key)
    if match:
        base, count = _ARRONDISSEMENT_BASE[match.group(1)]
        number = int(match.group(2))
        row = gaz.insee(str(base + number)) if 1 <= number <= count else None
        return [row] if row else []
    saints = " ".join(_SAINTS.get(word, word) for word in key.split())
    bare = strip_article(saints)
    for candidate in dict.fromkeys(
        (key, saints, bare, *(a + bare for a in ("le ", "la ", "les ", "l ")))
    ):
        rows = gaz.named(candidate)
        if rows:
            return rows
    return gaz.named_compact(saints.replace(" ", ""))


def split_place_hint(key: str) -> tuple[str, Department | None, Region | None] | None:
    """`"saint denis la reunion"` -> ("saint denis", None, La Réunion)."""
    words = key.split()
    for i in range(len(words) - 1, 0, -1):
        head, tail = " ".join(words[:i]), " ".join(words[i:])
        if tail == "france":
            return head, None, None
        dept = resolve_department(tail)
        region = None if dept else resolve_region(tail)
        if (dept or region) and name_candidates(head):
            return head, dept, region
    return None


def shown(key: str) -> str:
    """A normalised name as people write it: "nowhere sur mer" -> "Nowhere Sur Mer"."""
    return " ".join(word.capitalize() for word in key.split())
