"""The tables batch matching keeps: criterion vectors per distinct value, the
output cells of each site, and blocks of rows held column by column.

Everything here is bounded: `VectorTable` and the caches of resolved values
are emptied together (see `BatchMatcher.bound_memory`) once they pass their
limit, whatever the size of the register.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from clusterctl.profiles import Company

    from .rows import Parts

#: Rows scored together (and the size of a block of output).
CHUNK = 4096
#: Distinct values a criterion table holds before all tables start again.
TABLE_LIMIT = 50_000
#: Memoised explanations (--explain) kept before they are forgotten.
EXPLAIN_LIMIT = 100_000


class VectorTable:
    """Distinct value -> row of a matrix of criterion scores over all clusters.

    Rows are written into a numpy array that doubles when full (up to about
    twice TABLE_LIMIT rows, since the tables are emptied past it)."""

    def __init__(self, width: int) -> None:
        import numpy as np

        self.width = width
        self.index: dict[Hashable, int] = {}
        self.extra: list[GeoCells | None] = []
        self.data = np.zeros((256, width), dtype=np.float64)

    def __len__(self) -> int:
        return len(self.extra)

    def get(self, key: Hashable) -> int | None:
        return self.index.get(key)

    def add(self, key: Hashable, row: list[float], extra: GeoCells | None) -> int:
        import numpy as np

        n = len(self.extra)
        if n == len(self.data):
            grown = np.zeros((2 * n, self.width), dtype=np.float64)
            grown[:n] = self.data
            self.data = grown
        self.data[n] = row
        self.index[key] = n
        self.extra.append(extra)
        return n

    def matrix(self) -> npt.NDArray[np.float64]:
        return self.data[: len(self.extra)]

    def clear(self) -> None:
        self.index.clear()
        self.extra.clear()


class GeoCells:
    """The output cells of one site (or set of sites) for every cluster:
    distance, region relation, location eligibility, and CSV/TSV line endings.
    Text is formatted when printed: a block prints only a few clusters per site,
    and nothing kept per printed cell can grow with the register."""

    __slots__ = ("eligible", "km_values", "names", "post", "pre")

    def __init__(
        self,
        km_values: list[float],
        names: list[str],
        eligible: list[str],
        pre: dict[str, list[str]],
        post: dict[str, list[str]],
    ) -> None:
        self.km_values, self.names, self.eligible = km_values, names, eligible
        self.pre, self.post = pre, post

    def km(self, k: int) -> str:
        """Distance to cluster k's HQ as printed ("" when unknown)."""
        value = self.km_values[k]
        return "" if value != value else "%.1f" % value  # noqa: UP031

    def tail(self, sep: str, k: int) -> str:
        """The last three cells of a CSV (sep ",") or TSV line, and its newline.
        Built each time rather than kept: memory must not grow with the rows."""
        return self.pre[sep][k] + self.km(k) + self.post[sep][k]


class RegionCells:
    """For a site's region, per cluster: the region score and the output cells
    that depend on the region only (relation, location eligibility), with the
    cluster's label state, which ends each CSV/TSV line."""

    def __init__(
        self, values: npt.NDArray[np.float64], names: list[str], labels: list[str]
    ) -> None:
        from clusterctl.reasons import location_eligible

        self.values = values
        self.names = names
        self.eligible = ["true" if location_eligible(r) else "false" for r in names]
        self.pre = {sep: [f"{sep}{e}{sep}" for e in self.eligible] for sep in ",\t"}
        # the relation, then the cluster's label state: the last cells of a line
        self.post = {
            sep: [f"{sep}{r}{sep}{x}\n" for r, x in zip(names, labels, strict=True)]
            for sep in ",\t"
        }


class Block:
    """A chunk of rows held column by column, so the hot path creates no object
    per row. After `BatchMatcher.score`, `order`, `score` and `criteria` hold
    each row's best clusters, best first."""

    def __init__(self) -> None:
        self.lines: list[int] = []
        self.names: list[str] = []
        self.sirens: list[str] = []
        self.sirets: list[str] = []
        self.idx: list[tuple[int, int, int, int]] = []  # sector, naf, geo, member rows
        self.text: dict[int, list[float]] = {}  # row -> text criterion per cluster
        self.has_sector: list[bool] = []  # a sector word or NAF code was given
        #: the resolved company, or the parts it is put together from on demand
        self.sources: list[Company | Parts] = []
        self.order: Any = None  # numpy arrays, set by `BatchMatcher.score`
        self.score: Any = None
        self.criteria: dict[str, Any] = {}
        #: where member_type's weight was shared out (None: nowhere)
        self.shared: Any = None
        self.prepared: dict[str, Any] | None = None  # output values, in bulk

    def __len__(self) -> int:
        return len(self.lines)
