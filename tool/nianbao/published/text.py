"""Text reader: crawler dumps, pdftotext output, markdown copies → lines.

Three layouts, line by line:
- pipe and markdown tables (`| 规章 | 0 | 0 | 0 |`, with or without the outer pipes, `|---|`
  separator rows skipped) and tab-separated rows → a table row of cells, like HTML's;
- one cell per line (pdftotext without -layout, some crawlers): a line of digits only
  continues the run of digits before it, the line break being a boundary between cells,
  also across a few prose lines printed between a row's cells (a 注 line, a page's footer and
  the next page's header): the row is read whole, never cut into two rows that fill the wrong columns;
- cells run together (`规章000规范性文件898989第二十条…`): every label the format specs print
  (headings, block titles, row and column labels) is looked for at each position; digits
  between labels become a RUN item that solve.py splits with the report's constraints.
A row label or a run of digits inside a sentence (“…规范性文件类信息11条”, “共收到申请3条”)
is sentence text, never a table row. Page numbers (“- 3 -”, “第 3 页”, a bare number next to a
form feed) are dropped. Every item's source is its line and character in the file as given
(1-based, the header lines of a crawler dump counted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .cells import fold, number_like, page_number, sentence_why
from .errors import ImportError_
from .locate import heading_index, heading_like, known_label_index
from .model import CELL, RUN, TEXT, Item, Line, RawDocument
from .settings import ImportSettings

_RUN_START = set("0123456789")
_RUN_CHARS = set("0123456789 .,/元万\t-+")  # “-”/“+” for a 本年增/减 (“-8”, “+19”), “-” alone for blank
_SENTENCE_UNIT = set("条件个项次人家起份篇期场%％年月日号")
_LEFT_OK = set(" \t:：|｜")
_SENTENCE_END = set("。！？；!?;")
_PLACEHOLDER_START = set("/-—－―–\\")
_PIPES = ("|", "｜")
_MD_SEPARATOR = re.compile(r"\s*[|｜]?\s*:?-{2,}:?\s*(?:[|｜]\s*:?-{2,}:?\s*)*[|｜]?\s*")
_MD_MARK = re.compile(r"^\s*(#{1,6}\s+|>\s*|[-*+]\s+(?=\S))")
META_KEYS = ("标题", "发布时间", "发布机构", "文号", "原文链接", "栏目", "本地目录", "来源")


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
    physical = text.split("\n")
    if len(physical) > settings.max_lines:
        raise ImportError_(path, f"文本过长（超过 {settings.max_lines} 行），不像一份年度报告")
    doc = RawDocument("text", "")
    labels = known_label_index()
    headings = heading_index()
    in_header = True
    cells: list[Item] = []  # a table printed one cell per line, each ending in “ |”
    for ln, raw in enumerate(physical, 1):
        raw = raw.rstrip("\r")
        key, sep, value = raw.strip().partition(":")
        if in_header and sep and key.strip() in META_KEYS:
            doc.meta[key.strip()] = value.strip()
            if key.strip() == "标题":
                doc.title = value.strip()
            continue
        if raw.strip():
            in_header = False
        if _page_furniture(physical, ln - 1):
            continue
        shown = visible(raw)
        if not doc.title and raw.strip() and not set(raw.strip()) <= set("=-— #|"):
            doc.title = shown.text.strip()[:120]
        cell = _cell_line(shown, ln)
        if cell is None and cells and ln == len(physical) and not text.endswith(("\n", "\r")) and "|" not in raw:
            cell = Item(raw.strip(), f"第{ln}行 第{shown.at(len(raw) - len(raw.lstrip()))}字", CELL)  # cut off
        if cell is not None or not raw.strip():
            cells += [cell] if cell is not None and cell.text else []
            if cell is not None and not cell.text:  # a line of pipes only: a row ends (or spare cells)
                doc.lines += _cell_rows(cells)
                cells = []
            continue
        if cells and not any(p in raw for p in _PIPES) and "\t" not in raw:
            prose = _tokenise(shown, ln, labels, headings)
            if len(prose) == 1 and _prose(prose[0]):  # a note or a page's header between a row's cells
                doc.lines.append(prose[0])
                continue
        doc.lines += _cell_rows(cells)
        cells = []
        row = _table_row(shown, ln)
        if row is not None:
            if row.items:
                doc.lines.append(row)
            continue
        tokens = _tokenise(shown, ln, labels, headings)
        for line in tokens:
            _append(doc, line, alone=len(tokens) == 1)
    doc.lines += _cell_rows(cells)
    _mark_cut(doc, text, len(physical))
    _settle_runs(doc)
    return doc


def _settle_runs(doc: RawDocument) -> None:
    """A copy that prints its figures one cell per line (a run over several lines) prints each figure
    alone on its line as one whole cell, a row's line too; in any other copy a line of digits alone may
    hold a row's cells run together (“101000011” under its label): its line break is dropped."""
    runs = [i for line in doc.lines for i in line.items if i.kind == RUN]
    if any("\n" in i.text.rstrip("\n") for i in runs):
        return
    for n, line in enumerate(doc.lines):
        if any(i.kind == RUN and i.text.endswith("\n") for i in line.items):
            items = tuple(Item(i.text.rstrip("\n"), i.source, RUN) if i.kind == RUN else i for i in line.items)
            doc.lines[n] = replace(line, items=items)


