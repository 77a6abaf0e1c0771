"""Weak sources: hosts a dataset should not cite (mirrors, aggregators, staging).

The patterns are data (`data/source-rules.yaml`), so the list grows without a
code change. `weak_source(url)` says which rule, if any, a web address breaks;
`clusterctl validate` turns that into a warning and a test keeps the bundled
dataset free of them.
"""

from __future__ import annotations

import fnmatch
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit

from .errors import DataFileError
from .i18n import _
from .resources import data_file
from .yamlio import display_name, parse, read_text

RULES_FILE = "source-rules.yaml"


class SourceRule(NamedTuple):
    kind: str
    why: str
    hosts: tuple[str, ...]


def host_of(url: str) -> str:
    """The host of a web address, lower-cased, without port or a leading "www."."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def weak_source(
    url: str, rules: tuple[SourceRule, ...] | None = None
) -> SourceRule | None:
    """The first rule whose host patterns match `url`, or None."""
    host = host_of(url)
    if not host:
        return None
    for rule in load_source_rules() if rules is None else rules:
        if any(fnmatch.fnmatchcase(host, pattern) for pattern in rule.hosts):
            return rule
    return None


@lru_cache(maxsize=8)
def load_source_rules(path: str | None = None) -> tuple[SourceRule, ...]:
    """Read the rules file (the bundled one by default)."""
    source = path or str(data_file(RULES_FILE))
    label = display_name(source)
    raw = parse(read_text(source, kind="rules file"), label)
    return parse_rules(raw, label)


def parse_rules(raw: object, label: str) -> tuple[SourceRule, ...]:
    """Check the shape of a rules document: {rules: [{kind, why, hosts: [...]}]}."""
    items = raw.get("rules") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        message = _("{file}: expected 'rules:' with a list of rules")
        raise DataFileError(message.format(file=label))
    rules = []
    for i, item in enumerate(items):
        where = f"{label}: rules.{i}"
        if not isinstance(item, dict) or set(item) != {"kind", "why", "hosts"}:
            message = _("{where}: a rule has exactly kind, why and hosts")
            raise DataFileError(message.format(where=where))
        hosts = item["hosts"]
        if not (
            isinstance(item["kind"], str)
            and isinstance(item["why"], str)
            and isinstance(hosts, list)
            and hosts
            and all(isinstance(h, str) and h.strip() for h in hosts)
        ):
            message = _("{where}: kind and why are text, hosts a list of patterns")
            raise DataFileError(message.format(where=where))
        rules.append(
            SourceRule(
                item["kind"], item["why"], tuple(h.strip().lower() for h in hosts)
            )
        )
    return tuple(rules)
