"""Checking and describing files: validate, schema."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from clusterctl.errors import ExitCode
from clusterctl.i18n import N_, _, ngettext

from .app import app
from .common import DataOption, known_encoding, user_errors


class FileKind(StrEnum):
    auto = "auto"
    dataset = "dataset"
    profile = "profile"


class SchemaName(StrEnum):
    cluster = "cluster"
    dataset = "dataset"
    profile = "profile"


@app.command(
    help=N_(
        "Check a dataset or a company profile and print every problem with its "
        "line.\n\nErrors exit 2; warnings alone exit 0. Set "
        "CLUSTERCTL_TODAY=YYYY-MM-DD to check dates against another day."
        "\n\nExample: clusterctl validate my-clusters.yaml"
    )
)
@user_errors
def validate(
    ctx: typer.Context,
    file: Annotated[
        str | None,
        typer.Argument(
            metavar="FILE",
            help=N_(
                "Dataset or company profile to check ('-' for stdin); "
                "default: the dataset in use."
            ),
        ),
    ] = None,
    encoding: Annotated[
        str,
        typer.Option(
            "--encoding",
            metavar="ENCODING",
            callback=known_encoding,
            help=N_("Encoding of FILE, e.g. latin-1."),
        ),
    ] = "utf-8",
    kind: Annotated[
        FileKind,
        typer.Option(
            "--as",
            metavar="KIND",
            case_sensitive=False,
            help=N_(
                "Treat FILE as a dataset or a profile (default: guess from its keys)."
            ),
        ),
    ] = FileKind.auto,
    data: DataOption = None,
) -> None:
    """`clusterctl validate`."""
    from clusterctl.dataset import default_path
    from clusterctl.validation import validate_file

    target = file or default_path(data or (ctx.obj or {}).get("data"))
    problems, what = validate_file(target, kind.value, encoding=encoding)
    for problem in problems:
        print(problem)
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    counts = _("{file}: {kind}, {errors}, {warnings}").format(
        file=target,
        kind=_("dataset") if what == "dataset" else _("profile"),
        errors=ngettext("{count} error", "{count} errors", errors).format(count=errors),
        warnings=ngettext("{count} warning", "{count} warnings", warnings).format(
            count=warnings
        ),
    )
    print(f"clusterctl: {counts}", file=sys.stderr)
    if errors:
        raise typer.Exit(ExitCode.USAGE)


@app.command(
    help=N_(
        "Print the JSON Schema of a cluster record, a dataset file or a company "
        "profile.\n\nExample: clusterctl schema profile > profile.schema.json"
    )
)
@user_errors
def schema(
    name: Annotated[
        SchemaName,
        typer.Argument(
            metavar="SCHEMA",
            case_sensitive=False,
            help=N_("cluster (one dataset record), dataset (a whole file) or profile."),
        ),
    ],
) -> None:
    """`clusterctl schema`."""
    import json

    from clusterctl.models import json_schema

    print(json.dumps(json_schema(name.value), ensure_ascii=False, indent=2))
