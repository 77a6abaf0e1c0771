"""Checks on the sector taxonomy, data/sectors.yaml.

The taxonomy is the vocabulary shared by cluster records, `list --sector` and the
company matcher, so its ids, tree, labels, synonyms and NAF codes are checked here
against fixed expectations. The set of valid NAF rév. 2 codes (INSEE, 732
sub-classes) is embedded below so that these tests need nothing outside the
repository.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECTORS_PATH = ROOT / "data" / "sectors.yaml"

# The 68 sector ids and their parents. Cluster records refer to these ids.
EXPECTED_PARENTS: dict[str, str | None] = {
    "aerospace": None,
    "aeronautics": "aerospace",
    "space": "aerospace",
    "drones": "aerospace",
    "defence-security": None,
    "digital": None,
    "software": "digital",
    "ai": "digital",
    "cybersecurity": "digital",
    "telecom": "digital",
    "quantum": "digital",
    "edtech": "digital",
    "electronics": None,
    "microelectronics": "electronics",
    "photonics": "electronics",
    "embedded-systems": "electronics",
    "creative-industries": None,
    "media": "creative-industries",
    "video-games": "creative-industries",
    "fintech": None,
    "health": None,
    "biotech": "health",
    "pharma": "health",
    "medtech": "health",
    "diagnostics": "health",
    "digital-health": "health",
    "agrifood": None,
    "agriculture": "agrifood",
    "food-industry": "agrifood",
    "nutrition": "agrifood",
    "fisheries-aquaculture": "agrifood",
    "equine": "agrifood",
    "cosmetics": None,
    "bioeconomy": None,
    "chemistry": None,
    "materials": None,
    "composites": "materials",
    "metallurgy": "materials",
    "plastics": "materials",
    "ceramics": "materials",
    "textiles": None,
    "wood-forestry": None,
    "manufacturing": None,
    "mechanical-engineering": "manufacturing",
    "robotics": "manufacturing",
    "additive-manufacturing": "manufacturing",
    "microtechnology": "manufacturing",
    "mobility": None,
    "automotive": "mobility",
    "rail": "mobility",
    "logistics": "mobility",
    "maritime": None,
    "shipbuilding": "maritime",
    "marine-renewables": "maritime",
    "energy": None,
    "renewable-energy": "energy",
    "hydrogen": "energy",
    "nuclear": "energy",
    "batteries": "energy",
    "smart-grids": "energy",
    "energy-efficiency": "energy",
    "geosciences": None,
    "water": None,
    "environment": None,
    "circular-economy": "environment",
    "construction": None,
    "infrastructure": "construction",
    "smart-city": "construction",
}

MAX_SYNONYMS_PER_LANGUAGE = 60
MIN_SYNONYMS_PER_LANGUAGE = 3

# Words too vague to signal a sector on their own.
GENERIC_WORDS = {
    "services",
    "service",
    "solutions",
    "solution",
    "systems",
    "system",
    "industry",
    "industrie",
    "products",
    "produits",
    "engineering",
    "ingenierie",
    "research",
    "recherche",
    "innovation",
    "technology",
    "technologie",
    "technologies",
    "tech",
    "it",
    "its",
    "mes",
    "car",
}

# Company wording seen in the wild -> the sector that must own it.
KNOWN_TERMS = [
    ("plasturgie", "plastics"),
    ("ductile iron pipes", "metallurgy"),
    ("green hydrogen", "hydrogen"),
    ("hydrogène vert", "hydrogen"),
    ("in vitro diagnostics", "diagnostics"),
    ("diagnostic in vitro", "diagnostics"),
    ("book publishing", "media"),
    ("fragrances", "cosmetics"),
    ("shipbuilding", "shipbuilding"),
    ("construction navale", "shipbuilding"),
    ("food supplements", "nutrition"),
    ("compléments alimentaires", "nutrition"),
    ("RF microwave", "electronics"),
    ("coal bed methane", "geosciences"),
    ("rockfall protection", "infrastructure"),
    ("equestrian equipment", "equine"),
    ("home automation", "smart-city"),
    ("domotique", "smart-city"),
    ("technical textiles", "textiles"),
    ("textiles techniques", "textiles"),
    ("décolletage", "mechanical-engineering"),
    ("fabrication additive", "additive-manufacturing"),
]

# NAF rév. 2 sub-classes (INSEE), one division per entry: "01: 11Z 12Z" stands
# for 01.11Z and 01.12Z. Groups and classes are derived from the sub-classes.
NAF_SUBCLASSES_BY_DIVISION = """\
01: 11Z 12Z 13Z 14Z 15Z 16Z 19Z 21Z 22Z 23Z 24Z 25Z 26Z 27Z 28Z 29Z 30Z
    41Z 42Z 43Z 44Z 45Z 46Z 47Z 49Z 50Z 61Z 62Z 63Z 64Z 70Z
