"""French geography: regions, départements and communes, resolved from what users type.

Profiles locate a company by a postal code, a city, an INSEE code, a département or a
region, spelt in any way; matching needs the region (clusters are regional) and a
point (for distances). This module turns any of those into a `Place`.

Standard library only, and lazy: regions and départements come from a small JSON file
read on first use (about 2 ms), and the ~37,500-line commune gazetteer
(`communes.tsv.gz`) is read only when a commune or postal code must be resolved, so
`clusterctl list --region X` never pays for it. Sources and licences of both files:
`data/GEOGRAPHY-SOURCES.md`; they are rebuilt by `scripts/build_geography.py`.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import NamedTuple

from clusterctl.text import normalize

GEOGRAPHY_FILE = "geography.json"
GAZETTEER_FILE = "communes.tsv.gz"
EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
MAX_INPUT = 300  # longer "place names" are not places; refuse before normalising
_CACHE_SIZE = 1 << 16


@dataclass(frozen=True, slots=True)
class Region:
    """One of the 18 regions; `lat`/`lon` are its chef-lieu's (e.g. Toulouse)."""

    code: str
    iso: str
    name: str
    name_en: str
    abbreviations: tuple[str, ...]
    former_names: tuple[str, ...]
    neighbours: tuple[str, ...]
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Department:
    """One of the 101 départements; `lat`/`lon` are its préfecture's."""

    code: str
    name: str
    region: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Place:
    """Where an input was placed, how, and anything the user should be told."""

    city: str | None
    postal_code: str | None
    insee_code: str | None
    department: str | None
    region: str | None
    lat: float | None
    lon: float | None
    resolved_from: str
    ambiguous: bool
    note: str | None


# --- Data files -----------------------------------------------------------------------
def data_dir() -> Path:
    """The data folder: inside the installed package, else the source checkout's."""
    packaged = Path(__file__).parent / "data"
    if (packaged / GEOGRAPHY_FILE).is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "data"


class _Tables(NamedTuple):
    """Regions and départements with every spelling that resolves to them."""

    regions: tuple[Region, ...]
    departments: tuple[Department, ...]
    region_keys: dict[str, Region]
    department_keys: dict[str, Department]
    department_chef_lieu: dict[str, str]
    region_chef_lieu: dict[str, str]
    bounds: dict[str, tuple[float, ...]]
    metropolitan_cells: dict[int, tuple[tuple[int, int], ...]]


def _strip_article(key: str) -> str:
    """`"la reunion"` -> `"reunion"`: users drop or add leading articles freely."""
    for article in ("le ", "la ", "les ", "l "):
        if key.startswith(article):
            return key[len(article) :]
    return key


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    """Read geography.json once."""
    doc = json.loads((data_dir() / GEOGRAPHY_FILE).read_text(encoding="utf-8"))
    regions, region_keys, region_chef_lieu = [], {}, {}
    for r in doc["regions"]:
        region = Region(
            r["code"], r["iso"], r["name"], r["name_en"], tuple(r["abbreviations"]),
            tuple(r["former_names"]), tuple(r["neighbours"]), r["lat"], r["lon"],
        )  # fmt: skip
        regions.append(region)
        region_chef_lieu[region.name] = r["chef_lieu"]
        spellings = [region.code, region.iso, region.name, region.name_en]
        spellings += [*region.abbreviations, *region.former_names, *r["aliases"]]
        for spelling in spellings:
            region_keys.setdefault(normalize(spelling), region)
            region_keys.setdefault(_compact(spelling), region)
    departments, department_keys, department_chef_lieu = [], {}, {}
    for d in doc["departments"]:
        dept = Department(d["code"], d["name"], d["region"], d["lat"], d["lon"])
        departments.append(dept)
        department_chef_lieu[dept.code] = d["chef_lieu"]
        for key in (normalize(dept.code), normalize(dept.name)):
            department_keys.setdefault(key, dept)
            department_keys.setdefault(_strip_article(key), dept)
            department_keys.setdefault(key.replace(" ", ""), dept)
    bounds = {name: tuple(box) for name, box in doc["bounds"].items()}
    cells = {
        int(row): tuple((first, last) for first, last in runs)
        for row, runs in doc["metropolitan_cells"].items()
    }
    return _Tables(
        tuple(regions), tuple(departments), region_keys, department_keys,
        department_chef_lieu, region_chef_lieu, bounds, cells,
    )  # fmt: skip


