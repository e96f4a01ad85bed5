"""The rule engine as a new format version would use it: every comparison at its bound, money within
the spec's tolerance, what a finding says and points at, and what cell states do to a rule.

The shipped specs use `==`, `<=` and `<` only, and no equality touches a money cell; a spec with a few
more rules (written here the way a new statutory version would be) shows the engine does what each
operator means. Everything else runs on the real 2019 and 2021 formats.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from factory import valid_document, valid_tables

from nianbao.check.rules import UNCHECKABLE, evaluate, json_number
from nianbao.check.run import check_document
from nianbao.format.carried import SOURCES, cross_year_severity
from nianbao.format.document import compute_derived
from nianbao.format.layout import layout
from nianbao.format.spec import all_formats, load_spec

F19 = all_formats()["gov-info-disclosure-2019"]
F21 = all_formats()["gov-info-disclosure-2021"]
SPEC21 = Path(F21.path)
FEES = "proactive.fees.amount"  # money, 万元
RECEIVED = "requests.received.natural"
COUNT = "proactive.licensing.decisions"  # a count on 表二

# Rules a new version could add: one per operator on a money cell (tolerance 0.005 万元), strict ones on a
# count, one across two sheets, one naming a cell twice.
EXTRA_RULES = """
  - id: X9-1
    title: 金额等于
    severity: error
    left: ["proactive.fees.amount"]
    right: [12.34]
    message: "收费 {left} 应为 {right}（相差 {diff}）。"
  - id: X9-2
    title: 金额不超过
    severity: warning
    left: ["proactive.fees.amount"]
    op: "<="
    right: [10]
    message: "收费 {left} 不应超过 {right}。"
  - id: X9-3
    title: 金额不少于
    severity: warning
    left: ["proactive.fees.amount"]
    op: ">="
    right: [10]
    message: "收费 {left} 不应少于 {right}。"
  - id: X9-4
    title: 件数少于
    severity: warning
    left: ["proactive.licensing.decisions"]
    op: "<"
    right: [10]
    message: "件数 {left} 应少于 {right}。"
  - id: X9-5
    title: 件数多于
    severity: warning
    left: ["proactive.licensing.decisions"]
    op: ">"
    right: [10]
    message: "件数 {left} 应多于 {right}。"
  - id: X9-6
    title: 跨表
    severity: info
    left: ["proactive.licensing.decisions", "proactive.licensing.decisions"]
    right: [1.5, "proactive.fees.amount", "requests.received.natural", "-requests.received.commercial", 0.25]
    message: "两倍件数 {left}，申请 {right}。"
  - id: X9-7
    title: 上年收费不超过今年加一百
    severity: warning
    cross_year: true
    left: ["prev:proactive.fees.amount"]
    op: "<="
    right: ["proactive.fees.amount", 100]
    message: "上年收费 {left} 超过 {right}。"
