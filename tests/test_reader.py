"""The register reader: CSV records exactly as Python's csv module reads them,
malformed records rejected alone with their first line, nothing invented or
lost; JSON arrays as registers."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterctl.cli import app
from clusterctl.errors import DataFileError
from clusterctl.registers import (
    MAX_RECORD,
    Reject,
    Row,
    Skip,
    read_register,
    record_blocks,
)
from clusterctl.registers.csvread import read_csv
from registers_gen import WIDTH, register

PROPERTY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def records(text: str, size: int = 64 * 1024) -> list[tuple[int, str, str]]:
    """(first line, text, refusal code or "") of each record after the header."""
    stream = io.StringIO(text, newline="")
    stream.readline()
    out = []
    for block in record_blocks(stream, ",", WIDTH, size=size, first_size=size):
        for k, (line, record) in enumerate(zip(block.lines, block.texts, strict=True)):
            refusal = block.bad.get(k)
            out.append((line, record, refusal.code if refusal else ""))
    return out


def events(text: str) -> list[Row | Reject | Skip]:
    return list(read_csv(io.StringIO(text, newline=""), None, "r.csv"))


def cells_of(record: str) -> list[str]:
    return next(csv.reader([record], strict=False))


@PROPERTY
@given(register(valid=True), st.integers(1, 300))
def test_valid_files_give_csv_records(text, size):
    """(a) For a valid file, the records are csv's records, whatever the block
    size, the quotes inside fields or the line endings."""
    expected = list(csv.reader(io.StringIO(text, newline=""), strict=False))
    expected = [r for r in expected[1:] if r]
    got = records(text, size)
    assert all(code == "" for _, _, code in got)
    assert [c for _, t, _ in got if (c := cells_of(t))] == expected


@PROPERTY
@given(register(valid=False), st.integers(1, 300))
def test_every_line_ends_in_a_row_or_a_reject(text, size):
    """(b) For any file, every line (but blank ones) is in exactly one row or
    reject, in order, and each carries the number of its first line; the
    records do not depend on where blocks are cut."""
    assert records(text, size) == records(text)
    lines = io.StringIO(text, newline="").readlines()[1:]
    at = 0  # index into lines (line number at + 2)
    for event in events(text):
        assert not isinstance(event, Skip)
        while lines[at].strip() == "":
            at += 1  # blank and space-only lines give no event
        assert event.line == at + 2
        raw = event.raw
        taken = ""
        while taken != raw:
            assert len(taken) < len(raw), (taken, raw)
            taken += lines[at]
            at += 1
        if isinstance(event, Reject):
            assert event.code
    assert all(not line.strip() for line in lines[at:])


@PROPERTY
@given(register(valid=False))
def test_single_records_match_csv_alone(text):
    """A record the reader accepts is what csv reads from its own text, and
    csv reads exactly one record from it."""
    for _, record, code in records(text):
        if not code:
            assert len(list(csv.reader(io.StringIO(record, newline="")))) == 1


# ------------------------------------------------------------ regressions
HEAD = "name,siren,description\n"


def kinds(text: str) -> list[tuple[str, int, str]]:
    return [
        (type(e).__name__, e.line, getattr(e, "code", "")) for e in events(HEAD + text)
    ]


def test_inch_marks_are_literal_quotes():
    got = kinds('A,1,5" screen,extra\nC,3,another 5" thing\nD,4,ok\n')
    assert got == [("Reject", 2, "columns"), ("Row", 3, ""), ("Row", 4, "")]


def test_literal_quote_before_a_multi_line_field():
    got = kinds('A,1,5" screen\nB,2,"two\nlines, ""quoted"""\nC,3,x\n')
    assert got == [("Row", 2, ""), ("Row", 3, ""), ("Row", 5, "")]


def test_sixty_line_description_is_one_row():
    description = "\n".join(f"line {i}, with a comma" for i in range(60))
    got = events(HEAD + f'A,1,"{description}"\nB,2,y\n')
    assert [(type(e).__name__, e.line) for e in got] == [("Row", 2), ("Row", 62)]
    assert got[0].fields["description"] == description


def test_stray_quote_is_rejected_alone_and_reading_goes_on():
    # the quote closes, but into a row of 4 columns: line 2 goes alone
    got = kinds('B,"oops\nC",2,3\nE,5,6\n')
    assert got == [("Reject", 2, "unclosed_quote"), ("Row", 3, ""), ("Row", 4, "")]
    # a quote closing into a row of the right width is csv's reading too
    assert kinds('B,"oops,1\nC,2",3\n') == [("Row", 2, "")]


def test_quote_open_to_the_end_of_the_file():
    assert kinds('A,1,x\nB,2,"never closed\nC,3,z') == [
        ("Row", 2, ""),
        ("Reject", 3, "unclosed_quote"),
        ("Row", 4, ""),
    ]


