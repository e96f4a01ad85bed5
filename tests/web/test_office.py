"""The office: login, the roster's status, review, compile, downloads, audit."""

from __future__ import annotations

import io
import json

import openpyxl
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
    assert status["latest"]["review"]["decision"] == "returned"


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
    office.post("/office/review", data={"csrf": csrf_of(office), "code": "A1", "sha256": sha, "decision": "accepted"})
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


def test_compile_uses_the_previous_year(tmp_path, config, service, links, client):
    """--previous: the office's compile checks against last year's store, like `compile --previous`."""
    from nianbao.check.run import check_file
    from nianbao.county.store import Store

    last_year = Store(tmp_path / "store-2020")
    old = workbook(tmp_path / "a1-2020.xlsx", year=2020)
    last_year.add(old, check_file(old))
    upload(client, links["A1"], workbook(tmp_path / "ok.xlsx"))
    login(client)

    def rules() -> set[str]:
        assert client.post("/office/compile", data={"csrf": csrf_of(client)}).status_code == 200
        summary = client.get("/office/outputs/summary.json").json()
        return {f["rule"] for f in summary["findings"] if f["agency_code"] == "A1"}

    assert "T3-4" not in rules()  # no previous year: nothing to compare with
    service.config.previous = last_year.root
    assert "T3-4" in rules()  # 上年结转 ≠ last year's 结转下年度 (the two workbooks are unrelated)
    service.config.previous = tmp_path / "not-a-summary.txt"
    service.config.previous.write_text("x")
    r = client.post("/office/compile", data={"csrf": csrf_of(client)}, headers={"accept": "application/json"})
    assert r.status_code == 400
    assert r.json()["code"] == "previous"
    assert "上一年度" in r.json()["error"]
