"""Tables and panels for people at a terminal: 80 and 200 columns, words and
ids never split, lists shortened with a count, addresses whole, and no escape
code at all under NO_COLOR or TERM=dumb (checked in a real pseudo-terminal)."""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterctl.cli import app
from clusterctl.layout import (
    Column,
    Hang,
    Items,
    Line,
    Stack,
    allocate,
    layout_table,
    min_width,
    natural_width,
    render,
    width_of,
    wrap_items,
    wrap_words,
)
from conftest import EXAMPLES, PLAIN_ENV, clusterctl_command

WORD = st.text(alphabet="abcdeé-'", min_size=1, max_size=12)
ITEM = st.lists(WORD, min_size=1, max_size=3).map(" ".join)


# ---------------------------------------------------------------- the engine
@given(st.lists(WORD, min_size=1, max_size=30), st.integers(1, 60))
def test_wrapping_never_splits_a_word(words, width):
    lines = wrap_words(" ".join(words), width)
    assert " ".join(lines).split() == words
    longest = max(map(width_of, words))
    assert all(width_of(line) <= max(width, longest) for line in lines)


@given(st.lists(ITEM, min_size=1, max_size=12), st.integers(8, 50), st.integers(1, 3))
@settings(max_examples=300)
def test_a_shortened_list_counts_what_it_leaves_out(items, width, max_lines):
    lines = wrap_items(items, width, max_lines)
    first_alone = len(wrap_items(items[:1], width))
    assert len(lines) <= max(max_lines, first_alone + 1)
    text = " ".join(lines)
    more = re.search(r" ?\+(\d+)$", text)
    shown = text[: more.start()] if more else text
    hidden = int(more.group(1)) if more else 0
    kept = [i.strip() for i in shown.split(",")] if shown else []
    assert kept == [" ".join(i.split()) for i in items[: len(kept)]]
    assert len(kept) + hidden == len(items)
    if all(width_of(i) + 4 <= width for i in items):  # nothing wider than a line
        assert all(width_of(line) <= width for line in lines)


@given(
    st.lists(st.integers(1, 30), min_size=1, max_size=6),
    st.lists(st.integers(0, 120), min_size=6, max_size=6),
    st.integers(10, 250),
)
def test_short_columns_keep_their_width_and_long_ones_share(mins, extra, available):
    naturals = [m + e for m, e in zip(mins, extra, strict=False)]
    widths = allocate(mins, naturals, available)
    assert all(m <= w <= n for m, w, n in zip(mins, widths, naturals, strict=True))
    if sum(mins) <= available:
        assert sum(widths) <= available
        cramped = [w for w, n in zip(widths, naturals, strict=True) if w < n]
        if cramped:  # a column left short of its width is at least as wide as
            # any column that got its natural width, unless its minimum set it
            assert sum(widths) == available
            cap = max(cramped)
            for w, n, m in zip(widths, naturals, mins, strict=True):
                if w == n and w > cap:
                    assert m == w or cap >= min(cramped)


def test_cells_measure_and_render():
    cell = Stack((Line("pole-mer-bretagne-atlantique"), "Pôle Mer Bretagne"))
    assert min_width(cell) == 28
    assert render(cell, 28)[0] == ("pole-mer-bretagne-atlantique", None)
    items = Items(("biotech", "medtech", "pharma", "health", "diagnostics"), 1)
    assert render(items, 20) == [("biotech, medtech +3", None)]
    assert natural_width(items) == len("biotech, medtech, pharma, health, diagnostics")
    hang = Hang("sector ✓  ", "Biotechnology is one of its sectors")
    assert [t for t, _ in render(hang, 30)] == [
        "sector ✓  Biotechnology is one",
        "          of its sectors",
    ]
    assert width_of("Île-de-France") == 13
    assert width_of("表") == 2


def test_layout_gives_the_rest_to_the_long_column():
    columns = [Column("#"), Column("id"), Column("why")]
    rows = [[Line("1"), Line("aerospace-valley"), "word " * 40]]
    laid = layout_table(columns, rows, 80)
    assert laid.widths[:2] == [1, 16]
    assert sum(laid.widths) + 4 == 80


# ---------------------------------------------------------------- commands
def invoke(runner, args, columns):
    env = {**PLAIN_ENV, "COLUMNS": str(columns)}
    result = runner.invoke(app, args, env=env, catch_exceptions=False)
    return result


