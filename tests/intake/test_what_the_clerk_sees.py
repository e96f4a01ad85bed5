"""Layout and visibility of a filled workbook, edited the way a clerk's spreadsheet program does it: a
moved table is named in the clerk's words, a figure the clerk could not see is named, a 校验 formula typed
over is named; a label only re-spaced, a visible figure, an empty hidden cell are not.

(A figure a number format hides is CELL_HIDDEN here; the appearance work names what a cell shows instead
of its value CELL_SHOWN_DIFFERENT — either tells the clerk, and these tests take either.)"""

from __future__ import annotations

import hostile
import openpyxl
import pytest

from nianbao.check.run import check_file
from nianbao.format.layout import CHECK_SHEET, NOT_APPLICABLE, layout
from nianbao.format.spec import all_formats

FMT = all_formats()["gov-info-disclosure-2021"]
T2 = hostile.T2
T3 = "表三 依申请公开"
HIDDEN = {"CELL_HIDDEN", "CELL_SHOWN_DIFFERENT"}
TAIL = "。请使用原模板重新填写，或撤销插入/删除的行列。为避免读错，本文件的数字均未被读取。"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return hostile.filled_2021(tmp_path_factory.mktemp("base"))


def _edited(base, tmp_path, edit):
    book = openpyxl.load_workbook(base)
    edit(book)
    path = tmp_path / "edited.xlsx"
    book.save(path)
    return check_file(path)


def _hidden(result, sheet=T2) -> dict[str, str]:
    """cell → message of every finding that tells the clerk a figure there is not seen."""
    return {f.cell: f.message for f in result.findings if f.rule in HIDDEN and f.sheet == sheet}


# ---------------------------------------------------------------- number formats


def _format(ref, code, value=...):
    def edit(book):
        if value is not ...:
            book[T2][ref] = value
        book[T2][ref].number_format = code
    return edit


@pytest.mark.parametrize(("code", "value", "hidden"), [
    (";;;", 41, True),
    ("0;-0;;@", 0, True),  # three sections: the zero section is empty, a 0 shows as nothing
    ("0;-0;;@", 41, False),
    ("0;-0;", 0, True),
    ("0;-0;0", 0, False),
    ("0;-0", 0, False),  # two sections: a zero is shown by the first
    ("0;;0", 3, False),
    ("[Red]0;[Blue];0", 7, False),
    ("[Red];0", 7, True),  # a colour alone shows nothing
    ('"件数;"0', 41, False),  # a quoted semicolon does not start a section
    ('0;0;0;""', 41, False),
    ("0", 41, False),
    ("General", 41, False),
    ("0;0;0;", "41", True),  # a text nianbao counts as 41 goes to the fourth section, here empty
    ("0;0;0", "41", False),  # no fourth section: text is shown as typed
    # (text that is no number, “四十一”, is not counted: CELL_TEXT names it, whatever its format shows)
])
def test_a_number_format_that_shows_nothing_is_named(base, tmp_path, code, value, hidden):
    result = _edited(base, tmp_path, _format("D6", code, value))
    named = _hidden(result)
    assert ("D6" in named) is hidden, named
    assert set(named) <= {"D6"}


def test_a_negative_figure_under_an_empty_negative_section_is_named(base, tmp_path):
    """A count cannot be negative: that error names the cell and the figure the clerk cannot see (-3), and the
    figure is not counted (the appearance check judges only counted figures), so nothing unseen is summed."""
    result = _edited(base, tmp_path, _format("D6", "0;;0", -3))
    named = {f.cell: f for f in result.findings if f.sheet == T2 and f.severity == "error"}
    assert "D6" in named, result.findings
    assert "-3" in named["D6"].message
    assert "D6" not in _hidden(_edited(base, tmp_path, _format("D6", "0;-0;", -3)))


def test_the_hidden_figure_is_quoted_to_the_clerk(base, tmp_path):
    (f,) = [f for f in _edited(base, tmp_path, _format("D6", ";;;")).findings if f.rule in HIDDEN]
    assert (f.sheet, f.cell, f.key) == (T2, "D6", "proactive.normative_docs.in_force")
    assert (f.row_label, f.column_label) == ("行政规范性文件", "现行有效件数")
    assert str(hostile.T2_D6) in f.message


# ---------------------------------------------------------------- hidden rows and columns


def test_a_hidden_row_names_each_figure_in_it(base, tmp_path):
    def hide(book):
        book[T2].row_dimensions[6].hidden = True
        book[T2]["C6"] = None  # an empty cell in a hidden row hides nothing

    named = _hidden(_edited(base, tmp_path, hide))
    assert set(named) == {"B6", "D6"}
    assert all("所在的第 6 行被隐藏" in m for m in named.values())


@pytest.mark.parametrize(("hide", "named"), [("D", {"D5", "D6"}), ("C:D", {"C5", "C6", "D5", "D6"}),
                                             ("D:E", {"D5", "D6"}), ("E:F", set()), ("A:A", set())])
def test_hidden_columns_name_the_figures_in_them(base, tmp_path, hide, named):
    low, _, high = hide.partition(":")

    def edit(book):
        book[T2].column_dimensions.group(low, high or low, hidden=True)

    found = _hidden(_edited(base, tmp_path, edit))
    assert set(found) == named
    for ref, message in found.items():
        assert f"所在的 {ref[0]} 列被隐藏" in message


