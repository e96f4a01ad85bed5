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
from xml.sax.saxutils import escape

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Mm

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


def _attrs(attrs: dict[str, str]) -> str:
    return "".join(f' w:{name}="{_attr_escape(value)}"' for name, value in attrs.items())


def _attr_escape(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def _el(out: list[str], tag: str, **attrs: str) -> None:
    out.append(f"<w:{tag}{_attrs(attrs)}/>")


def _text(out: list[str], text: str) -> None:
    """Run content as Word stores it: a line break is w:br, a tab w:tab, the rest w:t."""
    for i, line in enumerate(text.replace("\r", "\n").split("\n")):  # as python-docx: each \r or \n a break
        if i:
            out.append("<w:br/>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                out.append("<w:tab/>")
            if chunk:
                space = ' xml:space="preserve"' if chunk != chunk.strip() else ""
                out.append(f"<w:t{space}>{escape(chunk)}</w:t>")


def _tc(out: list[str], width_twips: int, colspan: int, vmerge: str | None, style_id: str) -> None:
    """Opens a w:tc and its paragraph up to the end of w:pStyle (the caller closes pPr, p and tc)."""
    out.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width_twips}"/>')
    if colspan > 1:
        out.append(f'<w:gridSpan w:val="{colspan}"/>')
    if vmerge == "restart":
        out.append('<w:vMerge w:val="restart"/>')
    elif vmerge == "continue":
        out.append("<w:vMerge/>")
    out.append(f'<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="{_attr_escape(style_id)}"/>')


def table_element(widths_mm: list[float], cells: list[WordCell], *, caption: str, header_rows: int,
                  table_style: str, cell_style: str, cell_margin_twips: int = 57):
    """A w:tbl of fixed layout, centred, with the given column widths; cells must tile the grid.

    Written as one XML string and parsed once: creating ~15 000 elements one by one through
    python-docx's element classes costs more than the rest of a report.
    """
    twips = [Mm(w).twips for w in widths_mm]
    out = [f"<w:tbl {nsdecls('w')}><w:tblPr>"]
    _el(out, "tblStyle", val=table_style)
    _el(out, "tblW", type="dxa", w=str(round(sum(widths_mm) * TWIPS_PER_MM)))
    _el(out, "jc", val="center")
    _el(out, "tblLayout", type="fixed")
    out.append(f'<w:tblCellMar><w:left w:w="{cell_margin_twips}" w:type="dxa"/>'
               f'<w:right w:w="{cell_margin_twips}" w:type="dxa"/></w:tblCellMar>')
    _el(out, "tblLook", firstColumn="1", firstRow="1", lastColumn="0", lastRow="0", noHBand="0", noVBand="1",
        val="04A0")
    _el(out, "tblCaption", val=caption)
    out.append("</w:tblPr><w:tblGrid>")
    out += [f'<w:gridCol w:w="{w}"/>' for w in twips]
    out.append("</w:tblGrid>")

    rows = max((c.row + c.rowspan for c in cells), default=0)
    width = len(widths_mm)
    covering: list[list[WordCell | None]] = [[None] * width for _ in range(rows)]
    for cell in cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                covering[r][c] = cell
    for r in range(rows):
        out.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if r < header_rows else "") + "</w:trPr>")
        c = 0
        while c < width:
            cell = covering[r][c]
            if cell is None:  # a hole in the grid: an empty cell keeps the row well formed
                _tc(out, twips[c], 1, None, cell_style)
                out.append("</w:pPr></w:p></w:tc>")
                c += 1
                continue
            span_width = sum(twips[c:c + cell.colspan])  # the grid columns it covers
            if cell.row != r:
                _tc(out, span_width, cell.colspan, "continue", cell_style)
                out.append("</w:pPr></w:p></w:tc>")
            else:
                _tc(out, span_width, cell.colspan, "restart" if cell.rowspan > 1 else None, cell_style)
                if cell.keep:
                    out.append("<w:keepNext/>")
                if cell.align:
                    _el(out, "jc", val=cell.align)
                out.append(f'</w:pPr><w:r><w:rPr><w:sz w:val="{round(cell.size_pt * 2)}"/></w:rPr>')
                _text(out, cell.text)
                out.append("</w:r></w:p></w:tc>")
            c += cell.colspan
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return parse_xml("".join(out))
