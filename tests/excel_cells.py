"""Every cell of a workbook as Excel reads it, for the tests that nianbao's files are inert.

    from excel_cells import cells, links
    for (sheet, ref), cell in cells(path).items():
        cell.kind   # "text", "number", "formula", "bool", "error"
        cell.text   # the stored text, decoded as Excel decodes it (_xHHHH_ escapes, left to right)

Read from the XML itself (ElementTree): openpyxl drops "x005F_" anywhere in shared strings and
leaves other escapes undecoded, so it cannot say what Excel shows.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import NamedTuple

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


class Cell(NamedTuple):
    kind: str
    text: str


def excel_decode(stored: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), stored)


def _text(node) -> str:
    """The text of an <si> or <is>: its <t>, or its runs' <t> joined (phonetic runs left out)."""
    return "".join(t.text or "" for t in node.iter(f"{M}t") if t not in set(node.iter(f"{M}rPh")))


def _sheets(z: zipfile.ZipFile) -> dict[str, str]:
    book = ET.fromstring(z.read("xl/workbook.xml"))
    rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
    out = {}
    for sheet in book.iter(f"{M}sheet"):
        target = rels[sheet.get(f"{R}id")]
        out[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    return out


def cells(path: Path) -> dict[tuple[str, str], Cell]:
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        shared = []
        if "xl/sharedStrings.xml" in names:
            shared = [_text(si) for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(f"{M}si")]
        out = {}
        for sheet, part in _sheets(z).items():
            for c in ET.fromstring(z.read(part)).iter(f"{M}c"):
                f, v, inline = c.find(f"{M}f"), c.find(f"{M}v"), c.find(f"{M}is")
                t = c.get("t", "n")
                if f is not None:
                    out[sheet, c.get("r")] = Cell("formula", f.text or "")
                elif t == "s" and v is not None:
                    out[sheet, c.get("r")] = Cell("text", excel_decode(shared[int(v.text)]))
                elif t == "inlineStr" and inline is not None:
                    out[sheet, c.get("r")] = Cell("text", excel_decode(_text(inline)))
                elif t == "str":
                    out[sheet, c.get("r")] = Cell("text", excel_decode(v.text or "" if v is not None else ""))
                elif v is not None:
                    out[sheet, c.get("r")] = Cell({"b": "bool", "e": "error"}.get(t, "number"), v.text or "")
        return out


def links(path: Path) -> list[str]:
    """Every hyperlink of every sheet: "#location" for a place in the workbook, else its target."""
    found = []
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        for part in _sheets(z).values():
            rels_part = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
            rels = {}
            if rels_part in names:
                rels = {r.get("Id"): r.get("Target")
                        for r in ET.fromstring(z.read(rels_part)).iter(f"{PR}Relationship")}
            for h in ET.fromstring(z.read(part)).iter(f"{M}hyperlink"):
                rid = h.get(f"{R}id")
                found.append(rels.get(rid, "?") if rid else "#" + (h.get("location") or ""))
    return found
