"""The demo's county report is true by construction: nianbao's own audit finds nothing in it, and it reads
back through import to exactly the compiled figures — as Word, as a web page and as LibreOffice's PDF.

The demo takes 一、五、六 from the 县政府办公室's own report, whose 总体情况 states the office's own
figures (7 applications) under county tables of 98: compile flags it, keeps that report a draft and
writes a suggestion; the demo compiles again with the suggestion, as the office would after reading it.

Its review is an office's: reports with table errors are returned (counted, they would break the county
tables), and 市场监管局's cross-year difference, explained (last year's report was wrong and has been
corrected), is accepted with a reason; the county's own T3-4 against last year is shown, not blocking.
"""

from __future__ import annotations

import json

import pytest
from lo import convert_all

from nianbao.cli import main
from nianbao.format.drafting import draft
from nianbao.format.spec import all_formats
from nianbao.published.audit import audit_paths
from nianbao.published.importer import import_file
from nianbao.render.report_text import CONTRADICTION_MARK, draft_reason
from nianbao.workflow.demo import CONTACT


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "out"
    assert main(["demo", str(out)]) == 0
    folder = out / "4-汇总"
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return folder, summary["report"]


def _report(folder, suffix: str):
    (path,) = folder.glob(f"萝北县人民政府2021年政府信息公开工作年度报告.{suffix}")
    return path


def test_the_demo_flags_the_offices_figures_then_publishes_the_reviewed_text(demo, capsys):
    folder, county = demo
    suggestion = (folder / "文字说明（建议稿）.md").read_text(encoding="utf-8")
    assert "全年新收政府信息公开申请7件" not in suggestion
    assert f"本年度共新收政府信息公开申请{county['tables']['requests.received.total']}件" in suggestion
    assert county["sections"]["overview"] == suggestion.split("五、")[0].split("\n", 1)[1].strip()
    assert CONTRADICTION_MARK not in _report(folder, "md").read_text(encoding="utf-8")


def test_the_demo_returns_table_errors_and_accepts_an_explained_cross_year_difference(demo):
    folder, county = demo
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    agencies = {a["code"]: a for a in summary["agencies"]}
    for code in ("230421-03", "230421-09"):  # 教育局 “十二”, 住建局 T3-1: returned, not counted, chased
        a = agencies[code]
        assert (a["review"], a["included"], a["due"]) == ("returned", False, True)
        assert a["decision"]["note"]
    market = agencies["230421-12"]  # 市场监管局: last year's 结转下年度 was wrong, corrected in February
    assert (market["status"], market["review"], market["included"], market["due"]) == (
        "error", "accepted_errors", True, False)
    own = [f for f in summary["findings"] if f["agency_code"] == "230421-12"]
    assert [f["rule"] for f in own] == ["T3-4", "T3-4"]
    assert all(f["explanation"]["text"].startswith("去年年报结转数有误，已于 2 月更正") for f in own)
    assert not any(a["status"] == "error" and a["included"] for a in summary["agencies"] if a["code"] != "230421-12")
    fmt = all_formats()[county["format"]]
    assert draft_reason(county, fmt) is None  # the one verdict: publishable
    assert [f["rule"] for f in summary["county_findings"] if f["severity"] == "error"] == ["T3-4", "T3-4"]
    for f in summary["county_findings"]:  # the county's 上年结转 against 2020's: 市场监管局's, explained and accepted
        if f["rule"] == "T3-4":
            (cause,) = f["causes"]
            assert (cause["agency_code"], cause["review"]) == ("230421-12", "accepted_errors")
            assert cause["explanation"] == own[0]["explanation"]["text"]
            assert cause["reason"] == market["decision"]["note"]


def test_the_county_report_passes_nianbaos_own_audit_and_imports_back_exactly(demo):
    folder, county = demo
    paths = [_report(folder, "docx"), _report(folder, "html")]
    for result in audit_paths(paths):
        assert result.findings == [], (result.file, [f.message for f in result.findings])
    for path in paths:
        back = import_file(path).document
        assert back["tables"] == county["tables"], path.name  # every cell, as compiled
        assert "cell_states" not in back or all(s["state"] == "number" for s in back["cell_states"].values())


def test_sections_two_to_four_open_with_the_county_figures_in_words(demo):
    folder, county = demo
    fmt = all_formats()[county["format"]]
    text = _report(folder, "md").read_text(encoding="utf-8")
    words = draft(fmt, county["tables"])
    for section, following in zip(fmt.sections, fmt.sections[1:], strict=False):
        if section.table:
            body = text[text.index(f"## {section.heading}"):text.index(f"## {following.heading}")]
            assert body.split("\n\n")[1] == words[section.key]  # first, before the table
    assert "本年度共新收政府信息公开申请98件" in text  # the county's, not the office's 7


@pytest.mark.libreoffice
def test_the_county_report_as_libreoffices_pdf_passes_audit_and_imports_back(demo, tmp_path):
    folder, county = demo
    (pdf,) = convert_all([_report(folder, "docx")], tmp_path, to="pdf")
    (result,) = audit_paths([pdf])
    assert [f for f in result.findings if f.severity != "info"] == [], [f.message for f in result.findings]
    assert import_file(pdf).document["tables"] == county["tables"]


def test_the_published_county_report_closes_its_opening_with_the_public_contact(demo):
    """The demo's last compile (the reviewed text) keeps --contact: a published report names where to ask."""
    folder, _ = demo
    for suffix in ("md", "html"):
        text = _report(folder, suffix).read_text(encoding="utf-8")
        for value in CONTACT.values():
            assert value in text, (suffix, value)
