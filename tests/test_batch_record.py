"""One batch record: built by the library once, printed by every format.

NDJSON lines are `clusterctl.match_many`'s items; the hand-written fast JSON
and CSV/TSV text equal the record rendered plainly; every company appears in
every format, also under --min-score; CSV/TSV honour --spreadsheet-safe."""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from clusterctl import match_many
from clusterctl.api import matcher
from clusterctl.batch import (
    BATCH_COLUMNS,
    EXPLAIN_COLUMNS,
    BatchMatcher,
    Block,
    batch_record,
    record_cells,
)
from clusterctl.cli import app
from clusterctl.cli.batchwrite import Writer
from clusterctl.formats import OutputFormat, to_json
from clusterctl.registers import Layout, Row
from conftest import PLAIN_ENV, SMALL

RECORDS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
CSV_FIELDS = ("name", "siren", "naf", "postal_code", "city", "category", "keywords")
NAMES = ["Acme", '=HYPERLINK("x")', "Dupont, fils", 'Say "hi"', "", "Tab\there"]


@st.composite
def register_rows(draw: st.DrawFn) -> list[str]:
    """Cells of a row of CSV_FIELDS: fast-path rows and rows with keywords."""
    return [
        draw(st.sampled_from(NAMES)),
        draw(st.sampled_from(["123456789", "", "-5"])),
        draw(st.sampled_from(["30.30Z", "21.20Z", "62", "99.99Q", "30.30Z;72.11Z"])),
        draw(st.sampled_from(["31000", "69007", "", "ABCDE"])),
        draw(st.sampled_from(["Toulouse", "Lyon", "", "Atlantis"])),
        draw(st.sampled_from(["GE", "PME", ""])),
        draw(st.sampled_from(["", "", "quantum computing", "vaccines; drones"])),
    ]


@functools.cache
def batch_matcher(current_first: bool) -> BatchMatcher:
    from clusterctl.dataset import load_dataset
    from clusterctl.matching import Matcher

    return BatchMatcher(Matcher(load_dataset(SMALL), current_first=current_first))


def scored_block(
    rows: list[list[str]], top: int, current_first: bool = False
) -> tuple[BatchMatcher, Block]:
    from clusterctl.batch import RowRejected

    bm = batch_matcher(current_first)
    layout = Layout(list(enumerate(CSV_FIELDS)), ",")
    block = Block()
    for line, cells in enumerate(rows, 2):
        if not (cells[0] or cells[1]):
            continue  # the reader rejects rows without identity
        with contextlib.suppress(RowRejected):  # rejected rows are not scored
            bm.add_row(block, Row(line, cells=list(cells), layout=layout))
    bm.score(block, top)
    return bm, block


def plain_rows(records: list[dict[str, Any]], explain: bool) -> list[list[str]]:
    return [row for r in records for row in record_cells(r, explain=explain)]


def writer_text(
    bm: BatchMatcher, block: Block, fmt: OutputFormat, explain: bool, floor: float
) -> str:
    out = io.StringIO()
    writer = Writer(bm, fmt, out, explain, False, floor)
    writer.write(block)
    writer.close()
    return out.getvalue()


@RECORDS
@given(
    rows=st.lists(register_rows(), min_size=1, max_size=12),
    top=st.integers(1, 4),
    floor=st.sampled_from([0.0, 20.0, 45.0, 101.0]),
    current_first=st.booleans(),
)
def test_fast_writers_print_the_record(
    rows: list[list[str]], top: int, floor: float, current_first: bool
) -> None:
    bm, block = scored_block(rows, top, current_first)
    if not len(block):
        return
    for explain in (False, True):
        records = [
            batch_record(bm, block, i, explain=explain, min_score=floor)
            for i in range(len(block))
        ]
        expected = [json.loads(to_json(r)) for r in records]
        ndjson = writer_text(bm, block, OutputFormat.ndjson, explain, floor)
        assert [json.loads(line) for line in ndjson.splitlines()] == expected
        assert ndjson == "".join(to_json(r) + "\n" for r in records)
        text = writer_text(bm, block, OutputFormat.csv, explain, floor)
        assert list(csv.reader(io.StringIO(text))) == plain_rows(records, explain)
        tsv = writer_text(bm, block, OutputFormat.tsv, explain, floor)
        assert [line.split("\t") for line in tsv.splitlines()] == [
            [c.replace("\\", "\\\\").replace("\t", "\\t") for c in row]
            for row in plain_rows(records, explain)
        ]


