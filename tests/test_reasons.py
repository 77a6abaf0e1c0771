"""Reasons that agree with the numbers: eligibility names the criterion that
decided it, and no "why" contradicts the breakdown it comes with."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterctl.dataset import load_dataset
from clusterctl.matching import Matcher, match_record
from clusterctl.models import Profile
from clusterctl.naf import naf_table
from clusterctl.profiles import resolve_profile
from clusterctl.reasons import (
    NAF_ELIGIBLE,
    SECTOR_ELIGIBLE,
    eligibility,
    location_eligible,
    relation_text,
    sector_eligible,
)
from clusterctl.taxonomy import load_taxonomy

ON = dt.date(2026, 12, 6)
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@functools.cache
def matcher() -> Matcher:
    return Matcher(load_dataset(), on=ON)


@functools.cache
def words() -> list[str]:
    """Labels and synonyms of every sector, English and French."""
    out = set()
    for s in load_taxonomy().sectors.values():
        out |= {s.label_en, s.label_fr, *s.synonyms_en[:2], *s.synonyms_fr[:2]}
    return sorted(out)


@functools.cache
def naf_codes() -> tuple[str, ...]:
    return naf_table().subclasses


PLACES = ["Lyon", "Toulouse", "Brest", "Lille", "Paris", {"region": "Occitanie"}]


@st.composite
def profiles(draw: st.DrawFn) -> dict[str, Any]:
    """Profiles whose sectors come from any part of a profile: its sectors,
    keywords, description (weak evidence) or NAF codes."""
    d: dict[str, Any] = {"name": "Acme"}
    d["sectors"] = draw(st.lists(st.sampled_from(words()), max_size=2))
    d["keywords"] = draw(st.lists(st.sampled_from(words()), max_size=2))
    described = draw(st.lists(st.sampled_from(words()), max_size=3))
    if described:
        d["description"] = "We work on " + ", ".join(described) + "."
    d["naf"] = draw(st.lists(st.sampled_from(naf_codes()), max_size=2))
    if draw(st.booleans()):
        d["location"] = draw(st.sampled_from(PLACES))
    if not (d["sectors"] or d["keywords"] or d["naf"] or described):
        d["naf"] = [draw(st.sampled_from(naf_codes()))]
    return d


def check(match: Any) -> None:
    """Every claim of the eligibility reasons, against the breakdown."""
    taxonomy = matcher().taxonomy
    sector, naf = match.criteria["sector"], match.criteria["naf"]
    verdict = eligibility(match, taxonomy)
    s = verdict["sector"]
    assert s["eligible"] == (
        None
        if not (sector.used or naf.used)
        else bool(sector_eligible(sector.score, naf.score))
    )
    if s["eligible"]:
        if s["criterion"] == "sector":
            assert sector.score >= SECTOR_ELIGIBLE
            assert s["why"] == relation_text(sector.matched[0], taxonomy)
        else:  # the NAF code decided: the sector criterion did not
            assert s["criterion"] == "naf"
            assert sector.score < SECTOR_ELIGIBLE <= 1
            assert naf.score >= NAF_ELIGIBLE
            assert s["why"].startswith(f"NAF {naf.matched[0]['code']}")
    elif s["eligible"] is False:
        if sector.matched:  # a sector is related: never say none is close
            assert "no sector" not in s["why"]
            first = relation_text(sector.matched[0], taxonomy, with_source=False)
            assert first in s["why"]
        elif sector.used:
            assert "no sector of the company is close" in s["why"]
        for name, score in re.findall(r"(sector|NAF) score (\d\.\d\d)", s["why"]):
            actual = sector.score if name == "sector" else naf.score
            needed = SECTOR_ELIGIBLE if name == "sector" else NAF_ELIGIBLE
            assert float(score) <= actual + 1e-9
            assert actual < needed
    location = verdict["location"]
    assert location["eligible"] == location_eligible(match.region_relation)
    if match.region_relation is not None:
        assert ("outside its regions" in location["why"]) == (
            match.region_relation == "other"
        )


@SETTINGS
@given(profiles())
def test_no_why_contradicts_the_breakdown(d: dict[str, Any]) -> None:
    company = resolve_profile(Profile.model_validate(d))
    for match in matcher().match(company)[:12]:
        check(match)


@SETTINGS
@given(
    st.lists(st.floats(0, 1), min_size=1, max_size=20),
    st.lists(st.floats(0, 1), min_size=20, max_size=20),
)
def test_vectorised_rule_equals_the_scalar_one(sector: list[float], naf: list[float]):
    naf = naf[: len(sector)]
    bulk = sector_eligible(np.array(sector), np.array(naf)).tolist()
    assert bulk == [
        bool(sector_eligible(a, b)) for a, b in zip(sector, naf, strict=True)
    ]


def record_for(cluster_id: str, **fields: Any) -> dict[str, Any]:
    fields.setdefault("name", "Test company")
    m = matcher()
    company = resolve_profile(Profile.model_validate(fields))
    match = next(x for x in m.match(company) if x.cluster.id == cluster_id)
    return match_record(match, 1, company, m.weights, m.taxonomy)


def test_a_sector_only_in_the_description_is_named_with_what_weakens_it():
    """Software found in the description: the breakdown says software = software,
    and the reason says so, and why that falls short (not "no sector close")."""
    r = record_for("cap-digital", description="We write software.")
    assert r["breakdown"]["sector"]["matched"][0]["relation"] == "same"
    why = r["eligibility"]["sector"]
    assert why["eligible"] is False
    assert "Software is one of its sectors" in why["why"]
    assert "found in your description" in why["why"]
    assert "no sector" not in why["why"]
    given = record_for("cap-digital", sectors=["software"])["eligibility"]["sector"]
    assert (given["eligible"], given["criterion"]) == (True, "sector")


def test_eligibility_from_the_naf_code_names_the_naf_code():
    """Pôle TES's sectors are not close to 'printing', but 26.11Z is one of its
    members' codes: the reason names the NAF code, not a sector."""
    r = record_for("pole-tes", sectors=["printing"], naf="26.11Z")
    sector = r["eligibility"]["sector"]
    assert r["breakdown"]["sector"]["score"] < SECTOR_ELIGIBLE
    assert r["breakdown"]["naf"]["score"] >= NAF_ELIGIBLE
    assert (sector["eligible"], sector["criterion"]) == (True, "naf")
    assert sector["why"].startswith("NAF 26.11Z")


