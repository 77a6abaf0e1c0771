"""A cluster's label on a given date: current, on probation, lapsed, unconfirmed
or merged.

The dataset records what its sources said: a `status` (active, probation,
merged, unconfirmed), the date the known label term ends (`label_term_end`)
and, optionally, the date a source last confirmed that status
(`status_as_of`). A label is granted for a term. Once the term has ended and
no renewal is recorded (a later `label_term_end`), the recorded `active` no
longer holds: the label is *lapsed* ("label not confirmed since 2024-12-31"). A
record with no term of its own takes the end of the programme phase given in
the dataset header (`programme.end`), when there is one.

Everything here is a pure function of the records and a date: no I/O and no
terminal, so that `match`, `list`, `show` and the library say the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from .dataset import today
from .errors import UsageError

if TYPE_CHECKING:
    from .dataset import ClusterRecord, Dataset

#: Every effective label state, in the order they are listed.
LABEL_STATUSES = ("current", "probation", "lapsed", "unconfirmed", "merged")
#: A current label: active, or on probation within its term.
CURRENT = frozenset({"current", "probation"})
#: A label no source confirms on the date: its term ended, or it was never
#: confirmed. Such clusters are still shown, flagged.
DOUBTFUL = frozenset({"lapsed", "unconfirmed"})
#: Names that stand for several states in `--status`.
STATUS_GROUPS: dict[str, frozenset[str]] = {
    "current": CURRENT,
    "active": CURRENT,  # the recorded status of earlier versions
    "doubtful": DOUBTFUL,
    "labelled": CURRENT | DOUBTFUL,  # every cluster that is not merged
    "all": frozenset(LABEL_STATUSES),
}
#: The keys a cluster's output record gains: its label on the date.
LABEL_FIELDS = ("label_status", "label_note")


class Label(NamedTuple):
    """The effective state of a cluster's label on a date, and a plain note."""

    status: str
    note: str

    @property
    def current(self) -> bool:
        return self.status in CURRENT

    @property
    def doubtful(self) -> bool:
        return self.status in DOUBTFUL


class Programme(NamedTuple):
    """The programme phase a dataset describes (its optional `programme` block)."""

    name: str | None
    phase: str | None
    start: dt.date | None
    end: dt.date | None
    next_note: str | None
    next_as_of: dt.date | None

    @property
    def title(self) -> str:
        """ "phase V" or "phase V of the pôles de compétitivité", for sentences."""
        if self.phase:
            return f"phase {self.phase}"
        return self.name or "the programme phase"

    def ended(self, on: dt.date) -> bool:
        return self.end is not None and self.end < on


