"""The office: login, the roster's status, review, compile, downloads, audit."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from starlette.testclient import TestClient
from web_kit import csrf_of, login, upload, workbook


def test_office_pages_need_a_login(client):
    r = client.get("/office", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/office/login?next=")
    assert client.get("/office/status.json").status_code == 401
    assert client.get("/office/outputs/summary.xlsx", follow_redirects=False).status_code == 303
    assert client.post("/office/compile", data={"csrf": "x"}).status_code == 401


def test_wrong_password_is_refused_and_audited(client, service):
    r = login(client, "not-the-password")
    assert r.status_code == 401
    assert "密码不正确" in r.text
    assert client.get("/office/status.json").status_code == 401
    assert service.db.one("SELECT event FROM audit ORDER BY id DESC")["event"] == "login_failed"


def test_repeated_wrong_passwords_are_rate_limited(client):
    codes = [login(client, "wrong-password").status_code for _ in range(11)]
    assert codes[:10] == [401] * 10
    assert codes[10] == 429


def test_status_table_changes_with_uploads(office, links, tmp_path):
    data = office.get("/office/status.json").json()
    assert data["completion"] == {"reported": 0, "total": 3, "rate": 0, "shown": "0%"}
    assert {a["label"] for a in data["agencies"]} == {"未报送"}
    upload(office, links["A1"], workbook(tmp_path / "ok.xlsx"))
    upload(office, links["A2"], workbook(tmp_path / "bad.xlsx", "A2", broken=True))
    data = office.get("/office/status.json").json()
    by = {a["code"]: a for a in data["agencies"]}
    assert (by["A1"]["label"], by["A2"]["label"], by["A3"]["label"]) == ("通过", "有错误", "未报送")
    assert data["completion"]["reported"] == 2
    assert data["completion"]["shown"] == "66.7%"  # one decimal, as compile prints it
    page = office.get("/office").text
    assert "通过" in page
    assert "有错误" in page
    assert "66.7%" in page


def test_deadline_marks_late_submissions(tmp_path, config, service, links, client):
    import datetime as dt

    service.config.deadline = dt.date(2000, 1, 31)
    upload(client, links["A1"], workbook(tmp_path / "ok.xlsx"))
    login(client)
    a1 = client.get("/office/status.json").json()["agencies"][0]
    assert a1["current"]["on_time"] is False
    assert "逾期" in client.get("/office").text


def test_return_with_a_note_shows_on_the_department_page(office, links, tmp_path):
    sha = upload(office, links["A2"], workbook(tmp_path / "bad.xlsx", "A2", broken=True)).json()["receipt"]["sha256"]
    token = csrf_of(office, "/office/agency/A2")
    missing_note = office.post("/office/review", data={"csrf": token, "code": "A2", "sha256": sha,
                                                       "decision": "returned", "note": ""})
    assert missing_note.status_code == 400
    r = office.post("/office/review", data={"csrf": token, "code": "A2", "sha256": sha, "decision": "returned",
                                            "note": "请核对表三第 8 行"}, follow_redirects=False)
    assert r.status_code == 303
    page = office.get(links["A2"]).text
    assert "已退回" in page
    assert "请核对表三第 8 行" in page
    assert "下载带批注的副本" in page
    status = office.get(links["A2"] + "/status.json").json()
    assert status["agency"]["decision"]["kind"] == "returned"
    assert status["agency"]["review"] == "returned"
    assert status["agency"]["due"]
    assert not status["agency"]["included"]


def test_review_needs_the_csrf_token(office, links, tmp_path):
    sha = upload(office, links["A1"], workbook(tmp_path / "ok.xlsx")).json()["receipt"]["sha256"]
    r = office.post("/office/review", data={"csrf": "forged", "code": "A1", "sha256": sha, "decision": "accepted"})
    assert r.status_code == 403


def test_compile_and_download_the_outputs(office, links, tmp_path):
    upload(office, links["A1"], workbook(tmp_path / "ok.xlsx"))
    upload(office, links["A2"], workbook(tmp_path / "ok2.xlsx", "A2", seed=2))
    assert office.get("/office/outputs/summary.xlsx").status_code == 404  # nothing compiled yet
    r = office.post("/office/compile", data={"csrf": csrf_of(office)}, follow_redirects=False)
    assert r.status_code == 303
    xlsx = office.get("/office/outputs/summary.xlsx")
    assert xlsx.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames
    summary = office.get("/office/outputs/summary.json").json()
    assert summary["completion"]["rate"] == round(2 / 3, 4) or summary["completion"]["reported"] == 2
    assert office.get("/office/outputs/docx").status_code == 200
    assert office.get("/office/outputs/nothing").status_code == 404


def test_every_upload_review_and_download_is_audited(office, links, tmp_path, service):
    sha = upload(office, links["A1"], workbook(tmp_path / "bad.xlsx", broken=True)).json()["receipt"]["sha256"]
    office.get(f"/office/files/A1/{sha}")
    office.get(f"/office/annotated/A1/{sha}.xlsx")
    office.post("/office/review", data={"csrf": csrf_of(office), "code": "A1", "sha256": sha, "decision": "accepted",
                                        "note": "单位已说明，核实无误"})
    events = [e["event"] for e in office.get("/office/audit.json").json()["entries"]]
    assert {"upload", "download", "review", "login"} <= set(events)
    assert events.count("download") == 2
    page = office.get("/office/audit").text
    assert "上传" in page
    assert "县政府办公室" in page
    assert "接收" in page
    assert "批注副本" in page


def test_original_download_is_the_stored_bytes(office, links, tmp_path):
    path = workbook(tmp_path / "ok.xlsx")
    sha = upload(office, links["A1"], path).json()["receipt"]["sha256"]
    assert office.get(f"/office/files/A1/{sha}").content == path.read_bytes()
    assert office.get(f"/office/files/A2/{sha}").status_code == 404


def test_logout_ends_the_session(office):
    r = office.post("/office/logout", data={"csrf": csrf_of(office)}, follow_redirects=False)
    assert r.status_code == 303
    assert office.get("/office/status.json").status_code == 401
    json.dumps({})


def test_the_previous_year_judges_uploads_pages_and_compile_alike(tmp_path, config, service, links, client):
    """Issue 18 repro 1: with --previous (added later, the service restarted) the upload, the pages and 生成汇总
    all say 有错误 (T3-4, with last year's figure); before it, all of them say 通过."""
    from nianbao.check.run import check_file
    from nianbao.county.store import Store
    from nianbao.web.app import create_app
    from nianbao.web.service import Service

    last_year = Store(tmp_path / "store-2020")
    old = workbook(tmp_path / "a1-2020.xlsx", year=2020)
    last_year.receive(old, check_file(old), actor="collect")
    assert upload(client, links["A1"], workbook(tmp_path / "ok.xlsx")).json()["status"] == "ok"
    login(client)

    def compiled(c) -> dict:
        assert c.post("/office/compile", data={"csrf": csrf_of(c)}).status_code == 200
        summary = c.get("/office/outputs/summary.json").json()
        return {a["code"]: a["status"] for a in summary["agencies"]}

    assert compiled(client)["A1"] == "ok"  # no previous year: nothing to compare with
    client.close()
    service.stop()
    config.previous = last_year.root
    again = Service(config)
    with TestClient(create_app(config, service=again), base_url="http://testserver") as c:
        login(c)
        a1 = next(a for a in c.get("/office/status.json").json()["agencies"] if a["code"] == "A1")
        assert (a1["status"], a1["included"], a1["due"]) == ("error", False, True)  # re-judged at start
        mine = c.get(links["A1"] + "/status.json").json()["agency"]
        t34 = [f for f in mine["findings"] if f["rule"] == "T3-4"]
        assert t34
        assert "上年" in t34[0]["message"]
        assert compiled(c)["A1"] == "error"
        assert upload(c, links["A1"], workbook(tmp_path / "ok2.xlsx", seed=3)).json()["status"] == "error"


def test_a_previous_year_that_cannot_be_read_stops_the_start_in_chinese(tmp_path, config):
    from nianbao.county.previous import PreviousError
    from nianbao.web.service import Service

    config.previous = tmp_path / "not-a-summary.txt"
    config.previous.write_text("x")
    service = Service(config)
    try:
        with pytest.raises(PreviousError, match="无法识别上一年度数据"):
            service.start()
    finally:
        service.stop()
