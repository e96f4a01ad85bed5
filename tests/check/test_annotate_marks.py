"""What the annotated copy shows a department: each finding's cell coloured by its severity with the
finding as a comment, the cells it involves marked, and a 问题清单 that lists and links every finding;
and what annotate_all does for a batch (names, refusals, failures)."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest
from factory import valid_document
from openpyxl.comments import Comment

from nianbao.check.annotate import (
    ISSUE_COLUMNS,
    ISSUES_SHEET,
    MAX_ANNOTATE_XML,
    TooLarge,
    annotate,
    annotate_all,
    annotated_stem,
)
from nianbao.check.run import CheckResult, check_file
from nianbao.findings import Finding
from nianbao.format.layout import layout
from nianbao.format.spec import all_formats
from nianbao.template.style import INPUT_FILL
from nianbao.template.write import write_template

FMT = all_formats()["gov-info-disclosure-2021"]
LAY = layout(FMT)
AGENCY = {"name": "萝北县住房和城乡建设局", "code": "230421-09", "level": "county"}
T3 = "表三 依申请公开"
COLOURS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
RELATED = "FCE4D6"
WORDS = {"error": "错误", "warning": "警告", "info": "提示"}


def _fill(cell) -> str:
    return cell.fill.fgColor.rgb[-6:].upper() if cell.fill.fill_type == "solid" else ""


@pytest.fixture
def checked(tmp_path):
    """A workbook with a T3-1 error (自然人 column) and a T2-4 warning (收费 probably in 元)."""
    doc = valid_document(FMT, 2021, agency=AGENCY)
    doc["tables"]["requests.carry_forward.natural"] += 1
    doc["tables"]["proactive.fees.amount"] = 38000.0
    src = tmp_path / "住建局.xlsx"
    write_template(FMT, 2021, AGENCY, src, document=doc)
    result = check_file(src, expect_year=2021)
    assert {(f.rule, f.severity) for f in result.findings} == {("T3-1", "error"), ("T2-4", "warning")}
    (tmp_path / "out").mkdir()
    return src, result


def test_each_findings_cell_is_coloured_by_severity_and_its_other_cells_marked(tmp_path, checked):
    src, result = checked
    book = openpyxl.load_workbook(annotate(src, result, tmp_path / "out"))
    anchors = {(f.sheet, f.cell) for f in result.findings}
    for f in result.findings:
        assert _fill(book[f.sheet][f.cell]) == COLOURS[f.severity], f.cell
        for ref in f.cells:
            if (f.sheet, ref) not in anchors:
                assert _fill(book[f.sheet][ref]) == RELATED, ref  # the parts the rule adds up
    marked = {(ws.title, c.coordinate) for ws in book.worksheets[1:] for row in ws.iter_rows() for c in row
              if _fill(c) in (*COLOURS.values(), RELATED)}
    involved = {(f.sheet, ref) for f in result.findings for ref in [f.cell, *f.cells]}
    assert marked == involved  # nothing else is coloured
    untouched = LAY.cells["requests.received.commercial"]
    assert _fill(book[untouched.sheet][untouched.ref]) == INPUT_FILL.lstrip("#").upper()


def test_each_findings_cell_carries_the_finding_as_a_comment_below_the_clerks_own(tmp_path, checked):
    src, result = checked
    pos = LAY.cells["requests.received.natural"]
    book = openpyxl.load_workbook(src)
    book[pos.sheet][pos.ref].comment = Comment("  填表人：含上年遗留的两件\n\n", "张三")
    book.save(src)
    out_path = annotate(src, result, tmp_path / "out")
    out = openpyxl.load_workbook(out_path)
    for f in result.findings:
        comment = out[f.sheet][f.cell].comment
        lines = comment.text.split("\n")
        own = [g for g in result.findings if (g.sheet, g.cell) == (f.sheet, f.cell)]
        assert f"【{WORDS[f.severity]} {f.rule}】{f.message}" in lines
        assert comment.author == "nianbao"
        if f.cell == pos.ref:
            assert lines == ["  填表人：含上年遗留的两件"] + [f"【错误 T3-1】{g.message}" for g in own]
        else:
            assert lines == [f"【{WORDS[g.severity]} {g.rule}】{g.message}" for g in own]
    # each box is opened wide and tall enough for its lines (Excel and WPS do not grow a comment box)
    texts = {c.comment.text for ws in out.worksheets for row in ws.iter_rows() for c in row if c.comment}
    assert _boxes(out_path) == sorted((360, 40 + 60 * len(t.split("\n"))) for t in texts)


def _boxes(path) -> list[tuple[int, int]]:
    """(width, height) in px of every comment box, from the workbook's VML drawings."""
    found = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith(".vml"):
                text = z.read(name).decode("utf-8")
                found += [(int(w), int(h)) for w, h in re.findall(r"width:(\d+)px;height:(\d+)px", text)]
    return sorted(found)