def as_date(value: object) -> dt.date | None:
    """A date from a dataset value (a date, or an ISO string in cached data)."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _get(obj: object, key: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, Mapping):
        return obj.get(key)
    return getattr(obj, key, None)


def programme_of(header: object) -> Programme | None:
    """The `programme` block of a dataset header, or None when it has none."""
    block = _get(header, "programme")
    if not block:
        return None
    following = _get(block, "next_phase")
    phase = _get(block, "phase")
    return Programme(
        name=_get(block, "name"),
        phase=None if phase is None else str(phase),
        start=as_date(_get(block, "start")),
        end=as_date(_get(block, "end")),
        next_note=_get(following, "note"),
        next_as_of=as_date(_get(following, "as_of")),
    )


def label_of(
    status: str,
    on: dt.date,
    *,
    term_end: dt.date | None = None,
    status_as_of: dt.date | None = None,
    successor: str | None = None,
    programme: Programme | None = None,
) -> Label:
    """The effective label of one record on date `on`.

    - merged: never ranked; the note names the successor.
    - unconfirmed: no source confirms the label (whatever its term says).
    - active or probation: current while the term runs (the record's own
      `label_term_end`, else the programme's end); after it, lapsed. A renewal
      is recorded as a later `label_term_end`: a source that still described
      the cluster with that status after its term (`status_as_of`) is
      mentioned in the note, but does not renew the label.
    """
    if status == "merged":
        return Label("merged", f"merged into {successor}" if successor else "merged")
    end = term_end
    from_programme = False
    if end is None and programme is not None and programme.end is not None:
        end, from_programme = programme.end, True
    if status not in ("active", "probation"):  # unconfirmed, or a newer word
        if end is not None and end < on:
            return Label("unconfirmed", f"label not confirmed since {end}")
        return Label("unconfirmed", "label not confirmed by any source")
    probation = status == "probation"
    if end is None:
        note = "on probation" if probation else "labelled"
        return Label(status if probation else "current", f"{note}; no term recorded")
    if end >= on:
        what = "on probation, label" if probation else "labelled"
        phase = f" ({programme.title})" if from_programme and programme else ""
        return Label("probation" if probation else "current", f"{what} to {end}{phase}")
    note = f"label not confirmed since {end}"
    if programme is not None and programme.end == end and programme.ended(on):
        note += f", when {programme.title} ended"
    if status_as_of is not None and status_as_of > end:
        note += f" (last described as {status} on {status_as_of})"
    return Label("lapsed", note)


def cluster_label(
    cluster: ClusterRecord, on: dt.date, programme: Programme | None = None
) -> Label:
    """`label_of` for a dataset record (its plain JSON form holds every field)."""
    record = cluster.record
    return label_of(
        cluster.status,
        on,
        term_end=as_date(record.get("label_term_end")),
        status_as_of=as_date(record.get("status_as_of")),
        successor=cluster.successor,
        programme=programme,
    )


def with_label(record: Mapping[str, Any], label: Label) -> dict[str, Any]:
    """An output record with `label_status` and `label_note` after `status`
    (at the end when it has no `status`)."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        out[key] = value
        if key == "status":
            out["label_status"], out["label_note"] = label.status, label.note
    out.setdefault("label_status", label.status)
    out.setdefault("label_note", label.note)
    return out


def dataset_labels(dataset: Dataset, on: dt.date | None = None) -> dict[str, Label]:
    """Every cluster id -> its label on `on` (default: `dataset.today()`)."""
    when = on or today()
    programme = programme_of(dataset.info)
    return {c.id: cluster_label(c, when, programme) for c in dataset.clusters}


def resolve_statuses(values: Iterable[str]) -> frozenset[str]:
    """`--status` values (states and group names, any case) -> the states they
    select; an unknown value is a `UsageError` naming the valid ones."""
    out: set[str] = set()
    for value in values:
        key = value.strip().lower()
        if key in STATUS_GROUPS:
            out |= STATUS_GROUPS[key]
        elif key in LABEL_STATUSES:
            out.add(key)
        else:
            import difflib

            valid = list(dict.fromkeys([*LABEL_STATUSES, *STATUS_GROUPS]))
            close = difflib.get_close_matches(key, valid, n=3, cutoff=0.5)
            if close:
                hint = ", ".join(repr(c) for c in close)
                raise UsageError(f"unknown status '{value}' (did you mean {hint}?)")
            raise UsageError(f"unknown status '{value}' (valid: {', '.join(valid)})")
    return frozenset(out)


def phase_notice(dataset: Dataset, on: dt.date | None = None) -> str | None:
    """A warning when the dataset's programme phase has ended on `on` (or, with
    no programme block, when no cluster's label is current any more)."""
    when = on or today()
    programme = programme_of(dataset.info)
    if programme is not None and programme.ended(when):
        text = f"{programme.title} ended on {programme.end}"
        if programme.next_note:
            since = f" (as of {programme.next_as_of})" if programme.next_as_of else ""
            text += f"; {programme.next_note.rstrip('.')}{since}"
        else:
            text += "; this dataset records nothing about the next phase"
        return text
    labels = dataset_labels(dataset, when)
    ranked = [x for x in labels.values() if x.status != "merged"]
    if ranked and not any(x.current for x in ranked):
        return f"no cluster of this dataset has a label known to be current on {when}"
    return None
