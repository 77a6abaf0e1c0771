"""A small on-disk cache of parsed and validated data files, as JSON.

Parsing YAML and building pydantic models costs several times Python's own
start-up, and a CLI pays it on every call (and on every Tab completion). The
result of reading a file is therefore kept, keyed by the file's content
(CRC-32), size, modification and change times, and by the package's code and
vocabularies; any change misses. The cache lives in `$CLUSTERCTL_CACHE_DIR`,
else `$XDG_CACHE_HOME/clusterctl`, else `~/.cache/clusterctl`;
`CLUSTERCTL_NO_CACHE=1` turns it off.

The cache is only ever an optimisation, so it is also never trusted: a cache
file is read only when it is a regular file of ours under a size cap (no
symlink, FIFO or device is opened for reading or followed for writing), its
payload must match the checksum stored beside it, and a payload the caller
cannot convert is rebuilt. Files are written to an exclusive temporary name and
renamed into place. Failures to read or write are silent.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .resources import data_file

T = TypeVar("T")

#: Bump when the layout of cached values changes.
FORMAT = 4
#: A cache file larger than this is not read (the bundled dataset's is ~0.3 MB).
MAX_BYTES = 64 * 1024 * 1024
#: Errors a caller's conversion raises on a payload of the wrong shape.
SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def cache_dir() -> Path | None:
    """Where cache files go, or None when caching is off."""
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
    """Newest modification time of the package's code (sub-packages included)
    and vocabularies: reading a file depends on them (validation rules, sector
    ids, region names)."""
    newest = 0
    folders = [Path(__file__).resolve().parent]
    while folders:
        with contextlib.suppress(OSError), os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    newest = max(newest, entry.stat().st_mtime_ns)
                elif entry.is_dir(follow_symlinks=False) and entry.name[0] not in "._":
                    folders.append(Path(entry.path))
    for name in ("sectors.yaml", "geography.json"):
        with contextlib.suppress(OSError):
            newest = max(newest, os.stat(data_file(name)).st_mtime_ns)
    return newest


def _ident(source: str, kind: str, extra: str = "") -> str | None:
    """Everything the cached result depends on, as one string.

    The content checksum catches a file replaced by another of the same size
    and modification time (`cp -p`, a checkout); the change time and inode
    catch most replacements without reading anything else."""
    try:
        with open(source, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
                return None
            checksum = zlib.crc32(handle.read())
    except OSError:
        return None
    return "|".join(
        (
            kind,
            os.path.abspath(source),
            str(info.st_size),
            str(info.st_mtime_ns),
            str(info.st_ctime_ns),
            str(info.st_ino),
            f"{checksum:08x}",
            str(FORMAT),
            str(_code_stamp()),
            extra,
        )
    )


def _usable_folder(folder: Path) -> bool:
    """The folder exists (or is created), is a directory of ours and is not
    writable by others: files there are our own."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.stat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    getuid = getattr(os, "getuid", None)
    if getuid is not None and info.st_uid != getuid():
        return False
    return not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(path: Path, ident: str) -> tuple[bool, Any]:
    """(True, payload) for a sound cache file of this identity, else (False, None)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK)
    except OSError:
        return False, None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return False, None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError:
        return False, None
    finally:
        os.close(fd)
    head, _, body = data.partition(b"\n")
    try:
        header = json.loads(head)
        if not isinstance(header, dict) or header.get("ident") != ident:
            return False, None
        if header.get("crc") != zlib.crc32(body):
            return False, None
        return True, json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return False, None


def _write(folder: Path, path: Path, ident: str, value: Any) -> None:
    """Write atomically through an exclusive temporary file: a planted file or
    link at a predictable name is never opened, and `os.replace` swaps a link
    at `path` for our file instead of writing through it."""
    try:
        body = json.dumps(value, ensure_ascii=False).encode("utf-8")
        head = json.dumps({"ident": ident, "crc": zlib.crc32(body)}).encode("utf-8")
    except (TypeError, ValueError):
        return
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW
    tmp = folder / f".{path.name}.{os.urandom(8).hex()}.tmp"
    try:
        fd = os.open(tmp, flags, 0o600)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(head + b"\n" + body)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def cached(
    source: str,
    kind: str,
    build: Callable[[], Any],
    convert: Callable[[Any], T],
    extra: str = "",
) -> T:
    """`convert(build())` for `source`, with `build()`'s JSON-able result taken
    from the cache when fresh.

    The file name comes from a CRC of the identity (cheap to compute at start-up,
    unlike a cryptographic hash); the identity itself is stored in the file and
    compared, so a collision can only cause a miss. A cached payload that
    `convert` rejects (a file of the wrong shape) is rebuilt, not trusted."""
    folder = cache_dir()
    ident = _ident(source, kind, extra) if folder and source != "-" else None
    if ident is None or folder is None or not _usable_folder(folder):
        return convert(build())
    path = folder / f"{kind}-{zlib.crc32(ident.encode('utf-8')):08x}.json"
    found, stored = _read(path, ident)
    if found:
        try:
            return convert(stored)
        except SHAPE_ERRORS:
            pass
    value = build()
    result = convert(value)
    _write(folder, path, ident, value)
    return result
