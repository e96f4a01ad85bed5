"""A department at its link: template, upload with an instant verdict, history; JSON API."""

from __future__ import annotations

import io
import json

import openpyxl
from web_kit import JSON, upload, workbook

from nianbao.county.store import Store


def test_page_names_the_agency_and_offers_its_template(client, links):
    r = client.get(links["A1"])
    assert r.status_code == 200
    assert "测试县第一局" in r.text
    assert "下载 2021 年度填报模板" in r.text
    t = client.get(links["A1"] + "/template.xlsx")
    assert t.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(t.content))
    assert book.sheetnames  # a real workbook
    assert "filename*=UTF-8''" in t.headers["content-disposition"]


def test_upload_answers_json_verdict_and_stores_like_collect(client, links, tmp_path, service):
    r = upload(client, links["A1"], workbook(tmp_path / "ok.xlsx"))
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["findings"] == []
    assert len(body["receipt"]["sha256"]) == 64
    assert body["receipt"]["received_at"]
    receipts = Store(service.config.store).receipts()
    assert [x.sha256 for x in receipts] == [body["receipt"]["sha256"]]
    assert receipts[0].agency_code == "A1"
    assert receipts[0].original_name == "ok.xlsx"
    stored = service.config.store / receipts[0].stored_as
    assert stored.read_bytes() == (tmp_path / "ok.xlsx").read_bytes()


def test_findings_name_rule_sheet_and_cell_in_chinese(client, links, tmp_path):
    body = upload(client, links["A1"], workbook(tmp_path / "bad.xlsx", broken=True)).json()
    assert body["status"] == "error"
    errors = [f for f in body["findings"] if f["severity"] == "error"]
    assert errors
    assert all(set(f) >= {"rule", "severity", "message", "sheet", "cell"} for f in errors)
    assert any(f["sheet"] and f["cell"] for f in errors)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in errors[0]["message"])


def test_same_bytes_twice_is_one_submission(client, links, tmp_path, service):
    path = workbook(tmp_path / "ok.xlsx")
    first, second = upload(client, links["A1"], path).json(), upload(client, links["A1"], path).json()
    assert second["duplicate"]
    assert second["receipt"] == first["receipt"]
    assert len(Store(service.config.store).receipts()) == 1
    assert len(client.get(links["A1"] + "/status.json").json()["agency"]["history"]) == 1


def test_another_agencys_workbook_is_refused_and_kept_as_evidence(client, links, tmp_path, service):
    path = workbook(tmp_path / "a2.xlsx", "A2")
    body = upload(client, links["A1"], path).json()
    assert body["status"] == "refused"
    assert body["findings"][0]["rule"] == "WRONG_AGENCY"
    assert "测试县第二局" in body["findings"][0]["message"]
    assert Store(service.config.store).receipts() == []  # never counted
    evidence = service.evidence("A1").receipts()
    assert len(evidence) == 1
    assert evidence[0].agency_code == "A2"
    status = client.get(links["A1"] + "/status.json").json()
    assert status["agency"]["status"] == "missing"
    assert status["agency"]["refused"] == 1
    # A2 has not reported either: the refused file is not counted for it
    assert client.get(links["A2"] + "/status.json").json()["agency"]["status"] == "missing"


def test_another_years_workbook_is_refused(client, links, tmp_path):
    body = upload(client, links["A1"], workbook(tmp_path / "2020.xlsx", year=2020)).json()
    assert body["status"] == "refused"
    assert body["findings"][0]["rule"] == "WRONG_YEAR"


def test_a_file_that_is_no_workbook_is_unreadable_and_still_kept(client, links, tmp_path, service):
    junk = tmp_path / "notes.xlsx"
    junk.write_text("这不是表格", encoding="utf-8")
    body = upload(client, links["A1"], junk).json()
    assert body["status"] == "unreadable"
    assert body["findings"][0]["rule"].startswith("FILE_")
    assert len(Store(service.config.store).receipts()) == 1


def test_html_upload_redirects_to_the_page_with_the_verdict_and_annotated_copy(client, links, tmp_path):
    with open(workbook(tmp_path / "bad.xlsx", broken=True), "rb") as fh:
        r = client.post(links["A1"], files={"file": ("bad.xlsx", fh)})
    assert r.status_code == 200
    assert r.url.path == links["A1"]
    assert "有错误" in r.text
    assert "表三" in r.text
    assert "下载带批注的副本" in r.text
    sha = client.get(links["A1"] + "/status.json").json()["latest"]["receipt"]["sha256"]
    a = client.get(f"{links['A1']}/annotated/{sha}.xlsx")
    assert a.status_code == 200
    assert "问题清单" in openpyxl.load_workbook(io.BytesIO(a.content)).sheetnames


def test_status_json_is_the_page_context(client, links, tmp_path):
    upload(client, links["A1"], workbook(tmp_path / "ok.xlsx"))
    data = client.get(links["A1"] + "/status.json").json()
    assert data["agency"]["code"] == "A1"
    assert data["agency"]["status"] == "ok"
    assert data["latest"]["label"] == "通过"
    json.dumps(data)
    assert client.get(links["A1"], headers=JSON).json() == data
