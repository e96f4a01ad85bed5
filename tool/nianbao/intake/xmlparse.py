"""Parse a workbook's XML parts with expat, refusing what no spreadsheet part contains.

Every XML part nianbao reads goes through here: ``guard`` first, then ElementTree's C parser
(expat), which is linear in its input (no backtracking, so no file can make it hang), drops
comments, resolves CDATA and character references, and keeps namespace URIs, not prefixes.

``guard`` refuses a DTD before anything is built: a document type declaration can only
come before the root element, so expat reads the prolog alone (a few hundred bytes) with a
handler that stops at the first DOCTYPE or at the root element. Without a DTD there is no
entity to expand and nothing external to fetch. Sizes are bounded by safety.screen (the
whole archive) and by MAX_PART_BYTES here for a part read straight from a zip.

Measured on the benchmark corpus (a filled 2021 template, 13 parts, 250 KB of XML):
ElementTree parses a 100 KB sheet in 0.5 ms and walks its 300 cells in 0.04 ms; lxml
(resolve_entities=False, no_network, huge_tree=False) parses it twice as fast but each element
it hands to Python costs a proxy object, so the same walk takes ten times longer and the whole
read is slower. Hence expat through ElementTree.
"""

from __future__ import annotations

import pyexpat
from xml.etree import ElementTree as ET

# A filled template's largest part is ~100 KB; 64 MB of XML is beyond any workbook a department sends.
MAX_PART_BYTES = 64 * 1024 * 1024
_PROLOG_CHUNK = 4096


class BadXml(ValueError):
    """A part that is not well-formed XML (or too large to be one a spreadsheet writes)."""

    def __init__(self, part: str, detail: object):
        self.part = part
        self.detail = detail
        super().__init__(f"{part}: {detail}")

    def describe(self) -> str:
        where = ""
        position = getattr(self.detail, "position", None)
        if position:
            where = f"第 {position[0]} 行第 {position[1]} 列"
        elif isinstance(self.detail, str):
            where = self.detail
        return f"部件 {self.part} 不是完整的 XML" + (f"，{where}" if where else "")


class DtdRefused(ValueError):
    """A part declares a document type (and so possibly entities): never in a spreadsheet."""


class StrictOpenXml(ValueError):
    """A workbook saved as Excel's "Strict Open XML 电子表格"."""


class _Stop(Exception):  # noqa: N818 - control flow: the root element was reached
    pass


def guard(part: str, data: bytes) -> None:
    """Refuse a DOCTYPE (or an ENTITY declaration) in the prolog of one part."""
    parser = pyexpat.ParserCreate()

    def doctype(*_args):
        raise DtdRefused(part)

    def root(*_args):
        raise _Stop

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = root
    try:
        for start in range(0, len(data), _PROLOG_CHUNK):
            parser.Parse(data[start:start + _PROLOG_CHUNK], False)
        parser.Parse(b"", True)
    except _Stop:
        return
    except pyexpat.ExpatError as exc:
        raise BadXml(part, exc.args[0] if exc.args else "") from None


def parse(part: str, data: bytes, screened: bool = False) -> ET.Element:
    """The element tree of one part, after guard; malformed XML raises BadXml.

    screened: the part comes from safety.screen, which refuses any <!DOCTYPE or <!ENTITY in the
    encoding the part's first bytes imply (the ones expat would use), so guard has nothing to find."""
    if len(data) > MAX_PART_BYTES:
        raise BadXml(part, f"{len(data) // (1024 * 1024)} MB，超过上限")
    if not screened:
        guard(part, data)
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise BadXml(part, exc) from None
