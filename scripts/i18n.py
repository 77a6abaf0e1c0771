"""Keep the translation catalogs in step with the code.

    python scripts/i18n.py update    # add new messages to every locale/*.po
    python scripts/i18n.py check     # list messages without a translation

Messages are the string constants passed to `_()`, `N_()`, `ngettext()` and
`pgettext()` in `src/clusterctl` (found with `ast`, so nothing is imported).
`update` writes `locale/clusterctl.pot` (the template translators start from)
and adds every new message to each `.po` with an empty translation; existing
translations are kept, and messages no longer in the code are kept as obsolete
(`#~`) entries, as `msgmerge` does. Edit the `.po` files with any PO editor
(Poedit, Lokalize, a text editor).
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "clusterctl"
LOCALE = PACKAGE / "locale"
FUNCTIONS = {"_": 1, "N_": 1, "ngettext": 2, "pgettext": 2}
PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_][a-z0-9_]*)(?:[:!][^}]*)?\}(?!\})")


#: Arguments built at run time (f-strings, `+`, `%`, `.format()` calls): their
#: text cannot be in a catalog.
_BUILT = (ast.JoinedStr, ast.BinOp, ast.Call)


@dataclass
class Message:
    msgid: str
    plural: str | None = None
    context: str | None = None
    places: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.msgid)


@dataclass
class Problem:
    where: str
    text: str


def extract(
    package: Path = PACKAGE,
) -> tuple[dict[tuple[str | None, str], Message], list[Problem]]:
    """Every message in the package, and calls whose arguments are not plain
    string constants (an f-string cannot be translated)."""
    messages: dict[tuple[str | None, str], Message] = {}
    problems: list[Problem] = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        where_file = path.relative_to(package.parent.parent).as_posix()
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            arity = FUNCTIONS.get(node.func.id)
            if arity is None:
                continue
            where = f"{where_file}:{node.lineno}"
            args = node.args[:arity]
            if len(args) < arity or any(isinstance(a, _BUILT) for a in args):
                problems.append(
                    Problem(where, f"{node.func.id}() needs string constants")
                )
                continue
            if not all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args
            ):
                continue  # a name holding a message marked with N_() elsewhere
            values = [a.value for a in args]  # type: ignore[attr-defined]
            if node.func.id == "ngettext":
                message = Message(values[0], plural=values[1])
            elif node.func.id == "pgettext":
                message = Message(values[1], context=values[0])
            else:
                message = Message(values[0])
            found = messages.setdefault(message.key, message)
            found.places.append(where)
    return messages, problems


def _quote(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\t", "\\t")
        .replace("\n", "\\n")
    )
    return f'"{escaped}"'


def _entry(
    context: str | None,
    msgid: str,
    plural: str | None,
    strings: list[str],
    *,
    places: list[str] = (),  # type: ignore[assignment]
    fuzzy: bool = False,
    obsolete: bool = False,
) -> str:
    prefix = "#~ " if obsolete else ""
    lines = [f"#: {place}" for place in places[:4]]
    if fuzzy:
        lines.append("#, fuzzy")
    if context is not None:
        lines.append(f"{prefix}msgctxt {_quote(context)}")
    lines.append(f"{prefix}msgid {_quote(msgid)}")
    if plural is None:
        lines.append(f"{prefix}msgstr {_quote(strings[0] if strings else '')}")
    else:
        lines.append(f"{prefix}msgid_plural {_quote(plural)}")
        for index in range(max(2, len(strings))):
            value = strings[index] if index < len(strings) else ""
            lines.append(f"{prefix}msgstr[{index}] {_quote(value)}")
    return "\n".join(lines)


HEADER = {
    "fr": (
        "Project-Id-Version: clusterctl\\n"
        "Language: fr\\n"
        "MIME-Version: 1.0\\n"
        "Content-Type: text/plain; charset=UTF-8\\n"
        "Content-Transfer-Encoding: 8bit\\n"
        "Plural-Forms: nplurals=2; plural=(n > 1);\\n"
    ),
}


def _header_entry(header: str) -> str:
    lines = ['msgid ""', 'msgstr ""']
    for part in header.split("\n"):
        if part:
            lines.append(_quote(part + "\n"))
    return "\n".join(lines)


def update(package: Path = PACKAGE) -> list[Path]:
    sys.path.insert(0, str(package.parent))
    from clusterctl.i18n import read_po

    messages, problems = extract(package)
    for problem in problems:
        print(f"{problem.where}: {problem.text}", file=sys.stderr)
    written: list[Path] = []
    template = [_header_entry("Content-Type: text/plain; charset=UTF-8\n")]
    for message in messages.values():
        template.append(
            _entry(
                message.context,
                message.msgid,
                message.plural,
                [],
                places=message.places,
            )
        )
    pot = LOCALE / "clusterctl.pot"
    pot.write_text("\n\n".join(template) + "\n", encoding="utf-8")
    written.append(pot)
    for po in sorted(LOCALE.glob("*.po")):
        catalog = read_po(po)
        known = {(e[0], e[1]): e for e in catalog["entries"]}
        header = catalog["header"] or HEADER.get(po.stem, "").replace("\\n", "\n")
        parts = [f"# {po.stem} translations of clusterctl", _header_entry(header)]
        for message in messages.values():
            old = known.pop(message.key, None)
            strings = old[3] if old else []
            parts.append(
                _entry(
                    message.context,
                    message.msgid,
                    message.plural,
                    strings,
                    places=message.places,
                    fuzzy=bool(old and old[4]),
                )
            )
        for context, msgid, plural, strings, _fuzzy in known.values():
            if any(strings):
                parts.append(_entry(context, msgid, plural, strings, obsolete=True))
        po.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
        written.append(po)
    return written


def missing(package: Path = PACKAGE) -> list[str]:
    """Messages without a usable translation, per language, as readable lines."""
    sys.path.insert(0, str(package.parent))
    from clusterctl.i18n import read_po

    messages, problems = extract(package)
    lines = [f"{p.where}: {p.text}" for p in problems]
    for po in sorted(LOCALE.glob("*.po")):
        entries = {(e[0], e[1]): e for e in read_po(po)["entries"]}
        for message in messages.values():
            entry = entries.get(message.key)
            where = message.places[0]
            if entry is None or not entry[3] or not all(entry[3]) or entry[4]:
                lines.append(f"{where}: no {po.stem} translation: {message.msgid!r}")
                continue
            wanted = set(PLACEHOLDER.findall(message.msgid)) | set(
                PLACEHOLDER.findall(message.plural or "")
            )
            for text in entry[3]:
                if set(PLACEHOLDER.findall(text)) - wanted or (
                    message.plural is None and set(PLACEHOLDER.findall(text)) != wanted
                ):
                    lines.append(
                        f"{where}: {po.stem} placeholders differ: {message.msgid!r}"
                    )
    return lines


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        for path in update():
            print(f"wrote {path.relative_to(ROOT)}")
        return 0
    if argv[:1] == ["check"]:
        lines = missing()
        for line in lines:
            print(line)
        return 1 if lines else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
