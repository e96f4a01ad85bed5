"""One line of events.jsonl: what is an event, what is a damaged line, what is skipped; collect's memory of
the arrivals it logged (Arrivals); notes as logged; times in order."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest

from nianbao.county import events as events_module
from nianbao.county.events import (
    ACCEPTED,
    EVENTS,
    EXPLAINED,
    SENT,
    Arrivals,
    Event,
    actor_of_user,
    parse_events,
    plain_text,
    read_events,
    sort_time,
    stamp,
)
from nianbao.county.receipts import Receipt

DIGEST = "ab" * 32
BASE = {"kind": "sent", "sha256": DIGEST, "at": "2022-01-20T09:30:00+08:00", "actor": "collect"}


def _one(values: dict) -> tuple[list[Event], list]:
    return parse_events(json.dumps(values, ensure_ascii=False).encode("utf-8") + b"\n")


def test_an_event_line_reads_back_as_the_event_with_empty_fields_left_out():
    full = Event(ACCEPTED, DIGEST, "2022-01-21T10:00:00+08:00", "cli:王", "A1", "教育局.xlsx", "情况属实。",
                 covers=("T3-1@表三!D6#1", "T3-1@表三!J6#2"))
    sent = Event(SENT, DIGEST, "2022-01-20T09:30:00+08:00", "collect")
    explained = Event(EXPLAINED, DIGEST, "2022-01-20T09:30:00+08:00", "agency:A1", "A1", note="原因", finding="k")
    data = full.line() + sent.line() + explained.line()
    assert parse_events(data) == ([full, sent, explained], [])
    assert json.loads(sent.line()) == {**BASE, "agency_code": None}  # no empty name, note, finding or covers
    assert json.loads(full.line())["covers"] == ["T3-1@表三!D6#1", "T3-1@表三!J6#2"]
    assert full.line().decode("utf-8").count("\n") == 1
    assert "情况属实" in full.line().decode("utf-8")  # as written, not \\u escapes
    assert list(json.loads(full.line())) == sorted(json.loads(full.line()))


def test_a_name_that_is_not_unicode_is_written_as_a_visible_escape():
    odd = Event(SENT, DIGEST, BASE["at"], "collect", None, "\udcc4\udce3.xlsx")
    (back,), damaged = parse_events(odd.line())
    assert damaged == []
    assert back.original_name == "\\udcc4\\udce3.xlsx"


@pytest.mark.parametrize(("change", "reason"), [
    ({"kind": None}, "缺少或无效的字段 kind"),
    ({"sha256": 7}, "缺少或无效的字段 sha256"),
    ({"at": None}, "缺少或无效的字段 at"),
    ({"actor": ["x"]}, "缺少或无效的字段 actor"),
    ({"sha256": "AB" * 32}, "无效的 SHA-256"),
    ({"sha256": DIGEST + "0"}, "无效的 SHA-256"),
    ({"agency_code": 7}, "无效的字段 agency_code"),
    ({"original_name": True}, "无效的字段 original_name"),
    ({"note": {"a": 1}}, "无效的字段 note"),
    ({"finding": 1.5}, "无效的字段 finding"),
    ({"covers": "T3-1"}, "无效的字段 covers"),
    ({"covers": ["a", 1]}, "无效的字段 covers"),
])
def test_a_line_with_a_field_missing_or_of_the_wrong_type_is_damaged(change, reason):
    values = {k: v for k, v in {**BASE, **change}.items() if v is not None}
    items, damaged = _one(values)
    assert items == []
    assert [(d.number, d.reason, d.log) for d in damaged] == [(1, reason, EVENTS)]


@pytest.mark.parametrize(("raw", "reason"), [
    (b"\xff\xfe\n", "不是 UTF-8 文本"), (b"{\"kind\": \n", "不是完整的 JSON"), (b"[1, 2]\n", "不是 JSON 对象"),
    (b"[" * 100000 + b"\n", "不是完整的 JSON")])
def test_a_line_that_is_not_a_json_object_is_damaged(raw, reason):
    items, damaged = parse_events(raw)
    assert items == []
    assert [d.reason for d in damaged] == [reason]


def test_a_kind_this_version_does_not_know_is_skipped_silently_and_optional_nulls_are_empty():
    items, damaged = parse_events(json.dumps({**BASE, "kind": "archived"}).encode() + b"\n"
                                  + json.dumps({**BASE, "note": None, "covers": None, "extra": 1}).encode() + b"\n")
    assert damaged == []
    assert items == [Event(SENT, DIGEST, BASE["at"], "collect")]


def test_a_store_without_events_has_none(tmp_path):
    assert read_events(tmp_path) == ([], [])
    (tmp_path / EVENTS).write_bytes(Event(SENT, DIGEST, BASE["at"], "collect").line() + b"{torn")
    items, damaged = read_events(tmp_path)
    assert [e.kind for e in items] == [SENT]
    assert [d.number for d in damaged] == [2]


def _receipt(name="a.xlsx", at="2022-01-20T09:30:00+08:00") -> Receipt:
    return Receipt(at, name, DIGEST, 1, f"files/ab/{DIGEST}.xlsx", "A1", "甲", None, 2021, "ok", 0, 0)


def _epoch(text: str) -> float:
    return dt.datetime.fromisoformat(text).timestamp()


def test_arrivals_know_each_name_and_time_a_file_was_sent_under(tmp_path):
    log = tmp_path / EVENTS
    log.write_bytes(Event(SENT, DIGEST, "2022-01-20T09:30:00+08:00", "collect", None, "a.xlsx").line()
                    + Event(ACCEPTED, DIGEST, "2022-01-22T09:30:00+08:00", "office", "A1", "b.xlsx").line())
    inbox = Arrivals(tmp_path)
    at = _epoch("2022-01-20T09:30:00+08:00")
    assert inbox.seen(_receipt(), "a.xlsx", at)  # the same second
    assert inbox.seen(_receipt(), "a.xlsx", at + 0.9)  # times are logged to the second
    assert not inbox.seen(_receipt(), "a.xlsx", at + 1)  # changed since it was sent
    assert not inbox.seen(_receipt(), "b.xlsx", at - 100)  # a decision is no arrival
    with log.open("ab") as fh:
        fh.write(Event(SENT, DIGEST, "2022-01-23T09:30:00+08:00", "collect", None, "b.xlsx").line())
    assert inbox.seen(_receipt(), "b.xlsx", at)  # appended since: read
    assert inbox.by_sha == {DIGEST: [("a.xlsx", "2022-01-20T09:30:00+08:00"),
                                     ("b.xlsx", "2022-01-23T09:30:00+08:00")]}


def test_arrivals_read_a_torn_tail_only_once_it_is_whole(tmp_path):
    log = tmp_path / EVENTS
    line = Event(SENT, DIGEST, "2022-01-20T09:30:00+08:00", "collect", None, "a.xlsx").line()
    log.write_bytes(line[:-1])  # the newline not yet written
    inbox = Arrivals(tmp_path)
    at = _epoch("2022-01-20T09:30:00+08:00")
    assert not inbox.seen(_receipt(name="other.xlsx"), "a.xlsx", at)
    log.write_bytes(line)
    assert inbox.seen(_receipt(name="other.xlsx"), "a.xlsx", at)
    assert inbox.by_sha[DIGEST] == [("a.xlsx", "2022-01-20T09:30:00+08:00")]  # read once


def test_arrivals_read_a_log_replaced_or_cut_again_whole(tmp_path):
    log = tmp_path / EVENTS
    first = Event(SENT, DIGEST, "2022-01-20T09:30:00+08:00", "collect", None, "a.xlsx").line()
    log.write_bytes(first + Event(SENT, DIGEST, "2022-01-21T09:30:00+08:00", "collect", None, "b.xlsx").line())
    inbox = Arrivals(tmp_path)
    assert inbox.seen(_receipt(), "b.xlsx", 0)
    log.write_bytes(first)  # cut back (a backup restored)
    assert not inbox.seen(_receipt(), "b.xlsx", 0)
    replacement = tmp_path / "new"
    replacement.write_bytes(Event(SENT, DIGEST, "2022-01-22T09:30:00+08:00", "collect", None, "c.xlsx").line()
                            + b"x" * len(first))
    os.replace(replacement, log)  # another file, longer
    assert inbox.seen(_receipt(), "c.xlsx", 0)
    assert not inbox.seen(_receipt(), "a.xlsx", 0)


def test_arrivals_read_each_line_of_the_log_once_however_many_files_are_asked_about(tmp_path, monkeypatch):
    log = tmp_path / EVENTS
    log.write_bytes(b"".join(Event(SENT, DIGEST, f"2022-01-{d}T09:30:00+08:00", "collect", None, f"{d}.xlsx").line()
                             for d in range(10, 20)))
    parsed = []
    real = events_module.parse_events
    monkeypatch.setattr(events_module, "parse_events", lambda data: (parsed.append(len(data)), real(data))[1])
    inbox = Arrivals(tmp_path)
    for d in range(10, 20):  # a province's inbox: every file asks
        assert inbox.seen(_receipt(), f"{d}.xlsx", 0)
    assert sum(parsed) == log.stat().st_size  # collecting stays linear in the log's size
    more = Event(SENT, DIGEST, "2022-01-25T09:30:00+08:00", "collect", None, "new.xlsx").line()
    with log.open("ab") as fh:
        fh.write(more)
    assert inbox.seen(_receipt(), "new.xlsx", 0) and inbox.seen(_receipt(), "10.xlsx", 0)
    assert sum(parsed) == log.stat().st_size  # only what was appended is read


def test_a_store_written_before_events_counts_each_receipt_as_its_one_arrival(tmp_path):
    inbox = Arrivals(tmp_path)  # no events.jsonl at all
    receipt = _receipt(name="old.xlsx", at="2021-01-20T09:30:00+08:00")
    at = _epoch(receipt.received_at)
    assert inbox.seen(receipt, "old.xlsx", at)
    assert not inbox.seen(receipt, "old.xlsx", at + 5)
    assert not inbox.seen(receipt, "new.xlsx", at)
    assert not inbox.seen(_receipt(at="not a time"), "a.xlsx", 0)  # an unreadable time is before any file


def test_logged_times_sort_in_time_order_whatever_their_zone_and_unreadable_ones_first():
    times = ["2022-01-20T10:00:00+08:00", "2022-01-20T01:30:00+00:00", "垃圾", "2022-01-20T09:00:00+08:00"]
    assert sorted(times, key=sort_time) == ["垃圾", "2022-01-20T09:00:00+08:00", "2022-01-20T01:30:00+00:00",
                                           "2022-01-20T10:00:00+08:00"]
    assert sort_time("2022-01-20T09:00:00") == dt.datetime(2022, 1, 20, 9).astimezone().timestamp()  # the machine's
    assert stamp(dt.datetime(2022, 1, 20, 9, 0, 0, 123456, tzinfo=dt.timezone.utc)) == "2022-01-20T09:00:00+00:00"


def test_a_note_keeps_its_lines_and_loses_control_characters_and_what_is_past_the_limit():
    assert plain_text("  原因：\t去年\x00有误\x1b[31m\n已更正\x7f。  ") == "原因：\t去年有误[31m\n已更正。"
    assert plain_text("说" * 2500) == "说" * 2000
    assert plain_text(" 一二三 ", limit=2) == "一二"
    assert plain_text(12) == "12"


def test_a_command_line_decision_names_the_user(monkeypatch):
    import getpass

    monkeypatch.setattr(getpass, "getuser", lambda: "wang")
    assert actor_of_user() == "cli:wang"

    def nobody():
        raise KeyError("uid not in passwd")

    monkeypatch.setattr(getpass, "getuser", nobody)
    monkeypatch.setenv("USER", "li")
    assert actor_of_user() == "cli:li"
    monkeypatch.delenv("USER")
    assert actor_of_user() == "cli:?"
    assert events_module.now().utcoffset() is not None
