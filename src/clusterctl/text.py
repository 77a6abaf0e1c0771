"""Text normalisation shared by every lookup: names, sectors, places, search.

Everything that compares user input with data goes through `normalize()` on
both sides, so that case, accents, punctuation and spacing never matter.
Standard library only: this module is imported on the start-up path.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Fold `text` to lowercase ASCII words separated by single spaces.

    `"Lyonbiopôle"` -> `"lyonbiopole"`, `"Île-de-France"` -> `"ile de france"`,
    `"R&D"` -> `"r d"`. Idempotent: `normalize(normalize(s)) == normalize(s)`.
    """
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    ascii_only = "".join(ch for ch in folded if not unicodedata.combining(ch))
    ascii_only = ascii_only.encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub(" ", ascii_only).strip()


def slugify(text: str) -> str:
    """ASCII slug used for record ids: `"Pôle Mer Bretagne Atlantique"` -> `"pole-mer-bretagne-atlantique"`."""
    return normalize(text).replace(" ", "-")


def compact(text: str) -> str:
    """`normalize()` without spaces, for matching `"Lyon Biopole"` to `"lyonbiopole"`."""
    return normalize(text).replace(" ", "")
