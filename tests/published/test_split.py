"""Run-together digits split only where the row's own totals decide (published/split.py)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.published.split import split_run

ROW = [(6, (0, 1, 2, 3, 4, 5))]  # 表三: 总计 = the six applicant columns


def test_the_issue_example_has_one_split():
    sp = split_run("723000075", 7, ROW, limit=20000, money=set())
    assert sp.texts == ("72", "3", "0", "0", "0", "0", "75") and all(sp.reconstructed)


def test_spaces_are_boundaries_and_cells_alone_are_not_reconstructed():
    sp = split_run("23 0 00 0 023", 7, ROW, limit=20000, money=set())
    assert sp.texts == ("23", "0", "0", "0", "0", "0", "23")
    assert sp.reconstructed == (False, False, True, True, False, True, True)


def test_ambiguous_without_a_total_is_undecided():
    sp = split_run("898989", 3, [], limit=20000, money=set())
    assert sp.texts is None and sp.candidates > 1 and "唯一" in sp.why


def test_no_split_satisfies_the_total():
    sp = split_run("24 0 00 0 023", 7, ROW, limit=20000, money=set())
    assert sp.texts is None and sp.candidates == 0


def test_bounded_number_of_candidates():
    sp = split_run("1" * 40, 15, [], limit=50, money=set())
    assert sp.texts is None and "过多" in sp.why


def test_thousands_separators_are_not_boundaries():
    assert split_run("3,119 0 0 0 0 0 3,119", 7, ROW, limit=100, money=set()).texts == (
        "3119", "0", "0", "0", "0", "0", "3119")


def test_placeholders_are_blank_cells_and_a_money_unit_stays():
    assert split_run("/ / /", 3, [], limit=10, money=set()).texts == ("", "", "")
    assert split_run("12 3.5元", 2, [], limit=10, money={1}).texts == ("12", "3.5元")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 120), min_size=6, max_size=6), st.lists(st.booleans(), min_size=6, max_size=6))
def test_a_decided_split_is_always_the_printed_row(parts, spaces):
    """Never wrong: whatever the spacing, a split that is decided equals the row that was printed."""
    row = [*parts, sum(parts)]
    text = "".join(str(v) + (" " if i < 6 and spaces[i] else "") for i, v in enumerate(row))
    sp = split_run(text, 7, ROW, limit=20000, money=set())
    if sp.texts is not None:
        assert [int(t) for t in sp.texts] == row
    if all(spaces):
        assert sp.texts is not None  # every boundary printed: nothing to decide


def test_a_negative_change_is_one_cell_of_a_signed_column():
    """2019 本年增/减 printed run together: “18-2” is 18 and −2, never 1 and 8."""
    sp = split_run("18-2", 2, [], limit=100, money=set(), signed={1})
    assert sp.texts == ("18", "-2")
    assert split_run("18-2", 2, [], limit=100, money=set()).texts is None