def _compact(text: str) -> str:
    """`normalize()` without spaces: "Villeneuve d'Ascq" meets "Villeneuve dAscq"."""
    return normalize(text).replace(" ", "")


# --- Regions and départements ---------------------------------------------------------
def regions() -> tuple[Region, ...]:
    """All 18 regions: metropolitan ones alphabetically, then the 5 overseas."""
    return _tables().regions


def region_names() -> tuple[str, ...]:
    """Canonical French names of the 18 regions, in `regions()` order."""
    return tuple(r.name for r in _tables().regions)


_REGION_AFFIXES = re.compile(r"^(?:la )?(?:region|reg) |(?: region)$")


@lru_cache(maxsize=4096)
def resolve_region(text: str) -> Region | None:
    """A region from its name, code, ISO code, abbreviation, English or pre-2016 name.

    Case, accents, hyphens and a "Région ..." prefix do not matter:
    `"PACA"`, `"aura"`, `"Midi-Pyrénées"`, `"FR-OCC"`, `"76"`, `"Paris Region"`.
    """
    if not isinstance(text, str) or len(text) > MAX_INPUT:
        return None
    keys = _tables().region_keys
    key = normalize(text)
    if not key:
        return None
    for candidate in (key, _REGION_AFFIXES.sub("", key).strip(), _strip_article(key)):
        found = keys.get(candidate) or keys.get(candidate.replace(" ", ""))
        if found:
            return found
    return None


def suggest_regions(text: str, limit: int = 3) -> list[str]:
    """Closest canonical region names to an unknown input, for an error message."""
    keys = _tables().region_keys
    key = normalize(text) if isinstance(text, str) and len(text) <= MAX_INPUT else ""
    if not key:
        return []
    import difflib  # only on the error path

    matches = difflib.get_close_matches(key, list(keys), n=limit * 4, cutoff=0.6)
    names: list[str] = []
    for match in matches:
        name = keys[match].name
        if name not in names:
            names.append(name)
    return names[:limit]


def departments() -> tuple[Department, ...]:
    """All 101 départements in INSEE code order (01 ... 95, 2A/2B in place, 971-976)."""
    return _tables().departments


@lru_cache(maxsize=4096)
def resolve_department(text: str) -> Department | None:
    """A département from its code (`"31"`, `"2a"`, `"971"`, `"6"`) or its name."""
    if not isinstance(text, str) or len(text) > MAX_INPUT:
        return None
    key = normalize(text)
    if key.startswith("fr ") and len(key) <= 6:  # ISO 3166-2, "FR-31"
        key = key[3:]
    if len(key) == 1 and key.isdigit():
        key = "0" + key
    keys = _tables().department_keys
    return (
        keys.get(key) or keys.get(_strip_article(key)) or keys.get(key.replace(" ", ""))
    )


def are_neighbours(region_a: str, region_b: str) -> bool:
    """True when two (metropolitan) regions share a land border."""
    a, b = resolve_region(region_a), resolve_region(region_b)
    return a is not None and b is not None and b.name in a.neighbours


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def in_france(lat: float, lon: float) -> bool:
    """True for a point in metropolitan France (Corsica included) or an overseas region.

    Overseas regions are boxes around their communes. Metropolitan points must fall
    in a 0.1° cell next to a commune's point (a grid stored in geography.json, so the
    gazetteer is not loaded): accurate to 10-20 km, so border cities of neighbouring
    countries (Geneva, Basel, Luxembourg, Monaco) count as in France.
    """
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return False
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return False
    tables = _tables()
    for name, (south, west, north, east) in tables.bounds.items():
        if south <= lat <= north and west <= lon <= east:
            if name != "metropolitan":
                return True
            col = math.floor(lon * 10)
            runs = tables.metropolitan_cells.get(math.floor(lat * 10), ())
            return any(first <= col <= last for first, last in runs)
    return False


