"""One verdict on the county report: compile never calls it publishable while nianbao's own audit of that
report alone would flag it — county tables broken by reports accepted with errors (or --include-errors)
keep it a draft that names them — and a cross-year finding the office accepted knowingly (the county's
上年结转 against last year's) is shown with the department's explanation and the office's reason, but
does not block. `render` of such a summary says the same; report_text.draft_reason decides for both."""

from __future__ import annotations

import json
import re

import docx
import openpyxl
import pytest
from factory import valid_document

from nianbao.cli import main
from nianbao.findings import Finding
from nianbao.format.document import compute_derived
from nianbao.format.spec import all_formats
from nianbao.published.audit import audit_paths
from nianbao.render import render_document
from nianbao.render.report_text import (
    CONTRADICTION_MARK,
    COUNTY_ERRORS_MARK,
    DRAFT_LEAD,
    DRAFT_MARK,
    INCOMPLETE_MARK,
    draft_reason,
)
from nianbao.template.write import write_template

F21 = all_formats()["gov-info-disclosure-2021"]
COLUMNS = [k.rsplit(".", 1)[1] for k in F21.input_keys() if k.startswith("requests.received.")]
OFFICE_TEXT = {"overview": "本年度县政府办公室组织各部门规范编制年度报告，并梳理了政府信息公开专栏。",
               "problems": "一是政策解读形式单一。", "other": "本年度未收取信息处理费。"}
EXPLAINED = "去年年报结转数有误，已于 2 月更正"
REASON = "已核对该局 2 月更正后重新发布的上年度报告，予以接收"


def _agency(i: int) -> dict:
    return {"name": "测试县人民政府办公室" if i == 0 else f"测试县第{i}局", "code": f"A{i}", "level": "county"}


def _follow(this: dict, last: dict) -> dict:
    """This year's report carrying over exactly last year's 结转下年度, every rule still holding."""
    t = {k: v for k, v in this["tables"].items() if k not in F21.derived}
    for col in COLUMNS:
        t[f"requests.carried_over.{col}"] = last["tables"][f"requests.carry_forward.{col}"]
        closed = compute_derived(F21, t)[f"requests.outcome.total.{col}"]
        t[f"requests.received.{col}"] = max(closed - t[f"requests.carried_over.{col}"], 0) + 1
        t[f"requests.carry_forward.{col}"] = t[f"requests.received.{col}"] + t[f"requests.carried_over.{col}"] - closed
    this["tables"] = compute_derived(F21, t)
    return this


def _bump(doc: dict, *keys: str, by: int = 1) -> dict:
    t = {k: v for k, v in doc["tables"].items() if k not in F21.derived}
    for key in keys:
        t[key] += by
    doc["tables"] = compute_derived(F21, t)
    return doc


@pytest.fixture
def county(tmp_path, capsys):
    """Last year's store (2021) and this year's (2022) of four units: A0 the office (its text is the
    county's), A1 clean, A2 一+二≠三+四 (T3-1, 3 in 结转下年度 too many), A3 whose 上年结转 is 1 more than
    last year's report said (T3-4: last year's figure was wrong), every other rule holding."""
    last_inbox, inbox = tmp_path / "last", tmp_path / "inbox"
    last_inbox.mkdir()
    inbox.mkdir()
    for i in range(4):
        last = valid_document(F21, 2021, seed=10 + i, agency=_agency(i))
        write_template(F21, 2021, _agency(i), last_inbox / f"A{i}.xlsx", document=last)
        this = _follow(valid_document(F21, 2022, seed=20 + i, agency=_agency(i)), last)
        if i == 0:
            this["sections"], this["date"] = dict(OFFICE_TEXT), "2023年1月18日"
        if i == 2:
            _bump(this, "requests.carry_forward.natural", by=3)
        if i == 3:  # one more carried over, and carried forward again: T3-1 holds, T3-4 does not
            _bump(this, "requests.carried_over.natural", "requests.carry_forward.natural")
        write_template(F21, 2022, _agency(i), inbox / f"A{i}.xlsx", document=this)
    roster = tmp_path / "roster.csv"
    roster.write_text("code,name,level\n" + "".join(f"A{i},{_agency(i)['name']},county\n" for i in range(4)),
                      encoding="utf-8")
    last_store, store = tmp_path / "store2021", tmp_path / "store2022"
    assert main(["collect", str(last_inbox), "--store", str(last_store)]) == 0
    assert main(["collect", str(inbox), "--store", str(store)]) == 0
    capsys.readouterr()
    return {"store": store, "last": last_store, "roster": roster, "out": tmp_path / "out"}


