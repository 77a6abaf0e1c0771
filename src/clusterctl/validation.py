"""`clusterctl validate`: every problem in a dataset or profile, with lines."""

from __future__ import annotations

from .dataset import read_dataset_text
from .errors import DataFileError
from .problems import Problem, sort_problems
from .profiles import check_profile_text
from .yamlio import display_name, parse, read_text


def guess_kind(raw: object) -> str:
    if isinstance(raw, dict) and ("clusters" in raw or "dataset" in raw):
        return "dataset"
    return "profile"


def validate_file(
    source: str, kind: str = "auto", *, encoding: str = "utf-8"
) -> tuple[list[Problem], str]:
    """(problems, "dataset" | "profile"). Unreadable files raise DataFileError."""
    label = display_name(source)
    text = read_text(source, kind="file", encoding=encoding)
    raw = parse(text, label)
    what = guess_kind(raw) if kind == "auto" else kind
    if what == "dataset":
        return _dataset_problems(source, text), what
    return sort_problems(check_profile_text(text, label)), what


def _dataset_problems(source: str, text: str) -> list[Problem]:
    try:
        _model, problems = read_dataset_text(text, display_name(source))
    except DataFileError as exc:
        return [Problem(display_name(source), None, "", str(exc).split(": ", 1)[-1])]
    return sort_problems(problems)