def test_two_findings_on_one_cell_are_two_lines_of_one_comment(tmp_path):
    src = tmp_path / "a.xlsx"
    write_template(FMT, 2021, AGENCY, src, document=valid_document(FMT, 2021, agency=AGENCY))
    pos = LAY.cells["requests.received.natural"]
    one = Finding(rule="X-1", severity="warning", message="第一条。", sheet=pos.sheet, cell=pos.ref)
    two = Finding(rule="X-2", severity="error", message="第二条。", sheet=pos.sheet, cell=pos.ref)
    result = CheckResult(str(src), AGENCY, FMT.id, 2021, "error", [one, two])
    (tmp_path / "out").mkdir()
    book = openpyxl.load_workbook(annotate(src, result, tmp_path / "out"))
    cell = book[pos.sheet][pos.ref]
    assert cell.comment.text == "【警告 X-1】第一条。\n【错误 X-2】第二条。"
    assert _fill(cell) == COLOURS["error"]  # the last one's colour: the more serious, in check order


def test_the_issue_list_rows_name_link_and_colour_every_finding(tmp_path, checked):
    src, result = checked
    extra = Finding(rule="FILE_NOTE", severity="info", message="整份文件的提示。")  # no sheet, no cell
    result.findings.append(extra)
    book = openpyxl.load_workbook(annotate(src, result, tmp_path / "out"))
    ws = book[ISSUES_SHEET]
    assert book.sheetnames[0] == ISSUES_SHEET
    assert book.active.title == ISSUES_SHEET
    assert [w.sheet_view.tabSelected for w in book.worksheets[1:]] == [False] * (len(book.worksheets) - 1)
    assert ws["A1"].value == f"{AGENCY['name']} 2021 年度报告 校验问题清单（共 {len(result.findings)} 条）"
    assert ws["A2"].value == "点击“位置”列可跳转到对应单元格；按“问题说明”改正后保存，重新提交。"
    assert {str(m) for m in ws.merged_cells.ranges} == {"A1:G1", "A2:G2"}
    assert [ws.cell(3, c).value for c in range(1, 8)] == [h for h, _ in ISSUE_COLUMNS]
    assert [ws.column_dimensions[chr(64 + c)].width for c in range(1, 8)] == [w for _, w in ISSUE_COLUMNS]
    for i, f in enumerate(result.findings, 1):
        row = [ws.cell(3 + i, c) for c in range(1, 8)]
        labels = " / ".join(x for x in (f.row_label, f.column_label) if x)
        assert [c.value for c in row] == [i, WORDS[f.severity], f.sheet, f.cell, labels or None, f.message, f.rule]
        assert _fill(row[1]) == COLOURS[f.severity]
        if f.cell:
            assert row[3].hyperlink.location == f"'{f.sheet}'!{f.cell}"
            assert row[3].hyperlink.display == f.cell
            assert row[3].font.sz == 10
            assert row[3].font.color.rgb[-6:] == "0563C1"
            assert row[3].font.underline == "single"
        else:
            assert row[3].hyperlink is None
    assert ws.max_row == 3 + len(result.findings)


def test_the_issue_list_title_without_agency_or_year(tmp_path, checked):
    src, result = checked
    result.agency, result.year = None, None
    ws = openpyxl.load_workbook(annotate(src, result, tmp_path / "out"))[ISSUES_SHEET]
    assert ws["A1"].value == f"校验问题清单（共 {len(result.findings)} 条）"