def _state(c: dict, *extra: str) -> list[str]:
    return ["--store", str(c["store"]), "--roster", str(c["roster"]), "--year", "2022", *extra]


def _compile(c: dict, capsys, *extra: str) -> tuple[int, str]:
    code = main(["compile", *_state(c), "-o", str(c["out"]), "--name", "测试县人民政府", "--narrative-from", "A0",
                 *extra])
    return code, re.sub(r"\s+", "", capsys.readouterr().out)


def _report(c: dict, suffix: str):
    (path,) = c["out"].glob(f"测试县人民政府2022年政府信息公开工作年度报告.{suffix}")
    return path


def _marks(c: dict) -> dict[str, str]:
    word = docx.Document(_report(c, "docx"))
    return {"docx": "".join(p.text for p in word.sections[0].header.paragraphs),
            "html": _report(c, "html").read_text(encoding="utf-8"), "md": _report(c, "md").read_text(encoding="utf-8")}


def test_an_accepted_t3_1_report_keeps_the_county_report_a_draft_that_names_it(county, capsys):
    assert main(["review", "accept", "A2", "--reason", "单位说明已核实", *_state(county)]) == 0
    capsys.readouterr()
    code, said = _compile(county, capsys)
    assert code == 0  # nothing left to chase: a draft is not a unit to remind
    assert "可以发布" not in said
    assert f"汇总年报是草稿，每页标注“{COUNTY_ERRORS_MARK}”，不得发布" in said
    assert "全县汇总表有2处不满足校验规则（T3-1：「表三依申请公开」D6、J6）" in said
    assert "计入了有错误的报告：测试县第2局（已接收（附说明）；接收理由：单位说明已核实）" in said
    assert "nianbaoreviewreturnA2--note修改意见" in said  # what to do, with the command
    marks = _marks(county)
    assert marks["docx"].startswith(COUNTY_ERRORS_MARK)
    assert "测试县第2局" in marks["docx"]
    assert all(COUNTY_ERRORS_MARK in marks[form] for form in ("html", "md"))
    summary = json.loads((county["out"] / "summary.json").read_text(encoding="utf-8"))
    (broken,) = {f["key"] for f in summary["county_findings"] if f["rule"] == "T3-1"} - {"requests.received.total"}
    assert broken == "requests.received.natural"
    for f in (f for f in summary["county_findings"] if f["rule"] == "T3-1"):
        behind = [(c["agency_code"], c["review"], c["reason"]) for c in f["causes"]]
        assert behind == [("A2", "accepted_errors", "单位说明已核实")]
    # `render` of that summary refuses it too: the same verdict
    assert main(["render", str(county["out"] / "summary.json"), "-o", str(county["out"] / "again.md")]) == 1
    assert not (county["out"] / "again.md").exists()
    assert main(["render", str(county["out"] / "summary.json"), "-o", str(county["out"] / "again.md"), "--force"]) == 1
    assert COUNTY_ERRORS_MARK in (county["out"] / "again.md").read_text(encoding="utf-8")  # and says why
    capsys.readouterr()
    # Returned instead, as a careful office would: not counted, and the county report is publishable.
    assert main(["review", "return", "A2", "--note", "一+二=三+四 不成立，请改正后重新报送", *_state(county)]) == 0
    capsys.readouterr()
    code, said = _compile(county, capsys)
    assert code == 1  # A2 is chased again
    assert "汇总年报可以发布" in said
    assert "草稿" not in said
    assert "草稿" not in _marks(county)["docx"]


