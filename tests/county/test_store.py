"""The intake store: nothing received is ever lost, changed or stored twice."""

from __future__ import annotations

import errno
import hashlib
import json
import multiprocessing
import os
import re
import stat
import subprocess
import sys
import threading

import pytest
from factory import valid_document

from nianbao.check.run import CheckResult
from nianbao.cli import main
from nianbao.county import store as store_module
from nianbao.county.receipts import parse_receipts
from nianbao.county.store import RECEIPTS, Store, StoreError
from nianbao.format.spec import all_formats
from nianbao.template.write import write_template

FMT = all_formats()["gov-info-disclosure-2021"]


def _snapshot(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_collect_keeps_originals_supersedes_and_logs_unreadable(tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    agency = {"name": "测试县教育局", "code": "E01", "level": "county"}
    first = valid_document(FMT, 2021, seed=1, agency=agency)
    write_template(FMT, 2021, agency, inbox / "教育局.xlsx", document=first)
    (inbox / "损坏.xlsx").write_bytes(b"PK\x03\x04 truncated")
    store = tmp_path / "store"
    assert main(["collect", str(inbox), "--store", str(store)]) == 0
    receipts = Store(store).receipts()
    assert [(r.original_name, r.status, r.agency_code) for r in receipts] == [  # in the order they came in
        ("教育局.xlsx", "ok", "E01"), ("损坏.xlsx", "unreadable", None)]
    for r in receipts:  # original bytes, named by hash, read-only
        stored = store / r.stored_as
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == r.sha256
        assert not stored.stat().st_mode & stat.S_IWUSR
    assert (store / receipts[0].stored_as).read_bytes() == (inbox / "教育局.xlsx").read_bytes()

    before = _snapshot(store)
    assert main(["collect", str(inbox), "--store", str(store)]) == 0  # the same files again: nothing changes
    assert _snapshot(store) == before
    assert "已收取过" in capsys.readouterr().out

    corrected = valid_document(FMT, 2021, seed=2, agency=agency)  # a newer file from the same agency
    write_template(FMT, 2021, agency, inbox / "教育局.xlsx", document=corrected)
    assert main(["collect", str(inbox / "教育局.xlsx"), "--store", str(store)]) == 0
    s = Store(store)
    assert len(s.receipts()) == 3
    old, current = [r for r in s.receipts() if r.agency_code == "E01"]
    assert current.received_at >= old.received_at and current.sha256 != old.sha256
    assert (store / old.stored_as).exists()  # superseded, still there
    lines = (store / RECEIPTS).read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["sha256"] for x in lines] == [r.sha256 for r in s.receipts()]
    assert (store / "说明.txt").exists()


def test_compile_from_store_uses_the_newest(tmp_path):
    from nianbao.county.roster import load_roster
    from nianbao.workflow.compile import CompileOptions, compile_reports

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    agency = {"name": "测试县教育局", "code": "E01", "level": "county"}
    bad = valid_document(FMT, 2021, seed=1, agency=agency)
    bad["tables"]["requests.carry_forward.natural"] += 1
    write_template(FMT, 2021, agency, inbox / "v1.xlsx", document=bad)
    store = tmp_path / "store"
    main(["collect", str(inbox / "v1.xlsx"), "--store", str(store)])
    good = valid_document(FMT, 2021, seed=3, agency=agency)
    write_template(FMT, 2021, agency, inbox / "v2.xlsx", document=good)
    main(["collect", str(inbox / "v2.xlsx"), "--store", str(store)])
    roster = tmp_path / "r.csv"
    roster.write_text("code,name,level\nE01,测试县教育局,county\n", encoding="utf-8")
    comp = compile_reports(CompileOptions(fmt=FMT, year=2021, roster=load_roster(roster), out_dir=tmp_path,
                                          store=store))
    (status,) = comp.statuses
    assert status.status == "ok" and status.submission.original_name == "v2.xlsx"
    assert [s.original_name for s in comp.superseded] == ["v1.xlsx"]


# -- issue 12 §4: the store never stalls, never leaks, never bricks ---------------------------------

GBK_NAME = "萝北县教育局2021年报.xlsx".encode("gbk")  # as an unzipped Windows archive leaves it on Linux


def _unread(path) -> CheckResult:
    """A check result without checking (the store does not look at it)."""
    return CheckResult(str(path), None, None, None, "unreadable", [])


def _inbox(tmp_path, n=3, prefix="f"):
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    for i in range(n):
        (inbox / f"{prefix}{i}.xlsx").write_bytes(f"not a workbook {prefix} {i}".encode())
    return inbox


def _lines(store):
    return (store / RECEIPTS).read_bytes().split(b"\n")


def test_non_utf8_file_name_is_kept_escaped_and_collect_goes_on(tmp_path, capsys):
    inbox = _inbox(tmp_path, 2)
    with open(os.path.join(os.fsencode(inbox), GBK_NAME), "wb") as fh:
        fh.write(b"PK\x03\x04 a truncated workbook")
    store = tmp_path / "store"
    assert main(["collect", str(inbox), "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "按 GBK 读作“萝北县教育局2021年报.xlsx”" in out
    (store / RECEIPTS).read_bytes().decode("utf-8")  # the log stays valid UTF-8
    receipts = Store(store).receipts()
    assert len(receipts) == 3
    (gbk,) = [r for r in receipts if "\\x" in r.original_name]
    unescaped = re.sub(rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m[1], 16)]), gbk.original_name.encode("utf-8"))
    assert unescaped == GBK_NAME  # recoverable byte for byte
    assert main(["collect", str(inbox), "--store", str(store)]) == 0  # a rerun: nothing new, no crash
    assert len(Store(store).receipts()) == 3 and "已收取过" in capsys.readouterr().out


