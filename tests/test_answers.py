"""What the browsing commands answer, tested as library calls (no CliRunner):
facets, the clusters fitting a NAF code, listing and sorting, the info record,
names, and the choice of matches to show."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterctl.dataset import Dataset, load_dataset
from clusterctl.datasetinfo import dataset_info, label_freshness, provenance
from clusterctl.errors import NotFoundError, UsageError
from clusterctl.facets import region_facets, sector_facets
from clusterctl.listing import list_rows, sort_rows, unknown_member_types
from clusterctl.lookup import absorbed_named, one_cluster
from clusterctl.matching import Matcher
from clusterctl.naf import code_fits, lookup
from clusterctl.naffit import naf_entry, naf_fit
from clusterctl.profiles import resolve_profile
from clusterctl.query import Filters
from clusterctl.scoring import ClusterProfile
from clusterctl.selection import match_of, require_clusters, scored_target, top_matches
from clusterctl.taxonomy import load_taxonomy
from conftest import SMALL
from fixture_data import LYON, TOULOUSE, cluster, standard, write_dataset

TODAY = dt.date(2026, 12, 6)


@pytest.fixture(scope="module")
def small() -> Dataset:
    return load_dataset(SMALL)


@pytest.fixture
def labelled(tmp_path: Path) -> Dataset:
    return load_dataset(standard(tmp_path))


# ---------------------------------------------------------------------- facets
def test_sector_facets_count_current_clusters_under_each_sector(
    tmp_path: Path,
) -> None:
    dataset = load_dataset(
        write_dataset(
            tmp_path,
            [
                cluster("a", sectors=["biotech"]),
                cluster("b", sectors=["health", "pharma"]),
                cluster("c", sectors=["pharma"], status="merged", successor="a"),
            ],
        )
    )
    rows = {r["id"]: r for r in sector_facets(dataset, load_taxonomy())}
    assert rows["biotech"]["clusters"] == 1
    assert rows["pharma"]["clusters"] == 1  # the merged one does not count
    assert rows["health"]["clusters"] == 2  # a parent counts its children
    assert rows["aerospace"]["clusters"] == 0
    assert rows["biotech"]["parent"] == "health"
    assert list(rows) == list(load_taxonomy().sectors)


def test_region_facets_count_coverage_and_head_offices(tmp_path: Path) -> None:
    dataset = load_dataset(
        write_dataset(
            tmp_path,
            [
                cluster("a", regions=["Occitanie", "Nouvelle-Aquitaine"], hq=TOULOUSE),
                cluster("b", regions=["Nouvelle-Aquitaine", "Occitanie"], hq=TOULOUSE),
                cluster("c", regions=["Auvergne-Rhône-Alpes"], hq=LYON),
            ],
        )
    )
    rows = {r["name"]: r for r in region_facets(dataset)}
    assert len(rows) == 18
    assert (rows["Occitanie"]["clusters"], rows["Occitanie"]["hq_clusters"]) == (2, 1)
    assert rows["Nouvelle-Aquitaine"]["hq_clusters"] == 1
    assert rows["Bretagne"]["clusters"] == 0
    assert rows["Occitanie"]["code"] == "76"


# --------------------------------------------------------------------- NAF fit
def test_naf_fit_lists_clusters_by_their_naf_codes_first(small: Dataset) -> None:
    record = naf_fit(small, naf_entry("30.30Z"), load_taxonomy())
    ids = [c["id"] for c in record["clusters"]]
    # Aerospace Valley lists 30.30Z itself; merged Optitec never appears.
    assert ids[0] == "aerospace-valley"
    assert "optitec" not in ids
    assert "aerospace" in [s["id"] for s in record["sectors"]]
    assert record["label"] == lookup("30.30Z").label  # type: ignore[union-attr]
    by_naf = [c for c in ids if any(code_fits("30.30Z", p) for p in small.get(c).naf)]
    assert ids[: len(by_naf)] == by_naf
    assert ids[len(by_naf) :] == sorted(ids[len(by_naf) :])


def test_naf_fit_puts_clusters_with_the_code_before_those_with_the_sector(
    tmp_path: Path,
) -> None:
    dataset = load_dataset(
        write_dataset(
            tmp_path,
            [
                cluster("a-sector", sectors=["aeronautics"]),
                cluster("b-naf", sectors=["textiles"], naf=["30.30"]),
                cluster("c-none", sectors=["textiles"], naf=["13"]),
            ],
        )
    )
    record = naf_fit(dataset, naf_entry("30.30Z"), load_taxonomy())
    assert [c["id"] for c in record["clusters"]] == ["b-naf", "a-sector"]


def test_naf_fit_of_a_division_reaches_the_clusters_of_its_subclasses(
    small: Dataset,
) -> None:
    record = naf_fit(small, naf_entry("62"), load_taxonomy())
    assert {"cap-digital", "scs", "systematic-paris-region"} <= {
        c["id"] for c in record["clusters"]
    }


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("abc", "not a NAF rev. 2 code 'abc'"),
        ("62.99", "unknown NAF rev. 2 code '62.99' (closest: "),
    ],
)
def test_naf_entry_refuses_what_is_no_code(code: str, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        naf_entry(code)


NAF_PIECES = st.sampled_from(["62", "62.0", "62.02", "62.02A", "30.30Z", "30", "01.1"])


@given(st.lists(NAF_PIECES, max_size=6, unique=True), NAF_PIECES)
def test_cluster_prefixes_of_a_code_are_those_that_fit_it(
    prefixes: list[str], code: str
) -> None:
    """The scorer's quick lookup of a cluster's NAF prefixes and `code_fits`,
    used by `naf`, agree."""
    profile = ClusterProfile.__new__(ClusterProfile)
    object.__setattr__(profile, "naf", tuple(prefixes))
    expected = [p for p in prefixes if code_fits(code, p)]
    assert profile.naf_prefixes_of(code) == expected


# --------------------------------------------------------------------- listing
def test_list_rows_label_and_filter_on_the_date(labelled: Dataset) -> None:
    rows = list_rows(labelled, Filters(), on=TODAY)
    assert [r["id"] for r in rows] == ["alpha", "beta", "gamma", "epsilon", "zeta"]
    assert rows[1]["label_status"] == "lapsed"
    keys = list(rows[0])
    assert keys[keys.index("status") + 1 : keys.index("status") + 3] == [
        "label_status",
        "label_note",
    ]
    current = list_rows(labelled, Filters(statuses=frozenset({"current"})), on=TODAY)
    assert [r["id"] for r in current] == ["alpha", "epsilon"]


def test_list_rows_near_a_place_sorts_by_distance(labelled: Dataset) -> None:
    from clusterctl.geography import resolve_place

    toulouse = resolve_place("Toulouse")
    rows = list_rows(labelled, Filters(near=toulouse), on=TODAY, limit=2)
    assert [r["id"] for r in rows] == ["epsilon", "gamma"]
    assert rows[0]["distance_km"] < 5
    by_name = list_rows(labelled, Filters(near=toulouse), sort="-name", on=TODAY)
    assert [r["id"] for r in by_name] == ["zeta", "gamma", "epsilon", "beta", "alpha"]


ROWS = [
    {"id": "b", "name": "Étoile", "n": 2, "tags": ["y"], "hq": {"city": "Lyon"}},
    {
        "id": "a",
        "name": "abeille",
        "n": None,
        "tags": ["x", "z"],
        "hq": {"city": "Albi"},
    },
    {"id": "c", "name": "Zèbre", "n": 2, "tags": [], "hq": {"city": "Paris"}},
    {"id": "d", "name": "etoile", "n": 1, "tags": ["x"], "hq": {"city": "Caen"}},
]
VALID = ["id", "name", "n", "tags", "hq", "hq.city"]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("name", ["a", "b", "d", "c"]),  # folded: accents and case do not matter
        ("-name", ["c", "b", "d", "a"]),  # ties keep id order both ways
        ("n", ["d", "b", "c", "a"]),  # missing values last
        ("-n", ["b", "c", "d", "a"]),
        ("tags", ["c", "d", "a", "b"]),  # lists by their joined text
        ("hq.city", ["a", "d", "b", "c"]),
        (None, ["b", "a", "c", "d"]),  # no key: as given
    ],
)
def test_sort_rows(key: str | None, expected: list[str]) -> None:
    assert [r["id"] for r in sort_rows(ROWS, key, VALID)] == expected


def test_sort_rows_refuses_unknown_fields_and_fields_with_sub_fields() -> None:
    with pytest.raises(UsageError, match="cannot sort by 'colour'; '--fields help'"):
        sort_rows(ROWS, "colour", VALID)
    with pytest.raises(UsageError, match=r"sort by one of hq\.city"):
        sort_rows(ROWS, "hq", VALID)


def test_unknown_member_types_counts_the_clusters_that_do_not_say(
    labelled: Dataset,
) -> None:
    # alpha and zeta record theirs; beta, gamma and epsilon do not; delta merged.
    assert (
        unknown_member_types(labelled, {"current", "lapsed", "unconfirmed"}, TODAY) == 3
    )
    assert unknown_member_types(labelled, {"current"}, TODAY) == 1


# ------------------------------------------------------------------------ info
def test_dataset_info_counts_statuses_and_labels_on_the_date(
    labelled: Dataset,
) -> None:
    record = dataset_info(labelled, TODAY)
    assert record["clusters"] == 6
    assert record["by_status"] == {
        "active": 2,
        "merged": 1,
        "probation": 2,
        "unconfirmed": 1,
    }
    assert record["by_label_status"]["lapsed"] == 1
    assert record["distinct_sources"] == 6
    later = label_freshness(labelled, dt.date(2027, 1, 1))
    # alpha's, epsilon's and zeta's terms end on 2026-12-31; beta's ended before.
    assert later["by_label_status"]["lapsed"] == 4


def test_dataset_info_leaves_out_label_states_no_cluster_has(small: Dataset) -> None:
    assert dataset_info(small, TODAY)["by_label_status"] == {
        "current": 7,
        "merged": 1,
    }


def test_provenance_says_how_facts_are_dated_and_sourced(small: Dataset) -> None:
    facts = provenance(small)
    assert facts["member_counts"] == 8
    assert facts["member_counts_with_source"] == 0
    assert facts["member_counts_as_of"] == {"oldest": 2019, "newest": 2023}
    assert facts["unverified_websites"] == 1  # optitec's
    assert facts["low_confidence"] == []


# ----------------------------------------------------------------------- names
def test_one_cluster_by_any_of_its_names(small: Dataset) -> None:
    assert one_cluster(small, "LYONBIOPOLE").id == "lyonbiopole"
    with pytest.raises(NotFoundError, match="did you mean"):
        one_cluster(small, "lyonbiopol")


def test_one_cluster_refuses_a_name_shared_by_several(tmp_path: Path) -> None:
    dataset = load_dataset(
        write_dataset(
            tmp_path,
            [cluster("a", aliases=["Twin"]), cluster("b", aliases=["Twin"])],
        )
    )
    with pytest.raises(NotFoundError, match=r"'twin' names several clusters: a \(A\)"):
        one_cluster(dataset, "twin")


def test_absorbed_named() -> None:
    record = {
        "id": "scs",
        "name": "SCS",
        "aliases": [],
        "former_names": ["Solutions Communicantes Sécurisées"],
        "absorbed": [{"name": "Optitec", "year": 2023}],
    }
    assert absorbed_named(record, "OPTITEC") == {"name": "Optitec", "year": 2023}
    assert absorbed_named(record, "scs") is None
    assert absorbed_named(record, "solutions communicantes securisees") is None


# ------------------------------------------------------------------- selection
def test_top_matches_keep_their_rank(labelled: Dataset) -> None:
    matcher = Matcher(labelled, on=TODAY)
    company = resolve_profile(_profile())
    ranked = matcher.match(company)
    chosen = top_matches(ranked, 2, min_score=0)
    assert [rank for rank, _ in chosen] == [1, 2]
    floor = ranked[2].score
    above = top_matches(ranked, 10, min_score=floor + 1e-9)
    assert [m.cluster.id for _, m in above] == [m.cluster.id for m in ranked[:2]]


def test_match_of_a_merged_cluster_scores_its_successor(labelled: Dataset) -> None:
    matcher = Matcher(labelled, on=TODAY)
    ranked = matcher.match(resolve_profile(_profile()))
    target, note = scored_target(matcher, "delta")
    assert target.id == "alpha"
    assert note == "Delta has merged into alpha; scoring that instead"
    [(rank, found)] = match_of(target, matcher, ranked)
    assert found.cluster.id == "alpha"
    assert ranked[rank - 1] is found


def test_match_of_an_unranked_cluster_says_why(labelled: Dataset) -> None:
    matcher = Matcher(labelled, statuses=frozenset({"current"}), on=TODAY)
    ranked = matcher.match(resolve_profile(_profile()))
    target, note = scored_target(matcher, "gamma")
    assert note is None
    with pytest.raises(NotFoundError, match=r"its label is unconfirmed .*--status all"):
        match_of(target, matcher, ranked)


def test_require_clusters_says_why_nothing_is_ranked(labelled: Dataset) -> None:
    require_clusters(Matcher(labelled, on=TODAY), None)
    empty = Matcher(labelled, statuses=frozenset({"merged"}), on=TODAY)
    with pytest.raises(NotFoundError, match="no cluster's label is merged on 2026"):
        require_clusters(empty, ["merged"])
    with pytest.raises(NotFoundError, match="no current cluster to match against"):
        require_clusters(empty, None)


def _profile():  # type: ignore[no-untyped-def]
    from clusterctl.models import Profile

    return Profile(name="Acme", sectors=["biotech"], location="Lyon")
