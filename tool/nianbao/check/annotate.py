"""Annotated copy of a department's workbook: every finding's cell highlighted with a comment,
plus a 问题清单 sheet that links to each cell. The original file is never touched."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink

from .run import CheckResult

ISSUES_SHEET = "问题清单"
_FILL = {
    "error": PatternFill("solid", fgColor="FFC7CE"),
    "warning": PatternFill("solid", fgColor="FFEB9C"),
    "info": PatternFill("solid", fgColor="DDEBF7"),
}
_RELATED = PatternFill("solid", fgColor="FCE4D6")
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


def _issues_sheet(book, result: CheckResult) -> None:
    if ISSUES_SHEET in book.sheetnames:
        del book[ISSUES_SHEET]
    ws = book.create_sheet(ISSUES_SHEET, 0)
    book.active = 0
    for other in book.worksheets[1:]:
        other.sheet_view.tabSelected = False
    ws.append([f"校验问题清单（共 {len(result.findings)} 条；点击“位置”跳转到对应单元格，改正后重新提交）"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["序号", "级别", "规则", "工作表", "位置", "行/列", "问题说明"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for i, f in enumerate(result.findings, 1):
        labels = " / ".join(x for x in (f.row_label, f.column_label) if x)
        ws.append([i, _WORD[f.severity], f.rule, f.sheet or "", f.cell or "", labels, f.message])
        row = ws.max_row
        ws.cell(row, 2).fill = _FILL[f.severity]
        if f.sheet in book.sheetnames and f.cell:
            link = ws.cell(row, 5)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{f.sheet}'!{f.cell}", display=f.cell)
            link.font = Font(color="0563C1", underline="single")
        ws.cell(row, 7).alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in zip("ABCDEFG", (6, 6, 18, 16, 8, 40, 80)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A3"
