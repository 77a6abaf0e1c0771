"""French geography: the facts users rely on when they type a place."""

from __future__ import annotations

import gzip
import itertools
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterctl import geography as geo
from clusterctl.geography import gazetteer
from clusterctl.text import normalize

GEOGRAPHY = json.loads((geo.data_dir() / geo.GEOGRAPHY_FILE).read_text("utf-8"))
REGION_NAMES = tuple(r["name"] for r in GEOGRAPHY["regions"])
# Overseas regions have one-digit INSEE codes (01 Guadeloupe ... 06 Mayotte).
OVERSEAS = tuple(r["name"] for r in GEOGRAPHY["regions"] if r["code"] < "10")


def place(text: str | None = None, **fields: str) -> geo.Place:
    """resolve_place() that must succeed."""
    found = geo.resolve_place(text, **fields)
    assert found is not None, (text, fields)
    return found


# --- Regions --------------------------------------------------------------------------
def test_the_18_regions_with_canonical_names_in_order() -> None:
    """13 metropolitan regions alphabetically (as French sorts them), then the 5
    overseas ones by INSEE code."""
    assert geo.region_names() == REGION_NAMES
    assert [r.name for r in geo.regions()] == list(REGION_NAMES)
    assert len({r.code for r in geo.regions()}) == 18
    assert len({r.iso for r in geo.regions()}) == 18
    metropolitan = REGION_NAMES[: -len(OVERSEAS)]
    assert len(metropolitan) == 13
    assert list(metropolitan) == sorted(metropolitan, key=normalize)
    assert REGION_NAMES[-5:] == OVERSEAS
    assert {"Occitanie", "Bretagne", "Île-de-France", "La Réunion"} <= set(REGION_NAMES)


def test_region_record() -> None:
    occitanie = geo.resolve_region("Occitanie")
    assert occitanie is not None
    assert (occitanie.code, occitanie.iso, occitanie.name_en) == (
        "76",
        "FR-OCC",
        "Occitania",
    )
    assert set(occitanie.former_names) == {"Languedoc-Roussillon", "Midi-Pyrénées"}
    assert "OCC" in occitanie.abbreviations
    # Representative point: the chef-lieu, Toulouse.
    assert geo.distance_km(occitanie.lat, occitanie.lon, 43.6045, 1.4440) < 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PACA", "Provence-Alpes-Côte d'Azur"),
        ("Région Sud", "Provence-Alpes-Côte d'Azur"),
        ("Southern region", "Provence-Alpes-Côte d'Azur"),
        ("IDF", "Île-de-France"),
        ("Paris region", "Île-de-France"),
        ("ile de france", "Île-de-France"),
        ("aura", "Auvergne-Rhône-Alpes"),
        ("ARA", "Auvergne-Rhône-Alpes"),
        ("BFC", "Bourgogne-Franche-Comté"),
        ("Burgundy-Franche-Comté", "Bourgogne-Franche-Comté"),
        ("HDF", "Hauts-de-France"),
        ("hauts de france", "Hauts-de-France"),
        ("CVL", "Centre-Val de Loire"),
        ("Centre-Loire Valley", "Centre-Val de Loire"),
        ("NA", "Nouvelle-Aquitaine"),
        ("NAQ", "Nouvelle-Aquitaine"),
        ("PDL", "Pays de la Loire"),
        ("GE", "Grand Est"),
        ("Brittany", "Bretagne"),
        ("Région Bretagne", "Bretagne"),
        ("Normandy", "Normandie"),
        ("Corsica", "Corse"),
        ("French Guiana", "Guyane"),
        ("Réunion", "La Réunion"),
        ("reunion", "La Réunion"),
        ("76", "Occitanie"),
        ("FR-OCC", "Occitanie"),
        ("fr-idf", "Île-de-France"),
        ("FR-20R", "Corse"),
        ("FR-974", "La Réunion"),
        ("  OCCITANIE  ", "Occitanie"),
    ],
)
def test_resolve_region(text: str, expected: str) -> None:
    region = geo.resolve_region(text)
    assert region is not None
    assert region.name == expected


