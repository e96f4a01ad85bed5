"""Store.add/receive and what they log, collect_files: the store's decisions one by one,
with check results made by hand (the store does not look inside a file)."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os

import pytest

from nianbao import clock
from nianbao.check.run import CheckResult
from nianbao.county import store as store_module
from nianbao.county.store import README, RECEIPTS, Store, StoreError, collect, collect_files, sha256_of
from nianbao.findings import Finding

BEIJING = dt.timezone(dt.timedelta(hours=8))


def _result(path, code: str | None = "A1", year: int | None = 2021, status: str = "ok", severities=()) -> CheckResult:
    agency = {"name": f"单位{code}", "code": code, "level": "county"} if code is not None else None
    findings = [Finding(rule="R", severity=s, message="m") for s in severities]
    return CheckResult(str(path), agency, "gov-info-disclosure-2021", year, status, findings)


def _file(folder, name: str, data: bytes):
    path = folder / name
    path.write_bytes(data)
    return path


def test_a_receipt_says_what_was_received_when_and_what_the_check_found(tmp_path):
    src = _file(tmp_path, "教育局.XLSX", b"workbook bytes")
    result = _result(src, status="error", severities=("error", "warning", "error", "info", "warning", "warning"))
    at = dt.datetime(2022, 1, 20, 1, 30, tzinfo=dt.timezone.utc)
    receipt = Store(tmp_path / "s").add(src, result, received_at=at)
    digest = hashlib.sha256(b"workbook bytes").hexdigest()
    assert receipt.received_at == "2022-01-20T09:30:00+08:00"  # 北京时间, with its offset
    assert (receipt.original_name, receipt.sha256, receipt.size) == ("教育局.XLSX", digest, 14)
    assert receipt.stored_as == f"files/{digest[:2]}/{digest}.xlsx"
    assert (receipt.agency_code, receipt.agency_name, receipt.format, receipt.year) == (
        "A1", "单位A1", "gov-info-disclosure-2021", 2021)
    assert (receipt.status, receipt.errors, receipt.warnings) == ("error", 2, 3)
    stored = tmp_path / "s" / receipt.stored_as
    assert stored.read_bytes() == b"workbook bytes"
    assert not os.access(stored, os.W_OK) or os.geteuid() == 0  # read-only (root may write anyway)
    assert stored.stat().st_mode & 0o777 == 0o444
    assert Store(tmp_path / "s").path_of(receipt) == stored
    assert Store(tmp_path / "s").receipts() == [receipt]
    assert json.loads((tmp_path / "s" / RECEIPTS).read_text(encoding="utf-8")) == receipt.__dict__


def test_a_receipt_without_a_claimed_agency_names_none(tmp_path):
    for i, agency in enumerate(({"name": "", "code": ""}, None, {})):
        src = _file(tmp_path, f"{i}.xlsx", f"file {i}".encode())
        result = CheckResult(str(src), agency, None, None, "unreadable", [])
        receipt = Store(tmp_path / "s").add(src, result)
        assert (receipt.agency_code, receipt.agency_name, receipt.year) == (None, None, None)


def test_the_received_time_defaults_to_now_in_the_configured_zone(tmp_path):
    clock.configure("Asia/Shanghai")
    before = dt.datetime.now(BEIJING).replace(microsecond=0)
    receipt = Store(tmp_path / "s").add(_file(tmp_path, "a.xlsx", b"a"), _result(tmp_path / "a.xlsx"))
    got = dt.datetime.fromisoformat(receipt.received_at)
    assert got.utcoffset() == dt.timedelta(hours=8)
    assert before <= got <= dt.datetime.now(BEIJING)


@pytest.mark.parametrize(("name", "suffix"), [("a.xlsx", ".xlsx"), ("A.XLSX", ".xlsx"), ("a.xls", ".xls"),
                                              ("a", ""), ("a.", ""), ("a.表格", ""), ("a.表x", ""), ("a.tar-gz", ""),
                                              ("a.abcdefghi", ".abcdefghi"), ("a.abcdefghij", ""), ("a.x", ".x")])
def test_the_stored_file_keeps_a_plain_short_extension_only(tmp_path, name, suffix):
    receipt = Store(tmp_path / "s").add(_file(tmp_path, name, b"x"), _result(tmp_path / name))
    assert receipt.stored_as == f"files/{receipt.sha256[:2]}/{receipt.sha256}{suffix}"
    assert (tmp_path / "s" / receipt.stored_as).exists()


@pytest.mark.parametrize(("given", "kept"), [("C:\\报送\\教育局.xlsx", "教育局.xlsx"), ("a/b/c.xlsx", "c.xlsx"),
                                             ("教育局.xlsx", "教育局.xlsx"), ("x" * 300 + ".xlsx", "x" * 255)])
def test_the_senders_name_is_kept_as_its_last_part_and_bounded(tmp_path, given, kept):
    receipt = Store(tmp_path / "s").add(_file(tmp_path, "tmp1", b"y"), _result(tmp_path / "tmp1"),
                                        original_name=given)
    assert receipt.original_name == kept


def test_the_same_bytes_are_one_submission_whoever_adds_them(tmp_path):
    a = _file(tmp_path, "a.xlsx", b"same")
    b = _file(tmp_path, "b.xlsx", b"same")
    one, other = Store(tmp_path / "s"), Store(tmp_path / "s")  # two writers: a collect run and the web service
    assert one.add(a, _result(a)) is not None
    assert other.add(b, _result(b)) is None  # the other writer's log is read before adding
    assert one.add(b, _result(b)) is None
    c = _file(tmp_path, "c.xlsx", b"new")
    assert other.add(c, _result(c)) is not None
    assert one.add(c, _result(c)) is None  # appended by the other writer since one last looked
    assert [r.original_name for r in Store(tmp_path / "s").receipts()] == ["a.xlsx", "c.xlsx"]


def test_a_log_replaced_or_cut_by_hand_is_read_again_whole(tmp_path):
    """receipts.jsonl restored from a backup (cut back to before the last receipts) or replaced while a
    writer runs: the writer reads it again, so a file whose receipt is gone is logged again, not skipped
    as already received."""
    store = Store(tmp_path / "s")
    a, b = _file(tmp_path, "a.xlsx", b"aaa"), _file(tmp_path, "b.xlsx", b"bbb")
    store.add(a, _result(a))
    store.add(b, _result(b))
    log = tmp_path / "s" / RECEIPTS
    first = log.read_bytes().split(b"\n")[0] + b"\n"
    log.write_bytes(first)  # the second line cut off (same inode, shorter)
    assert store.add(b, _result(b)) is not None  # b is no longer in the log: received again
    replacement = tmp_path / "new.jsonl"
    replacement.write_bytes(b"")
    os.replace(replacement, log)  # a new, empty log (another inode)
    assert store.add(a, _result(a)) is not None
    assert [r.original_name for r in store.receipts()] == ["a.xlsx"]


def test_each_arrival_is_an_event_and_the_same_bytes_one_receipt(tmp_path):
    """receive: the bytes stored once (receipts.jsonl), every arrival logged (events.jsonl) with its own
    name, time, actor and the link it came through. Which file is current is state.py's (tests/county/test_state.py)."""
    from nianbao.county.events import SENT, read_events

    store = Store(tmp_path / "s")
    a = _file(tmp_path, "a.xlsx", b"same bytes")
    b = _file(tmp_path, "b.xlsx", b"same bytes")
    first_at = dt.datetime(2022, 1, 20, 1, 30, tzinfo=dt.timezone.utc)
    again_at = dt.datetime(2022, 1, 21, 2, 0, tzinfo=dt.timezone.utc)
    one, new_one, sent_one = store.receive(a, _result(a), actor="agency:A1", via="A1", received_at=first_at)
    other, new_other, sent_other = store.receive(b, _result(b), actor="collect", original_name="C:\\报送\\乙.xlsx",
                                                 received_at=again_at)
    assert (new_one, new_other) == (True, False)
    assert other == one  # the first receipt of these bytes
    assert [r.original_name for r in store.receipts()] == ["a.xlsx"]
    events, damaged = read_events(tmp_path / "s")
    assert damaged == []
    assert events == [sent_one, sent_other]
    assert [(e.kind, e.sha256, e.actor, e.agency_code, e.original_name) for e in events] == [
        (SENT, one.sha256, "agency:A1", "A1", "a.xlsx"), (SENT, one.sha256, "collect", None, "乙.xlsx")]
    assert [e.at for e in events] == ["2022-01-20T01:30:00+00:00", "2022-01-21T02:00:00+00:00"]


