"""A table whose rows or columns a clerk inserted or deleted is named in the clerk's words: which row or
column changed and where the label now is (the column by its letters, AA and beyond), for columns deleted
as well as inserted, and a label typed over is quoted whole up to thirty characters."""

from __future__ import annotations

import hostile
import openpyxl
import pytest
from lo_uno import edit_rows, require_uno

from nianbao.check.run import check_file
from nianbao.format.identity import DEFAULT_PASSWORD

T2 = hostile.T2
T3 = "表三 依申请公开"
T4 = "表四 复议诉讼"
TAIL = "。请使用原模板重新填写，或撤销插入/删除的行列。为避免读错，本文件的数字均未被读取。"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return hostile.filled_2021(tmp_path_factory.mktemp("base"))


def _moved(path) -> tuple[str, str, str]:
    result = check_file(path)
    (moved,) = [f for f in result.findings if f.rule == "LAYOUT_MOVED"]
    assert result.document is None
    assert moved.message.endswith(TAIL)
    return moved.sheet, moved.cell, moved.message.removeprefix(f"「{moved.sheet}」的版式被改动：").removesuffix(TAIL)


def _edited(base, tmp_path, edit):
    book = openpyxl.load_workbook(base)
    edit(book)
    path = tmp_path / "edited.xlsx"
    book.save(path)
    return path


def test_a_deleted_row_of_repeated_labels_is_named_by_the_label_that_moved_up(base, tmp_path):
    """Row 11 of 表二 holds only labels every block repeats (信息内容, 本年处理决定数量): the first label of its
    own that moved, 行政处罚, tells where rows were deleted and where it is now."""
    path = _edited(base, tmp_path, lambda book: book[T2].delete_rows(11))
    assert _moved(path) == (T2, "A12", "第 11 行起有行被删除，“行政处罚”现在位于第 11 行")


def test_rows_inserted_above_repeated_labels_are_placed_below_the_last_label_in_place(base, tmp_path):
    """A row inserted at row 8 of 表二 pushes down 信息内容 and 本年处理决定数量 (labels of every block) and then
    行政许可: the rows were inserted at 8, right below the last label still in place, not at 行政许可's row."""
    path = _edited(base, tmp_path, lambda book: book[T2].insert_rows(8))
    assert _moved(path) == (T2, "A9", "第 8 行插入了内容，“行政许可”现在位于第 10 行")


def test_rows_inserted_above_the_table_are_placed_at_its_first_label(base, tmp_path):
    path = _edited(base, tmp_path, lambda book: book[T2].insert_rows(1))
    assert _moved(path) == (T2, "A3", "第 3 行插入了内容，“第二十条第（一）项”现在位于第 4 行")


def test_a_moved_label_is_looked_for_nearest_its_place(base, tmp_path):
    """行政处罚 moved up a row; the same words typed as a note at the top of the column are not where it went."""
    def edit(book):
        book[T2].delete_rows(11)
        book[T2]["A1"] = "行政处罚"

    assert _moved(_edited(base, tmp_path, edit)) == (T2, "A12", "第 11 行起有行被删除，“行政处罚”现在位于第 11 行")


@pytest.mark.parametrize(("sheet", "cells", "shift", "cell", "said"), [
    # Delete cells, shift left, in one row: the labels of the rows below stayed where they were.
    (T4, "C4:O4", -1, "F4", "第 B 列起有列被删除，“未经复议直接起诉”现在位于 E 列"),
    # Insert cells, shift right, in one row.
    (T3, "E5:I5", 1, "E5", "第 E 列插入了内容，“商业企业”现在位于 F 列"),
])
def test_cells_shifted_in_one_row_are_placed_at_their_column(base, tmp_path, sheet, cells, shift, cell, said):
    path = _edited(base, tmp_path, lambda book: book[sheet].move_range(cells, cols=shift))
    assert _moved(path) == (sheet, cell, said)


