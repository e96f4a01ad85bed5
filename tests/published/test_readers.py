"""Each reader on the shapes real publications take: encodings, fragments, spans, scans, deviations."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from published_kit import rendered
from transcripts import DATA

from nianbao.published import ImportError_, import_file
from nianbao.published.cells import read_cell
from nianbao.published.pdf import NO_TEXT_LAYER

# A PDF with a page and no text on it: what a scan without OCR gives pdftotext.
SCANNED = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
           b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
           b"trailer<</Root 1 0 R>>\n%%EOF\n")


def test_scanned_pdf_without_text_layer(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(SCANNED)
    with pytest.raises(ImportError_) as exc:
        import_file(path)
    assert exc.value.what == NO_TEXT_LAYER == "扫描件，没有文字层，无法读取表格"
    assert "scan.pdf" in str(exc.value)


@pytest.mark.parametrize(("data", "what"), [
    (b"", "文件是空的"), (b"%PDF-1.4 truncated", "PDF"), (b"PK\x03\x04junk", "Word"),
    (b"\x00\x01\x02" * 100, "无法识别"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "另存为 .docx"),
])
def test_unreadable_files_raise_a_named_chinese_error(tmp_path, data, what):
    path = tmp_path / "x.bin"
    path.write_bytes(data)
    with pytest.raises(ImportError_) as exc:
        import_file(path)
    assert what in exc.value.what


def test_gb18030_page_without_charset_and_a_bare_fragment(tmp_path, doc2021):
    page = rendered(tmp_path, doc2021, "html").read_text(encoding="utf-8")
    body = page[page.index("<body"):page.index("</body>") + 7].replace('charset="utf-8"', "")
    gbk = tmp_path / "gbk.htm"
    gbk.write_bytes(body.encode("gb18030"))
    assert import_file(gbk).document["tables"] == doc2021["tables"]
    fragment = tmp_path / "fragment.html"
    fragment.write_text(body[body.index(">") + 1:body.rindex("<")], encoding="utf-8")
    assert import_file(fragment).document["tables"] == doc2021["tables"]


def test_a_layout_table_around_the_article(tmp_path, doc2021):
    page = rendered(tmp_path, doc2021, "html").read_text(encoding="utf-8")
    body = page[page.index("<body"):page.index("</body>")]
    wrapped = tmp_path / "wrapped.html"
    wrapped.write_text(f"<html><body><table><tr><td>导航</td><td>{body[body.index('>') + 1:]}</td></tr></table>"
                       "</body></html>", encoding="utf-8")
    assert import_file(wrapped).document["tables"] == doc2021["tables"]


def test_spanned_cells_are_kept_once_at_their_origin():
    raw = import_file(DATA / "shuyang-fgj-2023.html").stages["raw"]
    texts = [i.text for line in raw.lines if line.row for i in line.items]
    assert texts.count("三、本年度办理结果") == 1 and texts.count("（三）不予公开") == 1


def test_docx_merged_cells_are_read_once(tmp_path, doc2019):
    raw = import_file(rendered(tmp_path, doc2019, "docx")).stages["raw"]
    texts = [i.text for line in raw.lines if line.row for i in line.items]
    assert texts.count("（三）不予公开") == 1 and texts.count("申请人情况") == 1


def _html(tmp_path, doc) -> str:
    return rendered(tmp_path, doc, "html").read_text(encoding="utf-8")


def _replace_rows(html: str, first: str, last: str, new_row: str) -> str:
    """Replace the table rows from the one containing `first` through the one containing `last` by new_row."""
    a = html.rindex("<tr", 0, html.index(first))
    b = html.index("</tr>", html.index(last)) + len("</tr>")
    return html[:a] + new_row + html[b:]


def _zero_other_rows(doc):
    for key in list(doc["tables"]):
        if key.startswith("requests.outcome.other."):
            doc["tables"][key] = 0
    return doc


def test_single_other_row_in_2021_format_printed_zero_maps_exactly(tmp_path, doc2021):
    """The 2021 format splits （六） into three rows; an agency prints one row of 0s."""
    from nianbao.format.document import compute_derived
    from nianbao.format.spec import all_formats

    fmt = all_formats()["gov-info-disclosure-2021"]
    doc = _zero_other_rows(doc2021)
    doc["tables"] = compute_derived(fmt, {k: doc["tables"][k] for k in fmt.input_keys()})
    row = "<tr><td colspan='2'>（六）其他处理</td>" + "<td>0</td>" * 7 + "</tr>"
    html = _replace_rows(_html(tmp_path, doc), "1.申请人无正当理由", "3.其他", row)
    (tmp_path / "six.html").write_text(html, encoding="utf-8")
    imported = import_file(tmp_path / "six.html")
    assert imported.document["tables"] == doc["tables"]
    (f,) = [f for f in imported.findings if f.rule == "IMPORT_GROUP_ROW"]
    assert f.severity == "info"


def test_single_other_row_not_zero_cannot_be_split(tmp_path, doc2021):
    row = "<tr><td colspan='2'>（六）其他处理</td>" + "<td>1</td>" * 6 + "<td>6</td></tr>"
    html = _replace_rows(_html(tmp_path, doc2021), "1.申请人无正当理由", "3.其他", row)
    (tmp_path / "six.html").write_text(html, encoding="utf-8")
    imported = import_file(tmp_path / "six.html")
    states = imported.document["cell_states"]
    assert {states[f"requests.outcome.other.{r}.natural"]["state"] for r in ("no_correction", "unpaid_fee", "misc")} \
        == {"unreadable"}
    assert [f.severity for f in imported.findings if f.rule == "IMPORT_GROUP_ROW"] == ["warning"]


def test_missing_and_extra_rows_are_findings(tmp_path, doc2021):
    html = _html(tmp_path, doc2021)
    a = html.rindex("<tr", 0, html.index("2.重复申请"))
    b = html.index("</tr>", a) + 5
    extra = "<tr><td colspan='3'>五、本年度网上申请数量</td>" + "<td>1</td>" * 7 + "</tr>"
    html = html[:a] + html[b:]
    c = html.rindex("<tr", 0, html.index("四、结转下年度继续办理"))
    html = html[:c] + extra + html[c:]
    (tmp_path / "rows.html").write_text(html, encoding="utf-8")
    imported = import_file(tmp_path / "rows.html")
    rules = {(f.rule, f.key) for f in imported.findings}
    assert ("IMPORT_ROW_MISSING", "requests.outcome.not_processed.repeated.natural") in rules
    assert any(r == "IMPORT_EXTRA_ROW" for r, _ in rules)
    assert imported.document["cell_states"]["requests.outcome.not_processed.repeated.total"]["state"] == "unreadable"
    assert imported.document["tables"]["requests.carry_forward.total"] == doc2021["tables"]["requests.carry_forward.total"]


def test_amount_printed_in_yuan_is_converted_to_wan_exactly_with_a_finding(tmp_path, doc2019):
    html = _html(tmp_path, doc2019)
    amount = doc2019["tables"]["proactive.procurement.amount"]
    shown = f"{amount:.2f}".rstrip("0").rstrip(".")
    assert f">{shown}<" in html
    (tmp_path / "yuan.html").write_text(html.replace(f">{shown}<", ">75394432.52元<"), encoding="utf-8")
    imported = import_file(tmp_path / "yuan.html")
    assert imported.document["tables"]["proactive.procurement.amount"] == 7539.443252  # Decimal / 10000, exact
    state = imported.document["cell_states"]["proactive.procurement.amount"]
    assert state["unit"] == "元" and state["printed"] == "75394432.52元" and state["state"] == "number"
    assert [f.key for f in imported.findings if f.rule == "IMPORT_UNIT"] == ["proactive.procurement.amount"]


@pytest.mark.parametrize(("text", "kind", "state", "value"), [
    ("１２", "count", "number", 12), ("1,234", "count", "number", 1234), ("  ", "count", "blank", None),
    ("/", "count", "blank", None), ("-", "count", "blank", None), ("3件", "count", "number", 3),
    ("-8", "signed", "number", -8), ("-8", "count", "unreadable", None), ("2.5", "count", "unreadable", None),
    ("96171.6", "money", "number", 96171.6), ("十二", "count", "unreadable", None),
])
def test_cell_states(text, kind, state, value):
    read = read_cell(text, kind, "万元" if kind == "money" else "件")
    assert (read.state, read.value) == (state, value)


def test_a_row_with_more_numbers_than_columns_is_unreadable_not_guessed(tmp_path, doc2021):
    """An agency adds a 法人小计 column: eight numbers for seven columns are never shifted into place."""
    html = _html(tmp_path, doc2021)
    start = html.index("一、本年新收政府信息公开申请数量")
    at = html.index("<td", start)
    (tmp_path / "wide.html").write_text(html[:at] + "<td>99</td>" + html[at:], encoding="utf-8")
    imported = import_file(tmp_path / "wide.html")
    states = imported.document["cell_states"]
    assert {states[f"requests.received.{c}"]["state"] for c in ("natural", "total")} == {"unreadable"}
    assert "requests.received.natural" not in imported.document["tables"]


def test_row_printed_with_its_label_and_no_number_is_blank(tmp_path):
    """A text dump where 行政事业性收费 prints no figures at all: blank cells, not a missing row."""
    text = (DATA / "pingtan-2019.txt").read_text(encoding="utf-8")
    assert "行政事业性收费350第二十条" in text
    (tmp_path / "p.txt").write_text(text.replace("行政事业性收费350", "行政事业性收费"), encoding="utf-8")
    imported = import_file(tmp_path / "p.txt")
    states = imported.document["cell_states"]
    assert states["proactive.fees.prev_count"] == {"state": "blank", "printed": ""}
    assert not [f for f in imported.findings if f.rule == "IMPORT_ROW_MISSING"]


def test_heading_printed_without_its_number(tmp_path, doc2021):
    html = _html(tmp_path, doc2021)
    assert html.count(">二、主动公开政府信息情况<") == 1
    (tmp_path / "h.html").write_text(html.replace(">二、主动公开政府信息情况<", ">主动公开政府信息情况<"),
                                     encoding="utf-8")
    assert import_file(tmp_path / "h.html").document["tables"] == doc2021["tables"]


def test_fee_column_headed_in_yuan(tmp_path, doc2021):
    html = _html(tmp_path, doc2021)
    assert html.count("本年收费金额（单位：万元）") == 1
    (tmp_path / "y.html").write_text(html.replace("本年收费金额（单位：万元）", "本年收费金额（单位：元）"),
                                     encoding="utf-8")
    imported = import_file(tmp_path / "y.html")
    printed = doc2021["tables"]["proactive.fees.amount"]
    expected = {**doc2021["tables"], "proactive.fees.amount": float(Decimal(repr(printed)) / 10000)}
    assert imported.document["tables"] == expected
    assert imported.document["cell_states"]["proactive.fees.amount"]["unit"] == "元"
    assert [f.key for f in imported.findings if f.rule == "IMPORT_UNIT"] == ["proactive.fees.amount"]


def test_the_official_blank_template_is_said_to_be_a_blank_template():
    """The 2021 notice's template as a Word file (no figures) is not imported as a 2021 report."""
    with pytest.raises(ImportError_) as exc:
        import_file(Path(__file__).parent / "official-template-2021-blank.docx")
    assert exc.value.what.startswith("空白模板，没有数字")


def test_a_pdf_word_across_two_columns_is_never_put_in_one():
    """Two figures of a PDF row printed so close that poppler joins them into one word (“126”): the word
    covers two columns' centres, so the row is unreadable rather than 126 in the nearest column."""
    from nianbao.format.spec import all_formats
    from nianbao.published.mapping import expected_rows
    from nianbao.published.model import WORD, Item, Line
    from nianbao.published.values import _row_texts

    fmt = all_formats()["gov-info-disclosure-2021"]
    entry = expected_rows(fmt, fmt.table("proactive"))[0]  # 规章: three columns
    centres = {(entry.block, 3): [100.0, 150.0, 200.0]}
    ok = Line((Item("规章", "p", WORD, 10, 40), Item("1", "p", WORD, 98, 102), Item("26", "p", WORD, 196, 204)), "p")
    texts, _, _ = _row_texts(entry, ok, centres)
    assert [t[0] for t in texts] == ["1", "", "26"]
    joined = Line((Item("规章", "p", WORD, 10, 40), Item("126", "p", WORD, 140, 206)), "p")
    texts, why, _ = _row_texts(entry, joined, centres)
    assert texts is None and "两列" in why