def test_links_fifos_and_dangling_links_are_reported_never_followed(tmp_path, capsys):
    inbox = _inbox(tmp_path, 1)
    secret = tmp_path / "shadow"
    secret.write_bytes(b"root:$6$secret-hash:19000:0:99999:7:::\n")
    (inbox / "shadow.xlsx").symlink_to(secret)
    (inbox / "etc-shadow.xlsx").symlink_to("/etc/shadow")
    (inbox / "dangling.xlsx").symlink_to(tmp_path / "gone.xlsx")
    (inbox / "inside.xlsx").symlink_to(inbox / "f0.xlsx")
    (inbox / "linked-folder").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(inbox / "pipe.xlsx")  # opening it would hang
    store = tmp_path / "store"
    assert main(["collect", str(inbox), "--store", str(store)]) == 0
    out = capsys.readouterr().out
    for name in ("shadow.xlsx", "etc-shadow.xlsx", "dangling.xlsx", "inside.xlsx", "linked-folder", "pipe.xlsx"):
        assert f"未收取 {inbox / name}" in out.replace("\n", ""), name
    assert "收件箱以外" in out and "失效链接" in out and "命名管道" in out and "收件箱内" in out
    assert [r.original_name for r in Store(store).receipts()] == ["f0.xlsx"]
    stored = [p.read_bytes() for p in (store / "files").rglob("*") if p.is_file()]
    assert secret.read_bytes() not in stored
    # a link given by name is not followed either, and Store.add itself refuses links and FIFOs
    assert main(["collect", str(inbox / "shadow.xlsx"), "--store", str(store)]) == 0
    assert "符号链接" in capsys.readouterr().out
    for special in (inbox / "shadow.xlsx", inbox / "pipe.xlsx"):
        with pytest.raises(StoreError):
            Store(store).add(special, _unread(special))
    assert not list((store / "files").glob(store_module.TEMP_PREFIX + "*"))


def test_store_inside_the_inbox_does_not_ingest_itself(tmp_path, capsys):
    inbox = _inbox(tmp_path, 2)
    store = inbox / "收件库"
    for _ in range(3):
        assert main(["collect", str(inbox), "--store", str(store)]) == 0
    assert sorted(r.original_name for r in Store(store).receipts()) == ["f0.xlsx", "f1.xlsx"]
    assert "收件库自身" in capsys.readouterr().out


def test_torn_and_damaged_lines_are_reported_and_everything_else_goes_on(tmp_path, capsys):
    inbox = _inbox(tmp_path, 2)
    store = tmp_path / "store"
    assert main(["collect", str(inbox / "f0.xlsx"), "--store", str(store)]) == 0
    good = (store / RECEIPTS).read_bytes()
    hostile = json.dumps({**json.loads(good), "stored_as": "/etc/shadow"}).encode()
    (store / RECEIPTS).write_bytes(good + b"\xff\xfe not utf-8\n" + hostile + b"\n[1, 2]\n" + good[:40])
    assert "写入时被中断" in Store(store).damaged()[-1].reason
    capsys.readouterr()
    assert main(["collect", str(inbox), "--store", str(store)]) == 0  # f1 is new, f0 already stored
    out = capsys.readouterr().out
    for number in (2, 3, 4, 5):
        assert f"第 {number} 行已损坏" in out
    assert "新收取 1 个文件" in out
    receipts, damaged = Store(store).read()
    assert [r.original_name for r in receipts] == ["f0.xlsx", "f1.xlsx"]
    assert [d.number for d in damaged] == [2, 3, 4, 5]
    assert _lines(store)[-1] == b"" and json.loads(_lines(store)[-2])["original_name"] == "f1.xlsx"
    # compile reads the same store and reports the damage
    roster = tmp_path / "r.csv"
    roster.write_text("code,name,level\nE01,测试县教育局,county\n", encoding="utf-8")
    assert main(["compile", "--store", str(store), "--roster", str(roster), "--year", "2021", "--no-render",
                 "-o", str(tmp_path / "out")]) == 1  # E01 has not reported: 1, not a crash
    out = capsys.readouterr().out
    assert "第 5 行已损坏" in out and "未报送" in out


