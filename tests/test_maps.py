"""Maps: projection, base map, SVG/HTML, terminal maps, `map` and `match --map`."""

from __future__ import annotations

import importlib.util
import itertools
import json
import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterctl import geography
from clusterctl.cli import app
from clusterctl.dataset import load_dataset
from clusterctl.maps import basemap as basemap_module
from clusterctl.maps.basemap import load_basemap
from clusterctl.maps.projection import LocalProjection, lambert93, lambert93_inverse
from clusterctl.maps.scene import cluster_scene
from clusterctl.maps.svg import render_svg
from clusterctl.maps.textmap import render_text
from conftest import EXAMPLES, REPO

SVG = "{http://www.w3.org/2000/svg}"

# Lambert-93 (EPSG:2154) of WGS84 points, as computed by PROJ (pyproj 3.7).
LAMBERT93_REFERENCE = [
    (48.8566, 2.3522, 652469.02, 6862035.26),  # Paris
    (43.6047, 1.4442, 574357.82, 6279642.97),  # Toulouse
    (50.6292, 3.0573, 704061.15, 7059136.59),  # Lille
    (48.3904, -4.4861, 146632.98, 6836262.33),  # Brest
    (41.9192, 8.7386, 1176667.56, 6108273.28),  # Ajaccio
    (48.5734, 7.7521, 1050362.70, 6840899.65),  # Strasbourg
]


# ------------------------------------------------------------------ projection
@pytest.mark.parametrize(("lat", "lon", "x", "y"), LAMBERT93_REFERENCE)
def test_lambert93_matches_proj_to_the_centimetre(lat, lon, x, y):
    px, py = lambert93(lat, lon)
    assert abs(px - x) < 0.01
    assert abs(py - y) < 0.01


@settings(max_examples=200, deadline=None)
@given(st.floats(41.0, 51.5), st.floats(-5.5, 10.0))
def test_lambert93_inverse_returns_the_point(lat, lon):
    back_lat, back_lon = lambert93_inverse(*lambert93(lat, lon))
    assert back_lat == pytest.approx(lat, abs=1e-9)
    assert back_lon == pytest.approx(lon, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([(16.2, -61.5), (14.65, -61.0), (4.0, -53.0), (-21.1, 55.5)]),
    st.floats(-1.0, 1.0),
    st.floats(-1.0, 1.0),
)
def test_overseas_projection_keeps_distances_within_one_percent(centre, dlat, dlon):
    """The local projection and the haversine agree over an inset's extent."""
    lat0, lon0 = centre
    project = LocalProjection(lat0, lon0)
    lat, lon = lat0 + dlat, lon0 + dlon
    x, y = project(lat, lon)
    measured = math.hypot(x, y) / 1000
    true = geography.distance_km(lat0, lon0, lat, lon)
    assert measured == pytest.approx(true, rel=0.01, abs=0.01)
    assert project.inverse(x, y) == pytest.approx((lat, lon), abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.floats(42.5, 51.0), st.floats(-4.5, 8.0), st.floats(-0.5, 0.5))
def test_lambert93_distances_are_true_within_one_percent(lat, lon, step):
    """Conformal with a small scale error: map distances ≈ great-circle ones."""
    other = (lat + step, lon + step)
    (x1, y1), (x2, y2) = lambert93(lat, lon), lambert93(*other)
    true = geography.distance_km(lat, lon, *other)
    assert math.hypot(x2 - x1, y2 - y1) / 1000 == pytest.approx(true, rel=0.01)


# ------------------------------------------------------------------ base map
def _inside(lat: float, lon: float, rings) -> bool:
    """Even-odd point-in-polygon test over all rings of a region."""
    inside = False
    for ring in rings:
        for (lat1, lon1), (lat2, lon2) in itertools.pairwise(ring):
            if (lat1 > lat) != (lat2 > lat):
                cross = lon1 + (lat - lat1) * (lon2 - lon1) / (lat2 - lat1)
                if lon < cross:
                    inside = not inside
    return inside


def _distance_to_outline_km(lat, lon, rings) -> float:
    return min(geography.distance_km(lat, lon, *p) for ring in rings for p in ring)