def test_a_rerun_over_the_same_inbox_logs_no_new_arrival(tmp_path):
    """collect run twice over an unchanged inbox: the second run stores nothing and logs nothing; a file
    put into the inbox again (a new modification time) is an arrival again."""
    from nianbao.county.events import read_events

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    a = _file(inbox, "a.xlsx", b"aaa")
    store = Store(tmp_path / "s")
    (first,) = collect_files([a], store)
    (second,) = collect_files([a], store)
    assert first.receipt is not None
    assert first.again is None
    assert first.first is None  # new bytes: no earlier receipt
    (logged,) = read_events(tmp_path / "s")[0]
    assert (logged.actor, logged.agency_code, logged.original_name) == ("collect", None, "a.xlsx")
    assert (second.receipt, second.first, second.again) == (None, first.receipt, None)
    assert len(read_events(tmp_path / "s")[0]) == 1
    os.utime(a, (a.stat().st_atime, a.stat().st_mtime + 60))
    (third,) = collect_files([a], store)
    assert third.receipt is None
    assert third.first == first.receipt
    assert third.again is not None
    assert third.again.original_name == "a.xlsx"
    assert len(read_events(tmp_path / "s")[0]) == 2


def test_the_readme_is_written_once_and_a_missing_log_is_an_empty_store(tmp_path):
    store = Store(tmp_path / "s")
    assert store.read() == ([], [])
    assert store.receipts() == []
    assert store.damaged() == []
    store.ensure()
    readme = tmp_path / "s" / README
    assert "收件库" in readme.read_text(encoding="utf-8")
    readme.write_text("办公室的备注", encoding="utf-8")
    store.ensure()
    assert readme.read_text(encoding="utf-8") == "办公室的备注"