def test_the_issue_list_reads_as_a_table(tmp_path, checked):
    """宋体 throughout (what prints on a government office's printer), a bold larger title, bold headers on
    grey with borders, wrapped text aligned at the top, number, level and place centred."""
    src, result = checked
    ws = openpyxl.load_workbook(annotate(src, result, tmp_path / "out"))[ISSUES_SHEET]
    title, how, first = ws["A1"], ws["A2"], ws["A4"]
    assert (title.font.name, title.font.sz, title.font.b) == ("宋体", 13, True)
    assert (how.font.name, how.font.sz, bool(how.font.b)) == ("宋体", 10, False)
    assert title.alignment.wrap_text
    assert title.alignment.vertical == "center"
    assert (ws.row_dimensions[1].height, ws.row_dimensions[2].height, ws.row_dimensions[3].height) == (24, 18, 20)
    for c in range(1, 8):
        h, cell = ws.cell(3, c), ws.cell(4, c)
        assert (h.font.name, h.font.sz, h.font.b) == ("宋体", 10, True)
        assert _fill(h) == "F2F2F2"
        assert h.alignment.horizontal == "center"
        assert h.alignment.vertical == "center"
        assert h.alignment.wrap_text
        for side in (h.border.left, h.border.right, h.border.top, h.border.bottom,
                     cell.border.left, cell.border.bottom):
            assert side.style == "thin"
            assert side.color.rgb[-6:] == "808080"
        assert cell.font.name == "宋体"
        assert cell.alignment.wrap_text
        assert cell.alignment.vertical == "top"
        assert cell.alignment.horizontal == ("center" if c in (1, 2, 4) else "left")
    assert first.font.sz == 10
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert ws.print_options.horizontalCentered
    assert (ws.page_margins.left, ws.page_margins.right, ws.page_margins.top, ws.page_margins.bottom) == (
        0.5, 0.5, 0.6, 0.7)


def test_a_long_explanation_gets_a_taller_row_up_to_excels_limit(tmp_path, checked):
    src, result = checked
    pos = LAY.cells["requests.received.natural"]
    result.findings = [Finding(rule="X-1", severity="error", message="短。", sheet=pos.sheet, cell=pos.ref),
                       Finding(rule="X-2", severity="error", message="很长的说明。" * 40, sheet=pos.sheet,
                               cell=pos.ref),
                       Finding(rule="X-3", severity="error", message="极长的说明。" * 2000, sheet=pos.sheet,
                               cell=pos.ref)]
    ws = openpyxl.load_workbook(annotate(src, result, tmp_path / "out"))[ISSUES_SHEET]
    short, long, huge = (ws.row_dimensions[r].height for r in (4, 5, 6))
    assert short < long < huge
    assert huge == 409  # Excel's tallest row
    assert short >= 13.5  # one line of 宋体 10 pt and its padding


def test_a_clerks_own_sheet_named_like_the_list_keeps_its_name(tmp_path, checked):
    src, result = checked
    book = openpyxl.load_workbook(src)
    book.create_sheet(ISSUES_SHEET)["A1"] = "办公室自己的清单"
    book.create_sheet(f"{ISSUES_SHEET}2")
    book.save(src)
    out = openpyxl.load_workbook(annotate(src, result, tmp_path / "out"))
    assert out.sheetnames[0] == f"{ISSUES_SHEET}3"
    assert out[ISSUES_SHEET]["A1"].value == "办公室自己的清单"


def test_the_list_takes_the_first_free_name_however_many_the_clerk_has_taken():
    from types import SimpleNamespace

    from nianbao.check.annotate import _free_name
    taken = [ISSUES_SHEET, *(f"{ISSUES_SHEET}{n}" for n in range(2, 1200))]
    assert _free_name(SimpleNamespace(sheetnames=taken)) == f"{ISSUES_SHEET}1200"
    assert _free_name(SimpleNamespace(sheetnames=taken[:2] + taken[3:])) == f"{ISSUES_SHEET}3"


def test_annotate_all_writes_a_copy_per_file_with_findings_and_never_the_same_name(tmp_path, checked):
    src, result = checked
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    same_name = other_dir / src.name  # another file of the same name from another folder
    same_name.write_bytes(src.read_bytes())
    twin = check_file(same_name, expect_year=2021)
    clean = tmp_path / "clean.xlsx"
    write_template(FMT, 2021, AGENCY, clean, document=valid_document(FMT, 2021, agency=AGENCY))
    ok = check_file(clean, expect_year=2021)
    unreadable = CheckResult(str(tmp_path / "x.xlsx"), None, None, None, "unreadable",
                             [Finding(rule="FILE_CORRUPT", severity="error", message="坏了")])
    nameless = CheckResult(None, None, None, None, "error", [Finding(rule="R", severity="error", message="m")])
    out = tmp_path / "out"
    (out / f"{annotated_stem(src)}.xlsx").write_bytes(b"an older copy")
    annotate_all([ok, unreadable, nameless, result, twin], out)  # files without a copy first: the rest go on
    assert result.annotated == str(out / f"{annotated_stem(src)}-2.xlsx")
    assert twin.annotated == str(out / f"{annotated_stem(src)}-3.xlsx")
    assert (ok.annotated, unreadable.annotated, nameless.annotated) == (None, None, None)
    assert (out / f"{annotated_stem(src)}.xlsx").read_bytes() == b"an older copy"  # never overwritten
    assert {p.name for p in out.iterdir()} == {f"{annotated_stem(src)}{n}.xlsx" for n in ("", "-2", "-3")}
    assert not [f for f in ok.findings + nameless.findings + unreadable.findings if f.rule.startswith("ANNOTATE")]


