"""Where everything sits in a nianbao workbook, derived from a format spec.

No other module computes a cell address. The template paints this layout, the reader
reads through it, the check sheet and findings name its cells, and the document
renderers draw the same table grids (merged headers, row hierarchy, notes).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cache, cached_property

from .spec import Block, Format, Node, RuleInstance, Table

COVER_SHEET = "封面"
TEXT_SHEET = "正文"
CHECK_SHEET = "校验"
# The 校验 sheet's columns that hold a formula in every check row (左边, 右边, 差额), and the result
# column, a formula or 不适用 (template/checks.py paints them; tests/format/test_layout.py keeps both in step).
CHECK_FORMULA_COLUMNS = (4, 5, 6)
CHECK_RESULT_COLUMN = 7
NOT_APPLICABLE = "不适用"
NAME_PREFIX = "nb."  # names of templates before 2026.2 (nb.<key>); now only where a Chinese name cannot be made
META_NAMES = ("format", "year", "agency_name", "agency_code", "agency_level", "template_version",
              "fingerprint", "hmac", "kind", "previous")


def col_letter(col: int) -> str:
    """0-based column index to letters (0 -> A)."""
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass(frozen=True)
class Pos:
    sheet: str
    row: int  # 0-based
    col: int  # 0-based

    @cached_property
    def ref(self) -> str:
        return f"{col_letter(self.col)}{self.row + 1}"

    @cached_property
    def abs_ref(self) -> str:
        return f"${col_letter(self.col)}${self.row + 1}"

    @cached_property
    def qualified(self) -> str:
        """A reference usable in a formula on another sheet: '表三 依申请公开'!$D$8."""
        return f"'{self.sheet}'!{self.abs_ref}"


@dataclass(frozen=True)
class GridCell:
    """One painted cell (possibly merged) of a statutory table."""

    row: int  # relative to the table's first row
    col: int
    rowspan: int
    colspan: int
    text: str
    role: str  # block_title | corner | colhead | rowhead | value
    key: str | None = None
    depth: int = 0


@dataclass(frozen=True)
class Grid:
    table: Table
    width: int
    height: int
    label_cols: int
    cells: tuple[GridCell, ...]
    header_rows: int  # rows at the top that repeat when printed


@dataclass(frozen=True)
class Field:
    """A text input: contact details, report date, narrative sections."""

    key: str  # e.g. contact.person, sections.overview, date
    label: str
    pos: Pos
    multiline: bool = False
    required: str | None = None  # error | warning | None
    hint: str = ""


@dataclass(frozen=True)
class CheckRow:
    instance: RuleInstance
    row: int  # row on the check sheet


@dataclass
class Layout:
    fmt: Format
    sheets: list[str]
    grids: dict[str, Grid]
    grid_origin: dict[str, int]  # table key -> sheet row where its grid starts
    cells: dict[str, Pos]
    fields: dict[str, Field]
    checks: list[CheckRow]
    # 正文's 参考表述 cells: table section key -> the cell whose formula states the section's figures
    # (format/statements.py). Not inputs, never read: not in the fingerprint, so moving them keeps
    # every template readable.
    references: dict[str, Pos] = field(default_factory=dict)

    def name(self, key: str) -> str:
        """The defined name of a cell or field, what Excel's Name Box shows when it is selected:
        表三.一本年新收政府信息公开申请数量.申请人情况.自然人, 封面.填报人 (Chinese, like all a clerk
        sees). Nothing reads a cell by its name (the reader finds cells by place, through this
        layout), so templates issued with the earlier nb.<key> names read as before."""
        return self._names[key]

    @cached_property
    def _names(self) -> dict[str, str]:
        names = {key: defined_name(breakdown_label(self.fmt, key)) for key in self.cells}
        names |= {key: defined_name(f"{f.pos.sheet}·{f.label.split('（')[0]}") for key, f in self.fields.items()}
        seen: dict[str, int] = {}
        for name in names.values():
            seen[name.lower()] = seen.get(name.lower(), 0) + 1
        # A name two cells would share, or one too long for Excel, falls back to the key.
        return {key: name if seen[name.lower()] == 1 and len(name) <= 255 else NAME_PREFIX + key
                for key, name in names.items()}

    @cached_property
    def labels(self) -> dict[str, tuple[tuple[int, int, str], ...]]:
        """Per statutory sheet, every label and header the template paints there: (row, col, text),
        0-based, in reading order. The reader compares them with the sheet to find a moved table."""
        out: dict[str, list[tuple[int, int, str]]] = {}
        for key, grid in self.grids.items():
            top = self.grid_origin[key]
            for cell in grid.cells:
                if cell.role != "value" and cell.text.strip():
                    out.setdefault(grid.table.sheet, []).append((top + cell.row, cell.col, cell.text))
        return {sheet: tuple(sorted(cells)) for sheet, cells in out.items()}

    @cached_property
    def _fingerprint(self) -> str:
        return self._compute_fingerprint()

    def fingerprint(self) -> str:
        """A short hash of everything the reader relies on: sheets, cell places, labels."""
        return self._fingerprint

    def _compute_fingerprint(self) -> str:
        data = {
            "format": self.fmt.id,
            "sheets": self.sheets,
            "cells": {k: [p.sheet, p.ref, self.fmt.cells[k].kind, k in self.fmt.derived] for k, p in self.cells.items()},
            "fields": {k: [f.pos.sheet, f.pos.ref] for k, f in self.fields.items()},
            "labels": [[g.table.key, c.row, c.col, c.text] for g in self.grids.values() for c in g.cells],
        }
        blob = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:16]


# Rows above each table grid: sheet heading, agency/year line.
TABLE_TOP = 2


def table_grid(table: Table) -> Grid:
    """The official layout of one statutory table as merged cells."""
    label_cols = max(_depth(node) for block in table.blocks for node in block.rows)
    width = label_cols + max(len(b.leaf_columns()) for b in table.blocks)
    cells: list[GridCell] = []
    row = 0
    header_rows = 0
    for index, block in enumerate(table.blocks):
        if block.title:
            cells.append(GridCell(row, 0, 1, width, block.title, "block_title"))
            row += 1
        head = max(_depth(node) for node in block.columns)
        if label_cols:
            cells.append(GridCell(row, 0, head, label_cols, block.corner or "", "corner"))
        _column_headers(block, row, label_cols, width, head, cells)
        if index == 0 and len(table.blocks) == 1:
            header_rows = row + head
        row += head
        row = _row_headers(table, block, row, label_cols, width, cells)
    return Grid(table, width, row, label_cols, tuple(cells), header_rows)


def _depth(node: Node) -> int:
    """Levels of the tree under (and including) node; a keyless, labelless row has none."""
    if node.is_leaf:
        return 1 if node.label else 0
    return 1 + max(_depth(c) for c in node.children)


def _column_headers(block: Block, top: int, left: int, width: int, head: int, out: list[GridCell]) -> None:
    leaves = block.leaf_columns()
    spare = width - left - len(leaves)  # a block narrower than the grid widens its last column

    def walk(node: Node, level: int, col: int) -> int:
        span = len(node.leaves())
        if node.leaves()[-1] is leaves[-1]:
            span += spare
        rowspan = 1 if node.children else head - level
        out.append(GridCell(top + level, col, rowspan, span, node.label, "colhead"))
        c = col
        for child in node.children:
            c = walk(child, level + 1, c)
        return col + span

    col = left
    for node in block.columns:
        col = walk(node, 0, col)


def _row_headers(table: Table, block: Block, top: int, label_cols: int, width: int, out: list[GridCell]) -> int:
    leaves = block.leaf_columns()
    spare = width - label_cols - len(leaves)
    row = top

    def walk(node: Node, level: int) -> None:
        nonlocal row
        if node.children:
            out.append(GridCell(row, level, len(node.leaves()), 1, node.label, "rowhead", depth=level))
            for child in node.children:
                walk(child, level + 1)
            return
        if label_cols:
            out.append(GridCell(row, level, 1, label_cols - level, node.label, "rowhead", depth=level))
        for i, col in enumerate(leaves):
            key = ".".join(p for p in (table.key, node.key, col.key) if p)
            span = 1 + (spare if i == len(leaves) - 1 else 0)
            out.append(GridCell(row, label_cols + i, 1, span, "", "value", key))
        row += 1

    for node in block.rows:
        walk(node, 0)
    return row


@cache
def layout(fmt: Format) -> Layout:
    grids: dict[str, Grid] = {}
    origin: dict[str, int] = {}
    cells: dict[str, Pos] = {}
    for table in fmt.tables:
        grid = table_grid(table)
        grids[table.key] = grid
        origin[table.key] = TABLE_TOP
        for cell in grid.cells:
            if cell.key:
                cells[cell.key] = Pos(table.sheet, TABLE_TOP + cell.row, cell.col)
    # Keep spec order, so every consumer lists cells the same way.
    cells = {key: cells[key] for key in fmt.cells}
    fields = _fields(fmt)
    checks = [CheckRow(inst, 3 + i) for i, inst in enumerate(fmt.instances) if not inst.rule.cross_year]
    sheets = [COVER_SHEET, TEXT_SHEET] + [t.sheet for t in fmt.tables] + [CHECK_SHEET]
    return Layout(fmt, sheets, grids, origin, cells, fields, checks, _references(fmt, fields))


def _fields(fmt: Format) -> dict[str, Field]:
    cover = [
        ("contact.person", "填报人"),
        ("contact.phone", "联系电话"),
        ("contact.department", "填报科室"),
        ("date", "报告日期（如 2022年1月20日）"),
    ]
    fields = {
        key: Field(key, label, Pos(COVER_SHEET, 8 + i, 2), required="warning" if key != "contact.department" else None)
        for i, (key, label) in enumerate(cover)
    }
    for i, section in enumerate(fmt.text_sections()):
        # Each narrative section: a heading row, then one tall merged text cell.
        fields[f"sections.{section.key}"] = Field(
            f"sections.{section.key}", section.heading, Pos(TEXT_SHEET, 3 + 3 * i, 0), True, section.required,
            section.hint,
        )
    return fields


# Below the text boxes of 正文: a blank row, the 参考表述 heading and its note, then per table
# section a label row and the row of its formula cell.
REFERENCE_GAP = 2


def reference_heading_row(lay: Layout) -> int:
    """The row of 正文's 参考表述 heading (its note is on the row below)."""
    last = max(f.pos.row for f in lay.fields.values() if f.pos.sheet == TEXT_SHEET)
    return last + 1 + REFERENCE_GAP


