"""What a reader of a rendered report sees, piece by piece (issue 21 follow-up on nianbao's own reports).

Figure sentences before a table are running text, never rows, however a PDF wraps them; a figure
wrapped inside its cell is unreadable, never a part of it; a PDF paragraph's lines are one paragraph
again; markdown's escapes are the characters they stand for; the intro's list of parts is no heading;
a converter's padded pipe rows are not printed blanks, and a row short of a cell is placed by the
table's identities.
"""

from __future__ import annotations

import pytest
from factory import valid_document
from published_kit import text_report

from nianbao.format.spec import all_formats
from nianbao.published import import_file
from nianbao.published.audit import audit_paths
from nianbao.published.locate import heading_score
from nianbao.published.model import WORD, Item, Line
from nianbao.published.pdf_layout import Placed, _stacked_figures, paragraphs, prose_text
from nianbao.published.prose import running_why
from nianbao.published.text import visible


def _pdf_line(*words: str, x: float = 80.0) -> Line:
    items = []
    for text in words:
        items.append(Item(text, "p", WORD, x0=x, x1=x + 10 * len(text)))
        x += 10 * len(text) + 5
    return Line(tuple(items), "p")


@pytest.mark.parametrize("lines", [
    [("许可决定", "9994", "件、行政处罚决定", "2609", "件、行政强制决定", "327")],  # words after a figure
    [("行政处罚", "2609"), ("件。本年度收取行政事业性收费", "69.03", "万元。")],  # its unit on the next line
    [("收取行政事业性收费", "69.03", "万元。")],
    [("2418", "件，其中予以公开", "120")],
    [("行政处罚决定", "2609"), ("件",)],
])
def test_figures_in_a_sentence_are_running_text(lines):
    built = [_pdf_line(*ws) for ws in lines]
    assert running_why(built, 0)


@pytest.mark.parametrize("lines", [
    [("行政处罚", "2609"), ("行政强制", "327")],
    [("政府集中采购", "3", "35.97", "万元")],  # a unit printed in the cell
    [("（三）不", "30", "23", "37", "36", "30", "32", "188"), ("益",)],
    [("（二）部分公开（区分处理的，",), ("24", "33")],
    [("行政许可", "17", "-3", "—")],  # a placeholder is a cell
])
def test_table_rows_are_not_running_text(lines):
    built = [_pdf_line(*ws) for ws in lines]
    assert running_why(built, 0) is None


def _word(text, x0, y0, width=None, height=13.65):
    return (text, (x0, y0, x0 + (width if width is not None else 5.25 * len(text)), y0 + height))


def test_a_figure_wrapped_in_its_cell_becomes_two_digit_groups():
    """LibreOffice: 表三's columns are 35.4 pt apart, “48454” fills its cell and “2” goes on 12.1 pt lower."""
    row = [_word(t, 278.5 + 35.4 * n, 629.0) for n, t in enumerate(["48454", "40079", "49650"])]
    rest = [_word(t, 289.0 + 35.4 * n, 641.1) for n, t in enumerate(["2", "4", "6"])]
    texts = sorted(w[0] for w in _stacked_figures(row + rest))
    assert texts == ["40079 4", "48454 2", "49650 6"]


def test_the_next_row_is_never_taken_for_a_wrapped_figure():
    """Tight rows (0.45 pt apart) of full four-digit totals: the row below prints other figures too."""
    upper = [_word("151", 304.8, 695.8), _word("1560", 493.5, 695.8)]
    lower = [_word("97", 304.8, 710.3), _word("2093", 493.5, 710.3)]
    assert sorted(w[0] for w in _stacked_figures(upper + lower)) == ["151", "1560", "2093", "97"]
    # Chromium: rows overlap by a quarter of a line, but narrow figures in wide columns fill nothing
    upper = [_word("0", 248.2, 510.9, height=23.4), _word("0", 361.1, 510.9, height=23.4)]
    lower = [_word("26", 245.7, 528.1, height=23.4), _word("31", 358.9, 528.1, height=23.4)]
    assert sorted(w[0] for w in _stacked_figures(upper + lower)) == ["0", "0", "26", "31"]


def _placed(text: str, x0: float, x1: float, top: float, page: int = 1) -> Placed:
    return Placed(Line((Item(text, "p", WORD, x0=x0, x1=x1),), "p"), page, top, top + 20.8)


