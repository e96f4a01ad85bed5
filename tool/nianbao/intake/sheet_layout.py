"""Verify a filled workbook against the layout its format implies, from the sheets themselves.

The stored layout fingerprint says which template a workbook came from; it cannot say whether
someone then inserted or deleted a row. So every label and header the template painted on a
statutory sheet is compared with what that cell holds now:

- a table whose labels are no longer where the layout puts them has moved: one LAYOUT_MOVED
  error per sheet, naming the first change ("第 5 行插入了内容，“规章”现在位于第 6 行"); the
  reader then reads no number from the workbook (read.py refuses it, like a wrong fingerprint);
- an input cell the clerk could not see is named: in a hidden row or column, or covered by a merged
  range (its value is not read); what its style, a conditional format or a drawing makes it show is
  appearance.py's;
- a formula of the 校验 sheet overwritten by a constant is reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import cache, lru_cache

from nianbao.findings import Code, Finding, finding
from nianbao.format.layout import (
    CHECK_FORMULA_COLUMNS,
    CHECK_RESULT_COLUMN,
    CHECK_SHEET,
    NOT_APPLICABLE,
    Layout,
    col_letter,
    layout,
)
from nianbao.format.spec import Format

from .xlsx_raw import RawBook

_SHOWN_MAX = 30  # characters of a cell's content quoted in a message


def _split(ref: str) -> tuple[int, int]:
    """'D6' -> (5, 3): 0-based row and column."""
    letters = ref.rstrip("0123456789")
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters):]) - 1, col - 1


def _norm(value) -> str:
    """A label as a clerk reads it: whitespace (line breaks, full-width spaces) does not count."""
    return "".join(str(value).split()) if value is not None else ""


def _shown(value) -> str:
    if value is None or value == "":
        return "空白"
    text = str(value)
    return text if len(text) <= _SHOWN_MAX else text[:_SHOWN_MAX] + "…"


@cache
def _label_plan(fmt: Format) -> tuple[tuple[str, tuple, tuple[tuple[str, str, tuple], ...]], ...]:
    """Per sheet: (sheet, its labels, (ref, the label as read, the label) for each)."""
    lay = layout(fmt)
    return tuple((sheet, labels, tuple((f"{col_letter(c)}{r + 1}", text, (r, c, text)) for r, c, text in labels))
                 for sheet, labels in lay.labels.items())


def moved_tables(book: RawBook, lay: Layout) -> list[Finding]:
    """One LAYOUT_MOVED finding per statutory sheet whose labels are not where the layout puts them."""
    out = []
    for sheet, labels, plan in _label_plan(lay.fmt):
        value = book.value
        wrong = [label for ref, text, label in plan
                 if value(sheet, ref) != text and _norm(value(sheet, ref)) != _norm(text)]
        if wrong:
            ref, what = _describe(book, sheet, labels, wrong)
            out.append(finding(Code.LAYOUT_MOVED, sheet=sheet, cell=ref, what=what))
    return out


def _describe(book: RawBook, sheet: str, labels: tuple, wrong: list) -> tuple[str, str]:
    """Where the first label that is not in its place went, in the words of a spreadsheet user."""
    found: dict[str, list[tuple[int, int]]] = {}
    for ref, value in book.cells(sheet).items():
        if isinstance(value, str) and value.strip():
            found.setdefault(_norm(value), []).append(_split(ref))
    wrong_set = {(r, c) for r, c, _ in wrong}
    # Told by a label the sheet has once: a repeated one (信息内容 heads every block of 表二) may be found
    # at its next block's place, which reads as rows inserted when they were deleted.
    once = Counter(_norm(t) for _, _, t in labels)
    row, col, text = next((w for w in wrong if once[_norm(w[2])] == 1), wrong[0])
    ref = f"{col_letter(col)}{row + 1}"
    good_rows = [r for r, c, _ in labels if (r, c) not in wrong_set and r < row]
    good_cols = [c for r, c, _ in labels if (r, c) not in wrong_set and r == row and c < col]
    places = found.get(_norm(text), []) if once[_norm(text)] == 1 else []  # a repeated label's twin is no clue
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
        hides = _hidden_by_merges(tuple(view.merged))
        for key in sheet_keys:
            pos = lay.cells[key]
            row, col = pos.row + 1, pos.col + 1
            merge = hides.get((row, col))
            if merge is not None:
                span = f"{col_letter(merge[0] - 1)}{merge[1]}:{col_letter(merge[2] - 1)}{merge[3]}"
                covered.add(key)
                out.append(finding(Code.CELL_MERGED, **where(fmt, key, pos), range=span,
                                   value=_shown(book.cached(sheet, pos.ref))))
                continue
            how = _why_unseen(view, pos, row, col)
            if how is None:
                continue
            value = book.value(sheet, pos.ref)
            if value is not None and value != "":
                out.append(finding(Code.CELL_HIDDEN, **where(fmt, key, pos), how=how, value=_shown(value),
                                   actual=_shown(value)))
    return out, covered


@lru_cache(maxsize=256)  # the same merged ranges in every workbook of a template
def _hidden_by_merges(merged: tuple[tuple[int, int, int, int], ...]) -> dict[tuple[int, int], tuple]:
    """(row, col) -> the merged range that hides it (every cell of a range but its first)."""
    hides = {}
    for merge in merged:
        hides.update(((r, c), merge) for r in range(merge[1], min(merge[3], 400) + 1)
                     for c in range(merge[0], min(merge[2], 64) + 1) if (c, r) != (merge[0], merge[1]))
    return hides


def where(fmt: Format, key: str, pos) -> dict:
    return dict(sheet=pos.sheet, cell=pos.ref, key=key, row_label=fmt.cells[key].row_label or None,
                column_label=fmt.cells[key].column_label or None)


def _why_unseen(view, pos, row: int, col: int) -> str | None:
    """How a cell is hidden by its row or column (a number format that shows nothing, a colour, a
    drawing: appearance.py), or None when it is visible."""
    if row in view.hidden_rows:
        return f"所在的第 {row} 行被隐藏"
    if any(low <= col <= high for low, high in view.hidden_cols):
        return f"所在的 {pos.ref.rstrip('0123456789')} 列被隐藏"
    return None


@cache
def _check_refs(fmt: Format) -> tuple[tuple[str, bool], ...]:
    """(ref, is the result column) of every formula cell of the 校验 sheet."""
    return tuple((f"{col_letter(col)}{check.row + 1}", col == CHECK_RESULT_COLUMN) for check in layout(fmt).checks
                 for col in CHECK_FORMULA_COLUMNS + (CHECK_RESULT_COLUMN,))


def check_sheet_formulas(book: RawBook, lay: Layout) -> list[Finding]:
    """Every formula cell of the 校验 sheet still a formula (the result column may say 不适用)."""
    out = []
    for ref, result in _check_refs(lay.fmt):
        value = book.value(CHECK_SHEET, ref)
        if isinstance(value, str) and value.startswith("="):
            continue
        if result and value == NOT_APPLICABLE:
            continue
        out.append(finding(Code.CHECK_FORMULA_REPLACED, sheet=CHECK_SHEET, cell=ref, actual=_shown(value)))
    return out
