"""Draw a `Scene` as a self-contained SVG picture (no fonts, images or scripts).

Layout of the 960-pixel-wide picture: title and subtitle on top, metropolitan
France in Lambert-93 on the left, the legend on the right, the five overseas
regions as insets in a row under the mainland, and the data and base-map credits
at the bottom. Every marker is a `<g class="marker">` carrying the cluster id and
coordinates in `data-` attributes, with its name and details in a `<title>`
(shown on hover by browsers and SVG viewers); each frame records its projection
scale and origin, so a marker's place can be checked from the file alone.
"""

from __future__ import annotations

import textwrap
from html import escape
from typing import NamedTuple

from clusterctl.i18n import _, format_number

from . import colours
from .basemap import load_basemap
from .layout import Frame, Layout, make_layout
from .scene import SIZE_REFERENCE, Marker, Scene, marker_radius

WIDTH = 960
MAIN_BOX = (16.0, 72.0, 620.0, 620.0)
INSET_TOP, INSET_SIZE, INSET_GAP = 704.0, (116.0, 96.0), 10.0
PANEL_X = 664.0
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif"
FOOTER_CHARS = 150


class Placed(NamedTuple):
    marker: Marker
    frame: Frame
    x: float
    y: float


def svg_layout() -> Layout:
    insets = [
        (MAIN_BOX[0] + i * (INSET_SIZE[0] + INSET_GAP), INSET_TOP, *INSET_SIZE)
        for i in range(5)
    ]
    return make_layout(
        load_basemap(), MAIN_BOX, insets, (WIDTH, INSET_TOP + 120), pad=8.0
    )


def place_markers(scene: Scene, layout: Layout) -> tuple[list[Placed], list[str]]:
    """Markers with their frame and canvas point; names of those off the map."""
    placed, missing = [], []
    for marker in scene.markers:
        where = layout.locate(marker.lat, marker.lon)
        if where is None:
            missing.append(marker.name)
        else:
            placed.append(Placed(marker, *where))
    return placed, missing


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _ring_path(frame: Frame, ring: tuple[tuple[float, float], ...]) -> str:
    points = [frame.to_canvas(lat, lon) for lat, lon in ring]
    return "M" + "L".join(f"{_n(x)},{_n(y)}" for x, y in points[:-1]) + "Z"


def _frames(layout: Layout) -> list[str]:
    out = []
    for i, frame in enumerate(layout.frames):
        bx, by, bw, bh = frame.box
        ox, oy = frame.origin
        out.append(
            f'<g class="frame" data-name="{escape(frame.name)}" '
            f'data-projection="{"EPSG:2154" if i == 0 else "local"}" '
            f'data-scale="{frame.scale!r}" data-origin-x="{ox!r}" '
            f'data-origin-y="{oy!r}">'
        )
        if i:
            out.append(
                f'<rect x="{_n(bx)}" y="{_n(by)}" width="{_n(bw)}" height="{_n(bh)}" '
                f'fill="{colours.WATER}" stroke="{colours.BORDER}"/>'
            )
        for region in frame.regions:
            path = "".join(_ring_path(frame, ring) for ring in region.rings)
            out.append(
                f'<path class="region" d="{path}" fill-rule="evenodd" '
                f'fill="{colours.LAND}" stroke="{colours.BORDER}" '
                f'stroke-width="0.8" stroke-linejoin="round">'
                f"<title>{escape(region.name)}</title></path>"
            )
        if i:
            out.append(_text(bx + bw / 2, by + bh + 13, frame.name, 11, "middle"))
        else:
            for region in frame.regions:
                x, y = frame.to_canvas(*region.label)
                out.append(
                    _text(x, y, region.name, 9.5, "middle", colours.MUTED, "region")
                )
        out.append("</g>")
    return out


def _text(
    x: float,
    y: float,
    text: str,
    size: float,
    anchor: str = "start",
    fill: str = colours.INK,
    cls: str = "",
    weight: str = "normal",
) -> str:
    extra = f' class="{cls}"' if cls else ""
    bold = f' font-weight="{weight}"' if weight != "normal" else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size:g}" fill="{fill}" '
        f'text-anchor="{anchor}"{bold}{extra}>{escape(text)}</text>'
    )


def _marker(p: Placed) -> str:
    m = p.marker
    title = escape("\n".join((m.name, *m.details)))
    out = [
        f'<g class="marker" data-id="{escape(m.key)}" data-name="{escape(m.name)}" '
        f'data-lat="{m.lat!r}" data-lon="{m.lon!r}" data-colour="{m.colour}">'
        f"<title>{title}</title>",
        f'<circle cx="{_n(p.x)}" cy="{_n(p.y)}" r="{_n(m.radius)}" fill="{m.colour}" '
        'stroke="#ffffff" stroke-width="1"/>',
    ]
    if m.label:
        out.append(
            f'<text x="{_n(p.x)}" y="{_n(p.y + 3.5)}" font-size="10" '
            f'font-weight="bold" fill="#ffffff" text-anchor="middle">'
            f"{escape(m.label)}</text>"
        )
    out.append("</g>")
    return "".join(out)


def _origin_point(scene: Scene, layout: Layout) -> tuple[Frame, float, float] | None:
    origin = scene.origin
    return layout.locate(origin.lat, origin.lon) if origin else None


def _links(scene: Scene, layout: Layout, placed: list[Placed]) -> list[str]:
    """Lines from the origin to the markers in the same frame, under the markers."""
    where = _origin_point(scene, layout)
    if not scene.lines or where is None:
        return []
    frame, x, y = where
    return [
        f'<line class="link" data-id="{escape(p.marker.key)}" '
        f'x1="{_n(x)}" y1="{_n(y)}" x2="{_n(p.x)}" y2="{_n(p.y)}" '
        f'stroke="{p.marker.colour}" stroke-width="2" stroke-opacity="0.75"/>'
        for p in placed
        if p.frame is frame
    ]


