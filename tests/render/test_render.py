"""Publishable reports (.docx, .html, .md): content, official table layout, numbers, drafts, the CLI.

Documents: a valid report with distinct numbers for each format version, built from the
spec, and the real 淮安市人民政府 2024 report (2021 format) mapped onto cell keys by the
spec's labels. Numbers are compared cell key by cell key, found by their position in the
layout grid (docx, html) or by row and column path (md). The docx is opened by a real
LibreOffice and its PDF text must hold every heading and every table label.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import lxml.html
import pytest
from docx.shared import Mm
from lo import convert_all

from nianbao.check.run import check_document
from nianbao.cli import main
from nianbao.format.document import as_decimal, compute_derived, new_document
from nianbao.format.drafting import draft as draft_words
from nianbao.format.layout import layout
from nianbao.format.spec import Format, all_formats
from nianbao.render import render_document
from nianbao.render.report_text import (
    CONTRADICTION_MARK,
    DRAFT_MARK,
    TitleTemplateError,
    column_path,
    format_value,
    make_title,
    paragraphs,
    row_path,
)
from nianbao.template.write import write_template

FORMATS = sorted(all_formats())
REAL = Path(__file__).resolve().parents[1] / "published" / "data" / "huaian-2024.json"  # shared/reference copy
AGENCY = {"name": "萝北县教育局", "code": "230421-07", "level": "county"}
NARRATIVE = {
    "overview": "2021年，本局认真贯彻落实《条例》。\n\n（一）主动公开情况。全年主动公开政府信息120条。\n"
                "　　（二）依申请公开情况。全年办理申请若干件。",
    "problems": "一是公开内容不够全面。\n二是解读形式单一。",
    "other": "本年度未收取信息处理费。",
}


# ---------------------------------------------------------------- documents


def distinct_document(fmt: Format, year: int | None = None) -> dict:
    """A valid report in which (almost) every number differs, so a value in the wrong cell shows."""
    tables: dict = {}
    inputs = fmt.input_keys()
    for i, key in enumerate(inputs, start=1):
        kind = fmt.cells[key].kind
        if kind == "money":
            tables[key] = float(Decimal(100 + i) + Decimal("0.25"))
        elif kind == "signed":
            tables[key] = -i
        else:
            tables[key] = i
    for i, key in enumerate(inputs):
        if key.startswith("requests.received."):
            tables[key] = 3000 + i  # large enough to cover every outcome
        if key.startswith("proactive.rules."):
            tables[key] = 0  # county level: no 规章 (T2-3)
    for row in ("rules", "normative_docs"):  # 2019 T2-6: newly published <= total published
        pub, total = f"proactive.{row}.published", f"proactive.{row}.total_public"
        if pub in tables:
            tables[total] = tables[pub] + 500
    derived = compute_derived(fmt, tables)
    for key in inputs:  # T3-1 per column: carry_forward = received + carried_over - outcome total
        if key.startswith("requests.carry_forward."):
            col = key.rsplit(".", 1)[1]
            tables[key] = (tables[f"requests.received.{col}"] + tables[f"requests.carried_over.{col}"]
                           - derived[f"requests.outcome.total.{col}"])
    doc = new_document(fmt, year or (fmt.year_to or fmt.year_from), AGENCY, compute_derived(fmt, tables))
    doc["date"] = f"{doc['year'] + 1}年1月20日"
    doc["sections"] = dict(NARRATIVE)
    return doc


def huaian_document() -> tuple[Format, dict]:
    """The real 淮安市人民政府 2024 report, its tables mapped onto cell keys by the spec's labels."""
    real = json.loads(REAL.read_text(encoding="utf-8"))
    fmt = all_formats()["gov-info-disclosure-2021"]
    cells = list(fmt.cells.values())

    def key_where(table: str, match) -> str:
        found = [c.key for c in cells if c.table == table and match(c)]
        assert len(found) == 1, (table, found)
        return found[0]

    tables: dict = {}
    for row in real["table2"]:
        for label, value in zip(row["columns"], row["values"], strict=True):
            key = key_where("proactive", lambda c, row=row, label=label: c.column.label == label
                            and fmt.table("proactive").blocks[c.block].title == row["section"]
                            and c.row.label == row["item"])
            tables[key] = value
    for row in real["table3"]["rows"]:
        for label, value in zip(real["table3"]["columns"], row["values"], strict=True):
            tables[key_where("requests", lambda c, row=row, label=label: "/".join(c.row.path) == row["label"]
                             and c.column.label == label)] = value
    for label, value in zip(real["table4"]["columns"], real["table4"]["values"], strict=True):
        tables[key_where("reviews", lambda c, label=label: "-".join(c.column.path[-2:]) == label)] = value
    assert set(tables) == set(fmt.cells)
    assert compute_derived(fmt, tables) == tables  # the published totals are the sums of their parts
    doc = new_document(fmt, real["year"], {"name": real["agency"], "code": "320800", "level": "city"}, tables)
    doc["date"] = "2025年1月24日"
    doc["sections"] = {"overview": real["narrative_excerpt"], "problems": "（摘录未含此部分）", "other": "无。"}
    return fmt, doc