def test_damaged_lines_are_listed_and_the_rest_read(tmp_path):
    store = Store(tmp_path / "s")
    a = _file(tmp_path, "a.xlsx", b"a")
    store.add(a, _result(a))
    with (tmp_path / "s" / RECEIPTS).open("ab") as fh:
        fh.write(b"{not json\n")
    b = _file(tmp_path, "b.xlsx", b"b")
    store.add(b, _result(b))
    assert [r.original_name for r in store.receipts()] == ["a.xlsx", "b.xlsx"]
    assert [d.number for d in store.damaged()] == [2]


@pytest.mark.parametrize(("code", "said"), [
    (errno.ENOSPC, "保存文件失败：磁盘空间已满。请清理磁盘后重新收取，已收取的文件不受影响。"),
    (errno.EDQUOT, "保存文件失败：磁盘空间已满。请清理磁盘后重新收取，已收取的文件不受影响。"),
    (errno.EACCES, "保存文件失败：没有写入权限（Permission denied）。请检查收件库文件夹的权限。"),
    (errno.EPERM, "保存文件失败：没有写入权限（Operation not permitted）。请检查收件库文件夹的权限。"),
    (errno.EROFS, "保存文件失败：没有写入权限（Read-only file system）。请检查收件库文件夹的权限。"),
    (errno.EIO, "保存文件失败：Input/output error。"),
])
def test_a_file_that_cannot_be_stored_says_why_in_chinese_and_leaves_nothing(tmp_path, monkeypatch, code, said):
    src = _file(tmp_path, "a.xlsx", b"bytes")

    def fail(fd, data):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(store_module, "_write_all", fail)
    with pytest.raises(StoreError) as caught:
        Store(tmp_path / "s").add(src, _result(src))
    assert str(caught.value) == said
    assert [p.name for p in (tmp_path / "s" / "files").iterdir()] == []
    assert Store(tmp_path / "s").receipts() == []


