"""Throughput of the reference scorer: one company, one cluster at a time.

    python bench/reference.py REGISTER.csv [--sample 2000]

Turns each CSV row (SIRENE or simple layout, told by the header) into a profile
dict, then times, row after row, exactly what a single `clusterctl match` does
for one company: `Profile.model_validate`, `resolve_profile` and
`Matcher(dataset).match`. Loading the dataset, building the matcher and a short
warm-up (which reads the gazetteer) are left out. Prints one JSON object with
the rows scored and the seconds they took.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from typing import Any

WARM_UP = 20
CATEGORY_SIZES = {"PME": "sme", "ETI": "midcap", "GE": "large"}


def profile_fields(row: dict[str, str]) -> dict[str, Any]:
    """A register row as the fields of a profile (`clusterctl match` input)."""
    if "denominationUniteLegale" in row:
        fields: dict[str, Any] = {
            "name": row["denominationUniteLegale"],
            "siren": row["siren"],
            "naf": row["activitePrincipaleUniteLegale"],
            "location": {
                "postal_code": row["codePostalEtablissement"],
                "city": row["libelleCommuneEtablissement"],
            },
        }
        size = CATEGORY_SIZES.get(row.get("categorieEntreprise", ""))
    else:
        fields = {
            "name": row["name"],
            "description": row["description"],
            "sectors": [s for s in row["sectors"].split(";") if s],
            "naf": row["naf"],
            "location": {"postal_code": row["postal_code"], "city": row["city"]},
        }
        size = row.get("size") or None
    if size:
        fields["size"] = size
    return fields


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("register")
    parser.add_argument("--sample", type=int, default=2000)
    args = parser.parse_args()

    from pydantic import ValidationError

    from clusterctl.dataset import load_dataset
    from clusterctl.matching import Matcher
    from clusterctl.models import Profile
    from clusterctl.profiles import resolve_profile

    with open(args.register, newline="", encoding="utf-8") as f:
        rows = []
        for row in csv.DictReader(f):
            rows.append(profile_fields(row))
            if len(rows) >= WARM_UP + args.sample:
                break
    matcher = Matcher(load_dataset())
    for fields in rows[:WARM_UP]:
        matcher.match(resolve_profile(Profile.model_validate(fields)))
    sample = rows[WARM_UP:]
    scored = invalid = 0
    start = time.perf_counter()
    for fields in sample:
        try:
            profile = Profile.model_validate(fields)
        except ValidationError:
            invalid += 1
            continue
        matcher.match(resolve_profile(profile))
        scored += 1
    seconds = time.perf_counter() - start
    print(json.dumps({"rows": len(sample), "scored": scored, "invalid": invalid,
                      "seconds": seconds}))  # fmt: skip


if __name__ == "__main__":
    main()
