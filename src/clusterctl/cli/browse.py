"""Browsing commands: list, show, sectors, regions, naf, info."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from clusterctl.formats import OutputFormat
from clusterctl.i18n import N_, _, ngettext

from .app import app
from .common import (
    DataOption,
    FieldsOption,
    FormatOption,
    NoHeaderOption,
    chosen_fields,
    columns_for,
    emit,
    emit_rows,
    find_cluster,
    get_dataset,
    no_result,
    note,
    user_errors,
    warn,
)
from .filteropts import (
    CityFilter,
    KeywordFilter,
    MemberTypeFilter,
    NearFilter,
    RadiusFilter,
    RegionFilter,
    SectorFilter,
    StatusFilter,
    resolve_filters,
)

if TYPE_CHECKING:
    from clusterctl.dataset import Dataset


@app.command(
    "list",
    help=N_(
        "List clusters, filtered by sector, region, city, keyword, member type or "
        "status.\n\n"
        'Example: clusterctl list --sector biotech --region "Auvergne-Rhône-Alpes"'
    ),
)
@user_errors
def list_clusters(
    ctx: typer.Context,
    sector: SectorFilter = None,
    region: RegionFilter = None,
    city: CityFilter = None,
    keyword: KeywordFilter = None,
    member_type: MemberTypeFilter = None,
    status: StatusFilter = None,
    near: NearFilter = None,
    radius: RadiusFilter = None,
    sort: Annotated[
        str | None,
        typer.Option(
            "--sort",
            metavar="FIELD",
            help=N_("Sort by a field; prefix with '-' for descending."),
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", "-n", metavar="N", min=1, help=N_("Print at most N clusters.")
        ),
    ] = None,
    data: DataOption = None,
    fmt: FormatOption = OutputFormat.auto,
    fields: FieldsOption = None,
    no_header: NoHeaderOption = False,
) -> None:
    """`clusterctl list` (its help is the `help` above)."""
    from clusterctl.listing import list_fields, list_rows

    dataset = get_dataset(ctx, data)
    filters = resolve_filters(
        dataset, sector=sector, region=region, city=city, keyword=keyword,
        member_type=member_type, status=status, near=near, radius=radius,
    )  # fmt: skip
    if member_type:
        _note_unknown_member_types(dataset, filters.statuses)
    extra = ("distance_km",) if near else ()
    valid = list_fields(near=bool(near))
    rows = list_rows(dataset, filters, sort=sort, limit=limit)
    from .tables import list_layouts

    emit_rows(
        rows,
        fmt,
        fields=fields,
        valid=valid,
        summary=(*_summary_columns(), *extra),
        header=not no_header,
        layouts=lambda: list_layouts(near=bool(near)),
    )
    if not rows:
        no_result(_("no cluster matches these filters"))


def _summary_columns() -> tuple[str, ...]:
    """Default TSV and CSV columns: the summary with the label's state and
    note after the recorded status."""
    from clusterctl.labels import LABEL_FIELDS
    from clusterctl.records import SUMMARY_COLUMNS

    columns = list(SUMMARY_COLUMNS)
    at = columns.index("status")
    columns[at + 1 : at + 1] = LABEL_FIELDS
    return tuple(columns)


def _note_unknown_member_types(dataset: Dataset, wanted: frozenset[str]) -> None:
    """`--member-type` keeps the clusters known to admit that type: say how
    many were left out because their record does not say."""
    from clusterctl.listing import unknown_member_types

    unknown = unknown_member_types(dataset, wanted)
    if unknown:
        text = ngettext(
            "{count} cluster does not record the types of members it admits "
            "and is left out by --member-type",
            "{count} clusters do not record the types of members they admit "
            "and are left out by --member-type",
            unknown,
        )
        note(text.format(count=unknown))


@app.command(
    help=N_("Show every field of one cluster.\n\nExample: clusterctl show lyonbiopole")
)
@user_errors
def show(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="CLUSTER",
            help=N_(
                "Cluster id, name, alias or former name (any case, accents optional)."
            ),
        ),
    ],
    data: DataOption = None,
    fmt: FormatOption = OutputFormat.auto,
    fields: FieldsOption = None,
) -> None:
    """`clusterctl show`."""
    from clusterctl.dataset import today
    from clusterctl.formats import resolve_format, select, write_object
    from clusterctl.labels import LABEL_FIELDS, cluster_label, programme_of
    from clusterctl.lookup import absorbed_named, only_one
    from clusterctl.records import labelled_record, valid_fields

    dataset = get_dataset(ctx, data)
    cluster = only_one(name, find_cluster(dataset, name))
    if cluster.successor:
        successor = dataset.get(cluster.successor)
        text = _("{name} has merged into {successor}; see '{command}'")
        note(
            text.format(
                name=cluster.name,
                successor=successor.name if successor else cluster.successor,
                command=f"clusterctl show {cluster.successor}",
            )
        )
    label = cluster_label(cluster, today(), programme_of(dataset.info))
    record = labelled_record(dataset, cluster, label)
    taken_over = absorbed_named(record, name)
    if taken_over:
        if taken_over.get("year"):
            text = _("{name} was absorbed by {cluster} in {year}")
        else:
            text = _("{name} was absorbed by {cluster}")
        note(
            text.format(
                name=taken_over["name"],
                cluster=cluster.name,
                year=taken_over.get("year"),
            )
        )
    chosen = chosen_fields(fields, valid_fields(LABEL_FIELDS))
    shown = select(record, chosen) if chosen else record
    if resolve_format(fmt, sys.stdout) is OutputFormat.table:
        from .panels import draw_cluster

        draw_cluster(shown, sys.stdout)
    else:
        write_object(shown, fmt, sys.stdout)


#: The fields of `sectors` and `regions` records, in order.
SECTOR_FIELDS = ("id", "parent", "label_en", "label_fr", "ecosystem", "clusters",
                 "synonyms", "naf")  # fmt: skip
REGION_FIELDS = ("name", "code", "iso", "name_en", "abbreviations", "former_names",
                 "neighbours", "clusters", "hq_clusters")  # fmt: skip


@app.command(
    help=N_(
        "List the sector taxonomy with the number of current clusters under each "
        "sector.\n\n"
        "Example: clusterctl sectors --format json | jq '.[] | select(.clusters > 5)'"
    )
)
@user_errors
def sectors(
    ctx: typer.Context,
    data: DataOption = None,
    fmt: FormatOption = OutputFormat.auto,
    fields: FieldsOption = None,
    no_header: NoHeaderOption = False,
) -> None:
    """`clusterctl sectors`."""
    from clusterctl.facets import sector_facets
    from clusterctl.taxonomy import load_taxonomy

    rows = sector_facets(get_dataset(ctx, data), load_taxonomy())
    from .tables import sector_layouts, tree_order

    emit_rows(
        rows,
        fmt,
        fields=fields,
        valid=SECTOR_FIELDS,
        summary=("id", "parent", "label_en", "label_fr", "clusters"),
        header=not no_header,
        layouts=sector_layouts,
        arrange=tree_order,
    )


@app.command(
    help=N_(
        "List the 18 regions with the number of current clusters covering each."
        "\n\nExample: clusterctl regions --format csv"
    )
)
@user_errors
def regions(
    ctx: typer.Context,
    data: DataOption = None,
    fmt: FormatOption = OutputFormat.auto,
    fields: FieldsOption = None,
    no_header: NoHeaderOption = False,
) -> None:
    """`clusterctl regions`."""
    from clusterctl.facets import region_facets

    rows = region_facets(get_dataset(ctx, data))
    valid = list(REGION_FIELDS)
    summary = ("name", "code", "iso", "abbreviations", "clusters", "hq_clusters")
    emit(
        rows,
        fmt,
        columns=columns_for(fields, fmt, valid, summary),
        header=not no_header,
    )


@app.command(
    help=N_(
        "Show a NAF code's official label, its sectors and the clusters that fit "
        "it.\n\nExample: clusterctl naf 30.30Z"
    )
)
@user_errors
def naf(
    ctx: typer.Context,
    code: Annotated[
        str,
        typer.Argument(
            metavar="CODE",
            help=N_("NAF rev. 2 / APE code: 62.02A, 6202A, 62.02 or 62."),
        ),
    ],
    data: DataOption = None,
    fmt: FormatOption = OutputFormat.auto,
) -> None:
    """`clusterctl naf`."""
    from clusterctl.naffit import naf_entry, naf_fit
    from clusterctl.taxonomy import load_taxonomy

    entry = naf_entry(code)
    record = naf_fit(get_dataset(ctx, data), entry, load_taxonomy())
    _write_naf(record, fmt)
    if not record["clusters"]:
        no_result(_("no cluster fits NAF {code}").format(code=entry.code))


def _write_naf(record: dict[str, Any], fmt: OutputFormat) -> None:
    """A panel of plain lines on a terminal; in CSV and TSV the sectors and
    clusters as ids (`aerospace;space`); the whole record otherwise."""
    from clusterctl.formats import resolve_format, write_object

    resolved = resolve_format(fmt, sys.stdout)
    if resolved is OutputFormat.table:
        from clusterctl.terminal import draw_panel

        from .panels import naf_rows

        title = _("NAF {code}").format(code=record["code"])
        draw_panel(title, naf_rows(record), sys.stdout)
    elif resolved in (OutputFormat.csv, OutputFormat.tsv):
        flat = {
            **record,
            "sectors": [s["id"] for s in record["sectors"]],
            "clusters": [c["id"] for c in record["clusters"]],
        }
        write_object(flat, fmt, sys.stdout)
    else:
        write_object(record, fmt, sys.stdout)


@app.command(
    help=N_(
        "Show the dataset's version, date, programme, counts by status, "
        "provenance of its facts (dated and sourced), sources and licences."
        "\n\nExample: clusterctl info --format json"
    )
)
@user_errors
def info(
    ctx: typer.Context,
    data: DataOption = None,
    fmt: FormatOption = OutputFormat.auto,
) -> None:
    """`clusterctl info`."""
    from clusterctl.dataset import today
    from clusterctl.datasetinfo import dataset_info
    from clusterctl.formats import write_object
    from clusterctl.labels import phase_notice

    dataset = get_dataset(ctx, data)
    on = today()
    record = dataset_info(dataset, on)
    notice = phase_notice(dataset, on)
    if notice:
        warn(notice)
    title = _("Dataset {version}").format(version=dataset.info.version)
    write_object(record, fmt, sys.stdout, title=title)
