"""check / extract / fill through the CLI entry point: exit codes, --json shape, annotated copies."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from factory import valid_document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.cli import main
from nianbao.format.document import compute_derived, dump_document
from nianbao.format.layout import layout
from nianbao.format.spec import all_formats

FMT = all_formats()["gov-info-disclosure-2021"]
FINDING_FIELDS = {"rule", "severity", "message", "sheet", "cell", "key", "row_label", "column_label", "expected",
                  "actual", "cells"}


def fill(tmp_path: Path, doc: dict, name: str) -> Path:
    src = tmp_path / f"{name}.json"
    src.write_text(dump_document(doc), encoding="utf-8")
    out = tmp_path / f"{name}.xlsx"
    assert main(["fill", str(src), "-o", str(out), "--recompute"]) == 0  # bad documents print stale totals
    return out


@pytest.fixture
def inbox(tmp_path):
    good = valid_document(FMT)
    bad = valid_document(FMT, seed=2)
    bad["tables"]["requests.carry_forward.natural"] += 1
    folder = tmp_path / "inbox"
    folder.mkdir()
    fill(tmp_path, good, "good").rename(folder / "good.xlsx")
    fill(tmp_path, bad, "bad").rename(folder / "bad.xlsx")
    return folder


def test_exit_status_and_json_shape(inbox, capsys):
    assert main(["check", str(inbox / "good.xlsx")]) == 0
    capsys.readouterr()
    assert main(["check", str(inbox), "--json"]) == 1
    results = json.loads(capsys.readouterr().out)
    assert [Path(r["file"]).name for r in results] == ["bad.xlsx", "good.xlsx"]
    for r in results:
        assert set(r) == {"file", "agency", "format", "year", "status", "findings", "stats"}
    bad = results[0]
    assert bad["status"] == "error" and bad["stats"]["error"] == 2
    for f in bad["findings"]:
        assert set(f) == FINDING_FIELDS
    assert {(f["rule"], f["cell"], f["severity"]) for f in bad["findings"]} == {
        ("T3-1", layout(FMT).cells["requests.received.natural"].ref, "error"),
        ("T3-1", layout(FMT).cells["requests.received.total"].ref, "error")}


def test_unreadable_file_is_exit_2_and_others_still_checked(inbox, capsys):
    (inbox / "scan.xlsx").write_bytes(b"%PDF-1.4 not a workbook")
    assert main(["check", str(inbox), "--json"]) == 2
    results = {Path(r["file"]).name: r for r in json.loads(capsys.readouterr().out)}
    assert results["scan.xlsx"]["status"] == "unreadable"
    assert results["good.xlsx"]["status"] == "ok" and results["bad.xlsx"]["status"] == "error"


def test_readable_report_in_chinese(inbox, capsys):
    assert main(["check", str(inbox)]) == 1
    out = capsys.readouterr().out
    assert "「表三 依申请公开」" in out and "结论：有错误" in out and "结论：通过" in out
    assert "合计：2 个文件" in out


def test_bad_arguments_are_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check"])
    assert exc.value.code == 2
    assert main(["check", str(tmp_path / "nothing-here")]) == 2  # FILE_MISSING is unreadable


def test_annotate_writes_copies_and_never_touches_originals(inbox, tmp_path, capsys):
    before = {p.name: p.read_bytes() for p in inbox.iterdir()}
    out = tmp_path / "annotated"
    assert main(["check", str(inbox), "--annotate", str(out)]) == 1
    assert {p.name: p.read_bytes() for p in inbox.iterdir()} == before
    assert sorted(p.name for p in out.iterdir()) == ["bad-批注.xlsx"]
    book = openpyxl.load_workbook(out / "bad-批注.xlsx")
    ref = layout(FMT).cells["requests.received.natural"].ref
    assert "T3-1" in book["表三 依申请公开"][ref].comment.text
    issues = book["问题清单"]
    assert issues["G4"].value == "T3-1" and issues["D4"].hyperlink.location == f"'表三 依申请公开'!{ref}"
    assert book.sheetnames[0] == "问题清单"
    # the annotated copy is still a nianbao workbook: it reads back with the same findings
    capsys.readouterr()
    assert main(["check", str(out / "bad-批注.xlsx"), "--json"]) == 1
    again = json.loads(capsys.readouterr().out)[0]
    assert {f["rule"] for f in again["findings"]} == {"T3-1"}  # nianbao's own 问题清单 is no "extra sheet"


@pytest.mark.libreoffice
def test_annotated_copy_opens_in_libreoffice(inbox, tmp_path, capsys):
    """LibreOffice opens the copy and saves it again with what annotate wrote: the flagged cell's figure,
    fill and comment, the 问题清单 row and its link; it prints the 问题清单; the re-saved copy checks the same."""
    from lo import convert
    from pdf import text

    out = tmp_path / "annotated"
    assert main(["check", str(inbox), "--annotate", str(out)]) == 1
    ref = layout(FMT).cells["requests.received.natural"].ref
    sent = openpyxl.load_workbook(inbox / "bad.xlsx")["表三 依申请公开"][ref].value
    resaved = openpyxl.load_workbook(convert(out / "bad-批注.xlsx", tmp_path / "lo"))
    cell = resaved["表三 依申请公开"][ref]
    assert cell.value == sent
    assert cell.fill.fgColor.rgb[-6:] == "FFC7CE"  # an error's fill
    assert "T3-1" in cell.comment.text
    issues = resaved["问题清单"]
    assert issues["G4"].value == "T3-1"
    assert issues["D4"].value == ref
    assert issues["D4"].hyperlink.location.replace("$", "") == f"'表三 依申请公开'!{ref}"
    printed = "".join(text(convert(out / "bad-批注.xlsx", tmp_path / "pdf", to="pdf")).split())
    assert "校验问题清单" in printed
    assert "T3-1" in printed
    capsys.readouterr()
    assert main(["check", str(tmp_path / "lo" / "bad-批注.xlsx"), "--json"]) == 1
    assert {f["rule"] for f in json.loads(capsys.readouterr().out)[0]["findings"]} == {"T3-1"}


def test_extract_writes_document_with_provenance(inbox, tmp_path):
    target = tmp_path / "report.json"
    assert main(["extract", str(inbox / "good.xlsx"), "-o", str(target)]) == 0
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["provenance"]["requests.received.natural"] == "表三 依申请公开!" + layout(FMT).cells[
        "requests.received.natural"].ref
    assert main(["extract", str(inbox / "bad.xlsx"), "-o", str(tmp_path / "bad.json")]) == 1


# -- property: random valid report -> fill -> check is clean and extract returns it exactly


def _documents():
    fmt = FMT
    counts = st.integers(min_value=0, max_value=10_000)
    money = st.decimals(min_value=0, max_value=999, places=2, allow_nan=False, allow_infinity=False)

    @st.composite
    def build(draw):
        doc = valid_document(fmt, seed=draw(st.integers(0, 10_000)))
        t = doc["tables"]
        for key in ("proactive.licensing.decisions", "proactive.penalty.decisions", "reviews.admin_review.upheld",
                    "requests.outcome.other.misc.natural", "requests.received.legal"):
            t[key] = draw(counts)
        t["proactive.fees.amount"] = float(draw(money))
        # keep every rule true: carry forward absorbs the new figures
        closed = sum(t[p] for p in fmt.derived["requests.outcome.total.legal"].parts())
        t["requests.received.legal"] = max(t["requests.received.legal"], closed)
        t["requests.carry_forward.legal"] = t["requests.received.legal"] + t["requests.carried_over.legal"] - closed
        closed = sum(t[p] for p in fmt.derived["requests.outcome.total.natural"].parts())
        t["requests.received.natural"] = max(t["requests.received.natural"], closed)
        t["requests.carry_forward.natural"] = (t["requests.received.natural"] + t["requests.carried_over.natural"]
                                               - closed)
        doc["tables"] = compute_derived(fmt, t)
        doc["sections"]["overview"] = draw(st.text(alphabet="政府信息公开年报一二三abc 123，。\n", max_size=80)).strip()
        return doc

    return build()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=_documents())
def test_fill_then_extract_round_trips(tmp_path_factory, doc):
    tmp = tmp_path_factory.mktemp("prop")
    book = fill(tmp, doc, "r")
    out = tmp / "back.json"
    code = main(["extract", str(book), "-o", str(out), "--no-provenance"])
    back = json.loads(out.read_text(encoding="utf-8"))
    if doc["sections"]["overview"]:
        assert code == 0
    assert back["tables"] == doc["tables"]
    assert back["sections"] == doc["sections"]
    assert {k: back[k] for k in ("format", "year", "agency", "contact", "date")} == {
        k: doc[k] for k in ("format", "year", "agency", "contact", "date")}
    with_prov = tmp / "with.json"
    main(["extract", str(book), "-o", str(with_prov)])
    again = fill(tmp, json.loads(with_prov.read_text(encoding="utf-8")), "again")
    main(["extract", str(again), "-o", str(tmp / "again.json")])
    assert (tmp / "again.json").read_text(encoding="utf-8") == with_prov.read_text(encoding="utf-8")
