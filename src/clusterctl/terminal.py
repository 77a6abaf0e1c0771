"""Tables and panels drawn for a person at a terminal, with Rich.

`layout` decides the widths and line breaks; this module draws the lines
through a Rich console so that styles and hyperlinks reach a capable
terminal and nothing else: with `NO_COLOR` set (to anything but the empty
string), `TERM=dumb`, or output that is not a terminal, not one escape code
is written. Rich is imported here only, when something is drawn.

Text from data files is passed through `printable` first, so a control
character in a dataset can never drive the terminal.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import IO, TYPE_CHECKING, Any

from .layout import (
    GAP,
    Cell,
    Column,
    Hang,
    Items,
    Line,
    Stack,
    Styled,
    layout_table,
    natural_width,
    pad,
    render,
    width_of,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


def plain_requested(environ: Mapping[str, str] | None = None) -> bool:
    """`NO_COLOR` (any value but empty) or `TERM=dumb`: no escape codes."""
    env = os.environ if environ is None else environ
    return bool(env.get("NO_COLOR")) or env.get("TERM") == "dumb"


def console_for(out: IO[str], width: int | None = None) -> Console:
    """A Rich console on `out` that writes escape codes only to a terminal
    that accepts them (Rich alone keeps bold and links under `NO_COLOR`)."""
    from rich.console import Console

    return Console(
        file=out,
        width=width,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
        color_system=None if plain_requested() else "auto",
    )


def links_wanted(console: Console) -> bool:
    """OSC 8 hyperlinks only on a terminal that is drawing styles, and not on
    the Linux console, which shows them as garbage."""
    return (
        console.is_terminal
        and console.color_system is not None
        and os.environ.get("TERM", "") not in ("linux", "dumb")
    )


# ---------------------------------------------------------------- cleaning
def _safe(text: str) -> str:
    from .formats import printable

    return printable(text, keep="\n")


def clean(cell: Cell) -> Cell:
    """The cell with every control character shown as an escape (`\\x1b`)."""
    if isinstance(cell, str):
        return _safe(cell)
    if isinstance(cell, Line):
        return replace(cell, text=_safe(cell.text).replace("\n", " "))
    if isinstance(cell, Items):
        return replace(cell, items=tuple(_safe(i) for i in cell.items))
    if isinstance(cell, Hang):
        return replace(cell, label=_safe(cell.label), text=_safe(cell.text))
    return Stack(tuple(clean(p) for p in cell.parts))


def _text(parts: Sequence[tuple[str, str | None]], links: bool) -> Text:
    from rich.text import Text

    text = Text(no_wrap=True, overflow="ignore", end="\n")
    for chunk, style in parts:
        if style == "link":
            text.append(chunk, style=_link_style(chunk) if links else None)
        else:
            text.append(chunk, style=style)
    return text


def _link_style(chunk: str) -> Any:
    from rich.style import Style

    url = chunk.strip().rstrip(",")
    return Style(link=url) if url.startswith(("http://", "https://")) else None


# ---------------------------------------------------------------- tables
def draw_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    out: IO[str],
    *,
    title: str | None = None,
    width: int | None = None,
    separate_rows: bool = False,
) -> None:
    """Draw a table: a header, a rule under each column, the rows."""
    console = console_for(out, width)
    rows = [[clean(c) for c in row] for row in rows]
    laid = layout_table(columns, rows, console.width)
    links = links_wanted(console)
    total = sum(laid.widths) + GAP * (len(columns) - 1)
    lines: list[list[tuple[str, str | None]]] = []
    if title:
        lines.append([(pad(_safe(title), min(total, console.width), "center"), "bold")])
    height = max(len(h) for h in laid.header)
    for i in range(height):
        lines.append(
            _joined(
                [((h[i] if i < len(h) else ""), "bold") for h in laid.header],
                laid.widths,
                columns,
            )
        )
    lines.append(_joined([("─" * w, "dim") for w in laid.widths], laid.widths, None))
    for n, row in enumerate(laid.rows):
        if separate_rows and n:
            lines.append([])
        for i in range(max(len(cell) for cell in row)):
            lines.append(
                _joined(
                    [cell[i] if i < len(cell) else ("", None) for cell in row],
                    laid.widths,
                    columns,
                )
            )
    for parts in lines:
        console.print(_text(parts, links))


def _joined(
    cells: Sequence[Styled],
    widths: Sequence[int],
    columns: Sequence[Column] | None,
) -> list[tuple[str, str | None]]:
    """One output line: each cell padded to its column, two spaces between,
    no trailing spaces."""
    parts: list[tuple[str, str | None]] = []
    for i, ((text, style), w) in enumerate(zip(cells, widths, strict=True)):
        column = columns[i] if columns else None
        space = " " * max(0, w - width_of(text))
        right = column is not None and column.justify == "right"
        parts.append(((" " * GAP if i else "") + (space if right else ""), None))
        parts.append((text, style or (column.style if column else None)))
        if not right:
            parts.append((space, None))
    while parts and not parts[-1][0].strip():
        parts.pop()
    return parts


# ---------------------------------------------------------------- panels
class References:
    """Addresses shown in full under a panel and cited in it as `[n]`."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def cite(self, url: str) -> str:
        if url not in self.urls:
            self.urls.append(url)
        return f"[{self.urls.index(url) + 1}]"