def test_figures_under_a_merged_range_are_named_and_not_read(base, tmp_path):
    result = _edited(base, tmp_path, lambda book: book[T2].merge_cells("B5:D6"))
    merged = {f.cell: f for f in result.findings if f.rule == "CELL_MERGED"}
    assert set(merged) == {"C5", "D5", "B6", "C6", "D6"}  # every covered input; B5 is the one shown
    assert all("B5:D6" in f.message for f in merged.values())
    tables = result.document["tables"]
    assert [tables[k] for k in ("proactive.rules.repealed", "proactive.normative_docs.in_force")] == [None, None]
    assert tables["proactive.rules.issued"] == 0  # B5, what the merged range shows, is read


# ---------------------------------------------------------------- tables moved


@pytest.mark.parametrize(("edit", "cell", "said"), [
    (lambda ws: ws.insert_rows(5), "A5", "第 5 行插入了内容，“规章”现在位于第 6 行"),
    (lambda ws: ws.insert_rows(5, 2), "A5", "第 5 行插入了内容，“规章”现在位于第 7 行"),
    (lambda ws: ws.insert_rows(6), "A6", "第 6 行插入了内容，“行政规范性文件”现在位于第 7 行"),
    (lambda ws: ws.delete_rows(5), "A5", "第 5 行起有行被删除，“规章”已不在表中"),
    (lambda ws: ws.delete_rows(6), "A6", "第 6 行起有行被删除，“行政规范性文件”已不在表中"),
    (lambda ws: ws.__setitem__("A5", "规章制度"), "A5", "A5 应为“规章”，现为“规章制度”"),
    (lambda ws: ws.__setitem__("A5", "三十个字以上的一段说明文字，" * 3), "A5",
     "A5 应为“规章”，现为“三十个字以上的一段说明文字，三十个字以上的一段说明文字，三十…”"),
])
def test_a_moved_table_is_named_in_the_clerks_words(base, tmp_path, edit, cell, said):
    result = _edited(base, tmp_path, lambda book: edit(book[T2]))
    (moved,) = [f for f in result.findings if f.rule == "LAYOUT_MOVED"]
    assert (moved.sheet, moved.cell) == (T2, cell)
    assert moved.message == f"「{T2}」的版式被改动：{said}{TAIL}"
    assert result.document is None  # nothing is read from a moved table


def test_a_deleted_header_row_is_not_called_an_insertion(base, tmp_path):
    """信息内容 heads every block of 表二: found again further down, it must not read as rows inserted."""
    result = _edited(base, tmp_path, lambda book: book[T2].delete_rows(4))
    (moved,) = [f for f in result.findings if f.rule == "LAYOUT_MOVED"]
    assert "插入" not in moved.message.removesuffix(TAIL)


def test_a_label_only_re_spaced_or_wrapped_has_not_moved(base, tmp_path):
    def edit(book):
        book[T2]["A5"] = " 规 章\n"
        book[T2]["A6"] = "行政规范性\u3000文件"

    result = _edited(base, tmp_path, edit)
    assert not [f for f in result.findings if f.rule == "LAYOUT_MOVED"]
    assert result.document["tables"]["proactive.normative_docs.in_force"] == hostile.T2_D6


def test_each_moved_sheet_is_named_once(base, tmp_path):
    def edit(book):
        book[T2].insert_rows(5)
        book[T2].insert_rows(9)
        book[T3]["A6"] = "新收申请"

    result = _edited(base, tmp_path, edit)
    assert sorted(f.sheet for f in result.findings if f.rule == "LAYOUT_MOVED") == sorted([T2, T3])


# ---------------------------------------------------------------- the 校验 sheet


def _check_refs():
    check = layout(FMT).checks[0]
    return [f"{c}{check.row + 1}" for c in "EFGH"]


def test_a_check_formula_typed_over_is_named_and_a_clean_sheet_is_not(base, tmp_path):
    assert not [f for f in check_file(base).findings if f.rule == "CHECK_FORMULA_REPLACED"]
    e, f_, g, h = _check_refs()

    def edit(book):
        ws = book[CHECK_SHEET]
        ws[e] = 12
        ws[g] = None
        ws[h] = NOT_APPLICABLE  # the result column may say 不适用 (the agency's level)
        ws["E5"] = NOT_APPLICABLE  # a formula column may not

    found = {f.cell: f for f in _edited(base, tmp_path, edit).findings if f.rule == "CHECK_FORMULA_REPLACED"}
    assert set(found) == {e, g, "E5"}
    assert "12" in found[e].message
    assert "空白" in found[g].message
    assert all(x.sheet == CHECK_SHEET for x in found.values())


def test_a_check_result_typed_over_with_a_tick_is_named(base, tmp_path):
    h = _check_refs()[3]
    found = [f for f in _edited(base, tmp_path, lambda book: book[CHECK_SHEET].__setitem__(h, "✓")).findings
             if f.rule == "CHECK_FORMULA_REPLACED"]
    assert [(f.cell, "✓" in f.message) for f in found] == [(h, True)]
