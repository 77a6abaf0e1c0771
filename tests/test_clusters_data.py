"""Facts users rely on in data/clusters.yaml (the pôles de compétitivité dataset)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "clusters.yaml"

# The fixed sector taxonomy (68 ids): each parent followed by its children.
SECTOR_IDS = frozenset(
    {
        "aerospace",
        "aeronautics",
        "space",
        "drones",
        "defence-security",
        "digital",
        "software",
        "ai",
        "cybersecurity",
        "telecom",
        "quantum",
        "edtech",
        "electronics",
        "microelectronics",
        "photonics",
        "embedded-systems",
        "creative-industries",
        "media",
        "video-games",
        "fintech",
        "health",
        "biotech",
        "pharma",
        "medtech",
        "diagnostics",
        "digital-health",
        "agrifood",
        "agriculture",
        "food-industry",
        "nutrition",
        "fisheries-aquaculture",
        "equine",
        "cosmetics",
        "bioeconomy",
        "chemistry",
        "materials",
        "composites",
        "metallurgy",
        "plastics",
        "ceramics",
        "textiles",
        "wood-forestry",
        "manufacturing",
        "mechanical-engineering",
        "robotics",
        "additive-manufacturing",
        "microtechnology",
        "mobility",
        "automotive",
        "rail",
        "logistics",
        "maritime",
        "shipbuilding",
        "marine-renewables",
        "energy",
        "renewable-energy",
        "hydrogen",
        "nuclear",
        "batteries",
        "smart-grids",
        "energy-efficiency",
        "geosciences",
        "water",
        "environment",
        "circular-economy",
        "construction",
        "infrastructure",
        "smart-city",
    }
)

REGIONS = frozenset(
    {
        "Auvergne-Rhône-Alpes",
        "Bourgogne-Franche-Comté",
        "Bretagne",
        "Centre-Val de Loire",
        "Corse",
        "Grand Est",
        "Hauts-de-France",
        "Île-de-France",
        "Normandie",
        "Nouvelle-Aquitaine",
        "Occitanie",
        "Pays de la Loire",
        "Provence-Alpes-Côte d'Azur",
        "Guadeloupe",
        "Martinique",
        "Guyane",
        "La Réunion",
        "Mayotte",
    }
)

STATUSES = frozenset({"active", "probation", "merged", "unconfirmed"})

# NAF rev. 2: division "30", group "30.3", class "30.30" or sub-class "30.30Z".
NAF_RE = re.compile(r"^\d{2}(\.\d(\d[A-Z]?)?)?$")
DEPARTMENT_RE = re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])$")
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

FLAGSHIPS = [
    # id, HQ city, HQ region (listed first), every region the record must list
    ("aerospace-valley", "Toulouse", "Occitanie", {"Occitanie", "Nouvelle-Aquitaine"}),
    ("cap-digital", "Paris", "Île-de-France", {"Île-de-France"}),
    ("lyonbiopole", "Lyon", "Auvergne-Rhône-Alpes", {"Auvergne-Rhône-Alpes"}),
    ("systematic-paris-region", "Palaiseau", "Île-de-France", {"Île-de-France"}),
]


def slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    ascii_only = "".join(ch for ch in folded if not unicodedata.combining(ch))
    ascii_only = ascii_only.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^0-9a-z]+", "-", ascii_only).strip("-")


@pytest.fixture(scope="module")
def data() -> dict:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with DATA_FILE.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)


@pytest.fixture(scope="module")
def clusters(data: dict) -> list[dict]:
    return data["clusters"]


@pytest.fixture(scope="module")
def by_id(clusters: list[dict]) -> dict[str, dict]:
    return {c["id"]: c for c in clusters}


def test_slug_helper() -> None:
    assert slug("Pôle Mer Bretagne Atlantique") == "pole-mer-bretagne-atlantique"
    assert slug("TEAM²") == "team2"
    assert slug("Images & Réseaux") == "images-reseaux"
    assert slug("Innov'Alliance") == "innov-alliance"


def test_dataset_header(data: dict) -> None:
    meta = data["dataset"]
    assert isinstance(meta["version"], str)
    assert isinstance(meta["date"], dt.date)
    assert meta["licence"] == "CC-BY-4.0"
    kind = meta["kinds"]["pole_de_competitivite"]
    assert kind["member_types"]
    assert kind["services"]
    assert kind["sources"]
    assert all(u.startswith(("https://", "http://")) for u in kind["sources"])


def test_record_count(clusters: list[dict]) -> None:
    assert len(clusters) == 57
    assert sum(c["status"] != "merged" for c in clusters) >= 55


def test_ids_unique_and_slug_of_name(clusters: list[dict]) -> None:
    ids = [c["id"] for c in clusters]
    assert len(ids) == len(set(ids))
    names = [c["name"] for c in clusters]
    assert len(names) == len(set(names))
    for c in clusters:
        assert SLUG_RE.match(c["id"]), c["id"]
        assert c["id"] == slug(c["name"]), c["name"]


@pytest.mark.parametrize(("cid", "city", "hq_region", "regions"), FLAGSHIPS)
def test_flagship_clusters(
    by_id: dict[str, dict], cid: str, city: str, hq_region: str, regions: set[str]
) -> None:
    record = by_id[cid]
    assert record["status"] == "active"
    assert record["hq"]["city"] == city
    assert record["regions"][0] == hq_region
    assert regions <= set(record["regions"])


def test_systematic_is_in_palaiseau_not_paris(by_id: dict[str, dict]) -> None:
    hq = by_id["systematic-paris-region"]["hq"]
    assert hq["city"] == "Palaiseau"
    assert hq["department"] == "91"


def test_optitec_merged_into_scs(by_id: dict[str, dict]) -> None:
    optitec = by_id["optitec"]
    assert optitec["status"] == "merged"
    assert optitec["successor"] == "scs"
    assert optitec["label_term_end"] is None
    scs = by_id["scs"]
    assert scs["status"] == "active"
    assert "Optitec" in scs["former_names"]


def test_status_and_label_terms(clusters: list[dict], by_id: dict[str, dict]) -> None:
    for c in clusters:
        assert c["kind"] == "pole_de_competitivite"
        assert c["status"] in STATUSES, c["id"]
        if c["status"] == "merged":
            assert c["successor"] in by_id, c["id"]
            assert by_id[c["successor"]]["status"] != "merged"
        else:
            assert c["successor"] is None, c["id"]
            assert isinstance(c["label_term_end"], dt.date), c["id"]
        if c["status"] == "active":
            assert c["label_term_end"] == dt.date(2026, 12, 31), c["id"]
        if c["status"] == "probation":
            assert c["label_term_end"] == dt.date(2024, 12, 31), c["id"]


def test_known_statuses(by_id: dict[str, dict]) -> None:
    assert by_id["materalia"]["status"] == "unconfirmed"
    for cid in (
        "astech-paris-region",
        "fibres-energivie",
        "euramaterials",
        "team2",
        "enter",
    ):
        assert by_id[cid]["status"] == "probation", cid
    for cid in ("derbi", "infra2050", "aqua-valley", "aquanova"):
        assert by_id[cid]["status"] == "active", cid
    assert "DERBI-Cémater" in by_id["derbi"]["aliases"]


def test_sources_and_last_verified(data: dict, clusters: list[dict]) -> None:
    dataset_date = data["dataset"]["date"]
    for c in clusters:
        sources = c["sources"]
        assert sources, c["id"]
        assert all(
            isinstance(u, str) and u.startswith(("https://", "http://"))
            for u in sources
        )
        assert len(sources) == len(set(sources)), c["id"]
        verified = c["last_verified"]
        assert isinstance(verified, dt.date), c["id"]
        assert verified <= dataset_date, c["id"]
        assert verified.day == 1, c["id"]


def test_sectors_from_fixed_taxonomy(clusters: list[dict]) -> None:
    assert len(SECTOR_IDS) == 68
    for c in clusters:
        sectors = c["sectors"]
        assert 2 <= len(sectors) <= 7, c["id"]
        assert len(sectors) == len(set(sectors)), c["id"]
        assert set(sectors) <= SECTOR_IDS, (c["id"], set(sectors) - SECTOR_IDS)


def test_regions_are_canonical(clusters: list[dict]) -> None:
    for c in clusters:
        regions = c["regions"]
        assert regions, c["id"]
        assert len(regions) == len(set(regions)), c["id"]
        assert set(regions) <= REGIONS, (c["id"], set(regions) - REGIONS)


def test_hq_fields(clusters: list[dict]) -> None:
    for c in clusters:
        hq = c["hq"]
        assert isinstance(hq["city"], str), c["id"]
        assert "(" not in hq["city"], c["id"]
        assert isinstance(hq["department"], str), c["id"]
        assert DEPARTMENT_RE.match(hq["department"]), (c["id"], hq["department"])
        assert -90 <= hq["lat"] <= 90, c["id"]
        assert -180 <= hq["lon"] <= 180, c["id"]
        if hq["department"].startswith("97"):
            continue
        # metropolitan France
        assert 41 < hq["lat"] < 52, c["id"]
        assert -5.5 < hq["lon"] < 10, c["id"]


def test_naf_codes_well_formed(clusters: list[dict]) -> None:
    for c in clusters:
        codes = c["naf"]
        assert 3 <= len(codes) <= 12, c["id"]
        assert len(codes) == len(set(codes)), c["id"]
        for code in codes:
            assert isinstance(code, str), (c["id"], code)
            assert NAF_RE.match(code), (c["id"], code)


def test_websites(clusters: list[dict]) -> None:
    for c in clusters:
        website = c["website"]
        assert isinstance(c["website_verified"], bool), c["id"]
        if website is None:
            assert c["website_verified"] is False, c["id"]
        else:
            assert website.startswith("https://"), c["id"]
            assert " " not in website, c["id"]


def test_text_fields(clusters: list[dict]) -> None:
    for c in clusters:
        assert isinstance(c["description"], str), c["id"]
        assert c["description"].strip(), c["id"]
        assert c["notes"] is None or c["notes"].strip(), c["id"]
        assert c["keywords"], c["id"]
        assert all(isinstance(k, str) and k.strip() for k in c["keywords"]), c["id"]
        assert c["confidence"] in {"high", "medium", "low"}, c["id"]


def test_members(clusters: list[dict]) -> None:
    for c in clusters:
        members = c["members"]
        if members is None:
            continue
        assert isinstance(members["count"], int), c["id"]
        assert members["count"] > 0, c["id"]
        assert members["as_of"] is None or 2000 <= members["as_of"] <= 2026, c["id"]
