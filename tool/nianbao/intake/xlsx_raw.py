"""Two ways to get at a workbook's raw cells, with one interface, so the reader can use either.

RawBook answers exactly what read.py needs: sheet names and protection, defined names,
custom document properties, for a cell its value, its formula and its cached result, and what
a clerk could not see (merged, hidden rows and columns, number formats).

- OpenpyxlBook: the reference, two openpyxl loads (formulas, then cached values).
- FastBook: opens the zip once and parses every part it reads with expat (C, through
  ElementTree), after xmlparse.guard has refused any DTD, so what it reads is what a conforming
  reader sees: comments ignored, CDATA and character references resolved, elements found by
  namespace URI whatever their prefix. Cell semantics follow openpyxl's reader step by step
  (the cell types, shared formulas, date styles, merged cells, the row order openpyxl's
  read-only mode sees for cached values), reusing its pure helpers, so both engines give the
  same values and findings; tests/intake/test_engines_fuzz.py proves it on mutated workbooks.
"""

from __future__ import annotations

import io
import posixpath
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from xml.etree import ElementTree as ET

from openpyxl.cell.text import Text
from openpyxl.formula.translate import Translator
from openpyxl.styles.colors import COLOR_INDEX
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter, range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601
from openpyxl.worksheet._reader import _cast_number
from openpyxl.worksheet.protection import SheetProtection

from . import look as lk
from .appearance import Rule, plain, rules_from
from .drawings import Geometry, comment_texts, decode_escapes, drawing_overlays, parse_vml, vml_overlays
from .xmlparse import MAX_PART_BYTES, BadXml, StrictOpenXml, guard, parse

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS = "{" + MAIN + "}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CUSTOM_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"

_ROW, _C, _V, _F, _IS = NS + "row", NS + "c", NS + "v", NS + "f", NS + "is"
_CF, _SHEET_VIEW, _FORMAT_PR = NS + "conditionalFormatting", NS + "sheetView", NS + "sheetFormatPr"
_SHEET_VIEWS, _EXT_LST = NS + "sheetViews", NS + "extLst"
_X14_CF = "{http://schemas.microsoft.com/office/spreadsheetml/2009/9/main}conditionalFormatting"
_XM_SQREF = "{http://schemas.microsoft.com/office/excel/2006/main}sqref"
_DRAWING, _LEGACY = NS + "drawing", NS + "legacyDrawing"
MAX_RULES = 512  # conditional-format elements and rules read per sheet
# A row lower than this (points) or a column narrower than this (characters) shows nothing of a figure:
# LibreOffice clips 10 pt digits in a 3 pt row to a sliver.
THIN_ROW, THIN_COL = 3.0, 0.5
_PROT, _MERGES, _COL, _SI, _T = NS + "sheetProtection", NS + "mergeCells", NS + "col", NS + "si", NS + "t"

# Cells kept per sheet: the statutory tables and the cover fit in far less; a hostile sheet of a
# million rows is still scanned (so a broken cell anywhere refuses the file, as openpyxl would)
# but only this corner of it is kept in memory.
KEEP_ROWS, KEEP_COLS = 400, 64
# A sheet part up to this size is parsed into one tree (fastest); a larger one is streamed row by row.
TREE_BYTES = 4 * 1024 * 1024


class RawBook:
    sheetnames: list[str]

    def defined_name(self, name: str) -> str | None: ...
    def custom_property(self, name: str) -> str | None: ...
    def protected(self, sheet: str) -> bool: ...
    def load(self, wanted: dict[str, set[str]]) -> None:
        """Announce the sheets that will be asked about, so each is parsed once."""
    def value(self, sheet: str, ref: str): ...  # like openpyxl: formulas come back as '=…' strings
    def cached(self, sheet: str, ref: str): ...  # the stored result of a formula cell
    def view(self, sheet: str) -> SheetView: ...  # what the clerk could not see
    def cells(self, sheet: str) -> dict[str, object]: ...  # every non-empty value (the kept corner)
    def close(self) -> None: ...
    # -- how a cell looks (appearance.py judges it; both engines give the same answers)
    def sheet_states(self) -> dict[str, str]: ...  # name -> visible, hidden, veryHidden
    def palette(self) -> lk.Palette: ...
    def look(self, sheet: str, ref: str) -> lk.Look: ...
    def plain_looks(self, sheet: str): ...  # supports `ref in it`: the cell's style needs no judging
    def conditional_rules(self, sheet: str) -> tuple[Rule, ...]: ...
    def overlays(self, sheet: str) -> list: ...  # drawn objects (appearance.Overlay)
    def geometry(self, sheet: str) -> Geometry: ...
    def comments(self, sheet: str) -> dict[str, str]: ...  # ref -> comment text
    def runs(self, sheet: str, ref: str) -> tuple | None: ...  # rich-text runs of a string cell
    def show_zeros(self, sheet: str) -> bool: ...


@dataclass
class SheetView:
    """The parts of a sheet that change what a clerk sees, beyond the cell values."""

    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (min_col, min_row, max_col, max_row)
    hidden_rows: set[int] = field(default_factory=set)  # 1-based
    hidden_cols: list[tuple[int, int]] = field(default_factory=list)  # (min, max), 1-based


def _formula_text(value) -> object:
    """openpyxl's array and data-table formulas as the '=…' text the fast engine gives."""
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    if isinstance(value, ArrayFormula):
        return value.text if isinstance(value.text, str) else "="
    if isinstance(value, DataTableFormula):
        return "="
    return value


