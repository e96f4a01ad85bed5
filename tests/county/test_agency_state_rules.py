"""county/state.py rule by rule, on checked files built in memory (no workbook, no store): why a file
cannot stand for its agency, which file is current, what the office's decisions do, what is counted and
chased, and the notes every surface prints. test_state.py drives the same rules end to end."""

from __future__ import annotations

import pytest
from memory_kit import A01, A02, F19, F21, MAC, T3_1, UNREADABLE, WARN, checked, decided, doc_of, sent, sub

from nianbao.county.events import ACCEPTED, EXPLAINED, RETURNED, Event
from nianbao.county.gather import Checked
from nianbao.county.last_year import Previous
from nianbao.county.roster import RosterEntry
from nianbao.county.state import (
    REVIEW_LABELS,
    STATUS_LABELS,
    cross_year,
    decision_allowed,
    decision_event,
    finding_key,
    judge,
    state_of,
    summable,
    unusable_reason,
)
from nianbao.findings import Finding
from nianbao.format.figures import Figures

ROSTER = [A01, A02]


def one(subs, events=(), roster=ROSTER, **options):
    return state_of(subs, roster, events=events, fmt=F21, **options)


# ---------------------------------------------------------------- why a file cannot stand for its agency

@pytest.mark.parametrize(("result", "why"), [
    (Checked("unreadable", (UNREADABLE,), None, None, None), "无法读取：文件已损坏"),
    (Checked("unreadable", (), None, None, None), "无法读取"),
    (Checked("error", (Finding("NOT_A_REPORT", "error", "不是年报模板。"),), None, None, None), "不是年报模板"),
    (Checked("error", (), None, None, None), "不是可读取的年报"),
    (checked(doc_of(code="")), "文件中没有单位代码，无法确定报送单位"),
    (checked(doc_of(A02)), "这是“测试县第2局”（代码 A02）的模板，不是本单位的"),
    (checked(doc_of(A02, name="")), "这是“A02”（代码 A02）的模板，不是本单位的"),
    (checked(doc_of(fmt=F19, year=2020)), "报告格式为 gov-info-disclosure-2019，应为 gov-info-disclosure-2021"),
    (checked(findings=(WARN, MAC), verified=False), "下发签名核对不通过：签名与内容不符"),
    (checked(findings=(WARN,), verified=False), "下发签名核对不通过：提醒"),
    (checked(verified=False), "下发签名核对不通过"),
    (checked(verified=True), ""),
    (checked(findings=(T3_1,)), ""),  # a report with errors is still the agency's report
])
def test_why_a_file_cannot_stand_for_its_agency(result, why):
    assert unusable_reason(sub("x.xlsx", result), A01, F21) == why


def test_any_format_stands_when_the_collection_names_none():
    old = sub("old.xlsx", checked(doc_of(fmt=F19, year=2020)))
    assert unusable_reason(old, A01, None) == ""
    assert state_of([old], [A01]).agencies[0].current is old


def test_only_unusable_files_are_an_error_that_says_why_and_is_chased():
    ods = sub("a.ods", Checked("unreadable", (UNREADABLE,), None, None, None))
    other = sub("a02.xlsx", checked(doc_of(A02)), minute=1)
    st = one([ods, other], [sent(ods, 1), sent(other, 2)]).of("A01")
    assert (st.status, st.current, st.review, st.included, st.due) == ("error", None, "", False, True)
    assert [h.role for h in st.history] == ["unusable", "unusable"]
    assert st.latest.name == "a02.xlsx"
    assert st.arrived is None
    # The latest file says why: another agency's workbook has no findings of its own, so it is named.
    (wrong,) = st.findings
    assert (wrong.rule, wrong.severity) == ("WRONG_AGENCY", "error")
    assert "测试县第2局" in wrong.message
    assert "A02" in wrong.message
    assert "测试县第1局" in wrong.message
    assert st.notes == ["只收到无法采用的文件：这是“测试县第2局”（代码 A02）的模板，不是本单位的"]
    st = one([other, ods], [sent(other, 1), sent(ods, 2)]).of("A01")
    assert st.findings == [UNREADABLE]  # an unreadable file's own finding says what is wrong


