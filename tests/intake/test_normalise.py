"""Input normalisation: what people type is accepted with a note, or rejected with a reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from nianbao.findings import Code
from nianbao.intake.normalise import normalise


@pytest.mark.parametrize(
    ("raw", "kind", "value", "note_has"),
    [
        (12, "count", 12, None),
        (" 12 ", "count", 12, "去除空格"),
        ("\u00a012\u00a0", "count", 12, "去除空格"),
        ("１２", "count", 12, "全角"),
        ("1,234", "count", 1234, "千位分隔符"),
        ("1，234", "count", 1234, "千位分隔符"),
        ("12件", "count", 12, "件"),
        (12.0, "count", 12, "小数形式的整数"),
        ("12.0", "count", 12, "小数形式的整数"),
        ("12", "count", 12, "文本格式的数字"),
        (-3, "signed", -3, None),
        ("－3", "signed", -3, "全角"),
        ("96171.6万元", "money", Decimal("96171.60"), "万元"),
        (274.65999999999997, "money", Decimal("274.66"), None),
        (0, "money", Decimal("0.00"), None),
    ],
)
def test_accepted_with_note(raw, kind, value, note_has):
    out = normalise(raw, kind)
    assert out.problem is None
    assert out.value == value
    if note_has:
        assert note_has in out.note
    else:
        assert out.note is None


@pytest.mark.parametrize(
    ("raw", "kind", "code"),
    [
        (None, "count", Code.CELL_BLANK),
        ("", "count", Code.CELL_BLANK),
        ("   ", "count", Code.CELL_BLANK),
        ("十二", "count", Code.CELL_TEXT),
        ("无", "count", Code.CELL_TEXT),
        ("/", "count", Code.CELL_TEXT),
        ("-", "count", Code.CELL_TEXT),
        ("12元", "money", Code.CELL_TEXT),
        (1.5, "count", Code.CELL_DECIMAL),
        ("1.5", "signed", Code.CELL_DECIMAL),
        (-1, "count", Code.CELL_NEGATIVE),
        (-0.5, "money", Code.CELL_NEGATIVE),
        ("#REF!", "count", Code.CELL_ERROR_VALUE),
        ("#VALUE!", "money", Code.CELL_ERROR_VALUE),
        (dt.datetime(2021, 3, 1), "count", Code.CELL_DATE),
        (True, "count", Code.CELL_TEXT),
        ("12.345", "money", Code.CELL_PRECISION),
    ],
)
def test_rejected(raw, kind, code):
    out = normalise(raw, kind)
    assert out.problem is code
    assert out.value is None
