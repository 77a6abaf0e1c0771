"""`clusterctl match --batch`: stream a register through the batch matcher.

Matches go to stdout as they are computed; warnings and rejected rows go to
stderr with their line numbers, and a one-line summary ends the run. Exit
status 2 when any row was rejected, else 0.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import IO, Any

import typer

from clusterctl.errors import ExitCode, UsageError
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
    from clusterctl.batch import CHUNK, BatchMatcher, Block
    from clusterctl.registers import Reject, Skip, read_register

    label = "<stdin>" if source == "-" else source
    stats = Stats()
    bm = BatchMatcher(matcher)
    events = read_register(
        source, input_format=input_format, delimiter=delimiter, encoding=encoding
    )
    reject_out = _open_rejects(rejects)
    progress = _Progress() if sys.stderr.isatty() else None
    writer = _Writer(
        bm, resolve_format(fmt, sys.stdout), sys.stdout, explain, header, min_score
    )
    write_err = sys.stderr.write
    block = Block()
    try:
        for event in events:
            stats.read += 1
            if progress and not stats.read % 5000:
                progress.tick(stats.read)
            if isinstance(event, Reject):
                stats.rejected += 1
                write_err(f"{label}:{event.line}: rejected: {event.reason}\n")
                if reject_out:
                    reject_out.write(event.raw + "\n")
                continue
            if isinstance(event, Skip):
                stats.skipped += 1
                continue
            warnings = _add(bm, block, event, label)
            if warnings is None:
                stats.rejected += 1
                if reject_out:
                    reject_out.write(event.raw + "\n")
                continue
            if warnings:
                stats.warned += 1
                for text in warnings:
                    write_err(f"{label}:{event.line}: warning: {text}\n")
            if len(block) >= CHUNK:
                writer.write(bm.score(block, top))
                stats.matched += len(block)
                block = Block()
                bm.bound_memory()
        if len(block):
            writer.write(bm.score(block, top))
            stats.matched += len(block)
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
    try:
        # surrogateescape writes undecodable rows back byte for byte
        return open(path, "w", encoding="utf-8", errors="surrogateescape", newline="")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror}") from None


def _add(bm: Any, block: Any, row: Any, label: str) -> list[str] | None:
    """Add a row to the block; None when it is rejected (a profile row, NDJSON or
    YAML, that fails validation)."""
    if row.cells is not None:
        return bm.add_row(block, row)
    profile = row.fields.get("_profile")
    if profile is None:
        return bm.add_fields(block, row.fields, row.line)
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
    return bm.add_company(block, resolve_profile(model, line=row.line))


class _Writer:
    """Writes scored blocks in the chosen format, as they arrive."""

    def __init__(
        self,
        bm: Any,
        fmt: OutputFormat,
        out: IO[str],
        explain: bool,
        header: bool,
        min_score: float,
    ) -> None:
        self.bm, self.fmt, self.out, self.explain = bm, fmt, out, explain
        self.min_score = min_score
        self.count = 0
        self.columns = BATCH_COLUMNS + (EXPLAIN_COLUMNS if explain else ())
        clusters = bm.m.clusters
        self.cluster_cells = [(c.id, c.name) for c in clusters]
        self.table: list[Any] = []
        self.csv: Any = None
        if fmt is OutputFormat.csv:
            import csv

            self.csv = csv.writer(out, lineterminator="\n")
        # Written with the first rows (or at the end): a register that cannot be
        # read at all leaves stdout empty.
        self.header = header and fmt in (OutputFormat.csv, OutputFormat.tsv)

    def _rows(self, rows: list[Any]) -> None:
        if self.fmt is OutputFormat.table:
            self.table.extend(rows)
            if len(self.table) >= 60:
                self._flush_table()
        elif self.csv is not None:
            self.csv.writerows(rows)
        else:
            self.out.write(
                "".join(
                    "\t".join(
                        v.replace("\\", "\\\\")
                        .replace("\t", "\\t")
                        .replace("\n", "\\n")
                        for v in row
                    )
                    + "\n"
                    for row in rows
                )
            )

    def _flush_table(self) -> None:
        from clusterctl.formats import write_table

        if self.table:
            write_table(list(self.columns), [list(r) for r in self.table], self.out)
            self.table = []

    def _write_header(self) -> None:
        if self.header:
            self.header = False
            self._rows([list(self.columns)])

    def write(self, block: Any) -> None:
        self._write_header()
        if self.fmt in (OutputFormat.csv, OutputFormat.tsv, OutputFormat.table):
            self._rows(self._block_rows(block))
        else:
            for i in range(len(block)):
                self._write_object(block, i)
        self.count += len(block)

    def _block_rows(self, block: Any) -> list[Any]:
        """CSV/TSV rows of a block: one per (company, rank), in a tight loop over
        values prepared in bulk with numpy (the hot path of batch matching)."""
        import numpy as np

        from clusterctl.matching import NAF_ELIGIBLE, SECTOR_ELIGIBLE

        crit = block.criteria
        eligible = (crit["sector"] >= SECTOR_ELIGIBLE) | (crit["naf"] >= NAF_ELIGIBLE)
        eligible_s = np.where(eligible, "true", "false").tolist()
        order = block.order.tolist()
        scores = block.score.tolist()
        score_s = np.char.mod("%.2f", block.score).tolist()
        details = {n: crit[n].tolist() for n in CRITERIA} if self.explain else None
        geo_extra = self.bm.tables["geo"].extra
        clusters, floor = self.cluster_cells, self.min_score
        width = len(order[0]) if order else 0
        ranks = [(str(r),) for r in range(1, width + 1)]
        rows: list[Any] = []
        append = rows.append
        sirens, sirets, names = block.sirens, block.sirets, block.names
        for i, line in enumerate(block.lines):
            extra = geo_extra[block.idx[i][2]]
            kms, rels, located = extra if extra else _NO_GEO
            ident = (str(line), sirens[i], sirets[i], names[i])
            sector_ok = eligible_s[i] if block.has_sector[i] else _NO_SECTOR
            row_scores, row_order, row_score_s = scores[i], order[i], score_s[i]
            for r in range(width):
                if row_scores[r] < floor:
                    break
                k = row_order[r]
                row = (
                    ident
                    + ranks[r]
                    + clusters[k]
                    + (row_score_s[r], sector_ok[r], located[k], kms[k], rels[k])
                )
                if details is not None:
                    row += tuple(f"{details[n][i][r]:.4f}" for n in CRITERIA)
                    row += (cell(self._reasons(block, i, k)),)
                append(row)
        return rows

    def _reasons(self, block: Any, i: int, k: int) -> list[str]:
        from clusterctl.matching import reasons

        match = self.bm.explain(block, i, k)
        return [r["text"] for r in reasons(match, self.bm.m.taxonomy)]

    def _write_object(self, block: Any, i: int) -> None:
        from clusterctl.matching import company_record

        company = self.bm.company(block, i)
        if self.explain:
            matches = self._explained(block, i, company)
        else:
            matches = self._light(block, i)
        record = {
            "line": block.lines[i],
            "company": company_record(company),
            "matches": matches,
            "warnings": [w.text for w in company.warnings],
        }
        if self.fmt is OutputFormat.yaml:
            from clusterctl.formats import write_yaml

            write_yaml([record], self.out)
        elif self.fmt is OutputFormat.json:
            self.out.write(("[" if self.count + i == 0 else ",\n ") + to_json(record))
        else:
            self.out.write(to_json(record) + "\n")

    def _explained(self, block: Any, i: int, company: Any) -> list[dict[str, Any]]:
        """Matches as `clusterctl match` gives them: breakdown with what matched,
        eligibility with its reasons, and the reasons."""
        from clusterctl.matching import match_record

        m = self.bm.m
        out = []
        ranked = zip(block.order[i].tolist(), block.score[i].tolist(), strict=True)
        for rank, (k, score) in enumerate(ranked, 1):
            if score < self.min_score:
                break
            match = self.bm.explain(block, i, k)
            out.append(match_record(match, rank, company, m.weights, m.taxonomy))
        return out

    def _light(self, block: Any, i: int) -> list[dict[str, Any]]:
        """Matches with the full numeric breakdown, straight from the scores."""
        from clusterctl.matching import NAF_ELIGIBLE, SECTOR_ELIGIBLE

        weights = self.bm.m.weights
        clusters = self.bm.m.clusters
        extra = self.bm.tables["geo"].extra[block.idx[i][2]]
        crit = {n: block.criteria[n][i].tolist() for n in CRITERIA}
        out = []
        ranked = zip(block.order[i].tolist(), block.score[i].tolist(), strict=True)
        for r, (k, score) in enumerate(ranked):
            if score < self.min_score:
                break
            rel = extra[1][k] if extra else ""
            values = {n: crit[n][r] for n in CRITERIA}
            sector_ok = (
                values["sector"] >= SECTOR_ELIGIBLE or values["naf"] >= NAF_ELIGIBLE
            )
            out.append(
                {
                    "rank": r + 1,
                    "id": clusters[k].id,
                    "name": clusters[k].name,
                    "status": clusters[k].status,
                    "score": round(score, 2),
                    "eligibility": {
                        "sector": sector_ok if block.has_sector[i] else None,
                        "location": rel in ("same", "bordering") if rel else None,
                    },
                    "distance_km": float(extra[0][k])
                    if extra and extra[0][k]
                    else None,
                    "region_relation": rel or None,
                    "breakdown": {
                        n: {
                            "score": round(v, 4),
                            "weight": round(weights[n], 4),
                            "contribution": round(100 * weights[n] * v, 2),
                        }
                        for n, v in values.items()
                    },
                }
            )
        return out

    def close(self) -> None:
        self._write_header()
        if self.fmt is OutputFormat.json:
            self.out.write("[]\n" if self.count == 0 else "]\n")
        elif self.fmt is OutputFormat.table:
            self._flush_table()


class _Infinite:
    """A stand-in list whose every item is the empty string."""

    def __getitem__(self, index: int) -> str:
        return ""


_NO_GEO = (_Infinite(), _Infinite(), _Infinite())
_NO_SECTOR = _Infinite()


class _Progress:
    """A running count on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.shown = False

    def tick(self, n: int) -> None:
        self.shown = True
        sys.stderr.write(f"\r{n:,} rows...")
        sys.stderr.flush()

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