02: 10Z 20Z 30Z 40Z
03: 11Z 12Z 21Z 22Z
05: 10Z 20Z
06: 10Z 20Z
07: 10Z 21Z 29Z
08: 11Z 12Z 91Z 92Z 93Z 99Z
09: 10Z 90Z
10: 11Z 12Z 13A 13B 20Z 31Z 32Z 39A 39B 41A 41B 42Z 51A 51B 51C 51D 52Z
    61A 61B 62Z 71A 71B 71C 71D 72Z 73Z 81Z 82Z 83Z 84Z 85Z 86Z 89Z 91Z
    92Z
11: 01Z 02A 02B 03Z 04Z 05Z 06Z 07A 07B
12: 00Z
13: 10Z 20Z 30Z 91Z 92Z 93Z 94Z 95Z 96Z 99Z
14: 11Z 12Z 13Z 14Z 19Z 20Z 31Z 39Z
15: 11Z 12Z 20Z
16: 10A 10B 21Z 22Z 23Z 24Z 29Z
17: 11Z 12Z 21A 21B 21C 22Z 23Z 24Z 29Z
18: 11Z 12Z 13Z 14Z 20Z
19: 10Z 20Z
20: 11Z 12Z 13A 13B 14Z 15Z 16Z 17Z 20Z 30Z 41Z 42Z 51Z 52Z 53Z 59Z 60Z
21: 10Z 20Z
22: 11Z 19Z 21Z 22Z 23Z 29A 29B
23: 11Z 12Z 13Z 14Z 19Z 20Z 31Z 32Z 41Z 42Z 43Z 44Z 49Z 51Z 52Z 61Z 62Z
    63Z 64Z 65Z 69Z 70Z 91Z 99Z
24: 10Z 20Z 31Z 32Z 33Z 34Z 41Z 42Z 43Z 44Z 45Z 46Z 51Z 52Z 53Z 54Z
25: 11Z 12Z 21Z 29Z 30Z 40Z 50A 50B 61Z 62A 62B 71Z 72Z 73A 73B 91Z 92Z
    93Z 94Z 99A 99B
26: 11Z 12Z 20Z 30Z 40Z 51A 51B 52Z 60Z 70Z 80Z
27: 11Z 12Z 20Z 31Z 32Z 33Z 40Z 51Z 52Z 90Z
28: 11Z 12Z 13Z 14Z 15Z 21Z 22Z 23Z 24Z 25Z 29A 29B 30Z 41Z 49Z 91Z 92Z
    93Z 94Z 95Z 96Z 99A 99B
29: 10Z 20Z 31Z 32Z
30: 11Z 12Z 20Z 30Z 40Z 91Z 92Z 99Z
31: 01Z 02Z 03Z 09A 09B
32: 11Z 12Z 13Z 20Z 30Z 40Z 50A 50B 91Z 99Z
33: 11Z 12Z 13Z 14Z 15Z 16Z 17Z 19Z 20A 20B 20C 20D
35: 11Z 12Z 13Z 14Z 21Z 22Z 23Z 30Z
36: 00Z
37: 00Z
38: 11Z 12Z 21Z 22Z 31Z 32Z
39: 00Z
41: 10A 10B 10C 10D 20A 20B
42: 11Z 12Z 13A 13B 21Z 22Z 91Z 99Z
43: 11Z 12A 12B 13Z 21A 21B 22A 22B 29A 29B 31Z 32A 32B 32C 33Z 34Z 39Z
    91A 91B 99A 99B 99C 99D 99E
