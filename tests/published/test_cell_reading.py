"""One printed cell as the importer reads it (published/cells.py), the way a reader of the report would.

What the user relies on: a number is the one number printed (full-width digits, thousands groups,
the cell's own unit); anything a reader could take for another number is unreadable with a reason
in Chinese naming what is printed; money printed in 元 where the format counts 万元 is converted
exactly; a sentence is never a label and no statutory label is ever a sentence; page numbers as
PDFs print them are recognised and nothing else is.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from nianbao.format.spec import all_formats
from nianbao.published.cells import (
    BLANK,
    NUMBER,
    UNREADABLE,
    blank_like,
    fold,
    label_key,
    money_value,
    number_like,
    page_number,
    read_cell,
    sentence_why,
    yuan_to_wan,
)


def _labels() -> set[str]:
    out: set[str] = set()

    def walk(nodes):
        for node in nodes:
            if node.label:
                out.add(node.label)
            walk(node.children)

    for fmt in all_formats().values():
        for table in fmt.tables:
            for block in table.blocks:
                out.update(x for x in (block.title, block.corner) if x)
                walk(block.columns)
                walk(block.rows)
    return out


# ------------------------------------------------------------------------------------------- fold, keys


def test_fold_turns_full_width_and_odd_spaces_into_ascii_keeping_every_position():
    text = "１２，３４５　规章\u00a0（一）\u2003ａ\u200b"
    folded = fold(text)
    assert folded == "12,345 规章 (一) a "
    assert len(folded) == len(text)
    assert fold("。") == "。"  # the Chinese full stop stays a full stop (sentence_why looks for it)


def test_label_key_ignores_spacing_quotes_width_and_the_numbering_mark():
    assert label_key(" 1、 属于 “国家秘密” ") == label_key("1.属于国家秘密")
    assert label_key("（一）予以公开") == "(一)予以公开"
    assert label_key("‘规章’") == label_key('"规章"') == "规章"
    assert label_key("2、其他") == "2.其他"
    assert label_key("二、主动") == "二、主动"


@pytest.mark.parametrize("text", ["12", "１２", "1,234", "-8", "+3", "3.5", "103.3879万元", "25元", "3件", "4个",
                                  "5项", "6次", " 7 "])
def test_number_like(text):
    assert number_like(text)


@pytest.mark.parametrize("text", ["", "/", "—", "件", "万元", "十二", "1 2x", "3条", "12a", "第3页"])
def test_not_number_like(text):
    assert not number_like(text)


@pytest.mark.parametrize("text", ["", " ", "/", "-", "—", "——", "－", "―", "–", "\\", "无", "空", "—/—", "／"])
def test_blank_like_placeholders(text):
    assert blank_like(text)


@pytest.mark.parametrize("text", ["0", "无无", "--8", "x"])
def test_not_blank_like(text):
    assert not blank_like(text)


# ------------------------------------------------------------------------------------------- read_cell


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("１２", "count", 12), ("1,234", "count", 1234), ("12,345,678", "count", 12345678), ("3件", "count", 3),
    ("3 个", "count", 3), ("0", "count", 0), ("-8", "signed", -8), ("+8", "signed", 8), ("  7\n", "count", 7),
    ("96171.6", "money", 96171.6), ("35.97万元", "money", 35.97), ("12", "money", 12), ("12.0", "money", 12.0),
    ("1,234.5", "money", 1234.5),
])
def test_a_number_is_the_one_number_printed(text, kind, value):
    read = read_cell(text, kind, "万元" if kind == "money" else "件")
    assert (read.state, read.value, type(read.value)) == (NUMBER, value, type(value))
    assert read.printed == " ".join(text.split())
    assert read.why is None
    assert not read.converted


def test_printed_text_is_kept_as_shown_with_its_spacing_normalised():
    assert read_cell(" 1,234\n", "count", "件").printed == "1,234"
    assert read_cell("无", "count", "件") == read_cell("无", "count", "件")
    blank = read_cell(" — ", "count", "件")
    assert (blank.state, blank.value, blank.printed) == (BLANK, None, "—")


@pytest.mark.parametrize(("text", "kind", "marks", "why"), [
    ("1 8", "count", (), "印有两组数字（“1 8”），不能确定是哪个数"),
    ("1. 5", "money", (), "印有两组数字（“1. 5”），不能确定是哪个数"),
    ("1,5", "count", (), "“1,5”中的逗号不是千位分隔，不能确定是哪个数"),
    ("12,34", "count", (), "“12,34”中的逗号不是千位分隔，不能确定是哪个数"),
    ("十二", "count", (), "“十二”不是数字"),
    ("3条", "count", (), "“3条”不是数字"),
    ("-8", "count", (), "“-8”为负数，本格不应为负"),
    ("-1.5", "money", (), "“-1.5”为负数，本格不应为负"),
    ("2.5", "count", (), "件数应为整数，印为“2.5”"),
    ("3.0", "count", (), "件数应为整数，印为“3.0”"),
    ("12", "count", ("删除线",), "单元格里有删除线的文字（印为“12”），印出的是哪个数不能确定"),
    ("12", "count", ("删除线", "上标"), "单元格里有删除线、上标的文字（印为“12”），印出的是哪个数不能确定"),
    ("/", "count", ("删除线",), "单元格里有删除线的文字（印为“/”），印出的是哪个数不能确定"),
])
def test_what_a_reader_cannot_take_for_one_number_is_unreadable_with_the_reason(text, kind, marks, why):
    read = read_cell(text, kind, "万元" if kind == "money" else "件", marks)
    assert (read.state, read.value, read.why) == (UNREADABLE, None, why)
    assert read.printed == text  # what is printed is kept (the state shows it to the user)


@pytest.mark.parametrize(("text", "marks", "why"), [
    ("一" * 40, (), "“{}”不是数字"),
    ("1" * 20 + " " + "2" * 20, (), "印有两组数字（“{}”），不能确定是哪个数"),
    ("1,2" * 20, (), "“{}”中的逗号不是千位分隔，不能确定是哪个数"),
    ("9" * 40, ("上标",), "单元格里有上标的文字（印为“{}”），印出的是哪个数不能确定"),
])
def test_a_long_printed_text_is_cut_to_thirty_characters_in_the_reason(text, marks, why):
    read = read_cell(text, "count", "件", marks)
    assert read.why == why.format(text[:30])
    assert read.printed == text


def test_money_printed_in_yuan_is_converted_to_wan_exactly():
    read = read_cell("251000元", "money", "万元")
    assert (read.state, read.value, read.unit, read.converted) == (NUMBER, 25.1, "元", True)
    assert read.printed == "251000元"  # the state keeps what is printed beside the 万元 figure
    assert read_cell("75394432.52元", "money", "万元").value == 7539.443252
    assert read_cell("1元", "money", "万元").value == 0.0001


def test_money_printed_in_another_unit_is_read_as_printed_and_says_the_unit():
    wan_in_yuan = read_cell("25万元", "money", "元")
    assert (wan_in_yuan.value, wan_in_yuan.unit, wan_in_yuan.converted) == (25, "万元", False)
    same = read_cell("25万元", "money", "万元")
    assert (same.value, same.unit) == (25, None)
    count_unit = read_cell("25件", "money", "万元")  # a count's unit in a money cell: no money unit to report
    assert (count_unit.value, count_unit.unit) == (25, None)


def test_a_unit_alone_is_not_a_number():
    assert read_cell("万元", "money", "万元").state == UNREADABLE
    assert read_cell("件", "count", "件").state == UNREADABLE


def test_money_value_keeps_a_printed_decimal_point():
    assert money_value(Decimal("12")) == 12
    assert isinstance(money_value(Decimal("12"), False), int)
    assert isinstance(money_value(Decimal("12")), float)  # printed with a point by default
    assert money_value(Decimal("12.5"), False) == 12.5


def test_yuan_to_wan_is_exact_for_ints_and_floats():
    assert yuan_to_wan(251000) == 25.1
    assert yuan_to_wan(10000) == 1.0
    assert isinstance(yuan_to_wan(10000), float)
    assert yuan_to_wan(75394432.52) == 7539.443252
    assert yuan_to_wan(0.3) == 0.00003


# ------------------------------------------------------------------------------------------- sentences


@pytest.mark.parametrize(("text", "why"), [
    ("共收到申请3条。", "有句末标点"), ("办结；", "有句末标点"), ("是否公开？", "有句末标点"), ("等等…", "有句末标点"),
    ("是否公开?", "有句末标点"), ("好!", "有句末标点"), ("a;b", "有句末标点"), ("好！", "有句末标点"),
    ("2024年工作", "含年份"), ("1999 年", "含年份"), ("本年制发规范性文件类11条", "含数字和量词"),
    ("行政许可 12 件", "含数字和量词"), ("增长 5%", "含数字和量词"), ("增长5％", "含数字和量词"),
    ("采购 3.5 万元", "含数字和量词"), ("其中行政许可", "含“其中”"), ("我局公开", "含“我局”"),
    ("收到申请", "含“收到”"), ("进一步做好", "含“进一步”"), ("规" * 65, "太长"),
])
def test_a_sentence_says_why(text, why):
    assert sentence_why(text) == why


def test_sixty_four_characters_without_sentence_marks_may_still_be_a_label():
    assert sentence_why("规" * 64) is None
    assert sentence_why("规 " * 64) is None  # spaces are not counted (128 characters printed)


def test_no_statutory_label_of_any_format_is_a_sentence():
    labels = _labels()
    assert len(labels) > 40
    assert {label: sentence_why(label) for label in labels if sentence_why(label)} == {}


# ------------------------------------------------------------------------------------------- page numbers


@pytest.mark.parametrize("text", ["3", "- 3 -", "— 12 —", "－3－", "第 3 页", "第3页共6页", "第 3 页 共 6 页", "3/6",
                                  "３", "1234"])
def test_page_numbers_as_printed(text):
    assert page_number(text)


@pytest.mark.parametrize("text", ["", "12345", "第3页第4页", "3/", "规章", "第页", "3 件", "3.5"])
def test_not_page_numbers(text):
    assert not page_number(text)
