"""Facts users rely on in data/clusters.yaml (the pôles de compétitivité dataset)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import unicodedata
from pathlib import Path

import pytest

from clusterctl import geography
from clusterctl.models import ID_PATTERN, Status
from clusterctl.naf import lookup, parse_naf
from clusterctl.taxonomy import load_taxonomy
from fixture_data import FULL_DATASET

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "clusters.yaml"

SLUG_RE = re.compile(ID_PATTERN)

FLAGSHIPS = [
    # id, HQ city, HQ region (listed first), every region the record must list
    ("aerospace-valley", "Toulouse", "Occitanie", {"Occitanie", "Nouvelle-Aquitaine"}),
    ("cap-digital", "Paris", "Île-de-France", {"Île-de-France"}),
    ("lyonbiopole", "Lyon", "Auvergne-Rhône-Alpes", {"Auvergne-Rhône-Alpes"}),
    ("systematic-paris-region", "Palaiseau", "Île-de-France", {"Île-de-France"}),
]


def slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    ascii_only = "".join(ch for ch in folded if not unicodedata.combining(ch))
    ascii_only = ascii_only.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^0-9a-z]+", "-", ascii_only).strip("-")


@pytest.fixture(scope="module")
def data() -> dict:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with DATA_FILE.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)


@pytest.fixture(scope="module")
def clusters(data: dict) -> list[dict]:
    return data["clusters"]


@pytest.fixture(scope="module")
def by_id(clusters: list[dict]) -> dict[str, dict]:
    return {c["id"]: c for c in clusters}


def test_dataset_header(data: dict) -> None:
    meta = data["dataset"]
    assert isinstance(meta["version"], str)
    assert isinstance(meta["date"], dt.date)
    assert meta["licence"] == "CC-BY-4.0"
    kind = meta["kinds"]["pole_de_competitivite"]
    # No kind-level lists: they made every cluster look the same.
    assert kind.get("member_types") is None
    assert kind.get("services") is None
    assert kind["sources"]
    assert all(u.startswith(("https://", "http://")) for u in kind["sources"])


def test_programme_facts(data: dict) -> None:
    """The phase the dataset describes and what is known of the next one, dated
    and sourced, so that the tool can say what it knows once phase V has ended."""
    programme = data["dataset"]["programme"]
    assert programme["phase"] == "V"
    assert programme["start"] == dt.date(2023, 1, 1)
    assert programme["end"] == dt.date(2026, 12, 31)
    nxt = programme["next_phase"]
    assert nxt["note"].strip()
    assert isinstance(nxt["as_of"], dt.date)
    assert nxt["as_of"] <= data["dataset"]["date"]
    assert nxt["sources"]
    assert programme["sources"]
    assert "2026" in programme["notes"]


def test_record_count(clusters: list[dict]) -> None:
    assert len(clusters) == 57
    assert sum(c["status"] != "merged" for c in clusters) >= 55


def test_ids_unique_and_slug_of_name(clusters: list[dict]) -> None:
    ids = [c["id"] for c in clusters]
    assert len(ids) == len(set(ids))
    names = [c["name"] for c in clusters]
    assert len(names) == len(set(names))
    for c in clusters:
        assert SLUG_RE.match(c["id"]), c["id"]
        # Ids are stable: a renamed cluster keeps the id of one of its names.
        names = [c["name"], *c["aliases"], *c["former_names"]]
        assert c["id"] in {slug(n) for n in names}, c["name"]


@pytest.mark.parametrize(("cid", "city", "hq_region", "regions"), FLAGSHIPS)
def test_flagship_clusters(
    by_id: dict[str, dict], cid: str, city: str, hq_region: str, regions: set[str]
) -> None:
    record = by_id[cid]
    assert record["status"] == "active"
    assert record["hq"]["city"] == city
    assert record["regions"][0] == hq_region
    assert regions <= set(record["regions"])


def test_systematic_is_in_palaiseau_not_paris(by_id: dict[str, dict]) -> None:
    hq = by_id["systematic-paris-region"]["hq"]
    assert hq["city"] == "Palaiseau"
    assert hq["department"] == "91"


def test_optitec_merged_into_scs(by_id: dict[str, dict]) -> None:
    optitec = by_id["optitec"]
    assert optitec["status"] == "merged"
    assert optitec["successor"] == "scs"
    assert optitec["label_term_end"] is None
    scs = by_id["scs"]
    assert scs["status"] == "active"
    assert "Optitec" in [a["name"] for a in scs["absorbed"]]
    assert "Optitec" not in scs["former_names"]


def test_status_and_label_terms(clusters: list[dict], by_id: dict[str, dict]) -> None:
    for c in clusters:
        assert c["kind"] == "pole_de_competitivite"
        assert c["status"] in {s.value for s in Status}, c["id"]
        if c["status"] == "merged":
            assert c["successor"] in by_id, c["id"]
            assert by_id[c["successor"]]["status"] != "merged"
        else:
            assert c["successor"] is None, c["id"]
            assert isinstance(c["label_term_end"], dt.date), c["id"]
        if c["status"] == "active":
            assert c["label_term_end"] == dt.date(2026, 12, 31), c["id"]
        if c["status"] == "probation":
            assert c["label_term_end"] == dt.date(2024, 12, 31), c["id"]


def test_known_statuses(by_id: dict[str, dict]) -> None:
    assert by_id["materalia"]["status"] == "unconfirmed"
    for cid in (
        "astech-paris-region",
        "fibres-energivie",
        "euramaterials",
        "team2",
        "enter",
    ):
        assert by_id[cid]["status"] == "probation", cid
    for cid in ("derbi", "infra2050", "aqua-valley", "aquanova"):
        assert by_id[cid]["status"] == "active", cid
    assert "DERBI-Cémater" in by_id["derbi"]["aliases"]


def test_sources_and_last_verified(data: dict, clusters: list[dict]) -> None:
    dataset_date = data["dataset"]["date"]
    for c in clusters:
        sources = c["sources"]
        assert sources, c["id"]
        assert all(
            isinstance(u, str) and u.startswith(("https://", "http://"))
            for u in sources
        )
        assert len(sources) == len(set(sources)), c["id"]
        verified = c["last_verified"]
        assert isinstance(verified, dt.date), c["id"]
        assert verified <= dataset_date, c["id"]
        assert verified.day == 1, c["id"]


def test_sectors_from_the_taxonomy(clusters: list[dict]) -> None:
    known = set(load_taxonomy().sectors)
    for c in clusters:
        sectors = c["sectors"]
        assert 2 <= len(sectors) <= 7, c["id"]
        assert len(sectors) == len(set(sectors)), c["id"]
        assert set(sectors) <= known, (c["id"], set(sectors) - known)


def test_regions_are_canonical(clusters: list[dict]) -> None:
    canonical = set(geography.region_names())
    for c in clusters:
        regions = c["regions"]
        assert regions, c["id"]
        assert len(regions) == len(set(regions)), c["id"]
        assert set(regions) <= canonical, (c["id"], set(regions) - canonical)


def test_hq_fields(clusters: list[dict]) -> None:
    """The head office is a commune of its département, at that commune's place,
    in the region listed first."""
    for c in clusters:
        hq = c["hq"]
        assert "(" not in hq["city"], c["id"]
        department = geography.resolve_department(hq["department"])
        assert department is not None, (c["id"], hq["department"])
        assert department.code == hq["department"], c["id"]  # the code, as written
        assert department.region == c["regions"][0], c["id"]
        assert geography.in_france(hq["lat"], hq["lon"]), c["id"]
        place = geography.resolve_place(city=hq["city"], department=hq["department"])
        assert place is not None, (c["id"], hq["city"])
        assert place.lat is not None, c["id"]
        assert place.lon is not None, c["id"]
        away = geography.distance_km(place.lat, place.lon, hq["lat"], hq["lon"])
        assert away < 15, (c["id"], hq["city"], round(away))


def test_naf_codes_exist(clusters: list[dict]) -> None:
    for c in clusters:
        codes = c["naf"]
        assert 3 <= len(codes) <= 12, c["id"]
        assert len(codes) == len(set(codes)), c["id"]
        for code in codes:
            assert isinstance(code, str), (c["id"], code)
            assert parse_naf(code) == code, (c["id"], code)  # official spelling
            assert lookup(code) is not None, (c["id"], code)  # in INSEE's table


def test_websites(clusters: list[dict]) -> None:
    for c in clusters:
        website = c["website"]
        assert isinstance(c["website_verified"], bool), c["id"]
        if website is None:
            assert c["website_verified"] is False, c["id"]
        else:
            assert website.startswith("https://"), c["id"]
            assert " " not in website, c["id"]


def test_text_fields(clusters: list[dict]) -> None:
    for c in clusters:
        assert isinstance(c["description"], str), c["id"]
        assert c["description"].strip(), c["id"]
        assert c["notes"] is None or c["notes"].strip(), c["id"]
        assert c["keywords"], c["id"]
        assert all(isinstance(k, str) and k.strip() for k in c["keywords"]), c["id"]
        assert c["confidence"] in {"high", "medium", "low"}, c["id"]


def test_members(data: dict, clusters: list[dict]) -> None:
    """Every member count says where it is published and when."""
    dataset_date = data["dataset"]["date"]
    for c in clusters:
        members = c["members"]
        if members is None:
            continue
        assert isinstance(members["count"], int), c["id"]
        assert members["count"] > 0, c["id"]
        as_of = members["as_of"]
        year = as_of.year if isinstance(as_of, dt.date) else as_of
        assert isinstance(year, int), c["id"]
        assert 2000 <= year <= dataset_date.year, c["id"]
        if isinstance(as_of, dt.date):
            assert as_of <= dataset_date, c["id"]
        assert members["source"].startswith(("https://", "http://")), c["id"]
        assert members["source"] in c["sources"], c["id"]


def test_status_evidence(data: dict, clusters: list[dict]) -> None:
    """Each status says which source last confirmed it, and when."""
    dataset_date = data["dataset"]["date"]
    for c in clusters:
        assert isinstance(c["status_as_of"], dt.date), c["id"]
        assert c["status_as_of"] <= dataset_date, c["id"]
        assert c["status_source"].startswith(("https://", "http://")), c["id"]
        assert c["status_source"] in c["sources"], c["id"]
        if c["status"] == "probation":
            # The evidence is the March 2023 decision; nothing later was found.
            assert c["status_as_of"] == dt.date(2023, 3, 27), c["id"]
            assert "December 2026" in c["notes"], c["id"]


def _addresses(data: dict) -> list[tuple[str, str]]:
    found = []
    for kind, defaults in data["dataset"]["kinds"].items():
        found += [(f"kinds.{kind}", u) for u in defaults.get("sources") or []]
    programme = data["dataset"]["programme"]
    found += [("programme", u) for u in programme["sources"]]
    found += [("programme.next_phase", u) for u in programme["next_phase"]["sources"]]
    for c in data["clusters"]:
        urls = [*c["sources"], c.get("website"), c.get("status_source")]
        urls.append((c.get("members") or {}).get("source"))
        urls += [a.get("source") for a in c.get("absorbed") or []]
        found += [(c["id"], u) for u in urls if u]
    return found


def test_no_record_cites_a_weak_host(data: dict) -> None:
    """No mirror, aggregator, staging or test host anywhere in the dataset; the
    patterns are data (data/source-rules.yaml) that can be extended."""
    import yaml

    from clusterctl.sourcerules import parse_rules, weak_source

    rules_file = DATA_FILE.parent / "source-rules.yaml"
    rules = parse_rules(yaml.safe_load(rules_file.read_text(encoding="utf-8")), "r")
    kinds = {rule.kind for rule in rules}
    assert {"mirror", "aggregator", "staging"} <= kinds
    for where, url in _addresses(data):
        rule = weak_source(url, rules)
        assert rule is None, (where, url, rule and rule.kind)
    # The rule does catch the hosts the dataset used to cite.
    for url in [
        "https://kiwix.jackbot.fr/content/wikipedia_fr_all_maxi_2021-09/A/X",
        "https://iiab.me/kiwix/content/wikipedia_fr_all_maxi_2022-09/A/X",
        "https://defzone.net/wiki/fr/Aerospace_Valley",
        "https://fr-academic.com/dic.nsf/frwiki/285074",
        "https://franco.wiki/fr/Cosmetic_Valley.html",
        "http://doczz.fr/doc/683644/rapport-de-gestion",
        "https://lawinsider.com/fr/contracts/ihfUTKO6qaY",
        "https://profilbaru.com/fr/X",
        "https://polymerisv2.valcomweb.fr/our-locations.html",
        "https://www.testing.lemoniteur.fr/article/x.2255946",
        "https://infopro-le-moniteur-staging.web.arc-cdn.net/article/x.2207022",
    ]:
        assert weak_source(url, rules) is not None, url


def test_absorbed_organisations_are_not_former_names(by_id: dict[str, dict]) -> None:
    systematic = by_id["systematic-paris-region"]
    absorbed = {a["name"]: a for a in systematic["absorbed"]}
    assert absorbed["Opticsvalley"]["year"] == 2019
    assert absorbed["Cluster Drones Paris Région"]["year"] == 2021
    assert not set(absorbed) & set(systematic["former_names"])
    for cluster in by_id.values():
        for item in cluster.get("absorbed") or []:
            assert item["name"] not in cluster["former_names"], cluster["id"]
            assert item["name"] not in cluster["aliases"], cluster["id"]


def test_absorbed_names_find_their_cluster() -> None:
    """Searching for an absorbed organisation still finds the cluster that took
    it over, by name lookup (show) and by fuzzy search."""
    from clusterctl.dataset import load_dataset
    from clusterctl.search import search

    dataset = load_dataset(str(DATA_FILE))
    for name, cid in [
        ("Opticsvalley", "systematic-paris-region"),
        ("cluster drones paris region", "systematic-paris-region"),
        ("Cemater", "derbi"),
        ("Optitec", "optitec"),  # its own (merged) record comes first
    ]:
        assert [c.id for c in dataset.find(name)] == [cid], name
    assert search(dataset, "Opticsvalley")[0].cluster.id == "systematic-paris-region"
    assert search(dataset, "Cluster Drones")[0].cluster.id == "systematic-paris-region"


def test_reviewed_facts(by_id: dict[str, dict]) -> None:
    """Corrections of the December 2026 review, each with its source cited."""
    pmba = by_id["pole-mer-bretagne-atlantique"]
    assert pmba["hq"]["city"] == "Plouzané"
    assert pmba["hq"]["department"] == "29"
    assert any("tech-brest-iroise.fr" in u for u in pmba["sources"])
    derbi = by_id["derbi"]
    assert derbi["name"] == "Derbi-Cémater"
    assert "DERBI" in derbi["former_names"]
    assert [a["name"] for a in derbi["absorbed"]] == ["Cémater"]
    assert derbi["status_as_of"] == dt.date(2025, 6, 5)
    assert "Lyonbiopôle Auvergne-Rhône-Alpes" in by_id["lyonbiopole"]["aliases"]
    assert by_id["lyonbiopole"]["members"]["as_of"] == dt.date(2023, 1, 17)
    polymeris = by_id["polymeris"]
    assert not any("valcomweb" in u for u in polymeris["sources"])
    assert "polymeris.eu" in polymeris["notes"]
    # A 20-year cumulative total is not a member count.
    assert by_id["capenergies"]["members"] is None
    assert "1,291" in by_id["capenergies"]["notes"]
    assert by_id["aerospace-valley"]["members"]["count"] != 830


def test_member_types_and_services_only_from_own_sources(
    clusters: list[dict],
) -> None:
    """Lists are per cluster (null = unknown), and rare: most pôles do not say."""
    known = [c for c in clusters if c["member_types"] is not None]
    assert len(known) < len(clusters) / 2
    for c in known:
        assert c["member_types"], c["id"]


# ------------------------------------------------- model, provenance, hostile text


def _dump(data: dict) -> str:
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def _string_leaves(node: object, path: tuple = ()) -> list[tuple]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _string_leaves(v, (*path, k))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _string_leaves(v, (*path, i))]
    return [path] if isinstance(node, str) else []


def _replaced(data: dict, path: tuple, value: object) -> dict:
    import copy

    out = copy.deepcopy(data)
    target = out
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return out


def _problems(text: str) -> list:
    from clusterctl.dataset import read_dataset_text

    return read_dataset_text(text, "full.yaml")[1]


def test_full_dataset_is_valid_and_sets_every_field() -> None:
    from clusterctl import models

    assert not [p for p in _problems(_dump(FULL_DATASET)) if p.severity == "error"]

    def check(model: type, value: dict, where: str) -> None:
        assert set(value) == set(model.model_fields), where

    header = FULL_DATASET["dataset"]
    check(models.DatasetInfo, header, "dataset")
    check(models.KindDefaults, header["kinds"]["pole_de_competitivite"], "kinds")
    check(models.Programme, header["programme"], "programme")
    check(models.NextPhase, header["programme"]["next_phase"], "next_phase")
    record = FULL_DATASET["clusters"][0]
    check(models.Cluster, record, "cluster")
    check(models.Absorbed, record["absorbed"][0], "absorbed")
    check(models.Headquarters, record["hq"], "hq")
    check(models.Members, record["members"], "members")


@pytest.mark.parametrize(
    "path",
    _string_leaves(FULL_DATASET),
    ids=lambda p: ".".join(map(str, p)),
)
@pytest.mark.parametrize("control", ["\x1b[2J", "\x9b31m", "\x07", "\x00"])
def test_control_characters_refused_in_every_string_field(
    path: tuple, control: str
) -> None:
    """An escape sequence in any string field (website, version, sources, notes...)
    is an error that names the field and its line, never text that reaches a
    terminal."""
    original = FULL_DATASET
    for part in path:
        original = original[part]
    value = original[:1] + control + original[1:]
    text = _dump(_replaced(FULL_DATASET, path, value))
    errors = [p for p in _problems(text) if p.severity == "error"]
    assert errors, path
    dotted = ".".join(map(str, path))
    hit = [p for p in errors if p.path == dotted or dotted.startswith(p.path + ".")]
    assert hit, (path, [str(p) for p in errors])
    line = text.splitlines()[hit[0].line - 1]
    assert str(path[-1] if isinstance(path[-1], str) else path[-2]) in line or (
        line.lstrip().startswith("- ")
    ), (line, str(hit[0]))
    assert all(ch not in str(p) for p in errors for ch in "\x1b\x9b\x07\x00")


@pytest.mark.parametrize("field", ["website", "version", "notes", "sources"])
def test_validate_refuses_escape_sequences(runner, tmp_path, field) -> None:
    from clusterctl.cli import app

    where = {
        "website": ("clusters", 0, "website"),
        "version": ("dataset", "version"),
        "notes": ("clusters", 0, "notes"),
        "sources": ("clusters", 0, "sources", 0),
    }[field]
    original = FULL_DATASET
    for part in where:
        original = original[part]
    text = _dump(_replaced(FULL_DATASET, where, original + "\x1b]8;;x\x1b\\"))
    path = tmp_path / "escape.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(
        i
        for i, row in enumerate(text.splitlines(), 1)
        if "\\e" in row or "\\x1B" in row or "\\x1b" in row
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert f"{path}:{line}: {'.'.join(map(str, where))}: " in result.stdout
    assert "control character" in result.stdout
    assert "\x1b" not in result.stdout + result.stderr
    listing = runner.invoke(app, ["--data", str(path), "list"])
    assert listing.exit_code == 2
    assert "\x1b" not in listing.stdout + listing.stderr


def test_members_as_of_takes_a_year_or_a_date() -> None:
    from clusterctl.models import Members

    by_year = Members.model_validate({"count": 5, "as_of": 2023})
    assert (by_year.as_of, by_year.as_of_date) == (2023, None)
    by_date = Members.model_validate({"count": 5, "as_of": dt.date(2023, 4, 5)})
    assert (by_date.as_of, by_date.as_of_date) == (2023, dt.date(2023, 4, 5))
    exact = Members.model_validate({"count": 5, "as_of_date": dt.date(2022, 1, 9)})
    assert exact.as_of == 2022
    with pytest.raises(ValueError, match="not the year"):
        Members.model_validate({"as_of": 2021, "as_of_date": dt.date(2022, 1, 9)})
    with pytest.raises(ValueError, match="not a web address"):
        Members.model_validate({"count": 5, "source": "members page"})


def test_programme_dates_in_order() -> None:
    from clusterctl.models import Programme

    with pytest.raises(ValueError, match="after end"):
        Programme.model_validate(
            {"name": "P", "start": dt.date(2027, 1, 1), "end": dt.date(2026, 1, 1)}
        )


def test_dataset_warns_about_unsourced_counts_and_weak_hosts() -> None:
    data = _replaced(FULL_DATASET, ("clusters", 0, "members", "source"), None)
    data = _replaced(
        data,
        ("clusters", 0, "sources"),
        [
            "https://kiwix.example.org/wikipedia_fr_all/A/Alpha",
            "https://www.testing.lemoniteur.fr/article/x",
            "https://staging.example.org/alpha",
        ],
    )
    data = _replaced(
        data, ("dataset", "programme", "sources"), ["https://doczz.fr/doc/1"]
    )
    problems = _problems(_dump(data))
    assert not [p for p in problems if p.severity == "error"]
    warned = {p.path: p.message for p in problems}
    assert "member count without members.source" in warned["clusters.0.members"]
    assert "mirror" in warned["clusters.0.sources.0"]
    assert "testing.lemoniteur.fr" in warned["clusters.0.sources.1"]
    assert "staging" in warned["clusters.0.sources.2"]
    assert "aggregator" in warned["dataset.programme.sources.0"]


def test_source_rules_are_data() -> None:
    from clusterctl.errors import DataFileError
    from clusterctl.sourcerules import parse_rules, weak_source

    rules = parse_rules(
        {"rules": [{"kind": "mirror", "why": "copy", "hosts": ["*.mirror.test"]}]},
        "rules.yaml",
    )
    assert weak_source("https://www.fr.mirror.test/page", rules).kind == "mirror"
    assert weak_source("https://mirror.example.org/", rules) is None
    assert weak_source("not a url", rules) is None
    with pytest.raises(DataFileError, match=r"rules\.0"):
        parse_rules({"rules": [{"kind": "x", "hosts": []}]}, "rules.yaml")


def test_absorbed_organisation_finds_its_cluster(runner, tmp_path) -> None:
    from clusterctl.cli import app

    path = tmp_path / "absorbed.yaml"
    path.write_text(_dump(FULL_DATASET), encoding="utf-8")
    shown = runner.invoke(
        app, ["--data", str(path), "show", "beta cluster", "-f", "json"]
    )
    assert shown.exit_code == 0, shown.stderr
    record = json.loads(shown.stdout)
    assert record["id"] == "alpha-pole"
    assert record["absorbed"][0] == {
        "name": "Beta Cluster",
        "year": 2019,
        "source": "https://example.org/beta",
        "note": "A regional cluster.",
    }
    assert "Beta Cluster" not in record["former_names"]
    assert "Beta Cluster was absorbed by Alpha Pôle in 2019" in shown.stderr
    found = runner.invoke(
        app, ["--data", str(path), "search", "Beta Cluster", "-f", "json"]
    )
    assert found.exit_code == 0
    assert json.loads(found.stdout)[0]["id"] == "alpha-pole"
    panel = runner.invoke(app, ["--data", str(path), "show", "alpha", "-f", "table"])
    cited = re.search(r"Beta Cluster \(2019\) (\[\d+\])", panel.stdout)
    assert cited, panel.stdout  # the source cited, and printed whole below
    assert f"\n{cited.group(1)} https://example.org/beta\n" in panel.stdout


def test_show_and_info_expose_provenance(runner, tmp_path) -> None:
    from clusterctl.cli import app

    path = tmp_path / "full.yaml"
    path.write_text(_dump(FULL_DATASET), encoding="utf-8")
    shown = runner.invoke(
        app, ["--data", str(path), "show", "alpha-pole", "-f", "json"]
    )
    record = json.loads(shown.stdout)
    assert record["status_as_of"] == "2023-03-27"
    assert record["status_source"] == "https://example.org/status"
    assert record["members"]["source"] == "https://example.org/members"
    assert record["members"]["as_of_date"] == "2024-04-02"
    fields = runner.invoke(
        app,
        [
            "--data",
            str(path),
            "list",
            "-f",
            "csv",
            "--fields",
            "id,status_as_of,status_source,members.source,members.as_of_date,absorbed",
        ],
    )
    assert fields.exit_code == 0, fields.stderr
    row = next(csv.DictReader(io.StringIO(fields.stdout)))
    assert row["status_source"] == "https://example.org/status"
    assert row["members.as_of_date"] == "2024-04-02"
    assert "Beta Cluster" in row["absorbed"]
    info = json.loads(
        runner.invoke(app, ["--data", str(path), "info", "-f", "json"]).stdout
    )
    assert info["programme"]["end"] == "2026-12-31"
    assert info["programme"]["next_phase"]["as_of"] == "2026-11-01"
    assert info["provenance"]["member_counts_with_source"] == 1
    assert info["provenance"]["status_as_of"]["newest"] == "2023-03-27"
    assert info["provenance"]["absorbed_organisations"] == 1


def test_unknown_member_types_stay_unknown(runner, tmp_path) -> None:
    """Without a record's own lists or its kind's defaults, member_types and
    services are null (unknown), not an empty list (none)."""
    from clusterctl.cli import app

    data = _replaced(FULL_DATASET, ("clusters", 0, "member_types"), None)
    data = _replaced(data, ("clusters", 0, "services"), None)
    data = _replaced(
        data,
        ("dataset", "kinds", "pole_de_competitivite"),
        {"label": "Pôle", "sources": []},
    )
    path = tmp_path / "unknown.yaml"
    path.write_text(_dump(data), encoding="utf-8")
    shown = runner.invoke(
        app, ["--data", str(path), "show", "alpha-pole", "-f", "json"]
    )
    record = json.loads(shown.stdout)
    assert record["member_types"] is None
    assert record["services"] is None
    listed = runner.invoke(app, ["--data", str(path), "list", "-f", "json"])
    assert json.loads(listed.stdout)[0]["member_types"] is None
