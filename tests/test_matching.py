"""Matching, criterion by criterion, and the invariants users rely on."""

from __future__ import annotations

import random

import pytest

from clusterctl.batch import BatchMatcher
from clusterctl.dataset import load_dataset
from clusterctl.errors import UsageError
from clusterctl.matching import Matcher, parse_weights
from clusterctl.models import Profile
from clusterctl.profiles import resolve_profile
from conftest import SMALL


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_dataset(SMALL))


@pytest.fixture(scope="module")
def full() -> Matcher:
    return Matcher(load_dataset())


def company(**fields):
    fields.setdefault("name", "Test company")
    return resolve_profile(Profile.model_validate(fields))


def ranking(m: Matcher, **fields) -> list[str]:
    return [x.cluster.id for x in m.match(company(**fields))]


def scores(m: Matcher, **fields) -> dict[str, float]:
    return {x.cluster.id: x.score for x in m.match(company(**fields))}


def test_merged_clusters_are_not_ranked(matcher):
    assert "optitec" not in ranking(matcher, sectors=["photonics"])


def test_sector_same_beats_related_beats_none(matcher):
    s = scores(matcher, sectors=["biotech"])
    assert s["lyonbiopole"] > s["techtera"]
    biotech = matcher.match(company(sectors=["biotech"]))[0]
    assert biotech.cluster.id == "lyonbiopole"
    assert biotech.criteria["sector"].matched[0]["relation"] == "same"
    health = company(sectors=["santé"])
    m = next(x for x in matcher.match(health) if x.cluster.id == "lyonbiopole")
    # health is broad (it has sub-sectors): it says less than a precise sector
    assert m.criteria["sector"].score == pytest.approx(0.85)


def test_child_sector_counts_for_a_parent_cluster(matcher):
    # vaccines are pharma, which is under health, Lyonbiopôle's first sector
    m = matcher.match(company(sectors=["vaccins"]))[0]
    assert m.cluster.id == "lyonbiopole"
    assert m.criteria["sector"].score > 0.8


def test_naf_code_alone_points_to_the_right_sector(matcher):
    assert ranking(matcher, naf="30.30Z")[0] == "aerospace-valley"
    assert ranking(matcher, naf="13.96Z")[0] == "techtera"
    m = matcher.match(company(naf="3030Z"))[0]
    assert m.criteria["naf"].used
    assert m.criteria["naf"].score >= 0.8


def test_geography_same_region_then_bordering_then_far(matcher):
    s = scores(matcher, sectors=["digital"], location="Marseille")
    assert s["scs"] > s["systematic-paris-region"]  # SCS is in PACA
    g = {
        x.cluster.id: x
        for x in matcher.match(company(sectors=["digital"], location="Lyon"))
    }
    assert g["lyonbiopole"].region_relation == "same"
    assert g["scs"].region_relation == "bordering"  # PACA borders AURA
    assert g["pole-mer-bretagne-atlantique"].region_relation == "other"
    assert g["lyonbiopole"].distance_km < 5


def test_every_site_counts(matcher):
    one = scores(matcher, sectors=["digital"], location="Brest")
    two = scores(matcher, sectors=["digital"], location="Brest", locations=["Massy"])
    assert two["systematic-paris-region"] > one["systematic-paris-region"]
    assert all(two[k] >= one[k] for k in one)


def test_text_criterion_uses_keywords(matcher):
    m = {x.cluster.id: x for x in matcher.match(company(keywords=["drones"]))}
    assert m["aerospace-valley"].criteria["text"].score > 0
    assert m["lyonbiopole"].criteria["text"].score == 0


def test_member_type_and_looking_for(matcher):
    m = matcher.match(
        company(
            sectors=["biotech"], size="startup", looking_for=["funding", "networking"]
        )
    )[0]
    crit = m.criteria["member_type"]
    assert crit.used
    assert crit.score == pytest.approx((1.0 + 0.5) / 2)  # events are not offered


def test_unused_criteria_score_zero_and_say_so(matcher):
    m = matcher.match(company(sectors=["biotech"]))[0]
    assert not m.criteria["geo"].used
    assert m.criteria["geo"].score == 0
    assert not m.criteria["naf"].used


def test_scores_are_between_0_and_100_and_deterministic(full):
    fields = {
        "sectors": ["aéronautique"],
        "naf": "30.30Z",
        "location": "Toulouse",
        "size": "sme",
        "looking_for": ["export"],
        "description": "drones",
    }
    first = [(x.cluster.id, x.score) for x in full.match(company(**fields))]
    second = [(x.cluster.id, x.score) for x in full.match(company(**fields))]
    assert first == second
    assert all(0 <= s <= 100 for _, s in first)
    ordered = [s for _, s in first]
    assert ordered == sorted(ordered, reverse=True)


