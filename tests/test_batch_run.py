"""How a batch run treats the user's files and screen: the rejects file, the
register it must never touch, warnings grouped by kind, --jobs, signals."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clusterctl.cli import app

HEADER = "name,naf,postal_code"


def run(runner, *args):
    return runner.invoke(app, ["match", "--batch", *map(str, args)])


def register(tmp_path: Path, rows: list[str], name: str = "reg.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_rejects_naming_the_register_is_refused_and_the_register_kept(runner, tmp_path):
    path = register(tmp_path, ["Acme,21.20Z,69007", "bad,row,with,too,many"])
    before = path.read_bytes()
    link = tmp_path / "link.csv"
    link.symlink_to(path)
    other = tmp_path / "sub"
    other.mkdir()
    for target in (path, link, other / ".." / "reg.csv"):
        result = run(runner, path, "--rejects", target, "-f", "csv")
        assert result.exit_code == 2, result.output
        assert "register itself" in result.stderr
        assert result.stdout == ""
        assert path.read_bytes() == before


def test_existing_rejects_file_survives_a_run_that_fails(runner, tmp_path):
    rejects = tmp_path / "rejects.csv"
    rejects.write_text("kept from the last run\n", encoding="utf-8")
    result = run(runner, tmp_path / "missing.csv", "--rejects", rejects)
    assert result.exit_code == 2
    assert rejects.read_text(encoding="utf-8") == "kept from the last run\n"
    assert [p.name for p in tmp_path.iterdir()] == ["rejects.csv"]  # no leftovers


def test_rejects_file_holds_this_run_rejected_rows(runner, tmp_path):
    path = register(tmp_path, ["Acme,21.20Z,69007", "bad,row,with,too,many"])
    rejects = tmp_path / "rejects.csv"
    rejects.write_text("old\n", encoding="utf-8")
    os.chmod(rejects, 0o640)
    result = run(runner, path, "--rejects", rejects, "-f", "csv")
    assert result.exit_code == 2
    # the header first: the file can be corrected and given to --batch again
    assert rejects.read_text(encoding="utf-8") == f"{HEADER}\nbad,row,with,too,many\n"
    assert rejects.stat().st_mode & 0o777 == 0o640
    clean = register(tmp_path, ["Acme,21.20Z,69007"], "clean.csv")
    result = run(runner, clean, "--rejects", rejects, "-f", "csv")
    assert result.exit_code == 0
    assert rejects.read_text(encoding="utf-8") == ""


def test_rejects_to_a_device_is_written_directly(runner, tmp_path):
    path = register(tmp_path, ["Acme,21.20Z,69007", "bad,row,with,too,many"])
    result = run(runner, path, "--rejects", os.devnull, "-f", "csv")
    assert result.exit_code == 2
    assert Path(os.devnull).exists()
    assert not Path(os.devnull).is_file()


def test_warnings_grouped_by_kind_with_counts(runner, tmp_path):
    rows = [f"Firm {i},99.99Q,69007" for i in range(12)]
    rows += [f"Other {i},21.20Z,ABCDE" for i in range(3)]
    path = register(tmp_path, rows)
    result = run(runner, path, "-f", "csv", "--top", "1")
    assert result.exit_code == 0
    err = result.stderr.splitlines()
    naf = [line for line in err if "warning:" in line and "99.99Q" in line]
    assert len(naf) == 5
    # the first ones, with their line numbers
    assert naf[0].startswith(f"{path}:2: warning:")
    assert naf[-1].startswith(f"{path}:6: warning:")
    postal = [line for line in err if "warning:" in line and "ABCDE" in line]
    assert 1 <= len(postal) <= 5  # another kind: shown, up to its own 5
    more = [line for line in err if "more warnings 'unknown_naf'" in line]
    assert len(more) == 1
    assert " 7 more " in more[0]
    summary = err[-1]
    assert "15 rows read, 15 matched" in summary
    kinds = {
        kind: int(n)
        for kind, n in re.findall(r"(\w+) (\d+)", summary.split("warnings: ")[1])
    }
    assert kinds["unknown_naf"] == 12
    assert kinds["unknown_place"] >= 3
    every = run(runner, path, "-f", "csv", "--top", "1", "--all-messages")
    assert len([line for line in every.stderr.splitlines() if "99.99Q" in line]) == 12
    assert "more warnings" not in every.stderr


def test_rejections_grouped_too(runner, tmp_path):
    rows = [f"bad{i},x,y,z" for i in range(9)] + ["Acme,21.20Z,69007"]
    path = register(tmp_path, rows)
    result = run(runner, path, "-f", "csv", "--top", "1")
    assert result.exit_code == 2
    err = result.stderr.splitlines()
    assert len([line for line in err[:-1] if "rejected:" in line]) == 5
    assert any("4 more rows rejected" in line for line in err)
    assert "9 rejected" in err[-1]


def test_all_messages_needs_batch(runner, tmp_path):
    result = runner.invoke(app, ["match", "x.yaml", "--all-messages"])
    assert result.exit_code == 2
    assert "--batch" in result.stderr


def test_jobs_above_the_cpus_is_clamped_with_a_note(runner, tmp_path):
    rows = [f"Firm {i},21.20Z,6900{i % 10}" for i in range(40)]
    path = register(tmp_path, rows)
    serial = run(runner, path, "-f", "csv", "--jobs", "1")
    many = run(runner, path, "-f", "csv", "--jobs", "99999999999999999999")
    assert many.exit_code == 0, many.output
    assert "usable CPUs" in many.stderr
    assert many.stdout == serial.stdout


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_signal_ends_a_parallel_run_like_ctrl_c(tmp_path, signum):
    """The run stops, no worker is left holding the pipe, the reader of the
    pipe sees it close, and a rejects file in progress is not left behind."""
    rows = [f"Firm {i},21.20Z,{69001 + i % 9}" for i in range(200_000)]
    path = register(tmp_path, rows)
    rejects = tmp_path / "rejects.csv"
    exe = Path(sys.executable).with_name("clusterctl")
    cmd = [str(exe), "match", "--batch", str(path), "-f", "csv", "--jobs", "2"]
    cmd += ["--rejects", str(rejects)]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy()
    )
    assert proc.stdout is not None
    proc.stdout.read(4096)  # running, workers started
    deadline = time.monotonic() + 10
    while not _children(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = _children(proc.pid)
    proc.send_signal(signum)
    start = time.monotonic()
    proc.stdout.read()  # ends when every writer of the pipe is gone
    proc.wait(timeout=10)
    assert time.monotonic() - start < 10
    assert proc.returncode == 128 + signum
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "Z" in _state(pid)
    assert not rejects.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def _screen(raw: str) -> list[str]:
    """What a terminal shows after `raw`: carriage returns overwrite the line."""
    lines = []
    for segment in raw.replace("\r\n", "\n").split("\n"):
        buffer: list[str] = []
        cursor = 0
        for char in segment:
            if char == "\r":
                cursor = 0
                continue
            if cursor < len(buffer):
                buffer[cursor] = char
            else:
                buffer.append(char)
            cursor += 1
        lines.append("".join(buffer).rstrip())
    return lines


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_on_a_terminal_keeps_warnings_whole_and_is_cleared(tmp_path):
    import pty

    rows = [f"Firm {i},99.99Q,69007" for i in range(3)]
    rows += [f"Firm {i},21.20Z,{69001 + i % 9}" for i in range(20_000)]
    path = register(tmp_path, rows)
    out = tmp_path / "out.csv"
    master, slave = pty.openpty()
    exe = Path(sys.executable).with_name("clusterctl")
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    with out.open("w") as stdout:
        proc = subprocess.Popen(
            [str(exe), "match", "--batch", str(path), "-f", "csv", "--jobs", "1"],
            stdout=stdout,
            stderr=slave,
            env=env,
        )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the other side closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=60) == 0
    raw = b"".join(chunks).decode()
    assert "rows/s" in raw  # the progress line was drawn
    assert re.search(r"rows/s, \d+%", raw)  # with the share of the file read
    screen = [line for line in _screen(raw) if line]
    assert not any("rows/s" in line for line in screen)  # and cleared
    warnings = [line for line in screen if "warning:" in line and "99.99Q" in line]
    assert len(warnings) == 3
    assert all(line.startswith(f"{path}:") for line in warnings)
    assert "20,003 rows read" in screen[-1]
    assert out.read_text().count("\n") > 20_000


def test_rejects_in_a_folder_that_does_not_exist_is_refused_before_reading(
    runner, tmp_path
):
    path = register(tmp_path, ["Acme,21.20Z,69007"])
    result = run(runner, path, "--rejects", tmp_path / "no" / "bad.csv", "-f", "csv")
    assert result.exit_code == 2
    assert "--rejects" in result.stderr
    assert result.stdout == ""


def test_a_company_scores_the_same_whatever_rows_come_before(runner, tmp_path):
    """A département and a region alone place two companies differently (a
    point to measure from, or none): neither takes the other's score."""
    rows = [
        "name,sectors,department,region",
        "A,aerospace,31,",
        "B,aerospace,,Occitanie",
    ]
    forward = tmp_path / "f.csv"
    forward.write_text("\n".join(rows) + "\n")
    backward = tmp_path / "b.csv"
    backward.write_text("\n".join([rows[0], rows[2], rows[1]]) + "\n")

    def scores(path: Path) -> dict[str, tuple[str, str]]:
        out = run(runner, path, "-f", "csv", "--top", "1").stdout.splitlines()[1:]
        return {c[3]: (c[7], c[10]) for c in (line.split(",") for line in out)}

    assert scores(forward) == scores(backward)
    assert scores(forward)["A"] != scores(forward)["B"]