def test_another_agencys_nameless_workbook_is_named_by_its_code_or_as_another_agency():
    nameless = sub("x.xlsx", checked(doc_of(A02, name="")))
    (wrong,) = one([nameless], [sent(nameless, 1)]).of("A01").findings
    assert "“A02”" in wrong.message
    anonymous = sub("y.xlsx", Checked("error", (), {}, F21.id, 2021, Figures.of(doc_of(A02)), None))
    (wrong,) = one([anonymous], [sent(anonymous, 1)]).of("A01").findings
    assert "其他单位" in wrong.message
    assert wrong.rule == "WRONG_AGENCY"


def test_only_forged_files_say_so():
    forged = sub("f.xlsx", checked(findings=(MAC,), verified=False))
    st = one([forged]).of("A01")
    assert [h.role for h in st.history] == ["forged"]
    assert st.history[0].why == "下发签名核对不通过：签名与内容不符"
    assert st.notes == ["只收到无法采用的文件：下发签名核对不通过：签名与内容不符", "下发签名核对不通过，未采用"]
    assert st.status == "error"
    assert st.due
    state = one([forged])
    assert state.rejected == [forged]
    assert state.unusable == []


# ---------------------------------------------------------------- arrivals, owners and the current file


def test_arrivals_are_ordered_by_time_and_each_keeps_its_own_name():
    a, b = sub("a.xlsx", checked(doc_of(seed=1))), sub("b.xlsx", checked(doc_of(seed=2)))
    # b arrived first, a later, then b again under another name: b is current, as sent last.
    events = [sent(a, 20, name="第二次.xlsx"), sent(b, 10, name="第一次.xlsx"), sent(b, 30)]
    st = one([a, b], events).of("A01")
    assert st.current is b
    assert [(h.name, h.role) for h in st.history] == [("b.xlsx", "current"), ("第二次.xlsx", "superseded"),
                                                      ("第一次.xlsx", "earlier")]
    assert st.arrived.at == "2022-01-10T10:30:00+08:00"
    assert st.arrived.via == "A01"
    assert st.history[1].why == "已被 b.xlsx（2022-01-10T10:30:00+08:00）取代"
    assert st.history[2].why == "与当前采用的文件内容相同（较早的一次报送）"
    assert st.notes == ["共报送 3 份，采用最新一份（2022-01-10T10:30:00+08:00）"]


def test_a_file_without_events_arrives_at_its_receipt_and_sorts_among_the_events():
    a = sub("a.xlsx", checked(doc_of(seed=1)), minute=50)  # received 09:50, no event
    b = sub("b.xlsx", checked(doc_of(seed=2)))
    st = one([a, b], [sent(b, 5)]).of("A01")  # b sent at 10:05, after a's receipt
    assert st.current is b
    assert [h.name for h in st.history] == ["b.xlsx", "a.xlsx"]
    assert st.history[1].at == a.received_at
    assert st.history[1].via is None
    st = one([b, a]).of("A01")  # receipts only: by time, whatever the order given
    assert st.current is a


def test_same_time_arrivals_keep_the_order_they_were_logged():
    a, b = sub("a.xlsx", checked(doc_of(seed=1))), sub("b.xlsx", checked(doc_of(seed=2)))
    assert one([a, b], [sent(b, 5), sent(a, 5)]).of("A01").current is a
    assert one([a, b], [sent(a, 5), sent(b, 5)]).of("A01").current is b
    assert one([b, a]).of("A01").current is a  # same receipt time: the order received


def test_a_link_decides_the_owner_and_a_collected_file_its_own_code():
    mine = sub("mine.xlsx", checked(doc_of(A02)))
    state = one([mine], [sent(mine, 1, via="A01")])
    assert state.of("A01").latest.submission is mine
    assert state.of("A02").status == "missing"
    assert state.unusable == [mine]
    assert state.unknown == []
    assert state.unidentified == []
    state = one([mine], [sent(mine, 1, via=None)])
    assert state.of("A02").current is mine
    assert state.of("A01").status == "missing"


