"""French and English: every message has its French translation, catalogs load
through the standard gettext machinery, and the language follows --lang and
the locale."""

from __future__ import annotations

import gettext
import importlib.util
import sys

import pytest

from clusterctl import i18n
from conftest import REPO


def _tool():
    spec = importlib.util.spec_from_file_location(
        "i18n_tool", REPO / "scripts" / "i18n.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_tool"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def _reset_language():
    yield
    i18n.set_language(None)


def test_every_message_has_a_french_translation():
    problems = _tool().missing()
    assert problems == [], "\n".join(problems[:40])


def test_missing_translation_is_reported(tmp_path, monkeypatch):
    tool = _tool()
    package = tmp_path / "src" / "pkg"
    package.mkdir(parents=True)
    (package / "m.py").write_text(
        'from clusterctl.i18n import _\nx = _("a new message {name}")\n'
        'y = _(f"not {x}")\n',
        encoding="utf-8",
    )
    messages, problems = tool.extract(package)
    assert "a new message {name}" in [m.msgid for m in messages.values()]
    assert [p.text for p in problems] == ["_() needs string constants"]
    locale = tmp_path / "locale"
    locale.mkdir()
    (locale / "fr.po").write_text(
        'msgid "a new message {name}"\nmsgstr "un nouveau message {nom}"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(tool, "LOCALE", locale)
    lines = tool.missing(package)
    assert any("placeholders differ" in line for line in lines)
    assert any("needs string constants" in line for line in lines)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("fr_FR.UTF-8", "fr"),
        ("fr-CA", "fr"),
        ("FR", "fr"),
        ("en_GB.UTF-8", "en"),
        ("C", "en"),
        ("POSIX", "en"),
        ("de_DE.UTF-8", None),
        ("", None),
    ],
)
def test_parse_language(value, code):
    assert i18n.parse_language(value) == code


def test_language_order(monkeypatch):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", i18n.ENV_LANG):
        monkeypatch.delenv(name, raising=False)
    assert i18n.detect_language([]) == "en"
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert i18n.detect_language([]) == "fr"
    monkeypatch.setenv("LC_ALL", "C")  # LC_ALL overrides LANG
    assert i18n.detect_language([]) == "en"
    monkeypatch.setenv(i18n.ENV_LANG, "fr")
    assert i18n.detect_language([]) == "fr"
    assert i18n.detect_language(["list", "--lang", "en"]) == "en"
    assert i18n.detect_language(["--lang=en", "list"]) == "en"
    assert i18n.detect_language(["--", "--lang", "en"]) == "fr"


def test_catalog_compiles_for_the_standard_gettext(tmp_path):
    po = tmp_path / "fr.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        'msgid "cluster"\nmsgstr "pôle"\n\n'
        '#, fuzzy\nmsgid "draft"\nmsgstr "brouillon"\n\n'
        'msgctxt "status"\nmsgid "active"\nmsgstr "actif"\n\n'
        'msgid "{n} cluster"\nmsgid_plural "{n} clusters"\n'
        'msgstr[0] "{n} pôle"\nmsgstr[1] "{n} pôles"\n\n'
        'msgid "two "\n"lines"\nmsgstr "deux "\n"lignes \\"!\\""\n',
        encoding="utf-8",
    )
    mo = tmp_path / "fr.mo"
    mo.write_bytes(i18n.compile_mo(i18n.read_po(po)))
    with mo.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    assert translations.gettext("cluster") == "pôle"
    assert translations.gettext("draft") == "draft"  # fuzzy entries are not used
    assert translations.pgettext("status", "active") == "actif"
    assert translations.ngettext("{n} cluster", "{n} clusters", 1) == "{n} pôle"
    assert translations.ngettext("{n} cluster", "{n} clusters", 0) == "{n} pôle"
    assert translations.ngettext("{n} cluster", "{n} clusters", 2) == "{n} pôles"
    assert translations.gettext("two lines") == 'deux lignes "!"'


def test_english_is_the_source_text():
    i18n.set_language("en")
    assert i18n._("anything at all") == "anything at all"
    assert i18n.ngettext("{n} cluster", "{n} clusters", 2) == "{n} clusters"


def test_bundled_french_catalog_is_used():
    catalog = i18n.read_po(i18n.catalog_path("fr"))
    translated = [
        e
        for e in catalog["entries"]
        if e[0] is None and e[2] is None and all(e[3]) and not e[4]
    ]
    if not translated:
        pytest.skip("no message translated yet")
    _context, msgid, _plural, strings, _fuzzy = translated[0]
    i18n.set_language("fr")
    assert i18n._(msgid) == strings[0]
    i18n.set_language("en")
    assert i18n._(msgid) == msgid