def test_a_column_named_twice_is_refused(runner, tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("name,naf,city,naf\nA,30.30Z,Toulouse,21.10Z\n")
    result = run(runner, path, "-f", "csv")
    assert result.exit_code == 2
    assert f"{path}:1: columns 2 and 4 are both 'naf'" in result.stderr
    assert result.stdout == ""


def test_a_damaged_gzip_is_an_input_error_on_every_path(runner, tmp_path):
    import gzip

    rows = "".join(f"Firm {i},21.20Z,{69001 + i % 9}\n" for i in range(5000))
    whole = gzip.compress((HEADER + "\n" + rows).encode())
    path = tmp_path / "damaged.csv"  # compressed, whatever its name says
    path.write_bytes(whole[: len(whole) // 2])
    results = [run(runner, path, "-f", "csv", "--jobs", n) for n in ("1", "2")]
    for result in results:
        assert result.exit_code == 2
        assert result.stderr.splitlines()[-1].startswith(
            f"clusterctl: error: {path}: cannot read:"
        )
        assert "Traceback" not in result.stderr
    assert results[0].stdout == results[1].stdout


def test_no_company_with_a_match_is_no_result(runner, tmp_path):
    path = register(tmp_path, ["Acme,21.20Z,69007"])
    assert run(runner, path, "-f", "csv").exit_code == 0
    none_left = run(runner, path, "-f", "csv", "--min-score", "99")
    assert none_left.exit_code == 1
    assert none_left.stdout.splitlines()[1].startswith("2,,,Acme,,")
    assert run(runner, register(tmp_path, [], "empty.csv"), "-f", "csv").exit_code == 1


def test_a_list_of_more_than_100_items_is_refused_as_in_a_profile(runner, tmp_path):
    path = tmp_path / "long.csv"
    words = ";".join(f"s{i}" for i in range(101))
    path.write_text(f"name,sectors\nA,{words}\nB,biotech\n")
    result = run(runner, path, "-f", "csv", "--top", "1")
    assert result.exit_code == 2
    assert f"{path}:2: rejected: sectors" in result.stderr
    assert ",B," in result.stdout
