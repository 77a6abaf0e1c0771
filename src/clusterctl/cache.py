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
import hashlib
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
    paths = [e.path for e in os.scandir(here) if e.name.endswith(".py")]
    paths += [str(data_file("sectors.yaml")), str(data_file("geography.json"))]
    newest = 0
    for path in paths:
        with contextlib.suppress(OSError):
            newest = max(newest, os.stat(path).st_mtime_ns)
    return newest


def _key(source: str, kind: str) -> str | None:
    try:
        stat = os.stat(source)
    except OSError:
        return None
    ident = "|".join(
        (
            kind,
            os.path.abspath(source),
            str(stat.st_mtime_ns),
            str(stat.st_size),
            str(FORMAT),
            str(_code_stamp()),
        )
    )
    return hashlib.sha1(ident.encode("utf-8")).hexdigest()


def cached(source: str, kind: str, build: Callable[[], Any]) -> Any:
    """`build()`'s JSON-able result for `source`, from the cache when fresh."""
    folder = cache_dir()
    key = _key(source, kind) if folder and source != "-" else None
    if key is None or folder is None:
        return build()
    path = folder / f"{kind}-{key}.json"
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        pass
    value = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
    return value