def test_a_pdf_paragraph_is_one_paragraph_again_across_a_page_break():
    lines = [
        _placed("一、总体情况", 111.5, 215.0, 100.0),
        _placed("依申请公开办理流程的内部衔接还不够顺畅，个别申请转办耗时", 111.5, 521.0, 129.0),  # indented
        _placed("较长。下一步将建立申请登记台账和限时办理提醒制度，确保按时", 79.5, 520.5, 158.0),
        _placed("答复。", 79.5, 127.5, 187.0),  # the paragraph's last line ends short
        _placed("政策解读的形式还比较单一，图解、视频等解读方式运用不够，", 111.5, 521.0, 760.0),
        _placed("下一页接着写的文字，仍是同一段落里的一句完整的话语内容", 79.5, 520.8, 80.0, page=2),
    ]
    joined = [line.joined for line in paragraphs(lines)]
    assert joined == [False, False, True, True, False, True]


def test_pdf_words_are_joined_as_written():
    assert prose_text(_pdf_line("统计期限自", "2020", "年", "1", "月")) == "统计期限自2020年1月"
    assert prose_text(_pdf_line("网址", "www.luobei.gov.cn", "和")) == "网址www.luobei.gov.cn和"
    assert prose_text(_pdf_line("Page", "9")) == "Page 9"


def test_markdown_escapes_are_the_characters_they_stand_for():
    shown = visible(r"| 行政处罚 | 33 | \-5 | 19 |")
    assert shown.text == "| 行政处罚 | 33 | -5 | 19 |"
    assert shown.at(shown.text.index("-5")) == 16  # the file's own column of the escaped character
    assert visible(r"1\.完善制度建设；gov\_info \| 专栏 **重点**").text == "1.完善制度建设；gov_info | 专栏 重点"


def test_an_escaped_pipe_is_no_cell_boundary(tmp_path):
    doc = valid_document(all_formats()["gov-info-disclosure-2021"], seed=5)
    text = text_report(doc).replace("总体情况：测试文字。", r"网站栏目：政务公开 \| 政策文件 \| 解读。")
    path = tmp_path / "r.md"
    path.write_text(text, encoding="utf-8")
    back = import_file(path).document
    assert back["tables"] == doc["tables"]
    assert back["sections"]["overview"] == "网站栏目：政务公开 | 政策文件 | 解读。"


def test_the_intros_list_of_parts_is_no_heading():
    """A PDF line of the opening paragraph that starts with the list of the report's parts."""
    line = _pdf_line("一、总体情况；二、主动公开政府信息情况；三、收到和处理政")
    assert heading_score(line, "一", ["总体情况"]) == 0
    assert heading_score(_pdf_line("一、总体情况"), "一", ["总体情况"]) == 1.0


def _kw_table(last_row: str, padded: bool) -> str:
    pad = " |  |" if padded else " |"
    return (
        "# 某某委2024年政府信息公开工作年度报告\n\n三、收到和处理政府信息公开申请情况\n\n"
        "| 项目 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |\n"
        "|---|---|---|---|---|---|---|---|\n"
        f"| 一、本年新收政府信息公开申请数量 | 32 | 2 | 0 | 0 | 0 | 0 | 34{pad}\n"
        f"| 二、上年结转政府信息公开申请数量 | 2 | 0 | 0 | 0 | 0 | 0 | 2{pad}\n"
        "| （一）予以公开 | 33 | 2 | 0 | 0 | 0 | 0 | 35 |\n"
        "| （七）总计 | 33 | 2 | 0 | 0 | 0 | 0 | 35 |\n"
        f"{last_row}\n"
    )


def test_a_padded_converter_rows_trailing_cell_is_no_printed_blank(tmp_path):
    """shanghai-kw-2024: the converter pads its rows with an empty cell, and 四、结转 lost its 总计:
    “| 四、… | 1 | 0 | 0 | 0 | 0 | 0 |  |”. The empty cell is padding, the six figures are placed by
    T3-1 (each column balances only one way), 总计 is unreadable — and audit raises no false T3-1/T3-2."""
    path = tmp_path / "kw.md"
    path.write_text(_kw_table("| 四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 |  |", padded=True), encoding="utf-8")
    doc = import_file(path).document
    row = [doc["tables"].get(f"requests.carry_forward.{c}") for c in
           ("natural", "commercial", "research", "nonprofit", "legal", "other_org")]
    assert row == [1, 0, 0, 0, 0, 0]
    assert doc["cell_states"]["requests.carry_forward.total"]["state"] == "unreadable"
    assert "T3-1" in doc["cell_states"]["requests.carry_forward.natural"]["note"]
    (result,) = audit_paths([path])
    assert not [f for f in result.findings if f.rule in ("T3-1", "T3-2") and f.severity == "error"]


def test_without_padding_an_empty_last_cell_is_printed_blank(tmp_path):
    path = tmp_path / "b.md"
    path.write_text(_kw_table("| 四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 |  |", padded=False), encoding="utf-8")
    doc = import_file(path).document
    assert doc["cell_states"]["requests.carry_forward.total"]["state"] == "blank"
    assert doc["tables"]["requests.carry_forward.natural"] == 1
