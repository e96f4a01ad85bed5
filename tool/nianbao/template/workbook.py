"""Spec + layout → the locked Excel template a department fills in (written with xlsxwriter only).

The workbook has the sheets layout(fmt).sheets names: 封面 (cover, contact fields and
instructions), 正文 (narrative sections), one sheet per statutory table drawn like the
official table, and 校验 (live checks). Every sheet is protected; only the input cells
are unlocked. Derived cells are SUM formulas; their cached value is what the inputs give,
or empty so that LibreOffice computes it (library-facts §7.1: it does not recalculate a
cached 0). Identity metadata is written as defined names and custom document properties
(format/identity.py), and every cell and text field has a Chinese defined name (layout.name).

Same inputs give a byte-identical file: the creation time is fixed, nothing else varies.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re

import xlsxwriter

from nianbao.format import identity
from nianbao.format.carried import Carried, encode_previous, prefilled
from nianbao.format.document import compute_derived
from nianbao.format.layout import CHECK_SHEET, COVER_SHEET, TEXT_SHEET, col_letter, layout
from nianbao.format.spec import Format
from nianbao.inert import XLSXWRITER_OPTIONS, xlsx_workbook

from .checks import SUMMARY_CELL, previous_rows, write_check_sheet
from .sheets import write_cover, write_table_sheet, write_text_sheet
from .style import FONT, FONT_SIZE, Styles, checked

# Protection options: in xlsxwriter True means *the user may* (library-facts §7.1 semantics trap).
PROTECTION = {
    "format_columns": True,  # resize columns
    "format_rows": True,  # resize rows
    "select_locked_cells": True,
    "select_unlocked_cells": True,
    "format_cells": False,
    "insert_columns": False,
    "insert_rows": False,
    "delete_columns": False,
    "delete_rows": False,
    "sort": False,
    "autofilter": False,
}


def template_bytes(fmt: Format, year: int, agency: dict, document: dict | None, *, password: str | None = None,
                   secret: bytes | None = None, carried: Carried | None = None) -> bytes:
    """The workbook written by xlsxwriter, directly (agency as write_template normalised it)."""
    buffer = io.BytesIO()
    workbook = xlsx_workbook(buffer, workbook_options())
    try:
        build_workbook(workbook, fmt, year, agency, document, password=password, secret=secret, carried=carried)
    finally:
        workbook.close()
    return buffer.getvalue()


class PlainFormulaWorksheet(xlsxwriter.worksheet.Worksheet):
    """A worksheet that skips xlsxwriter's ~30 regex rewrites of each formula when they cannot apply.

    xlsxwriter prefixes Excel 365 functions (FILTER, XLOOKUP, …) with _xlfn.; our formulas
    use only classic functions (SUM, IF, COUNTIFS, ABS), so one search decides. Anything that
    does mention such a function goes through xlsxwriter's own code, unchanged.
    """

    def _prepare_formula(self, formula, expand_future_functions=False):
        if _FUTURE.search(formula) or self.use_future_functions or expand_future_functions:
            return super()._prepare_formula(formula, expand_future_functions)
        if formula.startswith("{"):
            formula = formula[1:]
        if formula.startswith("="):
            formula = formula[1:]
        if formula.endswith("}"):
            formula = formula[:-1]
        return formula


# Every function name xlsxwriter's _prepare_formula rewrites (dynamic arrays and future functions).
_FUTURE = re.compile(r"_xlfn\.|\b(ANCHORARRAY|BYCOL|BYROW|CHOOSECOLS|CHOOSEROWS|DROP|EXPAND|FILTER|HSTACK|LAMBDA|"
                     r"MAKEARRAY|MAP|RANDARRAY|REDUCE|SCAN|SINGLE|SEQUENCE|SORT|SORTBY|SWITCH|TAKE|TEXTSPLIT|TOCOL|"
                     r"TOROW|UNIQUE|VSTACK|WRAPCOLS|WRAPROWS|XLOOKUP)\(")


def workbook_options() -> dict:
    """A fresh copy each time: xlsxwriter writes into default_format_properties (theme_font_name),
    so a shared dict would make the first workbook of a process differ from every later one."""
    return copy.deepcopy(WORKBOOK_OPTIONS)


WORKBOOK_OPTIONS = {
    "in_memory": True,  # no temporary files per sheet
    "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE},
    **XLSXWRITER_OPTIONS,  # data is written as text, never as a formula or a link (nianbao/inert.py)
}


def build_workbook(workbook, fmt: Format, year: int, agency: dict, document: dict | None, *,
                   kind: str = identity.KIND_DEPARTMENT, read_only: bool = False, password: str | None = None,
                   secret: bytes | None = None, carried: Carried | None = None) -> dict:
    """Add the standard sheets (layout order), protection and identity to an open xlsxwriter workbook.

    read_only with kind="summary" is the county summary: the same sheets the reader knows,
    every cell locked. carried: last year's figures (`template --previous`): stamped, checked live
    on the 校验 sheet, and 上年结转 pre-filled from them where the document does not say it.
    Returns the worksheets by name, so a caller can add sheets around them.
    """
    lay = layout(fmt)
    agency = {k: v for k, v in agency.items() if v is not None}
    tables = document.get("tables") if document and isinstance(document.get("tables"), dict) else {}
    values = {key: tables.get(key) for key in fmt.input_keys()}
    if carried is not None:
        values |= {k: v for k, v in prefilled(fmt, carried).items() if values.get(k) is None}
    rows = lay.checks + previous_rows(fmt, lay, carried)
    derived_values = compute_derived(fmt, values)
    st = Styles(workbook, read_only=read_only)
    sheets = {name: workbook.add_worksheet(name, worksheet_class=PlainFormulaWorksheet) for name in lay.sheets}
    summary_ref = f"'{CHECK_SHEET}'!{col_letter(SUMMARY_CELL[1])}{SUMMARY_CELL[0] + 1}"
    write_cover(sheets[COVER_SHEET], st, fmt, lay, year, agency, document, summary_ref)
    write_text_sheet(sheets[TEXT_SHEET], st, fmt, lay, document, derived_values)
    for table in fmt.tables:
        write_table_sheet(sheets[table.sheet], st, fmt, lay, table, year, agency, values, derived_values, rows)
    write_check_sheet(sheets[CHECK_SHEET], st, fmt, lay, agency.get("level"), carried)
    for ws in sheets.values():
        ws.protect(identity.DEFAULT_PASSWORD if password is None else password, PROTECTION)
    _identity(workbook, fmt, lay, year, agency, secret, kind, encode_previous(fmt, carried) if carried else None)
    return sheets


def _identity(workbook, fmt: Format, lay, year: int, agency: dict, secret: bytes | None, kind: str,
              previous: str | None = None) -> None:
    meta = identity.identity_values(fmt, year, agency, secret=secret, kind=kind, previous=previous)
    what = "汇总表" if kind == identity.KIND_SUMMARY else "填报模板"
    for field, value in meta.items():
        checked(workbook.define_name(identity.META_NAMES[field], identity.name_constant(value)), f"name {field}")
        checked(workbook.set_custom_property(identity.PROPERTY_NAMES[field], value), f"property {field}")
    for key, pos in lay.cells.items():
        checked(workbook.define_name(lay.name(key), "=" + pos.qualified), f"name {key}")
    for key, fld in lay.fields.items():
        checked(workbook.define_name(lay.name(key), "=" + fld.pos.qualified), f"name {key}")
    workbook.set_properties({
        "title": f"{agency.get('name', '')}{year}年政府信息公开工作年度报告（{what}）",
        "subject": f"{fmt.title}（{fmt.notice}）",
        "author": "nianbao",
        "company": str(agency.get("name", "")),
        "keywords": f"nianbao,{fmt.id},{year}",
        "comments": "由 nianbao 汇总生成，只读。" if kind == identity.KIND_SUMMARY
        else "由 nianbao 生成的填报模板。请只在黄色单元格中填写。",
        # A fixed datetime (a date would silently become "now"): same inputs, same bytes.
        "created": dt.datetime(year + 1, 1, 1, tzinfo=dt.timezone.utc),
    })
