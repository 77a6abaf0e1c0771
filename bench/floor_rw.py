"""The read-and-write floor of batch matching.

    python bench/floor_rw.py REGISTER.csv > /dev/null

Reads a register with the csv module and writes three output rows per input row
(as many columns as `clusterctl match --batch --format csv`) with csv.writer,
and does nothing else: no batch run can be faster than this in Python.
"""

import csv
import sys

COLUMNS = (
    "line",
    "siren",
    "siret",
    "company",
    "rank",
    "id",
    "name",
    "score",
    "sector_eligible",
    "location_eligible",
    "distance_km",
    "region_relation",
)


def main(path: str) -> None:
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(COLUMNS)
    with open(path, newline="", encoding="utf-8", errors="surrogateescape") as f:
        reader = csv.reader(f)
        next(reader, None)
        for line, row in enumerate(reader, 2):
            first = row[0] if row else ""
            second = row[1] if len(row) > 1 else ""
            for rank in ("1", "2", "3"):
                out.writerow(
                    (
                        line,
                        first,
                        "",
                        second,
                        rank,
                        "cluster-id",
                        "Cluster name",
                        "50.00",
                        "true",
                        "true",
                        "123.4",
                        "same",
                    )
                )


if __name__ == "__main__":
    main(sys.argv[1])
