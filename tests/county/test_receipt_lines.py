"""One receipt line: what is a receipt, what is a damaged line and what the report says about it."""

from __future__ import annotations

import json
import os

import pytest

from nianbao.county.receipts import DamagedLine, Receipt, gbk_reading, name_of, parse_receipts

DIGEST = "ab" * 32
BASE = {"received_at": "2022-01-20T09:30:00+08:00", "original_name": "教育局.xlsx", "sha256": DIGEST, "size": 1234,
        "stored_as": f"files/ab/{DIGEST}.xlsx", "agency_code": "A1", "agency_name": "测试县第一局",
        "format": "gov-info-disclosure-2021", "year": 2021, "status": "warning", "errors": 0, "warnings": 2}


def _line(**changes) -> bytes:
    values = {k: v for k, v in {**BASE, **changes}.items() if v is not ...}
    return json.dumps(values, ensure_ascii=False).encode("utf-8")


def _one(line: bytes) -> tuple[list[Receipt], list[DamagedLine]]:
    return parse_receipts(line + b"\n")


def test_a_whole_line_is_the_receipt_it_says():
    (r,), damaged = _one(_line())
    assert damaged == []
    assert r == Receipt(**BASE)


def test_a_receipt_written_is_read_back_the_same():
    r = Receipt(**BASE)
    assert r.line().endswith(b"\n")
    assert r.line().count(b"\n") == 1
    assert parse_receipts(r.line()) == ([r], [])
    assert json.loads(r.line()) == BASE
    assert "测试县第一局".encode() in r.line()  # readable by hand, not \\u escapes
    assert list(json.loads(r.line())) == sorted(BASE)  # keys in a fixed order: the same receipt, the same bytes


def test_older_lines_without_the_optional_fields_read_with_defaults():
    minimal = {k: BASE[k] for k in ("received_at", "original_name", "sha256", "stored_as", "status")}
    (r,), _ = _one(json.dumps(minimal).encode())
    assert (r.agency_code, r.agency_name, r.format, r.year) == (None, None, None, None)
    assert (r.size, r.errors, r.warnings) == (0, 0, 0)


@pytest.mark.parametrize(("line", "reason"), [
    (b"\xff\xfe{}", "不是 UTF-8 文本"),
    (b'{"received_at": "2022', "不是完整的 JSON"),
    (b"[" * 100_000, "不是完整的 JSON"),  # nested too deep for the parser: still a damaged line
    (b"[1, 2]", "不是 JSON 对象"),
    (b'"receipt"', "不是 JSON 对象"),
    (_line(sha256=...), "缺少或无效的字段 sha256"),
    (_line(status=3), "缺少或无效的字段 status"),
    (_line(received_at=None), "缺少或无效的字段 received_at"),
    (_line(agency_code=7), "无效的字段 agency_code"),
    (_line(format=["x"]), "无效的字段 format"),
    (_line(size="1234"), "无效的字段 size"),
    (_line(errors=True), "无效的字段 errors"),
    (_line(warnings=1.5), "无效的字段 warnings"),
    (_line(year="2021"), "无效的字段 year"),
    (_line(year=False), "无效的字段 year"),
    (_line(stored_as="/etc/shadow"), "文件名与 SHA-256 不符"),
    (_line(stored_as=f"files/cd/{DIGEST}.xlsx"), "文件名与 SHA-256 不符"),
    (_line(stored_as=f"files/ab/{'cd' * 32}.xlsx"), "文件名与 SHA-256 不符"),
    (_line(stored_as=f"files/ab/{DIGEST}.xlsx/../../x"), "文件名与 SHA-256 不符"),
    (_line(stored_as=f"files/ab/{DIGEST}.abcdefghij"), "文件名与 SHA-256 不符"),  # a suffix of 10 after the dot
    (_line(sha256=DIGEST.upper(), stored_as=f"files/AB/{DIGEST.upper()}.xlsx"), "文件名与 SHA-256 不符"),
    (_line(sha256="ab" * 31, stored_as=f"files/ab/{'ab' * 31}.xlsx"), "文件名与 SHA-256 不符"),
])
def test_a_line_that_is_no_receipt_says_why(line, reason):
    receipts, (damaged,) = parse_receipts(line + b"\n" + Receipt(**BASE).line())
    assert receipts == [Receipt(**BASE)]  # the next line is read all the same
    assert (damaged.number, damaged.reason) == (1, reason)


