"""A cluster's label judged on a date: what `match`, `list` and `show` say,
and how `match` ranks by it. Dates are pinned (2026-12-06, before the end of
phase V; 2027-02-01, after it)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from clusterctl.cli import app
from clusterctl.dataset import load_dataset
from clusterctl.labels import (
    Programme,
    label_of,
    phase_notice,
    programme_of,
    resolve_statuses,
)
from clusterctl.matching import Matcher
from clusterctl.models import Profile
from clusterctl.profiles import resolve_profile
from fixture_data import standard

BEFORE = dt.date(2026, 12, 6)
AFTER = dt.date(2027, 2, 1)
PHASE_V = Programme(
    name="pôles de compétitivité",
    phase="V",
    start=dt.date(2023, 1, 1),
    end=dt.date(2026, 12, 31),
    next_note="No call or list for phase VI was published",
    next_as_of=dt.date(2026, 12, 1),
)


@pytest.fixture
def data(tmp_path):
    return standard(tmp_path)


def company(**fields):
    fields.setdefault("name", "Test company")
    return resolve_profile(Profile.model_validate(fields))


# ------------------------------------------------------------------ the rule
@pytest.mark.parametrize(
    ("status", "term", "on", "expected", "note"),
    [
        ("active", "2026-12-31", BEFORE, "current", "labelled to 2026-12-31"),
        ("active", "2026-12-31", AFTER, "lapsed", "not confirmed since 2026-12-31"),
        ("probation", "2024-12-31", BEFORE, "lapsed", "since 2024-12-31"),
        ("probation", "2027-06-30", BEFORE, "probation", "to 2027-06-30"),
        ("unconfirmed", "2023-12-31", BEFORE, "unconfirmed", "since 2023-12-31"),
        ("unconfirmed", "2027-12-31", BEFORE, "unconfirmed", "not confirmed"),
        ("merged", None, BEFORE, "merged", "merged into"),
        ("active", None, AFTER, "current", "no term recorded"),
    ],
)
def test_label_on_a_date(status, term, on, expected, note):
    end = dt.date.fromisoformat(term) if term else None
    label = label_of(status, on, term_end=end, successor="x")
    assert label.status == expected
    assert note in label.note


def test_the_last_day_of_a_term_is_still_current():
    end = dt.date(2026, 12, 31)
    assert label_of("active", end, term_end=end).status == "current"
    assert label_of("active", end + dt.timedelta(1), term_end=end).status == "lapsed"


def test_a_later_source_is_mentioned_but_does_not_renew_a_label():
    label = label_of(
        "probation",
        BEFORE,
        term_end=dt.date(2024, 12, 31),
        status_as_of=dt.date(2025, 4, 29),
    )
    assert label.status == "lapsed"
    assert "2025-04-29" in label.note


def test_a_record_with_no_term_takes_the_programme_end():
    during = label_of("active", BEFORE, programme=PHASE_V)
    assert during.status == "current"
    assert "2026-12-31" in during.note
    after = label_of("active", AFTER, programme=PHASE_V)
    assert after.status == "lapsed"
    assert after.note == "label not confirmed since 2026-12-31, when phase V ended"


def test_programme_block_is_read_from_a_mapping_or_absent():
    header = {
        "programme": {
            "name": "pôles",
            "phase": "V",
            "start": "2023-01-01",
            "end": dt.date(2026, 12, 31),
            "next_phase": {"note": "nothing yet", "as_of": "2026-12-01"},
        }
    }
    programme = programme_of(header)
    assert programme is not None
    assert programme.end == dt.date(2026, 12, 31)
    assert programme.next_as_of == dt.date(2026, 12, 1)
    assert programme.ended(AFTER)
    assert not programme.ended(BEFORE)
    assert programme_of({}) is None
    assert programme_of(object()) is None


def test_statuses_and_groups():
    assert resolve_statuses(["current"]) == {"current", "probation"}
    assert resolve_statuses(["doubtful"]) == {"lapsed", "unconfirmed"}
    assert resolve_statuses(["Lapsed", "merged"]) == {"lapsed", "merged"}
    assert "merged" not in resolve_statuses(["labelled"])
    with pytest.raises(Exception, match="did you mean 'lapsed'"):
        resolve_statuses(["lapsd"])


# ------------------------------------------------------------------ ranking
def test_default_ranks_on_score_and_flags_doubtful_labels(data):
    matcher = Matcher(load_dataset(data), on=BEFORE)
    ranked = matcher.match(company(sectors=["biotech"], location="Lyon"))
    ids = [m.cluster.id for m in ranked]
    scores = [m.score for m in ranked]
    assert scores == sorted(scores, reverse=True)
    assert ids[0] == "beta"  # fits best, label lapsed: ranked, and says so
    assert ranked[0].label.doubtful
    assert "delta" not in ids  # merged: never ranked


def test_current_first_ranks_current_labels_then_doubtful_ones(data):
    matcher = Matcher(load_dataset(data), current_first=True, on=BEFORE)
    ranked = matcher.match(company(sectors=["biotech"], location="Lyon"))
    ids = [m.cluster.id for m in ranked]
    scores = {m.cluster.id: m.score for m in ranked}
    assert scores["beta"] > scores["alpha"]  # beta fits better...
    assert ids.index("alpha") < ids.index("beta")  # ...but its label lapsed
    keys = [(m.label.doubtful, -m.score) for m in ranked]
    assert keys == sorted(keys)
    assert "delta" not in ids


def test_status_all_ranks_on_score_alone_and_current_leaves_doubtful_out(data):
    dataset = load_dataset(data)
    fields = {"sectors": ["biotech"], "location": "Lyon"}
    everything = Matcher(dataset, statuses=resolve_statuses(["all"]), on=BEFORE)
    ids = [m.cluster.id for m in everything.match(company(**fields))]
    assert ids[0] == "beta"
    assert "delta" not in ids
    current = Matcher(dataset, statuses=resolve_statuses(["current"]), on=BEFORE)
    assert {c.id for c in current.clusters} == {"alpha", "epsilon", "zeta"}


def test_after_the_phase_every_label_lapsed_and_match_still_answers(data):
    matcher = Matcher(load_dataset(data), on=AFTER)
    assert matcher.match(company(sectors=["biotech"]))[0].cluster.id == "beta"
    assert all(label.doubtful for label in matcher.labels)
    notice = phase_notice(load_dataset(data), AFTER)
    assert notice is not None
    assert "no cluster" in notice


# ------------------------------------------------------------------ CLI
def run(runner, args, today):
    return runner.invoke(app, args, env={"CLUSTERCTL_TODAY": today})


def profile(tmp_path, text="name: X\nsectors: [biotech]\nlocation: Lyon\n"):
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_match_json_carries_the_label_and_warns_about_doubtful_ones(
    runner, data, tmp_path
):
    r = run(
        runner, ["match", profile(tmp_path), "-d", data, "-f", "json"], "2026-12-06"
    )
    assert r.exit_code == 0, r.output
    result = json.loads(r.stdout)
    matches = {m["id"]: m for m in result["matches"]}
    assert matches["alpha"]["label_status"] == "current"
    assert matches["beta"]["label_status"] == "lapsed"
    assert matches["beta"]["label_note"] == "label not confirmed since 2024-12-31"
    assert matches["zeta"]["label_status"] == "probation"
    assert result["date"] == "2026-12-06"
    ids = [m["id"] for m in result["matches"]]
    assert ids[0] == "beta"
    assert "label not current on 2026-12-06: Beta" in r.stderr
    first = run(
        runner,
        ["match", profile(tmp_path), "-d", data, "-f", "json", "--current-first"],
        "2026-12-06",
    )
    ids = [m["id"] for m in json.loads(first.stdout)["matches"]]
    assert ids.index("alpha") < ids.index("beta")
    codes = [w["code"] for w in result["warnings"]]
    assert "label_doubtful" in codes


def test_match_tsv_has_label_columns_and_table_a_marker(runner, data, tmp_path):
    path = profile(tmp_path)
    r = run(runner, ["match", path, "-d", data, "-f", "tsv"], "2026-12-06")
    header, *rows = r.stdout.splitlines()
    columns = header.split("\t")
    assert "label_status" in columns
    assert "label_note" in columns
    beta = next(row.split("\t") for row in rows if "\tbeta\t" in row)
    assert beta[columns.index("label_status")] == "lapsed"
    table = run(runner, ["match", path, "-d", data, "-f", "table"], "2026-12-06")
    assert "! lapsed:" in table.stdout


def test_match_after_the_phase_still_ranks_and_says_so(runner, data, tmp_path):
    r = run(
        runner, ["match", profile(tmp_path), "-d", data, "-f", "json"], "2027-02-01"
    )
    assert r.exit_code == 0
    matches = json.loads(r.stdout)["matches"]
    assert matches
    assert {m["label_status"] for m in matches} <= {"lapsed", "unconfirmed"}
    assert "no cluster of this dataset has a label known to be current" in r.stderr
    only = run(
        runner,
        ["match", profile(tmp_path), "-d", data, "--status", "current"],
        "2027-02-01",
    )
    assert only.exit_code == 1
    assert "no cluster's label is current on 2027-02-01" in only.stderr


def test_match_status_option(runner, data, tmp_path):
    path = profile(tmp_path)
    args = ["match", path, "-d", data, "-f", "json", "--top", "10"]
    doubtful = run(runner, [*args, "--status", "doubtful"], "2026-12-06")
    assert {m["id"] for m in json.loads(doubtful.stdout)["matches"]} == {
        "beta",
        "gamma",
    }
    everything = run(runner, [*args, "--status", "all"], "2026-12-06")
    ranked = [m["id"] for m in json.loads(everything.stdout)["matches"]]
    assert ranked[0] == "beta"
    assert "delta" not in ranked
    bad = run(runner, [*args, "--status", "lapsd"], "2026-12-06")
    assert bad.exit_code == 2
    assert "did you mean 'lapsed'" in bad.stderr


def test_match_one_cluster_that_is_not_ranked_says_why(runner, data, tmp_path):
    r = run(
        runner,
        ["match", profile(tmp_path), "-d", data, "--status", "current", "-c", "beta"],
        "2026-12-06",
    )
    assert r.exit_code == 1
    assert "its label is lapsed (label not confirmed since 2024-12-31)" in r.stderr


@pytest.mark.parametrize(
    ("today", "wanted", "expected"),
    [
        ("2026-12-06", None, ["alpha", "beta", "epsilon", "gamma", "zeta"]),
        ("2026-12-06", "current", ["alpha", "epsilon", "zeta"]),
        ("2026-12-06", "doubtful", ["beta", "gamma"]),
        ("2026-12-06", "probation", ["zeta"]),
        ("2026-12-06", "merged", ["delta"]),
        ("2027-02-01", "current", []),
        ("2027-02-01", "lapsed", ["alpha", "beta", "epsilon", "zeta"]),
    ],
)
def test_list_status_filters_on_the_label_of_the_day(
    runner, data, today, wanted, expected
):
    args = ["list", "-d", data, "-f", "json", "--sort", "id"]
    r = run(runner, [*args, "--status", wanted] if wanted else args, today)
    assert sorted(c["id"] for c in json.loads(r.stdout)) == expected
    assert r.exit_code == (0 if expected else 1)


def test_list_and_show_carry_the_label(runner, data):
    r = run(runner, ["list", "-d", data, "-f", "tsv"], "2026-12-06")
    header, *rows = [line.split("\t") for line in r.stdout.splitlines()]
    assert header[:5] == ["id", "name", "status", "label_status", "label_note"]
    assert ["beta", "Beta", "probation", "lapsed"] in [row[:4] for row in rows]
    table = run(runner, ["list", "-d", data, "-f", "table"], "2026-12-06")
    assert "! lapsed" in table.stdout
    shown = run(runner, ["show", "gamma", "-d", data, "-f", "json"], "2026-12-06")
    record = json.loads(shown.stdout)
    assert record["label_status"] == "unconfirmed"
    assert record["label_note"] == "label not confirmed since 2023-12-31"
    keys = list(record)
    assert keys.index("label_status") == keys.index("status") + 1
    fields = run(
        runner,
        ["show", "alpha", "-d", data, "-f", "json", "--fields", "id,label_status"],
        "2027-02-01",
    )
    assert json.loads(fields.stdout) == {"id": "alpha", "label_status": "lapsed"}


def test_related_gives_each_partner_its_label(runner, data):
    r = run(runner, ["related", "alpha", "-d", data, "-f", "json"], "2026-12-06")
    rows = {row["id"]: row for row in json.loads(r.stdout)}
    assert rows["beta"]["label_status"] == "lapsed"
    assert "delta" not in rows  # merged


def test_info_tells_freshness_and_warns_after_the_phase(runner, data):
    before = run(runner, ["info", "-d", data, "-f", "json"], "2026-12-06")
    record = json.loads(before.stdout)
    assert record["today"] == "2026-12-06"
    assert record["days_since_date"] == 9
    assert record["by_label_status"] == {
        "current": 2,
        "probation": 1,
        "lapsed": 1,
        "unconfirmed": 1,
        "merged": 1,
    }
    assert "warning" not in before.stderr
    after = run(runner, ["info", "-d", data, "-f", "json"], "2027-02-01")
    assert json.loads(after.stdout)["by_label_status"]["lapsed"] == 4
    assert "no cluster of this dataset has a label known to be current" in after.stderr


def test_member_type_filter_says_what_it_leaves_out(runner, data):
    r = run(
        runner,
        ["list", "-d", data, "-f", "json", "--member-type", "startup"],
        "2026-12-06",
    )
    assert [c["id"] for c in json.loads(r.stdout)] == ["alpha"]
    assert "3 clusters do not record the types of members they admit" in r.stderr


def test_phase_notice_reads_the_programme_block_when_the_dataset_has_one(data):
    from types import SimpleNamespace

    clusters = load_dataset(data).clusters
    block = {
        "name": "pôles de compétitivité",
        "phase": "V",
        "end": "2026-12-31",
        "next_phase": {
            "note": "No list for phase VI was found.",
            "as_of": "2026-12-01",
        },
    }
    dataset = SimpleNamespace(info={"programme": block}, clusters=clusters)
    assert phase_notice(dataset, BEFORE) is None  # type: ignore[arg-type]
    assert phase_notice(dataset, AFTER) == (  # type: ignore[arg-type]
        "phase V ended on 2026-12-31; no list for phase VI was found (as of 2026-12-01)"
    )
    silent = SimpleNamespace(info={"programme": {"phase": "V", "end": "2026-12-31"}})
    silent.clusters = clusters
    assert phase_notice(silent, AFTER) == (  # type: ignore[arg-type]
        "phase V ended on 2026-12-31; this dataset records nothing about the next phase"
    )


def test_phase_notice_uses_the_datasets_french_note_in_french(data):
    from types import SimpleNamespace

    from clusterctl import i18n

    clusters = load_dataset(data).clusters
    block = {
        "phase": "V",
        "end": "2026-12-31",
        "next_phase": {
            "note": "No list for phase VI was found.",
            "note_fr": "Aucune liste pour la phase VI n'a été trouvée.",
            "as_of": "2026-12-01",
        },
    }
    dataset = SimpleNamespace(info={"programme": block}, clusters=clusters)
    i18n.set_language("fr")
    try:
        notice = phase_notice(dataset, AFTER)  # type: ignore[arg-type]
    finally:
        i18n.set_language("en")
    assert notice is not None
    assert "aucune liste pour la phase VI" in notice
    assert "No list" not in notice
