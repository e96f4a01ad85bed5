"""nianbao/inert.py: text written by xlsxwriter, openpyxl and the CSV writer is text when opened."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from excel_cells import cells, links
from hostile import LIVE_TEXT
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.inert import csv_field, csv_text, is_number, set_cell, stored_text, write_cell, write_row, xlsx_workbook

# Text a cell can hold (XML 1.0 characters; a lone surrogate is no character at all).
CELL_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff"), max_size=60)


def _xlsxwriter_book(path, values: list) -> None:
    book = xlsx_workbook(str(path), {"strings_to_formulas": True, "strings_to_urls": True})  # the inert ones win
    ws = book.add_worksheet("数据")
    for row, value in enumerate(values):
        ws.write(row, 0, value)  # write(): what a careless caller would use
        write_cell(ws, row, 1, value)
    write_row(ws, len(values), 0, ["=1+1", 3, None, Decimal("1.25")])
    book.close()


def _assert_plain(path) -> None:
    """No formula and no hyperlink anywhere in the workbook's sheets."""
    assert [ref for ref, cell in cells(path).items() if cell.kind == "formula"] == []
    assert links(path) == []


def test_xlsxwriter_writes_every_hostile_text_as_text(tmp_path):
    path = tmp_path / "book.xlsx"
    values = list(LIVE_TEXT.values())
    _xlsxwriter_book(path, values)
    _assert_plain(path)
    got = cells(path)
    for row, value in enumerate(values, 1):
        for col in "AB":
            assert got["数据", f"{col}{row}"] == ("text", value), value
    last = len(values) + 1
    assert [got.get(("数据", f"{c}{last}")) for c in "ABCD"] == [("text", "=1+1"), ("number", "3"), None,
                                                                 ("number", "1.25")]


@settings(max_examples=60, deadline=None)
@given(st.lists(CELL_TEXT, min_size=1, max_size=5))
def test_any_text_reads_back_as_written(tmp_path_factory, texts):
    path = tmp_path_factory.mktemp("p") / "p.xlsx"
    _xlsxwriter_book(path, texts)
    got = cells(path)
    for row, text in enumerate(texts, 1):
        assert got.get(("数据", f"B{row}"), ("text", "")) == ("text", text)


def test_numbers_stay_numbers():
    assert all(is_number(v) for v in (0, -5, 3.5, Decimal("1.25"), 2**60))
    assert not any(is_number(v) for v in (True, float("nan"), float("inf"), 10**400, "3", None))


def test_openpyxl_cells_hold_text_as_text(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "数据"
    values = list(LIVE_TEXT.values()) + [7, 2.5, None]
    for row, value in enumerate(values, 1):
        set_cell(ws.cell(row, 1), value)
    path = tmp_path / "o.xlsx"
    book.save(path)
    _assert_plain(path)
    got = cells(path)
    for row, value in enumerate(values, 1):
        if isinstance(value, str):
            assert got["数据", f"A{row}"] == ("text", value), value
        elif value is not None:
            assert got["数据", f"A{row}"] == ("number", str(value))


@settings(max_examples=60, deadline=None)
@given(CELL_TEXT.filter(bool))
def test_openpyxl_any_text_reads_back_as_written(tmp_path_factory, text):
    book = openpyxl.Workbook()
    set_cell(book.active["A1"], text)
    path = tmp_path_factory.mktemp("o") / "o.xlsx"
    book.save(path)
    assert cells(path)[book.active.title, "A1"] == ("text", text)


def test_stored_text_is_what_excel_decodes_back():
    assert stored_text("_x0041_") == "_x005F_x0041_"  # Excel would show "A" for a bare _x0041_
    assert stored_text("a\x07\x1bb") == "a_x0007__x001B_b"  # XML cannot hold them; Excel decodes these
    assert stored_text("tab\tand\nline") == "tab\tand\nline"
    assert len(stored_text("长" * 40000)) == 32767


@pytest.mark.parametrize(("value", "field"), [
    ('=HYPERLINK("http://evil.example/x","点我")', '\'=HYPERLINK("http://evil.example/x","点我")'),
    ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(1)", "'@SUM(1)"), ("\t=1+1", "'\t=1+1"), ("\r=1+1", "'\r=1+1"),
    (" =1+1", "' =1+1"), ("\u3000=1+1", "'\u3000=1+1"),
    ("-5", "-5"), ("+3.5", "+3.5"), ("230421", "230421"), ("1e5", "1e5"), (-5, "-5"), (2.5, "2.5"), (None, ""),
    ("萝北县教育局", "萝北县教育局"), ("https://nb.example.cn/d/abc", "https://nb.example.cn/d/abc"),
    ("'already", "'already"),
])
def test_csv_fields(value, field):
    assert csv_field(value) == field


def test_csv_text_reads_back_and_opens_as_excel_expects():
    text = csv_text([["code", "name"], ["A1", "=1+1"], ["A2", 'say "hi", then\nnew line']])
    assert text.startswith("\ufeff")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert rows == [["code", "name"], ["A1", "'=1+1"], ["A2", 'say "hi", then\nnew line']]
