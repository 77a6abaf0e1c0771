"""Browsing commands: list, show, sectors, regions, naf, info."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

import typer

from clusterctl.errors import NotFoundError, UsageError
from clusterctl.formats import OutputFormat

from . import app
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


@app.command("list")
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
            help="Sort by a field; prefix with '-' for descending.",
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", "-n", metavar="N", min=1, help="Print at most N clusters."
        ),
    ] = None,
    data: DataOption = None,
    fmt: FormatOption = OutputFormat.auto,
    fields: FieldsOption = None,
    no_header: NoHeaderOption = False,
) -> None:
    """List clusters, filtered by sector, region, city, keyword, member type or status.

    Example: clusterctl list --sector biotech --region "Auvergne-Rhône-Alpes"
    """
    from clusterctl import query
    from clusterctl.labels import LABEL_FIELDS, dataset_labels
    from clusterctl.records import valid_fields

    dataset = get_dataset(ctx, data)
    filters = resolve_filters(
        dataset, sector=sector, region=region, city=city, keyword=keyword,
        member_type=member_type, status=status, near=near, radius=radius,
    )  # fmt: skip
    labels = dataset_labels(dataset)
    found = query.filter_clusters(dataset, filters)
    if member_type:
        _note_unknown_member_types(dataset, labels, filters.statuses)
    extra = ("distance_km",) if near else ()
    rows = []
    for cluster, distance in found:
        row = labelled_record(dataset, cluster, labels[cluster.id])
        if near:
            row["distance_km"] = distance
        rows.append(row)
    valid = valid_fields((*LABEL_FIELDS, *extra))
    rows = _sorted(rows, sort, valid, default="distance_km" if near else None)
    if limit:
        rows = rows[:limit]
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
        no_result("no cluster matches these filters")


def labelled_record(dataset: Any, cluster: Any, label: Any) -> dict[str, Any]:
    from clusterctl.labels import with_label
    from clusterctl.records import cluster_record

    return with_label(cluster_record(dataset, cluster), label)


def _summary_columns() -> tuple[str, ...]:
    """Default TSV and CSV columns: the summary with the label's state and
    note after the recorded status."""
    from clusterctl.labels import LABEL_FIELDS
    from clusterctl.records import SUMMARY_COLUMNS

    columns = list(SUMMARY_COLUMNS)
    at = columns.index("status")
    columns[at + 1 : at + 1] = LABEL_FIELDS
    return tuple(columns)


def _note_unknown_member_types(
    dataset: Any, labels: Mapping[str, Any], wanted: frozenset[str]
) -> None:
    """`--member-type` keeps the clusters known to admit that type: say how
    many were left out because their record does not say."""
    from clusterctl.matching import known_lists

    unknown = sum(
        1
        for c in dataset.clusters
        if labels[c.id].status in wanted and known_lists(dataset, c)[0] is None
    )
    if unknown:
        note(
            f"{unknown} clusters do not record the types of members they admit "
            "and are left out by --member-type"
        )


def _norm(text: str) -> str:
    from clusterctl.text import normalize

    return normalize(text)


def _sorted(
    rows: list[dict[str, Any]], sort: str | None, valid: list[str], default: str | None
) -> list[dict[str, Any]]:
    from clusterctl.formats import flatten

    key = sort or default
    if not key:
        return rows
    reverse = key.startswith("-")
    key = key.lstrip("-")
    if key not in valid:
        from clusterctl.problems import did_you_mean

        raise UsageError(
            f"cannot sort by '{key}'{did_you_mean(key, valid)}; "
            "'--fields help' lists the fields"
        )

    flat = [flatten(row) for row in rows]
    if all(key not in f for f in flat) and any(
        k.startswith(key + ".") for f in flat for k in f
    ):
        subs = sorted({k for f in flat for k in f if k.startswith(key + ".")})
        raise UsageError(
            f"cannot sort by '{key}', which has sub-fields; "
            f"sort by one of {', '.join(subs)}"
        )

    def value_of(i: int) -> Any:
        value = flat[i].get(key)
        if isinstance(value, list):
            value = ";".join(map(str, value))
        return _norm(value) if isinstance(value, str) else value

    # Ties keep id order in both directions; missing values come last.
    order = sorted(range(len(rows)), key=lambda i: rows[i]["id"])
    present = [i for i in order if value_of(i) is not None]
    missing = [i for i in order if value_of(i) is None]
    present.sort(key=value_of, reverse=reverse)
    return [rows[i] for i in present + missing]


@app.command()
@user_errors
def show(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="CLUSTER",
            help="Cluster id, name, alias or former name (any case, accents optional).",
        ),
    ],
    data: DataOption = None,
    fmt: FormatOption = OutputFormat.auto,
    fields: FieldsOption = None,
) -> None:
    """Show every field of one cluster.

    Example: clusterctl show lyonbiopole
    """
    from clusterctl.dataset import today
    from clusterctl.formats import resolve_format, select, write_object
    from clusterctl.labels import LABEL_FIELDS, cluster_label, programme_of
    from clusterctl.records import valid_fields

    dataset = get_dataset(ctx, data)
    found = find_cluster(dataset, name)
    if len(found) > 1:
        names = ", ".join(f"{c.id} ({c.name})" for c in found)
        raise NotFoundError(f"'{name}' names several clusters: {names}")
    cluster = found[0]
    if cluster.successor:
        successor = dataset.get(cluster.successor)
        note(
            f"{cluster.name} has merged into "
            f"{successor.name if successor else cluster.successor}; "
            f"see 'clusterctl show {cluster.successor}'"
        )
    label = cluster_label(cluster, today(), programme_of(dataset.info))
    record = labelled_record(dataset, cluster, label)
    taken_over = _absorbed_by_name(record, name)
    if taken_over:
        year = f" in {taken_over['year']}" if taken_over.get("year") else ""
        note(f"{taken_over['name']} was absorbed by {cluster.name}{year}")
    chosen = chosen_fields(fields, valid_fields(LABEL_FIELDS))
    shown = select(record, chosen) if chosen else record
    if resolve_format(fmt, sys.stdout) is OutputFormat.table:
        from .panels import draw_cluster

        draw_cluster(shown, sys.stdout)
    else:
        write_object(shown, fmt, sys.stdout)


def _absorbed_by_name(record: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The absorbed organisation `name` designates, when it names none of the
    cluster's own names."""
    key = _norm(name)
    own = [record["id"], record["name"], *record["aliases"], *record["former_names"]]
    if key in {_norm(n) for n in own}:
        return None
    return next((a for a in record["absorbed"] if _norm(a["name"]) == key), None)


