"""Hypothesis strategies for CSV registers: literal quotes inside unquoted
fields, quoted fields with delimiters, `""` escapes and line breaks, text after
a closing quote, LF/CRLF/CR endings, blank lines, and (for malformed files)
stray quotes that never close and rows of the wrong width."""

from __future__ import annotations

from hypothesis import strategies as st

HEADER = "name,siren,naf,city"
WIDTH = 4
ENDINGS = ("\n", "\r\n", "\r")

_unquoted = st.text(alphabet='ab 5"é\t', max_size=8).filter(
    lambda s: not s.startswith('"')
)
_quoted_body = st.text(alphabet='ab ,"\n\r;', max_size=12)


@st.composite
def cell(draw: st.DrawFn, choices: tuple[str, ...] = ()) -> str:
    """One field as written in the file."""
    kind = draw(st.sampled_from(("plain", "plain", "quoted", "after", "choice")))
    if kind == "choice" and choices:
        value = draw(st.sampled_from(choices))
        if "," in value or draw(st.booleans()):
            return '"' + value.replace('"', '""') + '"'
        return value
    if kind == "quoted":
        return '"' + draw(_quoted_body).replace('"', '""') + '"'
    if kind == "after":  # "abc"def: csv reads on, unquoted
        body = draw(_quoted_body).replace('"', '""')
        return f'"{body}"' + draw(_unquoted.filter(lambda s: s[:1] not in ",\r\n"))
    return draw(_unquoted)


NAMES = ("Drone Co", 'Acme 5" Ltd', "Bio, Lyon")
NAFS = ("30.30Z", "21.20Z", "99.99Q", "62.01Z", "")
CITIES = ("Toulouse", "Lyon", "Lille", "Nowhere", "31000", "")


@st.composite
def row(draw: st.DrawFn, valid: bool) -> str:
    """One record (or, when not `valid`, maybe something malformed)."""
    kinds = ["row"] * 6 + ["blank", "spaces"]
    if not valid:
        kinds += ["stray", "short", "wide", "open_end"]
    kind = draw(st.sampled_from(kinds))
    ending = draw(st.sampled_from(ENDINGS))
    if kind == "blank":
        return ending
    if kind == "spaces":
        return "  " + ending
    cells = [
        draw(cell(NAMES)),
        draw(st.sampled_from(("", "123456789", '"987654321"'))),
        draw(cell(NAFS)),
        draw(cell(CITIES)),
    ]
    if kind == "short":
        cells = cells[:2]
    elif kind == "wide":
        cells.append(draw(cell()))
    elif kind == "stray":  # a quote opened at a field's start, never closed
        i = draw(st.integers(0, WIDTH - 1))
        cells[i] = '"' + draw(_unquoted)
    elif kind == "open_end":  # a quoted field going on over the next lines
        cells[-1] = '"' + draw(_quoted_body).replace('"', '""')
    return ",".join(cells) + ending


@st.composite
def register(draw: st.DrawFn, valid: bool = True, max_rows: int = 25) -> str:
    """A whole register, header included."""
    rows = draw(st.lists(row(valid), max_size=max_rows))
    text = HEADER + draw(st.sampled_from(ENDINGS)) + "".join(rows)
    if draw(st.booleans()):
        text = text.rstrip("\r\n")  # no line break at the end of the file
    return text
