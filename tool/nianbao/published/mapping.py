"""Map: the data lines of each table region → the spec's rows (by their labels) → cell keys.

A data line is a line that prints figures (or a row of printed-empty cells) and is not a
sentence (cells.sentence_why: a sentence is never a label). Its label is what it prints
beside the figures; when that is not enough (a PDF label wrapped over the lines around its
figures, an HTML row whose label cell is empty under a label-only row), the label text of
the lines just above and below is added. Lines and the spec's rows are aligned in order by
one best-scoring monotone alignment (a label must cover `label_coverage` of the statutory
label). A line with no label is placed only where that is certain: the one unlabelled row of
表四, the single line between two aligned lines with exactly one row between them, or — in a
table printed as rows of cells (a converter's pipe table that cut the labels off) — as many
whole unlabelled rows between two aligned rows as there are statutory rows between them, in order.
Everything else is a finding: rows not found (unreadable, never filled from another row),
lines left over, label variants, units.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache

import nianbao.published.cells as C
from nianbao.findings import Finding
from nianbao.format.layout import layout
from nianbao.format.spec import Format, Node, Table

from .locate import Located, coverage, known_label_keys, row_label_keys
from .model import CELL, RUN, TEXT, WORD, Item, Line
from .prose import running_why
from .settings import ImportSettings
from .values import Pending, column_centres, header_units, label_variant, read_row


@dataclass(frozen=True)
class Expected:
    table: Table
    block: int
    node: Node  # a leaf row, or a group standing for its leaves
    keys: tuple[str, ...]  # cell keys in column order (for a group: its first leaf's columns)
    kinds: tuple[str, ...]
    units: tuple[str, ...]
    leaves: tuple[Node, ...] = ()  # a group: the leaf rows it stands for
    group_of: Node | None = None  # a leaf: the group it belongs to


@dataclass
class Mapped:
    tables: dict = field(default_factory=dict)
    states: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    matches: list[tuple[str, str, str]] = field(default_factory=list)  # (line source, row label, how)
    pending: list[Pending] = field(default_factory=list)  # run-together rows, decided by solve.py


def expected_rows(fmt: Format, table: Table) -> list[Expected]:
    out: list[Expected] = []
    for bi, block in enumerate(table.blocks):
        for node in block.rows:
            _add_rows(fmt, table, bi, block.leaf_columns(), node, None, out)
    return out


def _add_rows(fmt: Format, table: Table, bi: int, cols: list[Node], node: Node, group: Node | None,
              out: list[Expected]) -> None:
    """Leaf rows in order; a leaf under a group of leaves knows its group (for a single printed group line)."""
    if node.is_leaf:
        keys = tuple(".".join(p for p in (table.key, node.key, c.key) if p) for c in cols)
        out.append(Expected(table, bi, node, keys, tuple(fmt.cells[k].kind for k in keys),
                            tuple(fmt.cells[k].unit for k in keys), group_of=group))
        return
    for child in node.children:
        _add_rows(fmt, table, bi, cols, child, node if all(c.is_leaf for c in node.children) else None, out)


def _group_entry(leaf_entry: Expected, group: Node, rows: list[Expected]) -> Expected:
    return Expected(leaf_entry.table, leaf_entry.block, group, leaf_entry.keys, leaf_entry.kinds, leaf_entry.units,
                    leaves=tuple(r.node for r in rows if r.group_of is group))


def _values(line: Line) -> list[Item]:
    return [i for i in line.items if i.kind == RUN or (i.kind in (WORD, CELL) and C.number_like(i.text))]


def _is_data(line: Line) -> bool:
    if any(i.kind == RUN for i in line.items):
        return True
    if line.row:
        if any(C.number_like(i.text) for i in line.items):
            return True
        if len(line.items) >= 2 and all(C.blank_like(i.text) for i in line.items):
            return True  # a row of printed-empty cells (表四 left blank); matched only to an unlabelled row
        return len(line.items) >= 2 and C.blank_like(line.items[-1].text) and not C.blank_like(line.items[0].text)
    if C.page_number(line.text):
        return False
    return any(i.kind == WORD and C.number_like(i.text) for i in line.items)


def label_items(line: Line) -> list[Item]:
    if line.row:
        items = list(line.items)
        while items and (C.number_like(items[-1].text) or C.blank_like(items[-1].text)):
            items.pop()
        return items
    return [i for i in line.items if i.kind == TEXT or (i.kind == WORD and not C.number_like(i.text))]


def _own(line: Line) -> str:
    return " ".join(i.text for i in label_items(line))


def map_tables(fmt: Format, lines: list[Line], located: Located, settings: ImportSettings) -> Mapped:
    out = Mapped()
    for table in fmt.tables:
        region = located.table_lines(table.key)
        if not region:
            _missing_table(fmt, table, out)
            continue
        _map_table(fmt, table, [lines[i] for i in region], settings, out)
    return out


def _missing_table(fmt: Format, table: Table, out: Mapped) -> None:
    keys = [k for k, c in fmt.cells.items() if c.table == table.key]
    for k in keys:
        out.states[k] = {"state": C.UNREADABLE, "printed": ""}
    out.findings.append(Finding(rule="IMPORT_TABLE_MISSING", severity="error",
                                message=f"没有找到{table.heading}（既没有本表的标题，也没有本表的行列标签），"
                                        f"本表 {len(keys)} 个单元格无法读取。", sheet=table.sheet))


@dataclass
class _Line:
    index: int  # in the region
    own: str  # its own label text
    windows: tuple[str, ...]  # label keys to try, in order: own, with the lines above, with those below


_NOTE = re.compile(r"[（(][^（）()]*[）)]")


def _data_lines(lines: list[Line], out: Mapped) -> list[_Line]:
    data = []
    for i, line in enumerate(lines):
        if not _is_data(line):
            continue
        known = known_label_keys()
        residual = " ".join(i.text for i in label_items(line) if C.label_key(i.text) not in known)
        if line.row:  # a label cell with a note in brackets (“规范性文件(行政机关制定…)”): the note is no sentence
            residual = _NOTE.sub("", residual)
        why = C.sentence_why(residual) or running_why(lines, i)
        if why:
            out.matches.append((line.source, "", f"是句子（{why}），不当作表格行"))
            continue
        data.append(i)
    rows = sum(1 for i in data if lines[i].row)
    if rows >= 3 and rows * 2 > len(data):  # a table printed as rows of cells: figures outside them are loose
        for i in [i for i in data if not lines[i].row]:  # text a converter left beside it, not its rows
            out.matches.append((lines[i].source, "", "表格以行和单元格印出，这些散落在表格外的数字不当作表格行"))
            data.remove(i)
    result = []
    for n, i in enumerate(data):
        line = lines[i]
        own = _own(line)
        prev_end = data[n - 1] + 1 if n else 0
        nxt = data[n + 1] if n + 1 < len(data) else len(lines)
        windows = [C.label_key(own)]
        if not line.row:  # a label wrapped over the lines above the figures (text), or around them (PDF)
            start = max([k for k in range(prev_end, i) if _whole_label(lines[k])], default=prev_end)
            before = " ".join(ln.text for ln in lines[start:i] if _label_text(ln))
            windows.append(C.label_key(before + own))
            if any(it.kind == WORD for it in line.items):
                after = " ".join(ln.text for ln in lines[i + 1:nxt] if _label_text(ln))
                windows.append(C.label_key(before + own + after))
        elif not C.label_key(own) and i and lines[i - 1].row and not _is_data(lines[i - 1]):
            windows.append(C.label_key(lines[i - 1].text))  # a table row under a label-only row (rowspan)
        result.append(_Line(i, own, tuple(w for w in dict.fromkeys(windows) if w)))
    return result


def _whole_label(line: Line) -> bool:
    """A line that prints a whole statutory row label: the label text above a data line starts there."""
    return any(C.label_key(it.text) in row_label_keys() for it in line.items)


def _label_text(line: Line) -> bool:
    """A line that may carry part of a row's label: words, not a sentence, not a page number."""
    return bool(line.text.strip()) and not C.sentence_why(line.text) and not C.page_number(line.text)


