"""Shell completion: what each option that takes a closed set accepts.

A candidate is offered only when the command accepts it (no EU-ecosystem id
for `--sector`, which rejects them), and typing matches it whatever the case
and accents (`ile` finds Île-de-France, `loire` finds Pays de la Loire). The
shells insert the candidates correctly quoted: see `shells`.

These run on every Tab press, so they read the bundled files with regular
expressions and import nothing heavy (no Rich, pydantic, YAML or rapidfuzz).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import typer

from clusterctl.text import normalize


def matching(
    candidates: Iterable[str], incomplete: str, *, inner: bool = True
) -> list[str]:
    """The candidates `incomplete` starts (case and accents aside), then, with
    `inner`, those with a word it starts (`loire` -> `Pays de la Loire`)."""
    candidates = list(dict.fromkeys(candidates))
    key = normalize(incomplete)
    if not key:
        return candidates
    normal = {c: normalize(c) for c in candidates}
    first = [c for c in candidates if normal[c].startswith(key)]
    if not inner:
        return first
    words = [
        c
        for c in candidates
        if c not in first and any(w.startswith(key) for w in normal[c].split())
    ]
    return first + words


def _read(file: str, pattern: str, section: str | None = None) -> list[str]:
    """Values of a bundled file found by a regular expression, within the
    top-level `section` when given."""
    from clusterctl.resources import data_file

    try:
        text = data_file(file).read_text(encoding="utf-8")
    except OSError:
        return []
    if section:
        start = re.search(rf"^{section}:", text, flags=re.MULTILINE)
        if start is None:
            return []
        text = text[start.end() :]
        end = re.search(r"^[a-z_]+:", text, flags=re.MULTILINE)
        text = text[: end.start()] if end else text
    return re.findall(pattern, text, flags=re.MULTILINE)


_ID = r"^  - id: ([a-z0-9-]+)"


# ---------------------------------------------------------------- vocabularies
def complete_sector(incomplete: str) -> list[str]:
    """Sector ids; when no id fits, the labels and synonyms that do (English
    or French: `--sector` takes them too)."""
    ids = matching(_read("sectors.yaml", _ID, section="sectors"), incomplete)
    if ids or not incomplete:
        return ids
    from clusterctl.taxonomy import load_taxonomy

    words: dict[str, str] = {}  # one spelling per word, case and accents aside
    for sector in load_taxonomy().sectors.values():
        for word in (
            sector.label_en,
            sector.label_fr,
            *sector.synonyms_en,
            *sector.synonyms_fr,
        ):
            words.setdefault(normalize(word), word)
    return matching(words.values(), incomplete)


def complete_region(incomplete: str) -> list[str]:
    """Region names; an abbreviation or code (`paca`, `IDF`, `76`) completes
    to the region's name."""
    from clusterctl import geography

    names = matching(geography.region_names(), incomplete)
    if names or not incomplete:
        return names
    region = geography.resolve_region(incomplete)
    return [region.name] if region else []


def complete_status_filter(incomplete: str) -> list[str]:
    """`list`/`map --status`: every state and group."""
    from clusterctl.labels import LABEL_STATUSES, STATUS_GROUPS

    names = [*LABEL_STATUSES, *STATUS_GROUPS]
    return matching([n for n in names if n != "active"], incomplete)


def complete_status_match(incomplete: str) -> list[str]:
    """`match --status`: the states a match can rank (merged ones never are)."""
    return [s for s in complete_status_filter(incomplete) if s != "merged"]


def complete_member_type(incomplete: str) -> list[str]:
    from clusterctl.query import MEMBER_TYPES

    return matching(MEMBER_TYPES, incomplete)


def complete_input_format(incomplete: str) -> list[str]:
    return matching(("csv", "ndjson", "yaml"), incomplete)


# ---------------------------------------------------------------- clusters
def complete_cluster(ctx: typer.Context, incomplete: str) -> list[str]:
    """Ids of the clusters in the dataset in use (`--data`, `$CLUSTERCTL_DATA`
    or the bundled one); `digital` finds `cap-digital`."""
    ids = _dataset_ids(_data_option(ctx))
    return matching(ids, incomplete)


