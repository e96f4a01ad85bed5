"""Read a filled nianbao workbook back into a report document, recording every problem as a finding.

Order matters: identify the workbook first (format, year, agency, layout fingerprint);
if it is not what was expected, say so and read nothing else. Then read input cells
through the layout, normalise what people type, recompute every derived cell and
compare it with the formula and cached value the file carries. Cached results are
never trusted.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
from openpyxl.utils.cell import range_boundaries

from nianbao.findings import Code, Finding, finding
from nianbao.format import identity
from nianbao.format.carried import Carried, decode_previous
from nianbao.format.document import CONTACT_KEYS, compute_derived, number_text, to_json_number
from nianbao.format.layout import layout
from nianbao.format.spec import Format, all_formats

from . import appearance, sheet_layout
from .normalise import normalise
from .xlsx_raw import ENGINES, BadCell, FastBook, RawBook
from .xmlparse import BadXml, DtdRefused, StrictOpenXml


@dataclass
class ReadResult:
    document: dict | None
    findings: list[Finding] = field(default_factory=list)
    fatal: bool = False  # not readable as the expected report at all
    fmt: Format | None = None
    kind: str = "department"  # or "summary" for a compiled county workbook
    agency: dict | None = None  # from the identity metadata, even when the rest is not read
    year: int | None = None
    carried: Carried | None = None  # last year's figures the template was issued with (template --previous)


def read_workbook(
    path: str | Path,
    *,
    expect_format: str | None = None,
    expect_year: int | None = None,
    secret: bytes | None = None,
    engine: str = "fast",
    parts: dict[str, bytes] | None = None,
) -> ReadResult:
    """engine: "fast" (direct XML, the default) or "openpyxl" (the reference); findings are identical.
    parts: inflated parts from safety.screen(keep=…), so the fast engine does not inflate them again."""
    path = Path(path)
    try:
        book = FastBook(path, parts) if engine == "fast" else ENGINES[engine](path)
    except Exception as exc:  # noqa: BLE001 - any parser failure is the file's problem, not ours
        return ReadResult(None, [_load_failure(exc)], fatal=True)
    try:
        return _read(book, expect_format, expect_year, secret)
    except Exception as exc:  # noqa: BLE001 - a malformed part deep inside the file
        if os.environ.get("NIANBAO_DEBUG"):
            raise
        return ReadResult(None, [_load_failure(exc)], fatal=True)
    finally:
        book.close()


_BOMB_TYPES = {"EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden"}


def _load_failure(exc: Exception) -> Finding:
    name = type(exc).__name__
    if isinstance(exc, DtdRefused):
        return finding(Code.FILE_XML_BOMB)
    if isinstance(exc, StrictOpenXml):
        return finding(Code.FILE_STRICT_OOXML)
    if isinstance(exc, BadXml):
        return finding(Code.FILE_CORRUPT, what=exc.describe())
    if isinstance(exc, BadCell):
        return finding(Code.FILE_CORRUPT, what=str(exc))
    if isinstance(exc, ET.ParseError):  # the openpyxl engine meets malformed XML
        return finding(Code.FILE_CORRUPT, what="XML 格式错误")
    chain, seen = exc, 0
    while chain is not None and seen < 10:  # openpyxl wraps defusedxml's refusal in a ValueError
        if type(chain).__name__ in _BOMB_TYPES or "amplification" in str(chain).lower():
            return finding(Code.FILE_XML_BOMB)
        chain, seen = chain.__context__ or chain.__cause__, seen + 1
    if isinstance(exc, zipfile.BadZipFile):
        return finding(Code.FILE_CORRUPT, what="压缩包结构损坏")
    return finding(Code.FILE_CORRUPT, what=f"{name}")


# Set by check --annotate on its copy: the name of the 问题清单 sheet it added (check/unannotate.py). That
# sheet, sent back with the fixed copy, is nianbao's own: no "extra sheet" finding, as for a fresh file.
ANNOTATION_PROPERTY = identity.PROPERTY_PREFIX + "annotation"


def _meta(book: RawBook) -> dict[str, str]:
    """Identity values from defined names, falling back to custom document properties."""
    out: dict[str, str] = {}
    for name in identity.META_FIELDS:
        text = (book.defined_name(identity.META_NAME_PREFIX + name) or "").strip()
        if text:
            if text.startswith("=") and len(text) > 1:
                text = text[1:]
            if text.startswith('"') and text.endswith('"'):
                text = text[1:-1].replace('""', '"')
            out[name] = text
        else:
            prop = book.custom_property(identity.PROPERTY_PREFIX + name)
            if prop is not None:
                out[name] = prop
    return out


def _read(book: RawBook, expect_format, expect_year, secret) -> ReadResult:
    meta = _meta(book)
    if "format" not in meta:
        return ReadResult(None, [finding(Code.NOT_NIANBAO)], fatal=True)
    agency = {"name": meta.get("agency_name", ""), "code": meta.get("agency_code", "")}
    if meta.get("agency_level"):
        agency["level"] = meta["agency_level"]
    kind = meta.get("kind", "department")
    fmt = all_formats().get(meta["format"])
    try:
        year = int(meta.get("year", ""))
    except ValueError:
        return ReadResult(None, [finding(Code.NOT_NIANBAO)], fatal=True)

    # The issuer's MAC first: a refused file is still listed under the agency it claims to be.
    mac_findings = identity.verify_mac(meta, secret) if secret is not None else []

    def refuse(*problems: Finding) -> ReadResult:
        return ReadResult(None, [*mac_findings, *problems], fatal=True, fmt=fmt, kind=kind, agency=agency, year=year)

    if fmt is None:
        return refuse(finding(Code.UNKNOWN_FORMAT, actual=meta["format"]))
    if expect_year is not None and year != expect_year:
        return refuse(finding(Code.WRONG_YEAR, actual=year, expected=expect_year))
    if expect_format is not None and fmt.id != expect_format:
        return refuse(finding(Code.WRONG_FORMAT, actual=fmt.id, expected=expect_format, year=year))
    lay = layout(fmt)
    if meta.get("fingerprint") != lay.fingerprint():
        return refuse(finding(Code.FINGERPRINT, actual=meta.get("fingerprint", "无"), expected=lay.fingerprint()))
    findings: list[Finding] = []
    missing = [s for s in lay.sheets if s not in book.sheetnames]
    if missing:
        return refuse(*[finding(Code.SHEET_MISSING, sheet=s) for s in missing])
    book.load({sheet: set() for sheet in lay.sheets})
    moved = sheet_layout.moved_tables(book, lay)
    if moved:  # the numbers are not where the layout says: read none of them
        return refuse(*moved)
    annotation = book.custom_property(ANNOTATION_PROPERTY)
    sheets_seen, lookalikes = appearance.sheet_findings(book.sheet_states(), lay)
    findings.extend(sheets_seen)
    for name in book.sheetnames:
        if name not in lay.sheets:
            # not extra: a county summary's own sheets, nianbao's 问题清单, look-alikes (reported above)
            if kind != "summary" and name != annotation and name not in lookalikes:
                findings.append(finding(Code.SHEET_EXTRA, sheet=name))
        elif not book.protected(name):
            findings.append(finding(Code.PROTECTION_REMOVED, sheet=name))
    findings.extend(mac_findings)

    unseen, covered = sheet_layout.unseen_inputs(book, fmt, lay, fmt.input_keys())
    tables, provenance, raw = _read_inputs(book, fmt, findings, covered)
    findings.extend(unseen)
    looks: dict = {}  # what each sheet's cells are judged against, read once for inputs and totals
    findings.extend(appearance.judge_inputs(book, lay, [k for k in fmt.input_keys() if k not in covered], raw,
                                            tables, lambda key: sheet_layout.where(fmt, key, lay.cells[key]), looks))
    tables = compute_derived(fmt, tables)
    _check_derived(book, fmt, tables, findings, provenance, looks)
    if kind != "summary":
        findings.extend(sheet_layout.check_sheet_formulas(book, lay))
    doc = {
        "format": fmt.id,
        "year": year,
        "agency": agency,
        "contact": {},
        "date": "",
        "sections": {},
        "tables": {k: (to_json_number(v, fmt.cells[k].kind) if v is not None else None) for k, v in tables.items()},
        "provenance": provenance,
    }
    _read_text(book, fmt, doc, findings if kind != "summary" else [])  # a summary has no filler to ask
    carried = decode_previous(fmt, meta.get("previous")) if kind != "summary" else None
    return ReadResult(doc, findings, fatal=False, fmt=fmt, kind=kind, agency=agency, year=year, carried=carried)


def warm_up(fmt: Format) -> None:
    """Build the layout, its fingerprint and the reading plans of a format (see check.prepare)."""
    layout(fmt).fingerprint()
    _input_plan(fmt)
    _formula_plan(fmt)
    compute_derived(fmt, {})


def _cell_finding(code: Code, fmt: Format, key: str, **context) -> Finding:
    pos = layout(fmt).cells[key]
    cell = fmt.cells[key]
    return finding(code, sheet=pos.sheet, cell=pos.ref, key=key, row_label=cell.row_label or None,
                   column_label=cell.column_label or None, **context)


def _read_inputs(book, fmt: Format, findings: list[Finding], covered: set[str]) -> tuple[dict, dict, dict]:
    """The counted value of every input cell, its provenance, and the raw value the cell holds."""
    tables: dict = {}
    provenance: dict[str, str] = {}
    raws: dict = {}
    for key, sheet, ref, kind, where in _input_plan(fmt):
        if key in covered:  # under a merged range: not shown, not read (sheet_layout names it)
            provenance[key] = where
            tables[key] = None
            continue
        raw = raws[key] = book.value(sheet, ref)
        if isinstance(raw, str) and raw.startswith("="):
            raw = f"公式 {raw}"  # a formula typed into an input cell is not a number we can trust
        outcome = normalise(raw, kind)
        provenance[key] = where
        tables[key] = outcome.value
        if outcome.problem:
            findings.append(_cell_finding(outcome.problem, fmt, key, value=outcome.shown, actual=outcome.shown))
        elif outcome.note:
            findings.append(_cell_finding(Code.CELL_NORMALISED, fmt, key, value=outcome.shown,
                                          normalised=number_text(outcome.value), how=outcome.note,
                                          actual=outcome.shown))
    return tables, provenance, raws


@lru_cache(maxsize=None)
def _input_plan(fmt: Format) -> tuple[tuple[str, str, str, str, str], ...]:
    """(key, sheet, ref, kind, "sheet!ref") of every input cell; formats are loaded once."""
    lay = layout(fmt)
    return tuple((key, lay.cells[key].sheet, lay.cells[key].ref, fmt.cells[key].kind,
                  f"{lay.cells[key].sheet}!{lay.cells[key].ref}") for key in fmt.input_keys())


@lru_cache(maxsize=None)
def _formula_plan(fmt: Format) -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """(key, sheet, ref, the cells its SUM must add as sorted "sheet!A1", each as often as it counts)."""
    lay = layout(fmt)
    return tuple((key, lay.cells[key].sheet, lay.cells[key].ref,
                  tuple(sorted(f"{lay.cells[p].sheet}!{lay.cells[p].ref}" for p in inst.parts())))
                 for key, inst in fmt.derived.items())


_SUM = re.compile(r"^=\s*SUM\((.*)\)\s*$", re.IGNORECASE)
_MAX_SUM_CELLS = 1000


@lru_cache(maxsize=4096)  # the same few formulas in every workbook of a format
def _formula_refs(formula: str, sheet: str) -> tuple[str, ...] | None:
    """The cells a =SUM(...) formula adds up, as sorted 'sheet!A1', a cell named twice twice
    (=SUM(D6:I6,D6) counts D6 twice: not the template's total); None for any other formula."""
    match = _SUM.match(formula.replace("$", ""))
    if not match:
        return None
    refs: list[str] = []
    for arg in match.group(1).split(","):
        arg = arg.strip()
        where = sheet
        if "!" in arg:
            where, arg = arg.rsplit("!", 1)
            where = where.strip("'")
        try:
            min_col, min_row, max_col, max_row = range_boundaries(arg)
        except (ValueError, TypeError):
            return None
        if None in (min_col, min_row, max_col, max_row):
            return None  # a whole column or row (SUM(D:D)): not any formula nianbao writes
        if (max_col - min_col + 1) * (max_row - min_row + 1) > _MAX_SUM_CELLS:
            return None  # too many cells to be any formula nianbao writes, and too many to list
        for col in range(min_col, max_col + 1):
            for row in range(min_row, max_row + 1):
                refs.append(f"{where}!{openpyxl.utils.get_column_letter(col)}{row}")
        if len(refs) > _MAX_SUM_CELLS:
            return None
    return tuple(sorted(refs))


def _check_derived(book: RawBook, fmt: Format, tables: dict, findings: list[Finding], provenance: dict,
                   looks: dict | None = None) -> None:
    """Every total is the template's formula and shows its recomputed value; what it shows is judged
    like an input cell's (a number format, a colour or a text box can hide a right total too)."""
    shown_right: dict[str, object] = {}
    for key, sheet, ref, want in _formula_plan(fmt):
        provenance[key] = f"{sheet}!{ref}"
        content = book.value(sheet, ref)
        expected = tables.get(key)
        if not (isinstance(content, str) and content.startswith("=")):
            findings.append(_cell_finding(Code.FORMULA_REPLACED, fmt, key, actual=_plain(content),
                                          expected=_expected_text(expected)))
            continue
        if _formula_refs(content, sheet) != want:
            findings.append(_cell_finding(Code.FORMULA_CHANGED, fmt, key, actual=content,
                                          expected=_expected_text(expected)))
            continue
        shown = book.cached(sheet, ref)
        if expected is None:
            continue  # nothing to compare
        if shown is None or shown == "":
            shown_right[key] = expected  # never calculated: every application computes it on opening
            continue
        if isinstance(shown, (int, float)) and not isinstance(shown, bool):
            if abs(float(shown) - float(expected)) > 0.005:
                findings.append(_cell_finding(Code.FORMULA_STALE, fmt, key, actual=number_text(shown),
                                              expected=_expected_text(expected)))
            else:
                shown_right[key] = shown
            continue
        # A stored result that is not a number (text, an error value, TRUE, a date): what the sheet shows.
        text = appearance.shown_text(_plain(shown) if not isinstance(shown, bool) else ("TRUE" if shown else "FALSE"))
        outcome = normalise(shown, fmt.cells[key].kind) if isinstance(shown, str) else None
        if outcome is not None and outcome.value is not None and abs(float(outcome.value) - float(expected)) <= 0.005:
            findings.append(_cell_finding(Code.FORMULA_RESULT_TEXT, fmt, key, actual=text,
                                          expected=_expected_text(expected)))
        else:
            findings.append(_cell_finding(Code.FORMULA_STALE, fmt, key, actual=f"“{text}”",
                                          expected=_expected_text(expected)))
    lay = layout(fmt)
    findings.extend(appearance.judge_inputs(book, lay, list(shown_right), shown_right, tables,
                                            lambda key: sheet_layout.where(fmt, key, lay.cells[key]), looks))


def _expected_text(value) -> str:
    return number_text(value) if value is not None else "（无法计算）"


def _plain(value) -> object:
    if value is None:
        return "空白"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_text(book: RawBook, fmt: Format, doc: dict, findings: list[Finding]) -> None:
    lay = layout(fmt)
    for key, fld in lay.fields.items():
        value = _text(book.value(fld.pos.sheet, fld.pos.ref))
        doc["provenance"][key] = f"{fld.pos.sheet}!{fld.pos.ref}"
        group, _, name = key.partition(".")
        if group == "contact" and name in CONTACT_KEYS:
            doc["contact"][name] = value
        elif group == "sections":
            doc["sections"][name] = value
        elif key == "date":
            doc["date"] = value
        if not value and fld.required:
            findings.append(finding(Code.TEXT_EMPTY, sheet=fld.pos.sheet, cell=fld.pos.ref, key=key,
                                    label=fld.label.split("（")[0]))


def read_breakdown(path: str | Path) -> dict[str, dict]:
    """Per-agency documents from a county summary's 分部门明细 sheet, by agency code."""
    from nianbao.format.layout import BREAKDOWN_KEY_ROW, BREAKDOWN_SHEET

    names = FastBook(Path(path))
    try:
        meta = _meta(names)
    finally:
        names.close()
    book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    try:
        fmt = all_formats().get(meta.get("format", ""))
        if fmt is None or BREAKDOWN_SHEET not in book.sheetnames:
            return {}
        rows = list(book[BREAKDOWN_SHEET].iter_rows(values_only=True))
    finally:
        book.close()
    if len(rows) <= BREAKDOWN_KEY_ROW + 2:
        return {}
    keys = [str(k) if k is not None else "" for k in rows[BREAKDOWN_KEY_ROW]]
    out: dict[str, dict] = {}
    for row in rows[BREAKDOWN_KEY_ROW + 2:]:
        values = dict(zip(keys, row))
        code = values.get("agency.code")
        if not code:
            continue
        tables = {k: values.get(k) for k in fmt.cells}
        agency = {"name": str(values.get("agency.name") or ""), "code": str(code)}
        if values.get("agency.level"):
            agency["level"] = str(values["agency.level"])
        out[str(code)] = {"format": fmt.id, "year": int(meta.get("year", 0)), "agency": agency, "tables": tables}
    return out