def test_a_log_that_cannot_be_written_says_so(tmp_path, monkeypatch):
    src = _file(tmp_path, "a.xlsx", b"bytes")
    real = store_module._write_all

    def fail_on_the_log(fd, data):
        if data.endswith(b"\n"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd, data)

    monkeypatch.setattr(store_module, "_write_all", fail_on_the_log)
    with pytest.raises(StoreError) as caught:
        Store(tmp_path / "s").add(src, _result(src))
    assert str(caught.value).startswith("保存收件记录失败：磁盘空间已满")


def test_what_is_not_a_regular_file_is_refused_by_name(tmp_path):
    store = Store(tmp_path / "s")
    real = _file(tmp_path, "real.xlsx", b"r")
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    for path, said in ((link, "这是符号链接，出于安全原因未收取。请把文件本身放入收件箱。"),
                       (fifo, "不是普通文件（可能是命名管道或设备），未收取。"),
                       (tmp_path / "gone.xlsx", "无法读取文件（No such file or directory）。")):
        with pytest.raises(StoreError) as caught:
            store.add(path, _result(path))
        assert str(caught.value) == said
    assert store.receipts() == []


def test_collect_files_reports_each_file_and_goes_on(tmp_path, monkeypatch):
    good = _file(tmp_path, "good.xlsx", b"not really a workbook")
    gone = tmp_path / "gone.xlsx"
    link = tmp_path / "link.xlsx"
    link.symlink_to(good)
    os.utime(link, (1, 2_000_000_000), follow_symlinks=False)  # the link came in last of the files there
    done = collect_files([gone, link, good, good], Store(tmp_path / "s"))
    assert [(c.path.name, c.problem) for c in done] == [  # in the order they came in; a missing file last
        ("good.xlsx", None), ("good.xlsx", None),
        ("link.xlsx", "这是符号链接，出于安全原因未收取。请把文件本身放入收件箱。"), ("gone.xlsx", "找不到文件")]
    assert done[0].receipt is not None
    assert done[1].receipt is None  # the second time: already stored
    assert done[1].first == done[0].receipt
    assert done[0].result.status == "unreadable"
    assert [(p.name, r is not None) for p, _, r in collect([good], Store(tmp_path / "s2"))] == [("good.xlsx", True)]


def test_with_a_secret_a_document_file_cannot_carry_the_signature(tmp_path):
    from factory import valid_document

    from nianbao.format.document import dump_document
    from nianbao.format.spec import all_formats

    doc = valid_document(all_formats()["gov-info-disclosure-2021"], 2021)
    path = tmp_path / "report.json"
    path.write_text(dump_document(doc), encoding="utf-8")
    (plain,) = collect_files([path], Store(tmp_path / "s"))
    (signed,) = collect_files([path], Store(tmp_path / "t"), secret=b"county-secret")
    assert plain.result.status == "ok"
    assert signed.result.status == "error"
    assert "HMAC_UNSIGNED_DOCUMENT" in {f.rule for f in signed.result.findings}
    assert signed.receipt.status == "error"  # what the log says is what the check said


