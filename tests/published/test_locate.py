"""Where each section and each statutory table lies among a report's lines (published/locate.py).

A section runs from its heading to the next heading or table found; a table from its heading (the line
after it) or, with no heading found, from the first line printing one of its own labels; a list of the
report's parts, a sentence or a stray label elsewhere never starts one.
"""

from __future__ import annotations

import pytest

from nianbao.format.spec import all_formats
from nianbao.published import import_file
from nianbao.published.locate import Located, heading_score, locate, table_labels
from nianbao.published.model import CELL, TEXT, WORD, Item, Line

FMT = all_formats()["gov-info-disclosure-2021"]
BY_HEADING = "按标题"
BY_CONTENT = "按表格内容（没有找到本表标题）"


def _text(text: str) -> Line:
    return Line((Item(text, "第1行", TEXT),), "第1行")


def _row(*cells: str) -> Line:
    return Line(tuple(Item(c, "表格1", CELL) for c in cells), "表格1", row=True)


def _report(*drop: str) -> list[Line]:
    """A report of the 2021 format, one line a heading, a paragraph or a table row; headings in `drop`
    left out."""
    parts = [
        ("title", [_text("某某局2024年政府信息公开工作年度报告")]),
        ("一", [_text("一、总体情况"), _text("本年度，我局坚持以公开为常态。"), _text("完善平台建设。")]),
        ("二", [_text("二、主动公开政府信息情况"), _row("第二十条第（一）项"), _row("信息内容", "本年制发件数"),
                _row("规章", "0"), _row("行政规范性文件", "3")]),
        ("三", [_text("三、收到和处理政府信息公开申请情况"), _row("（本列数据的勾稽关系为：第一项加第二项之和，"
                                                          "等于第三项加第四项之和）", "自然人"),
                _row("一、本年新收政府信息公开申请数量", "5"), _row("（七）总计", "5")]),
        ("四", [_text("四、政府信息公开行政复议、行政诉讼情况"), _row("行政复议", "行政诉讼"), _row("结果维持", "0")]),
        ("五", [_text("五、存在的主要问题及改进情况"), _text("依申请公开办理流程还不够顺畅。")]),
        ("六", [_text("六、其他需要报告的事项"), _text("本年度未收取信息处理费。")]),
    ]
    return [line for number, lines in parts for i, line in enumerate(lines) if not (i == 0 and number in drop)]


def _index(lines: list[Line], text: str) -> int:
    return next(i for i, line in enumerate(lines) if line.text.startswith(text))


def test_each_section_and_table_runs_from_its_heading_to_the_next():
    lines = _report()
    located = locate(lines, FMT)
    assert located.sections == {"overview": (1, 4), "proactive": (4, 9), "requests": (9, 13), "reviews": (13, 16),
                                "problems": (16, 18), "other": (18, 20)}
    assert located.tables == {"proactive": (5, 9), "requests": (10, 13), "reviews": (14, 16)}
    assert located.how == {"proactive": BY_HEADING, "requests": BY_HEADING, "reviews": BY_HEADING}
    assert list(located.lines("overview")) == [2, 3]  # the heading line itself is not the section's text
    assert list(located.lines("other")) == [19]  # the last section runs to the end
    assert list(located.table_lines("requests")) == [10, 11, 12]


def test_a_part_not_found_has_no_lines():
    located = Located({"overview": (0, 3)}, {"proactive": (3, 5)})
    assert list(located.lines("problems")) == []
    assert list(located.table_lines("reviews")) == []
    assert list(located.lines("overview")) == [1, 2]
    assert list(located.table_lines("proactive")) == [3, 4]


def test_a_table_without_its_heading_starts_at_its_first_own_label():
    lines = _report("三")
    located = locate(lines, FMT)
    first = _index(lines, "（本列数据的勾稽关系为")
    assert located.tables["requests"] == (first, _index(lines, "四、"))
    assert located.how["requests"] == BY_CONTENT
    assert "requests" not in located.sections
    assert located.sections["proactive"] == (_index(lines, "二、"), first)  # 表二's section ends where 表三 starts
    assert located.tables["proactive"] == (_index(lines, "二、") + 1, first)


