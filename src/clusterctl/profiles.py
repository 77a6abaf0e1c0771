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
from .i18n import _
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
#: Company size from a head count: under 250 employees an SME, under 5,000 a
#: mid-cap (ETI), else a large company (the INSEE categories' thresholds).
SME_BELOW, MIDCAP_BELOW = 250, 5000
#: SIRENE's company category (categorieEntreprise) -> our sizes.
CATEGORY_SIZES = {"PME": "sme", "ETI": "midcap", "GE": "large"}
#: SIRENE employee bands (tranche d'effectifs) -> our sizes, by the same
#: thresholds (band 32 is 250-499 employees, 52 is 5,000-9,999).
BAND_SIZES = {
    **dict.fromkeys(("00", "01", "02", "03", "11", "12", "21", "22", "31"), "sme"),
    **dict.fromkeys(("32", "41", "42", "51"), "midcap"),
    **dict.fromkeys(("52", "53"), "large"),
}
#: Distinct sector words whose resolution is kept (a register may hold
#: millions; the fuzzy look-up is the slow part).
WORD_CACHE_LIMIT = 20_000

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
            exc, label, LineFinder(text), suggest=suggest_field
        )


def suggest_field(key: str, parent: Sequence[str | int]) -> str | None:
    """The profile field closest to a misspelt key, for its error message."""
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
    "no_name": "name",
}


# ----------------------------------------------------------------- resolving
# Every company, whatever it came from (a profile file, a row of a CSV, SIRENE,
# NDJSON or YAML register, a mapping given to the library), is resolved by the
# functions below, in the order of `resolve_profile`: so the same values give
# the same facts, the same warnings (codes and texts) in the same order.


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
    resolve_words(
        company, taxonomy, profile.sectors, profile.keywords, profile.description
    )
    resolve_naf_codes(company, taxonomy, profile.naf)
    for loc in [profile.location, *profile.locations]:
        if loc is not None:
            resolve_location(company, loc)
    resolve_size(
        company, profile.size.value if profile.size else None, profile.employees
    )
    resolve_looking_for(company, profile.looking_for)
    warn_if_unnamed(company)
    warn_if_thin(company)
    return company


def resolve_words(
    company: Company,
    taxonomy: Taxonomy,
    sectors: Sequence[str],
    keywords: Sequence[str],
    description: str | None,
) -> None:
    """Sector words, keywords and description: sectors they name (evidence) and
    the words of the text criterion."""
    _resolve_sectors(company, taxonomy, sectors)
    parts = [("keywords", k) for k in keywords]
    parts += [("sectors", s) for s in sectors]
    if description:
        parts.append(("description", description))
    for source, text in parts:
        if source != "sectors":
            for term, ids in taxonomy.find_terms(text):
                for sid in ids:
                    company.add_evidence(sid, source, term)
        add_tokens(company, source, text)


def _resolve_sectors(
    company: Company, taxonomy: Taxonomy, words: Sequence[str]
) -> None:
    for word in words:
        ids = sector_ids_for(taxonomy, word)
        company.sectors_resolved[word] = ids
        for sid in ids:
            company.add_evidence(sid, "sectors", word)
        if not ids:
            text = _(
                "sector '{word}' is not in the taxonomy{hint}; "
                "it is used as a keyword only"
            )
            company.warn(
                "unknown_sector",
                text.format(word=word, hint=taxonomy.did_you_mean(word)),
            )


_WORDS: dict[tuple[int, str], list[str]] = {}


def sector_ids_for(taxonomy: Taxonomy, word: str) -> list[str]:
    """Sectors a free sector word means: an exact term, else the terms inside it
    ("green hydrogen" -> hydrogen), else a close spelling ("aeronautcs").
    Remembered for up to WORD_CACHE_LIMIT words (then forgotten all at once):
    a register repeats its words, and memory stays bounded."""
    key = (id(taxonomy), word)
    found = _WORDS.get(key)
    if found is None:
        if len(_WORDS) >= WORD_CACHE_LIMIT:
            _WORDS.clear()
        found = _WORDS[key] = _sector_ids(taxonomy, word)
    return list(found)


def _sector_ids(taxonomy: Taxonomy, word: str) -> list[str]:
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


def add_tokens(company: Company, source: str, text: str) -> None:
    """Words and word pairs of `text` for the text criterion, at the weight of
    the field they came from (the strongest weight wins for a repeated word)."""
    weight = TOKEN_WEIGHTS[source]
    words = content_words(text)
    for token in words + [f"{a} {b}" for a, b in itertools.pairwise(words)]:
        if weight > company.tokens.get(token, 0.0):
            company.tokens[token] = weight


