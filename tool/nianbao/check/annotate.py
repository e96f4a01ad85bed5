"""Annotated copy of a department's workbook: every finding's cell highlighted with a comment,
plus a 问题清单 sheet that links to each cell. The original file is never touched.

A copy that comes back (the department fixed the annotated copy and sent it again) is
annotated from clean: nianbao's earlier sheet, fills and comments are taken out first
(unannotate.py), so the office never sees a stale finding; the copy is marked (the custom
property nianbao.annotation names its issues sheet) so the next round recognises it.

annotate_all does a batch: each copy gets a name no other copy and no existing file has, and
a workbook that cannot be annotated (too large, or one openpyxl cannot open or save) gets a
finding on that file while the others go on.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from nianbao.findings import Code, finding
from nianbao.inert import set_cell, stored_text
from nianbao.paths import atomic_output, claim_unique, os_error_text
from nianbao.template.style import LINE_PT, PAD_PT, lines_needed

from .run import CheckResult
from .unannotate import COMMENT_AUTHOR, ISSUES_SHEET, remove_annotation, set_marker

# openpyxl holds every cell and row of a workbook, and takes ~1.7 s and ~25 MB per MB of XML
# (measured on a loaded machine: 236 KB template 0.7 s; 2.2 MB 3.5 s, 77 MB; 8.1 MB 13.7 s,
# 214 MB). A filled template is ~0.25 MB of XML, 1 MB after a re-save at most: above 4 MB it is
# padding (a million formatted empty rows is 50 MB), and the copy is refused with a finding.
MAX_ANNOTATE_XML = 4 * 1024 * 1024

_FILL = {
    "error": PatternFill("solid", fgColor="FFC7CE"),
    "warning": PatternFill("solid", fgColor="FFEB9C"),
    "info": PatternFill("solid", fgColor="DDEBF7"),
}
_RELATED = PatternFill("solid", fgColor="FCE4D6")
PALETTE = {fill.fgColor.rgb[-6:] for fill in (*_FILL.values(), _RELATED)}  # what unannotate.py recognises
_HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
_BOX = Border(*(Side("thin", color="808080"),) * 4)
_WORD = {"error": "错误", "warning": "警告", "info": "提示"}


class TooLarge(Exception):
    """The workbook holds more XML than annotating it should cost (MAX_ANNOTATE_XML)."""


def annotated_stem(path: Path) -> str:
    return f"{path.stem[:80]}-批注"  # a file name of 255 bytes leaves no room for the suffix


def annotate_all(results: list[CheckResult], out_dir: Path) -> None:
    """An annotated copy of every readable file with findings; each result records the copy's path
    (result.annotated), or gets a finding saying why there is none. Never raises for one file."""
    taken: set[str] = set()
    for result in results:
        if not result.findings or result.status == "unreadable" or result.file is None:
            continue
        try:
            result.annotated = str(annotate(Path(result.file), result, out_dir, taken))
        except TooLarge as exc:
            result.add(finding(Code.ANNOTATE_TOO_BIG, what=str(exc)))
        except OSError as exc:  # the output folder: full, read-only …
            result.add(finding(Code.ANNOTATE_FAILED, what=os_error_text(exc).rstrip("。")))
        except Exception as exc:  # noqa: BLE001 - openpyxl on a hostile file fails in many ways; the file goes on
            result.add(finding(Code.ANNOTATE_FAILED, what=f"openpyxl 无法打开或保存此文件：{type(exc).__name__}"))


def _measure(path: Path) -> None:
    """Refuse before openpyxl loads anything: the XML it would hold, from the zip directory (the
    check already screened the file, so declared sizes are the real ones)."""
    with zipfile.ZipFile(path) as z:
        size = sum(i.file_size for i in z.infolist() if i.filename.lower().endswith((".xml", ".rels")))
    if size > MAX_ANNOTATE_XML:
        raise TooLarge(f"解压后 {size / 1024 / 1024:.0f} MB，上限 {MAX_ANNOTATE_XML // 1024 // 1024} MB")


def annotate(path: Path, result: CheckResult, out_dir: Path, taken: set[str] | None = None) -> Path:
    """Write out_dir/<name>-批注.xlsx (or <name>-批注-2.xlsx …: never over an existing file, nor over
    a name in taken) and return its path. Raises TooLarge, OSError, or whatever openpyxl raises."""
    _measure(path)
    with path.open("rb") as fh:  # ours to close: openpyxl leaves its archive open when a part fails to parse
        return _annotate(openpyxl.load_workbook(fh, keep_links=False), path, result, out_dir, taken)


def _annotate(book, path: Path, result: CheckResult, out_dir: Path, taken: set[str] | None) -> Path:
    try:
        remove_annotation(book, PALETTE, tuple(head for head, _ in ISSUE_COLUMNS),
                          result.format if result.kind == "department" else None, result.year)
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
            own = book[sheet][cell].comment  # the clerk's (nianbao's earlier ones are gone): kept above ours
            text = "\n".join(([own.text.rstrip()] if own is not None and own.text.strip() else []) + lines)
            comment = Comment(stored_text(text), COMMENT_AUTHOR)  # as Excel stores text
            comment.width, comment.height = 360, 40 + 60 * len(text.splitlines())
            book[sheet][cell].comment = comment
        _issues_sheet(book, result)
        buffer = io.BytesIO()  # saved in memory (< MAX_ANNOTATE_XML), written whole: a full disk is one OSError
        book.save(buffer)
        out = claim_unique(out_dir, annotated_stem(path), ".xlsx", taken)
        try:
            with atomic_output(out) as tmp:
                tmp.write_bytes(buffer.getvalue())
        except BaseException:
            out.unlink(missing_ok=True)  # the claimed, still empty name
            raise
        return out
    finally:
        book.close()


# 问题清单 columns: (header, width). About 130 width units: whole on a 1366-pixel laptop screen at
# 100 % zoom, and across an A4 landscape page at full size. Words first, the rule id last.
ISSUE_COLUMNS = (("序号", 5), ("级别", 6), ("工作表", 14), ("位置", 7), ("行 / 列", 30), ("问题说明", 62),
                 ("规则", 10))
_TOP = 3  # rows above the first issue: title, how to use it, column headers
_FONT = "宋体"


def _free_name(book) -> str:
    """问题清单, or 问题清单2 … when the clerk has a sheet of that name of their own (it stays)."""
    names = {n.casefold() for n in book.sheetnames}
    candidates = itertools.chain([ISSUES_SHEET], (f"{ISSUES_SHEET}{n}" for n in itertools.count(2)))
    return next(name for name in candidates if name.casefold() not in names)


def _issues_sheet(book, result: CheckResult) -> None:
    ws = book.create_sheet(_free_name(book), 0)
    set_marker(book, ws.title)
    book.active = 0
    for other in book.worksheets[1:]:
        other.sheet_view.tabSelected = False
    last_col = len(ISSUE_COLUMNS)
    agency = (result.agency or {}).get("name") or ""
    year = f" {result.year} 年度报告" if result.year else ""
    title = f"{agency}{year} 校验问题清单（共 {len(result.findings)} 条）".strip()
    how = "点击“位置”列可跳转到对应单元格；按“问题说明”改正后保存，重新提交。"
    for row, text, font in ((1, title, Font(name=_FONT, size=13, bold=True)), (2, how, Font(name=_FONT, size=10))):
        set_cell(ws.cell(row, 1), text)  # an agency name beginning with "=" is text, never a formula
        ws.cell(row, 1).font = font
        ws.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="center")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    ws.row_dimensions[1].height, ws.row_dimensions[2].height = 24, 18
    for col, (head, width) in enumerate(ISSUE_COLUMNS, 1):
        cell = ws.cell(_TOP, col)
        set_cell(cell, head)
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
            cell = ws.cell(row, col)
            set_cell(cell, value)
            cell.font = Font(name=_FONT, size=10)
            cell.border = _BOX
            cell.alignment = Alignment(wrap_text=True, vertical="top",
                                       horizontal="center" if col in (1, 2, 4) else "left")
        ws.cell(row, 2).fill = _FILL[f.severity]
        if f.sheet in book.sheetnames and f.cell:
            link = ws.cell(row, 4)
            sheet = f.sheet.replace("'", "''")  # a place in this workbook, never an address outside it
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{sheet}'!{f.cell}", display=f.cell)
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
