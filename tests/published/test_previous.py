"""compile --previous accepts a folder of last year's published reports (matched by agency name)."""

from __future__ import annotations

import json

from factory import valid_document
from published_kit import rendered

from nianbao.cli import main
from nianbao.format.document import compute_derived
from nianbao.format.spec import all_formats
from nianbao.template.write import write_template

FMT = all_formats()["gov-info-disclosure-2021"]
OLD = all_formats()["gov-info-disclosure-2019"]


def _carry_over(doc: dict, last: dict) -> None:
    """This year's 上年结转 := last year's 结转下年度, the column balance (T3-1) kept with non-negative counts."""
    t = doc["tables"]
    for col in ("natural", "commercial", "research", "nonprofit", "legal", "other_org"):
        delta = last["tables"][f"requests.carry_forward.{col}"] - t[f"requests.carried_over.{col}"]
        t[f"requests.carried_over.{col}"] += delta
        t[f"requests.received.{col}"] -= delta
        if t[f"requests.received.{col}"] < 0:
            t[f"requests.carry_forward.{col}"] -= t[f"requests.received.{col}"]
            t[f"requests.received.{col}"] = 0
    doc["tables"] = compute_derived(FMT, {k: t[k] for k in FMT.input_keys()})


def test_first_year_compile_checks_carry_over_against_published_reports(tmp_path, capsys):
    inbox, published = tmp_path / "inbox", tmp_path / "published-2020"
    inbox.mkdir()
    published.mkdir()
    for i, form in ((1, "html"), (2, "docx")):
        agency = {"name": f"测试县第{i}局", "code": f"A{i}", "level": "county"}
        last = valid_document(OLD, 2020, seed=20 + i, agency=agency)
        rendered(published, last, form, f"{i}")
        doc = valid_document(FMT, 2021, seed=i, agency=agency)
        if i == 1:  # agency 1 carries over exactly what it printed last year: no T3-4
            _carry_over(doc, last)
        write_template(FMT, 2021, agency, inbox / f"{i}.xlsx", document=doc)
    roster = tmp_path / "roster.csv"
    roster.write_text("code,name,level\nA1,测试县第1局,county\nA2,测试县第2局,county\n", encoding="utf-8")
    out = tmp_path / "out"
    main(["compile", str(inbox), "--roster", str(roster), "--year", "2021", "-o", str(out),
          "--previous", str(published), "--no-render"])
    capsys.readouterr()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    rules = {code: {f["rule"] for f in summary["findings"] if f["agency_code"] == code} for code in ("A1", "A2")}
    assert "T3-4" in rules["A2"]
    assert rules["A1"] == set()