# --- Postal codes ---------------------------------------------------------------------
_POSTAL = re.compile(
    r"\s*(?:FR?[-\s]?)?(\d{2})\s?(\d{3})(?![\d])", re.IGNORECASE | re.ASCII
)
_SHORT_POSTAL = re.compile(r"\s*(\d{4})\s*", re.ASCII)


def normalize_postal_code(text: str) -> str | None:
    """The 5-digit postal code at the start of `text`, or None.

    `"31 000"`, `"31000 CEDEX 9"`, `"75008 Paris"`, `"F-31000"` -> `"31000"`; a bare
    4-digit code that lost its leading zero in a spreadsheet (`"6000"`) -> `"06000"`.
    Codes that cannot be French (`"00100"`, `"96000"`, `"99999"`) -> None. Idempotent.
    """
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str) or len(text) > MAX_INPUT:
        return None
    match = _POSTAL.match(text)
    if match:
        code = match.group(1) + match.group(2)
    elif short := _SHORT_POSTAL.fullmatch(text):
        code = "0" + short.group(1)
    else:
        return None
    prefix = code[:2]
    return code if "01" <= prefix <= "95" or prefix in ("97", "98") else None


def _department_of_postal_code(code: str) -> str | None:
    """Département of a postal code's prefix (Corsica: 200-201 -> 2A, 202-206 -> 2B)."""
    if code.startswith("20"):
        return "2A" if code[2] in "01" else "2B" if code[2] in "23456" else None
    if code.startswith("97"):
        return code[:3] if code[:3] in ("971", "972", "973", "974", "976") else None
    return None if code.startswith("98") else code[:2]


# --- Gazetteer ------------------------------------------------------------------------
class _Row(NamedTuple):
    """One gazetteer line (kind: c commune, a municipal arrondissement, d/x former)."""

    insee: str
    name: str
    kind: str
    postal_codes: str  # space-separated
    lat: str
    lon: str
    population: str
    parent: str  # INSEE code of the commune an arrondissement/former commune belongs to
    geo: str  # which source gave the coordinates (see the file's header)


class _Gazetteer:
    """communes.tsv.gz: rows kept as text, indexes built per section on first use.

    The file carries its indexes ready-made, so loading is decompression plus a few
    C-level dict constructions, not a Python loop over 37,500 rows; a postal-code
    workload never builds the name index, and a name workload never the CEDEX one.
    """

    def __init__(self, text: str) -> None:
        lines = text.split("\n")
        self._sections: dict[str, list[str]] = {}
        pos = 0
        while pos < len(lines):
            title, _, count = lines[pos][1:].partition(" ")
            if lines[pos].startswith("#") and count.isdigit():
                self._sections[title] = lines[pos + 1 : pos + 1 + int(count)]
                pos += 1 + int(count)
            else:
                pos += 1
        self._lines = self._sections["rows"]
        self._rows: list[_Row | None] = [None] * len(self._lines)
        self._indexes: dict[str, dict[str, str]] = {}
        self._by_insee: dict[str, int] | None = None
        self._compact: dict[str, str] | None = None

    def _index(self, title: str) -> dict[str, str]:
        """One ready-made "key<TAB>row numbers" section as a dict, built once."""
        index = self._indexes.get(title)
        if index is None:
            index = dict(map(str.split, self._sections[title], repeat("\t")))
            self._indexes[title] = index
        return index

    def _row(self, number: int) -> _Row:
        row = self._rows[number]
        if row is None:
            row = self._rows[number] = _Row(*self._lines[number].split("\t"))
        return row

    def _many(self, numbers: str | None) -> list[_Row]:
        return [self._row(int(n)) for n in numbers.split()] if numbers else []

    def insee(self, code: str) -> _Row | None:
        """The commune (or arrondissement, or former commune) with this INSEE code."""
        if self._by_insee is None:
            codes = [line[:5] for line in reversed(self._lines)]  # first row wins
            self._by_insee = dict(
                zip(codes, range(len(codes) - 1, -1, -1), strict=True)
            )
        number = self._by_insee.get(code)
        return None if number is None else self._row(number)

    def postal(self, code: str) -> list[_Row]:
        """Communes and arrondissements served by a (non-CEDEX) postal code."""
        return self._many(self._index("postal").get(code))

    def cedex(self, code: str) -> _Row | None:
        """The commune of a CEDEX code, when GeoNames lists it."""
        number = self._index("cedex").get(code)
        return None if number is None else self._row(int(number))

    def is_postal_code(self, code: str) -> bool:
        return code in self._index("postal") or code in self._index("cedex")

    def named(self, key: str) -> list[_Row]:
        """Rows whose normalised name is `key`."""
        return self._many(self._index("names").get(key))

    def named_compact(self, key: str) -> list[_Row]:
        """Rows whose name without spaces is `key` ("villeneuvedascq")."""
        if self._compact is None:
            compact: dict[str, str] = {}
            for name, numbers in self._index("names").items():
                short = name.replace(" ", "")
                compact[short] = (
                    f"{compact[short]} {numbers}" if short in compact else numbers
                )
            self._compact = compact
        return self._many(self._compact.get(key))


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    """Read communes.tsv.gz once, on the first commune or postal-code lookup."""
    raw = gzip.decompress((data_dir() / GAZETTEER_FILE).read_bytes())
    return _Gazetteer(raw.decode("utf-8"))


