"""The batch record: what a batch says of one company, built here once.

`batch_record` gives the object `clusterctl match --batch -f ndjson` prints
for a row and `clusterctl.match_many` yields: the row's line, the company as
resolved, its matches (best first, down to the minimum score) and its warnings
with their codes. CSV, TSV and table output are views of it (`record_cells`):
one line per match, or, for a company with no match left, one line with its
line number and identity and empty match cells, so that every company appears
in every format.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from clusterctl.columns import BATCH_COLUMNS, EXPLAIN_COLUMNS
from clusterctl.formats import cell
from clusterctl.scoring import CRITERIA

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from clusterctl.profiles import Company

    from .score import BatchMatcher
    from .tables import Block


def batch_record(
    bm: BatchMatcher, block: Block, i: int, *, explain: bool, min_score: float
) -> dict[str, Any]:
    """The record of row `i` of a scored block."""
    company = bm.company(block, i)
    if explain:
        matches = explained_matches(bm, block, i, company, min_score)
    else:
        matches = light_matches(bm, block, i, min_score)
    return company_part(block.lines[i], company, matches)


def company_part(
    line: int, company: Company, matches: list[dict[str, Any]]
) -> dict[str, Any]:
    from clusterctl.matching import company_record

    return {
        "line": line,
        "company": company_record(company),
        "matches": matches,
        "warnings": [{"code": w.code, "text": w.text} for w in company.warnings],
    }


def explained_matches(
    bm: BatchMatcher, block: Block, i: int, company: Company, min_score: float
) -> list[dict[str, Any]]:
    """Matches as `clusterctl match` gives them: breakdown with what matched,
    eligibility with its reasons, and the reasons."""
    from clusterctl.matching import match_record

    m = bm.m
    out = []
    ranked = zip(block.order[i].tolist(), block.score[i].tolist(), strict=True)
    for rank, (k, score) in enumerate(ranked, 1):
        if score < min_score:
            break
        match = bm.explain(block, i, k)
        out.append(match_record(match, rank, company, m.weights, m.taxonomy))
    return out


def light_matches(
    bm: BatchMatcher, block: Block, i: int, min_score: float
) -> list[dict[str, Any]]:
    """Matches with the full numeric breakdown, straight from the scores."""
    from clusterctl.reasons import location_eligible

    prep = prepared(bm, block)
    clusters, labels = bm.m.clusters, bm.m.labels
    cells = bm.tables["geo"].extra[block.idx[i][2]]
    crit, contrib = prep["crit"], prep["contrib"]
    has_sector = block.has_sector[i]
    out = []
    for r, k in enumerate(prep["order"][i]):
        if prep["raw"][i][r] < min_score:
            break
        rel = cells.names[k] if cells else None
        km = cells.km(k) if cells else ""
        weight = bm.m.weights if prep["weight"] is None else _at(prep["weight"], i, r)
        out.append(
            {
                "rank": r + 1,
                "id": clusters[k].id,
                "name": clusters[k].name,
                "status": clusters[k].status,
                "label_status": labels[k].status,
                "label_note": labels[k].note,
                "score": prep["score"][i][r],
                "eligibility": {
                    "sector": prep["sector_ok"][i][r] if has_sector else None,
                    "location": location_eligible(rel),
                },
                "distance_km": float(km) if km else None,
                "region_relation": rel,
                "breakdown": {
                    n: {
                        "score": crit[n][i][r],
                        "weight": round(weight[n], 4)
                        if prep["weight"] is None
                        else weight[n],
                        "contribution": contrib[n][i][r],
                    }
                    for n in CRITERIA
                },
            }
        )
    return out


def prepared(bm: BatchMatcher, block: Block) -> dict[str, Any]:
    """Per block: rounded scores and contributions for every row, in bulk."""
    from clusterctl.reasons import sector_eligible

    if block.prepared is None:
        crit = block.criteria
        used = used_weights(bm.m.weights, block.shared)
        block.prepared = {
            "order": block.order.tolist(),
            "raw": block.score.tolist(),
            "score": rounded(block.score, 2),
            "crit": {n: rounded(crit[n], 4) for n in CRITERIA},
            "contrib": {n: rounded(100 * used[n] * crit[n], 2) for n in CRITERIA},
            "weight": None
            if block.shared is None
            else {n: rounded(used[n], 4) for n in CRITERIA},
            "sector_ok": sector_eligible(crit["sector"], crit["naf"]).tolist(),
        }
    return block.prepared


def used_weights(weights: Mapping[str, float], shared: Any) -> dict[str, Any]:
    """Per criterion, the weight each (row, rank) was scored with, as
    `scoring.effective_weights` gives it: the matcher's, or, where member_type
    is shared out, 0 for it and the others' share of it."""
    if shared is None:
        return dict(weights)
    import numpy as np

    from clusterctl.scoring import effective_weights

    spread = effective_weights(weights, True)
    return {n: np.where(shared, spread[n], weights[n]) for n in CRITERIA}


def _at(table: Mapping[str, list[list[float]]], i: int, r: int) -> dict[str, float]:
    return {n: values[i][r] for n, values in table.items()}


def rounded(values: npt.NDArray[np.float64], digits: int) -> list[list[float]]:
    """numpy's rounding in bulk, with Python's round() where they could differ
    (values within a hair of a tie), so batch and single output agree."""
    import numpy as np

    scaled = values * 10**digits
    out: list[list[float]] = np.round(values, digits).tolist()
    near = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    for i, j in zip(*np.nonzero(near), strict=True):
        out[i][j] = round(float(values[i, j]), digits)
    return out


def record_cells(record: Mapping[str, Any], *, explain: bool) -> list[list[str]]:
    """The CSV/TSV/table rows of a record (columns BATCH_COLUMNS, and
    EXPLAIN_COLUMNS with `explain`): one per match, or one with empty match
    cells when no match is left."""
    company = record["company"]
    head = [
        str(record["line"]),
        company["siren"] or "",
        company["siret"] or "",
        company["name"] or "",
    ]
    width = len(BATCH_COLUMNS) - len(head) + (len(EXPLAIN_COLUMNS) if explain else 0)
    if not record["matches"]:
        return [head + [""] * width]
    rows = []
    for match in record["matches"]:
        eligibility = match["eligibility"]
        km = match["distance_km"]
        row = [
            *head,
            str(match["rank"]),
            match["id"],
            match["name"],
            "%.2f" % match["score"],  # noqa: UP031
            cell(_verdict(eligibility["sector"])),
            cell(_verdict(eligibility["location"])),
            "" if km is None else "%.1f" % km,  # noqa: UP031
            match["region_relation"] or "",
            match["label_status"],
        ]
        if explain:
            breakdown = match["breakdown"]
            row += ["%.4f" % breakdown[n]["score"] for n in CRITERIA]  # noqa: UP031
            row.append(cell([r["text"] for r in match["reasons"]]))
        rows.append(row)
    return rows


def _verdict(rule: bool | Mapping[str, Any] | None) -> bool | None:
    """An eligibility rule's verdict: light records give it, explained ones
    give it with its reason."""
    if isinstance(rule, Mapping):
        verdict: bool | None = rule["eligible"]
        return verdict
    return rule
