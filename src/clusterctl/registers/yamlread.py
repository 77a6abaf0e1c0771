"""YAML registers: a list of profiles, or a stream of documents (one profile
each), held whole in memory up to yamlio's size cap."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from clusterctl.errors import DataFileError
from clusterctl.i18n import _

from .events import INVALID_YAML, NOT_MAPPING, Event, Reject, Row
from .source import first_bad_byte


def read_yaml(stream: IO[str], label: str) -> Iterator[Event]:
    """Each profile is built on its own, so a bad one is rejected by its line."""
    import yaml

    from clusterctl.yamlio import MAX_BYTES, check_document, strict_loader, yaml_error

    text = stream.read(MAX_BYTES + 1)
    if len(text) > MAX_BYTES:
        raise DataFileError(
            _(
                "{file}: a YAML register is limited to {size} MB; use CSV or NDJSON"
            ).format(file=label, size=MAX_BYTES // (1024 * 1024))
        )
    bad = first_bad_byte(text)
    if bad is not None:
        line = text[:bad].count("\n") + 1
        raise DataFileError(
            _("{file}:{line}: not valid text; try --encoding latin-1").format(
                file=label, line=line
            )
        )
    check_document(text, label)  # alias bombs and oversized documents
    loader = strict_loader()
    try:
        docs = list(yaml.compose_all(text, Loader=loader))
    except yaml.YAMLError as exc:
        raise DataFileError(yaml_error(exc, label, text)) from None
    items: list[Any] = []
    for doc in docs:
        if isinstance(doc, yaml.SequenceNode):
            items.extend(doc.value)
        elif doc is not None:
            items.append(doc)
    for node in items:
        line = node.start_mark.line + 1
        raw = text[node.start_mark.index : node.end_mark.index]
        try:
            value = yaml.load(yaml.serialize(node), Loader=loader)
        except yaml.YAMLError as exc:
            problem = str(getattr(exc, "problem", None) or exc).splitlines()[0]
            reason = _("invalid YAML: {error}").format(error=problem)
            yield Reject(line, reason, raw, INVALID_YAML)
            continue
        if not isinstance(value, dict):
            reason = _("expected a mapping of profile fields")
            yield Reject(line, reason, raw, NOT_MAPPING)
            continue
        yield Row(line, {"_profile": value}, raw)
