"""nianbao review and remind without the web service: the office's decisions from the command line,
and compile --store / remind giving exactly what they say (county/state.py)."""

from __future__ import annotations

import email
import json

import openpyxl
import pytest
from factory import valid_document

from nianbao.cli import main
from nianbao.county.events import EVENTS, read_events
from nianbao.format.spec import all_formats
from nianbao.template.write import write_template

F21 = all_formats()["gov-info-disclosure-2021"]


def _agency(i: int) -> dict:
    return {"name": f"测试县第{i}局", "code": f"A{i}", "level": "county"}


@pytest.fixture
def county(tmp_path, capsys):
    """A store with A1 (passes), A2 (一+二≠三+四: 有错误), A3 nothing; its roster (with e-mail)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_template(F21, 2021, _agency(1), inbox / "1.xlsx", document=valid_document(F21, 2021, seed=1,
                                                                                    agency=_agency(1)))
    bad = valid_document(F21, 2021, seed=2, agency=_agency(2))
    bad["tables"]["requests.carry_forward.natural"] += 3
    write_template(F21, 2021, _agency(2), inbox / "2.xlsx", document=bad)
    roster = tmp_path / "roster.csv"
    roster.write_text("code,name,level,email\n" + "".join(f"A{i},测试县第{i}局,county,a{i}@example.cn\n"
                                                          for i in (1, 2, 3)), encoding="utf-8")
    store = tmp_path / "store"
    assert main(["collect", str(inbox), "--store", str(store)]) == 0
    capsys.readouterr()
    return store, roster


def _args(county):
    store, roster = county
    return ["--store", str(store), "--roster", str(roster), "--year", "2021"]


def _compile(county, tmp_path, capsys):
    code = main(["compile", *_args(county), "--no-render", "-o", str(tmp_path / "out")])
    capsys.readouterr()
    data = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    return code, {a["code"]: a for a in data["agencies"]}, data


def test_list_and_show_say_what_each_unit_needs(county, capsys):
    assert main(["review", "list", *_args(county)]) == 1  # A2 and A3 are due
    out = capsys.readouterr().out
    assert "A2" in out and "待审核" in out and "需催报 2 个" in out
    assert main(["review", "show", "A2", *_args(county)]) == 1
    out = capsys.readouterr().out
    assert "[1] 错误" in out and "[2] 错误" in out and "T3-1" in out and "当前采用" in out
    assert main(["review", "show", "A1", *_args(county)]) == 0


def test_accept_with_errors_needs_a_reason_then_compile_counts_it(county, tmp_path, capsys):
    assert main(["review", "accept", "A2", *_args(county)]) == 2
    assert "接收理由" in capsys.readouterr().err
    assert read_events(county[0])[0][-1].kind == "sent"  # nothing recorded
    assert main(["review", "explain", "A2", "1", "--text", "自然人多填 3 件，已核实", "--by", "李四",
                 *_args(county)]) == 0
    assert main(["review", "accept", "A2", "--reason", "单位已说明，核实无误", "--by", "张三", *_args(county)]) == 0
    out = capsys.readouterr().out
    assert "已接收（附说明）" in out and "计入汇总：是" in out
    events, damaged = read_events(county[0])
    assert damaged == [] and [(e.kind, e.actor, e.agency_code) for e in events[-2:]] == [
        ("explained", "cli:李四", "A2"), ("accepted", "cli:张三", "A2")]
    code, agencies, data = _compile(county, tmp_path, capsys)
    a2 = agencies["A2"]
    assert (a2["status"], a2["review"], a2["review_label"], a2["included"], a2["due"]) == (
        "error", "accepted_errors", "已接收（附说明）", True, False)
    assert a2["decision"]["note"] == "单位已说明，核实无误"
    said = [f["explanation"]["text"] for f in data["findings"] if f["agency_code"] == "A2" and f["explanation"]]
    assert said == ["自然人多填 3 件，已核实"]
    assert code == 1  # A3 has not reported
    book = openpyxl.load_workbook(tmp_path / "out" / "summary.xlsx")
    issues = [[c.value for c in row] for row in book["问题清单"].iter_rows(min_row=3)]
    header = issues[0]
    row = next(r for r in issues if r[0] == "A2" and r[header.index("单位说明")])
    assert row[header.index("单位说明")] == "自然人多填 3 件，已核实"
    assert "单位已说明，核实无误" in row[header.index("审核意见")]
    status = [[c.value for c in row] for row in book["报送情况"].iter_rows(min_row=4)]
    head = status[0]
    a2_row = next(r for r in status if r[1] == "A2")
    assert a2_row[head.index("审核")] == "已接收（附说明）" and a2_row[head.index("计入汇总")] == "是"


def test_return_is_not_counted_and_remind_chases_it_with_the_note(county, tmp_path, capsys):
    assert main(["review", "return", "A1", "--note", "第五部分文字与表三不一致", *_args(county)]) == 0
    code, agencies, _ = _compile(county, tmp_path, capsys)
    assert (agencies["A1"]["review"], agencies["A1"]["included"], agencies["A1"]["due"]) == ("returned", False, True)
    assert code == 1
    out = tmp_path / "eml"
    assert main(["remind", *_args(county), "--from", "gkb@luobei.gov.cn", "--dry-run", "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["A1.eml", "A2.eml", "A3.eml"]
    body = email.message_from_bytes((out / "A1.eml").read_bytes()).get_payload(decode=True).decode("utf-8")
    assert "已被退回修改" in body and "第五部分文字与表三不一致" in body
    assert not (county[0] / "web").exists()  # remind never made or wrote the service's data


def test_remind_never_chases_an_accepted_unit(county, tmp_path, capsys):
    assert main(["review", "accept", "A2", "--reason", "已核实", *_args(county)]) == 0
    out = tmp_path / "eml"
    assert main(["remind", *_args(county), "--from", "gkb@luobei.gov.cn", "--dry-run", "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["A3.eml"]
    body = email.message_from_bytes((out / "A3.eml").read_bytes()).get_payload(decode=True).decode("utf-8")
    assert "尚未报送" in body and "请将填好的年报模板" in body  # no link: no service was ever started


def test_bad_review_arguments_are_exit_2_in_chinese(county, capsys):
    store, _ = county
    assert main(["review", "list", "--store", str(store)]) == 2
    assert "--roster" in capsys.readouterr().err
    assert main(["review", "accept", "X9", *_args(county)]) == 2
    assert "名单中没有单位代码 X9" in capsys.readouterr().err
    assert main(["review", "return", "A3", "--note", "请报送", *_args(county)]) == 2
    assert "没有可审核的文件" in capsys.readouterr().err
    assert main(["review", "explain", "A1", "1", "--text", "x", *_args(county)]) == 2
    assert "没有错误或警告" in capsys.readouterr().err
    assert main(["review", "list", "--store", str(store.parent / "nowhere"), "--roster", "r", "--year", "2021"]) == 2


def test_a_sent_again_file_is_a_new_arrival_but_a_rerun_changes_nothing(county, tmp_path, capsys):
    store, _ = county
    inbox = tmp_path / "inbox"
    before = (store / EVENTS).read_bytes()
    assert main(["collect", str(inbox), "--store", str(store)]) == 0  # the same inbox again
    assert (store / EVENTS).read_bytes() == before and "已收取过" in capsys.readouterr().out
    again = tmp_path / "again"
    again.mkdir()
    (again / "1-再次.xlsx").write_bytes((inbox / "1.xlsx").read_bytes())
    assert main(["collect", str(again), "--store", str(store)]) == 0
    assert "再次报送" in capsys.readouterr().out
    events = read_events(store)[0]
    assert [e.original_name for e in events if e.kind == "sent"][-1] == "1-再次.xlsx"
    assert main(["review", "show", "A1", *_args(county)]) == 0
    assert "1-再次.xlsx" in capsys.readouterr().out


def test_store_verify_checks_the_events(county, capsys):
    store, _ = county
    assert main(["store", "verify", "--store", str(store)]) == 0
    with (store / EVENTS).open("ab") as fh:
        fh.write(b'{"kind": "accepted", "sha256": "' + b"0" * 64 + b'", "at": "x", "actor": "cli:x"}\n{"torn')
    assert main(["store", "verify", "--store", str(store)]) == 1
    out = capsys.readouterr().out
    assert "events.jsonl 第 4 行已损坏" in out and "没有收件记录的文件" in out
