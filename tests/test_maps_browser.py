"""The HTML map in a real browser: headless Chromium draws the markers where the
projection puts them, in their colours, and the page's script runs.

`.ci/run` installs Debian's `chromium` package when it is missing; these tests
are skipped only when no Chromium can be found, with the reason.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import struct
import subprocess
import tempfile
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest

from clusterctl.cli import app
from clusterctl.dataset import load_dataset
from clusterctl.maps.colours import LAND, WATER, rgb
from clusterctl.maps.svg import svg_layout
from conftest import EXAMPLES

SVG = "{http://www.w3.org/2000/svg}"
CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason=os.environ.get(
        "CLUSTERCTL_NO_BROWSER",
        "Chromium is not installed (.ci/run installs Debian's chromium package)",
    ),
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
]


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )


def screenshot(page: Path, png: Path, size: str = "1000,1000") -> list[list[tuple]]:
    chromium(f"--screenshot={png}", f"--window-size={size}", page.as_uri())
    return read_png(png.read_bytes())


def read_png(data: bytes) -> list[list[tuple[int, ...]]]:
    """Pixels of an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, colour_type, _, _, interlace = header
    assert depth == 8
    assert colour_type in (2, 6)
    assert interlace == 0
    channels = 3 if colour_type == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + pred) & 0xFF
        rows.append(
            [tuple(line[x * channels : x * channels + 3]) for x in range(width)]
        )
        previous = line
    return rows


def close(pixel: tuple[int, ...], colour: str, tolerance: int = 10) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, rgb(colour), strict=True))


def markers_of(page: str) -> list[dict]:
    svg = re.search(r"<svg.*</svg>", page, re.S).group()
    root = ET.fromstring(svg)
    out = []
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "marker":
            c = g.find(f"{SVG}circle")
            out.append(
                {
                    "id": g.get("data-id"),
                    "x": float(c.get("cx")),
                    "y": float(c.get("cy")),
                    "r": float(c.get("r")),
                    "colour": c.get("fill"),
                    "label": g.find(f"{SVG}text") is not None,
                }
            )
    return out


def uncovered(markers: list[dict]) -> list[dict]:
    """Markers whose centre no later-drawn marker (or its white rim) covers."""
    return [
        m
        for i, m in enumerate(markers)
        if not any(
            math.hypot(m["x"] - o["x"], m["y"] - o["y"]) <= o["r"] + 1.5
            for o in markers[i + 1 :]
        )
    ]


def test_html_map_shows_every_marker_in_its_colour_at_its_place(runner, tmp_path):
    page = tmp_path / "map.html"
    result = runner.invoke(app, ["map", "--output", str(page)])
    assert result.exit_code == 0
    text = page.read_text(encoding="utf-8")
    markers = markers_of(text)
    assert len(markers) == len(list(load_dataset().current()))
    pixels = screenshot(page, tmp_path / "shot.png")
    visible = uncovered(markers)
    assert len(visible) >= 35  # the others lie under a later marker
    for m in visible:
        pixel = pixels[round(m["y"])][round(m["x"])]
        assert close(pixel, m["colour"]), (m["id"], pixel, m["colour"])
    # The base map is drawn in the same projection: a point of the Aveyron
    # with no cluster nearby is land, a point in the Bay of Biscay is sea.
    main = svg_layout().main
    for (lat, lon), colour in (((44.35, 2.6), LAND), ((45.5, -3.0), WATER)):
        x, y = main.to_canvas(lat, lon)
        assert close(pixels[round(y)][round(x)], colour, 3), (lat, lon)


def test_html_match_map_shows_the_ranked_clusters(runner, tmp_path):
    page = tmp_path / "match.html"
    profile = str(EXAMPLES / "marine-energy-brittany.yaml")
    result = runner.invoke(app, ["match", profile, "--top", "4", "--map", str(page)])
    assert result.exit_code == 0
    markers = markers_of(page.read_text(encoding="utf-8"))
    assert len(markers) == 4
    pixels = screenshot(page, tmp_path / "shot.png")
    for m in uncovered(markers):
        # The rank is written in white at the centre: look beside it, inside.
        x, y = round(m["x"] - m["r"] + 2), round(m["y"])
        assert close(pixels[y][x], m["colour"]), m["id"]


def test_html_page_script_runs_and_takes_over_the_tooltips(tmp_path, runner):
    page = tmp_path / "map.html"
    result = runner.invoke(app, ["map", "--sector", "water", "--output", str(page)])
    assert result.exit_code == 0
    count = len(markers_of(page.read_text(encoding="utf-8")))
    dom = chromium("--dump-dom", page.as_uri()).stdout
    assert dom.count('<g class="marker"') == count >= 2
    # The script replaced the markers' <title> by its own tooltip; region
    # outlines keep theirs.
    markers = re.findall(r'<g class="marker".*?</g>', dom, re.S)
    assert all("<title>" not in m for m in markers)
    assert '<div id="tip" hidden=""></div>' in dom
