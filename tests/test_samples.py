"""The shipped samples: built from their sources, checked as the inbox manifest says, demo end to end."""

from __future__ import annotations

import importlib.util
import json

import pytest
import yaml

from nianbao.check.run import check_file
from nianbao.cli import main
from nianbao.format.spec import get_format
from nianbao.paths import samples_dir

SAMPLES = samples_dir()
MANIFEST = yaml.safe_load((SAMPLES / "inbox-2021.yaml").read_text(encoding="utf-8"))


def _build_module():
    spec = importlib.util.spec_from_file_location("samples_build", SAMPLES / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_workbooks_match_their_sources():
    """If this fails, run: python samples/build.py (and review the diff)."""
    assert _build_module().drift() == []


@pytest.mark.parametrize("item", MANIFEST["files"], ids=lambda i: i["file"])
def test_inbox_file_checks_as_the_manifest_says(item):
    result = check_file(SAMPLES / "inbox-2021" / item["file"], expect_year=2021)
    expect = item["expect"]
    assert result.status == expect["status"], [f.message for f in result.findings]
    found = sorted([f.rule, f.key] for f in result.findings)
    assert found == sorted(expect.get("findings", []))
    if "cross_year" in expect:
        prev = json.loads((SAMPLES / "reports" / "2020" / f"{item['agency']}.json").read_text(encoding="utf-8"))
        cross = check_file(SAMPLES / "inbox-2021" / item["file"], expect_year=2021, previous=prev)
        extra = sorted([f.rule, f.key] for f in cross.findings if f.rule.startswith("T3-4"))
        assert extra == sorted(expect["cross_year"])


@pytest.mark.parametrize("name", ["huaian-2024.json", "pingtan-2019.json"])
def test_real_published_reports_check_clean(name):
    """Both real reports hold every rule (their sources say so); check must agree, not invent errors."""
    result = check_file(SAMPLES / "real" / name)
    assert result.errors == 0, [f.message for f in result.findings]
    doc = result.document
    assert get_format(doc["format"]).covers(doc["year"])


def test_real_report_with_a_transcription_error_is_caught(tmp_path):
    """A plausible slip in a real report (one cell mistyped) is found, named by rule and cell."""
    doc = json.loads((SAMPLES / "real" / "huaian-2024.json").read_text(encoding="utf-8"))
    doc["tables"]["requests.outcome.disclosed.natural"] += 10
    path = tmp_path / "huaian.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    rules = {(f.rule, f.key) for f in check_file(path).findings}
    assert ("T3-2", "requests.outcome.disclosed.total") in rules
    assert ("T3-3", "requests.outcome.total.natural") in rules


def test_demo_runs_the_whole_loop(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", str(out)]) == 0
    text = capsys.readouterr().out
    for step in range(1, 7):
        assert f"第 {step} 步" in text
    assert "已报送 16" in text and "未报送 2" in text
    assert len(list((out / "1-模板").glob("*.xlsx"))) == 18
    annotated = sorted(p.name for p in (out / "3-批注退回").iterdir())
    assert len(annotated) == 4 and all(p.endswith("-批注.xlsx") for p in annotated)  # 市场监管局: T3-4 with 2020
    summary = json.loads((out / "4-汇总" / "summary.json").read_text(encoding="utf-8"))
    status = {a["code"]: a["status_label"] for a in summary["agencies"]}
    assert status["230421-06"] == "未报送"  # 财政局 never reported
    assert status["230421-09"] == "有错误"  # 住建局: broken balance
    assert status["230421-22"] == "有错误"  # 名山镇: last year's template
    assert status["230421-08"] == "通过"  # 自然资源局: the corrected second version counts
    assert summary["bugs"] == []
    assert (out / "4-汇总" / "summary.xlsx").exists()
    reports = sorted(p.suffix for p in (out / "5-年度报告").iterdir())
    assert reports == [".docx", ".html"]
    inside = {p.resolve() for p in out.rglob("*")}
    assert all(str(p).startswith(str(out.resolve())) for p in inside)


SAMPLE_BOOKS = sorted((SAMPLES / "workbooks").rglob("*.xlsx")) + sorted((SAMPLES / "inbox-2021").glob("*.xlsx"))


@pytest.mark.parametrize("path", SAMPLE_BOOKS, ids=lambda p: p.name)
def test_both_reader_engines_agree_on_the_sample_corpus(path):
    """The fast direct-XML reader and the openpyxl reference give the same document and findings."""
    from nianbao.intake.read import read_workbook
    from nianbao.intake.safety import screen

    parts: dict = {}
    screened = screen(path, keep=parts) is None  # check_file's way: parts proven DTD-free, C parser
    ref = read_workbook(path, engine="openpyxl")
    for fast in [read_workbook(path, engine="fast")] + ([read_workbook(path, parts=parts)] if screened else []):
        assert fast.document == ref.document
        assert [f.to_dict() for f in fast.findings] == [f.to_dict() for f in ref.findings]
        assert (fast.fatal, fast.agency, fast.year, fast.kind) == (ref.fatal, ref.agency, ref.year, ref.kind)
