"""The locked template, inspected with openpyxl, for every shipped format spec.

Protection and exactly-the-inputs unlocked; SUM formulas over the right parts; typed data
validation; identity names and properties; merged headers as the layout grid; live check
rows; print setup; document filling; byte-identical output; the template and fill CLI.
"""

from __future__ import annotations

import json
import re
import zipfile

import openpyxl
import pytest
from factory import valid_document
from openpyxl.cell.cell import MergedCell
from openpyxl.utils.cell import get_column_letter, range_boundaries

from nianbao import TEMPLATE_VERSION
from nianbao.cli import main
from nianbao.format.document import compute_derived
from nianbao.format.identity import DEFAULT_PASSWORD, META_NAMES, PROPERTY_NAMES, issuer_mac
from nianbao.format.layout import CHECK_SHEET, layout
from nianbao.format.spec import all_formats
from nianbao.intake.read import read_workbook
from nianbao.template.write import write_template

FORMATS = sorted(all_formats())
AGENCY = {"name": "萝北县教育局", "code": "230421-07", "level": "county"}


def _year(fmt) -> int:
    return fmt.year_to or fmt.year_from + 1


@pytest.fixture(scope="module", params=FORMATS)
def written(request, tmp_path_factory):
    fmt = all_formats()[request.param]
    path = tmp_path_factory.mktemp("tpl") / "template.xlsx"
    write_template(fmt, _year(fmt), AGENCY, path)
    book = openpyxl.load_workbook(path)
    yield fmt, path, book
    book.close()


def _refs(formula: str, home: str) -> list[tuple[str, str]]:
    """Every cell a =SUM(...) formula adds, as (sheet, A1), ranges expanded, duplicates kept."""
    match = re.fullmatch(r"=SUM\((.*)\)", formula)
    assert match, formula
    out = []
    for arg in match.group(1).split(","):
        sheet, _, ref = arg.rpartition("!")
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
        for col in range(min_col, max_col + 1):
            for row in range(min_row, max_row + 1):
                out.append((sheet.strip("'") or home, f"{get_column_letter(col)}{row}"))
    return out


def test_every_spec_has_166_numeric_inputs():
    for fmt in all_formats().values():
        assert len(fmt.input_keys()) == 166, fmt.id


def test_sheets_in_order_and_every_sheet_protected(written):
    fmt, _, book = written
    assert book.sheetnames == layout(fmt).sheets
    for ws in book.worksheets:
        prot = ws.protection
        assert prot.sheet, ws.title
        assert prot.password, f"{ws.title}: no password"
        # users may resize rows and columns, nothing else
        assert not prot.formatColumns and not prot.formatRows, ws.title
        assert prot.insertRows and prot.deleteRows and prot.insertColumns and prot.deleteColumns, ws.title
        assert prot.formatCells and prot.sort, ws.title


def test_exactly_the_inputs_are_unlocked(written):
    fmt, _, book = written
    lay = layout(fmt)
    # (the hidden cells of a merged range cannot be typed into; openpyxl restyles them anyway)
    unlocked = {(ws.title, cell.coordinate) for ws in book.worksheets for row in ws.iter_rows() for cell in row
                if not isinstance(cell, MergedCell) and cell.protection.locked is False}
    numeric = {(lay.cells[k].sheet, lay.cells[k].ref) for k in fmt.input_keys()}
    text = {(f.pos.sheet, f.pos.ref) for f in lay.fields.values()}
    assert len(numeric) == 166
    assert unlocked == numeric | text


def test_derived_cells_are_sums_of_their_parts(written):
    fmt, _, book = written
    lay = layout(fmt)
    for key, inst in fmt.derived.items():
        pos = lay.cells[key]
        formula = book[pos.sheet][pos.ref].value
        assert isinstance(formula, str) and formula.startswith("=SUM("), (key, formula)
        want = sorted((lay.cells[p].sheet, lay.cells[p].ref) for p in inst.parts())
        assert sorted(_refs(formula, pos.sheet)) == want, key


def _validations(book) -> dict[tuple[str, str], object]:
    out = {}
    for ws in book.worksheets:
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                for row in ws[rng.coord] if ":" in rng.coord else ((ws[rng.coord],),):
                    for cell in row:
                        out[(ws.title, cell.coordinate)] = dv
    return out


