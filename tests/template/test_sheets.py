"""正文: the text boxes hold, show and print the whole narrative of real reports, and tell each
application's clerk how to start a new line (Excel/WPS: Alt+Enter; LibreOffice: Ctrl+Enter —
LibreOffice's Alt+Enter ends the entry, see sc/source/ui/view/tabvwsh4.cxx, TabKeyInput)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from pdf import info, printed_whole, text

from nianbao.format.document import new_document
from nianbao.format.layout import TEXT_SHEET, layout
from nianbao.format.spec import all_formats
from nianbao.intake.read import read_workbook
from nianbao.paths import samples_dir
from nianbao.template.sheets import LINE_BREAK_KEYS, TEXT_COL_WIDTH, TEXT_COLUMNS, TEXT_ROOM_PT, TEXT_SPAN, text_box
from nianbao.template.style import LINE_PT, PAD_PT, lines_needed
from nianbao.template.write import write_template

FMT = all_formats()["gov-info-disclosure-2019"]
AGENCY = {"name": "萝北县工业信息科技局", "code": "230421-13", "level": "county"}
LUOBEI = json.loads((samples_dir() / "reports" / "2020" / "230421-13.json").read_text(encoding="utf-8"))
# Real narratives: 萝北县工业信息科技局 2020 (916 characters, the sample report) and 淮安市 2024
# (1,340 characters, tests/template/data); the longer one is both in one box (2,257 characters).
HUAIAN = "\n".join((Path(__file__).parent / "data" / "huaian-2024-overview.txt")
                   .read_text(encoding="utf-8").splitlines()[1:])
NARRATIVES = {
    "luobei-2020": LUOBEI["sections"]["overview"],
    "huaian-2024": HUAIAN,
    "both": LUOBEI["sections"]["overview"] + "\n" + HUAIAN,
}
WIDTH = TEXT_COL_WIDTH * TEXT_COLUMNS


def _document(overview: str) -> dict:
    doc = new_document(FMT, 2020, AGENCY, LUOBEI["tables"])
    doc["sections"] = dict(LUOBEI["sections"], overview=overview)
    return doc


def _box_height(ws, field) -> float:
    return sum(ws.row_dimensions[field.pos.row + 1 + i].height for i in range(TEXT_SPAN))


def test_real_narratives_are_what_the_brief_says():
    assert len(NARRATIVES["luobei-2020"]) == 916
    assert len(HUAIAN) == 1340
    assert HUAIAN.endswith("不断提高全市政务公开工作人员的工作能力和水平。")


@pytest.mark.parametrize("name", ["luobei-2020", "huaian-2024"])
def test_a_blank_box_holds_a_real_reports_narrative(name):
    need = lines_needed(NARRATIVES[name], WIDTH) * LINE_PT + PAD_PT
    assert text_box(None, required=True)[0] >= need


@pytest.mark.parametrize("name", sorted(NARRATIVES))
def test_a_filled_box_is_sized_for_its_text_and_fits_a_page(name, tmp_path):
    path = write_template(FMT, 2020, AGENCY, tmp_path / "t.xlsx", document=_document(NARRATIVES[name]))
    ws = openpyxl.load_workbook(path)[TEXT_SHEET]
    for field in (f for f in layout(FMT).fields.values() if f.pos.sheet == TEXT_SHEET):
        height, size = text_box(_document(NARRATIVES[name])["sections"][field.key.split(".")[1]],
                                field.required is not None)
        anchor = ws[field.pos.ref]
        merged = next(r for r in ws.merged_cells.ranges if anchor.coordinate in r)
        assert (merged.min_row, merged.max_row) == (field.pos.row + 1, field.pos.row + TEXT_SPAN)
        assert anchor.alignment.wrap_text
        assert abs(_box_height(ws, field) - height) <= 1.0  # row heights are rounded
        assert _box_height(ws, field) <= TEXT_ROOM_PT
        assert anchor.font.sz == size
    assert read_workbook(path).document["sections"]["overview"] == NARRATIVES[name]


def test_text_too_long_for_10pt_is_shown_smaller_not_cut():
    assert text_box(NARRATIVES["huaian-2024"], True)[1] == 10
    assert text_box(NARRATIVES["both"], True)[1] == 9
    assert text_box(NARRATIVES["both"] + "\n" + NARRATIVES["luobei-2020"][:400], True)[1] == 8


def test_line_break_keys_for_every_application(tmp_path):
    path = write_template(FMT, 2020, AGENCY, tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(path)[TEXT_SHEET]
    intro = ws["A2"].value
    assert "Excel、WPS 按 Alt+Enter" in intro
    assert "LibreOffice 按 Ctrl+Enter" in intro
    assert "单元格内换行按 Alt+Enter" not in intro
    prompts = {str(dv.sqref): dv.prompt for dv in ws.data_validations.dataValidation}
    for field in (f for f in layout(FMT).fields.values() if f.pos.sheet == TEXT_SHEET):
        assert LINE_BREAK_KEYS in prompts[field.pos.ref]


# ---------------------------------------------------------------- in LibreOffice


def _printed(path: Path, tmp_path: Path) -> str:
    """The 正文 pages of the workbook as LibreOffice prints them (only that sheet, like File → Print)."""
    from lo import convert

    book = openpyxl.load_workbook(path)
    for name in book.sheetnames:
        if name != TEXT_SHEET:
            del book[name]
    only = tmp_path / f"{path.stem}-正文.xlsx"
    book.save(only)
    pdf = convert(only, tmp_path / "pdf", to="pdf")
    assert info(pdf)["Page size"].startswith("595.")  # A4 portrait
    return text(pdf)


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", sorted(NARRATIVES))
def test_filled_template_prints_the_whole_narrative(name, tmp_path):
    doc = _document(NARRATIVES[name])
    printed = "".join(_printed(write_template(FMT, 2020, AGENCY, tmp_path / f"{name}.xlsx", document=doc),
                               tmp_path).split())
    for section, value in doc["sections"].items():
        assert printed_whole(value, printed), (section, value[-40:])


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", ["luobei-2020", "huaian-2024"])
def test_text_typed_into_the_blank_template_prints_whole(name, tmp_path):
    """What a clerk does: the blank template as issued, a real narrative pasted into the box."""
    blank = write_template(FMT, 2020, AGENCY, tmp_path / "blank.xlsx")
    book = openpyxl.load_workbook(blank)
    field = layout(FMT).fields["sections.overview"]
    book[TEXT_SHEET][field.pos.ref].value = NARRATIVES[name]
    typed = tmp_path / f"{name}.xlsx"
    book.save(typed)
    printed = "".join(_printed(typed, tmp_path).split())
    assert printed_whole(NARRATIVES[name], printed)