@pytest.mark.parametrize(
    ("former", "current"),
    [
        ("Midi-Pyrénées", "Occitanie"),
        ("Languedoc-Roussillon", "Occitanie"),
        ("Rhône-Alpes", "Auvergne-Rhône-Alpes"),
        ("Auvergne", "Auvergne-Rhône-Alpes"),
        ("Aquitaine", "Nouvelle-Aquitaine"),
        ("Limousin", "Nouvelle-Aquitaine"),
        ("Poitou-Charentes", "Nouvelle-Aquitaine"),
        ("Alsace", "Grand Est"),
        ("Lorraine", "Grand Est"),
        ("Champagne-Ardenne", "Grand Est"),
        ("Nord-Pas-de-Calais", "Hauts-de-France"),
        ("Picardie", "Hauts-de-France"),
        ("Basse-Normandie", "Normandie"),
        ("Haute-Normandie", "Normandie"),
        ("Bourgogne", "Bourgogne-Franche-Comté"),
        ("Franche-Comté", "Bourgogne-Franche-Comté"),
        ("Centre", "Centre-Val de Loire"),
        ("midi pyrenees", "Occitanie"),
    ],
)
def test_pre_2016_regions(former: str, current: str) -> None:
    region = geo.resolve_region(former)
    assert region is not None
    assert region.name == current


@pytest.mark.parametrize(
    "text", ["", "   ", "zzzz", "Atlantis", "Bretange", "\x00", "x" * 5000]
)
def test_unknown_region_is_none(text: str) -> None:
    assert geo.resolve_region(text) is None


def test_suggestions_name_close_regions() -> None:
    assert geo.suggest_regions("Bretange")[0] == "Bretagne"
    assert geo.suggest_regions("Ocitanie")[0] == "Occitanie"
    assert len(geo.suggest_regions("Normandi", limit=2)) <= 2
    assert geo.suggest_regions("") == []


# --- Neighbours -----------------------------------------------------------------------
def test_neighbours() -> None:
    assert geo.are_neighbours("Occitanie", "Nouvelle-Aquitaine")
    assert geo.are_neighbours("Île-de-France", "Bourgogne-Franche-Comté")
    assert geo.are_neighbours("Bretagne", "Normandie")
    assert not geo.are_neighbours("Bretagne", "Occitanie")
    assert not geo.are_neighbours("Occitanie", "Occitanie")
    assert not geo.are_neighbours("Corse", "Provence-Alpes-Côte d'Azur")
    assert not geo.are_neighbours("Occitanie", "nowhere")


def test_neighbour_relation_is_symmetric_and_metropolitan() -> None:
    for a, b in itertools.permutations(REGION_NAMES, 2):
        assert geo.are_neighbours(a, b) == geo.are_neighbours(b, a), (a, b)
    for region in geo.regions():
        assert set(region.neighbours) <= set(REGION_NAMES)
        if region.name in (*OVERSEAS, "Corse"):
            assert region.neighbours == ()
        else:
            assert region.neighbours, region.name


# --- Départements ---------------------------------------------------------------------
def test_the_101_departements() -> None:
    depts = geo.departments()
    codes = [d.code for d in depts]
    assert len(depts) == 101
    assert len(set(codes)) == 101
    assert {"2A", "2B", "971", "972", "973", "974", "976"} <= set(codes)
    assert "20" not in codes
    assert all(d.region in REGION_NAMES for d in depts)
    assert {d.region for d in depts} == set(REGION_NAMES)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("31", "31"),
        ("2A", "2A"),
        ("2a", "2A"),
        ("2B", "2B"),
        ("971", "971"),
        ("6", "06"),
        ("Haute-Garonne", "31"),
        ("haute garonne", "31"),
        ("Côtes-d'Armor", "22"),
        ("cotes d armor", "22"),
        ("Puy-de-Dôme", "63"),
        ("63", "63"),
        ("La Réunion", "974"),
    ],
)
def test_resolve_department(text: str, code: str) -> None:
    dept = geo.resolve_department(text)
    assert dept is not None
    assert dept.code == code


