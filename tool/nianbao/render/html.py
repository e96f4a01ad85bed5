"""The report as one self-contained HTML page (inline CSS, no external assets), printable on A4.

Tables keep the official merged layout. For screen readers every table has a caption,
header cells carry scope (col / colgroup / row / rowgroup), and because 表三 nests
headers two and three deep, every value cell also lists its headers explicitly
(headers="…", WCAG technique H43). All text is escaped.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from nianbao.format.layout import Grid, GridCell

from .report_text import (
    APPENDIX_HEADING,
    MEMBER_COLUMNS,
    ReportView,
    TableView,
    column_fractions,
    is_printed_note,
)

SERIF = '"SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", serif'
SANS = '"SimHei", "黑体", "Heiti SC", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif'

CSS = f"""
@page {{ size: A4; margin: 25mm 22mm 22mm 22mm;
  @bottom-center {{ content: "— " counter(page) " —"; font-family: {SERIF}; font-size: 10.5pt; }} }}
html {{ background: #fff; color: #000; }}
body {{ font-family: {SERIF}; font-size: 16px; line-height: 1.8; max-width: 48em; margin: 0 auto;
  padding: 2em 1.5em; }}
h1 {{ font-family: {SERIF}; font-weight: bold; font-size: 1.6em; line-height: 1.4; text-align: center;
  margin: 0.5em 0 1em; text-wrap: balance; }}
h2 {{ font-family: {SANS}; font-weight: normal; font-size: 1.1em; margin: 1.2em 0 0.4em; text-indent: 2em;
  break-after: avoid; page-break-after: avoid; }}
p {{ text-indent: 2em; margin: 0 0 0.3em; text-align: justify; }}
p.sign {{ text-align: right; text-indent: 0; margin: 0; padding-right: 2em; }}
p.sign.first {{ margin-top: 2em; }}
.signature {{ break-inside: avoid; page-break-inside: avoid; break-before: avoid; }}
section.appendix {{ break-before: page; page-break-before: always; }}
p.unit {{ text-align: right; text-indent: 0; font-size: 12px; margin: 0.2em 0; break-after: avoid; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 12px; line-height: 1.35;
  margin: 0 0 1em; }}
table.wide {{ font-size: 11px; }}
caption {{ font-family: {SANS}; text-align: center; padding: 0 0 0.2em; }}
th, td {{ border: 1px solid #000; padding: 3px 2px; text-align: center; vertical-align: middle;
  font-weight: normal; overflow-wrap: anywhere; }}
th.block {{ text-align: left; padding-left: 0.5em; }}
th.row {{ text-align: left; padding-left: 0.4em; }}
th.row.group {{ text-align: center; }}
td.note {{ font-size: 11px; text-align: left; }}
td.num {{ font-variant-numeric: tabular-nums; white-space: nowrap; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; page-break-inside: avoid; }}
.sr-only {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }}
.draft {{ position: fixed; top: 0; left: 0; right: 0; z-index: 10; background: #fff0f0; color: #b00000;
  border-bottom: 2px solid #b00000; text-align: center; font-family: {SANS}; font-size: 14px; line-height: 1.6;
  padding: 0.3em; }}
body.is-draft {{ padding-top: 4em; }}
@media print {{
  body {{ max-width: none; padding: 0; font-size: 12pt; }}
  body.is-draft {{ padding-top: 0; }}
  table {{ font-size: 9pt; }} table.wide {{ font-size: 8pt; }} td.note {{ font-size: 8pt; }}
  p.unit {{ font-size: 9pt; }}
  /* Printed, the fixed banner repeats on every page as a watermark across the middle, so it
     never hides a line of the report; the page header says it again where supported. */
  .draft {{ top: 40%; background: none; border: none; color: rgba(192, 0, 0, 0.22); font-size: 36pt;
    line-height: 1.3; transform: rotate(-30deg); }}
  .draft .note {{ display: block; font-size: 12pt; }}
}}
"""

# Paged-media engines (WeasyPrint, Chrome 131+) also print the mark in every page header.
DRAFT_PAGE_CSS = """@page {{ @top-center {{ content: "{mark}"; color: #b00000; font-family: {sans};
  font-size: 12pt; }} }}
"""


def _has_children(grid: Grid, cell: GridCell) -> bool:
    """A column header with more headers under it (申请人情况), not a leaf header (自然人)."""
    below = cell.row + cell.rowspan
    return any(c.role == "colhead" and c.row == below and cell.col <= c.col < cell.col + cell.colspan
               for c in grid.cells)


def _block_starts(grid: Grid) -> list[int]:
    starts = sorted({c.row for c in grid.cells if c.role == "block_title"})
    return starts if starts and starts[0] == 0 else [0] + starts


def _headers_of(grid: Grid, cell: GridCell, ids: dict[GridCell, str]) -> list[str]:
    """Every header cell that describes a value cell, outermost first."""
    start = max(s for s in _block_starts(grid) if s <= cell.row)
    out = []
    for h in grid.cells:
        if h.role == "block_title" and h.row == start:
            out.append(h)
        elif h.role == "colhead" and start <= h.row < cell.row and h.col <= cell.col < h.col + h.colspan:
            out.append(h)
    out += sorted((h for h in grid.cells if h.role == "rowhead" and h.row <= cell.row < h.row + h.rowspan),
                  key=lambda h: h.col)
    return [ids[h] for h in out]


def _cell_html(view: TableView, cell: GridCell, ids: dict[GridCell, str]) -> str:
    grid = view.grid
    span = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + \
           (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
    text = escape(view.text(cell))
    ident = f' id="{ids[cell]}"' if cell in ids else ""
    if cell.role == "value":
        headers = " ".join(_headers_of(grid, cell, ids))
        return f'<td class="num"{span} headers="{headers}">{text}</td>'
    if cell.role == "corner" and is_printed_note(cell.text):
        return f'<td class="note"{span}>{text}</td>'
    if cell.role == "block_title":
        return f'<th{ident} class="block" scope="rowgroup"{span}>{text}</th>'
    if cell.role == "rowhead":
        group = " group" if cell.rowspan > 1 else ""
        return f'<th{ident} class="row{group}" scope="row"{span}>{text}</th>'
    scope = "colgroup" if cell.role == "colhead" and _has_children(grid, cell) else "col"
    return f'<th{ident} scope="{scope}"{span}>{text}</th>'


def _colgroups(grid: Grid) -> str:
    widths = [f'<col style="width: {f * 100:.2f}%">' for f in column_fractions(grid)]
    if grid.label_cols == 0 and len(grid.table.blocks) == 1:
        groups, col = [], 0
        for node in grid.table.blocks[0].columns:  # 行政复议 | 行政诉讼: the colgroups scope="colgroup" names
            span = len(node.leaves())
            groups.append(f'<colgroup>{"".join(widths[col:col + span])}</colgroup>')
            col += span
        return "".join(groups)
    if len(grid.table.blocks) == 1:
        return (f'<colgroup>{"".join(widths[:grid.label_cols])}</colgroup>'
                f'<colgroup>{"".join(widths[grid.label_cols:])}</colgroup>')
    return f'<colgroup>{"".join(widths)}</colgroup>'


def table_html(view: TableView, number: int) -> str:
    grid = view.grid
    heads = ("colhead", "rowhead", "block_title", "corner")
    ids = {c: f"t{number}-r{c.row}c{c.col}" for c in grid.cells if c.role in heads}
    rows: dict[int, list[GridCell]] = {}
    for cell in grid.cells:
        rows.setdefault(cell.row, []).append(cell)
    wide = " wide" if grid.width > 10 else ""
    out = [f'<table class="statutory{wide}">', f'<caption class="sr-only">{escape(view.caption)}</caption>',
           _colgroups(grid)]
    if grid.header_rows:
        parts = [("thead", 0, grid.header_rows), ("tbody", grid.header_rows, grid.height)]
    else:  # 表二: one row group per block, named by its block title (scope="rowgroup")
        starts = _block_starts(grid) + [grid.height]
        parts = [("tbody", a, b) for a, b in zip(starts, starts[1:], strict=False)]
    for tag, first, end in parts:
        out.append(f"<{tag}>")
        for r in range(first, end):
            cells = sorted(rows.get(r, []), key=lambda c: c.col)
            out.append("<tr>" + "".join(_cell_html(view, c, ids) for c in cells) + "</tr>")
        out.append(f"</{tag}>")
    out.append("</table>")
    return "\n".join(out)


def _members_html(view: ReportView) -> str:
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in MEMBER_COLUMNS)
    body = "".join(
        f'<tr><td class="num">{escape(n)}</td><th scope="row" class="row">{escape(name)}</th>'
        f"<td>{escape(code)}</td><td>{escape(level)}</td></tr>" for n, name, code, level in view.members)
    return (f'<section class="appendix" aria-labelledby="appendix"><h2 id="appendix">{escape(APPENDIX_HEADING)}</h2>'
            f'<table class="members"><caption class="sr-only">{escape(APPENDIX_HEADING)}</caption>'
            f'<colgroup><col style="width: 10%"><col style="width: 50%"><col style="width: 22%">'
            f'<col style="width: 18%"></colgroup><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></section>')


def html_text(view: ReportView) -> str:
    title = (view.draft_mark + " " if view.draft else "") + view.title
    out = ['<!DOCTYPE html>', '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           '<meta name="generator" content="nianbao">']
    if view.draft:
        out.append('<meta name="robots" content="noindex">')
    style = CSS + (DRAFT_PAGE_CSS.format(mark=view.draft_mark, sans=SANS) if view.draft else "")
    out += [f"<title>{escape(title)}</title>", f"<style>{style}</style>", "</head>",
            f'<body class="{"is-draft" if view.draft else "report"}">']
    if view.draft:
        out.append(f'<div class="draft" role="alert"><strong>{escape(view.draft_mark)}</strong> '
                   f'<span class="note">{escape(view.draft_note)}</span></div>')
    out += ["<main>", f"<h1>{'<br>'.join(escape(line) for line in view.title_lines)}</h1>"]
    out += [f"<p>{escape(p)}</p>" for p in view.intro]
    table_number = 0
    for i, section in enumerate(view.sections, start=1):
        out.append(f'<section aria-labelledby="s{i}"><h2 id="s{i}">{escape(section.heading)}</h2>')
        out += [f"<p>{escape(p)}</p>" for p in section.paragraphs]
        if section.table is not None:
            table_number += 1
            if section.table.unit_note:
                out.append(f'<p class="unit">{escape(section.table.unit_note)}</p>')
            out.append(table_html(section.table, table_number))
        out.append("</section>")
    out.append(f'<div class="signature"><p class="sign first">{escape(view.agency)}</p>'
               f'<p class="sign">{escape(view.date) if view.date else "&#160;"}</p></div>')
    if view.members:
        out.append(_members_html(view))
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def write_html(view: ReportView, path: Path) -> Path:
    path.write_text(html_text(view), encoding="utf-8")
    return path
