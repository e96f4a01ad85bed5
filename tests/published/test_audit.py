"""audit finds each inconsistency of a broken published report on the right cell.

Broken variants of the real files (a number edited in the HTML or the text dump) and of
reports nianbao renders itself with --force (docx, html, and PDF through LibreOffice).
"""

from __future__ import annotations

import copy
import json

import lxml.html
import pytest
from factory import valid_document
from published_kit import found, rendered
from transcripts import DATA

from nianbao.cli import main
from nianbao.format.spec import all_formats
from nianbao.published.audit import audit_paths

SHUYANG = (DATA / "shuyang-fgj-2023.html").read_text(encoding="utf-8")
PINGTAN = (DATA / "pingtan-2019.txt").read_text(encoding="utf-8")


def _edit_cell(html: str, row_start: str, column: int, text: str) -> str:
    """The HTML with the `column`-th cell (0-based, label cells included) of the row starting `row_start` replaced."""
    root = lxml.html.document_fromstring(html)
    for tr in root.iter("tr"):
        cells = tr.findall("td")
        if cells and "".join(cells[0].text_content().split()).startswith(row_start):
            cell = cells[column]
            for child in list(cell):
                cell.remove(child)
            cell.text = text
            return lxml.html.tostring(root, encoding="unicode")
    raise AssertionError(f"no row {row_start}")


