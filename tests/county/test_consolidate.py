"""Compile: matching by agency code, status per roster agency, county sums, cross-year checks."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from factory import _balance_requests, valid_document

from nianbao.check.run import check_file
from nianbao.county.roster import load_roster
from nianbao.county.store import Store
from nianbao.format.document import as_decimal, compute_derived
from nianbao.format.layout import layout
from nianbao.format.spec import all_formats
from nianbao.template.write import write_template
from nianbao.workflow.compile import CompileOptions, compile_reports

F19 = all_formats()["gov-info-disclosure-2019"]
F21 = all_formats()["gov-info-disclosure-2021"]
COLS = ("natural", "commercial", "research", "nonprofit", "legal", "other_org")


def agency(i: int) -> dict:
    return {"name": f"测试县第{i}局", "code": f"A{i:02d}", "level": "county"}


def write_roster(path: Path, codes: list[int]) -> Path:
    path.write_text("code,name,level\n" + "".join(f"A{i:02d},测试县第{i}局,county\n" for i in codes), encoding="utf-8")
    return path


def workbook(folder: Path, fmt, year: int, doc: dict, name: str, mtime: int) -> Path:
    path = write_template(fmt, year, doc["agency"], folder / name, document=doc)
    os.utime(path, (mtime, mtime))
    return path


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """Eleven roster agencies with every kind of trouble, plus one stranger and one non-workbook."""
    inbox = tmp_path_factory.mktemp("inbox")
    docs = {}
    t = 1_700_000_000
    for i in range(1, 8):  # A01–A07 clean (A03 with a warning)
        docs[i] = valid_document(F21, 2021, seed=i, agency=agency(i))
        if i == 3:
            docs[i]["tables"]["proactive.fees.amount"] = 2500.0  # T2-4: probably 元
        workbook(inbox, F21, 2021, docs[i], f"{i:02d}.xlsx", t + i)
    broken = valid_document(F21, 2021, seed=9, agency=agency(9))  # A09: 一+二≠三+四
    broken["tables"]["requests.carry_forward.natural"] += 3
    workbook(inbox, F21, 2021, broken, "09.xlsx", t + 9)
    first = valid_document(F21, 2021, seed=10, agency=agency(10))  # A10 sends twice; the second counts
    first["tables"]["requests.received.natural"] = "十二"
    workbook(inbox, F21, 2021, first, "10-初稿.xlsx", t + 10)
    docs[10] = valid_document(F21, 2021, seed=11, agency=agency(10))
    workbook(inbox, F21, 2021, docs[10], "10-修改稿.xlsx", t + 20)
    old = valid_document(F19, 2020, seed=12, agency=agency(11))  # A11 returns last year's template
    workbook(inbox, F19, 2020, old, "11.xlsx", t + 11)
    stranger = valid_document(F21, 2021, seed=13, agency={"name": "外县某局", "code": "X99", "level": "county"})
    workbook(inbox, F21, 2021, stranger, "外县.xlsx", t + 12)
    (inbox / "情况说明.txt").write_text("我单位今年没有依申请公开。", encoding="utf-8")
    roster = write_roster(tmp_path_factory.mktemp("r") / "roster.csv", list(range(1, 12)))  # A08 never reports
    comp = compile_reports(CompileOptions(fmt=F21, year=2021, roster=load_roster(roster), out_dir=inbox / "out",
                                          paths=sorted(inbox.iterdir()), name="测试县", code="999999"))
    return comp, docs


def test_status_of_every_roster_agency(county):
    comp, _ = county
    status = {s.entry.code: s.status for s in comp.statuses}
    assert status == {"A01": "ok", "A02": "ok", "A03": "warning", "A04": "ok", "A05": "ok", "A06": "ok",
                      "A07": "ok", "A08": "missing", "A09": "error", "A10": "ok", "A11": "error"}
    a11 = next(s for s in comp.statuses if s.entry.code == "A11")
    assert [f.rule for f in a11.findings] == ["WRONG_YEAR"]
    a09 = next(s for s in comp.statuses if s.entry.code == "A09")
    assert {f.rule for f in a09.findings if f.severity == "error"} == {"T3-1"}


def test_included_set_and_duplicates(county):
    comp, _ = county
    assert [s.entry.code for s in comp.included] == ["A01", "A02", "A03", "A04", "A05", "A06", "A07", "A10"]
    a10 = next(s for s in comp.statuses if s.entry.code == "A10")
    assert Path(a10.submission.file).name == "10-修改稿.xlsx"
    assert [Path(s.file).name for s in comp.superseded] == ["10-初稿.xlsx"]
    assert [s.code for s in comp.unknown] == ["X99"]
    assert [Path(s.file).name for s in comp.unidentified] == ["情况说明.txt"]


def test_county_totals_are_the_sums(county):
    comp, docs = county
    included = [docs[i] for i in (1, 2, 3, 4, 5, 6, 7, 10)]
    for key, cell in F21.cells.items():
        got = comp.county["tables"][key]
        if cell.kind == "money":  # cents add up exactly: Decimal, as the departments wrote them
            assert as_decimal(got) == sum(as_decimal(d["tables"][key]) for d in included), key
        else:
            assert got == sum(d["tables"][key] for d in included), key
            assert type(got) is int, key
    assert comp.bugs == []
    assert not [f for f in comp.county_findings if f.severity == "error"]
    # --name as given (issue 13)
    assert comp.county["agency"] == {"name": "测试县", "code": "999999", "level": "county"}
    assert [m["code"] for m in comp.county["consolidated"]["members"]] == [
        "A01", "A02", "A03", "A04", "A05", "A06", "A07", "A10"]


def test_include_errors_only_adds_complete_reports(county, tmp_path):
    comp, _ = county
    files = [Path(s.submission.file) for s in comp.statuses if s.submission] + [Path(s.file) for s in comp.superseded]
    roster = write_roster(tmp_path / "roster.csv", list(range(1, 12)))
    wide = compile_reports(CompileOptions(fmt=F21, year=2021, roster=load_roster(roster), out_dir=tmp_path,
                                          paths=files, include_errors=True))
    assert "A09" in [s.entry.code for s in wide.included]  # complete, only unbalanced
    assert "A11" not in [s.entry.code for s in wide.included]  # no usable document
    assert wide.bugs == []  # with errors included, a county imbalance is not a bug


def _pair(i: int, seed: int):
    """A 2020 (2019-format) report and a 2021 report whose 上年结转 equals 2020's 结转下年度."""
    prev = valid_document(F19, 2020, seed=seed, agency=agency(i))
    doc = valid_document(F21, 2021, seed=seed + 100, agency=agency(i))
    for col in COLS:
        doc["tables"][f"requests.carried_over.{col}"] = prev["tables"][f"requests.carry_forward.{col}"]
    _balance_requests(F21, doc["tables"], random.Random(seed))
    doc["tables"] = compute_derived(F21, doc["tables"])
    return prev, doc