def _department_code(insee: str) -> str:
    """Département of an INSEE commune code: 3 characters overseas, else 2."""
    return insee[:3] if insee.startswith("97") else insee[:2]


def _population(row: _Row) -> int:
    return int(row.population) if row.population else 0


def _coordinates(row: _Row) -> tuple[float | None, float | None]:
    """A row's point; former communes without one borrow their parent's."""
    if not row.lat and row.parent:
        row = _gazetteer().insee(row.parent) or row
    return (float(row.lat), float(row.lon)) if row.lat else (None, None)


def _commune_place(
    row: _Row,
    resolved_from: str,
    postal_code: str | None = None,
    *,
    ambiguous: bool = False,
    notes: tuple[str, ...] = (),
) -> Place:
    """A `Place` for a gazetteer row; former communes are reported as their parent."""
    lat, lon = _coordinates(row)
    extra = list(notes)
    current = row
    parent = _gazetteer().insee(row.parent) if row.parent else None
    if row.kind in "dx" and parent is not None:
        if parent.name != row.name:
            extra.append(f"{row.name} is a former commune, now part of {parent.name}")
        current = parent
    elif row.kind == "a":
        city = parent.name if parent else row.name
        extra.append(f"{row.name} is a municipal arrondissement of {city}")
    if postal_code is None:
        postal_code = current.postal_codes.split(" ", 1)[0] or None
    dept = _department_code(current.insee)
    department = resolve_department(dept)
    return Place(
        city=current.name,
        postal_code=postal_code,
        insee_code=current.insee,
        department=dept,
        region=department.region if department else None,
        lat=lat,
        lon=lon,
        resolved_from=resolved_from,
        ambiguous=ambiguous,
        note="; ".join(extra) or None,
    )


def _department_place(
    dept: Department, postal_code: str | None = None, note: str | None = None
) -> Place:
    """A département placed at its chef-lieu."""
    chef_lieu = _tables().department_chef_lieu[dept.code]
    text = f"placed at the chef-lieu of {dept.name} ({dept.code}), {chef_lieu}"
    return Place(
        None, postal_code, None, dept.code, dept.region, dept.lat, dept.lon,
        "department", False, f"{note}; {text}" if note else text,
    )  # fmt: skip


def _region_place(region: Region, note: str | None = None) -> Place:
    """A region placed at its chef-lieu."""
    chef_lieu = _tables().region_chef_lieu[region.name]
    text = f"placed at the chef-lieu of {region.name}, {chef_lieu}"
    return Place(
        None, None, None, None, region.name, region.lat, region.lon,
        "region", False, f"{note}; {text}" if note else text,
    )  # fmt: skip


