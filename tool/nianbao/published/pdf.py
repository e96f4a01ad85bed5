"""PDF reader: words with their boxes from poppler's `pdftotext -bbox`, grouped into lines by position.

Measured on the real reports (see benchmarks/published_import.py and the note): pdftotext
-bbox takes ~80 ms for a 6-page report, pypdfium2 char by char ~155 ms, pdfplumber ~1.7 s;
poppler is already a system dependency. Its XHTML output is read with lxml's XML parser
(entities not resolved, no network).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from lxml import etree

from .cells import page_number
from .errors import ImportError_
from .model import WORD, Item, Line, RawDocument
from .settings import ImportSettings

NO_TEXT_LAYER = "扫描件，没有文字层，无法读取表格"
TIMEOUT_SECONDS = 60
_NS = "{http://www.w3.org/1999/xhtml}"


def read_pdf(path, data: bytes, settings: ImportSettings) -> RawDocument:
    exe = shutil.which("pdftotext")
    if exe is None:
        raise ImportError_(path, "读取 PDF 需要 poppler 的 pdftotext（Debian/Ubuntu: apt-get install poppler-utils）")
    with tempfile.TemporaryDirectory(prefix="nianbao-pdf-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(data)
        try:
            proc = subprocess.run([exe, "-q", "-bbox", "-enc", "UTF-8", str(src), "-"], capture_output=True,
                                  timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise ImportError_(path, f"PDF 读取超时（{TIMEOUT_SECONDS} 秒），文件可能已损坏") from None
    if proc.returncode != 0 or not proc.stdout:
        raise ImportError_(path, "PDF 已损坏或加密，无法读取文字")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    try:
        root = etree.fromstring(proc.stdout, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ImportError_(path, f"PDF 文字层无法解析（{exc}）") from None
    if root is None:
        raise ImportError_(path, "PDF 已损坏，无法读取文字")
    doc = RawDocument("pdf", "")
    words_total = 0
    for pno, page in enumerate(root.iter(_NS + "page", "page"), 1):
        words = []
        for w in page.iter(_NS + "word", "word"):
            text = (w.text or "").strip()
            if not text:
                continue
            try:
                box = tuple(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
            except (TypeError, ValueError):
                continue
            words.append((text, box))
        words_total += len(words)
        doc.lines += _lines(words, pno, settings)
        if len(doc.lines) > settings.max_lines:
            raise ImportError_(path, f"PDF 过长（超过 {settings.max_lines} 行），不像一份年度报告")
    if words_total == 0:
        raise ImportError_(path, NO_TEXT_LAYER)
    doc.meta["pages"] = pno if words_total else 0
    return doc


def _lines(words: list, pno: int, settings: ImportSettings) -> list[Line]:
    """Words whose vertical centres lie within the tolerance form one line, read left to right."""
    words.sort(key=lambda w: ((w[1][1] + w[1][3]) / 2, w[1][0]))
    groups: list[list] = []
    centre = None
    for word in words:
        c = (word[1][1] + word[1][3]) / 2
        if groups and centre is not None and abs(c - centre) <= settings.line_tolerance:
            groups[-1].append(word)
            centre = (centre * (len(groups[-1]) - 1) + c) / len(groups[-1])
        else:
            groups.append([word])
            centre = c
    out = []
    for n, group in enumerate(groups, 1):
        group.sort(key=lambda w: w[1][0])
        where = f"第{pno}页 第{n}行"
        items = tuple(Item(t, f"{where}（x {b[0]:.0f}–{b[2]:.0f}，y {b[1]:.0f}）", WORD, x0=b[0], x1=b[2])
                      for t, b in group)
        out.append(Line(items, where))
    # Page furniture: a page number printed alone at the foot (GB/T 9704 “— 3 —”) or the head of
    # a page is not text; inside a section it would be read as part of the narrative.
    while out and page_number(out[-1].text):
        out.pop()
    if out and page_number(out[0].text):
        out.pop(0)
    return out
