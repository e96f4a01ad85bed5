"""What a department and the office are told of an upload (web/verdicts.py, a view of county/state.py): the
template at a link, the verdict and role of each file, why a file cannot be used, the findings with their place
and explanation, the counts, and the names agencies' files are written under."""

from __future__ import annotations

import io

import openpyxl
import pytest
from web_kit import AGENCIES, FMT, YEAR, upload, workbook

from nianbao.check.run import check_document, check_file
from nianbao.county.roster import RosterEntry
from nianbao.findings import Finding
from nianbao.web.verdicts import (
    IDENTITY_RULES,
    VERDICT_LABELS,
    Views,
    code_name,
    finding_view,
    place_of,
    refused_dir,
)

KEPT = "这份文件不能作为本单位本年度的报告，已留存备查，不会取代已报送的文件。"


@pytest.mark.parametrize("agency", AGENCIES, ids=lambda a: a["code"])
def test_the_template_at_a_link_is_that_agencys(client, links, tmp_path, agency):
    """The workbook a department downloads names it (name, code, level), the year and the format: a template
    written with another code, or none, would come back refused or unassigned."""
    got = client.get(links[agency["code"]] + "/template.xlsx")
    assert got.status_code == 200
    path = tmp_path / "t.xlsx"
    path.write_bytes(got.content)
    result = check_file(path)
    assert result.agency == agency
    assert (result.format, result.year) == (FMT.id, YEAR)
    assert not [f for f in result.findings if f.rule in IDENTITY_RULES or f.rule.startswith(("HMAC", "FINGERPRINT"))]
    filled = workbook(tmp_path / "filled.xlsx", agency["code"])
    assert upload(client, links[agency["code"]], filled).json()["status"] == "ok"  # and its own link takes it


def test_another_years_workbook_is_refused_with_the_identity_finding_itself(client, links, tmp_path, service):
    path = workbook(tmp_path / "2020.xlsx", year=2020)
    identity = [f for f in check_file(path, **service.config.check_options()).findings if f.rule in IDENTITY_RULES]
    assert [f.rule for f in identity] == ["WRONG_YEAR"]  # 2020 (its 2019 format follows from the year)
    body = upload(client, links["A1"], path).json()
    assert (body["status"], body["label"], body["role"], body["current"]) == ("refused", "无法采用", "unusable", False)
    assert body["findings"] == [{"rule": "WRONG_YEAR", "severity": "error", "sheet": None, "cell": None,
                                 "place": None, "key": None, "explanation": None,
                                 "message": identity[0].message.rstrip("。") + "。" + KEPT}]  # the reason, as read
    assert body["agency"]["current"] is None
    assert body["agency"]["unusable"] == 1


def test_another_agencys_workbook_is_refused_naming_it(client, links, tmp_path):
    body = upload(client, links["A1"], workbook(tmp_path / "a2.xlsx", "A2")).json()
    assert body["status"] == "refused"
    assert body["findings"] == [{
        "rule": "WRONG_AGENCY", "severity": "error", "sheet": None, "cell": None, "place": None, "key": None,
        "explanation": None, "message": "这是“测试县第二局”（代码 A2）的模板，不是本单位的。" + KEPT}]
    assert "errors" not in body["agency"] or body["agency"]["errors"] == 0  # nothing of A2's is A1's


def test_a_workbook_with_errors_is_the_departments_to_fix_not_refused(client, links, tmp_path):
    body = upload(client, links["A1"], workbook(tmp_path / "bad.xlsx", broken=True)).json()
    assert (body["status"], body["label"], body["role"], body["current"]) == ("error", "有错误", "current", True)
    assert [f["rule"] for f in body["findings"]] == ["T3-1", "T3-1"]
    assert [f["place"] for f in body["findings"]] == ["一、本年新收政府信息公开申请数量 / 自然人",
                                                      "一、本年新收政府信息公开申请数量 / 总计"]
    assert all(f["key"] and f["explanation"] is None for f in body["findings"])
    assert (body["agency"]["errors"], body["agency"]["warnings"]) == (2, 0)
    assert body["agency"]["current"]["name"] == "bad.xlsx"