def body(stdout):
    """Lines of a table under its header rule."""
    lines = stdout.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("─"))
    return lines[:rule], lines[rule + 1 :]


@pytest.fixture(scope="module")
def clusters():
    from typer.testing import CliRunner

    result = CliRunner(env=PLAIN_ENV).invoke(app, ["list", "-f", "json"])
    return json.loads(result.stdout)


def test_list_at_80_columns_takes_two_lines_per_cluster(runner, clusters):
    result = invoke(runner, ["list", "-f", "table"], 80)
    assert result.exit_code == 0
    head, rows = body(result.stdout)
    assert head[0].split() == ["cluster", "regions", "sectors"]
    assert len(rows) == 2 * len(clusters)  # name over id, lists on two lines
    assert all(width_of(line) <= 80 for line in result.stdout.splitlines())
    for record, (first, second) in zip(
        clusters, zip(rows[::2], rows[1::2], strict=True), strict=True
    ):
        assert first.startswith(record["name"] + " ")
        assert second.split()[0] == record["id"]
        if record["label_status"] != "current":
            assert f"! {record['label_status']}" in second
    assert re.search(r"\+\d+$", result.stdout, flags=re.MULTILINE)


def test_list_at_200_columns_has_a_column_per_field(runner, clusters):
    result = invoke(runner, ["list", "-f", "table"], 200)
    head, rows = body(result.stdout)
    assert head[0].split() == ["id", "name", "label", "hq.city", "regions", "sectors"]
    ids = {line.split()[0] for line in rows if not line.startswith(" ")}
    assert ids == {c["id"] for c in clusters}
    assert "! lapsed 2024-12-31" in result.stdout
    assert all(width_of(line) <= 200 for line in result.stdout.splitlines())


@pytest.mark.parametrize("columns", [80, 200])
def test_match_table_gives_why_room(runner, columns):
    profile = str(EXAMPLES / "biotech-startup-lyon.yaml")
    result = invoke(runner, ["match", profile, "-f", "table"], columns)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert all(width_of(line) <= columns for line in lines)
    head, _ = body(result.stdout)
    why_at = head[-1].index("why")
    assert columns - why_at >= 45
    assert "sector ✓" in result.stdout
    assert "lyonbiopole" in result.stdout.split()


@pytest.mark.parametrize("columns", [80, 200])
def test_sectors_and_regions_split_no_id(runner, columns):
    for command, key in (("sectors", "id"), ("regions", "name")):
        records = json.loads(invoke(runner, [command, "-f", "json"], columns).stdout)
        result = invoke(runner, [command, "-f", "table"], columns)
        assert all(width_of(line) <= columns for line in result.stdout.splitlines())
        words = result.stdout.split()
        for record in records:
            if " " not in record[key]:
                assert record[key] in words


@pytest.mark.parametrize("columns", [80, 200])
def test_search_fits_and_keeps_ids_whole(runner, columns):
    hits = json.loads(
        invoke(runner, ["search", "santé numérique", "-f", "json"], columns).stdout
    )
    result = invoke(runner, ["search", "santé numérique", "-f", "table"], columns)
    assert all(width_of(line) <= columns for line in result.stdout.splitlines())
    words = result.stdout.split()
    assert all(hit["id"] in words for hit in hits)


def test_related_at_80_columns(runner):
    result = invoke(runner, ["related", "aerospace-valley", "-f", "table"], 80)
    assert all(width_of(line) <= 80 for line in result.stdout.splitlines())
    assert "astech-paris-region  ! lapsed" in result.stdout


def test_show_panel_fits_a_screen_with_whole_addresses(runner):
    result = invoke(runner, ["show", "cap-digital", "-f", "table"], 80)
    record = json.loads(
        invoke(runner, ["show", "cap-digital", "-f", "json"], 80).stdout
    )
    lines = result.stdout.splitlines()
    panel = [line for line in lines if line[:1] in "╭│╰"]
    assert all(width_of(line) <= 80 for line in panel)
    assert len(panel) <= 40
    cited = [line for line in lines if line.startswith("[")]
    urls = {*record["sources"], record["status_source"], record["members"]["source"]}
    assert {line.split(" ", 1)[1] for line in cited} == urls
    assert "│ keywords       digital, AI, data, creative industries" in result.stdout
    assert "│ hq             Paris (75), 48.8566, 2.3522" in result.stdout