def resolve_naf_codes(
    company: Company,
    taxonomy: Taxonomy,
    codes: Sequence[str],
    nomenclature: str | None = None,
) -> None:
    """NAF codes to NAF entries and the sectors they signal. `nomenclature`
    (SIRENE's column) other than NAF rev. 2 leaves every code out."""
    from .naf import looks_like_rev1, lookup, suggest_naf

    if nomenclature and codes:
        text = _(
            "NAF '{code}' is in nomenclature {nomenclature}, not NAF rev. 2; "
            "NAF left out"
        )
        company.naf_given.extend(codes)
        company.warn(
            "naf_rev1",
            text.format(code=";".join(codes), nomenclature=nomenclature),
        )
        return
    for code in codes:
        company.naf_given.append(code)
        entry = lookup(code)
        if entry is None:
            if looks_like_rev1(code):
                text = _(
                    "'{code}' looks like an old NAF rev. 1 code; "
                    "NAF left out (give the rev. 2 code)"
                )
                company.warn("naf_rev1", text.format(code=code))
                continue
            close = suggest_naf(code)
            if close:
                text = _("unknown NAF code '{code}' (closest: {codes}); NAF left out")
            else:
                text = _("unknown NAF code '{code}'; NAF left out")
            company.warn("unknown_naf", text.format(code=code, codes=", ".join(close)))
            continue
        company.naf.append(entry)
        for sid, _prefix, _why in taxonomy.sectors_for_naf(entry.code):
            company.add_evidence(sid, "naf", entry.code)


def resolve_location(company: Company, loc: str | Location) -> None:
    """A place given as free text or field by field: placed, or warned about."""
    if isinstance(loc, str):
        from . import geography

        _add_place(company, geography.resolve_place(loc), loc)
    else:
        resolve_place_fields(
            company,
            loc.city,
            loc.postal_code,
            loc.insee_code,
            loc.department,
            loc.region,
        )


def resolve_place_fields(
    company: Company,
    city: str | None = None,
    postal_code: str | None = None,
    insee_code: str | None = None,
    department: str | None = None,
    region: str | None = None,
) -> None:
    """A place given field by field (a profile's `location` mapping, a
    register's columns); an invalid postal code is left out with a warning."""
    from . import geography

    if postal_code and geography.normalize_postal_code(postal_code) is None:
        text = _("invalid postal code '{code}'; placed without it")
        company.warn("unknown_place", text.format(code=postal_code))
        postal_code = None
    place = geography.resolve_place(
        city=city,
        postal_code=postal_code,
        insee_code=insee_code,
        department=department,
        region=region,
    )
    given = (city, postal_code, insee_code, department, region)
    _add_place(company, place, ", ".join(v for v in given if v))


def _add_place(company: Company, place: Place | None, shown: str) -> None:
    if place is None:
        text = _("cannot place '{place}'; location left out")
        company.warn("unknown_place", text.format(place=shown))
        return
    for warning in place.warnings:
        company.warn(warning.code, warning.text)
    company.places.append(place)


def resolve_size(
    company: Company,
    size: str | None,
    employees: int | None,
    category: str | None = None,
    band: str | None = None,
) -> None:
    """The company's size, from the first of: its size as given, SIRENE's
    category (PME, ETI, GE), SIRENE's employee band, its head count."""
    if size:
        company.size, company.size_from = size, "size"
    elif category and category.upper() in CATEGORY_SIZES:
        company.size, company.size_from = CATEGORY_SIZES[category.upper()], "category"
    elif band and band in BAND_SIZES:
        company.size, company.size_from = BAND_SIZES[band], "employee_band"
    elif employees is not None:
        company.size = size_for_employees(employees)
        company.size_from = "employees"


def size_for_employees(employees: int) -> str:
    """sme, midcap or large, by the thresholds SME_BELOW and MIDCAP_BELOW."""
    if employees < SME_BELOW:
        return "sme"
    return "midcap" if employees < MIDCAP_BELOW else "large"


def resolve_looking_for(company: Company, wants: Sequence[str]) -> None:
    for want in wants:
        key = _LOOKING_FOR_INDEX.get(normalize(want))
        if key is None:
            text = _("'{service}' is not a service clusters offer; valid: {valid}")
            company.warn(
                "unknown_looking_for",
                text.format(service=want, valid=", ".join(LOOKING_FOR)),
            )
        elif key not in company.looking_for:
            company.looking_for.append(key)


def unnamed_warning(name: str | None) -> Warning | None:
    """A company known by its siren or siret only: said, so that a row of
    output without a name is not taken for a reading error."""
    if name:
        return None
    return Warning("no_name", _("no company name (identified by its siren/siret)"))


def warn_if_unnamed(company: Company) -> None:
    warning = unnamed_warning(company.name)
    if warning is not None:
        company.warnings.append(warning)


def thin_warning(signal: bool, tokens: int, placed: bool) -> Warning | None:
    """What a company lacks for a useful ranking: any sector signal (a known
    sector, a NAF code, or three words of text), else a location."""
    if not signal and tokens < 3:
        return Warning(
            "thin_profile",
            _(
                "the profile names no known sector, NAF code or keyword; add "
                "sectors, keywords or a NAF code for a useful ranking"
            ),
        )
    if not placed:
        return Warning(
            "thin_profile",
            _(
                "the profile has no usable location; clusters are ranked "
                "without geography"
            ),
        )
    return None


def warn_if_thin(company: Company) -> None:
    signal = bool(company.evidence or company.naf)
    warning = thin_warning(signal, len(company.tokens), bool(company.places))
    if warning is not None:
        company.warnings.append(warning)