def test_files_of_no_roster_agency_or_of_none_are_listed_apart_once_each():
    stranger = sub("x99.xlsx", checked(doc_of(RosterEntry("X99", "外县局", "county", None, None))))
    nobody = sub("说明.txt", Checked("unreadable", (UNREADABLE,), None, None, None))
    events = [sent(stranger, 1, via=None), sent(stranger, 2, via=None), sent(nobody, 3, via=None),
              sent(nobody, 4, via=None)]
    state = one([stranger, nobody], events)
    assert state.unknown == [stranger]
    assert state.unidentified == [nobody]
    assert [s.status for s in state.agencies] == ["missing", "missing"]
    assert state.of("X99") is None
    assert [s.entry.code for s in state.due] == ["A01", "A02"]


def test_superseded_rejected_and_unusable_files_are_listed_once_and_never_the_current_one():
    v1, v2 = sub("v1.xlsx", checked(doc_of(seed=1))), sub("v2.xlsx", checked(doc_of(seed=2)))
    forged = sub("f.xlsx", checked(findings=(MAC,), verified=False))
    ods = sub("a.ods", Checked("unreadable", (UNREADABLE,), None, None, None))
    events = [sent(v1, 1), sent(forged, 2), sent(ods, 3), sent(v2, 4), sent(v1, 5), sent(v2, 6), sent(forged, 7),
              sent(ods, 8)]
    state = one([v1, v2, forged, ods], events)
    st = state.of("A01")
    assert st.current is v2
    assert state.superseded == [v1]
    assert state.rejected == [forged]
    assert state.unusable == [ods]
    assert st.notes[0] == "最近一次报送的 a.ods（2022-01-10T10:08:00+08:00）无法采用（无法读取：文件已损坏），" \
                          "仍采用 v2.xlsx（2022-01-10T10:06:00+08:00）"
    assert st.notes[1].startswith("另有下发签名核对不通过的文件 f.xlsx")
    assert len(st.notes) == 2
    back = one([v1, v2], [sent(v2, 1), sent(v1, 2)])
    assert back.superseded == [v2]


def test_a_verified_current_file_is_said_to_be_the_signed_one():
    a, b = sub("a.xlsx", checked(doc_of(seed=1), verified=True)), sub("b.xlsx", checked(doc_of(seed=2), verified=True))
    st = one([a, b], [sent(a, 1), sent(b, 2)]).of("A01")
    assert st.notes == ["共报送 2 份，采用签名核对通过的最新一份（2022-01-10T10:02:00+08:00）"]
    assert one([a], [sent(a, 1)]).of("A01").notes == []  # one file: nothing to explain


# ---------------------------------------------------------------- verdict, decision, counted, chased


def test_the_verdict_is_the_worst_finding_and_the_labels_are_chinese():
    for findings, status in (((), "ok"), ((WARN,), "warning"), ((WARN, T3_1), "error")):
        s = sub("a.xlsx", checked(findings=findings))
        st = one([s]).of("A01")
        assert st.status == status
        assert st.label == STATUS_LABELS[status]
        assert (st.count("error"), st.count("warning")) == (sum(f.severity == "error" for f in findings),
                                                            sum(f.severity == "warning" for f in findings))
        assert st.review == "pending"
        assert st.review_label == "待审核"
        assert st.included == (status != "error")
        assert st.due == (status == "error")
        assert st.figures is s.result.figures
    missing = one([]).of("A01")
    assert (missing.label, missing.review_label, missing.figures, missing.due) == ("未报送", "", None, True)


def test_the_roster_name_and_level_are_compared():
    s = sub("a.xlsx", checked(doc_of(name="别的局", level="township")))
    rules = {f.rule for f in one([s]).of("A01").findings}
    assert rules == {"AGENCY_NAME_MISMATCH", "AGENCY_LEVEL_MISMATCH"}


