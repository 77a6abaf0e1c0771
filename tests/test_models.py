"""One model of a cluster: the pydantic models define the fields and the
vocabularies; the plain copies that let `list` start without pydantic, and the
texts that name the vocabularies, must say the same."""

from __future__ import annotations

import json
import typing
from pathlib import Path

from pydantic import BaseModel

from clusterctl import models, vocabulary
from clusterctl.dataset import ClusterRecord, DatasetHeader, Headquarters
from clusterctl.records import CLUSTER_FIELDS, NESTED_FIELDS, valid_fields
from fixture_data import FULL_DATASET

#: The member types the model accepts, which profiles and registers must accept.
MEMBERS = [m.value for m in models.MemberType]


def _nested_model(annotation: object) -> type[BaseModel] | None:
    """The model a field holds directly (`Headquarters`, `Members | None`), not
    in a list."""
    if typing.get_origin(annotation) is list:
        return None
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def test_output_fields_are_the_model_fields() -> None:
    assert tuple(models.Cluster.model_fields) == CLUSTER_FIELDS
    nested = {
        name: tuple(model.model_fields)
        for name, field in models.Cluster.model_fields.items()
        if (model := _nested_model(field.annotation)) is not None
    }
    assert nested == NESTED_FIELDS
    assert valid_fields() == [
        name
        for key in CLUSTER_FIELDS
        for name in (key, *(f"{key}.{sub}" for sub in nested.get(key, ())))
    ]


def test_plain_classes_hold_the_model_fields() -> None:
    assert set(Headquarters.__slots__) == set(models.Headquarters.model_fields)
    assert set(DatasetHeader.__slots__) == set(models.DatasetInfo.model_fields)
    assert set(ClusterRecord.__slots__) - {"record"} <= set(CLUSTER_FIELDS)


def test_plain_record_says_what_the_model_says() -> None:
    """A record read back from the cache (JSON) reads like the validated model."""
    header = models.DatasetInfo.model_validate(FULL_DATASET["dataset"])
    plain_header = DatasetHeader(**header.model_dump(mode="json"))
    for name in DatasetHeader.__slots__:
        assert getattr(plain_header, name) == header.model_dump(mode="json")[name]
    record = models.Cluster.model_validate(FULL_DATASET["clusters"][0]).model_dump(
        mode="json"
    )
    plain = ClusterRecord(record)
    assert plain.record == record
    for name in ClusterRecord.__slots__:
        if name in ("record", "hq", "absorbed"):
            continue
        value = getattr(plain, name)
        expected = record[name]
        assert (list(value) if isinstance(value, tuple) else value) == expected, name
    assert plain.absorbed == tuple(a["name"] for a in record["absorbed"])
    for name in Headquarters.__slots__:
        assert getattr(plain.hq, name) == record["hq"][name], name


def test_plain_vocabularies_are_the_model_enums() -> None:
    assert tuple(m.value for m in models.MemberType) == vocabulary.MEMBER_TYPES
    assert (
        tuple(s.value for s in models.Status if s is not models.Status.merged)
        == vocabulary.CURRENT_STATUSES
    )


def test_copies_of_the_vocabularies_agree() -> None:
    from clusterctl import profiles
    from clusterctl.template import PROFILE_TEMPLATE

    assert list(profiles.LOOKING_FOR) == [s.value for s in models.Service]
    comments = [line for line in PROFILE_TEMPLATE.splitlines() if line[:1] == "#"]
    for value in [*models.MemberType, *models.Service]:
        assert any(value in line for line in comments), value


def test_list_takes_and_names_every_member_type(runner, small: str) -> None:
    from clusterctl.cli import app

    result = runner.invoke(app, ["list", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for member in models.MemberType:
        assert member.value in text, member
        listed = runner.invoke(
            app, ["--data", small, "list", "--member-type", member.value]
        )
        assert listed.exit_code in (0, 1), listed.stderr  # 2: refused


def test_every_member_type_is_a_size_for_profiles_and_registers(
    runner, tmp_path: Path, small: str
) -> None:
    """The size a company gives is checked against the same vocabulary by the
    profile model and by the batch reader."""
    from clusterctl.cli import app

    rows = [
        "name,naf,size",
        *(f"C{i},62.01Z,{m}" for i, m in enumerate(MEMBERS)),
    ]
    register = tmp_path / "register.csv"
    register.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = runner.invoke(
        app, ["--data", small, "match", "--batch", str(register), "-f", "ndjson"]
    )
    assert result.exit_code == 0, result.stderr
    sizes = [
        json.loads(line)["company"]["size"] for line in result.stdout.split("\n")[:-1]
    ]
    assert sizes == MEMBERS
    assert "not one of" not in result.stderr
    for member in MEMBERS:
        profile = tmp_path / f"{member}.yaml"
        profile.write_text(f"name: A\nnaf: '62.01Z'\nsize: {member}\n", "utf-8")
        one = runner.invoke(app, ["--data", small, "match", str(profile), "-f", "json"])
        assert one.exit_code == 0, one.stderr
        assert json.loads(one.stdout)["company"]["size"] == member