def test_departement_record_has_prefecture_point() -> None:
    dept = geo.resolve_department("63")
    assert dept is not None
    assert (dept.name, dept.region) == ("Puy-de-Dôme", "Auvergne-Rhône-Alpes")
    assert geo.distance_km(dept.lat, dept.lon, 45.7772, 3.0870) < 3  # Clermont-Ferrand


@pytest.mark.parametrize("text", ["", "20", "00", "99", "975", "Atlantide"])
def test_unknown_department_is_none(text: str) -> None:
    assert geo.resolve_department(text) is None


def test_regions_and_departements_do_not_load_the_gazetteer() -> None:
    gazetteer.load_gazetteer.cache_clear()
    geo.resolve_region("Bretagne")
    geo.resolve_department("Finistère")
    geo.regions()
    geo.departments()
    geo.are_neighbours("Bretagne", "Normandie")
    geo.in_france(48.39, -4.49)
    geo.resolve_place("Finistère")
    assert gazetteer.load_gazetteer.cache_info().currsize == 0


# --- Communes -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "insee"),
    [
        ("Toulouse", "31555"),
        ("toulouse", "31555"),
        ("TOULOUSE", "31555"),
        ("Saint-Étienne", "42218"),
        ("St Etienne", "42218"),
        ("st-etienne", "42218"),
        ("Marcy-l'Étoile", "69127"),
        ("Marcy l Etoile", "69127"),
        ("Le Bar-sur-Loup", "06010"),
        ("Bar-sur-Loup", "06010"),
        ("Les Ulis", "91692"),
        ("Villeneuve-d'Ascq", "59009"),
        ("Villeneuve dAscq", "59009"),
        ("Lyon", "69123"),
        ("Paris", "75056"),
        ("Toulouse, France", "31555"),
        ("TOULOUSE CEDEX 9", "31555"),
    ],
)
def test_commune_names(text: str, insee: str) -> None:
    found = place(text)
    assert found.insee_code == insee
    assert found.resolved_from == "commune"
    assert not found.ambiguous


def test_commune_place_fields() -> None:
    toulouse = place("Toulouse")
    assert toulouse.city == "Toulouse"
    assert toulouse.postal_code == "31000"
    assert toulouse.department == "31"
    assert toulouse.region == "Occitanie"
    assert toulouse.lat is not None
    assert toulouse.lon is not None
    assert geo.distance_km(toulouse.lat, toulouse.lon, 43.6045, 1.4440) < 3
    assert toulouse.note is None


@pytest.mark.parametrize(
    ("text", "insee"),
    [
        ("Paris 13e", "75113"),
        ("Paris 13", "75113"),
        ("Paris 1er arrondissement", "75101"),
        ("Lyon 3e arrondissement", "69383"),
        ("Marseille 8ème", "13208"),
    ],
)
def test_arrondissement_names(text: str, insee: str) -> None:
    found = place(text)
    assert found.insee_code == insee
    assert found.note is not None
    assert "arrondissement" in found.note


def test_ambiguous_name_takes_most_populous_with_note() -> None:
    found = place("Saint-Denis")
    assert found.ambiguous
    assert found.note is not None
    assert "communes are named Saint-Denis" in found.note
    assert "most populous" in found.note
    # La Réunion's Saint-Denis (155,634) outnumbers Seine-Saint-Denis's (149,077).
    assert (found.insee_code, found.region) == ("97411", "La Réunion")


