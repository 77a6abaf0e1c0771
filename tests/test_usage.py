"""Help and errors in one voice: metavars in words, one error line
`clusterctl: error: ...` (exit 2) for every usage error, Typer's and Click's
included, plain words instead of pydantic's, "did you mean" for every closed
set, and hints for the usual slips."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from clusterctl.cli import app
from conftest import EXAMPLES, clusterctl_command, plain_env

COMMANDS = [c.name or c.callback.__name__ for c in app.registered_commands]
LIBRARY_WORDING = ("Input should", "Value error", "Error:", "Usage:", "Try '")


def test_clusterctl_alone_answers_at_once():
    run = subprocess.run(
        [*clusterctl_command()], capture_output=True, text=True, env=plain_env()
    )
    assert run.returncode == 0
    assert run.stdout.startswith("clusterctl: France's pôles de compétitivité")
    code = (
        "import sys; sys.argv = ['clusterctl']\n"
        "from clusterctl.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(*sys.modules, file=sys.stderr)"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=plain_env()
    ).stderr.split()
    assert not [m for m in loaded if m.startswith(("rich", "pydantic", "yaml"))]


def test_clusterctl_alone_prints_a_short_help_and_exits_0(runner):
    result = runner.invoke(app, [])
    assert result.exit_code == 0
    assert result.stdout.startswith("clusterctl: France's pôles de compétitivité")
    assert "clusterctl match company.yaml" in result.stdout
    assert len(result.stdout.splitlines()) <= 12
    assert result.stderr == ""


def test_help_lists_the_main_commands_first_in_sections(runner):
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    text = result.stdout
    sections = [text.index(s) for s in ("Commands:", "Vocabularies:", "Dataset tools:")]
    assert sections == sorted(sections)
    listed = re.findall(r"^  (\w+)  ", text[sections[0] :], flags=re.MULTILINE)
    assert listed[:6] == ["match", "list", "show", "search", "related", "map"]
    assert set(listed) == set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_names_values_in_words(runner, command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    text = result.stdout
    for python_type in ("<", "{", "[[", "x>=", "x<=", "<=x", "list[", "range"):
        assert python_type not in text, (command, python_type)
    usage = text.splitlines()[0]
    assert re.fullmatch(r"Usage: clusterctl \w+ \[OPTIONS\]( \[?[A-Z]+\]?)*", usage)


METAVARS = {
    "match": "--top N, --min-score SCORE, --cluster CLUSTER, --status STATE, "
    "--format FORMAT, --jobs N, [default: 5; 1 or more]",
    "list": "--sector SECTOR, --region REGION, --member-type TYPE, --status STATE, "
    "--sort FIELD, --limit N, --radius KM, --fields FIELDS",
}


@pytest.mark.parametrize("command", METAVARS)
def test_options_with_values_have_word_metavars(runner, command):
    text = " ".join(runner.invoke(app, [command, "--help"]).stdout.split())
    for option in METAVARS[command].split(", "):
        assert option in text


USAGE_ERRORS = [
    (["lst"], "no such command 'lst' (did you mean 'list'?)"),
    (["list", "--sor", "name"], "no such option '--sor' (did you mean '--sort'?)"),
    (["list", "--bogus"], "no such option '--bogus'; see 'clusterctl list --help'"),
    (["list", "--limit"], "--limit needs a value (N); see 'clusterctl list --help'"),
    (["list", "--limit", "0"], "--limit: must be 1 or more (got '0')"),
    (["list", "--limit", "abc"], "--limit: must be a whole number (got 'abc')"),
    (["list", "--radius", "-1"], "--radius: must be 0 or more (got '-1')"),
    (
        ["list", "-f", "jsn"],
        "--format: 'jsn' is not one of auto, table, tsv, csv, "
        "json, ndjson, jsonl, yaml (did you mean 'json'?)",
    ),
    (
        ["schema", "profil"],
        "SCHEMA: 'profil' is not one of cluster, dataset, "
        "profile (did you mean 'profile'?)",
    ),
    (
        ["validate", "--as", "dataste"],
        "--as: 'dataste' is not one of auto, "
        "dataset, profile (did you mean 'dataset'?)",
    ),
    (["show"], "missing CLUSTER: cluster id, name, alias or former name"),
    (
        ["list", "biotech"],
        "list takes no argument 'biotech' (to filter by sector, use --sector biotech)",
    ),
    (
        ["map", "Pays de la Loire"],
        "map takes no argument 'Pays de la Loire' (to "
        'filter by region, use --region "Pays de la Loire")',
    ),
    (
        ["match", "--batch", "x.csv", "--input-format", "ndjsn"],
        "--input-format: 'ndjsn' is not one of csv, ndjson, jsonl, json, yaml "
        "(did you mean 'ndjson'?)",
    ),
    (
        ["validate", "--encoding", "latin1x", "x.yaml"],
        "--encoding: 'latin1x' is not an encoding (did you mean 'latin-1'?)",
    ),
    (["list", "--sort", "nme"], "cannot sort by 'nme' (did you mean 'name'?)"),
    (["list", "--fields", "id,nme"], "unknown field 'nme' (did you mean 'name'?)"),
    (["list", "--status", "curent"], "unknown status 'curent' (did you mean"),
    (["list", "--member-type", "startups"], "(did you mean 'startup'?)"),
    (["list", "--sector", "biotek"], "unknown sector 'biotek' (did you mean"),
    (["list", "--region", "bretgne"], "unknown region 'bretgne' (did you mean"),
    (
        ["match", str(EXAMPLES / "biotech-startup-lyon.yaml"), "--weights", "sektor=1"],
        "unknown criterion 'sektor' in --weights (did you mean 'sector'?)",
    ),
]


@pytest.mark.parametrize(("args", "message"), USAGE_ERRORS, ids=lambda a: str(a))
def test_usage_errors_are_one_line_in_one_voice(runner, args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("clusterctl: error: ")
    assert message in lines[0]
    for wording in LIBRARY_WORDING:
        assert wording not in result.stderr


def test_the_installed_program_speaks_the_same_voice():
    run = subprocess.run(
        [*clusterctl_command(), "list", "--bogus"],
        capture_output=True,
        text=True,
        env=plain_env(),
    )
    assert run.returncode == 2
    assert run.stderr == (
        "clusterctl: error: no such option '--bogus'; see 'clusterctl list --help'\n"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name: X\nsize: startups\nsectors: [biotech]\n",
            "size: must be one of startup, sme, midcap, large, research, academic or "
            "public (got 'startups'; did you mean 'startup'?)",
        ),
        (
            "name: X\nemployees: lots\nsectors: [biotech]\n",
            "employees: must be a whole number (got 'lots')",
        ),
        (
            "name: X\nemployees: -3\nsectors: [biotech]\n",
            "employees: must be 0 or more (got -3)",
        ),
        (
            "name: X\nsectors: [biotech]\nnaf: [1]\n",
            "naf.0: must be text (got 1; YAML read this as a number: put it in quotes)",
        ),
    ],
)
def test_profile_errors_are_plain_words_with_file_line_and_field(
    runner, tmp_path, text, message
):
    profile = tmp_path / "company.yaml"
    profile.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["match", str(profile)])
    assert result.exit_code == 2
    assert f"{profile}:" in result.stderr
    assert message in result.stderr
    for wording in LIBRARY_WORDING:
        assert wording not in result.stderr


def test_dataset_errors_say_what_an_id_must_look_like(runner, tmp_path):
    data = tmp_path / "clusters.yaml"
    data.write_text(
        "dataset: {version: '1', date: 2026-01-01}\nclusters:\n"
        "  - id: Beta Cluster\n    name: B\n    founded: soon\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(data)])
    assert result.exit_code == 2
    assert (
        f"{data}:3: clusters.0.id: must be lowercase letters and digits joined by "
        "single hyphens, like 'my-cluster' (got 'Beta Cluster')"
    ) in result.stdout
    assert f"{data}:5: clusters.0.founded: must be a whole number" in result.stdout
    assert "should" not in result.stdout


# ---------------------------------------------------------------- hints
def test_a_register_given_as_a_profile_points_to_batch(runner, tmp_path):
    register = tmp_path / "companies.csv"
    register.write_text("name,naf\nAcme,30.30Z\n", encoding="utf-8")
    result = runner.invoke(app, ["match", str(register)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"clusterctl: error: {register} looks like a register of companies, not "
        f"one profile: match them all with 'clusterctl match --batch {register}'\n"
    )


def test_a_missing_profile_names_the_closest_file_or_init(runner, tmp_path):
    (tmp_path / "acme-drones.yaml").write_text("name: x\n", encoding="utf-8")
    typo = runner.invoke(app, ["match", str(tmp_path / "acme-drone.yaml")])
    assert typo.exit_code == 2
    assert f"(did you mean '{tmp_path / 'acme-drones.yaml'}'?)" in typo.stderr
    missing = runner.invoke(app, ["match", str(tmp_path / "other.yaml")])
    assert f"'clusterctl init {tmp_path / 'other.yaml'}' writes a profile" in (
        missing.stderr
    )


@pytest.mark.parametrize(
    ("args", "hint", "code"),
    [
        (
            ["show", "biotech"],
            "'biotech' is a sector, not a cluster: try "
            "'clusterctl list --sector biotech'",
            1,
        ),
        (
            ["related", "Pays de la Loire"],
            "is a region, not a cluster: try "
            "'clusterctl list --region \"Pays de la Loire\"'",
            1,
        ),
        (
            [str(EXAMPLES / "biotech-startup-lyon.yaml")],
            "(to match this company: clusterctl match ",
            2,
        ),
    ],
)
def test_hints_for_the_usual_slips(runner, args, hint, code):
    result = runner.invoke(app, args)
    assert result.exit_code == code
    assert hint in result.stderr
    assert result.stderr.startswith("clusterctl: error: ")
