"""Checks on the sector taxonomy, data/sectors.yaml.

The taxonomy is the vocabulary shared by cluster records, `list --sector` and the
company matcher. Its tree, labels, synonyms and NAF codes are checked against the
rest of the project's data (the NAF table in data/naf-rev2.csv, the sector ids that
data/clusters.yaml uses) and against what a user relies on: every word of every
label and synonym, in either language, finds its sector or a suggestion.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from clusterctl.text import FUNCTION_WORDS, normalize, stem, stem_phrase

ROOT = Path(__file__).resolve().parent.parent
SECTORS_PATH = ROOT / "data" / "sectors.yaml"
CLUSTERS_PATH = ROOT / "data" / "clusters.yaml"
NAF_PATH = ROOT / "data" / "naf-rev2.csv"

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

NAF_CODE = re.compile(r"^\d{2}(\.\d(\d[A-Z]?)?)?$")
SECTOR_ID = re.compile(r"[a-z]+(-[a-z]+)*")


def load_yaml(path: Path) -> dict:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)


def naf_subclasses() -> set[str]:
    """The sub-classes of the project's NAF rév. 2 table (data/naf-rev2.csv)."""
    with NAF_PATH.open(encoding="utf-8", newline="") as handle:
        return {row["code"] for row in csv.DictReader(handle)}


def valid_naf_codes(subclasses: set[str]) -> set[str]:
    """Every division, group, class and sub-class of the given sub-classes."""
    return {code[:n] for code in subclasses for n in (2, 4, 5, 6)}


@pytest.fixture(scope="module")
def taxonomy() -> dict:
    return load_yaml(SECTORS_PATH)


@pytest.fixture(scope="module")
def sectors(taxonomy: dict) -> list[dict]:
    return taxonomy["sectors"]


@pytest.fixture(scope="module")
def by_id(sectors: list[dict]) -> dict[str, dict]:
    return {sector["id"]: sector for sector in sectors}


def test_naf_table_is_the_whole_nomenclature() -> None:
    subclasses = naf_subclasses()
    assert len(subclasses) == 732
    assert all(re.fullmatch(r"\d{2}\.\d{2}[A-Z]", code) for code in subclasses)
    assert len({code[:5] for code in subclasses}) == 615
    assert len({code[:4] for code in subclasses}) == 272
    assert len({code[:2] for code in subclasses}) == 88


def test_top_level_layout(taxonomy: dict) -> None:
    assert taxonomy["version"] == 1
    assert set(taxonomy) >= {"version", "ecosystems", "sectors"}
    keys = {"id", "parent", "label_en", "label_fr", "synonyms", "naf"}
    for sector in taxonomy["sectors"]:
        assert keys <= set(sector) <= keys | {"ecosystem", "words"}, sector["id"]


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


def test_sector_ids_are_unique_slugs(sectors: list[dict]) -> None:
    ids = [sector["id"] for sector in sectors]
    assert len(ids) == len(set(ids)), "duplicate sector id"
    assert all(SECTOR_ID.fullmatch(i) for i in ids), ids


def test_every_sector_the_clusters_use_exists(by_id: dict[str, dict]) -> None:
    used = {s for c in load_yaml(CLUSTERS_PATH)["clusters"] for s in c["sectors"]}
    assert used, "no sectors in data/clusters.yaml"
    assert used <= set(by_id), sorted(used - set(by_id))


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


def words_of(sector: dict) -> list[str]:
    words = sector.get("words") or {}
    return [*(words.get("en") or ()), *(words.get("fr") or ())]


def test_word_lists(sectors: list[dict]) -> None:
    for sector in sectors:
        words = sector.get("words") or {}
        assert set(words) <= {"en", "fr"}, sector["id"]
        for term in words_of(sector):
            assert isinstance(term, str), (sector["id"], term)
            assert len(normalize(term).split()) == 1, (sector["id"], term)
            assert normalize(term) not in GENERIC_WORDS, (sector["id"], term)


def test_each_term_belongs_to_one_sector(sectors: list[dict]) -> None:
    owners: dict[str, set[str]] = {}
    for sector in sectors:
        terms = [*sector["synonyms"]["en"], *sector["synonyms"]["fr"]]
        terms += [sector["label_en"], sector["label_fr"], *words_of(sector)]
        for term in terms:  # folded as the matcher folds them (plurals too)
            owners.setdefault(stem_phrase(term), set()).add(sector["id"])
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


def test_naf_codes_exist_in_project_table(sectors: list[dict]) -> None:
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


# --- What users type ------------------------------------------------------------------
def every_name(sector: dict) -> list[str]:
    """Labels, synonyms and words of a sector, both languages."""
    synonyms = [*sector["synonyms"]["en"], *sector["synonyms"]["fr"]]
    return [sector["label_en"], sector["label_fr"], *synonyms, *words_of(sector)]


def every_word(sectors: list[dict]) -> list[str]:
    """Each folded word of every label, synonym and word, grammar words aside."""
    words = {
        w for s in sectors for name in every_name(s) for w in normalize(name).split()
    }
    return sorted(words - FUNCTION_WORDS)