def test_a_table_straight_after_the_section_before_it_starts_on_its_first_line():
    """No 二 heading, and 表二's first row right under 一's heading (the overview printed nothing)."""
    lines = [line for line in _report("二") if line.text not in ("本年度，我局坚持以公开为常态。", "完善平台建设。")]
    located = locate(lines, FMT)
    assert lines[2].text == "第二十条第（一）项"
    assert located.tables["proactive"] == (2, _index(lines, "三、"))
    assert located.sections["overview"] == (1, 2)
    assert list(located.lines("overview")) == []


def test_two_tables_without_headings_follow_each_other():
    lines = _report("三", "四")
    located = locate(lines, FMT)
    three, four = _index(lines, "（本列数据的勾稽关系为"), _index(lines, "行政复议")
    assert located.tables["requests"] == (three, four)
    assert located.tables["reviews"] == (four, _index(lines, "五、"))
    assert located.how == {"proactive": BY_HEADING, "requests": BY_CONTENT, "reviews": BY_CONTENT}
    assert set(located.sections) == {"overview", "proactive", "problems", "other"}


def test_a_tables_label_printed_before_the_section_it_follows_is_not_its_start():
    """A line printing only “行政复议” at the end of 表二 (and one in the overview): 表四, without its heading,
    is looked for after 三's heading only."""
    lines = _report("四")
    lines.insert(_index(lines, "三、"), _text("行政复议"))
    lines.insert(2, _text("行政复议"))
    located = locate(lines, FMT)
    assert located.tables["reviews"] == (_row_index(lines, "行政复议"), _index(lines, "五、"))


def _row_index(lines: list[Line], first_cell: str) -> int:
    return next(i for i, line in enumerate(lines) if line.row and line.items[0].text == first_cell)


def test_a_table_not_printed_at_all_is_not_found():
    lines = [line for line in _report("四") if line.text not in ("行政复议 行政诉讼", "结果维持 0")]
    located = locate(lines, FMT)
    assert "reviews" not in located.tables
    assert located.tables["requests"] == (_index(lines, "三、") + 1, _index(lines, "五、"))


def test_the_narrative_sections_after_a_table_found_by_its_content_keep_their_headings():
    lines = _report("二")
    located = locate(lines, FMT)
    first = _index(lines, "第二十条")
    assert located.sections["overview"] == (1, first)
    assert located.tables["proactive"] == (first, _index(lines, "三、"))
    assert located.sections["problems"][0] == _index(lines, "五、")


@pytest.mark.parametrize("blank", ["", "；", "。"])
def test_a_list_of_the_parts_before_the_report_is_not_their_headings(blank):
    """An opening that lists the parts one a line (a blank or a lone mark between them): the real headings
    below are the sections."""
    toc = []
    for section in FMT.sections:
        toc += [_text(section.heading), _text(blank)]
    lines = _report()
    lines[1:1] = toc
    located = locate(lines, FMT)
    for section in FMT.sections:
        assert located.sections[section.key][0] == _index(lines[len(toc) + 1:], section.heading) + len(toc) + 1


def test_a_list_of_the_parts_three_blank_lines_apart_is_still_a_list():
    toc = []
    for section in FMT.sections:
        toc += [_text(section.heading), _text(""), _text("")]
    lines = _report()
    lines[1:1] = toc
    assert locate(lines, FMT).sections["overview"][0] == len(toc) + 1


def test_a_section_of_two_characters_is_a_section():
    lines = _report()
    lines[2:4] = [_text("暂无")]
    located = locate(lines, FMT)
    assert located.sections["overview"] == (1, 3)
    assert located.sections["proactive"] == (3, 8)


def test_a_heading_on_the_last_line_of_a_cut_copy_is_found():
    lines = _report()
    cut = lines[:_index(lines, "五、") + 1]
    located = locate(cut, FMT)
    assert located.sections["problems"] == (len(cut) - 1, len(cut))
    assert "other" not in located.sections


def test_a_typod_heading_gives_way_to_the_heading_printed_right_after():
    """A line reading as the heading with a character missing, then the heading itself: the heading wins."""
    lines = _report()
    at = _index(lines, "二、")
    lines.insert(at, _text("二、主动公开政府信情况"))
    located = locate(lines, FMT)
    assert located.sections["proactive"][0] == at + 1
    assert located.sections["overview"] == (1, at + 1)  # the line with the typo is overview text


