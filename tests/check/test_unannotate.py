"""An annotated copy that comes back fixed (issue 18): the office's new annotated copy carries this
upload's findings only — nianbao's earlier 问题清单, fills and comments are gone, the clerk's own
sheets, fills and comments stay, and the reader judges the returned copy as it judges a fresh file."""

from __future__ import annotations

import openpyxl
import pytest
from factory import valid_document
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from nianbao.check.annotate import ISSUES_SHEET, annotate
from nianbao.check.run import check_file
from nianbao.format.layout import layout
from nianbao.format.spec import all_formats
from nianbao.intake.read import ANNOTATION_PROPERTY
from nianbao.template.style import INPUT_FILL
from nianbao.template.write import write_template

FMT = all_formats()["gov-info-disclosure-2021"]
AGENCY = {"name": "萝北县住房和城乡建设局", "code": "230421-09", "level": "county"}
FIRST = "requests.carry_forward.natural"  # broken in the first round, fixed by the department
SECOND = "requests.carry_forward.legal"  # broken in the second round
PINK = "FFC7CE"


def _pos(key: str):
    return layout(FMT).cells[key]


def _first_round(tmp_path):
    """The department's file with one error, and nianbao's annotated copy of it."""
    doc = valid_document(FMT, 2021, agency=AGENCY)
    doc["tables"][FIRST] += 1
    src = tmp_path / "住建局.xlsx"
    write_template(FMT, 2021, AGENCY, src, document=doc)
    result = check_file(src, expect_year=2021)
    assert [f.rule for f in result.findings if f.severity == "error"]
    (tmp_path / "a").mkdir()
    return doc, annotate(src, result, tmp_path / "a")


def _sent_back(tmp_path, annotated, doc, *, also_break: bool = True, edit=None):
    """What the department uploads: the annotated copy, FIRST fixed (and SECOND broken), saved again."""
    book = openpyxl.load_workbook(annotated)
    pos = _pos(FIRST)
    book[pos.sheet][pos.ref] = doc["tables"][FIRST] - 1
    if also_break:
        pos2 = _pos(SECOND)
        book[pos2.sheet][pos2.ref] = doc["tables"][SECOND] + 1
    if edit:
        edit(book)
    back = tmp_path / "住建局-已改.xlsx"
    book.save(back)
    return back


def _annotate_again(tmp_path, path):
    result = check_file(path, expect_year=2021)
    (tmp_path / "b").mkdir(exist_ok=True)
    return openpyxl.load_workbook(annotate(path, result, tmp_path / "b")), result


def _fill(ws, ref) -> str:
    cell = ws[ref]
    return cell.fill.fgColor.rgb[-6:].upper() if cell.fill.fill_type == "solid" else ""


def test_the_first_round_is_marked(tmp_path):
    _, annotated = _first_round(tmp_path)
    book = openpyxl.load_workbook(annotated)
    assert book.sheetnames[0] == ISSUES_SHEET
    assert {p.name: p.value for p in book.custom_doc_props.props}[ANNOTATION_PROPERTY] == ISSUES_SHEET


def _cells(result, sheet):
    return {f.cell for f in result.findings if f.sheet == sheet and f.severity == "error"}


def test_a_copy_that_comes_back_is_annotated_from_clean(tmp_path):
    doc, annotated = _first_round(tmp_path)
    sheet = _pos(FIRST).sheet
    before = _cells(check_file(annotated, expect_year=2021), sheet)
    book, result = _annotate_again(tmp_path, _sent_back(tmp_path, annotated, doc))
    now = _cells(result, sheet)
    assert before - now  # a finding the department fixed ...
    assert now - before  # ... and a new one
    ws = book[sheet]
    assert [n for n in book.sheetnames if n.startswith(ISSUES_SHEET)] == [ISSUES_SHEET]
    listed = {row[3] for row in book[ISSUES_SHEET].iter_rows(min_row=4, values_only=True)}
    assert listed == now  # the new list only
    for ref in before - now:
        assert _fill(ws, ref) == INPUT_FILL.lstrip("#").upper(), ref  # the template's yellow input fill again
        assert ws[ref].comment is None
    for ref in now:
        assert _fill(ws, ref) == PINK
        found = sum(f.cell == ref for f in result.findings)
        assert ws[ref].comment.text.count("【错误 T3-1】") == found, ref  # this round's lines only, once
    pinks = {c.coordinate for row in ws.iter_rows() for c in row if _fill(ws, c.coordinate) == PINK}
    assert pinks == now
    assert _fill(ws, _pos(FIRST).ref) == INPUT_FILL.lstrip("#").upper()  # its related-cell fill is gone too


