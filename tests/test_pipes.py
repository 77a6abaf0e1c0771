"""The installed command in real pipes: exit codes, closed stdout, colours."""

from __future__ import annotations

import subprocess

from conftest import EXAMPLES, SMALL, clusterctl_command, plain_env


def run(*args: str, **kwargs):
    return subprocess.run(
        [*clusterctl_command(), *args],
        capture_output=True,
        env=plain_env(),
        timeout=60,
        **kwargs,
    )


def test_closed_stdout_ends_quietly():
    cmd = [*clusterctl_command(), "list", "--format", "ndjson"]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=plain_env()
    )
    first = proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    stderr = proc.stderr.read()
    proc.wait(timeout=60)
    assert first.startswith(b"{")
    assert b"Traceback" not in stderr
    assert b"Error" not in stderr


def test_no_color_means_no_escape_codes():
    result = run("list", "--format", "table", "--data", SMALL)
    assert result.returncode == 0
    assert b"\x1b[" not in result.stdout
    assert "Lyonbiopôle".encode() in result.stdout


def test_pipe_default_is_tsv():
    result = run("list", "--data", SMALL)
    assert result.stdout.startswith(b"id\tname\tstatus\t")


def test_exit_codes():
    assert run("list", "--data", SMALL).returncode == 0
    assert run("list", "--data", SMALL, "--sector", "hydrogen").returncode == 1
    assert run("list", "--data", SMALL, "--sector", "nonsense-words").returncode == 2
    assert run("show", "nothing-like-this", "--data", SMALL).returncode == 1
    assert run("list", "--no-such-option").returncode == 2


def test_broken_dataset_from_environment(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "dataset: {version: '1', date: 2026-01-01}\nclusters:\n"
        "  - id: x\n    name: X\n    regions: [Nowhere]\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [*clusterctl_command(), "list"],
        capture_output=True,
        text=True,
        env=plain_env(CLUSTERCTL_DATA=str(broken)),
    )
    assert result.returncode == 2
    assert f"{broken}:3:" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_match_example_end_to_end():
    result = run(
        "match", str(EXAMPLES / "drone-maker-toulouse.yaml"), "-f", "json", text=True
    )
    assert result.returncode == 0
    assert '"aerospace-valley"' in result.stdout.split('"matches"')[1][:400]