def _documents() -> dict[str, tuple[Format, dict]]:
    out = {fid: (all_formats()[fid], distinct_document(all_formats()[fid])) for fid in FORMATS}
    out["huaian-2024"] = huaian_document()
    return out


DOCS = _documents()


def test_test_documents_are_valid_reports():
    for name, (_, doc) in DOCS.items():
        result = check_document(doc)
        assert result.errors == 0, (name, [f.message for f in result.findings])


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[tuple[str, str], Path]:
    out = tmp_path_factory.mktemp("rendered")
    files = {}
    for name, (fmt, doc) in DOCS.items():
        for to in ("docx", "html", "md"):
            files[name, to] = render_document(doc, fmt, to, out / f"{name}.{to}")
    return files


def _expected(fmt: Format, doc: dict, key: str) -> str:
    return format_value(doc["tables"][key], fmt.cells[key].kind)


def _statutory_tables(fmt: Format):
    return [s.table for s in fmt.sections if s.table]


# ---------------------------------------------------------------- shared wording


def test_format_value_counts_money_and_blanks():
    assert format_value(12, "count") == "12"
    assert format_value(-3, "signed") == "-3"
    assert format_value(96171.6, "money") == "96171.60"
    assert format_value(0, "money") == "0.00"
    assert format_value(1.005, "money") == "1.00"  # exact decimal of the JSON number, no float rounding up
    assert format_value(None, "count") == ""
    assert format_value("十二", "count") == "十二"  # a broken report under --force shows what it says


def test_paragraphs_split_on_lines_and_drop_indentation():
    assert paragraphs("甲。\n\n　　乙。\r\n  丙。\n") == ("甲。", "乙。", "丙。")
    assert paragraphs("") == ()
    assert paragraphs(None) == ()


def test_title_template():
    assert make_title(None, "萝北县教育局", 2021) == "萝北县教育局2021年政府信息公开工作年度报告"
    assert make_title("{year}年度{agency}信息公开年报", "甲", 2021) == "2021年度甲信息公开年报"
    for bad in ("{agencyname}", "{0}", "{agency"):
        with pytest.raises(TitleTemplateError):
            make_title(bad, "甲", 2021)


# ---------------------------------------------------------------- docx


@pytest.mark.parametrize("name", sorted(DOCS))
def test_docx_tables_hold_every_number_at_its_grid_position(rendered, name):
    fmt, doc = DOCS[name]
    word = docx.Document(rendered[name, "docx"])
    assert len(word.tables) == 3
    seen = set()
    for table_key, table in zip(_statutory_tables(fmt), word.tables, strict=True):
        grid = layout(fmt).grids[table_key]
        assert (len(table.rows), len(table.columns)) == (grid.height, grid.width)
        for cell in grid.cells:
            got = table.cell(cell.row, cell.col)
            # merged: the whole span is one Word cell
            assert got._tc is table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1)._tc
            text = got.text.replace("\n", "")
            if cell.key:
                assert text == _expected(fmt, doc, cell.key), cell.key
                assert as_decimal(Decimal(text)) == as_decimal(doc["tables"][cell.key])
                seen.add(cell.key)
            else:
                assert text == cell.text
    assert seen == set(fmt.cells)


