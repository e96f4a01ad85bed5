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


def test_same_bytes_twice_is_one_file_and_two_arrivals(client, links, tmp_path, service):
    """Issue 18 repro 2: every upload is an arrival of its own (its own name and time), even of bytes sent before."""
    path = workbook(tmp_path / "ok.xlsx")
    first = upload(client, links["A1"], path).json()
    second = upload(client, links["A1"], path, name="ok-again.xlsx").json()
    assert not first["duplicate"]
    assert second["duplicate"]
    assert second["again"] == {"name": "ok.xlsx", "at": first["receipt"]["received_at"]}
    assert second["receipt"]["original_name"] == "ok-again.xlsx"
    assert second["current"]
    assert second["status"] == "ok"
    assert len(Store(service.config.store).receipts()) == 1  # the bytes are stored once
    history = client.get(links["A1"] + "/status.json").json()["agency"]["history"]
    assert [(h["name"], h["role"]) for h in history] == [("ok-again.xlsx", "current"), ("ok.xlsx", "earlier")]
    assert "内容完全相同" in client.get(links["A1"]).text


def test_a_mistaken_upload_never_displaces_a_good_report(client, links, tmp_path):
    """Issue 18 repros 2 and 3: good .xlsx, then a mistaken .ods: the good one stays current; sent again, it is
    the latest upload again."""
    good = workbook(tmp_path / "good.xlsx")
    ods = tmp_path / "wrong.ods"
    ods.write_bytes(b"PK\x03\x04 an OpenDocument spreadsheet, not the template")
    upload(client, links["A1"], good)
    mistaken = upload(client, links["A1"], ods).json()
    assert mistaken["status"] == "unreadable"
    assert not mistaken["current"]
    assert mistaken["agency"]["status"] == "ok"
    assert mistaken["agency"]["current"]["name"] == "good.xlsx"
    page = client.get(links["A1"]).text
    assert "最近一次上传的 wrong.ods" in page
    assert "目前采用的仍是 good.xlsx" in page
    again = upload(client, links["A1"], good).json()
    assert again["current"]
    assert again["status"] == "ok"
    data = client.get(links["A1"] + "/status.json").json()
    assert [h["role"] for h in data["agency"]["history"]] == ["current", "unusable", "earlier"]
    assert data["upload"]["current"]


def test_another_agencys_workbook_is_kept_and_never_counted_for_either(client, links, tmp_path, service):
    path = workbook(tmp_path / "a2.xlsx", "A2")
    body = upload(client, links["A1"], path).json()
    assert body["status"] == "refused"
    assert body["findings"][0]["rule"] == "WRONG_AGENCY"
    assert "测试县第二局" in body["findings"][0]["message"]
    assert "已留存备查" in body["findings"][0]["message"]
    assert len(Store(service.config.store).receipts()) == 1  # kept, as every upload is
    status = client.get(links["A1"] + "/status.json").json()
    assert status["agency"]["status"] == "error"  # only a file it cannot use (county/state.py rule 4)
    assert status["agency"]["current"] is None
    assert status["agency"]["unusable"] == 1
    # A2 has not reported: the workbook sent at A1's link is not A2's report
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
    sha = client.get(links["A1"] + "/status.json").json()["agency"]["current"]["sha256"]
    a = client.get(f"{links['A1']}/annotated/{sha}.xlsx")
    assert a.status_code == 200
    assert "问题清单" in openpyxl.load_workbook(io.BytesIO(a.content)).sheetnames


def test_status_json_is_the_page_context(client, links, tmp_path):
    upload(client, links["A1"], workbook(tmp_path / "ok.xlsx"))
    data = client.get(links["A1"] + "/status.json").json()
    assert data["agency"]["code"] == "A1"
    assert data["agency"]["status"] == "ok"
    assert data["upload"]["label"] == "通过"
    json.dumps(data)
    assert client.get(links["A1"], headers=JSON).json() == data
