"""The closed vocabularies of a cluster record, as plain tuples: member types,
services, statuses, confidence.

The pydantic models define them (`models.MemberType`, `models.Service`,
`models.Status`, `models.Confidence`); these are their values for the code that
runs without pydantic (plain records, filters, batch matching, messages), so
that listing clusters does not pay for the models. tests/test_models.py fails
when a value is added to one and not the other. Nothing else in the code spells
these values out.
"""

from __future__ import annotations

MEMBER_TYPES = ("startup", "sme", "midcap", "large", "research", "academic", "public")
SERVICES = (
    "rd-projects",
    "funding",
    "coaching",
    "europe",
    "export",
    "training",
    "events",
)
STATUSES = ("active", "probation", "merged", "unconfirmed")
CONFIDENCES = ("high", "medium", "low")

#: Recorded statuses of a cluster that still exists as such (not merged).
CURRENT_STATUSES = ("active", "probation", "unconfirmed")
#: The recorded status of a cluster that became part of another.
MERGED = "merged"
