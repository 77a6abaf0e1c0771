"""Where the bundled data files live, in a wheel and in a source checkout.

With hatchling the repository's `data/` folder is copied into the wheel as
`clusterctl/data/`; an editable install or a plain checkout has it at the
repository root instead. Everything that opens a bundled file asks here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def data_dir() -> Path:
    """The folder holding the bundled data files."""
    packaged = Path(__file__).parent / "data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "data"


def data_file(name: str) -> Path:
    return data_dir() / name