def test_location_no_is_explained_without_explain():
    r = record_for("aerospace-valley", sectors=["aerospace"], location="Lille")
    location = r["eligibility"]["location"]
    assert location["eligible"] is False
    assert location["why"].startswith("outside its regions (Occitanie")
    assert "km from its HQ in Toulouse" in location["why"]


def test_unknown_sector_and_naf_say_so():
    r = record_for("cap-digital", naf="01.11Z")
    why = r["eligibility"]["sector"]
    assert why["eligible"] is False
    assert why["why"]


@pytest.mark.parametrize("explain", [False, True])
def test_table_why_shows_what_tells_rows_apart(runner, tmp_path, explain):
    from clusterctl.cli.render import table_why

    m = matcher()
    company = resolve_profile(
        Profile.model_validate(
            {"name": "X", "sectors": ["biotech"], "naf": "72.11Z", "location": "Lyon"}
        )
    )
    ranked = m.match(company)[:5]
    records = [
        match_record(x, i, company, m.weights, m.taxonomy)
        for i, x in enumerate(ranked, 1)
    ]
    lines = table_why(records, explain=explain)
    for record, why in zip(records, lines, strict=True):
        assert why[0] == record["eligibility"]["sector"]["why"]
        assert why[1] == record["eligibility"]["location"]["why"]
        if not explain:
            assert len(why) <= 3
            shared = set.intersection(
                *({r["text"] for r in x["reasons"]} for x in records)
            )
            assert not shared.intersection(why[2:])