_NUMBERING = ("（", "(")


def _unnumbered(key: str) -> str:
    """A label key without its numbering (“（一）予以公开” → “予以公开”, “1.属于国家秘密” → “属于国家秘密”)."""
    if key[:1] in _NUMBERING and len(key) > 3 and key[2:3] in ("）", ")"):
        return key[3:]
    if key[:1].isdigit() and key[1:2] == ".":
        return key[2:]
    if key[:1] in "一二三四五六七八九" and key[1:2] == "、":
        return key[2:]
    return key


class _Weights(dict):
    """Character weights of one table's row labels; hashed by identity (one object per table)."""

    __hash__ = object.__hash__

    def __eq__(self, other):
        return self is other


_WEIGHTS: dict[int, _Weights] = {}


def _weights(rows: list[Expected]) -> _Weights:
    """A character counts less the more of the table's row labels print it (“政府信息公开申请数量” is
    in 一 and 二 alike; “新收” and “结转” tell them apart). One object per table, kept."""
    table = rows[0].table if rows else None
    if id(table) in _WEIGHTS:
        return _WEIGHTS[id(table)]
    count: dict[str, int] = {}
    for r in rows:
        for ch in set(C.label_key(r.node.label)):
            count[ch] = count.get(ch, 0) + 1
    out = _Weights((ch, 1 / n) for ch, n in count.items())
    if table is not None:
        _WEIGHTS[id(table)] = out
    return out