#: The fields of `sectors` and `regions` records, in order.
SECTOR_FIELDS = ("id", "parent", "label_en", "label_fr", "ecosystem", "clusters",
                 "synonyms", "naf")  # fmt: skip
REGION_FIELDS = ("name", "code", "iso", "name_en", "abbreviations", "former_names",
                 "neighbours", "clusters", "hq_clusters")  # fmt: skip


@app.command()
@user_errors
def sectors(
    ctx: typer.Context,
    data: DataOption = None,
    fmt: FormatOption = OutputFormat.auto,
    fields: FieldsOption = None,
    no_header: NoHeaderOption = False,
) -> None:
    """List the sector taxonomy with the number of current clusters under each sector.

    Example: clusterctl sectors --format json | jq '.[] | select(.clusters > 5)'
    """
    from clusterctl.taxonomy import load_taxonomy

    dataset = get_dataset(ctx, data)
    taxonomy = load_taxonomy()
    current = list(dataset.current())
    rows = []
    for sector in taxonomy.sectors.values():
        under = taxonomy.descendants(sector.id)
        rows.append(
            {
                "id": sector.id,
                "parent": sector.parent,
                "label_en": sector.label_en,
                "label_fr": sector.label_fr,
                "ecosystem": taxonomy.ecosystem(sector.id),
                "clusters": sum(1 for c in current if under.intersection(c.sectors)),
                "synonyms": [*sector.synonyms_en, *sector.synonyms_fr],
                "naf": [code for code, _ in sector.naf],
            }
        )
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