def test_include_errors_makes_a_draft_that_says_how_to_leave_them_out(county, capsys):
    code, said = _compile(county, capsys, "--include-errors")
    assert code == 1  # A2 has errors and was not accepted: still due
    assert "可以发布" not in said
    assert COUNTY_ERRORS_MARK in said
    assert "测试县第2局是按--include-errors计入的：去掉该选项重新汇总即不计入" in said
    code, said = _compile(county, capsys)
    assert "汇总年报可以发布" in said  # without it, A2 is left out and the county tables hold


def test_an_accepted_cross_year_report_is_publishable_and_its_explanation_shows_everywhere(county, capsys, tmp_path):
    prev = ("--previous", str(county["last"]))
    assert main(["review", "show", "A3", *_state(county, *prev)]) == 1
    shown = capsys.readouterr().out
    numbers = re.findall(r"\[(\d+)\] 错误 .*?〔T3-4〕", shown)
    assert len(numbers) == 2, shown  # the 自然人 column and the 总计
    for n in numbers:
        assert main(["review", "explain", "A3", n, "--text", EXPLAINED, *_state(county, *prev)]) == 0
    assert main(["review", "accept", "A3", "--reason", REASON, *_state(county, *prev)]) == 0
    assert main(["review", "return", "A2", "--note", "请改正表三", *_state(county, *prev)]) == 0
    capsys.readouterr()
    code, said = _compile(county, capsys, *prev)
    assert "汇总年报可以发布" in said
    assert "草稿" not in said
    assert "注意（跨年度）：全县汇总表与上一年度汇总有2处不衔接（「表三依申请公开」D7、J7）" in said
    assert re.sub(r"\s+", "", f"测试县第3局（已接收（附说明）；单位说明：{EXPLAINED}；接收理由：{REASON}）") in said
    assert "不影响汇总年报发布" in said
    summary = json.loads((county["out"] / "summary.json").read_text(encoding="utf-8"))
    a3 = next(a for a in summary["agencies"] if a["code"] == "A3")
    assert (a3["review"], a3["included"], a3["decision"]["note"]) == ("accepted_errors", True, REASON)
    own = [f for f in summary["findings"] if f["agency_code"] == "A3" and f["rule"] == "T3-4"]
    assert len(own) == 2
    assert all(f["explanation"]["text"] == EXPLAINED for f in own)
    county_t34 = [f for f in summary["county_findings"] if f["rule"] == "T3-4"]
    assert {f["key"] for f in county_t34} == {"requests.carried_over.natural", "requests.carried_over.total"}
    for f in county_t34:
        assert [(c["agency_code"], c["explanation"], c["reason"]) for c in f["causes"]] == [("A3", EXPLAINED, REASON)]
    book = openpyxl.load_workbook(county["out"] / "summary.xlsx")
    rows = [[c.value for c in row] for row in book["问题清单"].iter_rows(min_row=3)]
    head = rows[0]
    t34 = [r for r in rows[1:] if r[head.index("规则")] == "T3-4"] if "规则" in head else [
        r for r in rows[1:] if "T3-4" in r]
    mine = [r for r in t34 if r[0] == "A3"]
    theirs = [r for r in t34 if r[0] != "A3"]  # the county's own rows (（汇总）)
    assert len(mine) == 2
    assert len(theirs) == 2
    for r in mine:
        assert r[head.index("单位说明")] == EXPLAINED
        assert REASON in r[head.index("审核意见")]
    for r in theirs:
        assert r[head.index("单位说明")] == f"测试县第3局：{EXPLAINED}"
        assert r[head.index("审核意见")] == f"测试县第3局 已接收（附说明）：{REASON}"
    # the report alone, as published, passes nianbao's own audit
    for result in audit_paths([_report(county, "docx"), _report(county, "html")]):
        assert [f for f in result.findings if f.severity != "info"] == [], [f.message for f in result.findings]


# ---------------------------------------------------------------- draft_reason, the one place