def _mark_cut(doc: RawDocument, text: str, last: int) -> None:
    """A copy cut at its length (no line break at its end) inside a table row: the row is marked cut."""
    if text.endswith(("\n", "\r")) or not doc.lines or not doc.lines[-1].row:
        return
    row = doc.lines[-1]
    if not row.items or row.items[-1].source.split(" ")[0] != f"第{last}行":
        return
    # the last cell is whole when its closing pipe, or the space before it, is printed
    closed = text.rstrip(" \t").endswith(_PIPES) or text[-1:] in (" ", "\t")
    doc.lines[-1] = Line(row.items, row.source, row=True, cut="closed" if closed else "open")


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _cell_line(line: Visible, ln: int) -> Item | None:
    """A table cell printed on a line of its own and closed by a pipe (“253 |”, “行政处罚 |”, and spare
    empty cells after it: “0 | |”), or a line of pipes only (“|||”: spare cells, a row's end) as an empty
    Item; None for any other line."""
    text = line.text.strip()
    pipes = [k for k, ch in enumerate(line.text) if ch in _PIPES and k not in line.escaped]
    if not pipes or not text or text[-1] not in _PIPES:
        return None
    if not text.strip("|｜ \t"):
        return Item("", f"第{ln}行", CELL)
    if line.text[pipes[0]:].strip("|｜ \t"):
        return None  # more cells with text on the line: a pipe row
    content = line.text[: pipes[0]]
    lead = len(content) - len(content.lstrip())
    return Item(content.strip(), f"第{ln}行 第{line.at(lead)}字", CELL)


def _cell_rows(cells: list[Item]) -> list[Line]:
    """Cells printed one per line → table rows: a cell of words (a label) starts a row, figures follow it."""
    rows: list[list[Item]] = []
    for cell in cells:
        if not rows or (_CJK.search(cell.text) and not number_like(cell.text)):  # “103.3879万元” is a figure
            rows.append([cell])
        else:
            rows[-1].append(cell)
    return [Line(tuple(r), r[0].source.split(" ")[0], row=True) for r in rows]


def _page_furniture(lines: list[str], i: int) -> bool:
    """A page number printed on a line of its own: with dashes on both sides or 第…页 anywhere; a bare
    number only as a page's last line, matching the page's number (pdftotext ends a page with a form feed)."""
    t = lines[i].replace("\f", "").strip()
    if not t or not page_number(t):
        return False
    dashes = "-—－–"
    if t[0] in dashes or t[-1] in dashes:
        return t[0] in dashes and t[-1] in dashes  # “- 3 -”; “-8” alone is a negative 本年增/减
    if not t.isdigit():
        return True
    # a bare number: only the last line of a page (the next line starts with a form feed) whose value
    # fits the page's place in the file (a cover page may go unnumbered)
    if i + 1 >= len(lines) or not lines[i + 1].startswith("\f"):
        return False
    page = sum(x.count("\f") for x in lines[: i + 1]) + 1
    return page - 2 <= int(t) <= page + 1


