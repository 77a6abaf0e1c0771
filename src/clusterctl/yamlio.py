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
from .i18n import _, format_number, join_clauses, pgettext

MAX_BYTES = 10 * 1024 * 1024
MAX_ALIASES = 1000
MAX_DEPTH = 64


def read_text(
    source: str | Path, *, encoding: str = "utf-8", kind: str = "file"
) -> str:
    """Read a whole file (or stdin for `-`), refusing anything over `MAX_BYTES`.
    `kind` (file, dataset, profile, rules file) names it in messages."""
    label = display_name(source)
    try:
        if str(source) == "-":
            raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            path = Path(source)
            if path.is_dir():
                message = _("{file}: is a directory, not {kind}")
                raise DataFileError(message.format(file=label, kind=_a_kind(kind)))
            with path.open("rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise DataFileError(_("{file}: no such file").format(file=label)) from None
    except PermissionError:
        message = _("{file}: permission denied")
        raise DataFileError(message.format(file=label)) from None
    except OSError as exc:
        message = _("{file}: cannot read: {error}")
        raise DataFileError(
            message.format(file=label, error=exc.strerror or exc)
        ) from None
    if len(raw) > MAX_BYTES:
        message = _(
            "{file}: larger than {size} MB; {kind} this size is refused (use "
            "--batch for company registers)"
        )
        size = MAX_BYTES // (1024 * 1024)
        raise DataFileError(message.format(file=label, size=size, kind=_a_kind(kind)))
    hint = (
        _("save it with UTF-8 encoding")
        if kind == "dataset"
        else _("if the file comes from a spreadsheet, try --encoding latin-1")
    )
    return decode(raw, label, encoding, hint)


def _a_kind(kind: str) -> str:
    """ "a dataset": the kind of file `read_text` was asked for, with its article."""
    words = {
        "file": pgettext("kind of file", "a file"),
        "dataset": pgettext("kind of file", "a dataset"),
        "profile": pgettext("kind of file", "a profile"),
        "rules file": pgettext("kind of file", "a rules file"),
    }
    return words.get(kind) or f"a {kind}"


def decode(raw: bytes, label: str, encoding: str = "utf-8", hint: str = "") -> str:
    """Decode bytes, naming the line of the first bad byte and suggesting --encoding."""
    if b"\x00" in raw[:8192] and encoding.lower().replace("-", "") == "utf8":
        message = _("{file}: binary data (NUL bytes), not a text file")
        raise DataFileError(message.format(file=label))
    try:
        text = raw.decode(
            "utf-8-sig" if encoding.lower() in ("utf-8", "utf8") else encoding
        )
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = _("{file}:{line}: not valid {encoding} (byte 0x{byte})").format(
            file=label, line=line, encoding=encoding, byte=f"{raw[exc.start]:02x}"
        )
        raise DataFileError(
            join_clauses((message, hint)) if hint else message
        ) from None
    except LookupError:
        message = _("unknown encoding '{encoding}'")
        raise DataFileError(message.format(encoding=encoding)) from None
    except UnicodeError as exc:  # e.g. UTF-16 without a byte-order mark
        message = _("{file}: cannot decode as {encoding}: {error}")
        raise DataFileError(
            message.format(file=label, encoding=encoding, error=exc)
        ) from None
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
                problem = _("cannot read this value ({error})").format(error=exc)
                raise yaml.constructor.ConstructorError(
                    None, None, problem, node.start_mark
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
                        problem = _("duplicate key '{key}'").format(key=key)
                        raise yaml.constructor.ConstructorError(
                            None, None, problem, key_node.start_mark
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
        message = _("{file}: too many YAML aliases (more than {count})")
        raise DataFileError(
            message.format(file=label, count=format_number(MAX_ALIASES))
        )
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
        raise DataFileError(_too_deep(label)) from None
    _check_depth(data, label)
    return data


def _too_deep(label: str) -> str:
    return _("{file}: document nested too deeply").format(file=label)


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
            message = _("{file}:{line}: invalid JSON: {error} (column {column})")
            raise DataFileError(
                message.format(
                    file=label, line=exc.lineno, error=exc.msg, column=exc.colno
                )
            ) from None
        return False, None
    except RecursionError:
        raise DataFileError(_too_deep(label)) from None
    except ValueError as exc:  # e.g. an integer with thousands of digits
        message = _("{file}: invalid JSON: {error}")
        raise DataFileError(message.format(file=label, error=exc)) from None
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
                message = _(
                    "{file}: invalid JSON: a \\u escape is half of a surrogate "
                    "pair in {text}"
                )
                raise DataFileError(
                    message.format(file=label, text=repr(node[:40]))
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
                    message = _("{file}: more than {count} values; too large to read")
                    raise DataFileError(
                        message.format(file=label, count=format_number(MAX_NODES))
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
            raise DataFileError(_too_deep(label))
        seen += 1
        if seen > 2_000_000:
            message = _("{file}: document too large once expanded")
            raise DataFileError(message.format(file=label))
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
            what = _("unacceptable character #x{code}").format(code=f"{char:04x}")
    if line is not None:
        message = _("{file}:{line}: invalid YAML: {error}")
        return message.format(file=label, line=line, error=what)
    return _("{file}: invalid YAML: {error}").format(file=label, error=what)


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
