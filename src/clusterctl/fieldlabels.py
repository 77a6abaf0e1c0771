"""Output fields named for people: table headers and panel labels.

Records, JSON, YAML, CSV and TSV headers and `--fields` keep the field names
(`hq.city`, `label_status`): scripts rely on them. Tables and panels, which
people read, name a field in the language in use; in English a field is shown
under its own name, so English tables and panels read as before. A name
without a label here (a field added later, a key of a user's own dataset) is
shown as it is.
"""

from __future__ import annotations

from functools import lru_cache

from .i18n import language, pgettext


def field_label(name: str) -> str:
    """The header or label people read for field `name` (a label state or
    status shown as a key, as in `info`'s counts, in words too)."""
    found = _labels(language()).get(name)
    if found is not None:
        return found
    from .labels import status_text

    return status_text(name)


@lru_cache(maxsize=4)
def _labels(code: str) -> dict[str, str]:
    """Every label, in the language `code` (the cache key; the messages come
    from the catalog in use)."""
    return {
        # a cluster record
        "id": pgettext("field", "id"),
        "name": pgettext("field", "name"),
        "aliases": pgettext("field", "aliases"),
        "former_names": pgettext("field", "former_names"),
        "absorbed": pgettext("field", "absorbed"),
        "kind": pgettext("field", "kind"),
        "status": pgettext("field", "status"),
        "status_as_of": pgettext("field", "status_as_of"),
        "status_source": pgettext("field", "status_source"),
        "label_term_end": pgettext("field", "label_term_end"),
        "successor": pgettext("field", "successor"),
        "regions": pgettext("field", "regions"),
        "hq": pgettext("field", "hq"),
        "hq.city": pgettext("field", "hq.city"),
        "hq.department": pgettext("field", "hq.department"),
        "hq.lat": pgettext("field", "hq.lat"),
        "hq.lon": pgettext("field", "hq.lon"),
        "city": pgettext("field", "city"),
        "department": pgettext("field", "department"),
        "lat": pgettext("field", "lat"),
        "lon": pgettext("field", "lon"),
        "sectors": pgettext("field", "sectors"),
        "keywords": pgettext("field", "keywords"),
        "naf": pgettext("field", "naf"),
        "website": pgettext("field", "website"),
        "website_verified": pgettext("field", "website_verified"),
        "founded": pgettext("field", "founded"),
        "members": pgettext("field", "members"),
        "members.count": pgettext("field", "members.count"),
        "members.as_of": pgettext("field", "members.as_of"),
        "members.as_of_date": pgettext("field", "members.as_of_date"),
        "members.source": pgettext("field", "members.source"),
        "members.note": pgettext("field", "members.note"),
        "count": pgettext("field", "count"),
        "as_of": pgettext("field", "as_of"),
        "as_of_date": pgettext("field", "as_of_date"),
        "source": pgettext("field", "source"),
        "note": pgettext("field", "note"),
        "member_types": pgettext("field", "member_types"),
        "services": pgettext("field", "services"),
        "programmes": pgettext("field", "programmes"),
        "confidence": pgettext("field", "confidence"),
        "notes": pgettext("field", "notes"),
        "description": pgettext("field", "description"),
        "sources": pgettext("field", "sources"),
        "last_verified": pgettext("field", "last_verified"),
        "label_status": pgettext("field", "label_status"),
        "label_note": pgettext("field", "label_note"),
        "year": pgettext("field", "year"),
        # list, search, related
        "distance_km": pgettext("field", "distance_km"),
        "rank": pgettext("field", "rank"),
        "score": pgettext("field", "score"),
        "field": pgettext("field", "field"),
        "sector": pgettext("field", "sector"),
        "keyword": pgettext("field", "keyword"),
        "matched": pgettext("field", "matched"),
        "shared_sectors": pgettext("field", "shared_sectors"),
        "shared_keywords": pgettext("field", "shared_keywords"),
        "region_relation": pgettext("field", "region_relation"),
        # sectors and regions
        "parent": pgettext("field", "parent"),
        "label_en": pgettext("field", "label_en"),
        "label_fr": pgettext("field", "label_fr"),
        "ecosystem": pgettext("field", "ecosystem"),
        "clusters": pgettext("field", "clusters"),
        "synonyms": pgettext("field", "synonyms"),
        "code": pgettext("field", "code"),
        "iso": pgettext("field", "iso"),
        "name_en": pgettext("field", "name_en"),
        "abbreviations": pgettext("field", "abbreviations"),
        "neighbours": pgettext("field", "neighbours"),
        "hq_clusters": pgettext("field", "hq_clusters"),
        # info
        "dataset": pgettext("field", "dataset"),
        "version": pgettext("field", "version"),
        "date": pgettext("field", "date"),
        "title": pgettext("field", "title"),
        "licence": pgettext("field", "licence"),
        "by_status": pgettext("field", "by_status"),
        "today": pgettext("field", "today"),
        "days_since_date": pgettext("field", "days_since_date"),
        "by_label_status": pgettext("field", "by_label_status"),
        "oldest": pgettext("field", "oldest"),
        "newest": pgettext("field", "newest"),
        "distinct_sources": pgettext("field", "distinct_sources"),
        "programme": pgettext("field", "programme"),
        "phase": pgettext("field", "phase"),
        "start": pgettext("field", "start"),
        "end": pgettext("field", "end"),
        "next_phase": pgettext("field", "next_phase"),
        "provenance": pgettext("field", "provenance"),
        "member_counts": pgettext("field", "member_counts"),
        "member_counts_with_source": pgettext("field", "member_counts_with_source"),
        "member_counts_as_of": pgettext("field", "member_counts_as_of"),
        "status_dated": pgettext("field", "status_dated"),
        "absorbed_organisations": pgettext("field", "absorbed_organisations"),
        "unverified_websites": pgettext("field", "unverified_websites"),
        "low_confidence": pgettext("field", "low_confidence"),
        "bundled_data_licences": pgettext("field", "bundled_data_licences"),
        "geography": pgettext("field", "geography"),
        # the columns of the tables designed for a terminal
        "cluster": pgettext("field", "cluster"),
        "label": pgettext("field", "label"),
        "region": pgettext("field", "region"),
        "km": pgettext("field", "km"),
        "why": pgettext("field", "why"),
        "criterion": pgettext("field", "criterion"),
        "used": pgettext("field", "used"),
        "weight": pgettext("field", "weight"),
        "points": pgettext("field", "points"),
    }
