"""A small on-disk cache of parsed and validated data files, as JSON.

Parsing YAML and building pydantic models costs several times Python's own
start-up, and a CLI pays it on every call (and on every Tab completion). The
result of reading a file is therefore kept, keyed by the file's path, size,
modification time and those of the package's code and vocabularies; any
change misses. The
cache lives in `$CLUSTERCTL_CACHE_DIR`, else `$XDG_CACHE_HOME/clusterctl`, else
`~/.cache/clusterctl`; `CLUSTERCTL_NO_CACHE=1` turns it off. Failures to read
or write it are silent: it is only ever an optimisation.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

FORMAT = 3


def cache_dir() -> Path | None:
    if os.environ.get("CLUSTERCTL_NO_CACHE"):
        return None
    explicit = os.environ.get("CLUSTERCTL_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(
        os.path.expanduser("~"), ".cache"
    )
    return Path(base) / "clusterctl"


def _code_stamp() -> int:
    """Newest modification time of the package's code and vocabularies: reading a
    file depends on them (validation rules, sector ids, region names)."""
    from .resources import data_file

    here = Path(__file__).resolve().parent
    paths = [
        e.path
        for folder in (here, here / "geography")
        for e in os.scandir(folder)
        if e.name.endswith(".py")
    ]
    paths += [str(data_file("sectors.yaml")), str(data_file("geography.json"))]
    newest = 0
    for path in paths:
        with contextlib.suppress(OSError):
            newest = max(newest, os.stat(path).st_mtime_ns)
    return newest


def _ident(source: str, kind: str, extra: str = "") -> str | None:
    """Everything the cached result depends on, as one string."""
    try:
        stat = os.stat(source)
    except OSError:
        return None
    return "|".join(
        (
            kind,
            os.path.abspath(source),
            str(stat.st_mtime_ns),
            str(stat.st_size),
            str(FORMAT),
            str(_code_stamp()),
            extra,
        )
    )


def cached(source: str, kind: str, build: Callable[[], Any], extra: str = "") -> Any:
    """`build()`'s JSON-able result for `source`, from the cache when fresh.

    The file name comes from a CRC of the identity (cheap to compute at start-up,
    unlike a cryptographic hash); the identity itself is stored in the file and
    compared, so a collision can only cause a miss."""
    import zlib

    folder = cache_dir()
    ident = _ident(source, kind, extra) if folder and source != "-" else None
    if ident is None or folder is None:
        return build()
    path = folder / f"{kind}-{zlib.crc32(ident.encode('utf-8')):08x}.json"
    try:
        with path.open(encoding="utf-8") as handle:
            stored = json.load(handle)
        if stored.get("ident") == ident:
            return stored["value"]
    except (OSError, ValueError, AttributeError, KeyError):
        pass
    value = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        text = json.dumps({"ident": ident, "value": value}, ensure_ascii=False)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
    return value
