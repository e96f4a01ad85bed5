"""The report as a Word document that a department can publish as it is.

The layout of an official document (GB/T 9704-2012 党政机关公文格式) where it applies: A4,
margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (text block 156 × 225 mm), a
document grid of 22 lines × 28 characters, body 仿宋_GB2312 三号, first-level headings 黑体,
second-level headings （一）… 楷体_GB2312, the title 方正小标宋简体 二号, the signature and date
four characters from the right with the name centred over the date, and page numbers
“— 1 —” in 四号 宋体 below the text block: odd pages right, even pages left (the standard's
rule for documents printed on both sides; a centred number would be its single-sided
alternative). The statutory tables are real Word tables in the official merged layout, in
宋体 五号 (10.5 pt) like published reports; a draft carries its mark (草稿（未通过校验）
or 草稿（内容待补充）) in the header of every page plus a diagonal watermark.

Fonts are named as a government PC has them (仿宋_GB2312, 楷体_GB2312, 方正小标宋简体, 黑体,
宋体); the font table gives Word each one's stand-in when it is not installed (仿宋, 楷体, 宋体:
every Chinese Windows has them), with charset GB2312, and the East Asian language is zh-CN,
so other programs substitute a Simplified Chinese font (LibreOffice: Noto CJK SC).

Tables are written as XML in one pass (docx_table.py), never through python-docx's
quadratic `table.cell()`. The output is reproducible: fixed document properties and zip
timestamps, so the same report document always gives the same bytes.
"""

from __future__ import annotations

import functools
import io
import math
import os
import re
import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from lxml import etree

from .docx_table import WordCell, table_element
from .report_text import (
    APPENDIX_HEADING,
    MEMBER_COLUMNS,
    ReportView,
    TableView,
    column_fractions,
    text_width_em,
    wrap_title,
)

BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
TITLE_FONT = "方正小标宋简体"
TABLE_FONT = "宋体"  # table text and page numbers
LATIN_FONT = "Times New Roman"
# How Word finds a stand-in when a font is missing (w:altName), and what kind of font each is.
# panose1 / family / pitch as the fonts themselves declare them; charset 86 = GB2312.
FONT_TABLE = {
    BODY_FONT: ("仿宋", "02010609030101010101", "modern", "fixed"),
    HEADING2_FONT: ("楷体", "02010609030101010101", "modern", "fixed"),
    TITLE_FONT: ("宋体", "02000000000000000000", "auto", "variable"),
    HEADING_FONT: ("SimHei", "02010609060101010101", "modern", "fixed"),
    TABLE_FONT: ("SimSun", "02010600030101010101", "auto", "variable"),
}
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
TABLE_SIZE = 10.5  # 五号: the smallest text in a table
PAGE_NUMBER_SIZE = Pt(14)  # 四号
PAGE_W, PAGE_H = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
TEXT_WIDTH_MM, TEXT_HEIGHT_MM = 210 - 28 - 26, 297 - 37 - 35  # 156 × 225
LINES, CHARS = 22, 28
LINE = Twips(int(TEXT_HEIGHT_MM / LINES * 56.6929))  # 579 twips = 28.95 pt: 22 lines fill the text block
# 28 characters fill 156 mm (442.2 pt) when each 16 pt character is set 0.25 pt closer (w:spacing, in
# twentieths of a point). Word's character grid (docGrid linesAndChars) would do the same, but
# LibreOffice draws that grid with gaps between all characters, so the pitch is set on the text instead.
CHAR_SPACING = math.floor((TEXT_WIDTH_MM * 72 / 25.4 / CHARS - BODY_SIZE.pt) * 20)  # -5
DRAFT_RED = RGBColor(0xC0, 0x00, 0x00)
_SUBHEADING = re.compile(r"^（[一二三四五六七八九十]{1,3}）")
# Style ids of the styles used by name (python-docx's name lookup scans every style: too slow per paragraph).
STYLE_IDS = {"Title": "Title", "Heading 1": "Heading1", "表格文字": "表格文字", "表格单位": "表格单位",
             "落款": "落款", "页码": "页码", "二级标题": "二级标题"}


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
    # Characters both scripts use (“” 《》 — …) in the Chinese font, as Chinese text sets them.
    fonts.set(qn("w:hint"), "eastAsia")


def _style_fonts(style, east_asia: str, latin: str = LATIN_FONT) -> None:
    _set_fonts(style.element.get_or_add_rPr(), east_asia, latin)


def _char_spacing(style, twentieths: int) -> None:
    """Letter spacing of a style's text (w:spacing w:val, in twentieths of a point)."""
    rpr = style.element.get_or_add_rPr()
    for old in rpr.findall(qn("w:spacing")):
        rpr.remove(old)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(twentieths))
    rpr.insert_element_before(spacing, "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u",
                              "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em",
                              "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")