class _Shared(str):
    """A shared string as the reference engine reads it (to tell it from an inline one)."""

    __slots__ = ()


def _load(fh, **options):
    """openpyxl.load_workbook, with shared strings decoded as LibreOffice shows them (openpyxl itself
    deletes "x005F_" anywhere in a string)."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.reader.strings import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    class Reader(ExcelReader):
        def read_strings(self):
            ct = self.package.find("application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
            if ct is None:
                return
            strings, tag = [], "{%s}si" % SHEET_MAIN_NS
            with self.archive.open(ct.PartName[1:]) as src:
                for _, node in iterparse(src):
                    if node.tag == tag:
                        strings.append(_Shared(_content(Text.from_tree(node))))
                        node.clear()
            self.shared_strings = strings

    reader = Reader(fh, read_only=options.get("read_only", False), keep_vba=False,
                    data_only=options.get("data_only", False), keep_links=False)
    with warnings.catch_warnings():  # what openpyxl drops (extLst, drawings) is read through the package
        warnings.simplefilter("ignore", UserWarning)
        reader.read()
    return reader.wb


class OpenpyxlBook(RawBook):
    """The reference: what openpyxl reads and models (values, styles, conditional formats, sheet
    states, rows and columns, comments); what it drops (drawings, VML shapes, rich-text runs, which
    cells hold inline strings) it reads through the same package reader as the fast engine."""

    def __init__(self, path: Path):
        self._path = path
        refuse_strict(path)
        # A file object, so content decides, not the extension (openpyxl refuses a renamed .xlsx).
        self._fh = open(path, "rb")  # noqa: SIM115 - closed in close()
        try:
            self._book = _load(self._fh, data_only=False)
        except Exception:
            self._fh.close()
            raise
        self.sheetnames = list(self._book.sheetnames)
        self._cached_book = None
        self._package_book: FastBook | None = None

    @property
    def _package(self) -> FastBook:
        if self._package_book is None:
            self._package_book = FastBook(self._path)
        return self._package_book

    def defined_name(self, name):
        dn = self._book.defined_names.get(name)
        return dn.attr_text if dn is not None else None

    def custom_property(self, name):
        for prop in self._book.custom_doc_props.props if self._book.custom_doc_props else []:
            if prop.name == name:
                return str(prop.value)
        return None

    def protected(self, sheet):
        return bool(self._book[sheet].protection.sheet)

    def load(self, wanted):
        pass

    def value(self, sheet, ref):
        cell = self._book[sheet][ref]
        value = cell.value
        if type(value) is str and cell.data_type == "s" and "_x" in value and self._package.is_inline(sheet, ref):
            return decode_escapes(value)  # an inline string: openpyxl leaves its escapes as they are
        return _formula_text(value)

    def cached(self, sheet, ref):
        if self._cached_book is None:
            self._cached_fh = open(self._path, "rb")  # noqa: SIM115 - closed in close()
            self._cached_book = _load(self._cached_fh, data_only=True, read_only=True)
            self._cached_rows: dict[str, list] = {}
        if sheet not in self._cached_rows:
            # One read-only pass per sheet (a lookup per cell would parse the sheet each time); with the
            # bounds given, the rows are the ones a single-cell lookup finds.
            ws = self._cached_book[sheet]
            self._cached_rows[sheet] = [[c.value for c in row] for row in ws.iter_rows(
                min_row=1, max_row=KEEP_ROWS, min_col=1, max_col=KEEP_COLS)]
        row, col = coordinate_to_tuple(ref)
        rows = self._cached_rows[sheet]
        if row <= len(rows) and col <= len(rows[row - 1]):
            return rows[row - 1][col - 1]
        return self._cached_book[sheet][ref].value

    def cells(self, sheet):
        ws = self._book[sheet]
        return {c.coordinate: self.value(sheet, c.coordinate)
                for row in ws.iter_rows(max_row=min(ws.max_row, KEEP_ROWS), max_col=min(ws.max_column, KEEP_COLS))
                for c in row if c.value is not None}

    def view(self, sheet):
        ws = self._book[sheet]
        out = SheetView()
        out.merged = [r.bounds for r in ws.merged_cells.ranges]
        # hidden, or so thin that nothing shows (a height or width of 0: LibreOffice hides them too)
        out.hidden_rows = {int(r) for r, dim in ws.row_dimensions.items()
                           if dim.hidden or (dim.ht is not None and dim.ht < THIN_ROW)}
        out.hidden_cols = [(dim.min, dim.max) for dim in ws.column_dimensions.values()
                           if (dim.hidden or (dim.width is not None and dim.width < THIN_COL)) and dim.min is not None]
        return out

    def close(self):
        self._book.close()
        self._fh.close()
        if self._cached_book is not None:
            self._cached_book.close()
            self._cached_fh.close()
        if self._package_book is not None:
            self._package_book.close()

    # -- appearance, from openpyxl's model (its objects rebuilt as SpreadsheetML elements)

    def sheet_states(self):
        return {ws.title: ws.sheet_state or "visible" for ws in self._book.worksheets}

    @cached_property
    def _palette(self) -> lk.Palette:
        theme = lk.theme_colours(self._book.loaded_theme)
        colours = getattr(self._book, "_colors", None)
        custom = tuple(c[-6:] for c in colours) if colours and tuple(colours) != tuple(COLOR_INDEX[:len(colours)]) \
            else None
        return lk.Palette(theme, custom) if custom else lk.Palette(theme)

    def palette(self):
        return self._palette

    def look(self, sheet, ref):
        cell = self._book[sheet][ref]
        return lk.Look(cell.number_format, lk.font(cell.font.to_tree()), lk.fill(cell.fill.to_tree()),
                       cell.alignment.horizontal)

    def plain_looks(self, sheet):
        book = self

        class Plain:
            def __contains__(self, ref):
                return plain(book.look(sheet, ref), book._palette)

        return Plain()

    def conditional_rules(self, sheet):
        out = []
        for cf in self._book[sheet].conditional_formatting:
            ranges = parse_sqref(str(cf.sqref))
            for rule in cf.rules:
                if len(out) >= MAX_RULES:
                    break
                dxf = lk.differential(rule.dxf.to_tree()) if rule.dxf is not None else lk.Look()
                out.append(rules_from(rule.to_tree(), ranges, dxf))
        return tuple(out + self._package.x14_rules(sheet))  # openpyxl drops the sheet's extLst

    def geometry(self, sheet):
        return self._package.geometry(sheet)

    def overlays(self, sheet):
        return self._package.overlays(sheet)

    def show_zeros(self, sheet):
        views = self._book[sheet].views.sheetView
        show = views[0].showZeros if views else None
        return show is None or bool(show)

    def comments(self, sheet):
        return {cell.coordinate: decode_escapes(cell.comment.text or "")[:200]
                for cell in self._book[sheet]._cells.values() if cell.comment is not None}

    def runs(self, sheet, ref):
        return self._package.runs(sheet, ref)


class SharedStrings:
    """The shared-string table, each item decoded the first time a cell asks.

    A plain item (<si><t>…</t></si>) is its text; anything else (rich-text runs, phonetic runs,
    odd children) goes through openpyxl's own Text model, decoded at once so a malformed one
    refuses the file as openpyxl would. ``_xHHHH_`` escapes are decoded as LibreOffice shows them
    (drawings.decode_escapes), piece by piece."""

    def __init__(self, items: list[ET.Element]):
        self._items = items
        self._done: dict[int, str] = {}
        self.rich: set[int] = set()
        for index in [i for i, si in enumerate(items) if len(si) != 1 or si[0].tag != _T or len(si[0])]:
            self._done[index] = _rich_text(items[index])
            self.rich.add(index)

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: int) -> str:
        index = range(len(self._items))[index]  # IndexError past the table; negatives as a list
        text = self._done.get(index)
        if text is None:
            text = self._items[index][0].text or ""
            if "_x" in text:
                text = decode_escapes(text)
            self._done[index] = text
        return text

    def runs(self, index: int) -> tuple | None:
        """The rich-text runs of an item, (text, font), or None for a plain one."""
        if index not in self.rich or not 0 <= index < len(self._items):
            return None
        return text_runs(self._items[index])


def text_runs(node: ET.Element) -> tuple | None:
    """(text, look.Font) for each run of a rich string (<si> or <is>); None when it has no runs."""
    out = []
    for child in node:
        name = child.tag.rpartition("}")[2]
        if name == "t":
            out.append((decode_escapes(child.text or ""), lk.Font()))
        elif name == "r":
            t = next((c for c in child if c.tag.rpartition("}")[2] == "t"), None)
            props = next((c for c in child if c.tag.rpartition("}")[2] == "rPr"), None)
            out.append((decode_escapes(t.text or "") if t is not None else "", lk.font(props)))
    return tuple(out[:256]) if any(name.tag.rpartition("}")[2] == "r" for name in node) else None


def _content(text: Text) -> str:
    """openpyxl's Text.content with each piece decoded (openpyxl only deletes "x005F_")."""
    pieces = [decode_escapes(text.plain)] if text.plain is not None else []
    pieces += [decode_escapes(block.t) for block in text.formatted if block.t is not None]
    return "".join(pieces)


