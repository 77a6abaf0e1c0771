"""Properties of the library, checked on generated input (Hypothesis).

Text folding, NAF codes and postal codes are total and idempotent; places and
profile text never make the library raise anything but its own errors; scores
are bounded, deterministic, blind to the order of lists, monotone in evidence,
and the batch fast path ranks exactly as the reference `Matcher.match`.
"""

from __future__ import annotations

import contextlib
import functools
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clusterctl.dataset import load_dataset
from clusterctl.errors import ClusterctlError
from clusterctl.geography import (
    Place,
    in_france,
    normalize_postal_code,
    region_names,
    resolve_department,
    resolve_place,
)
from clusterctl.matching import Matcher
from clusterctl.models import Profile
from clusterctl.naf import naf_table, parse_naf
from clusterctl.profiles import parse_profile_text, resolve_profile
from clusterctl.taxonomy import load_taxonomy
from clusterctl.text import normalize

QUICK = settings(max_examples=200, deadline=None)
SLOW = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
NAF_SHAPE = re.compile(r"^\d{2}(\.\d(\d[A-Z]?)?)?$")
UNICODE_DIGITS = "٠١٢٣٤٥٦٧٨٩０１２３４５６７８９߀०"


# ---------------------------------------------------------------------- text
@QUICK
@given(st.text(max_size=300))
@example("Île-de-France  R&D -- Lyonbiopôle")
@example("ǅ ß Œuvre ﬁ ℌ ⅫⅫ İ")
def test_normalize_is_idempotent_and_plain(text: str) -> None:
    folded = normalize(text)
    assert normalize(folded) == folded
    assert re.fullmatch(r"[a-z0-9 ]*", folded)
    assert "  " not in folded
    assert folded == folded.strip()


# ---------------------------------------------------------------------- NAF codes
NAF_CHARS = st.text(alphabet="0123456789.,ABZaz -_\t" + UNICODE_DIGITS[:3], max_size=9)


@QUICK
@given(st.one_of(st.text(max_size=40), NAF_CHARS))
@example("62.02A")
@example("6202a")
@example(" 62 . 02 ")
def test_parse_naf_is_total_and_a_fixed_point(text: str) -> None:
    code = parse_naf(text)
    if code is not None:
        assert NAF_SHAPE.match(code), code
        assert parse_naf(code) == code


@pytest.mark.parametrize("text", ["６２.０２Z", "٦٢.٠٢Z", "62.0２"])
def test_parse_naf_gives_ascii_codes(text: str) -> None:
    code = parse_naf(text)
    assert code is None or re.fullmatch(r"[0-9]{2}(\.[0-9]([0-9][A-Z]?)?)?", code)


# ---------------------------------------------------------------------- places
POSTAL_CHARS = st.text(
    alphabet="0123456789 FRfr-CEDEX\t" + UNICODE_DIGITS[:2], max_size=12
)


@QUICK
@given(st.one_of(st.text(max_size=40), POSTAL_CHARS))
@example("31 000")
@example("6000")
@example("F-31000 CEDEX 9")
def test_normalize_postal_code_is_total_and_idempotent(text: str) -> None:
    code = normalize_postal_code(text)
    if code is not None:
        assert len(code) == 5
        assert code.isdigit()
        assert normalize_postal_code(code) == code


@pytest.mark.parametrize("text", ["0٠٠٠٠", "1٢٣٤٥", "0６９００"])
def test_normalize_postal_code_gives_ascii_codes(text: str) -> None:
    code = normalize_postal_code(text)
    assert code is None or re.fullmatch(r"[0-9]{5}", code)


REAL_PLACES = [
    "Lyon",
    "69007",
    "Toulouse",
    "31000",
    "Brest",
    "29200",
    "Grenoble",
    "Lille",
    "Marseille",
    "13001",
    "Paris",
    "75013",
    "Nantes",
    "Rennes",
    "Bordeaux",
    "Strasbourg",
    "Montpellier",
    "Valbonne",
    "Clermont-Ferrand",
    "Saint-Denis",
    "Ajaccio",
    "Guadeloupe",
    "Occitanie",
    "Finistère",
]
PLACE_TEXT = st.one_of(
    st.text(max_size=60),
    st.sampled_from(REAL_PLACES),
    st.builds(
        lambda a, b: f"{a} {b}", st.sampled_from(REAL_PLACES), st.text(max_size=10)
    ),
    POSTAL_CHARS,
)
MAYBE_TEXT = st.one_of(st.none(), PLACE_TEXT)


REGIONS = frozenset(region_names())


