"""Verify a filled workbook against the layout its format implies, from the sheets themselves.

The stored layout fingerprint says which template a workbook came from; it cannot say whether
someone then inserted or deleted a row. So every label and header the template painted on a
statutory sheet is compared with what that cell holds now:

- a table whose labels are no longer where the layout puts them has moved: one LAYOUT_MOVED
  error per sheet, naming the first change ("第 5 行插入了内容，“规章”现在位于第 6 行"); the
  reader then reads no number from the workbook (read.py refuses it, like a wrong fingerprint);
- an input cell the clerk could not see is named: in a hidden row or column, under a number
  format that shows nothing (";;;"), or covered by a merged range (its value is not read);
- a formula of the 校验 sheet overwritten by a constant is reported.
"""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter

from nianbao.findings import Code, Finding, finding
from nianbao.format.layout import (
    CHECK_FORMULA_COLUMNS,
    CHECK_RESULT_COLUMN,
    CHECK_SHEET,
    NOT_APPLICABLE,
    Layout,
    col_letter,
)
from nianbao.format.spec import Format

from .xlsx_raw import RawBook

_SHOWN_MAX = 30  # characters of a cell's content quoted in a message


def _norm(value) -> str:
    """A label as a clerk reads it: whitespace (line breaks, full-width spaces) does not count."""
    return "".join(str(value).split()) if value is not None else ""


def _shown(value) -> str:
    if value is None or value == "":
        return "空白"
    text = str(value)
    return text if len(text) <= _SHOWN_MAX else text[:_SHOWN_MAX] + "…"


def moved_tables(book: RawBook, lay: Layout) -> list[Finding]:
    """One LAYOUT_MOVED finding per statutory sheet whose labels are not where the layout puts them."""
    out = []
    for sheet, labels in lay.labels.items():
        wrong = [(row, col, text) for row, col, text in labels
                 if _norm(book.value(sheet, f"{col_letter(col)}{row + 1}")) != _norm(text)]
        if wrong:
            ref, what = _describe(book, sheet, labels, wrong)
            out.append(finding(Code.LAYOUT_MOVED, sheet=sheet, cell=ref, what=what))
    return out


def _describe(book: RawBook, sheet: str, labels: tuple, wrong: list) -> tuple[str, str]:
    """Where the first label that is not in its place went, in the words of a spreadsheet user."""
    found: dict[str, list[tuple[int, int]]] = {}
    for ref, value in book.cells(sheet).items():
        if isinstance(value, str) and value.strip():
            row, col = coordinate_to_tuple(ref)
            found.setdefault(_norm(value), []).append((row - 1, col - 1))
    wrong_set = {(r, c) for r, c, _ in wrong}
    row, col, text = wrong[0]
    ref = f"{col_letter(col)}{row + 1}"
    good_rows = [r for r, c, _ in labels if (r, c) not in wrong_set and r < row]
    good_cols = [c for r, c, _ in labels if (r, c) not in wrong_set and r == row and c < col]
    places = found.get(_norm(text), [])
    same_col = sorted((r for r, c in places if c == col), key=lambda r: abs(r - row))
    same_row = sorted((c for r, c in places if r == row), key=lambda c: abs(c - col))
    name = _shown(text)
    if same_col:
        now = same_col[0]
        at = (max(good_rows) + 2) if good_rows else row + 1
        if now > row:
            return ref, f"第 {at} 行插入了内容，“{name}”现在位于第 {now + 1} 行"
        return ref, f"第 {at} 行起有行被删除，“{name}”现在位于第 {now + 1} 行"
    if same_row:
        now = same_row[0]
        at = col_letter(max(good_cols) + 1) if good_cols else col_letter(col)
        if now > col:
            return ref, f"第 {at} 列插入了内容，“{name}”现在位于 {col_letter(now)} 列"
        return ref, f"第 {at} 列起有列被删除，“{name}”现在位于 {col_letter(now)} 列"
    following = next(((r, t) for r, c, t in wrong if c == col and r > row), None)
    if following is not None and any(r < following[0] and c == col for r, c in found.get(_norm(following[1]), [])):
        return ref, f"第 {row + 1} 行起有行被删除，“{name}”已不在表中"
    return ref, f"{ref} 应为“{name}”，现为“{_shown(book.value(sheet, ref))}”"