def test_a_line_not_clearly_better_does_not_displace_the_first_heading_like_one():
    """“二、主动公开政府信情况” (a character missing), then the title unnumbered: the first stands, and the
    search ends there (a line printing the title whole): the heading printed further on is not looked at."""
    lines = _report()
    at = _index(lines, "二、")
    lines[at] = _text("二、主动公开政府信情况")
    lines.insert(at + 2, _text("主动公开政府信息情况"))
    lines.insert(at + 4, _text("二、主动公开政府信息情况"))
    located = locate(lines, FMT)
    assert located.sections["proactive"][0] == at


def test_table_labels_are_the_labels_only_that_table_prints():
    labels = table_labels(FMT, FMT.table("reviews"))
    assert {"行政复议", "行政诉讼", "结果维持", "未经复议直接起诉"} <= labels
    assert "总计" not in labels  # 表三 prints it too
    assert all(len(label) >= 2 for label in labels)


def test_a_copy_that_opens_with_its_first_heading_has_that_section():
    lines = _report()[1:]  # no title line
    located = locate(lines, FMT)
    assert located.sections["overview"] == (0, 3)


def _without_heading_four(*before_table: Line) -> tuple[list[Line], int]:
    """The report without 四's heading, `before_table` printed between 表三 and 表四; the index of the first."""
    lines = _report("四")
    at = _index(lines, "行政复议 行政诉讼")
    lines[at:at] = before_table
    return lines, at


def test_a_row_headed_by_a_short_label_of_the_table_starts_it():
    """No 三 heading, and 表三 printed from its “自然人” row on (a label of three characters)."""
    lines = _report("三")
    first = _index(lines, "（本列数据")
    lines[first] = _row("自然人", "5")
    assert locate(lines, FMT).tables["requests"][0] == first


def test_a_column_header_printed_as_two_pdf_words_starts_its_table():
    header = Line((Item("结果", "第3页", WORD, 10, 20), Item("维持", "第3页", WORD, 21, 30),
                   Item("12", "第3页", WORD, 40, 45)), "第3页")
    lines, at = _without_heading_four(header)
    assert locate(lines, FMT).tables["reviews"][0] == at


@pytest.mark.parametrize("line", ["行政复议案件数量", "结果维持："])
def test_a_line_that_is_mostly_one_of_the_tables_labels_starts_it(line):
    """A label of at least four characters that is at least half the line."""
    lines, at = _without_heading_four(_text(line))
    assert locate(lines, FMT).tables["reviews"][0] == at


@pytest.mark.parametrize("line", [
    "无行政复议。",  # a sentence
    "行政复议案件办理结果统计",  # the label is less than half the line
    "本年度未发生行政复议行政诉讼案件的说明",
])
def test_a_sentence_or_a_longer_line_naming_a_label_does_not_start_the_table(line):
    lines, at = _without_heading_four(_text(line))
    assert locate(lines, FMT).tables["reviews"][0] == at + 1


def test_each_heading_of_a_one_line_dump_starts_its_section(tmp_path):
    """A crawler's dump prints the whole report on one line: each heading is a line of its own, so the
    sentence after it is its section's text (a heading and a sentence as one line would be no heading)."""
    path = tmp_path / "dump.txt"
    path.write_text("某某局2024年政府信息公开工作年度报告 一、总体情况 本年度坚持以公开为常态。 "
                    "二、主动公开政府信息情况 详见下表。 三、收到和处理政府信息公开申请情况 详见下表。 "
                    "四、政府信息公开行政复议、行政诉讼情况 详见下表。 "
                    "五、存在的主要问题及改进情况 办理流程还不够顺畅。 六、其他需要报告的事项 本年度未收取信息处理费。",
                    encoding="utf-8")
    assert import_file(path).document["sections"] == {
        "overview": "本年度坚持以公开为常态。", "problems": "办理流程还不够顺畅。", "other": "本年度未收取信息处理费。"}


def _score(text: str, number: str, title: str) -> float:
    return heading_score(_text(text), number, [title])


TWO = "主动公开政府信息情况"


@pytest.mark.parametrize(("text", "number", "title", "score"), [
    ("一、总体情兄", "一", "总体情况", 0.75),  # one character of four wrong: just enough
    ("一、总体的状况", "一", "总体情况", 0.75),  # three of four, and the line no longer than 5/3 of them
    ("一、总体而言情势向好", "一", "总体情况", 0.0),  # three of four among as many other characters
    ("一、总体来看全年情况平稳", "一", "总体情况", 0.0),  # the whole title among as many other characters
    ("十二、" + TWO, "二", TWO, 0.9),  # a number of two numerals: another section's
    ("（1）" + TWO, "二", TWO, 0.95),  # an Arabic number in brackets is no section number: the title alone
    ("（" + TWO + "）", "二", TWO, 0.95),  # the title in brackets
    ("二", "二", TWO, 0.0),  # a numeral alone (a list marker, a page's number)
    ("十一", "二", TWO, 0.0),
])
def test_how_a_line_scores_as_a_heading(text, number, title, score):
    assert _score(text, number, title) == pytest.approx(score)