def test_the_same_file_sent_again_is_said_to_be_a_duplicate_of_the_earlier_arrival(client, links, tmp_path):
    path = workbook(tmp_path / "a.xlsx")
    first = upload(client, links["A1"], path).json()
    assert (first["duplicate"], first["again"]) == (False, None)
    again = upload(client, links["A1"], path, name="再次.xlsx").json()
    assert again["duplicate"] is True
    assert again["again"] == {"name": "a.xlsx", "at": first["receipt"]["received_at"]}
    assert again["receipt"]["original_name"] == "再次.xlsx"
    assert again["agency"]["count"] == 2


def _doc():
    from factory import valid_document

    return valid_document(FMT, YEAR)


def test_the_findings_shown_are_the_errors_and_warnings_with_their_place():
    doc = _doc()
    doc["tables"]["requests.carry_forward.natural"] += 1  # T3-1 errors (a column: 自然人, and 总计)
    doc["tables"]["proactive.fees.amount"] = 38000.0  # T2-4 warning
    result = check_document(doc)
    t31 = next(f for f in result.findings if f.rule == "T3-1")
    t24 = next(f for f in result.findings if f.rule == "T2-4")
    assert place_of(t31) == "一、本年新收政府信息公开申请数量 / 自然人"
    assert place_of(t24) == "行政事业性收费 / 本年收费金额（单位：万元）"
    view = finding_view(t31)
    assert view == {"rule": "T3-1", "severity": "error", "message": t31.message, "sheet": t31.sheet,
                    "cell": t31.cell, "place": place_of(t31), "key": view["key"], "explanation": None}
    assert view["key"].startswith("T3-1@")


def test_a_finding_without_labels_has_no_place_and_one_label_is_the_place():
    assert place_of(Finding(rule="NOTE", severity="warning", message="整份报告的问题。")) is None
    assert place_of(Finding(rule="N", severity="warning", message="m", row_label="", column_label="总计")) == "总计"
    assert place_of(Finding(rule="N", severity="warning", message="m", row_label="一、新收")) == "一、新收"


# ---------------------------------------------------------------- the views of a state, one by one

ENTRY = RosterEntry(code="A1", name="测试县第一局", level="county", group="乡镇", email="a1@example.cn")


def _finding(rule, severity, cell="D6"):
    return Finding(rule=rule, severity=severity, message=f"{rule} 的问题。", sheet="表三", cell=cell,
                   row_label="一、新收", column_label="自然人")


def _upload(role, *, status="ok", findings=(), figures=True, code="A1", verified=None, sha="a" * 64,
            name="a.xlsx", at="2022-01-20T09:30:00+08:00", why=""):
    from nianbao.county.gather import Checked, Submission
    from nianbao.county.state import Upload

    agency = {"name": "某局", "code": code, "level": "county"} if code else None
    checked = Checked(status, tuple(findings), agency, FMT.id, YEAR, object() if figures else None, verified)
    return Upload(Submission(name, at, checked, name, sha), at, name, "A1", role, why)


def _state(status="ok", history=(), findings=(), **kw):
    from nianbao.county.state import AgencyState

    history = list(history)
    current = next((h for h in history if h.role == "current"), None)
    return AgencyState(ENTRY, status, current=current.submission if current else None, arrived=current,
                       latest=history[0] if history else None, history=history, findings=list(findings), **kw)


def _views(judged=(), deadline=None):
    return Views(lambda submission, entry: list(judged), deadline)


@pytest.mark.parametrize(("severities", "status"), [((), "ok"), (("info",), "ok"), (("warning", "info"), "warning"),
                                                    (("warning", "error"), "error"), (("error",), "error")])
