"""Opening a register: its bytes (a file, stdin, gzip), its format and its text.

Undecodable bytes do not stop a run: they become lone surrogates, so the one
record holding them is rejected (and written back byte for byte to
`--rejects`) while the others are read. Only data that end in the middle of a
character of a multi-byte encoding (UTF-16 with an odd last byte) stop it,
as an input error.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, cast

from clusterctl.errors import DataFileError, UsageError
from clusterctl.i18n import _

#: Input formats; "json" is an array of profiles, or NDJSON when the file's
#: first non-blank character is not "[".
INPUT_FORMATS = ("csv", "ndjson", "json", "yaml")

_SURROGATE = re.compile("[\udc80-\udcff]")


def open_binary(source: str) -> IO[bytes]:
    """The register's bytes: stdin for '-', gunzipped when the name ends in .gz
    or the content starts with the gzip magic number."""
    if source == "-":
        stream: IO[bytes] = sys.stdin.buffer
    else:
        path = Path(source)
        if path.is_dir():
            raise DataFileError(
                _("{file}: is a directory, not a register").format(file=source)
            )
        try:
            stream = path.open("rb")
        except FileNotFoundError:
            raise DataFileError(_("{file}: no such file").format(file=source)) from None
        except OSError as exc:
            raise DataFileError(
                _("{file}: cannot read: {error}").format(
                    file=source, error=exc.strerror
                )
            ) from None
    buffered = cast(
        io.BufferedReader,
        stream if hasattr(stream, "peek") else io.BufferedReader(stream),
    )
    if buffered.peek(2)[:2] == b"\x1f\x8b":
        return cast(IO[bytes], gzip.GzipFile(fileobj=buffered))
    return cast(IO[bytes], buffered)


def bytes_read(binary: IO[bytes]) -> Callable[[], int] | None:
    """How far into the file `binary` (from `open_binary`) reading has got, in
    the file's own bytes: compressed bytes for a gzip file, whose uncompressed
    size is unknown. None when it cannot tell (stdin, a pipe)."""
    stream: object = binary
    raw = stream.fileobj if isinstance(stream, gzip.GzipFile) else stream
    tell = getattr(raw, "tell", None)
    seekable = getattr(raw, "seekable", None)
    try:
        if tell is None or seekable is None or not seekable():
            return None
    except (OSError, ValueError):
        return None
    return cast(Callable[[], int], tell)


def detect_format(source: str, explicit: str | None) -> str:
    """The input format: `explicit` (--input-format), else from the file name."""
    if explicit:
        fmt = explicit.lower().replace("jsonl", "ndjson")
        if fmt not in INPUT_FORMATS:
            raise UsageError(
                _("unknown input format '{format}' (valid: {valid})").format(
                    format=explicit, valid=", ".join(INPUT_FORMATS)
                )
            )
        return fmt
    name = source.lower().removesuffix(".gz")
    for suffixes, fmt in (
        ((".csv", ".tsv", ".txt"), "csv"),
        ((".ndjson", ".jsonl"), "ndjson"),
        ((".json",), "json"),
        ((".yaml", ".yml"), "yaml"),
    ):
        if name.endswith(suffixes):
            return fmt
    if source == "-":
        return "csv"
    raise UsageError(
        _(
            "{file}: cannot tell the format from the name; "
            "use --input-format csv|ndjson|json|yaml"
        ).format(file=source)
    )


def text_stream(binary: IO[bytes], encoding: str) -> IO[str]:
    """The register as text, line endings kept as read (LF, CRLF or CR each end
    a line). Undecodable bytes become lone surrogates instead of stopping the
    read; a UTF-8 BOM is dropped."""
    name = encoding.lower().replace("_", "-")
    if name in ("utf-8", "utf8"):
        encoding = "utf-8-sig"
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UsageError(
            _("unknown encoding '{encoding}'").format(encoding=encoding)
        ) from None
    return io.TextIOWrapper(
        binary, encoding=encoding, errors="surrogateescape", newline=""
    )


def has_bad_bytes(text: str) -> bool:
    """Does `text` hold bytes that did not decode (see `text_stream`)?"""
    return not text.isascii() and _SURROGATE.search(text) is not None


def first_bad_byte(text: str) -> int | None:
    """Offset of the first undecodable byte in `text`, or None."""
    found = _SURROGATE.search(text)
    return found.start() if found else None


@contextlib.contextmanager
def reading(label: str, encoding: str) -> Iterator[None]:
    """Errors of reading a register (I/O, a damaged gzip stream, text that does
    not decode) as one input error naming it, on every path that reads one."""
    try:
        yield
    except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError
        raise DataFileError(
            _("{file}: cannot read: {error}").format(file=label, error=exc)
        ) from None
    except UnicodeError as exc:
        raise DataFileError(
            _("{file}: cannot decode as {encoding}: {error}").format(
                file=label, encoding=encoding, error=exc
            )
        ) from None
