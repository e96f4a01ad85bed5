"""The Word report's official layout (GB/T 9704-2012), read back with python-docx, and its tables
built in one pass: the same XML python-docx's own cell()/merge() would write."""

from __future__ import annotations

import re
import subprocess
import zipfile

import docx
import pytest
from docx.shared import Emu, Mm, Pt
from lo import convert_all
from lxml import etree
from test_render import DOCS

from nianbao.format.layout import layout
from nianbao.render import render_document
from nianbao.render.docx import _rows_kept_with_next
from nianbao.render.docx_table import WordCell, table_element

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NAME = "gov-info-disclosure-2021"


@pytest.fixture(scope="module")
def word(tmp_path_factory):
    fmt, doc = DOCS[NAME]
    path = render_document(doc, fmt, "docx", tmp_path_factory.mktemp("layout") / "r.docx")
    return path, docx.Document(path)


def _fonts(style) -> dict[str, str]:
    fonts = style.element.rPr.find(f"{W}rFonts")
    return {k.split("}")[1]: v for k, v in fonts.attrib.items()}


def test_a4_margins_and_22_lines_of_28_characters(word):
    _, d = word
    s = d.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)  # A4 (in twips, as Word stores it)
    assert [round(m.mm, 1) for m in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [37, 35, 28, 26]
    width_pt = Emu(s.page_width - s.left_margin - s.right_margin).pt
    height_pt = Emu(s.page_height - s.top_margin - s.bottom_margin).pt
    assert round(width_pt * 25.4 / 72) == 156 and round(height_pt * 25.4 / 72) == 225
    normal = d.styles["Normal"]
    line = normal.paragraph_format.line_spacing.pt
    assert int(height_pt / line) == 22  # exact line pitch: 22 lines fill the text block
    spacing = int(normal.element.rPr.find(f"{W}spacing").get(f"{W}val")) / 20  # letter spacing, pt
    pitch = normal.font.size.pt + spacing
    assert int(width_pt / pitch) == 28  # 28 characters of 三号 fill a line


def test_fonts_and_sizes(word):
    _, d = word
    styles = d.styles
    assert styles["Normal"].font.size == Pt(16)  # 三号
    assert _fonts(styles["Normal"])["eastAsia"] == "仿宋_GB2312"
    assert _fonts(styles["Heading 1"])["eastAsia"] == "黑体" and styles["Heading 1"].font.size == Pt(16)
    assert not styles["Heading 1"].font.bold
    assert _fonts(styles["二级标题"])["eastAsia"] == "楷体_GB2312"
    assert _fonts(styles["Title"])["eastAsia"] == "方正小标宋简体" and styles["Title"].font.size == Pt(22)  # 二号
    for style in ("Normal", "Heading 1", "Title", "二级标题", "表格文字"):
        assert "eastAsiaTheme" not in _fonts(styles[style])  # a theme font would override the named one
        assert _fonts(styles[style])["hint"] == "eastAsia"  # “” 《》 — in the Chinese font
    lang = styles.element.find(f"{W}docDefaults").find(f".//{W}lang")
    assert lang.get(f"{W}eastAsia") == "zh-CN"
    subheads = [p for p in d.paragraphs if p.text.startswith("（一）")]
    assert subheads and subheads[0].runs[0].text == "（一）主动公开情况。"
    assert subheads[0].runs[0].style.name == "二级标题" and subheads[0].runs[1].style.name != "二级标题"


def test_font_table_names_a_stand_in_for_every_chinese_font(word):
    path, _ = word
    with zipfile.ZipFile(path) as z:
        table = etree.fromstring(z.read("word/fontTable.xml"))
    fonts = {f.get(f"{W}name"): f for f in table.findall(f"{W}font")}
    for name, alt in (("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体"), ("方正小标宋简体", "宋体")):
        assert fonts[name].find(f"{W}altName").get(f"{W}val") == alt
        assert fonts[name].find(f"{W}charset").get(f"{W}val") == "86"  # GB2312


def test_table_text_is_at_least_wuhao(word):
    _, d = word
    assert d.styles["表格文字"].font.size == Pt(10.5)
    for table in d.tables:
        sizes = {int(sz.get(f"{W}val")) / 2 for sz in table._tbl.iter(f"{W}sz")}
        assert sizes and min(sizes) >= 10.5, sizes


def test_page_numbers_odd_right_even_left_in_sihao(word):
    path, d = word
    s = d.sections[0]
    assert d.settings.odd_and_even_pages_header_footer
    for footer, align in ((s.footer, "RIGHT"), (s.even_page_footer, "LEFT")):
        para = footer.paragraphs[0]
        assert para.text.startswith("— ") and para.text.endswith(" —")
        assert "PAGE" in footer._element.xml
        assert para.alignment.name == align
        assert para.style.font.size == Pt(14)  # 四号
        assert _fonts(para.style)["eastAsia"] == "宋体"


def test_signature_date_four_characters_from_the_right_and_name_centred_over_it(word):
    _, d = word
    name, date = [p for p in d.paragraphs if p.style.name == "落款"]
    assert date.style.paragraph_format.right_indent == Pt(64)  # 4 × 三号
    assert name.paragraph_format.right_indent > Pt(64)  # 萝北县教育局 is shorter than the date: moved in


def test_draft_mark_is_on_odd_and_even_pages(tmp_path):
    fmt, doc = DOCS[NAME]
    d = docx.Document(render_document(doc, fmt, "docx", tmp_path / "d.docx", draft=True,
                                      draft_mark="草稿（内容待补充）", draft_note="缺少总体情况。"))
    for header in (d.sections[0].header, d.sections[0].even_page_header):
        assert header.paragraphs[0].text == "草稿（内容待补充）　缺少总体情况。"
        assert "PowerPlusWaterMarkObject" in header._element.xml


def _python_docx_table(widths, cells, caption, header_rows):
    """The same table the slow way, as nianbao used to build it: python-docx's cell() and merge()."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document()
    style = d.styles.add_style("表格文字", 1)
    rows = max(c.row + c.rowspan for c in cells)
    table = d.add_table(rows=rows, cols=len(widths))
    table.style = d.styles["Table Grid"]
    for col, w in zip(table.columns, widths, strict=True):
        col.width = Mm(w)
    for r, row in enumerate(table.rows):
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        if r < header_rows:
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for cell, w in zip(row.cells, widths, strict=True):
            cell.width = Mm(w)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            cell.paragraphs[0].style = style
    for c in cells:
        target = table.cell(c.row, c.col)
        if c.rowspan > 1 or c.colspan > 1:
            target = target.merge(table.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
        para = target.paragraphs[0]
        run = para.add_run(c.text)
        run.font.size = Pt(c.size_pt)
        if c.keep:
            para.paragraph_format.keep_with_next = True
        if c.align:
            para.alignment = WD_ALIGN_PARAGRAPH.LEFT if c.align == "left" else WD_ALIGN_PARAGRAPH.RIGHT
    return [_c14n(tr) for tr in table._tbl.findall(qn("w:tr"))], _c14n(table._tbl.find(qn("w:tblGrid")))


def _c14n(el) -> bytes:
    return etree.tostring(el, method="c14n", exclusive=True)


@pytest.mark.parametrize("table_key", ["proactive", "requests", "reviews"])
def test_one_pass_table_is_the_xml_python_docx_merges_would_write(table_key):
    fmt, doc = DOCS[NAME]
    grid = layout(fmt).grids[table_key]
    widths = [156 / grid.width] * grid.width
    keep = _rows_kept_with_next(grid)
    cells = [WordCell(c.row, c.col, c.rowspan, c.colspan, f"{c.text or c.key or ''}\n第二行" if c.col == 0 else
                      (c.text or c.key or ""), 10.5, "left" if c.role == "rowhead" else None,
                      keep=c.row + c.rowspan - 1 in keep) for c in grid.cells]
    rows, tbl_grid = _python_docx_table(widths, cells, "x", grid.header_rows)
    fast = table_element(widths, cells, caption="x", header_rows=grid.header_rows, table_style="TableGrid",
                         cell_style="表格文字")
    assert _c14n(fast.find(f"{W}tblGrid")) == tbl_grid
    assert [_c14n(tr) for tr in fast.findall(f"{W}tr")] == rows


@pytest.mark.libreoffice
def test_libreoffice_sets_28_characters_a_line_and_keeps_the_tables_on_a4(word, tmp_path):
    path, _ = word
    (pdf,) = convert_all([path], tmp_path, to="pdf")
    text = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    cjk = re.compile(r"[\u3000-\u9fff\uff00-\uffef]{20,}")
    full = [line.strip() for line in text.splitlines() if cjk.fullmatch(line.strip())]
    assert full and max(len(line) for line in full) == 28, full  # a full line of CJK text holds 28 characters
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+", info)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    numbers = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                             check=True).stdout.replace(" ", "")
    for n in range(1, pages + 1):
        assert f"—{n}—" in numbers


def test_table_three_keeps_each_group_of_rows_and_its_totals_together():
    """In Word: （六）其他处理 never parts from its three rows, nor （七）总计 and 四、结转 from the rows
    before them; the 22 rows of 三、本年度办理结果 as a whole may break, the header repeating."""
    fmt, _ = DOCS[NAME]
    grid = layout(fmt).grids["requests"]
    kept = _rows_kept_with_next(grid)
    groups = {c.text: c for c in grid.cells if c.role == "rowhead" and c.rowspan > 1}
    six = groups["（六）其他处理"]
    assert set(range(six.row, grid.height - 1)) <= kept  # (六)'s rows, (七) and 四 stay on one page
    assert grid.height - 1 not in kept
    three = groups["（三）不予公开"]
    assert set(range(three.row, three.row + three.rowspan - 1)) <= kept
    assert three.row + three.rowspan - 1 not in kept  # a page may break between groups
    assert set(range(grid.header_rows)) <= kept
