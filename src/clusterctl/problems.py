"""Problems found in a user file, printed as `FILE:LINE: path: message`.

pydantic's errors are rewritten for people: no documentation URLs, no
"Value error, " prefix, the offending value shown, and a hint when YAML 1.1 has
turned `007`, `no` or `2024-01-02` into a number, boolean or date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

ERROR = "error"
WARNING = "warning"
MAX_SHOWN = 20

#: The line of a location in the file (`yamlio.LineFinder`), None when unknown.
LineOf = Callable[[Sequence[str | int]], int | None]
#: A close field name for a misspelt key at a location, or None.
Suggest = Callable[[str, Sequence[str | int]], str | None]


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int | None
    path: str
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        path = f" {self.path}:" if self.path else ""
        tag = " warning:" if self.severity == WARNING else ""
        return f"{where}:{path}{tag} {self.message}"


def dotted(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc)


def shorten(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def from_validation_error(
    exc: Any,
    file: str,
    line_of: LineOf,
    prefix: Sequence[str | int] = (),
    suggest: Suggest | None = None,
) -> list[Problem]:
    """Turn a pydantic `ValidationError` into problems, one per error."""
    problems = []
    errors = exc.errors(include_url=False)
    deeper = {tuple(_clean_loc(e["loc"]))[:-1] for e in errors if len(e["loc"]) > 1}
    for err in errors:
        if (
            err["type"] == "string_type"
            and isinstance(err.get("input"), dict)
            and (tuple(_clean_loc(err["loc"])) in deeper)
        ):
            continue  # "str or mapping": the mapping branch says what is wrong
        loc = (*prefix, *_clean_loc(err["loc"]))
        problems.append(
            Problem(file, line_of(loc), dotted(loc), _message(err, loc, suggest))
        )
    return problems


def _clean_loc(loc: Sequence[Any]) -> list[Any]:
    """Drop pydantic's union-branch tags such as `str` or `Location` from paths."""
    return [part for part in loc if not (isinstance(part, str) and _is_tag(part))]


def _is_tag(part: str) -> bool:
    return part in {"str", "Location", "list[...]"} or part.startswith(
        ("function-", "constrained-str", "list[")
    )


def _message(
    err: dict[str, Any],
    loc: Sequence[str | int],
    suggest: Suggest | None,
) -> str:
    kind = err["type"]
    msg = str(err["msg"]).removeprefix("Value error, ")
    value = err.get("input")
    if kind == "extra_forbidden":
        msg = "unknown field"
        hint = suggest(str(loc[-1]), loc[:-1]) if suggest else None
        if hint:
            msg += f" (did you mean '{hint}'?)"
        return msg
    if kind == "missing":
        return "required field is missing"
    if kind == "string_type" and isinstance(value, bool | int | float | dt.date):
        what = {bool: "a boolean", int: "a number", float: "a number"}.get(
            type(value), "a date"
        )
        return (
            f"{msg} (got {shorten(value)}; YAML read this as {what}: put it in quotes)"
        )
    if kind.startswith("model_") or kind == "model_type" or value is None:
        return msg
    return f"{msg} (got {shorten(value)})"


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.path))


def summarise(problems: Sequence[Problem], limit: int | None = MAX_SHOWN) -> list[str]:
    """Lines to print: every problem, or the first `limit` and a count of the rest."""
    ordered = sort_problems(problems)
    if limit is None or len(ordered) <= limit:
        return [str(p) for p in ordered]
    rest = len(ordered) - limit
    return [str(p) for p in ordered[:limit]] + [
        f"... and {rest} more problem{'s' if rest > 1 else ''} "
        "(run 'clusterctl validate' to see them all)"
    ]
