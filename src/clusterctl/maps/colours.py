"""One fixed colour per EU industrial ecosystem, so every map uses the same ones.

Colours are categorical, chosen to be told apart on a light base map (from the
Tableau 20 and ColorBrewer "Dark2" palettes); the base map itself uses pale greys
that no marker colour is close to.
"""

from __future__ import annotations

ECOSYSTEM_COLOURS = {
    "aerospace-defence": "#1f77b4",
    "agri-food": "#2ca02c",
    "construction": "#8c564b",
    "cultural-creative-industries": "#e377c2",
    "digital": "#9467bd",
    "electronics": "#17becf",
    "energy-intensive-industries": "#4d4d4d",
    "energy-renewables": "#ff7f0e",
    "health": "#d62728",
    "mobility-transport-automotive": "#e6ab02",
    "proximity-social-economy-civil-security": "#66a61e",
    "retail": "#a6761d",
    "textile": "#e7298a",
    "tourism": "#1b9e77",
}
UNKNOWN_COLOUR = "#9e9e9e"

# Base map and decorations.
LAND = "#f2efe9"
BORDER = "#b9b3a7"
WATER = "#ffffff"
INK = "#222222"
MUTED = "#6b6b6b"
ORIGIN = "#111111"


def ecosystem_colour(ecosystem: str | None) -> str:
    return ECOSYSTEM_COLOURS.get(ecosystem or "", UNKNOWN_COLOUR)


def rgb(colour: str) -> tuple[int, int, int]:
    """(r, g, b) of a "#rrggbb" colour."""
    value = int(colour.lstrip("#"), 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF
