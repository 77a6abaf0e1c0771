"""`clusterctl match --batch`: stream a register through the batch matcher.

Matches go to stdout as they are computed; warnings and rejected rows go to
stderr with their line numbers, and a one-line summary ends the run. Exit
status 2 when any row was rejected, else 0.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import typer

from clusterctl.errors import ExitCode
from clusterctl.formats import OutputFormat, cell, resolve_format, to_json

from .render import CRITERIA

BATCH_COLUMNS = (
    "line",
    "siren",
    "siret",
    "company",
    "rank",
    "id",
    "name",
    "score",
    "sector_eligible",
    "location_eligible",
    "distance_km",
    "region_relation",
)
EXPLAIN_COLUMNS = (*(f"{c}_score" for c in CRITERIA), "reasons")


@dataclass
class Stats:
    read: int = 0
    matched: int = 0
    rejected: int = 0
    skipped: int = 0
    warned: int = 0


def run_batch(
    matcher: Any,
    source: str,
    *,
    top: int,
    explain: bool,
    min_score: float,
    input_format: str | None,
    delimiter: str | None,
    encoding: str,
    rejects: str | None,
    fmt: OutputFormat,
    header: bool,
) -> None:
    from clusterctl.batch import BatchMatcher
    from clusterctl.registers import read_register

    label = "<stdin>" if source == "-" else source
    stats = Stats()
    bm = BatchMatcher(matcher)
    events = read_register(
        source, input_format=input_format, delimiter=delimiter, encoding=encoding
    )
    reject_out = _open_rejects(rejects)
    progress = _Progress() if sys.stderr.isatty() else None
    companies = _companies(bm, events, stats, label, reject_out, progress)
    writer = _Writer(
        matcher, resolve_format(fmt, sys.stdout), sys.stdout, explain, header
    )
    try:
        for scored in bm.run(companies, top, min_score):
            writer.write(scored)
            stats.matched += 1
        writer.close()
    finally:
        if reject_out:
            reject_out.close()
        if progress:
            progress.done()
    print(
        f"clusterctl: {label}: {stats.read} rows read, {stats.matched} matched, "
        f"{stats.rejected} rejected, {stats.skipped} skipped"
        + (f", {stats.warned} with warnings" if stats.warned else ""),
        file=sys.stderr,
    )
    if stats.rejected:
        raise typer.Exit(ExitCode.USAGE)


def _open_rejects(path: str | None) -> IO[str] | None:
    if not path:
        return None
    from clusterctl.errors import UsageError

    try:
        return open(path, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror}") from None


def _companies(
    bm: Any,
    events: Iterator[Any],
    stats: Stats,
    label: str,
    reject_out: IO[str] | None,
    progress: Any,
) -> Iterator[Any]:
    from clusterctl.registers import Reject, Skip

    err = sys.stderr
    for event in events:
        stats.read += 1
        if progress:
            progress.tick(stats.read)
        if isinstance(event, Reject):
            stats.rejected += 1
            err.write(f"{label}:{event.line}: rejected: {event.reason}\n")
            if reject_out:
                reject_out.write(event.raw + "\n")
            continue
        if isinstance(event, Skip):
            stats.skipped += 1
            continue
        company = _company(bm, event, label)
        if company is None:
            stats.rejected += 1
            if reject_out:
                reject_out.write(event.raw + "\n")
            continue
        if company.warnings:
            stats.warned += 1
            for w in company.warnings:
                err.write(f"{label}:{event.line}: warning: {w.text}\n")
        yield company


def _company(bm: Any, row: Any, label: str) -> Any:
    """A company from a row; a profile row (NDJSON/YAML) is validated first."""
    profile = row.fields.get("_profile")
    if profile is None:
        return bm.company_from_fields(row.fields, row.line)
    from pydantic import ValidationError

    from clusterctl.models import Profile
    from clusterctl.profiles import resolve_profile

    try:
        model = Profile.model_validate(profile)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        msg = str(first["msg"]).removeprefix("Value error, ")
        sys.stderr.write(
            f"{label}:{row.line}: rejected: {where + ': ' if where else ''}{msg}\n"
        )
        return None
    return resolve_profile(model, line=row.line)


class _Writer:
    """Writes scored companies in the chosen format, as they arrive."""

    def __init__(
        self, matcher: Any, fmt: OutputFormat, out: IO[str], explain: bool, header: bool
    ) -> None:
        self.m, self.fmt, self.out, self.explain = matcher, fmt, out, explain
        self.count = 0
        self.columns = BATCH_COLUMNS + (EXPLAIN_COLUMNS if explain else ())
        if fmt in (OutputFormat.csv, OutputFormat.tsv, OutputFormat.table):
            import csv

            self.csv = (
                csv.writer(out, lineterminator="\n")
                if fmt is OutputFormat.csv
                else None
            )
            self.table: list[list[str]] = []
            if header and fmt is not OutputFormat.table:
                self._row(list(self.columns))

    def _row(self, values: list[str]) -> None:
        if self.fmt is OutputFormat.table:
            self.table.append(values)
            if len(self.table) >= 50:
                self._flush_table()
        elif self.csv is not None:
            self.csv.writerow(values)
        else:
            self.out.write(
                "\t".join(
                    v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                    for v in values
                )
                + "\n"
            )

    def _flush_table(self) -> None:
        from clusterctl.formats import write_table

        if self.table:
            write_table(list(self.columns), self.table, self.out)
            self.table = []

    def write(self, scored: Any) -> None:
        if self.fmt in (OutputFormat.csv, OutputFormat.tsv, OutputFormat.table):
            self._write_rows(scored)
        else:
            self._write_object(scored)
        self.count += 1

    def _write_rows(self, s: Any) -> None:
        c = s.company
        clusters = self.m.clusters
        for rank, (k, score, crit) in enumerate(s.top, 1):
            cluster = clusters[k]
            rel = s.relations[rank - 1]
            km = s.distances[rank - 1]
            values = [
                str(s.line),
                c.siren or "",
                c.siret or "",
                c.name or "",
                str(rank),
                cluster.id,
                cluster.name,
                f"{score:.2f}",
                _eligible_sector(crit, c),
                _eligible_location(rel),
                "" if km is None else f"{km:.1f}",
                rel or "",
            ]
            if self.explain:
                values += [f"{crit[n]:.4f}" for n in CRITERIA]
                values.append(cell(self._reasons(s, k, rank)))
            self._row(values)

    def _reasons(self, s: Any, k: int, rank: int) -> list[str]:
        from clusterctl.matching import reasons

        match = self.m.score(s.company, k)
        return [r["text"] for r in reasons(match, self.m.taxonomy)]

    def _write_object(self, s: Any) -> None:
        from clusterctl.matching import company_record, match_record

        c = s.company
        if self.explain:
            matches = [
                match_record(
                    self.m.score(c, k), rank, c, self.m.weights, self.m.taxonomy
                )
                for rank, (k, _score, _crit) in enumerate(s.top, 1)
            ]
        else:
            matches = [
                self._light_match(s, rank, k, score, crit)
                for rank, (k, score, crit) in enumerate(s.top, 1)
            ]
        record = {
            "line": s.line,
            "company": company_record(c),
            "matches": matches,
            "warnings": [{"code": w.code, "text": w.text} for w in c.warnings],
        }
        if self.fmt is OutputFormat.yaml:
            from clusterctl.formats import write_yaml

            write_yaml([record], self.out)
        elif self.fmt is OutputFormat.json:
            self.out.write(("[" if self.count == 0 else ",\n ") + to_json(record))
        else:
            self.out.write(to_json(record) + "\n")

    def _light_match(
        self, s: Any, rank: int, k: int, score: float, crit: dict[str, float]
    ) -> dict[str, Any]:
        cluster = self.m.clusters[k]
        km = s.distances[rank - 1]
        rel = s.relations[rank - 1]
        return {
            "rank": rank,
            "id": cluster.id,
            "name": cluster.name,
            "status": cluster.status,
            "score": round(score, 2),
            "eligibility": {
                "sector": _eligible_sector(crit, s.company) == "true",
                "location": rel in ("same", "bordering") if rel else None,
            },
            "distance_km": None if km is None else round(km, 1),
            "region_relation": rel,
            "scores": {n: round(crit[n], 4) for n in CRITERIA},
        }

    def close(self) -> None:
        if self.fmt is OutputFormat.json:
            self.out.write("[]\n" if self.count == 0 else "]\n")
        elif self.fmt is OutputFormat.table:
            self._flush_table()


def _eligible_sector(crit: dict[str, float], company: Any) -> str:
    from clusterctl.matching import NAF_ELIGIBLE, SECTOR_ELIGIBLE

    if not company.evidence and not company.naf:
        return ""
    ok = crit["sector"] >= SECTOR_ELIGIBLE or crit["naf"] >= NAF_ELIGIBLE
    return "true" if ok else "false"


def _eligible_location(rel: str | None) -> str:
    if rel is None:
        return ""
    return "true" if rel in ("same", "bordering") else "false"


class _Progress:
    """A one-line counter on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.last = 0

    def tick(self, n: int) -> None:
        if n - self.last >= 5000:
            self.last = n
            sys.stderr.write(f"\r{n:,} rows...")
            sys.stderr.flush()

    def done(self) -> None:
        if self.last:
            sys.stderr.write("\r\033[K")
