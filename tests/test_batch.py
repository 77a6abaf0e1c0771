"""`clusterctl match --batch`: every input format, dirty rows, nothing lost."""

from __future__ import annotations

import csv
import gzip
import io
import json

import pytest

from clusterctl.cli import app

SIRENE_HEADER = (
    "siren,siret,denominationUniteLegale,activitePrincipaleEtablissement,"
    "codePostalEtablissement,libelleCommuneEtablissement,"
    "categorieEntreprise,trancheEffectifsUniteLegale,"
    "etatAdministratifEtablissement"
)
SIRENE_ROWS = [
    "383474814,38347481400100,AIRBUS,30.30Z,31700,BLAGNAC,GE,53,A",
    "673620399,67362039900046,BIOMERIEUX,21.20Z,69280,MARCY-L'ETOILE,GE,52,A",
    "111111111,11111111100011,CLOSED SHOP,47.11B,75001,PARIS,PME,01,F",
    "222222222,22222222200022,TISSAGE TEST,13.96Z,69760,LIMONEST,PME,12,A",
]


def run_batch(runner, path, *args, input=None):
    return runner.invoke(app, ["match", "--batch", str(path), *args], input=input)


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_sirene_columns_csv_output(runner, tmp_path):
    path = tmp_path / "sirene.csv"
    path.write_text("\n".join([SIRENE_HEADER, *SIRENE_ROWS]) + "\n", encoding="utf-8")
    result = run_batch(runner, path, "--top", "2", "-f", "csv")
    assert result.exit_code == 0
    rows = csv_rows(result.stdout)
    assert [r["line"] for r in rows] == ["2", "2", "3", "3", "5", "5"]
    airbus = rows[0]
    assert (airbus["company"], airbus["siret"], airbus["rank"], airbus["id"]) == (
        "AIRBUS",
        "38347481400100",
        "1",
        "aerospace-valley",
    )
    assert airbus["sector_eligible"] == "true"
    assert airbus["location_eligible"] == "true"
    assert rows[2]["id"] == "lyonbiopole"
    assert rows[4]["id"] == "techtera"
    assert "4 rows read, 3 matched, 0 rejected, 1 skipped" in result.stderr


def test_dirty_rows_are_reported_and_good_rows_kept(runner, tmp_path):
    path = tmp_path / "dirty.csv"
    lines = [
        "name,naf,postal_code,city,size",
        "Good One,30.30Z,31000,Toulouse,sme",
        "Too,Few",
        "Bad Naf,99.99Q,69001,Lyon,sme",
        "Extra,30.30Z,31000,Toulouse,sme,surplus",
        ",30.30Z,31000,Toulouse,sme",
        "Bad Postal,13.96Z,ABCDE,Roubaix,sme",
        "Good Two,21.20Z,69007,Lyon,large",
    ]
    path.write_bytes(
        ("\n".join(lines[:3]) + "\n").encode()
        + b"Broken \xff\xfe bytes,30.30Z,31000,Toulouse,sme\n"
        + ("\n".join(lines[3:]) + "\n").encode()
    )
    rejects = tmp_path / "rejects.csv"
    result = run_batch(
        runner, path, "-f", "csv", "--top", "1", "--rejects", str(rejects)
    )
    assert result.exit_code == 2
    out_lines = sorted(int(r["line"]) for r in csv_rows(result.stdout))
    assert out_lines == [2, 5, 8, 9]  # every readable row, by its line
    err = result.stderr
    assert f"{path}:3: rejected: 2 columns, expected 5" in err
    assert f"{path}:4: rejected: undecodable bytes" in err
    assert f"{path}:5: warning: unknown NAF code '99.99Q'" in err
    assert f"{path}:6: rejected: 6 columns, expected 5" in err
    assert f"{path}:7: rejected: neither a name nor an identifier" in err
    assert f"{path}:8: warning: invalid postal code 'ABCDE'" in err
    assert "8 rows read, 4 matched, 4 rejected, 0 skipped" in err
    assert "Traceback" not in err
    written = rejects.read_bytes()
    assert b"Broken \xff\xfe bytes" in written
    # the header row, then the 4 rejected rows as read
    assert written.startswith(lines[0].encode() + b"\n")
    assert written.count(b"\n") == 5


def test_semicolon_latin1_and_gzip(runner, tmp_path):
    text = "nom;name;naf;city\nx;Fromagerie Éclair;10.51C;Besançon\n"
    path = tmp_path / "excel.csv.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(text.encode("latin-1"))
    plain = run_batch(runner, path, "-f", "csv")
    assert plain.exit_code == 2
    assert "undecodable bytes (try --encoding latin-1)" in plain.stderr
    result = run_batch(runner, path, "-f", "csv", "--encoding", "latin-1")
    assert result.exit_code == 0
    rows = csv_rows(result.stdout)
    assert rows[0]["company"] == "Fromagerie Éclair"
    assert rows[0]["id"] == "vitagora"


def test_ndjson_input_and_output_with_stdin(runner):
    lines = [
        json.dumps({"name": "Lyon Bio", "sectors": ["biotech"], "location": "Lyon"}),
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"name": "No Signal"}),
        json.dumps({"name": "Drone Co", "naf": "30.30Z", "location": "31000"}),
    ]
    result = runner.invoke(
        app,
        [
            "match",
            "--batch",
            "-",
            "--input-format",
            "ndjson",
            "-f",
            "ndjson",
            "--top",
            "1",
        ],
        input="\n".join(lines) + "\n",
    )
    assert result.exit_code == 2
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["line"], r["matches"][0]["id"]) for r in records] == [
        (1, "lyonbiopole"),
        (5, "aerospace-valley"),
    ]
    assert records[0]["company"]["sectors"]["resolved"] == ["biotech"]
    assert "<stdin>:2: rejected: invalid JSON" in result.stderr
    assert "<stdin>:3: rejected: expected a JSON object" in result.stderr
    assert "<stdin>:4: rejected: a profile needs at least one of" in result.stderr


