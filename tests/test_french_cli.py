"""French on the command line: `--lang` before or after the command, the locale,
help with Typer's and Click's own words, tables, panels, errors and the profile
template; exit codes, JSON keys and CSV/TSV headers the same in both languages."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from clusterctl import i18n
from clusterctl.cli import app
from clusterctl.cli.usage import LanguageError, take_language
from conftest import SMALL, clusterctl_command, plain_env
from test_french import machine_part


@pytest.fixture(autouse=True)
def _reset_language():
    yield
    i18n.set_language(None)


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = plain_env(**env)
    return subprocess.run(
        [*clusterctl_command(), *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


def invoke(runner, *args: str, lang: str = "fr"):
    return runner.invoke(app, list(args), env={"CLUSTERCTL_LANG": lang})


# ------------------------------------------------------------------ --lang
@pytest.mark.parametrize(
    "args",
    [
        ["--lang", "fr", "list", "--region", "Bretagn"],
        ["list", "--region", "Bretagn", "--lang", "fr"],
        ["list", "--lang=fr", "--region", "Bretagn"],
    ],
)
def test_lang_before_or_after_the_command(args):
    result = run(*args, CLUSTERCTL_LANG="en")
    assert result.returncode == 2
    assert result.stderr == (
        "clusterctl: erreur : région inconnue 'Bretagn' "
        "(vouliez-vous dire 'Bretagne' ?)\n"
    )


def test_lang_en_overrides_a_french_locale():
    result = run("--lang", "en", "list", "--region", "Bretagn", LANG="fr_FR.UTF-8")
    assert result.returncode == 2
    assert "unknown region 'Bretagn'" in result.stderr


def test_locale_chooses_french():
    result = run("list", "--help", CLUSTERCTL_LANG="", LC_ALL="", LANG="fr_FR.UTF-8")
    assert result.returncode == 0
    assert result.stdout.startswith("Utilisation : clusterctl list [OPTIONS]")


@pytest.mark.parametrize("value", ["de", "klingon", ""])
def test_unknown_language_is_refused(value):
    result = run("--lang", value, "list")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"clusterctl: error: --lang: '{value}' is not one of fr, en\n"
    )


def test_lang_without_a_value():
    result = run("list", "--lang")
    assert result.returncode == 2
    assert result.stderr == "clusterctl: error: --lang needs a value (fr, en)\n"


def test_take_language_leaves_the_other_words(monkeypatch):
    monkeypatch.setenv(i18n.ENV_LANG, "en")  # `--lang` sets it for workers
    assert take_language(["list", "--lang", "fr", "-n", "3"]) == ["list", "-n", "3"]
    assert i18n.language() == "fr"
    assert take_language(["--lang=en", "show", "x"]) == ["show", "x"]
    assert i18n.language() == "en"
    after_end = ["search", "--", "--lang", "fr"]
    assert take_language(after_end) == after_end
    with pytest.raises(LanguageError):
        take_language(["list", "--lang", "de"])


def test_root_help_documents_lang(runner):
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "--lang LANG Language of messages, tables and help: fr or en" in text
    assert "CLUSTERCTL_LANG (fr or en; else LC_ALL, LC_MESSAGES or LANG)" in text


# ------------------------------------------------------------------ help
def test_command_help_in_french(runner):
    result = invoke(runner, "list", "--help")
    assert result.exit_code == 0
    out = result.stdout
    text = " ".join(out.split())
    assert out.startswith("Utilisation : clusterctl list [OPTIONS]\n")
    assert "\nOptions :\n" in out
    assert "Lister les pôles, filtrés par secteur" in text
    assert "Afficher au plus N pôles. [1 ou plus]" in text
    assert "[par défaut : auto]" in text
    assert "-h, --help Afficher ce message et quitter." in text
    # Typer's and Click's own words are translated too
    for english in ("Usage:", "Options:", "Show this message", "default:", "x>="):
        assert english not in out, english


def test_root_help_in_french(runner):
    result = invoke(runner, "--help")
    assert result.exit_code == 0
    out = result.stdout
    for heading in ("Commandes :", "Vocabulaires :", "Outils pour le jeu de données :"):
        assert f"\n{heading}\n" in out
    text = " ".join(out.split())
    assert "[variable d'environnement : CLUSTERCTL_DATA]" in text
    assert "Installer la complétion pour le shell courant." in text
    assert "Code de sortie : 0 résultats affichés" in text
    assert "Classer les pôles qui conviennent à une entreprise" in text


def test_help_follows_the_language_of_each_run(runner):
    french = invoke(runner, "show", "--help", lang="fr")
    english = invoke(runner, "show", "--help", lang="en")
    assert "Afficher tous les champs d'un pôle." in french.stdout
    assert "Show every field of one cluster." in english.stdout
    assert "Afficher" not in english.stdout


def _commands():
    from typer.main import get_command

    group = get_command(app)
    return [(name, group.commands[name]) for name in sorted(group.commands)]


def test_every_help_text_has_a_french_translation():
    """A help written without `N_()` (a plain string or a docstring) has no
    entry in the catalog: it would stay English in French help."""
    i18n.set_language("fr")
    from typer.main import get_command

    group = get_command(app)
    texts = [("clusterctl", group.help), ("clusterctl", group.epilog)]
    texts += [("clusterctl " + p.opts[0], p.help) for p in group.params if p.help]
    for name, command in _commands():
        texts.append((name, command.help))
        for param in command.params:
            if getattr(param, "help", None):
                texts.append((f"{name} {param.name}", param.help))
    untranslated = [(where, text) for where, text in texts if i18n._(text) == text]
    assert untranslated == []


def test_every_command_help_in_french_has_no_english_option_help(runner):
    i18n.set_language("en")
    for name, command in _commands():
        english = {p.help for p in command.params if getattr(p, "help", None)}
        result = invoke(runner, name, "--help")
        assert result.exit_code == 0, (name, result.stderr)
        flat = " ".join(result.stdout.split())
        for text in english:
            assert " ".join(text.split()) not in flat, (name, text)


# ------------------------------------------------------------------ tables, panels
def test_french_table_headers_and_sector_labels(runner):
    result = invoke(
        runner, "--data", SMALL, "list", "--sector", "biotech", "-f", "table"
    )
    assert result.exit_code == 0, result.stderr
    header = result.stdout.splitlines()[0].split()
    assert header == [
        "id",
        "nom",
        "label",
        "ville",
        "du",
        "siège",
        "régions",
        "secteurs",
    ]
    assert "en vigueur" in result.stdout
    assert "Santé, Biotechnologies" in result.stdout
    english = invoke(
        runner, "--data", SMALL, "list", "--sector", "biotech", "-f", "table", lang="en"
    )
    assert "sectors" in english.stdout.splitlines()[0]
    assert "biotech" in english.stdout


def test_french_panel(runner):
    result = invoke(runner, "show", "cap-digital", "-f", "table")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("╭─ Cap Digital ")
    for label in ("│ siège ", "│ adhérents ", "│ mots-clés ", "│ site web "):
        assert label in out, label
    assert "en vigueur : labellisé jusqu'au 31/12/2026" in out
    assert "actif, au 27/03/2023 [1]" in out
    for english in ("│ hq ", "│ members ", "│ keywords ", "as of"):
        assert english not in out, english


def test_french_match_table(runner, tmp_path):
    from conftest import EXAMPLES

    result = invoke(
        runner, "match", str(EXAMPLES / "biotech-startup-lyon.yaml"), "-f", "table",
        "-n", "2", "--explain",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Pôles pour " in out.splitlines()[0]
    assert out.splitlines()[1].split() == ["#", "score", "pôle", "pourquoi"]
    assert "secteur ✓" in out
    assert "critère" in out
    assert "utilisé" in out


def test_tsv_and_csv_headers_are_field_names_in_french():
    english = run("--data", SMALL, "list", "-f", "tsv", CLUSTERCTL_LANG="en")
    french = run("--data", SMALL, "list", "-f", "tsv", CLUSTERCTL_LANG="fr")
    assert english.stdout.splitlines()[0] == french.stdout.splitlines()[0]
    csv_fr = run("--data", SMALL, "list", "-f", "csv", "--lang", "fr")
    assert csv_fr.stdout.splitlines()[0] == english.stdout.splitlines()[0].replace(
        "\t", ","
    )


# ------------------------------------------------------------------ JSON
@pytest.mark.parametrize(
    "args",
    [
        ["--data", SMALL, "list"],
        ["--data", SMALL, "show", "cap-digital"],
        ["info"],
        ["match", "examples/biotech-startup-lyon.yaml", "--explain"],
        ["naf", "30.30Z"],
    ],
)
def test_json_is_the_same_in_both_languages_but_for_texts(args):
    from conftest import REPO

    args = [str(REPO / a) if a.startswith("examples/") else a for a in args]
    english = run(*args, "-f", "json", CLUSTERCTL_LANG="en")
    french = run(*args, "-f", "json", CLUSTERCTL_LANG="fr")
    assert english.returncode == french.returncode == 0, french.stderr
    en, fr = json.loads(english.stdout), json.loads(french.stdout)
    for record in (en, fr):  # texts for people that are not a note or a reason
        if args[0] == "naf":
            for sector in record["sectors"]:
                sector["label"] = "<text>"  # sector labels follow the language
        if args[0] == "info":
            record["bundled_data_licences"] = "<text>"
    assert machine_part(fr) == machine_part(en)


def test_info_licences_in_french():
    french = json.loads(run("info", "-f", "json", CLUSTERCTL_LANG="fr").stdout)
    assert french["bundled_data_licences"]["clusters"].startswith(
        "CC BY 4.0, compilation des sources publiques"
    )


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["lst"], 2, "commande inconnue 'lst' (vouliez-vous dire 'list' ?)"),
        (["list", "--bogus"], 2, "option inconnue '--bogus' ; voir"),
        (["list", "--limit", "0"], 2, "--limit: doit valoir 1 ou plus"),
        (["list", "-f", "xml"], 2, "'xml' ne fait pas partie des valeurs possibles"),
        (["list", "biotech"], 2, "list ne prend pas d'argument 'biotech' (pour"),
        (["show"], 2, "CLUSTER manquant : id, nom, autre nom"),
        (["list", "--limit"], 2, "--limit demande une valeur (N)"),
        (["list", "--radius", "5"], 2, "--radius demande --near PLACE"),
        (["list", "--sort", "nme"], 2, "impossible de trier selon 'nme'"),
        (["naf", "99.99Z"], 2, "code NAF rév. 2 inconnu '99.99Z'"),
        (["show", "biotech"], 1, "'biotech' est un secteur, pas un pôle"),
        (["search", "zzzzqqqxx"], 1, "aucun pôle ne correspond à 'zzzzqqqxx'"),
        (["match", "absent.yaml"], 2, "absent.yaml : fichier introuvable"),
    ],
)
def test_errors_in_french_keep_their_exit_code(args, code, message):
    french = run(*args, CLUSTERCTL_LANG="fr")
    english = run(*args, CLUSTERCTL_LANG="en")
    assert french.returncode == english.returncode == code
    assert message in french.stderr
    assert len(french.stderr.splitlines()) == 1
    assert french.stderr != english.stderr


def test_validate_summary_in_french(tmp_path):
    result = run("validate", SMALL, CLUSTERCTL_LANG="fr")
    assert result.returncode == 0
    assert result.stderr.splitlines()[-1].startswith(f"clusterctl: {SMALL} : jeu de")
    assert " erreur" in result.stderr


# ------------------------------------------------------------------ init
def test_init_template_in_french_validates(runner, tmp_path):
    path = tmp_path / "entreprise.yaml"
    result = invoke(runner, "init", str(path))
    assert result.exit_code == 0, result.stderr
    assert "modifiez-le, puis lancez : clusterctl match" in result.stderr
    text = path.read_text(encoding="utf-8")
    assert "# Profil d'entreprise pour `clusterctl match`" in text
    english = invoke(runner, "init", lang="en").stdout
    assert set(yaml.safe_load(text)) == set(yaml.safe_load(english))
    checked = invoke(runner, "validate", str(path))
    assert checked.exit_code == 0, checked.stderr
    matched = invoke(runner, "match", str(path), "-f", "json")
    assert matched.exit_code == 0, matched.stderr
    assert json.loads(matched.stdout)["company"]["looking_for"] == [
        "rd-projects",
        "funding",
        "export",
    ]


# ------------------------------------------------------------------ catalog
def test_catalog_is_compiled_once_per_process(monkeypatch):
    calls = []
    original = i18n._load

    def counting(code):
        calls.append(code)
        return original(code)

    monkeypatch.setattr(i18n, "_load", counting)
    i18n.set_language("fr")
    for _ in range(3):
        assert i18n._("Options") == "Options"
        assert i18n.pgettext("field", "hq") == "siège"
    assert calls == ["fr"]


def test_english_loads_no_catalog(monkeypatch):
    monkeypatch.setattr(i18n, "_load", lambda code: pytest.fail("catalog loaded"))
    i18n.set_language("en")
    assert i18n._("Options") == "Options"


def test_french_related_table_names_relations_and_states(runner):
    result = invoke(runner, "related", "aerospace-valley", "-f", "table")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "limitrophe" in out
    assert "bordering" not in out
    assert "secteurs communs" in out.splitlines()[0]


def test_lang_completes_before_and_after_the_command(runner):
    from test_completion import candidates

    assert candidates(runner, "--lang ") == ["en", "fr"]
    assert candidates(runner, "list --lang f") == ["fr"]
    assert candidates(runner, "show --la") == ["--lang"]


def test_french_catalog_is_kept_in_the_start_up_cache(tmp_path):
    english = run("list", "--help", CLUSTERCTL_CACHE_DIR=str(tmp_path / "en"))
    assert english.returncode == 0
    assert not list((tmp_path / "en").glob("catalog-*"))  # English needs none
    french = run("list", "--help", "--lang", "fr", CLUSTERCTL_CACHE_DIR=str(tmp_path))
    assert french.returncode == 0
    assert [p.name[:11] for p in tmp_path.glob("catalog-*")] == ["catalog-fr-"]