# ---------------------------------------------------------------- what the clerk could not see


def _hides(code: str, value) -> bool:
    """Whether a number format shows nothing for this value (";;;" hides everything)."""
    sections = _sections(code)
    if len(sections) < 2:
        return False
    if isinstance(value, str):
        section = sections[3] if len(sections) > 3 else "@"
    elif isinstance(value, (int, float)) and value < 0:
        section = sections[1]
    elif isinstance(value, (int, float)) and value == 0 and len(sections) > 2:
        section = sections[2]
    else:
        section = sections[0]
    return not _strip_brackets(section).strip()


def _sections(code: str) -> list[str]:
    out, current, quoted = [], [], False
    for ch in code:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            out.append("".join(current))
            current = []
        else:
            current.append(ch)
    out.append("".join(current))
    return out


def _strip_brackets(section: str) -> str:
    out, depth = [], 0
    for ch in section:
        if ch == "[":
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
        elif not depth:
            out.append(ch)
    return "".join(out)


def unseen_inputs(book: RawBook, fmt: Format, lay: Layout, keys: Iterable[str]) -> tuple[list[Finding], set[str]]:
    """Findings for input cells the clerk could not see, and the keys whose value is not read
    (covered by a merged range: Excel shows only a merged range's first cell)."""
    out: list[Finding] = []
    covered: set[str] = set()
    by_sheet: dict[str, list[str]] = {}
    for key in keys:
        by_sheet.setdefault(lay.cells[key].sheet, []).append(key)
    for sheet, sheet_keys in by_sheet.items():
        view = book.view(sheet)
        if not (view.merged or view.hidden_rows or view.hidden_cols or view.formats):
            continue
        for key in sheet_keys:
            pos = lay.cells[key]
            row, col = pos.row + 1, pos.col + 1
            where = dict(sheet=sheet, cell=pos.ref, key=key, row_label=fmt.cells[key].row_label or None,
                         column_label=fmt.cells[key].column_label or None)
            merge = next((m for m in view.merged if m[0] <= col <= m[2] and m[1] <= row <= m[3]
                          and (m[0], m[1]) != (col, row)), None)
            if merge is not None:
                span = f"{get_column_letter(merge[0])}{merge[1]}:{get_column_letter(merge[2])}{merge[3]}"
                covered.add(key)
                out.append(finding(Code.CELL_MERGED, **where, range=span, value=_shown(book.cached(sheet, pos.ref))))
                continue
            value = book.value(sheet, pos.ref)
            if value is None or value == "":
                continue
            how = None
            if row in view.hidden_rows:
                how = f"所在的第 {row} 行被隐藏"
            elif any(low <= col <= high for low, high in view.hidden_cols):
                how = f"所在的 {pos.ref.rstrip('0123456789')} 列被隐藏"
            elif _hides(view.formats.get(pos.ref, "General"), value):
                how = f"的数字格式“{view.formats[pos.ref]}”不显示任何内容"
            if how:
                out.append(finding(Code.CELL_HIDDEN, **where, how=how, value=_shown(value), actual=_shown(value)))
    return out, covered


def check_sheet_formulas(book: RawBook, lay: Layout) -> list[Finding]:
    """Every formula cell of the 校验 sheet still a formula (the result column may say 不适用)."""
    out = []
    for check in lay.checks:
        for col in CHECK_FORMULA_COLUMNS + (CHECK_RESULT_COLUMN,):
            ref = f"{col_letter(col)}{check.row + 1}"
            value = book.value(CHECK_SHEET, ref)
            if isinstance(value, str) and value.startswith("="):
                continue
            if col == CHECK_RESULT_COLUMN and value == NOT_APPLICABLE:
                continue
            out.append(finding(Code.CHECK_FORMULA_REPLACED, sheet=CHECK_SHEET, cell=ref, actual=_shown(value)))
    return out