def test_every_numeric_input_has_a_typed_validation(written):
    fmt, _, book = written
    lay = layout(fmt)
    rules = _validations(book)
    expected = {
        "count": ("whole", "greaterThanOrEqual", "0"),
        "money": ("decimal", "greaterThanOrEqual", "0"),
        "signed": ("whole", "between", "-999999999"),
    }
    text_boxes = {(f.pos.sheet, f.pos.ref) for f in lay.fields.values() if f.multiline}  # a prompt only
    assert set(rules) == {(lay.cells[k].sheet, lay.cells[k].ref) for k in fmt.input_keys()} | text_boxes
    assert all(rules[box].type in (None, "none") and "Ctrl+Enter" in rules[box].prompt for box in text_boxes)
    for key in fmt.input_keys():
        pos = lay.cells[key]
        dv = rules[(pos.sheet, pos.ref)]
        kind = fmt.cells[key].kind
        assert (dv.type, dv.operator or "between", dv.formula1) == expected[kind], key
        assert dv.showErrorMessage and dv.showInputMessage and dv.errorStyle in (None, "stop"), key
        assert dv.error and dv.errorTitle and dv.prompt and dv.promptTitle, key
        assert re.search(r"[\u4e00-\u9fff]", dv.error), key
        assert fmt.cells[key].column_label in dv.prompt, key


def test_number_formats_and_styles(written):
    fmt, _, book = written
    lay = layout(fmt)
    for key, cell in fmt.cells.items():
        pos = lay.cells[key]
        xl = book[pos.sheet][pos.ref]
        assert xl.number_format == ("0.00" if cell.kind == "money" else "0"), key
        fill = xl.fill.fgColor.rgb
        assert fill.endswith("E7E6E6" if key in fmt.derived else "FFF2CC"), (key, fill)


def test_identity_names_and_properties(written):
    fmt, _, book = written
    lay = layout(fmt)
    names = book.defined_names
    expected = {"format": fmt.id, "year": str(_year(fmt)), "agency_name": AGENCY["name"],
                "agency_code": AGENCY["code"], "agency_level": "county", "template_version": TEMPLATE_VERSION,
                "fingerprint": lay.fingerprint(), "kind": "department"}
    for field, value in expected.items():
        assert names[META_NAMES[field]].attr_text == f'"{value}"', field
    assert META_NAMES["hmac"] not in names  # no --secret-file
    props = {p.name: p.value for p in book.custom_doc_props.props}
    assert props == {PROPERTY_NAMES[f]: v for f, v in expected.items()}
    for key, pos in lay.cells.items():
        assert names[lay.name(key)].attr_text == pos.qualified, key
    for key, fld in lay.fields.items():
        assert names[lay.name(key)].attr_text == fld.pos.qualified, key
    assert {layout(fmt).name(f"sections.{s.key}") for s in fmt.text_sections()} <= set(names)


def test_merged_ranges_match_the_layout_grid(written):
    fmt, _, book = written
    lay = layout(fmt)
    for table in fmt.tables:
        grid, top = lay.grids[table.key], lay.grid_origin[table.key]
        want = {f"{get_column_letter(c.col + 1)}{top + c.row + 1}:"
                f"{get_column_letter(c.col + c.colspan)}{top + c.row + c.rowspan}"
                for c in grid.cells if c.rowspan > 1 or c.colspan > 1}
        got = {str(r) for r in book[table.sheet].merged_cells.ranges if r.min_row > top}
        assert got == want, table.sheet
        ws = book[table.sheet]
        for c in grid.cells:
            if c.role != "value":
                assert (ws.cell(top + c.row + 1, c.col + 1).value or "") == c.text, (table.sheet, c)
        assert ws.cell(1, 1).value == table.heading
        assert AGENCY["name"] in ws.cell(2, 1).value and f"{_year(fmt)}年" in ws.cell(2, 1).value