@dataclass(frozen=True)
class Visible:
    """A physical line as a markdown reader shows it, with each character's column in the file."""

    text: str
    cols: tuple[int, ...]  # text[k] is printed at column cols[k] (0-based) of the file's line
    escaped: frozenset[int]  # positions of characters printed with a backslash (`\\|` is no cell boundary)

    def at(self, k: int) -> int:
        """The file's 1-based column of text position k."""
        return (self.cols[k] if k < len(self.cols) else (self.cols[-1] + 1 if self.cols else 0)) + 1


_ESCAPABLE = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def visible(raw: str) -> Visible:
    """A markdown backslash escape (`\\-5`, `1\\.`, `\\|`) is the character it escapes; bold marks `**`,
    a lone emphasis `*` and a heading, quote or list mark at the line's start are not printed; a form feed
    is a space. Crawler dumps and pdftotext output have none of these, so they read as before."""
    m = _MD_MARK.match(raw)
    i = m.end() if m else 0
    chars: list[str] = []
    cols: list[int] = []
    escaped: set[int] = set()
    while i < len(raw):
        ch = raw[i]
        if ch == "\\" and i + 1 < len(raw) and raw[i + 1] in _ESCAPABLE:
            escaped.add(len(chars))
            chars.append(raw[i + 1])
            cols.append(i + 1)
            i += 2
            continue
        if ch == "*":
            i += 1
            continue
        chars.append(" " if ch == "\f" else ch)
        cols.append(i)
        i += 1
    return Visible("".join(chars), tuple(cols), frozenset(escaped))


def _table_row(line: Visible, ln: int) -> Line | None:
    """A pipe/markdown or tab-separated table row → a row of cells; a separator row → an empty Line;
    anything else → None."""
    raw = line.text
    pipes = [k for k, ch in enumerate(raw) if ch in _PIPES and k not in line.escaped]
    if not pipes and raw.count("\t") < 2:
        return None
    if _MD_SEPARATOR.fullmatch(raw):
        return Line((), f"第{ln}行", row=True)
    if len(pipes) >= 2 or (pipes and raw[:pipes[0]].strip() == ""):
        cuts = pipes
    elif raw.count("\t") >= 2:
        cuts = [k for k, ch in enumerate(raw) if ch == "\t"]
    else:
        return None
    parts: list[tuple[int, str]] = []
    start = 0
    for cut in [*cuts, len(raw)]:
        parts.append((start, raw[start:cut]))
        start = cut + 1
    if pipes and cuts is pipes:  # the outer pipes: an empty piece before the first and after the last
        if parts and not parts[0][1].strip():
            parts = parts[1:]
        if parts and not parts[-1][1].strip():
            parts = parts[:-1]
    if len(parts) < 2:
        return None
    items = []
    for c, (at, piece) in enumerate(parts, 1):
        lead = len(piece) - len(piece.lstrip())
        text = piece.strip().replace("<br>", " ").replace("<br/>", " ")
        items.append(Item(text, f"第{ln}行 第{line.at(at + lead)}字（第{c}格）", CELL))
    return Line(tuple(items), f"第{ln}行", row=True)


_PROSE_BETWEEN = 3  # prose lines a row's cells may be printed across (a page's footer and the next one's header)
_NOTE_CHARS = 60  # the longest words a dump on one line prints between a row's figures (a note, a page's header)


def _append(doc: RawDocument, line: Line, alone: bool = False) -> None:
    """A line holding only digits continues the run before it (a dump with one cell per line), also across
    the prose lines a copy prints between a row's cells (a note, a page's footer and header): the row is
    read whole, the prose stays prose after it. A figure printed alone on its line (`alone`) keeps its line
    break: split.py never cuts it into two cells."""
    if len(line.items) == 1 and line.items[0].kind == RUN:
        item = line.items[0]
        text = item.text + ("\n" if alone else "")
        at = len(doc.lines) - 1
        while at >= 0 and len(doc.lines) - 1 - at < _PROSE_BETWEEN and _prose(doc.lines[at]):
            at -= 1
        last = doc.lines[at] if at >= 0 else None
        if last is not None and not last.row and last.items and last.items[-1].kind == RUN:
            run = last.items[-1]
            merged = Item(run.text + ("" if run.text.endswith("\n") else "\n") + text, run.source, RUN)
            doc.lines[at] = Line(last.items[:-1] + (merged,), last.source, joined=last.joined)
            return
        line = Line((Item(text, item.source, RUN),), line.source, joined=line.joined)
    doc.lines.append(line)


