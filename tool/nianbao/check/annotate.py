"""Annotated copy of a department's workbook: every finding's cell highlighted with a comment,
plus a 问题清单 sheet that links to each cell. The original file is never touched."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from nianbao.template.style import LINE_PT, PAD_PT, lines_needed

from .run import CheckResult

ISSUES_SHEET = "问题清单"
_FILL = {
    "error": PatternFill("solid", fgColor="FFC7CE"),
    "warning": PatternFill("solid", fgColor="FFEB9C"),
    "info": PatternFill("solid", fgColor="DDEBF7"),
}
_RELATED = PatternFill("solid", fgColor="FCE4D6")
_HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
_BOX = Border(*(Side("thin", color="808080"),) * 4)
_WORD = {"error": "错误", "warning": "警告", "info": "提示"}


def annotated_name(path: Path) -> str:
    return f"{path.stem}-批注.xlsx"


def annotate(path: Path, result: CheckResult, out_dir: Path) -> Path:
    """Write out_dir/<name>-批注.xlsx and return its path."""
    book = openpyxl.load_workbook(path, keep_links=False)
    try:
        notes: dict[tuple[str, str], list[str]] = {}
        for f in result.findings:
            if f.sheet in book.sheetnames and f.cell:
                ws = book[f.sheet]
                for ref in f.cells:
                    sheet, _, cell = ref.rpartition("!")
                    target = book[sheet.strip("'")] if sheet else ws
                    if cell != f.cell or target is not ws:
                        target[cell].fill = _RELATED
                ws[f.cell].fill = _FILL[f.severity]
                notes.setdefault((f.sheet, f.cell), []).append(f"【{_WORD[f.severity]} {f.rule}】{f.message}")
        for (sheet, cell), lines in notes.items():
            comment = Comment("\n".join(lines), "nianbao")
            comment.width, comment.height = 360, 40 + 60 * len(lines)
            book[sheet][cell].comment = comment
        _issues_sheet(book, result)
        out = out_dir / annotated_name(path)
        book.save(out)
        return out
    finally:
        book.close()


# 问题清单 columns: (header, width). About 130 width units: whole on a 1366-pixel laptop screen at
# 100 % zoom, and across an A4 landscape page at full size. Words first, the rule id last.
ISSUE_COLUMNS = (("序号", 5), ("级别", 6), ("工作表", 14), ("位置", 7), ("行 / 列", 30), ("问题说明", 62),
                 ("规则", 10))
_TOP = 3  # rows above the first issue: title, how to use it, column headers
_FONT = "宋体"


def _issues_sheet(book, result: CheckResult) -> None:
    if ISSUES_SHEET in book.sheetnames:
        del book[ISSUES_SHEET]
    ws = book.create_sheet(ISSUES_SHEET, 0)
    book.active = 0
    for other in book.worksheets[1:]:
        other.sheet_view.tabSelected = False
    last_col = len(ISSUE_COLUMNS)
    agency = (result.agency or {}).get("name") or ""
    year = f" {result.year} 年度报告" if result.year else ""
    title = f"{agency}{year} 校验问题清单（共 {len(result.findings)} 条）".strip()
    how = "点击“位置”列可跳转到对应单元格；按“问题说明”改正后保存，重新提交。"
    for row, text, font in ((1, title, Font(name=_FONT, size=13, bold=True)), (2, how, Font(name=_FONT, size=10))):
        ws.cell(row, 1, text).font = font
        ws.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="center")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    ws.row_dimensions[1].height, ws.row_dimensions[2].height = 24, 18
    for col, (head, width) in enumerate(ISSUE_COLUMNS, 1):
        cell = ws.cell(_TOP, col, head)
        cell.font = Font(name=_FONT, size=10, bold=True)
        cell.fill, cell.border = _HEAD_FILL, _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[_TOP].height = 20
    for i, f in enumerate(result.findings, 1):
        row = _TOP + i
        labels = " / ".join(x for x in (f.row_label, f.column_label) if x)
        values = (i, _WORD[f.severity], f.sheet or "", f.cell or "", labels, f.message, f.rule)
        for col, value in enumerate(values, 1):
            cell = ws.cell(row, col, value)
            cell.font = Font(name=_FONT, size=10)
            cell.border = _BOX
            cell.alignment = Alignment(wrap_text=True, vertical="top",
                                       horizontal="center" if col in (1, 2, 4) else "left")
        ws.cell(row, 2).fill = _FILL[f.severity]
        if f.sheet in book.sheetnames and f.cell:
            link = ws.cell(row, 4)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{f.sheet}'!{f.cell}", display=f.cell)
            link.font = Font(name=_FONT, size=10, color="0563C1", underline="single")
        ws.row_dimensions[row].height = _row_height(values)
    _print_setup(ws, _TOP + len(result.findings), last_col)


def _row_height(values) -> float:
    """Points for the tallest wrapped cell of a row: rows of a file are not sized to their text on
    opening it. The estimate is Excel's 宋体 (LibreOffice's fallback font is narrower)."""
    lines = max(lines_needed(str(v), width) for v, (_, width) in zip(values, ISSUE_COLUMNS, strict=True))
    return min(409.0, lines * LINE_PT + PAD_PT)


def _print_setup(ws, last_row: int, last_col: int) -> None:
    """A4 landscape, the whole width on one page, headers repeated on every page, page numbers."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.7
    ws.print_title_rows = f"{_TOP}:{_TOP}"
    ws.print_area = f"A1:{get_column_letter(last_col)}{max(last_row, _TOP)}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.freeze_panes = ws.cell(_TOP + 1, 1).coordinate
