"""Draw a `Scene` as text: region outlines in braille dots, numbered markers, a legend.

Fitted to a width in characters (at least 40; 80 gives a 67-column mainland and
a column of overseas insets). Head offices that fall in the same or a
neighbouring character cell share one number; numbers go in reading order (top
to bottom, left to right) and the legend below lists the clusters behind each.
Output is plain text, with each run of characters tagged by a colour (or None)
for callers that want to colour it.
"""

from __future__ import annotations

import itertools
import textwrap
from dataclasses import dataclass, field

from clusterctl.i18n import _, join_clauses

from . import colours
from .basemap import load_basemap
from .braille import BrailleCanvas
from .layout import Frame, Layout, mainland_aspect, make_layout
from .scene import Marker, Scene

MIN_WIDTH = 40
MAX_MAP_COLUMNS = 90
INSET_COLUMNS, INSET_ROWS = 12, 5
ORIGIN_MARK = "★"

Run = tuple[str, str | None]


@dataclass
class TextMap:
    """Lines of runs (text, colour); `key` names the colours, for coloured output."""

    lines: list[list[Run]]
    key: list[Run] = field(default_factory=list)

    def text(self) -> str:
        return "".join(
            "".join(t for t, _ in line).rstrip() + "\n" for line in self.lines
        )


@dataclass
class _Group:
    markers: list[Marker]
    frame: Frame
    cell: tuple[int, int]
    label: str = ""


def text_layout(width: int) -> tuple[Layout, int, int]:
    """Layout in braille dots, and the canvas size in characters: the mainland,
    and from 60 columns a column of overseas insets on its right."""
    basemap = load_basemap()
    with_insets = width >= 60
    columns = min(width - (INSET_COLUMNS + 1 if with_insets else 0), MAX_MAP_COLUMNS)
    rows = round(columns * 2 * mainland_aspect(basemap) / 4) + 1
    insets = []
    total = columns
    if with_insets:
        total = columns + 1 + INSET_COLUMNS
        rows = max(rows, 5 * INSET_ROWS)
        for i in range(5):
            # Inside the box drawn around it: one cell of border on each side.
            left, top = columns + 2, i * INSET_ROWS + 1
            insets.append(
                (
                    left * 2.0,
                    top * 4.0,
                    (INSET_COLUMNS - 2) * 2.0,
                    (INSET_ROWS - 2) * 4.0,
                )
            )
    main = (0.0, 0.0, columns * 2.0, rows * 4.0)
    layout = make_layout(basemap, main, insets, (total * 2, rows * 4), pad=1.0)
    return layout, total, rows


def _outline(canvas: BrailleCanvas, frame: Frame) -> None:
    for region in frame.regions:
        for ring in region.rings:
            points = [frame.to_canvas(lat, lon) for lat, lon in ring]
            for (x0, y0), (x1, y1) in itertools.pairwise(points):
                canvas.line(x0, y0, x1, y1, colours.BORDER)


