"""Word reader: a .docx → lines, from the document's structure (paragraphs and tables), never its styling.

python-docx opens the package; the body is walked in order through its XML elements so
that a merged cell is read once at its origin (w:gridSpan, w:vMerge="restart"), where
python-docx's table.rows[i].cells would repeat it.

A run's text is what Word shows: hidden runs (w:vanish, w:webHidden, directly or through the
run's character style) are dropped, w:br/w:cr/w:tab are separators, and struck (w:strike,
w:dstrike) or raised/lowered (w:vertAlign) text marks its cell as ambiguous.
"""

from __future__ import annotations

import zipfile

from .errors import ImportError_
from .model import CELL, TEXT, Item, Line, RawDocument
from .settings import ImportSettings
from .visible import STRUCK, SUB, SUPER

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
    styles = _character_styles(document)
    paragraphs = tables = 0
    for el in _blocks(document.element.body):
        if len(doc.lines) > settings.max_lines:
            raise ImportError_(path, f"文档过长（超过 {settings.max_lines} 行），不像一份年度报告")
        if el.tag == _W + "p":
            text, _ = _text(el, styles)
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
                    texts, marks = [], []
                    for p in tc.iter(_W + "p"):
                        text, found = _text(p, styles)
                        texts.append(text)
                        marks += found
                    items.append(Item(" ".join(t for t in texts if t), f"表格{tables} 第{r}行第{c}格", CELL,
                                      marks=tuple(dict.fromkeys(marks))))
                if items:
                    doc.lines.append(Line(tuple(items), f"表格{tables} 第{r}行", row=True))
    return doc


_OFF = ("0", "false", "off", "none")


def _on(rpr, name: str) -> bool:
    el = rpr.find(_W + name) if rpr is not None else None
    return el is not None and el.get(_W + "val", "true").lower() not in _OFF


def _effects(rpr) -> set[str]:
    out = set()
    if _on(rpr, "vanish") or _on(rpr, "webHidden"):
        out.add("hidden")
    if _on(rpr, "strike") or _on(rpr, "dstrike"):
        out.add(STRUCK)
    align = rpr.find(_W + "vertAlign") if rpr is not None else None
    if align is not None and align.get(_W + "val") in ("superscript", "subscript"):
        out.add(SUPER if align.get(_W + "val") == "superscript" else SUB)
    return out


def _character_styles(document) -> dict[str, set[str]]:
    """styleId → effects of the style's own run properties (one level: basedOn is not followed)."""
    out = {}
    try:
        root = document.styles.element
    except (KeyError, ValueError, AttributeError):  # pragma: no cover - a package without styles.xml
        return out
    for style in root.iterchildren(_W + "style"):
        effects = _effects(style.find(_W + "rPr"))
        if effects:
            out[style.get(_W + "styleId")] = effects
    return out


def _text(p, styles: dict[str, set[str]]) -> tuple[str, list[str]]:
    """A paragraph's visible text (runs joined, separators as spaces) and the marks of its visible runs."""
    parts: list[str] = []
    marks: list[str] = []
    for run in p.iter(_W + "r"):
        rpr = run.find(_W + "rPr")
        effects = _effects(rpr)
        ref = rpr.find(_W + "rStyle") if rpr is not None else None
        if ref is not None:
            effects |= styles.get(ref.get(_W + "val"), set())
        if "hidden" in effects:
            continue
        text = ""
        for child in run:
            if child.tag == _W + "t":
                text += child.text or ""
            elif child.tag in (_W + "tab", _W + "br", _W + "cr"):
                text += " "
        if text.strip():
            marks += [m for m in (STRUCK, SUPER, SUB) if m in effects]
        parts.append(text)
    return " ".join("".join(parts).split()), marks


def _blocks(parent):
    """Paragraphs and tables in order, including those inside content controls (w:sdt) and w:customXml."""
    for el in parent.iterchildren():
        if el.tag in (_W + "p", _W + "tbl"):
            yield el
        elif el.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml"):
            yield from _blocks(el if el.tag != _W + "sdt" else (el.find(_W + "sdtContent") or el))
