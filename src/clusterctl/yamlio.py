"""Safe, bounded reading of YAML/JSON documents with line numbers for errors.

Every user file (dataset, profile) goes through `read_document`: size-capped,
UTF-8 (a BOM is accepted), safe loader only, alias bombs refused, and a YAML
error turned into one line naming the file and line. `line_of` finds the line
of a pydantic error location by walking the YAML node tree, which is only done
when something failed, so the successful path costs nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import DataFileError

MAX_BYTES = 10 * 1024 * 1024
MAX_ALIASES = 1000
MAX_DEPTH = 64


def read_text(
    source: str | Path, *, encoding: str = "utf-8", kind: str = "file"
) -> str:
    """Read a whole file (or stdin for `-`), refusing anything over `MAX_BYTES`."""
    label = display_name(source)
    try:
        if str(source) == "-":
            raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            path = Path(source)
            if path.is_dir():
                raise DataFileError(f"{label}: is a directory, not a {kind}")
            with path.open("rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise DataFileError(f"{label}: no such file") from None
    except PermissionError:
        raise DataFileError(f"{label}: permission denied") from None
    except OSError as exc:
        raise DataFileError(f"{label}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise DataFileError(
            f"{label}: larger than {MAX_BYTES // (1024 * 1024)} MB; "
            f"a {kind} this size is refused (use --batch for company registers)"
        )
    return decode(raw, label, encoding)


def decode(raw: bytes, label: str, encoding: str = "utf-8") -> str:
    """Decode bytes, naming the line of the first bad byte and suggesting --encoding."""
    if b"\x00" in raw[:8192] and encoding.lower().replace("-", "") == "utf8":
        raise DataFileError(f"{label}: binary data (NUL bytes), not a text file")
    try:
        text = raw.decode(
            "utf-8-sig" if encoding.lower() in ("utf-8", "utf8") else encoding
        )
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataFileError(
            f"{label}:{line}: not valid {encoding} (byte 0x{raw[exc.start]:02x}); "
            "if the file comes from a spreadsheet, try --encoding latin-1"
        ) from None
    except LookupError:
        raise DataFileError(f"unknown encoding '{encoding}'") from None
    return text


def display_name(source: str | Path) -> str:
    return "<stdin>" if str(source) == "-" else str(source)


def _loader_class() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse(text: str, label: str) -> Any:
    """Parse YAML (JSON is YAML) with the safe loader, refusing alias bombs."""
    import yaml

    if text.count("*") > MAX_ALIASES and _count_aliases(text, label) > MAX_ALIASES:
        raise DataFileError(f"{label}: too many YAML aliases (more than {MAX_ALIASES})")
    try:
        data = yaml.load(text, Loader=_loader_class())
    except yaml.YAMLError as exc:
        raise DataFileError(_yaml_message(exc, label)) from None
    except RecursionError:
        raise DataFileError(f"{label}: document nested too deeply") from None
    _check_depth(data, label)
    return data


def _count_aliases(text: str, label: str) -> int:
    import yaml

    count = 0
    try:
        for event in yaml.parse(text, Loader=_loader_class()):
            if isinstance(event, yaml.AliasEvent):
                count += 1
                if count > MAX_ALIASES:
                    break
    except yaml.YAMLError as exc:
        raise DataFileError(_yaml_message(exc, label)) from None
    return count


def _check_depth(data: Any, label: str) -> None:
    """Refuse documents nested deeper than any real file (and shared references)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    seen = 0
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise DataFileError(f"{label}: document nested too deeply")
        seen += 1
        if seen > 2_000_000:
            raise DataFileError(f"{label}: document too large once expanded")
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
            stack.extend((k, depth + 1) for k in node if isinstance(k, tuple))
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)


def _yaml_message(exc: Any, label: str) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    what = f"{context}, {problem}" if context and problem else problem
    if mark is not None:
        return f"{label}:{mark.line + 1}: invalid YAML: {what}"
    return f"{label}: invalid YAML: {what}"


class LineFinder:
    """Map error locations to 1-based lines; composes the YAML tree once, lazily."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._root: Any = None
        self._composed = False

    def _tree(self) -> Any:
        if not self._composed:
            import yaml

            self._composed = True
            try:
                self._root = yaml.compose(self._text, Loader=_loader_class())
            except (yaml.YAMLError, RecursionError):
                self._root = None
        return self._root

    def __call__(self, loc: Sequence[str | int]) -> int | None:
        """The line of the node at `loc`, or of its nearest existing parent."""
        import yaml

        node = self._tree()
        if node is None:
            return None
        line: int = node.start_mark.line + 1
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                match = next(
                    ((k, v) for k, v in node.value if str(k.value) == str(part)), None
                )
                if match is None:
                    return line
                node = match[1]
                line = match[0].start_mark.line + 1
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if part >= len(node.value):
                    return line
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                return line
        return line
