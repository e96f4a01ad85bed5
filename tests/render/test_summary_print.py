"""summary.xlsx prints as a document: every sheet A4 and one page wide, header rows repeated, rows as tall
as their text, charts whole on pages of their own, times as 2022-01-26 15:40, no doubled marks; the
demo county (18 units) prints in at most 20 pages in LibreOffice, no row cut or printed over another."""

from __future__ import annotations

import re
import subprocess

import openpyxl
import pytest
from lo import convert_all
from lxml import etree
from pdf import info, printed_whole

from nianbao.cli import main
from nianbao.county.roster import load_roster
from nianbao.format.layout import BREAKDOWN_SHEET
from nianbao.format.spec import format_for_year
from nianbao.paths import samples_dir
from nianbao.render import summary_xlsx
from nianbao.render.summary_xlsx import CHART_SHEET, ISSUES_SHEET, STATUS_SHEET, write_summary_xlsx
from nianbao.render.xlsx_print import (
    Column,
    column_px,
    fit_widths,
    page_units,
    sentences,
    shown_time,
    shown_times_in,
)
from nianbao.template.style import LINE_PT, lines_needed
from nianbao.workflow.compile import CompileOptions, compile_reports

PAGES_AT_MOST = 20
OWN_SHEETS = (STATUS_SHEET, CHART_SHEET, BREAKDOWN_SHEET, ISSUES_SHEET)
TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo county: its summary.xlsx as `nianbao demo` writes it, and its Compilation."""
    out = tmp_path_factory.mktemp("demo") / "out"
    assert main(["demo", str(out)]) == 0
    store = out / "2-收件库"
    comp = compile_reports(CompileOptions(
        fmt=format_for_year(2021), year=2021, roster=load_roster(samples_dir() / "roster-luobei.csv"),
        out_dir=out / "again", store=store / "2021", previous=store / "2020", name="萝北县人民政府", code="230421"))
    return out / "4-汇总" / "summary.xlsx", comp


# ---------------------------------------------------------------- how text and times look


def test_shown_time():
    assert shown_time("2022-01-26T15:40:00+08:00") == "2022-01-26 15:40"
    assert shown_time("2022-01-26T15:40:59.123456+08:00") == "2022-01-26 15:40"
    assert shown_time("2022-01-26T15:40") == "2022-01-26 15:40"
    assert shown_time("") == ""
    assert shown_time("昨天") == "昨天"
    note = "共报送 2 份，采用最新一份（2022-01-26T15:40:00+08:00）"
    assert shown_times_in(note) == "共报送 2 份，采用最新一份（2022-01-26 15:40）"


def test_sentences_never_double_a_mark():
    assert sentences(["请改正。", "有错误，未计入汇总"]) == "请改正；有错误，未计入汇总"
    assert sentences(["数字不平。", "请核对；", ""], "。") == "数字不平；请核对。"
    assert sentences([]) == ""
    assert sentences(["。"], "。") == ""


# ---------------------------------------------------------------- column widths from the data


def test_widths_hold_the_text_within_the_bounds():
    cols = [Column("code", "单位代码", 6, 14), Column("name", "单位名称", 8, 30, wraps=True)]
    widths = fit_widths(cols, [{"code": "230421-01", "name": "萝北县人民政府办公室"}], "landscape")
    assert 6 <= widths[0] <= 14
    assert 8 <= widths[1] <= 30
    assert lines_needed("230421-01", widths[0]) == 1
    assert lines_needed("萝北县人民政府办公室", widths[1]) == 1
    narrow = fit_widths(cols, [{"name": "萝" * 100}], "landscape")
    assert narrow[1] == 30  # the widest it may be; the rest wraps


def test_too_wide_a_table_narrows_only_the_columns_that_wrap():
    cols = [Column("time", "收到时间", 19, 19), Column("file", "文件", 14, 60, wraps=True),
            Column("notes", "说明", 16, 120, wraps=True)]
    rows = [{"time": "2022-01-26 15:40", "file": "文" * 80, "notes": "说" * 200}]
    widths = fit_widths(cols, rows, "landscape")
    assert widths[0] == 19
    assert sum(widths) <= page_units("landscape", 3) + 0.5
    assert 14 <= widths[1] < 60
    assert 16 <= widths[2] < 120


@pytest.fixture
def added_columns(monkeypatch):
    """What another engineer will do: a 审核 column in 报送情况 and a 说明 column in 问题清单."""
    status = list(summary_xlsx.STATUS_COLUMNS)
    status.insert(len(status) - 1, Column("review", "审核", 6, 24, wraps=True))
    issues = [*summary_xlsx.ISSUE_COLUMNS, Column("explained", "说明", 8, 40, wraps=True)]
    monkeypatch.setattr(summary_xlsx, "STATUS_COLUMNS", tuple(status))
    monkeypatch.setattr(summary_xlsx, "ISSUE_COLUMNS", tuple(issues))
    return status, issues


def test_an_added_column_keeps_the_layout(demo, added_columns, tmp_path):
    _, comp = demo
    status, issues = added_columns
    book = openpyxl.load_workbook(write_summary_xlsx(comp, tmp_path / "s.xlsx"))
    ws = book[STATUS_SHEET]
    assert [c.value for c in ws[4]] == [c.header for c in status]
    widths = [w - 0.71 for w in _widths(ws, len(status))]  # as written: xlsxwriter adds a cell's padding
    assert sum(widths) <= page_units("landscape", len(status)) + 0.5  # still one landscape page wide at 100 %
    other = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "其他收到的文件")
    head = {ws.cell(other + 1, c).value: c for c in range(1, len(status) + 1)}
    keys = [c.key for c in status]
    assert head["文件"] == keys.index("file") + 1
    assert head["原因"] == keys.index("notes") + 1
    merged = [m for m in ws.merged_cells.ranges if m.min_row == other + 1]
    assert [(m.min_col, m.max_col) for m in merged] == [(keys.index("name") + 2, keys.index("file"))]  # 类别
    assert [c.value for c in book[ISSUES_SHEET][3]] == [c.header for c in issues]


# ---------------------------------------------------------------- the workbook as written


def _widths(ws, count: int) -> list[float]:
    """Column widths as written (openpyxl groups equal neighbours under the first letter)."""
    widths, current = [], None
    for col in range(1, count + 1):
        dim = ws.column_dimensions[openpyxl.utils.get_column_letter(col)]
        if dim.width and (dim.min == col or current is None):
            current = dim.width
        widths.append(current)
    return widths


def test_every_sheet_prints_on_a4_one_page_wide(demo):
    path, _ = demo
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        assert ws.page_setup.paperSize == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (1, None), ws.title  # None: openpyxl's reading of the default 1
        assert ws.print_area, ws.title
    assert book[STATUS_SHEET].page_setup.orientation == "landscape"
    assert book[STATUS_SHEET].print_title_rows == "$4:$4"  # the header row on every page
    assert book[ISSUES_SHEET].print_title_rows == "$3:$3"
    assert book[CHART_SHEET].page_setup.orientation == "portrait"


def test_rows_are_as_tall_as_their_text(demo):
    path, _ = demo
    book = openpyxl.load_workbook(path)
    for name, header_row in ((STATUS_SHEET, 4), (ISSUES_SHEET, 3), (CHART_SHEET, 3)):
        ws = book[name]
        widths = _widths(ws, ws.max_column)
        merged = {(m.min_row, m.min_col): m.max_col for m in ws.merged_cells.ranges}
        for row in ws.iter_rows(min_row=header_row):
            for cell in row:
                if not isinstance(cell.value, str) or not cell.value or not cell.alignment.wrap_text:
                    continue  # (a title that runs on over empty cells does not wrap)
                last = merged.get((cell.row, cell.column), cell.column)
                width = sum(widths[cell.column - 1:last])
                needed = lines_needed(cell.value, width) * LINE_PT
                assert (ws.row_dimensions[cell.row].height or 15) >= needed, (name, cell.coordinate, cell.value)


def test_times_and_notes_read_as_people_write_them(demo):
    path, _ = demo
    ws = openpyxl.load_workbook(path)[STATUS_SHEET]
    header = [c.value for c in ws[4]]
    times = [ws.cell(r, header.index("收到时间") + 1).value for r in range(5, ws.max_row + 1)]
    shown = [t for t in times if t and t != "收到时间"]
    assert len(shown) >= 15
    assert all(TIME.match(t) for t in shown), shown
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                assert "。；" not in cell.value, cell.coordinate
                assert "；；" not in cell.value, cell.coordinate
                assert not re.search(r"\d{2}T\d{2}:\d{2}", cell.value), (cell.coordinate, cell.value)
    notes = [ws.cell(r, header.index("说明") + 1).value for r in range(5, 23)]
    assert "共报送 2 份，采用最新一份（2022-01-26 15:40）" in notes


# ---------------------------------------------------------------- printed by LibreOffice


def _words(pdf, page: int) -> list[tuple[float, float, float, float, str]]:
    xml = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, check=True).stdout
    root = etree.fromstring(xml, etree.XMLParser(recover=True))
    out = []  # words, not pdftotext's lines: a line may join cells of one row printed at different heights
    for word in root.iter("{*}word"):
        box = tuple(float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
        out.append((*box, word.text or ""))
    return out


def _printed_over(lines) -> list[tuple[str, str]]:
    """Pairs of words that share both columns and height: a row printed over the next one."""
    bad = []
    for i, a in enumerate(lines):
        for b in lines[i + 1:]:
            across = a[0] < b[2] - 1 and b[0] < a[2] - 1
            down = min(a[3], b[3]) - max(a[1], b[1])
            if across and down > 0.3 * min(a[3] - a[1], b[3] - b[1]):
                bad.append((a[4], b[4]))
    return bad


@pytest.mark.libreoffice
def test_libreoffice_prints_the_demo_county_in_at_most_20_pages_every_row_whole(demo, tmp_path):
    path, comp = demo
    (pdf,) = convert_all([path], tmp_path, to="pdf")
    pages = int(info(pdf)["Pages"])
    assert pages <= PAGES_AT_MOST, pages
    texts = [subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), str(pdf), "-"], capture_output=True,
                            text=True, check=True).stdout for p in range(1, pages + 1)]
    flat = ["".join(t.split()) for t in texts]
    status_pages = [i for i, t in enumerate(flat) if "单位代码" in t and "计入汇总" in t]
    for s in comp.statuses:  # every roster unit's row, whole, on one page of 报送情况
        assert any(printed_whole(s.entry.name, flat[i]) and s.entry.code in flat[i] for i in status_pages), s.entry
    issue_pages = [i for i, t in enumerate(flat) if "问题说明" in t]
    messages = [f.message for s in comp.statuses for f in s.findings]
    assert messages
    for message in messages:
        assert any(printed_whole(message, flat[i]) for i in issue_pages), message
    for i in status_pages + issue_pages:
        assert not _printed_over(_words(pdf, i + 1)), (i + 1, _printed_over(_words(pdf, i + 1))[:3])
    for title in ("各单位政府信息公开申请办理结果（件）", "各单位本年新收政府信息公开申请（件）"):
        (page,) = [i for i, t in enumerate(flat) if title in t]  # each chart once, on a page of its own
        assert "单位名称" not in flat[page]
        assert "问题说明" not in flat[page]
    (bars,) = [t for t in flat if "各单位政府信息公开申请办理结果（件）" in t]
    assert all(s.entry.name in bars for s in comp.included)  # whole: every department's bar on that page
    assert not any(re.search(r"\d{2}T\d{2}:\d{2}", t) for t in texts)
    assert "2022-01-2615:40" in "".join(flat)
    assert not any("。；" in t for t in flat)


def test_charts_are_as_wide_as_the_table_above_them(demo):
    import zipfile

    path, _ = demo
    ws = openpyxl.load_workbook(path)[CHART_SHEET]
    px = [column_px(w - 0.71) for w in _widths(ws, ws.max_column)]  # as written: less the padding xlsxwriter adds
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if re.match(r"xl/drawings/drawing\d+\.xml$", n)]
        drawings = [etree.fromstring(z.read(n)) for n in names]
    spans = []
    anchors = [a for d in drawings for a in d.iter("{*}twoCellAnchor") if next(a.iter("{*}chart"), None) is not None]
    for anchor in anchors:
        start, end = anchor.find("{*}from"), anchor.find("{*}to")
        col = int(end.find("{*}col").text)
        spans.append(sum(px[:col]) + int(end.find("{*}colOff").text) / 9525 - int(start.find("{*}colOff").text) / 9525)
    assert len(spans) == 2
    assert all(abs(w - sum(px)) <= 0.015 * sum(px) for w in spans), (spans, sum(px))
