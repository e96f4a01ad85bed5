"""PDF reader: words with their boxes from poppler's `pdftotext -bbox`, grouped into lines by position.

Measured on the real reports (see benchmarks/published_import.py and the note): pdftotext
-bbox takes ~80 ms for a 6-page report, pypdfium2 char by char ~155 ms, pdfplumber ~1.7 s;
poppler is already a system dependency. Its XHTML output is read with lxml's XML parser
(entities not resolved, no network).
"""

from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path

from lxml import etree

from nianbao.external import MB, Overrun, run_bounded

from .errors import ImportError_
from .model import RawDocument
from .pdf_layout import Placed, page_lines, paragraphs
from .settings import ImportSettings

NO_TEXT_LAYER = "扫描件，没有文字层，无法读取表格"
_NS = "{http://www.w3.org/1999/xhtml}"

# pdftotext's limits, from the file's size and page count. Measured (shared machine): the real
# 6-page 淮安 report takes 20-80 ms, a 47-page summary 150 ms, a 36-page manual 90 ms; -bbox
# prints 0.1-5 times the PDF's size, at most ~35 KB a page. A 3 KB PDF of nested drawings
# (tests/hostile.py) keeps poppler busy for minutes; it now stops at 3.5 s. The allowances
# leave a wide margin for a slow or busy machine, and are capped.
BASE_SECONDS, SECONDS_PER_PAGE, SECONDS_PER_MB, MAX_SECONDS = 3.0, 0.5, 2.0, 60.0
BASE_OUTPUT, OUTPUT_PER_PAGE, OUTPUT_PER_BYTE, MAX_OUTPUT = 4 * MB, MB // 4, 16, 256 * MB
MAX_MEMORY = 1024 * MB  # address space; pdftotext needs ~200 MB for any real report
# pdfinfo reads the page count without drawing any page: a second and a bit, and a small output.
INFO_SECONDS, INFO_SECONDS_PER_MB, INFO_OUTPUT = 2.0, 0.5, 1 * MB
_BYTES_PER_PAGE_GUESS = 50 * 1024  # when pdfinfo cannot count the pages (real reports: 60-70 KB a page)


def limits(size: int, pages: int) -> tuple[float, int]:
    """(seconds, output bytes) pdftotext is given for a PDF of size bytes and pages pages."""
    seconds = min(MAX_SECONDS, BASE_SECONDS + SECONDS_PER_PAGE * pages + SECONDS_PER_MB * size / MB)
    output = min(MAX_OUTPUT, BASE_OUTPUT + OUTPUT_PER_PAGE * pages + OUTPUT_PER_BYTE * size)
    return round(seconds, 1), output


def read_pdf(path, data: bytes, settings: ImportSettings) -> RawDocument:
    exe = shutil.which("pdftotext")
    if exe is None:
        raise ImportError_(path, "读取 PDF 需要 poppler 的 pdftotext（Debian/Ubuntu: apt-get install poppler-utils）")
    with tempfile.TemporaryDirectory(prefix="nianbao-pdf-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(data)
        pages = _page_count(path, src, len(data))
        seconds, max_output = limits(len(data), pages)
        try:
            proc = run_bounded([exe, "-q", "-bbox", "-enc", "UTF-8", str(src), "-"], seconds=seconds,
                               max_output=max_output, max_memory=MAX_MEMORY)
        except Overrun as exc:
            raise ImportError_(path, _overrun_text(exc, len(data), pages)) from None
        except OSError as exc:
            raise ImportError_(path, f"无法运行 pdftotext（{exc.strerror or exc}）") from None
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
    placed: list[Placed] = []
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
        placed += page_lines(words, pno, settings)
        if len(placed) > settings.max_lines:
            raise ImportError_(path, f"PDF 过长（超过 {settings.max_lines} 行），不像一份年度报告")
    if words_total == 0:
        raise ImportError_(path, NO_TEXT_LAYER)
    doc.lines = paragraphs(placed)
    doc.meta["pages"] = pno if words_total else 0
    return doc


def _page_count(path, src: Path, size: int) -> int:
    """The page count pdfinfo reads (without drawing a page); a guess from the size when it cannot."""
    guess = max(1, math.ceil(size / _BYTES_PER_PAGE_GUESS))
    exe = shutil.which("pdfinfo")
    if exe is None:
        return guess
    seconds = INFO_SECONDS + INFO_SECONDS_PER_MB * size / MB
    try:
        info = run_bounded([exe, str(src)], seconds=seconds, max_output=INFO_OUTPUT, max_memory=MAX_MEMORY)
    except Overrun as exc:
        raise ImportError_(path, _overrun_text(exc, size, None)) from None
    except OSError:
        return guess
    for line in info.stdout.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(":")
        if key == "Pages" and value.strip().isdigit():
            return max(1, int(value.strip()))
    return guess


def _overrun_text(exc: Overrun, size: int, pages: int | None) -> str:
    basis = f"按文件大小 {size / 1024:.0f} KB" + (f"、{pages} 页" if pages else "") + "给出的上限"
    if exc.what == "time":
        return (f"PDF 处理超时（超过 {exc.limit:g} 秒，{basis}），文件中可能有异常复杂的图形或嵌套，"
                "请向发布单位索取正常导出的 PDF")
    return f"PDF 文字层过大（超过 {exc.limit / MB:.0f} MB，{basis}），不像一份年度报告"