def _data_option(ctx: typer.Context) -> str | None:
    """`--data` given to the command or before it, else `$CLUSTERCTL_DATA`."""
    current: Any = ctx
    while current is not None:
        if current.params.get("data"):
            return str(current.params["data"])
        current = current.parent
    return os.environ.get("CLUSTERCTL_DATA") or None


#: A cluster's id in a dataset file, however the list is indented.
_CLUSTER_ID = r"""^\s*-\s+id:\s*["']?([a-z0-9-]+)"""


def _dataset_ids(path: str | None) -> list[str]:
    if path and path != "-":
        try:
            with open(path, encoding="utf-8") as handle:
                found = re.findall(_CLUSTER_ID, handle.read(), flags=re.MULTILINE)
        except (OSError, UnicodeDecodeError):
            found = []
        if found:
            return found
    return _read("clusters.yaml", _ID)


# ---------------------------------------------------------------- fields
def fields_of(ctx: typer.Context) -> list[str]:
    """The fields the current command's `--fields` accepts."""
    from . import browse, matchcmd

    command = ctx.info_name or ""
    if command in ("list", "show"):
        from clusterctl.labels import LABEL_FIELDS
        from clusterctl.records import valid_fields

        near = ("distance_km",) if command == "list" and ctx.params.get("near") else ()
        return valid_fields((*LABEL_FIELDS, *near))
    return list(
        {
            "search": matchcmd.SEARCH_FIELDS,
            "related": matchcmd.RELATED_FIELDS,
            "sectors": browse.SECTOR_FIELDS,
            "regions": browse.REGION_FIELDS,
        }.get(command, ())
    )


def complete_fields(ctx: typer.Context, incomplete: str) -> list[str]:
    """`--fields a,b`: the next field after the ones already typed; `help`."""
    done, _, last = incomplete.rpartition(",")
    chosen = set(done.split(",")) if done else set()
    prefix = f"{done}," if done else ""
    names = [f for f in fields_of(ctx) if f not in chosen]
    extra = [] if done else ["help"]
    return [prefix + f for f in matching([*names, *extra], last, inner=False)]


def complete_sort(ctx: typer.Context, incomplete: str) -> list[str]:
    """`--sort FIELD` or `-FIELD` (descending); a field with sub-fields (`hq`)
    is not a sort key, its sub-fields are."""
    sign = "-" if incomplete.startswith("-") else ""
    fields = fields_of(ctx)
    keys = [f for f in fields if not any(g.startswith(f + ".") for g in fields)]
    found = matching(keys, incomplete.lstrip("-"), inner=False)
    return [sign + f for f in found]


def complete_status(ctx: typer.Context, incomplete: str) -> list[str]:
    if ctx.info_name == "match":
        return complete_status_match(incomplete)
    return complete_status_filter(incomplete)


Completer = Callable[[typer.Context, str], list[str]]

#: The completer of each parameter, by its name in the commands' signatures
#: (`COMMAND.name` for one command's): `--sector` (`list`, `map`), `--cluster`
#: (`match`), the CLUSTER argument of `show` and `related`, and so on. Options
#: with an enum (`--format`, `--as`, SCHEMA) complete from their choices.
COMPLETERS: dict[str, Completer] = {
    "sector": lambda ctx, text: complete_sector(text),
    "region": lambda ctx, text: complete_region(text),
    "status": complete_status,
    "member_type": lambda ctx, text: complete_member_type(text),
    "input_format": lambda ctx, text: complete_input_format(text),
    "cluster": complete_cluster,
    "show.name": complete_cluster,
    "related.name": complete_cluster,
    "fields": complete_fields,
    "sort": complete_sort,
}


def attach(command: str, params: Sequence[Any]) -> None:
    """Give each parameter named in `COMPLETERS` its completer. Click calls
    it with what was typed; unlike Typer's `autocompletion`, nothing filters
    the candidates again by a case- and accent-sensitive prefix."""
    for param in params:
        name = param.name or ""
        completer = COMPLETERS.get(f"{command}.{name}") or COMPLETERS.get(name)
        if completer is not None:
            param._custom_shell_complete = _items(completer)


def _items(completer: Completer) -> Callable[..., list[Any]]:
    def shell_complete(ctx: typer.Context, param: Any, incomplete: str) -> list[Any]:
        from typer._click.shell_completion import CompletionItem

        return [CompletionItem(value) for value in completer(ctx, incomplete)]

    return shell_complete
