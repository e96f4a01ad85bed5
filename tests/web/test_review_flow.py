"""Explain-and-continue and the review loop on the web (issue 18): the department explains each finding, the
office accepts a report with errors only with its reason, or returns it with a note — and every surface (the
department page, the office's pages, summary.json and summary.xlsx, remind) says the same."""

from __future__ import annotations

import email
import email.policy
import io
import re

import lxml.html
import openpyxl
from web_kit import JSON, csrf_of, upload, workbook

from nianbao.cli import main
from nianbao.county.events import read_events

FROM = "gkb@luobei.gov.cn"
EXPLANATION = "去年年报结转数有误，已于 2 月更正"
REASON = "单位已说明，数字已与申请台账核实"


def _row(client, code: str) -> dict:
    return next(a for a in client.get("/office/status.json").json()["agencies"] if a["code"] == code)


def _explain(client, link: str, finding: dict, sha: str, text: str, **kw):
    return client.post(link + "/explain", data={"key": finding["key"], "sha256": sha, "text": text}, **kw)


def _review(client, code: str, sha: str, decision: str, note: str = "", **kw):
    return client.post("/office/review", data={"csrf": csrf_of(client, f"/office/agency/{code}"), "code": code,
                                               "sha256": sha, "decision": decision, "note": note}, **kw)


def _reminded(store, tmp_path) -> set[str]:
    out = tmp_path / "eml"
    main(["remind", "--store", str(store), "--dry-run", "-o", str(out), "--from", FROM])
    return {p.stem for p in out.glob("*.eml")}


def test_explain_then_accept_with_a_reason_shows_everywhere(office, links, tmp_path, service, capsys):
    body = upload(office, links["A2"], workbook(tmp_path / "bad.xlsx", "A2", broken=True)).json()
    sha = body["receipt"]["sha256"]
    error = next(f for f in body["findings"] if f["severity"] == "error")
    assert error["key"]
    assert error["explanation"] is None

    refused = _explain(office, links["A2"], error, sha, "   ")
    assert refused.status_code == 400
    assert "说明不能为空" in refused.text  # on the page, beside the finding
    assert _explain(office, links["A2"], error, sha, EXPLANATION, follow_redirects=False).status_code == 303
    mine = office.get(links["A2"] + "/status.json").json()["agency"]
    explained = next(f for f in mine["findings"] if f["key"] == error["key"])
    assert explained["explanation"]["text"] == EXPLANATION
    assert EXPLANATION in office.get(links["A2"]).text
    assert _row(office, "A2")["explained"] == 1
    assert EXPLANATION in office.get("/office/agency/A2").text

    no_reason = _review(office, "A2", sha, "accepted")
    assert no_reason.status_code == 400
    assert "接收理由" in no_reason.text
    as_json = office.post("/office/review", data={"csrf": csrf_of(office), "code": "A2", "sha256": sha,
                                                  "decision": "accepted"}, headers=JSON)
    assert as_json.json()["code"] == "review"
    assert [e.kind for e in read_events(service.config.store)[0]] == ["sent", "explained"]  # nothing recorded

    assert _review(office, "A2", sha, "accepted", REASON, follow_redirects=False).status_code == 303
    row = _row(office, "A2")
    assert (row["status"], row["review"], row["review_label"], row["included"], row["due"]) == (
        "error", "accepted_errors", "已接收（附说明）", True, False)
    assert row["decision"]["note"] == REASON
    page = office.get(links["A2"]).text
    assert "已接收（附说明）" in page
    assert REASON in page
    assert 'class="accepted decision"' not in page  # never a green 已接收 beside a red 有错误
    assert "A2" not in _reminded(service.config.store, tmp_path)

    office.post("/office/compile", data={"csrf": csrf_of(office)})
    summary = office.get("/office/outputs/summary.json").json()
    a2 = next(a for a in summary["agencies"] if a["code"] == "A2")
    assert (a2["review"], a2["included"], a2["decision"]["note"]) == ("accepted_errors", True, REASON)
    assert EXPLANATION in [(f.get("explanation") or {}).get("text") for f in summary["findings"]
                           if f["agency_code"] == "A2"]
    book = openpyxl.load_workbook(io.BytesIO(office.get("/office/outputs/summary.xlsx").content))
    issues = " ".join(str(c.value) for row in book["问题清单"].iter_rows() for c in row if c.value)
    assert EXPLANATION in issues
    assert REASON in issues
    compiled = office.get("/office/status.json").json()["compile"]
    assert next(a for a in compiled["agencies"] if a["code"] == "A2")["included"]


