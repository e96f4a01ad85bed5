"""Compile keeps each report compactly (Checked/Figures) and writes its outputs one agency at a time
(summary.json streamed, 分部门明细 rows made while summary.xlsx is saved). These tests hold the
outputs to what the reports themselves say, read back independently, and to the plain writers
the streaming ones replace (json.dumps, one write_number per cell)."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path
from types import GeneratorType

import openpyxl
import pytest
from factory import valid_document
from xlsxwriter.worksheet import Worksheet

from nianbao.check.run import check_file
from nianbao.county import summary
from nianbao.county.consolidate import Checked, check_for_compile
from nianbao.county.previous import load_previous
from nianbao.county.roster import load_roster
from nianbao.format.layout import BREAKDOWN_FIXED, BREAKDOWN_KEY_ROW, BREAKDOWN_SHEET
from nianbao.format.spec import all_formats
from nianbao.render import summary_xlsx
from nianbao.render.summary_xlsx import write_summary_xlsx
from nianbao.render.xlsx_rows import DeferredRowsWorksheet
from nianbao.template.write import write_template
from nianbao.workflow.compile import CompileOptions, compile_reports, write_outputs

F21 = all_formats()["gov-info-disclosure-2021"]
KEYS = list(F21.cells)
MONEY = [k for k in KEYS if F21.cells[k].kind == "money"]
T0 = 1_700_000_000


def _agency(i: int) -> dict:
    return {"name": f"测试县第{i}局", "code": f"A{i:02d}", "level": "county"}


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    """Clean reports, a warning, an error, text in a number cell, a report document without tables,
    a resubmission, a stranger, a non-workbook, and an agency that never reports."""
    folder = tmp_path_factory.mktemp("inbox")
    docs = {i: valid_document(F21, 2021, seed=i, agency=_agency(i)) for i in range(1, 9)}
    docs[3]["tables"][MONEY[0]] = 2500.0  # a warning (probably 元, not 万元)
    docs[5]["tables"]["requests.carry_forward.natural"] += 3  # unbalanced: an error, complete
    docs[6]["tables"]["requests.received.commercial"] = "十二"  # text: an error, not complete
    first = valid_document(F21, 2021, seed=20, agency=_agency(8))  # A08 sends twice
    files = {f"{i:02d}.xlsx": docs[i] for i in range(1, 9)}
    files["08-初稿.xlsx"] = first
    files["外县.xlsx"] = valid_document(F21, 2021, seed=21, agency={"name": "外县某局", "code": "X99",
                                                                     "level": "county"})
    order = ["08-初稿.xlsx"] + [name for name in files if name != "08-初稿.xlsx"]  # received first
    for n, name in enumerate(order):
        path = write_template(F21, 2021, files[name]["agency"], folder / name, document=files[name])
        os.utime(path, (T0 + n, T0 + n))
    no_tables = {k: v for k, v in valid_document(F21, 2021, seed=9, agency=_agency(9)).items() if k != "tables"}
    (folder / "09.json").write_text(json.dumps(no_tables, ensure_ascii=False), encoding="utf-8")
    (folder / "说明.txt").write_text("今年没有依申请公开。", encoding="utf-8")
    roster = folder.parent / f"{folder.name}-roster.csv"
    roster.write_text("code,name,level\n" + "".join(f"A{i:02d},测试县第{i}局,county\n" for i in range(1, 11)),
                      encoding="utf-8")
    return folder, load_roster(roster)


def _compile(inbox, jobs: int = 1):
    folder, roster = inbox
    return compile_reports(CompileOptions(fmt=F21, year=2021, roster=roster, out_dir=folder / "out",
                                          paths=sorted(p for p in folder.iterdir() if p.is_file()), name="测试县",
                                          code="999", jobs=jobs))


@pytest.fixture(scope="module")
def compiled(inbox, tmp_path_factory):
    comp = _compile(inbox)
    return comp, write_outputs(comp, tmp_path_factory.mktemp("out"))


def _numbers_only(path: Path) -> dict | None:
    """What a report says, read on its own: the document of check_file, numbers only, keyed in spec order."""
    doc = check_file(path, expect_year=2021, expect_format=F21.id).document
    if doc is None:
        return None
    tables = doc.get("tables") if isinstance(doc.get("tables"), dict) else {}
    return {**{k: doc[k] for k in ("format", "year", "agency") if k in doc},
            "tables": {k: tables.get(k) for k in KEYS}}


def test_the_fixture_has_every_kind_of_agency(compiled):
    comp, _ = compiled
    assert {s.entry.code: s.status for s in comp.statuses} == {
        "A01": "ok", "A02": "ok", "A03": "warning", "A04": "ok", "A05": "error", "A06": "error", "A07": "ok",
        "A08": "ok", "A09": "error", "A10": "missing"}
    assert [s.entry.code for s in comp.included] == ["A01", "A02", "A03", "A04", "A07", "A08"]
    assert [Path(s.file).name for s in comp.superseded] == ["08-初稿.xlsx"]
    assert [s.code for s in comp.unknown] == ["X99"]


def test_json_agencies_say_what_each_report_says(compiled):
    comp, written = compiled
    data = json.loads(written["summary.json"].read_text(encoding="utf-8"))
    for s, got in zip(comp.statuses, data["agencies"], strict=True):
        assert got["code"] == s.entry.code
        if s.submission is None:
            assert got["document"] is None
            assert got["file"] is None
            continue
        path = Path(s.submission.file)
        assert got["document"] == _numbers_only(path), s.entry.code
        if got["document"] is not None:
            assert list(got["document"]["tables"]) == KEYS  # spec order, every cell (blank ones as null)
        own = check_file(path, expect_year=2021, expect_format=F21.id).findings
        assert (got["errors"], got["warnings"]) == (sum(f.severity == "error" for f in own),
                                                    sum(f.severity == "warning" for f in own))
    listed = [(f["agency_code"], f["rule"], f["key"]) for f in data["findings"]]
    assert listed == [(s.entry.code, f.rule, f.key) for s in comp.statuses for f in s.findings]


def test_json_is_exactly_json_dump_of_the_whole_summary(compiled, tmp_path, monkeypatch):
    """Streamed summary.json == json.dump of the fully built summary, indented (a county) or compact."""
    comp, written = compiled

    def whole():
        data = summary.summary_data(comp)
        return {k: list(v) if isinstance(v, GeneratorType) else v for k, v in data.items()}

    assert written["summary.json"].read_text(encoding="utf-8") == json.dumps(
        whole(), ensure_ascii=False, indent=1) + "\n"
    monkeypatch.setattr(summary, "INDENT_UP_TO", 0)  # as for a province
    compact = summary.write_summary_json(comp, tmp_path / "summary.json")
    assert compact.read_text(encoding="utf-8") == json.dumps(whole(), ensure_ascii=False) + "\n"


@pytest.mark.parametrize("indent", [None, 1, 2])
def test_dump_streaming_matches_json_dumps(indent, tmp_path):
    def items():
        yield {"a": [1, 2.5, None, True], "b": {"c": "多行\n文字\t\"引号\"", "d": {}, "e": []}}
        yield []
        yield "x"

    def data():
        return {"report": {"tables": {"k": 1.0, "m": -0}}, "agencies": items(), "none": (x for x in ()),
                "list": [[], {}], "s": "全角　空格", "n": None}

    path = tmp_path / "x.json"
    with path.open("w", encoding="utf-8") as fh:
        summary.dump_streaming(data(), fh, indent=indent)
    expected = {k: list(v) if isinstance(v, GeneratorType) else v for k, v in data().items()}
    assert path.read_text(encoding="utf-8") == json.dumps(expected, ensure_ascii=False, indent=indent)
    path.write_text("", encoding="utf-8")
    with path.open("w", encoding="utf-8") as fh:
        summary.dump_streaming({}, fh, indent=indent)
    assert path.read_text(encoding="utf-8") == "{}"


def test_breakdown_sheet_says_what_each_report_says(compiled):
    """Every agency with a report document is one row: its identity, status and every figure."""
    comp, written = compiled
    book = openpyxl.load_workbook(written["summary.xlsx"])
    ws = book[BREAKDOWN_SHEET]
    rows = list(ws.iter_rows(min_row=BREAKDOWN_KEY_ROW + 1))
    assert [c.value for c in rows[0]] == [k for k, _ in BREAKDOWN_FIXED] + KEYS
    body = rows[2:]
    expected = [s for s in comp.statuses if s.submission and _numbers_only(Path(s.submission.file))]
    assert len(body) == len(expected) == 9
    for s, row in zip(expected, body, strict=True):
        fixed, cells = row[:len(BREAKDOWN_FIXED)], row[len(BREAKDOWN_FIXED):]
        assert [c.value for c in fixed] == [s.entry.code, s.entry.name, s.entry.level, s.label]
        tables = _numbers_only(Path(s.submission.file))["tables"]
        for key, cell in zip(KEYS, cells, strict=True):
            value = tables[key]
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            assert cell.value == (value if number else None), (s.entry.code, key)
            if number and key in MONEY:
                assert cell.number_format == "0.00"
    a09 = next(r for r in body if r[0].value == "A09")
    assert all(c.value is None for c in a09[len(BREAKDOWN_FIXED):])  # a document without tables: no figures


def test_deferred_breakdown_is_byte_identical_to_writing_every_cell(compiled, tmp_path, monkeypatch):
    comp, written = compiled

    class EveryCell(Worksheet):  # what xlsxwriter does without deferral: one write_number per figure
        def defer_rows(self, rows, cells):
            for row, payload in rows.items():
                for col, number, fmt in cells(payload):
                    assert self.write_number(row, col, number, fmt) == 0

        def assert_written(self):
            pass

    monkeypatch.setattr(summary_xlsx, "DeferredRowsWorksheet", EveryCell)
    plain = write_summary_xlsx(comp, tmp_path / "plain.xlsx")
    assert plain.read_bytes() == written["summary.xlsx"].read_bytes()


def test_deferred_rows_never_go_missing_silently(compiled, tmp_path, monkeypatch):
    comp, _ = compiled
    # An xlsxwriter that writes <sheetData> some other way: the figures would be left out.
    monkeypatch.setattr(DeferredRowsWorksheet, "_write_sheet_data", Worksheet._write_sheet_data)
    with pytest.raises(RuntimeError, match="deferred rows"):
        write_summary_xlsx(comp, tmp_path / "x.xlsx")


@pytest.mark.filterwarnings("ignore::ResourceWarning")  # xlsxwriter leaves its part file open when a sheet fails
def test_deferred_cells_outside_the_written_extent_are_refused(tmp_path):
    import gc

    import xlsxwriter

    for rows, cells in (({0: None}, lambda _: [(2, 1, None)]), ({5: None}, lambda _: [(0, 1, None)])):
        book = xlsxwriter.Workbook(tmp_path / "x.xlsx")
        ws = book.add_worksheet("s", worksheet_class=DeferredRowsWorksheet)
        ws.write_string(0, 0, "a")
        ws.write_string(0, 1, "b")
        ws.defer_rows(rows, cells)
        with pytest.raises(ValueError, match="outside"):
            book.close()
        del book, ws
        gc.collect()


def test_parallel_compile_writes_the_same_bytes(inbox, compiled, tmp_path):
    """Checked crosses the process boundary (pickled) with -j 2: the outputs must not change."""
    _, written = compiled
    again = write_outputs(_compile(inbox, jobs=2), tmp_path / "j2", render=False)
    for name in ("summary.json", "summary.xlsx"):
        assert again[name].read_bytes() == written[name].read_bytes(), name


def test_checked_keeps_no_texts_and_pickles(inbox):
    folder, _ = inbox
    kept = check_for_compile(folder / "01.xlsx", expect_year=2021)
    assert isinstance(kept, Checked)
    assert kept.status == "ok"
    assert set(kept.figures.document()) == {"format", "year", "agency", "tables"}  # no sections, provenance
    assert pickle.loads(pickle.dumps(kept)) == kept


def test_previous_from_summary_json_and_xlsx_gives_the_figures(compiled, tmp_path):
    """Last year's per-agency figures, held compactly, equal summary.json's documents — from either file."""
    comp, written = compiled
    data = json.loads(written["summary.json"].read_text(encoding="utf-8"))
    listed = {a["code"]: a["document"] for a in data["agencies"] if a["document"]}
    assert {c: f.document() for c, f in load_previous(written["summary.json"], 2021).agencies.items()} == listed
    alone = tmp_path / "alone" / "summary.xlsx"  # without summary.json beside it: read from 分部门明细
    alone.parent.mkdir()
    alone.write_bytes(written["summary.xlsx"].read_bytes())
    from_xlsx = load_previous(alone, 2021).agencies
    assert set(from_xlsx) == set(listed)
    for code, figures in from_xlsx.items():
        numbers = {k: v if isinstance(v, (int, float)) and not isinstance(v, bool) else None
                   for k, v in listed[code]["tables"].items()}
        assert figures.tables() == numbers, code
