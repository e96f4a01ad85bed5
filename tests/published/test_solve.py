"""Run-together digits decided by every constraint the report gives (published/solve.py)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from nianbao.cli import main
from nianbao.format.spec import all_formats
from nianbao.published import import_file, solve
from nianbao.published.solve import Constraint, Pending, cross_year, decide, identities, narrative, narrative_figures
from nianbao.published.split import candidates

FMT = all_formats()["gov-info-disclosure-2021"]
COLS = ("natural", "commercial", "research", "nonprofit", "legal", "other_org", "total")


def _pending(row: str, text: str) -> Pending:
    options, why = candidates(text, 7, limit=20000, money=set())
    return Pending(tuple(f"requests.{row}.{c}" for c in COLS), options, text, "第1行", row, why)


def _known_zero(*rows: str) -> dict:
    """Every cell of the format known as 0 except the rows given (those are the pending ones)."""
    return {k: Decimal(0) for k in FMT.cells if not any(k.startswith(f"requests.{r}.") for r in rows)}


def test_the_row_total_decides_a_split():
    """“230 000023”: the only split whose 总计 is the sum of the six columns."""
    p = _pending("outcome.disclosed", "230 000023")
    known = _known_zero("outcome.disclosed")
    for key in ("requests.outcome.total.natural", "requests.outcome.total.total", "requests.received.natural",
                "requests.received.total"):
        known[key] = Decimal(23)
    (d,) = decide([p], identities(FMT), known)
    assert {k.rsplit(".", 1)[1]: v for k, v in d.cells.items()} == {
        "natural": {"23"}, "commercial": {"0"}, "research": {"0"}, "nonprofit": {"0"}, "legal": {"0"},
        "other_org": {"0"}, "total": {"23"}}
    assert any(n.startswith("T3-2") for n in d.decided_by) and d.broken == []


def test_two_splits_fit_the_table_then_last_years_report_decides():
    """上年结转 “101000011”: 1|0|10|… and 10|1|0|… both fit the row total, and the columns cannot tell
    (the other rows are unreadable). Last year's 结转下年度 (T3-4) decides; without it, unreadable."""
    p = _pending("carried_over", "101000011")
    known = {k: None for k in FMT.cells if k.startswith("requests.") and ".carried_over." not in k}
    (alone,) = decide([p], identities(FMT), known)
    assert alone.cells["requests.carried_over.natural"] == {"1", "10"}
    previous = {"format": FMT.id, "tables": {f"requests.carry_forward.{c}": v
                                             for c, v in zip(COLS, (10, 1, 0, 0, 0, 0, 11), strict=True)}}
    (d,) = decide([p], identities(FMT) + cross_year(FMT, previous), known)
    assert d.cells["requests.carried_over.natural"] == {"10"}
    assert d.cells["requests.carried_over.commercial"] == {"1"}
    assert any("上一年度" in n for n in d.decided_by)


def test_the_narrative_decides_between_splits():
    p = Pending(("a", "b"), [(["1", "12"], [True, True]), (["11", "2"], [True, True])], "112", "第1行", "x")
    figures = [("共收到申请11件。", ("a",), 11)]
    (d,) = decide([p], [Constraint("T", ((1, "a"), (1, "b"), (-1, "c")), Decimal(0))] + narrative(figures),
                  {"c": Decimal(13)})
    assert d.cells == {"a": {"11"}, "b": {"2"}} and d.broken == []
    assert any(n.startswith("正文") for n in d.decided_by)


def test_narrative_figures_come_from_the_sections():
    figures = narrative_figures(FMT, {"overview": "2024年，共收到政府信息公开申请26件，办结25件。"})
    assert ("requests.received.total",) in [keys for _, keys, _ in figures]
    assert 26 in [n for _, _, n in figures]


def test_a_wrong_total_stays_as_printed_and_is_named():
    """The printed total (24) contradicts its parts: no split fits every identity. Leaving the total cell
    out, the others decide the row; the total stands as printed (never repaired) and the broken
    identities are named for audit."""
    (d,) = decide([_wrong_total()], identities(FMT), _wrong_total_known())
    assert d.cells["requests.received.total"] == {"24"}
    assert d.cells["requests.received.natural"] == {"23"}
    assert d.broken == ["T3-1（总计）", "T3-2（一、本年新收政府信息公开申请数量）"]  # its column and its row
    assert "T3-1（自然人）" in d.decided_by and not d.why