def assert_real_place(place: Place | None) -> None:
    """What a resolved place says exists: a known region and département, a
    postal code of five digits, a point in France (both coordinates or none)."""
    if place is None:
        return
    assert place.region is None or place.region in REGIONS, place
    assert place.department is None or resolve_department(place.department), place
    assert place.postal_code is None or re.fullmatch(r"\d{5}", place.postal_code)
    assert (place.lat is None) == (place.lon is None), place
    if place.lat is not None and place.lon is not None:
        assert in_france(place.lat, place.lon), place


@QUICK
@given(PLACE_TEXT)
def test_resolve_place_never_raises_on_text(text: str) -> None:
    assert_real_place(resolve_place(text))


@QUICK
@given(MAYBE_TEXT, MAYBE_TEXT, MAYBE_TEXT, MAYBE_TEXT, MAYBE_TEXT)
def test_resolve_place_never_raises_on_fields(
    text: str | None,
    city: str | None,
    postal_code: str | None,
    department: str | None,
    region: str | None,
) -> None:
    assert_real_place(
        resolve_place(
            text,
            city=city,
            postal_code=postal_code,
            department=department,
            region=region,
        )
    )
    assert_real_place(
        resolve_place(
            city=city, postal_code=postal_code, department=department, region=region
        )
    )


# ---------------------------------------------------------------------- profile text
def _parse(text: str) -> None:
    with contextlib.suppress(ClusterctlError):
        parse_profile_text(text, "x.yaml")


#: Pieces of YAML and JSON, put together at random. Explicit scalar tags
#: (!!int, !!bool...) and impossible dates are left to the test below them.
YAML_PIECES = [
    "name",
    "sectors",
    "keywords",
    "naf",
    "location",
    "city",
    "postal_code",
    "employees",
    "size",
    "looking_for",
    "x",
    ": ",
    ":",
    " ",
    "\n",
    "\n  ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "&a ",
    "*a",
    "*b",
    "<<: ",
    "? ",
    "!!str ",
    "!!binary ",
    "!!python/object/apply:os.system ",
    "!x ",
    "'",
    '"',
    "# ",
    "|\n",
    ">-\n",
    "---\n",
    "...\n",
    "\t",
    "%YAML 1.1\n",
    "Acme",
    "biotech",
    "69007",
    "72.11Z",
    "0x1F",
    "1e3",
    ".inf",
    ".nan",
    "~",
    "null",
    "yes",
    "2024-01-02",
    "startup",
    "é",
    "\x00",
    "\x07",
    "\ufeff",
    "\\u0000",
    "\\",
]
YAML_TEXT = st.lists(st.sampled_from(YAML_PIECES), max_size=30).map("".join)


@QUICK
@given(st.text(max_size=300))
@example("")
@example("name: [")
@example("- a\n- b")
def test_profile_reader_raises_only_its_own_errors_on_text(text: str) -> None:
    _parse(text)


@QUICK
@given(YAML_TEXT)
@example("name: Acme\nsectors: [biotech]\nnaf: 72.11Z\nlocation: {city: Lyon}")
@example("a: &a [*a]")
@example("name: &a Acme\nsectors: [*a, *a]")
def test_profile_reader_raises_only_its_own_errors_on_yaml(text: str) -> None:
    _parse(text)


@pytest.mark.parametrize(
    "text",
    [
        "name: Acme\nkeywords: [2024-02-30]",
        "name: 2024-13-45",
        "name: Acme\nsectors: [x]\nemployees: !!int many",
        "name: Acme\nsectors: [x]\nemployees: !!float many",
        "name: !!bool maybe",
        "name: !!timestamp soon",
        "name: !!int _",
        "name: Acme\nsectors: [x]\nemployees: " + "9" * 5000,
    ],
    ids=[
        "impossible-date",
        "impossible-month",
        "int-tag",
        "float-tag",
        "bool-tag",
        "timestamp-tag",
        "int-tag-underscore",
        "5000-digits",
    ],
)
def test_profile_reader_constructor_errors(text: str) -> None:
    """A scalar YAML cannot build (an impossible date, a bad explicit tag, an
    integer too long to convert) is the file's error, not a crash."""
    with pytest.raises(ClusterctlError, match=r"x\.yaml:"):
        parse_profile_text(text, "x.yaml")


# ---------------------------------------------------------------------- scoring
@functools.cache
def matcher() -> Matcher:
    return Matcher(load_dataset())


@functools.cache
def sector_words() -> list[str]:
    sectors = load_taxonomy().sectors.values()
    return sorted({s.label_en for s in sectors} | {s.label_fr for s in sectors})


@functools.cache
def naf_codes() -> tuple[str, ...]:
    return naf_table().subclasses