def test_sha256_of_reads_the_whole_file(tmp_path):
    data = os.urandom(3 * (1 << 20) + 17)  # more than one read
    path = _file(tmp_path, "big.bin", data)
    assert sha256_of(path) == hashlib.sha256(data).hexdigest()
    receipt = Store(tmp_path / "s").add(path, _result(path))
    assert (receipt.sha256, receipt.size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert (tmp_path / "s" / receipt.stored_as).read_bytes() == data


def test_on_windows_the_store_waits_for_the_byte_range_lock(tmp_path, monkeypatch):
    """Without fcntl (Windows) the store locks one byte of receipts.lock with msvcrt, retrying while
    another process holds it."""
    import sys
    import types

    calls = []

    def locking(fd, mode, size):
        calls.append((fd, mode, size))
        if len(calls) < 3:
            raise OSError(errno.EACCES, "locked by another process")

    fake = types.SimpleNamespace(locking=locking, LK_LOCK=1)
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    monkeypatch.setattr(store_module, "fcntl", None)
    src = _file(tmp_path, "a.xlsx", b"a")
    assert Store(tmp_path / "s").add(src, _result(src)) is not None
    assert len(calls) >= 3
    fds = {fd for fd, _, _ in calls}
    assert all(isinstance(fd, int) and fd >= 0 for fd in fds)
    assert {(mode, size) for _, mode, size in calls} == {(1, 1)}


def test_other_options_of_check_reach_each_file(tmp_path):
    from factory import valid_document

    from nianbao.format.document import dump_document
    from nianbao.format.spec import all_formats

    doc = valid_document(all_formats()["gov-info-disclosure-2021"], 2021)
    doc["tables"]["proactive.fees.amount"] = 38000.0  # T2-4, a warning
    path = tmp_path / "report.json"
    path.write_text(dump_document(doc), encoding="utf-8")
    (other_year,) = collect_files([path], Store(tmp_path / "s"), expect_year=2022)
    assert "WRONG_YEAR" in {f.rule for f in other_year.result.findings}
    ((_, result, _),) = collect([path], Store(tmp_path / "t"), expect_year=2022)
    assert "WRONG_YEAR" in {f.rule for f in result.findings}
    (signed,) = collect_files([path], Store(tmp_path / "u"), secret=b"county-secret")
    assert {"T2-4", "HMAC_UNSIGNED_DOCUMENT"} <= {f.rule for f in signed.result.findings}  # its own findings stay


def test_a_file_gone_before_storing_still_has_its_check_result(tmp_path):
    (gone,) = collect_files([tmp_path / "gone.xlsx"], Store(tmp_path / "s"))
    assert (gone.problem, gone.receipt) == ("找不到文件", None)
    assert gone.result.status == "unreadable"
    assert gone.result.findings


def test_a_store_that_cannot_be_made_or_a_file_that_cannot_be_read_says_so(tmp_path, monkeypatch):
    src = _file(tmp_path, "a.xlsx", b"a")
    blocker = _file(tmp_path, "not-a-folder", b"x")
    with pytest.raises(StoreError) as made:
        Store(blocker / "s").add(src, _result(src))
    assert str(made.value).startswith("创建收件库失败：")

    def unreadable(fd):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(store_module, "_hash_fd", unreadable)
    with pytest.raises(StoreError) as read:
        Store(tmp_path / "s").add(src, _result(src))
    assert str(read.value) == "读取文件失败：Input/output error。"


def test_a_one_byte_torn_log_keeps_the_next_receipt_whole(tmp_path):
    store = Store(tmp_path / "s")
    store.ensure()
    (tmp_path / "s" / RECEIPTS).write_bytes(b"{")  # a crash after one byte of a line
    src = _file(tmp_path, "a.xlsx", b"a")
    receipt = store.add(src, _result(src))
    assert Store(tmp_path / "s").receipts() == [receipt]
    assert [d.number for d in Store(tmp_path / "s").damaged()] == [1]


def test_a_copy_being_received_is_an_incoming_file_beside_the_stored_ones(tmp_path, monkeypatch):
    """What store verify lists as left over after a crash: files/.incoming-…, on the store's own disk."""
    seen = []
    real = store_module._write_all

    def looking(fd, data):
        seen.extend(p.name for p in (tmp_path / "s" / "files").iterdir())
        real(fd, data)

    monkeypatch.setattr(store_module, "_write_all", looking)
    src = _file(tmp_path, "a.xlsx", b"a" * 10)
    Store(tmp_path / "s").add(src, _result(src))
    assert [n for n in seen if n.startswith(store_module.TEMP_PREFIX)]
    assert [p.name for p in (tmp_path / "s" / "files").iterdir() if not p.is_dir()] == []


def test_the_log_is_readable_by_others_and_not_executable(tmp_path):
    src = _file(tmp_path, "a.xlsx", b"a")
    Store(tmp_path / "s").add(src, _result(src))
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "s" / RECEIPTS).stat().st_mode & 0o777 == 0o644 & ~mask