@lru_cache(maxsize=4096)
def _charset(text: str) -> frozenset[str]:
    return frozenset(text)


@lru_cache(maxsize=65536)
def _match(label: str, text: str, weights: _Weights, floor: float = 0.0) -> float:
    """Share of the label found, in order, in the text: the smaller of the plain share of its characters
    and the share of their weight (a cheap bound first: most labels share too few characters to match)."""
    if not label:
        return 0.0
    if label in text:
        return 1.0
    present = _charset(text)
    if sum(1 for ch in label if ch in present) < floor * len(label):
        return 0.0  # not even the characters are there: below the floor whatever their order
    w = weights
    sm = difflib.SequenceMatcher(None, label, text, autojunk=False)
    found = [label[b.a + k] for b in sm.get_matching_blocks() for k in range(b.size)]
    total = sum(w.get(ch, 1.0) for ch in label)
    weighted = sum(w.get(ch, 1.0) for ch in found) / total if total else 0.0
    return min(len(found) / len(label), weighted)


@lru_cache(maxsize=1024)
def _keys(label: str) -> tuple[str, str]:
    key = C.label_key(label)
    return key, _unnumbered(key)


def _score(label: str, windows: tuple[str, ...], threshold: float, weights: _Weights) -> float:
    """The first window (own label first) that covers the label well enough, a borrowed label text
    scoring less than the line's own, a label printed without its numbering a little less; 0 when none does."""
    if not label:
        return 0.0
    key, bare = _keys(label)
    for n, w in enumerate(windows):
        s = _match(key, w, weights, threshold)
        if s < threshold and bare != key and len(bare) >= 4:
            s = _match(bare, w, weights, threshold) * 0.95
        if s >= threshold:
            return s * (1 - 0.1 * n)
    return 0.0


def _align(rows: list[Expected], data: list[_Line], threshold: float):
    """The best-scoring monotone alignment of lines to rows (or to a group row standing for its leaves)."""
    n, m = len(data), len(rows)
    weights = _weights(rows)
    score = [[_score(rows[j].node.label, d.windows, threshold, weights) for j in range(m)] for d in data]
    groups: dict[int, tuple[Node, int]] = {}
    for j, r in enumerate(rows):
        g = r.group_of
        if g is not None and (j == 0 or rows[j - 1].group_of is not g):
            groups[j] = (g, sum(1 for x in rows if x.group_of is g))
    gscore = {(i, j): _score(g.label, d.windows, threshold, weights)
              for i, d in enumerate(data) for j, (g, _) in groups.items()}
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[""] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        best[i][m], move[i][m] = best[i + 1][m], "skip_line"
        for j in range(m - 1, -1, -1):
            options = [(best[i + 1][j], "skip_line"), (best[i][j + 1], "skip_row")]
            if score[i][j]:
                options.append((score[i][j] + best[i + 1][j + 1], "match"))
            if (i, j) in gscore and gscore[(i, j)] and score[i][j] < threshold:
                options.append((gscore[(i, j)] + best[i + 1][j + groups[j][1]], "group"))
            best[i][j], move[i][j] = max(options, key=lambda o: (round(o[0], 9), o[1] in ("match", "group")))
    for j in range(m - 1, -1, -1):
        best[n][j], move[n][j] = 0.0, "skip_row"
    pairs: list[tuple[int, int, float, int]] = []  # (data index, row index, score, span)
    i = j = 0
    while i < n and j < m:
        mv = move[i][j]
        if mv == "match":
            pairs.append((i, j, score[i][j], 1))
            i, j = i + 1, j + 1
        elif mv == "group":
            span = groups[j][1]
            pairs.append((i, j, gscore[(i, j)], span))
            i, j = i + 1, j + span
        elif mv == "skip_line":
            i += 1
        else:
            j += 1
    return pairs