def _wrong_total() -> Pending:
    """本年新收 run together as “230000024”: 23 from 自然人, a total printed 24."""
    p = _pending("received", "230000024")
    assert len(p.options) > 1
    return p


def _wrong_total_known() -> dict:
    known = _known_zero("received")
    for key in ("requests.outcome.total.natural", "requests.outcome.disclosed.natural", "requests.outcome.total.total",
                "requests.outcome.disclosed.total"):
        known[key] = Decimal(23)
    return known


def test_a_search_for_the_wrong_cell_past_its_step_budget_leaves_the_row_unreadable(monkeypatch):
    """Each cell left out in turn is searched within DROP_STEPS: past it, nothing is guessed — every row of
    the table part is unreadable, saying there are too many combinations."""
    monkeypatch.setattr(solve, "DROP_STEPS", 1)
    (d,) = decide([_wrong_total()], identities(FMT), _wrong_total_known())
    assert (d.cells, d.decided_by, d.broken) == ({}, [], [])
    assert d.why == "连写的数字可拆分的组合过多，无法判断"


def test_past_the_bound_on_cells_a_broken_table_part_is_judged_row_by_row(monkeypatch):
    """More cells than MAX_DROP_CELLS: the cell-by-cell pass is skipped, and the row is judged by what its
    own digits and its own total say, named as where the misprint may be."""
    monkeypatch.setattr(solve, "MAX_DROP_CELLS", 0)
    (d,) = decide([_wrong_total()], identities(FMT), _wrong_total_known())
    assert "requests.received.total" not in d.cells  # its own total breaks in every split: not decided
    assert d.why.endswith("印错的可能是“received”一行")


def test_the_search_is_bounded():
    p = _pending("received", "1" * 30)
    (d,) = decide([p], identities(FMT), _known_zero("received"))
    assert not d.cells or all(len(v) != 1 for v in d.cells.values()) or d.why


def test_import_previous_decides_an_ambiguous_row(tmp_path, capsys):
    """`import --previous` with last year's document: the carried-over row printed “101000011” beside its
    label where nothing else decides it. (Not alone on a line of its own: in a copy that prints a cell per
    line, such a line is one cell — text.py.)"""
    from factory import valid_document
    from published_kit import text_report

    doc = valid_document(FMT, seed=3)
    for c, v in zip(COLS, (10, 1, 0, 0, 0, 0, 11), strict=True):
        doc["tables"][f"requests.carried_over.{c}"] = v
    text = text_report(doc, "cells")
    lines = text.split("\n")
    at = lines.index("二、上年结转政府信息公开申请数量")
    lines[at: at + 8] = [lines[at] + "101000011"]
    # the columns cannot decide it: the other rows of 表三 are printed unreadable
    for label in ("一、本年新收政府信息公开申请数量", "（七）总计", "四、结转下年度继续办理"):
        i = lines.index(label)
        lines[i + 1: i + 8] = ["十"] * 7
    (tmp_path / "this.txt").write_text("\n".join(lines), encoding="utf-8")
    first = import_file(tmp_path / "this.txt").document
    assert first["cell_states"]["requests.carried_over.natural"]["state"] == "unreadable"
    previous = {"format": FMT.id, "year": doc["year"] - 1, "agency": doc["agency"],
                "tables": {f"requests.carry_forward.{c}": v for c, v in zip(COLS, (10, 1, 0, 0, 0, 0, 11),
                                                                           strict=True)}}
    (tmp_path / "prev.json").write_text(json.dumps(previous, ensure_ascii=False), encoding="utf-8")
    code = main(["import", str(tmp_path / "this.txt"), "-o", str(tmp_path / "out"), "--previous",
                 str(tmp_path / "prev.json")])
    assert code in (0, 1)
    back = json.loads((tmp_path / "out" / "this.json").read_text(encoding="utf-8"))
    assert back["tables"]["requests.carried_over.natural"] == 10
    assert "上一年度" in back["cell_states"]["requests.carried_over.natural"]["note"]