def test_return_with_a_note_then_upload_again(office, links, tmp_path, service):
    first = workbook(tmp_path / "ok.xlsx")
    sha = upload(office, links["A1"], first).json()["receipt"]["sha256"]
    assert _review(office, "A1", sha, "returned").status_code == 400  # a return says what to change
    assert _review(office, "A1", sha, "returned", "第五部分未写改进措施").status_code == 200
    row = _row(office, "A1")
    assert (row["status"], row["review"], row["included"], row["due"]) == ("ok", "returned", False, True)
    page = office.get(links["A1"]).text
    assert "县政府办公室已退回修改" in page
    assert "第五部分未写改进措施" in page
    assert "A1" in _reminded(service.config.store, tmp_path)
    mail = email.message_from_bytes((tmp_path / "eml" / "A1.eml").read_bytes(), policy=email.policy.default)
    assert "第五部分未写改进措施" in mail.get_body().get_content()

    again = upload(office, links["A1"], workbook(tmp_path / "ok2.xlsx", seed=2)).json()
    assert again["agency"]["review"] == "pending"  # a new current file: 待审核
    assert _row(office, "A1")["included"]
    back = upload(office, links["A1"], first, name="ok-又一次.xlsx").json()
    assert back["agency"]["review"] == "returned"  # the decision holds for those bytes


def test_a_decision_is_taken_only_on_the_file_the_office_saw(office, links, tmp_path):
    old = upload(office, links["A1"], workbook(tmp_path / "a.xlsx")).json()["receipt"]["sha256"]
    upload(office, links["A1"], workbook(tmp_path / "b.xlsx", seed=2))
    r = _review(office, "A1", old, "returned", "请改")
    assert r.status_code == 400
    assert "新的文件" in r.text
    assert _row(office, "A1")["review"] == "pending"


def test_a_mistaken_upload_after_acceptance_leaves_the_decision(office, links, tmp_path):
    sha = upload(office, links["A1"], workbook(tmp_path / "a.xlsx")).json()["receipt"]["sha256"]
    assert _review(office, "A1", sha, "accepted").status_code == 200
    junk = tmp_path / "年报.docx"
    junk.write_bytes(b"PK\x03\x04 a Word file")
    body = upload(office, links["A1"], junk).json()
    assert body["status"] == "unreadable"
    assert (body["agency"]["review"], body["agency"]["current"]["sha256"]) == ("accepted", sha)


def test_every_file_on_office_pages_is_named_never_hashed(office, links, tmp_path):
    """Issue 18: file names, not SHA-256s, where the office reads; the current upload marked."""
    upload(office, links["A1"], workbook(tmp_path / "第一版.xlsx", broken=True))
    upload(office, links["A1"], workbook(tmp_path / "第二版.xlsx", seed=2))
    for path in ("/office", "/office/agency/A1"):
        text = lxml.html.fromstring(office.get(path).text).text_content()
        assert not re.search(r"[0-9a-f]{40,}", text), path  # in links only, never as text
    page = lxml.html.fromstring(office.get("/office/agency/A1").text)
    rows = page.xpath("//table[@id='history']/tbody/tr")
    assert [r.get("class") for r in rows] == ["role-current", "role-superseded"]
    assert "第二版.xlsx" in rows[0].text_content()
    assert "当前采用" in rows[0].text_content()
    assert "第一版.xlsx" in rows[1].text_content()
    assert "已被 第二版.xlsx" in rows[1].text_content()
    assert "（北京时间）" in rows[0].text_content()


def test_the_compile_result_and_the_units_left_out_are_where_the_office_looks(office, links, tmp_path):
    upload(office, links["A1"], workbook(tmp_path / "ok.xlsx"))
    upload(office, links["A2"], workbook(tmp_path / "bad.xlsx", "A2", broken=True))
    r = office.post("/office/compile", data={"csrf": csrf_of(office)}, follow_redirects=False)
    assert r.headers["location"] == "/office#compile"
    page = lxml.html.fromstring(office.get("/office").text)
    section = page.xpath("//section[@id='compile']")[0]
    rows = section.xpath(".//table[@class='left-out']//tr[@data-code]")
    left = {tr.get("data-code"): tr.text_content() for tr in rows}
    assert set(left) == {"A2", "A3"}
    assert "有错误，未计入汇总" in left["A2"]
    assert "未报送" in left["A3"]
    assert "草稿" in section.text_content()  # no county text given yet: said plainly
    missing = office.get("/office/status.json").json()["compile"]["publication"]["missing"]
    assert {"一、总体情况", "五、存在的主要问题及改进情况"} <= set(missing)