def test_identical_figures_under_two_codes_are_flagged_on_both():
    a = sub("a.xlsx", checked(doc_of(A01, seed=7)))
    b = sub("b.xlsx", checked(doc_of(A02, seed=7)))
    state = one([a, b])
    for code, other in (("A01", "A02"), ("A02", "A01")):
        st = state.of(code)
        assert [f.rule for f in st.findings] == ["FIGURES_DUPLICATE"]
        assert st.status == "warning"
        assert other in st.findings[0].message
    c = sub("c.xlsx", checked(doc_of(A02, seed=8)))
    assert all(s.status == "ok" for s in one([a, c]).agencies)


@pytest.mark.parametrize(("findings", "events", "review", "included", "due", "note"), [
    ((), [(RETURNED, "第五部分与表三不一致", ())], "returned", False, True,
     "已退回（第五部分与表三不一致），未计入汇总"),
    ((), [(RETURNED, "", ())], "returned", False, True, "已退回，未计入汇总"),
    ((T3_1,), [(RETURNED, "请改", ())], "returned", False, True, "已退回（请改），未计入汇总"),
    ((), [(ACCEPTED, "", ())], "accepted", True, False, None),
    ((WARN,), [(ACCEPTED, "", ())], "accepted", True, False, None),
    ((T3_1,), [(ACCEPTED, "已核实", ("KEY",))], "accepted_errors", True, False,
     "有错误，经审核接收（理由：已核实），计入汇总"),
    ((T3_1,), [(ACCEPTED, "", ("KEY",))], "reopened", False, True, "接收后发现新的错误，需重新审核"),
    ((T3_1,), [(ACCEPTED, "已核实", ())], "reopened", False, True, "接收后发现新的错误，需重新审核"),
    ((T3_1,), [(RETURNED, "请改", ()), (ACCEPTED, "已核实", ("KEY",))], "accepted_errors", True, False, None),
    ((), [(ACCEPTED, "", ()), (RETURNED, "请改", ())], "returned", False, True, None),
    ((T3_1,), [], "pending", False, True, "有错误，未计入汇总"),
])
def test_the_offices_latest_decision_on_the_current_file(findings, events, review, included, due, note):
    s = sub("a.xlsx", checked(findings=findings))
    log = [decided(kind, s, text, tuple(finding_key(T3_1) if c == "KEY" else c for c in covers), minute=30 + i)
           for i, (kind, text, covers) in enumerate(events)]
    st = one([s], log).of("A01")
    assert (st.review, st.included, st.due) == (review, included, due)
    assert st.review_label == REVIEW_LABELS[review]
    assert st.decision == (log[-1] if log else None)
    if note is not None:
        assert note in st.notes
    assert len(st.notes) == len(set(st.notes)) <= 2


def test_a_decision_holds_only_for_its_file_and_its_agency():
    a, b = sub("a.xlsx", checked(doc_of(seed=1))), sub("b.xlsx", checked(doc_of(seed=2)))
    events = [sent(a, 1), decided(RETURNED, a, "请改"), sent(b, 40)]
    assert one([a, b], events).of("A01").review == "pending"
    other = [sent(a, 1), decided(RETURNED, a, "请改", code="A02")]
    assert one([a, b], other).of("A01").review == "pending"
    nobody = [sent(a, 1), decided(RETURNED, a, "请改", code=None)]
    assert one([a, b], nobody).of("A01").review == "pending"
    assert one([a, b], [sent(a, 1), decided(RETURNED, a, "请改"), sent(b, 40), sent(a, 50)]).of("A01").review \
        == "returned"


def test_an_incomplete_report_with_errors_is_never_counted_and_says_why():
    doc = doc_of()
    doc["tables"][F21.input_keys()[0]] = None
    s = sub("a.xlsx", checked(doc, findings=(T3_1,)))
    for include in (False, True):
        st = one([s], [decided(ACCEPTED, s, "已核实", (finding_key(T3_1),))], include_errors=include).of("A01")
        assert (st.review, st.included, st.due) == ("reopened", False, True)
        assert "有未填、无法识别或超出范围的数字，未计入汇总" in st.notes
    st = one([sub("b.xlsx", checked(doc))]).of("A01")  # no error found, but a figure missing: not summed
    assert (st.status, st.included, st.due) == ("ok", False, False)