@app.command()
@user_errors
def regions(
    ctx: typer.Context,
    data: DataOption = None,
    fmt: FormatOption = OutputFormat.auto,
    fields: FieldsOption = None,
    no_header: NoHeaderOption = False,
) -> None:
    """List the 18 regions with the number of current clusters covering each.

    Example: clusterctl regions --format csv
    """
    from clusterctl import geography

    dataset = get_dataset(ctx, data)
    current = list(dataset.current())
    rows = [
        {
            "name": r.name,
            "code": r.code,
            "iso": r.iso,
            "name_en": r.name_en,
            "abbreviations": list(r.abbreviations),
            "former_names": list(r.former_names),
            "neighbours": list(r.neighbours),
            "clusters": sum(1 for c in current if r.name in c.regions),
            "hq_clusters": sum(
                1 for c in current if c.regions and c.regions[0] == r.name
            ),
        }
        for r in geography.regions()
    ]
    valid = list(REGION_FIELDS)
    summary = ("name", "code", "iso", "abbreviations", "clusters", "hq_clusters")
    emit(
        rows,
        fmt,
        columns=columns_for(fields, fmt, valid, summary),
        header=not no_header,
    )


@app.command()
@user_errors
def naf(
    ctx: typer.Context,
    code: Annotated[
        str,
        typer.Argument(
            metavar="CODE", help="NAF rev. 2 / APE code: 62.02A, 6202A, 62.02 or 62."
        ),
    ],
    data: DataOption = None,
    fmt: FormatOption = OutputFormat.auto,
) -> None:
    """Show a NAF code's official label, its sectors and the clusters that fit it.

    Example: clusterctl naf 30.30Z
    """
    from clusterctl.naf import lookup, parse_naf, suggest_naf
    from clusterctl.records import cluster_record
    from clusterctl.taxonomy import load_taxonomy

    entry = lookup(code)
    if entry is None:
        close = suggest_naf(code)
        hint = f" (closest: {', '.join(close)})" if close else ""
        shape = "unknown" if parse_naf(code) else "not a"
        raise UsageError(f"{shape} NAF rev. 2 code '{code}'{hint}")
    dataset = get_dataset(ctx, data)
    taxonomy = load_taxonomy()
    hits = taxonomy.sectors_for_naf(entry.code)
    sector_ids = {sid for sid, _, _ in hits}
    wanted = (
        set().union(*(taxonomy.descendants(s) for s in sector_ids)) if hits else set()
    )
    listed = [
        c
        for c in dataset.current()
        if wanted.intersection(c.sectors) or _naf_fits(entry.code, c.naf)
    ]
    record = {
        "code": entry.code,
        "level": entry.level,
        "label": entry.label,
        "section": entry.section,
        "section_label": entry.section_label,
        "division_label": entry.division_label,
        "sectors": [
            {"id": sid, "label": taxonomy.label(sid), "via": prefix, "why": why}
            for sid, prefix, why in hits
        ],
        "clusters": [
            {k: cluster_record(dataset, c)[k] for k in ("id", "name", "regions")}
            for c in sorted(
                listed, key=lambda c: (not _naf_fits(entry.code, c.naf), c.id)
            )
        ],
    }
    _write_naf(record, fmt)
    if not record["clusters"]:
        no_result(f"no cluster fits NAF {entry.code}")


def _write_naf(record: dict[str, Any], fmt: OutputFormat) -> None:
    """A panel of plain lines on a terminal; in CSV and TSV the sectors and
    clusters as ids (`aerospace;space`); the whole record otherwise."""
    from clusterctl.formats import resolve_format, write_object

    resolved = resolve_format(fmt, sys.stdout)
    if resolved is OutputFormat.table:
        from clusterctl.terminal import draw_panel

        from .panels import naf_rows

        draw_panel(f"NAF {record['code']}", naf_rows(record), sys.stdout)
    elif resolved in (OutputFormat.csv, OutputFormat.tsv):
        flat = {
            **record,
            "sectors": [s["id"] for s in record["sectors"]],
            "clusters": [c["id"] for c in record["clusters"]],
        }
        write_object(flat, fmt, sys.stdout)
    else:
        write_object(record, fmt, sys.stdout)