def test_table_sheets_print_like_the_official_tables(written):
    fmt, _, book = written
    lay = layout(fmt)
    for table in fmt.tables:
        ws = book[table.sheet]
        assert ws.page_setup.paperSize in (9, "9")
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (1, None)
        wide = table.key in ("requests", "reviews")
        assert ws.page_setup.orientation == ("landscape" if wide else "portrait"), table.sheet
        grid = lay.grids[table.key]
        last_header = lay.grid_origin[table.key] + max(grid.header_rows, 0)
        assert ws.print_title_rows == f"$1:${max(last_header, 2)}", table.sheet
        # every label readable: the label column holding the longest leaf label is wide
        if grid.label_cols:
            assert ws.column_dimensions[get_column_letter(grid.label_cols)].width >= 16


def test_check_sheet_has_one_live_row_per_check(written):
    fmt, _, book = written
    lay = layout(fmt)
    ws = book[CHECK_SHEET]
    assert len(lay.checks) == len([i for i in fmt.instances if not i.rule.cross_year])
    for check in lay.checks:
        row = check.row + 1
        inst = check.instance
        assert ws.cell(row, 1).value == lay.cells[inst.anchor].sheet
        assert ws.cell(row, 2).value == inst.rule.id
        assert ws.cell(row, 3).value == inst.rule.title
        for col in (5, 6, 7, 8):
            assert str(ws.cell(row, col).value).startswith("="), (inst.rule.id, row, col)
        result = ws.cell(row, 8).value
        assert '"✓"' in result and ('"⚠"' if inst.rule.severity == "warning" else '"✗"') in result
        for key in inst.keys():  # the formulas name every cell of the rule (derived ones via their name)
            pos = lay.cells[key]
            text = ws.cell(row, 5).value + ws.cell(row, 6).value
            assert f"'{pos.sheet}'!" in text
    assert "COUNTIF" in ws["E1"].value
    for table in fmt.tables:
        status = [c.value for c in book[table.sheet][1] if isinstance(c.value, str) and c.value.startswith("=")]
        assert len(status) == 1 and "COUNTIFS" in status[0] and table.sheet in status[0]


def test_rules_outside_the_agency_level_show_not_applicable(tmp_path):
    fmt = all_formats()["gov-info-disclosure-2021"]
    path = write_template(fmt, 2021, {**AGENCY, "level": "city"}, tmp_path / "city.xlsx")
    ws = openpyxl.load_workbook(path)[CHECK_SHEET]
    for check in layout(fmt).checks:
        value = ws.cell(check.row + 1, 8).value
        if check.instance.rule.applies_to:
            assert value == "不适用", check.instance.rule.id
        else:
            assert value.startswith("=IF("), check.instance.rule.id


def test_byte_identical_output(tmp_path):
    for format_id in FORMATS:
        fmt = all_formats()[format_id]
        doc = valid_document(fmt)
        a = write_template(fmt, 2021, AGENCY, tmp_path / "a.xlsx", document=doc).read_bytes()
        b = write_template(fmt, 2021, AGENCY, tmp_path / "b.xlsx", document=doc).read_bytes()
        assert a == b, format_id
        other = write_template(fmt, 2021, {**AGENCY, "code": "X"}, tmp_path / "c.xlsx", document=doc).read_bytes()
        assert other != a
        core = zipfile.ZipFile(tmp_path / "a.xlsx").read("docProps/core.xml").decode()
        assert "2022-01-01T00:00:00Z" in core


@pytest.mark.parametrize("format_id", FORMATS)
def test_document_fills_inputs_as_given_and_caches_totals(format_id, tmp_path):
    fmt = all_formats()[format_id]
    lay = layout(fmt)
    doc = valid_document(fmt)
    first, second, third = fmt.input_keys()[:3]
    doc["tables"][first] = "十二"  # a word in a number cell is written as a word
    doc["tables"][second] = None
    path = write_template(fmt, doc["year"], doc["agency"], tmp_path / "filled.xlsx", document=doc)
    formulas = openpyxl.load_workbook(path)
    cached = openpyxl.load_workbook(path, data_only=True)
    for key in fmt.input_keys():
        pos = lay.cells[key]
        want = doc["tables"][key]
        assert cached[pos.sheet][pos.ref].value == want, key
    assert isinstance(cached[lay.cells[third].sheet][lay.cells[third].ref].value, (int, float))
    totals = compute_derived(fmt, {k: doc["tables"][k] for k in fmt.input_keys()})
    for key in fmt.derived:
        pos = lay.cells[key]
        assert formulas[pos.sheet][pos.ref].value.startswith("=SUM("), key
        # a total over a blank or a word is left uncalculated (None), never a wrong cached 0
        assert cached[pos.sheet][pos.ref].value == totals[key], key
    assert any(v is None for v in totals.values()) and any(v is not None for v in totals.values())
    for key, fld in lay.fields.items():
        group, _, name = key.partition(".")
        want = doc[group][name] if name else doc[group]
        assert formulas[fld.pos.sheet][fld.pos.ref].value == want, key