def suggested(message: str) -> list[str]:
    """The terms a "did you mean" proposes, as quoted in the message."""
    _, _, hint = message.partition("did you mean ")
    return [a or b for a, b in re.findall(r"'([^']+)'|\"([^\"]+)\"", hint)]


def contains(term: str, word: str) -> bool:
    return stem(word) in {stem(w) for w in normalize(term).split()}


def test_every_name_resolves_to_its_own_sector(sectors: list[dict]) -> None:
    from clusterctl.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    wrong = [
        (name, sector["id"], taxonomy.resolve(name))
        for sector in sectors
        for name in every_name(sector)
        if taxonomy.resolve(name) != sector["id"]
    ]
    assert not wrong


def test_every_word_is_a_sector_or_a_suggestion_that_contains_it(
    sectors: list[dict],
) -> None:
    """`--sector WORD` and a profile's `sectors: [WORD]`, for each word of the
    taxonomy in English and French: the sector, or a did-you-mean naming a term
    with that word in it."""
    from clusterctl.errors import UsageError
    from clusterctl.models import Profile
    from clusterctl.profiles import resolve_profile
    from clusterctl.query import resolve_sectors

    failures = []
    for word in every_word(sectors):
        try:
            listed = bool(resolve_sectors([word]))
        except UsageError as exc:
            listed = any(contains(term, word) for term in suggested(str(exc)))
        company = resolve_profile(
            Profile.model_validate({"name": "A", "sectors": [word]})
        )
        in_profile = bool(company.sectors_resolved[word]) or any(
            w.code == "unknown_sector"
            and any(contains(term, word) for term in suggested(w.text))
            for w in company.warnings
        )
        if not (listed and in_profile):
            failures.append((word, listed, in_profile))
    assert not failures


def test_grammar_words_are_never_sectors(sectors: list[dict]) -> None:
    from clusterctl.errors import UsageError
    from clusterctl.profiles import sector_ids_for
    from clusterctl.query import resolve_sectors
    from clusterctl.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    used = {
        w for s in sectors for name in every_name(s) for w in normalize(name).split()
    }
    grammar = sorted(used & FUNCTION_WORDS)
    assert {"and", "de", "la", "of", "et"} <= set(grammar)
    for word in grammar:
        assert taxonomy.resolve(word) is None, word
        assert sector_ids_for(taxonomy, word) == [], word
        with pytest.raises(UsageError) as caught:
            resolve_sectors([word])
        assert suggested(str(caught.value)) == [], word


def test_words_name_a_sector_but_are_not_found_in_text(sectors: list[dict]) -> None:
    """ "paper" or "mode" typed alone is the sector; in a sentence it is prose."""
    from clusterctl.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    for sector in sectors:
        for word in words_of(sector):
            assert taxonomy.resolve(word) == sector["id"], word
            found = taxonomy.find_terms(f"we wrote a {word} about it")
            assert sector["id"] not in {s for _, ids in found for s in ids}, word


@pytest.mark.parametrize(
    ("word", "sector_id"),
    [
        ("food", "agrifood"),
        ("nourriture", "agrifood"),
        ("wine", "food-industry"),
        ("vin", "food-industry"),
        ("cheese", "food-industry"),
        ("paper", "wood-forestry"),
        ("papier", "wood-forestry"),
        ("fashion", "textiles"),
        ("mode", "textiles"),
        ("clothes", "textiles"),
        ("video games", "video-games"),
        ("jeux vidéo", "video-games"),
        ("jeux video", "video-games"),
        ("hydrogen", "hydrogen"),
        ("hydrogène", "hydrogen"),
        ("apps", "software"),
        ("bank", "fintech"),
        ("climate", "environment"),
    ],
)
def test_everyday_words_of_founders(word: str, sector_id: str) -> None:
    from clusterctl.models import Profile
    from clusterctl.profiles import resolve_profile
    from clusterctl.query import resolve_sectors
    from clusterctl.taxonomy import load_taxonomy

    assert resolve_sectors([word]) == load_taxonomy().descendants(sector_id)
    company = resolve_profile(Profile.model_validate({"name": "A", "sectors": [word]}))
    assert company.sectors_resolved[word] == [sector_id]


def test_a_food_company_is_matched_with_agrifood_clusters() -> None:
    from clusterctl import match
    from clusterctl.taxonomy import load_taxonomy

    food = load_taxonomy().descendants("agrifood")
    result = match({"name": "A", "sectors": ["food"]}, top=5)
    top = result["matches"]
    assert "nuclear-valley" not in [m["id"] for m in top]
    for m in top:
        assert m["eligibility"]["sector"]["eligible"], m["id"]
    from clusterctl import load_dataset

    dataset = load_dataset()
    assert all(food & set(dataset.get(m["id"]).sectors) for m in top)


def test_unknown_words_suggest_terms_that_contain_them() -> None:
    from clusterctl.errors import UsageError
    from clusterctl.query import resolve_sectors

    with pytest.raises(UsageError) as caught:
        resolve_sectors(["games"])
    message = str(caught.value)
    assert message.startswith("unknown sector 'games' (did you mean ")
    assert suggested(message)[:2] == ["Video games", "board games"]
    assert stem_phrase("Video games") == stem_phrase("video-games")
