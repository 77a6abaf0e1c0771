"""Finding clusters: search, match (single and batch), related, init."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from clusterctl.errors import UsageError
from clusterctl.formats import OutputFormat
from clusterctl.i18n import N_, _

from .app import app
from .common import (
    DataOption,
    FieldsOption,
    FormatOption,
    NoHeaderOption,
    emit_rows,
    find_cluster,
    get_dataset,
    known_encoding,
    no_result,
    one_of,
    user_errors,
    warn,
)

#: The fields of `search` and `related` records, in order.
SEARCH_FIELDS = ("rank", "id", "name", "status", "score", "field", "matched")
RELATED_FIELDS = (
    "rank",
    "id",
    "name",
    "score",
    "shared_sectors",
    "shared_keywords",
    "region_relation",
    "distance_km",
    "regions",
    "label_status",
    "label_note",
)


@app.command(
    help=N_(
        "Fuzzy-search clusters by name, alias, sector, keyword or description."
        '\n\nExample: clusterctl search "cybersécurité quantique"'
    )
)
@user_errors
def search(
    ctx: typer.Context,
    text: Annotated[
        str,
        typer.Argument(
            metavar="TEXT",
            help=N_("Words to look for (typos, case and accents do not matter)."),
        ),
    ],
    limit: Annotated[
        int,
        typer.Option(
            "--limit", "-n", metavar="N", min=1, help=N_("Print at most N clusters.")
        ),
    ] = 10,
    min_score: Annotated[
        float,
        typer.Option(
            "--min-score",
            metavar="SCORE",
            min=0,
            max=100,
            help=N_("Drop hits scoring below SCORE (0-100)."),
        ),
    ] = 70.0,
    data: DataOption = None,
    fmt: FormatOption = OutputFormat.auto,
    fields: FieldsOption = None,
    no_header: NoHeaderOption = False,
) -> None:
    """`clusterctl search`."""
    from clusterctl.search import hit_record
    from clusterctl.search import search as run_search

    dataset = get_dataset(ctx, data)
    hits = run_search(dataset, text, min_score=min_score)[:limit]
    rows = [hit_record(h, i) for i, h in enumerate(hits, 1)]
    from .tables import search_layouts

    emit_rows(
        rows,
        fmt,
        fields=fields,
        valid=SEARCH_FIELDS,
        summary=SEARCH_FIELDS,
        header=not no_header,
        layouts=search_layouts,
    )
    if not rows:
        no_result(_("no cluster matches '{text}'").format(text=text))


@app.command(
    help=N_(
        "Rank the clusters that fit a company, with a score and the reasons."
        "\n\nExample: clusterctl match company.yaml --top 3 --explain"
    )
)
@user_errors
def match(
    ctx: typer.Context,
    profile: Annotated[
        str | None,
        typer.Argument(
            metavar="PROFILE",
            help=N_("Company profile, YAML or JSON ('-' reads stdin)."),
        ),
    ] = None,
    batch: Annotated[
        str | None,
        typer.Option(
            "--batch",
            "-b",
            metavar="FILE",
            help=N_(
                "Match every company of a CSV, NDJSON or YAML register "
                "('-' for stdin, .gz read directly)."
            ),
        ),
    ] = None,
    top: Annotated[
        int,
        typer.Option(
            "--top",
            "-n",
            metavar="N",
            min=1,
            help=N_("Number of clusters per company."),
        ),
    ] = 5,
    explain: Annotated[
        bool,
        typer.Option("--explain", help=N_("Show the full per-criterion breakdown.")),
    ] = False,
    min_score: Annotated[
        float,
        typer.Option(
            "--min-score",
            metavar="SCORE",
            min=0,
            max=100,
            help=N_("Drop clusters scoring below SCORE (0-100)."),
        ),
    ] = 0.0,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            "-c",
            metavar="CLUSTER",
            help=N_("Explain one cluster's score ('why not X?')."),
        ),
    ] = None,
    weights: Annotated[
        str | None,
        typer.Option(
            "--weights",
            "-w",
            metavar="SPEC",
            help=N_(
                "Criterion weights, e.g. sector=0.5,geo=0.2 "
                "(or a file of such lines); normalised to sum to 1."
            ),
        ),
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            metavar="STATE",
            help=N_(
                "Label states to rank (repeatable): current, probation, lapsed, "
                "unconfirmed, doubtful, all. Default: every cluster that is not "
                "merged, doubtful labels flagged."
            ),
        ),
    ] = None,
    current_first: Annotated[
        bool,
        typer.Option(
            "--current-first",
            help=N_(
                "Rank clusters whose label is current before those whose label "
                "is doubtful."
            ),
        ),
    ] = False,
    input_format: Annotated[
        str | None,
        typer.Option(
            "--input-format",
            metavar="FORMAT",
            callback=one_of("csv", "ndjson", "jsonl", "json", "yaml"),
            help=N_(
                "Batch input format: csv, ndjson, json (an array of profiles, or "
                "NDJSON) or yaml (default: from the extension)."
            ),
        ),
    ] = None,
    delimiter: Annotated[
        str | None,
        typer.Option(
            "--delimiter",
            metavar="CHAR",
            help=N_("CSV delimiter (default: detect ',', ';', tab or '|')."),
        ),
    ] = None,
    encoding: Annotated[
        str,
        typer.Option(
            "--encoding",
            metavar="ENCODING",
            callback=known_encoding,
            help=N_("Input encoding, e.g. latin-1."),
        ),
    ] = "utf-8",
    rejects: Annotated[
        str | None,
        typer.Option(
            "--rejects",
            metavar="FILE",
            help=N_("Batch: also write rejected rows here."),
        ),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            min=0,
            help=N_(
                "Batch: worker processes (default 0: one per core, up to 4, for "
                "registers over 4 MB; 1: this process only)."
            ),
        ),
    ] = 0,
    all_messages: Annotated[
        bool,
        typer.Option(
            "--all-messages",
            help=N_(
                "Batch: print every warning and rejected row (by default the "
                "first 5 of each kind, then a count)."
            ),
        ),
    ] = False,
    map_to: Annotated[
        str | None,
        typer.Option(
            "--map",
            metavar="FILE",
            help=N_(
                "Also draw the company and its matches: FILE.svg or FILE.html, "
                "or '-' to draw the map in the terminal instead of the results."
            ),
        ),
    ] = None,
    data: DataOption = None,
    fmt: FormatOption = OutputFormat.auto,
    no_header: NoHeaderOption = False,
) -> None:
    """`clusterctl match`."""
    from clusterctl.labels import resolve_statuses
    from clusterctl.matching import Matcher, parse_weights
    from clusterctl.selection import require_clusters

    if (profile is None) == (batch is None):
        raise UsageError(_("give a PROFILE file, or --batch FILE for a register"))
    statuses = resolve_statuses(status) if status else None
    dataset = get_dataset(ctx, data)
    matcher = Matcher(
        dataset, parse_weights(weights), statuses=statuses, current_first=current_first
    )
    require_clusters(matcher, status)
    if batch is not None:
        if map_to is not None:
            raise UsageError(
                _("--map draws one company's matches; it cannot be used with --batch")
            )
        from .batchcmd import run_batch

        run_batch(
            matcher,
            batch,
            top=top,
            explain=explain,
            min_score=min_score,
            input_format=input_format,
            delimiter=delimiter,
            encoding=encoding,
            rejects=rejects,
            fmt=fmt,
            header=not no_header,
            jobs=jobs,
            all_messages=all_messages,
        )
        return
    if input_format or delimiter or rejects or all_messages:
        raise UsageError(
            _(
                "--input-format, --delimiter, --rejects and --all-messages "
                "apply to --batch"
            )
        )
    _match_one(
        matcher,
        profile or "-",
        top=top,
        explain=explain,
        min_score=min_score,
        cluster=cluster,
        encoding=encoding,
        fmt=fmt,
        header=not no_header,
        map_to=map_to,
    )


def _match_one(
    matcher: Any,
    source: str,
    *,
    top: int,
    explain: bool,
    min_score: float,
    cluster: str | None,
    encoding: str,
    fmt: OutputFormat,
    header: bool,
    map_to: str | None = None,
) -> None:
    from clusterctl.i18n import format_decimal
    from clusterctl.matching import match_result
    from clusterctl.profiles import resolve_profile
    from clusterctl.selection import match_of, scored_target, top_matches

    company = resolve_profile(_read_profile(source, encoding))
    for w in company.warnings:
        warn(w.text)
    ranked = matcher.match(company)
    if cluster:
        target, merged = scored_target(matcher, cluster)
        if merged:
            warn(merged)
        selected = match_of(target, matcher, ranked)
        explain = True
    else:
        selected = top_matches(ranked, top, min_score)
    result = match_result(matcher, company, selected, explain=explain)
    for w in result["warnings"][len(company.warnings) :]:
        warn(w["text"])  # what matching adds: labels that are not current
    if map_to is not None:
        from .mapcmd import draw_match

        draw_match(matcher.dataset, result, map_to, fmt)
    if map_to != "-":
        from .render import write_match

        write_match(result, fmt, sys.stdout, explain=explain, header=header)
    if not selected:
        no_result(
            _("no cluster scores {score} or more").format(
                score=format_decimal(min_score, None)
            )
        )


#: Extensions of company registers, which `match --batch` reads.
REGISTER_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".ndjson", ".jsonl", ".gz", ".txt")


def _read_profile(source: str, encoding: str) -> Any:
    """The profile in `source`; a missing file names the closest file beside
    it (or `init`), a register of companies points to `--batch`."""
    import os

    from clusterctl.errors import ClusterctlError
    from clusterctl.profiles import read_profile

    from .usage import shell_word

    if source != "-" and not os.path.exists(source):
        raise UsageError(
            _("{file}: no such file{hint}").format(file=source, hint=_nearby(source))
        )
    try:
        return read_profile(source, encoding=encoding)
    except ClusterctlError:
        if not source.lower().endswith(REGISTER_SUFFIXES):
            raise
        text = _(
            "{file} looks like a register of companies, not one profile: "
            "match them all with '{command}'"
        )
        command = f"clusterctl match --batch {shell_word(source)}"
        raise UsageError(text.format(file=source, command=command)) from None


def _nearby(source: str) -> str:
    """` (did you mean 'examples/x.yaml'?)` for a file of a similar name in
    the same folder, else how to write a profile."""
    import os

    from clusterctl.problems import did_you_mean

    from .usage import shell_word

    folder = os.path.dirname(source) or "."
    try:
        names = [
            n
            for n in os.listdir(folder)
            if n.lower().endswith((".yaml", ".yml", ".json"))
        ]
    except OSError:
        names = []
    hint = did_you_mean(os.path.basename(source), names)
    if hint:
        close = hint[hint.index("'") + 1 : hint.rindex("'")]
        path = os.path.join(os.path.dirname(source), close)
        return _(" (did you mean {choices}?)").format(choices=f"'{path}'")
    text = _("; '{command}' writes a profile to fill in")
    return text.format(command=f"clusterctl init {shell_word(source)}")


@app.command(
    help=N_(
        "List the clusters closest to one cluster: shared sectors, keywords, "
        "regions.\n\nExample: clusterctl related aerospace-valley"
    )
)
@user_errors
def related(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="CLUSTER",
            help=N_("Cluster id, name or alias."),
        ),
    ],
    limit: Annotated[
        int,
        typer.Option(
            "--limit", "-n", metavar="N", min=1, help=N_("Print at most N clusters.")
        ),
    ] = 5,
    data: DataOption = None,
    fmt: FormatOption = OutputFormat.auto,
    fields: FieldsOption = None,
    no_header: NoHeaderOption = False,
) -> None:
    """`clusterctl related`."""
    from clusterctl.related import related_clusters

    dataset = get_dataset(ctx, data)
    found = find_cluster(dataset, name)
    rows = related_clusters(dataset, found[0])[:limit]
    from .tables import related_layouts

    emit_rows(
        rows,
        fmt,
        fields=fields,
        valid=RELATED_FIELDS,
        summary=[*RELATED_FIELDS[:7], "label_status"],
        header=not no_header,
        layouts=related_layouts,
    )
    if not rows:
        no_result(_("no cluster is related to '{name}'").format(name=found[0].name))


@app.command(
    help=N_(
        "Write a commented company-profile template to fill in for 'match'."
        "\n\nExample: clusterctl init company.yaml"
    )
)
@user_errors
def init(
    path: Annotated[
        str | None,
        typer.Argument(
            metavar="FILE",
            help=N_("Where to write the template (default: stdout)."),
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=N_("Overwrite FILE."))] = False,
) -> None:
    """`clusterctl init`."""
    from pathlib import Path

    from clusterctl.template import profile_template

    from .common import note

    template = profile_template()
    if path is None or path == "-":
        sys.stdout.write(template)
        return
    target = Path(path)
    if target.exists() and not force:
        raise UsageError(
            _("{file}: already exists (use --force to overwrite)").format(file=path)
        )
    try:
        target.write_text(template, encoding="utf-8")
    except OSError as exc:
        raise UsageError(
            _("{file}: cannot write: {reason}").format(file=path, reason=exc.strerror)
        ) from None
    note(
        _("wrote {file}; edit it, then run: {command}").format(
            file=path, command=f"clusterctl match {path}"
        )
    )
