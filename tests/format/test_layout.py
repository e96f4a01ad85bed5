"""Defined names: what Excel's Name Box shows for a cell is Chinese, valid and unique, and
templates issued with the earlier nb.<key> names still read the same."""

from __future__ import annotations

import re

import openpyxl
import pytest
from factory import valid_document
from openpyxl.workbook.defined_name import DefinedName

from nianbao.format.layout import NAME_PREFIX, defined_name, layout
from nianbao.format.spec import all_formats
from nianbao.intake.read import read_workbook
from nianbao.template.write import write_template

FORMATS = sorted(all_formats())
# Excel: a letter or "_" first, then letters, digits, "." and "_"; nothing that reads as a cell (A1, R1C1).
VALID = re.compile(r"[\u4e00-\u9fff_][\u4e00-\u9fffA-Za-z0-9._]{0,254}")


@pytest.mark.parametrize("format_id", FORMATS)
def test_every_cell_and_field_has_a_chinese_unique_valid_name(format_id):
    lay = layout(all_formats()[format_id])
    keys = list(lay.cells) + list(lay.fields)
    names = [lay.name(k) for k in keys]
    assert len({n.lower() for n in names}) == len(names)
    assert all(VALID.fullmatch(n) for n in names), [n for n in names if not VALID.fullmatch(n)]
    assert not any(n.startswith(NAME_PREFIX) for n in names)
    assert lay.name("contact.person") == "封面.填报人"
    assert lay.name("sections.overview") == "正文.一总体情况"
    assert lay.name("requests.received.natural").startswith("表三.一本年新收政府信息公开申请数量.")


def test_defined_name_keeps_words_and_drops_punctuation():
    assert defined_name("表二·第二十条第（一）项·规章·本年制发件数") == "表二.第二十条第一项.规章.本年制发件数"
    assert defined_name("表三·三、本年度办理结果·（三）不予公开·1.属于国家秘密·自然人") == \
        "表三.三本年度办理结果.三不予公开.1.属于国家秘密.自然人"
    assert defined_name("1、“三安全一稳定”") == "_1三安全一稳定"


@pytest.mark.parametrize("format_id", FORMATS)
def test_a_template_issued_with_the_earlier_names_reads_the_same(format_id, tmp_path):
    fmt = all_formats()[format_id]
    lay = layout(fmt)
    agency = {"name": "测试局", "code": "T1", "level": "county"}
    doc = valid_document(fmt, fmt.year_from, agency=agency)
    new = write_template(fmt, fmt.year_from, agency, tmp_path / "new.xlsx", document=doc)
    book = openpyxl.load_workbook(new)
    for key in list(lay.cells) + list(lay.fields):  # as templates before 2026.2 named them
        old = book.defined_names.pop(lay.name(key))
        book.defined_names[NAME_PREFIX + key] = DefinedName(NAME_PREFIX + key, attr_text=old.attr_text)
    book.save(tmp_path / "old.xlsx")
    before, after = read_workbook(new), read_workbook(tmp_path / "old.xlsx")
    assert after.document["tables"] == before.document["tables"]
    assert after.document["sections"] == before.document["sections"]
    assert [f.rule for f in after.findings] == [f.rule for f in before.findings]