def test_record_size_cap():
    long_line = "A,1," + "x" * MAX_RECORD + "\n"
    assert kinds(long_line + "B,2,y\n") == [("Reject", 2, "too_long"), ("Row", 3, "")]
    many = "\n".join("y" * 1000 for _ in range(MAX_RECORD // 1000 + 2))
    assert kinds(f'A,1,"{many}"\nB,2,y\n')[0] == ("Reject", 2, "unclosed_quote")
    fits = "\n".join("y" * 1000 for _ in range(MAX_RECORD // 1000 - 2))
    assert kinds(f'A,1,"{fits}"\nB,2,y\n') == [("Row", 2, ""), ("Row", 2 + 98, "")]


def test_line_endings_and_blank_lines():
    got = events(HEAD + 'A,1,"x\r\ny"\r\n\r\nB,2,3\rC,3,"a\rb"\r')
    assert [(e.line, e.fields.get("description")) for e in got] == [
        (2, "x\r\ny"),
        (5, "3"),
        (6, "a\rb"),
    ]


def test_rows_keep_their_text_for_rejects():
    (row,) = events(HEAD + 'A,1,"a, ""b"""\r\n')
    assert row.raw == 'A,1,"a, ""b"""\r\n'


def test_no_process_wide_csv_state_at_import():
    import importlib

    import clusterctl.registers.csvread as module

    before = csv.field_size_limit()
    importlib.reload(module)
    assert csv.field_size_limit() == before


# ------------------------------------------------------------ JSON arrays
def read(path, fmt=None):
    return list(read_register(str(path), input_format=fmt))


def test_json_array_register(tmp_path):
    path = tmp_path / "list.json"
    path.write_text(
        '[\n  {"name": "A", "naf": "30.30Z"},\n  [1, 2],\n'
        '  {\n    "name": "B"\n  }\n]\n',
        encoding="utf-8",
    )
    got = read(path)
    assert [(type(e).__name__, e.line) for e in got] == [
        ("Row", 2),
        ("Reject", 3),
        ("Row", 4),
    ]
    assert got[0].fields == {"_profile": {"name": "A", "naf": "30.30Z"}}
    assert got[1].code == "not_object"
    assert got[1].raw == "[1, 2]"
    assert got[2].fields["_profile"] == {"name": "B"}


def test_json_holding_ndjson_still_works(tmp_path):
    path = tmp_path / "lines.json"
    path.write_text('\n{"name": "A"}\n{"name": "B"}\n', encoding="utf-8")
    assert [e.line for e in read(path)] == [2, 3]
    other = tmp_path / "list.txt"
    other.write_text('[{"name": "A"}]', encoding="utf-8")
    assert [e.line for e in read(other, "json")] == [1]


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ('[\n{"name": "A"},\n{"name": "B"\n', 3, "Expecting ','"),
        ('[\n{"name": "A"}\n{"name": "B"}\n]', 3, "expected ',' or ']'"),
        ('[\n{"name": "A"},\n{"name": \n]\n', 4, "Expecting value"),
        ('[{"name": "A"}]\n\nmore', 3, "after the end"),
        ("[\n", 1, "not closed"),
    ],
)
def test_malformed_json_array_is_one_error(tmp_path, content, line, words):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        read(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}: not a valid JSON array")
    assert words in message
    assert "\n" not in message


def test_large_json_array_streams(tmp_path):
    items = [{"name": f"Company {i}", "naf": "30.30Z"} for i in range(5000)]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(items, indent=1), encoding="utf-8")
    got = read(path)
    assert len(got) == 5000
    assert got[-1].fields["_profile"]["name"] == "Company 4999"
    assert got[1].line == 6  # "[", then four lines per element


def test_json_array_on_the_command_line(runner, tmp_path):
    path = tmp_path / "companies.json"
    path.write_text(
        json.dumps([{"name": "Drone Co", "naf": "30.30Z", "location": "31000"}, 7]),
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["match", "--batch", str(path), "-f", "ndjson", "--top", "1"]
    )
    assert result.exit_code == 2
    assert json.loads(result.stdout)["matches"][0]["id"] == "aerospace-valley"
    assert f"{path}:1: rejected: expected a JSON object" in result.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('[{"name": "A"},\n{', encoding="utf-8")
    result = runner.invoke(app, ["match", "--batch", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:2: not a valid JSON array" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_header_longer_than_a_record_is_an_error_read_in_bounded_memory(tmp_path):
    from clusterctl.errors import DataFileError
    from clusterctl.registers import read_register

    path = tmp_path / "wide.csv"
    path.write_text("name" + "x" * 300_000 + "\nAcme\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"wide\.csv:1: header row longer"):
        list(read_register(str(path)))
