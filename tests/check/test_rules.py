"""Rules engine over report documents: valid reports are clean; each broken figure names its cell."""

from __future__ import annotations

import random

import pytest
from factory import _balance_requests, valid_document, valid_tables

from nianbao.check.rules import evaluate
from nianbao.check.run import check_document
from nianbao.format.document import compute_derived
from nianbao.format.layout import layout
from nianbao.format.spec import all_formats

FORMATS = sorted(all_formats())


def _errors(result):
    return [f for f in result.findings if f.severity == "error"]


@pytest.mark.parametrize("format_id", FORMATS)
def test_valid_report_is_clean(format_id):
    fmt = all_formats()[format_id]
    result = check_document(valid_document(fmt))
    assert result.findings == [], [f.message for f in result.findings]
    assert result.status == "ok"


@pytest.mark.parametrize("format_id", FORMATS)
def test_t3_1_broken_balance_names_column(format_id):
    """T3-1: 一+二 = （七）总计 + 四 per column."""
    fmt = all_formats()[format_id]
    doc = valid_document(fmt)
    doc["tables"]["requests.carry_forward.commercial"] += 2
    doc["tables"]["requests.carry_forward.total"] += 2  # keep the row total right: only T3-1 breaks
    result = check_document(doc)
    rows = result.flatten(["rule", "severity", "cell", "column_label"])
    lay = layout(fmt)
    assert ["T3-1", "error", lay.cells["requests.received.commercial"].ref, "商业企业"] in rows
    assert ["T3-1", "error", lay.cells["requests.received.total"].ref, "总计"] in rows
    assert {r[0] for r in rows} == {"T3-1"}
    t31 = next(f for f in result.findings if f.column_label == "商业企业")
    assert t31.actual + 2 == t31.expected
    assert lay.cells["requests.carry_forward.commercial"].ref in t31.cells


@pytest.mark.parametrize("format_id", FORMATS)
def test_t3_2_row_total(format_id):
    fmt = all_formats()[format_id]
    doc = valid_document(fmt)
    doc["tables"]["requests.received.total"] += 1
    doc["tables"]["requests.carry_forward.total"] += 1  # T3-1 of the total column still holds
    rows = check_document(doc).flatten(["rule", "key", "expected", "actual"])
    want = doc["tables"]["requests.received.total"]
    fwd = doc["tables"]["requests.carry_forward.total"]
    assert rows == [["T3-2", "requests.received.total", want - 1, want],
                    ["T3-2", "requests.carry_forward.total", fwd - 1, fwd]]


def test_t3_3_outcome_total_2021_includes_the_three_other_rows():
    fmt = all_formats()["gov-info-disclosure-2021"]
    doc = valid_document(fmt)
    doc["tables"]["requests.outcome.other.unpaid_fee.research"] += 1
    doc["tables"]["requests.outcome.other.unpaid_fee.total"] += 1
    rows = check_document(doc).flatten(["rule", "key"])
    assert ["T3-3", "requests.outcome.total.research"] in rows
    assert ["T3-3", "requests.outcome.total.total"] in rows


@pytest.mark.parametrize("format_id", FORMATS)
def test_t4_1_group_totals(format_id):
    fmt = all_formats()[format_id]
    doc = valid_document(fmt)
    doc["tables"]["reviews.litigation_after_review.pending"] += 3
    rows = check_document(doc).flatten(["rule", "key", "column_label"])
    assert rows == [["T4-1", "reviews.litigation_after_review.total", "总计"]]


@pytest.mark.parametrize("format_id", FORMATS)
def test_t2_3_rules_row_nonzero_is_a_warning_for_county_only(format_id):
    fmt = all_formats()[format_id]
    doc = valid_document(fmt)
    key = next(k for k in fmt.cells if k.startswith("proactive.rules."))
    doc["tables"][key] = 2
    rows = check_document(doc).flatten(["rule", "severity", "key"])
    assert rows == [["T2-3", "warning", key]]
    doc["agency"]["level"] = "city"
    assert check_document(doc).findings == []


def test_t2_4_fees_probably_in_yuan():
    fmt = all_formats()["gov-info-disclosure-2021"]
    doc = valid_document(fmt)
    doc["tables"]["proactive.fees.amount"] = 38000.0
    assert check_document(doc).flatten(["rule", "severity"]) == [["T2-4", "warning"]]
    doc["tables"]["proactive.fees.amount"] = 999.99
    assert check_document(doc).findings == []


def test_t2_6_published_not_above_total_2019():
    fmt = all_formats()["gov-info-disclosure-2019"]
    doc = valid_document(fmt)
    doc["tables"]["proactive.normative_docs.published"] = doc["tables"]["proactive.normative_docs.total_public"] + 1
    assert check_document(doc).flatten(["rule", "key"]) == [["T2-6", "proactive.normative_docs.published"]]


def test_money_uses_decimal_with_tolerance():
    """Binary float noise in 万元 never breaks a rule; real differences do."""
    fmt = all_formats()["gov-info-disclosure-2021"]
    tables = valid_tables(fmt)
    tables["proactive.fees.amount"] = 0.1 + 0.2  # 0.30000000000000004
    assert evaluate(fmt, tables, level="county") == []


