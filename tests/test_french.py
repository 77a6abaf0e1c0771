"""French: the library's texts for people (label notes, reasons, eligibility,
place warnings, errors, maps) in French when French is chosen, and every key,
code and id the same in both languages."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import pytest

from clusterctl import api, i18n
from clusterctl.errors import ClusterctlError, UsageError
from clusterctl.geography import resolve_place
from clusterctl.labels import label_of, status_text
from clusterctl.taxonomy import load_taxonomy
from conftest import SMALL, clusterctl_command, plain_env
from fixture_data import standard

BEFORE = dt.date(2026, 12, 6)
PROFILE = {
    "name": "Acme",
    "sectors": ["biotech"],
    "keywords": ["vaccins"],
    "location": "Villeurbanne",
    "size": "startup",
    "looking_for": ["funding"],
}
#: Fields written for people; everything else in a record is for programs.
HUMAN = {"label_note", "why", "text"}


@pytest.fixture(autouse=True)
def _reset_language():
    yield
    i18n.set_language(None)


def in_language(code: str, function, *args, **kwargs):
    i18n.set_language(code)
    try:
        return function(*args, **kwargs)
    finally:
        i18n.set_language(None)


def machine_part(value):
    """`value` with the texts for people blanked: what must not change with the
    language."""
    if isinstance(value, dict):
        return {
            k: "<text>" if k in HUMAN else machine_part(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [machine_part(v) for v in value]
    return value


def texts(value) -> list[str]:
    if isinstance(value, dict):
        return [
            t
            for k, v in value.items()
            for t in ([v] if k in HUMAN and isinstance(v, str) else texts(v))
        ]
    if isinstance(value, list):
        return [t for v in value for t in texts(v)]
    return []


# ------------------------------------------------------------------ labels
def test_label_note_in_french():
    note = in_language("fr", label_of, "active", BEFORE, term_end=dt.date(2024, 12, 31))
    assert note.status == "lapsed"
    assert note.note == "label non confirmé depuis le 31/12/2024"
    english = in_language(
        "en", label_of, "active", BEFORE, term_end=dt.date(2024, 12, 31)
    )
    assert english.note == "label not confirmed since 2024-12-31"
    current = in_language(
        "fr", label_of, "probation", BEFORE, term_end=dt.date(2027, 6, 30)
    )
    assert current.note == "label probatoire jusqu'au 30/06/2027"


def test_status_words_leave_the_values_alone():
    assert in_language("fr", status_text, "lapsed") == "échu"
    assert in_language("en", status_text, "lapsed") == "lapsed"


# ------------------------------------------------------------------ match
def test_eligibility_names_the_sector_in_french(tmp_path):
    data = standard(tmp_path)
    result = in_language("fr", api.match, PROFILE, dataset=data, top=6)
    by_id = {m["id"]: m for m in result["matches"]}
    beta = by_id["beta"]
    assert beta["label_status"] == "lapsed"
    assert beta["label_note"] == "label non confirmé depuis le 31/12/2024"
    assert beta["eligibility"]["sector"] == {
        "eligible": True,
        "criterion": "sector",
        "why": "Biotechnologies fait partie de ses secteurs",
    }
    alpha = [r["text"] for r in by_id["alpha"]["reasons"]]
    assert "accueille des adhérents de type start-up" in alpha
    assert "propose : financement" in alpha
    codes = {w["code"]: w["text"] for w in result["warnings"]}
    assert codes["label_doubtful"].startswith("label non en vigueur au 06/12/2026 : ")


def test_match_keys_and_codes_are_the_same_in_both_languages(tmp_path):
    data = standard(tmp_path)
    profile = {**PROFILE, "location": "Aix"}  # an ambiguous place: a warning
    english = in_language("en", api.match, profile, dataset=data, top=6, explain=True)
    french = in_language("fr", api.match, profile, dataset=data, top=6, explain=True)
    assert machine_part(french) == machine_part(english)
    assert [w["code"] for w in french["warnings"]] == [
        w["code"] for w in english["warnings"]
    ]
    assert "ambiguous_place" in [w["code"] for w in french["warnings"]]
    # the texts themselves did change, and no English sentence is left
    assert set(texts(french)).isdisjoint(texts(english))


# ------------------------------------------------------------------ places
def test_place_warning_in_french_and_english_in_one_process():
    english = in_language("en", resolve_place, city="Paris", postal_code="69001")
    french = in_language("fr", resolve_place, city="Paris", postal_code="69001")
    assert [w.code for w in french.warnings] == ["conflicting_place"]
    assert french.warnings[0].text == (
        "le code postal 69001 n'est pas celui de Paris ; code postal retenu : "
        "Lyon 1er Arrondissement (69)"
    )
    assert english.warnings[0].text == (
        "postal code 69001 is not Paris's; kept the postal code: "
        "Lyon 1er Arrondissement (69)"
    )
    assert (french.city, french.insee_code) == (english.city, english.insee_code)


def test_ambiguous_name_in_french():
    place = in_language("fr", resolve_place, "Saint-Denis")
    assert place.warnings[0].code == "ambiguous_place"
    assert place.warnings[0].text.startswith("4 communes s'appellent Saint-Denis ; ")


# ------------------------------------------------------------------ errors
def test_search_errors_in_french():
    from clusterctl.search import check_query

    i18n.set_language("fr")
    with pytest.raises(UsageError) as empty:
        check_query("  ")
    assert str(empty.value).startswith("recherche vide : rien à chercher ; ")
    with pytest.raises(UsageError) as long:
        check_query(" ".join(["mot"] * 13))
    assert "(13 mots ; au plus 12 mots ou 200 caractères)" in str(long.value)


def test_filter_errors_in_french():
    from clusterctl.query import resolve_regions, resolve_sectors

    i18n.set_language("fr")
    with pytest.raises(UsageError) as region:
        resolve_regions(["Bretagn"])
    assert str(region.value) == (
        "région inconnue 'Bretagn' (vouliez-vous dire 'Bretagne' ?)"
    )
    with pytest.raises(UsageError) as sector:
        resolve_sectors(["games"])
    assert str(sector.value).startswith("secteur inconnu 'games' (vouliez-vous dire ")


def test_file_error_in_french(tmp_path):
    from clusterctl.yamlio import read_text

    i18n.set_language("fr")
    with pytest.raises(ClusterctlError) as missing:
        read_text(tmp_path / "absent.yaml")
    assert str(missing.value) == f"{tmp_path / 'absent.yaml'}: fichier introuvable"
    with pytest.raises(ClusterctlError) as folder:
        read_text(tmp_path, kind="profile")
    assert str(folder.value) == f"{tmp_path}: c'est un dossier, pas un profil"


def test_profile_errors_in_french_without_pydantic_wording(tmp_path):
    i18n.set_language("fr")
    with pytest.raises(ClusterctlError) as bad:
        api.match({"name": "Acme", "size": "big"}, dataset=standard(tmp_path))
    assert str(bad.value) == (
        "profil : size: doit être l'une des valeurs startup, sme, midcap, large, "
        "research, academic ou public"
    )
    i18n.set_language("en")
    with pytest.raises(ClusterctlError) as english:
        api.match({"name": "Acme", "size": "big"}, dataset=standard(tmp_path))
    assert str(english.value).startswith("profile: size: must be one of startup, sme")


# ------------------------------------------------------------------ words
def test_sector_and_ecosystem_labels_follow_the_language():
    taxonomy = load_taxonomy()
    assert in_language("fr", taxonomy.label, "health") == "Santé"
    assert in_language("en", taxonomy.label, "health") == "Health"
    assert in_language("fr", taxonomy.ecosystem_label, "agri-food") == "Agroalimentaire"
    assert in_language("en", taxonomy.ecosystem_label, "agri-food") == "Agri-food"
    assert set(taxonomy.ecosystems_fr) == set(taxonomy.ecosystems)  # every one named


def test_formats():
    i18n.set_language("fr")
    assert i18n.format_date(dt.date(2026, 12, 31)) == "31/12/2026"
    assert i18n.format_date("2026-12-31") == "31/12/2026"
    assert i18n.format_number(1234) == "1\u00a0234"
    assert i18n.format_decimal(0.5) == "0,50"
    assert i18n.join_clauses(["a", "b"]) == "a ; b"
    i18n.set_language("en")
    assert i18n.format_date(dt.date(2026, 12, 31)) == "2026-12-31"
    assert i18n.format_number(1234) == "1,234"
    assert i18n.format_decimal(0.5) == "0.50"
    assert i18n.join_clauses(["a", "b"]) == "a; b"


# ------------------------------------------------------------------ maps
def test_map_texts_in_french():
    from clusterctl.dataset import load_dataset
    from clusterctl.maps.html import render_html
    from clusterctl.maps.scene import cluster_scene

    i18n.set_language("fr")
    dataset = load_dataset(SMALL)
    scene = cluster_scene(dataset, dataset.clusters)
    assert scene.title == f"{len(dataset.clusters)} pôles : sièges"
    assert scene.footer[1].startswith("Fond de carte : ")
    page = render_html(scene)
    assert '<html lang="fr">' in page
    assert "<th>Adhérents</th>" in page
    marker = next(m for m in scene.markers if m.key == "aerospace-valley")
    assert (
        marker.details[1] == "secteur principal : Aérospatial (Aérospatiale et défense)"
    )


# ------------------------------------------------------------------ command line
def run(*args: str, lang: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*clusterctl_command(), *args],
        capture_output=True,
        text=True,
        env=plain_env(CLUSTERCTL_LANG=lang),
        timeout=60,
    )


def test_command_line_speaks_french_with_the_same_json(tmp_path):
    profile = tmp_path / "acme.json"
    profile.write_text(json.dumps(PROFILE), encoding="utf-8")
    data = standard(tmp_path)
    english = run("match", str(profile), "--data", data, "-f", "json", lang="en")
    french = run("match", str(profile), "--data", data, "-f", "json", lang="fr")
    assert english.returncode == french.returncode == 0, french.stderr
    en, fr = json.loads(english.stdout), json.loads(french.stdout)
    assert machine_part(fr) == machine_part(en)
    whys = [m["eligibility"]["sector"]["why"] for m in fr["matches"]]
    assert "Biotechnologies fait partie de ses secteurs" in whys


def test_command_line_errors_in_french_from_the_locale():
    env_lang = run("list", "--region", "Bretagn", lang="fr")
    assert env_lang.returncode == 2
    assert "région inconnue 'Bretagn' (vouliez-vous dire 'Bretagne' ?)" in (
        env_lang.stderr
    )
    # no CLUSTERCTL_LANG: LANG decides
    result = subprocess.run(
        [*clusterctl_command(), "search", "  "],
        capture_output=True,
        text=True,
        env=plain_env(CLUSTERCTL_LANG="", LC_ALL="", LANG="fr_FR.UTF-8"),
        timeout=60,
    )
    assert result.returncode == 2
    assert "recherche vide : rien à chercher" in result.stderr
