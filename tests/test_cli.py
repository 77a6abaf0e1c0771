"""Commands as a user runs them: stdout data, stderr messages, exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from clusterctl.cli import app
from conftest import EXAMPLES


def ids(stdout: str) -> list[str]:
    return [row["id"] for row in json.loads(stdout)]


# ------------------------------------------------------------------ list
def test_list_pipe_default_is_tsv_with_header(runner, small):
    result = runner.invoke(app, ["--data", small, "list"], catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "id\tname\tstatus\tlabel_status\tlabel_note\tregions\thq.city\tsectors"
    )
    assert (
        "lyonbiopole\tLyonbiopôle\tactive\tcurrent\tlabelled to 2026-12-31\t"
        "Auvergne-Rhône-Alpes\tLyon\t"
    ) in result.stdout
    assert len(lines) == 1 + 7  # the merged Optitec is not listed


def test_list_json_is_an_array_of_full_records(runner, small):
    result = runner.invoke(app, ["list", "--data", small, "-f", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    first = rows[0]
    assert first["id"] == "aerospace-valley"
    assert first["hq"]["city"] == "Toulouse"
    assert first["sources"]
    assert first["last_verified"]
    assert "startup" in first["member_types"]  # filled from the kind's defaults


def test_list_ndjson_one_object_per_line(runner, small):
    result = runner.invoke(app, ["list", "-d", small, "-f", "ndjson"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 7
    assert all(json.loads(line)["id"] for line in lines)


def test_list_csv_joins_lists_and_flattens_nested_fields(runner, small):
    result = runner.invoke(
        app, ["list", "-d", small, "-f", "csv", "--fields", "id,regions,hq.city"]
    )
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    cap = next(r for r in rows if r["id"] == "cap-digital")
    assert cap == {
        "id": "cap-digital",
        "regions": "Île-de-France;Hauts-de-France",
        "hq.city": "Paris",
    }


def test_list_yaml(runner, small):
    result = runner.invoke(app, ["list", "-d", small, "-f", "yaml", "--fields", "id"])
    assert result.exit_code == 0
    assert result.stdout.startswith("- id: aerospace-valley\n")


def test_json_fields_nest_dotted_names(runner, small):
    result = runner.invoke(
        app,
        [
            "list",
            "-d",
            small,
            "-f",
            "json",
            "--fields",
            "id,hq.city",
            "--sector",
            "biotech",
        ],
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [{"id": "lyonbiopole", "hq": {"city": "Lyon"}}]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("health", ["lyonbiopole"]),  # a parent includes its children
        ("santé", ["lyonbiopole"]),
        ("Biotech", ["lyonbiopole"]),
        ("numerique", ["cap-digital", "scs", "systematic-paris-region"]),
        ("textile", ["techtera"]),
    ],
)
def test_list_sector_words_in_both_languages(runner, small, value, expected):
    result = runner.invoke(app, ["list", "-d", small, "-f", "json", "--sector", value])
    assert result.exit_code == 0
    assert ids(result.stdout) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("PACA", ["scs"]),
        ("Midi-Pyrénées", ["aerospace-valley", "scs"]),
        ("IDF", ["cap-digital", "systematic-paris-region"]),
        ("Paris region", ["cap-digital", "systematic-paris-region"]),
        ("84", ["lyonbiopole", "techtera"]),  # INSEE code of Auvergne-Rhône-Alpes
        ("FR-BRE", ["pole-mer-bretagne-atlantique"]),
        ("rhone alpes", ["lyonbiopole", "techtera"]),
    ],
)
def test_list_region_forms(runner, small, value, expected):
    result = runner.invoke(app, ["list", "-d", small, "-f", "json", "--region", value])
    assert result.exit_code == 0
    assert ids(result.stdout) == expected


def test_repeated_flag_is_or_and_different_flags_are_and(runner, small):
    either = runner.invoke(
        app, ["list", "-d", small, "-f", "json", "-s", "biotech", "-s", "textiles"]
    )
    assert ids(either.stdout) == ["lyonbiopole", "techtera"]
    both = runner.invoke(
        app, ["list", "-d", small, "-f", "json", "-s", "digital", "-r", "Occitanie"]
    )
    assert ids(both.stdout) == ["scs"]


def test_status_all_adds_merged_clusters(runner, small):
    result = runner.invoke(app, ["list", "-d", small, "-f", "json", "--status", "all"])
    assert "optitec" in ids(result.stdout)
    merged = runner.invoke(
        app, ["list", "-d", small, "-f", "json", "--status", "merged"]
    )
    assert ids(merged.stdout) == ["optitec"]


def test_keyword_city_and_member_type_filters(runner, small):
    kw = runner.invoke(app, ["list", "-d", small, "-f", "json", "-k", "drones"])
    assert ids(kw.stdout) == ["aerospace-valley", "systematic-paris-region"]
    city = runner.invoke(app, ["list", "-d", small, "-f", "json", "--city", "ecully"])
    assert ids(city.stdout) == ["techtera"]
    member = runner.invoke(
        app,
        ["list", "-d", small, "-f", "json", "--member-type", "startup", "--limit", "2"],
    )
    assert len(ids(member.stdout)) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sector", "biotek"], "unknown sector 'biotek' (did you mean 'biotech'"),
        (
            ["--region", "Bretange"],
            "unknown region 'Bretange' (did you mean 'Bretagne'",
        ),
        (["--status", "actve"], "unknown status 'actve' (did you mean 'active'"),
        (["--member-type", "smes"], "unknown member type 'smes'"),
        (["--sort", "nme"], "cannot sort by 'nme' (did you mean 'name'?)"),
        (["--sort", "colour"], "cannot sort by 'colour'; '--fields help' lists"),
        (["--fields", "id,nme"], "unknown field 'nme' (did you mean 'name'?)"),
        (["--fields", "id,colour"], "unknown field 'colour'; '--fields help' lists"),
        (["--radius", "10"], "--radius needs --near PLACE"),
    ],
)
def test_bad_values_are_usage_errors(runner, small, args, message):
    result = runner.invoke(app, ["list", "-d", small, *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_fields_help_lists_fields(runner, small):
    result = runner.invoke(app, ["list", "-d", small, "--fields", "help"])
    assert result.exit_code == 0
    assert result.stdout.startswith("id\nname\naliases\n")
    assert "\nhq.city\n" in result.stdout
    for command in (["show", "techtera"], ["sectors"], ["search", "x"]):
        shown = runner.invoke(app, [*command, "-d", small, "--fields", "help"])
        assert shown.exit_code == 0
        assert shown.stdout.startswith(("id\n", "rank\n"))


def test_no_result_exits_1_with_empty_array(runner, small):
    result = runner.invoke(app, ["list", "-d", small, "-f", "json", "-s", "hydrogen"])
    assert result.exit_code == 1
    assert result.stdout == "[]\n"
    assert "no cluster matches these filters" in result.stderr


def test_sort_descending_and_limit(runner, small):
    result = runner.invoke(
        app,
        ["list", "-d", small, "-f", "json", "--sort", "-members.count", "--limit", "1"],
    )
    assert result.exit_code == 0
    assert ids(result.stdout) == ["cap-digital"]


def test_near_adds_distance_and_sorts(runner, small):
    result = runner.invoke(
        app,
        [
            "list",
            "-d",
            small,
            "-f",
            "json",
            "--near",
            "Brest",
            "--radius",
            "100",
            "--fields",
            "id,distance_km",
        ],
    )
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert rows[0]["id"] == "pole-mer-bretagne-atlantique"
    assert rows[0]["distance_km"] < 5
    everything = runner.invoke(
        app,
        [
            "list",
            "-d",
            small,
            "-f",
            "json",
            "--near",
            "69001",
            "--fields",
            "id,distance_km",
        ],
    )
    distances = [r["distance_km"] for r in json.loads(everything.stdout)]
    assert distances == sorted(distances)
    assert json.loads(everything.stdout)[0]["id"] == "lyonbiopole"


# ------------------------------------------------------------------ data sources
def test_data_option_before_or_after_command_and_env(runner, small):
    before = runner.invoke(app, ["--data", small, "list", "-f", "json"])
    after = runner.invoke(app, ["list", "-f", "json", "--data", small])
    env = runner.invoke(app, ["list", "-f", "json"], env={"CLUSTERCTL_DATA": small})
    assert before.stdout == after.stdout == env.stdout
    assert len(ids(before.stdout)) == 7


def test_data_from_stdin(runner, small):
    with open(small, encoding="utf-8") as handle:
        text = handle.read()
    result = runner.invoke(app, ["list", "-d", "-", "-f", "json"], input=text)
    assert result.exit_code == 0
    assert len(ids(result.stdout)) == 7


def test_broken_dataset_reports_file_and_line(runner, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "dataset:\n  version: '1'\n  date: 2026-01-01\nclusters:\n"
        "  - id: Bad Id\n    name: x\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["list"], env={"CLUSTERCTL_DATA": str(broken)})
    assert result.exit_code == 2
    assert f"{broken}:5: clusters.0.id: must be lowercase letters and digits" in (
        result.stderr
    )
    assert f"{broken}:5: clusters.0.regions: required field is missing" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_invalid_yaml_names_the_line(runner, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("dataset:\n  version: [1\nclusters: []\n", encoding="utf-8")
    result = runner.invoke(app, ["--data", str(broken), "list"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"clusterctl: error: {broken}:3: invalid YAML")


# ------------------------------------------------------------------ show
def test_show_by_id_name_alias_any_case(runner, small):
    for name in ("lyonbiopole", "LYONBIOPÔLE", "Lyonbiopôle Auvergne-Rhône-Alpes"):
        result = runner.invoke(app, ["show", name, "-d", small, "-f", "json"])
        assert result.exit_code == 0
        assert json.loads(result.stdout)["id"] == "lyonbiopole"


def test_show_former_name_leads_to_current_cluster(runner, small):
    result = runner.invoke(app, ["show", "opticsvalley", "-d", small, "-f", "json"])
    assert json.loads(result.stdout)["id"] == "systematic-paris-region"


def test_show_merged_cluster_explains_successor(runner, small):
    result = runner.invoke(app, ["show", "optitec", "-d", small, "-f", "json"])
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert (record["status"], record["successor"]) == ("merged", "scs")
    assert "Optitec has merged into SCS; see 'clusterctl show scs'" in result.stderr


def test_show_near_miss_lists_candidates_and_exits_1(runner, small):
    result = runner.invoke(app, ["show", "lyonbiopol", "-d", small])
    assert result.exit_code == 1
    assert "no cluster named 'lyonbiopol'; did you mean: lyonbiopole" in result.stderr
    assert result.stdout == ""


def test_show_table_is_a_panel_with_every_field(runner, small):
    result = runner.invoke(app, ["show", "techtera", "-d", small, "-f", "table"])
    assert result.exit_code == 0
    for key in ("id", "sources", "last_verified", "hq", "description"):
        assert f"│ {key} " in result.stdout
    record = json.loads(
        runner.invoke(app, ["show", "techtera", "-d", small, "-f", "json"]).stdout
    )
    for url in record["sources"]:  # each address whole, on its own line
        assert any(line.endswith(" " + url) for line in result.stdout.splitlines())
    assert "\x1b[" not in result.stdout


# ------------------------------------------------------------------ vocabularies
def test_sectors_counts_clusters_under_each_sector(runner, small):
    result = runner.invoke(app, ["sectors", "-d", small, "-f", "json"])
    assert result.exit_code == 0
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert rows["health"]["clusters"] == 1
    assert rows["digital"]["clusters"] == 3
    assert rows["biotech"]["parent"] == "health"
    assert rows["health"]["label_fr"] == "Santé"


def test_regions_lists_all_18_with_counts(runner, small):
    result = runner.invoke(app, ["regions", "-d", small, "-f", "json"])
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert len(rows) == 18
    assert rows["Île-de-France"]["clusters"] == 2
    assert rows["Occitanie"]["iso"] == "FR-OCC"


def test_naf_code_spellings(runner, small):
    for code in ("30.30Z", "3030Z", "30.30z"):
        result = runner.invoke(app, ["naf", code, "-d", small, "-f", "json"])
        assert result.exit_code == 0
        record = json.loads(result.stdout)
        assert record["code"] == "30.30Z"
        assert record["label"] == "Construction aéronautique et spatiale"
        assert "aerospace" in [s["id"] for s in record["sectors"]]
        assert record["clusters"][0]["id"] == "aerospace-valley"


def test_naf_unknown_code_names_closest(runner, small):
    result = runner.invoke(app, ["naf", "62.02C", "-d", small])
    assert result.exit_code == 2
    assert "unknown NAF rev. 2 code '62.02C' (closest: " in result.stderr
    assert "62.02" in result.stderr


def test_info(runner, small):
    result = runner.invoke(app, ["info", "-d", small, "-f", "json"])
    record = json.loads(result.stdout)
    assert record["clusters"] == 8
    assert record["by_status"] == {"active": 7, "merged": 1}
    assert record["version"] == "test-1"


def test_version_prints_tool_and_dataset(runner, small):
    result = runner.invoke(app, ["--data", small, "--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("clusterctl ")
    assert "(dataset test-1, 2026-11-27)" in result.stdout


# ------------------------------------------------------------------ validate, schema
def test_validate_bundled_data_passes(runner):
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0
    assert " 0 errors" in result.stderr


def test_validate_lists_every_fault_with_lines(runner, small, tmp_path):
    text = Path(small).read_text(encoding="utf-8")
    text = text.replace("- id: techtera", "- id: lyonbiopole", 1)
    text = text.replace("- textiles\n", "- textilez\n", 1)
    text = text.replace("last_verified: 2025-07-01", "last_verified: 2030-01-01", 1)
    path = tmp_path / "faulty.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    out = result.stdout
    assert "duplicate id 'lyonbiopole'" in out
    assert "unknown sector 'textilez' (did you mean 'textiles'?)" in out
    assert "2030-01-01 is in the future" in out
    lines = [line.split(":")[1] for line in out.splitlines()]
    assert lines == sorted(lines, key=int)
    assert all(line.startswith(f"{path}:") for line in out.splitlines())


def test_validate_warns_when_label_term_ended(runner, small, tmp_path):
    result = runner.invoke(
        app, ["validate", small], env={"CLUSTERCTL_TODAY": "2027-06-01"}
    )
    assert result.exit_code == 0
    assert "warning: label term ended on 2026-12-31" in result.stdout


def test_validate_profile(runner, tmp_path):
    good = runner.invoke(app, ["validate", str(EXAMPLES / "fintech-paris.yaml")])
    assert good.exit_code == 0
    assert "profile, 0 errors" in good.stderr
    bad = tmp_path / "p.yaml"
    bad.write_text("name: X\nsectorz: [biotech]\nnaf: 99.99Q\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:2: sectorz: unknown field (did you mean 'sectors'?)" in (
        result.stdout
    )


@pytest.mark.parametrize("name", ["cluster", "dataset", "profile"])
def test_schema_is_json_schema(runner, name):
    result = runner.invoke(app, ["schema", name])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "properties" in schema


def test_init_writes_a_template_that_validates(runner, tmp_path):
    path = tmp_path / "company.yaml"
    result = runner.invoke(app, ["init", str(path)])
    assert result.exit_code == 0
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0
    again = runner.invoke(app, ["init", str(path)])
    assert again.exit_code == 2
    assert "already exists" in again.stderr


# ------------------------------------------------------------------ search
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lyonbiopole", "lyonbiopole"),
        ("aerospace valey", "aerospace-valley"),
        ("systematik", "systematic-paris-region"),
        ("System@tic", "systematic-paris-region"),
        ("cybersécurité quantique", "systematic-paris-region"),
    ],
)
def test_search_tolerates_typos_case_and_accents(runner, small, query, expected):
    result = runner.invoke(app, ["search", query, "-d", small, "-f", "json"])
    assert result.exit_code == 0
    hits = json.loads(result.stdout)
    assert hits[0]["id"] == expected
    assert {"score", "field", "matched"} <= set(hits[0])


def test_search_nothing_exits_1(runner, small):
    result = runner.invoke(app, ["search", "qwxzy", "-d", small, "-f", "json"])
    assert result.exit_code == 1
    assert result.stdout == "[]\n"


def test_related(runner, small):
    result = runner.invoke(app, ["related", "scs", "-d", small, "-f", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert rows[0]["id"] == "systematic-paris-region"
    assert "cybersecurity" in rows[0]["shared_sectors"]


# ------------------------------------------------------------------ edge cases
def test_codes_written_as_numbers_keep_their_zeros(runner, small, tmp_path):
    cases = [
        ("location: {postal_code: 06000}", "Nice"),
        ("location: {city: Saint-Denis, department: 93}", "Saint-Denis"),
        ("location: 75", None),
    ]
    for location, city in cases:
        path = tmp_path / "p.yaml"
        path.write_text(f"name: A\nsectors: [drones]\n{location}\n", encoding="utf-8")
        result = runner.invoke(app, ["match", str(path), "-d", small, "-f", "json"])
        assert result.exit_code == 0, result.stderr
        place = json.loads(result.stdout)["company"]["location"]
        assert place["region"] in ("Provence-Alpes-Côte d'Azur", "Île-de-France")
        if city:
            assert place["city"] == city


def test_class_level_naf_code_keeps_its_sectors(runner, small):
    result = runner.invoke(app, ["naf", "30.30", "-d", small, "-f", "json"])
    assert "aerospace" in [s["id"] for s in json.loads(result.stdout)["sectors"]]


def test_fields_with_sub_fields_expand_in_csv(runner, small):
    result = runner.invoke(app, ["list", "-d", small, "-f", "csv", "--fields", "id,hq"])
    assert result.stdout.splitlines()[0] == "id,hq.city,hq.department,hq.lat,hq.lon"
    sort = runner.invoke(app, ["list", "-d", small, "--sort", "hq"])
    assert sort.exit_code == 2
    assert "sort by one of hq.city" in sort.stderr


def test_info_on_an_empty_dataset(runner, tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text(
        "dataset: {version: '1', date: 2026-01-01}\nclusters: []\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["info", "-d", str(path), "-f", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["clusters"] == 0
    match = runner.invoke(
        app, ["match", str(EXAMPLES / "fintech-paris.yaml"), "-d", str(path)]
    )
    assert match.exit_code == 1
    assert "no current cluster" in match.stderr


def test_dataset_checks_follow_the_date(runner, small, tmp_path):
    text = Path(small).read_text(encoding="utf-8")
    path = tmp_path / "future.yaml"
    path.write_text(
        text.replace("last_verified: 2025-07-01", "last_verified: 2027-03-01", 1),
        encoding="utf-8",
    )
    later = runner.invoke(
        app, ["list", "-d", str(path)], env={"CLUSTERCTL_TODAY": "2027-06-01"}
    )
    assert later.exit_code == 0
    now = runner.invoke(app, ["list", "-d", str(path)])
    assert now.exit_code == 2
    assert "2027-03-01 is in the future" in now.stderr
