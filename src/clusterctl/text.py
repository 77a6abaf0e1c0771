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
_LIGATURES = str.maketrans(
    {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"}
)


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


def compact(text: str) -> str:
    """`normalize()` without spaces: `"Lyon Biopole"` matches `"lyonbiopole"`."""
    return normalize(text).replace(" ", "")


def stem(word: str) -> str:
    """Crude plural folding for English and French: `drones` -> `drone`,
    `matériaux` stays, `composites` -> `composite`. Applied to both sides."""
    if len(word) > 3 and word[-1] in "sx" and word[-2] not in "su":
        return word[:-1]
    return word


@lru_cache(maxsize=65536)
def stem_phrase(text: str) -> str:
    """`normalize()` then `stem()` on each word: the key used by term lookups."""
    return " ".join(stem(w) for w in normalize(text).split())


#: Grammar words of English and French: never a sector, a place or a search term
#: on their own.
FUNCTION_WORDS = frozenset(
    """
    a an and are as at be by for from has have in into is it its of on or our that
    the their this to with we you your other also such etc eg ie via per all any both
    each who which while over under more most very well au aux avec ce ces dans de
    des du elle en et est il ils la le les leur leurs mais ne nos notre ou par pas
    pour qui que sa se ses son sur un une vos votre d l s n qu c j m t y plus tres
    entre sous chez afin ainsi dont
    """.split()  # noqa: SIM905 - a word list reads best as text
)

#: Words too common in company descriptions to tell clusters apart: grammar words
#: and the generic vocabulary of business.
STOPWORDS = FUNCTION_WORDS | frozenset(
    """
    using use based new including include includes main mainly company companies
    entreprise entreprises societe group groupe firm service services solution
    solutions system systems product products produit produits industry industrie
    industries industrial industriel industrielle activity activities activite
    activites develop develops developing development developpement design designs
    designing make makes making manufacture manufactures manufacturing fabrication
    fabrique provide provides providing offer offers offering propose proposes
    specialised specialized specialist specialiste leading leader global
    international france french francais francaise europe european world
    """.split()  # noqa: SIM905 - a word list reads best as text
)


def content_words(text: str) -> list[str]:
    """Stemmed words of `text` without stopwords: the tokens text matching uses."""
    return [
        stem(w) for w in normalize(text).split() if w not in STOPWORDS and len(w) > 1
    ]
