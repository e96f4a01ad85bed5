"""A sheet whose tab reads like a statutory sheet's is named, and the clerk is told exactly how its name
differs (a trailing space, a full-width space, an invisible character, a look-alike character, only a
missing space), and whether the real sheet is hidden behind it. The workbook is the filled template with
a copy of 表三 added under the look-alike name."""

from __future__ import annotations

import hostile
import pytest

from nianbao.check.run import check_file

T3 = hostile.T3


def _lookalike_message(how: str, hidden: str = "") -> str:
    return (f"看起来同名（{how}）{hidden}。汇总只读取「{T3}」，不读取这张表中的数字。"
            f"请删除多余的工作表，在「{T3}」中填写。")


@pytest.mark.parametrize(("name", "how"), [
    (T3 + " ", "名称末尾有空格"),
    (T3.replace(" ", "\u3000"), "名称中有全角空格"),
    (T3.replace(" ", " \u200b"), "名称中有不可见的字符或不同的空格"),
    (T3.replace(" ", "\u00a0"), "名称中有不可见的字符或不同的空格"),
    (T3 + "\x7f", "名称中有不可见的字符或不同的空格"),  # a control character XML lets through
    (T3.replace("三", "\u3194"), "名称用了外形相同的其他字符（全角/兼容字符）"),
    (T3.replace(" ", ""), "名称只有大小写或空格不同"),
    (T3.replace(" ", "  "), "名称只有大小写或空格不同"),  # two plain spaces where the real name has one
])
def test_a_look_alike_sheet_name_is_explained(tmp_path, name, how):
    path = hostile._lookalike(tmp_path, "lookalike.xlsx", name, "visible")
    (f,) = check_file(path).findings
    assert (f.rule, f.sheet, f.severity) == ("SHEET_LOOKALIKE", name, "error")
    assert f.message == f"工作表「{name}」与法定表格「{T3}」" + _lookalike_message(how)


@pytest.mark.parametrize(("state", "said"), [("hidden", "隐藏"), ("veryHidden", "深度隐藏")])
def test_a_look_alike_in_front_of_the_hidden_real_sheet_says_so(tmp_path, state, said):
    name = T3 + " "
    path = hostile._lookalike(tmp_path, "lookalike-hidden.xlsx", name, state)
    hidden, lookalike = check_file(path).findings
    assert (hidden.rule, hidden.sheet) == ("SHEET_HIDDEN", T3)
    assert lookalike.message == f"工作表「{name}」与法定表格「{T3}」" + _lookalike_message(
        "名称末尾有空格", f"，而真正的「{T3}」被{said}")


@pytest.mark.parametrize(("state", "how"), [
    ("hidden", "隐藏"),
    ("veryHidden", "深度隐藏（veryHidden，在 Excel 的“取消隐藏”中也看不到）"),  # the clerk is told where it is not
])
def test_a_hidden_statutory_sheet_says_how_it_is_hidden(tmp_path, state, how):
    path = hostile._with_parts(tmp_path, "hidden.xlsx", workbook_edit=lambda x: x.replace(
        f'<sheet name="{T3}" ', f'<sheet name="{T3}" state="{state}" ', 1))
    (f,) = check_file(path).findings
    assert (f.rule, f.sheet, f.severity) == ("SHEET_HIDDEN", T3, "error")
    assert f.message.startswith(f"工作表「{T3}」被{how}，填表人和审核人看不到其中的内容"), f.message


def test_a_look_alike_after_another_extra_sheet_is_still_named(tmp_path):
    """A sheet of the clerk's own (说明) between the statutory sheets and the look-alike copy of 表三."""
    import re
    import zipfile

    src = hostile.filled_2021(tmp_path, ".base.xlsx")
    with zipfile.ZipFile(src) as z:
        copy = re.sub(r'(<c r="D6"[^>]*>)<v>[^<]*</v>', r"\g<1><v>9</v>", z.read(hostile.T3_PART).decode(), count=1)
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
    sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    name = T3 + " "
    path = hostile._with_parts(
        tmp_path, "notes-then-lookalike.xlsx",
        add={"xl/worksheets/sheet77.xml": copy, "xl/worksheets/sheet78.xml": copy},
        workbook_edit=lambda x: x.replace("</sheets>", '<sheet name="说明" sheetId="78" r:id="rIdNb8"/>'
                                          f'<sheet name="{name}" sheetId="77" r:id="rIdNb7"/></sheets>', 1),
        workbook_rels=f'<Relationship Id="rIdNb7" Type="{kind}" Target="worksheets/sheet77.xml"/>'
                      f'<Relationship Id="rIdNb8" Type="{kind}" Target="worksheets/sheet78.xml"/>',
        content_types=f'<Override PartName="/xl/worksheets/sheet77.xml" ContentType="{sheet}"/>'
                      f'<Override PartName="/xl/worksheets/sheet78.xml" ContentType="{sheet}"/>')
    assert sorted((f.rule, f.sheet) for f in check_file(path).findings) == [
        ("SHEET_EXTRA", "说明"), ("SHEET_LOOKALIKE", name)]