def _row(keys, splits, label):
    return Pending(keys, [(list(s), [True] * len(s)) for s in splits], "".join(splits[0]), "第1行", label)


@pytest.mark.parametrize("cells_bound", [None, 0])
def test_a_row_that_no_split_and_no_single_wrong_cell_explains_is_named_and_the_other_rows_decided(
        cells_bound, monkeypatch):
    """Two run-together rows; the second is misprinted in more than one cell, so no split fits, and
    leaving out any one identity or any one cell does not help either. Leaving the second row out, the
    first fits what remains: the second is named as where the misprint may be, and keeps only what its own
    digits and its own total say (the total 15, in both splits that add up); the first is decided.
    The same when the table part has more cells than the cell-by-cell pass takes (MAX_DROP_CELLS)."""
    if cells_bound is not None:
        monkeypatch.setattr(solve, "MAX_DROP_CELLS", cells_bound)
    first = _row(("a",), [("1",), ("2",)], "第一行")
    second = _row(("c", "d", "t"), [("7", "8", "15"), ("8", "7", "15"), ("1", "5", "9")], "第二行")
    own_total = Constraint("第二行合计", ((1, "c"), (1, "d"), (-1, "t")), Decimal(0))
    cons = [Constraint("列一", ((1, "a"), (1, "c")), Decimal(-3)),
            Constraint("列二", ((1, "a"), (1, "d")), Decimal(-4)),
            Constraint("第一行", ((1, "a"),), Decimal(-1)), own_total,
            Constraint("正文", ((1, "c"), (1, "x")), Decimal(-7))]
    d1, d2 = decide([first, second], cons, {"x": Decimal(5)})
    assert d1.cells == {"a": {"1"}} and d1.broken == [] and not d1.why
    assert set(d1.decided_by) == {c.name for c in cons}
    assert d2.cells == {"t": {"15"}}
    assert d2.decided_by == ["第二行合计"] and d2.broken == []
    assert d2.why == "连写的数字怎样拆分都不满足本表的勾稽关系（至少两处不成立）；印错的可能是“第二行”一行"
    # Its own total broken by every split too: what every split of its digits prints alike is kept.
    broken = _row(("c", "d", "t"), [("7", "8", "16"), ("8", "7", "16"), ("1", "5", "16")], "第二行")
    d1, d2 = decide([first, broken], cons, {"x": Decimal(5)})
    assert d1.cells == {"a": {"1"}}
    assert d2.cells == {"t": {"16"}} and d2.decided_by == ["第二行合计"] and "第二行" in d2.why


def test_when_no_row_can_be_left_out_every_row_is_unreadable_with_the_reason():
    """Each row breaks an identity of its own with a printed cell: leaving either out, the other still does
    not fit. Nothing is decided, nothing repaired; each row says why."""
    first = _row(("a", "b"), [("1", "12"), ("11", "2")], "第一行")
    second = _row(("c", "d"), [("3", "45"), ("34", "5")], "第二行")
    cons = [Constraint(name, ((1, key), (1, "x")), Decimal(-100 * n))
            for n, (name, key) in enumerate((("一", "a"), ("二", "b"), ("三", "c"), ("四", "d")), 1)] + [
        Constraint("连", ((1, "a"), (1, "c")), Decimal(-1000))]
    for d in decide([first, second], cons, {"x": Decimal(5)}):
        assert d.cells == {} and d.decided_by == [] and d.broken == []
        assert d.why == "连写的数字怎样拆分都不满足本表的勾稽关系（至少两处不成立）"