def _align_blocks(table: Table, rows: list[Expected], data: list[_Line], threshold: float):
    """Rows are aligned in order within a block; the blocks of 表二 (each a small table of its own under
    its 第二十条 title) may be printed in any order, so each block is aligned on the lines left by the others,
    the block that matches best first."""
    if len(table.blocks) == 1:
        return _align(rows, data, threshold)
    pairs: list[tuple[int, int, float, int]] = []
    used: set[int] = set()
    todo = list(range(len(table.blocks)))
    while todo:
        best = None
        for bi in todo:
            idx = [ri for ri, r in enumerate(rows) if r.block == bi]
            free = [di for di in range(len(data)) if di not in used]
            got = _align([rows[ri] for ri in idx], [data[di] for di in free], threshold)
            total = sum(score for _, _, score, _ in got)
            if best is None or total > best[0]:
                best = (total, bi, [(free[d], idx[r], score, span) for d, r, score, span in got])
        _, bi, got = best
        pairs += got
        used.update(d for d, _, _, _ in got)
        todo.remove(bi)
    return sorted(pairs)


def _map_table(fmt: Format, table: Table, lines: list[Line], settings: ImportSettings, out: Mapped) -> None:
    rows = expected_rows(fmt, table)
    data = _data_lines(lines, out)
    pairs = _align_blocks(table, rows, data, settings.label_coverage)
    assigned: dict[int, tuple[int, Expected, str]] = {}  # region line index -> (row index, entry, how)
    done: set[int] = set()
    for di, ri, score, span in pairs:
        entry = rows[ri] if span == 1 else _group_entry(rows[ri], rows[ri].group_of, rows)
        assigned[data[di].index] = (ri, entry, f"按标签（{score:.0%}）")
        done.update(range(ri, ri + span))
    _by_position(fmt, rows, data, pairs, lines, assigned, done)
    _by_column_group(table, rows, data, lines, assigned, done)
    for d in data:
        if d.index not in assigned:
            _extra(table, lines[d.index], out)
    for li in sorted(assigned):
        ri, entry, how = assigned[li]
        out.matches.append((lines[li].source, entry.node.label, how))
        if entry.node.label:
            before = " ".join(ln.text for ln in lines[max(0, li - 3):li] if _label_text(ln))
            after = " ".join(ln.text for ln in lines[li + 1:li + 4] if _label_text(ln))
            label_variant(fmt, entry, lines[li], _own(lines[li]), before + _own(lines[li]) + after, out)
    data_index = {d.index for d in data}
    # a row printed as its label alone is blank — unless figures are left over that could be its own
    leftover = any(d.index not in assigned and _values(lines[d.index]) for d in data)
    for ri, entry in enumerate(rows):
        if ri not in done and (leftover or not _printed_blank(entry, lines, data_index, out)):
            _missing_row(fmt, entry, out)
    centres = column_centres(lines, {li: (ri, e) for li, (ri, e, _) in assigned.items()})
    padded = _padded(lines, assigned)
    for li, (_, entry, _) in assigned.items():
        read_row(fmt, entry, lines[li], centres, settings, out, padded)
    header_units(fmt, table, lines, out)


