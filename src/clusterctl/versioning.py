"""The dataset's version and date, read cheaply for `--version`.

Scans the first lines of the file with a regex instead of parsing the YAML, so
`clusterctl --version` costs no more than Typer's own start-up.
"""

from __future__ import annotations

import re
import sys

from .i18n import _


def dataset_header(path: str) -> tuple[str, str]:
    """(version, date) from the `dataset:` header, or ("unknown", "unknown")."""
    if path == "-":
        return "stdin", _("unknown")
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            head = handle.read(16384)
    except OSError as exc:
        text = _("warning: {message}").format(message=f"{path}: {exc.strerror}")
        print(f"clusterctl: {text}", file=sys.stderr)
        return _("unknown"), _("unknown")
    version = re.search(
        r"^\s+version:\s*['\"]?([^'\"\n#]+?)['\"]?\s*(#.*)?$", head, re.M
    )
    date = re.search(r"^\s+date:\s*['\"]?([0-9-]+)['\"]?", head, re.M)
    if version and date:
        return version.group(1), date.group(1)
    return (
        version.group(1) if version else _("unknown"),
        date.group(1) if date else _("unknown"),
    )