def _origin(scene: Scene, layout: Layout) -> list[str]:
    """The origin's star (and --radius circle): under the markers, larger than
    them, so that a cluster in the same town still shows its number."""
    origin, where = scene.origin, _origin_point(scene, layout)
    if origin is None or where is None:
        return []
    frame, x, y = where
    out = []
    if origin.radius_km:
        r = origin.radius_km * 1000 * frame.scale
        out.append(
            f'<circle class="radius" cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" '
            f'fill="none" stroke="{colours.ORIGIN}" stroke-dasharray="4 3"/>'
        )
    out.append(
        f'<g class="origin" data-lat="{origin.lat!r}" data-lon="{origin.lon!r}">'
        f"<title>{escape(origin.name)}</title>"
        f'<path d="{_star(x, y, 12.0)}" fill="{colours.ORIGIN}" stroke="#ffffff"/></g>'
    )
    return out


def _star(x: float, y: float, r: float) -> str:
    import math

    points = []
    for k in range(10):
        radius = r if k % 2 == 0 else r * 0.45
        angle = math.pi / 2 + k * math.pi / 5
        points.append((x + radius * math.cos(angle), y - radius * math.sin(angle)))
    return "M" + "L".join(f"{_n(px)},{_n(py)}" for px, py in points) + "Z"


def _colour_key(scene: Scene, x: float, y: float) -> tuple[list[str], float]:
    title = _("Main sector (EU industrial ecosystem)")
    out = [_text(x, y, title, 12, weight="bold")]
    for colour, name in scene.legend:
        y += 20
        out.append(f'<circle cx="{_n(x + 7)}" cy="{_n(y - 4)}" r="6" fill="{colour}"/>')
        out.append(_text(x + 20, y, name, 12))
    return out, y


def _size_key(scene: Scene, x: float, y: float) -> tuple[list[str], float]:
    y += 34
    out = [_text(x, y, _("Members"), 12, weight="bold")]
    cx = x + 16
    for count in SIZE_REFERENCE:
        r = marker_radius(count)
        out.append(
            f'<circle cx="{_n(cx)}" cy="{_n(y + 26)}" r="{_n(r)}" fill="none" '
            f'stroke="{colours.INK}"/>'
        )
        out.append(_text(cx, y + 54, format_number(count), 11, "middle"))
        cx += 2 * r + 40
    y += 62
    if any(m.members is None for m in scene.markers):
        y += 18
        unknown = _("unknown: smallest size")
        out.append(_text(x, y, unknown, 11, fill=colours.MUTED))
    return out, y


def _ranked(scene: Scene, x: float, y: float) -> tuple[list[str], float]:
    y += 34
    out = [_text(x, y, _("Rank, cluster, score, distance"), 12, weight="bold")]
    for label, text in scene.entries:
        for k, line in enumerate(textwrap.wrap(text, 40)):
            y += 18
            if not k:
                out.append(_text(x + 12, y, label, 12, "end", weight="bold"))
            out.append(_text(x + 20, y, line, 12))
    return out, y


def _legend(scene: Scene, missing: list[str]) -> list[str]:
    x = PANEL_X
    out, y = _colour_key(scene, x, 92.0)
    for wanted, part in ((scene.sized and scene.markers, _size_key),
                         (scene.entries, _ranked)):  # fmt: skip
        if wanted:
            lines, y = part(scene, x, y)
            out += lines
    if scene.origin is not None:
        y += 16
        for k, line in enumerate(textwrap.wrap(scene.origin.name, 40)):
            y += 18
            if not k:
                star = _star(x + 7, y - 4, 7)
                out.append(f'<path d="{star}" fill="{colours.ORIGIN}"/>')
            out.append(_text(x + 20, y, line, 12))
    notes = [*scene.notes]
    if missing:
        off = _("Not on the map (no place in France): {clusters}")
        notes.append(off.format(clusters=", ".join(missing)))
    for line in (line for note in notes for line in textwrap.wrap(note, 44)):
        y += 18
        out.append(_text(x, y, line, 11, fill=colours.MUTED))
    return out


def render_svg(scene: Scene) -> str:
    """The whole picture as an SVG document (UTF-8 text)."""
    layout = svg_layout()
    placed, missing = place_markers(scene, layout)
    footer = [
        line for text in scene.footer for line in textwrap.wrap(text, FOOTER_CHARS)
    ]
    top = INSET_TOP + INSET_SIZE[1] + 34
    height = top + 15 * len(footer)
    body = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
        f'height="{_n(height)}" viewBox="0 0 {WIDTH} {_n(height)}" '
        f'font-family="{escape(FONT)}">',
        f"<title>{escape(scene.title)}</title>",
        f'<rect width="100%" height="100%" fill="{colours.WATER}"/>',
        _text(16, 34, scene.title, 20, weight="bold"),
        _text(16, 56, scene.subtitle, 13, fill=colours.MUTED),
        *_frames(layout),
        *_links(scene, layout, placed),
        *_origin(scene, layout),
        '<g class="markers">',
        *(_marker(p) for p in placed),
        "</g>",
        *_legend(scene, missing),
    ]
    for i, line in enumerate(footer):
        body.append(_text(16, top + 15 * i, line, 11, fill=colours.MUTED, cls="footer"))
    body.append("</svg>")
    return "\n".join(body) + "\n"
