"""The Typer application: its options common to every command (`--data`,
`--spreadsheet-safe`, `--version`) and its help.

Command modules import `app` from here and register themselves on it;
`clusterctl.cli` imports them all. Help text is plain (`rich_markup_mode=None`):
Rich would otherwise eat `[...]` in help strings and cost a Rich import on every
`--help`.

`--version` imports the dataset and version modules when it runs, so that
`--help` and shell completion load nothing beyond the command line itself.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from clusterctl.errors import ExitCode
from clusterctl.formats import printable
from clusterctl.i18n import N_

from .usage import LANG_OPTION, ClusterctlGroup, short_help

EPILOG = N_(
    "Exit status: 0 results printed; 1 no result (a filter, search, show or match "
    "found nothing); 2 usage or input error; 130 interrupted. "
    "Environment: CLUSTERCTL_DATA (dataset file), CLUSTERCTL_TODAY (the date "
    "labels and dates are judged on), CLUSTERCTL_CACHE_DIR and CLUSTERCTL_NO_CACHE "
    "(start-up cache), NO_COLOR or TERM=dumb (no escape codes), CLUSTERCTL_LANG "
    "(fr or en; else LC_ALL, LC_MESSAGES or LANG). Data: the pôles de "
    "compétitivité of phase V (2023-2026); see 'clusterctl info'."
)

app = typer.Typer(
    name="clusterctl",
    cls=ClusterctlGroup,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EPILOG,
    pretty_exceptions_enable=False,
    help=N_(
        "Explore France's innovation clusters (pôles de compétitivité) and "
        "match companies to them."
    ),
)


def _remember_data(ctx: typer.Context, value: str | None) -> str | None:
    """`--data` is eager so that `--data FILE --version` reports that file."""
    ctx.meta["data"] = value
    return value


def _remember_safe(value: bool) -> bool:
    """Writers (and batch workers) read the choice from the environment."""
    if value:
        os.environ["CLUSTERCTL_SPREADSHEET_SAFE"] = "1"
    return value


def _version(ctx: typer.Context, value: bool) -> None:
    if not value:
        return
    from importlib.metadata import PackageNotFoundError, version

    from clusterctl.dataset import default_path
    from clusterctl.i18n import _, format_date
    from clusterctl.versioning import dataset_header

    try:
        tool = version("clusterctl")
    except PackageNotFoundError:
        tool = _("unknown")
    path = default_path(ctx.meta.get("data"))
    data_version, data_date = dataset_header(path)
    text = _("clusterctl {version} (dataset {dataset_version}, {date})").format(
        version=tool, dataset_version=data_version, date=format_date(data_date)
    )
    print(printable(text))
    raise typer.Exit(ExitCode.OK)


@app.callback(invoke_without_command=True)
def _main(
    ctx: typer.Context,
    data: Annotated[
        str | None,
        typer.Option(
            "--data",
            "-d",
            metavar="FILE",
            envvar="CLUSTERCTL_DATA",
            help=N_(
                "Cluster dataset to read instead of the bundled one ('-' reads stdin)."
            ),
            show_default=False,
            is_eager=True,
            callback=_remember_data,
        ),
    ] = None,
    spreadsheet_safe: Annotated[
        bool,
        typer.Option(
            "--spreadsheet-safe",
            envvar="CLUSTERCTL_SPREADSHEET_SAFE",
            help=N_(
                "In csv and tsv output, prefix with ' every cell a spreadsheet "
                "would run as a formula (starting with =, +, -, @)."
            ),
            callback=_remember_safe,
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            is_eager=True,
            callback=_version,
            help=N_("Print the tool's and the dataset's versions and exit."),
        ),
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            LANG_OPTION,
            metavar="LANG",
            help=N_(
                "Language of messages, tables and help: fr or en, before or "
                "after the command's name (default: $CLUSTERCTL_LANG, else the "
                "locale: LC_ALL, LC_MESSAGES, LANG)."
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Explore France's innovation clusters and match companies to them.

    Example: clusterctl match company.yaml
    """
    ctx.obj = {"data": data}
    if ctx.invoked_subcommand is None:
        short_help()
        raise typer.Exit(ExitCode.OK)
