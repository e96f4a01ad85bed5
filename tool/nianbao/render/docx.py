"""The report as a Word document that a department can publish as it is.

A4 portrait with official-document margins (GB/T 9704: text block 156 mm wide), 宋体
body and 黑体 headings (python-docx sets only Latin fonts, so every font is written with
w:eastAsia explicitly and the theme fonts of the default template are removed), page
numbers as a PAGE field in the footer, and the statutory tables as real Word tables with
borders and merged cells in the official layout. 表三 and 表四 stay portrait, as in
published reports: small type and narrow value columns. A draft carries 草稿（未通过校验）
in the page header (so on every page) plus a diagonal watermark.

The output is reproducible: fixed document properties and fixed zip timestamps, so the
same report document always gives the same bytes.
"""

from __future__ import annotations

import io
import math
import os
import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .docx_table import WordCell, table_element
from .report_text import (
    APPENDIX_HEADING,
    DRAFT_MARK,
    DRAFT_NOTE,
    MEMBER_COLUMNS,
    ReportView,
    TableView,
    column_fractions,
    title_lines,
)

BODY_FONT = "SimSun"  # 宋体; the Latin name is what fontconfig (LibreOffice) aliases to a CJK serif
HEADING_FONT = "SimHei"  # 黑体
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)  # 三号
LINE = Pt(28)  # fixed line pitch of official documents
PAGE_W, PAGE_H = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
TEXT_WIDTH_MM = 210 - 28 - 26
DRAFT_RED = RGBColor(0xC0, 0x00, 0x00)


