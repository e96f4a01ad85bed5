"""county/consolidate.py on checked files built in memory: what is summed, what the county's overview says,
the county's cross-year checks over last year's members, the reports behind a county finding, and a
county error although every counted report passed (a bug, said loudly)."""

from __future__ import annotations

import pytest
from memory_kit import A01, A02, F19, F21, T3_1, WARN, checked, doc_of, sub
from state_kit import _carried_from

from nianbao.check.rules import evaluate
from nianbao.check.run import check_document
from nianbao.county.consolidate import MEMBERS_NAMED, consolidate, sum_tables
from nianbao.county.last_year import Previous
from nianbao.county.roster import RosterEntry
from nianbao.findings import Finding
from nianbao.format.document import compute_derived
from nianbao.format.figures import Figures

COUNTY = {"name": "测试县（汇总）", "code": "999", "level": "county"}
A03 = RosterEntry("A03", "测试县第3局", None, None, None)


def unbalanced(entry=A01, seed=4):
    """A report breaking T3-1 (一+二 ≠ 三+四), with its figures."""
    doc = doc_of(entry, seed=seed)
    doc["tables"]["requests.carry_forward.natural"] += 3
    doc["tables"] = compute_derived(F21, doc["tables"])
    assert any(f.rule == "T3-1" and f.severity == "error" for f in evaluate(F21, doc["tables"], level="county"))
    return doc


def compile_(subs, roster=(A01, A02, A03), **options):
    return consolidate(F21, 2021, list(roster), subs, agency=COUNTY, **options)


def test_only_counted_reports_are_summed_and_the_county_says_whose():
    a, b = doc_of(A01, seed=1), doc_of(A02, seed=2)
    bad = unbalanced(A03)
    comp = compile_([sub("a.xlsx", checked(a)), sub("b.xlsx", checked(b, findings=(WARN,))),
                     sub("c.xlsx", checked(bad, findings=(T3_1,)))])
    assert [s.entry.code for s in comp.included] == ["A01", "A02"]
    assert [s.entry.code for s in comp.due] == ["A03"]
    assert comp.counts() == {"missing": 0, "error": 1, "warning": 1, "ok": 1}
    for key in F21.input_keys():
        assert comp.county["tables"][key] == a["tables"][key] + b["tables"][key], key
    assert comp.county["tables"] == compute_derived(F21, comp.county["tables"])  # totals derived again
    assert comp.county["year"] == 2021
    assert comp.county["agency"] == COUNTY
    assert comp.county["sections"]["overview"] == (
        "本报告由测试县汇总2个单位报送的2021年度政府信息公开工作年度报告数据生成（测试县第1局、测试县第2局）。"
        "总体情况的文字说明请汇总单位补充。")
    assert comp.county["consolidated"] == {"members": [{"code": "A01", "name": "测试县第1局", "level": "county"},
                                                        {"code": "A02", "name": "测试县第2局", "level": "county"}]}
    assert comp.bugs == []
    assert comp.county_findings == []
    assert comp.previous is None
    assert comp.include_errors is False


def test_a_county_with_nothing_counted_sums_to_zero_and_says_nothing():
    comp = compile_([])
    assert comp.county["sections"]["overview"] == ""
    assert comp.county["consolidated"] == {"members": []}
    assert all(comp.county["tables"][k] == 0 for k in F21.input_keys())
    assert comp.counts()["missing"] == 3
    assert len(comp.due) == 3


def test_a_large_county_names_its_first_members_and_counts_the_rest():
    members = [RosterEntry(f"B{i:03d}", f"第{i}单位", "township" if i % 2 else None, None, None)
               for i in range(MEMBERS_NAMED + 5)]
    tables = [doc_of(seed=1)["tables"]] * len(members)
    doc = sum_tables(F21, 2021, {"name": "某市", "code": "1"}, iter(tables), members)
    overview = doc["sections"]["overview"]
    assert overview.startswith(f"本报告由某市汇总{MEMBERS_NAMED + 5}个单位报送的2021年度")
    assert f"第{MEMBERS_NAMED - 1}单位等{MEMBERS_NAMED + 5}个单位）" in overview
    assert f"第{MEMBERS_NAMED}单位" not in overview
    assert [m["level"] for m in doc["consolidated"]["members"][:2]] == ["", "township"]
    assert len(doc["consolidated"]["members"]) == MEMBERS_NAMED + 5
    exact = sum_tables(F21, 2021, {"name": "某市", "code": "1"}, iter(tables[:MEMBERS_NAMED]),
                       members[:MEMBERS_NAMED])
    assert "等" not in exact["sections"]["overview"]
    assert exact["tables"]["requests.received.natural"] == MEMBERS_NAMED * tables[0]["requests.received.natural"]


def test_a_county_error_although_every_counted_report_passed_is_a_bug():
    """Every rule is linear: counted reports that pass cannot sum to a county that fails. If they do
    (here: a report whose own check missed its imbalance), it is reported as a bug of nianbao."""
    comp = compile_([sub("a.xlsx", checked(unbalanced(A01))), sub("b.xlsx", checked(doc_of(A02, seed=2)))])
    assert [f.rule for f in comp.bugs] == ["T3-1"] * len(comp.bugs)
    assert comp.bugs
    assert comp.bugs == [f for f in comp.county_findings if f.severity == "error"]
    # With a report with errors counted on purpose, the county's error is that report's, not a bug.
    wide = compile_([sub("a.xlsx", checked(unbalanced(A01), findings=(T3_1,))),
                     sub("b.xlsx", checked(doc_of(A02, seed=2)))], include_errors=True)
    assert wide.bugs == []
    assert any(f.rule == "T3-1" for f in wide.county_findings)
    assert wide.include_errors is True


