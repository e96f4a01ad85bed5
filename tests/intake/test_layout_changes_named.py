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


def test_columns_inserted_past_z_are_named_by_their_letters(base, tmp_path):
    path = _edited(base, tmp_path, lambda book: book[T2].insert_cols(1, 26))
    assert _moved(path) == (T2, "A3", "第 A 列插入了内容，“第二十条第（一）项”现在位于 AA 列")


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
