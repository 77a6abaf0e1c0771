"""Finding, reading and checking a cluster dataset.

`load_dataset()` is what every command calls. It resolves the path (`--data`,
then `$CLUSTERCTL_DATA`, then the bundled copy), parses the YAML safely,
validates it with the pydantic models, then checks what the models cannot see
alone: unique ids, successors, sector ids against the taxonomy, region names
against the geography, coordinates inside France, dates. Every problem becomes
`FILE:LINE: path: message`.

Every start-up path imports this module (`--version` for `default_path`, a
cached `list` for `load_dataset`), and a cached dataset needs none of the
checks: the cache, YAML reading, the models, problems, the geography and the
taxonomy are imported inside the functions that use them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

from .errors import DataFileError
from .i18n import _, format_date
from .resources import data_file
from .text import compact, normalize
from .vocabulary import CURRENT_STATUSES

if TYPE_CHECKING:
    import datetime as dt

    from pydantic import BaseModel

    from .models import Cluster, ClusterFile, DatasetInfo
    from .problems import LineOf, Problem

#: A location in a dataset file: keys and list indexes from the top.
Loc = tuple[str | int, ...]


class Add(Protocol):
    """Records a problem at a location (`check_clusters`' collector)."""

    def __call__(self, loc: Loc, message: str, severity: str = ...) -> None: ...


ENV_DATA = "CLUSTERCTL_DATA"
_URL = r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:\d+)?([/?#]\S*)?$"
ENV_TODAY = "CLUSTERCTL_TODAY"


def default_path(data: str | None = None) -> str:
    """The dataset to read: `--data`, then `$CLUSTERCTL_DATA`, then the bundled file."""
    if data:
        return data
    env = os.environ.get(ENV_DATA)
    if env:
        return env
    return str(data_file("clusters.yaml"))


def today() -> dt.date:
    """Today's date, or `$CLUSTERCTL_TODAY` (YYYY-MM-DD) so that tests do not age."""
    import datetime as dt

    value = os.environ.get(ENV_TODAY)
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            text = _("{variable}={value!r} is not a date (expected YYYY-MM-DD)")
            raise DataFileError(text.format(variable=ENV_TODAY, value=value)) from None
    return dt.date.today()


# Plain classes with __slots__ rather than dataclasses: these are built on every
# start-up path, and defining dataclasses costs milliseconds at import time.


class Headquarters:
    __slots__ = ("city", "department", "lat", "lon")

    def __init__(
        self, city: str, department: str | None, lat: float, lon: float
    ) -> None:
        self.city, self.department, self.lat, self.lon = city, department, lat, lon


class ClusterRecord:
    """A validated cluster, as plain data: what every command works with.

    Built from the JSON form of the pydantic model, so that a cached dataset can
    be used without importing pydantic or YAML at all. `record` keeps every
    field in output order; the attributes are the fields code reads most.
    """

    __slots__ = (
        "absorbed",
        "aliases",
        "description",
        "former_names",
        "hq",
        "id",
        "keywords",
        "kind",
        "last_verified",
        "member_types",
        "naf",
        "name",
        "record",
        "regions",
        "sectors",
        "services",
        "status",
        "successor",
    )

    def __init__(self, r: dict[str, Any]) -> None:
        self.record = r
        self.id: str = r["id"]
        self.name: str = r["name"]
        self.aliases: tuple[str, ...] = tuple(r["aliases"])
        self.former_names: tuple[str, ...] = tuple(r["former_names"])
        #: names of the organisations it absorbed (each still finds the cluster)
        self.absorbed: tuple[str, ...] = tuple(
            a["name"] for a in r.get("absorbed") or ()
        )
        self.kind: str = r["kind"]
        self.status: str = r["status"]
        self.successor: str | None = r["successor"]
        self.regions: tuple[str, ...] = tuple(r["regions"])
        self.hq = Headquarters(**r["hq"])
        self.sectors: tuple[str, ...] = tuple(r["sectors"])
        self.keywords: tuple[str, ...] = tuple(r["keywords"])
        self.naf: tuple[str, ...] = tuple(r["naf"])
        self.description: str | None = r["description"]
        self.member_types = _optional(r.get("member_types"))
        self.services = _optional(r.get("services"))
        self.last_verified: str = r["last_verified"]

    def __repr__(self) -> str:
        return f"ClusterRecord({self.id!r})"


def _optional(values: list[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(values)


class DatasetHeader:
    __slots__ = ("date", "kinds", "licence", "programme", "title", "version")

    def __init__(
        self,
        version: str,
        date: str,
        title: str | None = None,
        licence: str | None = None,
        kinds: dict[str, dict[str, Any]] | None = None,
        programme: dict[str, Any] | None = None,
    ) -> None:
        self.version, self.date, self.title = version, date, title
        self.licence, self.kinds = licence, kinds or {}
        #: the labelling programme and phase (`models.Programme` as JSON), or None
        self.programme = programme


class Dataset:
    """A validated dataset, with the lookups commands need."""

    def __init__(
        self, info: DatasetHeader, clusters: tuple[ClusterRecord, ...], source: str
    ) -> None:
        self.info = info
        self.clusters = clusters
        self.source = source
        self._by_id = {c.id: c for c in clusters}

    @cached_property
    def names(self) -> dict[str, list[str]]:
        """Folded name -> cluster ids, built on first use (`list` never needs it).
        Ids and names come before aliases, aliases before former names, former
        names before absorbed organisations, so that "optitec" shows Optitec
        although SCS lists it as a former name."""
        names: dict[str, list[str]] = {}
        for rank in range(4):
            for cluster in self.clusters:
                for kind, name in _names_of(cluster):
                    if _NAME_RANK[kind] != rank:
                        continue
                    for key in {normalize(name), compact(name)}:
                        ids = names.setdefault(key, [])
                        if key and cluster.id not in ids:
                            ids.append(cluster.id)
        return names

    @classmethod
    def from_json(cls, data: dict[str, Any], source: str) -> Dataset:
        header = DatasetHeader(**data["dataset"])
        clusters = tuple(ClusterRecord(r) for r in data["clusters"])
        return cls(header, clusters, source)

    @property
    def by_id(self) -> dict[str, ClusterRecord]:
        return self._by_id

    def get(self, cluster_id: str) -> ClusterRecord | None:
        return self._by_id.get(cluster_id)

    def current(self) -> Iterator[ClusterRecord]:
        return (c for c in self.clusters if c.status in CURRENT_STATUSES)

    def find(self, text: str) -> list[ClusterRecord]:
        """Clusters whose id, name, alias, former name or absorbed organisation
        equals `text` once folded;
        when one is named by its id or name, only that one."""
        names = self.names
        ids = names.get(normalize(text)) or names.get(compact(text)) or []
        found = [self._by_id[i] for i in ids]
        key = normalize(text)
        exact = [c for c in found if key in (normalize(c.id), normalize(c.name))]
        return exact[:1] if exact else found

    def name_choices(self) -> dict[str, str]:
        """Every searchable name (normalised) -> cluster id, for fuzzy suggestions."""
        return {key: ids[0] for key, ids in self.names.items()}

    def known_member_types(self, cluster: ClusterRecord) -> list[str] | None:
        """The cluster's member types, or its kind's defaults; None when neither
        is recorded (unknown, which is not the same as none)."""
        return self._known(cluster, cluster.member_types, "member_types")

    def known_services(self, cluster: ClusterRecord) -> list[str] | None:
        """The cluster's services, or its kind's defaults; None when unknown."""
        return self._known(cluster, cluster.services, "services")

    def member_types(self, cluster: ClusterRecord) -> list[str]:
        """Like `known_member_types`, with unknown as an empty list."""
        return self.known_member_types(cluster) or []

    def services(self, cluster: ClusterRecord) -> list[str]:
        """Like `known_services`, with unknown as an empty list."""
        return self.known_services(cluster) or []

    def known_lists(
        self, cluster: ClusterRecord
    ) -> tuple[frozenset[str] | None, frozenset[str] | None]:
        """The cluster's member types and services as sets, None where nothing
        is recorded (an empty list is nothing recorded too): what matching and
        `--member-type` go by."""
        types = self.known_member_types(cluster)
        services = self.known_services(cluster)
        return (
            frozenset(types) if types else None,
            frozenset(services) if services else None,
        )

    def _known(
        self, cluster: ClusterRecord, own: tuple[str, ...] | None, key: str
    ) -> list[str] | None:
        if own is not None:
            return list(own)
        default = (self.info.kinds.get(cluster.kind) or {}).get(key)
        return None if default is None else list(default)


def _names_of(cluster: ClusterRecord) -> Iterator[tuple[str, str]]:
    yield "id", cluster.id
    yield "name", cluster.name
    for alias in cluster.aliases:
        yield "alias", alias
    for former in cluster.former_names:
        yield "former_name", former
    for absorbed in cluster.absorbed:
        yield "absorbed", absorbed


_NAME_RANK = {"id": 0, "name": 0, "alias": 1, "former_name": 2, "absorbed": 3}
#: Datasets already loaded by this process, by file identity (`_stamp`): a
#: library user switching between files keeps at most this many.
_LOADED: dict[str, Dataset] = {}
MAX_LOADED = 4


def load_dataset(path: str | None = None) -> Dataset:
    """Read and check a dataset; raise `DataFileError` listing its problems.

    A dataset that passed its checks once is read back from the cache (see
    `cache.py`) without parsing YAML or importing pydantic.
    """
    from .cache import cached

    source = default_path(path)
    stamp = _stamp(source)
    if stamp is not None and stamp in _LOADED:
        return _LOADED[stamp]
    # The checks depend on the date (nothing verified in the future): so does
    # the cached result.
    dataset = cached(
        source,
        "dataset",
        lambda: _validated_json(source),
        lambda data: Dataset.from_json(data, source),
        extra=today().isoformat(),
    )
    if stamp is not None:
        while len(_LOADED) >= MAX_LOADED:
            del _LOADED[next(iter(_LOADED))]
        _LOADED[stamp] = dataset
    return dataset


def _stamp(source: str) -> str | None:
    if source == "-":
        return None
    try:
        stat = os.stat(source)
    except OSError:
        return None
    return (
        f"{source}|{stat.st_ino}|{stat.st_mtime_ns}|{stat.st_ctime_ns}|{stat.st_size}"
        f"|{os.environ.get(ENV_TODAY)}"
    )


def _validated_json(source: str) -> dict[str, Any]:
    from .problems import ERROR, summarise

    model, problems = read_dataset(source)
    errors = [p for p in problems if p.severity == ERROR]
    if errors or model is None:
        lines = summarise(errors)
        raise DataFileError("\n".join(lines), problems=lines)
    return model.model_dump(mode="json")


def read_dataset(source: str) -> tuple[ClusterFile | None, list[Problem]]:
    """Parse and check a dataset file, returning the model and every problem."""
    from .yamlio import display_name, read_text

    label = display_name(source)
    return read_dataset_text(read_text(source, kind="dataset"), label)


def read_dataset_text(
    text: str, label: str
) -> tuple[ClusterFile | None, list[Problem]]:
    """Like `read_dataset`, for text already read (validate reads the file once).

    Records are validated one by one so that a bad record does not hide the
    problems of the others; checks across records then run on the good ones.
    """
    from pydantic import ValidationError

    from .models import Cluster, ClusterFile, DatasetInfo
    from .problems import ERROR, Problem, from_validation_error
    from .yamlio import LineFinder, parse

    raw = parse(text, label)
    lines = LineFinder(text)
    if raw is None:
        text = _("{file}: empty dataset (expected 'dataset:' and 'clusters:')")
        raise DataFileError(text.format(file=label))
    if not isinstance(raw, dict):
        text = _("expected a mapping with 'dataset:' and 'clusters:', got {kind}")
        raise DataFileError(f"{label}:1: " + text.format(kind=kind_words(raw)))
    problems: list[Problem] = []
    for key in raw:
        if key not in ("dataset", "clusters"):
            hint = _suggest_key(str(key), ())
            if hint:
                text = _("unknown field (did you mean '{field}'?)").format(field=hint)
            else:
                text = _("unknown field")
            problems.append(Problem(label, lines((key,)), str(key), text))
    header = None
    try:
        header = DatasetInfo.model_validate(raw.get("dataset"))
    except ValidationError as exc:
        problems += from_validation_error(exc, label, lines, ("dataset",), _suggest_key)
    items = raw.get("clusters")
    if not isinstance(items, list):
        if items is None:
            text = _("'clusters' is missing")
        else:
            text = _("'clusters' is {kind}, not a list").format(kind=kind_words(items))
        problems.append(Problem(label, lines(("clusters",)), "clusters", text))
        items = []
    good: list[tuple[int, Cluster]] = []
    for index, item in enumerate(items):
        try:
            good.append((index, Cluster.model_validate(item)))
        except ValidationError as exc:
            problems += from_validation_error(
                exc, label, lines, ("clusters", index), _suggest_key
            )
    if header is not None:
        problems += check_clusters(header, good, label, lines)
    if (
        header is None
        or len(good) != len(items)
        or (problems and any(p.severity == ERROR for p in problems))
    ):
        return None, problems
    return ClusterFile.model_construct(
        dataset=header, clusters=[c for _, c in good]
    ), problems


def type_name(value: object) -> str:
    """A YAML value's kind in a word (`list`)."""
    names = {
        list: "list",
        str: "string",
        int: "number",
        float: "number",
        bool: "boolean",
        dict: "mapping",
    }
    return names.get(type(value), type(value).__name__)


def kind_words(value: object) -> str:
    """A YAML value's kind for a sentence in the language in use (`a list`)."""
    names = {
        list: _("a list"),
        str: _("a string"),
        int: _("a number"),
        float: _("a number"),
        bool: _("a boolean"),
        dict: _("a mapping"),
    }
    return names.get(type(value)) or _("a {type}").format(type=type(value).__name__)


def _suggest_key(key: str, parent: Sequence[str | int]) -> str | None:
    import difflib

    from .models import (
        Absorbed,
        Cluster,
        ClusterFile,
        DatasetInfo,
        Headquarters,
        KindDefaults,
        Members,
        NextPhase,
        Programme,
    )

    header: dict[tuple[str, ...], type[BaseModel]] = {
        ("dataset",): DatasetInfo,
        ("dataset", "programme"): Programme,
        ("dataset", "programme", "next_phase"): NextPhase,
    }
    nested: dict[str, type[BaseModel]] = {"hq": Headquarters, "members": Members}
    path = tuple(str(p) for p in parent)
    model: type[BaseModel] | None = ClusterFile
    if path[:1] == ("dataset",):
        model = header.get(path)
        if model is None and path[:2] == ("dataset", "kinds") and len(path) == 3:
            model = KindDefaults
    elif len(parent) >= 2 and parent[0] == "clusters":
        model = nested.get(path[-1], Cluster)
        if len(path) >= 4 and path[-2] == "absorbed":
            model = Absorbed
    if model is None:
        return None
    close = difflib.get_close_matches(key, list(model.model_fields), n=1, cutoff=0.6)
    return close[0] if close else None


def check_clusters(
    header: DatasetInfo,
    clusters: Sequence[tuple[int, Cluster]],
    label: str,
    line_of: LineOf,
    *,
    when: dt.date | None = None,
) -> list[Problem]:
    """Checks across records and against the taxonomy and geography."""
    from . import geography
    from .problems import ERROR, WARNING, Problem
    from .taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    now = when or today()
    problems: list[Problem] = []

    def add(loc: tuple[str | int, ...], message: str, severity: str = ERROR) -> None:
        path = ".".join(str(p) for p in loc)
        problems.append(Problem(label, line_of(loc), path, message, severity))

    if header.date > now:
        text = _("date {date} is in the future").format(date=format_date(header.date))
        add(("dataset", "date"), text)
    for loc, url in _header_addresses(header):
        _check_weak(url, loc, add)
    seen: dict[str, int] = {}
    ids = {c.id for _, c in clusters}
    for i, cluster in clusters:
        here: tuple[str | int, ...] = ("clusters", i)
        if cluster.id in seen:
            text = _("duplicate id '{id}' (also item {item})")
            add((*here, "id"), text.format(id=cluster.id, item=seen[cluster.id]))
        seen.setdefault(cluster.id, i)
        if cluster.successor and cluster.successor not in ids:
            text = _("unknown cluster id '{id}'").format(id=cluster.successor)
            add((*here, "successor"), text)
        if cluster.successor == cluster.id:
            add((*here, "successor"), _("a cluster cannot succeed itself"))
        if cluster.status.value == "merged" and not cluster.successor:
            add((*here, "status"), _("a merged cluster needs a successor"))
        if cluster.successor and cluster.status.value != "merged":
            add((*here, "successor"), _("successor is set but status is not 'merged'"))
        if header.kinds and cluster.kind not in header.kinds:
            text = _("kind '{kind}' is not described in dataset.kinds")
            add((*here, "kind"), text.format(kind=cluster.kind), WARNING)
        for j, sector in enumerate(cluster.sectors):
            if sector not in taxonomy.sectors:
                text = _("unknown sector '{sector}'").format(sector=sector)
                hint = _hint(taxonomy.suggest(sector, 1))
                add((*here, "sectors", j), text + hint)
        for j, region in enumerate(cluster.regions):
            found = geography.resolve_region(region)
            if found is None:
                text = _("unknown region '{region}'").format(region=region)
                hint = _hint(geography.suggest_regions(region, 1))
                add((*here, "regions", j), text + hint)
            elif found.name != region:
                text = _("write the region as '{region}' (canonical name)")
                add((*here, "regions", j), text.format(region=found.name), WARNING)
        for j, url in enumerate(cluster.sources):
            if not re.match(_URL, url):
                text = _("not a web address: {address!r}").format(address=url)
                add((*here, "sources", j), text)
        for loc, url in _addresses(cluster):
            _check_weak(url, (*here, *loc), add)
        _check_members(cluster, here, add)
        _check_place(cluster, here, add)
        _check_dates(cluster, here, add, now)
    return problems


def _hint(close: Sequence[str]) -> str:
    """` (did you mean 'x'?)` for the first of `close`, or nothing."""
    if not close:
        return ""
    return _(" (did you mean {choices}?)").format(choices=f"'{close[0]}'")


def _addresses(cluster: Cluster) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every web address a record cites, with its location in the record."""
    if cluster.website:
        yield ("website",), cluster.website
    for j, url in enumerate(cluster.sources):
        yield ("sources", j), url
    if cluster.members and cluster.members.source:
        yield ("members", "source"), cluster.members.source
    if cluster.status_source:
        yield ("status_source",), cluster.status_source
    for j, absorbed in enumerate(cluster.absorbed):
        if absorbed.source:
            yield ("absorbed", j, "source"), absorbed.source


def _header_addresses(
    header: DatasetInfo,
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for kind, defaults in header.kinds.items():
        for j, url in enumerate(defaults.sources):
            yield ("dataset", "kinds", kind, "sources", j), url
    programme = header.programme
    if programme is None:
        return
    for j, url in enumerate(programme.sources):
        yield ("dataset", "programme", "sources", j), url
    if programme.next_phase:
        for j, url in enumerate(programme.next_phase.sources):
            yield ("dataset", "programme", "next_phase", "sources", j), url


def _check_weak(url: str, loc: Loc, add: Add) -> None:
    from .problems import WARNING
    from .sourcerules import host_of, weak_source

    rule = weak_source(url)
    if rule is not None:
        text = _(
            "weak source ({kind}: {why}): {host}; cite the cluster's own page, "
            "an official page or the press"
        )
        add(loc, text.format(kind=rule.kind, why=rule.why, host=host_of(url)), WARNING)


def _check_members(cluster: Cluster, here: Loc, add: Add) -> None:
    from .problems import WARNING

    members = cluster.members
    if members is None or members.count is None:
        return
    if members.source is None:
        add(
            (*here, "members"),
            _("member count without members.source (the page that publishes it)"),
            WARNING,
        )
    if members.as_of is None:
        add(
            (*here, "members"),
            _("member count without members.as_of (the year it refers to)"),
            WARNING,
        )


def _check_place(cluster: Cluster, here: Loc, add: Add) -> None:
    from . import geography

    hq = cluster.hq
    if not geography.in_france(hq.lat, hq.lon):
        text = _("coordinates {lat}, {lon} are not in France")
        add((*here, "hq"), text.format(lat=hq.lat, lon=hq.lon))
    if hq.department and geography.resolve_department(hq.department) is None:
        text = _("unknown département '{department}'")
        add((*here, "hq", "department"), text.format(department=hq.department))


def _check_dates(cluster: Cluster, here: Loc, add: Add, now: dt.date) -> None:
    from .problems import WARNING

    future = _("{date} is in the future")
    if cluster.last_verified > now:
        text = future.format(date=format_date(cluster.last_verified))
        add((*here, "last_verified"), text)
    if cluster.status_as_of and cluster.status_as_of > now:
        text = future.format(date=format_date(cluster.status_as_of))
        add((*here, "status_as_of"), text)
    if cluster.status_source and not cluster.status_as_of:
        add(
            (*here, "status_source"),
            _("status_source without status_as_of (the date of that source)"),
            WARNING,
        )
    members = cluster.members
    if members and members.as_of_date and members.as_of_date > now:
        text = future.format(date=format_date(members.as_of_date))
        add((*here, "members", "as_of_date"), text)
    end = cluster.label_term_end
    if end and end < now and cluster.status.value != "merged":
        text = _("label term ended on {date}; check whether '{name}' was renewed")
        add(
            (*here, "label_term_end"),
            text.format(date=format_date(end), name=cluster.name),
            WARNING,
        )