def test_cells_inserted_in_one_column_are_placed_at_their_row(base, tmp_path):
    """Insert cells, shift down, in column B alone: 本年制发件数 moved down while 信息内容 beside it stayed."""
    path = _edited(base, tmp_path, lambda book: book[T2].move_range("B4:B30", rows=1))
    assert _moved(path) == (T2, "B4", "第 4 行插入了内容，“本年制发件数”现在位于第 5 行")


def test_a_repeated_label_typed_over_is_not_taken_for_its_twin_further_down(base, tmp_path):
    """信息内容 heads every block of 表二: typed over in A4, the one in A8 is not A4's moved there."""
    path = _edited(base, tmp_path, lambda book: book[T2].__setitem__("A4", "内容"))
    assert _moved(path) == (T2, "A4", "A4 应为“信息内容”，现为“内容”")


@pytest.mark.parametrize("cleared", [None, ""])
def test_a_label_cleared_is_named_as_blank(base, tmp_path, cleared):
    path = _edited(base, tmp_path, lambda book: book[T2].__setitem__("A5", cleared))
    assert _moved(path) == (T2, "A5", "A5 应为“规章”，现为“空白”")


@pytest.mark.parametrize(("count", "letters"), [(23, "X"), (26, "AA")])
def test_columns_inserted_far_right_are_named_by_their_letters(base, tmp_path, count, letters):
    path = _edited(base, tmp_path, lambda book: book[T2].insert_cols(1, count))
    assert _moved(path) == (T2, "A3", f"第 A 列插入了内容，“第二十条第（一）项”现在位于 {letters} 列")


@pytest.mark.parametrize(("length", "quoted"), [(30, "一" * 30), (31, "一" * 30 + "…")])
def test_a_label_typed_over_is_quoted_whole_up_to_thirty_characters(base, tmp_path, length, quoted):
    path = _edited(base, tmp_path, lambda book: book[T2].__setitem__("A5", "一" * length))
    assert _moved(path) == (T2, "A5", f"A5 应为“规章”，现为“{quoted}”")


@pytest.mark.libreoffice
@pytest.mark.parametrize(("sheet", "ops", "cell", "said"), [
    (T4, [("delete_cols", 1, 1)], "F3", "第 B 列起有列被删除，“行政诉讼”现在位于 E 列"),
    (T4, [("delete_cols", 6, 1)], "K4", "第 G 列起有列被删除，“复议后起诉”现在位于 J 列"),
    (T4, [("insert_cols", 6, 2)], "K4", "第 G 列插入了内容，“复议后起诉”现在位于 M 列"),
    (T3, [("delete_cols", 5, 1)], "J4", "第 F 列起有列被删除，“总计”现在位于 I 列"),
])
def test_libreoffice_columns_deleted_or_inserted_are_named(base, tmp_path, sheet, ops, cell, said):
    require_uno()
    out = edit_rows(base, tmp_path / "edited.xlsx", sheet, ops, DEFAULT_PASSWORD)
    assert _moved(out) == (sheet, cell, said)


# ---------------------------------------------------------------- a figure the clerk could not see is quoted


def test_a_figure_under_a_merged_range_is_quoted(tmp_path):
    """The file keeps D6's figure under C6:D6 (Excel shows C6 across both): the clerk is told which figure."""
    result = check_file(hostile.merged_over_input(tmp_path))
    (d6,) = [f for f in result.findings if f.rule == "CELL_MERGED" and f.cell == "D6"]
    assert f"其中的值（{hostile.T2_D6}）在表中看不到" in d6.message


def test_a_figure_in_a_hidden_row_is_quoted_and_kept_as_the_actual_value(base, tmp_path):
    def hide(book):
        book[T2].row_dimensions[6].hidden = True

    result = check_file(_edited(base, tmp_path, hide))
    (d6,) = [f for f in result.findings if f.rule == "CELL_HIDDEN" and f.cell == "D6"]
    assert f"现为 {hostile.T2_D6}" in d6.message
    assert d6.actual == str(hostile.T2_D6)