_RICH: dict[tuple, str] = {}  # an item's structure -> its text; templates repeat the same rich items


def _rich_text(si: ET.Element) -> str:
    """openpyxl's text of a rich-text (or otherwise unusual) item, computed once per distinct item."""
    key = tuple((el.tag, el.text, el.tail, tuple(el.items())) for el in si.iter())
    got = _RICH.get(key)
    if got is None:
        got = _content(Text.from_tree(si))
        if len(_RICH) < 4096:
            _RICH[key] = got
    return got


@dataclass
class _Sheet:
    """One sheet as read: values, cached results and styles by ref (the kept corner only)."""

    values: dict[str, object] = field(default_factory=dict)
    cached: dict[str, object] = field(default_factory=dict)
    styles: dict[str, int] = field(default_factory=dict)
    covered: frozenset[str] = frozenset()  # under a merged range, not its first cell: shown as nothing
    protected: bool = False
    view: SheetView = field(default_factory=SheetView)
    # -- appearance (kept raw; judged only when asked)
    string_index: dict[str, int] = field(default_factory=dict)  # ref -> a rich shared string's index (kept corner)
    inline: dict[str, ET.Element] = field(default_factory=dict)  # ref -> <is> of an inline string
    cond: list[ET.Element] = field(default_factory=list)  # <conditionalFormatting>
    cond_x14: list[ET.Element] = field(default_factory=list)  # Excel 2010's, in <extLst> (openpyxl drops them)
    geometry: Geometry = field(default_factory=Geometry)
    show_zeros: bool = True
    drawing_ids: list[str] = field(default_factory=list)  # r:id of <drawing> and <legacyDrawing>


