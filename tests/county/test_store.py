"""The intake store: nothing received is ever lost, changed or stored twice."""

from __future__ import annotations

import hashlib
import json
import stat

from factory import valid_document

from nianbao.cli import main
from nianbao.county.store import RECEIPTS, Store
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
    assert [(r.original_name, r.status, r.agency_code) for r in receipts] == [
        ("损坏.xlsx", "unreadable", None), ("教育局.xlsx", "ok", "E01")]
    for r in receipts:  # original bytes, named by hash, read-only
        stored = store / r.stored_as
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == r.sha256
        assert not stored.stat().st_mode & stat.S_IWUSR
    assert (store / r.stored_as).read_bytes() == (inbox / "教育局.xlsx").read_bytes()

    before = _snapshot(store)
    assert main(["collect", str(inbox), "--store", str(store)]) == 0  # the same files again: nothing changes
    assert _snapshot(store) == before
    assert "已收取过" in capsys.readouterr().out

    corrected = valid_document(FMT, 2021, seed=2, agency=agency)  # a newer file from the same agency
    write_template(FMT, 2021, agency, inbox / "教育局.xlsx", document=corrected)
    assert main(["collect", str(inbox / "教育局.xlsx"), "--store", str(store)]) == 0
    s = Store(store)
    assert len(s.receipts()) == 3
    (current,) = [r for r in s.current(2021) if r.agency_code == "E01"]
    (old,) = s.superseded()
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
