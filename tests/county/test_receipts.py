"""receipts.jsonl is read however damaged: property tests over random damage."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.county.receipts import Receipt, name_of, parse_receipts


def _receipt(i: int) -> Receipt:
    digest = f"{i:064x}"
    return Receipt("2022-01-01T00:00:00+08:00", f"第{i}个.xlsx", digest, i, f"files/{digest[:2]}/{digest}.xlsx",
                   None, None, None, 2021, "ok", 0, 0)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_are_receipts_or_damaged_lines_never_an_exception(data):
    receipts, damaged = parse_receipts(data)
    lines = [x for x in data.split(b"\n") if x.strip()]
    assert len(receipts) + len(damaged) == len(lines)
    for line in damaged:
        assert line.reason and line.message().startswith(f"收件记录 receipts.jsonl 第 {line.number} 行")


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 50), st.binary(max_size=80)), max_size=30))
def test_whole_receipts_survive_any_damage_around_them(items):
    """Good lines interleaved with garbage (without newlines): every good line is read back, in order."""
    good = [_receipt(i) for i in items if isinstance(i, int)]
    parts = [_receipt(i).line() if isinstance(i, int) else i.replace(b"\n", b" ") + b"\n" for i in items]
    receipts, _ = parse_receipts(b"".join(parts))
    assert receipts == [r for r in good]


def test_a_receipt_line_is_valid_utf8_whatever_the_name():
    r = _receipt(1)
    r = Receipt(**{**r.__dict__, "original_name": "坏\udcff名.xlsx", "agency_name": "\ud800"})
    line = r.line()
    line.decode("utf-8")
    assert json.loads(line)["original_name"] == "坏\\udcff名.xlsx"
    assert name_of("/x/" + b"\xc2\xdc.xlsx".decode("utf-8", "surrogateescape")) == "\\xc2\\xdc.xlsx"