def _choose(
    rows: list[_Row],
    resolved_from: str,
    label: str,
    postal_code: str | None = None,
    notes: tuple[str, ...] = (),
) -> Place:
    """The most populous of `rows`, with a note when there was a choice.

    A shared name is ambiguous; a shared postal code only when its communes lie in
    different départements (otherwise département and region are certain).
    """
    best = max(rows, key=_population)
    if len(rows) == 1:
        return _commune_place(best, resolved_from, postal_code, notes=notes)
    where = _department_code(best.insee)
    note = (
        f"{len(rows)} communes {label}; took the most populous ({best.name}, {where})"
    )
    ambiguous = resolved_from != "postal_code" or (
        len({_department_code(r.insee) for r in rows}) > 1
    )
    return _commune_place(
        best, resolved_from, postal_code, ambiguous=ambiguous, notes=(*notes, note)
    )


# --- Commune names --------------------------------------------------------------------
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
_CEDEX = re.compile(r"(?:^| )cedex(?: \d{1,2})?$")


@lru_cache(maxsize=4096)
def _name_candidates(key: str) -> list[_Row]:
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


def _rows_named(key: str) -> list[_Row]:
    """Exact; "St" -> "Saint"; with or without a leading article; without spaces."""
    gaz = _gazetteer()
    match = _ARRONDISSEMENT.fullmatch(key)
    if match:
        base, count = _ARRONDISSEMENT_BASE[match.group(1)]
        number = int(match.group(2))
        row = gaz.insee(str(base + number)) if 1 <= number <= count else None
        return [row] if row else []
    saints = " ".join(_SAINTS.get(word, word) for word in key.split())
    bare = _strip_article(saints)
    for candidate in dict.fromkeys(
        (key, saints, bare, *(a + bare for a in ("le ", "la ", "les ", "l ")))
    ):
        rows = gaz.named(candidate)
        if rows:
            return rows
    return gaz.named_compact(saints.replace(" ", ""))


def _split_place_hint(key: str) -> tuple[str, Department | None, Region | None] | None:
    """`"saint denis la reunion"` -> ("saint denis", None, La Réunion)."""
    words = key.split()
    for i in range(len(words) - 1, 0, -1):
        head, tail = " ".join(words[:i]), " ".join(words[i:])
        if tail == "france":
            return head, None, None
        dept = resolve_department(tail)
        region = None if dept else resolve_region(tail)
        if (dept or region) and _name_candidates(head):
            return head, dept, region
    return None


# --- resolve_place --------------------------------------------------------------------
_INSEE = re.compile(r"(?:\d{5}|2[ab]\d{3})", re.ASCII)
_POSTAL_IN_TEXT = re.compile(
    r"(?:^|(?<= ))(\d{5})(?= |$)|^(\d{2} \d{3})(?= |$)", re.ASCII
)
_Fields = dict[str, str | None]


def _by_insee(code: str) -> Place | None:
    row = _gazetteer().insee(code.upper())
    return _commune_place(row, "insee_code") if row else None


def _by_postal_code(
    code: str, dept: Department | None = None, notes: tuple[str, ...] = ()
) -> Place | None:
    """A postal code's commune(s), else a CEDEX code's commune, else its département."""
    gaz = _gazetteer()
    rows = gaz.postal(code)
    if rows:
        rows = [r for r in rows if r.kind == "a"] or rows  # 75013: the arrondissement
        if dept is not None:
            rows = [r for r in rows if _department_code(r.insee) == dept.code] or rows
        return _choose(rows, "postal_code", f"share postal code {code}", code, notes)
    row = gaz.cedex(code)
    if row is not None:
        note = f"postal code {code} is a CEDEX code of {row.name}"
        return _commune_place(row, "postal_code", code, notes=(*notes, note))
    note = "; ".join((*notes, f"postal code {code} is a CEDEX or unlisted code"))
    dept_code = _department_of_postal_code(code)
    found = resolve_department(dept_code) if dept_code else None
    if found is not None:
        return _department_place(found, code, note)
    corse = resolve_region("94") if code.startswith("20") else None
    return _region_place(corse, note) if corse else None


