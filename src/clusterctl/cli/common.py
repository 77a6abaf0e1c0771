"""What every command shares: options, the error wrapper, dataset access, output.

Kept free of Rich, pydantic, YAML and rapidfuzz at import time: shell
completion runs the program on every Tab press, and `--help` should be instant.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from clusterctl.errors import ClusterctlError, DataFileError, ExitCode
from clusterctl.formats import OutputFormat, printable
from clusterctl.i18n import N_, _

if TYPE_CHECKING:
    from clusterctl.dataset import Dataset

F = TypeVar("F", bound=Callable[..., Any])


def warn(message: str) -> None:
    """A warning on stderr; never changes the exit status."""
    text = _("warning: {message}").format(message=message)
    print(f"clusterctl: {printable(text)}", file=sys.stderr)


def note(message: str) -> None:
    print(f"clusterctl: {printable(message)}", file=sys.stderr)


def user_errors(fn: F) -> F:
    """Turn expected failures into one line on stderr and the right exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ClusterctlError as exc:
            report(exc)
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def report(exc: ClusterctlError) -> None:
    problems = exc.problems if isinstance(exc, DataFileError) else []
    if len(problems) > 1:
        for line in problems:
            print(printable(line), file=sys.stderr)
    else:
        from .usage import error

        error(str(exc))


def one_of(*choices: str) -> Callable[[str | None], str | None]:
    """An option callback accepting only `choices` (any case), naming the
    closest one otherwise."""

    def check(value: str | None) -> str | None:
        if value is None or value.lower() in choices:
            return value
        from clusterctl.problems import did_you_mean

        refused = _("'{value}' is not one of {choices}").format(
            value=value, choices=", ".join(choices)
        )
        raise typer.BadParameter(refused + did_you_mean(value, choices))

    return check


#: Encodings people meet, for a "did you mean" on a misspelt one.
ENCODINGS = ("utf-8", "utf-8-sig", "latin-1", "cp1252", "iso-8859-15", "utf-16")


def known_encoding(value: str) -> str:
    """An `--encoding` callback: the name of an encoding Python can read."""
    import codecs

    try:
        codecs.lookup(value)
    except LookupError:
        from clusterctl.problems import did_you_mean

        hint = did_you_mean(value, ENCODINGS)
        text = _(
            "'{value}' is not an encoding{hint}; files saved by French "
            "spreadsheets are often latin-1 or cp1252"
        )
        raise typer.BadParameter(text.format(value=value, hint=hint)) from None
    return value


# ---------------------------------------------------------------- options
DataOption = Annotated[
    str | None,
    typer.Option(
        "--data",
        "-d",
        metavar="FILE",
        help=N_(
            "Cluster dataset to read instead of the bundled one "
            "('-' reads stdin). Also $CLUSTERCTL_DATA."
        ),
        show_default=False,
    ),
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        case_sensitive=False,
        help=N_(
            "Output format: table, tsv, csv, json, ndjson (jsonl), yaml. "
            "Default: table on a terminal, tsv in a pipe."
        ),
    ),
]
FieldsOption = Annotated[
    str | None,
    typer.Option(
        "--fields",
        metavar="FIELDS",
        help=N_("Comma-separated fields to output ('--fields help' lists them)."),
    ),
]
NoHeaderOption = Annotated[
    bool, typer.Option("--no-header", help=N_("Omit the header row in csv and tsv."))
]


def find_cluster(dataset: Dataset, name: str) -> Any:
    """The clusters `name` designates; for a sector or region word, an error
    that says which command lists those clusters."""
    from clusterctl.errors import NotFoundError
    from clusterctl.search import find_clusters

    try:
        return find_clusters(dataset, name)
    except NotFoundError:
        from .usage import not_a_cluster_hint

        hint = not_a_cluster_hint(name)
        if hint is None:
            raise
        text = _("no cluster named '{name}'; {hint}")
        raise NotFoundError(text.format(name=name, hint=hint)) from None


def get_dataset(ctx: typer.Context, data: str | None) -> Dataset:
    """The dataset for this run: the command's --data, else the global one."""
    from clusterctl.dataset import load_dataset

    chosen = data or (ctx.obj or {}).get("data")
    return load_dataset(chosen)


def emit(
    rows: Iterable[Mapping[str, Any]],
    fmt: OutputFormat,
    *,
    columns: Sequence[str] | None,
    header: bool = True,
    title: str | None = None,
) -> int:
    from clusterctl.formats import write_rows

    return write_rows(
        rows, fmt, sys.stdout, columns=columns, header=header, title=title
    )


def emit_rows(
    rows: Sequence[Mapping[str, Any]],
    fmt: OutputFormat,
    *,
    fields: str | None,
    valid: Sequence[str],
    summary: Sequence[str],
    header: bool,
    layouts: Callable[[], Sequence[Any]],
    arrange: Callable[[Sequence[Any]], Sequence[Any]] | None = None,
) -> None:
    """A command's rows: on a terminal (without `--fields`) in its designed
    table, the first of `layouts` that fits (rows in `arrange`'s order);
    otherwise `--fields` or the `summary` columns in `fmt`."""
    from clusterctl.formats import resolve_format

    if fields is None and resolve_format(fmt, sys.stdout) is OutputFormat.table:
        from .tables import draw

        draw(layouts(), arrange(rows) if arrange else rows, sys.stdout)
        return
    emit(rows, fmt, columns=columns_for(fields, fmt, valid, summary), header=header)


def columns_for(
    fields: str | None,
    fmt: OutputFormat,
    valid: Sequence[str],
    summary: Sequence[str],
) -> list[str] | None:
    """Columns to print: `--fields`, else a summary for tables/CSV/TSV and whole
    records for JSON, NDJSON and YAML."""
    from clusterctl.formats import resolve_format

    chosen = chosen_fields(fields, valid)
    if chosen is not None:
        return chosen
    resolved = resolve_format(fmt, sys.stdout)
    if resolved in (OutputFormat.table, OutputFormat.tsv, OutputFormat.csv):
        return list(summary)
    return None


def chosen_fields(fields: str | None, valid: Sequence[str]) -> list[str] | None:
    """The `--fields` asked for; `--fields help` prints the valid ones, one a
    line on stdout, and exits 0."""
    from clusterctl.formats import parse_fields

    if fields is not None and fields.strip() == "help":
        sys.stdout.write("".join(f"{name}\n" for name in valid))
        raise typer.Exit(ExitCode.OK)
    return parse_fields(fields, valid)


def no_result(message: str) -> None:
    """Exit 1 after a search, filter or show that found nothing."""
    print(f"clusterctl: {printable(message)}", file=sys.stderr)
    raise typer.Exit(ExitCode.NO_RESULT)