def test_a_long_name_is_cut_before_the_suffix():
    from pathlib import Path

    assert annotated_stem(Path("甲" * 100 + ".xlsx")) == "甲" * 80 + "-批注"
    assert annotated_stem(Path("/in/萝北县教育局.xlsx")) == "萝北县教育局-批注"


def test_a_workbook_too_large_to_annotate_gets_a_finding_and_no_copy(tmp_path, checked):
    src, result = checked
    padded = tmp_path / "padded.xlsx"
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            out.writestr(info, z.read(info))
        out.writestr("xl/padding.xml", b"<x>" + b" " * (MAX_ANNOTATE_XML + 1) + b"</x>")
    result.file = str(padded)
    with pytest.raises(TooLarge) as caught:
        annotate(padded, result, tmp_path / "out")
    assert str(caught.value) == f"解压后 4 MB，上限 {MAX_ANNOTATE_XML // 1024 // 1024} MB"
    annotate_all([result], tmp_path / "out")
    assert result.annotated is None
    (too_big,) = [f for f in result.findings if f.rule == "ANNOTATE_TOO_BIG"]
    assert "解压后 4 MB，上限 4 MB" in too_big.message
    assert list((tmp_path / "out").iterdir()) == []


def test_a_workbook_just_under_the_bound_is_annotated(tmp_path, checked):
    src, result = checked
    with zipfile.ZipFile(src) as z:
        size = sum(i.file_size for i in z.infolist() if i.filename.lower().endswith((".xml", ".rels")))
    padded = tmp_path / "padded.xlsx"
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            out.writestr(info, z.read(info))
        out.writestr("xl/padding.bin", b" " * MAX_ANNOTATE_XML)  # not XML: openpyxl does not hold it
        out.writestr("xl/padding.XML", b"<x>" + b" " * (MAX_ANNOTATE_XML - size - 7) + b"</x>")  # the rest
    assert annotate(padded, result, tmp_path / "out").exists()


def test_an_output_folder_that_cannot_be_written_is_a_finding(tmp_path, checked):
    src, result = checked
    annotate_all([result], tmp_path / "missing" / "folder")
    (failed,) = [f for f in result.findings if f.rule == "ANNOTATE_FAILED"]
    assert "文件或文件夹不存在）" in failed.message  # the reason's own full stop left out inside the brackets
    assert failed.message.startswith("未能生成批注副本（无法读写 ")
    assert result.annotated is None


def test_a_file_openpyxl_cannot_open_is_a_finding_and_the_batch_goes_on(tmp_path, checked):
    src, result = checked
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(broken, "w") as out:
        for info in z.infolist():
            out.writestr(info, b"<not xml" if info.filename == "xl/styles.xml" else z.read(info))
    bad = CheckResult(str(broken), AGENCY, FMT.id, 2021, "error", list(result.findings))
    annotate_all([bad, result], tmp_path / "out")
    (failed,) = [f for f in bad.findings if f.rule == "ANNOTATE_FAILED"]
    with pytest.raises(Exception) as raised:  # noqa: PT011 - whatever openpyxl raises is what the finding names
        openpyxl.load_workbook(broken)
    assert f"openpyxl 无法打开或保存此文件：{type(raised.value).__name__}）" in failed.message
    assert result.annotated is not None  # the next file is annotated all the same


def test_a_cell_of_another_sheet_that_a_finding_involves_is_marked_there(tmp_path, checked):
    """A rule across sheets (a new format may have one) names cells as '表二 主动公开'!B5: that cell is marked on
    its own sheet, also when it has the finding's own coordinate."""
    src, result = checked
    anchor = LAY.cells["requests.received.natural"]
    other = LAY.cells["proactive.rules.issued"].sheet
    across = Finding(rule="X-9", severity="warning", message="跨表。", sheet=anchor.sheet, cell=anchor.ref,
                     cells=[anchor.ref, f"'{other}'!B5", f"'{other}'!{anchor.ref}"])
    result.findings = [across]
    book = openpyxl.load_workbook(annotate(src, result, tmp_path / "out"))
    assert _fill(book[anchor.sheet][anchor.ref]) == COLOURS["warning"]
    assert _fill(book[other]["B5"]) == RELATED
    assert _fill(book[other][anchor.ref]) == RELATED