def test_yaml_register_and_explain(runner, tmp_path):
    path = tmp_path / "companies.yaml"
    path.write_text(
        "- name: Textiles SA\n  sectors: [textile]\n  location: Roubaix\n"
        "- name: Quantum Co\n  keywords: [quantum computing]\n"
        "  location: Palaiseau\n",
        encoding="utf-8",
    )
    result = run_batch(runner, path, "-f", "json", "--top", "2", "--explain")
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert [r["line"] for r in records] == [1, 4]
    # EuraMaterials scores highest; its label lapsed (2024-12-31) and says so
    top = records[0]["matches"][0]
    assert (top["id"], top["label_status"]) == ("euramaterials", "lapsed")
    first = records[1]["matches"][0]
    assert first["id"] == "systematic-paris-region"
    assert set(first["breakdown"]) == {"sector", "naf", "text", "geo", "member_type"}
    assert first["reasons"]


def test_batch_matches_single_profile_scores(runner, tmp_path):
    """The batch path and `match PROFILE` agree on the score of each cluster."""
    profile = tmp_path / "p.yaml"
    profile.write_text(
        "name: X\nnaf: 21.20Z\nlocation: {postal_code: '69280'}\nsize: large\n",
        encoding="utf-8",
    )
    single = json.loads(
        runner.invoke(app, ["match", str(profile), "-f", "json", "--top", "5"]).stdout
    )
    register = tmp_path / "r.csv"
    register.write_text(
        "name,naf,postal_code,size\nX,21.20Z,69280,large\n", encoding="utf-8"
    )
    batch = csv_rows(run_batch(runner, register, "-f", "csv", "--top", "5").stdout)
    assert [(m["id"], f"{m['score']:.2f}") for m in single["matches"]] == [
        (r["id"], r["score"]) for r in batch
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty register"),
        ("colour,shape\nred,round\n", "no known column in the header"),
    ],
)
def test_unusable_register_is_an_error(runner, tmp_path, content, message):
    path = tmp_path / "r.csv"
    path.write_text(content, encoding="utf-8")
    result = run_batch(runner, path)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_profile_and_batch_are_exclusive(runner, tmp_path):
    result = runner.invoke(app, ["match"])
    assert result.exit_code == 2
    assert "give a PROFILE file, or --batch FILE" in result.stderr


def test_worker_processes_give_the_same_output(tmp_path):
    """`--jobs 2` splits a CSV file between processes: same rows, same order,
    same messages as one process."""
    import random
    import subprocess

    from conftest import clusterctl_command, plain_env

    rng = random.Random(3)
    places = [
        ("31000", "Toulouse"),
        ("69007", "Lyon"),
        ("59000", "Lille"),
        ("29200", "Brest"),
        ("ABCDE", "Nantes"),
        ("75013", "Paris"),
    ]
    codes = ["30.30Z", "21.20Z", "13.96Z", "62.01Z", "99.99Q", "10.51C"]
    lines = [
        "siren,denominationUniteLegale,activitePrincipaleUniteLegale,"
        "codePostalEtablissement,libelleCommuneEtablissement"
    ]
    for i in range(12000):
        pc, city = rng.choice(places)
        name = f'"Company, {i}"' if i % 7 == 0 else f"Company {i}"
        lines.append(f"{100000000 + i},{name},{rng.choice(codes)},{pc},{city}")
        if i % 997 == 0:
            lines.append("broken,row")
    path = tmp_path / "register.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runs = [
        subprocess.run(
            [
                *clusterctl_command(),
                "match",
                "--batch",
                str(path),
                "-f",
                "csv",
                "--jobs",
                jobs,
            ],
            capture_output=True,
            text=True,
            env=plain_env(),
            timeout=120,
        )
        for jobs in ("1", "2")
    ]
    assert runs[0].returncode == runs[1].returncode == 2
    assert runs[0].stdout == runs[1].stdout
    assert sorted(runs[0].stderr.splitlines()) == sorted(runs[1].stderr.splitlines())
    assert runs[0].stdout.count("\n") == 1 + 5 * 12000  # top 5 by default


def test_yaml_documents_naf_lists_and_rejects_as_read(runner, tmp_path):
    docs = tmp_path / "docs.yaml"
    docs.write_text(
        "name: A\nsectors: [drones]\n---\nname: B\nsectors: [biotech]\n",
        encoding="utf-8",
    )
    result = run_batch(runner, docs, "-f", "csv", "--top", "1")
    assert result.exit_code == 0
    assert [r["line"] for r in csv_rows(result.stdout)] == ["1", "4"]
    register = tmp_path / "r.csv"
    register.write_bytes(b"name,naf,location\r\nA,30.30Z;72.11Z,Toulouse\r\nbad\r\n")
    rejects = tmp_path / "rejects.csv"
    result = run_batch(
        runner, register, "-f", "csv", "--top", "1", "--rejects", str(rejects)
    )
    assert "unknown NAF" not in result.stderr
    assert csv_rows(result.stdout)[0]["id"] == "aerospace-valley"
    assert rejects.read_bytes() == b"name,naf,location\r\nbad\r\n"
