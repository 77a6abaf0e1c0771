"""Library pieces: dataset loading and caching, formats, taxonomy, NAF, API."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from clusterctl import load_dataset, match, match_many
from clusterctl.dataset import ENV_DATA, default_path
from clusterctl.errors import DataFileError, ProfileError
from clusterctl.formats import OutputFormat, write_rows
from clusterctl.naf import lookup, parse_naf
from clusterctl.taxonomy import load_taxonomy
from conftest import SMALL

ROWS = [
    {"id": "a", "tags": ["x", "y"], "hq": {"city": "Lyon"}, "n": 1.5},
    {"id": "b\tc", "tags": [], "hq": {"city": None}, "n": None},
]


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("tsv", "id\ttags\thq.city\tn\na\tx;y\tLyon\t1.5\nb\\tc\t\t\t\n"),
        ("csv", "id,tags,hq.city,n\na,x;y,Lyon,1.5\nb\tc,,,\n"),
        (
            "json",
            '[{"id": "a", "tags": ["x", "y"], "hq": {"city": "Lyon"}, "n": 1.5},\n'
            ' {"id": "b\\tc", "tags": [], "hq": {"city": null}, "n": null}]\n',
        ),
        (
            "ndjson",
            '{"id": "a", "tags": ["x", "y"], "hq": {"city": "Lyon"}, "n": 1.5}\n'
            '{"id": "b\\tc", "tags": [], "hq": {"city": null}, "n": null}\n',
        ),
    ],
)
def test_write_rows(fmt, expected):
    out = io.StringIO()
    write_rows(ROWS, OutputFormat(fmt), out)
    assert out.getvalue() == expected


def test_empty_json_array_and_brackets_are_not_markup():
    out = io.StringIO()
    write_rows([], OutputFormat.json, out)
    assert out.getvalue() == "[]\n"
    table = io.StringIO()
    write_rows([{"id": "[bold]x[/bold]"}], OutputFormat.table, table)
    assert "[bold]x[/bold]" in table.getvalue()


def test_default_path_order(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_DATA, raising=False)
    assert default_path(None).endswith("clusters.yaml")
    monkeypatch.setenv(ENV_DATA, "/env/file.yaml")
    assert default_path(None) == "/env/file.yaml"
    assert default_path("cli.yaml") == "cli.yaml"


def test_bundled_dataset_validates_and_has_the_flagships():
    dataset = load_dataset()
    current = list(dataset.current())
    assert len(current) >= 55
    flagships = {c.id: c for c in dataset.clusters}
    assert flagships["aerospace-valley"].hq.city == "Toulouse"
    assert flagships["systematic-paris-region"].hq.city == "Palaiseau"
    assert all(c.record["sources"] and c.last_verified for c in dataset.clusters)


def test_cache_sees_changes(tmp_path):
    text = Path(SMALL).read_text(encoding="utf-8")
    path = tmp_path / "d.yaml"
    path.write_text(text, encoding="utf-8")
    assert len(load_dataset(str(path)).clusters) == 8
    path.write_text(text.replace("id: techtera", "id: techtera-2"), encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different modification time
    assert load_dataset(str(path)).get("techtera-2") is not None
    path.write_text("dataset: [\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="invalid YAML"):
        load_dataset(str(path))


def test_yaml_11_coercion_hint(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(
        "dataset: {version: 2026, date: 2026-01-01}\nclusters: []\n", encoding="utf-8"
    )
    with pytest.raises(DataFileError) as info:
        load_dataset(str(path))
    assert "YAML read this as a number: put it in quotes" in str(info.value)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("62.02A", "62.02A"),
        ("6202A", "62.02A"),
        ("62.02a", "62.02A"),
        (" 62 02 A ", "62.02A"),
        ("62.02", "62.02"),
        ("62", "62"),
        ("abc", None),
    ],
)
def test_naf_spellings(text, code):
    assert parse_naf(text) == code


def test_naf_labels_at_every_level():
    assert lookup("30.30Z").label == "Construction aéronautique et spatiale"
    assert lookup("62").level == "division"
    assert lookup("99.99Z") is None


def test_taxonomy_words_and_hierarchy():
    t = load_taxonomy()
    assert t.resolve("Santé") == "health"
    assert t.resolve("aeronautique") == "aeronautics"
    assert t.resolve("plasturgie") == "plastics"
    assert {"biotech", "medtech", "pharma"} <= t.descendants("health")
    assert t.ancestors("biotech") == ["health"]
    assert "aeronautics" in {s for s, _, _ in t.sectors_for_naf("30.30Z")}
    terms = [term for term, _ in t.find_terms("We build drones and satellites")]
    assert "drone" in terms


def test_api_match_and_match_many():
    result = match(
        {"name": "Acme", "sectors": ["biotech"], "location": "Lyon"},
        dataset=SMALL,
        top=2,
    )
    assert result["schema_version"] == 1
    assert [m["rank"] for m in result["matches"]] == [1, 2]
    assert result["matches"][0]["id"] == "lyonbiopole"
    json.dumps(result)  # plain data, ready to serialise
    profiles = [{"name": "A", "naf": "30.30Z", "location": "31000"}, {"name": "B"}]
    rejected: list[tuple[int, str]] = []
    records = list(
        match_many(
            profiles,
            dataset=SMALL,
            top=1,
            on_reject=lambda line, reason: rejected.append((line, reason)),
        )
    )
    assert [r["line"] for r in records] == [1]
    assert records[0]["matches"][0]["id"] == "aerospace-valley"
    assert rejected == [
        (2, "a profile needs at least one of description, sectors, keywords, naf")
    ]
    with pytest.raises(ProfileError, match="profile 2: a profile needs"):
        list(match_many(profiles, dataset=SMALL, top=1))
    with pytest.raises(ProfileError):
        match({"name": "X", "colour": "red", "naf": "62"})


def test_api_weights_follow_the_cli_rules():
    """A weights mapping is what scores: each criterion weighs what it is
    given, criteria not given weigh 0; the --weights syntax keeps the default
    weight of criteria it does not name."""
    from clusterctl.errors import UsageError
    from clusterctl.scoring import CRITERIA

    company = {"name": "A", "sectors": ["biotech"], "location": "Lyon"}
    firsts = []
    for only in ("sector", "geo"):
        result = match(company, dataset=SMALL, weights={only: 2}, explain=True, top=8)
        assert result["weights"] == {c: float(c == only) for c in CRITERIA}
        for m in result["matches"]:
            expected = 100 * m["breakdown"][only]["score"]
            assert m["score"] == pytest.approx(expected, abs=0.02), m["id"]
        firsts.append([m["id"] for m in result["matches"]])
    assert firsts[0] != firsts[1]
    spec = match(company, dataset=SMALL, weights="naf=0,text=0", explain=True)
    assert spec["weights"]["naf"] == spec["weights"]["text"] == 0
    assert spec["weights"]["sector"] > spec["weights"]["geo"] > 0
    with pytest.raises(UsageError, match="unknown criterion 'bogus'"):
        match(
            {"name": "A", "sectors": ["biotech"]}, dataset=SMALL, weights={"bogus": 1}
        )
