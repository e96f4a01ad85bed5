"""HTML reader: a saved page or a fragment → lines; each <table> row → a row line of its cells.

Parsed with lxml.html (libxml2's HTML parser: real pages with broken markup, Word-paste
`<o:p>` tags, any encoding declared in <meta>). A cell with rowspan/colspan is emitted once,
in the row where it starts. Text outside tables comes out as one line per block element.

A cell's text is what a browser shows (`visible.py`): hidden elements dropped, `<br>` and
block boundaries kept as separators, struck or raised text marked so that the cell reads as
unreadable rather than as a joined number.
"""

from __future__ import annotations

import lxml.html
from lxml import etree

from .errors import ImportError_
from .model import CELL, TEXT, Item, Line, RawDocument
from .settings import ImportSettings
from .visible import MAX_STYLE_RULES, Visibility, block_tag, cell_text, element_tag


def _decode_hint(data: bytes) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return None  # let libxml2 use the page's <meta charset>, else its own guess


def read_html(path, data: bytes, settings: ImportSettings) -> RawDocument:
    enc = _decode_hint(data)
    if enc is None and b"charset" not in data[:4096].lower():
        enc = "gb18030"  # Chinese pages without a declaration: GBK and its superset
    parser = lxml.html.HTMLParser(encoding=enc, remove_comments=True, no_network=True, huge_tree=False)
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ImportError_(path, f"无法解析网页（{exc}）") from None
    seen = Visibility(root)
    title_el = root.find(".//title")
    doc = RawDocument("html", _text(title_el) if title_el is not None else "")
    if seen.rules_left_out:
        doc.unread.append(f"网页自带的样式规则超过 {MAX_STYLE_RULES} 条，其余规则未读取：被这些规则隐藏、划掉或"
                          f"标为上下标的数字可能被当作正常数字读取，请对照网页核对各表数字。")
    walker = _Walker(doc, settings, path, seen)
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    headings = [h for h in root.iter("h1", "h2") if not seen.hidden(h)]
    for h in headings:
        text, _ = cell_text(h, seen)
        if text:
            doc.meta.setdefault("headings", []).append(text)
    return doc


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


class _Walker:
    def __init__(self, doc: RawDocument, settings: ImportSettings, path, seen: Visibility):
        self.doc = doc
        self.settings = settings
        self.path = path
        self.seen = seen
        self.buffer: list[str] = []
        self.tables = 0
        self.paragraphs = 0

    def _add(self, line: Line) -> None:
        if len(self.doc.lines) >= self.settings.max_lines:
            raise ImportError_(self.path, f"网页过长（超过 {self.settings.max_lines} 行），不像一份年度报告")
        self.doc.lines.append(line)

    def flush(self) -> None:
        text = " ".join("".join(self.buffer).split())
        self.buffer = []
        if text:
            self.paragraphs += 1
            where = f"第{self.paragraphs}段"
            self._add(Line((Item(text, where, TEXT),), where))

    def walk(self, el) -> None:
        tag = element_tag(el)
        if tag is None or self.seen.hidden(el):
            if el.tail:
                self.buffer.append(el.tail)
            return
        if tag == "table":
            self.flush()
            self.table(el)
        else:
            block = block_tag(tag)
            if block:
                self.flush()
            if el.text:
                self.buffer.append(el.text)
            for child in el:
                self.walk(child)
            if block:
                self.flush()
        if el.tail:
            self.buffer.append(el.tail)

    def table(self, table) -> None:
        if table.find(".//table") is not None:  # a layout table around the article: read what it holds
            for cell in table.iter("td", "th"):
                if _own_table(cell) is table and not self.seen.hidden(cell):
                    for child in cell:
                        self.walk(child)
                    self.flush()
            return
        self.tables += 1
        t = self.tables
        rows = [tr for tr in table.iter("tr") if _own_table(tr) is table and not self.seen.hidden(tr)]
        for r, tr in enumerate(rows, 1):
            items = []
            cells = (x for x in tr if element_tag(x) in ("td", "th") and not self.seen.hidden(x))
            for c, td in enumerate(cells, 1):
                text, marks = cell_text(td, self.seen)
                items.append(Item(text, f"表格{t} 第{r}行第{c}格", CELL, marks=marks))
            if items:
                self._add(Line(tuple(items), f"表格{t} 第{r}行", row=True))


def _own_table(tr):
    el = tr.getparent()
    while el is not None and el.tag != "table":
        el = el.getparent()
    return el
