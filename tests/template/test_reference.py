"""正文's 参考表述: a formula per table section that states the typed figures exactly as the drafted
sentences do — in LibreOffice, for random figures — using only functions Excel, WPS and LibreOffice
compute alike; not an input, so it changes nothing the reader, the fingerprint or stamping rely on."""

from __future__ import annotations

import random
import re
from decimal import Decimal

import openpyxl
import pytest
from lo import convert_all
from test_libreoffice import _fill_with_openpyxl

from nianbao.check.narrative import check_narrative
from nianbao.format.document import compute_derived
from nianbao.format.drafting import draft_section
from nianbao.format.layout import TEXT_SHEET, layout
from nianbao.format.spec import all_formats
from nianbao.intake.read import read_workbook
from nianbao.template.reference import MAX_FORMULA, pending_text, reference_formula
from nianbao.template.write import write_template

FORMATS = sorted(all_formats())
AGENCY = {"name": "萝北县测试局", "code": "REF-01", "level": "county"}
ALIKE = {"IF", "AND", "COUNT", "SUM", "MID", "TEXT"}  # computed the same by Excel, WPS and LibreOffice


def _functions(formula: str) -> set[str]:
    code = re.sub(r'"(?:[^"]|"")*"', '""', formula)  # not the words inside string constants
    return set(re.findall(r"([A-Z][A-Z0-9.]*)\(", code))


@pytest.mark.parametrize("format_id", FORMATS)
def test_the_formula_uses_only_functions_every_spreadsheet_computes_alike(format_id):
    fmt = all_formats()[format_id]
    lay = layout(fmt)
    assert set(lay.references) == {s.key for s in fmt.sections if s.table}
    for key in lay.references:
        formula = reference_formula(fmt, lay, key)
        assert _functions(formula) <= ALIKE, _functions(formula) - ALIKE
        assert len(formula) < MAX_FORMULA and "_xlfn" not in formula
        assert max(len(s) for s in re.findall(r'"((?:[^"]|"")*)"', formula)) <= 255  # Excel's string constants


@pytest.mark.parametrize("format_id", FORMATS)
def test_cached_text_is_the_drafted_text_and_the_cells_change_nothing_the_reader_uses(format_id, tmp_path):
    fmt = all_formats()[format_id]
    lay = layout(fmt)
    doc = _document(fmt, random.Random(5))
    filled = write_template(fmt, fmt.year_from, AGENCY, tmp_path / "filled.xlsx", document=doc)
    blank = write_template(fmt, fmt.year_from, AGENCY, tmp_path / "blank.xlsx")
    tables = compute_derived(fmt, doc["tables"])
    for path, want in ((filled, lambda k: draft_section(fmt, k, tables)), (blank, lambda k: pending_text(fmt, k))):
        book = openpyxl.load_workbook(path, data_only=True)
        formulas = openpyxl.load_workbook(path)
        for key, pos in lay.references.items():
            assert book[TEXT_SHEET][pos.ref].value == want(key), (path.name, key)
            assert formulas[TEXT_SHEET][pos.ref].value.startswith("=IF(COUNT(")
            assert formulas[TEXT_SHEET][pos.ref].protection.locked
        top = min(p.row for p in lay.references.values())
        assert top > max(f.pos.row + 1 for f in lay.fields.values() if f.pos.sheet == TEXT_SHEET)  # below the boxes
    result = read_workbook(filled)
    assert not result.fatal and [f for f in result.findings if f.severity != "info"] == []
    assert result.document["tables"] == tables and result.document["sections"] == doc["sections"]


def _document(fmt, rng: random.Random, zeros: float = 0.5, largest: bool = False) -> dict:
    """Random figures of every kind, often 0, as a clerk would type them (rules need not hold here)."""
    tables = {}
    for key in fmt.input_keys():
        kind = fmt.cells[key].kind
        low, high = fmt.bounds[kind]
        if largest:
            tables[key] = float(high) if kind == "money" else int(high)
        elif rng.random() < zeros:
            tables[key] = 0.0 if kind == "money" else 0
        elif kind == "money":
            tables[key] = float(Decimal(rng.randint(0, 10 ** rng.randint(1, 10))) / 100)
        else:
            tables[key] = rng.choice((rng.randint(1, 40), rng.randint(int(max(low, -99)), 99999)))
    return {"format": fmt.id, "year": fmt.year_from, "agency": AGENCY, "date": "2022年1月20日",
            "contact": {"person": "张三", "phone": "0468-1234567", "department": "办公室"},
            "sections": {s.key: f"{s.title}：文字。" for s in fmt.text_sections()}, "tables": tables}


@pytest.mark.libreoffice
@pytest.mark.parametrize("format_id", FORMATS)
def test_libreoffice_states_the_typed_figures_exactly(format_id, tmp_path):
    fmt = all_formats()[format_id]
    lay = layout(fmt)
    rng = random.Random(format_id)
    docs = [_document(fmt, rng, zeros=1.0), _document(fmt, rng, largest=True)]
    docs += [_document(fmt, rng, zeros=z) for z in (0.0, 0.3, 0.6, 0.85, 0.95)]
    blank = write_template(fmt, fmt.year_from, AGENCY, tmp_path / "blank.xlsx")
    half = dict(docs[3], tables={k: v if i % 2 else None for i, (k, v) in enumerate(docs[3]["tables"].items())})
    sources = [_fill_with_openpyxl(fmt, blank, d, tmp_path / f"typed-{i}.xlsx") for i, d in enumerate(docs + [half])]
    saved = convert_all(sources, tmp_path / "computed")
    for doc, path in zip(docs, saved, strict=False):
        tables = compute_derived(fmt, doc["tables"])
        book = openpyxl.load_workbook(path, data_only=True)
        for key, pos in lay.references.items():
            computed = book[TEXT_SHEET][pos.ref].value
            assert computed == draft_section(fmt, key, tables), (path.name, key, computed)
            assert check_narrative(fmt, {"tables": tables}, texts={key: computed}) == [], (path.name, computed)
        book.close()
    waiting = openpyxl.load_workbook(saved[-1], data_only=True)
    for key, pos in lay.references.items():  # half the numbers typed: it waits for the rest
        assert waiting[TEXT_SHEET][pos.ref].value == pending_text(fmt, key)
