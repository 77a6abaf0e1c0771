"""The values of the closed vocabularies that the code reads without pydantic.

The pydantic models define the vocabularies (`models.MemberType`,
`models.Service`, `models.Status`, `models.Confidence`); the plain code that
lists and filters clusters, and reads company registers, must not pay for the
models at start-up, so it takes the values it needs from here.
tests/test_models.py fails when these and the models differ.
"""

from __future__ import annotations

#: `models.MemberType`: kinds of organisation a cluster admits, a company's size.
MEMBER_TYPES = ("startup", "sme", "midcap", "large", "research", "academic", "public")
#: `models.Status` but merged: recorded statuses of a cluster that still exists.
CURRENT_STATUSES = ("active", "probation", "unconfirmed")