"""


@pytest.fixture(scope="module")
def extended(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / SPEC21.name
    # The rules go at the end of the spec's rules block (the statements block follows it).
    head, statements, tail = SPEC21.read_text(encoding="utf-8").partition("\nstatements:")
    path.write_text(head.rstrip("\n") + "\n" + EXTRA_RULES.rstrip("\n") + "\n" + statements + tail, encoding="utf-8")
    return load_spec(path)


def _fired(fmt, tables, rule, **kw) -> list:
    return [f for f in evaluate(fmt, tables, level="county", **kw) if f.rule == rule]


@pytest.mark.parametrize(("rule", "holds", "breaks"), [
    ("X9-1", [12.34, 12.335, 12.345, 12.3449], [12.3451, 12.334, 12.35, 0.0]),
    ("X9-2", [0.0, 9.99, 10.0, 10.005], [10.0051, 10.01, 11.0]),
    ("X9-3", [10.0, 9.995, 11.0, 99999.0], [9.9949, 9.99, 0.0]),
])
def test_money_comparisons_allow_the_spec_tolerance_and_no_more(extended, rule, holds, breaks):
    """0.005 万元 either way: within it a rule holds (float noise, rounding to 分), past it the rule breaks."""
    tables = valid_tables(extended)
    for value in holds:
        assert _fired(extended, {**tables, FEES: value}, rule) == [], value
    for value in breaks:
        assert len(_fired(extended, {**tables, FEES: value}, rule)) == 1, value


@pytest.mark.parametrize(("rule", "holds", "breaks"), [("X9-4", [0, 9], [10, 11, 400]),
                                                       ("X9-5", [11, 400], [10, 9, 0])])
def test_strict_comparisons_of_counts_are_exact(extended, rule, holds, breaks):
    tables = valid_tables(extended)
    for value in holds:
        assert _fired(extended, {**tables, COUNT: value}, rule) == [], value
    for value in breaks:
        (f,) = _fired(extended, {**tables, COUNT: value}, rule)
        assert (f.actual, f.expected) == (value, 10)


def test_the_shipped_specs_compare_with_le_and_lt_at_their_bounds():
    """T2-6 (<=) holds when 本年新公开 equals 对外公开总数; T2-4 (<) breaks at exactly 100000 万元."""
    doc = valid_document(F19)
    doc["tables"]["proactive.normative_docs.published"] = doc["tables"]["proactive.normative_docs.total_public"]
    assert check_document(doc).findings == []
    doc["tables"]["proactive.procurement.amount"] = 99999.99
    assert check_document(doc).findings == []
    doc["tables"]["proactive.procurement.amount"] = 100000.0
    assert check_document(doc).flatten(["rule", "actual", "expected"]) == [["T2-4", 100000, 100000]]


def test_a_finding_states_both_sides_the_difference_and_every_cell(extended):
    tables = {**valid_tables(extended), COUNT: 7, RECEIVED: 30, "requests.received.commercial": 4, FEES: 2.5}
    tables = compute_derived(extended, tables)
    (f,) = _fired(extended, tables, "X9-6")
    assert f.message == "两倍件数 14，申请 30.25。"  # 1.5 + 2.5 + 30 − 4 + 0.25: constants and cells in any order
    assert (f.actual, f.expected) == (14, 30.25)
    assert type(f.actual) is int
    assert type(f.expected) is float
    assert f.severity == "info"
    lay = layout(extended)
    own, other = lay.cells[COUNT], lay.cells[RECEIVED]
    assert (f.sheet, f.cell, f.key) == (own.sheet, own.ref, COUNT)
    assert other.sheet != own.sheet
    assert f.cells == [own.ref, lay.cells[FEES].ref, f"'{other.sheet}'!{other.ref}",
                       f"'{other.sheet}'!{lay.cells['requests.received.commercial'].ref}"]  # each cell once
    (eq,) = _fired(extended, {**tables, FEES: 20.0}, "X9-1")
    assert eq.message == "收费 20 应为 12.34（相差 7.66）。"
    (below,) = _fired(extended, {**tables, FEES: 5.5}, "X9-1")
    assert below.message == "收费 5.5 应为 12.34（相差 6.84）。"  # the difference, whichever side is larger
    assert (below.actual, below.expected) == (5.5, 12.34)


def test_a_sum_finding_names_its_row_and_column_and_the_parts():
    doc = valid_document(F21)
    doc["tables"]["requests.received.total"] += 3
    doc["tables"]["requests.carry_forward.total"] += 3  # the column balance T3-1 still holds
    found = check_document(doc).findings
    assert {(f.rule, f.key) for f in found} == {("T3-2", "requests.received.total"),
                                               ("T3-2", "requests.carry_forward.total")}
    (f,) = [f for f in found if f.key == "requests.received.total"]
    want = doc["tables"]["requests.received.total"]
    assert (f.rule, f.severity, f.key) == ("T3-2", "error", "requests.received.total")
    assert (f.actual, f.expected) == (want, want - 3)
    assert f.message == f"“一、本年新收政府信息公开申请数量”行：总计应为各类申请人之和 {want - 3}，实际为 {want}。"
    assert (f.row_label, f.column_label) == ("一、本年新收政府信息公开申请数量", "总计")
    lay = layout(F21)
    assert f.cells == [lay.cells[k].ref for k in ["requests.received.total"] + [
        f"requests.received.{c}" for c in ("natural", "commercial", "research", "nonprofit", "legal", "other_org")]]


def test_cross_year_severity_softens_only_the_cross_year_rules():
    prev = valid_document(F21, 2021)
    doc = valid_document(F21, 2022, seed=5)
    doc["tables"]["requests.received.natural"] += 1  # T3-1, T3-2: this year's own balance
    result = check_document(doc, previous=prev, cross_year_severity="warning")
    own = {f.severity for f in result.findings if f.rule in ("T3-1", "T3-2")}
    cross = {f.severity for f in result.findings if f.rule in ("T3-4", "T2-1", "T2-2")}
    assert own == {"error"}
    assert cross == {"warning"}
    plain = check_document(doc, previous=prev)
    assert {f.severity for f in plain.findings if f.rule == "T3-4"} == {"error"}


@pytest.mark.parametrize(("source", "severity"), [("published", "warning"), ("nianbao", "error")])
def test_last_years_figures_from_a_published_report_make_cross_year_findings_warnings(source, severity):
    """A published report (read by `nianbao import`, misprints and all) is weaker evidence than nianbao's
    own data: a carry-over that breaks against it is a warning; against nianbao's own (a store, a compiled
    summary, a workbook's carried figures) the spec's severity stands."""
    assert source in SOURCES
    prev = valid_document(F21, 2021)
    doc = valid_document(F21, 2022, seed=5)
    doc["tables"]["requests.carried_over.total"] = prev["tables"]["requests.carry_forward.total"] + 1
    result = check_document(doc, previous=prev, cross_year_severity=cross_year_severity(source))
    assert {f.severity for f in result.findings if f.rule == "T3-4"} == {severity}


@pytest.mark.parametrize(("level", "fires"), [("county", True), ("township", True), ("city", False),
                                               ("province", False), (None, False)])
def test_a_rule_for_some_levels_runs_for_those_only(level, fires):
    tables = {**valid_tables(F21), "proactive.rules.issued": 1}
    assert bool([f for f in evaluate(F21, tables, level=level) if f.rule == "T2-3"]) is fires


def test_a_county_summary_skips_the_per_agency_heuristics_only():
    tables = {**valid_tables(F21), FEES: 38000.0}
    tables["requests.received.natural"] += 1
    tables = compute_derived(F21, tables)
    alone = {f.rule for f in evaluate(F21, tables, level="county")}
    summed = {f.rule for f in evaluate(F21, tables, level="county", consolidated=True)}
    assert alone == {"T2-4", "T3-1"}
    assert summed == {"T3-1"}


@pytest.mark.parametrize("odd", [True, False, "12", None, "", [3]])
def test_a_cell_that_is_not_a_number_leaves_its_rules_to_the_reader(odd):
    """A text, a boolean or a missing value is the reader's or the schema's finding; the rules that touch
    it neither pass nor break on a guess, and every other rule still runs."""
    tables = valid_tables(F21)
    tables[RECEIVED] = odd
    tables["requests.received.legal"] += 1  # breaks T3-1 of 法人 (checked) and the row total T3-2 (not: 自然人)
    found = {(f.rule, f.key) for f in evaluate(F21, tables, level="county")}
    assert found == {("T3-1", "requests.received.legal")}


def test_numbers_of_every_type_add_up_exactly():
    """ints stay ints, floats and Decimals meet as decimals: 0.1 + 0.2 of money is 0.3, a count given as 3.0 is 3."""
    tables = valid_tables(F21)
    tables[RECEIVED] = float(tables[RECEIVED])
    tables["requests.received.commercial"] = Decimal(tables["requests.received.commercial"])
    assert evaluate(F21, tables, level="county") == []
    tables[RECEIVED] += 0.5
    found = [f for f in evaluate(F21, tables, level="county") if f.rule == "T3-2"]
    assert [(f.expected, f.actual) for f in found] == [(tables["requests.received.total"] + 0.5,
                                                        tables["requests.received.total"])]


def test_json_number_keeps_whole_numbers_whole():
    assert json_number(Decimal("12")) == 12
    assert type(json_number(Decimal("12.0"))) is int
    assert json_number(Decimal("12.5")) == 12.5
    assert type(json_number(Decimal("0.01"))) is float


# ---------------------------------------------------------------- cell states of a published report


def _published(fmt, tables: dict, states: dict) -> dict:
    """A report as the importer gives it: the cells it could not read or found blank are not in tables."""
    doc = valid_document(fmt)
    doc["tables"] = {k: v for k, v in tables.items() if k not in states}
    doc["cell_states"] = {k: {"state": s, "printed": ""} for k, s in states.items()}
    return doc


def test_last_years_unreadable_cell_makes_the_cross_year_rule_uncheckable_not_silent():
    """T3-4 compares this year's 上年结转 with last year's published 结转下年度: when last year's cell could
    not be read, the comparison is 无法核对 (a warning naming last year's cell), never dropped or passed."""
    prev_tables = valid_tables(F21)
    prev = _published(F21, prev_tables, {"requests.carry_forward.research": "unreadable"})
    doc = valid_document(F21, 2022, seed=5)
    found = [f for f in check_document(doc, previous=prev).findings if f.rule == "T3-4"]
    lost = [f for f in found if f.message.startswith(UNCHECKABLE)]
    (f,) = lost
    assert (f.severity, f.key) == ("warning", "requests.carried_over.research")
    ref = layout(F21).cells["requests.carry_forward.research"].ref
    assert f"上一年度 {ref}（四、结转下年度继续办理 / 科研机构）" in f.message
    assert "（科研机构）" in f.message  # the column the instance is about
    assert "本项既不算通过也不算不符" in f.message
    assert f.cells == [layout(F21).cells["requests.carried_over.research"].ref]
    # the other columns are compared as usual, and broken where they differ
    others = {f.key for f in found if f not in lost}
    assert "requests.carried_over.research" not in others
    assert others == {f"requests.carried_over.{c}" for c in ("natural", "commercial", "nonprofit", "legal",
                                                              "other_org", "total")
                      if doc["tables"][f"requests.carried_over.{c}"] != prev_tables[f"requests.carry_forward.{c}"]}
    assert len(others) >= 3  # seeds 1 and 5 differ in most columns


def test_last_years_blank_cell_counts_as_zero():
    prev_tables = compute_derived(F21, {**valid_tables(F21), "requests.carry_forward.legal": 0})
    prev = _published(F21, prev_tables, {"requests.carry_forward.legal": "blank"})
    doc = valid_document(F21, 2022, seed=5)
    for col in ("natural", "commercial", "research", "nonprofit", "legal", "other_org"):
        doc["tables"][f"requests.carried_over.{col}"] = prev_tables[f"requests.carry_forward.{col}"]
    doc["tables"] = compute_derived(F21, doc["tables"])
    assert not [f for f in check_document(doc, previous=prev).findings if f.rule == "T3-4"]
    doc["tables"]["requests.carried_over.legal"] = 2
    (f,) = [f for f in check_document(doc, previous=prev).findings if f.rule == "T3-4"]
    assert (f.key, f.actual, f.expected) == ("requests.carried_over.legal", 2, 0)


def test_this_years_unreadable_cells_are_named_six_at_most():
    tables = valid_tables(F21)
    lost = [f"requests.received.{c}" for c in ("natural", "commercial", "research", "nonprofit", "legal",
                                               "other_org")] + ["requests.received.total"]
    found = evaluate(F21, {k: v for k, v in tables.items() if k not in lost}, level="county",
                     states=dict.fromkeys(lost, "unreadable"))
    (row,) = [f for f in found if f.rule == "T3-2" and f.key == "requests.received.total"]
    lay = layout(F21)
    named = [f"{lay.cells[k].ref}（{F21.cells[k].row_label} / {F21.cells[k].column_label}）" for k in lost]
    assert row.message == (f"{UNCHECKABLE}：表三每行总计等于各类申请人之和（一、本年新收政府信息公开申请数量）"
                           f"涉及无法读取的单元格 {'、'.join(named[-1:] + named[:5])}，本项既不算通过也不算不符。")
    assert row.severity == "warning"
    assert all(f.message.startswith(UNCHECKABLE) for f in found if "requests.received." in f.key)


def test_a_rule_without_a_variable_says_no_labels_when_uncheckable():
    tables = valid_tables(F21)
    del tables[FEES]
    (f,) = [f for f in evaluate(F21, tables, level="county", states={FEES: "unreadable"}) if f.rule == "T2-4"]
    assert f.message.startswith(f"{UNCHECKABLE}：收费金额单位可能误填为元涉及无法读取的单元格 ")


def test_blank_cells_are_one_info_per_table_naming_twelve_at_most():
    tables = valid_tables(F21)
    blank = [k for k in F21.cells if k.startswith("requests.outcome.withheld.")][:14] + [COUNT]
    states = dict.fromkeys(blank, "blank")
    found = [f for f in evaluate(F21, {k: v for k, v in tables.items() if k not in blank}, level="county",
                                 states=states) if f.rule == "BLANK_AS_ZERO"]
    lay = layout(F21)
    by_table = {f.sheet: f for f in found}
    assert len(found) == 2
    assert set(by_table) == {lay.cells[blank[0]].sheet, lay.cells[COUNT].sheet}
    three = by_table[lay.cells[blank[0]].sheet]
    refs = [lay.cells[k].ref for k in blank[:14]]
    assert three.message == (f"{F21.table('requests').heading}中 14 个单元格印为空白（不是 0）："
                             f"{'、'.join(refs[:12])} 等 14 格；核对勾稽关系时按 0 计。")
    assert three.cells == refs
    assert (three.cell, three.key, three.severity) == (refs[0], blank[0], "info")
    assert (three.row_label, three.column_label) == (F21.cells[blank[0]].row_label, F21.cells[blank[0]].column_label)
    two = by_table[lay.cells[COUNT].sheet]
    assert two.message.endswith(f"1 个单元格印为空白（不是 0）：{lay.cells[COUNT].ref}；核对勾稽关系时按 0 计。")


def test_last_years_figure_may_stand_on_either_side(extended):
    tables = valid_tables(extended)
    for prev, fires in ((500.0, True), (350.0, False), (400.0, False), (400.01, True)):
        previous = {"tables": {**tables, FEES: prev}}
        found = _fired(extended, {**tables, FEES: 300.0}, "X9-7", previous=previous)
        want = [(json_number(Decimal(str(prev))), 400)] if fires else []
        assert [(f.actual, f.expected) for f in found] == want, prev


def test_an_uncheckable_finding_points_at_the_rules_cell_and_names_last_years(extended):
    tables = valid_tables(extended)
    previous = {"tables": {k: v for k, v in tables.items() if k != FEES},
                "cell_states": {FEES: {"state": "unreadable", "printed": "1,2"}}}
    (f,) = _fired(extended, tables, "X9-7", previous=previous)
    lay, cell = layout(extended), extended.cells[FEES]
    assert f.message == (f"{UNCHECKABLE}：上年收费不超过今年加一百涉及无法读取的单元格 上一年度 {lay.cells[FEES].ref}"
                         "（行政事业性收费 / 本年收费金额（单位：万元）），本项既不算通过也不算不符。")
    assert (f.severity, f.sheet, f.cell, f.key) == ("warning", lay.cells[FEES].sheet, lay.cells[FEES].ref, FEES)
    assert (f.row_label, f.column_label) == (cell.row_label, cell.column_label) == ("行政事业性收费",
                                                                                   "本年收费金额（单位：万元）")
    assert f.cells == [lay.cells[FEES].ref]
    assert (f.expected, f.actual) == (None, None)


def test_a_rule_comparing_a_cell_with_its_own_last_year_value_says_which_year_is_unreadable():
    """T2-1: 现行有效件数 against last year's 现行有效件数 — the same cell key, two reports. Last year's
    figure unreadable: named 上一年度; this year's: named plainly; both: both named."""
    key = "proactive.normative_docs.in_force"
    ref = layout(F21).cells[key].ref
    tables = valid_tables(F21)
    head = f"{UNCHECKABLE}：现行有效件数跨年衔接（行政规范性文件）涉及无法读取的单元格 "
    tail = "，本项既不算通过也不算不符。"
    name = f"{ref}（行政规范性文件 / 现行有效件数）"
    cases = [({}, {key: "unreadable"}, f"上一年度 {name}"), ({key: "unreadable"}, {}, name),
             ({key: "unreadable"}, {key: "unreadable"}, f"{name}、上一年度 {name}")]
    for states, prev_states, named in cases:
        previous = _published(F21, tables, prev_states)
        found = [f for f in evaluate(F21, {k: v for k, v in tables.items() if k not in states}, level="county",
                                     previous=previous, states=states)
                 if f.rule == "T2-1" and f.key == key]
        assert [f.message for f in found] == [head + named + tail], (states, prev_states)


def test_a_previous_report_without_figures_is_still_last_years_report():
    """A previous document with no tables member (nothing readable in it) still has its cross-year rules
    run: what it could not read is 无法核对, not a rule skipped as if there were no previous report."""
    lost = {f"requests.carry_forward.{c}": {"state": "unreadable"} for c in
            ("natural", "commercial", "research", "nonprofit", "legal", "other_org", "total")}
    found = [f for f in evaluate(F21, valid_tables(F21), level="county", previous={"cell_states": lost})
             if f.rule == "T3-4"]
    assert len(found) == 7
    assert all(f.message.startswith(UNCHECKABLE) for f in found)


def test_a_rule_skipped_for_a_level_or_a_summary_does_not_stop_the_rules_after_it():
    """T2-3 (county and township only) and T2-4 (not for a summary) come before the cross-year rules in the
    spec; skipping them must not skip T3-4."""
    prev = valid_document(F21, 2021)
    tables = {**valid_tables(F21, seed=5), "requests.carried_over.natural": 999}
    for kw in ({"level": "city"}, {"level": "county", "consolidated": True}, {"level": None}):
        found = {f.rule for f in evaluate(F21, tables, previous=prev, **kw)}
        assert "T3-4" in found, kw


def test_a_blank_cell_counts_as_zero_in_every_rule_and_the_others_still_run():
    tables = valid_tables(F21)
    tables["requests.received.legal"] = 5
    tables = compute_derived(F21, tables)
    printed = {k: v for k, v in tables.items() if k != "requests.received.legal"}  # printed blank
    tables_broken = {**printed, "reviews.admin_review.total": printed["reviews.admin_review.total"] + 1}
    found = {(f.rule, f.key): f for f in evaluate(F21, tables_broken, level="county",
                                                 states={"requests.received.legal": "blank"})}
    assert found[("T3-2", "requests.received.total")].expected == tables["requests.received.total"] - 5  # as 0
    assert ("T3-1", "requests.received.legal") in found  # 0 + 上年结转 ≠ 办理 + 结转
    assert ("T4-1", "reviews.admin_review.total") in found  # a rule away from the blank cell still runs
    assert found[("BLANK_AS_ZERO", "requests.received.legal")].severity == "info"


@pytest.mark.parametrize("count", [11, 12, 13])
def test_blank_cells_are_listed_up_to_twelve(count):
    keys = [k for k in F21.input_keys() if k.startswith("requests.")][:count]
    tables = {k: v for k, v in valid_tables(F21).items() if k not in keys}
    (f,) = [f for f in evaluate(F21, tables, level="county", states=dict.fromkeys(keys, "blank"))
            if f.rule == "BLANK_AS_ZERO"]
    refs = [layout(F21).cells[k].ref for k in keys]
    more = f" 等 {count} 格" if count > 12 else ""
    assert f.message == (f"{F21.table('requests').heading}中 {count} 个单元格印为空白（不是 0）："
                         f"{'、'.join(refs[:12])}{more}；核对勾稽关系时按 0 计。")