def _boxes(canvas: BrailleCanvas, layout: Layout) -> None:
    for frame in layout.frames[1:]:
        x, y, w, h = frame.box
        col, row = int(x // 2) - 1, int(y // 4) - 1
        cols, rows = int(w // 2) + 2, int(h // 4) + 2
        name = frame.name[: cols - 2]
        top = "┌" + name + "─" * (cols - 2 - len(name)) + "┐"
        canvas.put(col, row, top, colours.MUTED)
        for r in range(row + 1, row + rows - 1):
            canvas.put(col, r, "│", colours.MUTED)
            canvas.put(col + cols - 1, r, "│", colours.MUTED)
        canvas.put(col, row + rows - 1, "└" + "─" * (cols - 2) + "┘", colours.MUTED)


def _groups(scene: Scene, layout: Layout) -> tuple[list[_Group], list[str]]:
    """Markers sharing a cell or touching cells, in reading order."""
    groups: list[_Group] = []
    missing = []
    for marker in sorted(scene.markers, key=lambda m: (-m.radius, m.key)):
        where = layout.locate(marker.lat, marker.lon)
        if where is None:
            missing.append(marker.name)
            continue
        frame, x, y = where
        cell = (int(x // 2), int(y // 4))
        for group in groups:
            near = (
                abs(group.cell[0] - cell[0]) <= 1 and abs(group.cell[1] - cell[1]) <= 1
            )
            if group.frame is frame and near:
                group.markers.append(marker)
                break
        else:
            groups.append(_Group([marker], frame, cell))
    order = {f.name: i for i, f in enumerate(layout.frames)}
    groups.sort(key=lambda g: (order[g.frame.name], g.cell[1], g.cell[0]))
    return groups, missing


def _free(
    taken: set[tuple[int, int]], col: int, row: int, n: int, canvas: BrailleCanvas
) -> bool:
    if col < 0 or col + n > canvas.columns or not 0 <= row < canvas.rows:
        return False
    return all((c, row) not in taken for c in range(col - 1, col + n + 1))


def _place_label(
    canvas: BrailleCanvas, taken: set[tuple[int, int]], group: _Group, colour: str
) -> None:
    col, row = group.cell
    n = len(group.label)
    tries = [
        (0, 0), (1 - n, 0), (1, 0), (-n, 0), (0, -1), (0, 1), (1 - n, -1),
        (1 - n, 1), (2, 0), (-n - 1, 0), (1, -1), (1, 1), (-n, -1), (-n, 1),
    ]  # fmt: skip
    for dx, dy in tries:
        if _free(taken, col + dx, row + dy, n, canvas):
            col, row = col + dx, row + dy
            break
    canvas.put(col, row, group.label, colour)
    taken.update((c, row) for c in range(col, col + n))


def render_text(scene: Scene, width: int = 80) -> TextMap:
    """The scene fitted to `width` characters (at least 40)."""
    width = max(MIN_WIDTH, width)
    layout, columns, rows = text_layout(width)
    canvas = BrailleCanvas(columns, rows)
    for frame in layout.frames:
        _outline(canvas, frame)
    _boxes(canvas, layout)
    groups, missing = _groups(scene, layout)
    taken: set[tuple[int, int]] = set()
    origin = scene.origin
    where = layout.locate(origin.lat, origin.lon) if origin else None
    if origin is not None and where is not None:
        frame, ox, oy = where
        if origin.radius_km:
            canvas.circle(ox, oy, origin.radius_km * 1000 * frame.scale, colours.INK)
        if scene.lines:
            for group in groups:
                if group.frame is frame:
                    m = group.markers[0]
                    x, y = frame.to_canvas(m.lat, m.lon)
                    canvas.line(ox, oy, x, y, m.colour)
        cell = (int(ox // 2), int(oy // 4))
        canvas.put(*cell, ORIGIN_MARK, colours.INK)
        taken.add(cell)
    for number, group in enumerate(groups, 1):
        labels = [m.label for m in group.markers if m.label]
        group.label = ",".join(sorted(labels, key=int)) if labels else str(number)
        _place_label(canvas, taken, group, group.markers[0].colour)
    legend = _legend(scene, groups, missing, width, len(layout.frames) > 1)
    return TextMap(_head(scene, width) + canvas.runs() + legend, _key(scene))


def _head(scene: Scene, width: int) -> list[list[Run]]:
    lines: list[list[Run]] = [[(scene.title, None)]]
    lines += [
        [(line, colours.MUTED)]
        for line in textwrap.wrap(scene.subtitle, width, break_on_hyphens=False)
    ]
    return lines


def _legend(
    scene: Scene, groups: list[_Group], missing: list[str], width: int, insets: bool
) -> list[list[Run]]:
    lines: list[list[Run]] = [[("", None)]]
    if scene.origin is not None:
        lines.append([(ORIGIN_MARK, colours.INK), (" " + scene.origin.name, None)])
    if scene.entries:
        rows = _match_rows(scene, groups)
    else:
        rows = [(g.label, g.markers[0].colour, _places(g)) for g in groups]
    indent = max((len(label) for label, _, _ in rows), default=1) + 1
    for label, colour, text in rows:
        wrapped = textwrap.wrap(text, width - indent, break_on_hyphens=False) or [""]
        lines.append([(label.rjust(indent - 1), colour), (" " + wrapped[0], None)])
        lines += [[(" " * indent + more, None)] for more in wrapped[1:]]
    notes = list(scene.notes)
    if missing:
        if insets:
            off = _("not on the map: {clusters}")
        else:
            off = _(
                "not on the map (overseas insets need a width of 60 or more): "
                "{clusters}"
            )
        notes.append(off.format(clusters=", ".join(missing)))
    for note in notes:
        lines += [
            [(line, colours.MUTED)]
            for line in textwrap.wrap(note, width, break_on_hyphens=False)
        ]
    lines.append([("", None)])
    for text in scene.footer:
        lines += [
            [(line, colours.MUTED)]
            for line in textwrap.wrap(text, width, break_on_hyphens=False)
        ]
    return lines


def _places(group: _Group) -> str:
    """ "A, B (Lyon); C (Écully)": the clusters of a group by head-office town."""
    by_place: dict[str, list[str]] = {}
    for m in sorted(group.markers, key=lambda m: m.name.casefold()):
        by_place.setdefault(m.place, []).append(m.name)
    return join_clauses(
        f"{', '.join(names)} ({place})" for place, names in by_place.items()
    )


def _match_rows(
    scene: Scene, groups: list[_Group]
) -> list[tuple[str, str | None, str]]:
    """One legend row per ranked match, in rank order."""
    markers = {m.label: m for g in groups for m in g.markers}
    rows: list[tuple[str, str | None, str]] = []
    for label, text in scene.entries:
        marker = markers.get(label)
        where = f" ({marker.place})" if marker else ""
        rows.append((label, marker.colour if marker else None, text + where))
    return rows


def _key(scene: Scene) -> list[Run]:
    runs: list[Run] = []
    for colour, name in scene.legend:
        runs += [("●", colour), (f" {name}  ", None)]
    return runs