def test_cross_year_across_the_format_change(tmp_path):
    """T3-4 from 2020 (2019 format) to 2021 (2021 format), with one carry-over mismatch."""
    store20 = Store(tmp_path / "store2020")
    inbox = tmp_path / "2021"
    inbox.mkdir()
    (tmp_path / "2020").mkdir()
    for i in range(1, 5):
        prev, doc = _pair(i, seed=i)
        if i == 2:
            doc["tables"]["requests.carried_over.natural"] += 1
            doc["tables"]["requests.carry_forward.natural"] += 1  # 2021 still balances by itself
            doc["tables"] = compute_derived(F21, doc["tables"])
        path20 = write_template(F19, 2020, prev["agency"], tmp_path / "2020" / f"{i}.xlsx", document=prev)
        store20.add(path20, check_file(path20))
        workbook(inbox, F21, 2021, doc, f"{i}.xlsx", 1_700_000_000 + i)
    assert check_file(inbox / "2.xlsx").status == "ok"  # on its own the 2021 report is fine
    roster = load_roster(write_roster(tmp_path / "roster.csv", [1, 2, 3, 4]))
    comp = compile_reports(CompileOptions(fmt=F21, year=2021, roster=roster, out_dir=tmp_path / "out",
                                          paths=sorted(inbox.iterdir()), previous=store20.root))
    status = {s.entry.code: s.status for s in comp.statuses}
    assert status == {"A01": "ok", "A02": "error", "A03": "ok", "A04": "ok"}
    a02 = next(s for s in comp.statuses if s.entry.code == "A02")
    assert [(f.rule, f.severity, f.column_label) for f in a02.findings] == [
        ("T3-4", "error", "自然人"), ("T3-4", "error", "总计")]
    # county level: compared over the same members (A02 is left out this year, so also last year)
    assert [f.rule for f in comp.county_findings] == []