def test_a_row_without_any_candidate_split_says_why_and_the_others_are_solved_without_it():
    """A row whose digits allow no split at all (its reason given by split.py) stays unreadable with that
    reason; the identities through its cells are set aside, and the other rows — here two groups that no
    longer touch each other once it is gone — are decided by the identities left."""
    nothing = Pending(("e1", "e2"), [], "123456789012345", "第1行", "空", "位数与列数对不上")
    p = _row(("a", "b"), [("1", "12"), ("11", "2")], "甲")
    q = _row(("c",), [("3",), ("4",)], "乙")
    r = _row(("d",), [("7",), ("8",)], "丙")
    cons = [Constraint("甲乙", ((1, "b"), (1, "c")), Decimal(-5)), Constraint("甲", ((1, "a"), (-1, "k")), Decimal(0)),
            Constraint("空甲", ((1, "e1"), (1, "a")), Decimal(-5)),
            Constraint("空丙", ((1, "e2"), (1, "d")), Decimal(-1)),
            Constraint("丙", ((1, "d"),), Decimal(-8))]
    d_nothing, dp, dq, dr = decide([nothing, p, q, r], cons, {"k": Decimal(11)})  # 甲: a equals a printed cell
    assert (d_nothing.cells, d_nothing.decided_by, d_nothing.broken, d_nothing.why) == ({}, [], [], "位数与列数对不上")
    assert dp.cells == {"a": {"11"}, "b": {"2"}} and dq.cells == {"c": {"3"}}
    assert set(dp.decided_by) == set(dq.decided_by) == {"甲乙", "甲"}
    assert dr.cells == {"d": {"8"}} and dr.decided_by == ["丙"]


def test_a_cell_printed_empty_counts_zero_and_a_unit_is_not_part_of_the_figure():
    row = _row(("a", "b", "t"), [("115万元", "", "115万元"), ("1", "15万元", "115万元")], "金额")
    (d,) = decide([row], [Constraint("合计", ((1, "a"), (1, "b"), (-1, "t")), Decimal(0))], {})
    assert d.cells == {"a": {"115万元"}, "b": {""}, "t": {"115万元"}}
    row = _row(("a", "b", "t"), [("2.5元", "1", "3.5"), ("2", "5元", "3.5")], "金额")
    (d,) = decide([row], [Constraint("合计", ((1, "a"), (1, "b"), (-1, "t")), Decimal(0))], {})
    assert d.cells == {"a": {"2.5元"}, "b": {"1"}, "t": {"3.5"}}


def test_last_years_figures_enter_as_printed_and_a_figure_that_is_no_number_drops_its_identity():
    """T3-4 against last year's document: ints and floats exactly (0.1 stays 0.1, not its binary
    approximation); a figure missing, a bool or a text leaves that identity out rather than guess."""
    fields = {f"requests.carry_forward.{c}": v for c, v in zip(COLS, (10, 1, 0, 0, 0, 0, 11), strict=True)}
    full = {c.name: c for c in cross_year(FMT, {"tables": fields})}
    assert len(full) == len(COLS) and all(c.tier == 2 for c in full.values())
    natural = next(c for n, c in full.items() if "自然人" in n)
    assert natural.terms == ((1, "requests.carried_over.natural"),) and natural.const == -10
    floats = cross_year(FMT, {"tables": {**fields, "requests.carry_forward.natural": 0.1}})
    assert next(c for c in floats if "自然人" in c.name).const == Decimal("-0.1")
    for odd in (True, "10", None):
        dropped = cross_year(FMT, {"tables": {**fields, "requests.carry_forward.natural": odd}})
        assert sorted(c.name for c in dropped) == sorted(n for n in full if "自然人" not in n)
    assert cross_year(FMT, {}) == []


def test_one_broken_identity_is_named_and_two_that_contradict_each_other_are_alternatives():
    """No split fits every identity, but leaving one out they fit: the splits are decided by the others
    and the one left out is named broken. Two identities each of which could be the misprint: both named,
    as alternatives (one of them is broken), and the cells they disagree on stay undecided."""
    row = _row(("a", "b"), [("1", "12"), ("11", "2")], "甲")
    a11, b3 = Constraint("甲一", ((1, "a"),), Decimal(-11)), Constraint("甲二", ((1, "b"),), Decimal(-3))
    (d,) = decide([row], [a11, b3], {})
    assert (d.cells, d.decided_by, d.broken, d.alternatives) == ({"a": {"11"}, "b": {"2"}}, ["甲一"], ["甲二"], False)
    a1 = Constraint("甲三", ((1, "a"),), Decimal(-1))
    (d,) = decide([row], [a11, a1], {})
    assert d.cells == {"a": {"1", "11"}, "b": {"12", "2"}}
    assert (d.decided_by, sorted(d.broken), d.alternatives) == ([], ["甲一", "甲三"], True)


