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
    columns_for,
    complete_cluster,
    complete_region,
    complete_sector,
    emit,
    get_dataset,
    no_result,
    note,
    user_errors,
    warn,
)

Repeat = list[str] | None


@app.command("list")
@user_errors
def list_clusters(
    ctx: typer.Context,
    sector: Annotated[
        Repeat,
        typer.Option(
            "--sector",
            "-s",
            autocompletion=complete_sector,
            help="Sector id or word, English or French (repeatable; "
            "a parent includes its children).",
        ),
    ] = None,
    region: Annotated[
        Repeat,
        typer.Option(
            "--region",
            "-r",
            autocompletion=complete_region,
            help="Region: name, code, abbreviation or pre-2016 name (repeatable).",
        ),
    ] = None,
    city: Annotated[
        Repeat, typer.Option("--city", help="HQ city (repeatable).")
    ] = None,
    keyword: Annotated[
        Repeat,
        typer.Option("--keyword", "-k", help="Keyword of the cluster (repeatable)."),
    ] = None,
    member_type: Annotated[
        Repeat,
        typer.Option(
            "--member-type",
            help="startup, sme, midcap, large, research, academic, "
            "public (repeatable).",
        ),
    ] = None,
    status: Annotated[
        Repeat,
        typer.Option(
            "--status",
            help="Label on today's date: current (incl. probation within its "
            "term), probation, lapsed, unconfirmed, doubtful (lapsed or "
            "unconfirmed), merged, or all (repeatable). Default: every cluster "
            "that is not merged.",
        ),
    ] = None,
    near: Annotated[
        str | None,
        typer.Option(
            "--near",
            metavar="PLACE",
            help="Commune, postal code, département or region: adds "
            "distance_km and sorts by it.",
        ),
    ] = None,
    radius: Annotated[
        float | None,
        typer.Option(
            "--radius",
            metavar="KM",
            min=0,
            help="With --near, keep clusters whose HQ is within KM.",
        ),
    ] = None,
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
        typer.Option("--limit", "-n", min=1, help="Print at most N clusters."),
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
    from clusterctl.labels import (
        LABEL_FIELDS,
        STATUS_GROUPS,
        dataset_labels,
        resolve_statuses,
    )
    from clusterctl.records import valid_fields

    dataset = get_dataset(ctx, data)
    wanted = resolve_statuses(status) if status else STATUS_GROUPS["labelled"]
    filters = query.Filters(
        sectors=query.resolve_sectors(sector or []),
        regions=query.resolve_regions(region or []),
        cities=query.resolve_cities(dataset, city or []),
        keywords=[k for k in (_norm(k) for k in keyword or []) if k],
        member_types=query.resolve_choice(
            "member type", member_type or [], query.MEMBER_TYPES
        ),
        statuses=set(query.STATUSES),  # the label on today's date decides, below
        near=_place(near) if near else None,
        radius_km=radius,
    )
    if radius is not None and near is None:
        raise UsageError("--radius needs --near PLACE")
    labels = dataset_labels(dataset)
    found = [
        (cluster, distance)
        for cluster, distance in query.filter_clusters(dataset, filters)
        if labels[cluster.id].status in wanted
    ]
    if member_type:
        _note_unknown_member_types(dataset, labels, wanted)
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
    summary = (*_summary_columns(fmt), *extra)
    if "label" in summary:
        for row in rows:
            row["label"] = _marker(row["label_status"], row["label_note"])
    emit(
        rows,
        fmt,
        columns=columns_for(fields, fmt, valid, summary),
        header=not no_header,
    )
    if not rows:
        no_result("no cluster matches these filters")


def labelled_record(dataset: Any, cluster: Any, label: Any) -> dict[str, Any]:
    from clusterctl.labels import with_label
    from clusterctl.records import cluster_record

    return with_label(cluster_record(dataset, cluster), label)


def _summary_columns(fmt: OutputFormat) -> tuple[str, ...]:
    """Default columns: a marker for tables, the label's state and note for
    TSV and CSV."""
    from clusterctl.formats import resolve_format
    from clusterctl.labels import LABEL_FIELDS
    from clusterctl.records import SUMMARY_COLUMNS

    columns = list(SUMMARY_COLUMNS)
    at = columns.index("status")
    if resolve_format(fmt, sys.stdout) is OutputFormat.table:
        columns[at] = "label"
    else:
        columns[at + 1 : at + 1] = LABEL_FIELDS
    return tuple(columns)


def _marker(state: str, note: str) -> str:
    """A table's label cell: the state, flagged when doubtful, with its date."""
    from clusterctl.labels import DOUBTFUL

    if state in DOUBTFUL:
        since = note.rsplit(" since ", 1)[-1][:10] if " since " in note else ""
        return f"! {state} {since}".rstrip()
    return state


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


def _place(text: str) -> Any:
    from clusterctl import geography

    place = geography.resolve_place(text)
    if place is None or place.lat is None:
        raise UsageError(
            f"cannot place '{text}' (try a commune, postal code, département or region)"
        )
    if place.note:
        note(place.note)
    return place


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
        raise UsageError(f"cannot sort by '{key}'; valid fields: {', '.join(valid)}")

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
            autocompletion=complete_cluster,
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
    from clusterctl.formats import parse_fields, select, write_object
    from clusterctl.labels import LABEL_FIELDS, cluster_label, programme_of
    from clusterctl.records import valid_fields
    from clusterctl.search import find_clusters

    dataset = get_dataset(ctx, data)
    found = find_clusters(dataset, name)
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
    chosen = parse_fields(fields, valid_fields(LABEL_FIELDS))
    write_object(select(record, chosen) if chosen else record, fmt, sys.stdout)


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
    valid = list(rows[0]) if rows else []
    summary = ("id", "parent", "label_en", "label_fr", "clusters")
    emit(
        rows,
        fmt,
        columns=columns_for(fields, fmt, valid, summary),
        header=not no_header,
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
    valid = list(rows[0])
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
        str, typer.Argument(help="NAF rev. 2 / APE code: 62.02A, 6202A, 62.02 or 62.")
    ],
    data: DataOption = None,
    fmt: FormatOption = OutputFormat.auto,
) -> None:
    """Show a NAF code's official label, its sectors and the clusters that fit it.

    Example: clusterctl naf 30.30Z
    """
    from clusterctl.formats import write_object
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
    write_object(record, fmt, sys.stdout)
    if not record["clusters"]:
        no_result(f"no cluster fits NAF {entry.code}")


def _naf_fits(code: str, prefixes: Sequence[str]) -> bool:
    return any(code.startswith(p) or p.startswith(code) for p in prefixes)


@app.command()
@user_errors
def info(
    ctx: typer.Context,
    data: DataOption = None,
    fmt: FormatOption = OutputFormat.auto,
) -> None:
    """Show the dataset's version, date, counts by status, sources and licences.

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
        "bundled_data_licences": BUNDLED_LICENCES,
    }
    write_object(record, fmt, sys.stdout)


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