def test_a_superseded_file_keeps_its_own_verdict_by_its_worst_shown_finding(severities, status):
    judged = [_finding(f"R{i}", s) for i, s in enumerate(severities)]
    up = _upload("superseded")
    st = _state("ok", [_upload("current", sha="b" * 64), up])
    views = _views(judged)
    assert views.upload_status(st, up) == status
    assert [f["severity"] for f in views.upload_findings(st, up)] == [s for s in severities if s != "info"]


@pytest.mark.parametrize("role", ["current", "earlier"])
def test_the_current_file_and_its_earlier_copies_say_the_agencys_verdict(role):
    shown = _finding("T3-1", "error")
    up = _upload(role, findings=[_finding("OWN", "warning")])
    st = _state("error", [up], findings=[shown, _finding("INFO", "info")])
    views = _views([_finding("JUDGED", "warning")])
    assert views.upload_status(st, up) == "error"
    assert [f["rule"] for f in views.upload_findings(st, up)] == ["T3-1"]


def test_an_unreadable_file_says_why_it_could_not_be_read():
    unread = Finding(rule="FILE_CORRUPT", severity="error", message="文件已损坏，无法打开。")
    up = _upload("unusable", status="unreadable", findings=[unread, _finding("N", "info")], figures=False,
                 code=None, why="无法读取")
    st = _state("missing", [up])
    views = _views()
    assert views.upload_status(st, up) == "unreadable"
    view = views.upload(st, up, findings=True)
    assert (view["status"], view["label"], view["annotatable"]) == ("unreadable", "无法读取", False)
    assert [f["rule"] for f in view["findings"]] == ["FILE_CORRUPT"]
    assert (view["errors"], view["warnings"]) == (1, 0)


def test_an_unreadable_file_without_a_finding_names_the_file_unreadable():
    up = _upload("unusable", status="unreadable", figures=False, code=None, why="无法读取此文件。")
    (why,) = _views().upload_findings(_state("missing", [up]), up)
    assert why == {"rule": "FILE_UNREADABLE", "severity": "error", "sheet": None, "cell": None, "place": None,
                   "key": None, "explanation": None, "message": "无法读取此文件。" + KEPT}


@pytest.mark.parametrize(("kw", "rule"), [
    ({"code": "B7"}, "WRONG_AGENCY"),
    ({"verified": False}, "HMAC_MISMATCH"),
    ({"verified": False, "findings": [Finding(rule="HMAC_UNSIGNED", severity="error", message="未签名。")]},
     "HMAC_UNSIGNED"),
    ({"findings": [Finding(rule="WRONG_FORMAT", severity="error", message="格式不对。")]}, "WRONG_FORMAT"),
])
def test_a_file_that_cannot_stand_for_the_agency_names_the_rule_it_broke(kw, rule):
    warning = _finding("T2-4", "warning")
    kw = dict(kw)  # the parameter is shared by every run of the test
    findings = [*kw.pop("findings", []), warning]
    up = _upload("unusable", status="error", findings=findings, why="不能采用", **kw)
    st = _state("missing", [up])
    views = _views()
    assert views.upload_status(st, up) == "refused"
    shown = views.upload_findings(st, up)
    assert shown[0]["rule"] == rule
    assert shown[0]["message"] == "不能采用。" + KEPT
    others = [f["rule"] for f in shown[1:]]
    assert "T2-4" in others
    assert "WRONG_FORMAT" not in others  # the identity finding is said once, as the reason
    view = views.upload(st, up)
    assert (view["status"], view["label"], view["annotatable"]) == ("refused", "无法采用", False)
    assert (view["errors"], view["warnings"]) == (1 + others.count("HMAC_UNSIGNED"), 1)


