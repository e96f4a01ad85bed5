"""Two ways to get at a workbook's raw cells, with one interface, so the reader can use either.

RawBook answers exactly what read.py needs: sheet names and protection, defined names,
custom document properties, and for a cell its value, its formula and its cached result.

- OpenpyxlBook: the reference, two openpyxl loads (formulas, then cached values).
- FastBook: opens the zip once and parses only the XML parts and cells asked for
  (defusedxml, no DTDs). It borrows openpyxl's pure helpers for number formats, Excel
  dates and shared-formula translation so values come out the same as openpyxl's;
  tests prove both engines give identical findings on the sample corpus.
"""

from __future__ import annotations

import posixpath
import zipfile
from functools import cached_property
from pathlib import Path

from defusedxml import ElementTree as SafeET
from openpyxl.formula.translate import Translator
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
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


class FastBook(RawBook):
    def __init__(self, path: Path):
        self._zip = zipfile.ZipFile(path)
        try:
            self._names = set(self._zip.namelist())
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
            self._zip.close()
            raise
        self._cells: dict[str, dict[str, tuple]] = {}
        self._protected: dict[str, bool] = {}

    # -- package plumbing

    def _xml(self, part: str):
        with self._zip.open(part) as fh:
            return SafeET.fromstring(fh.read(), forbid_dtd=True)

    def _rels(self, part: str) -> dict[str, str]:
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
    def _shared_strings(self) -> list[str]:
        rels = self._rels(self._workbook_part)
        part = next((t for t in rels.values() if t.endswith("sharedStrings.xml")), None)
        if part is None or part not in self._names:
            return []
        out = []
        for si in self._xml(part).iter(f"{NS}si"):
            out.append("".join(t.text or "" for t in si.iter(f"{NS}t") if not _in_phonetic(si, t)))
        return out

    @cached_property
    def _date_styles(self) -> set[int]:
        rels = self._rels(self._workbook_part)
        part = next((t for t in rels.values() if t.endswith("styles.xml")), None)
        if part is None or part not in self._names:
            return set()
        root = self._xml(part)
        custom = {int(n.get("numFmtId")): n.get("formatCode", "") for n in root.iter(f"{NS}numFmt")}
        xfs = root.find(f"{NS}cellXfs")
        out = set()
        for i, xf in enumerate(xfs if xfs is not None else []):
            fid = int(xf.get("numFmtId", "0"))
            code = custom.get(fid, BUILTIN_FORMATS.get(fid, "General"))
            if is_date_format(code):
                out.add(i)
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
        self._zip.close()

    def _cell(self, sheet, ref):
        if sheet not in self._cells:
            self._parse_sheet(sheet, None)
        return self._cells[sheet].get(ref)

    def _parse_sheet(self, sheet: str, refs: set[str] | None, keep_cells: bool = True) -> None:
        """Keep (value, cached) for the refs asked for (all cells when refs is None)."""
        root = self._xml(self._sheet_parts[sheet])
        prot = root.find(f"{NS}sheetProtection")
        self._protected[sheet] = prot is not None and prot.get("sheet") in ("1", "true")
        cells: dict[str, tuple] = {}
        shared: dict[str, tuple[str, str]] = {}  # si -> (master ref, formula text)
        data = root.find(f"{NS}sheetData")
        for c in data.iter(f"{NS}c") if data is not None else []:
            ref = c.get("r")
            f = c.find(f"{NS}f")
            if f is not None and f.get("t") == "shared" and f.text:
                shared[f.get("si")] = (ref, f.text)
            if refs is not None and ref not in refs:
                continue
            cached = self._cast(c)
            if f is not None:
                text = f.text
                if not text and f.get("t") == "shared" and f.get("si") in shared:
                    master, formula = shared[f.get("si")]
                    text = Translator("=" + formula, origin=master).translate_formula(ref)[1:]
                cells[ref] = (f"={text}" if text is not None else "=", cached)
            else:
                cells[ref] = (cached, cached)
        if keep_cells:
            self._cells[sheet] = cells

    def _cast(self, c):
        kind = c.get("t", "n")
        v = c.find(f"{NS}v")
        text = v.text if v is not None else None
        if kind == "inlineStr":
            node = c.find(f"{NS}is")
            return "".join(t.text or "" for t in node.iter(f"{NS}t")) if node is not None else None
        if text is None:
            return None
        if kind == "s":
            return self._shared_strings[int(text)]
        if kind in ("str", "e"):
            return text
        if kind == "b":
            return text in ("1", "true")
        if kind == "d":
            from datetime import datetime

            return datetime.fromisoformat(text)
        number = float(text) if any(ch in text for ch in ".eE") else int(text)
        style = c.get("s")
        if style is not None and int(style) in self._date_styles:
            return from_excel(number)
        return number


def _in_phonetic(si, t) -> bool:
    """Skip East Asian phonetic runs (<rPh>) the way openpyxl does."""
    for rph in si.iter(f"{NS}rPh"):
        if t in list(rph.iter(f"{NS}t")):
            return True
    return False


ENGINES = {"fast": FastBook, "openpyxl": OpenpyxlBook}