def _fit_links(cell: Cell, width: int, refs: References) -> Cell:
    """An address that would not fit on a line of the panel becomes `[n]`."""
    if isinstance(cell, Line) and cell.style == "link" and width_of(cell.text) > width:
        return Line(refs.cite(cell.text))
    if (
        isinstance(cell, Items)
        and cell.style == "link"
        and any(width_of(u) + 1 > width for u in cell.items)
    ):
        return Items(tuple(refs.cite(u) for u in cell.items))
    if isinstance(cell, Stack):
        return Stack(tuple(_fit_links(p, width, refs) for p in cell.parts))
    return cell


def draw_panel(
    title: str,
    rows: Sequence[tuple[str, Cell]],
    out: IO[str],
    *,
    references: References | None = None,
    width: int | None = None,
) -> None:
    """A titled box of `key  value` lines; under it, the addresses cited in it,
    each whole on its own line (a terminal wraps it without breaking it, so it
    stays one clickable address)."""
    console = console_for(out, width)
    refs = references or References()
    links = links_wanted(console)
    rows = [(_safe(k), clean(v)) for k, v in rows]
    key_width = max((width_of(k) for k, _ in rows), default=0)
    inner_max = max(20, console.width - 4)
    value_max = max(10, inner_max - key_width - GAP)
    rows = [(k, _fit_links(v, value_max, refs)) for k, v in rows]
    natural = max((natural_width(v) for _, v in rows), default=0)
    value_width = min(value_max, max(natural, width_of(title) + 4 - key_width - GAP))
    inner = key_width + GAP + value_width
    lines: list[list[tuple[str, str | None]]] = []
    head = f"─ {_safe(title)} " if title else ""
    lines.append([("╭" + head + "─" * max(0, inner + 2 - width_of(head)) + "╮", None)])
    for key, value in rows:
        for i, (text, style) in enumerate(render(value, value_width)):
            label = pad(key if i == 0 else "", key_width)
            filler = " " * max(0, value_width - width_of(text))
            lines.append(
                [
                    ("│ ", None),
                    (label, "bold"),
                    (" " * GAP, None),
                    (text, style),
                    (filler + " │", None),
                ]
            )
    lines.append([("╰" + "─" * (inner + 2) + "╯", None)])
    for n, url in enumerate(refs.urls, 1):
        lines.append([(f"[{n}] ", None), (_safe(url), "link")])
    for parts in lines:
        console.print(_text(parts, links))


def record_rows(record: Mapping[str, Any], indent: str = "") -> list[tuple[str, Cell]]:
    """A nested record as panel rows: lists inline, wrapped between items; a
    small mapping of plain values on one line (`active: 50, merged: 1`); a
    larger one as indented sub-rows; addresses kept whole. Fields are named in
    the language in use."""
    from .fieldlabels import field_label

    rows: list[tuple[str, Cell]] = []
    for key, value in record.items():
        name = f"{indent}{field_label(str(key))}"
        if isinstance(value, Mapping) and value:
            inline = _inline_mapping(value)
            if inline is not None:
                rows.append((name, inline))
            else:
                rows.append((name, ""))
                rows.extend(record_rows(value, indent + "  "))
        else:
            rows.append((name, readable(value)))
    return rows


def _inline_mapping(value: Mapping[str, Any]) -> Items | None:
    """A few plain values on one line, `active: 50, merged: 1`."""
    if len(value) <= 6 and all(
        not isinstance(v, Mapping | list | tuple) for v in value.values()
    ):
        from .fieldlabels import field_label

        return Items(
            tuple(_pair(field_label(str(k)), _scalar(v)) for k, v in value.items())
        )
    return None


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def readable(value: Any) -> Cell:
    """One value as a panel or table cell."""
    if isinstance(value, list | tuple):
        if value and all(_is_url(v) for v in value):
            return Items(tuple(value), style="link")
        if any(isinstance(v, Mapping) for v in value):
            return Stack(tuple(_mapping_line(v) for v in value))
        return Items(tuple(_scalar(v) for v in value))
    if isinstance(value, Mapping):
        return _mapping_line(value)
    if _is_url(value):
        return Line(value, style="link")
    return _scalar(value)


def _mapping_line(value: Any) -> str:
    if not isinstance(value, Mapping):
        return _scalar(value)
    from .fieldlabels import field_label

    return ", ".join(
        _pair(
            field_label(str(k)),
            _scalar(v) if not isinstance(v, list) else ", ".join(map(_scalar, v)),
        )
        for k, v in value.items()
        if v not in (None, "", [])
    )


def _scalar(value: Any) -> str:
    """A value as text for people: `yes`/`no` for a boolean, lists joined."""
    if isinstance(value, bool):
        from .i18n import pgettext

        return pgettext("boolean", "true") if value else pgettext("boolean", "false")
    from .formats import cell

    return cell(value, ", ")


def _pair(key: str, value: str) -> str:
    """`key: value` (`clé : valeur` in French)."""
    from .i18n import _

    return _("{key}: {value}").format(key=key, value=value)


#: Columns whose values are identifiers: never wrapped.
ID_COLUMNS = frozenset({"id", "parent", "successor", "code", "iso", "rank", "kind"})


def table_cell(name: str, value: Any) -> Cell:
    """A value under column `name` in a generic table: ids on one line, lists
    wrapped between items, text wrapped at spaces."""
    if isinstance(value, str) and "\n" in value:
        return Stack(tuple(value.split("\n")))
    if name in ID_COLUMNS or name.endswith(".id") or _is_url(value):
        return Line(_scalar(value), style="link" if _is_url(value) else None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Line(_scalar(value))
    return readable(value)
