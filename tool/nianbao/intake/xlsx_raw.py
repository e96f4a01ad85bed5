"""Two ways to get at a workbook's raw cells, with one interface, so the reader can use either.

RawBook answers exactly what read.py needs: sheet names and protection, defined names,
custom document properties, and for a cell its value, its formula and its cached result.

- OpenpyxlBook: the reference, two openpyxl loads (formulas, then cached values).
- FastBook: opens the zip once and reads only the parts and cells asked for: small parts
  through an XML parser (defusedxml, or expat directly for parts safety.screen has proven
  free of any DTD), sheets and shared strings with a C-speed scan that never expands
  entities; shared strings are decoded only when a cell asks for one. It borrows openpyxl's
  pure helpers for number formats, Excel dates and shared-formula translation so values come
  out the same as openpyxl's; tests prove both engines give identical findings on the
  sample corpus.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
import zlib
from functools import cached_property
from pathlib import Path
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET
from openpyxl.formula.translate import Translator
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.datetime import from_excel

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CUSTOM_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"


class RawBook:
    sheetnames: list[str]

    def defined_name(self, name: str) -> str | None: ...
    def custom_property(self, name: str) -> str | None: ...
    def protected(self, sheet: str) -> bool: ...
    def load(self, wanted: dict[str, set[str]]) -> None:
        """Announce every cell that will be asked for (sheet -> refs), so a sheet is parsed once."""
    def value(self, sheet: str, ref: str): ...  # like openpyxl: formulas come back as '=…' strings
    def cached(self, sheet: str, ref: str): ...  # the stored result of a formula cell
    def close(self) -> None: ...


class OpenpyxlBook(RawBook):
    def __init__(self, path: Path):
        import openpyxl

        self._path = path
        # A file object, so content decides, not the extension (openpyxl refuses a renamed .xlsx).
        self._fh = open(path, "rb")  # noqa: SIM115 - closed in close()
        try:
            self._book = openpyxl.load_workbook(self._fh, data_only=False, keep_links=False)
        except Exception:
            self._fh.close()
            raise
        self.sheetnames = list(self._book.sheetnames)
        self._cached_book = None

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
        return self._book[sheet][ref].value

    def cached(self, sheet, ref):
        if self._cached_book is None:
            import openpyxl

            self._cached_fh = open(self._path, "rb")  # noqa: SIM115 - closed in close()
            self._cached_book = openpyxl.load_workbook(self._cached_fh, data_only=True, read_only=True,
                                                       keep_links=False)
        return self._cached_book[sheet][ref].value

    def close(self):
        self._book.close()
        self._fh.close()
        if self._cached_book is not None:
            self._cached_book.close()
            self._cached_fh.close()


class SharedStrings:
    """The shared-string table, each item decoded the first time a cell asks for it.

    A template holds a few hundred strings (labels, instructions) and the reader needs a
    handful (the text answers), so decoding all of them would be most of the work."""

    def __init__(self, items: list[bytes], plain: bool = False):
        self._items = items  # the raw <t> text (plain) or the raw <si> body
        self._plain = plain
        self._done: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: int) -> str:
        text = self._done.get(index)
        if text is None:
            raw = self._items[index]  # IndexError for an index past the table, as a list would
            if self._plain:
                text = _text(raw)
            else:
                body = _RPH.sub(b"", raw)  # East Asian phonetic runs are not cell text (as openpyxl)
                text = "".join(_text(t.group(1)) for t in _T.finditer(body))
            self._done[index] = text
        return text


class FastBook(RawBook):
    def __init__(self, path: Path, parts: dict[str, bytes] | None = None):
        """parts: the inflated parts safety.screen already produced (and proved free of any DTD);
        else the zip is opened here and every XML part goes through defusedxml."""
        self._parts = parts
        self._zip = zipfile.ZipFile(path) if not parts else None
        self._rels_cache: dict[str, dict[str, str]] = {}
        try:
            self._names = set(parts) if parts else set(self._zip.namelist())
            self._workbook_part = self._main_part()
            root = self._xml(self._workbook_part)
            rels = self._rels(self._workbook_part)
            self._sheet_parts: dict[str, str] = {}
            self._states: dict[str, str] = {}
            for sheet in root.iter(f"{NS}sheet"):
                target = rels.get(sheet.get(f"{REL_NS}id"), "")
                self._sheet_parts[sheet.get("name")] = target
            self.sheetnames = list(self._sheet_parts)
            self._defined = {dn.get("name"): (dn.text or "") for dn in root.iter(f"{NS}definedName")
                             if dn.get("localSheetId") is None}
        except Exception:
            self.close()
            raise
        self._cells: dict[str, dict[str, tuple]] = {}
        self._protected: dict[str, bool] = {}

    # -- package plumbing

    def _read(self, part: str) -> bytes:
        if self._parts:
            return self._parts[part]
        return self._zip.read(part)

    def _xml(self, part: str):
        data = self._read(part)
        if self._parts and b"\0" not in data and b"<!" not in data:
            # Screened, UTF-8/ASCII, no DTD: nothing for a hostile document to expand, so the
            # C parser is as safe as defusedxml's pure-Python one, and ~5x faster.
            return ET.fromstring(data)
        return SafeET.fromstring(data, forbid_dtd=True)

    def _rels(self, part: str) -> dict[str, str]:
        if part not in self._rels_cache:
            self._rels_cache[part] = self._read_rels(part)
        return self._rels_cache[part]

    def _read_rels(self, part: str) -> dict[str, str]:
        folder, name = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", name + ".rels")
        if rels_part not in self._names:
            return {}
        out = {}
        for rel in self._xml(rels_part).iter(f"{PKG_REL_NS}Relationship"):
            target = rel.get("Target", "")
            if target.startswith("/"):
                target = target[1:]
            else:
                target = posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id")] = target
        return out

    def _main_part(self) -> str:
        for rel in self._xml("_rels/.rels").iter(f"{PKG_REL_NS}Relationship"):
            if rel.get("Type", "").endswith("/officeDocument"):
                return rel.get("Target", "").lstrip("/")
        return "xl/workbook.xml"

    @cached_property
    def _shared_strings(self) -> SharedStrings:
        rels = self._rels(self._workbook_part)
        part = next((t for t in rels.values() if t.endswith("sharedStrings.xml")), None)
        if part is None or part not in self._names:
            return SharedStrings([])
        data = _utf8(self._read(part))
        if b"<r>" not in data and b"rPh" not in data and b"<r " not in data:
            # Plain strings only (no rich-text runs, no phonetics): one <t> per item.
            plain = _SI_PLAIN.findall(data)
            if len(plain) == len(_SI_OPEN.findall(data)):  # else an odd item (<si/>…): the general way
                return SharedStrings(plain, plain=True)
        return SharedStrings(_SI.findall(data))

    @cached_property
    def _date_styles(self) -> set[int]:
        rels = self._rels(self._workbook_part)
        part = next((t for t in rels.values() if t.endswith("styles.xml")), None)
        if part is None or part not in self._names:
            return set()
        raw = self._read(part)
        key = (zlib.crc32(raw), len(raw))  # the same styles part in every template: parse it once
        cached = _DATE_STYLES.get(key)
        if cached is not None:
            return cached
        root = SafeET.fromstring(raw, forbid_dtd=True)
        custom = {int(n.get("numFmtId")): n.get("formatCode", "") for n in root.iter(f"{NS}numFmt")}
        xfs = root.find(f"{NS}cellXfs")
        out = set()
        for i, xf in enumerate(xfs if xfs is not None else []):
            fid = int(xf.get("numFmtId", "0"))
            code = custom.get(fid, BUILTIN_FORMATS.get(fid, "General"))
            if is_date_format(code):
                out.add(i)
        if len(_DATE_STYLES) < 64:
            _DATE_STYLES[key] = frozenset(out)
        return out

    @cached_property
    def _custom(self) -> dict[str, str]:
        part = "docProps/custom.xml"
        if part not in self._names:
            return {}
        out = {}
        for prop in self._xml(part).iter(f"{CUSTOM_NS}property"):
            out[prop.get("name")] = "".join(child.text or "" for child in prop)
        return out

    # -- RawBook

    def defined_name(self, name):
        return self._defined.get(name)

    def custom_property(self, name):
        return self._custom.get(name)

    def load(self, wanted):
        for sheet, refs in wanted.items():
            if sheet not in self._cells:
                self._parse_sheet(sheet, set(refs))

    def protected(self, sheet):
        if sheet not in self._protected:
            self._parse_sheet(sheet, set(), keep_cells=False)
        return self._protected[sheet]

    def value(self, sheet, ref):
        cell = self._cell(sheet, ref)
        return cell[0] if cell else None

    def cached(self, sheet, ref):
        cell = self._cell(sheet, ref)
        return cell[1] if cell else None

    def close(self):
        if self._zip is not None:
            self._zip.close()

    def _cell(self, sheet, ref):
        if sheet not in self._cells:
            self._parse_sheet(sheet, None)
        return self._cells[sheet].get(ref)

    def _parse_sheet(self, sheet: str, refs: set[str] | None, keep_cells: bool = True) -> None:
        """Keep (value, cached) for the refs asked for (all cells when refs is None).

        A C-speed scan of the sheet part instead of building an element tree: it looks only at
        <c> elements and the protection flag, and it never expands entities (screening has
        already refused any DTD). Cells are located by their r attribute, or by position when a
        writer leaves it out, as openpyxl does.
        """
        data = _utf8(self._read(self._sheet_parts[sheet]))
        prot = _PROTECTION.search(data)
        self._protected[sheet] = bool(prot and _attr(prot.group(1), b"sheet") in (b"1", b"true"))
        if not keep_cells:
            return
        content = _sheet_data(data)
        if _every_cell_has_r(content):
            self._cells[sheet] = self._scan_placed(content, refs)
        else:
            self._cells[sheet] = self._scan_rows(content, refs)

    def _scan_placed(self, content: bytes, refs: set[str] | None) -> dict[str, tuple]:
        """Every cell names its place, so empty cells (<c …/>) are skipped, and a cell in the
        plain form Excel, WPS, LibreOffice and xlsxwriter write (r, s, t, <f>, <v>) is taken
        apart by the scan itself; any other form goes the general way (_cell)."""
        cells: dict[str, tuple] = {}
        shared: dict[bytes, tuple[str, str]] = {}  # si -> (master ref, formula text)
        for r, style, kind, formula, value, attrs, inner in _PLACED_CELL.findall(content):
            if not r:
                self._cell_general(attrs, inner, _attr(attrs, b"r").decode("ascii"), refs, shared, cells)
                continue
            ref = r.decode("ascii")
            if refs is not None and ref not in refs:
                continue
            cached = self._plain_value(style, kind, value)
            cells[ref] = ("=" + _text(formula) if formula else cached, cached)
        return cells

    def _scan_rows(self, content: bytes, refs: set[str] | None) -> dict[str, tuple]:
        """Some cell leaves out r: walk rows and cells in order and count positions."""
        cells: dict[str, tuple] = {}
        shared: dict[bytes, tuple[str, str]] = {}
        row_no, col_no, last_ref = 0, 0, "A0"
        for m in _CELL_OR_ROW.finditer(content):
            if m.group("row") is not None:
                r = _attr(m.group("row"), b"r")
                row_no = int(r) if r else row_no + 1
                col_no = 0
                continue
            attrs, inner = m.group("attrs") or b"", m.group("inner") or b""
            first = _FIRST_R.match(attrs)  # every writer seen puts r first; otherwise look it up
            r = first.group(1) if first else _attr(attrs, b"r")
            if r:
                ref = r.decode("ascii")
                col_no = -1  # known only if a later cell in this row has no r
                last_ref = ref
            else:
                if col_no < 0:
                    col_no = _column_index(last_ref)
                col_no += 1
                ref = f"{get_column_letter(col_no)}{row_no}"
            self._cell_general(attrs, inner, ref, refs, shared, cells)
        return cells

    def _cell_general(self, attrs: bytes, inner: bytes, ref: str, refs: set[str] | None,
                      shared: dict[bytes, tuple[str, str]], cells: dict[str, tuple]) -> None:
        fm = _FORMULA.search(inner) if b"<" in inner and b"f" in inner else None
        if fm is not None and _attr(fm.group(1), b"t") == b"shared" and fm.group(2):
            shared[_attr(fm.group(1), b"si")] = (ref, _text(fm.group(2)))
        if refs is not None and ref not in refs:
            return
        cached = self._cast(attrs, inner)
        if fm is not None:
            text = _text(fm.group(2)) if fm.group(2) else None
            if not text and _attr(fm.group(1), b"t") == b"shared" and _attr(fm.group(1), b"si") in shared:
                master, formula = shared[_attr(fm.group(1), b"si")]
                text = Translator("=" + formula, origin=master).translate_formula(ref)[1:]
            cells[ref] = (f"={text}" if text is not None else "=", cached)
        else:
            cells[ref] = (cached, cached)

    def _cast(self, attrs: bytes, inner: bytes):
        """A cell's value the way openpyxl gives it: int/float/str/bool/datetime/None."""
        found = dict(_ATTRS.findall(attrs))
        kind = found.get(b"t", b"n")
        if kind == b"inlineStr":
            node = _INLINE.search(inner)
            return "".join(_text(t.group(1)) for t in _T.finditer(node.group(1))) if node else None
        vm = _VALUE.search(inner)
        if vm is None or not vm.group(1):
            return None  # openpyxl too: an empty <v></v> (a formula never calculated) is no value
        text = vm.group(1)
        if kind == b"d":
            from datetime import datetime

            return datetime.fromisoformat(text.decode("ascii"))
        return self._plain_value(found.get(b"s", b""), kind, text)

    def _plain_value(self, style: bytes, kind: bytes, text: bytes):
        """The value of <v>text</v> in a cell of type kind (n, s, str, e or b; b"" is n)."""
        if not text:
            return None
        if kind == b"s":
            return self._shared_strings[int(text)]
        if kind in (b"str", b"e"):
            return _text(text)
        if kind == b"b":
            return text in (b"1", b"true")
        number = float(text) if any(ch in text for ch in b".eE") else int(text)
        if style and int(style) in self._date_styles:
            return from_excel(number)
        return number