def test_a_finding_on_a_sheet_the_workbook_lacks_is_listed_without_a_link(tmp_path, checked):
    src, result = checked
    result.findings = [Finding(rule="X-8", severity="error", message="工作表缺失。", sheet="表五 不存在", cell="A1")]
    ws = openpyxl.load_workbook(annotate(src, result, tmp_path / "out"))[ISSUES_SHEET]
    assert [ws.cell(4, c).value for c in (3, 4, 7)] == ["表五 不存在", "A1", "X-8"]
    assert ws.cell(4, 4).hyperlink is None


def test_relationship_parts_count_toward_the_bound(tmp_path, checked):
    src, result = checked
    padded = tmp_path / "padded.xlsx"
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            out.writestr(info, z.read(info))
        out.writestr("xl/_rels/padding.xml.RELS", b" " * (MAX_ANNOTATE_XML + 1))
    with pytest.raises(TooLarge):
        annotate(padded, result, tmp_path / "out")


def test_the_size_refused_is_stated_in_whole_megabytes(tmp_path, checked):
    src, result = checked
    with zipfile.ZipFile(src) as z:
        base = sum(i.file_size for i in z.infolist() if i.filename.lower().endswith((".xml", ".rels")))
    total = int(10.5005 * 1024 * 1024)  # 10.5005 MB: rounds to 11 (a divisor off by one would give 10)
    padded = tmp_path / "padded.xlsx"
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            out.writestr(info, z.read(info))
        out.writestr("xl/padding.xml", b" " * (total - base))
    with pytest.raises(TooLarge) as caught:
        annotate(padded, result, tmp_path / "out")
    assert str(caught.value) == "解压后 11 MB，上限 4 MB"


_EXT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink"


def _with_external_link(src, dest):
    """The workbook with a link to another workbook on the clerk's disk, as Excel writes one."""
    link = ('<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r='
            '"http://schemas.openxmlformats.org/officeDocument/2006/relationships"><externalBook r:id="rId1">'
            '<sheetNames><sheetName val="Sheet1"/></sheetNames></externalBook></externalLink>')
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
            'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
            'Target="file:///C:/Users/clerk/secret.xlsx" TargetMode="External"/></Relationships>')
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = z.read(info).decode("utf-8") if info.filename.endswith((".xml", ".rels")) else z.read(info)
            if info.filename == "xl/workbook.xml":
                data = re.sub(r"(<definedNames|<calcPr|</workbook>)",
                              '<externalReferences><externalReference r:id="rIdExt9"/></externalReferences>\\1',
                              data, count=1)
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace("</Relationships>", f'<Relationship Id="rIdExt9" Type="{_EXT}" '
                                    'Target="externalLinks/externalLink1.xml"/></Relationships>')
            elif info.filename == "[Content_Types].xml":
                data = data.replace("</Types>", '<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType='
                                    '"application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>'
                                    "</Types>")
            out.writestr(info, data)
        out.writestr("xl/externalLinks/externalLink1.xml", link)
        out.writestr("xl/externalLinks/_rels/externalLink1.xml.rels", rels)
    return dest


def test_the_copy_carries_no_link_to_another_file(tmp_path, checked):
    """A link to a workbook on the clerk's disk would make Excel reach for that path at the office."""
    src, result = checked
    linked = _with_external_link(src, tmp_path / "linked.xlsx")
    assert openpyxl.load_workbook(linked)._external_links  # the link is there to drop
    out = annotate(linked, result, tmp_path / "out")
    with zipfile.ZipFile(out) as z:
        assert not [n for n in z.namelist() if "externalLink" in n]
        assert b"secret.xlsx" not in b"".join(z.read(n) for n in z.namelist())


def test_a_finding_on_a_sheet_named_with_an_apostrophe_links_to_that_sheet(tmp_path, checked):
    """A sheet name with ' (the clerk's own sheet, a future format's) is quoted in the link as Excel writes it:
    'O''Neil 附表'!B2 — a link that opens that cell, not a broken address."""
    src, result = checked
    book = openpyxl.load_workbook(src)
    book.create_sheet("O'Neil 附表")
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    result.findings = [Finding(rule="X-7", severity="warning", message="附表的问题。", sheet="O'Neil 附表", cell="B2")]
    out = openpyxl.load_workbook(annotate(edited, result, tmp_path / "out"))
    link = out[ISSUES_SHEET].cell(4, 4).hyperlink
    assert link.location == "'O''Neil 附表'!B2"
    assert _fill(out["O'Neil 附表"]["B2"]) == COLOURS["warning"]
