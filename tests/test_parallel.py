"""`match --batch --jobs N` gives byte for byte what `--jobs 1` gives, for any
register, and its workers never outlive the run."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from clusterctl.cli import app, batchpool
from conftest import PLAIN_ENV, clusterctl_command, plain_env
from registers_gen import register

pytestmark = pytest.mark.skipif(
    not batchpool.can_fork(), reason="worker processes need fork"
)


def run(path: Path, jobs: str, fmt: str) -> tuple[int, str, str, bytes]:
    """Exit code, stdout, stderr and rejects file of one batch run."""
    rejects = path.with_suffix(f".rejects{jobs}")
    result = CliRunner(env=PLAIN_ENV).invoke(
        app,
        [
            "match",
            "--batch",
            str(path),
            "-f",
            fmt,
            "--top",
            "2",
            "--jobs",
            jobs,
            "--rejects",
            str(rejects),
        ],
    )
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr, rejects.read_bytes()


def same_in_parallel(text: str, fmt: str, block: int) -> None:
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as mp:
        mp.setattr(batchpool, "BLOCK_BYTES", block)
        mp.setattr(batchpool, "FIRST_BLOCK_BYTES", block)
        path = Path(folder) / "register.csv"
        path.write_bytes(text.encode("utf-8"))
        serial = run(path, "1", fmt)
        parallel = run(path, "2", fmt)
        assert parallel == serial


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    register(valid=False, max_rows=40),
    st.sampled_from(("csv", "ndjson", "json")),
    st.integers(1, 120),
)
def test_parallel_is_serial_for_any_register(text, fmt, block):
    """(c) Tiny blocks, so that blocks end at every kind of place: inside quoted
    fields, after stray quotes, between CR and LF..."""
    same_in_parallel(text, fmt, block)


def test_literal_quote_before_a_multi_line_field_in_parallel():
    rows = []
    for i in range(300):
        rows.append(f"Company {i},{100000000 + i},30.30Z,Toulouse\n")
        if i % 17 == 0:
            rows.append(f'Screen {i} 5" wide,{200000000 + i},26.20Z,Lyon\n')
        if i % 23 == 0:
            rows.append(f'"Multi\nline, {i}\n""name""",{300000000 + i},21.20Z,Lille\n')
    text = "name,siren,naf,city\n" + "".join(rows)
    for block in (7, 64, 1000):
        same_in_parallel(text, "csv", block)
    code, _out, err, rejects = run_once(text)
    assert code == 0, err
    assert rejects == b""


def run_once(text: str) -> tuple[int, str, str, bytes]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.csv"
        path.write_bytes(text.encode("utf-8"))
        return run(path, "2", "csv")


# ------------------------------------------------------------ worker hygiene
def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found.update(int(c) for c in (task / "children").read_text().split())
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead


@pytest.mark.skipif(
    not sys.platform.startswith("linux")
    or not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
    reason="needs Linux /proc",
)
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_no_worker_outlives_the_run(tmp_path, sig):
    """SIGTERM (or even SIGKILL) to a parallel run: its workers end and the
    output pipe closes, so `... | cat` ends."""
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(
            "siren,denominationUniteLegale,activitePrincipaleUniteLegale,"
            "codePostalEtablissement\n"
        )
        codes = ("30.30Z", "21.20Z", "62.01Z", "10.51C", "13.96Z")
        places = ("31000", "69007", "59000", "29200", "75013")
        for i in range(150_000):
            handle.write(
                f"{100000000 + i},Company {i},{codes[i % 5]},{places[i % 7 % 5]}\n"
            )
    proc = subprocess.Popen(
        [
            *clusterctl_command(),
            "match",
            "--batch",
            str(path),
            "--jobs",
            "2",
            "-f",
            "csv",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=plain_env(),
    )
    workers: set[int] = set()
    closed = threading.Event()

    def drain() -> None:  # as `| cat` would
        assert proc.stdout is not None
        while proc.stdout.read(1 << 16):
            pass
        closed.set()

    threading.Thread(target=drain, daemon=True).start()
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline:
            assert proc.poll() is None, "the run ended before its workers started"
            workers = _children(proc.pid)
            time.sleep(0.05)
        assert len(workers) >= 2
        proc.send_signal(sig)
        start = time.monotonic()
        assert closed.wait(10), "the pipe stays open"
        proc.wait(timeout=10)
        while any(_alive(w) for w in workers):
            assert time.monotonic() - start < 10, "a worker outlived the run"
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
