"""The demo's county report is true by construction: nianbao's own audit finds nothing in it, and it reads
back through import to exactly the compiled figures — as Word, as a web page and as LibreOffice's PDF.

The demo takes 一、五、六 from the 县政府办公室's own report, whose 总体情况 states the office's own
figures (7 applications) under county tables of 98: compile flags it, keeps that report a draft and
writes a suggestion; the demo compiles again with the suggestion, as the office would after reading it.
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
from nianbao.render.report_text import CONTRADICTION_MARK


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
