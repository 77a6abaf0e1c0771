"""One company, one answer: a company written as a one-row CSV register and as
a profile gets the same clusters, scores, warnings (codes and texts) and the
same rejection from `match --batch` and `match PROFILE`; the batch record is
the same object in NDJSON and from `clusterctl.match_many`, and CSV is a view
of it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from clusterctl.cli import app
from conftest import PLAIN_ENV, SMALL

PARITY = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
COLUMNS = (
    "name",
    "siren",
    "description",
    "sectors",
    "keywords",
    "naf",
    "location",
    "city",
    "postal_code",
    "size",
    "employees",
    "looking_for",
)
SECTOR_WORDS = [
    "biotech",
    "drones",
    "aerospace",
    "textile",
    "cybersecurity",
    "green hydrogen",
    "aeronautcs",  # a close spelling
    "basketry",  # unknown
]
KEYWORDS = ["quantum computing", "vaccines", "composite materials", "smart grids"]
NAF_CODES = ["30.30Z", "21.20Z", "62.01Z", "72.11Z", "13.96Z", "62", "10.51C"]
BAD_NAF = ["99.99Q", "72.2A", "ABC"]
#: (city, postal code): valid, contradicting, invalid, unknown
PLACES = [
    ("Lyon", "69007"),
    ("Toulouse", "31000"),
    ("Lille", "59000"),
    ("Toulouse", "69007"),
    ("Roubaix", "ABCDE"),
    ("Nowhereville", ""),
    ("", "29200"),
    ("Saint-Denis", ""),
]
SIZES = ["startup", "sme", "midcap", "large", "research", "SME", "huge"]


@st.composite
def companies(draw: st.DrawFn) -> dict[str, Any]:
    """A company as a profile mapping, with any field left out."""
    out: dict[str, Any] = {}
    if draw(st.booleans()) or draw(st.booleans()):
        out["name"] = draw(st.sampled_from(["Acme", "Véga Systèmes", "O'Brien & Co"]))
    if draw(st.booleans()):
        out["siren"] = draw(st.sampled_from(["123456789", "552100554"]))
    # without free text, a CSV row takes the batch's fast path
    lists: list[tuple[str, list[str]]] = [("naf", NAF_CODES + BAD_NAF)]
    if draw(st.booleans()):
        lists += [
            ("sectors", SECTOR_WORDS),
            ("keywords", KEYWORDS),
            ("looking_for", ["funding", "export", "yachts"]),
        ]
        if draw(st.integers(0, 3)) == 0:
            out["description"] = draw(
                st.sampled_from(
                    ["We design drones for farms", "Vaccines and diagnostics", "Bakery"]
                )
            )
    for key, values in lists:
        least = 0 if len(lists) > 1 or draw(st.integers(0, 5)) == 0 else 1
        chosen = draw(
            st.lists(st.sampled_from(values), min_size=least, max_size=2, unique=True)
        )
        if chosen:
            out[key] = chosen
    where = draw(st.integers(0, 3))
    if where == 1:
        out["location"] = draw(st.sampled_from(["Lyon", "31000", "Brest", "Atlantis"]))
    elif where >= 2:
        city, postal = draw(st.sampled_from(PLACES))
        loc = {"city": city, "postal_code": postal}
        out["location"] = {k: v for k, v in loc.items() if v}
    if draw(st.booleans()):
        out["size"] = draw(st.sampled_from(SIZES))
    if draw(st.booleans()):
        out["employees"] = draw(st.sampled_from([0, 12, 249, 250, 4999, 5000, 90000]))
    return out


def register_row(company: dict[str, Any]) -> dict[str, str]:
    """The company as a row of our CSV columns (lists joined with ';')."""
    row = dict.fromkeys(COLUMNS, "")
    for key, value in company.items():
        if key == "location":
            if isinstance(value, str):
                row["location"] = value
            else:
                row.update(value)
        elif isinstance(value, list):
            row[key] = ";".join(value)
        else:
            row[key] = str(value)
    return row


def write_register(path: Path, companies: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, lineterminator="\n")
        writer.writeheader()
        for company in companies:
            writer.writerow(register_row(company))


def invoke(*args: str, env: dict[str, str | None] | None = None) -> Any:
    runner = CliRunner(env={**PLAIN_ENV, **(env or {})})
    return runner.invoke(app, ["--data", SMALL, *args])


def company_warnings(result: dict[str, Any]) -> list[dict[str, str]]:
    """A single result's warnings about the company (those about labels are
    said per match in a batch record: label_status, label_note)."""
    return [w for w in result["warnings"] if not w["code"].startswith("label_")]


@pytest.mark.parametrize(
    "order",
    [
        (),
        ("--current-first",),
        ("--min-score", "30"),
        ("--current-first", "--min-score", "30"),
    ],
)
@PARITY
@given(company=companies())
def test_register_row_and_profile_agree(
    tmp_path_factory: pytest.TempPathFactory, order: tuple[str, ...], company: dict
) -> None:
    folder = tmp_path_factory.mktemp("parity")
    profile, register = folder / "company.yaml", folder / "register.csv"
    profile.write_text(yaml.safe_dump(company, allow_unicode=True), encoding="utf-8")
    write_register(register, [company])
    top = ("-f", "json", "--top", "3", *order)
    single = invoke("match", str(profile), *top)
    batch = invoke(
        "match", "--batch", str(register), "-f", "ndjson", "--top", "3", *order
    )
    assert "Traceback" not in single.stderr + batch.stderr
    if single.exit_code == 2:  # rejected as a profile: rejected as a row
        assert batch.exit_code == 2, (company, batch.stderr)
        assert batch.stdout == ""
        reason = batch.stderr.split(": rejected: ", 1)[1].splitlines()[0]
        if "name" in company or "siren" in company:  # the reader checks identity
            assert reason in single.stderr, (reason, single.stderr)
        return
    # nothing over --min-score: no result on both paths, a record without matches
    assert batch.exit_code == single.exit_code, (company, batch.stderr)
    [record] = [json.loads(line) for line in batch.stdout.splitlines()]
    if single.exit_code == 1:
        assert record["matches"] == []
        return
    expected = json.loads(single.stdout)
    assert [(m["rank"], m["id"], m["score"]) for m in record["matches"]] == [
        (m["rank"], m["id"], m["score"]) for m in expected["matches"]
    ]
    assert record["warnings"] == company_warnings(expected)
    assert record["company"] == expected["company"]
    said = [line.split(": warning: ", 1)[1] for line in batch.stderr.splitlines()[:-1]]
    assert said == [w["text"] for w in record["warnings"]]


def test_a_row_with_nothing_to_match_on_is_rejected_as_a_profile(tmp_path):
    register = tmp_path / "r.csv"
    register.write_text(
        "name,siren,city\nAcme,,Lyon\n,123456789,\nBoth,552100554,Lille\n",
        encoding="utf-8",
    )
    result = invoke("match", "--batch", str(register), "-f", "csv")
    assert result.exit_code == 2
    assert result.stdout.splitlines()[1:] == []  # the header alone
    reason = "a profile needs at least one of description, sectors, keywords, naf"
    for line in (2, 3, 4):
        assert f"{register}:{line}: rejected: {reason}" in result.stderr
    profile = tmp_path / "p.yaml"
    profile.write_text("name: Acme\nlocation: Lyon\n", encoding="utf-8")
    single = invoke("match", str(profile))
    assert single.exit_code == 2
    assert reason in single.stderr


SIRENE = (
    "siren,denominationUniteLegale,activitePrincipaleUniteLegale,"
    "codePostalEtablissement,categorieEntreprise,trancheEffectifsUniteLegale\n"
)


@pytest.mark.parametrize(
    ("category", "band", "size"),
    [
        ("GE", "", "large"),
        ("ETI", "53", "midcap"),
        ("", "31", "sme"),
        ("", "32", "midcap"),
        ("", "52", "large"),
        ("", "", None),
    ],
)
def test_sirene_sizes_follow_the_head_count_thresholds(tmp_path, category, band, size):
    """SIRENE's category wins over its employee band, and bands fall on the
    same thresholds as a head count (250 and 5,000 employees)."""
    register = tmp_path / "sirene.csv"
    register.write_text(
        SIRENE + f"123456789,ACME,30.30Z,31000,{category},{band}\n", encoding="utf-8"
    )
    result = invoke("match", "--batch", str(register), "-f", "ndjson", "--top", "1")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["company"]["size"] == size


def test_warnings_carry_their_codes_on_every_path(tmp_path):
    register = tmp_path / "r.csv"
    register.write_text(
        "name,naf,postal_code,city\nBad Naf,99.99Q,69001,Lyon\n"
        "Nowhere,30.30Z,,Atlantis\n",
        encoding="utf-8",
    )
    from clusterctl.api import matcher
    from clusterctl.batch import BatchMatcher
    from clusterctl.cli.batchblock import process
    from clusterctl.cli.batchwrite import Writer
    from clusterctl.formats import OutputFormat
    from clusterctl.registers import read_register

    bm = BatchMatcher(matcher(SMALL))
    writer = Writer(bm, OutputFormat.ndjson, io.StringIO(), False, True, 0.0)
    result = process(bm, writer, read_register(str(register)), 1, "r.csv")
    codes = [(m.kind, m.line, m.code) for m in result.messages]
    assert ("unknown_naf", 2, "unknown_naf") in codes
    assert ("unknown_place", 3, "unknown_place") in codes
    assert ("thin_profile", 3, "thin_profile") in codes


@pytest.mark.parametrize(
    ("column", "value", "field"),
    [
        ("city", "Ly\x1bon", "location.city"),
        ("postal_code", "6" * 41, "location.postal_code"),
        ("location", "L" * 301, "location"),
        ("naf", "30.30Z;62\x07", "naf.1"),
        ("name", "Acme\x00", "name"),
        ("size", "huge", "size"),
        ("employees", "-3", "employees"),
    ],
)
def test_a_value_a_profile_refuses_rejects_the_row(tmp_path, column, value, field):
    """The fast path skips the model only for values it would take as they are:
    any other value meets the model, and the row is rejected as a profile."""
    company = {"name": "Acme", "naf": ["30.30Z"], column: value}
    row = register_row({k: v for k, v in company.items() if k != column})
    row[column] = value
    register = tmp_path / "r.csv"
    with register.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerow(row)
    result = invoke("match", "--batch", str(register), "-f", "csv")
    assert result.exit_code == 2, result.stderr
    assert f"{register}:2: rejected: {field}: " in result.stderr


def test_current_first_with_min_score_keeps_the_same_matches(tmp_path):
    """With current labels first, a doubtful cluster scoring over --min-score
    can come after current ones under it: both paths keep it, ranked alike."""
    profile, register = tmp_path / "metal.yaml", tmp_path / "metal.csv"
    profile.write_text("name: Metal Works\nnaf: 70.22Z\nlocation: Metz\n")
    register.write_text("name,naf,location\nMetal Works,70.22Z,Metz\n")
    runner = CliRunner(env=PLAIN_ENV)
    options = ["--current-first", "--min-score", "25", "--top", "2"]
    single = runner.invoke(app, ["match", str(profile), *options, "-f", "json"])
    batch = runner.invoke(
        app, ["match", "--batch", str(register), *options, "-f", "ndjson"]
    )
    expected = json.loads(single.stdout)["matches"]
    # the case this test is about: a kept match whose label is not current
    assert any(m["label_status"] != "current" for m in expected)
    [record] = [json.loads(line) for line in batch.stdout.splitlines()]
    assert [(m["rank"], m["id"], m["score"]) for m in record["matches"]] == [
        (m["rank"], m["id"], m["score"]) for m in expected
    ]
