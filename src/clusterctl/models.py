"""pydantic models of the dataset and of company profiles.

Every model is frozen and forbids unknown keys, so a typo in a YAML file is an
error with a line number rather than a silently ignored field. Checks that need
the taxonomy or geography (known sector ids, canonical region names) live in
`dataset.py`; checks across records (unique ids, successors) live here.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
NAF_PATTERN = r"^\d{2}(\.\d{1,2}[A-Z]?)?$"


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
    high = "high"
    medium = "medium"
    low = "low"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _no_control(value: str) -> str:
    """Control characters (NUL, ESC...) have no place in a name or a keyword, and
    would reach terminals and files downstream."""
    found = _CONTROL.search(value)
    if found:
        raise ValueError(f"contains a control character ({found.group()!r}); remove it")
    return value


Text = Annotated[str, AfterValidator(_no_control)]


def _none_to_empty(value: Any) -> Any:
    """`aliases:` with no value reads as None in YAML; treat it as an empty list."""
    return [] if value is None else value


StrList = Annotated[
    list[Annotated[Text, Field(min_length=1)]], BeforeValidator(_none_to_empty)
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Headquarters(Strict):
    city: Text = Field(min_length=1)
    department: str | None = Field(default=None, pattern=r"^(\d{2}|2[AB]|97\d)$")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Members(Strict):
    count: int | None = Field(default=None, ge=0)
    as_of: int | None = Field(default=None, ge=1900, le=2100)
    note: Text | None = None


class KindDefaults(Strict):
    """Defaults shared by every record of a kind (what the policy says of all pôles)."""

    label: str
    member_types: list[MemberType] = []
    services: list[Service] = []
    sources: StrList = []


class DatasetInfo(Strict):
    version: str = Field(min_length=1)
    date: dt.date
    title: str | None = None
    licence: str | None = None
    kinds: dict[str, KindDefaults] = {}


class Cluster(Strict):
    """One cluster record. Field names are the output keys users script against."""

    id: str = Field(pattern=ID_PATTERN, max_length=80)
    name: Text = Field(min_length=1, max_length=200)
    aliases: StrList = []
    former_names: StrList = []
    kind: str = Field(default="pole_de_competitivite", pattern=r"^[a-z0-9_]+$")
    status: Status = Status.active
    label_term_end: dt.date | None = None
    successor: str | None = Field(default=None, pattern=ID_PATTERN)
    regions: StrList = Field(min_length=1)
    hq: Headquarters
    sectors: StrList = []
    keywords: StrList = []
    naf: list[Annotated[str, Field(pattern=NAF_PATTERN)]] = []
    website: str | None = Field(default=None, pattern=r"^https?://[^\s/$.?#][^\s]*$")
    website_verified: bool = False
    founded: int | None = Field(default=None, ge=1800, le=2100)
    members: Members | None = None
    member_types: list[MemberType] | None = None
    services: list[Service] | None = None
    programmes: StrList = []
    confidence: Confidence | None = None
    notes: Text | None = None
    description: Text | None = None
    sources: StrList = Field(min_length=1)
    last_verified: dt.date

    @field_validator("naf", mode="before")
    @classmethod
    def _naf_as_strings(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [str(v) if isinstance(v, int | float) else v for v in value]
        return _none_to_empty(value)

    @model_validator(mode="after")
    def _successor_only_when_merged(self) -> Cluster:
        if self.successor and self.status is not Status.merged:
            raise ValueError("successor is set but status is not 'merged'")
        if self.status is Status.merged and not self.successor:
            raise ValueError("a merged cluster needs a successor")
        return self


class ClusterFile(Strict):
    """A whole dataset file: header and records.

    Checks across records (unique ids, successors) and against the taxonomy and
    geography are in `dataset.check_clusters`, which can point at the exact line.
    """

    dataset: DatasetInfo
    clusters: list[Cluster]


def _as_list(value: Any) -> Any:
    """A profile may give one value or a list: `naf: "30.30Z"` or `naf: [...]`."""
    if value is None:
        return []
    if isinstance(value, str | int | float | dict):
        return [value]
    return value


def _as_code(width: int) -> Any:
    """A code written as a bare number (`postal_code: 31000`, `department: 6`)
    becomes text, zero-padded to the code's usual width. (Numbers with a leading
    zero, such as `06000`, are kept as text by the YAML loader itself.)"""

    def convert(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            return value
        return f"{value:0{width}d}"

    return convert


def _as_place(value: Any) -> Any:
    """`location: 75` is a département, `location: 971` an overseas one and
    `location: 31000` a postal code."""
    if isinstance(value, bool) or not isinstance(value, int):
        return value
    return (
        f"{value:02d}"
        if value < 100
        else str(value)
        if value < 1000
        else (f"{value:05d}")
    )


FreeList = Annotated[
    list[Annotated[Text, Field(max_length=500)]], BeforeValidator(_as_list)
]
Code = Annotated[str | None, BeforeValidator(_as_code(5))]
Department = Annotated[str | None, BeforeValidator(_as_code(2))]
Identifier = Annotated[str | None, BeforeValidator(_as_code(1))]


class Location(Strict):
    """A site given field by field; any subset is enough to place it."""

    city: Text | None = Field(default=None, max_length=200)
    postal_code: Code = Field(default=None, max_length=40)
    insee_code: Code = Field(default=None, max_length=10)
    department: Department = Field(default=None, max_length=60)
    region: Text | None = Field(default=None, max_length=100)


LocationInput = Annotated[Text, Field(max_length=300)] | Location


class Profile(Strict):
    """A company as a user describes it (`clusterctl init` writes a template)."""

    name: Text | None = Field(default=None, max_length=300)
    siren: Identifier = Field(default=None, max_length=20)
    siret: Identifier = Field(default=None, max_length=20)
    description: Text | None = Field(default=None, max_length=20000)
    sectors: FreeList = []
    keywords: FreeList = []
    naf: FreeList = []
    location: Annotated[LocationInput | None, BeforeValidator(_as_place)] = None
    locations: Annotated[
        list[Annotated[LocationInput, BeforeValidator(_as_place)]],
        BeforeValidator(_as_list),
    ] = []
    size: MemberType | None = None
    employees: int | None = Field(default=None, ge=0)
    looking_for: FreeList = []

    @model_validator(mode="after")
    def _enough_to_match(self) -> Profile:
        if not (self.name or self.siren or self.siret):
            raise ValueError("a profile needs a name (or a siren or siret)")
        if not (self.description or self.sectors or self.keywords or self.naf):
            raise ValueError(
                "a profile needs at least one of description, sectors, keywords, naf"
            )
        return self
