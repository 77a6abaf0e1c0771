"""Matching, criterion by criterion, and the invariants users rely on."""

from __future__ import annotations

import datetime as dt
import math
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterctl.batch import BatchMatcher
from clusterctl.dataset import load_dataset
from clusterctl.errors import UsageError
from clusterctl.matching import Matcher, match_record, normalise_weights, parse_weights
from clusterctl.models import Profile
from clusterctl.profiles import resolve_profile
from clusterctl.scoring import CRITERIA, DEFAULT_WEIGHTS
from conftest import SMALL
from fixture_data import standard

ON = dt.date(2026, 12, 6)  # labels are judged on a fixed date


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_dataset(SMALL), on=ON)


@pytest.fixture(scope="module")
def full() -> Matcher:
    return Matcher(load_dataset(), on=ON)


@pytest.fixture(scope="module")
def labelled(tmp_path_factory) -> Matcher:
    """Six clusters of every label state, some with member types and services
    recorded and some without (see `fixture_data.standard`)."""
    return Matcher(load_dataset(standard(tmp_path_factory.mktemp("std"))), on=ON)


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
    scores = [s for _, s in first]
    assert scores == sorted(scores, reverse=True)


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


# ------------------------------------------------------- member types, services
def by_id(m: Matcher, **fields) -> dict:
    return {x.cluster.id: x for x in m.match(company(**fields))}


def test_unknown_member_types_neither_score_nor_explain(labelled):
    got = by_id(labelled, sectors=["biotech"], location="Lyon", size="startup")
    alpha, beta = got["alpha"], got["beta"]  # alpha admits startups; beta: unknown
    assert alpha.criteria["member_type"].used
    assert alpha.criteria["member_type"].score == 1.0
    member = beta.criteria["member_type"]
    assert member.shared
    assert not member.used
    assert member.score == 0
    # its weight goes to the others, in proportion: the score is their mean
    w = labelled.weights
    rest = sum(w[n] for n in CRITERIA if n != "member_type")
    expected = 100 * sum(
        w[n] * beta.criteria[n].score for n in CRITERIA if n != "member_type"
    )
    assert beta.score == pytest.approx(expected / rest)
    record = match_record(beta, 1, company(sectors=["biotech"]), w, labelled.taxonomy)
    breakdown = record["breakdown"]
    assert breakdown["member_type"]["weight"] == 0
    assert breakdown["member_type"]["shared"] is True
    assert sum(c["weight"] for c in breakdown.values()) == pytest.approx(1, abs=1e-3)
    assert sum(c["contribution"] for c in breakdown.values()) == pytest.approx(
        record["score"], abs=0.05
    )
    assert not [r for r in record["reasons"] if r["criterion"] == "member_type"]


def test_looking_for_moves_only_clusters_with_known_services(labelled):
    base = {"sectors": ["biotech"], "location": "Lyon"}
    before = by_id(labelled, **base)
    after = by_id(labelled, **base, looking_for=["export"])
    for cid in before:
        known = labelled.profiles[labelled.clusters.index(before[cid].cluster)]
        if known.services is None:
            assert after[cid].score == before[cid].score, cid
    assert after["alpha"].score < before["alpha"].score  # alpha offers funding only
    funding = by_id(labelled, **base, looking_for=["funding"])
    assert funding["alpha"].score > after["alpha"].score


def test_a_company_giving_no_size_nor_needs_ranks_as_without_the_criterion(
    labelled,
):
    fields = {"sectors": ["biotech", "aerospace"], "location": "Lyon"}
    ranked = labelled.match(company(**fields))
    assert all(x.criteria["member_type"].shared for x in ranked)
    no_member = Matcher(
        labelled.dataset, {**DEFAULT_WEIGHTS, "member_type": 0}, on=ON
    ).match(company(**fields))
    assert [(x.cluster.id, round(x.score, 9)) for x in ranked] == [
        (x.cluster.id, round(x.score, 9)) for x in no_member
    ]


def test_kind_defaults_count_as_known(tmp_path):
    from fixture_data import cluster, write_dataset

    path = write_dataset(
        tmp_path,
        [cluster("a"), cluster("b", member_types=["large"])],
        kinds={"pole_de_competitivite": {"label": "Pôle", "member_types": ["startup"]}},
    )
    m = Matcher(load_dataset(path), on=ON)
    got = by_id(m, sectors=["biotech"], size="startup")
    assert got["a"].criteria["member_type"].score == 1.0  # from the kind
    assert got["b"].criteria["member_type"].score == 0.0  # its own list


# ---------------------------------------------------------------- weights
def test_weights_as_a_mapping_missing_criteria_weigh_nothing():
    dataset = load_dataset(SMALL)
    m = Matcher(dataset, {"sector": 1})
    assert m.weights == {**dict.fromkeys(CRITERIA, 0.0), "sector": 1.0}
    top = m.match(company(sectors=["textiles"], location="Brest"))[0]
    assert (top.cluster.id, top.score) == ("techtera", pytest.approx(100.0))
    half = Matcher(dataset, {"sector": 3, "geo": 1}).weights
    assert (half["sector"], half["geo"]) == (0.75, 0.25)


