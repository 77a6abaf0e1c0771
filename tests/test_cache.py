"""The start-up cache is an optimisation that must never be trusted: planted
links, special files, corrupt or wrong-shaped payloads and replaced sources all
fall back to reading the source itself."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import zlib
from pathlib import Path

import pytest

from clusterctl import cache
from conftest import SMALL, clusterctl_command, plain_env


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("CLUSTERCTL_CACHE_DIR", str(where))
    monkeypatch.delenv("CLUSTERCTL_NO_CACHE", raising=False)
    return where


@pytest.fixture
def source(tmp_path) -> Path:
    path = tmp_path / "source.txt"
    path.write_text("alpha", encoding="utf-8")
    return path


def _count(calls: list[str], value: object):
    def build():
        calls.append("build")
        return value

    return build


def _cache_file(folder: Path) -> Path:
    (found,) = [p for p in folder.iterdir() if p.name.startswith("thing-")]
    return found


def test_second_read_comes_from_the_cache(folder, source):
    calls: list[str] = []
    assert cache.cached(str(source), "thing", _count(calls, [1, 2]), tuple) == (1, 2)
    assert cache.cached(str(source), "thing", _count(calls, [1, 2]), tuple) == (1, 2)
    assert calls == ["build"]


def test_same_size_and_mtime_but_new_content_misses(folder, source):
    calls: list[str] = []
    cache.cached(str(source), "thing", _count(calls, "old"), str)
    stat = source.stat()
    source.write_text("bravo", encoding="utf-8")  # same size
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert cache.cached(str(source), "thing", _count(calls, "new"), str) == "new"


def test_planted_symlink_at_the_cache_name_is_not_written_through(
    folder, source, tmp_path
):
    calls: list[str] = []
    cache.cached(str(source), "thing", _count(calls, "v"), str)
    path = _cache_file(folder)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    path.unlink()
    path.symlink_to(victim)
    assert cache.cached(str(source), "thing", _count(calls, "v"), str) == "v"
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not path.is_symlink()  # replaced by our own file


def test_predictable_temporary_names_are_not_used(folder, source, tmp_path):
    """A link planted at the old `<name>.<pid>.tmp` name is never opened."""
    calls: list[str] = []
    cache.cached(str(source), "thing", _count(calls, "v"), str)
    path = _cache_file(folder)
    path.unlink()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    path.with_suffix(f".{os.getpid()}.tmp").symlink_to(victim)
    cache.cached(str(source), "thing", _count(calls, "v"), str)
    assert victim.read_text(encoding="utf-8") == "precious"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_at_the_cache_name_does_not_hang(folder, source):
    calls: list[str] = []
    cache.cached(str(source), "thing", _count(calls, "v"), str)
    path = _cache_file(folder)
    path.unlink()
    os.mkfifo(path)
    result: list[str] = []
    worker = threading.Thread(
        target=lambda: result.append(
            cache.cached(str(source), "thing", _count(calls, "v"), str)
        ),
        daemon=True,
    )
    worker.start()
    worker.join(10)
    assert result == ["v"]


def test_device_at_the_cache_name_is_not_read(folder, source):
    calls: list[str] = []
    cache.cached(str(source), "thing", _count(calls, "v"), str)
    path = _cache_file(folder)
    path.unlink()
    path.symlink_to("/dev/zero")
    assert cache.cached(str(source), "thing", _count(calls, "v"), str) == "v"
    assert calls == ["build", "build"]


def test_oversized_cache_file_is_not_read(folder, source, monkeypatch):
    calls: list[str] = []
    cache.cached(str(source), "thing", _count(calls, "v" * 100), str)
    monkeypatch.setattr(cache, "MAX_BYTES", 50)
    cache.cached(str(source), "thing", _count(calls, "v" * 100), str)
    assert calls == ["build", "build"]


def _forge(path: Path, payload: object) -> None:
    """Rewrite a cache file with a well-formed payload and a matching checksum."""
    header = json.loads(path.read_bytes().partition(b"\n")[0])
    body = json.dumps(payload).encode("utf-8")
    header["crc"] = zlib.crc32(body)
    path.write_bytes(json.dumps(header).encode("utf-8") + b"\n" + body)


def test_wrong_shape_payload_is_rebuilt(folder, source):
    calls: list[str] = []

    def convert(value):
        return {"n": value["n"] + 1}

    cache.cached(str(source), "thing", _count(calls, {"n": 1}), convert)
    _forge(_cache_file(folder), ["not", "a", "mapping"])
    assert cache.cached(str(source), "thing", _count(calls, {"n": 1}), convert) == {
        "n": 2
    }
    assert calls == ["build", "build"]


def test_corrupt_payload_is_rebuilt(folder, source):
    calls: list[str] = []
    cache.cached(str(source), "thing", _count(calls, [1]), list)
    path = _cache_file(folder)
    path.write_bytes(path.read_bytes().replace(b"[1]", b"[2]"))
    assert cache.cached(str(source), "thing", _count(calls, [1]), list) == [1]


def test_cache_folder_writable_by_others_is_not_used(folder, source):
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    calls: list[str] = []
    cache.cached(str(source), "thing", _count(calls, "v"), str)
    cache.cached(str(source), "thing", _count(calls, "v"), str)
    assert calls == ["build", "build"]
    assert list(folder.iterdir()) == []


def _dataset_with(tmp_path: Path, new_id: str) -> str:
    return Path(SMALL).read_text(encoding="utf-8").replace("id: techtera", new_id)


def test_cli_sees_a_dataset_replaced_with_the_same_size_and_mtime(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(_dataset_with(tmp_path, "id: techtera-a"), encoding="utf-8")
    env = plain_env(CLUSTERCTL_CACHE_DIR=str(tmp_path / "c"))
    command = [*clusterctl_command(), "--data", str(path), "show", "-f", "json"]
    first = subprocess.run(
        [*command, "techtera-a"], env=env, capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr
    stat = path.stat()
    path.write_text(_dataset_with(tmp_path, "id: techtera-b"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    second = subprocess.run(
        [*command, "techtera-b"], env=env, capture_output=True, text=True
    )
    assert second.returncode == 0, second.stderr