def _punctuation_at_line_end(ppr) -> None:
    """w:overflowPunct true in every paragraph: a mark that falls after a full line may hang
    in the margin (Word's own default for Chinese text; Word and WPS draw it there).

    Written out because of LibreOffice: its DOCX import reads the element inverted (true ->
    no hanging; absent -> hanging), and LibreOffice (7.4) loses a hanging mark of a justified
    line altogether — the ；after a full 28-character line is missing from the page and its
    PDF. With the element true, LibreOffice instead carries the last character over with the
    mark, and every mark is printed (tests/render/test_docx_layout.py checks the PDF text).
    """
    punct = OxmlElement("w:overflowPunct")
    punct.set(qn("w:val"), "1")
    ppr.insert_element_before(punct, "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                              "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                              "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                              "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                              "w:pPrChange")


def _font_table(doc) -> None:
    """Each font's stand-in (w:altName) and kind, so Word substitutes a Chinese font of the same style."""
    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = etree.fromstring(part.blob)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    for name, (alt, panose, family, pitch) in FONT_TABLE.items():
        font = etree.SubElement(root, f"{{{w}}}font", {f"{{{w}}}name": name})
        for tag, value in (("altName", alt), ("panose1", panose), ("charset", "86"), ("family", family),
                           ("pitch", pitch)):
            etree.SubElement(font, f"{{{w}}}{tag}", {f"{{{w}}}val": value})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _setup_styles(doc) -> None:
    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:eastAsia"), "zh-CN")
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    ppr.remove(ppr.find(qn("w:spacing")))
    _punctuation_at_line_end(ppr)

    normal = styles["Normal"]
    _style_fonts(normal, BODY_FONT)
    normal.font.size = BODY_SIZE
    _char_spacing(normal, CHAR_SPACING)
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
    _style_fonts(title, TITLE_FONT)
    title.font.size = TITLE_SIZE
    title.font.bold = True  # as published titles are set (淮安 2024), also where 小标宋 is missing
    title.font.color.rgb = RGBColor(0, 0, 0)
    rpr = title.element.get_or_add_rPr()
    for el in rpr.findall(qn("w:kern")):
        rpr.remove(el)
    _char_spacing(title, 0)
    tf = title.paragraph_format
    tf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    tf.first_line_indent = Pt(0)
    tf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    tf.line_spacing = Pt(35)
    tf.space_before = Pt(0)
    tf.space_after = Pt(0)  # the title's last line has one blank line after it (_title)

    heading = styles["Heading 1"]
    _style_fonts(heading, HEADING_FONT)
    heading.font.size = BODY_SIZE
    heading.font.bold = False
    heading.font.color.rgb = RGBColor(0, 0, 0)
    hf = heading.paragraph_format
    hf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    hf.line_spacing = LINE
    hf.space_before = Pt(8)  # air between a table and the next heading
    hf.space_after = Pt(0)
    hf.keep_with_next = True
    hf.first_line_indent = BODY_SIZE * 2

    sub = styles.add_style("二级标题", 2)  # WD_STYLE_TYPE.CHARACTER: （一）… in 楷体, within a paragraph
    _style_fonts(sub, HEADING2_FONT)

    cell = styles.add_style("表格文字", 1)  # WD_STYLE_TYPE.PARAGRAPH
    cell.base_style = normal
    _style_fonts(cell, TABLE_FONT)
    cell.font.size = Pt(TABLE_SIZE)
    cf = cell.paragraph_format
    cf.first_line_indent = Pt(0)
    cf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    cf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cf.widow_control = False
    _char_spacing(cell, 0)

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
    sign.paragraph_format.right_indent = BODY_SIZE * 4  # 成文日期右空四字

    number = styles.add_style("页码", 1)
    number.base_style = normal
    _style_fonts(number, TABLE_FONT)
    number.font.size = PAGE_NUMBER_SIZE
    number.paragraph_format.first_line_indent = Pt(0)
    number.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _char_spacing(number, 0)


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_W, PAGE_H
    for side, value in MARGINS.items():
        setattr(section, f"{side}_margin", value)
    section.header_distance = Mm(15)
    # The page number's line sits 7 mm below the text block (GB/T 9704 7.5): 35 − 7 mm to its top.
    section.footer_distance = Mm(35 - 7) - PAGE_NUMBER_SIZE
    section._sectPr.find(qn("w:docGrid")).set(qn("w:linePitch"), str(LINE.twips))  # lines by exact spacing
    doc.settings.odd_and_even_pages_header_footer = True


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


def _page_number(paragraph, side: str) -> None:
    """— 1 — one character in from the outer edge: odd pages right, even pages left (GB/T 9704 7.5)."""
    _set_style(paragraph, "页码")
    fmt = paragraph.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT if side == "right" else WD_ALIGN_PARAGRAPH.LEFT
    setattr(fmt, f"{side}_indent", PAGE_NUMBER_SIZE)
    paragraph.add_run("— ")
    _field_runs(paragraph, " PAGE ", "1")
    paragraph.add_run(" —")


