"""Frames on a canvas: metropolitan France and one inset per overseas region.

A `Frame` maps (lat, lon) to canvas units through its projection (Lambert-93 for
metropolitan France, a local projection for each overseas region; see
`projection`) and a uniform scale that fits its regions, centred, in its box.
Canvas units are square: SVG pixels, or braille dots for the terminal (a braille
dot is half a character wide and a quarter of a character high, about square in
usual terminal fonts). The canvas y axis points down.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .basemap import BaseMap, RegionShape
from .projection import LocalProjection, lambert93

Box = tuple[float, float, float, float]  # x, y, width, height
Projector = Callable[[float, float], tuple[float, float]]
MARGIN_DEG = 0.5  # points this far outside a frame's regions still belong to it


@dataclass(frozen=True, slots=True)
class Frame:
    """One map panel: `to_canvas(lat, lon)` gives canvas coordinates."""

    name: str
    box: Box
    project: Projector
    scale: float  # canvas units per projected metre
    origin: tuple[float, float]  # canvas position of projected (0, 0)
    bounds: tuple[float, float, float, float]  # south, west, north, east (degrees)
    regions: tuple[RegionShape, ...]

    def to_canvas(self, lat: float, lon: float) -> tuple[float, float]:
        mx, my = self.project(lat, lon)
        return self.origin[0] + mx * self.scale, self.origin[1] - my * self.scale

    def contains(self, lat: float, lon: float) -> bool:
        south, west, north, east = self.bounds
        return south <= lat <= north and west <= lon <= east


@dataclass(frozen=True, slots=True)
class Layout:
    """The frames of one map: metropolitan first, then the overseas insets."""

    frames: tuple[Frame, ...]
    size: tuple[float, float]

    def locate(self, lat: float, lon: float) -> tuple[Frame, float, float] | None:
        """The frame showing a point and the point on the canvas (None: off map)."""
        for frame in self.frames[1:] + self.frames[:1]:
            if frame.contains(lat, lon):
                x, y = frame.to_canvas(lat, lon)
                return frame, x, y
        return None

    @property
    def main(self) -> Frame:
        return self.frames[0]


def fit_frame(
    name: str,
    box: Box,
    regions: Sequence[RegionShape],
    project: Projector,
    pad: float = 0.0,
) -> Frame:
    """A frame showing `regions` as large as fits in `box` less `pad`, centred."""
    points = [p for r in regions for ring in r.rings for p in ring]
    xy = [project(lat, lon) for lat, lon in points]
    xs, ys = [p[0] for p in xy], [p[1] for p in xy]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    bx, by, bw, bh = box[0] + pad, box[1] + pad, box[2] - 2 * pad, box[3] - 2 * pad
    scale = min(bw / width, bh / height)
    ox = bx + (bw - width * scale) / 2 - min(xs) * scale
    oy = by + (bh - height * scale) / 2 + max(ys) * scale
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    bounds = (
        min(lats) - MARGIN_DEG,
        min(lons) - MARGIN_DEG,
        max(lats) + MARGIN_DEG,
        max(lons) + MARGIN_DEG,
    )
    return Frame(name, box, project, scale, (ox, oy), bounds, tuple(regions))


def mainland_aspect(basemap: BaseMap) -> float:
    """Height / width of metropolitan France in Lambert-93."""
    xy = [
        lambert93(*p) for r in basemap.metropolitan() for ring in r.rings for p in ring
    ]
    xs, ys = [p[0] for p in xy], [p[1] for p in xy]
    return (max(ys) - min(ys)) / (max(xs) - min(xs))


def local_projection(region: RegionShape) -> LocalProjection:
    """The projection of an overseas inset: centred on the region's extent."""
    lats = [p[0] for ring in region.rings for p in ring]
    lons = [p[1] for ring in region.rings for p in ring]
    return LocalProjection((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)


def make_layout(
    basemap: BaseMap,
    main: Box,
    insets: Sequence[Box],
    size: tuple[float, float],
    pad: float = 0.0,
) -> Layout:
    """Metropolitan France in `main`, the overseas regions in `insets` (in INSEE
    code order: Guadeloupe, Martinique, Guyane, La Réunion, Mayotte; with fewer
    boxes, the regions left over are not drawn)."""
    metropolitan = basemap.metropolitan()
    frames = [fit_frame("France métropolitaine", main, metropolitan, lambert93, pad)]
    for region, box in zip(basemap.overseas(), insets, strict=False):
        project = local_projection(region)
        frames.append(fit_frame(region.name, box, [region], project, pad))
    return Layout(tuple(frames), size)