def test_include_errors_counts_complete_reports_with_errors_but_still_chases_them():
    s = sub("a.xlsx", checked(findings=(T3_1,)))
    st = one([s], include_errors=True).of("A01")
    assert (st.review, st.included, st.due) == ("pending", True, True)
    assert not any("未计入汇总" in n for n in st.notes)
    returned = one([s], [decided(RETURNED, s, "请改")], include_errors=True).of("A01")
    assert not returned.included


def test_explanations_follow_their_findings_and_the_latest_one_is_kept():
    s = sub("a.xlsx", checked(findings=(T3_1, WARN)))
    key = finding_key(T3_1)
    events = [Event(EXPLAINED, s.sha256, f"2022-01-10T11:0{i}:00+08:00", "agency:A01", "A01", note=text, finding=key)
              for i, text in enumerate(("初稿说明", "已更正的说明"))]
    stale = Event(EXPLAINED, s.sha256, "2022-01-10T11:09:00+08:00", "agency:A01", "A01", note="旧", finding="X#0")
    st = one([s], [*events, stale]).of("A01")
    assert list(st.explanations) == [key]
    assert st.explanation(T3_1).note == "已更正的说明"
    assert st.explanation(WARN) is None
    assert st.review == "pending"
    assert one([s], [*events[:1]], roster=[A02, A01]).of("A01").explanation(T3_1).note == "初稿说明"
    elsewhere = Event(EXPLAINED, s.sha256, "2022-01-10T11:00:00+08:00", "agency:A02", "A02", note="x", finding=key)
    assert one([s], [elsewhere]).of("A01").explanations == {}


def test_a_callers_memo_gives_the_same_state_every_time_and_sees_new_files():
    memo: dict = {}
    a, b = sub("a.xlsx", checked(findings=(T3_1,))), sub("b.xlsx", checked(doc_of(seed=2)))
    first = one([a], [sent(a, 1)], memo=memo).of("A01")
    again = one([a], [sent(a, 1)], memo=memo).of("A01")
    assert (again.notes, again.findings, again.history) == (first.notes, first.findings, first.history)
    assert again.notes == ["有错误，未计入汇总"]
    later = one([a, b], [sent(a, 1), sent(b, 2)], memo=memo).of("A01")
    assert later.current is b
    assert later.status == "ok"
    twins = [sub("c.xlsx", checked(doc_of(A01, seed=9))), sub("d.xlsx", checked(doc_of(A02, seed=9)))]
    for _ in range(2):
        st = one(twins, memo=memo).of("A01")
        assert [f.rule for f in st.findings] == ["FIGURES_DUPLICATE"]


# ---------------------------------------------------------------- the office's decisions


def _state(findings=(), doc=None, subs=None):
    s = sub("a.xlsx", checked(doc, findings=findings))
    return one(subs if subs is not None else [s]).of("A01")


def test_what_the_office_may_decide():
    missing = _state(subs=[])
    assert decision_allowed(missing, ACCEPTED, "好") == "测试县第1局（A01）没有可审核的文件（未报送）。"
    ok, bad = _state(), _state((T3_1, T3_1))
    assert decision_allowed(ok, ACCEPTED, "") == ""
    assert decision_allowed(ok, RETURNED, "请改") == ""
    assert decision_allowed(ok, RETURNED, "") == "退回时请写明需要修改的内容（退回意见）。"
    assert decision_allowed(bad, ACCEPTED, "").startswith(
        "测试县第1局 的报告有 2 处错误：接收有错误的报告须写明接收理由")
    assert decision_allowed(bad, ACCEPTED, "已核实") == ""
    assert decision_allowed(bad, RETURNED, "请改") == ""
    doc = doc_of()
    doc["tables"][F21.input_keys()[-1]] = "十"
    incomplete = _state((T3_1,), doc)
    assert decision_allowed(incomplete, ACCEPTED, "已核实") == \
        "此文件有未填、无法识别或超出范围的数字，无法计入汇总，不能接收，请退回修改。"
    assert decision_allowed(incomplete, RETURNED, "请改") == ""
    unhashed = _state((T3_1,))
    unhashed.current.sha256 = None
    assert "没有可审核的文件（有错误）" in decision_allowed(unhashed, RETURNED, "请改")


