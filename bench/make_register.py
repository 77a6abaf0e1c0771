"""Generate a synthetic register of French companies (standard library only).

    python bench/make_register.py --rows 100000 --style sirene --seed 42 -o FILE

The same two layouts as the shared `make-companies` tool, which `run.py` prefers
when it is present:

  --style sirene   siren, denominationUniteLegale, activitePrincipaleUniteLegale,
                   codePostalEtablissement, libelleCommuneEtablissement,
                   categorieEntreprise, trancheEffectifsUniteLegale
  --style simple   name, description, sectors, naf, postal_code, city, size

NAF codes are the real NAF rev. 2 sub-classes of data/naf-rev2.csv (divisions
that clusters care about weigh more); postal codes and communes are real ones,
read from the commune gazetteer data/communes.tsv.gz (communes of 2,000
inhabitants or more). Company names and descriptions are invented. Output is
deterministic for a given --seed, and a smaller --rows gives a prefix of a larger one.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import random
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
SIRENE_COLUMNS = (
    "siren",
    "denominationUniteLegale",
    "activitePrincipaleUniteLegale",
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
    "categorieEntreprise",
    "trancheEffectifsUniteLegale",
)
SIMPLE_COLUMNS = (
    "name",
    "description",
    "sectors",
    "naf",
    "postal_code",
    "city",
    "size",
)
MIN_POPULATION = 2000

#: NAF divisions weighted up (others weigh 0.3): industry, energy, digital, R&D.
DIVISION_WEIGHTS = {
    "10": 3, "11": 1, "13": 2, "16": 2, "20": 4, "21": 4, "22": 2, "24": 1,
    "25": 3, "26": 5, "27": 3, "28": 4, "29": 3, "30": 4, "32": 3, "33": 2,
    "35": 3, "38": 2, "42": 1, "49": 1, "52": 2, "58": 2, "61": 2, "62": 8,
    "63": 3, "71": 4, "72": 6, "86": 1,
}  # fmt: skip
#: Sector word (as a company would write it) -> activities for descriptions.
TOPICS = {
    "aeronautics": ("aircraft interiors", "satellite antennas", "flight software"),
    "biotech": ("cell therapies", "diagnostic kits", "monoclonal antibodies"),
    "software": ("machine learning", "industrial cybersecurity", "data platforms"),
    "energy": ("green hydrogen", "battery packs", "heat pumps", "solar inverters"),
    "food": ("plant-based proteins", "dairy processing", "precision agriculture"),
    "transport": ("electric buses", "railway signalling", "last-mile logistics"),
    "chemistry": ("bio-based polymers", "composite materials", "coatings"),
    "marine": ("underwater robots", "floating wind turbines", "shellfish farming"),
    "textiles": ("technical fabrics", "smart clothing", "recycled fibres"),
    "health": ("connected medical devices", "telemedicine", "surgical robots"),
}
VERBS = ("designs", "makes", "develops", "sells", "services", "builds")
SYLLABLES = ("al", "bor", "cy", "da", "el", "fi", "ga", "hel", "io", "ka", "lu", "mo",
             "nex", "or", "pa", "qu", "ri", "sy", "ta", "ve", "xo", "zen")  # fmt: skip
FORMS = ("SAS", "SA", "SARL", "Technologies", "Industries", "Systems", "Labs", "")
#: (categorieEntreprise, size word, trancheEffectifsUniteLegale)
SIZES = (
    ("PME", "startup", "02"),
    ("PME", "sme", "11"),
    ("PME", "sme", "21"),
    ("ETI", "midcap", "32"),
    ("ETI", "midcap", "41"),
    ("GE", "large", "52"),
)


def naf_codes() -> tuple[list[str], list[float]]:
    with open(DATA / "naf-rev2.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["code"] for r in rows], [
        DIVISION_WEIGHTS.get(r["division"], 0.3) for r in rows
    ]


def communes() -> list[tuple[str, str]]:
    """(postal code, commune name) of the gazetteer's larger communes."""
    text = gzip.decompress((DATA / "communes.tsv.gz").read_bytes()).decode("utf-8")
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("#rows "))
    count = int(lines[start].split()[1])
    out = []
    for line in lines[start + 1 : start + 1 + count]:
        _insee, name, kind, postal, _lat, _lon, population, *_ = line.split("\t")
        if kind == "c" and postal and population and int(population) >= MIN_POPULATION:
            out.append((postal.split()[0], name))
    return out


def company_name(rng: random.Random) -> str:
    stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
    return f"{stem.capitalize()} {rng.choice(FORMS)}".strip()


def write(rows: int, style: str, seed: int, out: object) -> None:
    rng = random.Random(seed)
    codes, weights = naf_codes()
    places = communes()
    topics = list(TOPICS)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SIRENE_COLUMNS if style == "sirene" else SIMPLE_COLUMNS)
    for i in range(rows):
        naf = rng.choices(codes, weights)[0]
        postal_code, city = rng.choice(places)
        category, size, band = rng.choice(SIZES)
        name = company_name(rng)
        if style == "sirene":
            siren = f"{300000000 + i * 7:09d}"
            writer.writerow((siren, name.upper(), naf, postal_code, city.upper(),
                             category, band))  # fmt: skip
            continue
        sector = rng.choice(topics)
        first, second = rng.sample(TOPICS[sector], 2)
        description = f"{name} {rng.choice(VERBS)} {first} and {second}."
        writer.writerow((name, description, sector, naf, postal_code, city, size))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--style", choices=("sirene", "simple"), default="sirene")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("-o", "--output", help="file to write (default: stdout)")
    args = parser.parse_args()
    if args.output:
        with open(args.output, "w", newline="", encoding="utf-8") as f:
            write(args.rows, args.style, args.seed, f)
    else:
        write(args.rows, args.style, args.seed, sys.stdout)


if __name__ == "__main__":
    main()
