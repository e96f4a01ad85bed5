"""Templates opened and saved by a real LibreOffice: the formulas compute what Python computes.

For every spec: a template filled by write_template(document=…) and one filled by openpyxl
writing the inputs into the plain template (formulas untouched, no cached values), each
balanced and deliberately unbalanced, plus an empty one. LibreOffice saves them as .xlsx;
openpyxl (data_only) then reads the totals, the 校验 rows and the status lines it computed.
"""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
from lo import convert_all

from nianbao.check.rules import evaluate
from nianbao.format.document import as_decimal, compute_derived, new_document
from nianbao.format.identity import META_NAMES, PROPERTY_NAMES
from nianbao.format.layout import CHECK_SHEET, layout
from nianbao.format.spec import all_formats
from nianbao.intake.read import read_workbook
from nianbao.template.checks import applies
from nianbao.template.write import write_template

pytestmark = pytest.mark.libreoffice
FORMATS = sorted(all_formats())
AGENCY = {"name": "萝北县测试局", "code": "LO-01", "level": "city"}
BROKEN_COLUMN = "commercial"


def distinct_tables(fmt) -> dict:
    """Distinct non-zero inputs that satisfy every rule for a city agency."""
    tables: dict = {}
    for i, key in enumerate(fmt.input_keys()):
        kind = fmt.cells[key].kind
        if kind == "money":
            tables[key] = float(Decimal(1000 + 37 * i) / 100)
        elif kind == "signed":
            tables[key] = (i + 1) * (-1 if i % 2 else 1)
        else:
            tables[key] = 3 + i
    for key in tables:  # 2019 T2-6: published <= total_public
        if key.endswith(".total_public"):
            tables[key] = 5000 + len(key)
    for total in (k for k in fmt.derived if k.startswith("requests.outcome.total.")):
        col = total.rsplit(".", 1)[1]
        if f"requests.received.{col}" not in tables:
            continue  # the 总计 column is derived
        closed = sum(tables[p] for p in fmt.derived[total].parts())
        tables[f"requests.received.{col}"] = closed + 400 + len(col)
        tables[f"requests.carry_forward.{col}"] = (tables[f"requests.received.{col}"]
                                                   + tables[f"requests.carried_over.{col}"] - closed)
    tables = compute_derived(fmt, tables)
    assert evaluate(fmt, tables, level=AGENCY["level"]) == []
    return tables


def _document(fmt, broken: bool) -> dict:
    tables = {k: v for k, v in distinct_tables(fmt).items() if k not in fmt.derived}
    if broken:  # one more application received than the column accounts for
        tables[f"requests.received.{BROKEN_COLUMN}"] += 1
    doc = new_document(fmt, fmt.year_from, AGENCY, compute_derived(fmt, tables))
    doc["contact"] = {"person": "李四", "phone": "0468-7654321", "department": "办公室"}
    doc["date"] = f"{fmt.year_from + 1}年1月18日"
    doc["sections"] = {s.key: f"{s.title}：第一段。\n第二段。" for s in fmt.text_sections()}
    return doc


def _fill_with_openpyxl(fmt, template, doc, out):
    book = openpyxl.load_workbook(template)
    lay = layout(fmt)
    for key in fmt.input_keys():
        pos = lay.cells[key]
        book[pos.sheet][pos.ref].value = doc["tables"][key]
    for key, fld in lay.fields.items():
        group, _, name = key.partition(".")
        book[fld.pos.sheet][fld.pos.ref].value = doc[group][name] if name else doc[group]
    book.save(out)
    return out


def _side(fmt, terms, tables) -> Decimal:
    return sum((t.sign * (t.const if t.const is not None else as_decimal(tables[t.key])) for t in terms), Decimal(0))


def _assert_computed(fmt, path, doc, broken: bool, label: str) -> None:
    lay = layout(fmt)
    tables = compute_derived(fmt, {k: doc["tables"][k] for k in fmt.input_keys()})
    book = openpyxl.load_workbook(path, data_only=True)
    for key in fmt.cells:
        pos = lay.cells[key]
        got = book[pos.sheet][pos.ref].value
        assert got is not None and abs(as_decimal(got) - as_decimal(tables[key])) < Decimal("0.001"), (label, key, got)
    checks = book[CHECK_SHEET]
    bad = {"“商业企业”列", "“总计”列"} if broken else set()
    for check in lay.checks:
        inst, row = check.instance, check.row + 1
        left, right, result = (checks.cell(row, c).value for c in (5, 6, 8))
        assert abs(as_decimal(left) - _side(fmt, inst.left, tables)) < Decimal("0.001"), (label, inst.rule.id, row)
        assert abs(as_decimal(right) - _side(fmt, inst.right, tables)) < Decimal("0.001"), (label, inst.rule.id, row)
        label_text = checks.cell(row, 4).value
        if not applies(inst, AGENCY["level"]):
            want = "不适用"
        elif inst.rule.id == "T3-1" and label_text in bad:
            want = "✗"
        else:
            want = "✓"
        assert result == want, (label, inst.rule.id, label_text, result)
    summary = checks["E1"].value
    assert summary == ("✗ 有 2 处不一致，请核对" if broken else "✓ 全部通过"), (label, summary)
    for table in fmt.tables:
        status = next(c.value for c in book[table.sheet][1] if isinstance(c.value, str) and "本表" in c.value)
        want = "✗ 本表有 2 处不一致" if broken and table.key == "requests" else "✓ 本表校验全部通过"
        assert status.startswith(want), (label, table.sheet, status)
    assert book["封面"]["C13"].value == summary
    book.close()


