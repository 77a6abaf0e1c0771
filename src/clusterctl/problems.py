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

from .i18n import N_, _, ngettext, pgettext

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


#: pydantic's wording ("Input should be a valid integer, unable to parse
#: string as an integer") in plain words, by error type; `{...}` are filled
#: from the error's context.
_PLAIN = {
    "int_parsing": N_("must be a whole number"),
    "int_type": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_parsing": N_("must be a number"),
    "float_type": N_("must be a number"),
    "finite_number": N_("must be a finite number"),
    "bool_parsing": N_("must be true or false"),
    "bool_type": N_("must be true or false"),
    "string_type": N_("must be text"),
    "list_type": N_("must be a list"),
    "tuple_type": N_("must be a list"),
    "set_type": N_("must be a list"),
    "dict_type": N_("must be a mapping of fields"),
    "model_type": N_("must be a mapping of fields"),
    "model_attributes_type": N_("must be a mapping of fields"),
    "date_type": N_("must be a date written YYYY-MM-DD"),
    "date_parsing": N_("must be a date written YYYY-MM-DD"),
    "date_from_datetime_parsing": N_("must be a date written YYYY-MM-DD"),
    "date_from_datetime_inexact": N_("must be a date written YYYY-MM-DD"),
    "url_type": N_("must be a web address (https://...)"),
    "url_parsing": N_("must be a web address (https://...)"),
    "url_scheme": N_("must be a web address starting with http:// or https://"),
    "greater_than_equal": N_("must be {ge} or more"),
    "greater_than": N_("must be more than {gt}"),
    "less_than_equal": N_("must be {le} or less"),
    "less_than": N_("must be less than {lt}"),
    "string_too_short": N_("must have at least {min_length} characters"),
    "string_too_long": N_("must have at most {max_length} characters"),
    "too_short": N_("must have at least {min_length} items"),
    "too_long": N_("must have at most {max_length} items"),
    "string_pattern_mismatch": N_("is not in the expected form (pattern {pattern})"),
    "literal_error": N_("must be one of {expected}"),
    "enum": N_("must be one of {expected}"),
}


#: The patterns of the models, in words.
_PATTERNS = {
    r"^[a-z0-9]+(-[a-z0-9]+)*$": N_(
        "must be lowercase letters and digits joined by "
        "single hyphens, like 'my-cluster'"
    ),
    r"^\d{2}(\.\d{1,2}[A-Z]?)?$": N_("must be a NAF code such as 62.02A, 62.02 or 62"),
    r"^(\d{2}|2[AB]|97\d)$": N_("must be a département code such as 31, 2A or 974"),
    r"^[a-z0-9_]+$": N_("must be lowercase letters, digits and underscores"),
}


def plain_message(err: Mapping[str, Any]) -> str:
    """One pydantic error in plain words, without the offending value."""
    kind = str(err.get("type", ""))
    ctx = {
        k: f"{v:g}" if isinstance(v, float) else v
        for k, v in (err.get("ctx") or {}).items()
    }
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in _PATTERNS:
        return _(_PATTERNS[str(ctx["pattern"])])
    if "expected" in ctx:
        ctx["expected"] = _choices(str(ctx["expected"]))
    template = _PLAIN.get(kind)
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        template = N_("must not be empty")
    if template:
        try:
            return _(template).format(**ctx)
        except (KeyError, IndexError):
            pass
    msg = str(err.get("msg", ""))
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    return msg


def _choices(expected: str) -> str:
    """pydantic's `'a', 'b' or 'c'` as `a, b or c` (in the language in use)."""
    head, sep, last = expected.replace("'", "").rpartition(" or ")
    if not sep:
        return last
    return head + pgettext("before the last item of a list", " or ") + last


def did_you_mean(word: str, choices: Iterable[str], n: int = 1) -> str:
    """` (did you mean 'x'?)` for the closest of `choices`, or nothing."""
    import difflib

    options = list(dict.fromkeys(str(c) for c in choices))
    lowered = {o.lower(): o for o in options}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=n, cutoff=0.6)
    if not close:
        return ""
    joined = pgettext("between suggestions", " or ").join(
        f"'{lowered[c]}'" for c in close
    )
    return _(" (did you mean {choices}?)").format(choices=joined)


def _message(
    err: dict[str, Any],
    loc: Sequence[str | int],
    suggest: Suggest | None,
) -> str:
    kind = err["type"]
    msg = plain_message(err)
    value = err.get("input")
    if kind in ("literal_error", "enum") and isinstance(value, str):
        expected = _choices(str((err.get("ctx") or {}).get("expected", "")))
        close = did_you_mean(value, expected.replace(" or ", ", ").split(", "))
        if close:
            text = _("{message} (got {value}; {hint})")
            return text.format(
                message=msg, value=shorten(value), hint=close.strip()[1:-1]
            )
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
    return plain_message(err)


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
