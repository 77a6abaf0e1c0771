"""Loading datasets in a long-running process (a notebook, a service): what is
kept between calls is bounded and never stale."""

from __future__ import annotations

import os
from pathlib import Path

from clusterctl import dataset as dataset_module
from clusterctl.dataset import MAX_LOADED, load_dataset
from conftest import SMALL


def _copy(tmp_path: Path, name: str, new_id: str) -> Path:
    path = tmp_path / name
    text = Path(SMALL).read_text(encoding="utf-8").replace("id: techtera", new_id)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_loaded_dataset_is_reused_while_its_file_is_unchanged(tmp_path: Path) -> None:
    path = _copy(tmp_path, "d.yaml", "id: techtera-a")
    assert load_dataset(str(path)) is load_dataset(str(path))


def test_loading_many_datasets_keeps_a_bounded_number(tmp_path: Path) -> None:
    for i in range(MAX_LOADED + 3):
        path = _copy(tmp_path, f"d{i}.yaml", f"id: techtera-{i}")
        assert load_dataset(str(path)).get(f"techtera-{i}") is not None
        assert len(dataset_module._LOADED) <= MAX_LOADED


def test_a_file_replaced_with_the_same_size_and_mtime_is_read_again(
    tmp_path: Path,
) -> None:
    path = _copy(tmp_path, "d.yaml", "id: techtera-a")
    first = load_dataset(str(path))
    stat = path.stat()
    replacement = _copy(tmp_path, "new.yaml", "id: techtera-b")
    os.utime(replacement, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(replacement, path)
    assert path.stat().st_size == stat.st_size
    assert path.stat().st_mtime_ns == stat.st_mtime_ns
    second = load_dataset(str(path))
    assert second is not first
    assert second.get("techtera-b") is not None


def test_names_are_built_once(tmp_path: Path) -> None:
    loaded = load_dataset(SMALL)
    assert loaded.names is loaded.names
    assert loaded.names["lyonbiopole"] == ["lyonbiopole"]