@pytest.mark.parametrize(
    ("kwargs", "insee"),
    [
        ({"city": "Saint-Denis", "postal_code": "97400"}, "97411"),
        ({"city": "Saint-Denis", "postal_code": "93200"}, "93066"),
        ({"city": "Saint-Denis", "department": "93"}, "93066"),
        ({"city": "Saint-Denis", "department": "Seine-Saint-Denis"}, "93066"),
        ({"city": "St-Denis", "region": "Île-de-France"}, "93066"),
        ({"city": "Paris", "postal_code": "75013"}, "75113"),
        ({"city": "Vienne", "postal_code": "38200"}, "38544"),
        ({"city": "Toulouse", "postal_code": "31055"}, "31555"),
    ],
)
def test_keywords_disambiguate(kwargs: dict[str, str], insee: str) -> None:
    found = place(**kwargs)
    assert found.insee_code == insee
    assert not found.ambiguous


def test_free_text_with_keyword_postal_code() -> None:
    found = place("Saint-Denis", postal_code="97400")
    assert (found.insee_code, found.region) == ("97411", "La Réunion")


@pytest.mark.parametrize(
    ("text", "insee"),
    [
        ("Saint-Denis La Réunion", "97411"),
        ("Saint-Denis (93)", "93066"),
        ("Saint-Denis 97400", "97411"),
        ("31000 Toulouse", "31555"),
        ("12 rue de la Paix 75002 Paris", "75102"),
    ],
)
def test_free_text_combinations(text: str, insee: str) -> None:
    assert place(text).insee_code == insee


def test_unknown_city_falls_back_to_postal_code() -> None:
    found = place(city="Nowhere-sur-Mer", postal_code="31700")
    assert found.insee_code == "31069"  # Blagnac
    assert found.note is not None
    assert "no commune named" in found.note


def test_unknown_city_falls_back_to_department_then_region() -> None:
    dept = place(city="Nowhere-sur-Mer", department="33")
    assert (dept.resolved_from, dept.department) == ("department", "33")
    region = place(city="Nowhere-sur-Mer", region="Bretagne")
    assert (region.resolved_from, region.region) == ("region", "Bretagne")


def test_city_in_wrong_department_keeps_the_department() -> None:
    found = place(city="Toulouse", department="33")
    assert (found.resolved_from, found.department) == ("department", "33")
    assert found.note is not None
    assert "no commune named Toulouse in Gironde" in found.note


def test_former_commune_resolves_to_current_one() -> None:
    found = place("Annecy-le-Vieux")
    assert (found.city, found.insee_code) == ("Annecy", "74010")
    assert found.note is not None
    assert "former commune" in found.note


# --- Postal and INSEE codes -----------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "insee", "department", "region"),
    [
        ("31700", "31069", "31", "Occitanie"),  # Blagnac
        ("20000", "2A004", "2A", "Corse"),  # Ajaccio
        ("20200", "2B033", "2B", "Corse"),  # Bastia
        ("97400", "97411", "974", "La Réunion"),  # Saint-Denis
        ("06000", "06088", "06", "Provence-Alpes-Côte d'Azur"),  # Nice
        ("31 700", "31069", "31", "Occitanie"),
    ],
)
def test_postal_codes(text: str, insee: str, department: str, region: str) -> None:
    found = place(text)
    assert (found.insee_code, found.department, found.region) == (
        insee,
        department,
        region,
    )
    assert found.resolved_from == "postal_code"
    assert found.postal_code == normalize(text).replace(" ", "")


def test_shared_postal_code_is_noted_but_not_ambiguous() -> None:
    found = place("31700")
    assert found.city == "Blagnac"
    assert not found.ambiguous  # all its communes are in Haute-Garonne
    assert found.note is not None
    assert "share postal code 31700" in found.note


@pytest.mark.parametrize(
    ("code", "insee"),
    [("75013", "75113"), ("75116", "75116"), ("75016", "75116"), ("69003", "69383"),
     ("13008", "13208"), ("13001", "13201")],
)  # fmt: skip
def test_arrondissement_postal_codes(code: str, insee: str) -> None:
    found = place(code)
    assert found.insee_code == insee
    assert found.note is not None
    assert "municipal arrondissement" in found.note


