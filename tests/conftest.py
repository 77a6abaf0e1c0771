"""Shared fixtures: a plain-environment CLI runner and a small test dataset."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

HERE = Path(__file__).parent
SMALL = str(HERE / "data" / "clusters.yaml")
REPO = HERE.parent
EXAMPLES = REPO / "examples"

PLAIN_ENV = {
    "FORCE_COLOR": None,
    "PY_COLORS": None,
    "GITHUB_ACTIONS": None,
    "TTY_COMPATIBLE": None,
    "NO_COLOR": "1",
    "TERM": "dumb",
    "COLUMNS": "100",
    "CLUSTERCTL_DATA": None,
    "CLUSTERCTL_TODAY": "2026-12-06",
    "CLUSTERCTL_LANG": "en",
}


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or write the user's cache (subprocesses inherit this)."""
    os.environ["CLUSTERCTL_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    # Tests read English messages unless they choose French themselves.
    os.environ["CLUSTERCTL_LANG"] = "en"
    os.environ.pop("CLUSTERCTL_DATA", None)
    # Label states are judged on a fixed day, in-process as in subprocesses,
    # so that no test changes its answer at midnight.
    os.environ["CLUSTERCTL_TODAY"] = PLAIN_ENV["CLUSTERCTL_TODAY"] or ""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env=PLAIN_ENV)


@pytest.fixture
def small() -> str:
    """Path of the small test dataset (8 records copied from the bundled one)."""
    return SMALL


def clusterctl_command() -> list[str]:
    """The installed entry point when it sits beside this Python, else -m."""
    script = Path(sys.executable).parent / "clusterctl"
    return [str(script)] if script.exists() else [sys.executable, "-m", "clusterctl"]


def plain_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PLAIN_ENV}
    env.update({k: v for k, v in PLAIN_ENV.items() if v is not None})
    env.update(extra)
    return env
