"""Draw a `Scene` as one self-contained HTML page: the SVG map inline, a tooltip
with the cluster's name and details on hover, and the list of what is shown.

Nothing is fetched when the page is viewed: no external script, stylesheet, font,
tile or image; the few lines of script are inline and only move the tooltip. The
map is placed at the top-left corner at its natural size (960 pixels wide) and
shrinks to fit a narrower window.
"""

from __future__ import annotations

from html import escape

from clusterctl.i18n import _, format_number, language, pgettext

from .scene import Scene
from .svg import FONT, render_svg

STYLE = """
body { margin: 0; font-family: %(font)s; color: #222; background: #fff; }
#map svg { display: block; max-width: 100%%; height: auto; }
.marker { cursor: pointer; }
.marker:hover circle { stroke: #000; stroke-width: 2; }
#tip { position: fixed; pointer-events: none; background: #fff; color: #222;
  border: 1px solid #999; border-radius: 4px; padding: 4px 8px; font-size: 13px;
  box-shadow: 0 1px 4px rgba(0, 0, 0, .25); white-space: pre-line; max-width: 22em; }
#tip b { display: block; }
main { padding: 0 16px 24px; max-width: 928px; }
table { border-collapse: collapse; font-size: 14px; width: 100%%; }
th, td { text-align: left; padding: 3px 8px 3px 0; border-bottom: 1px solid #eee;
  vertical-align: top; }
td.name { white-space: nowrap; }
td.num { text-align: right; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%%;
  margin-right: 6px; }
"""

# Replace each marker's <title> (a slow native tooltip) by an immediate one.
SCRIPT = """
(function () {
  var tip = document.getElementById("tip");
  document.querySelectorAll(".marker, .origin").forEach(function (g) {
    var title = g.querySelector("title");
    if (!title) { return; }
    var lines = title.textContent.split("\\n");
    g.removeChild(title);
    g.addEventListener("mouseenter", function () {
      tip.textContent = "";
      var head = document.createElement("b");
      head.textContent = lines[0];
      tip.appendChild(head);
      tip.appendChild(document.createTextNode(lines.slice(1).join("\\n")));
      tip.hidden = false;
    });
    g.addEventListener("mousemove", function (e) {
      tip.style.left = (e.clientX + 14) + "px";
      tip.style.top = (e.clientY + 14) + "px";
    });
    g.addEventListener("mouseleave", function () { tip.hidden = true; });
  });
})();
"""


def _listing(scene: Scene) -> str:
    if scene.entries:
        rows = "".join(
            f"<tr><td>{escape(label)}</td><td>{escape(text)}</td></tr>"
            for label, text in scene.entries
        )
        head = f"<th>{escape(_('Rank'))}</th><th>{escape(_('Cluster'))}</th>"
        return f"<table><tr>{head}</tr>{rows}</table>"
    from clusterctl.labels import status_text

    rows = "".join(
        f'<tr><td class="name"><span class="dot" style="background:{m.colour}">'
        f"</span>{escape(m.name)}</td><td>{escape(m.place)}</td>"
        f"<td>{escape(m.region)}</td><td>{escape(m.sector)}</td>"
        f"<td>{escape(m.category)}</td>"
        f'<td class="num">{format_number(m.members) if m.members else "?"}</td>'
        f"<td>{escape(status_text(m.status))}</td></tr>"
        for m in sorted(scene.markers, key=lambda m: m.name.casefold())
    )
    head = "".join(
        f"<th>{escape(h)}</th>"
        for h in (_("Cluster"), _("Head office"), _("Region"), _("Main sector"),
                  _("Ecosystem"), _("Members"), pgettext("column", "Status"))
    )  # fmt: skip
    return f"<table><tr>{head}</tr>{rows}</table>"


def render_html(scene: Scene) -> str:
    """The page as text (UTF-8)."""
    svg = render_svg(scene)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{language()}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(scene.title)}</title>\n"
        f"<style>{STYLE % {'font': FONT}}</style>\n"
        "</head>\n<body>\n"
        f'<div id="map">\n{svg}</div>\n'
        '<div id="tip" hidden></div>\n'
        f"<main>\n{_listing(scene)}\n</main>\n"
        f"<script>{SCRIPT}</script>\n"
        "</body>\n</html>\n"
    )
