"""The report as GitHub-flavoured Markdown.

Pipe tables cannot merge cells, so each statutory table is flattened: the column header
path becomes one header (申请人情况·法人或其他组织·商业企业), the row path goes into the
first column (三、本年度办理结果 / （三）不予公开 / 1.属于国家秘密). A table made of
several blocks (表二) becomes one pipe table per block under its block title. Printed
notes that sit in a corner cell are kept as a line under the table; units are stated above it.
"""

from __future__ import annotations

import re
from pathlib import Path

from nianbao.format.layout import Grid

from .report_text import (
    APPENDIX_HEADING,
    MEMBER_COLUMNS,
    ReportView,
    TableView,
    is_printed_note,
)

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#~])")
_LIST_START = re.compile(r"^(\s*)(\d+)([.)])(?=\s|$)")


def escape(text: str) -> str:
    """Text that Markdown shows literally: no emphasis, links, HTML, headings or list items."""
    text = _SPECIAL.sub(r"\\\1", text)
    text = _LIST_START.sub(r"\1\2\\\3", text)
    if text.startswith(("-", "+", "=")):
        text = "\\" + text
    return text


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("\n", " ") for c in cells) + " |"


def _block_tables(view: TableView) -> list[str]:
    """One pipe table per block of the grid."""
    grid: Grid = view.grid
    fmt_table = grid.table
    out: list[str] = []
    for block in fmt_table.blocks:
        leaves = block.leaf_columns()
        rows = block.leaf_rows()
        if block.title:
            out += [f"**{escape(block.title)}**", ""]
        headers = []
        if grid.label_cols:
            corner = block.corner or ""
            headers.append(escape(corner if corner and not is_printed_note(corner) else "项目"))
        headers += [escape("·".join(col.path)) for col in leaves]
        lines = [_row(headers), _row(["---"] * (len(headers) - len(leaves)) + ["---:"] * len(leaves))]
        for row in rows:
            cells = [escape(" / ".join(row.path))] if grid.label_cols else []
            for col in leaves:
                key = ".".join(p for p in (fmt_table.key, row.key, col.key) if p)
                cells.append(escape(view.values.get(key, "")))
            lines.append(_row(cells))
        out += lines + [""]
    return out


def _table(view: TableView) -> list[str]:
    out = [f"*{escape(view.unit_note)}*", ""] if view.unit_note else []
    out += _block_tables(view)
    out += [f"注：{escape(note)}" for note in view.notes]
    if view.notes:
        out.append("")
    return out


def markdown_text(view: ReportView) -> str:
    lines: list[str] = []
    if view.draft:
        lines += [f"> **{view.draft_mark}** {view.draft_note}", ""]
    lines += [f"# {escape(view.title)}", ""]
    for text in view.intro:
        lines += [escape(text), ""]
    for section in view.sections:
        lines += [f"## {escape(section.heading)}", ""]
        for text in section.paragraphs:
            lines += [escape(text), ""]
        if section.table is not None:
            lines += _table(section.table)
    # The signature: right alignment does not exist in Markdown; the lines stand alone at the end.
    lines += ["", escape(view.agency) + "  ", escape(view.date) if view.date else "", ""]
    if view.members:
        lines += [f"## {escape(APPENDIX_HEADING)}", "", _row(list(MEMBER_COLUMNS)),
                  _row(["---:", "---", "---", "---"])]
        lines += [_row([escape(v) for v in member]) for member in view.members]
        lines.append("")
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


def write_markdown(view: ReportView, path: Path) -> Path:
    path.write_text(markdown_text(view), encoding="utf-8")
    return path