def _padded(lines: list[Line], assigned: dict) -> bool:
    """A converter's pipe table that pads its rows with empty cells: some row prints every one of its
    figures and then empty cells. In such a table a row's trailing empty cell is padding, not a cell
    printed empty (shanghai-kw-2024: “| 四、结转… | 1 | 0 | 0 | 0 | 0 | 0 |  |” lost its 总计)."""
    for li, (_, entry, _) in assigned.items():
        line = lines[li]
        if not line.row or line.source.startswith("表格"):
            continue
        cells = [i.text for i in line.items]
        end = len(cells)
        while end and not cells[end - 1].strip():
            end -= 1
        n = len(entry.keys)
        if end < len(cells) and end >= n and all(C.number_like(t) for t in cells[end - n:end]):
            return True
    return False


def _by_position(fmt, rows, data, pairs, lines, assigned, done) -> None:
    """Lines with no label, placed only where certain (see the module docstring)."""
    free = [d for d in data if d.index not in assigned]
    if not free:
        return
    unlabelled = [ri for ri, r in enumerate(rows) if not r.node.label and ri not in done]
    if unlabelled:  # 表四: its one row prints no label; the line that prints the whole row
        (ri,) = unlabelled[:1]
        n = len(rows[ri].keys)
        whole = [d for d in free if _fits(lines[d.index], n)]
        if len(whole) == 1:
            assigned[whole[0].index] = (ri, rows[ri], "按位置（表中唯一的数据行）")
            done.add(ri)
        return
    anchors = sorted((data[di].index, ri, span) for di, ri, _, span in pairs)
    for (a_line, a_row, a_span), (b_line, b_row, b_span) in zip(anchors, anchors[1:], strict=False):
        if a_span != 1 or b_span != 1:
            continue  # a line printed for a whole group: what lies between is not known row by row
        between_rows = [r for r in range(a_row + a_span, b_row) if r not in done]
        between_lines = [d for d in free if a_line < d.index < b_line]
        if len(between_lines) > 1 and lines[a_line].row and lines[b_line].row:
            between_lines = [d for d in between_lines if lines[d.index].row]  # a pipe table's rows, not loose text
        if not between_rows or len(between_rows) != len(between_lines):
            continue
        if not all(_fragment_of(d.own, rows[r].node.label) for d, r in zip(between_lines, between_rows, strict=True)):
            continue  # a line printing words that are not a piece of the row it would be
        if len(between_lines) > 1 and not all(lines[d.index].row for d in between_lines):
            continue  # several unlabelled lines are placed in order only as whole table rows
        if all(_fits(lines[d.index], len(rows[r].keys)) for d, r in zip(between_lines, between_rows, strict=True)):
            how = ("按位置（上下两行之间唯一的一行）" if len(between_rows) == 1 else
                   f"按位置（上下两行之间的 {len(between_rows)} 行，按法定行序）")
            for d, ri in zip(between_lines, between_rows, strict=True):
                assigned[d.index] = (ri, rows[ri], how)
                done.add(ri)


def _fragment_of(printed: str, label: str) -> bool:
    """The line prints no label, or a piece of this row's label (a converter cut the rest off)."""
    key = C.label_key(printed)
    return not key or (len(key) >= 2 and coverage(key, C.label_key(label)) >= 0.9)


def _column_groups(table: Table, block: int) -> list[tuple[Node, int]]:
    """The innermost column groups of a block with their first leaf index (表四: 行政复议, 未经复议直接起诉,
    复议后起诉)."""
    out: list[tuple[Node, int]] = []
    index = 0

    def walk(node: Node):
        nonlocal index
        if node.is_leaf:
            index += 1
            return
        if all(c.is_leaf for c in node.children):
            out.append((node, index))
            index += len(node.children)
            return
        for c in node.children:
            walk(c)

    for node in table.blocks[block].columns:
        walk(node)
    return out


