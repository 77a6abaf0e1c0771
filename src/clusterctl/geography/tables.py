"""Regions and départements: the small table read from geography.json.

Regions and départements come from a small JSON file read on first use (about
2 ms), so `clusterctl list --region X` never pays for the commune gazetteer.
Every spelling users type (codes, ISO codes, abbreviations, English and pre-2016
names, with or without articles) is indexed here.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from clusterctl.resources import data_dir as _package_data_dir
from clusterctl.text import compact, normalize

GEOGRAPHY_FILE = "geography.json"
EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
MAX_INPUT = 300  # longer "place names" are not places; refuse before normalising


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


def data_dir() -> Path:
    """The data folder: inside the installed package, else the source checkout's."""
    return _package_data_dir()


class Tables(NamedTuple):
    """Regions and départements with every spelling that resolves to them."""

    regions: tuple[Region, ...]
    departments: tuple[Department, ...]
    region_keys: dict[str, Region]
    department_keys: dict[str, Department]
    department_chef_lieu: dict[str, str]
    region_chef_lieu: dict[str, str]
    bounds: dict[str, tuple[float, ...]]
    metropolitan_cells: dict[int, tuple[tuple[int, int], ...]]


def strip_article(key: str) -> str:
    """`"la reunion"` -> `"reunion"`: users drop or add leading articles freely."""
    for article in ("le ", "la ", "les ", "l "):
        if key.startswith(article):
            return key[len(article) :]
    return key


@lru_cache(maxsize=1)
def load_tables() -> Tables:
    """Read geography.json once."""
    doc = json.loads((data_dir() / GEOGRAPHY_FILE).read_text(encoding="utf-8"))
    regions: list[Region] = []
    region_keys: dict[str, Region] = {}
    region_chef_lieu: dict[str, str] = {}
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
            region_keys.setdefault(compact(spelling), region)
    departments: list[Department] = []
    department_keys: dict[str, Department] = {}
    department_chef_lieu: dict[str, str] = {}
    for d in doc["departments"]:
        dept = Department(d["code"], d["name"], d["region"], d["lat"], d["lon"])
        departments.append(dept)
        department_chef_lieu[dept.code] = d["chef_lieu"]
        for key in (normalize(dept.code), normalize(dept.name)):
            department_keys.setdefault(key, dept)
            department_keys.setdefault(strip_article(key), dept)
            department_keys.setdefault(key.replace(" ", ""), dept)
    bounds = {name: tuple(box) for name, box in doc["bounds"].items()}
    cells = {
        int(row): tuple((first, last) for first, last in runs)
        for row, runs in doc["metropolitan_cells"].items()
    }
    return Tables(
        tuple(regions), tuple(departments), region_keys, department_keys,
        department_chef_lieu, region_chef_lieu, bounds, cells,
    )  # fmt: skip


def regions() -> tuple[Region, ...]:
    """All 18 regions: metropolitan ones alphabetically, then the 5 overseas."""
    return load_tables().regions


def region_names() -> tuple[str, ...]:
    """Canonical French names of the 18 regions, in `regions()` order."""
    return tuple(r.name for r in load_tables().regions)


_REGION_AFFIXES = re.compile(r"^(?:la )?(?:region|reg) |(?: region)$")


_SIGNED = re.compile(r"\s*[-+\u2212\u2013]\s*\d")


def is_signed_number(text: str) -> bool:
    """`"-6"`, `"+31"`, `"−75"`: a number with a sign is a quantity, never a code
    (normalising would drop the sign and leave a département)."""
    return _SIGNED.match(text) is not None


@lru_cache(maxsize=4096)
def resolve_region(text: str) -> Region | None:
    """A region from its name, code, ISO code, abbreviation, English or pre-2016 name.

    Case, accents, hyphens and a "Région ..." prefix do not matter:
    `"PACA"`, `"aura"`, `"Midi-Pyrénées"`, `"FR-OCC"`, `"76"`, `"Paris Region"`.
    """
    if not isinstance(text, str) or len(text) > MAX_INPUT or is_signed_number(text):
        return None
    keys = load_tables().region_keys
    key = normalize(text)
    if not key:
        return None
    for candidate in (key, _REGION_AFFIXES.sub("", key).strip(), strip_article(key)):
        found = keys.get(candidate) or keys.get(candidate.replace(" ", ""))
        if found:
            return found
    return None


def suggest_regions(text: str, limit: int = 3) -> list[str]:
    """Closest canonical region names to an unknown input, for an error message."""
    keys = load_tables().region_keys
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
    return load_tables().departments


@lru_cache(maxsize=4096)
def resolve_department(text: str) -> Department | None:
    """A département from its code (`"31"`, `"2a"`, `"971"`, `"6"`) or its name."""
    if not isinstance(text, str) or len(text) > MAX_INPUT or is_signed_number(text):
        return None
    key = normalize(text)
    if key.startswith("fr ") and len(key) <= 6:  # ISO 3166-2, "FR-31"
        key = key[3:]
    if len(key) == 1 and key.isdigit():
        key = "0" + key
    keys = load_tables().department_keys
    return (
        keys.get(key) or keys.get(strip_article(key)) or keys.get(key.replace(" ", ""))
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
    table = load_tables()
    for name, (south, west, north, east) in table.bounds.items():
        if south <= lat <= north and west <= lon <= east:
            if name != "metropolitan":
                return True
            col = math.floor(lon * 10)
            runs = table.metropolitan_cells.get(math.floor(lat * 10), ())
            return any(first <= col <= last for first, last in runs)
    return False