def _footer(doc) -> None:
    section = doc.sections[0]
    _page_number(section.footer.paragraphs[0], "right")
    _page_number(section.even_page_footer.paragraphs[0], "left")


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


def _draft_header(doc, view: ReportView) -> None:
    """The draft's mark on every page, odd and even: a red header line and a faint diagonal watermark."""
    section = doc.sections[0]
    for header in (section.header, section.even_page_header):
        para = header.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.first_line_indent = Pt(0)
        para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        mark = para.add_run(view.draft_mark)
        mark.font.bold = True
        mark.font.size = Pt(16)
        mark.font.color.rgb = DRAFT_RED
        _set_fonts(mark._r.get_or_add_rPr(), HEADING_FONT)
        note = para.add_run("　" + view.draft_note)
        note.font.size = Pt(10.5)
        note.font.color.rgb = DRAFT_RED
        para._p.append(parse_xml(_WATERMARK.format(ns=_VML_NS, font=HEADING_FONT, text="草稿")))


def _add_table(doc, widths_mm: list[float], cells: list[WordCell], caption: str, header_rows: int) -> None:
    """A bordered (Table Grid), fixed-layout table at the end of the body, built in one pass."""
    tbl = table_element(widths_mm, cells, caption=caption, header_rows=header_rows,
                        table_style="TableGrid", cell_style=STYLE_IDS["表格文字"])
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


GROUP_KEPT_WHOLE = 8  # rows under one label (（三）不予公开: 8) print on one page; 三、本年度办理结果 (22) may break


def _rows_kept_with_next(grid) -> set[int]:
    """Rows that must not end a page: a block of 表二 stays whole (it may break between blocks),
    a small table stays whole, and 表三 breaks between rows but repeats its header and keeps
    each group of rows under one label (（六）其他处理 and its three rows) on one page."""
    titles = sorted(c.row for c in grid.cells if c.role == "block_title")
    if titles:
        ends = {t - 1 for t in titles} | {grid.height - 1}
        return set(range(grid.height)) - ends
    if grid.height <= 20:
        return set(range(grid.height - 1))
    groups = [c for c in grid.cells if c.role == "rowhead" and 1 < c.rowspan <= GROUP_KEPT_WHOLE]
    kept = {r for c in groups for r in range(c.row, c.row + c.rowspan - 1)}
    if groups:  # the rows after the last group (（七）总计, 四、结转下年度) never start a page alone
        kept |= set(range(max(c.row for c in groups), grid.height - 1))
    return set(range(grid.header_rows)) | kept


def _statutory_table(doc, view: TableView) -> None:
    grid = view.grid
    widths = [f * TEXT_WIDTH_MM for f in column_fractions(grid)]
    size = TABLE_SIZE  # 五号 in every table: 表三's and 表四's narrow value columns still hold 5 digits
    keep_rows = _rows_kept_with_next(grid)
    cells = []
    for cell in grid.cells:
        align = None
        text_size = size
        if cell.role == "block_title":
            align = "left"
        elif cell.role == "rowhead" and cell.rowspan == 1:
            align = "left"
        text = view.text(cell)
        if cell.role == "colhead":
            text = _balanced(text, sum(widths[cell.col:cell.col + cell.colspan]), Pt(text_size))
        cells.append(WordCell(cell.row, cell.col, cell.rowspan, cell.colspan, text, text_size, align,
                              keep=cell.row + cell.rowspan - 1 in keep_rows))
    _add_table(doc, widths, cells, view.caption, grid.header_rows)


def _members_table(doc, view: ReportView) -> None:
    widths = [f * TEXT_WIDTH_MM for f in (0.1, 0.5, 0.22, 0.18)]
    cells = [WordCell(0, col, 1, 1, text, TABLE_SIZE) for col, text in enumerate(MEMBER_COLUMNS)]
    for row, member in enumerate(view.members, start=1):
        cells += [WordCell(row, col, 1, 1, text, TABLE_SIZE, "left" if col == 1 else None)
                  for col, text in enumerate(member)]
    _add_table(doc, widths, cells, APPENDIX_HEADING, 1)


def _properties(doc, view: ReportView) -> None:
    props = doc.core_properties
    fixed = datetime(view.year + 1 if view.year else 2000, 1, 1)
    props.title = (view.draft_mark + " " if view.draft else "") + view.title
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


def _para(doc, text: str = "", style: str | None = None):
    """A paragraph at the end of the body; the style set by its id (python-docx's lookup by name is slow)."""
    para = doc.add_paragraph(text)
    if style is not None:
        para._p.style = STYLE_IDS[style]
    return para