def test_base_map_has_the_18_regions_and_is_small():
    basemap = load_basemap()
    assert sorted(r.name for r in basemap.regions) == sorted(geography.region_names())
    assert [r.name for r in basemap.overseas()] == [
        "Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte",
    ]  # fmt: skip
    path = Path(basemap_module.data_file(basemap_module.BASEMAP_FILE))
    assert path.stat().st_size < 150_000
    assert "public domain" in basemap.licence


def test_every_head_office_lies_in_its_region_outline():
    """The outlines are in the right place: each HQ falls inside its region (or,
    on a coast, within 3 km of the simplified outline)."""
    shapes = {r.name: r for r in load_basemap().regions}
    for cluster in load_dataset().clusters:
        shape = shapes[cluster.regions[0]]
        lat, lon = cluster.hq.lat, cluster.hq.lon
        assert _inside(lat, lon, shape.rings) or (
            _distance_to_outline_km(lat, lon, shape.rings) < 3
        ), cluster.id
        others = [s for s in shapes.values() if s is not shape]
        assert not any(_inside(lat, lon, s.rings) for s in others), cluster.id


def test_regions_share_their_borders_exactly_as_the_geography_table_says():
    """Neighbouring regions share border points (one simplified border for both,
    no gap); regions that are not neighbours share none."""
    shapes = load_basemap().metropolitan()
    points = {s.name: {p for ring in s.rings for p in ring} for s in shapes}
    for a in shapes:
        region = geography.resolve_region(a.name)
        for b in shapes:
            if a is b:
                continue
            shared = len(points[a.name] & points[b.name])
            if b.name in region.neighbours:
                assert shared >= 5, (a.name, b.name)
            else:
                assert shared == 0, (a.name, b.name, shared)


def _build_script():
    spec = importlib.util.spec_from_file_location(
        "build_basemap", REPO / "scripts" / "build_basemap.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _segment_distance(p, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-1000, 1000), st.floats(-1000, 1000)),
        min_size=2,
        max_size=40,
    ),
    st.floats(0.5, 200),
)
def test_douglas_peucker_keeps_every_point_within_tolerance(points, tolerance):
    kept = _build_script().douglas_peucker(points, tolerance)
    assert kept[0] == 0
    assert kept[-1] == len(points) - 1
    assert kept == sorted(set(kept))
    for a, b in itertools.pairwise(kept):
        for i in range(a + 1, b):
            # Douglas–Peucker measures to the line through the chord; the
            # segment distance can only be larger for points beyond its ends.
            (ax, ay), (bx, by), (px, py) = points[a], points[b], points[i]
            length = math.hypot(bx - ax, by - ay)
            if length:
                d = abs((by - ay) * (px - ax) - (bx - ax) * (py - ay)) / length
            else:
                d = math.hypot(px - ax, py - ay)
            assert d <= tolerance + 1e-9


# ------------------------------------------------------------------ SVG
def _svg_markers(text: str) -> dict[str, dict]:
    root = ET.fromstring(text)
    frames = {}
    for frame in root.iter(f"{SVG}g"):
        if frame.get("class") == "frame":
            frames[frame.get("data-name")] = (
                float(frame.get("data-scale")),
                float(frame.get("data-origin-x")),
                float(frame.get("data-origin-y")),
            )
    markers = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "marker":
            circle = g.find(f"{SVG}circle")
            markers[g.get("data-id")] = {
                "x": float(circle.get("cx")),
                "y": float(circle.get("cy")),
                "r": float(circle.get("r")),
                "fill": circle.get("fill"),
                "title": g.find(f"{SVG}title").text,
                "frames": frames,
            }
    return markers


def test_svg_has_one_marker_per_cluster_at_its_lambert93_place():
    dataset = load_dataset()
    clusters = list(dataset.current())
    markers = _svg_markers(render_svg(cluster_scene(dataset, clusters)))
    assert sorted(markers) == sorted(c.id for c in clusters)
    for cluster in clusters:
        marker = markers[cluster.id]
        assert marker["title"].startswith(cluster.name + "\n")
        if cluster.hq.lat < 30:
            continue  # overseas: an inset, with its own projection (checked below)
        scale, ox, oy = marker["frames"]["France métropolitaine"]
        x, y = lambert93(cluster.hq.lat, cluster.hq.lon)
        assert marker["x"] == pytest.approx(ox + x * scale, abs=0.06)
        assert marker["y"] == pytest.approx(oy - y * scale, abs=0.06)
    # About 1.8 km per pixel: Toulouse lies south-west of Paris, Lille north.
    paris, toulouse = markers["cap-digital"], markers["aerospace-valley"]
    lille = markers["clubster-nsl"]
    assert toulouse["x"] < paris["x"]
    assert toulouse["y"] > paris["y"]
    assert lille["y"] < paris["y"]
    assert abs(lille["x"] - paris["x"]) < 40