def test_cedex_codes() -> None:
    toulouse = place("31055")
    assert (toulouse.department, toulouse.region) == ("31", "Occitanie")
    assert toulouse.note is not None
    assert "CEDEX" in toulouse.note
    paris = place("75700 Paris Cedex 07")
    assert (paris.department, paris.region) == ("75", "Île-de-France")
    assert paris.note is not None
    assert "CEDEX" in paris.note


@pytest.mark.parametrize(
    ("code", "department"),
    [
        ("20001", "2A"),
        ("20101", "2A"),
        ("20201", "2B"),
        ("20500", "2B"),
        ("75000", "75"),
    ],
)
def test_unlisted_postal_code_goes_to_departement_chef_lieu(
    code: str, department: str
) -> None:
    found = place(postal_code=code)
    assert (found.resolved_from, found.department) == ("department", department)
    assert found.postal_code == code
    dept = geo.resolve_department(department)
    assert dept is not None
    assert (found.lat, found.lon) == (dept.lat, dept.lon)
    assert found.note is not None
    assert "chef-lieu" in found.note


@pytest.mark.parametrize(
    ("text", "insee"),
    [("2A004", "2A004"), ("2a004", "2A004"), ("2B033", "2B033"), ("75056", "75056")],
)
def test_insee_codes(text: str, insee: str) -> None:
    found = place(text)
    assert found.insee_code == insee
    assert found.resolved_from == "insee_code"
    assert place(insee_code=text).insee_code == insee


def test_insee_code_wins_over_other_fields() -> None:
    assert place(insee_code="2A004", city="Bastia").city == "Ajaccio"


# --- Départements and regions as places -----------------------------------------------
@pytest.mark.parametrize("text", ["63", "Puy-de-Dôme", "puy de dome"])
def test_departement_only(text: str) -> None:
    for found in (place(text), place(department=text)):
        assert found.resolved_from == "department"
        assert (found.department, found.region) == ("63", "Auvergne-Rhône-Alpes")
        assert found.city is None
        assert found.lat is not None
        assert found.lon is not None
        assert geo.distance_km(found.lat, found.lon, 45.7772, 3.0870) < 3


def test_region_only() -> None:
    for found in (place("Bretagne"), place(region="Brittany")):
        assert (found.resolved_from, found.region) == ("region", "Bretagne")
        assert found.department is None
        assert found.lat is not None
        assert found.lon is not None
        assert geo.distance_km(found.lat, found.lon, 48.1173, -1.6778) < 3  # Rennes


# --- Garbage --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["", "   ", "zzzz", "99999", "00000", "98000", "\x00", "\x00\x00\x00", "!!!",
     "x" * 100_000, "Toulouse" * 1000, "12345678901234"],
)  # fmt: skip
def test_garbage_resolves_to_none(text: str) -> None:
    assert geo.resolve_place(text) is None


def test_no_input_and_garbage_keywords_resolve_to_none() -> None:
    assert geo.resolve_place() is None
    assert geo.resolve_place(city="", postal_code="", insee_code="", region="") is None
    assert geo.resolve_place(city="zzzz") is None
    assert geo.resolve_place(postal_code="abc") is None
    assert geo.resolve_place(insee_code="99999") is None
    assert geo.resolve_place(region="Atlantis", department="zz") is None
    assert geo.resolve_place(["Toulouse"]) is None  # type: ignore[arg-type]


@given(st.text(max_size=400))
@settings(max_examples=300, deadline=None)
def test_resolve_place_never_raises(text: str) -> None:
    found = geo.resolve_place(text)
    assert found is None or isinstance(found, geo.Place)


