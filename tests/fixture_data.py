"""Small datasets written on the fly, for tests of labels, member types and
reasons: every record says exactly what the test needs, and nothing depends on
the bundled data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

LYON = {"city": "Lyon", "department": "69", "lat": 45.7640, "lon": 4.8357}
VILLEURBANNE = {
    "city": "Villeurbanne",
    "department": "69",
    "lat": 45.7719,
    "lon": 4.8902,
}
TOULOUSE = {"city": "Toulouse", "department": "31", "lat": 43.6047, "lon": 1.4442}


def cluster(
    cid: str,
    *,
    status: str = "active",
    term: str | None = "2026-12-31",
    sectors: list[str] | None = None,
    regions: list[str] | None = None,
    hq: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": cid,
        "name": cid.replace("-", " ").title(),
        "status": status,
        "label_term_end": term,
        "regions": regions or ["Auvergne-Rhône-Alpes"],
        "hq": hq or LYON,
        "sectors": sectors or ["biotech"],
        "sources": [f"https://example.org/{cid}"],
        "last_verified": "2026-11-01",
    }
    record.update(extra)
    return record


def write_dataset(
    folder: Path,
    clusters: list[dict[str, Any]],
    *,
    kinds: dict[str, Any] | None = None,
    name: str = "clusters.yaml",
) -> str:
    """Write a dataset file and return its path."""
    header = {
        "version": "test-labels",
        "date": "2026-11-27",
        "kinds": kinds or {},
    }
    path = folder / name
    path.write_text(
        yaml.safe_dump({"dataset": header, "clusters": clusters}, sort_keys=False),
        encoding="utf-8",
    )
    return str(path)


def standard(folder: Path) -> str:
    """Six clusters: one of each label state, some member data known.

    - alpha: active to 2026-12-31, biotech second (scores below beta);
      admits startups, offers funding.
    - beta: probation to 2024-12-31 (lapsed after), biotech first, nearer Lyon.
    - gamma: unconfirmed (term ended 2023-12-31), aerospace, Toulouse.
    - delta: merged into alpha.
    - epsilon: active to 2026-12-31, aerospace, Toulouse; nothing known of
      its members.
    - zeta: probation to 2026-12-31, textiles, Lyon; admits SMEs only.
    """
    return write_dataset(
        folder,
        [
            cluster(
                "alpha",
                sectors=["health", "biotech"],
                hq=VILLEURBANNE,
                member_types=["startup"],
                services=["funding"],
            ),
            cluster("beta", status="probation", term="2024-12-31"),
            cluster(
                "gamma",
                status="unconfirmed",
                term="2023-12-31",
                sectors=["aerospace"],
                regions=["Occitanie"],
                hq=TOULOUSE,
            ),
            cluster("delta", status="merged", term=None, successor="alpha"),
            cluster(
                "epsilon",
                sectors=["aerospace"],
                regions=["Occitanie"],
                hq=TOULOUSE,
            ),
            cluster(
                "zeta",
                status="probation",
                term="2026-12-31",
                sectors=["textiles"],
                member_types=["sme"],
            ),
        ],
    )


#: A dataset that sets every field of every model (a test below checks that it
#: does), so that each string field can be given a control character in turn.
FULL_DATASET: dict[str, Any] = {
    "dataset": {
        "version": "full-1",
        "date": dt.date(2026, 11, 27),
        "title": "Every field",
        "licence": "CC-BY-4.0",
        "kinds": {
            "pole_de_competitivite": {
                "label": "Pôle de compétitivité",
                "member_types": ["sme"],
                "services": ["funding"],
                "sources": ["https://example.org/kind"],
            }
        },
        "programme": {
            "name": "Pôles de compétitivité",
            "phase": "V",
            "start": dt.date(2023, 1, 1),
            "end": dt.date(2026, 12, 31),
            "next_phase": {
                "note": "Nothing published yet.",
                "note_fr": "Rien de publié pour l’instant.",
                "as_of": dt.date(2026, 11, 1),
                "sources": ["https://example.org/next"],
            },
            "notes": "Funding changed.",
            "sources": ["https://example.org/programme"],
        },
    },
    "clusters": [
        {
            "id": "alpha-pole",
            "name": "Alpha Pôle",
            "aliases": ["Alpha"],
            "former_names": ["Old Alpha"],
            "absorbed": [
                {
                    "name": "Beta Cluster",
                    "year": 2019,
                    "source": "https://example.org/beta",
                    "note": "A regional cluster.",
                }
            ],
            "kind": "pole_de_competitivite",
            "status": "active",
            "status_as_of": dt.date(2023, 3, 27),
            "status_source": "https://example.org/status",
            "label_term_end": dt.date(2026, 12, 31),
            "successor": None,
            "regions": ["Occitanie"],
            "hq": {"city": "Toulouse", "department": "31", "lat": 43.6, "lon": 1.44},
            "sectors": ["aerospace"],
            "keywords": ["avionics"],
            "naf": ["30.30Z"],
            "website": "https://alpha.example.org",
            "website_verified": True,
            "founded": 2005,
            "members": {
                "count": 120,
                "as_of": 2024,
                "as_of_date": dt.date(2024, 4, 2),
                "source": "https://example.org/members",
                "note": "about 120",
            },
            "member_types": ["sme"],
            "services": ["funding"],
            "programmes": ["Interreg"],
            "confidence": "high",
            "notes": "Nothing uncertain.",
            "description": "An aerospace cluster.",
            "sources": ["https://example.org/alpha"],
            "last_verified": dt.date(2026, 11, 1),
        }
    ],
}