def test_t3_4_carry_over_across_the_2021_format_change():
    """T3-4 holds across 2020 (2019 format) -> 2021: both formats have 二、上年结转 and 四、结转下年度."""
    f19, f21 = all_formats()["gov-info-disclosure-2019"], all_formats()["gov-info-disclosure-2021"]
    prev = valid_document(f19, 2020)
    doc = valid_document(f21, 2021, seed=7)
    for col in ("natural", "commercial", "research", "nonprofit", "legal", "other_org"):
        doc["tables"][f"requests.carried_over.{col}"] = prev["tables"][f"requests.carry_forward.{col}"]
    _balance_requests(f21, doc["tables"], random.Random(3))  # keep 一+二=三+四 with the new carry-over
    doc["tables"] = compute_derived(f21, doc["tables"])
    base = {f.rule for f in check_document(doc, previous=prev).findings}
    assert "T3-4" not in base
    doc["tables"]["requests.carried_over.natural"] += 1
    rows = [r for r in check_document(doc, previous=prev).flatten(["rule", "severity", "key"]) if r[0] == "T3-4"]
    assert rows == [["T3-4", "error", "requests.carried_over.natural"]]
    weak = check_document(doc, previous=prev, cross_year_severity="warning")
    assert {f.severity for f in weak.findings if f.rule == "T3-4"} == {"warning"}
    # 2021-only cross-year rules skip quietly when last year was the 2019 format (no 现行有效件数 there)
    assert not any(f.rule in ("T2-1", "T2-2") for f in check_document(doc, previous=prev).findings)


def test_t2_1_in_force_carries_over_2021():
    fmt = all_formats()["gov-info-disclosure-2021"]
    prev = valid_document(fmt, 2021)
    doc = valid_document(fmt, 2022, seed=5)
    t = doc["tables"]
    t["proactive.normative_docs.in_force"] = (prev["tables"]["proactive.normative_docs.in_force"]
                                              + t["proactive.normative_docs.issued"]
                                              - t["proactive.normative_docs.repealed"])
    t["proactive.rules.in_force"] = prev["tables"]["proactive.rules.in_force"]
    assert not [f for f in check_document(doc, previous=prev).findings if f.rule == "T2-1"]
    t["proactive.normative_docs.in_force"] += 4
    rows = [r for r in check_document(doc, previous=prev).flatten(["rule", "severity", "row_label"])
            if r[0] == "T2-1"]
    assert rows == [["T2-1", "warning", "行政规范性文件"]]


@pytest.mark.parametrize("format_id", FORMATS)
def test_every_covered_input_perturbed_names_its_cell(format_id):
    """Perturbing any single input covered by an equality rule makes a rule fire whose cells include it.

    (Inequality rules such as T2-6 only fire in one direction; they have their own tests.)"""
    fmt = all_formats()[format_id]
    base = valid_document(fmt)
    lay = layout(fmt)
    covered = {k for i in fmt.instances if not i.rule.cross_year and i.op == "=="
               and (not i.rule.applies_to or "county" in i.rule.applies_to) for k in i.keys()}
    checked = 0
    for key in fmt.input_keys():
        if key not in covered:
            continue
        doc = valid_document(fmt)
        doc["tables"][key] = doc["tables"][key] + (1 if fmt.cells[key].kind != "money" else 1000.0)
        result = check_document(doc)
        assert any(lay.cells[key].ref in f.cells for f in result.findings), key
        checked += 1
    assert checked >= 140  # every 表三/表四 input and the 规章 row
    assert base["tables"] == valid_document(fmt)["tables"]


@pytest.mark.parametrize("format_id", FORMATS)
def test_blank_counts_as_zero_and_unreadable_is_not_checkable(format_id):
    """Cell states of a published report: blank = 0 (one info per table); unreadable → 无法核对, never pass/fail."""
    fmt = all_formats()[format_id]
    tables = valid_tables(fmt)
    tables["requests.carry_forward.legal"] -= tables["requests.received.legal"]  # keep T3-1 with a 0 there
    tables["requests.received.legal"] = 0
    tables = compute_derived(fmt, tables)
    del tables["requests.received.legal"]  # printed blank
    findings = evaluate(fmt, tables, level="county", states={"requests.received.legal": "blank"})
    assert [(f.rule, f.severity, f.key) for f in findings] == [("BLANK_AS_ZERO", "info", "requests.received.legal")]
    tables["requests.received.legal"] = 0
    tables["requests.received.total"] += 5  # broken, but one of its parts cannot be read
    del tables["requests.received.natural"]
    findings = evaluate(fmt, tables, level="county", states={"requests.received.natural": "unreadable"})
    uncheckable = [f for f in findings if f.message.startswith("无法核对")]
    assert {(f.rule, f.key) for f in uncheckable} == {("T3-2", "requests.received.total"),
                                                      ("T3-1", "requests.received.natural")}
    assert {f.severity for f in uncheckable} == {"warning"}
    # the 总计 column's balance does not touch the unreadable cell: it is checked, and broken
    assert [(f.rule, f.key, f.severity) for f in findings if f not in uncheckable] == [
        ("T3-1", "requests.received.total", "error")]
    plain = evaluate(fmt, tables, level="county")  # without states a missing cell is skipped, as before
    assert [(f.rule, f.key) for f in plain] == [("T3-1", "requests.received.total")]
