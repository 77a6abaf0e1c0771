"""The taxonomy file is checked like a dataset: every problem names its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from clusterctl.errors import DataFileError
from clusterctl.resources import data_file
from clusterctl.sectorfile import check_taxonomy_text, read_taxonomy

GOOD = """\
version: 1
ecosystems:
  - id: health
    name: Health
sectors:
  - id: health
    parent: null
    label_en: Health
    label_fr: Santé
    ecosystem: health
    synonyms:
      en: [healthcare]
      fr: [santé publique]
    naf:
      - code: "86"
        note: Human health activities
  - id: biotech
    parent: health
    label_en: Biotechnology
    label_fr: Biotechnologies
    synonyms: {en: [biotech], fr: []}
    naf: []
"""


def _messages(text: str) -> list[str]:
    return [str(p) for p in check_taxonomy_text(text, "sectors.yaml")[1]]


def test_bundled_taxonomy_passes_every_check() -> None:
    path = str(data_file("sectors.yaml"))
    model, problems = check_taxonomy_text(Path(path).read_text("utf-8"), path)
    assert problems == []
    assert model is not None
    assert len(model.sectors) == len(read_taxonomy(path)["sectors"])


def test_a_good_file_has_no_problem() -> None:
    assert _messages(GOOD) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    label_fr: Biotechnologies\n",
            "    label_fr: Biotechnologies\n    colour: red\n",
            "sectors.yaml:21: sectors.1.colour: unknown field",
        ),
        (
            "    label_en: Biotechnology\n",
            "",
            "sectors.yaml:17: sectors.1.label_en: required field is missing",
        ),
        (
            '      - code: "86"\n',
            '      - code: "86.1.2"\n',
            "sectors.yaml:15: sectors.0.naf.0.code: must be a NAF code such as "
            "62.02A, 62.02 or 62 (got '86.1.2')",
        ),
        (
            "    parent: health\n",
            "    parent: healht\n",
            "sectors.yaml:18: sectors.1.parent: unknown parent sector 'healht'",
        ),
        (
            "    ecosystem: health\n",
            "    ecosystem: wellness\n",
            "sectors.yaml:10: sectors.0.ecosystem: unknown ecosystem 'wellness'",
        ),
        (
            "  - id: biotech\n",
            "  - id: health\n",
            "sectors.yaml:17: sectors.1.id: duplicate sector id 'health' (also item 0)",
        ),
        (
            "    parent: null\n",
            "    parent: biotech\n",
            (
                "sectors.yaml:7: sectors.0.parent: sector 'health' is its own ancestor",
                "sectors.yaml:18: sectors.1.parent: sector 'biotech' is its own "
                "ancestor",
            ),
        ),
        (
            "    synonyms:\n      en: [healthcare]\n",
            "    synonyms:\n      english: [healthcare]\n",
            "sectors.yaml:12: sectors.0.synonyms.english: unknown field",
        ),
        (
            "      fr: [santé publique]\n",
            '      fr: ["santé\\x1b[2J"]\n',
            "sectors.yaml:13: sectors.0.synonyms.fr.0: contains a control character",
        ),
    ],
)
def test_each_problem_names_its_line(
    old: str, new: str, expected: str | tuple[str, ...]
) -> None:
    assert old in GOOD
    messages = _messages(GOOD.replace(old, new, 1))
    wanted = (expected,) if isinstance(expected, str) else expected
    assert len(messages) == len(wanted), messages
    for message, start in zip(messages, wanted, strict=True):
        assert message.startswith(start), messages


def test_a_misspelt_key_gets_a_suggestion() -> None:
    text = GOOD.replace("    label_fr: Santé\n", "    label_fre: Santé\n", 1)
    assert "sectors.yaml:9: sectors.0.label_fre: unknown field (did you mean " in (
        "\n".join(_messages(text))
    )


def test_reading_a_bad_taxonomy_is_a_data_error(tmp_path: Path) -> None:
    path = tmp_path / "sectors.yaml"
    path.write_text(GOOD.replace("    parent: health\n", "    parent: 7\n"), "utf-8")
    with pytest.raises(DataFileError) as caught:
        read_taxonomy(str(path))
    assert caught.value.problems == [
        f"{path}:18: sectors.1.parent: must be text (got 7; YAML "
        "read this as a number: put it in quotes)"
    ]