def test_the_identities_are_every_error_equality_of_this_years_cells_and_a_valid_report_meets_them():
    from factory import valid_document

    for fmt in all_formats().values():
        found = identities(fmt)
        wanted = [i for i in fmt.instances if i.rule.severity == "error" and not i.rule.cross_year and i.op == "=="]
        assert len(found) == len(wanted) > 0
        assert {c.name.partition("（")[0] for c in found} == {i.rule.id for i in wanted}
        assert all(c.tier == 1 for c in found)
        tables = valid_document(fmt, seed=1)["tables"]
        for c in found:
            assert sum((s * Decimal(str(tables[k])) for s, k in c.terms), c.const) == 0, c.name


def test_a_row_with_one_possible_split_is_decided_by_its_digits_and_decides_the_rows_it_touches():
    one = _row(("a", "b"), [("5", "7")], "甲")
    other = _row(("c",), [("1",), ("2",)], "乙")
    d1, d2 = decide([one, other], [Constraint("甲乙", ((1, "a"), (1, "c")), Decimal(-7))], {})
    assert (d1.cells, d1.decided_by, d1.broken) == ({"a": {"5"}, "b": {"7"}}, [], [])
    assert d2.cells == {"c": {"2"}} and d2.decided_by == ["甲乙"]


def test_a_search_past_its_bounds_guesses_nothing_and_says_there_are_too_many_combinations():
    """Three rows of fifty splits each against one identity none of them meets: past MAX_STEPS search
    steps, every row of the table part is unreadable with the reason; so it is when more than
    MAX_SOLUTIONS assignments fit (nothing narrows them)."""
    rows = [_row((f"x{i}",), [(str(n),) for n in range(50)], f"第{i}行") for i in range(3)]
    sum_to = Constraint("合计", tuple((1, f"x{i}") for i in range(3)), Decimal(-1000))
    for d in decide(rows, [sum_to], {}):
        assert (d.cells, d.decided_by, d.broken, d.why) == ({}, [], [], "连写的数字可拆分的组合过多，无法判断")
    loose = Constraint("宽", tuple((1, f"x{i}") for i in range(3)), Decimal(0), tier=1)
    wide = [_row((f"x{i}",), [(str(n),) for n in range(9)] + [("-" + str(n),) for n in range(1, 9)], f"第{i}行")
            for i in range(3)]
    for d in decide(wide, [loose], {}):
        assert d.why == "连写的数字可拆分的组合过多，无法判断" and d.cells == {}


def test_past_the_bound_on_identities_a_table_part_no_split_fits_is_unreadable_without_a_search():
    """More than MAX_DROP_ONE identities broken by every split: no identity is left out in turn — the rows
    are unreadable, saying the digits cannot be split to meet the table's identities."""
    row = _row(("a",), [("1",), ("2",)], "甲")
    cons = [Constraint(f"式{n}", ((1, "a"),), Decimal(-5)) for n in range(solve.MAX_DROP_ONE + 1)]
    (d,) = decide([row], cons, {})
    assert (d.cells, d.decided_by, d.broken, d.why) == ({}, [], [], "连写的数字怎样拆分都不满足本表的勾稽关系")
    (d,) = decide([row], cons[:solve.MAX_DROP_ONE], {})  # at the bound each is left out in turn
    assert d.why != "连写的数字怎样拆分都不满足本表的勾稽关系"


def test_a_row_the_table_alone_decides_cites_only_the_table_and_the_narrative_never_overrules_it():
    """One split meets the table's identities: it is decided by them alone. A narrative figure that agrees
    is not cited as what decided it, and one that contradicts it (a slip in the text) neither breaks the
    split nor is named broken: the narrative only chooses between splits the table allows."""
    row = _row(("a", "b"), [("1", "23"), ("12", "3")], "甲")
    total = Constraint("合计", ((1, "a"), (1, "b"), (-1, "t")), Decimal(0))
    for stated in (12, 1):  # agrees with the table; contradicts it
        (d,) = decide([row], [total] + narrative([(f"共收到申请{stated}件。", ("a",), stated)]), {"t": Decimal(15)})
        assert (d.cells, d.decided_by, d.broken, d.why) == ({"a": {"12"}, "b": {"3"}}, ["合计"], [], "")