@pytest.mark.parametrize("stored_as", [f"files/ab/{DIGEST}", f"files/ab/{DIGEST}.xlsx", f"files/ab/{DIGEST}.",
                                       f"files/ab/{DIGEST}.abcdefghi", f"files/ab/{DIGEST}.表格"])
def test_what_a_stored_name_may_be(stored_as):
    (r,), damaged = _one(_line(stored_as=stored_as))
    assert r.stored_as == stored_as
    assert damaged == []


def test_lines_are_numbered_as_an_editor_shows_them_and_only_a_cut_last_line_is_called_cut():
    good = Receipt(**BASE).line()
    data = b"\n" + b"{oops\n" + good + b"   \n" + b'{"cut": tr'
    receipts, damaged = parse_receipts(data)
    assert receipts == [Receipt(**BASE)]
    assert [(d.number, d.reason) for d in damaged] == [(2, "不是完整的 JSON"),
                                                       (5, "行不完整，写入时被中断；不是完整的 JSON")]
    assert damaged[1].message() == ("收件记录 receipts.jsonl 第 5 行已损坏（行不完整，写入时被中断；不是完整的 JSON）："
                                    '{"cut": tr')


def test_a_damaged_line_is_shown_short_and_escaped():
    long = "甲" * 30 + "x" * 200  # 90 bytes of 甲, then x
    (_, (d,)) = parse_receipts(long.encode() + b"\n")
    assert d.text == ("甲" * 26) + "\\xe7\\x94" + "…"  # 80 bytes: the 27th 甲 cut in two, shown escaped
    (_, (short,)) = parse_receipts(b"\xffab\n")
    assert short.text == "\\xffab"
    (_, (exact,)) = parse_receipts(b"y" * 80 + b"\n")
    assert exact.text == "y" * 80  # 80 bytes are shown whole, no ellipsis


def test_names_of_any_bytes_are_kept_and_recoverable():
    gbk = "教育局.xlsx".encode("gbk")
    name = os.fsdecode(gbk)
    assert name_of(f"/inbox/{name}") == "".join(f"\\x{b:02x}" if b > 127 else chr(b) for b in gbk)
    assert name_of("/inbox/教育局.xlsx") == "教育局.xlsx"
    assert gbk_reading(f"/inbox/{name}") == "教育局.xlsx"  # what the clerk called it
    assert gbk_reading("/inbox/教育局.xlsx") is None  # a UTF-8 name needs no reading
    assert gbk_reading(os.fsdecode(b"/inbox/\x81\x30\xff.xlsx")) is None  # not GB 18030 either


def test_a_name_that_is_not_unicode_is_written_as_a_visible_escape():
    r = Receipt(**{**BASE, "original_name": "坏\udcff名.xlsx", "agency_name": "\ud800局"})
    line = r.line()
    assert json.loads(line.decode("utf-8"))["original_name"] == "坏\\udcff名.xlsx"
    assert json.loads(line)["agency_name"] == "\\ud800局"
    assert json.loads(line)["size"] == 1234  # numbers stay numbers


def test_a_damaged_line_of_the_events_log_is_named_as_that_log():
    from nianbao.county.events import parse_events

    good = json.dumps({"kind": "sent", "sha256": DIGEST, "at": "2022-01-20T09:30:00+08:00", "actor": "collect"})
    events, damaged = parse_events(good.encode() + b"\n{torn\n" + "\u6536\xff".encode("utf-8", "surrogatepass"))
    assert [e.sha256 for e in events] == [DIGEST]
    assert [(d.number, d.log) for d in damaged] == [(2, "events.jsonl"), (3, "events.jsonl")]
    assert damaged[0].message() == "报送与审核记录 events.jsonl 第 2 行已损坏（不是完整的 JSON）：{torn"
    assert damaged[1].message().startswith("报送与审核记录 events.jsonl 第 3 行已损坏（行不完整，写入时被中断；")
    (receipt_line,) = parse_receipts(b"{torn\n")[1]
    assert receipt_line.message() == "收件记录 receipts.jsonl 第 1 行已损坏（不是完整的 JSON）：{torn"