@pytest.mark.parametrize("format_id", FORMATS)
def test_reader_reads_a_filled_template_back(format_id, tmp_path):
    fmt = all_formats()[format_id]
    doc = valid_document(fmt)
    path = write_template(fmt, doc["year"], doc["agency"], tmp_path / "filled.xlsx", document=doc)
    result = read_workbook(path, expect_year=doc["year"], expect_format=fmt.id)
    assert not result.fatal and result.findings == [], [f.message for f in result.findings]
    assert result.document["tables"] == doc["tables"]
    assert result.document["sections"] == doc["sections"] and result.document["contact"] == doc["contact"]


# ---------------------------------------------------------------- CLI


def _names(path) -> dict[str, str]:
    book = openpyxl.load_workbook(path)
    return {name: dn.attr_text for name, dn in book.defined_names.items()}


def test_cli_single_template(tmp_path, capsys):
    out = tmp_path / "one.xlsx"
    code = main(["template", "--agency", "萝北县教育局", "--code", "E7", "--level", "县级", "--year", "2021",
                 "--password", "s3cret", "-o", str(out)])
    assert code == 0
    assert "萝北县教育局" in capsys.readouterr().out
    names = _names(out)
    assert names["nb.meta.agency_code"] == '"E7"' and names["nb.meta.agency_level"] == '"county"'
    assert names["nb.meta.format"] == '"gov-info-disclosure-2021"'
    book = openpyxl.load_workbook(out)
    default = openpyxl.load_workbook(write_template(all_formats()["gov-info-disclosure-2021"], 2021, AGENCY,
                                                    tmp_path / "d.xlsx", password=DEFAULT_PASSWORD))
    assert book["封面"].protection.password != default["封面"].protection.password


def test_cli_secret_file_writes_issuer_mac(tmp_path):
    key = tmp_path / "county.key"
    key.write_bytes(b"county-secret\n")
    out = tmp_path / "signed.xlsx"
    assert main(["template", "--agency", "甲局", "--code", "A1", "--year", "2020", "--secret-file", str(key),
                 "-o", str(out)]) == 0
    fingerprint = layout(all_formats()["gov-info-disclosure-2019"]).fingerprint()
    want = issuer_mac(b"county-secret", {"format": "gov-info-disclosure-2019", "year": "2020", "agency_code": "A1",
                                         "agency_name": "甲局", "template_version": TEMPLATE_VERSION,
                                         "fingerprint": fingerprint})
    assert _names(out)["nb.meta.hmac"] == f'"{want}"'
    props = {p.name: p.value for p in openpyxl.load_workbook(out).custom_doc_props.props}
    assert props["nianbao.hmac"] == want
    def identity_findings(secret):
        return [f.rule for f in read_workbook(out, secret=secret).findings if f.rule.startswith("HMAC")]

    assert identity_findings(b"county-secret") == []
    assert identity_findings(b"other") == ["HMAC_MISMATCH"]