def test_a_narrative_figure_is_named_by_the_first_forty_characters_of_its_sentence():
    sentence = "本年度共收到政府信息公开申请二十六件，其中通过网络平台提交的申请占多数，当面提交的较少，共计26件。"
    assert len(sentence) > 40
    (c,) = narrative([(sentence, ("requests.received.total",), Decimal(26))])
    assert c.name == "正文“本年度共收到政府信息公开申请二十六件，其中通过网络平台提交的申请占多数，当面提交”"
    assert (c.terms, c.const, c.tier) == (((1, "requests.received.total"),), Decimal(-26), 2)


def test_narrative_figures_are_read_sentence_by_sentence_across_sections():
    """Each section's text keeps its own sentences: a figure in the second section is quoted as written."""
    sections = {"overview": "本机关认真贯彻落实条例。", "requests": "共收到政府信息公开申请26件。", "signature": None}
    figures = narrative_figures(FMT, sections)
    assert ("共收到政府信息公开申请26件。", ("requests.received.total",), Decimal(26)) in figures


def test_at_the_bound_on_cells_a_wrong_total_is_still_found_cell_by_cell(monkeypatch):
    """A table part with exactly MAX_DROP_CELLS cells is still searched cell by cell: the wrong total stands
    as printed and its row and column are named broken (one cell fewer allowed: judged row by row)."""
    p = _wrong_total()
    cells = {k for c in identities(FMT) if any(k in p.keys for _, k in c.terms) for _, k in c.terms}
    monkeypatch.setattr(solve, "MAX_DROP_CELLS", len(cells))
    (d,) = decide([p], identities(FMT), _wrong_total_known())
    assert d.cells["requests.received.total"] == {"24"}
    assert d.broken == ["T3-1（总计）", "T3-2（一、本年新收政府信息公开申请数量）"] and not d.why
    monkeypatch.setattr(solve, "MAX_DROP_CELLS", len(cells) - 1)
    (d,) = decide([p], identities(FMT), _wrong_total_known())
    assert "requests.received.total" not in d.cells and d.why.endswith("印错的可能是“received”一行")


def test_leaving_a_row_out_the_search_for_the_others_is_bounded_too(monkeypatch):
    """No split fits, nor leaving out one identity (甲's two contradict each other, either way); judged row by
    row (past MAX_DROP_CELLS), leaving 甲 out leaves 乙 and 丙 with nothing to prune them: past MAX_STEPS
    nothing is guessed and every row says there are too many combinations."""
    monkeypatch.setattr(solve, "MAX_DROP_CELLS", 0)
    a = _row(("a",), [("1",), ("2",)], "甲")
    b, c = (_row((k,), [(str(n),) for n in range(300)], k) for k in ("b", "c"))
    cons = [Constraint("甲一", ((1, "a"),), Decimal(-100)), Constraint("甲二", ((1, "a"),), Decimal(-200)),
            Constraint("乙丙", ((1, "b"), (1, "c")), Decimal(1)),
            Constraint("甲乙丙", ((1, "a"), (1, "b"), (1, "c")), Decimal(-5))]
    for d in decide([a, b, c], cons, {}):
        assert (d.cells, d.decided_by, d.broken, d.why) == ({}, [], [], "连写的数字可拆分的组合过多，无法判断")


def test_a_misprint_that_any_of_five_rows_may_hold_names_the_first_four():
    """Five rows, two cells each; both column sums (each printed twice) are far off. No identity and no cell
    left out explains it, any row left out does: every row may be the misprinted one, and each says so,
    naming four of them."""
    rows = [_row((f"a{i}", f"b{i}"), [("1", "1"), ("2", "2")], f"第{i}行") for i in range(1, 6)]
    cons = [Constraint(f"{col}列{n}", tuple((1, f"{col}{i}") for i in range(1, 6)), Decimal(-100))
            for col in "ab" for n in (1, 2)]
    for d in decide(rows, cons, {}):
        assert (d.cells, d.decided_by, d.broken) == ({}, [], [])
        assert d.why == ("连写的数字怎样拆分都不满足本表的勾稽关系（至少两处不成立）"
                         "；印错的可能是“第1行”或“第2行”或“第3行”或“第4行”一行")


