"""Batch memory is bounded by every cache, whatever the register: tables,
resolved values and sector words are forgotten past their limits; and the
NAF suggestions a register of unknown codes asks for stay difflib's own."""

from __future__ import annotations

import difflib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterctl import profiles
from clusterctl.batch import BatchMatcher, Block, RowRejected
from clusterctl.naf import naf_table, suggest_naf
from clusterctl.registers import Layout, Row
from conftest import SMALL


def test_every_cache_stays_within_its_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from clusterctl.api import matcher

    monkeypatch.setattr("clusterctl.batch.rows.PART_LIMIT", 50)
    monkeypatch.setattr("clusterctl.batch.score.TABLE_LIMIT", 40)
    monkeypatch.setattr(profiles, "WORD_CACHE_LIMIT", 30)
    bm = BatchMatcher(matcher(SMALL))
    layout = Layout([(0, "name"), (1, "naf"), (2, "postal_code"), (3, "sectors")], ",")
    codes = [c for c in naf_table().entries if len(c) == 6]
    seen = 0
    for start in range(0, 600, 25):
        block = Block()
        for line in range(start, start + 25):
            cells = [
                f"Company {line}",
                f"{codes[line % len(codes)]};{line:04d}",  # unique values
                f"{10000 + 37 * line:05d}",
                f"sector word {line}" if line % 3 == 0 else "",
            ]
            try:
                bm.add_row(block, Row(line, cells=cells, layout=layout))
            except RowRejected:
                continue
        bm.score(block, 3)
        seen += len(block)
        bm.bound_memory()
        for cache in bm.rows.caches():
            assert len(cache) <= 50
        for table in bm.tables.values():
            assert len(table) <= 40 + 25 * 2  # a block adds at most its rows
        assert len(profiles._WORDS) <= 30
    assert seen == 600


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="0123456789.ABCZ -", max_size=9),
        st.sampled_from(sorted(naf_table().entries)).flatmap(
            lambda c: st.sampled_from([c + "-1", c[:-1] + "Q", c + c, c[:3]])
        ),
    )
)
def test_naf_suggestions_are_difflibs(text: str) -> None:
    keys = {c.replace(".", ""): c for c in naf_table().entries}
    raw = re.sub(r"[\s.]", "", text).upper()
    close = difflib.get_close_matches(raw, list(keys), n=3, cutoff=0.5)
    if not close and len(raw) >= 2 and raw[:2] in keys:
        close = [raw[:2]]
    assert suggest_naf(text) == [keys[c] for c in close]