def test_docx_page_fonts_footer_and_table_widths(rendered):
    word = docx.Document(rendered["gov-info-disclosure-2021", "docx"])
    section = word.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)  # A4 as Word stores it
    text_width = section.page_width - section.left_margin - section.right_margin
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for style, font in (("Normal", "仿宋_GB2312"), ("Heading 1", "黑体"), ("Title", "方正小标宋简体")):
        fonts = word.styles[style].element.rPr.find(f"{w}rFonts")
        assert fonts.get(f"{w}eastAsia") == font
        assert fonts.get(f"{w}eastAsiaTheme") is None  # a theme font would override the explicit one
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings == [s.heading for s in all_formats()["gov-info-disclosure-2021"].sections]
    footer = section.footer._element.xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer
    for table in word.tables:
        xml = table._tbl.xml
        assert table.style.name == "Table Grid"  # every cell bordered
        assert 'w:type="fixed"' in xml
        assert sum(col.width for col in table.columns) <= text_width + Mm(0.5)
    assert sum('<w:tblHeader/>' in row._tr.xml for row in word.tables[1].rows) == 3  # 表三 header repeats
    signature = [p.text for p in word.paragraphs if p.style.name == "落款"]
    assert signature == [AGENCY["name"], DOCS["gov-info-disclosure-2021"][1]["date"]]


def test_docx_is_reproducible(tmp_path):
    fmt, doc = DOCS["gov-info-disclosure-2021"]
    first = render_document(doc, fmt, "docx", tmp_path / "a.docx").read_bytes()
    second = render_document(doc, fmt, "docx", tmp_path / "b.docx").read_bytes()
    assert first == second
    with zipfile.ZipFile(tmp_path / "a.docx") as z:
        core = z.read("docProps/core.xml").decode()
    assert f"{doc['year'] + 1}-01-01T00:00:00Z" in core  # created/modified: fixed, 1 January after the year


# ---------------------------------------------------------------- html


def _slots(table) -> dict[tuple[int, int], object]:
    """HTML table model: every (row, col) slot -> the th/td element covering it (rowspan/colspan resolved)."""
    slots: dict[tuple[int, int], object] = {}
    for r, tr in enumerate(table.xpath("./thead/tr | ./tbody/tr")):
        c = 0
        for el in tr.xpath("./th | ./td"):
            while (r, c) in slots:
                c += 1
            for dr in range(int(el.get("rowspan", 1))):
                for dc in range(int(el.get("colspan", 1))):
                    slots[r + dr, c + dc] = el
            c += int(el.get("colspan", 1))
    return slots


@pytest.mark.parametrize("name", sorted(DOCS))
def test_html_tables_hold_every_number_and_header_at_its_grid_position(rendered, name):
    fmt, doc = DOCS[name]
    page = lxml.html.fromstring(rendered[name, "html"].read_bytes())
    tables = page.xpath("//table[contains(@class, 'statutory')]")
    assert len(tables) == 3
    seen = set()
    for table_key, table in zip(_statutory_tables(fmt), tables, strict=True):
        grid = layout(fmt).grids[table_key]
        slots = _slots(table)
        assert max(r for r, _ in slots) + 1 == grid.height and max(c for _, c in slots) + 1 == grid.width
        ids = {el.get("id") for el in table.xpath(".//th[@id]")}
        for cell in grid.cells:
            el = slots[cell.row, cell.col]
            assert el is slots[cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1]
            assert (int(el.get("rowspan", 1)), int(el.get("colspan", 1))) == (cell.rowspan, cell.colspan)
            if cell.key:
                assert el.tag == "td" and el.text_content() == _expected(fmt, doc, cell.key), cell.key
                headers = el.get("headers").split()
                assert headers and set(headers) <= ids
                # the explicit headers name the row label and the column label of this cell
                names = {page.get_element_by_id(h).text_content() for h in headers}
                c = fmt.cells[cell.key]
                assert set(c.row.path) | set(c.column.path) <= names
                seen.add(cell.key)
            else:
                assert el.text_content() == cell.text
    assert seen == set(fmt.cells)


def test_html_is_accessible_self_contained_and_printable(rendered):
    fmt, _ = DOCS["gov-info-disclosure-2021"]
    source = rendered["gov-info-disclosure-2021", "html"].read_text(encoding="utf-8")
    page = lxml.html.fromstring(source)
    assert page.get("lang") == "zh-CN"
    for table in page.xpath("//table"):
        assert table.xpath("./caption")[0].text_content()
        assert table.xpath("./thead | ./tbody")
        for th in table.xpath(".//th"):
            assert th.get("scope") in ("col", "colgroup", "row", "rowgroup")
    scopes = {th.get("scope") for th in page.xpath("//table[contains(@class,'statutory')]//th")}
    assert scopes == {"col", "colgroup", "row", "rowgroup"}
    assert len(page.xpath("(//table[contains(@class,'statutory')])[2]/thead/tr")) == 3  # 表三 header rows
    assert not page.xpath("//link | //script | //img | //iframe | //object")
    assert "url(" not in source and "@import" not in source
    assert "@page" in source and "size: A4" in source
    assert [h.text_content() for h in page.xpath("//h2")] == [s.heading for s in fmt.sections]


