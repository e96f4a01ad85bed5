"""serve with last year's data (issue 20's web part, issue 18's repro 1): templates issued with last year's
figures (上年结转 pre-filled, as `template --previous`), and a changed 上年结转 caught at upload with last
year's figure, explained by the clerk and accepted by the office with its reason."""

from __future__ import annotations

import io

import openpyxl
import pytest
from starlette.testclient import TestClient
from web_kit import FMT, carried_over, csrf_of, last_year_report, last_year_store, login, upload

from nianbao.format.carried import carried_from
from nianbao.intake.read import read_workbook
from nianbao.web.app import create_app
from nianbao.web.service import Service

CARRY = {"natural": 3, "legal": 1}  # A1's 结转下年度继续办理 of 2020


@pytest.fixture
def served(config, service, links, tmp_path):
    """The service restarted with --previous (last year's store holding A1's report)."""
    last = last_year_store(tmp_path / "store-2020", {"A1": last_year_report("A1", CARRY)})
    service.stop()
    config.previous = last
    again = Service(config)
    with TestClient(create_app(config, service=again), base_url="http://testserver") as client:
        yield client


def test_templates_carry_last_years_figures(served, links, tmp_path):
    page = served.get(links["A1"]).text
    assert "模板已写入本单位上一年度年报的数字" in page
    template = tmp_path / "t.xlsx"
    template.write_bytes(served.get(links["A1"] + "/template.xlsx").content)
    read = read_workbook(template)
    assert read.carried is not None
    assert read.carried.tables["requests.carry_forward.total"] == 4
    assert read.document["tables"]["requests.carried_over.natural"] == 3  # 上年结转 pre-filled
    assert read.document["tables"]["requests.carried_over.legal"] == 1
    assert read.carried == carried_from(FMT, last_year_report("A1", CARRY))
    # A2 had no report last year: its template carries nothing, and its page does not say so
    assert "模板已写入本单位上一年度年报的数字" not in served.get(links["A2"]).text
    other = tmp_path / "a2.xlsx"
    other.write_bytes(served.get(links["A2"] + "/template.xlsx").content)
    assert read_workbook(other).carried is None


def test_a_changed_carry_over_is_caught_at_upload_explained_and_accepted(served, links, tmp_path):
    assert upload(served, links["A1"], carried_over(tmp_path / "same.xlsx", "A1", CARRY)).json()["status"] == "ok"
    body = upload(served, links["A1"], carried_over(tmp_path / "changed.xlsx", "A1", {"natural": 5, "legal": 1})).json()
    assert body["status"] == "error"
    t34 = [f for f in body["findings"] if f["rule"] == "T3-4"]
    assert t34
    assert t34[0]["severity"] == "error"
    assert "3" in t34[0]["message"]  # last year's figure, as compile says it
    r = served.post(links["A1"] + "/explain", data={"key": t34[0]["key"], "sha256": body["receipt"]["sha256"],
                                                    "text": "去年年报结转数有误，已于 2 月更正"})
    assert r.status_code == 200
    login(served)
    accept = served.post("/office/review", data={"csrf": csrf_of(served), "code": "A1",
                                                 "sha256": body["receipt"]["sha256"], "decision": "accepted",
                                                 "note": "去年数字确有错误，已核实更正文件"})
    assert accept.status_code == 200
    a1 = next(a for a in served.get("/office/status.json").json()["agencies"] if a["code"] == "A1")
    assert (a1["review_label"], a1["included"], a1["due"], a1["explained"]) == ("已接收（附说明）", True, False, 1)
    served.post("/office/compile", data={"csrf": csrf_of(served)})
    summary = served.get("/office/outputs/summary.json").json()
    counted = next(a for a in summary["agencies"] if a["code"] == "A1")
    assert (counted["status"], counted["included"]) == ("error", True)
    book = openpyxl.load_workbook(io.BytesIO(served.get("/office/outputs/summary.xlsx").content))
    issues = " ".join(str(c.value) for row in book["问题清单"].iter_rows() for c in row if c.value)
    assert "去年年报结转数有误，已于 2 月更正" in issues
    assert "去年数字确有错误，已核实更正文件" in issues