@given(
    st.one_of(st.none(), st.text(max_size=40)),
    st.one_of(st.none(), st.text(alphabet="0123456789 AB", max_size=8)),
    st.one_of(st.none(), st.text(max_size=20)),
)
@settings(max_examples=200, deadline=None)
def test_resolve_place_keywords_never_raise(
    city: str | None, postal_code: str | None, department: str | None
) -> None:
    found = geo.resolve_place(city=city, postal_code=postal_code, department=department)
    assert found is None or found.region in REGION_NAMES


def test_repeated_resolution_is_cached() -> None:
    assert geo.resolve_place("31700") is geo.resolve_place("31700")
    assert geo.resolve_place("Toulouse") is geo.resolve_place("TOULOUSE")


# --- Postal code normalisation --------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31000", "31000"),
        ("31 000", "31000"),
        (" 31000 ", "31000"),
        ("31000 CEDEX", "31000"),
        ("31055 Cedex 9", "31055"),
        ("75008 Paris", "75008"),
        ("F-31000", "31000"),
        ("FR 31000", "31000"),
        ("6000", "06000"),
        ("97400", "97400"),
        ("20000", "20000"),
        ("", None),
        ("abc", None),
        ("310000", None),
        ("3100", "03100"),
        ("00100", None),
        ("96000", None),
        ("99999", None),
        ("Toulouse 31000", None),
    ],
)
def test_normalize_postal_code(text: str, expected: str | None) -> None:
    assert geo.normalize_postal_code(text) == expected


@given(st.text(max_size=30))
def test_normalize_postal_code_is_idempotent(text: str) -> None:
    once = geo.normalize_postal_code(text)
    assert once is None or geo.normalize_postal_code(once) == once


# --- Distances and bounds -------------------------------------------------------------
def test_distance_paris_lyon() -> None:
    paris, lyon = place("Paris"), place("Lyon")
    assert paris.lat is not None
    assert paris.lon is not None
    assert lyon.lat is not None
    assert lyon.lon is not None
    assert geo.distance_km(paris.lat, paris.lon, lyon.lat, lyon.lon) == pytest.approx(
        392, abs=10
    )
    assert geo.distance_km(1.0, 2.0, 1.0, 2.0) == 0


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        (48.8566, 2.3522, True),  # Paris
        (41.9192, 8.7386, True),  # Ajaccio
        (-20.8789, 55.4481, True),  # Saint-Denis, La Réunion
        (4.9372, -52.3260, True),  # Cayenne
        (16.2650, -61.5510, True),  # Guadeloupe
        (-12.7806, 45.2278, True),  # Mamoudzou
        (51.5074, -0.1278, False),  # London
        (40.7128, -74.0060, False),  # New York
        (50.8503, 4.3517, False),  # Brussels
        (40.4168, -3.7038, False),  # Madrid
        (math.nan, 2.0, False),
    ],
)
def test_in_france(lat: float, lon: float, expected: bool) -> None:
    assert geo.in_france(lat, lon) is expected


# --- Data files -----------------------------------------------------------------------
def test_every_region_and_departement_point_is_in_france() -> None:
    for item in (*geo.regions(), *geo.departments()):
        assert geo.in_france(item.lat, item.lon), item


def test_gazetteer_is_complete_and_consistent() -> None:
    """Names index matches clusterctl.text.normalize; every commune is placed."""
    text = gzip.decompress((geo.data_dir() / geo.GAZETTEER_FILE).read_bytes())
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in text.decode("utf-8").splitlines():
        if line.startswith("#") and line[1:].split(" ")[0] in (
            "rows", "names", "postal", "cedex",
        ):  # fmt: skip
            current = sections.setdefault(line[1:].split(" ")[0], [])
        elif not line.startswith("#"):
            current.append(line)
    rows = [line.split("\t") for line in sections["rows"]]
    names = dict(line.split("\t") for line in sections["names"])
    dept_codes = {d.code for d in geo.departments()}
    communes = [r for r in rows if r[2] == "c"]
    assert len(communes) > 34_000
    assert sum(r[2] == "a" for r in rows) == 45  # 20 + 9 + 16 arrondissements
    for number, row in enumerate(rows):
        assert str(number) in names[normalize(row[1])].split(), row
    for row in communes:
        dept = row[0][:3] if row[0].startswith("97") else row[0][:2]
        assert dept in dept_codes, row
        assert row[4], row  # every commune has coordinates
        assert geo.in_france(float(row[4]), float(row[5])), row