def test_svg_hover_text_names_clusters_hidden_at_the_same_place():
    dataset = load_dataset()
    ids = ("cap-digital", "finance-innovation", "medicen-paris-region", "cara")
    markers = _svg_markers(
        render_svg(cluster_scene(dataset, [dataset.get(i) for i in ids]))
    )
    assert markers["cap-digital"]["title"].endswith(
        "same place: Finance Innovation, Medicen Paris Region"
    )
    assert "same place" not in markers["cara"]["title"]


def test_svg_puts_overseas_head_offices_in_their_inset():
    dataset = load_dataset()
    text = render_svg(cluster_scene(dataset, [dataset.get("qualitropic")]))
    root = ET.fromstring(text)
    frames = {
        g.get("data-name"): g for g in root.iter(f"{SVG}g") if g.get("class") == "frame"
    }
    box = frames["La Réunion"].find(f"{SVG}rect")
    x0, y0 = float(box.get("x")), float(box.get("y"))
    x1, y1 = x0 + float(box.get("width")), y0 + float(box.get("height"))
    marker = _svg_markers(text)["qualitropic"]
    assert x0 < marker["x"] < x1
    assert y0 < marker["y"] < y1


def test_svg_sizes_by_members_colours_by_sector_and_credits_sources(small, tmp_path):
    text = Path(small).read_text(encoding="utf-8")
    # Techtera's member count made unknown: it gets the smallest disc.
    start = text.index("- id: techtera")
    tail = text[start:].replace("    count: 200", "    count: null", 1)
    path = tmp_path / "clusters.yaml"
    path.write_text(text[:start] + tail, encoding="utf-8")
    dataset = load_dataset(str(path))
    svg = render_svg(cluster_scene(dataset, list(dataset.current())))
    markers = _svg_markers(svg)
    # 1000, 830, 350, 277 members, then unknown
    radii = [markers[i]["r"] for i in ("cap-digital", "aerospace-valley",
             "pole-mer-bretagne-atlantique", "lyonbiopole", "techtera")]  # fmt: skip
    assert radii == sorted(radii, reverse=True)
    assert radii[-1] < radii[-2]
    assert markers["cap-digital"]["r"] ** 2 == pytest.approx(
        markers["pole-mer-bretagne-atlantique"]["r"] ** 2 * 1000 / 350, rel=0.05
    )  # area proportional to the count
    assert markers["cap-digital"]["fill"] == "#9467bd"  # digital
    assert markers["lyonbiopole"]["fill"] == "#d62728"  # health
    assert markers["aerospace-valley"]["fill"] == "#1f77b4"  # aerospace
    assert "member count unknown" in markers["techtera"]["title"]
    assert "same place" not in markers["aerospace-valley"]["title"]
    for legend in ("Digital", "Health", "Aerospace &amp; Defence", "Members"):
        assert legend in svg
    assert f"dataset {dataset.info.version} of {dataset.info.date}" in svg
    assert "Natural Earth" in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")