def test_ties_break_by_id(matcher):
    result = matcher.match(company(keywords=["zzzz unknown words"]))
    tied = [x.cluster.id for x in result if x.score == result[0].score]
    assert tied == sorted(tied)


@pytest.mark.parametrize("extra", ["biotech", "textiles", "aerospace", "digital"])
def test_adding_a_matching_sector_never_lowers_a_score(full, extra):
    base = {"sectors": ["cosmetics"], "keywords": ["plastics"], "location": "Lyon"}
    before = scores(full, **base)
    after = scores(full, **{**base, "sectors": ["cosmetics", extra]})
    assert all(after[k] >= before[k] - 1e-9 for k in before)


def test_order_of_input_lists_does_not_matter(full):
    a = scores(full, sectors=["drones", "textile"], keywords=["lidar", "composites"])
    b = scores(full, sectors=["textile", "drones"], keywords=["composites", "lidar"])
    assert a == b


def test_weights(matcher):
    weights = parse_weights("sector=1,naf=0,text=0,geo=0,member_type=0")
    assert weights["sector"] == 1.0
    m = Matcher(load_dataset(SMALL), weights)
    top = m.match(company(sectors=["textiles"], location="Brest"))[0]
    assert top.cluster.id == "techtera"
    assert top.score == pytest.approx(100.0)
    assert sum(parse_weights("geo=1").values()) == pytest.approx(1.0)
    with pytest.raises(UsageError, match="unknown criterion 'geography'"):
        parse_weights("geography=1")
    with pytest.raises(UsageError, match="not a number"):
        parse_weights("geo=high")


SECTOR_WORDS = [
    "biotech",
    "aéronautique",
    "textile",
    "fintech",
    "hydrogène",
    "plasturgie",
    "cybersécurité",
    "agroalimentaire",
    "bois",
    "nucléaire",
    "chimie",
    "drones",
    "jeux vidéo",
    "cosmetics",
    "ceramics",
]
PLACES = [
    "Toulouse",
    "75013",
    "Lyon",
    "Brest",
    "69003",
    "Lille",
    "Marseille",
    "Strasbourg",
    "97400",
    "Ajaccio",
    "Limoges",
    "Grenoble",
    "Occitanie",
]
NAF = [
    "30.30Z",
    "21.20Z",
    "62.01Z",
    "13.96Z",
    "10.62Z",
    "20.59Z",
    "72.11Z",
    "35.11Z",
    "16.10A",
    "26.11Z",
    "99.99Z",
]


def random_profiles(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        p: dict = {"name": f"Company {i}"}
        if rng.random() < 0.8:
            p["sectors"] = rng.sample(SECTOR_WORDS, rng.randint(1, 3))
        if rng.random() < 0.6:
            p["naf"] = rng.choice(NAF)
        if rng.random() < 0.5:
            p["keywords"] = [*rng.sample(SECTOR_WORDS, 2), "innovation"]
        if rng.random() < 0.3:
            p["description"] = "We design " + " and ".join(rng.sample(SECTOR_WORDS, 2))
        if rng.random() < 0.85:
            p["location"] = rng.choice(PLACES)
        if rng.random() < 0.2:
            p["locations"] = [rng.choice(PLACES)]
        if rng.random() < 0.5:
            p["size"] = rng.choice(["startup", "sme", "large", "research"])
        if not any(k in p for k in ("sectors", "naf", "keywords", "description")):
            p["sectors"] = ["digital"]
        out.append(p)
    return out


def test_batch_path_ranks_exactly_as_the_reference(full):
    companies = [company(**p) for p in random_profiles(120)]
    bm = BatchMatcher(full)
    fast = bm.rank(companies, top=len(full.profiles))
    for c, got in zip(companies, fast, strict=True):
        reference = full.match(c)
        assert [full.clusters[k].id for k, _ in got] == [
            x.cluster.id for x in reference
        ]
        for (_, score), ref in zip(got, reference, strict=True):
            assert score == pytest.approx(ref.score, abs=1e-9)


def test_batch_csv_rows_rank_as_the_reference(full):
    from clusterctl.batch import Block
    from clusterctl.registers import Layout, Row

    layout = Layout(
        [(0, "name"), (1, "naf"), (2, "postal_code"), (3, "city"), (4, "category")], ","
    )
    rows = [
        ["A", "30.30Z", "31700", "Blagnac", "GE"],
        ["B", "21.20Z", "69007", "LYON", "PME"],
        ["C", "10.62Z", "62136", "LESTREM", "ETI"],
        ["D", "99.99Q", "9", "", ""],
    ]
    bm = BatchMatcher(full)
    block = Block()
    for line, cells in enumerate(rows, 2):
        bm.add_row(block, Row(line, cells=cells, layout=layout))
    bm.score(block, len(full.profiles))
    for i in range(len(rows)):
        reference = full.match(bm.company(block, i))
        assert [full.clusters[k].id for k in block.order[i]] == [
            x.cluster.id for x in reference
        ]