def test_store_verify_reports_every_kind_of_damage(tmp_path, capsys):
    inbox = _inbox(tmp_path, 4)
    store = tmp_path / "store"
    assert main(["collect", str(inbox), "--store", str(store)]) == 0
    assert main(["store", "verify", "--store", str(store)]) == 0
    assert "收件库完整" in capsys.readouterr().out
    r0, r1, r2, r3 = Store(store).receipts()
    (store / r0.stored_as).unlink()  # a receipt without its file
    changed = store / r1.stored_as
    changed.chmod(0o644)
    changed.write_bytes(b"changed after receipt")
    lines = (store / RECEIPTS).read_bytes().splitlines(keepends=True)
    (store / RECEIPTS).write_bytes(b"".join([lines[0], lines[1], lines[2], lines[2], b"{torn\n"]))  # r3 unlogged
    (store / "files" / (store_module.TEMP_PREFIX + "x")).write_bytes(b"")
    assert main(["store", "verify", "--store", str(store)]) == 1
    out = capsys.readouterr().out
    assert "第 5 行已损坏" in out
    assert r0.stored_as in out.split("有收件记录但文件缺失")[1].split("✗")[0]
    assert r1.stored_as in out.split("文件内容与其 SHA-256 名称不符")[1].split("✗")[0]
    assert r3.stored_as in out.split("有文件但没有收件记录")[1].split("✗")[0]
    assert r2.stored_as in out.split("重复收件记录")[1]
    assert "临时文件 1 个" in out
    assert main(["store", "verify", "--store", str(tmp_path / "nowhere")]) == 2
    # an unlogged file is logged again by the next collect of the same bytes
    assert main(["collect", str(inbox / "f3.xlsx"), "--store", str(store)]) == 0
    assert r3.sha256 in {r.sha256 for r in Store(store).receipts()}


def test_disk_full_leaves_no_temporary_file_and_no_torn_line(tmp_path, monkeypatch, capsys):
    inbox = _inbox(tmp_path, 3)
    store = tmp_path / "store"
    assert main(["collect", str(inbox / "f0.xlsx"), "--store", str(store)]) == 0
    before = (store / RECEIPTS).read_bytes()
    real = store_module._write_all

    def full(fd, data):  # half of it fits, then the disk is full
        real(fd, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store_module, "_write_all", full)
    capsys.readouterr()
    assert main(["collect", str(inbox), "--store", str(store)]) == 2
    out = capsys.readouterr().out
    assert out.count("磁盘空间已满") == 2 and "已收取过" in out
    assert [p.name for p in (store / "files").rglob("*") if p.is_file()] == [Store(store).receipts()[0].stored_as
                                                                             .rsplit("/", 1)[1]]
    assert (store / RECEIPTS).read_bytes() == before

    calls = []

    def full_on_receipt(fd, data):  # the copy fits, the receipt does not
        calls.append(len(data))
        if data.endswith(b"\n"):
            real(fd, data[:10])
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd, data)

    monkeypatch.setattr(store_module, "_write_all", full_on_receipt)
    with pytest.raises(StoreError, match="磁盘空间已满"):
        Store(store).add(inbox / "f1.xlsx", _unread(inbox / "f1.xlsx"))
    assert (store / RECEIPTS).read_bytes() == before  # cut back: no torn line
    monkeypatch.setattr(store_module, "_write_all", real)
    assert main(["collect", str(inbox), "--store", str(store)]) == 0  # space again: all logged once
    assert sorted(r.original_name for r in Store(store).receipts()) == ["f0.xlsx", "f1.xlsx", "f2.xlsx"]
    assert not list((store / "files").glob(store_module.TEMP_PREFIX + "*"))


