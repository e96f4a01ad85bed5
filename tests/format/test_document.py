"""Report documents: screened like workbooks when read (size, nesting, numbers), summed exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nianbao.format.document import DocumentError, compute_derived, load_document, parse_document, to_json_number
from nianbao.format.spec import get_format

FMT = get_format("gov-info-disclosure-2021")


@pytest.mark.parametrize(("data", "words"), [
    (b'{"a": 1e999}', "超出可表示的范围"),
    (b'{"a": -1E400}', "超出可表示的范围"),
    (b'[NaN]', "NaN"),
    (b'{"a": Infinity}', "Infinity"),
    (b"[" * 100_000 + b"]" * 100_000, "嵌套层次过深"),
    (b"[" * 13 + b"]" * 13, "嵌套层次过深"),
    (b'{"a": 1' + b"0" * 5000 + b"}", "数字过长"),
    (b'{"a": "\\ud800"}', "代理项"),
    (b'{"\\udfff": 1}', "代理项"),
    (b"\xff\xfe{}", "UTF-8"),
    (b'{"a": 1,}', "第 1 行"),
], ids=["1e999", "-1e400", "nan", "infinity", "nested-100000", "nested-13", "5000-digits", "surrogate",
        "surrogate-key", "not-utf8", "trailing-comma"])
def test_hostile_documents_are_refused_with_a_reason(data, words):
    with pytest.raises(DocumentError, match=words):
        parse_document(data)


def test_what_a_document_may_hold_is_read():
    assert parse_document(b"\xef\xbb\xbf" + '{"名称": [1, 2.5, "文字", null, true]}'.encode()) == \
        {"名称": [1, 2.5, "文字", None, True]}
    assert parse_document(b"[" * 12 + b"]" * 12) == [[[[[[[[[[[[]]]]]]]]]]]]
    assert parse_document(b'{"a": 1' + b"0" * 400 + b"}") == {"a": 10**400}  # for the range check to name


def test_size_is_bounded_before_reading(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b'{"a": "' + b"x" * 2000 + b'"}')
    with pytest.raises(DocumentError, match="文件过大"):
        load_document(path, max_bytes=1000)
    assert load_document(path, max_bytes=5000)["a"] == "x" * 2000


def test_totals_of_out_of_range_parts_are_unknown():
    key = "proactive.fees.amount"
    tables = {k: 1 for k in FMT.input_keys()}
    tables[key] = 0.5
    assert compute_derived(FMT, tables)["requests.received.total"] == 6
    tables["requests.received.natural"] = 10**400
    assert compute_derived(FMT, tables)["requests.received.total"] is None
    tables["requests.received.natural"] = float("nan")
    assert compute_derived(FMT, tables)["requests.received.total"] is None


def test_json_numbers_never_overflow():
    assert to_json_number(Decimal("9e25"), "money") == 9 * 10**25  # exact, for the range check to name
    assert to_json_number(Decimal("99999999.99"), "money") == 99999999.99
    assert to_json_number(Decimal("12.345"), "money") == 12.34  # half to even, like every other rounding
    assert to_json_number(10**400, "count") == 10**400
