"""`clusterctl search`: whole words, phrases first, places, and bounded queries."""

from __future__ import annotations

import gc
import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterctl import search as search_module
from clusterctl.cli import app
from clusterctl.dataset import Dataset, load_dataset
from clusterctl.errors import UsageError
from clusterctl.search import MAX_QUERY_WORDS, index_for, search
from clusterctl.text import normalize, stem


@pytest.fixture(scope="module")
def bundled() -> Dataset:
    return load_dataset()


def words_of(text: str) -> set[str]:
    return {stem(w) for w in normalize(text).split()}


def test_words_match_on_word_boundaries(bundled: Dataset) -> None:
    hits = search(bundled, "vin", min_score=0)
    assert hits
    for hit in hits:
        assert "vin" in words_of(hit.matched), (hit.cluster.id, hit.matched)
    assert not {"autonomous driving", "weaving"} & {h.matched for h in hits}


@given(st.data())
@settings(max_examples=60, deadline=None)
def test_a_short_word_is_found_only_as_a_whole_word(
    bundled: Dataset, data: st.DataObject
) -> None:
    vocabulary = sorted(w for w in index_for(bundled).postings if 2 < len(w) < 4)
    word = data.draw(st.sampled_from(vocabulary))
    for hit in search(bundled, word, min_score=0):
        assert word in words_of(hit.matched), (word, hit.matched)


def test_exact_phrase_outranks_a_partial_one(bundled: Dataset) -> None:
    hits = search(bundled, "jeux video")
    assert (hits[0].cluster.id, hits[0].matched) == ("minalogic", "Jeux vidéo")
    partial = [h for h in hits if "société" in h.matched]
    assert all(h.score < hits[0].score for h in partial)


def test_a_text_equal_to_the_query_outranks_one_containing_it(bundled) -> None:
    index = index_for(bundled)
    for entry in index.entries[:: max(1, len(index.entries) // 200)]:
        if len(entry.text) > 60:
            continue
        hits = index.search(entry.shown, min_score=0)
        assert hits[0].score >= 100 * search_module.FIELDS[entry.field] - 1e-9, entry


@pytest.mark.parametrize(
    ("query", "cluster", "field"),
    [
        ("Palaiseau", "systematic-paris-region", "city"),
        ("Écully", "techtera", "city"),
        ("Occitanie", "aerospace-valley", "region"),
        ("Midi-Pyrénées", "aerospace-valley", "region"),
        ("Brittany", "pole-mer-bretagne-atlantique", "region"),
    ],
)
def test_head_office_city_and_regions_are_searchable(
    runner, small, query: str, cluster: str, field: str
) -> None:
    result = runner.invoke(app, ["search", query, "-d", small, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    hits = {h["id"]: h for h in json.loads(result.stdout)}
    assert hits[cluster]["field"] == field


@pytest.mark.parametrize("query", ["", "   ", "!!!"])
def test_empty_query_is_a_usage_error(runner, small, query: str) -> None:
    result = runner.invoke(app, ["search", query, "-d", small])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "nothing to search for" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_ten_thousand_word_query_is_refused_at_once(runner, small) -> None:
    query = " ".join(["hydrogen"] * 10_000)
    started = time.perf_counter()
    result = runner.invoke(app, ["search", query, "-d", small])
    assert time.perf_counter() - started < 5
    assert result.exit_code == 2
    assert "search text too long" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_the_longest_accepted_query_answers(small) -> None:
    dataset = load_dataset(small)
    query = " ".join(["cybersécurité", "quantique"] * (MAX_QUERY_WORDS // 2))
    assert search(dataset, query)[0].cluster.id == "systematic-paris-region"
    with pytest.raises(UsageError):
        search(dataset, query + " drones")


def test_the_index_lives_only_as_long_as_its_dataset(small) -> None:
    base = load_dataset(small)
    gc.collect()
    before = len(search_module._INDEXES)
    for n in range(1, 30):
        clusters = base.clusters[: 1 + n % len(base.clusters)]
        dataset = Dataset(base.info, clusters, base.source)
        hits = search(dataset, "aerospace valley", min_score=0)
        assert {h.cluster.id for h in hits} <= {c.id for c in clusters}
        del dataset, hits
    gc.collect()
    assert len(search_module._INDEXES) <= before
