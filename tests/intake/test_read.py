"""Reading filled workbooks: one known problem per workbook, asserted by rule id, cell and severity.

Every case runs through both reader engines (the fast direct-XML one and the openpyxl
reference): the findings must be identical.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from factory import valid_document

from nianbao.check.run import check_document, check_file
from nianbao.format.layout import layout
from nianbao.format.spec import all_formats
from nianbao.intake.read import read_workbook
from nianbao.template.write import write_template

FMT = all_formats()["gov-info-disclosure-2021"]
LAY = layout(FMT)
ENGINES = ["fast", "openpyxl"]


def filled(tmp_path: Path, fmt=FMT, name="book.xlsx", **kw) -> tuple[Path, dict]:
    doc = valid_document(fmt)
    return write_template(fmt, doc["year"], doc["agency"], tmp_path / name, document=doc, **kw), doc


def edited(tmp_path: Path, mutate, fmt=FMT) -> Path:
    """A filled workbook changed with openpyxl the way a person would change it in a spreadsheet."""
    path, _ = filled(tmp_path, fmt)
    book = openpyxl.load_workbook(path)
    mutate(book)
    book.save(path)
    return path


def cell(key: str) -> tuple[str, str]:
    pos = LAY.cells[key]
    return pos.sheet, pos.ref


def findings(path: Path, engine: str, **kw):
    read = read_workbook(path, engine=engine, **kw)
    if read.fatal:
        return read, read.findings
    return read, check_document(read.document, prior_findings=read.findings).findings


def rows(fs, *fields):
    return [[getattr(f, x) for x in fields] for f in fs]


@pytest.mark.parametrize("engine", ENGINES)
def test_clean_workbook_reads_back_exactly(tmp_path, engine):
    path, doc = filled(tmp_path)
    read, fs = findings(path, engine)
    assert fs == []
    assert read.document["tables"] == doc["tables"]
    assert read.document["sections"] == doc["sections"]
    assert read.document["contact"] == doc["contact"]
    assert read.document["agency"] == doc["agency"]
    assert read.document["provenance"]["requests.received.natural"] == "表三 依申请公开!" + LAY.cells[
        "requests.received.natural"].ref


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("key", "value", "rule", "severity"),
    [
        ("requests.received.natural", None, "CELL_BLANK", "error"),
        ("requests.received.natural", "十二", "CELL_TEXT", "error"),
        ("requests.received.natural", "无", "CELL_TEXT", "error"),
        ("requests.received.natural", "/", "CELL_TEXT", "error"),
        ("requests.received.natural", 1.5, "CELL_DECIMAL", "error"),
        ("requests.received.natural", -2, "CELL_NEGATIVE", "error"),
        ("requests.received.natural", "#REF!", "CELL_ERROR_VALUE", "error"),
        ("requests.received.natural", dt.datetime(2021, 5, 1), "CELL_DATE", "error"),
        ("proactive.fees.amount", 1.234, "CELL_PRECISION", "error"),
    ],
)
def test_rejected_input(tmp_path, engine, key, value, rule, severity):
    sheet, ref = cell(key)
    path = edited(tmp_path, lambda b: b[sheet].__setitem__(ref, value))
    _, fs = findings(path, engine)
    # The one error is the cell itself: not also a balance error, nor "未填写" on the totals it leaves empty.
    errors = [r for r in rows(fs, "rule", "severity", "sheet", "cell", "key") if r[1] == "error"]
    assert errors == [[rule, severity, sheet, ref, key]]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("typed", ["１２", " 12 ", "12件", "12", "1,2"])
def test_normalised_input_is_read_with_an_info_finding(tmp_path, engine, typed):
    key = "reviews.admin_review.upheld"
    sheet, ref = cell(key)
    path = edited(tmp_path, lambda b: b[sheet].__setitem__(ref, typed))
    read, fs = findings(path, engine)
    if typed == "1,2":  # not a thousands separator: rejected, not guessed
        assert ["CELL_TEXT", ref] in rows(fs, "rule", "cell")
        return
    assert read.document["tables"][key] == 12
    assert ["CELL_NORMALISED", "info", ref] in rows(fs, "rule", "severity", "cell")


@pytest.mark.parametrize("engine", ENGINES)
def test_formula_replaced_by_constant(tmp_path, engine):
    key = "requests.received.total"
    sheet, ref = cell(key)
    path = edited(tmp_path, lambda b: b[sheet].__setitem__(ref, 999))
    read, fs = findings(path, engine)
    assert rows(fs, "rule", "severity", "cell") == [["FORMULA_REPLACED", "error", ref]]
    assert read.document["tables"][key] != 999  # the recomputed total is used, never the typed one


@pytest.mark.parametrize("engine", ENGINES)
def test_formula_edited(tmp_path, engine):
    key = "reviews.admin_review.total"
    sheet, ref = cell(key)
    path = edited(tmp_path, lambda b: b[sheet].__setitem__(ref, "=SUM(A6:C6)+1"))
    _, fs = findings(path, engine)
    assert rows(fs, "rule", "cell") == [["FORMULA_CHANGED", ref]]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("formula", ["=SUM(A1:XFD1048576)", "=SUM(D:D)", "=SUM(1:1048576)"])
def test_formula_over_a_huge_range_is_changed_not_enumerated(tmp_path, engine, formula):
    """A tampered total summing a whole sheet is reported at once, not walked cell by cell."""
    key = "reviews.admin_review.total"
    sheet, ref = cell(key)
    path = edited(tmp_path, lambda b: b[sheet].__setitem__(ref, formula))
    _, fs = findings(path, engine)
    assert rows(fs, "rule", "cell", "actual") == [["FORMULA_CHANGED", ref, formula]]


def _rewrite_part(path: Path, part: str, edit) -> None:
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == part:
                data = edit(data.decode("utf-8")).encode("utf-8")
            dst.writestr(item, data)
    shutil.move(tmp, path)


def _sheet_part(path: Path, sheet: str) -> str:
    with zipfile.ZipFile(path) as z:
        wb = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet name="{re.escape(sheet)}" sheetId="\d+" r:id="(rId\d+)"', wb).group(1)
    return "xl/" + re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels).group(1)


@pytest.mark.parametrize("engine", ENGINES)
def test_stale_cached_total_is_its_own_finding(tmp_path, engine):
    """A cached total that disagrees with the inputs: 未重新计算, separate from any imbalance. LibreOffice
    shows the stored result (it does not recalculate on opening), so the sheet shows a total nianbao
    never counts: an error naming both (issue 19)."""
    path, doc = filled(tmp_path)
    sheet, ref = cell("requests.received.total")
    right = doc["tables"]["requests.received.total"]
    _rewrite_part(path, _sheet_part(path, sheet),
                  lambda x: re.sub(rf'(<c r="{ref}"[^>]*>.*?<v>){right}(</v>)', rf"\g<1>{right + 7}\g<2>", x, count=1))
    _, fs = findings(path, engine)
    assert rows(fs, "rule", "severity", "cell") == [["FORMULA_STALE", "error", ref]]


@pytest.mark.parametrize("engine", ENGINES)
def test_broken_balance_is_t3_1(tmp_path, engine):
    sheet, ref = cell("requests.carry_forward.research")
    path = edited(tmp_path, lambda b: b[sheet].__setitem__(ref, b[sheet][ref].value + 1))
    _, fs = findings(path, engine)
    assert [r for r in rows(fs, "rule", "severity", "column_label") if r[0] == "T3-1"] == [
        ["T3-1", "error", "科研机构"], ["T3-1", "error", "总计"]]
    assert all(f.rule == "T3-1" for f in fs)


@pytest.mark.parametrize("engine", ENGINES)
def test_protection_removed_and_extra_sheet(tmp_path, engine):
    def mutate(b):
        b["表三 依申请公开"].protection.sheet = False
        b.create_sheet("我的草稿")

    _, fs = findings(edited(tmp_path, mutate), engine)
    assert sorted(rows(fs, "rule", "severity", "sheet")) == [
        ["PROTECTION_REMOVED", "warning", "表三 依申请公开"], ["SHEET_EXTRA", "info", "我的草稿"]]


@pytest.mark.parametrize("engine", ENGINES)
def test_missing_sheet_stops_reading(tmp_path, engine):
    path = edited(tmp_path, lambda b: b.remove(b["表四 复议诉讼"]))
    read, fs = findings(path, engine)
    assert read.fatal
    assert rows(fs, "rule", "sheet") == [["SHEET_MISSING", "表四 复议诉讼"]]


@pytest.mark.parametrize("engine", ENGINES)
def test_empty_narrative_is_a_warning(tmp_path, engine):
    pos = LAY.fields["sections.problems"].pos
    _, fs = findings(edited(tmp_path, lambda b: b[pos.sheet].__setitem__(pos.ref, None)), engine)
    assert rows(fs, "rule", "severity", "cell") == [["TEXT_EMPTY", "warning", pos.ref]]


@pytest.mark.parametrize("engine", ENGINES)
def test_not_a_nianbao_workbook(tmp_path, engine):
    path = tmp_path / "mine.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Sheet1").write("A1", "自制表格")
    book.close()
    read, fs = findings(path, engine)
    assert read.fatal and rows(fs, "rule") == [["NOT_NIANBAO"]]


@pytest.mark.parametrize("engine", ENGINES)
def test_identity_mismatches_are_reported_not_guessed(tmp_path, engine):
    path, _ = filled(tmp_path)
    read = read_workbook(path, engine=engine, expect_year=2023)
    assert read.fatal
    assert rows(read.findings, "rule", "actual", "expected") == [["WRONG_YEAR", 2022, 2023]]
    assert read.agency["code"] == "TEST-01"
    read = read_workbook(path, engine=engine, expect_format="gov-info-disclosure-2019")
    assert read.fatal and rows(read.findings, "rule") == [["WRONG_FORMAT"]]


@pytest.mark.parametrize("engine", ENGINES)
def test_layout_fingerprint_mismatch(tmp_path, engine):
    path, _ = filled(tmp_path)
    _rewrite_part(path, "xl/workbook.xml", lambda x: re.sub(
        r'(<definedName name="nb\.meta\.fingerprint">)[^<]*', r'\1"0000000000000000"', x))
    read = read_workbook(path, engine=engine)
    assert read.fatal and rows(read.findings, "rule") == [["FINGERPRINT"]]


@pytest.mark.parametrize("engine", ENGINES)
def test_issuer_mac(tmp_path, engine):
    path, _ = filled(tmp_path, secret=b"county-secret")
    assert read_workbook(path, engine=engine, secret=b"county-secret").findings == []
    wrong = read_workbook(path, engine=engine, secret=b"another-secret")
    assert rows(wrong.findings, "rule", "severity") == [["HMAC_MISMATCH", "error"]]
    unsigned, _ = filled(tmp_path, name="unsigned.xlsx")
    assert rows(read_workbook(unsigned, engine=engine, secret=b"county-secret").findings, "rule") == [
        ["HMAC_MISSING"]]


def test_check_file_on_a_2019_workbook(tmp_path):
    fmt = all_formats()["gov-info-disclosure-2019"]
    path, doc = filled(tmp_path, fmt)
    result = check_file(path)
    assert result.status == "ok" and result.format == fmt.id
    assert result.document["tables"] == doc["tables"]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", ["xml_bomb", "xml_bomb_utf16"])
def test_reader_refuses_entity_bombs_even_without_screening(tmp_path, engine, case):
    """Defence in depth: if a bomb got past safety.screen, the reader still refuses it as a bomb."""
    import hostile

    make, _ = hostile.CASES[case]
    read = read_workbook(make(tmp_path), engine=engine)
    assert read.fatal
    # The fast engine may refuse earlier (no identity in workbook.xml) without ever parsing the bomb.
    assert rows(read.findings, "rule") in ([["FILE_XML_BOMB"]], [["NOT_NIANBAO"]])
    if case == "xml_bomb" or engine == "openpyxl":
        assert rows(read.findings, "rule") == [["FILE_XML_BOMB"]]


def test_openpyxl_engine_reads_by_content_not_extension(tmp_path):
    path, doc = filled(tmp_path)
    renamed = path.rename(tmp_path / "book.dat")
    assert read_workbook(renamed, engine="openpyxl").document["tables"] == doc["tables"]


def test_reading_screened_parts_equals_reading_the_file(tmp_path):
    """check_file hands the reader the parts screening already inflated: same result as opening the zip."""
    from nianbao.intake.safety import screen

    path = edited(tmp_path, lambda b: b["表三 依申请公开"].__setitem__(cell("requests.received.natural")[1], "１２"))
    parts: dict = {}
    assert screen(path, keep=parts) is None
    assert "xl/workbook.xml" in parts and len(parts) > 10
    direct, reused = read_workbook(path), read_workbook(path, parts=parts)
    assert reused.document == direct.document
    assert [f.to_dict() for f in reused.findings] == [f.to_dict() for f in direct.findings]


def test_screen_keeps_nothing_from_a_refused_file(tmp_path):
    import hostile

    from nianbao.intake.safety import screen

    make, _ = hostile.CASES["crc_error"]
    parts: dict = {}
    assert screen(make(tmp_path), keep=parts) is not None
    assert parts == {}


# ---------------------------------------------------------------- the fast engine's cell scan

_ODD_CELLS = (
    '<row r="1"><c r="A1" s="1"><v>7</v></c><c r="B1"><v>2.5</v></c><c r="C1" t="s"><v>0</v></c>'
    '<c r="D1" t="s"><v>1</v></c><c r="E1" t="b"><v>1</v></c><c r="F1" t="e"><v>#DIV/0!</v></c>'
    '<c r="G1" t="str"><f>A1&amp;"x"</f><v>7x</v></c><c r="H1"><f>SUM(A1:B1)</f><v>9.5</v></c>'
    '<c r="I1"><f>SUM(A1:B1)</f><v></v></c><c r="J1"><f></f><v>3</v></c><c r="K1" s="1"/></row>'
    '<row r="2"><c r="A2"><f t="shared" ref="A2:C2" si="0">A1+1</f><v>8</v></c>'
    '<c r="B2"><f t="shared" si="0"/><v>3.5</v></c><c r="C2"><f t="shared" si="0"/></c>'
    '<c r="D2" t="inlineStr"><is><t>内联 &lt;文本&gt;</t></is></c><c r="E2" t="d"><v>2022-01-20T00:00:00</v></c>'
    '<c s="1" r="F2" t="n"><v>1E3</v></c><c r="G2" t="n"><v>-4</v></c><c r="H2"   t="s"><v>2</v></c></row>'
    '<row r="3"><c r="A3" s="2"><v>44581</v></c><c r="B3"><v>12</v></c><c><v>13</v></c><c r="E3"><v>14</v></c>'
    '<c><v>15</v></c></row>'
)


def _odd_workbook(tmp_path: Path, cells: str) -> Path:
    """A small workbook whose first sheet holds cells in many of the forms spreadsheet programs write."""
    src = tmp_path / "src.xlsx"
    wb = xlsxwriter.Workbook(src)
    ws = wb.add_worksheet("S")
    ws.write_string(0, 0, "甲")  # shared strings 0..2
    ws.write_string(0, 1, "乙 & 丙")
    ws.write_rich_string(0, 2, "富", wb.add_format({"bold": True}), "文本")
    ws.write_number(5, 4, 1, wb.add_format({"num_format": "0.00"}))
    ws.write_datetime(5, 5, dt.datetime(2022, 1, 20), wb.add_format({"num_format": "yyyy-mm-dd"}))
    wb.close()
    styles = zipfile.ZipFile(src).read("xl/styles.xml").decode()
    xfs = re.findall(r"<xf [^>]*>", styles.split("<cellXfs", 1)[1])
    assert 'numFmtId="164"' in xfs[1] and 'numFmtId="165"' in xfs[2]  # s="1" is 0.00, s="2" a date
    out = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<sheetData>.*</sheetData>", b"<sheetData>" + cells.encode() + b"</sheetData>",
                              data, flags=re.S)
            zout.writestr(item, data)
    return out


@pytest.mark.parametrize("cells", [_ODD_CELLS, _ODD_CELLS.replace('<c><v>13</v></c>', '<c r="D3"><v>13</v></c>')
                                   .replace('<c><v>15</v></c>', '<c r="F3"><v>15</v></c>')],
                         ids=["some-cells-without-r", "every-cell-placed"])
def test_fast_cell_scan_equals_openpyxl_on_every_cell_form(tmp_path, cells):
    from nianbao.intake.xlsx_raw import FastBook, OpenpyxlBook

    path = _odd_workbook(tmp_path, cells)
    fast, ref = FastBook(path), OpenpyxlBook(path)
    refs = [f"{c}{r}" for r in (1, 2, 3) for c in "ABCDEFGHIJK"]
    try:
        assert [fast.value("S", x) for x in refs] == [ref.value("S", x) for x in refs]
        assert [fast.cached("S", x) for x in refs] == [ref.cached("S", x) for x in refs]
    finally:
        fast.close()
        ref.close()
    assert [fast.value("S", x) for x in ("C1", "D1", "H2", "D2")] == ["甲", "乙 & 丙", "富文本", "内联 <文本>"]
    assert fast.value("S", "B2") == "=B1+1" and [fast.value("S", x) for x in ("E3", "F3")] == [14, 15]


def test_both_engines_agree_on_every_cell_of_the_sample_corpus():
    """Every cell of every sheet of every sample workbook: the same value, cached value and view."""
    from nianbao.intake.xlsx_raw import FastBook, OpenpyxlBook

    samples = Path(__file__).resolve().parents[2] / "samples"
    books = sorted((samples / "workbooks").rglob("*.xlsx")) + sorted((samples / "inbox-2021").glob("*.xlsx"))
    compared = 0
    for path in books:
        fast, ref = FastBook(path), OpenpyxlBook(path)
        values = openpyxl.load_workbook(path, data_only=True)  # cached values, all at once (read-only is per cell)
        try:
            assert fast.sheetnames == ref.sheetnames
            for sheet in fast.sheetnames:
                ws = ref._book[sheet]
                refs = [c.coordinate for row in ws.iter_rows() for c in row]
                assert [fast.value(sheet, x) for x in refs] == [ref.value(sheet, x) for x in refs], (path, sheet)
                assert [fast.cached(sheet, x) for x in refs] == [values[sheet][x].value if not isinstance(
                    ws[x], openpyxl.cell.MergedCell) else fast.cached(sheet, x) for x in refs], (path, sheet)
                assert fast.protected(sheet) == ref.protected(sheet)
                a, b = fast.view(sheet), ref.view(sheet)
                assert (sorted(a.merged), a.hidden_rows) == (sorted(b.merged), b.hidden_rows), (path, sheet)
                compared += 1
        finally:
            fast.close()
            ref.close()
            values.close()
    assert compared > 100