# --- Signed numbers -------------------------------------------------------------------
@given(st.integers(max_value=-1))
@settings(max_examples=200, deadline=None)
def test_negative_numbers_are_never_places(number: int) -> None:
    text = str(number)
    assert geo.resolve_place(number) is None  # type: ignore[arg-type]
    assert geo.resolve_place(text) is None
    for field in ("city", "postal_code", "insee_code", "department", "region"):
        assert geo.resolve_place(**{field: text}) is None, field
    assert geo.resolve_department(text) is None
    assert geo.resolve_region(text) is None
    assert geo.normalize_postal_code(text) is None


@pytest.mark.parametrize("text", ["-6", "−6", "- 31", "+75", "-31000", "-2A"])
def test_signed_codes_are_not_places(text: str) -> None:
    assert geo.resolve_place(text) is None
    assert geo.resolve_place(department=text) is None


@pytest.mark.parametrize(
    "location",
    [-6, -31, -75, -31000, "-6", {"department": -6}, {"postal_code": -31000}],
)
def test_profile_with_a_negative_location_is_not_placed(location: object) -> None:
    from clusterctl.models import Profile
    from clusterctl.profiles import resolve_profile

    profile = Profile.model_validate(
        {"name": "A", "sectors": ["biotech"], "location": location}
    )
    company = resolve_profile(profile)
    assert company.places == []
    assert any(w.code == "unknown_place" for w in company.warnings)


# --- Warnings: which field was kept, which commune was taken --------------------------
def codes(found: geo.Place) -> list[str]:
    return [w.code for w in found.warnings]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"city": "Lyon", "postal_code": "33000"},
        {"text": "Lyon 33000"},
        {"text": "33000 Lyon"},
    ],
)
def test_postal_code_contradicting_the_city_is_kept_with_a_warning(kwargs) -> None:
    found = place(kwargs.pop("text", None), **kwargs)
    assert (found.city, found.department) == ("Bordeaux", "33")
    assert codes(found) == ["conflicting_place"]
    text = found.warnings[0].text
    assert "33000" in text
    assert "Lyon" in text
    assert "kept the postal code" in text
    assert "Bordeaux" in text


@pytest.mark.parametrize(
    "other", [{"department": "69"}, {"region": "Auvergne-Rhône-Alpes"}]
)
def test_city_agreeing_with_the_other_fields_is_kept(other: dict[str, str]) -> None:
    found = place(city="Lyon", postal_code="33000", **other)
    assert (found.city, found.department) == ("Lyon", "69")
    assert found.postal_code != "33000"
    assert codes(found) == ["conflicting_place"]
    assert "kept the city" in found.warnings[0].text


def test_unlisted_postal_code_elsewhere_than_the_city_warns() -> None:
    found = place(city="Lyon", postal_code="33999")
    assert (found.resolved_from, found.department) == ("department", "33")
    assert codes(found) == ["conflicting_place"]
    assert "kept the postal code" in found.warnings[0].text


def test_city_outside_the_given_department_warns() -> None:
    found = place(city="Toulouse", department="33")
    assert codes(found) == ["conflicting_place"]
    assert "no commune named Toulouse in Gironde" in found.warnings[0].text
    assert "kept the département" in found.warnings[0].text


def test_unknown_city_placed_by_the_postal_code_says_so() -> None:
    found = place(city="Nowhere-sur-Mer", postal_code="31700")
    assert codes(found) == ["unknown_place"]
    assert "placed by the postal code: Blagnac (31)" in found.warnings[0].text