class _Styles:
    """cellXfs: how many there are, which are dates or durations, each one's number format and look."""

    def __init__(self, root: ET.Element | None):
        custom: dict[int, str] = {}
        self.codes: list[str] = []
        self._root = root
        self._xfs: list[ET.Element] = []
        if root is not None:
            for n in root.iter(f"{NS}numFmt"):
                custom[int(n.get("numFmtId"))] = n.get("formatCode", "")
            xfs = root.find(f"{NS}cellXfs")
            for xf in xfs if xfs is not None else []:
                fid = int(xf.get("numFmtId", "0"))
                self.codes.append(custom.get(fid, BUILTIN_FORMATS.get(fid, "General")))
                self._xfs.append(xf)
        self.count = len(self.codes)
        self._known: dict[str | None, int] = {None: 0}
        self.dates = {i for i, code in enumerate(self.codes) if is_date_format(code)}
        self.durations = {i for i, code in enumerate(self.codes) if is_timedelta_format(code)}

    @cached_property
    def looks(self) -> list[lk.Look]:
        """Each cell style's look: its font, fill, alignment and number format."""
        root = self._root
        fonts = _children(root, "fonts")
        fills = _children(root, "fills")
        out = []
        for xf, code in zip(self._xfs, self.codes, strict=True):
            font_id, fill_id = _index_attr(xf, "fontId"), _index_attr(xf, "fillId")
            align = xf.find(f"{NS}alignment")
            out.append(lk.Look(code, lk.font(fonts[font_id] if 0 <= font_id < len(fonts) else None),
                               lk.fill(fills[fill_id] if 0 <= fill_id < len(fills) else None),
                               lk.alignment_horizontal(align)))
        return out or [lk.Look("General")]

    @cached_property
    def dxfs(self) -> list[lk.Look]:
        holder = self._root.find(f"{NS}dxfs") if self._root is not None else None
        return [lk.differential(d) for d in holder] if holder is not None else []

    @cached_property
    def custom_palette(self) -> tuple[str, ...] | None:
        return lk.custom_palette(self._root)

    def plain(self, palette: lk.Palette) -> frozenset[int]:
        """The styles whose look shows any value plainly (the template's own, and the like)."""
        key = palette
        got = self._plain.get(key) if hasattr(self, "_plain") else None
        if got is None:
            self._plain = getattr(self, "_plain", {})
            got = self._plain[key] = frozenset(i for i, look in enumerate(self.looks) if plain(look, palette))
        return got

    def index(self, s: str | None) -> int:
        """The style a cell's s attribute names, refused as openpyxl refuses it (no such style)."""
        got = self._known.get(s)
        if got is not None:
            return got
        got = self._index(s)
        if len(self._known) < 1024:
            self._known[s] = got
        return got

    def _index(self, s: str) -> int:
        if not s:
            raise BadCell(f"单元格样式编号为空（s=\"{s}\"）")
        try:
            i = int(s)
        except ValueError:
            raise BadCell(f"单元格样式编号“{s}”不是数字") from None
        if not (-self.count <= i < self.count) and self.count:
            raise BadCell(f"单元格样式编号 {i} 不存在（共 {self.count} 种样式）")
        return i if i >= 0 else i + self.count


@lru_cache(maxsize=1024)  # the same few ranges in every workbook
def parse_sqref(sqref: str | None) -> tuple[tuple[int, int, int, int], ...]:
    """A conditional format's ranges, (min_col, min_row, max_col, max_row) each; unreadable parts skipped."""
    out = []
    for part in (sqref or "").split()[:256]:
        try:
            bounds = range_boundaries(part.replace("$", ""))
        except (ValueError, TypeError):
            continue
        if None not in bounds:  # D6:D5 is D5:D6 (LibreOffice and Excel read a range in order)
            c0, r0, c1, r1 = bounds
            out.append((min(c0, c1), min(r0, r1), max(c0, c1), max(r0, r1)))
    return tuple(out)


def _children(root: ET.Element | None, name: str) -> list[ET.Element]:
    holder = root.find(f"{NS}{name}") if root is not None else None
    return list(holder) if holder is not None else []


def _index_attr(el: ET.Element, name: str) -> int:
    try:
        return int(el.get(name, "0"))
    except ValueError:
        return -1


class BadCell(ValueError):
    """A cell openpyxl cannot load either: the file is refused."""


@dataclass(frozen=True)
class _Unreadable:
    """The stored result of a formula cell that cannot be cast: an error only when asked for."""

    ref: str | None


_STYLES: dict[tuple[int, int], _Styles] = {}
_THEMES: dict[tuple[int, int], tuple[str, ...]] = {}


_PROTECTION: dict[tuple, bool] = {}
_MERGE_BOUNDS: dict[str, tuple[int, int, int, int]] = {}
_PLACE: dict[str, tuple[int, int, str]] = {}  # r attribute -> (row, col, canonical ref); same refs in every book


def _place(r: str) -> tuple[int, int, str]:
    got = _PLACE.get(r)
    if got is None:
        try:
            row, col = coordinate_to_tuple(r)
        except (ValueError, KeyError, IndexError, UnboundLocalError):
            raise BadCell(f"单元格地址“{r}”无效") from None
        got = (row, col, f"{get_column_letter(col)}{row}") if col >= 1 else None
        if got is None:
            raise BadCell(f"单元格地址“{r}”无效")
        if len(_PLACE) < 200_000:
            _PLACE[r] = got
    return got


def _number(text: str | None) -> float | None:
    """A size attribute (a width, a height): a number from 0, else None."""
    value = lk.number(text)
    return value if value is not None and value >= 0 else None


_THIN: dict[str, bool] = {}  # a row's ht attribute -> too low to show anything; the same few in every sheet