def test_a_log_replaced_by_a_longer_one_is_read_again_whole(tmp_path):
    store = Store(tmp_path / "s")
    files = [_file(tmp_path, f"{i}.xlsx", f"file {i}".encode()) for i in range(3)]
    store.add(files[0], _result(files[0]))
    other = Store(tmp_path / "elsewhere")
    lines = b"".join(other.add(f, _result(f)).line() for f in (files[1], files[2], files[0]))
    replacement = tmp_path / "bigger.jsonl"
    replacement.write_bytes(lines)  # a longer log put in place (a restore from another copy)
    os.replace(replacement, tmp_path / "s" / RECEIPTS)
    assert store.add(files[1], _result(files[1])) is None  # known from the new log
    assert store.add(files[2], _result(files[2])) is None


def test_a_writer_that_only_read_the_log_sees_the_next_line_another_writes(tmp_path):
    one, other = Store(tmp_path / "s"), Store(tmp_path / "s")
    a, b, c = (_file(tmp_path, f"{n}.xlsx", n.encode()) for n in "abc")
    other.add(a, _result(a))
    assert one.add(a, _result(a)) is None  # one reads the log, writes nothing
    other.add(b, _result(b))
    assert one.add(b, _result(b)) is None  # the line written since is read whole
    other.add(c, _result(c))
    assert one.add(c, _result(c)) is None
    assert len(Store(tmp_path / "s").receipts()) == 3


def test_an_event_that_cannot_be_logged_says_so_and_leaves_no_torn_line(tmp_path, monkeypatch):
    from nianbao.county.events import EVENTS, read_events

    store = Store(tmp_path / "s")
    a = _file(tmp_path, "a.xlsx", b"a")
    store.receive(a, _result(a), actor="collect")
    before = (tmp_path / "s" / EVENTS).read_bytes()
    real = store_module._write_all

    def full(fd, data):
        real(fd, data[:5])  # a few bytes reach the disk, then it is full
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store_module, "_write_all", full)
    with pytest.raises(StoreError) as caught:
        store.receive(a, _result(a), actor="agency:A1", via="A1")
    assert str(caught.value) == "保存报送与审核记录失败：磁盘空间已满。请清理磁盘后重新收取，已收取的文件不受影响。"
    assert (tmp_path / "s" / EVENTS).read_bytes() == before  # cut back to the last whole line
    assert len(read_events(tmp_path / "s")[0]) == 1


def test_every_file_gone_from_the_inbox_is_reported_and_the_rest_collected(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    here = _file(inbox, "here.xlsx", b"here")
    done = collect_files([inbox / "gone1.xlsx", here, inbox / "gone2.xlsx"], Store(tmp_path / "s"))
    assert sorted((c.path.name, c.problem) for c in done) == [
        ("gone1.xlsx", "找不到文件"), ("gone2.xlsx", "找不到文件"), ("here.xlsx", None)]
    assert done[0].path == here  # the missing ones last