def test_the_rows_that_may_hold_the_misprint_are_named_in_the_order_the_report_prints_them():
    """第1行 and 第8行 may each be the misprinted one (the rows between have one split each, decided by their
    digits): they are named in the report's order, 第1行 first (a set of row numbers would give 8 before 1)."""
    rows = [_row((f"a{i}", f"b{i}"), [("1", "1"), ("2", "2")], f"第{i}行") if i in (1, 8) else
            _row((f"x{i}",), [("5",)], f"第{i}行") for i in range(9)]
    cons = [Constraint(f"{col}列{n}", tuple((1, f"{col}{i}") for i in (1, 8)), Decimal(-100))
            for col in "ab" for n in (1, 2)]
    decisions = decide(rows, cons, {})
    for i in (1, 8):
        assert decisions[i].why.endswith("；印错的可能是“第1行”或“第8行”一行")
    assert all(not d.why for i, d in enumerate(decisions) if i not in (1, 8))


def test_the_search_takes_the_rows_with_fewest_splits_first():
    """A row of 40 000 candidate splits beside a row of two that an identity of its own decides: the short
    row is tried first, so the long one is searched once, within MAX_STEPS — not once per split of the other."""
    n = solve.MAX_STEPS * 2 // 3
    long = _row(("x",), [(str(k),) for k in range(n)], "长")
    short = _row(("y",), [("1",), ("2",)], "短")
    cons = [Constraint("短", ((1, "y"),), Decimal(-2)), Constraint("合计", ((1, "x"), (1, "y")), Decimal(-n))]
    dx, dy = decide([long, short], cons, {})
    assert (dx.cells, dy.cells) == ({"x": {str(n - 2)}}, {"y": {"2"}})
    assert not dx.why and not dy.why


def test_a_search_of_exactly_max_steps_steps_decides_and_one_more_is_too_many():
    for n, decided in ((solve.MAX_STEPS, True), (solve.MAX_STEPS + 1, False)):
        row = _row(("a",), [(str(k),) for k in range(n)], "甲")
        (d,) = decide([row], [Constraint("甲", ((1, "a"),), Decimal(-5))], {})
        if decided:
            assert (d.cells, d.why) == ({"a": {"5"}}, "")
        else:
            assert (d.cells, d.why) == ({}, "连写的数字可拆分的组合过多，无法判断")


def test_up_to_max_solutions_fitting_splits_are_weighed_and_one_more_is_too_many():
    """Nothing decides between a row's splits: with MAX_SOLUTIONS of them each cell may be any of its
    texts (unreadable, with what it may be); with one more, too many combinations."""
    n = solve.MAX_SOLUTIONS
    (d,) = decide([_row(("a",), [(str(k),) for k in range(n)], "甲")], [], {})
    assert (d.cells, d.why) == ({"a": {str(k) for k in range(n)}}, "")
    (d,) = decide([_row(("a",), [(str(k),) for k in range(n + 1)], "甲")], [], {})
    assert (d.cells, d.why) == ({}, "连写的数字可拆分的组合过多，无法判断")


# Rules a new version of the format could add after the others: numbers as terms; last year's figure as
# the sum of two of its cells; a rule marked cross-year that names no last-year cell; a rule over the rows of
# 表四, whose one row has no label.
CONSTANT_RULES = """
  - id: X8-1
    title: 常数
    severity: error
    left: ["requests.received.natural", 2]
    right: ["requests.received.commercial", 5]
    message: "{left} 应等于 {right}。"
  - id: X8-2
    title: 跨年常数
    severity: error
    cross_year: true
    left: ["requests.carried_over.natural", 2]
    right: ["prev:requests.carry_forward.natural", "prev:requests.carry_forward.commercial", 1]
    message: "{left} 应等于 {right}。"
  - id: X8-3
    title: 标为跨年
    severity: error
    cross_year: true
    left: ["requests.carried_over.commercial"]
    right: ["requests.carried_over.research"]
    message: "{left} 应等于 {right}。"
  - id: X8-4
    title: 表四的行
    severity: error
    for_each: {row: "rows:reviews"}
    target: "reviews.admin_review.total"
    parts: ["reviews.admin_review.upheld", "reviews.admin_review.corrected", "reviews.admin_review.other",
            "reviews.admin_review.pending"]
    message: "“{row_label}”：总计应为 {expected}。"
"""