45: 11Z 19Z 20A 20B 31Z 32Z 40Z
46: 11Z 12A 12B 13Z 14Z 15Z 16Z 17A 17B 18Z 19A 19B 21Z 22Z 23Z 24Z 31Z
    32A 32B 32C 33Z 34Z 35Z 36Z 37Z 38A 38B 39A 39B 41Z 42Z 43Z 44Z 45Z
    46Z 47Z 48Z 49Z 51Z 52Z 61Z 62Z 63Z 64Z 65Z 66Z 69A 69B 69C 71Z 72Z
    73A 73B 74A 74B 75Z 76Z 77Z 90Z
47: 11A 11B 11C 11D 11E 11F 19A 19B 21Z 22Z 23Z 24Z 25Z 26Z 29Z 30Z 41Z
    42Z 43Z 51Z 52A 52B 53Z 54Z 59A 59B 61Z 62Z 63Z 64Z 65Z 71Z 72A 72B
    73Z 74Z 75Z 76Z 77Z 78A 78B 78C 79Z 81Z 82Z 89Z 91A 91B 99A 99B
49: 10Z 20Z 31Z 32Z 39A 39B 39C 41A 41B 41C 42Z 50Z
50: 10Z 20Z 30Z 40Z
51: 10Z 21Z 22Z
52: 10A 10B 21Z 22Z 23Z 24A 24B 29A 29B
53: 10Z 20Z
55: 10Z 20Z 30Z 90Z
56: 10A 10B 10C 21Z 29A 29B 30Z
58: 11Z 12Z 13Z 14Z 19Z 21Z 29A 29B 29C
59: 11A 11B 11C 12Z 13A 13B 14Z 20Z
60: 10Z 20A 20B
61: 10Z 20Z 30Z 90Z
62: 01Z 02A 02B 03Z 09Z
63: 11Z 12Z 91Z 99Z
64: 11Z 19Z 20Z 30Z 91Z 92Z 99Z
65: 11Z 12Z 20Z 30Z
66: 11Z 12Z 19A 19B 21Z 22Z 29Z 30Z
68: 10Z 20A 20B 31Z 32A 32B
69: 10Z 20Z
70: 10Z 21Z 22Z
71: 11Z 12A 12B 20A 20B
72: 11Z 19Z 20Z
73: 11Z 12Z 20Z
74: 10Z 20Z 30Z 90A 90B
75: 00Z
77: 11A 11B 12Z 21Z 22Z 29Z 31Z 32Z 33Z 34Z 35Z 39Z 40Z
78: 10Z 20Z 30Z
79: 11Z 12Z 90Z
80: 10Z 20Z 30Z
81: 10Z 21Z 22Z 29A 29B 30Z
82: 11Z 19Z 20Z 30Z 91Z 92Z 99Z
84: 11Z 12Z 13Z 21Z 22Z 23Z 24Z 25Z 30A 30B 30C
85: 10Z 20Z 31Z 32Z 41Z 42Z 51Z 52Z 53Z 59A 59B 60Z
86: 10Z 21Z 22A 22B 22C 23Z 90A 90B 90C 90D 90E 90F
87: 10A 10B 10C 20A 20B 30A 30B 90A 90B
88: 10A 10B 10C 91A 91B 99A 99B
90: 01Z 02Z 03A 03B 04Z
91: 01Z 02Z 03Z 04Z
92: 00Z
93: 11Z 12Z 13Z 19Z 21Z 29Z
94: 11Z 12Z 20Z 91Z 92Z 99Z
95: 11Z 12Z 21Z 22Z 23Z 24Z 25Z 29Z
96: 01A 01B 02A 02B 03Z 04Z 09Z
97: 00Z
98: 10Z 20Z
99: 00Z
"""

NAF_CODE = re.compile(r"^\d{2}(\.\d(\d[A-Z]?)?)?$")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o"})


def normalize(text: str) -> str:
    """Fold case, accents and punctuation, as the matcher does."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    ascii_only = "".join(ch for ch in folded if not unicodedata.combining(ch))
    ascii_only = ascii_only.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^0-9a-z]+", " ", ascii_only).strip()


def naf_subclasses() -> set[str]:
    codes: set[str] = set()
    division = ""
    for raw in NAF_SUBCLASSES_BY_DIVISION.splitlines():
        line = raw.strip()
        if not line:
            continue
        if ":" in line:
            division, _, line = line.partition(":")
        codes.update(f"{division}.{suffix}" for suffix in line.split())
    return codes