def _references(fmt: Format, fields: dict[str, Field]) -> dict[str, Pos]:
    last = max(f.pos.row for f in fields.values() if f.pos.sheet == TEXT_SHEET)
    first = last + 1 + REFERENCE_GAP + 3  # heading, note, the first section's label
    keys = [s.key for s in fmt.sections if s.table and s.key in fmt.statements]
    return {key: Pos(TEXT_SHEET, first + 2 * i, 0) for i, key in enumerate(keys)}


# -- the per-agency breakdown sheet of a county summary workbook (written by render/summary_xlsx.py,
#    read back by read.read_breakdown for next year's cross-year checks)
BREAKDOWN_SHEET = "分部门明细"
BREAKDOWN_KEY_ROW = 2  # 0-based: row 3 holds the cell keys; row 4 unique labels; data from row 5
BREAKDOWN_FIXED = (("agency.code", "单位代码"), ("agency.name", "单位名称"), ("agency.level", "层级"),
                   ("status", "报送状态"))


def defined_name(label: str) -> str:
    """A label as an Excel/LibreOffice defined name: "·" becomes ".", and only Chinese characters,
    ASCII letters and digits, "." and "_" remain (表二·第二十条第（一）项·规章 -> 表二.第二十条第一项.规章)."""
    out = "".join("." if ch == "·" else ch for ch in label
                  if ch == "·" or ch in "._" or ch.isascii() and ch.isalnum() or "\u4e00" <= ch <= "\u9fff")
    out = re.sub(r"\.{2,}", ".", out).strip(".")
    return out if out and not out[0].isdigit() else "_" + out


def breakdown_label(fmt: Format, key: str) -> str:
    """A unique, readable column header: 表三·一、本年新收政府信息公开申请数量·自然人."""
    cell = fmt.cells[key]
    table = fmt.table(cell.table)
    parts = [f"表{table.number}"]
    block = table.blocks[cell.block]
    if block.title:
        parts.append(block.title)
    parts += list(cell.row.path) + list(cell.column.path)
    return "·".join(parts)