def _sheet_data(data: bytes) -> bytes:
    """The inside of <sheetData>…</sheetData> (the first one), b"" if absent or empty."""
    start = _SHEET_DATA_OPEN.search(data)
    if start is None or start.group(2):
        return b""
    end = data.find(b"</" + start.group(1) + b"sheetData>", start.end())
    return data[start.end():end] if end >= 0 else b""


def _every_cell_has_r(content: bytes) -> bool:
    if b":c" not in content and content.count(b"<c") == content.count(b'<c r="'):
        return True  # every <c is an unprefixed cell that starts with its r (the common case)
    return _CELL_WITHOUT_R.search(content) is None


# SpreadsheetML as written by Excel, WPS, LibreOffice, xlsxwriter and openpyxl, with or without
# a namespace prefix on the element names.
_P = rb"(?:[A-Za-z_][\w.-]*:)?"
_SHEET_DATA_OPEN = re.compile(rb"<(" + _P + rb")sheetData\b[^>]*?(/?)>")
_CELL_OR_ROW = re.compile(
    rb"<" + _P + rb"row\b(?P<row>[^>]*?)/?>"
    rb"|<" + _P + rb"c\b(?P<attrs>[^>]*?)(?:/>|>(?P<inner>.*?)</" + _P + rb"c>)", re.S)
