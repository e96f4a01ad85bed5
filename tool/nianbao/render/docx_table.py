"""A Word table written as WordprocessingML directly: linear in the number of cells.

python-docx's `table.cell(r, c)` rebuilds the whole cell list on every call (quadratic in the
table's size: about a second per report for 表三), and a merge rewrites rows again. Here every
`w:tc` is made once, in row order, from the cells that cover the grid: a cell spanning
columns is one `w:tc` with `w:gridSpan`, a cell spanning rows starts with
`w:vMerge w:val="restart"` and continues in each row below with `w:vMerge` — exactly what
Word (and python-docx's merge) writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm
from lxml import etree

TWIPS_PER_MM = 56.6929


@dataclass(frozen=True, slots=True)
class WordCell:
    """One cell as drawn: its grid position and span, text, and paragraph formatting."""

    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    size_pt: float
    align: str | None = None  # w:jc value (left, right); None: the paragraph style's
    keep: bool = False  # keep with next: the row may not end a page


def _el(parent, tag: str, **attrs: str):
    el = etree.SubElement(parent, qn(f"w:{tag}"))
    for name, value in attrs.items():
        el.set(qn(f"w:{name}"), value)
    return el


def _text(run, text: str) -> None:
    """Run content as Word stores it: a line break is w:br, a tab w:tab, the rest w:t."""
    chunk = []

    def flush() -> None:
        if chunk:
            t = _el(run, "t")
            t.text = "".join(chunk)
            if t.text != t.text.strip():
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            chunk.clear()

    for ch in text:
        if ch in "\n\r":
            flush()
            _el(run, "br")
        elif ch == "\t":
            flush()
            _el(run, "tab")
        else:
            chunk.append(ch)
    flush()


def _tc(tr, width_twips: int, colspan: int, vmerge: str | None, style_id: str):
    tc = _el(tr, "tc")
    pr = _el(tc, "tcPr")
    _el(pr, "tcW", type="dxa", w=str(width_twips))
    if colspan > 1:
        _el(pr, "gridSpan", val=str(colspan))
    if vmerge == "restart":
        _el(pr, "vMerge", val="restart")
    elif vmerge == "continue":
        _el(pr, "vMerge")
    _el(pr, "vAlign", val="center")
    p = _el(tc, "p")
    ppr = _el(p, "pPr")
    _el(ppr, "pStyle", val=style_id)
    return p, ppr


def table_element(widths_mm: list[float], cells: list[WordCell], *, caption: str, header_rows: int,
                  table_style: str, cell_style: str, cell_margin_twips: int = 57):
    """A w:tbl of fixed layout, centred, with the given column widths; cells must tile the grid."""
    tbl = parse_xml(f"<w:tbl {nsdecls('w')}/>")
    pr = _el(tbl, "tblPr")
    _el(pr, "tblStyle", val=table_style)
    _el(pr, "tblW", type="dxa", w=str(round(sum(widths_mm) * TWIPS_PER_MM)))
    _el(pr, "jc", val="center")
    _el(pr, "tblLayout", type="fixed")
    margins = _el(pr, "tblCellMar")
    for side in ("left", "right"):
        _el(margins, side, w=str(cell_margin_twips), type="dxa")
    _el(pr, "tblLook", firstColumn="1", firstRow="1", lastColumn="0", lastRow="0", noHBand="0", noVBand="1",
        val="04A0")
    _el(pr, "tblCaption", val=caption)
    grid = _el(tbl, "tblGrid")
    twips = [Mm(w).twips for w in widths_mm]
    for w in twips:
        _el(grid, "gridCol", w=str(w))

    rows = max((c.row + c.rowspan for c in cells), default=0)
    width = len(widths_mm)
    covering: list[list[WordCell | None]] = [[None] * width for _ in range(rows)]
    for cell in cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                covering[r][c] = cell
    for r in range(rows):
        tr = _el(tbl, "tr")
        trpr = _el(tr, "trPr")
        _el(trpr, "cantSplit")
        if r < header_rows:
            _el(trpr, "tblHeader")
        c = 0
        while c < width:
            cell = covering[r][c]
            if cell is None:  # a hole in the grid: an empty cell keeps the row well formed
                _tc(tr, twips[c], 1, None, cell_style)
                c += 1
                continue
            span_width = sum(twips[c:c + cell.colspan])  # the grid columns it covers
            if cell.row != r:
                _tc(tr, span_width, cell.colspan, "continue", cell_style)
            else:
                p, ppr = _tc(tr, span_width, cell.colspan, "restart" if cell.rowspan > 1 else None, cell_style)
                if cell.keep:
                    _el(ppr, "keepNext")
                if cell.align:
                    _el(ppr, "jc", val=cell.align)
                run = _el(p, "r")
                _el(_el(run, "rPr"), "sz", val=str(round(cell.size_pt * 2)))
                _text(run, cell.text)
            c += cell.colspan
    return tbl