def test_naf_is_plain_words_in_the_panel_and_ids_in_tsv(runner):
    panel = invoke(runner, ["naf", "30.30Z", "-f", "table"], 80).stdout
    assert "{" not in panel
    assert '"' not in panel
    assert "- Aerospace Valley (aerospace-valley): Occitanie," in panel
    tsv = invoke(runner, ["naf", "30.30Z", "-f", "tsv"], 80).stdout
    header, row = (line.split("\t") for line in tsv.splitlines())
    cells = dict(zip(header, row, strict=True))
    assert cells["sectors"] == "aerospace;aeronautics;space;drones"
    assert cells["clusters"].split(";")[0] == "aerospace-valley"
    assert "{" not in tsv


# ---------------------------------------------------------------- no escapes
def run_in_terminal(args, columns=80, **env):
    """Run clusterctl in a pseudo-terminal `columns` wide; its whole output."""
    import fcntl
    import pty
    import struct
    import termios

    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES")
    }
    base.update({"TERM": "xterm-256color", "CLUSTERCTL_TODAY": "2026-12-06", **env})
    base = {k: v for k, v in base.items() if v is not None}
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    proc = subprocess.Popen(
        [*clusterctl_command(), *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=base,
    )
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=60)
    os.close(leader)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace")


TERMINAL_COMMANDS = [
    ["list"],
    ["show", "cap-digital"],
    ["match", str(EXAMPLES / "biotech-startup-lyon.yaml")],
    ["naf", "30.30Z"],
    ["map", "--sector", "health"],
    ["sectors"],
]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("args", TERMINAL_COMMANDS, ids=lambda a: a[0])
@pytest.mark.parametrize(
    "env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}], ids=["NO_COLOR", "TERM=dumb"]
)
def test_no_escape_codes_when_asked(args, env):
    code, output = run_in_terminal(args, **env)
    assert code == 0, output
    assert "\x1b" not in output


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_terminal_gets_styles_and_links():
    code, output = run_in_terminal(["show", "cap-digital"])
    assert code == 0
    assert "\x1b[1m" in output  # bold keys
    assert "\x1b]8;" in output  # OSC 8 hyperlinks
    lines = output.replace("\r", "").splitlines()
    assert (
        max(
            width_of(re.sub(r"\x1b(\[[0-9;]*m|\]8;[^\x1b]*\x1b\\)", "", x))
            for x in lines
            if "│" in x
        )
        <= 80
    )


def test_batch_table_layouts_fit_80_and_200_columns():
    import io

    from clusterctl.cli.tables import batch_layouts, draw

    rows = [
        {
            "line": "2",
            "siren": "",
            "siret": "",
            "company": "Acme Drones",
            "rank": "1",
            "id": "aerospace-valley",
            "name": "Aerospace Valley",
            "score": "79.38",
            "sector_eligible": "true",
            "location_eligible": "false",
            "distance_km": "0.1",
            "region_relation": "same",
            "label_status": "current",
        },
        {
            "line": "3",
            "siren": "",
            "siret": "",
            "company": "Metal Works",
            "rank": "1",
            "id": "materalia",
            "name": "Materalia",
            "score": "26.30",
            "sector_eligible": "false",
            "location_eligible": "true",
            "distance_km": "0.2",
            "region_relation": "same",
            "label_status": "unconfirmed",
        },
    ]
    narrow, wide = io.StringIO(), io.StringIO()
    draw(batch_layouts(), rows, narrow, width=80)
    draw(batch_layouts(), rows, wide, width=200)
    assert narrow.getvalue().splitlines()[0].split() == [
        "line",
        "company",
        "#",
        "cluster",
        "score",
        "fits",
        "km",
    ]
    assert "✓ ✗" in narrow.getvalue()
    assert "aerospace-valley" in narrow.getvalue().split()
    assert wide.getvalue().splitlines()[0].split()[-1] == "label_status"
    # a doubtful label is flagged in both layouts, a current one is not
    assert "Materalia ! unconfirmed" in narrow.getvalue()
    assert "Aerospace Valley !" not in narrow.getvalue()
    assert "unconfirmed" in wide.getvalue().splitlines()[3]
    for out, width in ((narrow, 80), (wide, 200)):
        assert all(width_of(line) <= width for line in out.getvalue().splitlines())
