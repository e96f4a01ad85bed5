"""Section headings as published reports print them (published/locate.py): numbered any way or not at all,
typo'd or reworded — and never a sentence, a list of the parts, a table row or a line of figures."""

from __future__ import annotations

import pytest

from nianbao.published.locate import coverage, heading_like, heading_score
from nianbao.published.model import CELL, RUN, TEXT, Item, Line

TITLE = "主动公开政府信息情况"


def _line(text: str, kind: str = TEXT) -> Line:
    return Line((Item(text, "第1行", kind),), "第1行")


def _score(text: str, number: str = "二", titles: tuple[str, ...] = (TITLE,)) -> float:
    return heading_score(_line(text), number, list(titles))


@pytest.mark.parametrize("text", ["二、主动公开政府信息情况", "（二）主动公开政府信息情况", "(二)主动公开政府信息情况",
                                  "二.主动公开政府信息情况", "二，主动公开政府信息情况", "二、 主动公开 政府信息情况",
                                  "二、主动公开政府信息情况（单位：件）"])
def test_a_heading_numbered_any_way_scores_full(text):
    assert _score(text) == 1.0


def test_an_unnumbered_heading_scores_a_little_less_and_only_when_it_is_the_title():
    assert _score("主动公开政府信息情况") == pytest.approx(0.95)
    assert _score("主动公开政府信息的情况") == pytest.approx(0.95)  # every character of the title, in order
    assert _score("主动公开政府信情况") == 0.0  # unnumbered and a character short: too weak a clue
    assert _score("二、主动公开政府信情况") == pytest.approx(0.9)  # numbered, the same text is the heading


def test_a_heading_with_another_number_scores_less_than_its_own():
    assert _score("三、主动公开政府信息情况") == pytest.approx(0.9)
    assert _score("二、主动公开政府信息情况") > _score("三、主动公开政府信息情况")


def test_a_typo_or_a_small_rewording_is_still_the_heading():
    typo = _score("二、主动工开政府信息情况")
    assert 0.75 <= typo < 1.0
    assert _score("二、主动公开政府信息工作情况") >= 0.75


@pytest.mark.parametrize("text", [
    "二、关于进一步做好全区主动公开政府信息情况的通知要求全面落实各项工作任务",  # much more printed than the title
    "二、主动公开政府信息情况。",  # a sentence
    "一、总体情况；二、主动公开政府信息情况；三、收到和处理政府信息公开申请情况",  # a list of the parts
    "二、规章",
    "二、" + "主动公开政府信息情况" * 7,  # longer than any heading
    "",
])
def test_what_is_not_a_heading(text):
    assert _score(text) == 0.0


def test_a_list_of_parts_after_the_title_is_not_the_heading():
    assert _score("二、主动公开政府信息情况，三、收到和处理政府信息公开申请情况") == 0.0


def test_a_line_with_figures_or_a_row_of_cells_is_not_a_heading():
    with_run = Line((Item("二、主动公开政府信息情况", "a", TEXT), Item("12", "b", RUN)), "a")
    assert heading_score(with_run, "二", [TITLE]) == 0.0
    row = Line((Item("二、主动公开政府信息情况", "a", CELL), Item("x", "b", CELL)), "a", row=True)
    assert heading_score(row, "二", [TITLE]) == 0.0
    one_cell = Line((Item("二、主动公开政府信息情况", "a", CELL), Item(" ", "b", CELL)), "a", row=True)
    assert heading_score(one_cell, "二", [TITLE]) == 1.0  # a heading printed in a table's only cell


def test_the_variants_real_reports_print_for_sections_four_and_five():
    assert heading_like(_line("四、因政府信息公开工作被申请行政复议和提起行政诉讼情况"))
    assert heading_like(_line("五、存在的主要问题及整改措施"))


def test_heading_like_knows_every_format_and_no_sentence():
    assert heading_like(_line("三、行政机关收到和处理政府信息公开申请情况"))  # a 2019 wording, reads as a sentence too
    assert heading_like(_line("六、其他需要报告的事项"))
    assert not heading_like(_line("2024年，共收到政府信息公开申请3条。"))
    assert not heading_like(_line("平潭综合实验区财政金融局"))


def test_coverage_is_the_share_of_the_labels_characters_in_order():
    assert coverage("", "abc") == 0.0
    assert coverage("规章", "规章") == 1.0
    assert coverage("规章", "本年规章数") == 1.0
    assert coverage("规范性文件", "规文件") == pytest.approx(0.6)
    assert coverage("abcd", "dcba") == pytest.approx(0.25)
