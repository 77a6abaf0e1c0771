"""Batch matching: many companies against every cluster, fast and streaming.

`rows` checks and resolves register rows by the rules of profiles, `score`
scores blocks of them with numpy, `record` builds what is said of each
company, `tables` holds the bounded tables they share.
"""

from clusterctl.columns import BATCH_COLUMNS, EXPLAIN_COLUMNS

from .record import batch_record, prepared, record_cells
from .rows import PART_LIMIT, Pair, RowRejected, profile_fields
from .score import BatchMatcher
from .tables import CHUNK, EXPLAIN_LIMIT, TABLE_LIMIT, Block, GeoCells, VectorTable

__all__ = [
    "BATCH_COLUMNS",
    "CHUNK",
    "EXPLAIN_COLUMNS",
    "EXPLAIN_LIMIT",
    "PART_LIMIT",
    "TABLE_LIMIT",
    "BatchMatcher",
    "Block",
    "GeoCells",
    "Pair",
    "RowRejected",
    "VectorTable",
    "batch_record",
    "prepared",
    "profile_fields",
    "record_cells",
]