def test_cli_roster_writes_one_workbook_per_row(tmp_path, capsys):
    roster = tmp_path / "名单.csv"
    roster.write_text("代码,单位名称,层级,分组\n001,萝北县教育局,县级,县直部门\n002,名山镇,乡镇,乡镇\n"
                      "003,萝北县卫健局,,县直部门\n", encoding="utf-8-sig")
    out = tmp_path / "templates"
    assert main(["template", "--roster", str(roster), "--year", "2021", "-o", str(out)]) == 0
    files = sorted(p.name for p in out.iterdir())
    assert files == ["001-萝北县教育局-2021年报模板.xlsx", "002-名山镇-2021年报模板.xlsx",
                     "003-萝北县卫健局-2021年报模板.xlsx"]
    names = _names(out / files[1])
    assert names["nb.meta.agency_name"] == '"名山镇"' and names["nb.meta.agency_level"] == '"township"'
    assert "nb.meta.agency_level" not in _names(out / files[2])
    assert "3 个单位" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "words"), [
    (["--agency", "甲", "--year", "2021", "--format", "gov-info-disclosure-1999"], "未知的格式"),
    (["--agency", "甲", "--year", "2021", "--format", "gov-info-disclosure-2019"], "不适用于 2021"),
    (["--agency", "甲", "--year", "2017"], "没有适用的报告格式"),
    (["--agency", "甲", "--year", "2021", "--level", "村级"], "层级"),
    (["--agency", "甲", "--year", "2021", "--secret-file", "/nonexistent/key"], "密钥文件"),
])
def test_cli_usage_errors_exit_2(tmp_path, capsys, args, words):
    assert main(["template", *args, "-o", str(tmp_path / "x.xlsx")]) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and "\n" not in err and "Traceback" not in err
    assert not (tmp_path / "x.xlsx").exists()


def test_cli_bad_roster_exits_2(tmp_path, capsys):
    roster = tmp_path / "r.csv"
    roster.write_text("code,name,level\nA,甲局,county\nA,乙局,county\n", encoding="utf-8")
    assert main(["template", "--roster", str(roster), "--year", "2021", "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert "第 3 行" in err and "重复" in err and "\n" not in err
    assert main(["template", "--roster", str(tmp_path / "missing.csv"), "--year", "2021", "-o",
                 str(tmp_path / "out")]) == 2


def test_cli_fill_writes_a_broken_document_as_it_is(tmp_path, capsys):
    fmt = all_formats()["gov-info-disclosure-2021"]
    doc = valid_document(fmt)
    doc["tables"]["requests.received.natural"] = "十二"
    source = tmp_path / "report.json"
    source.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "filled.xlsx"
    assert main(["fill", str(source), "-o", str(out)]) == 0
    pos = layout(fmt).cells["requests.received.natural"]
    assert openpyxl.load_workbook(out)[pos.sheet][pos.ref].value == "十二"
    assert [f.rule for f in read_workbook(out).findings] == ["CELL_TEXT"]
    capsys.readouterr()


@pytest.mark.parametrize(("content", "words"), [
    ("{broken", "JSON 格式错误"),
    ('{"format": "nope", "year": 2021, "agency": {"name": "甲"}}', "未知"),
    ('{"format": "gov-info-disclosure-2021", "agency": {"name": "甲"}}', "年度"),
    ('{"format": "gov-info-disclosure-2021", "year": 2021}', "单位名称"),
    ('[1, 2]', "JSON 对象"),
])
def test_cli_fill_refuses_unusable_documents(tmp_path, capsys, content, words):
    source = tmp_path / "report.json"
    source.write_text(content, encoding="utf-8")
    assert main(["fill", str(source), "-o", str(tmp_path / "x.xlsx")]) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and "\n" not in err


def test_first_workbook_of_a_process_is_identical_to_later_ones(tmp_path):
    """Regression: xlsxwriter mutates default_format_properties; a shared options dict made the
    first template written in a process differ (styles.xml) from every later one."""
    import subprocess
    import sys

    fmt = all_formats()["gov-info-disclosure-2021"]
    agency = {"name": "测试县测试局", "code": "T-01", "level": "county"}
    write_template(fmt, 2021, agency, tmp_path / "first.xlsx")  # whatever ran before, this process is warm now
    warm = write_template(fmt, 2021, agency, tmp_path / "warm.xlsx")
    code = ("import sys; from nianbao.format.spec import all_formats; "
            "from nianbao.template.write import write_template; "
            "write_template(all_formats()['gov-info-disclosure-2021'], 2021, "
            "{'name': '测试县测试局', 'code': 'T-01', 'level': 'county'}, sys.argv[1])")
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "fresh.xlsx")], check=True, timeout=120)
    assert (tmp_path / "fresh.xlsx").read_bytes() == warm.read_bytes()
