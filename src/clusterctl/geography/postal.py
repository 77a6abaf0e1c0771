"""Postal codes: what users type for them, and the département they point to."""

from __future__ import annotations

import re

from .tables import MAX_INPUT

_POSTAL = re.compile(
    r"\s*(?:FR?[-\s]?)?(\d{2})\s?(\d{3})(?![\d])", re.IGNORECASE | re.ASCII
)
_SHORT_POSTAL = re.compile(r"\s*(\d{4})\s*", re.ASCII)


def normalize_postal_code(text: str | int) -> str | None:
    """The 5-digit postal code at the start of `text`, or None.

    `"31 000"`, `"31000 CEDEX 9"`, `"75008 Paris"`, `"F-31000"` -> `"31000"`; a bare
    4-digit code that lost its leading zero in a spreadsheet (`"6000"`) -> `"06000"`;
    a number (`31000`, `6000`) as its digits. Codes that cannot be French (`"00100"`,
    `"96000"`, `"99999"`) and signed numbers -> None. Idempotent.
    """
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str) or len(text) > MAX_INPUT:
        return None
    match = _POSTAL.match(text)
    if match:
        code = match.group(1) + match.group(2)
    elif short := _SHORT_POSTAL.fullmatch(text):
        code = "0" + short.group(1)
    else:
        return None
    prefix = code[:2]
    return code if "01" <= prefix <= "95" or prefix in ("97", "98") else None


def department_of_postal_code(code: str) -> str | None:
    """Département of a postal code's prefix (Corsica: 200-201 -> 2A, 202-206 -> 2B)."""
    if code.startswith("20"):
        return "2A" if code[2] in "01" else "2B" if code[2] in "23456" else None
    if code.startswith("97"):
        return code[:3] if code[:3] in ("971", "972", "973", "974", "976") else None
    return None if code.startswith("98") else code[:2]