def _add_many(root, paths, threads):
    """In a worker process: add paths to the store from several threads at once."""
    store = Store(root)

    def work(part):
        for p in part:
            store.add(p, _unread(p))

    workers = [threading.Thread(target=work, args=(paths[i::threads],)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def test_concurrent_adds_from_processes_and_threads(tmp_path):
    """What a web service does: many writers, one store. Every file stored, every receipt whole, once."""
    files = []
    for i in range(40):
        path = tmp_path / "in" / f"{i:02d}.xlsx"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(os.urandom(2000 + i) if i % 10 else b"same bytes")  # 4 files share their bytes
        files.append(path)
    root = tmp_path / "store"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_add_many, args=(root, files[k:] + files[:k], 3)) for k in (0, 10, 20, 30)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    receipts, damaged = Store(root).read()
    assert damaged == []
    assert all(json.loads(line) for line in _lines(root)[:-1]) and _lines(root)[-1] == b""
    digests = [r.sha256 for r in receipts]
    assert len(digests) == len(set(digests)) == len({hashlib.sha256(p.read_bytes()).hexdigest() for p in files})
    for r in receipts:
        assert hashlib.sha256((root / r.stored_as).read_bytes()).hexdigest() == r.sha256
    assert not list((root / "files").glob(store_module.TEMP_PREFIX + "*"))


def test_two_collect_runs_at_once_write_no_duplicate_receipts(tmp_path):
    inbox = _inbox(tmp_path, 8)
    store = tmp_path / "store"
    cmd = [sys.executable, "-c", "import sys; from nianbao.cli import main; sys.exit(main())", "collect", str(inbox),
           "--store", str(store)]
    runs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(3)]
    errors = [r.communicate(timeout=300)[1] for r in runs]
    assert [r.returncode for r in runs] == [0, 0, 0], errors
    receipts, damaged = Store(store).read()
    assert damaged == [] and sorted(r.original_name for r in receipts) == [f"f{i}.xlsx" for i in range(8)]


def test_receipt_lines_cannot_point_outside_the_store_and_unknown_keys_are_ignored():
    digest = "ab" * 32
    base = {"received_at": "2022-01-01T00:00:00+08:00", "original_name": "a.xlsx", "sha256": digest, "size": 1,
            "stored_as": f"files/ab/{digest}.xlsx", "agency_code": None, "agency_name": None, "format": None,
            "year": None, "status": "unreadable", "errors": 0, "warnings": 0}
    lines = [base, {**base, "channel": "web"}, {**base, "stored_as": "/etc/shadow"},
             {**base, "stored_as": f"files/ab/../../../{digest}"}, {**base, "stored_as": f"files/cd/{digest}"},
             {**base, "size": "1"}, {**base, "year": True}, {k: v for k, v in base.items() if k != "sha256"}]
    data = b"".join(json.dumps(x).encode() + b"\n" for x in lines)
    receipts, damaged = parse_receipts(data)
    assert len(receipts) == 2 and [d.number for d in damaged] == [3, 4, 5, 6, 7, 8]
    assert all(d.reason for d in damaged)


def test_add_keeps_the_senders_name_of_an_upload_saved_under_a_temporary_name(tmp_path):
    upload = tmp_path / "tmp3x9q"
    upload.write_bytes(b"uploaded bytes")
    receipt = Store(tmp_path / "store").add(upload, _unread(upload), original_name="C:\\报送\\萝北县教育局.XLSX")
    assert receipt.original_name == "萝北县教育局.XLSX" and receipt.stored_as.endswith(".xlsx")
    assert Store(tmp_path / "store").receipts() == [receipt]


def test_inbox_scan_bounds_folder_depth(tmp_path):
    from nianbao.county.inbox import MAX_DEPTH, scan

    deep = tmp_path / "inbox"
    for i in range(MAX_DEPTH + 3):
        deep = deep / f"d{i}"
    deep.mkdir(parents=True)
    (deep / "a.xlsx").write_bytes(b"x")
    (tmp_path / "inbox" / "top.xlsx").write_bytes(b"y")
    files, skipped = scan([tmp_path / "inbox"])
    assert files == [tmp_path / "inbox" / "top.xlsx"]
    assert len(skipped) == 1 and "层级" in skipped[0].reason


def test_a_damaged_stored_file_is_restored_by_receiving_the_same_bytes(tmp_path):
    inbox = _inbox(tmp_path, 1)
    store = Store(tmp_path / "store")
    receipt = store.add(inbox / "f0.xlsx", _unread(inbox / "f0.xlsx"))
    lines = (store.root / RECEIPTS).read_bytes()
    (store.root / RECEIPTS).write_bytes(b"")  # the receipt lost, and the file damaged
    stored = store.path_of(receipt)
    stored.chmod(0o644)
    stored.write_bytes(b"damaged")
    again = Store(store.root).add(inbox / "f0.xlsx", _unread(inbox / "f0.xlsx"))
    assert again.stored_as == receipt.stored_as and stored.read_bytes() == (inbox / "f0.xlsx").read_bytes()
    assert lines


def test_a_name_with_a_terminal_escape_is_shown_escaped(tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "\x1b[2J清屏.xlsx").write_bytes(b"x")
    assert main(["collect", str(inbox), "--store", str(tmp_path / "store")]) == 0
    out = capsys.readouterr().out
    assert "\x1b[2J" not in out and "\\x1b[2J清屏.xlsx" in out
    (receipt,) = Store(tmp_path / "store").receipts()
    assert receipt.original_name == "\x1b[2J清屏.xlsx"  # the receipt keeps the name as it was