_FILLED_CELL = rb"<" + _P + rb"c\b([^>]*?[^/>])?>(.*?)</" + _P + rb"c>"
# A filled cell in the plain form: r, then optional s and t, an optional plain <f>, an optional <v>.
# Anything else (shared formulas, inline strings, dates, other attributes) matches the general
# alternative, which yields (attrs, inner) and is handled like a cell of _CELL_OR_ROW.
_PLAIN_CELL = (rb'<c r="([A-Z]{1,3}[0-9]{1,7})"(?: s="([0-9]{1,9})")?(?: t="(n|s|str|b|e)")?>'
               rb"(?:<f>([^<]+)</f>)?(?:<v>([^<]*)</v>)?</c>")
_PLACED_CELL = re.compile(_PLAIN_CELL + rb"|" + _FILLED_CELL, re.S)
_CELL_WITHOUT_R = re.compile(rb"<" + _P + rb"c\b(?![^>]*\sr=)")
_FORMULA = re.compile(rb"<" + _P + rb"f\b([^>]*?)(?:/>|>(.*?)</" + _P + rb"f>)", re.S)
_VALUE = re.compile(rb"<" + _P + rb"v\b[^>]*?>(.*?)</" + _P + rb"v>", re.S)
_INLINE = re.compile(rb"<" + _P + rb"is\b[^>]*>(.*?)</" + _P + rb"is>", re.S)
_PROTECTION = re.compile(rb"<" + _P + rb"sheetProtection\b([^>]*)>")
_SI = re.compile(rb"<" + _P + rb"si\b[^>]*?(?:/>|>(.*?)</" + _P + rb"si>)", re.S)
_SI_PLAIN = re.compile(rb"<" + _P + rb"si>\s*<" + _P + rb"t\b[^>]*?(?:/>|>(.*?)</" + _P + rb"t>)\s*</" + _P + rb"si>",
                       re.S)