def test_weights_are_overflow_safe_and_checked():
    huge = normalise_weights({"sector": 1e308, "geo": 1e308})
    assert (huge["sector"], huge["geo"]) == (0.5, 0.5)
    assert parse_weights("sector=1e308,geo=1e308,naf=0,text=0,member_type=0") == huge
    tiny = normalise_weights({"sector": 5e-324})
    assert tiny["sector"] == 1.0
    for bad in (math.inf, math.nan, -1, "1", True):
        with pytest.raises(UsageError):
            normalise_weights({"sector": bad})
    with pytest.raises(UsageError, match="above 0"):
        normalise_weights({"sector": 0})
    with pytest.raises(UsageError, match="unknown criterion 'sectr'"):
        normalise_weights({"sectr": 1})


def test_huge_weights_on_the_command_line_keep_the_scores(runner, small, tmp_path):
    import json

    from clusterctl.cli import app

    path = tmp_path / "p.yaml"
    path.write_text("name: X\nsectors: [textiles]\nlocation: Lyon\n", "utf-8")
    r = runner.invoke(
        app,
        ["match", str(path), "-d", small, "-f", "json", "-w", "sector=1e308,geo=1e308"],
    )
    assert r.exit_code == 0, r.output
    result = json.loads(r.stdout)
    assert result["matches"][0]["score"] > 50
    assert result["weights"]["sector"] == result["weights"]["geo"]


# ------------------------------------------------- batch parity, every rule on
@st.composite
def labelled_profiles(draw):
    d = {"name": "X"}
    d["sectors"] = draw(
        st.lists(
            st.sampled_from(["biotech", "aerospace", "textiles", "santé"]), max_size=2
        )
    )
    if draw(st.booleans()):
        d["location"] = draw(
            st.sampled_from(["Lyon", "Toulouse", "Lille", "Occitanie"])
        )
    if draw(st.booleans()):
        d["size"] = draw(st.sampled_from(["startup", "sme", "large"]))
    d["looking_for"] = draw(
        st.lists(st.sampled_from(["funding", "export", "europe"]), max_size=2)
    )
    if draw(st.booleans()):
        d["naf"] = draw(st.sampled_from(["21.20Z", "30.30Z", "13.96Z"]))
    if not (d["sectors"] or d.get("naf")):
        d["keywords"] = ["drones"]
    return d


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(labelled_profiles(), st.sampled_from([None, "all", "current"]))
def test_batch_ranks_as_the_reference_with_labels_and_unknown_members(
    labelled, d, status
):
    from clusterctl.labels import resolve_statuses

    statuses = resolve_statuses([status]) if status else None
    m = Matcher(labelled.dataset, statuses=statuses, on=ON)
    c = company(**d)
    reference = m.match(c)
    fast = BatchMatcher(m).rank([c], top=len(m.profiles))[0]
    assert [m.clusters[k].id for k, _ in fast] == [x.cluster.id for x in reference]
    for (_, score), ref in zip(fast, reference, strict=True):
        assert score == ref.score


@pytest.mark.parametrize("fmt", ["json", "ndjson", "yaml"])
def test_batch_records_agree_with_single_matches(runner, tmp_path, fmt):
    """Label fields and the breakdown (weights as each cluster was scored,
    member_type shared out where unknown) are the same in a batch record as in
    `match PROFILE`."""
    import json

    import yaml

    from clusterctl.cli import app

    data = standard(tmp_path)
    env = {"CLUSTERCTL_TODAY": "2026-12-06"}
    profile = {
        "name": "X",
        "sectors": ["biotech"],
        "location": "Lyon",
        "size": "startup",
    }
    (tmp_path / "p.json").write_text(json.dumps(profile), "utf-8")
    (tmp_path / "r.ndjson").write_text(json.dumps(profile) + "\n", "utf-8")
    single = runner.invoke(
        app, ["match", str(tmp_path / "p.json"), "-d", data, "-f", "json"], env=env
    )
    batch = runner.invoke(
        app,
        ["match", "-b", str(tmp_path / "r.ndjson"), "-d", data, "-f", fmt],
        env=env,
    )
    assert batch.exit_code == 0, batch.output
    if fmt == "json":
        record = json.loads(batch.stdout)[0]
    elif fmt == "ndjson":
        record = json.loads(batch.stdout.splitlines()[0])
    else:
        record = yaml.safe_load(batch.stdout)[0]
    expected = json.loads(single.stdout)["matches"]
    got = record["matches"]
    assert [m["id"] for m in got] == [m["id"] for m in expected]
    for g, e in zip(got, expected, strict=True):
        assert (g["label_status"], g["label_note"]) == (
            e["label_status"],
            e["label_note"],
        )
        for name in CRITERIA:
            for key in ("score", "weight", "contribution"):
                assert g["breakdown"][name][key] == e["breakdown"][name][key]
    assert any(e["breakdown"]["member_type"]["shared"] for e in expected)