def _set_fonts(rpr, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Explicit fonts for every script; theme fonts would override them, so they go."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)


def _style_fonts(style, east_asia: str, latin: str = LATIN_FONT) -> None:
    _set_fonts(style.element.get_or_add_rPr(), east_asia, latin)


def _setup_styles(doc) -> None:
    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:eastAsia"), "zh-CN")
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    ppr.remove(ppr.find(qn("w:spacing")))

    normal = styles["Normal"]
    _style_fonts(normal, BODY_FONT)
    normal.font.size = BODY_SIZE
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = LINE
    pf.space_before = pf.space_after = Pt(0)
    pf.first_line_indent = BODY_SIZE * 2
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.widow_control = True

    title = styles["Title"]
    title_ppr = title.element.get_or_add_pPr()
    for border in title_ppr.findall(qn("w:pBdr")):
        title_ppr.remove(border)
    _style_fonts(title, BODY_FONT)
    title.font.size = Pt(22)  # 二号, bold 宋体 standing in for 小标宋
    title.font.bold = True
    title.font.color.rgb = RGBColor(0, 0, 0)
    rpr = title.element.get_or_add_rPr()
    for tag in ("w:spacing", "w:kern"):
        for el in rpr.findall(qn(tag)):
            rpr.remove(el)
    tf = title.paragraph_format
    tf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    tf.first_line_indent = Pt(0)
    tf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    tf.line_spacing = Pt(35)
    tf.space_before = Pt(0)
    tf.space_after = LINE

    heading = styles["Heading 1"]
    _style_fonts(heading, HEADING_FONT)
    heading.font.size = BODY_SIZE
    heading.font.bold = False
    heading.font.color.rgb = RGBColor(0, 0, 0)
    hf = heading.paragraph_format
    hf.space_before = Pt(8)  # air between a table and the next heading
    hf.space_after = Pt(0)
    hf.keep_with_next = True
    hf.first_line_indent = BODY_SIZE * 2

    cell = styles.add_style("表格文字", 1)  # WD_STYLE_TYPE.PARAGRAPH
    cell.base_style = normal
    cell.font.size = Pt(9)
    cf = cell.paragraph_format
    cf.first_line_indent = Pt(0)
    cf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    cf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cf.widow_control = False

    unit = styles.add_style("表格单位", 1)
    unit.base_style = cell
    unit.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    unit.paragraph_format.keep_with_next = True
    unit.paragraph_format.space_before = Pt(3)
    unit.paragraph_format.space_after = Pt(2)

    sign = styles.add_style("落款", 1)
    sign.base_style = normal
    sign.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sign.paragraph_format.first_line_indent = Pt(0)
    sign.paragraph_format.right_indent = BODY_SIZE * 2


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_W, PAGE_H
    for side, value in MARGINS.items():
        setattr(section, f"{side}_margin", value)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(20)


def _field_runs(paragraph, instruction: str, placeholder: str) -> None:
    """A Word field (e.g. PAGE) with a cached result that every viewer updates."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", placeholder),
                       ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
            run._r.append(el)
        elif kind == "text":
            run.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)


def _footer(doc) -> None:
    para = doc.sections[0].footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.first_line_indent = Pt(0)
    para.add_run("— ")
    _field_runs(para, " PAGE ", "1")
    para.add_run(" —")
    for run in para.runs:
        run.font.size = Pt(14)  # 四号


_VML_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
           'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"')
_WATERMARK = (
    '<w:r {ns}><w:pict><v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:path textpathok="t" o:connecttype="custom"/>'
    '<v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
    '<v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:420pt;height:105pt;rotation:315;z-index:-251657216;'
    'mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:center;'
    'mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#f0c8c8" stroked="f">'
    '<v:fill opacity=".4"/><v:textpath style="font-family:&quot;{font}&quot;;font-size:1pt" string="{text}"/>'
    '</v:shape></w:pict></w:r>'
)


def _draft_header(doc) -> None:
    """草稿（未通过校验） on every page: a red header line and a faint diagonal watermark."""
    header = doc.sections[0].header
    para = header.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.first_line_indent = Pt(0)
    para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    mark = para.add_run(DRAFT_MARK)
    mark.font.bold = True
    mark.font.size = Pt(16)
    mark.font.color.rgb = DRAFT_RED
    _set_fonts(mark._r.get_or_add_rPr(), HEADING_FONT)
    note = para.add_run("　" + DRAFT_NOTE)
    note.font.size = Pt(9)
    note.font.color.rgb = DRAFT_RED
    para._p.append(parse_xml(_WATERMARK.format(ns=_VML_NS, font=HEADING_FONT, text="草稿")))


def _add_table(doc, widths_mm: list[float], cells: list[WordCell], caption: str, header_rows: int) -> None:
    """A bordered (Table Grid), fixed-layout table at the end of the body, built in one pass."""
    tbl = table_element(widths_mm, cells, caption=caption, header_rows=header_rows,
                        table_style=doc.styles["Table Grid"].style_id, cell_style=doc.styles["表格文字"].style_id)
    doc.element.body._insert_tbl(tbl)


def _balanced(text: str, width_mm: float, size: Pt) -> str:
    """Break a CJK header evenly across the lines it needs: 商业/企业, not 商业企/业.

    Full-width characters are exactly one em wide, so the line length is known in advance.
    Text with Latin letters or digits is left to Word.
    """
    if not text or any(ord(ch) < 0x2E80 for ch in text):
        return text
    per_line = int((width_mm - 2.4) / (size.pt * 25.4 / 72))  # 1 mm cell margin each side, some slack
    if per_line < 1 or len(text) <= per_line:
        return text
    lines = math.ceil(len(text) / per_line)
    step = math.ceil(len(text) / lines)
    return "\n".join(text[i:i + step] for i in range(0, len(text), step))


def _rows_kept_with_next(grid) -> set[int]:
    """Rows that must not end a page: a block of 表二 stays whole (it may break between blocks),
    a small table stays whole, and 表三 breaks between rows but repeats its header."""
    titles = sorted(c.row for c in grid.cells if c.role == "block_title")
    if titles:
        ends = {t - 1 for t in titles} | {grid.height - 1}
        return set(range(grid.height)) - ends
    if grid.height <= 20:
        return set(range(grid.height - 1))
    return set(range(grid.header_rows))


def _statutory_table(doc, view: TableView) -> None:
    grid = view.grid
    widths = [f * TEXT_WIDTH_MM for f in column_fractions(grid)]
    size = 10.5 if grid.width <= 4 else 9  # 表二 五号; 表三、表四 小五
    keep_rows = _rows_kept_with_next(grid)
    cells = []
    for cell in grid.cells:
        align = None
        text_size = size
        if cell.role == "block_title":
            align = "left"
        elif cell.role == "rowhead" and cell.rowspan == 1:
            align = "left"
        elif cell.role == "corner" and len(cell.text) > 10:
            text_size = 8
        text = view.text(cell)
        if cell.role == "colhead":
            text = _balanced(text, sum(widths[cell.col:cell.col + cell.colspan]), Pt(text_size))
        cells.append(WordCell(cell.row, cell.col, cell.rowspan, cell.colspan, text, text_size, align,
                              keep=cell.row + cell.rowspan - 1 in keep_rows))
    _add_table(doc, widths, cells, view.caption, grid.header_rows)


def _members_table(doc, view: ReportView) -> None:
    widths = [f * TEXT_WIDTH_MM for f in (0.1, 0.5, 0.22, 0.18)]
    cells = [WordCell(0, col, 1, 1, text, 10.5) for col, text in enumerate(MEMBER_COLUMNS)]
    for row, member in enumerate(view.members, start=1):
        cells += [WordCell(row, col, 1, 1, text, 10.5, "left" if col == 1 else None) for col, text in enumerate(member)]
    _add_table(doc, widths, cells, APPENDIX_HEADING, 1)


def _properties(doc, view: ReportView) -> None:
    props = doc.core_properties
    fixed = datetime(view.year + 1 if view.year else 2000, 1, 1)
    props.title = (DRAFT_MARK + " " if view.draft else "") + view.title
    props.author = view.agency
    props.last_modified_by = "nianbao"
    props.subject = "政府信息公开工作年度报告"
    props.keywords = f"政府信息公开; 年度报告; {view.year or ''}"
    props.comments = f"{view.fmt.title}（{view.fmt.notice}）"
    props.category = "草稿" if view.draft else "年度报告"
    props.language = "zh-CN"
    props.created = fixed
    props.modified = fixed
    props.revision = 1


def build_docx(view: ReportView):
    doc = Document()
    package = doc.part.package
    for rid, rel in list(package.rels.items()):  # the default template's preview image of a blank page
        if rel.reltype.endswith("/thumbnail"):
            package.rels.pop(rid)
    _setup_styles(doc)
    _page_setup(doc)
    _footer(doc)
    if view.draft:
        _draft_header(doc)
    body = doc.element.body
    for p in body.findall(qn("w:p")):  # the default template's empty first paragraph
        body.remove(p)
    title = doc.add_paragraph(style="Title")
    for i, line in enumerate(title_lines(view.title, TEXT_WIDTH_MM / (22 * 25.4 / 72))):
        if i:
            title.add_run().add_break()
        title.add_run(line)
    for text in view.intro:
        doc.add_paragraph(text)
    for section in view.sections:
        doc.add_paragraph(section.heading, style="Heading 1")
        for text in section.paragraphs:
            doc.add_paragraph(text)
        if section.table is not None:
            if section.table.unit_note:
                doc.add_paragraph(section.table.unit_note, style="表格单位")
            _statutory_table(doc, section.table)
    if doc.paragraphs:  # the signature never stands alone on a page
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
    first = doc.add_paragraph(view.agency, style="落款")
    first.paragraph_format.space_before = LINE * 2
    first.paragraph_format.keep_with_next = True
    doc.add_paragraph(view.date, style="落款")
    if view.members:
        appendix = doc.add_paragraph(APPENDIX_HEADING, style="Heading 1")
        appendix.paragraph_format.page_break_before = True
        appendix.paragraph_format.first_line_indent = Pt(0)
        _members_table(doc, view)
    _properties(doc, view)
    return doc


def write_docx(view: ReportView, path: Path) -> Path:
    """Save with fixed zip timestamps (python-docx stamps entries with the current time)."""
    buffer = io.BytesIO()
    build_docx(view).save(buffer)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                dst.writestr(entry, src.read(info.filename))
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path