def _fallback(
    code: str | None, dept: Department | None, region: Region | None, note: str
) -> Place | None:
    """When the commune cannot be placed: postal code, then département, then region."""
    if code:
        return _by_postal_code(code, dept, (note,))
    if dept is not None:
        return _department_place(dept, None, note)
    if region is not None:
        return _region_place(region, note)
    return None


def _with_postal_code(rows: list[_Row], code: str) -> list[_Row]:
    """Rows that have `code`, an arrondissement replacing its city (Paris + 75013)."""
    gaz = _gazetteer()

    def codes(row: _Row) -> list[str]:  # former communes use their commune's codes
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
    rows = _name_candidates(key)
    if not rows:
        return _fallback(code, dept, region, f"no commune named {key!r} found")
    name = rows[0].name
    notes: tuple[str, ...] = ()
    if code:
        with_code = _with_postal_code(rows, code)
        if with_code:
            label = f"named {name} have postal code {code}"
            return _choose(with_code, "commune", label, code)
        if _gazetteer().postal(code):
            note = (
                f"no commune named {name} has postal code {code}; used the postal code"
            )
            return _by_postal_code(code, dept, (note,))
        prefix = _department_of_postal_code(code)
        rows = [r for r in rows if _department_code(r.insee) == prefix]
        if not rows:
            note = f"no commune named {name} where postal code {code} points"
            return _fallback(code, dept, region, note)
        notes = (f"postal code {code} is a CEDEX or unlisted code",)
    if dept is not None:
        rows = [r for r in rows if _department_code(r.insee) == dept.code]
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
    return _choose(rows, "commune", f"are named {name}", code, notes)


def _region_of(row: _Row) -> str | None:
    dept = resolve_department(_department_code(row.insee))
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
        return _department_place(dept)
    if region is not None:
        return _region_place(region)
    return None


def _resolve_text(key: str, fields: _Fields) -> Place | None:
    """Free text: postal code (+ city), INSEE code, département, region, commune.

    Alongside keywords, text that names a commune is taken as the city.
    """
    alone = not any(fields.values())
    match = _POSTAL_IN_TEXT.search(key)
    code = normalize_postal_code(match.group(match.lastindex or 1)) if match else None
    if match and code:
        gaz = _gazetteer()
        if key == code and not gaz.is_postal_code(code) and (row := gaz.insee(key)):
            note = f"{key} is not a postal code; read as the INSEE code of {row.name}"
            return _commune_place(row, "insee_code", notes=(note,))  # "75056": Paris
        after = _CEDEX.sub("", key[match.end() :]).strip()  # "31000 Toulouse"
        before = key[: match.start()].strip()  # "Saint-Denis 97400"
        fields["postal_code"] = fields["postal_code"] or code
        fields["city"] = fields["city"] or after or before or None
        return _resolve_fields(fields)
    if _INSEE.fullmatch(key) and (place := _by_insee(key)):
        return place
    if not alone and not fields["city"] and _name_candidates(key):
        fields["city"] = key
        return _resolve_fields(fields)
    dept = resolve_department(key)
    if dept is not None:
        if normalize(_tables().department_chef_lieu[dept.code]) == key:
            fields["city"] = key  # "Paris": the commune rather than the département
        fields["department"] = fields["department"] or dept.code
        return _resolve_fields(fields)
    region = resolve_region(key)
    if region is not None:
        fields["region"] = fields["region"] or region.name
        return _resolve_fields(fields)
    hint = None if _name_candidates(key) else _split_place_hint(key)
    if hint is not None:
        key, hint_dept, hint_region = hint
        fields["department"] = fields["department"] or (hint_dept and hint_dept.code)
        fields["region"] = fields["region"] or (hint_region and hint_region.name)
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
    """Normalised text of one input, or None when empty, absurdly long or not text."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or len(value) > MAX_INPUT:
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