@pytest.fixture(scope="module")
def with_constants(tmp_path_factory):
    from nianbao.format.spec import load_spec

    source = all_formats()["gov-info-disclosure-2021"].path
    path = tmp_path_factory.mktemp("spec") / source.name
    head, statements, tail = source.read_text(encoding="utf-8").partition("\nstatements:")
    path.write_text(head.rstrip("\n") + "\n" + CONSTANT_RULES.rstrip("\n") + "\n" + statements + tail, encoding="utf-8")
    return load_spec(path)


def test_an_identity_listed_after_other_rules_counts_with_its_numbers(with_constants):
    """An error equality after the format's warnings is an identity too; its numbers enter the constant
    (natural + 2 = commercial + 5). A rule marked cross-year is never one of this year's identities."""
    found = {c.name.partition("（")[0]: c for c in identities(with_constants)}
    assert (found["X8-1"].terms, found["X8-1"].const) == (
        ((1, "requests.received.natural"), (-1, "requests.received.commercial")), Decimal(-3))
    assert "X8-3" not in found and "T3-4" not in found


def test_an_identity_is_named_by_its_rule_and_its_row_or_column_label_and_by_its_rule_alone_without_one(
        with_constants):
    """The names a decision cites (“依据T3-2”, the notes of each cell): the label in brackets, and no empty
    brackets for 表四's one row, which has no label."""
    names = [c.name for c in identities(with_constants)]
    assert "T3-2（一、本年新收政府信息公开申请数量）" in names and "T4-1（行政复议）" in names
    assert "X8-4" in names and not any(n.startswith("X8-4（") for n in names)


def test_last_years_figures_and_the_rules_numbers_add_up_into_the_cross_year_identity(with_constants):
    """carried_over.natural + 2 = last year's natural 10 + commercial 1 + 1: the constant is 2 − 12."""
    tables = {"requests.carry_forward.natural": 10, "requests.carry_forward.commercial": 1}
    (c,) = [c for c in cross_year(with_constants, {"tables": tables}) if c.name.startswith("X8-2")]
    assert (c.terms, c.const, c.tier) == (((1, "requests.carried_over.natural"),), Decimal(-10), 2)


def test_leaving_one_identity_out_the_search_is_bounded_too():
    """乙 alone rules out every split of its row, so the whole search is short and finds nothing; leaving 乙
    out, 乙丙 is due only once both rows are chosen: past MAX_STEPS nothing is guessed, every row says
    there are too many combinations."""
    b, c = (_row((k,), [(str(n),) for n in range(300)], k) for k in ("b", "c"))
    cons = [Constraint("乙", ((1, "b"),), Decimal(-500)), Constraint("乙丙", ((1, "b"), (1, "c")), Decimal(-1000))]
    for d in decide([b, c], cons, {}):
        assert (d.cells, d.decided_by, d.broken, d.why) == ({}, [], [], "连写的数字可拆分的组合过多，无法判断")


def test_two_cells_either_of_which_may_be_misprinted_keep_both_explanations():
    """a = 11 and b = 12 are each stated twice, so no split fits and no one identity left out explains it;
    leaving out cell a, the split 1|12 fits, leaving out b, 11|2. Both explanations stand: the cells they
    disagree on stay undecided, and the identities named broken are those some explanation breaks — not
    合计, which both splits meet."""
    row = _row(("a", "b"), [("1", "12"), ("11", "2")], "甲")
    cons = [Constraint("甲一", ((1, "a"),), Decimal(-11)), Constraint("甲二", ((1, "a"),), Decimal(-11)),
            Constraint("乙一", ((1, "b"),), Decimal(-12)), Constraint("乙二", ((1, "b"),), Decimal(-12)),
            Constraint("合计", ((1, "a"), (1, "b")), Decimal(-13))]
    (d,) = decide([row], cons, {})
    assert d.cells == {"a": {"1", "11"}, "b": {"12", "2"}}
    assert (d.decided_by, d.broken, d.why) == ([c.name for c in cons], ["乙一", "乙二", "甲一", "甲二"], "")