def _naf_fits(code: str, prefixes: Sequence[str]) -> bool:
    return any(code.startswith(p) or p.startswith(code) for p in prefixes)


@app.command()
@user_errors
def info(
    ctx: typer.Context,
    data: DataOption = None,
    fmt: FormatOption = OutputFormat.auto,
) -> None:
    """Show the dataset's version, date, programme, counts by status, provenance
    of its facts (dated and sourced), sources and licences.

    Example: clusterctl info --format json
    """
    from collections import Counter

    from clusterctl.formats import write_object

    dataset = get_dataset(ctx, data)
    statuses = Counter(c.status for c in dataset.clusters)
    sources = sorted({s for c in dataset.clusters for s in c.record["sources"]})
    record = {
        "dataset": dataset.source,
        "version": dataset.info.version,
        "date": dataset.info.date,
        "title": dataset.info.title,
        "licence": dataset.info.licence,
        "clusters": len(dataset.clusters),
        "by_status": dict(sorted(statuses.items())),
        **_label_freshness(dataset),
        "last_verified": {
            "oldest": min((c.last_verified for c in dataset.clusters), default=None),
            "newest": max((c.last_verified for c in dataset.clusters), default=None),
        },
        "distinct_sources": len(sources),
        "programme": dataset.info.programme,
        "provenance": _provenance(dataset),
        "bundled_data_licences": BUNDLED_LICENCES,
    }
    write_object(record, fmt, sys.stdout, title=f"Dataset {dataset.info.version}")


def _provenance(dataset: Any) -> dict[str, Any]:
    """How well the dataset's facts are dated and sourced."""
    records = [c.record for c in dataset.clusters]
    counts = [r["members"] for r in records if (r.get("members") or {}).get("count")]
    years = [m["as_of"] for m in counts if m.get("as_of")]
    dated = [r["status_as_of"] for r in records if r.get("status_as_of")]
    return {
        "member_counts": len(counts),
        "member_counts_with_source": sum(1 for m in counts if m.get("source")),
        "member_counts_as_of": {
            "oldest": min(years, default=None),
            "newest": max(years, default=None),
        },
        "status_dated": len(dated),
        "status_as_of": {
            "oldest": min(dated, default=None),
            "newest": max(dated, default=None),
        },
        "absorbed_organisations": sum(len(r.get("absorbed") or ()) for r in records),
        "unverified_websites": sum(
            1 for r in records if r.get("website") and not r.get("website_verified")
        ),
        "low_confidence": sorted(
            r["id"] for r in records if r.get("confidence") == "low"
        ),
    }


def _label_freshness(dataset: Any) -> dict[str, Any]:
    """How old the dataset is on today's date and what its labels are then;
    a warning on stderr when the programme phase it describes has ended."""
    from clusterctl.dataset import today
    from clusterctl.labels import LABEL_STATUSES, dataset_labels, phase_notice

    on = today()
    labels = dataset_labels(dataset, on)
    counts = {
        s: sum(1 for x in labels.values() if x.status == s) for s in LABEL_STATUSES
    }
    notice = phase_notice(dataset, on)
    if notice:
        warn(notice)
    days = (on - _date(dataset.info.date)).days
    return {
        "today": on.isoformat(),
        "days_since_date": days,
        "by_label_status": {s: n for s, n in counts.items() if n},
    }


def _date(value: Any) -> Any:
    from clusterctl.labels import as_date

    return as_date(value)


BUNDLED_LICENCES = {
    "clusters": "CC BY 4.0 compilation of the public sources cited in each record",
    "sectors": "CC BY 4.0 (taxonomy); NAF rev. 2 codes and labels from INSEE "
    "(Licence Ouverte / Open Licence 2.0)",
    "geography": "see GEOGRAPHY-SOURCES.md in the data folder",
}