def _set_style(paragraph, style: str) -> None:
    paragraph._p.style = STYLE_IDS[style]


def _body(doc, text: str) -> None:
    """A paragraph of text; a leading second-level heading （一）… up to its full stop is set in 楷体."""
    match = _SUBHEADING.match(text)
    if not match:
        _para(doc, text)
        return
    stop = text.find("。")
    if 0 < stop < 40:
        head = text[:stop + 1]
    else:
        head = text if len(text) <= 40 else match.group()
    para = _para(doc)
    para.add_run(head)._r.style = STYLE_IDS["二级标题"]
    if text[len(head):]:
        para.add_run(text[len(head):])


def _title(doc, view: ReportView) -> None:
    """The title centred in bold, one paragraph a line: the unit, then 2021年政府信息公开工作年度报告;
    a line too long for the page breaks where GB/T 9704 would (words whole, lines balanced)."""
    per_line = TEXT_WIDTH_MM / (TITLE_SIZE.pt * 25.4 / 72)  # 20 characters of 二号 on 156 mm
    lines = [line for part in view.title_lines for line in wrap_title(part, per_line)]
    for i, line in enumerate(lines):
        para = _para(doc, style="Title")
        para.add_run(line).bold = True
        if i == len(lines) - 1:
            para.paragraph_format.space_after = LINE  # one blank line between the title and the text
        else:
            para.paragraph_format.keep_with_next = True


def _signature(doc, view: ReportView) -> None:
    """The date four characters in from the right; the name centred over the date (GB/T 9704 7.3.5.1)."""
    name = _para(doc, view.agency, "落款")
    name.paragraph_format.space_before = LINE * 2
    name.paragraph_format.keep_with_next = True
    if view.date:
        offset = (text_width_em(view.date) - text_width_em(view.agency)) / 2
        name.paragraph_format.right_indent = Pt(max(0.0, BODY_SIZE.pt * (4 + offset)))
    _para(doc, view.date, "落款")


@functools.lru_cache(maxsize=1)
def _base_document() -> bytes:
    """The empty report: styles, fonts, page set-up and page numbers. Made once per process
    (python-docx's style set-up costs more than drawing a report), then opened for each one."""
    doc = Document()
    package = doc.part.package
    for rid, rel in list(package.rels.items()):  # the default template's preview image of a blank page
        if rel.reltype.endswith("/thumbnail"):
            package.rels.pop(rid)
    _setup_styles(doc)
    _font_table(doc)
    _page_setup(doc)
    _footer(doc)
    body = doc.element.body
    for p in body.findall(qn("w:p")):  # the default template's empty first paragraph
        body.remove(p)
    buffer = io.BytesIO()
    save_reproducibly(doc, buffer)
    return buffer.getvalue()


def build_docx(view: ReportView):
    doc = Document(io.BytesIO(_base_document()))
    if view.draft:
        _draft_header(doc, view)
    body = doc.element.body
    _title(doc, view)
    for text in view.intro:
        _para(doc, text)
    for section in view.sections:
        _para(doc, section.heading, "Heading 1")
        for text in section.paragraphs:
            _body(doc, text)
        if section.table is not None:
            if section.table.unit_note:
                _para(doc, section.table.unit_note, "表格单位")
            _statutory_table(doc, section.table)
    paragraphs = body.findall(qn("w:p"))
    if paragraphs:  # the signature never stands alone on a page
        paragraphs[-1].get_or_add_pPr().keepNext_val = True
    _signature(doc, view)
    if view.members:
        appendix = _para(doc, APPENDIX_HEADING, "Heading 1")
        appendix.paragraph_format.page_break_before = True
        appendix.paragraph_format.first_line_indent = Pt(0)
        _members_table(doc, view)
    _properties(doc, view)
    return doc


class _ZipPartWriter:
    """python-docx's PhysPkgWriter interface, writing every part with a fixed timestamp in one pass."""

    def __init__(self, zf: zipfile.ZipFile):
        self._zf = zf

    def write(self, pack_uri, blob: bytes) -> None:
        entry = zipfile.ZipInfo(pack_uri.membername, date_time=(1980, 1, 1, 0, 0, 0))
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o644 << 16
        self._zf.writestr(entry, blob, compresslevel=1)  # a third of level 6's time, a few KB larger


def save_reproducibly(doc, stream) -> None:
    """doc.save(), but each zip entry dated 1980-01-01 (python-docx stamps the current time), compressed once."""
    package = doc.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as zf:
        writer = _ZipPartWriter(zf)
        PackageWriter._write_content_types_stream(writer, parts)
        PackageWriter._write_pkg_rels(writer, package.rels)
        PackageWriter._write_parts(writer, parts)


def write_docx(view: ReportView, path: Path) -> Path:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as fh:
            save_reproducibly(build_docx(view), fh)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path
