"""Human-facing text in English or French, through the standard gettext catalogs.

Messages are written in English in the code and wrapped in `_()` (or
`ngettext()` for counts); translations live in `.po` files beside this module
(`locale/fr.po`), which translators edit with their usual tools. The catalog is
compiled in memory with the standard library's `gettext.GNUTranslations` (and
kept in the start-up cache), so no build step is needed. Machine-readable keys,
ids and codes are never translated.

The language is chosen, first match wins, by `--lang` on the command line (the
command line takes it out of the arguments before parsing them, see
`cli/usage.py`; help texts are marked with `N_()` and translated when shown),
`$CLUSTERCTL_LANG`, then the usual locale variables `LC_ALL`, `LC_MESSAGES` and
`LANG`; anything else is English.
Placeholders use `str.format` names (`{file}`), never positions, so that a
translation may reorder them.

This module is meant to be imported on every start-up: the start-up cache that
keeps compiled catalogs is imported only when a language other than English is
chosen.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import gettext as gettext_module

#: Languages the tool speaks; the first is the language of the source code.
LANGUAGES = ("en", "fr")
ENV_LANG = "CLUSTERCTL_LANG"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_state: dict[str, Any] = {}


def _from_argv(argv: list[str]) -> str | None:
    """The value of `--lang X` or `--lang=X`, before any `--` end of options."""
    for index, arg in enumerate(argv):
        if arg == "--":
            return None
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def parse_language(value: str | None) -> str | None:
    """`fr_FR.UTF-8`, `fr-CA`, `FR` -> `fr`; `C`, `POSIX` -> `en`; else None."""
    if not value:
        return None
    code = value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    if code in ("c", "posix"):
        return "en"
    return code if code in LANGUAGES else None


def detect_language(argv: list[str] | None = None) -> str:
    """The language for this process (see the module docstring)."""
    candidates = [_from_argv(sys.argv[1:] if argv is None else argv)]
    candidates.append(os.environ.get(ENV_LANG))
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:  # the first locale variable set decides, as in POSIX
            candidates.append(value)
            break
    for candidate in candidates:
        code = parse_language(candidate)
        if code:
            return code
    return LANGUAGES[0]


def language() -> str:
    """The language in use."""
    if "language" not in _state:
        _state["language"] = detect_language()
    return str(_state["language"])


def set_language(code: str | None) -> None:
    """Use `code` from now on (None: detect again). Library callers and tests
    use this; the command line uses `--lang`."""
    _state.clear()
    if code is not None:
        parsed = parse_language(code)
        if parsed is None:
            raise ValueError(f"unknown language {code!r}; choose {LANGUAGES}")
        _state["language"] = parsed


def catalog_path(code: str) -> Path:
    return LOCALE_DIR / f"{code}.po"


def _translations() -> gettext_module.NullTranslations | None:
    if "translations" not in _state:
        code = language()
        _state["translations"] = None if code == LANGUAGES[0] else _load(code)
    result: gettext_module.NullTranslations | None = _state["translations"]
    return result


def _load(code: str) -> gettext_module.NullTranslations | None:
    from .cache import cached

    path = catalog_path(code)
    if not path.is_file():
        return None
    return cached(str(path), f"catalog-{code}", lambda: read_po(path), _compiled)


def _(message: str) -> str:
    """`message` in the language in use."""
    translations = _translations()
    return message if translations is None else translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for `n` things, in the language in use."""
    translations = _translations()
    if translations is None:
        return singular if n == 1 else plural
    return translations.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` in the language in use, told apart by `context` where the same
    English word needs two translations."""
    translations = _translations()
    return message if translations is None else translations.pgettext(context, message)


def N_(message: str) -> str:
    """Mark a constant for translation without translating it yet (it is
    translated where it is shown, with `_()`)."""
    return message


# ------------------------------------------------------------ formats
def format_date(value: Any) -> str:
    """A date inside a sentence: `2024-12-31` in English (as in the data), the
    French way in French (`31/12/2024`). Accepts a date or an ISO string; any
    other text is returned as it is."""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    day = text[:10]
    if (
        language() == "fr"
        and len(day) == 10
        and day[4] == day[7] == "-"
        and (day[:4] + day[5:7] + day[8:]).isdigit()
    ):
        return f"{day[8:]}/{day[5:7]}/{day[:4]}"
    return text


def format_number(value: int) -> str:
    """A whole number with its thousands grouped: `1,234` in English, `1 234` in
    French (a no-break space, so that a number is never split)."""
    text = f"{value:,}"
    return text.replace(",", "\u00a0") if language() == "fr" else text


def format_decimal(value: float, digits: int | None = 2) -> str:
    """A decimal number: `0.49` in English, `0,49` in French (`digits=None`:
    as short as it can be written, `12.5`)."""
    text = f"{value:g}" if digits is None else f"{value:.{digits}f}"
    return text.replace(".", ",") if language() == "fr" else text


def join_clauses(parts: Any) -> str:
    """Clauses of one message joined by a semicolon (`a; b` in English, `a ; b`
    in French)."""
    return pgettext("between clauses", "; ").join(parts)


# ------------------------------------------------------------ .po catalogs
def _unquote(text: str) -> str:
    """A C-style quoted .po string (`"a \\"b\\"\\n"`) as text."""
    import ast

    value = ast.literal_eval(text)
    if not isinstance(value, str):
        raise ValueError(f"not a string: {text}")
    return value


def read_po(path: Path) -> dict[str, Any]:
    """A `.po` file as {"header": str, "entries": [[context, msgid, plural,
    [msgstr, ...], fuzzy], ...]}: the plain data of a catalog."""
    entries: list[list[Any]] = []
    header = ""
    current: dict[str, Any] = {}
    key: str | None = None
    fuzzy = False

    def finish() -> None:
        nonlocal header, fuzzy
        if "msgid" in current:
            strings = [current[k] for k in sorted(current) if k.startswith("msgstr")]
            if current["msgid"] == "" and "msgctxt" not in current:
                header = strings[0] if strings else ""
            else:
                entries.append(
                    [
                        current.get("msgctxt"),
                        current["msgid"],
                        current.get("msgid_plural"),
                        strings,
                        fuzzy,
                    ]
                )
        current.clear()
        fuzzy = False

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if line.startswith("#") or not line:
            # Comments and blank lines come before an entry: the one being
            # read is complete.
            if "msgid" in current:
                finish()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        if line.startswith('"'):
            if key is None:
                raise ValueError(f"{path}:{number}: text outside an entry")
            current[key] += _unquote(line)
            continue
        word, _space, rest = line.partition(" ")
        if word == "msgctxt" or (word == "msgid" and "msgid" in current):
            keep = fuzzy
            finish()
            fuzzy = keep
        if word.startswith("msgstr[") and word.endswith("]"):
            key = f"msgstr{int(word[7:-1]):03d}"
        elif word in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
            key = word
        else:
            raise ValueError(f"{path}:{number}: unknown keyword {word!r}")
        current[key] = _unquote(rest)
    finish()
    return {"header": header, "entries": entries}


def compile_mo(catalog: dict[str, Any]) -> bytes:
    """The binary `.mo` form of a catalog (the layout `msgfmt` writes): fuzzy
    and untranslated entries are left out, as `msgfmt` does."""
    import struct

    pairs: dict[bytes, bytes] = {b"": catalog["header"].encode("utf-8")}
    for context, msgid, plural, strings, fuzzy in catalog["entries"]:
        if fuzzy or not strings or not all(strings):
            continue
        key = msgid if plural is None else f"{msgid}\x00{plural}"
        if context is not None:
            key = f"{context}\x04{key}"
        pairs[key.encode("utf-8")] = "\x00".join(strings).encode("utf-8")
    keys = sorted(pairs)
    ids = strs = b""
    offsets: list[tuple[int, int, int, int]] = []
    for key in keys:
        offsets.append((len(ids), len(key), len(strs), len(pairs[key])))
        ids += key + b"\x00"
        strs += pairs[key] + b"\x00"
    count = len(keys)
    start_ids = 7 * 4
    start_strs = start_ids + count * 8
    start_data = start_strs + count * 8
    id_table = b"".join(
        struct.pack("<II", length, start_data + offset)
        for offset, length, _o, _l in offsets
    )
    str_table = b"".join(
        struct.pack("<II", length, start_data + len(ids) + offset)
        for _o, _l, offset, length in offsets
    )
    header = struct.pack(
        "<7I", 0x950412DE, 0, count, start_ids, start_strs, 0, start_data
    )
    return header + id_table + str_table + ids + strs


def _compiled(catalog: dict[str, Any]) -> gettext_module.GNUTranslations:
    import gettext
    import io

    return gettext.GNUTranslations(io.BytesIO(compile_mo(catalog)))