def test_a_county_total_above_its_range_is_reported_but_is_no_bug():
    high = doc_of(A01, seed=1)
    key = "requests.received.natural"
    high["tables"][key] = int(F21.bounds["count"][1])
    high["tables"] = compute_derived(F21, high["tables"])
    twin = doc_of(A02, seed=2)
    twin["tables"][key] = int(F21.bounds["count"][1])
    twin["tables"] = compute_derived(F21, twin["tables"])
    comp = compile_([sub("a.xlsx", checked(high)), sub("b.xlsx", checked(twin))])
    out_of_range = [f for f in comp.county_findings if f.rule == "CELL_OUT_OF_RANGE"]
    assert out_of_range
    assert comp.bugs == [f for f in comp.county_findings
                                          if f.severity == "error" and f.rule != "CELL_OUT_OF_RANGE"]
    assert all(f.rule != "CELL_OUT_OF_RANGE" for f in comp.bugs)


def test_the_reports_behind_a_county_finding():
    a = sub("a.xlsx", checked(unbalanced(A01), findings=(T3_1,)))
    elsewhere = Finding("T3-1", "error", "别处。", key="requests.other")
    b = sub("b.xlsx", checked(unbalanced(A02, seed=5), findings=(elsewhere,)))
    c = sub("c.xlsx", checked(doc_of(A03, seed=6), findings=(WARN,)))
    comp = compile_([a, b, c], include_errors=True)
    same_cell = Finding("T3-1", "error", "县。", key=T3_1.key)
    assert [(s.entry.code, f) for s, f in comp.causes(same_cell)] == [("A01", T3_1)]
    other_cell = Finding("T3-1", "warning", "县。", key="requests.nowhere")
    assert [(s.entry.code, f) for s, f in comp.causes(other_cell)] == [("A01", T3_1), ("A02", elsewhere)]
    assert [s.entry.code for s, _ in comp.causes(Finding("T2-9", "warning", "县。", key="x"))] == ["A03"]
    assert comp.causes(Finding("T3-1", "info", "县。", key=T3_1.key)) == []
    assert comp.causes(Finding("T9-9", "error", "县。")) == []
    narrow = compile_([a, b, c])  # errors not counted: no report behind it
    assert narrow.causes(same_cell) == []


def _last_year(code: str, seed: int) -> dict:
    return doc_of(RosterEntry(code, f"测试县第{code[-1]}局", "county", None, None), seed=seed, fmt=F19, year=2020)


def _previous(*docs, incomplete=()):
    agencies = {}
    for doc in docs:
        doc = {**doc, "tables": dict(doc["tables"])}
        if doc["agency"]["code"] in incomplete:
            doc["tables"]["requests.carry_forward.natural"] = None
        agencies[doc["agency"]["code"]] = Figures.of(doc)
    return Previous("/data/2020/summary.json", None, agencies)


def test_the_countys_cross_year_check_uses_last_years_complete_members_only():
    last = {code: _last_year(code, 40 + i) for i, code in enumerate(("A01", "A02"))}
    subs = [sub("a.xlsx", checked(_carried_from(doc_of(A01, seed=1), last["A01"], 1))),
            sub("b.xlsx", checked(_carried_from(doc_of(A02, seed=2), last["A02"], 2)))]
    previous = _previous(*last.values(), incomplete=("A02",))
    comp = compile_(subs, previous=previous)
    assert [s.entry.code for s in comp.included] == ["A01", "A02"]
    c4 = [f for f in comp.county_findings if f.rule == "C4"]
    assert [(f.severity, f.message) for f in c4] == [
        ("warning", "以下单位没有上一年度报告（或其中有无法读取的数字），跨年度核对只比较其余单位：测试县第2局。")]
    # T3-4 compares the county's 上年结转 (A01's and A02's) with last year's 结转下年度 of A01 alone.
    natural = [f for f in comp.county_findings if f.rule == "T3-4" and f.key == "requests.carried_over.natural"]
    assert [(f.expected, f.actual) for f in natural] == [
        (last["A01"]["tables"]["requests.carry_forward.natural"],
         sum(d["tables"]["requests.carry_forward.natural"] for d in last.values()))]
    assert comp.previous is previous


def test_without_any_complete_member_last_year_the_county_is_not_compared():
    last = _last_year("A01", 40)
    subs = [sub("a.xlsx", checked(_carried_from(doc_of(A01, seed=1), last, 1)))]
    comp = compile_(subs, previous=_previous(_last_year("A09", 41)))
    assert [f.rule for f in comp.county_findings] == ["C4"]
    assert comp.county_findings[0].message.endswith("：测试县第1局。")
    assert [s.entry.code for s in comp.included] == ["A01"]  # PREVIOUS_MISSING is only information
    everyone = compile_(subs, previous=_previous(last))
    assert everyone.county_findings == []  # last year's figures agree with this year's


@pytest.mark.parametrize(("kind", "severity"), [("nianbao", "error"), ("published", "warning")])
def test_the_countys_cross_year_findings_are_the_cross_year_rules_at_the_sources_severity(kind, severity):
    subs = [sub("a.xlsx", checked(unbalanced(A01), findings=(T3_1,)))]
    previous = _previous(_last_year("A01", 40))
    previous.kind = kind
    comp = compile_(subs, previous=previous, include_errors=True)
    own = [f for f in check_document(comp.county).findings if f.rule == "T3-1"]
    assert own  # the county's own check, and not again from the cross-year pass
    assert [f for f in comp.county_findings if f.rule == "T3-1"] == own
    cross = [f for f in comp.county_findings if f.rule == "T3-4"]
    assert cross
    assert {f.severity for f in cross} == {severity}