_SI_OPEN = re.compile(rb"<" + _P + rb"si\b")
_T = re.compile(rb"<" + _P + rb"t\b[^>]*?(?:/>|>(.*?)</" + _P + rb"t>)", re.S)
_RPH = re.compile(rb"<" + _P + rb"rPh\b.*?</" + _P + rb"rPh>", re.S)
_ATTRS = re.compile(rb"""([\w:.-]+)\s*=\s*["']([^"']*)["']""")
_FIRST_R = re.compile(rb'\s+r="([A-Z]{1,3}[0-9]{1,7})"')
_ATTR_CACHE: dict[bytes, re.Pattern] = {}
_DATE_STYLES: dict[tuple[int, int], frozenset[int]] = {}


def _attr(attrs: bytes, name: bytes) -> bytes | None:
    rx = _ATTR_CACHE.get(name)
    if rx is None:
        rx = _ATTR_CACHE[name] = re.compile(rb"(?:^|\s)" + re.escape(name) + rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')""")
    m = rx.search(attrs)
    if m is None:
        return None
    return m.group(1) if m.group(1) is not None else m.group(2)


def _text(raw: bytes | None) -> str:
    """Element text: UTF-8 with the five XML entities and character references resolved."""
    if not raw:
        return ""
    text = raw.decode("utf-8")
    return html.unescape(text) if "&" in text else text


def _utf8(data: bytes) -> bytes:
    """Parts are UTF-8 in practice; a UTF-16 part (allowed by XML) is re-encoded first."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16").encode("utf-8")
    return data


def _column_index(ref: str) -> int:
    col = 0
    for ch in ref:
        if not ch.isalpha():
            break
        col = col * 26 + (ord(ch.upper()) - 64)
    return col


ENGINES = {"fast": FastBook, "openpyxl": OpenpyxlBook}
