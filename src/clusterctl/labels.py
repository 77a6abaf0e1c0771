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
from .i18n import _, format_date, join_clauses, language, pgettext

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
        """ "phase V", or the programme's name, for sentences (in the language in
        use)."""
        if self.phase:
            return _("phase {phase}").format(phase=self.phase)
        return self.name or _("the programme phase")

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
        next_note=_get(following, f"note_{language()}") or _get(following, "note"),
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
        if successor:
            return Label(
                "merged", _("merged into {successor}").format(successor=successor)
            )
        return Label("merged", _("merged"))
    end = term_end
    from_programme = False
    if end is None and programme is not None and programme.end is not None:
        end, from_programme = programme.end, True
    if status not in ("active", "probation"):  # unconfirmed, or a newer word
        if end is not None and end < on:
            note = _("label not confirmed since {date}")
            return Label("unconfirmed", note.format(date=format_date(end)))
        return Label("unconfirmed", _("label not confirmed by any source"))
    probation = status == "probation"
    state = "probation" if probation else "current"
    if end is None:
        if probation:
            return Label(state, _("on probation; no term recorded"))
        return Label(state, _("labelled; no term recorded"))
    if end >= on:
        date = format_date(end)
        if from_programme and programme:
            if probation:
                note = _("on probation, label to {date} ({phase})")
            else:
                note = _("labelled to {date} ({phase})")
            return Label(state, note.format(date=date, phase=programme.title))
        if probation:
            return Label(state, _("on probation, label to {date}").format(date=date))
        return Label(state, _("labelled to {date}").format(date=date))
    if programme is not None and programme.end == end and programme.ended(on):
        note = _("label not confirmed since {date}, when {phase} ended").format(
            date=format_date(end), phase=programme.title
        )
    else:
        note = _("label not confirmed since {date}").format(date=format_date(end))
    if status_as_of is not None and status_as_of > end:
        if probation:
            last = _("{note} (last described as on probation on {date})")
        else:
            last = _("{note} (last described as active on {date})")
        note = last.format(note=note, date=format_date(status_as_of))
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


def status_text(status: str) -> str:
    """A recorded status or a label state (`lapsed`) in words, in the language
    in use; the value itself in English. Output records keep the value."""
    words = {
        "active": pgettext("label status", "active"),
        "probation": pgettext("label status", "probation"),
        "merged": pgettext("label status", "merged"),
        "unconfirmed": pgettext("label status", "unconfirmed"),
        "current": pgettext("label status", "current"),
        "lapsed": pgettext("label status", "lapsed"),
    }
    return words.get(status, status)


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
                message = _("unknown status '{value}' (did you mean {choices}?)")
                raise UsageError(message.format(value=value, choices=hint))
            message = _("unknown status '{value}' (valid: {choices})")
            raise UsageError(message.format(value=value, choices=", ".join(valid)))
    return frozenset(out)


def phase_notice(dataset: Dataset, on: dt.date | None = None) -> str | None:
    """A warning when the dataset's programme phase has ended on `on` (or, with
    no programme block, when no cluster's label is current any more)."""
    when = on or today()
    programme = programme_of(dataset.info)
    if programme is not None and programme.ended(when):
        ended = _("{phase} ended on {date}").format(
            phase=programme.title, date=format_date(programme.end)
        )
        if not programme.next_note:
            nothing = _("this dataset records nothing about the next phase")
            return join_clauses((ended, nothing))
        following = programme.next_note.rstrip(".")  # the dataset's own words
        if following[1:2].islower():  # it continues the sentence after ';'
            following = following[0].lower() + following[1:]
        if programme.next_as_of:
            following = _("{note} (as of {date})").format(
                note=following, date=format_date(programme.next_as_of)
            )
        return join_clauses((ended, following))
    labels = dataset_labels(dataset, when)
    ranked = [x for x in labels.values() if x.status != "merged"]
    if ranked and not any(x.current for x in ranked):
        message = _(
            "no cluster of this dataset has a label known to be current on {date}"
        )
        return message.format(date=format_date(when))
    return None
