"""Take nianbao's own earlier annotation out of a workbook before annotating it again.

A department that fixes the annotated copy it was sent and uploads it again brings back the
问题清单 sheet, the highlight fills and the comments `check --annotate` put there. The office's
new annotated copy must show this upload's findings only, so annotation starts from a clean
copy. What is nianbao's, and nothing else, is recognised:

- the annotation marker: the custom document property ANNOTATION_PROPERTY naming the issues
  sheet (written since this version; Excel, WPS and LibreOffice keep document properties);
- the issues sheet: the sheet the marker names, or a sheet called 问题清单 whose header row is
  exactly nianbao's columns (a clerk's own sheet of that name is left alone);
- comments: author "nianbao" or text made only of nianbao's lines (【错误 T3-1】…); a clerk's own
  lines added to such a comment stay;
- highlight fills: a solid fill in nianbao's palette exactly, only when the workbook carries one
  of the marks above, and not one of Excel's 好/差/中性 cell styles (which set a matching font
  colour): the cell gets back the fill the template gave it.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass, field
from functools import cache

from openpyxl.styles import PatternFill

from nianbao.intake.own_marks import COMMENT_AUTHOR, comment_lines, own_line
from nianbao.intake.read import ANNOTATION_PROPERTY

ISSUES_SHEET = "问题清单"
ISSUES_HEADER_ROW = 3
# Excel's built-in 好/差/中性 styles pair these fills with these font colours; the annotation never sets a font colour.
_STYLE_FONTS = {"006100", "9C0006", "9C5700", "9C6500"}


@dataclass
class Removed:
    """What an earlier annotation left and was taken out (for tests and notes)."""

    sheets: list[str] = field(default_factory=list)
    comments: int = 0
    fills: int = 0

    def __bool__(self) -> bool:
        return bool(self.sheets or self.comments or self.fills)


def _rgb(color) -> str:
    value = getattr(color, "rgb", None)
    return value[-6:].upper() if isinstance(value, str) and len(value) in (6, 8) else ""


def is_palette_fill(fill, palette: set[str]) -> bool:
    return getattr(fill, "fill_type", None) == "solid" and _rgb(fill.fgColor) in palette


def _clean_comment(cell) -> bool:
    """Drop nianbao's lines from the cell's comment (the comment itself when nothing else is left)."""
    comment = cell.comment
    lines = comment_lines(comment.text)
    if not any(own_line(x) for x in lines):
        return False  # no line of nianbao's: the clerk's comment, whoever it is signed by
    rest = [x for x in lines if not own_line(x)]
    if rest:  # the clerk wrote in nianbao's comment: their lines stay
        kept = copy.copy(comment)
        kept.text = "\n".join(rest)
        kept.author = "" if comment.author == COMMENT_AUTHOR else comment.author
        cell.comment = kept
    else:
        cell.comment = None
    return True


def _is_issues_sheet(ws, marked: str | None, headers: tuple[str, ...]) -> bool:
    if marked and ws.title == marked:
        return True
    if not ws.title.startswith(ISSUES_SHEET):
        return False
    row = [ws.cell(ISSUES_HEADER_ROW, col).value for col in range(1, len(headers) + 1)]
    return tuple(str(v or "").strip() for v in row) == headers


def _marker(book) -> str | None:
    for prop in book.custom_doc_props.props if book.custom_doc_props else []:
        if prop.name == ANNOTATION_PROPERTY:
            return str(prop.value or "") or None
    return None


def set_marker(book, sheet_name: str) -> None:
    """Mark the workbook as annotated by nianbao, naming its issues sheet."""
    from openpyxl.packaging.custom import StringProperty

    props = book.custom_doc_props
    for prop in list(props.props):
        if prop.name == ANNOTATION_PROPERTY:
            props.props.remove(prop)
    props.append(StringProperty(name=ANNOTATION_PROPERTY, value=sheet_name))


@cache
def _template_fills(format_id: str, year: int) -> dict[str, dict[str, PatternFill]]:
    """The fill of every filled cell of the blank template nianbao issues for this format and year."""
    import openpyxl

    from nianbao.format.spec import get_format
    from nianbao.template.workbook import template_bytes

    data = template_bytes(get_format(format_id), year, {"name": "单位", "code": "0"}, None)
    book = openpyxl.load_workbook(io.BytesIO(data))
    try:
        return {ws.title: {c.coordinate: copy.copy(c.fill) for row in ws.iter_rows() for c in row
                           if c.fill is not None and c.fill.fill_type}
                for ws in book.worksheets}
    finally:
        book.close()


def _clean_fill(format_id: str | None, year: int | None):
    """cell -> the fill it had in the template (none where the template had none, or is unknown)."""
    fills = {}
    if format_id and year:
        try:
            fills = _template_fills(format_id, int(year))
        except Exception:  # noqa: BLE001 - an unknown format or year: the highlight is still taken off
            fills = {}

    def original(ws, coordinate: str) -> PatternFill:
        fill = fills.get(ws.title, {}).get(coordinate)
        return copy.copy(fill) if fill is not None else PatternFill(fill_type=None)

    return original


def remove_annotation(book, palette: set[str], headers: tuple[str, ...], format_id: str | None = None,
                      year: int | None = None) -> Removed:
    """Take nianbao's earlier annotation out of an openpyxl workbook, in place (see the module's doc).
    palette: the annotation's fill colours (RRGGBB); headers: its issues sheet's column headers."""
    removed = Removed()
    marked = _marker(book)
    for ws in list(book.worksheets):
        if _is_issues_sheet(ws, marked, headers) and len(book.worksheets) > 1:
            removed.sheets.append(ws.title)
            del book[ws.title]
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.comment is not None and _clean_comment(cell):
                    removed.comments += 1
    if not (marked or removed):
        return removed  # no mark of nianbao's: a matching fill is the clerk's own
    original = _clean_fill(format_id, year)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if is_palette_fill(cell.fill, palette) and _rgb(cell.font.color) not in _STYLE_FONTS:
                    cell.fill = original(ws, cell.coordinate)
                    removed.fills += 1
    return removed