def valid_naf_codes(subclasses: set[str]) -> set[str]:
    """Every division, group, class and sub-class of the given sub-classes."""
    return {code[:n] for code in subclasses for n in (2, 4, 5, 6)}


@pytest.fixture(scope="module")
def taxonomy() -> dict:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with SECTORS_PATH.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)


@pytest.fixture(scope="module")
def sectors(taxonomy: dict) -> list[dict]:
    return taxonomy["sectors"]


@pytest.fixture(scope="module")
def by_id(sectors: list[dict]) -> dict[str, dict]:
    return {sector["id"]: sector for sector in sectors}


def test_embedded_naf_table_is_complete() -> None:
    subclasses = naf_subclasses()
    assert len(subclasses) == 732
    assert all(re.fullmatch(r"\d{2}\.\d{2}[A-Z]", code) for code in subclasses)
    assert len({code[:5] for code in subclasses}) == 615
    assert len({code[:4] for code in subclasses}) == 272
    assert len({code[:2] for code in subclasses}) == 88


def test_top_level_layout(taxonomy: dict) -> None:
    assert taxonomy["version"] == 1
    assert set(taxonomy) >= {"version", "ecosystems", "sectors"}


def test_fourteen_eu_ecosystems(taxonomy: dict) -> None:
    ecosystems = taxonomy["ecosystems"]
    ids = [eco["id"] for eco in ecosystems]
    assert len(ids) == 14
    assert len(set(ids)) == 14
    for eco in ecosystems:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", eco["id"])
        assert isinstance(eco["name"], str)
        assert eco["name"].strip()
        assert str(eco["source"]).startswith("https://")


def test_exact_sector_ids_and_parents(sectors: list[dict]) -> None:
    ids = [sector["id"] for sector in sectors]
    assert len(ids) == len(set(ids)), "duplicate sector id"
    assert {sector["id"]: sector["parent"] for sector in sectors} == EXPECTED_PARENTS


def test_tree_has_no_cycles_and_two_levels(by_id: dict[str, dict]) -> None:
    for sector_id in by_id:
        seen = [sector_id]
        parent = by_id[sector_id]["parent"]
        while parent is not None:
            assert parent in by_id, f"{sector_id}: unknown parent {parent}"
            assert parent not in seen, f"cycle through {seen}"
            seen.append(parent)
            parent = by_id[parent]["parent"]
        assert len(seen) <= 2, f"{sector_id} is nested deeper than two levels"


def test_parents_are_listed_before_children(sectors: list[dict]) -> None:
    position = {sector["id"]: index for index, sector in enumerate(sectors)}
    for sector in sectors:
        if sector["parent"] is not None:
            assert position[sector["parent"]] < position[sector["id"]]


def test_labels_in_both_languages(sectors: list[dict]) -> None:
    for sector in sectors:
        for key in ("label_en", "label_fr"):
            label = sector[key]
            assert isinstance(label, str), (sector["id"], key)
            assert label.strip() == label, (sector["id"], key)
            assert label, (sector["id"], key)


def test_sectors_map_to_eu_ecosystems(taxonomy: dict, sectors: list[dict]) -> None:
    ecosystem_ids = {eco["id"] for eco in taxonomy["ecosystems"]}
    for sector in sectors:
        if sector["parent"] is None:
            assert sector.get("ecosystem") in ecosystem_ids, sector["id"]
        elif "ecosystem" in sector:
            assert sector["ecosystem"] in ecosystem_ids, sector["id"]


def test_synonym_lists(sectors: list[dict]) -> None:
    for sector in sectors:
        assert set(sector["synonyms"]) == {"en", "fr"}, sector["id"]
        for lang in ("en", "fr"):
            terms = sector["synonyms"][lang]
            assert isinstance(terms, list), (sector["id"], lang)
            count = len(terms)
            assert MIN_SYNONYMS_PER_LANGUAGE <= count <= MAX_SYNONYMS_PER_LANGUAGE, (
                sector["id"],
                lang,
                count,
            )
            for term in terms:
                assert isinstance(term, str), (sector["id"], lang, term)
                assert term.strip() == term, (sector["id"], lang, term)
                assert normalize(term), (sector["id"], lang, term)


