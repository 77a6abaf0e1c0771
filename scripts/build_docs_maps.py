#!/usr/bin/env python3
"""Make the map pictures that README shows, into docs/.

    python scripts/build_docs_maps.py

Runs the installed `clusterctl` (from the same environment as this Python) and,
for the PNG screenshot, Debian's `chromium` in headless mode.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
CLUSTERCTL = [sys.executable, "-m", "clusterctl"]
ENV = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80", "CLUSTERCTL_DATA": ""}
ENV.pop("CLUSTERCTL_DATA")


def run(*args: str) -> str:
    done = subprocess.run(
        [*CLUSTERCTL, *args], env=ENV, cwd=REPO, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout


def screenshot(page: Path, png: Path, size: str) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("chromium is needed for the PNG (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--hide-scrollbars",
             "--force-device-scale-factor=1", f"--user-data-dir={profile}",
             f"--screenshot={png}", f"--window-size={size}", page.as_uri()],
            check=True, capture_output=True,
        )  # fmt: skip


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    run("map", "--output", "docs/map.svg")
    (DOCS / "map-terminal.txt").write_text(run("map", "--width", "80"), "utf-8")
    profile = "examples/marine-energy-brittany.yaml"
    text = run("match", profile, "--map", "-", "--top", "5")
    (DOCS / "match-terminal.txt").write_text(text, "utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "match.html"
        run("match", profile, "--top", "5", "--map", str(page))
        screenshot(page, DOCS / "match-map.png", "960,900")
    print("wrote", *sorted(p.name for p in DOCS.iterdir()), file=sys.stderr)


if __name__ == "__main__":
    main()
