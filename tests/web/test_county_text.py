"""Publishable from the web (issue 20): the office gives the county's text, date and contact on its page, with
the meaning compile's --name/--narrative/--narrative-from/--date/--contact have; 生成汇总 says plainly whether
the county report is publishable or a draft, and what is missing."""

from __future__ import annotations

import lxml.html
import pytest
from web_kit import JSON, NARRATIVE, upload, workbook

from nianbao.cli import main

CONTACT = {"contact_address": "测试县人民路1号", "contact_postcode": "154200", "contact_phone": "0468-3612345",
           "contact_email": "gk@example.cn"}


def _csrf(client) -> str:
    return lxml.html.fromstring(client.get("/office").text).xpath("//form[@action='/office/county-text']"
                                                                  "//input[@name='csrf']/@value")[0]


def _save(client, fields: dict, narrative: tuple[str, bytes] | None = None, **kw):
    files = {"narrative": narrative} if narrative else {"narrative": ("", b"", "application/octet-stream")}
    return client.post("/office/county-text", data={"csrf": _csrf(client), **fields}, files=files, **kw)


def _compile(client) -> dict:
    return client.post("/office/compile", data={"csrf": _csrf(client)}, headers=JSON).json()


@pytest.fixture
def reported(office, links, tmp_path):
    upload(office, links["A1"], workbook(tmp_path / "a1.xlsx"))
    upload(office, links["A2"], workbook(tmp_path / "a2.xlsx", "A2", seed=2))
    return office


def test_text_date_and_contact_make_the_county_report_publishable(reported, tmp_path, service):
    r = _save(reported, {"name": "测试县人民政府", "source": "file", "date": "2022-01-20", **CONTACT},
              ("文字说明.md", NARRATIVE.encode()), follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/office#county-text")
    saved = reported.get("/office/status.json").json()["county_text"]
    assert (saved["name"], saved["narrative_name"], saved["date"]) == ("测试县人民政府", "文字说明.md", "2022-01-20")
    outcome = _compile(reported)
    p = outcome["publication"]
    assert (p["publishable"], p["missing"], p["contradictions"], p["date"]) == (True, [], [], "2022年1月20日")
    report = reported.get("/office/outputs/md").text
    assert "测试县人民政府" in report
    assert "2022年1月20日" in report
    assert "个别单位公开不够及时" in report
    assert "电话：0468-3612345" in report
    page = lxml.html.fromstring(reported.get("/office").text)
    shown = page.xpath("//section[@id='compile']//*[@data-publishable]")[0]
    assert shown.get("data-publishable") == "true"
    assert "汇总年报可以发布" in shown.text_content()

    # the same store and options through the command line: the same county report, word for word
    (tmp_path / "n.md").write_text(NARRATIVE, encoding="utf-8")
    assert main(["compile", "--store", str(service.config.store), "--roster", str(service.config.roster_path),
                 "--year", "2021", "--name", "测试县人民政府", "--code", "999", "--narrative", str(tmp_path / "n.md"),
                 "--date", "2022-01-20", "--contact", "地址=测试县人民路1号", "--contact", "邮编=154200",
                 "--contact", "电话=0468-3612345", "--contact", "邮箱=gk@example.cn", "-o", str(tmp_path / "cli")]) == 1
    cli = next((tmp_path / "cli").glob("*.md")).read_text(encoding="utf-8")
    assert cli == report


def test_without_text_it_is_a_draft_and_says_what_is_missing(reported):
    outcome = _compile(reported)
    p = outcome["publication"]
    assert not p["publishable"]
    assert "一、总体情况" in p["missing"]
    section = lxml.html.fromstring(reported.get("/office").text).xpath("//section[@id='compile']")[0].text_content()
    assert "汇总年报是草稿，不得发布" in section
    assert "缺少" in section
    assert "一、总体情况" in section
    assert "草稿" in reported.get("/office/outputs/md").text


def test_a_sentence_the_tables_contradict_keeps_it_a_draft_with_the_drafted_sentence(reported):
    wrong = NARRATIVE.replace("依法做好政府信息公开工作。", "全年新收政府信息公开申请9999件。")
    _save(reported, {"name": "测试县人民政府", "source": "file"}, ("说明.txt", wrong.encode("gb18030")))
    p = _compile(reported)["publication"]
    assert not p["publishable"]
    assert p["missing"] == []
    assert len(p["contradictions"]) == 1
    message = p["contradictions"][0]["message"]
    assert "9999" in message
    assert "按表格生成的表述" in message
    page = reported.get("/office").text
    assert "9999" in page
    assert "文字说明建议稿" in page
    suggestion = reported.get("/office/outputs/suggestion")
    assert suggestion.status_code == 200
    assert "9999" not in suggestion.text


def test_the_text_of_a_filed_report(reported):
    assert _save(reported, {"name": "测试县人民政府", "source": "from", "narrative_from": "A1"}).status_code == 200
    p = _compile(reported)["publication"]
    assert p["sources"] == [{"where": "测试县第一局（A1）报送的年报", "sections": ["一", "五", "六"]}]


@pytest.mark.parametrize(("fields", "narrative", "said"), [
    ({"date": "2022-13-45"}, None, "落款日期"),
    ({"contact_postcode": "12345", "contact_phone": "0468-3612345"}, None, "邮编“12345”应为 6 位数字"),
    ({"contact_postcode": "154200"}, None, "至少要给出地址、电话或电子邮箱"),
    ({"source": "file"}, ("说明.doc", b"\xd0\xcf\x11\xe0"), "另存为 .docx"),
    ({"source": "file"}, ("说明.md", "只有一段话，没有标题".encode()), "没有找到"),
    ({"source": "file"}, None, "请选择文字说明文件"),
    ({"source": "from", "narrative_from": "XX"}, None, "请选择采用哪个单位"),
    ({"name": "县" * 61}, None, "汇总单位名称过长"),
])
def test_a_mistake_is_named_in_chinese_and_nothing_is_saved(office, fields, narrative, said):
    before = office.get("/office/status.json").json()["county_text"]
    r = _save(office, fields, narrative)
    assert r.status_code == 400
    error = lxml.html.fromstring(r.text).xpath("//section[@id='county-text']//p[@class='form-error']")[0].text_content()
    assert said in error
    assert "--" not in error  # the web's words, not the command line's
    assert office.get("/office/status.json").json()["county_text"] == before