def _assert_identity_survived(fmt, path) -> None:
    lay = layout(fmt)
    book = openpyxl.load_workbook(path)
    names = book.defined_names
    props = {p.name: str(p.value) for p in book.custom_doc_props.props}
    for field in ("format", "year", "agency_name", "agency_code", "agency_level", "template_version",
                  "fingerprint", "kind"):
        assert META_NAMES[field] in names, field
        assert PROPERTY_NAMES[field] in props, field
    assert names[META_NAMES["fingerprint"]].attr_text == f'"{lay.fingerprint()}"'
    for key, pos in list(lay.cells.items()) + [(k, f.pos) for k, f in lay.fields.items()]:
        # LibreOffice drops the quotes around sheet names that need none ('封面'!$C$9 -> 封面!$C$9)
        assert names[lay.name(key)].attr_text.replace("'", "") == pos.qualified.replace("'", ""), key
    assert all(ws.protection.sheet for ws in book.worksheets)
    validated = sum(len(list(rng.cells)) for ws in book.worksheets for dv in ws.data_validations.dataValidation
                    for rng in dv.sqref.ranges)
    assert validated == len(fmt.input_keys()) + sum(f.multiline for f in lay.fields.values())  # text: a prompt
    book.close()


@pytest.mark.parametrize("format_id", FORMATS)
def test_libreoffice_computes_totals_and_checks(format_id, tmp_path):
    fmt = all_formats()[format_id]
    year = fmt.year_from
    ok, broken = _document(fmt, False), _document(fmt, True)
    empty = write_template(fmt, year, AGENCY, tmp_path / "empty.xlsx")
    sources = {
        "doc-ok": write_template(fmt, year, AGENCY, tmp_path / "doc-ok.xlsx", document=ok),
        "doc-broken": write_template(fmt, year, AGENCY, tmp_path / "doc-broken.xlsx", document=broken),
        "openpyxl-ok": _fill_with_openpyxl(fmt, empty, ok, tmp_path / "openpyxl-ok.xlsx"),
        "openpyxl-broken": _fill_with_openpyxl(fmt, empty, broken, tmp_path / "openpyxl-broken.xlsx"),
        "empty": empty,
    }
    saved = dict(zip(sources, convert_all(list(sources.values()), tmp_path / "saved-by-libreoffice"), strict=True))

    for label in ("doc-ok", "doc-broken", "openpyxl-ok", "openpyxl-broken"):
        doc = broken if "broken" in label else ok
        _assert_computed(fmt, saved[label], doc, "broken" in label, label)
        _assert_identity_survived(fmt, saved[label])
        result = read_workbook(saved[label], expect_year=year, expect_format=fmt.id)
        assert not result.fatal, (label, [f.message for f in result.findings])
        assert result.document["tables"] == compute_derived(fmt, doc["tables"]), label
        assert result.document["sections"] == doc["sections"], label
        assert [f for f in result.findings if f.severity != "info"] == [], label
        found = {(f.rule, f.column_label) for f in evaluate(fmt, result.document["tables"], level=AGENCY["level"])}
        assert found == ({("T3-1", "商业企业"), ("T3-1", "总计")} if "broken" in label else set()), (label, found)

    blank = openpyxl.load_workbook(saved["empty"], data_only=True)
    lay = layout(fmt)
    applicable = [c for c in lay.checks if applies(c.instance, AGENCY["level"])]
    assert blank[CHECK_SHEET]["E1"].value == f"尚有 {len(applicable)} 项待填"
    assert {blank[CHECK_SHEET].cell(c.row + 1, 8).value for c in applicable} == {"待填"}
    for table in fmt.tables:
        inputs = [k for k in fmt.input_keys() if fmt.cells[k].table == table.key]
        status = next(c.value for c in blank[table.sheet][1] if isinstance(c.value, str) and "本表" in c.value)
        assert status == f"本表还有 {len(inputs)} 格未填数字（无数据请填 0）"
    blank.close()