def test_html_escapes_all_text(tmp_path):
    fmt, doc = DOCS["gov-info-disclosure-2021"]
    doc = json.loads(json.dumps(doc))
    doc["agency"]["name"] = "<script>alert(1)</script>局"
    doc["sections"]["overview"] = 'A & B <b>粗</b> "引号"'
    doc["tables"]["requests.received.natural"] = "<i>3</i>"  # a broken report, rendered with --force
    doc["consolidated"] = {"members": [{"code": "<u>1</u>", "name": "<em>甲</em>"}]}
    source = render_document(doc, fmt, "html", tmp_path / "x.html", draft=True).read_text(encoding="utf-8")
    for raw in ("<script>", "<b>", "<i>", "<u>", "<em>"):
        assert raw not in source
    page = lxml.html.fromstring(source)
    assert page.xpath("//h1")[0].text_content().startswith("<script>alert(1)</script>局")
    assert 'A & B <b>粗</b> "引号"' in [p.text_content() for p in page.xpath("//p")]


# ---------------------------------------------------------------- markdown


def _md_tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every pipe table: (header cells, body rows), escapes undone."""
    def cells(line: str) -> list[str]:
        parts = re.split(r"(?<!\\)\|", line.strip())[1:-1]
        return [re.sub(r"\\(.)", r"\1", p.strip()) for p in parts]

    out, lines = [], text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|") and i + 1 < len(lines) and set(lines[i + 1].replace(" ", "")) <= set("|-:"):
            body = []
            for row in lines[i + 2:]:
                if not row.startswith("|"):
                    break
                body.append(cells(row))
            out.append((cells(line), body))
    return out


@pytest.mark.parametrize("name", sorted(DOCS))
def test_markdown_has_every_row_path_and_number(rendered, name):
    fmt, doc = DOCS[name]
    text = rendered[name, "md"].read_text(encoding="utf-8")
    found: dict[tuple[str, str], str] = {}
    col_paths = {column_path(fmt, k) for k in fmt.cells}
    for header, body in _md_tables(text):
        labelled = header[0] not in col_paths  # 表四 has no row label column
        for row in body:
            label, values = (row[0], row[1:]) if labelled else ("", row)
            for col, value in zip(header[1:] if labelled else header, values, strict=True):
                found[label, col] = value
    for key in fmt.cells:
        assert found[row_path(fmt, key), column_path(fmt, key)] == _expected(fmt, doc, key), key
    for key in fmt.cells:
        if row_path(fmt, key):
            assert f"| {row_path(fmt, key)} |" in text.replace("\\", "")
    assert "注：（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" in text
    assert "*单位：件*" in text
    assert "申请人情况·法人或其他组织·商业企业" in text
    assert "三、本年度办理结果 / （三）不予公开 / 1.属于国家秘密" in text


# ---------------------------------------------------------------- drafts, summaries, blanks


def test_draft_is_marked_on_every_page_in_every_form(tmp_path):
    fmt, doc = DOCS["gov-info-disclosure-2019"]
    for draft in (False, True):
        paths = {to: render_document(doc, fmt, to, tmp_path / f"{draft}.{to}", draft=draft)
                 for to in ("docx", "html", "md")}
        word = docx.Document(paths["docx"])
        assert len(word.sections) == 1 and not word.sections[0].different_first_page_header_footer
        header = word.sections[0].header
        assert (DRAFT_MARK in "".join(p.text for p in header.paragraphs)) is draft
        assert ("PowerPlusWaterMarkObject" in header._element.xml) is draft
        assert (word.core_properties.title.startswith(DRAFT_MARK)) is draft
        page = lxml.html.fromstring(paths["html"].read_bytes())
        banner = page.xpath("//div[@class='draft']")
        assert bool(banner) is draft
        if draft:
            assert banner[0].text_content().startswith(DRAFT_MARK)
            assert re.search(r"\.draft \{[^}]*position: fixed", paths["html"].read_text(encoding="utf-8"))
        first = paths["md"].read_text(encoding="utf-8").splitlines()[0]
        assert (DRAFT_MARK in first) is draft


def test_county_summary_names_its_members(tmp_path):
    fmt, doc = DOCS["gov-info-disclosure-2021"]
    doc = json.loads(json.dumps(doc))
    doc["agency"] = {"name": "萝北县（汇总）", "code": "230428", "level": "county"}
    members = [{"code": "230428-01", "name": "萝北县教育局", "level": "county"},
               {"code": "230428-02", "name": "名山镇人民政府", "level": "township"},
               {"code": "230428-03", "name": "萝北县财政局", "level": "county"}]
    doc["consolidated"] = {"members": members}
    sentence = "本报告为萝北县（汇总）汇总3个单位报送的"
    md = render_document(doc, fmt, "md", tmp_path / "s.md").read_text(encoding="utf-8")
    assert sentence in md and "附件：汇总单位名单" in md
    assert "| 2 | 名山镇人民政府 | 230428-02 | 乡镇（街道） |" in md
    page = lxml.html.fromstring(render_document(doc, fmt, "html", tmp_path / "s.html").read_bytes())
    assert sentence in page.text_content()
    rows = page.xpath("//table[contains(@class,'members')]/tbody/tr")
    assert [r.xpath("./th")[0].text_content() for r in rows] == [m["name"] for m in members]
    word = docx.Document(render_document(doc, fmt, "docx", tmp_path / "s.docx"))
    assert any(sentence in p.text for p in word.paragraphs)
    assert [c.text for c in word.tables[3].columns[1].cells] == ["单位名称"] + [m["name"] for m in members]


def test_unknown_values_render_blank_and_date_line_stays(tmp_path):
    fmt, doc = DOCS["gov-info-disclosure-2021"]
    doc = json.loads(json.dumps(doc))
    doc["tables"]["requests.received.natural"] = None
    doc["date"] = ""
    pos = next(c for c in layout(fmt).grids["requests"].cells if c.key == "requests.received.natural")
    word = docx.Document(render_document(doc, fmt, "docx", tmp_path / "x.docx", draft=True))
    assert word.tables[1].cell(pos.row, pos.col).text == ""
    assert [p.text for p in word.paragraphs][-2:] == [AGENCY["name"], ""]
    md = render_document(doc, fmt, "md", tmp_path / "x.md", draft=True).read_text(encoding="utf-8")
    assert "| 一、本年新收政府信息公开申请数量 |  |" in md


# ---------------------------------------------------------------- LibreOffice


@pytest.mark.libreoffice
def test_docx_opens_in_libreoffice_with_every_heading_and_label(rendered, tmp_path):
    names = sorted(DOCS)
    pdfs = convert_all([rendered[n, "docx"] for n in names], tmp_path, to="pdf")
    for name, pdf in zip(names, pdfs, strict=True):
        fmt, doc = DOCS[name]
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+", info), info  # A4
        raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                             check=True).stdout
        text = re.sub(r"\s+", "", raw)
        assert "\ufffd" not in raw and "□" not in raw
        wanted = [doc["agency"]["name"], doc["date"], "中华人民共和国政府信息公开条例"]
        wanted += [s.heading for s in fmt.sections]
        wanted += [c.text for g in layout(fmt).grids.values() for c in g.cells if c.text and c.rowspan == 1]
        wanted += [_expected(fmt, doc, "requests.outcome.total.total"), _expected(fmt, doc, "proactive.fees.amount")
                   if "proactive.fees.amount" in fmt.cells else _expected(fmt, doc, "proactive.procurement.amount")]
        for label in wanted:
            assert re.sub(r"\s+", "", label) in text, (name, label)
        for words in draft_words(fmt, doc["tables"]).values():  # sections 二–四 open with their figures in words
            assert words in re.sub(r"—\d+—", "", text), (name, words)  # (a page number where it breaks)
        # A label merged down several rows (三、本年度办理结果) prints in part on each page a table spans.
        for label in [c.text for g in layout(fmt).grids.values() for c in g.cells if c.text and c.rowspan > 1]:
            assert _in_order(re.sub(r"\s+", "", label), text), (name, label)
        assert f"统计期限自{doc['year']}年1月1日起至{doc['year']}年12月31日止" in text


def _in_order(label: str, text: str) -> bool:
    """Every character of label in text, in order (a label split by a page break)."""
    rest = iter(text)
    return all(ch in rest for ch in label)


# ---------------------------------------------------------------- command line


def _write(tmp_path: Path, doc: dict, name: str = "report.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_cli_renders_a_clean_report(tmp_path, capsys):
    fmt, doc = DOCS["gov-info-disclosure-2021"]
    source = _write(tmp_path, doc)
    assert main(["render", str(source), "--to", "docx", "-o", str(tmp_path / "out.docx")]) == 0
    assert main(["render", str(source), "-o", str(tmp_path / "out.html")]) == 0  # form from the suffix
    assert main(["render", str(source), "--to", "md", "--title-template", "{agency}{year}年度信息公开年报"]) == 0
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert md.startswith(f"# {AGENCY['name']}{doc['year']}年度信息公开年报") and DRAFT_MARK not in md
    assert DRAFT_MARK not in (tmp_path / "out.html").read_text(encoding="utf-8")
    assert docx.Document(tmp_path / "out.docx").tables


def test_cli_refuses_a_report_with_errors_unless_forced(tmp_path, capsys):
    fmt, doc = DOCS["gov-info-disclosure-2021"]
    doc = json.loads(json.dumps(doc))
    doc["tables"]["requests.carry_forward.natural"] += 1  # breaks T3-1
    source = _write(tmp_path, doc)
    for to in ("docx", "html", "md"):
        out = tmp_path / f"r.{to}"
        assert main(["render", str(source), "--to", to, "-o", str(out)]) == 1
        assert not out.exists()
        assert "T3-1" in capsys.readouterr().err
        assert main(["render", str(source), "--to", to, "-o", str(out), "--force"]) == 1
        assert out.exists()
    assert DRAFT_MARK in (tmp_path / "r.md").read_text(encoding="utf-8").splitlines()[0]
    assert DRAFT_MARK in "".join(p.text for p in docx.Document(tmp_path / "r.docx").sections[0].header.paragraphs)
    assert 'class="draft"' in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_a_narrative_that_contradicts_the_tables_is_never_rendered_publishable(tmp_path, capsys):
    """A department's 总体情况 says 5 applications where 表三 says otherwise: render refuses (exit 1)
    and says which sentence and what the tables give; --force gives a draft marked on every page.
    Called directly, render_document marks it a draft too."""
    fmt, doc = DOCS["gov-info-disclosure-2021"]
    doc = json.loads(json.dumps(doc))
    received = doc["tables"]["requests.received.total"]
    doc["sections"]["overview"] = f"本局认真落实《条例》。全年共受理政府信息公开申请{received + 1}件。"
    source = _write(tmp_path, doc)
    out = tmp_path / "r.md"
    assert main(["render", str(source), "--to", "md", "-o", str(out)]) == 1
    said = re.sub(r"\s+", "", capsys.readouterr().err)
    assert not out.exists() and "未生成" in said and "X1" in said
    assert f"全年共受理政府信息公开申请{received + 1}件" in said and f"表中为{received}件" in said
    assert f"改用按表格生成的表述：“本年度共新收政府信息公开申请{received}件" in said
    assert main(["render", str(source), "--to", "md", "-o", str(out), "--force"]) == 1
    assert CONTRADICTION_MARK in out.read_text(encoding="utf-8").splitlines()[0]
    assert "不得发布" in capsys.readouterr().out
    word = docx.Document(render_document(doc, fmt, "docx", tmp_path / "direct.docx"))
    assert CONTRADICTION_MARK in "".join(p.text for p in word.sections[0].header.paragraphs)
    doc["sections"]["overview"] = f"全年共受理政府信息公开申请{received}件。"  # corrected: publishable
    assert main(["render", str(_write(tmp_path, doc, "fixed.json")), "--to", "md", "-o", str(out)]) == 0
    assert "草稿" not in out.read_text(encoding="utf-8")


def test_cli_renders_a_summary_json_with_its_members(tmp_path):
    fmt, doc = DOCS["gov-info-disclosure-2021"]
    county = json.loads(json.dumps(doc))
    county["agency"] = {"name": "萝北县（汇总）", "code": "230428", "level": "county"}
    county["consolidated"] = {"members": [{"code": "230428-01", "name": "萝北县教育局", "level": "county"}]}
    source = _write(tmp_path, {"format": fmt.id, "year": county["year"], "report": county, "agencies": []},
                    "summary.json")
    assert main(["render", str(source), "--to", "md", "-o", str(tmp_path / "county.md")]) == 0
    md = (tmp_path / "county.md").read_text(encoding="utf-8")
    assert "汇总1个单位" in md and "| 1 | 萝北县教育局 | 230428-01 | 县级 |" in md


def test_cli_says_a_county_report_without_its_narrative_is_a_draft(tmp_path, capsys):
    """A summary.json whose county text is missing is drawn as a draft, and the command says so (exit 1)."""
    fmt, doc = DOCS["gov-info-disclosure-2021"]
    county = json.loads(json.dumps(doc))
    county["agency"] = {"name": "萝北县", "code": "230428", "level": "county"}
    county["consolidated"] = {"members": [{"code": "230428-01", "name": "萝北县教育局", "level": "county"}]}
    county["sections"] = {key: "" for key in county["sections"]}
    source = _write(tmp_path, {"format": fmt.id, "year": county["year"], "report": county, "agencies": []},
                    "summary.json")
    assert main(["render", str(source), "--to", "md", "-o", str(tmp_path / "county.md")]) == 1
    said = capsys.readouterr().out
    assert "已生成草稿" in said and "缺少" in said and "--narrative" in said
    assert "草稿" in (tmp_path / "county.md").read_text(encoding="utf-8")


def test_cli_renders_a_filled_workbook(tmp_path):
    fmt, doc = DOCS["gov-info-disclosure-2021"]
    book = write_template(fmt, doc["year"], doc["agency"], tmp_path / "book.xlsx", document=doc)
    assert main(["render", str(book), "--to", "html", "-o", str(tmp_path / "book.html")]) == 0
    page = lxml.html.fromstring((tmp_path / "book.html").read_bytes())
    cell = next(c for c in layout(fmt).grids["requests"].cells if c.key == "requests.outcome.total.total")
    assert _slots(page.xpath("//table")[1])[cell.row, cell.col].text_content() == _expected(
        fmt, doc, "requests.outcome.total.total")


@pytest.mark.parametrize(("argv", "message"), [
    (["--to", "md", "--title-template", "{name}"], "标题模板"),
    (["-o", "x.pdf"], "--to"),
    (["--to", "md", "-o", "/nonexistent-dir/x.md"], "不存在"),
    (["--to", "html", "-o", "x.docx"], "扩展名不一致"),
])
def test_cli_usage_errors(tmp_path, capsys, argv, message):
    fmt, doc = DOCS["gov-info-disclosure-2021"]
    source = _write(tmp_path, doc)
    assert main(["render", str(source), *argv]) == 2
    assert message in capsys.readouterr().err


def test_cli_unreadable_sources(tmp_path, capsys):
    (tmp_path / "broken.json").write_text("[1", encoding="utf-8")
    assert main(["render", str(tmp_path / "broken.json"), "--to", "md"]) == 2
    (tmp_path / "other.json").write_text('{"format": "nope"}', encoding="utf-8")
    assert main(["render", str(tmp_path / "other.json"), "--to", "md"]) == 2
    assert main(["render", str(tmp_path / "missing.json"), "--to", "md"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "无法读取" in err and "不存在" in err
    assert not (tmp_path / "other.md").exists()


def test_province_sized_summary_points_to_the_workbook_instead_of_a_huge_appendix(tmp_path):
    """A consolidated report of thousands of units renders quickly: no 5000-row appendix table."""
    from nianbao.format.spec import all_formats
    from nianbao.render import render_document
    from nianbao.render.report_text import MEMBER_LIST_MAX, build_view

    fmt = all_formats()["gov-info-disclosure-2021"]
    from factory import valid_document

    doc = valid_document(fmt)
    doc["consolidated"] = {"members": [{"code": f"C{i}", "name": f"单位{i}"} for i in range(MEMBER_LIST_MAX + 1)]}
    view = build_view(doc, fmt)
    assert view.members == () and "summary.xlsx" in view.intro[-1]
    doc["consolidated"]["members"] = doc["consolidated"]["members"][:3]
    assert len(build_view(doc, fmt).members) == 3
    assert render_document(doc, fmt, "docx", tmp_path / "r.docx").exists()
