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
from functools import cache
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
    hint = (
        "save it with UTF-8 encoding"
        if kind == "dataset"
        else "if the file comes from a spreadsheet, try --encoding latin-1"
    )
    return decode(raw, label, encoding, hint)


def decode(raw: bytes, label: str, encoding: str = "utf-8", hint: str = "") -> str:
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
            f"{label}:{line}: not valid {encoding} (byte 0x{raw[exc.start]:02x})"
            + (f"; {hint}" if hint else "")
        ) from None
    except LookupError:
        raise DataFileError(f"unknown encoding '{encoding}'") from None
    except UnicodeError as exc:  # e.g. UTF-16 without a byte-order mark
        raise DataFileError(f"{label}: cannot decode as {encoding}: {exc}") from None
    return text


def display_name(source: str | Path) -> str:
    return "<stdin>" if str(source) == "-" else str(source)


MAX_NODES = 500_000


@cache
def _loader_class() -> Any:
    """The safe loader (libyaml's when present), made strict: a duplicated key is
    an error, and a value a constructor rejects (`2024-02-30`, a 5,000-digit
    number, `!!int many`) becomes a YAML error with its line, not a crash."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class StrictLoader(base):  # type: ignore[misc, valid-type]
        def construct_yaml_int(self, node: Any) -> Any:
            # YAML 1.1 reads 06000 as octal 3072: a number with a leading zero
            # is a code here (postal code, département, INSEE code), kept as text.
            text = str(node.value).replace("_", "")
            if len(text) > 1 and text[0] == "0" and text.isdigit():
                return text
            return super().construct_yaml_int(node)

        def construct_object(self, node: Any, deep: bool = False) -> Any:
            try:
                return super().construct_object(node, deep)
            except yaml.YAMLError:
                raise
            except (
                ValueError,
                TypeError,
                KeyError,
                AttributeError,
                IndexError,
                OverflowError,
            ) as exc:
                raise yaml.constructor.ConstructorError(
                    None, None, f"cannot read this value ({exc})", node.start_mark
                ) from None

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            if isinstance(node, yaml.MappingNode):
                seen: set[Any] = set()
                for key_node, _value in node.value:
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        continue
                    key = self.construct_object(key_node, deep=True)
                    try:
                        duplicate = key in seen
                    except TypeError:
                        continue
                    if duplicate:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"duplicate key '{key}'", key_node.start_mark
                        )
                    seen.add(key)
            return super().construct_mapping(node, deep)

    StrictLoader.add_constructor(
        "tag:yaml.org,2002:int", StrictLoader.construct_yaml_int
    )
    return StrictLoader


def strict_loader() -> Any:
    """The loader every user file is read with (see `_loader_class`)."""
    return _loader_class()


def yaml_error(exc: Any, label: str, text: str) -> str:
    """A YAML error as one line naming the file and line."""
    return _yaml_message(exc, label, text)


def check_document(text: str, label: str) -> None:
    """Refuse alias bombs and documents with too many values, before building."""
    if text.count("*") > MAX_ALIASES and _count_aliases(text, label) > MAX_ALIASES:
        raise DataFileError(f"{label}: too many YAML aliases (more than {MAX_ALIASES})")
    if len(text) > 1_000_000:
        _count_nodes(text, label)


def parse(text: str, label: str) -> Any:
    """Parse YAML with the strict safe loader, refusing alias bombs and
    documents with too many values; a JSON document is read as JSON.

    JSON is nearly YAML, but not quite: `json.dumps` writes characters outside
    the Basic Multilingual Plane as surrogate-pair escapes (`\\ud83d\\ude00`),
    which YAML refuses. A document that starts like JSON is therefore tried
    as JSON first; a `.json` file that is not valid JSON is reported as JSON."""
    if text.lstrip("\ufeff \t\r\n")[:1] in ("{", "["):
        found, data = _parse_json(text, label)
        if found:
            _check_depth(data, label)
            return data
        text = _joined_surrogates(text)
    import yaml

    check_document(text, label)
    try:
        data = yaml.load(text, Loader=_loader_class())
    except yaml.YAMLError as exc:
        raise DataFileError(_yaml_message(exc, label, text)) from None
    except RecursionError:
        raise DataFileError(f"{label}: document nested too deeply") from None
    _check_depth(data, label)
    return data


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object with a key twice is refused, as in YAML files."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _parse_json(text: str, label: str) -> tuple[bool, Any]:
    """(True, data) for a JSON document; (False, None) when the text is not JSON
    and may still be YAML (flow style), unless the file says it is JSON, or has
    a duplicate key (which the YAML reader reports with its line)."""
    import json

    is_json = label.lower().endswith((".json", ".geojson"))
    try:
        data = json.loads(text.lstrip("\ufeff"), object_pairs_hook=_unique_keys)
    except _DuplicateKey:
        return False, None  # YAML reports it with its line
    except json.JSONDecodeError as exc:
        if is_json:
            raise DataFileError(
                f"{label}:{exc.lineno}: invalid JSON: {exc.msg} (column {exc.colno})"
            ) from None
        return False, None
    except RecursionError:
        raise DataFileError(f"{label}: document nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with thousands of digits
        raise DataFileError(f"{label}: invalid JSON: {exc}") from None
    _check_text(data, label)
    return True, data


def _check_text(data: Any, label: str) -> None:
    """Refuse lone surrogates (`\\ud83d` without its pair): they are not
    characters and cannot be written to any output."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                raise DataFileError(
                    f"{label}: invalid JSON: a \\u escape is half of a "
                    f"surrogate pair in {node[:40]!r}"
                ) from None
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _joined_surrogates(text: str) -> str:
    """`text` with JSON surrogate-pair escapes written as the characters they
    stand for (same lines), so that YAML can map a JSON document's lines."""
    import re

    pattern = re.compile(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})", re.I)

    def join(found: re.Match[str]) -> str:
        high, low = int(found.group(1), 16), int(found.group(2), 16)
        return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))

    return pattern.sub(join, text)