def _prose(line: Line) -> bool:
    """A line of running text: a sentence (cells.sentence_why) printing no table label, heading or figure."""
    return (not line.row and len(line.items) == 1 and line.items[0].kind == TEXT
            and bool(sentence_why(line.items[0].text)) and not heading_like(line))


def _tokenise(shown: Visible, ln: int, labels: dict, headings: set) -> list[Line]:
    """One physical line of the dump → lines of label text and runs (see the module docstring)."""
    raw = shown.text
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
            is_heading = match in headings
            is_row = not is_heading and _is_row_label(match)
            if is_row and not _stands_alone(folded, i, i + len(match), plain, labels):
                i += len(match)  # a row label inside a sentence: sentence text
                continue
            sentence_before = plain < i and sentence_why(folded[plain:i])
            if raw[plain:i].strip():
                items.append(Item(raw[plain:i], f"第{ln}行 第{shown.at(plain)}字", TEXT))
            if is_heading or is_row or sentence_before:
                flush()  # a table's labels start a line of their own, apart from the sentence before them
            items.append(Item(raw[i:i + len(match)], f"第{ln}行 第{shown.at(i)}字", TEXT))
            if is_heading:
                flush()
            i += len(match)
            plain = i
            continue
        negative = (folded[i] in "-－+" and i + 1 < n and folded[i + 1] in _RUN_START
                    and _left_boundary(folded, i, plain))
        if folded[i] in _RUN_START or negative:  # a negative 本年增/减 printed alone: “-8”
            j = i
            while j < n and (folded[j] in _RUN_CHARS or _count_unit(folded, j)) \
                    and not (j > i and _label_at(folded, j, labels)):
                j += 1
            # words (a note, a page's header) printed between a row's figures and more figures: the row
            # goes on after a whole sentence; after anything else its run is marked cut (the row unreadable)
            between = raw[plain:i].strip()
            row = (_run_before(out, 1) if not items and 0 < len(between) <= _NOTE_CHARS and _figures(folded, i, j)
                   else None)
            if row is not None and _continues_row(folded, i, j, plain, labels):
                items.append(Item(raw[plain:i], f"第{ln}行 第{shown.at(plain)}字", TEXT))
                flush()
                _continue_run(out, raw[i:j])
                i = plain = j
                continue
            if row is None and not _run_stands_alone(folded, i, j, plain):
                i = j  # a figure inside a sentence (“共收到申请3条”): sentence text
                continue
            if row is not None:
                out[row] = replace(out[row], cut="run")
            if raw[plain:i].strip():
                items.append(Item(raw[plain:i], f"第{ln}行 第{shown.at(plain)}字", TEXT))
            items.append(Item(raw[i:j], f"第{ln}行 第{shown.at(i)}字", RUN))
            flush()
            i = plain = j
            continue
        i += 1
    if plain < n and raw[plain:].strip():
        items.append(Item(raw[plain:], f"第{ln}行 第{shown.at(plain)}字", TEXT))
    flush()
    return out


def _run_before(out: list[Line], pending: int = 0) -> int | None:
    """Index in `out` of the line whose run of figures ends just before the prose lines at its end (at most
    _PROSE_BETWEEN of them, `pending` more to come counted too), or None."""
    at = len(out) - 1
    while at >= 0 and len(out) - 1 - at + pending < _PROSE_BETWEEN and _prose(out[at]):
        at -= 1
    if at < 0 or out[at].row or not out[at].items or out[at].items[-1].kind != RUN:
        return None
    return at


def _after_sentence(folded: str, i: int, plain: int) -> bool:
    """Position i follows a whole sentence, its end mark printed (“注：本表数据截至2024年12月31日。”)."""
    return folded[plain:i].rstrip()[-1:] in _SENTENCE_END