def test_a_heading_with_a_note_after_it_on_its_line_is_the_heading():
    """A note of any length after the title, up to 60 characters in all."""
    note = "（统计时间：2024年1月1日至2024年12月31日）"
    assert _score("三、收到和处理政府信息公开申请情况" + note, "三", "收到和处理政府信息公开申请情况") == 1.0
    head = "二、" + TWO + "（"
    sixty = head + "注" * (59 - len(head)) + "）"
    assert len(sixty) == 60
    assert _score(sixty, "二", TWO) == 1.0
    assert _score(sixty.replace("（", "（注"), "二", TWO) == 0.0  # 61: longer than any heading


@pytest.mark.parametrize("more", [10, 11])
def test_a_reworded_heading_may_print_twelve_characters_more_than_the_title(more):
    """“二、主动公开的政府信息的情况” and a note: the title's characters in order, the line no more than twelve
    characters longer than the title, or it reads as a sentence."""
    text = "二、主动公开的政府信息的情况" + "注" * more
    assert _score(text, "二", TWO) == (1.0 if more == 10 else 0.0)


def test_a_heading_printed_as_pdf_words_is_a_heading_and_with_a_figure_is_not():
    words = Line((Item("二、主动公开", "第1页", WORD, 10, 60), Item("政府信息情况", "第1页", WORD, 61, 120)), "第1页")
    assert heading_score(words, "二", [TWO]) == 1.0
    figure = Line((*words.items, Item("12", "第1页", WORD, 130, 140)), "第1页")
    assert heading_score(figure, "二", [TWO]) == 0.0
    in_text = Line((Item("二、主动公开政府信息情况", "第1行", TEXT), Item("2024", "第1行", TEXT)), "第1行")
    assert heading_score(in_text, "二", [TWO]) == 1.0  # figures in text are judged by the words around them


def test_headings_are_found_in_the_formats_order():
    """六's heading printed right before 五's is not taken for 六: each section is looked for after the one
    before."""
    lines = _report()
    six = lines.pop(_index(lines, "六、"))
    five = _index(lines, "五、")
    lines.insert(five, six)
    located = locate(lines, FMT)
    assert located.sections["problems"] == (five + 1, len(lines))
    assert "other" not in located.sections


def test_a_copy_of_the_tables_alone_has_each_found_by_its_labels():
    """No heading at all (a converter kept the tables only): 表二 starts on the line after the title."""
    lines = [_text("某某局2024年政府信息公开工作年度报告"), *(line for line in _report() if line.row)]
    located = locate(lines, FMT)
    assert located.sections == {}
    assert located.tables == {"proactive": (1, 5), "requests": (5, 8), "reviews": (8, 10)}
    assert set(located.how.values()) == {BY_CONTENT}
    only_two = lines[:5]  # 表二 alone
    assert locate(only_two, FMT).tables == {"proactive": (1, 5)}


def test_a_table_whose_section_printed_nothing_is_empty_and_the_next_heading_keeps_its_lines():
    """三's heading, then straight 五's (三 printed no table, 四 nothing at all)."""
    lines = [line for line in _report() if not line.row or line.items[0].text in ("第二十条第（一）项", "规章")]
    lines = [line for line in lines if not line.text.startswith("四、")]
    three, five = _index(lines, "三、"), _index(lines, "五、")
    assert five == three + 1
    located = locate(lines, FMT)
    assert located.tables["requests"] == (five, five)
    assert list(located.table_lines("requests")) == []
    assert located.sections["problems"] == (five, _index(lines, "六、"))


def test_a_section_printed_empty_before_blank_lines_is_still_a_section():
    """“一、总体情况”, three empty lines, “二、…”: only the three lines after a heading tell a list of the parts."""
    lines = _report()
    lines[2:4] = [_text(""), _text(""), _text("")]
    located = locate(lines, FMT)
    assert located.sections["overview"] == (1, 5)
    assert located.sections["proactive"][0] == 5