def _audit_one(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (result,) = audit_paths([path])
    return result


def test_html_edited_count_breaks_row_total_and_column_balance(tmp_path):
    """一、本年新收 自然人 26 → 27: T3-2 on that row's 总计, T3-1 on the 自然人 column."""
    result = _audit_one(tmp_path, "a.html", _edit_cell(SHUYANG, "一、本年新收", 1, "27"))
    assert ("T3-2", "requests.received.total") in found(result)
    assert ("T3-1", "requests.received.natural") in found(result)
    assert result.status == "error"


def test_html_edited_review_total_breaks_t4_1(tmp_path):
    html = SHUYANG.replace("行政复议", "行政复议", 1)
    root = lxml.html.document_fromstring(html)
    rows = [tr for tr in root.iter("tr") if len(tr.findall("td")) == 15]
    cells = rows[-1].findall("td")
    assert "".join(cells[4].text_content().split()) == "1"
    for child in list(cells[4]):
        cells[4].remove(child)
    cells[4].text = "2"
    result = _audit_one(tmp_path, "b.html", lxml.html.tostring(root, encoding="unicode"))
    assert found(result) == {("T4-1", "reviews.admin_review.total")}


def test_narrative_figure_against_the_table_quotes_the_sentence(tmp_path):
    printed = 'face="Times New Roman">26</font>'
    assert SHUYANG.count(printed) == 1  # “共收到依申请信息公开26件”, the 26 in a font run of its own
    result = _audit_one(tmp_path, "c.html", SHUYANG.replace(printed, 'face="Times New Roman">27</font>'))
    (f,) = [f for f in result.findings if f.rule == "X1"]
    assert f.key == "requests.received.total" and f.severity == "warning"
    assert "共收到依申请信息公开27件" in f.message and (f.actual, f.expected) == (27, 26)


def test_unreadable_cell_is_uncheckable_never_passed_nor_broken(tmp_path):
    result = _audit_one(tmp_path, "d.html", _edit_cell(SHUYANG, "一、本年新收", 1, "2б"))
    doc = result.document
    assert doc["cell_states"]["requests.received.natural"]["state"] == "unreadable"
    uncheckable = {(f.rule, f.key) for f in result.findings if f.message.startswith("无法核对")}
    assert ("T3-2", "requests.received.total") in uncheckable
    assert ("T3-1", "requests.received.natural") in uncheckable
    assert not [f for f in result.findings if f.severity == "error"]


def test_blank_cells_count_as_zero_with_an_info_finding():
    (result,) = audit_paths([DATA / "shuyang-fgj-2023.html"])
    (info,) = [f for f in result.findings if f.rule == "BLANK_AS_ZERO"]
    assert info.severity == "info" and "125" in info.message
    assert result.errors == 0


def test_text_dump_edited_run_breaks_the_column_balance(tmp_path):
    """pingtan: 一、本年新收 “230 000023” → “240 000024”: still one split, and T3-1 breaks."""
    text = PINGTAN.replace("申请数量230 000023", "申请数量240 000024")
    assert text != PINGTAN
    result = _audit_one(tmp_path, "e.txt", text)
    assert {("T3-1", "requests.received.natural"), ("T3-1", "requests.received.total")} <= found(result)


def test_text_dump_row_whose_total_contradicts_its_parts_is_found_not_repaired(tmp_path):
    """（七）总计 “23 0 00 0 023” → “24 0 00 0 023”: its digits split one way only (24 | 0 | 0 0 | 0 | 0 23), and
    no split fits every identity. The row stands as printed — T3-2 and T3-3 are found on it — and the other
    run-together rows are still decided by the identities that do not touch it."""
    result = _audit_one(tmp_path, "f.txt", PINGTAN.replace("（七）总计23 0 00 0 023", "（七）总计24 0 00 0 023"))
    doc = result.document
    assert doc["tables"]["requests.outcome.total.natural"] == 24
    assert doc["tables"]["requests.outcome.total.total"] == 23
    assert {("T3-2", "requests.outcome.total.total"), ("T3-3", "requests.outcome.total.natural")} <= found(result)
    assert any(f.rule == "IMPORT_SPLIT_CONFLICT" and "未作修正" in f.message for f in result.findings)
    assert doc["tables"]["requests.received.natural"] == 23  # “230 000023”, decided without the broken row


def test_t3_2_is_found_in_a_run_together_row_split_by_the_column_sums(tmp_path):
    """一、本年新收 “230 000023” → “230 000024”: T3-2 of that row is broken. Leaving it out, the column
    identities (T3-1) still split the row one way only; it is stored as printed and audit reports T3-2."""
    text = PINGTAN.replace("申请数量230 000023", "申请数量230 000024")
    assert text != PINGTAN
    result = _audit_one(tmp_path, "g.txt", text)
    doc = result.document
    cols = ("natural", "commercial", "research", "nonprofit", "legal", "other_org", "total")
    assert [doc["tables"][f"requests.received.{c}"] for c in cols] == [23, 0, 0, 0, 0, 0, 24]
    assert ("T3-2", "requests.received.total") in found(result)
    assert doc["cell_states"]["requests.received.natural"]["state"] == "reconstructed"


def _broken(doc: dict) -> dict:
    bad = copy.deepcopy(doc)
    bad["tables"]["requests.outcome.total.natural"] += 1  # T3-3 and T3-2 on （七）总计, T3-1 on 自然人
    return bad


@pytest.mark.parametrize("to", ["html", "docx"])
@pytest.mark.parametrize("format_id", sorted(all_formats()))
def test_rendered_broken_report_is_caught_on_the_right_cell(tmp_path, format_id, to):
    doc = _broken(valid_document(all_formats()[format_id], seed=11))
    (result,) = audit_paths([rendered(tmp_path, doc, to, draft=True)])
    assert ("T3-3", "requests.outcome.total.natural") in found(result)
    assert ("T3-1", "requests.received.natural") in found(result)
    assert ("T3-2", "requests.outcome.total.total") in found(result)


@pytest.mark.libreoffice
def test_rendered_broken_report_as_pdf_is_caught_on_the_right_cell(tmp_path):
    from lo import convert_all

    sources = [rendered(tmp_path, _broken(valid_document(all_formats()[fid], seed=11)), "docx", fid, draft=True)
               for fid in sorted(all_formats())]
    for pdf in convert_all(sources, tmp_path / "pdf", to="pdf"):
        (result,) = audit_paths([pdf])
        assert ("T3-3", "requests.outcome.total.natural") in found(result), pdf.name
        assert ("T3-1", "requests.received.natural") in found(result), pdf.name


def test_cross_year_rules_between_reports_of_the_same_agency(tmp_path):
    fmt = all_formats()["gov-info-disclosure-2021"]
    last = valid_document(fmt, year=2022, seed=3)
    this = valid_document(fmt, year=2023, seed=4)
    assert this["tables"]["requests.carried_over.natural"] != last["tables"]["requests.carry_forward.natural"]
    rendered(tmp_path, last, "html", "2022")
    rendered(tmp_path, this, "html", "2023")
    results = {r.year: r for r in audit_paths([tmp_path])}
    assert ("T3-4", "requests.carried_over.natural") in found(results[2023])
    assert all(f.severity == "warning" for f in results[2023].findings if f.rule == "T3-4")
    assert not any(f.rule == "T3-4" for f in results[2022].findings)


def test_audit_cli_terminal_json_xlsx_and_html(tmp_path, capsys):
    bad = tmp_path / "in" / "bad.html"
    bad.parent.mkdir()
    bad.write_text(_edit_cell(SHUYANG, "一、本年新收", 1, "27"), encoding="utf-8")
    assert main(["audit", str(bad.parent), str(DATA / "huaian-2024.pdf"), "-o", str(tmp_path / "a.xlsx")]) == 1
    out = capsys.readouterr().out
    assert "T3-2" in out and "「表三 依申请公开」" in out and "核查表已写入" in out
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    reports = list(wb["报告"].iter_rows(values_only=True))
    assert reports[0][:5] == ("文件", "单位", "年度", "格式", "结论") and len(reports) == 3
    assert {r[4] for r in reports[1:]} == {"有错误", "通过"}
    problems = list(wb["问题"].iter_rows(values_only=True))
    assert any(r[4] == "T3-2" and r[6] and r[9] for r in problems[1:])  # the cell and where it is printed
    assert main(["audit", str(bad), "--json", "-o", str(tmp_path / "a.html")]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data[0]["status"] == "error"
    page = lxml.html.fromstring((tmp_path / "a.html").read_bytes())
    assert len(page.findall(".//table")) == 2


def test_audit_names_a_file_it_cannot_read_and_goes_on(tmp_path, capsys):
    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "junk.html").write_text("<html><body><p>通知</p></body></html>", encoding="utf-8")
    assert main(["audit", str(tmp_path), str(DATA / "huaian-2024.pdf")]) == 2
    out = capsys.readouterr().out
    assert "文件是空的" in out and "不像一份政府信息公开工作年度报告" in out and "淮安市人民政府" in out


def test_a_total_printed_blank_is_a_violation_that_says_so(tmp_path):
    """一、本年新收 总计 left empty while its parts are not 0: T3-2 is broken (blank counts as 0), and the
    finding says the total was not filled in rather than that 0 was printed."""
    result = _audit_one(tmp_path, "blank.html", _edit_cell(SHUYANG, "一、本年新收", 7, ""))
    (f,) = [f for f in result.findings if (f.rule, f.key) == ("T3-2", "requests.received.total")]
    assert f.severity == "error"
    assert "印为空白" in f.message