def _by_column_group(table: Table, rows, data, lines, assigned, done) -> None:
    """The unlabelled row (表四) printed as one short table per column group, each under a heading
    naming its group (“行政诉讼（复议后起诉）”): each group's line is placed when exactly one line prints
    that many figures under that group's name."""
    todo = [ri for ri, r in enumerate(rows) if not r.node.label and ri not in done]
    if not todo:
        return
    ri = todo[0]
    entry = rows[ri]
    groups = _column_groups(table, entry.block)
    if len(groups) < 2:
        return
    found: dict[int, tuple[int, Node, int]] = {}
    prev = 0
    for d in data:
        if d.index in assigned:
            prev = d.index + 1
            continue
        context = C.label_key(" ".join(ln.text for ln in lines[prev:d.index]))
        prev = d.index + 1
        named = [(len(C.label_key(g.label)), g, start) for g, start in groups if C.label_key(g.label) in context]
        if not named:
            continue
        _, group, start = max(named, key=lambda x: x[0])
        if _fits(lines[d.index], len(group.children)) and not lines[d.index].row or \
                len(_values(lines[d.index])) == len(group.children):
            if start in {s for _, _, s in found.values()}:
                return  # the same group twice: which line is it is not certain
            found[d.index] = (ri, group, start)
    if len(found) != len(groups):
        return
    for li, (_, group, start) in found.items():
        n = len(group.children)
        part = Expected(entry.table, entry.block, group, entry.keys[start:start + n], entry.kinds[start:start + n],
                        entry.units[start:start + n])
        assigned[li] = (ri, part, f"按位置（“{group.label}”之下的一行）")
    done.add(ri)


def _fits(line: Line, n: int) -> bool:
    """The line prints a whole row: n cells, or run-together digits, or a table row of n value cells."""
    if any(i.kind == RUN for i in line.items):
        return True
    if line.row:
        return len(line.items) >= n
    return len(_values(line)) == n


def _printed_blank(entry: Expected, lines: list[Line], data: set[int], out: Mapped) -> bool:
    """A row whose label is printed on a line of its own with no figure at all: a row of blank cells."""
    if not entry.node.label:
        return False
    want = C.label_key(entry.node.label)
    if len(want) < 2:
        return False
    for i, line in enumerate(lines):
        if i in data or line.row or not any(it.kind in (TEXT, WORD) for it in line.items):
            continue
        key = C.label_key(line.text)
        alone = any(C.label_key(it.text) == want for it in line.items)
        if (alone or (want in key and 2 * len(want) >= len(key) and not C.sentence_why(line.text))) \
                and not _text_follows(lines, i, want):
            for k in entry.keys:
                out.states[k] = {"state": C.BLANK, "printed": ""}
                out.provenance[k] = line.source
            out.matches.append((line.source, entry.node.label, "只印了行标签：空白"))
            return True
    return False


def _text_follows(lines: list[Line], i: int, want: str) -> bool:
    """Something other than labels and placeholders is printed after the label before the next label or
    figures (“十”, “见附件”): the row is not printed empty, it is printed unreadable."""
    known = known_label_keys()
    items = list(lines[i].items)
    at = next((n for n, it in enumerate(items) if C.label_key(it.text) == want), len(items) - 1)
    following = items[at + 1:] + [it for line in lines[i + 1:i + 40] for it in line.items]
    for it in following:  # up to the next label or figure
        key = C.label_key(it.text)
        if key in known or it.kind in (RUN, WORD) and C.number_like(it.text):
            return False
        if not C.blank_like(it.text):
            return True
    return False


def _extra(table: Table, line: Line, out: Mapped) -> None:
    printed = " ".join(i.text for i in line.items)[:60]
    out.findings.append(Finding(rule="IMPORT_EXTRA_ROW", severity="warning", sheet=table.sheet,
                                message=f"{table.heading}中多出一行（{line.source}：“{printed}”），"
                                        "与标准格式的各行都对不上，未读取。"))


def _missing_row(fmt: Format, entry: Expected, out: Mapped) -> None:
    for key in entry.keys:
        out.states[key] = {"state": C.UNREADABLE, "printed": ""}
    cell = fmt.cells[entry.keys[0]]
    pos = layout(fmt).cells[entry.keys[0]]
    label = entry.node.label or "数据行"
    out.findings.append(Finding(rule="IMPORT_ROW_MISSING", severity="error", sheet=pos.sheet, cell=pos.ref,
                                key=entry.keys[0], row_label=cell.row_label,
                                message=f"{entry.table.heading}中没有找到“{label}”一行（或无法确定哪一行是它），"
                                        f"本行 {len(entry.keys)} 个单元格无法读取。"))