@pytest.mark.parametrize("source", ["summary.json", "summary.xlsx"])
def test_cross_year_against_last_years_summary(tmp_path, source):
    """T3-4 against last year's compiled summary (2019 format), from summary.json or, alone, summary.xlsx."""
    (tmp_path / "2020").mkdir()
    inbox = tmp_path / "2021"
    inbox.mkdir()
    for i in range(1, 5):
        prev, doc = _pair(i, seed=i)
        if i == 2:
            doc["tables"]["requests.carried_over.natural"] += 1
            doc["tables"]["requests.carry_forward.natural"] += 1
            doc["tables"] = compute_derived(F21, doc["tables"])
        write_template(F19, 2020, prev["agency"], tmp_path / "2020" / f"{i}.xlsx", document=prev)
        workbook(inbox, F21, 2021, doc, f"{i}.xlsx", 1_700_000_000 + i)
    roster = load_roster(write_roster(tmp_path / "roster.csv", [1, 2, 3, 4]))
    from nianbao.workflow.compile import write_outputs

    last = compile_reports(CompileOptions(fmt=F19, year=2020, roster=roster, out_dir=tmp_path / "out2020",
                                          paths=sorted((tmp_path / "2020").iterdir())))
    written = write_outputs(last, tmp_path / "out2020", render=False)
    if source == "summary.xlsx":
        written["summary.json"].unlink()  # so the figures come from the 分部门明细 sheet
    comp = compile_reports(CompileOptions(fmt=F21, year=2021, roster=roster, out_dir=tmp_path / "out",
                                          paths=sorted(inbox.iterdir()), previous=written[source]))
    assert {s.entry.code: s.status for s in comp.statuses} == {"A01": "ok", "A02": "error", "A03": "ok", "A04": "ok"}
    a02 = next(s for s in comp.statuses if s.entry.code == "A02")
    assert [(f.rule, f.severity, f.column_label) for f in a02.findings] == [
        ("T3-4", "error", "自然人"), ("T3-4", "error", "总计")]
    assert [f.rule for f in comp.county_findings] == []


def test_year_over_year_change_is_info(tmp_path):
    prev, doc = _pair(1, seed=1)
    prev["tables"]["requests.received.total"] = 2
    from nianbao.county.yoy import yoy as _yoy

    fmt = all_formats()[doc["format"]]
    doc["tables"]["requests.received.total"] = 40
    (f,) = _yoy(fmt, doc["tables"], prev["tables"])
    assert (f.rule, f.severity, f.actual, f.expected) == ("Y-1", "info", 40, 2)
    # It names the cell like every other finding: 表三, the 总计 column of 本年新收.
    pos = layout(fmt).cells["requests.received.total"]
    assert (f.sheet, f.cell, f.column_label) == (pos.sheet, pos.ref, "总计")
    doc["tables"]["requests.received.total"] = 3
    assert _yoy(fmt, doc["tables"], prev["tables"]) == []


# -- outputs: summary.xlsx / summary.json, and the two-level roll-up


def test_summary_workbook_is_a_readable_report_and_matches_json(county, tmp_path):
    import json

    import openpyxl

    from nianbao.workflow.compile import write_outputs

    comp, _ = county
    written = write_outputs(comp, tmp_path / "out", render=False)
    data = json.loads(written["summary.json"].read_text(encoding="utf-8"))
    result = check_file(written["summary.xlsx"], expect_year=2021)
    assert result.kind == "summary" and result.status == "ok", [f.message for f in result.findings]
    assert result.document["tables"] == data["report"]["tables"] == comp.county["tables"]
    assert [a["status_label"] for a in data["agencies"]][7:] == ["未报送", "有错误", "通过", "有错误"]
    assert data["completion"] == {"roster": 11, "reported": 10, "rate": 0.9091, "missing": 1, "error": 2,
                                  "warning": 1, "ok": 7}
    book = openpyxl.load_workbook(written["summary.xlsx"])
    assert book.sheetnames[:2] == ["报送情况", "图表"] and {"分部门明细", "问题清单"} <= set(book.sheetnames)
    assert all(ws.protection.sheet for ws in book.worksheets)
    assert book["图表"]._charts, "the chart sheet has charts"
    again = write_outputs(comp, tmp_path / "again", render=False)
    assert again["summary.xlsx"].read_bytes() == written["summary.xlsx"].read_bytes()


