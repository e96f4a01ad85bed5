"""A department fixes the annotated copy it was sent and uploads it again: nianbao's own comments in it
are known, so the fixed copy passes — but a comment the clerk wrote on a figure is still a warning."""

from __future__ import annotations

import openpyxl
from factory import valid_document
from openpyxl.comments import Comment

from nianbao.check.annotate import annotate
from nianbao.check.run import check_file
from nianbao.format.layout import layout
from nianbao.format.spec import all_formats
from nianbao.template.write import write_template

FMT = all_formats()["gov-info-disclosure-2021"]
AGENCY = {"name": "萝北县住房和城乡建设局", "code": "230421-09", "level": "county"}
KEY = "requests.carry_forward.natural"


def _fixed_copy(tmp_path, clerk_line: str | None = None):
    """Annotate a report with a T3-1 error, then fix the figure in the annotated copy (as the clerk does)."""
    doc = valid_document(FMT, 2021, agency=AGENCY)
    right = doc["tables"][KEY]
    doc["tables"][KEY] = right + 1
    src = tmp_path / "住建局.xlsx"
    write_template(FMT, 2021, AGENCY, src, document=doc)
    result = check_file(src, expect_year=2021)
    assert {f.rule for f in result.findings} == {"T3-1"}
    (tmp_path / "out").mkdir()
    copy = annotate(src, result, tmp_path / "out")
    pos = layout(FMT).cells[KEY]
    book = openpyxl.load_workbook(copy)
    marked = [c.coordinate for c in book[pos.sheet]["A1:Z80"] for c in c if c.comment is not None]
    assert marked, "the annotated copy carries nianbao's comments"
    book[pos.sheet][pos.ref].value = right
    if clerk_line is not None:
        cell = book[pos.sheet][marked[0]]
        cell.comment = Comment(cell.comment.text + "\n" + clerk_line, "张三")
    book.save(copy)
    return copy, pos, marked[0]


def test_a_fixed_annotated_copy_passes_with_nianbaos_comments_still_in_it(tmp_path):
    copy, _, _ = _fixed_copy(tmp_path)
    result = check_file(copy, expect_year=2021)
    assert [(f.rule, f.cell) for f in result.findings] == []
    assert result.status == "ok"


def test_a_line_the_clerk_added_to_nianbaos_comment_is_still_a_comment_on_the_figure(tmp_path):
    copy, pos, ref = _fixed_copy(tmp_path, clerk_line="此数与去年年报不同，已核实")
    result = check_file(copy, expect_year=2021)
    [found] = [f for f in result.findings if f.rule == "CELL_COMMENT"]
    assert (found.sheet, found.cell) == (pos.sheet, ref)
    assert "此数与去年年报不同，已核实" in found.message
    assert "【错误" not in found.message  # nianbao's own line is not quoted back as the clerk's


def test_a_clerks_comment_saved_by_openpyxl_is_seen_by_both_engines(tmp_path):
    """openpyxl names the part xl/comments/comment1.xml (Excel: xl/comments1.xml); both engines follow
    the sheet's relationship by its type, so the comment is a finding whichever engine reads."""
    from nianbao.intake.read import read_workbook

    doc = valid_document(FMT, 2021, agency=AGENCY)
    src = tmp_path / "住建局.xlsx"
    write_template(FMT, 2021, AGENCY, src, document=doc)
    pos = layout(FMT).cells["requests.received.natural"]
    book = openpyxl.load_workbook(src)
    book[pos.sheet][pos.ref].comment = Comment("含去年转来的 3 件", "张三")
    book.save(src)
    for engine in ("fast", "openpyxl"):
        read = read_workbook(src, expect_year=2021, engine=engine)
        found = [(f.rule, f.sheet, f.cell) for f in read.findings if f.rule == "CELL_COMMENT"]
        assert found == [("CELL_COMMENT", pos.sheet, pos.ref)], engine
