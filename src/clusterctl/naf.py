"""The INSEE NAF rev. 2 activity codes (APE codes): parsing and labels.

Codes arrive in every spelling: `62.02A`, `6202A`, `62.02a`, `62.02`, `62`.
`parse_naf` folds them to the official form; `lookup` gives the label at any
level (division, group, class, sub-class). The table is the official list of
732 sub-classes shipped as `data/naf-rev2.csv`. Standard library only.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from .i18n import join_clauses, language, ngettext
from .resources import data_file

_CODE = re.compile(r"^(\d{2})(?:\.?(\d)(?:(\d)([A-Z])?)?)?$", re.ASCII)
# NAF rev. 1 (2003/2008) codes are 3 digits + a letter: "72.2A", "722A".
_REV1 = re.compile(r"^\d{2}\.?\d[A-Z]$", re.ASCII)


@dataclass(frozen=True, slots=True)
class NafEntry:
    code: str
    level: str  # division | group | class | subclass
    label: str
    section: str
    section_label: str
    division_label: str


@dataclass(frozen=True, slots=True)
class NafTable:
    entries: dict[str, NafEntry]
    subclasses: tuple[str, ...]

    def children(self, prefix: str) -> list[NafEntry]:
        return [self.entries[c] for c in self.subclasses if c.startswith(prefix)]


@lru_cache(maxsize=8192)
def parse_naf(text: str) -> str | None:
    """Official spelling of a NAF code, or None when it is not shaped like one."""
    raw = re.sub(r"[\s_\-]", "", str(text)).upper().replace(",", ".")
    match = _CODE.match(raw)
    if not match:
        return None
    division, group, klass, letter = match.groups()
    code = division
    if group:
        code += f".{group}"
        if klass:
            code += klass
            if letter:
                code += letter
    return code


def code_fits(code: str, prefix: str) -> bool:
    """Do two official codes contain one another? `62.02A` fits `62` (its
    division) and `62` fits `62.02A` (one of its sub-classes)."""
    return code.startswith(prefix) or prefix.startswith(code)


def looks_like_rev1(text: str) -> bool:
    """True for an old NAF rev. 1 code such as `72.2A` (3 digits and a letter)."""
    return bool(_REV1.match(re.sub(r"\s", "", str(text)).upper()))


def naf_table() -> NafTable:
    """The NAF table; the labels of groups and classes with several sub-classes
    are written in the language in use."""
    return _naf_table(language())


@cache
def _naf_table(lang: str) -> NafTable:
    entries: dict[str, NafEntry] = {}
    subclasses = []
    with data_file("naf-rev2.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["code"]
            subclasses.append(code)
            common = (
                row["section"],
                row["section_label"].strip(),
                row["division_label"].strip(),
            )
            entries[code] = NafEntry(code, "subclass", row["label"].strip(), *common)
            entries.setdefault(
                row["division"],
                NafEntry(row["division"], "division", common[2], *common),
            )
            for level, key in (("group", "group"), ("class", "class")):
                entries.setdefault(row[key], NafEntry(row[key], level, "", *common))
    _label_groups_and_classes(entries, subclasses)
    return NafTable(entries, tuple(subclasses))


def _label_groups_and_classes(
    entries: dict[str, NafEntry], subclasses: list[str]
) -> None:
    """The CSV labels sub-classes and divisions; a class or group with a single
    sub-class takes its label, others are described by their sub-classes."""
    under: dict[str, list[str]] = {}
    for code in subclasses:
        under.setdefault(code[:4], []).append(code)  # group "62.0"
        under.setdefault(code[:5], []).append(code)  # class "62.02"
    for code, entry in list(entries.items()):
        if entry.label:
            continue
        subs = under.get(code, [])
        if len(subs) == 1:
            label = entries[subs[0]].label
        else:
            labels = [entries[c].label for c in subs[:3]]
            if len(subs) > 3:
                more = ngettext("and {count} more", "and {count} more", len(subs) - 3)
                labels.append(more.format(count=len(subs) - 3))
            label = join_clauses(labels)
        entries[code] = NafEntry(
            code,
            entry.level,
            label,
            entry.section,
            entry.section_label,
            entry.division_label,
        )


def lookup(code: str) -> NafEntry | None:
    """The entry for a code in any spelling, or None when it does not exist."""
    parsed = parse_naf(code)
    return naf_table().entries.get(parsed) if parsed else None


def suggest_naf(text: str, limit: int = 3) -> list[str]:
    """Existing codes closest to `text`, for an error message: exactly
    `difflib.get_close_matches(code, codes, limit, 0.5)`, computed fast (a
    register may hold millions of unknown codes). difflib's ratio never
    exceeds the longest-common-subsequence ratio, which rapidfuzz computes for
    every code at once; codes are tried best bound first, and the search stops
    once no bound can reach the `limit`-th best ratio found."""
    import heapq
    from difflib import SequenceMatcher

    from rapidfuzz import fuzz, process

    raw = re.sub(r"[\s.]", "", str(text)).upper()
    keys = _naf_keys()
    cutoff = 0.5
    bounds = process.extract(
        raw,
        list(keys),
        scorer=fuzz.ratio,
        processor=None,
        limit=None,
        score_cutoff=100 * cutoff - 1e-6,
    )
    matcher = SequenceMatcher()
    matcher.set_seq2(raw)
    found: list[tuple[float, str]] = []
    for key, bound, _index in bounds:  # best bound first
        if len(found) >= limit and bound / 100 + 1e-9 < found[0][0]:
            break
        matcher.set_seq1(key)
        ratio = matcher.ratio()
        if ratio >= cutoff:
            heapq.heappush(found, (ratio, key))
            if len(found) > limit:
                heapq.heappop(found)
    close = [key for _ratio, key in heapq.nlargest(limit, found)]
    if not close and len(raw) >= 2 and raw[:2] in keys:
        close = [raw[:2]]
    return [keys[c] for c in close]


@cache
def _naf_keys() -> dict[str, str]:
    """Code without its dot -> code, in the table's order (the same codes in
    every language)."""
    return {c.replace(".", ""): c for c in naf_table().entries}
