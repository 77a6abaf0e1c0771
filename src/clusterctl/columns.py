"""The flat views of match records: the CSV/TSV columns of a single match row
and of a batch row, in one place so that the two stay in step."""

from __future__ import annotations

from .scoring import CRITERIA

#: Columns of a match row (`clusterctl match -f csv`).
MATCH_COLUMNS = (
    "rank",
    "id",
    "name",
    "score",
    "sector_eligible",
    "location_eligible",
    "distance_km",
    "region_relation",
    "label_status",
    "label_note",
    *(f"{c}_score" for c in CRITERIA),
    "reasons",
)

#: Columns of a batch row: the company's line and identifiers, then those of a
#: match row up to the cluster's label state (its note is in the JSON record).
BATCH_COLUMNS = (
    "line",
    "siren",
    "siret",
    "company",
    *MATCH_COLUMNS[: MATCH_COLUMNS.index("label_status") + 1],
)

#: What --explain adds to a batch row: each criterion's score and the reasons.
EXPLAIN_COLUMNS = (*(f"{c}_score" for c in CRITERIA), "reasons")
