"""Every command with a full disk, closed standard streams, JSON profiles written
by `json.dumps`, and spreadsheet-safe CSV: one line on stderr and the right
exit code, never a traceback."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import typer

from clusterctl.cli import app
from clusterctl.formats import spreadsheet_safe
from conftest import EXAMPLES, SMALL, clusterctl_command, plain_env

PROFILE = str(EXAMPLES / "biotech-startup-lyon.yaml")

#: One working invocation of each command that writes to stdout.
COMMANDS: dict[str, list[str]] = {
    "list": ["list"],
    "show": ["show", "lyonbiopole"],
    "search": ["search", "biotech"],
    "match": ["match", PROFILE],
    "related": ["related", "lyonbiopole"],
    "sectors": ["sectors"],
    "regions": ["regions"],
    "naf": ["naf", "21.10Z"],
    "info": ["info"],
    "schema": ["schema", "cluster"],
    "init": ["init"],
    "map": ["map"],
}


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*clusterctl_command(), *args],
        capture_output="stdout" not in kwargs,
        env=plain_env(),
        timeout=60,
        check=False,
        **kwargs,
    )


#: Commands that print only to stderr.
QUIET = {"validate"}


def test_every_command_is_covered():
    names = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert names == set(COMMANDS) | QUIET


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_full_disk_is_one_line_and_exit_2(name):
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [*clusterctl_command(), *COMMANDS[name]],
            stdout=full,
            stderr=subprocess.PIPE,
            env=plain_env(),
            timeout=60,
            check=False,
        )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.decode().splitlines()
    assert lines[-1] == (
        "clusterctl: error: cannot write output: No space left on device"
    )
    assert b"Traceback" not in result.stderr


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_closed_stdout_is_one_line_and_exit_2(name):
    result = run(COMMANDS[name], stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    assert result.returncode == 0  # the command itself works
    closed = subprocess.run(
        ["sh", "-c", '"$@" >&-', "sh", *clusterctl_command(), *COMMANDS[name]],
        stderr=subprocess.PIPE,
        env=plain_env(),
        timeout=60,
        check=False,
    )
    assert closed.returncode == 2, closed.stderr
    assert closed.stderr.decode().splitlines()[-1] == (
        "clusterctl: error: cannot write output: standard output is closed"
    )


def test_closed_stdin_when_reading_stdin():
    closed = subprocess.run(
        ["sh", "-c", '"$@" <&-', "sh", *clusterctl_command(), "match", "-"],
        capture_output=True,
        env=plain_env(),
        timeout=60,
        check=False,
    )
    assert closed.returncode == 2
    assert closed.stderr.decode().strip() == (
        "clusterctl: error: <stdin>: cannot read: standard input is closed"
    )


def test_closed_stdin_is_harmless_when_not_read():
    closed = subprocess.run(
        ["sh", "-c", '"$@" <&-', "sh", *clusterctl_command(), "list", "-f", "json"],
        capture_output=True,
        env=plain_env(),
        timeout=60,
        check=False,
    )
    assert closed.returncode == 0, closed.stderr
    assert json.loads(closed.stdout)


def test_closed_stderr_never_writes_messages_to_stdout():
    closed = subprocess.run(
        ["sh", "-c", '"$@" 2>&-', "sh", *clusterctl_command(), "list", "--sector", "x"],
        stdout=subprocess.PIPE,
        env=plain_env(),
        timeout=60,
        check=False,
    )
    assert closed.returncode == 2
    assert closed.stdout == b""


def test_json_profile_with_surrogate_pair_escapes(tmp_path):
    profile = {
        "name": "Biotech 🧬 Lyon",
        "description": "biotechnology start-up developing vaccines",
        "location": "Lyon",
    }
    path = tmp_path / "p.json"
    path.write_text(json.dumps(profile), encoding="utf-8")  # ASCII, with \\ud83e
    assert "\\ud83e" in path.read_text(encoding="utf-8")
    result = run(["match", str(path), "-f", "json"])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["company"]["name"] == "Biotech 🧬 Lyon"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"name": "x\\ud83d", "description": "biotech"}', "half of a surrogate"),
        ('{"name": "x",\n "name": "y", "description": "biotech"}', "p.json:2:"),
        ('{"name": "x",\n "description": }', "p.json:2: invalid JSON"),
    ],
)
def test_bad_json_profiles(tmp_path, text, message):
    path = tmp_path / "p.json"
    path.write_text(text, encoding="utf-8")
    result = run(["match", str(path)])
    assert result.returncode == 2
    assert message in result.stderr.decode()
    assert b"Traceback" not in result.stderr


def test_json_profile_errors_keep_their_line(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(
        '{\n "name": "\\ud83e\\uddec",\n "description": "x",\n "size": "huge"\n}',
        encoding="utf-8",
    )
    result = run(["match", str(path)])
    assert result.returncode == 2
    assert f"{path}:4: size" in result.stderr.decode()


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+33 1 23", "'+33 1 23"),
        ("-cmd", "'-cmd"),
        ("-1.5", "-1.5"),
        ("Lyon", "Lyon"),
        ("", ""),
    ],
)
def test_spreadsheet_safe_cells(cell, safe):
    assert spreadsheet_safe(cell) == safe


def _formula_dataset(tmp_path: Path) -> str:
    text = Path(SMALL).read_text(encoding="utf-8")
    path = tmp_path / "d.yaml"
    path.write_text(
        text.replace("name: Aerospace Valley", "name: '=HYPERLINK(\"http://x\")'", 1),
        encoding="utf-8",
    )
    return str(path)


def test_csv_is_faithful_by_default_and_safe_on_request(tmp_path):
    data = _formula_dataset(tmp_path)
    plain = run(["--data", data, "list", "-f", "csv"])
    assert b'"=HYPERLINK(""http://x"")"' in plain.stdout
    safe = run(["--data", data, "--spreadsheet-safe", "list", "-f", "csv"])
    assert b'"\'=HYPERLINK(""http://x"")"' in safe.stdout
    tsv = run(["--data", data, "--spreadsheet-safe", "show", "aerospace-valley"])
    assert b"'=HYPERLINK" in tsv.stdout


def test_control_characters_never_reach_the_terminal():
    import io

    from clusterctl.formats import OutputFormat, printable, write_object, write_rows

    assert printable("a\x1b[2Jb\x07") == "a\\x1b[2Jb\\x07"
    assert printable("two\nlines", keep="\n") == "two\nlines"
    record = {"name": "evil\x1b]0;title\x07", "website": "http://x/\x1b[31m"}
    for fmt in (OutputFormat.table, OutputFormat.tsv):
        out = io.StringIO()
        write_rows([record], fmt, out)
        assert "\x1b" not in out.getvalue()
        assert "\x07" not in out.getvalue()
        assert "\\x1b" in out.getvalue()
    out = io.StringIO()
    write_object(record, OutputFormat.table, out)
    assert "\x1b" not in out.getvalue()
    assert "\\x1b]0;title" in out.getvalue()