# ------------------------------------------------------------------ terminal
def _label_positions(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Numbers drawn on the map -> (row, column)."""
    found = {}
    for row, line in enumerate(lines):
        for m in re.finditer(r"\d+(?:,\d+)*", line):
            found[m.group()] = (row, m.start())
    return found


def _legend_numbers(text: str) -> dict[str, str]:
    """Legend entries "12 Name (City)", wrapped or not -> {text: number}."""
    entries: list[list[str]] = []
    for line in text.splitlines():
        m = re.match(r"^\s*(\d+(?:,\d+)*) (.*)$", line)
        if m:
            entries.append([m.group(1), m.group(2)])
        elif line.startswith(" ") and entries:
            entries[-1][1] += " " + line.strip()
        elif entries:
            break
    return {text: number for number, text in entries}


def _number_of(legend: dict[str, str], city: str) -> str:
    return next(n for text, n in legend.items() if f"({city})" in text)


def test_terminal_map_at_80_columns_puts_cities_where_they_are(runner):
    result = runner.invoke(app, ["map", "--width", "80"], catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    map_lines = lines[2 : lines.index("")]
    positions = _label_positions(map_lines)
    legend = _legend_numbers("\n".join(lines[lines.index("") :]))
    paris = positions[_number_of(legend, "Paris")]
    toulouse = positions[_number_of(legend, "Toulouse")]
    lille = positions[_number_of(legend, "Lille")]
    assert toulouse[0] > paris[0] + 5
    assert toulouse[1] < paris[1]
    assert lille[0] < paris[0] - 3
    assert abs(lille[1] - paris[1]) <= 4
    assert "⠀" not in result.stdout  # blank cells are spaces
    assert any("\u2801" <= ch <= "\u28ff" for ch in result.stdout)  # braille
    assert "\x1b[" not in result.stdout  # no colour in a pipe


@settings(max_examples=25, deadline=None)
@given(st.integers(40, 240))
def test_terminal_map_fits_any_width(width):
    dataset = load_dataset()
    scene = cluster_scene(dataset, list(dataset.current()))
    drawn = render_text(scene, width)
    lines = drawn.text().splitlines()
    assert max(len(line) for line in lines) <= width
    # every cluster is in the legend once
    legend = " ".join(drawn.text().split())
    for cluster in dataset.current():
        assert cluster.name in legend, cluster.name


def test_narrow_terminal_maps_say_where_overseas_clusters_went(runner):
    narrow = runner.invoke(app, ["map", "--region", "La Réunion", "--width", "50"])
    wide = runner.invoke(app, ["map", "--region", "La Réunion", "--width", "60"])
    assert narrow.exit_code == wide.exit_code == 0
    assert "not on the map (overseas insets need a width of 60 or more):" in (
        " ".join(narrow.stdout.split())
    )
    assert re.search(r"^\d+ Qualitropic \(Saint-Denis\)$", wide.stdout, re.M)
    assert "┌La Réunion┐" in wide.stdout


def test_terminal_map_numbers_every_place_once(runner, small):
    result = runner.invoke(app, ["--data", small, "map", "--width", "100"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    positions = _label_positions(lines[2 : lines.index("")])
    legend = _legend_numbers(result.stdout.split("\n\n", 1)[1])
    assert sorted(positions, key=int) == sorted(legend.values(), key=int)
    # Lyon and Écully are 5 km apart: one number for both.
    assert any("(Lyon)" in text and "(Écully)" in text for text in legend)


# ------------------------------------------------------------------ map command
def _ids_from_svg(path: Path) -> list[str]:
    return sorted(_svg_markers(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    "filters",
    [
        [],
        ["--sector", "health"],
        ["--region", "PACA", "--region", "Occitanie"],
        ["--near", "Lyon", "--radius", "150"],
        ["--keyword", "hydrogen", "--member-type", "startup"],
        ["--status", "all"],
        ["--city", "Paris", "--sector", "numérique"],
    ],
)
def test_map_shows_exactly_the_clusters_list_shows(runner, tmp_path, filters):
    listed = runner.invoke(app, ["list", *filters, "--format", "json"])
    out = tmp_path / "m.svg"
    drawn = runner.invoke(app, ["map", *filters, "--output", str(out)])
    assert drawn.exit_code == listed.exit_code == 0, drawn.stderr
    assert drawn.stdout == ""
    count = len(json.loads(listed.stdout))
    clusters = "cluster" if count == 1 else "clusters"
    assert drawn.stderr == f"clusterctl: wrote {out} ({count} {clusters}, SVG)\n"
    assert _ids_from_svg(out) == sorted(r["id"] for r in json.loads(listed.stdout))


def test_map_html_is_one_self_contained_page(runner, tmp_path):
    out = tmp_path / "map.HTML"
    result = runner.invoke(app, ["map", "--sector", "aerospace", "-o", str(out)])
    assert result.exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<svg" in page
    assert "Aerospace Valley" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page
    assert "url(" not in page


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["map", "-o", "map.png"],
            2,
            "map.png: the map file must end in .svg or .html",
        ),
        (["map", "--radius", "10"], 2, "--radius needs --near PLACE"),
        (["map", "--sector", "nosuchthing"], 2, "unknown sector 'nosuchthing'"),
        (
            ["map", "--sector", "textile", "--region", "Corse"],
            1,
            "no cluster matches these filters",
        ),
        (["map", "--width", "20"], 2, "--width"),
    ],
)
def test_map_errors(runner, args, code, message):
    result = runner.invoke(app, args)
    assert result.exit_code == code
    assert message in result.stderr
    assert result.stdout == ""


def test_map_cannot_write_reports_the_file(runner, tmp_path):
    target = tmp_path / "missing" / "map.svg"
    result = runner.invoke(app, ["map", "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"clusterctl: error: {target}: cannot write:")


def test_map_colours_only_when_asked_for(runner):
    plain = runner.invoke(app, ["map", "--sector", "water"])
    coloured = runner.invoke(
        app, ["map", "--sector", "water"], env={"NO_COLOR": None, "FORCE_COLOR": "1"}
    )
    assert plain.exit_code == coloured.exit_code == 0
    assert "\x1b[" not in plain.stdout
    assert "\x1b[38;5;" in coloured.stdout
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured.stdout).startswith(
        plain.stdout.split("\n\n")[0]
    )


# ------------------------------------------------------------------ match --map
def test_match_map_file_keeps_the_results_on_stdout(runner, tmp_path):
    profile = str(EXAMPLES / "drone-maker-toulouse.yaml")
    plain = runner.invoke(app, ["match", profile, "--top", "3", "-f", "json"])
    out = tmp_path / "match.svg"
    mapped = runner.invoke(
        app, ["match", profile, "--top", "3", "-f", "json", "--map", str(out)]
    )
    assert mapped.exit_code == plain.exit_code == 0
    assert mapped.stdout == plain.stdout
    result = json.loads(plain.stdout)
    root = ET.fromstring(out.read_text(encoding="utf-8"))
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "marker"]
    ranks = {g.get("data-id"): g.find(f"{SVG}text").text for g in groups}
    assert ranks == {m["id"]: str(m["rank"]) for m in result["matches"]}
    links = [el.get("data-id") for el in root.iter(f"{SVG}line")]
    assert sorted(links) == sorted(ranks)
    origin = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "origin")
    assert float(origin.get("data-lat")) == result["company"]["location"]["lat"]
    text = out.read_text(encoding="utf-8")
    for m in result["matches"]:
        assert f"{m['name']}: score {m['score']:.0f}, {m['distance_km']:.0f} km" in text


def test_match_map_in_the_terminal_replaces_the_results(runner):
    profile = str(EXAMPLES / "drone-maker-toulouse.yaml")
    result = runner.invoke(app, ["match", profile, "--map", "-", "--top", "3"])
    assert result.exit_code == 0, result.stderr
    assert "★ Example Drones (Labège)" in result.stdout
    assert re.search(r"^1 Aerospace Valley: score \d+, 11 km \(Toulouse\)$",
                     result.stdout, re.M)  # fmt: skip
    assert "rank\tid" not in result.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--map", "-", "--format", "json"], "--map - draws the map instead"),
        (["--map", "x.pdf"], "x.pdf: the map file must end in .svg or .html"),
    ],
)
def test_match_map_usage_errors(runner, extra, message):
    profile = str(EXAMPLES / "fintech-paris.yaml")
    result = runner.invoke(app, ["match", profile, *extra])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_match_map_refuses_batches(runner, tmp_path):
    register = tmp_path / "r.csv"
    register.write_text("name,location\nA,Lyon\n", encoding="utf-8")
    result = runner.invoke(app, ["match", "--batch", str(register), "--map", "m.svg"])
    assert result.exit_code == 2
    assert "--map draws one company's matches" in result.stderr


# ------------------------------------------------------------------ start-up
@pytest.mark.parametrize("argv", [["list"], ["show", "lyonbiopole"], ["--help"]])
def test_other_commands_do_not_load_the_map_modules(argv):
    """`map` adds nothing to the start-up of other commands."""
    script = (
        "import contextlib, io, sys\n"
        "from clusterctl.cli import app\n"
        f"sys.argv = ['clusterctl', *{argv!r}]\n"
        "with contextlib.redirect_stdout(io.StringIO()), "
        "contextlib.suppress(SystemExit):\n"
        "    app()\n"
        "print(*sorted(m for m in sys.modules if m.startswith('clusterctl.maps')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == ""