def test_an_upload_says_its_name_time_role_and_whether_it_came_on_time():
    import datetime as dt

    up = _upload("current", status="warning", findings=[_finding("T2-4", "warning")], name="甲.xlsx",
                 at="2022-01-20T09:30:00+08:00")
    st = _state("warning", [up], findings=[_finding("T2-4", "warning"), _finding("T3-1", "error", "E6")])
    view = _views(deadline=dt.date(2022, 1, 20)).upload(st, up)
    assert view == {"sha256": "a" * 64, "name": "甲.xlsx", "at": "2022-01-20T09:30:00+08:00", "on_time": True,
                    "role": "current", "role_label": "当前采用", "why": "", "current": True, "status": "warning",
                    "label": "有警告", "annotatable": True, "errors": 1, "warnings": 1}
    assert _views(deadline=dt.date(2022, 1, 19)).upload(st, up)["on_time"] is False
    assert _views().upload(st, up)["on_time"] is None
    ok = _state("ok", [up])
    assert _views().upload(ok, up)["annotatable"] is False  # nothing to mark
    assert _views().upload(_state("error", [up]), up)["annotatable"] is True
    nofigures = _upload("current", figures=False)
    assert _views().upload(_state("error", [nofigures]), nofigures)["annotatable"] is False


def test_the_agency_view_counts_what_it_shows_with_the_explanations_and_the_decision():
    from nianbao.county.events import Event
    from nianbao.county.state import finding_key

    error, warning, info = _finding("T3-1", "error"), _finding("T2-4", "warning", "E7"), _finding("I", "info")
    explained = Event("explained", "a" * 64, "2022-01-21T10:00:00+08:00", "agency:A1", "A1",
                      finding=finding_key(warning), note="今年确有大额收费。")
    decided = Event("accepted", "a" * 64, "2022-01-22T10:00:00+08:00", "office", "A1", note="情况属实。")
    current = _upload("current", status="error", findings=[error, warning, info])
    refused = _upload("unusable", code="B7", sha="c" * 64, at="2022-01-23T09:00:00+08:00", name="错.xlsx",
                      why="不是本单位的")
    forged = _upload("forged", verified=False, sha="d" * 64, why="签名不符")
    st = _state("error", [refused, forged, current], findings=[error, warning, info], review="accepted_errors",
                decision=decided, explanations={finding_key(warning): explained}, included=True, due=False,
                notes=["说明"])
    views = _views()
    brief = views.agency(st)
    assert {k: brief[k] for k in ("code", "name", "group", "email", "status", "label", "review", "review_label",
                                  "included", "due", "notes", "errors", "warnings", "explained", "count",
                                  "unusable")} == {
        "code": "A1", "name": "测试县第一局", "group": "乡镇", "email": "a1@example.cn", "status": "error",
        "label": "有错误", "review": "accepted_errors", "review_label": st.review_label, "included": True,
        "due": False, "notes": ["说明"], "errors": 1, "warnings": 1, "explained": 1, "count": 3, "unusable": 2}
    assert brief["decision"] == {"kind": "accepted", "label": st.review_label, "note": "情况属实。",
                                 "at": "2022-01-22T10:00:00+08:00", "actor": "office"}
    assert brief["current"] == {"sha256": "a" * 64, "name": "a.xlsx", "at": "2022-01-20T09:30:00+08:00",
                                "on_time": None}
    assert brief["latest"]["name"] == "错.xlsx"
    assert brief["latest"]["status"] == "refused"
    assert "findings" not in brief
    assert "history" not in brief
    full = views.agency(st, full=True)
    assert [f["rule"] for f in full["findings"]] == ["T3-1", "T2-4"]
    assert full["findings"][1]["explanation"] == {"text": "今年确有大额收费。", "at": "2022-01-21T10:00:00+08:00",
                                                 "actor": "agency:A1"}
    assert full["findings"][0]["explanation"] is None
    assert [h["name"] for h in full["history"]] == ["错.xlsx", "a.xlsx", "a.xlsx"]


