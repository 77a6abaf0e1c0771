"""Writing scored batch blocks in each output format, and framing the block
texts into one stream (CSV/TSV header, JSON brackets).

Blocks may be rendered in worker processes; `Output` joins their texts in
input order in the parent.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping
from typing import IO, TYPE_CHECKING, Any

from clusterctl.batch import BATCH_COLUMNS, EXPLAIN_COLUMNS, batch_record, prepared
from clusterctl.formats import (
    OutputFormat,
    cell,
    spreadsheet_safe,
    spreadsheet_safe_default,
    to_json,
)
from clusterctl.scoring import CRITERIA

if TYPE_CHECKING:
    from .batchblock import Result


class Writer:
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
        #: --spreadsheet-safe: register values (company names above all) that
        #: a spreadsheet would run as formulas are written as text
        self.safe: Callable[[str], str] = (
            spreadsheet_safe if spreadsheet_safe_default() else _same
        )
        safe = self.safe
        clusters = bm.m.clusters
        self.cluster_cells = [(safe(c.id), safe(c.name)) for c in clusters]
        self.json_statics = [
            f'"id": {to_json(c.id)}, "name": {to_json(c.name)}, '
            f'"status": {to_json(c.status)}, "label_status": {to_json(x.status)}, '
            f'"label_note": {to_json(x.note)}'
            for c, x in zip(clusters, bm.m.labels, strict=True)
        ]
        self.weights_r = {n: round(w, 4) for n, w in bm.m.weights.items()}
        self.label_states = [x.status for x in bm.m.labels]
        self.cluster_text = {
            ",": [f"{_csv_cell(i)},{_csv_cell(n)}" for i, n in self.cluster_cells],
            "\t": [f"{_tsv_cell(i)}\t{_tsv_cell(n)}" for i, n in self.cluster_cells],
        }
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
                        .replace("\r", "\\r")
                        for v in row
                    )
                    + "\n"
                    for row in rows
                )
            )

    def _flush_table(self) -> None:
        """The rows so far as a table designed for the terminal's width (all
        columns when they fit, else company, rank, cluster, score, rules, km);
        with --explain, every column."""
        from clusterctl.formats import write_table

        from .tables import batch_layouts, draw

        if self.table:
            if self.explain:
                write_table(list(self.columns), [list(r) for r in self.table], self.out)
            else:
                rows = [dict(zip(self.columns, r, strict=True)) for r in self.table]
                draw(batch_layouts(), rows, self.out)
            self.table = []

    def _write_header(self) -> None:
        if self.header:
            self.header = False
            self._rows([list(self.columns)])

    def write(self, block: Any) -> None:
        self._write_header()
        if self.fmt in (OutputFormat.csv, OutputFormat.tsv) and not self.explain:
            self.out.write(self._block_text(block))
        elif self.fmt in (OutputFormat.csv, OutputFormat.tsv, OutputFormat.table):
            self._rows(self._block_rows(block))
        else:
            for i in range(len(block)):
                self._write_object(block, i)
        self.count += len(block)

    def _block_text(self, block: Any) -> str:
        """CSV or TSV text of a block, one line per (company, rank), built by
        joining cells prepared in bulk: the hot path of batch matching. Cluster
        cells are quoted once; only the company's own values are checked. The
        same text as `record_cells` of each `batch_record` (tested)."""
        import numpy as np

        from clusterctl.reasons import sector_eligible

        sep = "," if self.fmt is OutputFormat.csv else "\t"
        quote = _csv_cell if sep == "," else _tsv_cell
        safe = self.safe
        crit = block.criteria
        eligible = sector_eligible(crit["sector"], crit["naf"])
        eligible_s = np.where(eligible, "true", "false").tolist()
        order = block.order.tolist()
        scores = block.score.tolist()
        geo_extra = self.bm.tables["geo"].extra
        clusters = self.cluster_text[sep]
        floor = self.min_score
        width = len(order[0]) if order else 0
        ranks = [f"{sep}{r}{sep}" for r in range(1, width + 1)]
        # no place: empty location cells, then the cluster's label state
        empty_tails = [f"{sep}{sep}{sep}{sep}{x}\n" for x in self.label_states]
        no_match = sep * (len(BATCH_COLUMNS) - 4) + "\n"
        out: list[str] = []
        append = out.append
        sirens, sirets, names, idx = block.sirens, block.sirets, block.names, block.idx
        for i, line in enumerate(block.lines):
            cells = geo_extra[idx[i][2]]
            head = sep.join(
                (
                    str(line),
                    quote(safe(sirens[i])),
                    quote(safe(sirets[i])),
                    quote(safe(names[i])),
                )
            )
            sector_ok = eligible_s[i] if block.has_sector[i] else None
            row_scores, row_order = scores[i], order[i]
            if not width or row_scores[0] < floor:
                append(head + no_match)
                continue
            for r in range(width):
                score = row_scores[r]
                if score < floor:
                    break
                k = row_order[r]
                append(
                    f"{head}{ranks[r]}{clusters[k]}{sep}{score:.2f}{sep}"
                    f"{sector_ok[r] if sector_ok else ''}"
                    f"{cells.tail(sep, k) if cells else empty_tails[k]}"
                )
        return "".join(out)

    def _block_rows(self, block: Any) -> list[Any]:
        """CSV/TSV/table rows of a block: one per (company, rank), in a tight
        loop over values prepared in bulk with numpy; a company with no match
        left has one row with empty match cells."""
        import numpy as np

        from clusterctl.reasons import sector_eligible

        crit = block.criteria
        eligible = sector_eligible(crit["sector"], crit["naf"])
        eligible_s = np.where(eligible, "true", "false").tolist()
        order = block.order.tolist()
        scores = block.score.tolist()
        score_s = np.char.mod("%.2f", block.score).tolist()
        details = {n: crit[n].tolist() for n in CRITERIA} if self.explain else None
        geo_extra = self.bm.tables["geo"].extra
        clusters, floor, safe = self.cluster_cells, self.min_score, self.safe
        labels = self.label_states
        width = len(order[0]) if order else 0
        ranks = [(str(r),) for r in range(1, width + 1)]
        no_match = ("",) * (len(self.columns) - 4)
        rows: list[Any] = []
        append = rows.append
        sirens, sirets, names = block.sirens, block.sirets, block.names
        for i, line in enumerate(block.lines):
            cells = geo_extra[block.idx[i][2]]
            ident = (str(line), safe(sirens[i]), safe(sirets[i]), safe(names[i]))
            sector_ok = eligible_s[i] if block.has_sector[i] else _NO_SECTOR
            row_scores, row_order, row_score_s = scores[i], order[i], score_s[i]
            if not width or row_scores[0] < floor:
                append(ident + no_match)
                continue
            for r in range(width):
                if row_scores[r] < floor:
                    break
                k = row_order[r]
                row = (
                    ident
                    + ranks[r]
                    + clusters[k]
                    + (
                        row_score_s[r],
                        sector_ok[r],
                        cells.eligible[k] if cells else "",
                        cells.km(k) if cells else "",
                        cells.names[k] if cells else "",
                        labels[k],
                    )
                )
                if details is not None:
                    row += tuple(f"{details[n][i][r]:.4f}" for n in CRITERIA)
                    row += (safe(cell(self._reasons(block, i, k))),)
                append(row)
        return rows

    def _reasons(self, block: Any, i: int, k: int) -> list[str]:
        from clusterctl.matching import reasons

        match = self.bm.explain(block, i, k)
        return [r["text"] for r in reasons(match, self.bm.m.taxonomy)]

    def _write_object(self, block: Any, i: int) -> None:
        if not self.explain and self.fmt in (OutputFormat.json, OutputFormat.ndjson):
            text = self.light_json(block, i)
            if self.fmt is OutputFormat.json:
                text = ("[" if self.count + i == 0 else ",\n ") + text
            self.out.write(text if self.fmt is OutputFormat.json else text + "\n")
            return
        record = batch_record(
            self.bm, block, i, explain=self.explain, min_score=self.min_score
        )
        if self.fmt is OutputFormat.yaml:
            from clusterctl.formats import write_yaml

            write_yaml([record], self.out)
        elif self.fmt is OutputFormat.json:
            self.out.write(("[" if self.count + i == 0 else ",\n ") + to_json(record))
        else:
            self.out.write(to_json(record) + "\n")

    def light_json(self, block: Any, i: int) -> str:
        """The JSON text of a record with light matches, written directly: the
        text of `to_json(batch_record(...))`, several times faster (tested)."""
        from clusterctl.matching import company_record
        from clusterctl.reasons import location_eligible

        company = self.bm.company(block, i)
        prep = prepared(self.bm, block)
        cells = self.bm.tables["geo"].extra[block.idx[i][2]]
        statics, weights = self.json_statics, self.weights_r
        has_sector = block.has_sector[i]
        order, scores, raw = prep["order"][i], prep["score"][i], prep["raw"][i]
        crit, contrib, sector_ok = prep["crit"], prep["contrib"], prep["sector_ok"][i]
        parts = []
        for r, k in enumerate(order):
            if raw[r] < self.min_score:
                break
            if cells:
                km, rel = cells.km(k) or "null", cells.names[k]
                located = "true" if location_eligible(rel) else "false"
                rel = f'"{rel}"'
            else:
                km, rel, located = "null", "null", "null"
            sector = ("true" if sector_ok[r] else "false") if has_sector else "null"
            weight = weights if prep["weight"] is None else _at(prep["weight"], i, r)
            breakdown = ", ".join(
                f'"{n}": {{"score": {crit[n][i][r]!r}, "weight": {weight[n]!r}, '
                f'"contribution": {contrib[n][i][r]!r}}}'
                for n in CRITERIA
            )
            parts.append(
                f'{{"rank": {r + 1}, {statics[k]}, "score": {scores[r]!r}, '
                f'"eligibility": {{"sector": {sector}, "location": {located}}}, '
                f'"distance_km": {km}, "region_relation": {rel}, '
                f'"breakdown": {{{breakdown}}}}}'
            )
        warnings = to_json([{"code": w.code, "text": w.text} for w in company.warnings])
        return (
            f'{{"line": {block.lines[i]}, "company": '
            f'{to_json(company_record(company))}, "matches": [{", ".join(parts)}], '
            f'"warnings": {warnings}}}'
        )

    def close(self) -> None:
        self._write_header()
        if self.fmt is OutputFormat.json:
            self.out.write("[]\n" if self.count == 0 else "]\n")
        elif self.fmt is OutputFormat.table:
            self._flush_table()


def _at(table: Mapping[str, list[list[float]]], i: int, r: int) -> dict[str, float]:
    return {n: values[i][r] for n, values in table.items()}


def _same(text: str) -> str:
    return text


_CSV_SPECIAL = re.compile(r'[",\r\n]')


def _csv_cell(value: str) -> str:
    """A CSV cell as csv.writer would write it (minimal quoting)."""
    if _CSV_SPECIAL.search(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def _tsv_cell(value: str) -> str:
    if "\t" in value or "\n" in value or "\\" in value or "\r" in value:
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


class _Infinite:
    """A stand-in list whose every item is the empty string."""

    def __getitem__(self, index: int) -> str:
        return ""


_NO_SECTOR = _Infinite()


class Output:
    """Frames block texts into one stream: CSV/TSV header, JSON brackets."""

    def __init__(self, writer: Any, fmt: OutputFormat) -> None:
        self.writer, self.fmt = writer, fmt
        self.started = False
        self.items = 0

    def start(self) -> str:
        if self.started:
            return ""
        self.started = True
        return capture(self.writer, self.writer._write_header)

    def frame(self, result: Result) -> Result:
        result.text = self.start() + self._json(result)
        return result

    def _json(self, result: Result) -> str:
        if self.fmt is not OutputFormat.json or not result.matched:
            return result.text
        body = result.text.removeprefix(",\n ")
        text = ("[" if self.items == 0 else ",\n ") + body
        self.items += result.matched
        return text

    def end(self) -> str:
        text = self.start()
        if self.fmt is OutputFormat.json:
            return text + ("[]\n" if self.items == 0 else "]\n")
        if self.fmt is OutputFormat.table:
            return text + capture(self.writer, self.writer._flush_table)
        return text


def capture(writer: Any, action: Callable[[], None]) -> str:
    out, writer.out = writer.out, io.StringIO()
    try:
        action()
        text: str = writer.out.getvalue()
        return text
    finally:
        writer.out = out