def _thin_row(height: str) -> bool:
    got = _THIN.get(height)
    if got is None:
        size = lk.number(height)
        got = size is not None and size < THIN_ROW
        if len(_THIN) < 4096:
            _THIN[height] = got
    return got


def _bool(text: str | None) -> bool:
    """An XML boolean attribute the way openpyxl's Bool descriptor takes it."""
    return text not in (None, "", "false", "f", "0")


class FastBook(RawBook):
    def __init__(self, path: Path, parts: dict[str, bytes] | None = None):
        """parts: the inflated parts safety.screen already produced; else the zip is opened here."""
        self._parts = parts
        self._zip = zipfile.ZipFile(path) if not parts else None
        self._rels_cache: dict[str, dict[str, str]] = {}
        self._rel_kinds: dict[str, dict[str, str]] = {}  # filled with _rels_cache by _read_rels
        try:
            self._names = set(parts) if parts else set(self._zip.namelist())
            self._workbook_part = self._main_part()
            root = self._xml(self._workbook_part)
            if root.tag == "{" + STRICT_MAIN + "}workbook":
                raise StrictOpenXml()
            rels = self._rels(self._workbook_part)
            self._sheet_parts: dict[str, str] = {}
            self._states: dict[str, str] = {}
            for sheet in root.iter(f"{NS}sheet"):
                self._sheet_parts[sheet.get("name")] = rels.get(sheet.get(f"{REL_NS}id"), "")
                self._states[sheet.get("name")] = sheet.get("state") or "visible"
            self.sheetnames = list(self._sheet_parts)
            self._defined = {dn.get("name"): (dn.text or "") for dn in root.iter(f"{NS}definedName")
                             if dn.get("localSheetId") is None}
            pr = root.find(f"{NS}workbookPr")
            self._epoch = CALENDAR_MAC_1904 if pr is not None and _bool(pr.get("date1904")) else WINDOWS_EPOCH
        except Exception:
            self.close()
            raise
        self._sheets: dict[str, _Sheet] = {}

    # -- package plumbing

    def _read(self, part: str) -> bytes:
        if self._parts:
            return self._parts[part]
        info = self._zip.getinfo(part)
        if info.file_size > MAX_PART_BYTES:
            raise BadXml(part, f"解压后 {info.file_size // (1024 * 1024)} MB，超过上限")
        return self._zip.read(part)

    def _xml(self, part: str) -> ET.Element:
        return parse(part, self._read(part), screened=bool(self._parts))

    def _rels(self, part: str) -> dict[str, str]:
        if part not in self._rels_cache:
            self._rels_cache[part] = self._read_rels(part)
        return self._rels_cache[part]

    def _read_rels(self, part: str) -> dict[str, str]:
        folder, name = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", name + ".rels")
        if rels_part not in self._names:
            return {}
        out, kinds = {}, {}
        self._rel_kinds[part] = kinds  # Id → the last segment of the relationship's type (styles, comments…)
        for rel in self._xml(rels_part).iter(f"{PKG_REL_NS}Relationship"):
            kinds[rel.get("Id")] = rel.get("Type", "").rsplit("/", 1)[-1]
            target = rel.get("Target", "")
            if target.startswith("/"):
                target = target[1:]
            else:
                target = posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id")] = target
        return out

    def _targets_of_type(self, part: str, kind: str) -> list[str]:
        """The parts `part` relates to by a relationship of this type (…/relationships/comments), as Excel
        and openpyxl follow them: by type, whatever the part is named (Excel writes comments1.xml,
        openpyxl comments/comment1.xml)."""
        rels = self._rels(part)
        kinds = self._rel_kinds.get(part, {})
        return [target for rid, target in rels.items() if kinds.get(rid) == kind]

    def _main_part(self) -> str:
        for rel in self._xml("_rels/.rels").iter(f"{PKG_REL_NS}Relationship"):
            if rel.get("Type", "").endswith("/officeDocument"):
                return rel.get("Target", "").lstrip("/")
        return "xl/workbook.xml"

    def _related(self, kind: str) -> str | None:
        """The workbook's part of this relationship type (sharedStrings, styles, theme), found as Excel
        finds it: by the relationship's type, whatever the part is called."""
        return next((t for t in self._targets_of_type(self._workbook_part, kind) if t in self._names), None)

    @cached_property
    def _shared_strings(self) -> SharedStrings:
        part = self._related("sharedStrings")
        if part is None:
            return SharedStrings([])
        return SharedStrings(list(self._xml(part).iter(_SI)))

    @cached_property
    def _styles(self) -> _Styles:
        part = self._related("styles")
        if part is None:
            return _Styles(None)
        raw = self._read(part)
        key = (zlib.crc32(raw), len(raw))  # the same styles part in every template: parse it once
        got = _STYLES.get(key)
        if got is None:
            got = _Styles(parse(part, raw))
            if len(_STYLES) < 64:
                _STYLES[key] = got
        return got

    @cached_property
    def _custom(self) -> dict[str, str]:
        part = "docProps/custom.xml"
        if part not in self._names:
            return {}
        out = {}
        for prop in self._xml(part).iter(f"{CUSTOM_NS}property"):
            out[prop.get("name")] = "".join(child.text or "" for child in prop)
        return out

    @cached_property
    def _palette(self) -> lk.Palette:
        part = self._related("theme")
        theme = self._theme(part) if part is not None else lk.DEFAULT_THEME
        custom = self._styles.custom_palette
        return lk.Palette(theme, custom) if custom else lk.Palette(theme)

    def _theme(self, part: str) -> tuple[str, ...]:
        """A theme's colours, read once per distinct part (known by the zip's CRC before inflating it)."""
        if self._zip is not None:
            info = self._zip.getinfo(part)
            key = (info.CRC, info.file_size)
            if key in _THEMES:
                return _THEMES[key]
            raw = self._read(part)
        else:
            raw = self._read(part)
            key = (zlib.crc32(raw), len(raw))
            if key in _THEMES:
                return _THEMES[key]
        got = lk.theme_colours(raw)
        if len(_THEMES) < 64:
            _THEMES[key] = got
        return got

    # -- RawBook

    def defined_name(self, name):
        return self._defined.get(name)

    def custom_property(self, name):
        return self._custom.get(name)

    def load(self, wanted):
        for sheet in wanted:
            self._sheet(sheet)

    def protected(self, sheet):
        return self._sheet(sheet).protected

    def value(self, sheet, ref):
        got = self._sheets.get(sheet) or self._sheet(sheet)
        return None if ref in got.covered else got.values.get(ref)

    def cached(self, sheet, ref):
        value = self._sheet(sheet).cached.get(ref)
        if isinstance(value, _Unreadable):
            raise BadCell(f"公式单元格 {value.ref} 保存的结果无法读取")
        return value

    def view(self, sheet):
        return self._sheet(sheet).view

    def cells(self, sheet):
        got = self._sheet(sheet)
        return {ref: v for ref, v in got.values.items() if v is not None and ref not in got.covered}

    def close(self):
        if self._zip is not None:
            self._zip.close()

    # -- appearance

    def sheet_states(self):
        return dict(self._states)

    def palette(self):
        return self._palette

    def look(self, sheet, ref):
        style = self._sheet(sheet).styles.get(ref, 0)
        looks = self._styles.looks
        return looks[style] if style < len(looks) else looks[0]

    def plain_looks(self, sheet):
        plain_styles = self._styles.plain(self._palette)
        return {ref for ref, style in self._sheet(sheet).styles.items() if style in plain_styles}

    def x14_rules(self, sheet) -> list[Rule]:
        """Excel 2010's conditional formats (in the sheet's extLst), each rule with its own inline style."""
        out = []
        for cf in self._sheet(sheet).cond_x14:
            sqref = cf.find(_XM_SQREF)
            ranges = parse_sqref(sqref.text if sqref is not None else None)
            for rule in cf:
                if rule.tag.rpartition("}")[2] != "cfRule" or len(out) >= MAX_RULES:
                    continue
                dxf = next((c for c in rule if c.tag.rpartition("}")[2] == "dxf"), None)
                out.append(rules_from(rule, ranges, lk.differential(dxf)))
        return out

    def conditional_rules(self, sheet):
        got = self._sheet(sheet)
        if not got.cond:
            return tuple(self.x14_rules(sheet)) if got.cond_x14 else ()
        dxfs = self._styles.dxfs
        out = []
        for cf in got.cond:
            ranges = parse_sqref(cf.get("sqref"))
            for rule in cf:
                if rule.tag != NS + "cfRule" or len(out) >= MAX_RULES:
                    continue
                dxf = rule.get("dxfId")
                out.append(rules_from(rule, ranges, dxfs[int(dxf)] if dxf is not None else lk.Look()))
        return tuple(out + self.x14_rules(sheet))

    def geometry(self, sheet):
        return self._sheet(sheet).geometry

    def show_zeros(self, sheet):
        return self._sheet(sheet).show_zeros

    def overlays(self, sheet):
        got = self._sheet(sheet)
        out: list = []
        rels = self._rels(self._sheet_parts[sheet]) if got.drawing_ids else {}
        for rid in got.drawing_ids:
            part = rels.get(rid)
            if part is None or part not in self._names:
                continue
            if part.lower().endswith(".vml"):
                root = parse_vml(self._read(part))
                out += vml_overlays(root, got.geometry) if root is not None else []
            else:
                out += drawing_overlays(self._xml(part), got.geometry)
        return out

    def comments(self, sheet):
        out: dict[str, str] = {}
        for target in self._targets_of_type(self._sheet_parts[sheet], "comments"):
            if target in self._names:
                out.update(comment_texts(self._xml(target)))
        return out

    def runs(self, sheet, ref):
        got = self._sheet(sheet)
        if ref in got.inline:
            return text_runs(got.inline[ref])
        index = got.string_index.get(ref)
        return self._shared_strings.runs(index) if index is not None else None

    def is_inline(self, sheet, ref) -> bool:
        return ref in self._sheet(sheet).inline

    def _sheet(self, sheet: str) -> _Sheet:
        got = self._sheets.get(sheet)
        if got is None:
            part = self._sheet_parts[sheet]
            got = self._sheets[sheet] = _SheetReader(self, part).read()
        return got

    # -- one cell's value, as openpyxl's WorkSheetParser.parse_cell gives it

    def cast(self, c: ET.Element, kind: str, style: int):
        """The value of a cell's <v> (or inline string) for type kind, without its formula."""
        if kind == "inlineStr":
            node = c.find(_IS)
            return _content(Text.from_tree(node)) if node is not None else None
        text = c.findtext(_V, None) or None
        if text is None:
            return None
        if kind == "n":
            number = _cast_number(text)
            if style in self._styles.dates:
                try:
                    return from_excel(number, self._epoch, timedelta=style in self._styles.durations)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self._shared_strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)
        return text  # str, e and any type openpyxl does not know: the text itself


