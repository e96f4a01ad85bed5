"""fill refuses a document it would silently change (printed totals, blank or unreadable cells)."""

from __future__ import annotations

import json

from factory import valid_document
from transcripts import DATA

from nianbao.cli import main
from nianbao.format.layout import layout
from nianbao.format.spec import all_formats
from nianbao.intake.read import read_workbook

FMT = all_formats()["gov-info-disclosure-2021"]


def test_printed_total_that_disagrees_is_refused_naming_the_cell(tmp_path, capsys):
    doc = valid_document(FMT)
    doc["tables"]["reviews.admin_review.total"] += 1  # the district report: a total its parts do not make
    src = tmp_path / "r.json"
    src.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "r.xlsx"
    assert main(["fill", str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    pos = layout(FMT).cells["reviews.admin_review.total"]
    assert f"「{pos.sheet}」{pos.ref}" in err and "--recompute" in err and not out.exists()
    assert main(["fill", str(src), "-o", str(out), "--recompute"]) == 0
    assert read_workbook(out).document["tables"]["reviews.admin_review.total"] == \
        doc["tables"]["reviews.admin_review.total"] - 1


def test_imported_report_with_blank_cells_is_refused(tmp_path, capsys):
    assert main(["import", str(DATA / "shuyang-fgj-2023.html"), "-o", str(tmp_path)]) == 0
    capsys.readouterr()
    src = tmp_path / "shuyang-fgj-2023.json"
    assert main(["fill", str(src), "-o", str(tmp_path / "s.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "印为空白" in err and "共 125 处" in err


def test_consistent_imported_report_fills_and_extract_gives_it_back(tmp_path, capsys):
    assert main(["import", str(DATA / "huaian-2024.pdf"), "-o", str(tmp_path)]) == 0
    src = tmp_path / "huaian-2024.json"
    doc = json.loads(src.read_text(encoding="utf-8"))
    assert main(["fill", str(src), "-o", str(tmp_path / "h.xlsx")]) == 0
    back = read_workbook(tmp_path / "h.xlsx").document
    assert back["tables"] == doc["tables"]
