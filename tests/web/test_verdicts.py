"""What the service decides about an upload and keeps: the template at a link, refusals, the findings a
department is shown, the index row, and the evidence folders of refused files."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from web_kit import AGENCIES, FMT, YEAR, upload, workbook

from nianbao.check.run import check_document, check_file
from nianbao.county.roster import RosterEntry
from nianbao.findings import Finding
from nianbao.web.verdicts import IDENTITY_RULES, code_of_refused_dir, findings_of, refusal, refused_dir, row_of

KEPT = "此文件已留存备查，不计入报送。"


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
    assert body["status"] == "refused"
    assert body["label"] == "已拒收"
    assert body["findings"] == [{"rule": "WRONG_YEAR", "severity": "error", "message": identity[0].message + KEPT,
                                 "sheet": None, "cell": None, "place": None}]  # the first reason, as read


def test_another_agencys_workbook_is_refused_naming_both(client, links, tmp_path):
    body = upload(client, links["A1"], workbook(tmp_path / "a2.xlsx", "A2")).json()
    assert body["findings"] == [{
        "rule": "WRONG_AGENCY", "severity": "error", "sheet": None, "cell": None, "place": None,
        "message": "这份工作簿是“测试县第二局”（代码 A2）的模板，不是本单位“测试县第一局”（代码 A1）的。"
                   "请使用本页面下载的本单位模板填报。" + KEPT}]


def test_refusal_decides_on_identity_and_the_claimed_code_only():
    entry = RosterEntry(code="A1", name="测试县第一局", level="county", group=None, email=None)
    doc = {**_doc(), "agency": {"name": "测试县第一局", "code": "A1", "level": "county"}}
    assert refusal(check_document(doc), entry) is None
    broken = {**doc, "tables": {**doc["tables"], "requests.received.natural": doc["tables"][
        "requests.received.natural"] + 1}}
    assert refusal(check_document(broken), entry) is None  # errors are the department's to fix, not a refusal
    nameless = {**doc, "agency": {"name": "", "code": "", "level": "county"}}
    assert refusal(check_document(nameless), entry) is None  # no claim: not another agency's
    other = {**doc, "agency": {"name": "", "code": "B7", "level": "county"}}
    assert refusal(check_document(other), entry)["message"].startswith("这份工作簿是“B7”（代码 B7）的模板")


def _doc():
    from factory import valid_document

    return valid_document(FMT, YEAR)


def test_the_findings_shown_are_the_errors_and_warnings_with_their_place():
    doc = _doc()
    doc["tables"]["requests.carry_forward.natural"] += 1  # T3-1 errors (a column: 自然人, and 总计)
    doc["tables"]["proactive.fees.amount"] = 38000.0  # T2-4 warning
    result = check_document(doc)
    result.findings.append(Finding(rule="NOTE", severity="info", message="提示：仅供参考。"))
    assert {f.severity for f in result.findings} == {"error", "warning", "info"}
    shown = findings_of(result)
    want = [{"rule": f.rule, "severity": f.severity, "message": f.message, "sheet": f.sheet, "cell": f.cell,
             "place": " / ".join(x for x in (f.row_label, f.column_label) if x) or None}
            for f in result.findings if f.severity != "info"]
    assert shown == want
    t31 = next(f for f in shown if f["rule"] == "T3-1")
    assert t31["place"] == "一、本年新收政府信息公开申请数量 / 自然人"
    assert next(f for f in shown if f["rule"] == "T2-4")["place"] == "行政事业性收费 / 本年收费金额（单位：万元）"


def test_a_finding_without_labels_has_no_place():
    result = check_document(_doc())
    result.findings.append(Finding(rule="NOTE", severity="warning", message="整份报告的问题。"))
    assert findings_of(result) == [{"rule": "NOTE", "severity": "warning", "message": "整份报告的问题。",
                                    "sheet": None, "cell": None, "place": None}]


def test_the_index_row_counts_what_the_department_is_shown(client, links, tmp_path, service):
    path = workbook(tmp_path / "bad.xlsx", broken=True)
    body = upload(client, links["A1"], path).json()
    (row,) = service.db.query("SELECT * FROM submissions WHERE agency_code = 'A1'")
    shown = body["findings"]
    assert row["errors"] == sum(f["severity"] == "error" for f in shown) == 2
    assert row["warnings"] == sum(f["severity"] == "warning" for f in shown)
    assert json.loads(row["findings"]) == shown
    assert (row["status"], row["place"], row["original_name"]) == ("error", "store", "bad.xlsx")


def test_row_of_counts_errors_and_warnings_apart():
    class Receipt:
        sha256, stored_as, original_name, received_at = "ab" * 32, "files/ab/x.xlsx", "甲.xlsx", "2022-01-20"

    findings = [{"severity": "error"}, {"severity": "warning"}, {"severity": "warning"}, {"severity": "error"},
                {"severity": "error"}]
    row = row_of("A1", Receipt, "store", "error", findings)
    assert (row["errors"], row["warnings"]) == (3, 2)
    assert row == {"agency_code": "A1", "sha256": "ab" * 32, "place": "store", "stored_as": "files/ab/x.xlsx",
                   "original_name": "甲.xlsx", "received_at": "2022-01-20", "status": "error", "errors": 3,
                   "warnings": 2, "findings": json.dumps(findings)}


# ---------------------------------------------------------------- where refused files are kept

# Folder names are part of the store's layout: a store written now must be found by the next version.
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
    "x-01": "x-782d3031",  # a code that looks like a hex name is written as hex itself
    "": "x-",
}


@pytest.mark.parametrize(("code", "folder"), PINNED.items(), ids=range(len(PINNED)))
def test_evidence_folders_are_named_as_the_store_layout_says(code, folder):
    assert refused_dir(code) == folder


@pytest.mark.parametrize("code", [c for c in PINNED if len(c.encode()) <= 60] + ["x-ab", "x-", "X-41", "县-" * 10])
def test_an_evidence_folder_leads_back_to_its_code(code):
    """index.sync finds each agency's refused files by its folder: the name must give the code back."""
    assert code_of_refused_dir(refused_dir(code)) == code


def test_refused_files_are_found_again_when_the_index_is_rebuilt(client, links, tmp_path, service):
    from nianbao.web.index import rebuild

    upload(client, links["A3"], workbook(tmp_path / "a2.xlsx", "A2"))
    upload(client, links["A1"], workbook(tmp_path / "2020.xlsx", year=2020))
    before = service.db.query("SELECT agency_code, sha256, place, status, findings FROM submissions ORDER BY sha256")
    assert sorted((r["agency_code"], r["place"], r["status"]) for r in before) == [
        ("A1", "refused", "refused"), ("A3", "refused", "refused")]
    assert rebuild(service) == 2
    after = service.db.query("SELECT agency_code, sha256, place, status, findings FROM submissions ORDER BY sha256")
    assert [dict(r) for r in after] == [dict(r) for r in before]


def test_a_roster_code_of_any_characters_gets_its_template_and_its_evidence(tmp_path):
    """Codes with characters no folder name takes (a slash, Chinese) still get their own template file and
    their own evidence folder, and the refused file is indexed under that code."""
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
            assert upload(client, urls[code], other).json()["status"] == "refused"
            assert [r.agency_code for r in service.evidence(code).receipts()] == ["A2"]
        from nianbao.web.index import rebuild

        rebuild(service)
        rows = service.db.query("SELECT agency_code, place FROM submissions ORDER BY agency_code")
        assert sorted((r["agency_code"], r["place"]) for r in rows) == [("x-7", "refused"), ("萝北/01", "refused")]
    service.stop()

