"""Files nianbao writes for the office hold text as text: no formula, link or DDE ever comes from data.

An agency name, a published report's title, a finding's message, a file name: any of them may
begin with "=" (=HYPERLINK("http://…","点我") sends a click to another site; =cmd|'/c calc'!A0
is DDE), "+", "-" or "@". Every spreadsheet and CSV nianbao writes goes through this module:

- xlsxwriter: `xlsx_workbook` opens a workbook whose write() never turns a string into a
  formula, a URL or a number (XLSXWRITER_OPTIONS), and `write_cell` / `write_row` write data
  by type — numbers as numbers, everything else with write_string.
- openpyxl (the annotated copy): `set_cell` stores a str as a string cell (data type "s"),
  never the formula openpyxl makes of "=…" nor the error it makes of "#N/A", with the text
  escaped as Excel stores it (control characters and literal _xHHHH_ sequences), so a cell
  shows exactly the text given.
- CSV (the links CSV, opened in Excel or WPS): `csv_text` writes UTF-8 with the BOM Chinese
  Excel needs, and `csv_field` puts an apostrophe before a field that a spreadsheet would read
  as a formula: one that begins with = + - @, a tab or a carriage return (after blanks, too).
  A field that is a plain number (-5, 3.5, 230421) stays as it is, and so do numbers.

Why an apostrophe and not a tab: both keep the field from being evaluated (measured with
LibreOffice 7.4, its default UTF-8 import: "'=1+1" shows '=1+1 and "\\t=1+1" a tab and =1+1,
both text, while "=1+1" shows 2 and =HYPERLINK(…,"点我") a live 点我; OWASP recommends the
apostrophe for Excel). The apostrophe stays visible in LibreOffice, which says plainly that
the text was protected, and in a mail merge or a copy it is a character a person can see; a
leading tab is an invisible difference that is pasted along. Such fields are never real
agency names or URLs, so real data never carries the mark.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from decimal import Decimal

# xlsxwriter's write(): a str is a string, never a formula ("=…", "{=…}"), a URL or a number.
XLSXWRITER_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def xlsx_workbook(target, options: dict | None = None):
    """An xlsxwriter Workbook (target: a path or a BytesIO) that cannot write data as live content;
    the inert options win over any given."""
    import xlsxwriter

    return xlsxwriter.Workbook(target, {**(options or {}), **XLSXWRITER_OPTIONS})


def is_number(value) -> bool:
    """A value written as a number cell: an int, float or Decimal a double holds (booleans, NaN,
    infinities and 10^400 are written as their text)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def write_cell(ws, row: int, col: int, value, cell_format=None) -> None:
    """One xlsxwriter cell: a number as a number, None as a blank, anything else as its text."""
    if value is None:
        ws.write_blank(row, col, None, cell_format)
    elif is_number(value):
        ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value, cell_format)
    else:
        ws.write_string(row, col, value if isinstance(value, str) else str(value), cell_format)


def write_row(ws, row: int, col: int, values: Iterable, cell_format=None) -> None:
    for offset, value in enumerate(values):
        write_cell(ws, row, col + offset, value, cell_format)


# -- openpyxl ------------------------------------------------------------------------------------

# What Excel decodes in stored text: _xHHHH_ stands for the character HHHH. A literal one is
# kept by escaping its underscore (_x005F_), and control characters (which XML cannot hold)
# are stored as their escape — what Excel and xlsxwriter write.
_EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAX_CELL_TEXT = 32767


def stored_text(text: str) -> str:
    """text as an xlsx string stores it, so that Excel shows text (longer than a cell holds: cut)."""
    text = _EXCEL_ESCAPE.sub(r"_x005F_\1", text[:_MAX_CELL_TEXT])
    return _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def set_cell(cell, value) -> None:
    """An openpyxl cell holding value: numbers as numbers, None empty, anything else as text (data
    type "s", whatever it begins with)."""
    if value is None or is_number(value):
        cell.value = value
        return
    cell.value = stored_text(value if isinstance(value, str) else str(value))
    cell.data_type = "s"  # openpyxl made "=…" a formula and "#N/A" an error


# -- CSV --------------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def csv_field(value) -> str:
    """One CSV field that a spreadsheet shows as the text it is (see the module docstring)."""
    if value is None:
        return ""
    if is_number(value):
        return str(value)
    text = value if isinstance(value, str) else str(value)
    if _PLAIN_NUMBER.fullmatch(text):
        return text
    if text.startswith(_FORMULA_START) or text.lstrip(" \u3000").startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_text(rows: Iterable[Iterable], *, bom: bool = True) -> str:
    """Rows as CSV text (CRLF line ends, every field through csv_field); with the UTF-8 BOM Chinese
    Excel needs to open it without mojibake."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_field(v) for v in row])
    return ("\ufeff" if bom else "") + buf.getvalue()