def test_the_returned_copy_is_judged_as_a_fresh_file(tmp_path):
    doc, annotated = _first_round(tmp_path)
    back = _sent_back(tmp_path, annotated, doc)
    fresh_doc = dict(doc, tables={**doc["tables"], FIRST: doc["tables"][FIRST] - 1, SECOND: doc["tables"][SECOND] + 1})
    fresh = tmp_path / "fresh.xlsx"
    write_template(FMT, 2021, AGENCY, fresh, document=fresh_doc)

    def seen(path):
        return sorted((f.rule, f.severity, f.sheet, f.cell) for f in check_file(path, expect_year=2021).findings)

    assert seen(back) == seen(fresh)  # no "extra sheet" for nianbao's own 问题清单


def test_the_clerks_own_sheet_fill_and_comment_stay(tmp_path):
    doc, annotated = _first_round(tmp_path)
    first, second = _pos(FIRST), _pos(SECOND)
    note = "已与去年年报核对"

    commented = sorted(c.coordinate for row in openpyxl.load_workbook(annotated)[first.sheet].iter_rows()
                       for c in row if c.comment is not None)[-1]  # J6: a finding in both rounds

    def clerk(book):
        ws = book[first.sheet]
        ws[commented].comment = Comment(ws[commented].comment.text + "\n" + note, "nianbao")  # typed into ours
        own = book.create_sheet(f"{ISSUES_SHEET}（本单位）")
        own["A1"] = "本单位自查问题"
        bad_style = ws.cell(second.row + 3, second.col + 1)  # Excel's 差 style on another cell
        bad_style.fill, bad_style.font = PatternFill("solid", fgColor=PINK), Font(color="9C0006")

    book, result = _annotate_again(tmp_path, _sent_back(tmp_path, annotated, doc, edit=clerk))
    ws = book[first.sheet]
    assert f"{ISSUES_SHEET}（本单位）" in book.sheetnames
    lines = ws[commented].comment.text.splitlines()
    assert lines[0] == note  # the clerk's line stays, above this round's
    ours = [x for x in lines if x.startswith(("【错误", "【警告", "【提示"))]
    assert len(ours) == sum(f.cell == commented for f in result.findings) > 0  # one line per finding of this round
    assert any(x.startswith("【错误") for x in ours)
    assert [f.rule for f in result.findings if f.cell == commented and f.rule == "CELL_COMMENT"] == ["CELL_COMMENT"]
    assert _fill(ws, ws.cell(second.row + 3, second.col + 1).coordinate) == PINK


def test_a_clerks_sheet_called_wentiqingdan_is_not_taken(tmp_path):
    doc = valid_document(FMT, 2021, agency=AGENCY)
    doc["tables"][FIRST] += 1
    src = tmp_path / "住建局.xlsx"
    write_template(FMT, 2021, AGENCY, src, document=doc)
    book = openpyxl.load_workbook(src)
    book.create_sheet(ISSUES_SHEET)["A1"] = "本单位自己的问题清单"
    pos = _pos(SECOND)
    book[pos.sheet][pos.ref].fill = PatternFill("solid", fgColor=PINK)  # no mark of nianbao's: the clerk's
    book.save(src)
    (tmp_path / "a").mkdir()
    out = openpyxl.load_workbook(annotate(src, check_file(src, expect_year=2021), tmp_path / "a"))
    assert out[ISSUES_SHEET]["A1"].value == "本单位自己的问题清单"
    assert out.sheetnames[0] == f"{ISSUES_SHEET}2"
    assert _fill(out[pos.sheet], pos.ref) == PINK


@pytest.mark.libreoffice
def test_a_copy_saved_again_in_libreoffice_is_cleaned_too(tmp_path):
    from lo import convert

    doc, annotated = _first_round(tmp_path)
    back = _sent_back(tmp_path, annotated, doc)
    (tmp_path / "lo").mkdir()
    resaved = convert(back, tmp_path / "lo")  # the department's LibreOffice saves it as .xlsx again
    book, _ = _annotate_again(tmp_path, resaved)
    first = _pos(FIRST)
    assert [n for n in book.sheetnames if n.startswith(ISSUES_SHEET)] == [ISSUES_SHEET]
    assert _fill(book[first.sheet], first.ref) == INPUT_FILL.lstrip("#").upper()
    assert book[first.sheet][first.ref].comment is None
