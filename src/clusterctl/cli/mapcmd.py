"""`clusterctl map`, and the map of `match --map`: draw, then print or write."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from clusterctl.errors import UsageError
from clusterctl.i18n import N_, _, ngettext

from .app import app
from .common import DataOption, get_dataset, no_result, note, user_errors
from .filteropts import (
    CityFilter,
    KeywordFilter,
    MemberTypeFilter,
    NearFilter,
    RadiusFilter,
    RegionFilter,
    SectorFilter,
    StatusFilter,
    resolve_filters,
)

if TYPE_CHECKING:
    from clusterctl.maps.scene import Scene
    from clusterctl.maps.textmap import TextMap

OutputOption = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help=N_(
            "Write a picture instead of drawing in the terminal: FILE.svg or "
            "FILE.html (self-contained; the format comes from the extension)."
        ),
    ),
]
WidthOption = Annotated[
    int | None,
    typer.Option(
        "--width",
        min=40,
        metavar="COLUMNS",
        help=N_(
            "Width of the terminal map in characters (default: the terminal's "
            "width, or $COLUMNS, or 80)."
        ),
    ),
]


@app.command(
    "map",
    help=N_(
        "Draw the head offices of the clusters on a map of France (filters as in "
        "list).\n\nExample: clusterctl map --sector health --output health.html"
    ),
)
@user_errors
def map_clusters(
    ctx: typer.Context,
    sector: SectorFilter = None,
    region: RegionFilter = None,
    city: CityFilter = None,
    keyword: KeywordFilter = None,
    member_type: MemberTypeFilter = None,
    status: StatusFilter = None,
    near: NearFilter = None,
    radius: RadiusFilter = None,
    output: OutputOption = None,
    width: WidthOption = None,
    data: DataOption = None,
) -> None:
    """`clusterctl map`."""
    from clusterctl import query
    from clusterctl.maps.scene import cluster_scene

    check_output(output)
    dataset = get_dataset(ctx, data)
    filters = resolve_filters(
        dataset, sector=sector, region=region, city=city, keyword=keyword,
        member_type=member_type, status=status, near=near, radius=radius,
    )  # fmt: skip
    found = [cluster for cluster, _ in query.filter_clusters(dataset, filters)]
    if not found:
        no_result(_("no cluster matches these filters"))
    options = {"sector": sector, "region": region, "city": city, "keyword": keyword,
               "member-type": member_type, "status": status}  # fmt: skip
    subtitle = describe(options, near, radius)
    scene = cluster_scene(
        dataset, found, subtitle=subtitle, near=filters.near, radius_km=radius
    )
    show(scene, output, width)


#: A filter in words, for the map's subtitle (`{values}`: what was asked).
FILTER_WORDS = {
    "sector": N_("sector {values}"),
    "region": N_("region {values}"),
    "city": N_("city {values}"),
    "keyword": N_("keyword {values}"),
    "member-type": N_("member type {values}"),
    "status": N_("status {values}"),
}


def describe(options: dict[str, list[str] | None], near: str | None,
             radius: float | None) -> str:  # fmt: skip
    """The filters in words, for the map's subtitle."""
    from clusterctl.i18n import format_decimal, join_clauses, pgettext

    either = pgettext("between filter values", " or ")
    parts = [_(FILTER_WORDS[name]).format(values=either.join(values))
             for name, values in options.items() if values]  # fmt: skip
    if near and radius:
        text = _("within {radius} km of {place}")
        parts.append(text.format(radius=format_decimal(radius, None), place=near))
    elif near:
        parts.append(_("near {place}").format(place=near))
    if not options.get("status"):
        parts.insert(0, _("current clusters"))
    return join_clauses(parts)


def check_output(output: str | None) -> None:
    """Refuse an output name without a known extension before doing any work."""
    from clusterctl.maps import picture_format

    if output not in (None, "-") and picture_format(output) is None:
        text = _(
            "{file}: the map file must end in .svg or .html "
            "(or give '-' to draw it in the terminal)"
        )
        raise UsageError(text.format(file=output))


def show(scene: Scene, output: str | None, width: int | None) -> None:
    """Print the scene in the terminal (`output` None or '-') or write a file."""
    if output in (None, "-"):
        from clusterctl.maps.textmap import render_text

        columns = width or _terminal_width()
        drawn = render_text(scene, columns)
        sys.stdout.write(ansi(drawn) if _colour() else drawn.text())
        return
    from pathlib import Path

    from clusterctl.maps import picture_format, render_picture

    fmt = picture_format(output) or "svg"
    try:
        Path(output).write_text(render_picture(scene, fmt), encoding="utf-8")
    except OSError as exc:
        raise UsageError(
            _("{file}: cannot write: {reason}").format(file=output, reason=exc.strerror)
        ) from None
    count = len(scene.markers)
    text = ngettext(
        "wrote {file} ({count} cluster, {format})",
        "wrote {file} ({count} clusters, {format})",
        count,
    )
    note(text.format(file=output, count=count, format=fmt.upper()))


def draw_match(dataset: Any, result: dict[str, Any], output: str, fmt: Any) -> None:
    """The map of one company's matches (`match --map FILE`, or '-' for the
    terminal, where it replaces the results and so takes no --format)."""
    from clusterctl.formats import OutputFormat
    from clusterctl.maps.scene import match_scene

    check_output(output)
    if output == "-" and fmt != OutputFormat.auto:
        raise UsageError(
            _(
                "--map - draws the map instead of the results; drop --format, or "
                "give --map a file name"
            )
        )
    show(match_scene(dataset, result), output, None)


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def _colour() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return os.environ.get("TERM") != "dumb" and sys.stdout.isatty()


def ansi(drawn: TextMap) -> str:
    """The map with 256-colour escape codes, and the key of the sector colours."""
    lines = drawn.lines + ([drawn.key] if drawn.key else [])
    out = []
    for line in lines:
        parts = [
            f"\x1b[38;5;{_xterm(colour)}m{text}\x1b[0m" if colour else text
            for text, colour in line
        ]
        out.append("".join(parts).rstrip() + "\n")
    return "".join(out)


def _xterm(colour: str) -> int:
    """Nearest colour of the xterm 6×6×6 cube."""
    from clusterctl.maps.colours import rgb

    levels = (0, 95, 135, 175, 215, 255)
    r, g, b = (min(range(6), key=lambda i: abs(levels[i] - c)) for c in rgb(colour))
    return 16 + 36 * r + 6 * g + b