def _county_doc(**changes) -> dict:
    doc = valid_document(F21, 2022, seed=5, agency={"name": "测试县人民政府", "code": "999", "level": "county"})
    doc["sections"] = dict(OFFICE_TEXT)
    doc["consolidated"] = {"members": [{"code": "A1", "name": "测试县第1局", "level": "county"}]}
    doc.update(changes)
    return doc


def test_draft_reason_gives_every_reason_the_first_one_marks_the_pages():
    doc = _county_doc()
    assert draft_reason(doc, F21) is None
    broken = _bump(_county_doc(), "requests.carry_forward.natural")
    broken["sections"] = {**OFFICE_TEXT, "problems": "", "overview": "全年新收政府信息公开申请1件。"}
    draft = draft_reason(broken, F21, causes=["测试县第2局，已接收（附说明）"])
    assert [r.kind for r in draft.reasons] == ["errors", "incomplete", "contradictions"]
    assert draft.mark == COUNTY_ERRORS_MARK
    assert draft.note.startswith(DRAFT_LEAD)
    assert "测试县第2局" in draft.note
    assert "五、存在的主要问题及改进情况" in draft.of("incomplete").text
    assert all(f.rule == "X1" for f in draft.of("contradictions").findings)
    only_text = _county_doc(sections={**OFFICE_TEXT, "other": ""})
    assert draft_reason(only_text, F21).mark == INCOMPLETE_MARK
    said = _county_doc(sections={**OFFICE_TEXT, "overview": "全年新收政府信息公开申请1件。"})
    assert draft_reason(said, F21).mark == CONTRADICTION_MARK
    department = _bump(valid_document(F21, 2022, seed=5), "requests.carry_forward.natural")
    assert draft_reason(department, F21).mark == DRAFT_MARK  # not a county: its own tables to correct


def test_draft_reason_leaves_warnings_and_cross_year_to_the_office():
    doc = _county_doc()
    doc["tables"] = compute_derived(F21, {**{k: v for k, v in doc["tables"].items() if k not in F21.derived},
                                          "proactive.rules.issued": 1})  # T2-3: a warning to confirm
    assert draft_reason(doc, F21) is None
    assert draft_reason(doc, F21, findings=[Finding("T3-4", "error", "跨年度")]).mark == COUNTY_ERRORS_MARK  # given


@pytest.mark.parametrize("broken", [False, True])
def test_what_render_calls_publishable_passes_audit_and_what_audit_flags_is_a_draft(broken, tmp_path):
    """The invariant itself, through the published form: render, then read it back with `audit`."""
    doc = _bump(_county_doc(), "requests.carry_forward.natural") if broken else _county_doc()
    path = render_document(doc, F21, "docx", tmp_path / "county.docx")
    header = "".join(p.text for p in docx.Document(path).sections[0].header.paragraphs)
    (result,) = audit_paths([path])
    flagged = [f for f in result.findings if f.severity == "error"]
    assert bool(flagged) == broken, [f.message for f in result.findings]
    assert header.startswith(COUNTY_ERRORS_MARK) == broken


def test_the_draft_names_only_the_reports_that_break_the_county_tables(county, capsys):
    """A2 (T3-1) and A3 (T3-4, explained) both accepted with errors: only A2's errors break the county's own
    tables, so only A2 is named on the pages; A3's cross-year difference is shown and does not block."""
    prev = ("--previous", str(county["last"]))
    for code, why in (("A2", "单位说明已核实"), ("A3", REASON)):
        assert main(["review", "accept", code, "--reason", why, *_state(county, *prev)]) == 0
    capsys.readouterr()
    _, said = _compile(county, capsys, *prev)
    assert f"汇总年报是草稿，每页标注“{COUNTY_ERRORS_MARK}”" in said
    assert "计入了有错误的报告：测试县第2局（" in said
    assert "注意（跨年度）" in said
    mark = _marks(county)["docx"]
    assert "测试县第2局，附说明接收" in mark
    assert "测试县第3局" not in mark