def test_no_repeated_synonym_within_a_list(sectors: list[dict]) -> None:
    for sector in sectors:
        for lang in ("en", "fr"):
            counts = Counter(normalize(term) for term in sector["synonyms"][lang])
            repeated = sorted(term for term, n in counts.items() if n > 1)
            assert not repeated, (sector["id"], lang, repeated)


def test_each_term_belongs_to_one_sector(sectors: list[dict]) -> None:
    owners: dict[str, set[str]] = {}
    for sector in sectors:
        terms = [*sector["synonyms"]["en"], *sector["synonyms"]["fr"]]
        terms += [sector["label_en"], sector["label_fr"]]
        for term in terms:
            owners.setdefault(normalize(term), set()).add(sector["id"])
    shared = {term: sorted(ids) for term, ids in owners.items() if len(ids) > 1}
    assert not shared


def test_no_generic_synonyms(sectors: list[dict]) -> None:
    for sector in sectors:
        for lang in ("en", "fr"):
            generic = [
                term
                for term in sector["synonyms"][lang]
                if normalize(term) in GENERIC_WORDS
            ]
            assert not generic, (sector["id"], lang, generic)


@pytest.mark.parametrize(("term", "sector_id"), KNOWN_TERMS)
def test_known_company_wording(
    by_id: dict[str, dict], term: str, sector_id: str
) -> None:
    sector = by_id[sector_id]
    terms = [*sector["synonyms"]["en"], *sector["synonyms"]["fr"]]
    assert normalize(term) in {normalize(t) for t in terms}


def test_naf_entries_are_well_formed(sectors: list[dict]) -> None:
    for sector in sectors:
        entries = sector["naf"]
        assert isinstance(entries, list), sector["id"]
        codes = [entry["code"] for entry in entries]
        assert len(codes) == len(set(codes)), (sector["id"], "repeated NAF code")
        for entry in entries:
            assert set(entry) == {"code", "note"}, (sector["id"], entry)
            assert isinstance(entry["code"], str), (sector["id"], entry)
            assert NAF_CODE.match(entry["code"]), (sector["id"], entry)
            assert isinstance(entry["note"], str), (sector["id"], entry)
            assert entry["note"].strip(), (sector["id"], entry)


def test_naf_codes_exist(sectors: list[dict]) -> None:
    valid = valid_naf_codes(naf_subclasses())
    unknown = [
        (sector["id"], entry["code"])
        for sector in sectors
        for entry in sector["naf"]
        if entry["code"] not in valid
    ]
    assert not unknown


def test_most_sectors_have_naf_codes(sectors: list[dict]) -> None:
    with_codes = sum(1 for sector in sectors if sector["naf"])
    assert with_codes >= 0.85 * len(sectors)


def test_naf_coverage_of_innovation_sections(sectors: list[dict]) -> None:
    covered = {entry["code"][:2] for sector in sectors for entry in sector["naf"]}
    # Sections A to F, H, J and K in full; each of their divisions has a sector.
    sections_in_full = {
        *("01", "02", "03", "05", "06", "07", "08", "09"),
        *(f"{n:02d}" for n in range(10, 34)),
        *("35", "36", "37", "38", "39", "41", "42", "43"),
        *("49", "50", "51", "52", "53", "58", "59", "60", "61", "62", "63"),
        *("64", "65", "66"),
    }
    assert sections_in_full <= covered, sorted(sections_in_full - covered)


def test_naf_codes_exist_in_project_table(sectors: list[dict]) -> None:
    """Cross-check with the project's own NAF table, when it ships one."""
    tables = [
        path
        for path in sorted((ROOT / "data").glob("naf*"))
        if path.is_file() and path.suffix in {".csv", ".yaml", ".yml", ".json", ".txt"}
    ]
    subclasses: set[str] = set()
    for path in tables:
        text = path.read_text(encoding="utf-8")
        subclasses.update(re.findall(r"\b\d{2}\.\d{2}[A-Z]\b", text))
    if len(subclasses) < 700:
        pytest.skip("no NAF table in data/ yet")
    valid = valid_naf_codes(subclasses)
    unknown = [
        (sector["id"], entry["code"])
        for sector in sectors
        for entry in sector["naf"]
        if entry["code"] not in valid
    ]
    assert not unknown