def _continues_row(folded: str, i: int, j: int, plain: int, labels: dict) -> bool:
    """Figures right after a sentence's end mark that was printed inside a row's run (a note dropped in
    between a row's cells of a dump on one line: “…事项122439149注：本表数据截至…。89 1.本机关…”): the
    row's figures go on, up to the next label or the line's end. Only figures printed as cells (no 量词
    after them, a label or the line's end next) and only after a whole sentence (its end mark printed)."""
    if not _after_sentence(folded, i, plain) or any(_label_at(folded, k, labels) for k in range(plain, i)):
        return False  # “行政强制数据来源：本机关统计。28025”: the figures are 行政强制's, not the row's before
    rest = folded[j:].lstrip(" \t")
    if rest and _label_at(folded, len(folded) - len(rest), labels) is None:
        return False
    return _prose(Line((Item(folded[plain:i], "", TEXT),), ""))


def _continue_run(out: list[Line], figures: str) -> None:
    """The figures join the run before the prose just flushed: a space between them, the boundary of a cell
    (a note is printed between a row's cells, never inside a figure)."""
    at = _run_before(out)
    assert at is not None  # _tokenise found it before flushing the prose
    run = out[at].items[-1]
    merged = Item(run.text.rstrip() + " " + figures.strip(), run.source, RUN)
    out[at] = replace(out[at], items=out[at].items[:-1] + (merged,))


def _count_unit(folded: str, j: int) -> bool:
    """“2笔 984361元”: a count printed with its 量词 in a table cell (the figure's own, not a sentence's)."""
    return folded[j] == "笔" and j > 0 and folded[j - 1].isdigit() and (j + 1 == len(folded) or folded[j + 1] in
                                                                         " \t0123456789")


def _left_boundary(folded: str, i: int, plain: int) -> bool:
    """Nothing of a sentence just before position i: line start, a label or run just ended, a space."""
    return i == 0 or plain == i or folded[i - 1] in _LEFT_OK or not folded[:i].strip()


def _after_label_like(folded: str, i: int, plain: int) -> bool:
    """What precedes position i is a boundary or a short text that is not a sentence (a label printed
    in words the specs do not know, “采购总金额”)."""
    before = folded[plain:i]
    return _left_boundary(folded, i, plain) or (len(before.strip()) <= 40 and not sentence_why(before))


def _stands_alone(folded: str, i: int, end: int, plain: int, labels: dict) -> bool:
    """A row label printed as a table's label: not inside a sentence on either side. Right after a whole
    sentence (its end mark printed: a note dropped in a dump on one line), only with its figures next."""
    rest = folded[end:].lstrip(" \t")
    if _after_sentence(folded, i, plain):
        k = len(folded) - len(rest)
        while k < len(folded) and folded[k].isdigit():
            k += 1
        return bool(rest) and rest[0] in _RUN_START and (k == len(folded) or folded[k] not in _SENTENCE_UNIT)
    if not _after_label_like(folded, i, plain):
        return False
    return (not rest or rest[0] in _RUN_START or rest[0] in _PLACEHOLDER_START or rest[0] in "|"
            or _label_at(folded, len(folded) - len(rest), labels) is not None)


def _run_stands_alone(folded: str, i: int, j: int, plain: int) -> bool:
    """Digits printed as table cells, not a figure in a sentence (“申请3条”, “2019年”): after a label, a
    space or a short label-like text (a label printed differently), and not followed by a 量词."""
    return _after_label_like(folded, i, plain) and _figures(folded, i, j)


def _figures(folded: str, i: int, j: int) -> bool:
    """Digits that may be table cells: no list number (“2.其他法律…” cut from its label), no 量词 after."""
    run = folded[i:j].rstrip()
    if run.endswith(".") and j < len(folded) and not folded[j].isspace():
        return False
    return not (j < len(folded) and folded[j] in _SENTENCE_UNIT)


def _label_at(folded: str, i: int, labels: dict) -> str | None:
    for label in labels.get(folded[i], ()):
        if folded.startswith(label, i):
            return label
    return None


def _is_row_label(label: str) -> bool:
    from .locate import row_label_set

    return label in row_label_set()
