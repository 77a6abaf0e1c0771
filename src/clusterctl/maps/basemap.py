"""The base map: simplified outlines of the 18 regions, read from `basemap.json`.

The file is built by `scripts/build_basemap.py` from Natural Earth's 1:10m admin-1
layer (public domain); `data/GEOGRAPHY-SOURCES.md` records source, version and
method. Rings are stored as integer degrees × `scale`, delta-encoded; a region may
have several rings (islands) and a ring may be a hole (the Enclave des Papes of
Vaucluse inside Drôme), so renderers fill with the even-odd rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from clusterctl.resources import data_file

BASEMAP_FILE = "basemap.json"

LatLon = tuple[float, float]


@dataclass(frozen=True, slots=True)
class RegionShape:
    """One region's outline: rings of (lat, lon) points, closed (last == first)."""

    code: str
    name: str
    overseas: bool
    label: LatLon
    rings: tuple[tuple[LatLon, ...], ...]


@dataclass(frozen=True, slots=True)
class BaseMap:
    regions: tuple[RegionShape, ...]
    source: str
    licence: str

    def metropolitan(self) -> tuple[RegionShape, ...]:
        return tuple(r for r in self.regions if not r.overseas)

    def overseas(self) -> tuple[RegionShape, ...]:
        """Overseas regions in INSEE code order: Guadeloupe, Martinique, Guyane,
        La Réunion, Mayotte."""
        return tuple(sorted((r for r in self.regions if r.overseas), key=_code))


def _code(region: RegionShape) -> str:
    return region.code


def _decode(flat: list[int], scale: float) -> tuple[LatLon, ...]:
    points: list[LatLon] = []
    x = y = 0
    for i in range(0, len(flat), 2):
        if i == 0:
            x, y = flat[0], flat[1]
        else:
            x, y = x + flat[i], y + flat[i + 1]
        points.append((y / scale, x / scale))
    points.append(points[0])
    return tuple(points)


@cache
def load_basemap() -> BaseMap:
    """Read the bundled base map once per process."""
    doc = json.loads(data_file(BASEMAP_FILE).read_text(encoding="utf-8"))
    scale = float(doc["scale"])
    regions = tuple(
        RegionShape(
            code=r["code"],
            name=r["name"],
            overseas=bool(r["overseas"]),
            label=(r["label"][1] / scale, r["label"][0] / scale),
            rings=tuple(_decode(ring, scale) for ring in r["rings"]),
        )
        for r in doc["regions"]
    )
    return BaseMap(regions, doc["source"], doc["licence"])