def _count_nodes(text: str, label: str) -> None:
    """Refuse a large document with too many values before building it."""
    import yaml

    count = 0
    try:
        for event in yaml.parse(
            text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        ):
            if isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
                count += 1
                if count > MAX_NODES:
                    raise DataFileError(
                        f"{label}: more than {MAX_NODES:,} values; too large to read"
                    )
    except yaml.YAMLError as exc:
        raise DataFileError(_yaml_message(exc, label, text)) from None


def _count_aliases(text: str, label: str) -> int:
    import yaml

    count = 0
    try:
        for event in yaml.parse(
            text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        ):
            if isinstance(event, yaml.AliasEvent):
                count += 1
                if count > MAX_ALIASES:
                    break
    except yaml.YAMLError as exc:
        raise DataFileError(_yaml_message(exc, label, text)) from None
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


def _yaml_message(exc: Any, label: str, text: str = "") -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    what = f"{context}, {problem}" if context and problem else problem
    line = mark.line + 1 if mark is not None else None
    position = getattr(exc, "position", None)  # a reader error: a bad character
    if line is None and isinstance(position, int) and text:
        import yaml

        if hasattr(yaml, "CSafeLoader"):  # libyaml counts bytes, not characters
            line = text.encode("utf-8", "surrogatepass")[:position].count(b"\n") + 1
        else:
            line = text.count("\n", 0, position) + 1
        char = getattr(exc, "character", None)
        if isinstance(char, int):
            what = f"unacceptable character #x{char:04x}"
    if line is not None:
        return f"{label}:{line}: invalid YAML: {what}"
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
            for text in (self._text, _joined_surrogates(self._text)):
                try:
                    self._root = yaml.compose(text, Loader=_loader_class())
                    break
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
