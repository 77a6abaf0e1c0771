"""Maps of France with the clusters' head offices, or a company and its matches.

- `scene.cluster_scene()` / `scene.match_scene()`: what to show (`Scene`);
- `svg.render_svg()`, `html.render_html()`: self-contained pictures as text;
- `textmap.render_text()`: a braille-and-digits map fitted to a width in characters;
- `projection`: Lambert-93 and the local projection of the overseas insets;
- `basemap`: the bundled region outlines (Natural Earth, public domain).

Nothing here imports the terminal layer; importing this package costs nothing.
"""

from __future__ import annotations

PICTURE_FORMATS = {".svg": "svg", ".html": "html", ".htm": "html"}


def picture_format(path: str) -> str | None:
    """ "svg" or "html" from a file name's extension (any case), else None."""
    from pathlib import PurePath

    return PICTURE_FORMATS.get(PurePath(path).suffix.lower())


def render_picture(scene: object, fmt: str) -> str:
    """The scene as an SVG or HTML document."""
    from .scene import Scene

    if not isinstance(scene, Scene):
        raise TypeError("render_picture() needs a Scene")
    if fmt == "svg":
        from .svg import render_svg

        return render_svg(scene)
    from .html import render_html

    return render_html(scene)