def test_insee_code_wins_over_a_contradicting_city_with_a_warning() -> None:
    found = place(insee_code="2A004", city="Bastia")
    assert found.city == "Ajaccio"
    assert codes(found) == ["conflicting_place"]
    assert "Bastia" in found.warnings[0].text
    assert "kept the INSEE code" in found.warnings[0].text
    # An arrondissement and its city agree.
    assert place(insee_code="75108", city="Paris", postal_code="75008").warnings == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Aix", "Aix-en-Provence"), ("Clermont", "Clermont-Ferrand"),
     ("Boulogne", "Boulogne-Billancourt"), ("Vitry", "Vitry-sur-Seine")],
)  # fmt: skip
def test_short_names_take_the_most_populous_commune_and_warn(
    text: str, expected: str
) -> None:
    found = place(text)
    assert found.city == expected
    assert found.ambiguous
    assert codes(found) == ["ambiguous_place"]
    warning = found.warnings[0].text
    assert expected in warning
    assert "most populous" in warning


def test_short_name_takes_the_commune_consistent_with_other_fields() -> None:
    savoie = place(city="Aix", department="73")
    assert savoie.city == "Aix-les-Bains"
    assert "took Aix-les-Bains" in savoie.warnings[0].text
    by_code = place(city="Aix", postal_code="13100")
    assert (by_code.city, by_code.warnings) == ("Aix-en-Provence", ())
    correze = place(city="Aix", postal_code="19200")
    assert (correze.city, correze.department, correze.warnings) == ("Aix", "19", ())


def test_homonyms_warn_which_commune_was_taken() -> None:
    found = place("Saint-Denis")
    assert codes(found) == ["ambiguous_place"]
    assert "took the most populous, Saint-Denis (974)" in found.warnings[0].text
    assert place("Saint-Denis", postal_code="93200").warnings == ()


@pytest.mark.parametrize(
    "text",
    ["Paris", "Lyon", "Marseille", "Toulouse", "Metz", "Rennes", "Nantes", "Tours",
     "31000", "Toulouse 31000", "Paris 13e", "75013", "Annecy-le-Vieux"],
)  # fmt: skip
def test_plain_places_have_no_warning(text: str) -> None:
    assert place(text).warnings == ()


@pytest.fixture(scope="module")
def communes_with_codes() -> list[tuple[str, str]]:
    gaz = gazetteer.load_gazetteer()
    rows = [gaz._row(n) for n in range(0, len(gaz._lines), 37)]
    return [
        (r.name, code) for r in rows if r.kind == "c" for code in r.postal_codes.split()
    ]


def test_a_commune_with_one_of_its_postal_codes_never_conflicts(
    communes_with_codes: list[tuple[str, str]],
) -> None:
    for name, code in communes_with_codes:
        found = place(city=name, postal_code=code)
        assert "conflicting_place" not in codes(found), (name, code, found.warnings)
        assert normalize(found.city or "") == normalize(name) or found.note, (
            name,
            code,
        )


def test_profile_and_batch_pass_place_warnings_on(runner, small, tmp_path) -> None:
    from clusterctl.cli import app
    from clusterctl.models import Profile
    from clusterctl.profiles import resolve_profile

    profile = Profile.model_validate(
        {"name": "A", "sectors": ["biotech"],
         "location": {"city": "Lyon", "postal_code": "33000"}, "locations": ["Aix"]}
    )  # fmt: skip
    warnings = {w.code: w.text for w in resolve_profile(profile).warnings}
    assert "kept the postal code: Bordeaux (33)" in warnings["conflicting_place"]
    assert "Aix-en-Provence" in warnings["ambiguous_place"]
    register = tmp_path / "register.csv"
    register.write_text("name,sectors,city,postal_code\nA,biotech,Lyon,33000\n")
    result = runner.invoke(
        app, ["match", "--batch", str(register), "-d", small, "-f", "ndjson"]
    )
    assert result.exit_code == 0, result.stderr
    assert "kept the postal code: Bordeaux (33)" in result.stderr
