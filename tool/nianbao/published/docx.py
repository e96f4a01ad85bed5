"""Word reader: a .docx → lines, from the document's structure (paragraphs and tables), never its styling.

python-docx opens the package; the body is walked in order through its XML elements so
that a merged cell is read once at its origin (w:gridSpan, w:vMerge="restart"), where
python-docx's table.rows[i].cells would repeat it.
"""

from __future__ import annotations

import zipfile

from .errors import ImportError_
from .model import CELL, TEXT, Item, Line, RawDocument
from .settings import ImportSettings

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_INFLATED = 200 * 1024 * 1024  # a report's document.xml is a few hundred KB


def read_docx(path, data: bytes, settings: ImportSettings) -> RawDocument:
    import io

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError  # a part python-docx parses is not well-formed XML

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if sum(i.file_size for i in z.infolist()) > MAX_INFLATED:
                raise ImportError_(path, "Word 文件解压后过大，疑似“压缩炸弹”，已拒绝读取")
        document = docx.Document(io.BytesIO(data))
    except ImportError_:
        raise
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, XMLSyntaxError) as exc:
        raise ImportError_(path, f"不是可以打开的 Word（.docx）文件（{exc}）") from None
    core = document.core_properties
    doc = RawDocument("docx", (core.title or "").strip())
    paragraphs = tables = 0
    for el in _blocks(document.element.body):
        if len(doc.lines) > settings.max_lines:
            raise ImportError_(path, f"文档过长（超过 {settings.max_lines} 行），不像一份年度报告")
        if el.tag == _W + "p":
            text = _text(el)
            if text:
                paragraphs += 1
                doc.lines.append(Line((Item(text, f"第{paragraphs}段", TEXT),), f"第{paragraphs}段"))
        elif el.tag == _W + "tbl":
            tables += 1
            for r, tr in enumerate(el.iterchildren(_W + "tr"), 1):
                items = []
                for c, tc in enumerate(tr.iterchildren(_W + "tc"), 1):
                    pr = tc.find(_W + "tcPr")
                    vmerge = None if pr is None else pr.find(_W + "vMerge")
                    if vmerge is not None and vmerge.get(_W + "val", "continue") == "continue":
                        continue  # covered by the cell above: kept once, at its origin
                    text = " ".join(_text(p) for p in tc.iter(_W + "p") if _text(p))
                    items.append(Item(text, f"表格{tables} 第{r}行第{c}格", CELL))
                if items:
                    doc.lines.append(Line(tuple(items), f"表格{tables} 第{r}行", row=True))
    return doc


def _text(el) -> str:
    return " ".join("".join(t.text or "" for t in el.iter(_W + "t")).split())


def _blocks(parent):
    """Paragraphs and tables in order, including those inside content controls (w:sdt) and w:customXml."""
    for el in parent.iterchildren():
        if el.tag in (_W + "p", _W + "tbl"):
            yield el
        elif el.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml"):
            yield from _blocks(el if el.tag != _W + "sdt" else (el.find(_W + "sdtContent") or el))