_COVERED: dict[tuple, frozenset[str]] = {}  # merged ranges -> the refs they hide; the same in every template


def _covered(merged: list[tuple[int, int, int, int]]) -> frozenset[str]:
    key = tuple(merged)
    got = _COVERED.get(key)
    if got is None:
        refs = set()
        for min_col, min_row, max_col, max_row in merged:
            for row in range(min_row, min(max_row, KEEP_ROWS) + 1):
                for col in range(min_col, min(max_col, KEEP_COLS) + 1):
                    if (row, col) != (min_row, min_col):
                        refs.add(f"{get_column_letter(col)}{row}")
        got = frozenset(refs)
        if len(_COVERED) < 256:
            _COVERED[key] = got
    return got


class _SheetReader:
    """One pass over a sheet part with expat, mirroring openpyxl's WorkSheetParser."""

    def __init__(self, book: FastBook, part: str):
        self.book = book
        self.part = part
        self.out = _Sheet()
        self.row_counter = 0
        self.col_counter = 0
        self.shared: dict[str | None, Translator] = {}
        self.claimed = 0  # rows openpyxl's read-only mode has already passed (cached values)

    def read(self) -> _Sheet:
        data = self.book._read(self.part)
        if len(data) > MAX_PART_BYTES:
            raise BadXml(self.part, f"{len(data) // (1024 * 1024)} MB，超过上限")
        if not self.book._parts:  # screened parts were already proven free of any DTD (safety.screen)
            guard(self.part, data)
        self.strings = self.book._shared_strings  # parsed first, as openpyxl does: a broken table refuses the file
        self.styles = self.book._styles
        out = self.out
        try:
            if len(data) <= TREE_BYTES:
                root = ET.fromstring(data)
                for el in root.iter(_PROT):
                    self._protection(el)
                for el in root.iter(_COL):
                    self._col(el)
                for el in root.iter(_MERGES):
                    self._merges(el)
                for el in root.iter(_ROW):
                    self._row(el)
                looks = self._looks
                for el in root:  # what only changes a cell's look sits at the top of the sheet
                    handler = looks.get(el.tag)
                    if handler is not None:
                        handler(el)
            else:  # a large part is streamed, each row dropped once read: memory stays bounded
                handlers = {_ROW: self._row, _PROT: self._protection, _COL: self._col, _MERGES: self._merges,
                            **self._looks}  # (streamed: found at any depth; a sheet this large is hostile anyway)
                for _event, el in ET.iterparse(io.BytesIO(data)):
                    handler = handlers.get(el.tag)
                    if handler is not None:
                        handler(el)
                        el.clear()
        except ET.ParseError as exc:
            raise BadXml(self.part, exc) from None
        out.covered = _covered(out.view.merged)
        return out

    @property
    def _looks(self) -> dict:
        """Handlers of the <worksheet> children that change only how cells look (read where the schema
        puts them, as LibreOffice does; openpyxl would take a conditional format from anywhere)."""
        return {_CF: self._cond, _SHEET_VIEWS: self._views, _FORMAT_PR: self._format_pr, _DRAWING: self._drawing,
                _LEGACY: self._drawing, _EXT_LST: self._extensions}

    def _extensions(self, el: ET.Element) -> None:
        for cf in el.iter(_X14_CF):
            if len(self.out.cond_x14) < MAX_RULES:
                self.out.cond_x14.append(cf)

    def _views(self, el: ET.Element) -> None:
        for view in el:
            if view.tag == _SHEET_VIEW:
                self._view(view)
                break  # the first view is the one a workbook opens with

    def _cond(self, el: ET.Element) -> None:
        if len(self.out.cond) < MAX_RULES:
            self.out.cond.append(el)
        count = len(self.styles.dxfs)
        for rule in el:
            dxf = rule.get("dxfId")
            if rule.tag == NS + "cfRule" and dxf is not None:  # openpyxl looks each one up on loading
                try:
                    range(count)[int(dxf)]
                except (ValueError, IndexError):
                    raise BadCell(f"条件格式引用的样式 {dxf} 不存在（共 {count} 种）") from None

    def _view(self, el: ET.Element) -> None:
        if el.get("showZeros") is not None:
            self.out.show_zeros = _bool(el.get("showZeros"))

    def _format_pr(self, el: ET.Element) -> None:
        g = self.out.geometry
        height, width = _number(el.get("defaultRowHeight")), _number(el.get("defaultColWidth"))
        base = _number(el.get("baseColWidth"))
        g.default_height = height if height is not None else g.default_height
        g.default_width = width if width is not None else (base + 0.43 if base is not None else g.default_width)
        g.zero_height = _bool(el.get("zeroHeight"))

    def _drawing(self, el: ET.Element) -> None:
        rid = el.get(f"{REL_NS}id")
        if rid and len(self.out.drawing_ids) < 16:
            self.out.drawing_ids.append(rid)

    def _protection(self, el: ET.Element) -> None:
        key = tuple(el.items())  # the same few protection elements in every workbook: read each once
        got = _PROTECTION.get(key)
        if got is None:
            got = bool(SheetProtection.from_tree(el).sheet)
            if len(_PROTECTION) < 256:
                _PROTECTION[key] = got
        self.out.protected = got

    def _col(self, el: ET.Element) -> None:
        low, high = int(el.get("min")), int(el.get("max", el.get("min")))
        width = lk.number(el.get("width"))
        if _bool(el.get("hidden")) or (width is not None and width < THIN_COL):
            self.out.view.hidden_cols.append((low, high))
        if len(self.out.geometry.cols) < 1024:
            self.out.geometry.cols.append((low, high, width, _bool(el.get("hidden"))))

    def _merges(self, el: ET.Element) -> None:
        for child in el:
            if child.tag.rpartition("}")[2] == "mergeCell":
                ref = child.get("ref")
                bounds = _MERGE_BOUNDS.get(ref)
                if bounds is None:
                    bounds = range_boundaries(ref)
                    if None in bounds or bounds[0] > bounds[2] or bounds[1] > bounds[3]:
                        raise BadCell(f"合并区域“{ref}”无效")  # openpyxl refuses it too
                    if len(_MERGE_BOUNDS) < 4096:
                        _MERGE_BOUNDS[ref] = bounds
                self.out.view.merged.append(bounds)

    def _row(self, row: ET.Element) -> None:
        r = row.get("r")
        if r is not None:
            try:
                self.row_counter = int(r)
            except ValueError:
                number = float(r)  # openpyxl accepts "5.0"; anything else refuses the file
                if not number.is_integer():
                    raise BadCell(f"行号“{r}”无效") from None
                self.row_counter = int(number)
        else:
            self.row_counter += 1
        self.col_counter = 0
        idx = self.row_counter
        hidden = row.get("hidden")
        hidden = hidden is not None and _bool(hidden)
        height = row.get("ht")
        if hidden or (height is not None and _thin_row(height)):
            self.out.view.hidden_rows.add(idx)
        if (height is not None or hidden) and idx <= KEEP_ROWS:
            self.out.geometry.rows[idx] = (height, hidden)  # parsed when a drawing needs it
        visible_cached = idx > self.claimed  # the first row element at or past idx answers read-only
        if visible_cached:
            self.claimed = idx
        out, cast_cell = self.out, self.book.cast
        known, index, dates = self.styles._known, self.styles.index, self.styles.dates
        values, cached, styles = out.values, out.cached, out.styles
        strings, col_counter = self.strings, 0
        rich, string_index = strings.rich, out.string_index
        for c in row:
            s = c.get("s")
            style = known.get(s)
            if style is None:
                style = index(s)
            r = c.get("r")
            if r:
                row_no, col, ref = _PLACE.get(r) or _place(r)
                col_counter = col
            else:
                col_counter += 1
                row_no, col = idx, col_counter
                ref = f"{get_column_letter(col)}{row_no}"
            n = len(c)
            if not n:  # <c r="B1" s="6"/>: a styled empty cell, whatever its type, holds nothing
                if ref in values:  # a cell written twice: the later one counts, as in openpyxl
                    values[ref] = None
                    if visible_cached:
                        cached[ref] = None
                continue
            kind = c.get("t", "n")
            first = c[0]
            if n == 1 and first.tag == _V and first.text and (kind == "s" or kind == "n" and style not in dates):
                # The common plain cell (a label, a number): cast here, as cast() would.
                try:
                    if kind == "s":
                        item = int(first.text)
                        value = strings[item]
                        if item in rich and row_no <= KEEP_ROWS and col <= KEEP_COLS:  # its runs may hide text
                            string_index[ref] = item
                    else:
                        value = _cast_number(first.text)
                except (ValueError, IndexError) as exc:
                    raise BadCell(f"单元格 {r or ref} 的值无法读取（{type(exc).__name__}）") from None
                cast = value
            elif n == 2 and first.tag == _F and not first.attrib and c[1].tag == _V and not c[1].text:
                # The common formula cell: a plain <f> and an empty stored result (never calculated).
                value = "=" + first.text if first.text is not None else "="
                cast = None
            else:
                f = c.find(_F)
                try:
                    cast = cast_cell(c, kind, style)
                except (ValueError, IndexError, TypeError, OverflowError) as exc:
                    if f is None:  # openpyxl casts a formula cell's stored result only when it is asked for
                        raise BadCell(f"单元格 {r or ref} 的值无法读取（{type(exc).__name__}）") from None
                    cast = _Unreadable(r)
                value = self._formula(f, r) if f is not None else cast
                if f is None and row_no <= KEEP_ROWS and col <= KEEP_COLS:
                    if kind == "inlineStr" and c.find(_IS) is not None:
                        out.inline[ref] = c.find(_IS)
                    elif kind == "s" and isinstance(cast, str) and int(c.findtext(_V)) in rich:
                        string_index[ref] = int(c.findtext(_V))
            if row_no <= KEEP_ROWS and col <= KEEP_COLS:
                values[ref] = value
                styles[ref] = style
                if visible_cached:
                    cached[ref] = cast
        self.col_counter = col_counter

    def _formula(self, f: ET.Element, coordinate: str | None) -> str:
        """openpyxl's parse_formula: shared formulas translated from their master cell."""
        kind = f.get("t")
        value = "=" + f.text if f.text is not None else "="
        if kind == "shared":
            idx = f.get("si")
            if idx in self.shared:
                try:
                    return self.shared[idx].translate_formula(coordinate)
                except Exception as exc:  # noqa: BLE001 - openpyxl's Translator raises what it meets
                    raise BadCell(f"共享公式无法展开（{type(exc).__name__}）") from None
            if value != "=":
                self.shared[idx] = Translator(value, coordinate)
        elif kind == "dataTable":
            return "="
        return value


def refuse_strict(path: Path) -> None:
    """Raise StrictOpenXml for a Strict Open XML workbook (the fast engine finds out by itself)."""
    FastBook(path).close()


ENGINES = {"fast": FastBook, "openpyxl": OpenpyxlBook}