def test_a_decision_event_records_the_errors_it_accepts():
    st = _state((T3_1, WARN))
    event = decision_event(st, ACCEPTED, "已核实", "cli:me", "2022-01-11T09:00:00+08:00")
    assert event == Event(ACCEPTED, st.current.sha256, "2022-01-11T09:00:00+08:00", "cli:me", "A01", note="已核实",
                          covers=(finding_key(T3_1),))
    assert decision_event(st, RETURNED, "请改", "cli:me", "t").covers == ()


# ---------------------------------------------------------------- last year, completeness, keys


def test_an_agency_missing_from_last_year_is_told_and_one_renamed_is_found_by_name():
    figures = Figures.of(doc_of(seed=3, fmt=F19, year=2020))
    previous = Previous("/data/2020/summary.json", None, {"A01": figures})
    this = Figures.of(doc_of())
    (missing,) = cross_year(this, Previous("/data/2020/summary.json", None, {}), "A01", "测试县第1局")
    assert (missing.rule, missing.severity) == ("PREVIOUS_MISSING", "info")
    assert "summary.json" in missing.message
    by_code = cross_year(this, previous, "A01", "另一个名字")
    by_name = cross_year(this, previous, "B07", "测试县第1局")
    assert by_code == by_name
    assert all(f.rule != "PREVIOUS_MISSING" for f in by_code)
    assert [f.rule for f in cross_year(this, previous, "B07", "另一个名字")] == ["PREVIOUS_MISSING"]
    # judge: the roster's code and name; without a roster entry, the file's own.
    result = checked(doc_of(code="B07"))
    assert [f.rule for f in judge(result, None, Previous("p", None, {}))] == ["PREVIOUS_MISSING"]
    assert judge(result, None, previous) == cross_year(Figures.of(doc_of(code="B07")), previous, "B07", "测试县第1局")
    assert judge(result, None, None) == []


def test_a_report_is_summable_only_when_every_input_is_a_number_in_range():
    assert summable(Figures.of(doc_of()))
    assert not summable(None)
    key = F21.input_keys()[5]
    for bad in (None, True, "5", -1, 10**13):
        doc = doc_of()
        doc["tables"][key] = bad
        assert not summable(Figures.of(doc)), bad


def test_a_finding_key_without_a_place_is_its_rule_and_figures():
    plain = Finding("X1", "warning", "m", actual=3, expected=4)
    assert finding_key(plain).startswith("X1#")
    assert len(finding_key(plain)) == len("X1#") + 10
    assert finding_key(Finding("X1", "warning", "m", sheet="正文")).startswith("X1@正文!None#")
    assert finding_key(Finding("X1", "warning", "m", key="a")) != finding_key(Finding("X1", "warning", "m", key="b"))
    chinese = Finding("中", "warning", "m", actual="五")
    assert finding_key(chinese) == finding_key(Finding("中", "warning", "x", actual="五"))


def test_applications_received_far_from_last_years_are_pointed_out():
    last = doc_of(seed=3, fmt=F19, year=2020)
    previous = Previous("/data/2020/summary.json", None, {"A01": Figures.of(last)})
    this = doc_of()
    old = last["tables"]["requests.received.total"]
    this["tables"]["requests.received.total"] = old * 3 + 10
    (y1,) = [f for f in cross_year(Figures.of(this), previous, "A01") if f.rule == "Y-1"]
    assert (y1.severity, y1.actual, y1.expected, y1.cell) == ("info", old * 3 + 10, old, "J6")
    this["tables"]["requests.received.total"] = old
    assert [f for f in cross_year(Figures.of(this), previous, "A01") if f.rule == "Y-1"] == []