def test_an_agency_without_a_current_file_shows_no_findings_of_it():
    refused = _upload("unusable", code="B7", why="不是本单位的")
    st = _state("error", [refused], findings=[_finding("T3-1", "error")])
    brief = _views().agency(st, full=True)
    assert (brief["current"], brief["errors"], brief["findings"], brief["decision"]) == (None, 0, [], None)
    empty = _views().agency(_state("missing"))
    assert (empty["latest"], empty["count"], empty["unusable"]) == (None, 0, 0)


def test_a_verdict_names_the_earlier_arrival_of_the_same_bytes_only():
    newest = _upload("current", name="三.xlsx", at="2022-01-22T09:00:00+08:00")
    other = _upload("superseded", sha="b" * 64, name="二.xlsx", at="2022-01-21T09:00:00+08:00",
                    why="之后报送了新的文件")
    oldest = _upload("earlier", name="一.xlsx", at="2022-01-20T09:00:00+08:00")
    st = _state("ok", [newest, other, oldest])
    views = _views()
    said = views.verdict(st, newest)
    assert said["again"] == {"name": "一.xlsx", "at": "2022-01-20T09:00:00+08:00"}
    assert said["duplicate"] is True
    assert said["receipt"] == {"sha256": "a" * 64, "original_name": "三.xlsx", "received_at": newest.at}
    assert (said["ok"], said["status"], said["label"], said["role"], said["current"]) == (
        True, "ok", "通过", "current", True)
    assert not {"latest", "email", "group"} & set(said["agency"])
    assert said["agency"]["code"] == "A1"
    assert views.verdict(st, oldest)["again"] is None  # nothing before the first
    assert views.verdict(st, other)["duplicate"] is False
    assert (said["why"], views.verdict(st, other)["why"]) == ("", "之后报送了新的文件")
    assert views.verdict(st, other)["current"] is False
    assert set(VERDICT_LABELS) >= {"missing", "error", "warning", "ok", "unreadable", "refused"}


def test_the_index_of_uploads_counts_what_the_department_is_shown(client, links, tmp_path, service, office):
    upload(client, links["A1"], workbook(tmp_path / "bad.xlsx", broken=True))
    upload(client, links["A1"], workbook(tmp_path / "a2.xlsx", "A2"))
    page = client.get("/office/agency/A1", headers={"accept": "application/json"})
    assert page.status_code == 200
    body = page.json()
    agency = body.get("agency", body)
    for h in agency["history"]:
        assert h["errors"] == sum(f["severity"] == "error" for f in h.get("findings", [])) or "findings" not in h
    assert [(h["name"], h["status"]) for h in agency["history"]] == [("a2.xlsx", "refused"), ("bad.xlsx", "error")]
    assert (agency["errors"], agency["unusable"], agency["count"]) == (2, 1, 2)


# ---------------------------------------------------------------- the names agencies' files are written under

# The folders the earlier version kept refused workbooks in, by agency code: migration 003 reads them, so the
# names must stay as that version wrote them.
PINNED = {
    "A1": "A1",
    "230421-07": "230421-07",
    "a_B-9": "a_B-9",
    "7" * 64: "7" * 64,
    "7" * 65: "x-" + "37" * 60,  # longer than 64: hex, at most 120 hex digits
    "萝北/01": "x-" + "萝北/01".encode().hex(),
    "..": "x-2e2e",
    "A 1": "x-412031",
    "Ａ1": "x-efbca131",  # a full-width letter is not ASCII
    "x-01": "x-01",
    "": "x-",
}


@pytest.mark.parametrize(("code", "folder"), PINNED.items(), ids=range(len(PINNED)))
def test_the_earlier_versions_folders_are_named_as_it_named_them(code, folder):
    assert refused_dir(code) == folder


