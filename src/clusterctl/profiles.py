"""Company profiles: read, validate and resolve them into matchable facts.

A profile is written by a person (YAML or JSON, see `clusterctl init`), so
reading it is strict about structure (unknown keys are errors with a
did-you-mean) and lenient about values: a sector word, NAF code or place that
cannot be resolved is a warning, and that criterion is left out.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import ProfileError
from .problems import WARNING, Problem, from_validation_error, summarise
from .text import content_words, normalize

if TYPE_CHECKING:
    from .geography import Place
    from .models import Location, Profile
    from .naf import NafEntry
    from .taxonomy import Taxonomy

#: Weight of a sector found in each part of a profile (explicit sectors count most).
EVIDENCE_WEIGHTS = {"sectors": 1.0, "naf": 0.9, "keywords": 0.8, "description": 0.5}
#: Weight of a word in the text criterion, by where the company wrote it.
TOKEN_WEIGHTS = {"keywords": 1.0, "sectors": 1.0, "description": 0.6}

LOOKING_FOR = {
    "rd-projects": (
        "r d",
        "rd",
        "r d partners",
        "research partners",
        "partners",
        "collaborative projects",
        "collaborative r d",
        "innovation projects",
        "rd projects",
        "projets collaboratifs",
        "partenaires",
        "partenaires r d",
        "projets r d",
        "projets d innovation",
        "research",
    ),
    "funding": (
        "funding",
        "financing",
        "finance",
        "grants",
        "subsidies",
        "investors",
        "fundraising",
        "funding applications",
        "public funding",
        "financement",
        "financements",
        "subventions",
        "levee de fonds",
        "investisseurs",
        "france 2030",
        "bpifrance",
    ),
    "coaching": (
        "coaching",
        "mentoring",
        "growth",
        "business support",
        "acceleration",
        "accelerator",
        "support",
        "accompagnement",
        "croissance",
        "conseil",
        "advice",
    ),
    "europe": (
        "europe",
        "eu",
        "eu projects",
        "european projects",
        "horizon europe",
        "eu funding",
        "projets europeens",
        "europeen",
    ),
    "export": (
        "export",
        "international",
        "internationalisation",
        "internationalization",
        "trade fairs",
        "trade shows",
        "salons",
        "new markets",
        "markets",
        "marches",
        "marches etrangers",
    ),
    "training": (
        "training",
        "skills",
        "recruitment",
        "talent",
        "hiring",
        "formation",
        "competences",
        "recrutement",
    ),
    "events": (
        "events",
        "networking",
        "network",
        "visibility",
        "business meetings",
        "meetups",
        "evenements",
        "reseau",
        "reseautage",
        "rencontres",
        "visibilite",
    ),
}
_LOOKING_FOR_INDEX = {
    normalize(w): key for key, words in LOOKING_FOR.items() for w in (key, *words)
}


@dataclass(frozen=True, slots=True)
class Warning:
    code: str
    text: str


@dataclass
class Company:
    """A profile resolved against the taxonomy, the NAF table and the gazetteer."""

    name: str | None
    siren: str | None = None
    siret: str | None = None
    description: str | None = None
    keywords: list[str] = field(default_factory=list)
    sectors_given: list[str] = field(default_factory=list)
    sectors_resolved: dict[str, list[str]] = field(default_factory=dict)
    evidence: dict[str, tuple[float, str, str]] = field(default_factory=dict)
    naf: list[NafEntry] = field(default_factory=list)
    naf_given: list[str] = field(default_factory=list)
    tokens: dict[str, float] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)
    size: str | None = None
    size_from: str | None = None
    looking_for: list[str] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    line: int | None = None

    def warn(self, code: str, text: str) -> None:
        self.warnings.append(Warning(code, text))

    def add_evidence(self, sector: str, source: str, term: str) -> None:
        """Keep, per sector, the strongest evidence (so repeats add nothing)."""
        weight = EVIDENCE_WEIGHTS[source]
        if sector not in self.evidence or weight > self.evidence[sector][0]:
            self.evidence[sector] = (weight, source, term)


# ----------------------------------------------------------------- reading
def read_profile(source: str, *, encoding: str = "utf-8") -> Profile:
    """Read and validate one profile file; every problem is reported with its line."""
    from .yamlio import display_name, read_text

    label = display_name(source)
    text = read_text(source, encoding=encoding, kind="profile")
    profile, problems = parse_profile_text(text, label)
    if profile is None:
        lines = summarise(problems)
        raise ProfileError("\n".join(lines), problems=lines)
    return profile


def parse_profile_text(text: str, label: str) -> tuple[Profile | None, list[Problem]]:
    from pydantic import ValidationError

    from .models import Profile
    from .yamlio import LineFinder, parse

    raw = parse(text, label)
    if raw is None:
        raise ProfileError(
            f"{label}: empty profile (see 'clusterctl init' for a template)"
        )
    if not isinstance(raw, dict):
        from .dataset import type_name

        kind = type_name(raw)
        raise ProfileError(
            f"{label}:1: a profile is a mapping of fields (name, sectors, location, "
            "...), "
            f"not a {kind}"
        )
    try:
        return Profile.model_validate(raw), []
    except ValidationError as exc:
        return None, from_validation_error(
            exc, label, LineFinder(text), suggest=_suggest
        )


def _suggest(key: str, parent: Sequence[str | int]) -> str | None:
    import difflib

    from .models import Location, Profile

    model: Any = (
        Location if parent and parent[0] in ("location", "locations") else Profile
    )
    close = difflib.get_close_matches(key, list(model.model_fields), n=1, cutoff=0.5)
    return close[0] if close else None


def check_profile_text(text: str, label: str) -> list[Problem]:
    """Every problem in a profile: structure errors, then resolution warnings."""
    profile, problems = parse_profile_text(text, label)
    if profile is None:
        return problems
    from .yamlio import LineFinder

    lines = LineFinder(text)
    company = resolve_profile(profile)
    for w in company.warnings:
        problems.append(
            Problem(
                label,
                lines((_WARNING_FIELD.get(w.code, ""),)),
                _WARNING_FIELD.get(w.code, ""),
                w.text,
                WARNING,
            )
        )
    return problems


_WARNING_FIELD = {
    "unknown_sector": "sectors",
    "unknown_naf": "naf",
    "naf_rev1": "naf",
    "unknown_place": "location",
    "ambiguous_place": "location",
    "conflicting_place": "location",
    "unknown_looking_for": "looking_for",
    "thin_profile": "",
}


# ----------------------------------------------------------------- resolving
def resolve_profile(profile: Profile, *, line: int | None = None) -> Company:
    """Resolve every value of a profile once; unresolvable ones become warnings."""
    from .taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    company = Company(
        name=profile.name,
        siren=profile.siren,
        siret=profile.siret,
        description=profile.description,
        keywords=list(profile.keywords),
        sectors_given=list(profile.sectors),
        line=line,
    )
    _resolve_sectors(company, taxonomy, profile.sectors)
    _resolve_text(company, taxonomy, profile)
    resolve_naf_codes(company, taxonomy, profile.naf)
    for loc in [profile.location, *profile.locations]:
        if loc is not None:
            resolve_location(company, loc)
    _resolve_size(
        company, profile.size.value if profile.size else None, profile.employees
    )
    resolve_looking_for(company, profile.looking_for)
    _warn_if_thin(company)
    return company


def _resolve_sectors(
    company: Company, taxonomy: Taxonomy, words: Sequence[str]
) -> None:
    for word in words:
        ids = sector_ids_for(taxonomy, word)
        company.sectors_resolved[word] = ids
        for sid in ids:
            company.add_evidence(sid, "sectors", word)
        if not ids:
            company.warn(
                "unknown_sector",
                f"sector '{word}' is not in the taxonomy{taxonomy.did_you_mean(word)};"
                " it is used as a keyword only",
            )


def sector_ids_for(taxonomy: Taxonomy, word: str) -> list[str]:
    """Sectors a free sector word means: an exact term, else the terms inside it
    ("green hydrogen" -> hydrogen), else a close spelling ("aeronautcs")."""
    exact = taxonomy.resolve(word)
    if exact:
        return [exact]
    inside = [sid for _, ids in taxonomy.find_terms(word) for sid in ids]
    if inside:
        return list(dict.fromkeys(inside))
    return fuzzy_sector(taxonomy, word)


def fuzzy_sector(taxonomy: Taxonomy, word: str) -> list[str]:
    from .text import stem_phrase

    key = stem_phrase(word)
    if len(key) < 6:  # short words have too many near neighbours ("motor", "moto")
        return []
    from rapidfuzz import fuzz, process

    hit = process.extractOne(
        key, list(taxonomy.terms), scorer=fuzz.ratio, processor=None, score_cutoff=92
    )
    return list(taxonomy.terms[hit[0]]) if hit else []


def _resolve_text(company: Company, taxonomy: Taxonomy, profile: Profile) -> None:
    parts = [("keywords", k) for k in profile.keywords]
    parts += [("sectors", s) for s in profile.sectors]
    if profile.description:
        parts.append(("description", profile.description))
    for source, text in parts:
        if source != "sectors":
            for term, ids in taxonomy.find_terms(text):
                for sid in ids:
                    company.add_evidence(sid, source, term)
        add_tokens(company, source, text)


def add_tokens(company: Company, source: str, text: str) -> None:
    """Words and word pairs of `text` for the text criterion, at the weight of
    the field they came from (the strongest weight wins for a repeated word)."""
    weight = TOKEN_WEIGHTS[source]
    words = content_words(text)
    for token in words + [f"{a} {b}" for a, b in itertools.pairwise(words)]:
        if weight > company.tokens.get(token, 0.0):
            company.tokens[token] = weight


def resolve_naf_codes(
    company: Company, taxonomy: Taxonomy, codes: Sequence[str]
) -> None:
    from .naf import looks_like_rev1, lookup, suggest_naf

    for code in codes:
        company.naf_given.append(code)
        entry = lookup(code)
        if entry is None:
            if looks_like_rev1(code):
                company.warn(
                    "naf_rev1",
                    f"'{code}' looks like an old NAF rev. 1 code; "
                    "NAF left out (give the rev. 2 code)",
                )
                continue
            close = suggest_naf(code)
            hint = f" (closest: {', '.join(close)})" if close else ""
            company.warn(
                "unknown_naf", f"unknown NAF code '{code}'{hint}; NAF left out"
            )
            continue
        company.naf.append(entry)
        for sid, _prefix, _why in taxonomy.sectors_for_naf(entry.code):
            company.add_evidence(sid, "naf", entry.code)


def resolve_location(company: Company, loc: str | Location) -> None:
    from . import geography

    if isinstance(loc, str):
        place = geography.resolve_place(loc)
        shown = loc
    else:
        if loc.postal_code and geography.normalize_postal_code(loc.postal_code) is None:
            company.warn(
                "unknown_place",
                f"invalid postal code '{loc.postal_code}'; placed without it",
            )
            loc = loc.model_copy(update={"postal_code": None})
        place = geography.resolve_place(
            city=loc.city,
            postal_code=loc.postal_code,
            insee_code=loc.insee_code,
            department=loc.department,
            region=loc.region,
        )
        shown = ", ".join(
            v
            for v in (
                loc.city,
                loc.postal_code,
                loc.insee_code,
                loc.department,
                loc.region,
            )
            if v
        )
    if place is None:
        company.warn("unknown_place", f"cannot place '{shown}'; location left out")
        return
    for warning in place.warnings:
        company.warn(warning.code, warning.text)
    company.places.append(place)


def _resolve_size(company: Company, size: str | None, employees: int | None) -> None:
    if size:
        company.size, company.size_from = size, "size"
    elif employees is not None:
        company.size = (
            "sme" if employees < 250 else "midcap" if employees < 5000 else "large"
        )
        company.size_from = "employees"


def resolve_looking_for(company: Company, wants: Sequence[str]) -> None:
    for want in wants:
        key = _LOOKING_FOR_INDEX.get(normalize(want))
        if key is None:
            company.warn(
                "unknown_looking_for",
                f"'{want}' is not a service clusters offer; valid: "
                + ", ".join(LOOKING_FOR),
            )
        elif key not in company.looking_for:
            company.looking_for.append(key)


def _warn_if_thin(company: Company) -> None:
    if not company.evidence and not company.naf and len(company.tokens) < 3:
        company.warn(
            "thin_profile",
            "the profile names no known sector, NAF code or "
            "keyword; add sectors, keywords or a NAF code for a useful ranking",
        )
    elif not company.places:
        company.warn(
            "thin_profile",
            "the profile has no usable location; clusters are ranked without geography",
        )
