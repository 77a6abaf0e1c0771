"""The closed vocabularies of a cluster record: member types, services, statuses,
confidence.

Defined once, here, with the standard library only: the pydantic models
(`models.py`) validate files against these enums, and the fast path (plain
records, filters, batch matching, messages) reads the same values without
importing pydantic. A new value is added here and nowhere else.
"""

from __future__ import annotations

from enum import StrEnum


class MemberType(StrEnum):
    """Kinds of organisation a cluster admits, and a company's own kind (`size`)."""

    startup = "startup"
    sme = "sme"
    midcap = "midcap"
    large = "large"
    research = "research"
    academic = "academic"
    public = "public"


class Service(StrEnum):
    """What a cluster offers; a company's `looking_for` uses the same words."""

    rd_projects = "rd-projects"
    funding = "funding"
    coaching = "coaching"
    europe = "europe"
    export = "export"
    training = "training"
    events = "events"


class Status(StrEnum):
    """Label status: `merged` records are kept so old names lead to their successor."""

    active = "active"
    probation = "probation"
    merged = "merged"
    unconfirmed = "unconfirmed"


class Confidence(StrEnum):
    # No docstring: it would become the enum's description in `clusterctl schema`.
    high = "high"
    medium = "medium"
    low = "low"


#: The values as plain strings, in their documented order.
MEMBER_TYPES: tuple[str, ...] = tuple(m.value for m in MemberType)
SERVICES: tuple[str, ...] = tuple(s.value for s in Service)
STATUSES: tuple[str, ...] = tuple(s.value for s in Status)
#: Recorded statuses of a cluster that still exists as such (not merged).
CURRENT_STATUSES: tuple[str, ...] = tuple(s for s in STATUSES if s != Status.merged)
