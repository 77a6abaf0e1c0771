"""clusterctl: explore France's innovation clusters and match companies to them.

The library is importable without cost: `load_dataset`, `match` and
`match_many` are loaded on first use (see `clusterctl.api`).
"""

from __future__ import annotations

from typing import Any

__all__ = ["load_dataset", "match", "match_many", "matcher"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'clusterctl' has no attribute {name!r}")