PLACES: list[Any] = [
    "Lyon",
    "Toulouse",
    "Brest",
    "Grenoble",
    "Marseille",
    "Strasbourg",
    "Lille",
    "Rennes",
    "Paris 13e",
    "Clermont-Ferrand",
    "Ajaccio",
    "Saint-Denis",
    "Pointe-à-Pitre",
    {"city": "Lyon", "postal_code": "69007"},
    {"postal_code": "31400"},
    {"city": "Valbonne", "postal_code": "06560"},
    {"department": "Finistère"},
    {"region": "Occitanie"},
]
KEYWORDS = [
    "satellite",
    "vaccins",
    "drones",
    "machine learning",
    "hydrogène",
    "cybersécurité",
    "composites",
    "robotique",
    "batteries",
    "agritech",
]


@st.composite
def profiles(draw: st.DrawFn) -> dict[str, Any]:
    """A valid profile made of real sector words, NAF codes and places."""
    d: dict[str, Any] = {"name": "Acme"}
    d["sectors"] = draw(st.lists(st.sampled_from(sector_words()), max_size=4))
    d["keywords"] = draw(st.lists(st.sampled_from(KEYWORDS), max_size=3))
    d["naf"] = draw(st.lists(st.sampled_from(naf_codes()), max_size=2))
    if draw(st.booleans()):
        d["location"] = draw(st.sampled_from(PLACES))
    if draw(st.booleans()):
        d["locations"] = draw(st.lists(st.sampled_from(PLACES), max_size=2))
    if draw(st.booleans()):
        d["size"] = draw(st.sampled_from(["startup", "sme", "large", "research"]))
    if draw(st.booleans()):
        d["looking_for"] = draw(
            st.lists(st.sampled_from(["funding", "export", "europe"]), max_size=2)
        )
    if not (d["sectors"] or d["keywords"] or d["naf"]):
        d["sectors"] = [draw(st.sampled_from(sector_words()))]
    return d


def ranking(d: dict[str, Any]) -> list[tuple[str, float]]:
    company = resolve_profile(Profile.model_validate(d))
    return [(m.cluster.id, m.score) for m in matcher().match(company)]


def canonical(ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Order by score rounded to 1e-9, then id: immune to float noise in ties."""
    return sorted(((i, round(s, 9)) for i, s in ranked), key=lambda x: (-x[1], x[0]))


@SLOW
@given(profiles())
def test_scores_are_between_0_and_100(d: dict[str, Any]) -> None:
    for cluster_id, score in ranking(d):
        assert 0.0 <= score <= 100.0, (cluster_id, score)


@SLOW
@given(profiles())
def test_matching_is_deterministic(d: dict[str, Any]) -> None:
    company = resolve_profile(Profile.model_validate(d))
    first = [(m.cluster.id, m.score) for m in matcher().match(company)]
    again = [(m.cluster.id, m.score) for m in matcher().match(company)]
    assert first == again
    assert ranking(d) == first


@SLOW
@given(profiles(), st.randoms(use_true_random=False))
def test_order_of_lists_does_not_matter(d: dict[str, Any], rnd: Any) -> None:
    shuffled = {**d, "sectors": list(d["sectors"]), "keywords": list(d["keywords"])}
    rnd.shuffle(shuffled["sectors"])
    rnd.shuffle(shuffled["keywords"])
    assert canonical(ranking(shuffled)) == canonical(ranking(d))


@SLOW
@given(profiles(), st.data())
def test_adding_a_sector_of_the_top_cluster_never_lowers_its_score(
    d: dict[str, Any], data: st.DataObject
) -> None:
    m = matcher()
    top = m.match(resolve_profile(Profile.model_validate(d)))[0]
    own = list(top.cluster.sectors)
    if not own:
        return
    sector = load_taxonomy().sectors[data.draw(st.sampled_from(own), label="sector")]
    word = data.draw(st.sampled_from([sector.label_en, sector.label_fr]), label="word")
    more = {**d, "sectors": [*d["sectors"], word]}
    after = dict(ranking(more))[top.cluster.id]
    assert after >= top.score - 1e-9, (word, top.score, after)


def fast_ranking(company: Any) -> list[tuple[int, float]]:
    """(cluster index, score) of every cluster by the batch fast path."""
    from clusterctl.batch import BatchMatcher

    m = matcher()
    bm = BatchMatcher(m)
    top = len(m.profiles)
    if hasattr(bm, "score_chunk"):
        scored = bm.score_chunk([company], top=top)[0]
        return [(k, score) for k, score, _criteria in scored.top]
    return [(int(k), float(s)) for k, s in bm.rank([company], top=top)[0]]


@SLOW
@given(profiles())
def test_batch_fast_path_ranks_as_the_reference(d: dict[str, Any]) -> None:
    m = matcher()
    company = resolve_profile(Profile.model_validate(d))
    reference = m.match(company)
    fast = fast_ranking(company)
    assert [m.clusters[k].id for k, _ in fast] == [r.cluster.id for r in reference]
    for (_, score), ref in zip(fast, reference, strict=True):
        assert score == pytest.approx(ref.score, abs=1e-9)