@RECORDS
@given(
    profiles=st.lists(
        st.sampled_from(
            [
                {"name": "A", "naf": "30.30Z", "location": "31000"},
                {"name": "B", "sectors": ["biotech"], "location": {"city": "Lyon"}},
                {
                    "siren": "123456789",
                    "keywords": ["quantum computing"],
                    "size": "startup",
                },
                {"name": "C", "naf": ["99.99Q"], "employees": 300},
                {
                    "name": "D",
                    "description": "We weave technical textiles",
                    "looking_for": ["export"],
                },
            ]
        ),
        min_size=1,
        max_size=6,
    ),
    top=st.integers(1, 3),
)
def test_match_many_yields_the_ndjson_records(
    tmp_path_factory: pytest.TempPathFactory, profiles: list[dict[str, Any]], top: int
) -> None:
    register = tmp_path_factory.mktemp("many") / "r.ndjson"
    register.write_text("".join(json.dumps(p) + "\n" for p in profiles), "utf-8")
    runner = CliRunner(env=PLAIN_ENV)
    args = ["--data", SMALL, "match", "--batch", str(register), "-f", "ndjson"]
    result = runner.invoke(app, [*args, "--top", str(top)])
    assert result.exit_code == 0, result.stderr
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    assert list(match_many(profiles, dataset=SMALL, top=top)) == printed


def test_every_company_in_every_format_under_min_score(tmp_path):
    """A company left with no match above --min-score still has its line: one
    CSV/TSV/table row with empty match cells, a record with no matches."""
    register = tmp_path / "r.csv"
    register.write_text(
        "name,siren,naf,city\nDrone Co,123456789,30.30Z,Toulouse\n"
        "Bakery,552100554,10.71C,\n",
        encoding="utf-8",
    )
    runner = CliRunner(env=PLAIN_ENV)
    base = ["--data", SMALL, "match", "--batch", str(register), "--min-score", "40"]
    rows = list(
        csv.DictReader(io.StringIO(runner.invoke(app, [*base, "-f", "csv"]).stdout))
    )
    assert [r["line"] for r in rows] == ["2", "3"]
    assert rows[0]["id"] == "aerospace-valley"
    bakery = rows[1]
    assert (bakery["company"], bakery["siren"], bakery["id"], bakery["score"]) == (
        "Bakery",
        "552100554",
        "",
        "",
    )
    tsv = runner.invoke(app, [*base, "-f", "tsv"]).stdout.splitlines()
    assert tsv[2].split("\t") == ["3", "552100554", "", "Bakery"] + [""] * 9
    records = [
        json.loads(line)
        for line in runner.invoke(app, [*base, "-f", "ndjson"]).stdout.splitlines()
    ]
    assert [(r["line"], len(r["matches"]) > 0) for r in records] == [
        (2, True),
        (3, False),
    ]
    whole = json.loads(runner.invoke(app, [*base, "-f", "json", "--explain"]).stdout)
    assert [r["matches"] == [] for r in whole] == [False, True]
    table = runner.invoke(app, [*base, "-f", "table"]).stdout
    assert "Bakery" in table
    explained = runner.invoke(app, [*base, "-f", "csv", "--explain"]).stdout
    last = list(csv.reader(io.StringIO(explained)))[-1]
    assert last[:4] == ["3", "552100554", "", "Bakery"]
    assert len(last) == len(BATCH_COLUMNS) + len(EXPLAIN_COLUMNS)


@pytest.mark.parametrize("how", ["option", "environment"])
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_batch_csv_is_spreadsheet_safe(tmp_path, how, fmt):
    register = tmp_path / "r.csv"
    register.write_text(
        'name,siren,naf\n"=HYPERLINK(""http://x"")",+33 123,30.30Z\n-Minus,,62\n',
        encoding="utf-8",
    )
    env = {**PLAIN_ENV, "CLUSTERCTL_SPREADSHEET_SAFE": None}
    args = ["--data", SMALL, "match", "--batch", str(register), "-f", fmt, "--top", "1"]
    plain = CliRunner(env=env).invoke(app, args).stdout
    if how == "option":
        args = ["--spreadsheet-safe", *args]
    else:
        env["CLUSTERCTL_SPREADSHEET_SAFE"] = "1"
    safe = CliRunner(env=env).invoke(app, args).stdout
    sep = "," if fmt == "csv" else "\t"
    plain_rows = list(csv.reader(io.StringIO(plain), delimiter=sep))
    safe_rows = list(csv.reader(io.StringIO(safe), delimiter=sep))
    assert plain_rows[1][3] == '=HYPERLINK("http://x")'
    assert safe_rows[1][1:4] == ["'+33 123", "", '\'=HYPERLINK("http://x")']
    assert safe_rows[2][3] == "'-Minus"
    assert safe_rows[1][4:] == plain_rows[1][4:]  # numbers and ids unchanged


def test_match_many_on_reject_and_explain():
    rejected: list[tuple[int, str]] = []
    records = list(
        match_many(
            [{"name": "A", "naf": "30.30Z"}, {"naf": "30.30Z"}],
            dataset=SMALL,
            top=2,
            explain=True,
            on_reject=lambda line, reason: rejected.append((line, reason)),
        )
    )
    assert [r["line"] for r in records] == [1]
    assert records[0]["matches"][0]["reasons"]
    assert rejected == [(2, "a profile needs a name (or a siren or siret)")]
    assert matcher(SMALL).clusters  # the dataset the records come from
