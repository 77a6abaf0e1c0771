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
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from .i18n import _

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
NAF_PATTERN = r"^\d{2}(\.\d{1,2}[A-Z]?)?$"

# The vocabularies. `vocabulary.py` holds their values as plain tuples for the
# code that runs without pydantic; tests/test_models.py checks that both agree.


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
        text = _("contains a control character ({character!r}); remove it")
        raise ValueError(text.format(character=found.group()))
    return value


Text = Annotated[str, AfterValidator(_no_control)]

#: A web address as datasets cite them: http(s), a dotted host name, no spaces.
URL_PATTERN = r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:\d+)?([/?#]\S*)?$"
_URL = re.compile(URL_PATTERN)


def _web_address(value: str) -> str:
    _no_control(value)
    if not _URL.match(value):
        raise ValueError(_("not a web address: {address!r}").format(address=value))
    return value


WebAddress = Annotated[
    str,
    AfterValidator(_web_address),
    WithJsonSchema({"type": "string", "format": "uri", "pattern": URL_PATTERN}),
]


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


_YEAR_OR_DATE = WithJsonSchema(
    {
        "anyOf": [
            {"type": "integer", "minimum": 1900, "maximum": 2100},
            {"type": "string", "format": "date"},
            {"type": "null"},
        ]
    }
)


class Members(Strict):
    """How many members a cluster has, and where and when that figure was published."""

    count: int | None = Field(
        default=None, ge=0, description="Number of members (adhérents) published."
    )
    as_of: Annotated[int | None, _YEAR_OR_DATE] = Field(
        default=None,
        ge=1900,
        le=2100,
        description="Year the count refers to. A full date (YYYY-MM-DD) is also "
        "accepted: it sets `as_of_date` and this year.",
    )
    as_of_date: dt.date | None = Field(
        default=None,
        description="Exact date of the count when the source gives one (its year "
        "is `as_of`).",
    )
    source: WebAddress | None = Field(
        default=None, description="Web address of the page that publishes the count."
    )
    note: Text | None = Field(
        default=None, description="Caveats: rounding, other figures, what is counted."
    )

    @model_validator(mode="before")
    @classmethod
    def _date_sets_year(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        as_of = value.get("as_of")
        if isinstance(as_of, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of):
            try:
                as_of = dt.date.fromisoformat(as_of)
            except ValueError:
                return value  # the field check reports it
        if isinstance(as_of, dt.date):
            if value.get("as_of_date") not in (None, as_of):
                raise ValueError(_("as_of and as_of_date give different dates"))
            return {**value, "as_of": as_of.year, "as_of_date": as_of}
        exact = value.get("as_of_date")
        if as_of is None and isinstance(exact, dt.date):
            return {**value, "as_of": exact.year}
        return value

    @model_validator(mode="after")
    def _same_year(self) -> Members:
        if self.as_of_date is not None and self.as_of != self.as_of_date.year:
            text = _("as_of ({year}) is not the year of as_of_date ({date})")
            raise ValueError(text.format(year=self.as_of, date=self.as_of_date))
        return self


class Absorbed(Strict):
    """An organisation the cluster took over: its name still finds the cluster."""

    name: Text = Field(min_length=1, max_length=200, description="Its name.")
    year: int | None = Field(
        default=None, ge=1900, le=2100, description="Year it was absorbed."
    )
    source: WebAddress | None = Field(
        default=None, description="Web address of a page reporting the absorption."
    )
    note: Text | None = Field(default=None, description="What it was, caveats.")


class KindDefaults(Strict):
    """Defaults shared by every record of a kind.

    `member_types` and `services` left out (or null) mean unknown: a record
    without its own lists then has none known."""

    label: Text
    member_types: list[MemberType] | None = None
    services: list[Service] | None = None
    sources: list[WebAddress] = []


class NextPhase(Strict):
    """What is known of the programme's next phase, and when it was last checked."""

    note: Text = Field(
        min_length=1, description="What public sources say of the next phase."
    )
    note_fr: Text | None = Field(
        default=None, description="The same note in French, shown in French output."
    )
    as_of: dt.date = Field(description="Date this was last checked.")
    sources: list[WebAddress] = Field(
        default=[], description="Web addresses that support the note."
    )


class Programme(Strict):
    """The labelling programme the dataset describes (for the pôles: one phase)."""

    name: Text = Field(min_length=1, description="Name of the programme.")
    phase: Text | None = Field(
        default=None, description="The phase the dataset describes (e.g. 'V')."
    )
    start: dt.date | None = Field(default=None, description="First day of the phase.")
    end: dt.date | None = Field(
        default=None, description="Last day of the phase (labels end with it)."
    )
    next_phase: NextPhase | None = Field(
        default=None, description="What is known of the next phase."
    )
    notes: Text | None = Field(
        default=None, description="Other facts about the programme (funding...)."
    )
    sources: list[WebAddress] = Field(
        default=[], description="Web addresses supporting these facts."
    )

    @model_validator(mode="after")
    def _start_before_end(self) -> Programme:
        if self.start and self.end and self.start > self.end:
            text = _("start ({start}) is after end ({end})")
            raise ValueError(text.format(start=self.start, end=self.end))
        return self


KindName = Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]


class DatasetInfo(Strict):
    version: Text = Field(min_length=1, max_length=100)
    date: dt.date
    title: Text | None = Field(default=None, max_length=300)
    licence: Text | None = Field(default=None, max_length=100)
    kinds: dict[KindName, KindDefaults] = {}
    programme: Programme | None = Field(
        default=None,
        description="The labelling programme and phase the dataset describes, "
        "with what is known of the next phase.",
    )


class Cluster(Strict):
    """One cluster record. Field names are the output keys users script against."""

    id: str = Field(
        pattern=ID_PATTERN,
        max_length=80,
        description="Stable identifier: lowercase ASCII, digits and hyphens. It "
        "does not change when the cluster is renamed.",
    )
    name: Text = Field(min_length=1, max_length=200, description="Current name.")
    aliases: StrList = Field(
        default=[], description="Other current spellings and long forms of the name."
    )
    former_names: StrList = Field(
        default=[], description="Names the cluster itself used before."
    )
    absorbed: Annotated[list[Absorbed], BeforeValidator(_none_to_empty)] = Field(
        default=[],
        description="Organisations the cluster took over (other clusters, "
        "associations); searching their names finds the cluster.",
    )
    kind: str = Field(
        default="pole_de_competitivite",
        pattern=r"^[a-z0-9_]+$",
        description="Kind of cluster, described in the header's `kinds`.",
    )
    status: Status = Field(
        default=Status.active,
        description="Label status as recorded: active, probation (a shorter "
        "conditional term), merged (see successor) or unconfirmed (no source "
        "says what became of it).",
    )
    status_as_of: dt.date | None = Field(
        default=None,
        description="Date of the latest source confirming the recorded status "
        "(a decision, a list, the cluster's own statement).",
    )
    status_source: WebAddress | None = Field(
        default=None, description="Web address of that source."
    )
    label_term_end: dt.date | None = Field(
        default=None, description="Last day of the label term known from sources."
    )
    successor: str | None = Field(
        default=None,
        pattern=ID_PATTERN,
        description="Id of the cluster a merged cluster became part of.",
    )
    regions: StrList = Field(
        min_length=1,
        description="Regions it covers, canonical names, head-office region first.",
    )
    hq: Headquarters = Field(description="Head office.")
    sectors: StrList = Field(default=[], description="Sector ids of the taxonomy.")
    keywords: StrList = Field(
        default=[], description="Themes, in English and French, for search and text."
    )
    naf: list[Annotated[str, Field(pattern=NAF_PATTERN)]] = Field(
        default=[], description="Typical NAF rev. 2 codes of its member companies."
    )
    website: WebAddress | None = Field(default=None, description="Its web site.")
    website_verified: bool = Field(
        default=False,
        description="True when a page of the cluster or the press confirms the "
        "web site's domain.",
    )
    founded: int | None = Field(
        default=None,
        ge=1800,
        le=2100,
        description="Year first labelled, or of the merger that made it.",
    )
    members: Members | None = Field(
        default=None, description="Member count, with its date and source."
    )
    member_types: list[MemberType] | None = Field(
        default=None,
        description="Kinds of members it admits, from its own pages; null when "
        "unknown.",
    )
    services: list[Service] | None = Field(
        default=None,
        description="What it offers its members, from its own pages; null when "
        "unknown.",
    )
    programmes: StrList = Field(
        default=[], description="Funding programmes it takes part in."
    )
    confidence: Confidence | None = Field(
        default=None, description="How sure the record's facts are overall."
    )
    notes: Text | None = Field(
        default=None, description="Caveats, and what stays unconfirmed."
    )
    description: Text | None = Field(default=None, description="A short profile.")
    sources: StrList = Field(
        min_length=1, description="Web addresses of the sources of the record."
    )
    last_verified: dt.date = Field(
        description="When the record's facts were last checked against sources."
    )

    @field_validator("naf", mode="before")
    @classmethod
    def _naf_as_strings(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [str(v) if isinstance(v, int | float) else v for v in value]
        return _none_to_empty(value)

    @model_validator(mode="after")
    def _successor_only_when_merged(self) -> Cluster:
        if self.successor and self.status is not Status.merged:
            raise ValueError(_("successor is set but status is not 'merged'"))
        if self.status is Status.merged and not self.successor:
            raise ValueError(_("a merged cluster needs a successor"))
        return self


class ClusterFile(Strict):
    """A whole dataset file: header and records.

    Checks across records (unique ids, successors) and against the taxonomy and
    geography are in `dataset.check_clusters`, which can point at the exact line.
    """

    dataset: DatasetInfo
    clusters: list[Cluster]


# ------------------------------------------------------------ sector taxonomy


def _code_as_text(value: Any) -> Any:
    """`code: 62` (a bare number in YAML) is the NAF division "62"."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


class Ecosystem(Strict):
    """An industrial ecosystem of the European Commission."""

    id: str = Field(pattern=ID_PATTERN, max_length=80)
    name: Text = Field(min_length=1, max_length=200)
    name_fr: Text | None = Field(
        default=None,
        max_length=200,
        description="The name in French (this file's own translation).",
    )
    source: WebAddress | None = None


class Terms(Strict):
    """Words in English and French."""

    en: StrList = []
    fr: StrList = []


class SectorNaf(Strict):
    """A NAF rev. 2 code (division, group, class or sub-class) of a sector."""

    code: Annotated[str, BeforeValidator(_code_as_text)] = Field(pattern=NAF_PATTERN)
    note: Text = ""


class SectorEntry(Strict):
    """One sector of the taxonomy (data/sectors.yaml)."""

    id: str = Field(pattern=ID_PATTERN, max_length=80)
    parent: str | None = Field(default=None, pattern=ID_PATTERN)
    label_en: Text = Field(min_length=1, max_length=200)
    label_fr: Text = Field(min_length=1, max_length=200)
    ecosystem: str | None = Field(default=None, pattern=ID_PATTERN)
    synonyms: Terms | None = Field(
        default=None, description="Words and phrases that signal the sector."
    )
    words: Terms | None = Field(
        default=None,
        description="Everyday words that name the sector when typed alone, but "
        "are not looked for in prose.",
    )
    naf: Annotated[list[SectorNaf], BeforeValidator(_none_to_empty)] = []


class TaxonomyFile(Strict):
    """The whole taxonomy file. Checks across sectors (unique ids, parents and
    ecosystems that exist, no cycle) are in `sectorfile.check_sectors`, which can
    point at the exact line."""

    version: int = Field(ge=1)
    ecosystems: Annotated[list[Ecosystem], BeforeValidator(_none_to_empty)] = []
    sectors: list[SectorEntry] = Field(min_length=1)


# ------------------------------------------------------------ company profiles


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


def _lower(value: Any) -> Any:
    """`size: SME` is `sme`: registers write sizes in capitals."""
    return value.strip().lower() if isinstance(value, str) else value


#: Longest item of a profile's lists (sectors, keywords, naf, looking_for).
MAX_LIST_ITEM = 500
#: Longest place given as free text (`location: "Lyon 7e"`).
MAX_PLACE_TEXT = 300

#: Most items in one of those lists: more describes no company, and each
#: unknown item costs a search for suggestions.
MAX_LIST_ITEMS = 100

FreeList = Annotated[
    list[Annotated[Text, Field(max_length=MAX_LIST_ITEM)]],
    Field(max_length=MAX_LIST_ITEMS),
    BeforeValidator(_as_list),
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


LocationInput = Annotated[Text, Field(max_length=MAX_PLACE_TEXT)] | Location


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
        Field(max_length=MAX_LIST_ITEMS),
        BeforeValidator(_as_list),
    ] = []
    size: Annotated[MemberType | None, BeforeValidator(_lower)] = None
    employees: int | None = Field(default=None, ge=0)
    looking_for: FreeList = []

    @model_validator(mode="after")
    def _enough_to_match(self, info: ValidationInfo) -> Profile:
        if info.context is PART_OF_PROFILE:
            return self
        problem = missing_to_match(
            bool(self.name or self.siren or self.siret),
            bool(self.description or self.sectors or self.keywords or self.naf),
        )
        if problem:
            raise ValueError(problem)
        return self


#: Validation context for some fields of a profile checked on their own (the
#: batch checks each distinct value of a register column once): the fields'
#: rules apply, the rule on the whole (`missing_to_match`) is checked apart.
PART_OF_PROFILE: dict[str, bool] = {"part": True}


def missing_to_match(identified: bool, described: bool) -> str | None:
    """Why a company cannot be matched, or None: it needs a name (or a siren or
    siret) and something that tells its trade (description, sectors, keywords
    or NAF code). The one rule for profiles and every register row."""
    if not identified:
        return _("a profile needs a name (or a siren or siret)")
    if not described:
        return _("a profile needs at least one of description, sectors, keywords, naf")
    return None


#: The documents `clusterctl schema NAME` describes.
SCHEMAS: dict[str, type[Strict]] = {
    "cluster": Cluster,
    "dataset": ClusterFile,
    "profile": Profile,
}


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a document of `SCHEMAS`."""
    doc = SCHEMAS[name].model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc.setdefault("title", name)
    return doc