@pytest.mark.parametrize(("code", "name"), [("A1", "A1"), ("230421-07", "230421-07"), ("x-01", "x-782d3031"),
                                            ("x-412031", "x-782d343132303331"), ("A 1", "x-412031"),
                                            ("萝北/01", "x-" + "萝北/01".encode().hex()), ("", "x-")])
def test_each_agencys_template_and_reminder_file_has_a_name_of_its_own(code, name):
    """A plain code is its own file name, any other code "x-" and its hex — a code that itself starts with
    "x-" too, or the roster's "x-412031" would be given the template written for "A 1"."""
    assert code_name(code) == name
    hostile = ["A1", "A 1", "x-412031", "x-7", "x-782d37", "萝北/01", "..", ".", "", "x-", "X-41", "a_B-9"]
    assert len({code_name(c) for c in hostile}) == len(hostile)


@pytest.mark.parametrize("stem", ["萝北县人民政府办公室萝北县人民政府外事办公室县", "A" * 70, "x-" + "9" * 70])
def test_long_codes_that_begin_alike_have_files_of_their_own(stem):
    """Codes longer than a file name may spell (a roster listing each office by its full Chinese name) are named
    by their beginning and a digest of the whole: two that share their first 60 bytes never share a template
    (the second department would be given the first one's, stamped with its name and code)."""
    codes = [stem + tail for tail in ("（县外事办公室）", "（县政府研究室）", "1", "2", "")]
    names = [code_name(c) for c in codes]
    assert len(set(names)) == len(codes)
    assert all(n.startswith("x-") for n in names)
    assert {len(n) for n in names} == {122}  # the whole budget: 39 hex characters (156 bits) of digest
    assert all(set(n[2:]) <= set("0123456789abcdef-") for n in names)
    assert names[0].startswith("x-" + codes[0].encode().hex()[:80])  # the beginning still reads back
    assert code_name("甲" * 20) == "x-" + ("甲" * 20).encode().hex()  # 120 hex characters: spelled out whole
    assert code_name("甲" * 20 + "乙") != code_name("甲" * 20 + "丙")  # 126: beginning and digest


def test_a_roster_code_of_any_characters_gets_its_own_template_and_its_verdict(tmp_path):
    """Codes with characters no file name takes (a slash, Chinese) still get their own template file,
    and a file sent at their link is theirs."""
    from starlette.testclient import TestClient

    from nianbao.web import auth
    from nianbao.web.app import create_app
    from nianbao.web.links import make_links
    from nianbao.web.service import Service, ServiceConfig

    roster = tmp_path / "roster.csv"
    roster.write_text("code,name,level\n萝北/01,萝北县第一局,county\nx-7,萝北县第七局,county\n", encoding="utf-8")
    config = ServiceConfig(store=tmp_path / "store", roster_path=roster, year=YEAR, format_id=FMT.id, workers=0,
                           name="萝北县", code="230421", base_url="http://testserver")
    service = Service(config)
    auth.set_password(service.db, "测试密码-office-1234")
    urls = {x["code"]: x["url"].removeprefix("http://testserver") for x in
            make_links(service.db, service.web_dir, service.roster, "http://testserver")}
    with TestClient(create_app(config, service=service), base_url="http://testserver") as client:
        for code, name in (("萝北/01", "萝北县第一局"), ("x-7", "萝北县第七局")):
            got = client.get(urls[code] + "/template.xlsx")
            book = tmp_path / f"{name}.xlsx"
            book.write_bytes(got.content)
            assert check_file(book).agency == {"name": name, "code": code, "level": "county"}
            assert openpyxl.load_workbook(io.BytesIO(got.content)).sheetnames
            other = workbook(tmp_path / f"other-{name}.xlsx", "A2")
            body = upload(client, urls[code], other).json()
            assert body["status"] == "refused"
            assert body["agency"]["code"] == code
            mine = upload(client, urls[code], book).json()
            assert mine["agency"]["code"] == code
            assert mine["role"] == "current"
    service.stop()