@pytest.mark.libreoffice
def test_summary_workbook_in_libreoffice(county, tmp_path):
    import json

    from lo import convert, convert_all
    from pdf import text

    from nianbao.workflow.compile import write_outputs

    comp, _ = county
    written = write_outputs(comp, tmp_path / "out", render=False)
    printed = "".join(text(convert(written["summary.xlsx"], tmp_path / "pdf", to="pdf")).split())
    assert "测试县2021年度政府信息公开工作年度报告报送情况" in printed  # the 报送情况 sheet's title, as printed
    assert all(s.entry.name in printed for s in comp.statuses)  # a row for every roster agency
    (resaved,) = convert_all([written["summary.xlsx"]], tmp_path / "lo")
    data = json.loads(written["summary.json"].read_text(encoding="utf-8"))
    assert check_file(resaved).document["tables"] == data["report"]["tables"]


def test_two_level_rollup_equals_compiling_all_departments(tmp_path):
    """Three counties' summaries compiled into a city summary == compiling all their departments."""
    from nianbao.workflow.compile import write_outputs

    all_files, summaries = [], []
    for c in range(3):
        folder = tmp_path / f"county{c}"
        folder.mkdir()
        codes = [c * 10 + i for i in range(1, 4)]
        for i in codes:
            doc = valid_document(F21, 2021, seed=i, agency=agency(i))
            all_files.append(workbook(folder, F21, 2021, doc, f"{i}.xlsx", 1_700_000_000 + i))
        roster = load_roster(write_roster(folder / "roster.csv", codes))
        comp = compile_reports(CompileOptions(fmt=F21, year=2021, roster=roster, out_dir=folder / "out",
                                              paths=sorted(folder.glob("*.xlsx")), name=f"第{c}县", code=f"C{c}"))
        summaries.append(write_outputs(comp, folder / "out", render=False)["summary.xlsx"])
    city_roster = tmp_path / "city.csv"
    city_roster.write_text("code,name,level\n" + "".join(f"C{c},第{c}县,county\n" for c in range(3)),
                           encoding="utf-8")
    city = compile_reports(CompileOptions(fmt=F21, year=2021, roster=load_roster(city_roster), out_dir=tmp_path,
                                          paths=summaries, name="某市", code="M1", level="city"))
    assert [s.status for s in city.statuses] == ["ok", "ok", "ok"]
    direct_roster = load_roster(write_roster(tmp_path / "all.csv", [c * 10 + i for c in range(3) for i in (1, 2, 3)]))
    direct = compile_reports(CompileOptions(fmt=F21, year=2021, roster=direct_roster, out_dir=tmp_path,
                                            paths=all_files, name="某市", code="M1", level="city"))
    assert city.county["tables"] == direct.county["tables"]
    assert city.bugs == [] and direct.bugs == []


def test_sums_of_the_largest_values_are_exact():
    """Reports of every kind's largest value: exact in Decimal, and exact where written (JSON, xlsx)."""
    from nianbao.county.consolidate import sum_tables
    from nianbao.county.roster import RosterEntry

    high = {kind: bound for kind, (_, bound) in F21.bounds.items()}
    one = {key: float(high["money"]) if F21.cells[key].kind == "money" else int(high[F21.cells[key].kind])
           for key in F21.input_keys()}
    n = 3_000
    members = [RosterEntry("X", "x", None, None, None)]
    doc = sum_tables(F21, 2022, {"name": "省", "code": "P"}, (one for _ in range(n)), members)
    assert doc["tables"]["requests.received.natural"] == n * int(high["count"])
    assert doc["tables"]["proactive.fees.amount"] == float(n * high["money"])
    assert repr(doc["tables"]["proactive.fees.amount"]) == "299999999970.0"
    assert doc["tables"]["requests.received.total"] == 6 * n * int(high["count"])
