"""A workbook read as Excel shows it: the issue-12 hostile cases (tests/hostile.py READ_CASES) through
both engines and check_file, and tables moved for real in LibreOffice (UNO)."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

import hostile
import pytest
from lo import convert
from lo_uno import edit_rows, require_uno

from nianbao.check.run import check_document, check_file
from nianbao.format.identity import DEFAULT_PASSWORD
from nianbao.format.layout import (
    CHECK_FORMULA_COLUMNS,
    CHECK_RESULT_COLUMN,
    NOT_APPLICABLE,
    layout,
)
from nianbao.format.spec import all_formats
from nianbao.intake.read import read_workbook

FMT = all_formats()["gov-info-disclosure-2021"]


def _all_findings(path: Path, engine: str):
    read = read_workbook(path, engine=engine)
    if read.fatal:
        return read, read.findings
    return read, check_document(read.document, prior_findings=read.findings).findings


@pytest.mark.parametrize("case", sorted(hostile.READ_CASES))
def test_read_case(tmp_path, case):
    make, want = hostile.READ_CASES[case]
    path = make(tmp_path)
    # A hang detector, not a speed target (benchmarks/ measures speed): the regex reader took minutes here.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        result = pool.submit(check_file, path).result(timeout=60)
    assert [f.rule for f in result.findings] == want
    assert all("None" not in f.message for f in result.findings)
    fast, fast_findings = _all_findings(path, "fast")
    ref, ref_findings = _all_findings(path, "openpyxl")
    assert [f.rule for f in fast_findings] == [f.rule for f in ref_findings]
    if not fast.fatal:
        assert [f.to_dict() for f in fast_findings] == [f.to_dict() for f in ref_findings]
        assert fast.document["tables"] == ref.document["tables"]


@pytest.mark.parametrize("case", ["comment_value", "cdata_value", "charref_value", "prefixed_elements"])
def test_value_is_what_excel_shows(tmp_path, case):
    make, _ = hostile.READ_CASES[case]
    read = read_workbook(make(tmp_path))
    assert read.document["tables"]["proactive.normative_docs.in_force"] == hostile.T2_D6


def test_corrupt_xml_is_named_as_such(tmp_path):
    result = check_file(hostile.unclosed_cells(tmp_path))
    assert result.status == "unreadable"
    assert result.findings[0].message.startswith("文件已损坏")
    assert "xl/worksheets/sheet3.xml" in result.findings[0].message


def test_strict_open_xml_is_named_with_the_fix(tmp_path):
    result = check_file(hostile.strict_open_xml(tmp_path))
    [problem] = result.findings
    assert "Strict Open XML" in problem.message and ".xlsx" in problem.message
    assert problem.rule != "NOT_NIANBAO"


def test_moved_table_names_the_row_and_reads_nothing(tmp_path):
    read = read_workbook(hostile.moved_rows(tmp_path))
    assert read.fatal and read.document is None
    [moved] = read.findings
    assert moved.sheet == hostile.T2
    assert "第 5 行插入了内容" in moved.message and "现在位于第 6 行" in moved.message


def test_check_sheet_constants_in_layout_match_the_template():
    from nianbao.template import checks

    assert CHECK_FORMULA_COLUMNS == (checks.LEFT_COL, checks.RIGHT_COL, checks.DIFF_COL)
    assert CHECK_RESULT_COLUMN == checks.RESULT_COL and NOT_APPLICABLE == checks.NOT_APPLICABLE


def test_every_statutory_sheet_has_labels():
    lay = layout(FMT)
    assert set(lay.labels) == {t.sheet for t in FMT.tables}
    assert all(len(labels) > 5 for labels in lay.labels.values())


# ---------------------------------------------------------------- LibreOffice, for real


def _lo_findings(path: Path):
    result = check_file(path)
    return result, [(f.rule, f.sheet) for f in result.findings]


@pytest.mark.libreoffice
def test_libreoffice_round_trip_keeps_the_layout(tmp_path):
    saved = convert(hostile.filled_2021(tmp_path), tmp_path / "lo")
    result, rules = _lo_findings(saved)
    assert "LAYOUT_MOVED" not in [r for r, _ in rules]
    assert result.status in ("ok", "warning"), rules


@pytest.mark.libreoffice
def test_libreoffice_insert_row_5_delete_row_8_of_table_two(tmp_path):
    require_uno()
    src = hostile.filled_2021(tmp_path)
    out = edit_rows(src, tmp_path / "t2.xlsx", hostile.T2, [("insert_rows", 4, 1), ("delete_rows", 7, 1)],
                    DEFAULT_PASSWORD)
    result, rules = _lo_findings(out)
    assert rules == [("LAYOUT_MOVED", hostile.T2)]
    assert result.status != "ok" and result.document is None
    assert "第 5 行插入了内容" in result.findings[0].message


@pytest.mark.libreoffice
def test_libreoffice_insert_row_in_table_three_is_one_clear_error(tmp_path):
    require_uno()
    out = edit_rows(hostile.filled_2021(tmp_path), tmp_path / "t3.xlsx", "表三 依申请公开", [("insert_rows", 9, 1)],
                    DEFAULT_PASSWORD)
    result, rules = _lo_findings(out)
    assert rules == [("LAYOUT_MOVED", "表三 依申请公开")]
    assert "None" not in result.findings[0].message and "第 10 行插入了内容" in result.findings[0].message


@pytest.mark.libreoffice
def test_libreoffice_insert_column_in_table_three(tmp_path):
    require_uno()
    out = edit_rows(hostile.filled_2021(tmp_path), tmp_path / "t3c.xlsx", "表三 依申请公开", [("insert_cols", 4, 1)],
                    DEFAULT_PASSWORD)
    result, rules = _lo_findings(out)
    assert rules == [("LAYOUT_MOVED", "表三 依申请公开")]
    assert "列插入了内容" in result.findings[0].message
