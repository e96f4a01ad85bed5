"""Text reader: a crawler's dump (cells run together) → lines, by finding the format's own labels.

The table text has no cell boundaries: `规章000规范性文件898989第二十条…`. Every label the
format specs print (headings, block titles, row and column labels) is looked for at each
position; digits between labels become a RUN item that the map stage splits by the row's
own totals. A row label starts a new line; a run ends it.
"""

from __future__ import annotations

from .cells import fold
from .errors import ImportError_
from .locate import heading_index, known_label_index
from .model import RUN, TEXT, Item, Line, RawDocument
from .settings import ImportSettings

_RUN_START = set("0123456789")
_RUN_CHARS = set("0123456789 .,/元万\t-")  # “-” for a negative 本年增/减, or printed alone for blank


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def read_text(path, data: bytes, settings: ImportSettings) -> RawDocument:
    text = decode(data)
    if "\x00" in text:
        raise ImportError_(path, "不是文本文件（含有二进制内容）")
    title = ""
    meta: dict = {}
    body_lines = []
    for raw in text.splitlines():
        line = raw.strip()
        key, sep, value = line.partition(":")
        if sep and key in ("标题", "发布时间", "发布机构", "文号", "原文链接") and not body_lines:
            meta[key] = value.strip()
            if key == "标题":
                title = value.strip()
            continue
        body_lines.append(raw)
    if len(body_lines) > settings.max_lines:
        raise ImportError_(path, f"文本过长（超过 {settings.max_lines} 行），不像一份年度报告")
    doc = RawDocument("text", title, meta=meta)
    labels = known_label_index()
    headings = heading_index()
    for ln, raw in enumerate(body_lines, 1):
        if not title and raw.strip() and not set(raw.strip()) <= set("=-— "):
            title = doc.title = raw.strip()[:120]
        for line in _tokenise(raw, ln, labels, headings):
            _append(doc, line)
    return doc


def _append(doc: RawDocument, line: Line) -> None:
    """A line holding only digits continues the run before it (a dump with one cell per line)."""
    last = doc.lines[-1] if doc.lines else None
    if (last is not None and len(line.items) == 1 and line.items[0].kind == RUN and last.items
            and last.items[-1].kind == RUN):
        run = last.items[-1]
        merged = Item(f"{run.text} {line.items[0].text}", run.source, RUN)
        doc.lines[-1] = Line(last.items[:-1] + (merged,), last.source, joined=last.joined)
        return
    doc.lines.append(line)


def _tokenise(raw: str, ln: int, labels: dict, headings: set) -> list[Line]:
    """One physical line of the dump → lines of label text and runs (see the module docstring)."""
    folded = fold(raw)
    # “1、” as “1.” so numbered labels are found; same length, so positions stay valid
    folded = "".join("." if ch == "、" and i and folded[i - 1].isdigit() else ch for i, ch in enumerate(folded))
    out: list[Line] = []
    items: list[Item] = []
    first = True

    def flush():
        nonlocal items, first
        if items:
            out.append(Line(tuple(items), f"第{ln}行 第{items[0].source.split('第')[-1]}", joined=not first))
            first = False
        items = []

    i, n, plain = 0, len(raw), 0
    while i < n:
        match = _label_at(folded, i, labels)
        if match:
            if plain < i:
                items.append(Item(raw[plain:i], f"第{ln}行 第{plain + 1}字", TEXT))
            is_heading = match in headings
            if is_heading or _is_row_label(match):
                flush()
            items.append(Item(raw[i:i + len(match)], f"第{ln}行 第{i + 1}字", TEXT))
            if is_heading:
                flush()
            i += len(match)
            plain = i
            continue
        if folded[i] in _RUN_START:
            j = i
            while j < n and folded[j] in _RUN_CHARS and not (j > i and _label_at(folded, j, labels)):
                j += 1
            if plain < i:
                items.append(Item(raw[plain:i], f"第{ln}行 第{plain + 1}字", TEXT))
            items.append(Item(raw[i:j], f"第{ln}行 第{i + 1}字", RUN))
            flush()
            i = plain = j
            continue
        i += 1
    if plain < n and raw[plain:].strip():
        items.append(Item(raw[plain:], f"第{ln}行 第{plain + 1}字", TEXT))
    flush()
    return out


def _label_at(folded: str, i: int, labels: dict) -> str | None:
    for label in labels.get(folded[i], ()):
        if folded.startswith(label, i):
            return label
    return None


def _is_row_label(label: str) -> bool:
    from .locate import row_label_set

    return label in row_label_set()
