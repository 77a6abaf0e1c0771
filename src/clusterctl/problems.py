"""Problems found in a user file, printed as `FILE:LINE: path: message`.

pydantic's errors are rewritten for people: no documentation URLs, no
"Value error, " prefix, the offending value shown, and a hint when YAML 1.1 has
turned `007`, `no` or `2024-01-02` into a number, boolean or date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .i18n import LANGUAGES, _, language, ngettext, pgettext

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
        tag = " " + _("warning:") if self.severity == WARNING else ""
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
    msg = error_text(err)
    value = err.get("input")
    if kind == "extra_forbidden":
        hint = suggest(str(loc[-1]), loc[:-1]) if suggest else None
        if hint:
            return _("unknown field (did you mean '{field}'?)").format(field=hint)
        return _("unknown field")
    if kind == "missing":
        return _("required field is missing")
    if kind == "string_type" and isinstance(value, bool | int | float | dt.date):
        if isinstance(value, bool):
            text = _(
                "{message} (got {value}; YAML read this as a boolean: put it in quotes)"
            )
        elif isinstance(value, int | float):
            text = _(
                "{message} (got {value}; YAML read this as a number: put it in quotes)"
            )
        else:
            text = _(
                "{message} (got {value}; YAML read this as a date: put it in quotes)"
            )
        return text.format(message=msg, value=shorten(value))
    if kind.startswith("model_") or kind == "model_type" or value is None:
        return msg
    return _("{message} (got {value})").format(message=msg, value=shorten(value))


def error_text(err: Mapping[str, Any]) -> str:
    """One pydantic error's message for people, in the language in use."""
    return _translated(err) or str(err["msg"]).removeprefix("Value error, ")


def _translated(err: Mapping[str, Any]) -> str | None:
    """pydantic's message for the usual error types, in the language in use
    (None in English, where pydantic's own words are kept, and for other types).
    The English texts are pydantic's."""
    if language() == LANGUAGES[0]:
        return None
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", ""))
        head, sep, last = expected.rpartition(" or ")
        if sep:
            expected = head + pgettext("before the last item of a list", " or ") + last
        return _("Input should be {expected}").format(expected=expected)
    if kind in ("too_short", "too_long") and ctx.get("field_type") == "List":
        count = int(ctx.get("min_length" if kind == "too_short" else "max_length", 0))
        if kind == "too_short":
            text = ngettext(
                "List should have at least {min_length} item after validation, not "
                "{actual_length}",
                "List should have at least {min_length} items after validation, not "
                "{actual_length}",
                count,
            )
        else:
            text = ngettext(
                "List should have at most {max_length} item after validation, not "
                "{actual_length}",
                "List should have at most {max_length} items after validation, not "
                "{actual_length}",
                count,
            )
        return text.format(**ctx)
    if kind in ("string_too_short", "string_too_long"):
        if kind == "string_too_short":
            count = int(ctx.get("min_length", 0))
            text = ngettext(
                "String should have at least {min_length} character",
                "String should have at least {min_length} characters",
                count,
            )
        else:
            count = int(ctx.get("max_length", 0))
            text = ngettext(
                "String should have at most {max_length} character",
                "String should have at most {max_length} characters",
                count,
            )
        return text.format(**ctx)
    simple = {
        "string_type": _("Input should be a valid string"),
        "list_type": _("Input should be a valid list"),
        "dict_type": _("Input should be a valid dictionary"),
        "model_type": _("Input should be a valid dictionary"),
        "bool_type": _("Input should be a valid boolean"),
        "bool_parsing": _("Input should be a valid boolean"),
        "int_type": _("Input should be a valid integer"),
        "int_parsing": _("Input should be a valid integer"),
        "int_from_float": _("Input should be a valid integer"),
        "float_type": _("Input should be a valid number"),
        "float_parsing": _("Input should be a valid number"),
        "finite_number": _("Input should be a finite number"),
        "date_type": _("Input should be a valid date"),
        "date_parsing": _("Input should be a valid date in the format YYYY-MM-DD"),
        "date_from_datetime_parsing": _(
            "Input should be a valid date in the format YYYY-MM-DD"
        ),
        "url_parsing": _("Input should be a valid URL"),
        "url_type": _("Input should be a valid URL"),
    }
    if kind in simple:
        return simple[kind]
    bounds = {
        "greater_than_equal": _("Input should be greater than or equal to {ge}"),
        "less_than_equal": _("Input should be less than or equal to {le}"),
        "greater_than": _("Input should be greater than {gt}"),
        "less_than": _("Input should be less than {lt}"),
        "string_pattern_mismatch": _("String should match pattern '{pattern}'"),
    }
    if kind in bounds:
        try:
            return bounds[kind].format(**ctx)
        except (KeyError, IndexError, ValueError):
            return None
    return None


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.path))


def summarise(problems: Sequence[Problem], limit: int | None = MAX_SHOWN) -> list[str]:
    """Lines to print: every problem, or the first `limit` and a count of the rest."""
    ordered = sort_problems(problems)
    if limit is None or len(ordered) <= limit:
        return [str(p) for p in ordered]
    rest = len(ordered) - limit
    more = ngettext(
        "... and {count} more problem (run 'clusterctl validate' to see them all)",
        "... and {count} more problems (run 'clusterctl validate' to see them all)",
        rest,
    )
    return [str(p) for p in ordered[:limit]] + [more.format(count=rest)]
