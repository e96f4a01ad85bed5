"""The annotated copy's 问题清单: prints on A4 landscape across one page width with its header on
every page, fits a laptop screen, and shows every explanation whole (read back, and in LibreOffice)."""

from __future__ import annotations

import openpyxl
import pytest
from factory import valid_document
from pdf import info, printed_whole, text

from nianbao.check.annotate import ISSUES_SHEET, annotate
from nianbao.check.run import check_file
from nianbao.format.spec import all_formats
from nianbao.template.write import write_template

FMT = all_formats()["gov-info-disclosure-2021"]
AGENCY = {"name": "萝北县住房和城乡建设局", "code": "230421-09", "level": "county"}
LAPTOP_UNITS = 170  # a 1366-pixel screen shows about this many width units at 100 % (7 px each, less row headers)


def _annotated(tmp_path, broken_columns: int):
    doc = valid_document(FMT, 2021, agency=AGENCY)
    columns = ["natural", "commercial", "research", "nonprofit", "legal", "other_org"]
    for col in columns[:broken_columns]:
        doc["tables"][f"requests.carry_forward.{col}"] += 1
    outcomes = [k for k in FMT.input_keys() if k.startswith("requests.outcome.")]
    for key in outcomes[:broken_columns * 5]:
        doc["tables"][key] = "十二"  # CELL_TEXT: many findings, long row labels
    src = tmp_path / "住建局.xlsx"
    write_template(FMT, 2021, AGENCY, src, document=doc)
    result = check_file(src)
    assert result.errors
    out = tmp_path / "out"
    out.mkdir()
    return annotate(src, result, out), result


def test_issues_sheet_print_setup_reads_back(tmp_path):
    path, result = _annotated(tmp_path, 2)
    ws = openpyxl.load_workbook(path)[ISSUES_SHEET]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    assert ws.print_title_rows == "$3:$3"
    assert ws.print_area in ([f"'{ISSUES_SHEET}'!$A$1:$G${3 + len(result.findings)}"],
                             f"'{ISSUES_SHEET}'!$A$1:$G${3 + len(result.findings)}")
    widths = [ws.column_dimensions[c].width for c in "ABCDEFG"]
    assert sum(widths) <= LAPTOP_UNITS
    heads = [ws.cell(3, c).value for c in range(1, 8)]
    assert heads == ["序号", "级别", "工作表", "位置", "行 / 列", "问题说明", "规则"]
    for row in range(4, 4 + len(result.findings)):
        assert ws.cell(row, 6).alignment.wrap_text
        assert ws.row_dimensions[row].height >= 13.5 * 2  # every explanation here needs two lines
    assert ws.freeze_panes == "A4"


@pytest.mark.libreoffice
def test_issues_sheet_prints_every_explanation_whole(tmp_path):
    from lo import convert

    path, result = _annotated(tmp_path, 6)
    book = openpyxl.load_workbook(path)
    for name in book.sheetnames[1:]:  # print only the list
        del book[name]
    only = tmp_path / "list.xlsx"
    book.save(only)
    pdf = convert(only, tmp_path / "pdf", to="pdf")
    pages = int(info(pdf)["Pages"])
    printed = text(pdf)
    flat = "".join(printed.split())
    for f in result.findings:
        assert printed_whole(f.message, flat), f.message
    assert pages >= 2
    assert printed.count("序号") == pages  # the header row on every page
    assert info(pdf)["Page size"].startswith("841.89 x 595.")  # A4 landscape
