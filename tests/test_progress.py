"""The progress bar for long work: on a terminal only, rows, rate, and with a
known size (compressed input included) percent and time left; messages above
it, never cut by it; cleared at the end; no escape code under NO_COLOR."""

from __future__ import annotations

import gzip
import io
import os
import shutil
import subprocess
import sys
import time

import pytest

from clusterctl.cli.progress import RowProgress


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_nothing_is_drawn_when_stderr_is_not_a_terminal():
    stream = io.StringIO()
    with RowProgress(total=100, position=lambda: 50, stream=stream) as progress:
        progress.advance(10)
        progress.stderr.write("x.csv:2: warning: bad postal code\n")
    assert stream.getvalue() == "x.csv:2: warning: bad postal code\n"
    assert progress.stderr is stream


def test_the_line_counts_rows_rate_share_and_time_left(monkeypatch):
    clock = iter([100.0, 100.0, 104.0, 104.0, 104.0, 104.0, 104.0, 104.0])
    monkeypatch.setattr("clusterctl.cli.progress.time.monotonic", lambda: next(clock))
    progress = RowProgress(total=1000, position=lambda: 250, enabled=False)
    progress.advance(12_000)
    assert progress.text() == "matching: 12,000 rows, 3,000 rows/s, 25%, 0:12 left"
    unknown = RowProgress(enabled=False)  # stdin: no size, no share
    unknown.advance(5)
    assert "%" not in unknown.text()
    assert "left" not in unknown.text()


def test_compressed_input_is_measured_by_compressed_bytes(tmp_path):
    path = tmp_path / "register.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for i in range(20_000):
            out.write(f"{i},row {i}\n")
    size = path.stat().st_size
    with open(path, "rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
        progress = RowProgress(total=size, position=raw.tell, enabled=False)
        shares = []
        for n, _ in enumerate(text, 1):
            if n % 5000 == 0:
                shares.append(progress.fraction())
        shares.append(progress.fraction())
    assert shares == sorted(shares)
    assert 0 < shares[0] < 1
    assert shares[-1] == 1.0


def drawn(monkeypatch, **env):
    """What the bar writes to a terminal around two messages, under `env`."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    stream = Terminal()
    with RowProgress(
        total=10, position=lambda: 5, stream=stream, output=io.StringIO()
    ) as progress:
        progress.advance(3)
        progress.stderr.write("r.csv:4: warning: unknown NAF code ")
        progress.stderr.write("'99.99Z'\n")
    return stream.getvalue()


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_plain_terminals_get_carriage_returns_only(monkeypatch, env):
    output = drawn(monkeypatch, **env)
    assert "\x1b" not in output
    assert "matching: 3 rows" in output
    # what the screen shows at the end: the warning, whole; the bar erased
    assert screen(output) == ["r.csv:4: warning: unknown NAF code '99.99Z'", ""]


def screen(output):
    """The lines a terminal shows after `output` (carriage returns rewrite)."""
    lines, column = [[]], 0
    for char in output:
        if char == "\r":
            column = 0
        elif char == "\n":
            lines.append([])
            column = 0
        else:
            line = lines[-1]
            line.extend(" " * (column + 1 - len(line)))
            line[column] = char
            column += 1
    return ["".join(line).rstrip() for line in lines]


def test_a_terminal_gets_rich_with_messages_whole(monkeypatch):
    output = drawn(monkeypatch)
    assert "matching: 3 rows" in output
    assert "r.csv:4: warning: unknown NAF code '99.99Z'\n" in output
    assert "\x1b[2K" in output[-40:]  # the bar's line erased at the end


def test_no_bar_when_the_results_go_to_the_terminal():
    stream = Terminal()
    with RowProgress(total=10, stream=stream, output=Terminal()) as progress:
        progress.advance(7)
        progress.stderr.write("r.csv:9: warning: ambiguous city\n")
    assert stream.getvalue() == "r.csv:9: warning: ambiguous city\n"


def test_importing_the_progress_module_loads_no_rich():
    code = "import clusterctl.cli.progress, sys; print(*sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert not [m for m in loaded if m.startswith("rich")]


DEMO = """
import sys, time
from clusterctl.cli.progress import RowProgress
done = [0]
with RowProgress(total=40, position=lambda: done[0]) as progress:
    for i in range(1, 41):
        done[0] = i
        progress.advance(1)
        if i % 10 == 0:
            progress.stderr.write(f"in.csv:{i}: warning: row {i} is odd\\n")
        time.sleep(0.05)
print("done")
"""


@pytest.mark.skipif(not shutil.which("tmux"), reason="needs tmux")
def test_on_a_real_terminal_the_screen_keeps_only_the_messages(tmp_path):
    script = tmp_path / "demo.py"
    script.write_text(DEMO, encoding="utf-8")
    session = f"clusterctl-progress-{os.getpid()}"
    out = tmp_path / "out"
    command = f"{sys.executable} {script} > {out}; cat {out}; echo FINISHED"
    subprocess.run(
        [
            "tmux",
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            "100",
            "-y",
            "20",
            command + "; sleep 30",
        ],
        check=True,
    )
    try:
        screen = ""
        for _ in range(120):
            time.sleep(0.25)
            screen = subprocess.run(
                ["tmux", "capture-pane", "-t", session, "-p"],
                capture_output=True,
                text=True,
            ).stdout
            if "FINISHED" in screen:
                break
        lines = [line.rstrip() for line in screen.splitlines() if line.strip()]
        assert lines == [
            *(f"in.csv:{i}: warning: row {i} is odd" for i in (10, 20, 30, 40)),
            "done",
            "FINISHED",
        ]
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)
