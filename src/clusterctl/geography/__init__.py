"""French geography: regions, départements and communes, resolved from what users type.

Profiles locate a company by a postal code, a city, an INSEE code, a département or a
region, spelt in any way; matching needs the region (clusters are regional) and a
point (for distances). This package turns any of those into a `Place`.

Standard library only, and lazy: `tables` reads regions and départements from a small
JSON file on first use; `gazetteer` reads the ~37,500-line commune file only when a
commune or postal code must be resolved; `postal` reads postal codes, `names` the ways
people write commune names, `places` builds a `Place` with its notes and warnings,
`codes` places INSEE and postal codes, `communes` places a commune name with the
fields that came with it, and `resolver` reads free text and fields and caches the
answers of `resolve_place`. Sources and licences of the data files:
`data/GEOGRAPHY-SOURCES.md`; they are rebuilt by `scripts/build_geography.py`.
"""

from __future__ import annotations

from .gazetteer import GAZETTEER_FILE
from .places import Place
from .postal import normalize_postal_code
from .resolver import resolve_place
from .tables import (
    EARTH_RADIUS_KM,
    GEOGRAPHY_FILE,
    MAX_INPUT,
    Department,
    Region,
    are_neighbours,
    data_dir,
    departments,
    distance_km,
    in_france,
    region_names,
    regions,
    resolve_department,
    resolve_region,
    suggest_regions,
)

__all__ = [
    "EARTH_RADIUS_KM",
    "GAZETTEER_FILE",
    "GEOGRAPHY_FILE",
    "MAX_INPUT",
    "Department",
    "Place",
    "Region",
    "are_neighbours",
    "data_dir",
    "departments",
    "distance_km",
    "in_france",
    "normalize_postal_code",
    "region_names",
    "regions",
    "resolve_department",
    "resolve_place",
    "resolve_region",
    "suggest_regions",
]
