"""Map: the data lines of each table region → the spec's rows and columns → cell keys.

A data line is matched to the next expected row whose official label it covers best
(`coverage` of the label's characters, at least `label_coverage`, looking at most
`lookahead` rows ahead); a line with no label text takes the next row by position. A table is
read from its header on: text above it (“本年度制发行政规范性文件 14 件，废止 10 件……”, a report's
figures in words) is not; nor is such running text elsewhere, whose numbers carry their units. A
single printed line for a group of rows (（六）其他处理 in the 2021 format) maps when it
prints 0 and is unreadable otherwise. Rows not found, lines left over, label variants
and units are findings that quote what was printed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import nianbao.published.cells as C
from nianbao.findings import Finding
from nianbao.format.layout import layout, table_grid
from nianbao.format.spec import Format, Node, Table

from .locate import Located, coverage
from .model import CELL, RUN, TEXT, WORD, Item, Line
from .settings import ImportSettings
from .split import split_run


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


def _group_entry(fmt: Format, leaf_entry: Expected, group: Node, rows: list[Expected]) -> Expected:
    return Expected(leaf_entry.table, leaf_entry.block, group, leaf_entry.keys, leaf_entry.kinds, leaf_entry.units,
                    leaves=tuple(r.node for r in rows if r.group_of is group))


def _sums_within(fmt: Format, keys: tuple[str, ...]) -> list[tuple[int, tuple[int, ...]]]:
    index = {k: i for i, k in enumerate(keys)}
    out = []
    for key, inst in fmt.derived.items():
        parts = inst.parts()
        if key in index and parts and all(p in index for p in parts):
            out.append((index[key], tuple(index[p] for p in parts)))
    return out


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


_UNIT_WORD = re.compile(r"^(?:件|项|个|万元)(?:$|[，。；、,;）)])")


def _running_text(lines: list[Line], index: int) -> bool:
    """A line of a sentence stating figures, not a table row: one of its numbers is followed by its unit
    and punctuation (“14”, “件，废止”), on the line or at the start of the next (a PDF wraps sentences)."""
    line = lines[index]
    if line.row:
        return False
    items = list(line.items)
    following = lines[index + 1].items[:1] if index + 1 < len(lines) and not lines[index + 1].row else []
    for item, after in zip(items, items[1:] + list(following), strict=False):
        if item.kind == WORD and C.number_like(item.text) and after.kind == WORD and _UNIT_WORD.match(after.text):
            return True
    return False


def _header_fragments(table: Table) -> tuple[str, ...]:
    """The label keys of a table's column headers, corner note and block titles: what a table repeats
    at the top of every page it runs onto."""
    grid = table_grid(table)
    return tuple(C.label_key(c.text) for c in grid.cells if c.role in ("colhead", "corner", "block_title") and c.text)


def _header_line(line: Line, fragments: tuple[str, ...]) -> bool:
    """A line of the table's header (“第二十条第（一）项”, or “自然 社会 法律” printed again after a page
    break): every item a piece of a header. It is no part of a row's label."""
    keys = [C.label_key(i.text) for i in line.items]
    return bool(keys) and all(k and any(k in f for f in fragments) for k in keys)


def _table_starts(line: Line, fragments: tuple[str, ...]) -> bool:
    """The first line of a table: one of its items is a whole header label (第二十条第（一）项, 申请人情况,
    行政复议), and no number is on the line."""
    if any(C.number_like(i.text) or i.kind == RUN for i in line.items):
        return False
    return any(C.label_key(i.text) in fragments for i in line.items)


def _label_items(line: Line) -> list[Item]:
    if line.row:
        items = list(line.items)
        while items and (C.number_like(items[-1].text) or C.blank_like(items[-1].text)):
            items.pop()
        return items
    return [i for i in line.items if i.kind == TEXT or (i.kind == WORD and not C.number_like(i.text))]


def map_tables(fmt: Format, lines: list[Line], located: Located, settings: ImportSettings) -> Mapped:
    out = Mapped()
    for table in fmt.tables:
        section = next(s for s in fmt.sections if s.table == table.key)
        region = located.lines(section.key)
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
                                message=f"没有找到{table.heading}（按标题查找），本表 {len(keys)} 个单元格无法读取。",
                                sheet=table.sheet))


def _map_table(fmt: Format, table: Table, lines: list[Line], settings: ImportSettings, out: Mapped) -> None:
    rows = expected_rows(fmt, table)
    header = _header_fragments(table)
    # The table starts at its header: text above it (the figures in words) is not read for rows.
    lines = lines[next((i for i, ln in enumerate(lines) if _table_starts(ln, header)), 0):]
    data = [i for i, ln in enumerate(lines) if _is_data(ln) and not _running_text(lines, i)]
    assigned: dict[int, tuple[int, Expected]] = {}  # line index -> (row index, entry)
    done: set[int] = set()
    pointer = 0
    prev_end = 0
    for li in data:
        line = lines[li]
        own = " ".join(i.text for i in _label_items(line))
        before = "" if line.row else " ".join(ln.text for ln in lines[prev_end:li]
                                              if not _is_data(ln) and not _header_line(ln, header))
        nxt = next((d for d in data if d > li), len(lines))
        after = "" if line.row else " ".join(ln.text for ln in lines[li + 1:nxt])
        prev_end = li + 1
        best: tuple[float, int, Expected] | None = None
        candidates = [ri for ri in range(pointer, min(len(rows), pointer + 1 + settings.lookahead)) if ri not in done]
        # the line's own label first; the lines above it only when that is not enough (a wrapped PDF label),
        # then those below it too (a PDF prints a row's numbers level with the middle of its wrapped label)
        for window in dict.fromkeys((C.label_key(own), C.label_key(before + own), C.label_key(before + own + after))):
            if not window:
                continue
            for ri in candidates:
                entry = rows[ri]
                score = coverage(C.label_key(entry.node.label), window) if entry.node.label else 0.0
                if best is None or score > best[0]:
                    best = (score, ri, entry)
            if best is not None and best[0] >= settings.label_coverage:
                break
        if best is None and candidates:
            best = (0.0, candidates[0], rows[candidates[0]])
        if best is not None and best[0] < settings.label_coverage:
            # no leaf row printed: perhaps one line for a group of rows (（六）其他处理 in the 2021 format)
            for ri in candidates:
                entry, group = rows[ri], rows[ri].group_of
                if group is None or (ri and rows[ri - 1].group_of is group):
                    continue
                g = coverage(C.label_key(group.label), C.label_key(before + own))
                if g >= settings.label_coverage and g > best[0]:
                    best = (g, ri, _group_entry(fmt, entry, group, rows))
        if best is None:
            _extra(table, line, own, out)
            continue
        score, ri, entry = best
        if score < settings.label_coverage:
            if C.label_key(own) and rows[pointer].node.label:
                _extra(table, line, own, out)
                continue
            if rows[pointer].node.label and not any(C.number_like(i.text) for i in line.items):
                continue  # an empty spacer row: nothing printed to place
            if rows[pointer].node.label and any(i.kind == RUN for i in line.items):
                _extra(table, line, own, out)  # digits in a text dump with no label: never placed by position
                continue
            words = [i for i in line.items if i.kind == WORD and C.number_like(i.text)]
            if words and rows[pointer].node.label and len(words) != len(rows[pointer].keys):
                _extra(table, line, own, out)  # a PDF line with part of a row and no label: not placed by position
                continue
            ri, entry = pointer, rows[pointer]  # no label printed on the line: by position
            how = "按位置"
        else:
            how = f"按标签（{score:.0%}）"
        span = len(entry.leaves) if entry.leaves else 1
        for k in range(ri, ri + span):
            done.add(k)
        pointer = ri + span
        assigned[li] = (ri, entry)
        out.matches.append((line.source, entry.node.label, how))
        if entry.node.label:
            _label_variant(fmt, entry, line, own, before + own + after, out)
    for ri, entry in enumerate(rows):
        if ri not in done and not _printed_blank(fmt, entry, lines, data, out):
            _missing_row(fmt, entry, out)
    centres = _column_centres(lines, assigned)
    for li, (_, entry) in assigned.items():
        _read_values(fmt, entry, lines[li], centres, settings, out)
    _header_units(fmt, table, lines, out)


def _printed_blank(fmt: Format, entry: Expected, lines: list[Line], data: list[int], out: Mapped) -> bool:
    """PDF and text: a row whose label is printed on a line with no number at all is a row of blank cells."""
    if not entry.node.label:
        return False
    want = C.label_key(entry.node.label)
    for i, line in enumerate(lines):
        if i in data or line.row or not any(it.kind in (TEXT, WORD) for it in line.items):
            continue
        if len(want) >= 2 and want in C.label_key(line.text):
            for key in entry.keys:
                out.states[key] = {"state": C.BLANK, "printed": ""}
                out.provenance[key] = line.source
            out.matches.append((line.source, entry.node.label, "只印了行标签：空白"))
            return True
    return False


def _where(line: Line) -> str:
    return line.source


def _extra(table: Table, line: Line, own: str, out: Mapped) -> None:
    printed = " ".join(i.text for i in line.items)[:60]
    out.findings.append(Finding(rule="IMPORT_EXTRA_ROW", severity="warning", sheet=table.sheet,
                                message=f"{table.heading}中多出一行（{_where(line)}：“{printed}”），"
                                        "与标准格式的各行都对不上，未读取。"))


def _missing_row(fmt: Format, entry: Expected, out: Mapped) -> None:
    for key in entry.keys:
        out.states[key] = {"state": C.UNREADABLE, "printed": ""}
    cell = fmt.cells[entry.keys[0]]
    pos = layout(fmt).cells[entry.keys[0]]
    out.findings.append(Finding(rule="IMPORT_ROW_MISSING", severity="error", sheet=pos.sheet, cell=pos.ref,
                                key=entry.keys[0], row_label=cell.row_label,
                                message=f"{entry.table.heading}中没有找到“{entry.node.label}”一行，"
                                        f"本行 {len(entry.keys)} 个单元格无法读取。"))


def _label_variant(fmt: Format, entry: Expected, line: Line, own: str, context: str, out: Mapped) -> None:
    official = C.fold(entry.node.label).replace(" ", "")
    printed_text = C.fold(context).replace(" ", "")
    if official in printed_text:
        return
    if not line.row and _subsequence(official, printed_text):
        return  # PDF: a group label's characters printed between the lines of a wrapped label
    labels = _label_items(line)
    if line.row and labels:
        printed = labels[-1].text
    else:  # PDF and text: the stretch of the printed text that lines up with the official label
        ctx = C.fold(context).replace(" ", "")
        blocks = [b for b in difflib.SequenceMatcher(None, official, ctx, autojunk=False).get_matching_blocks()
                  if b.size]
        printed = ctx[blocks[0].b: blocks[-1].b + blocks[-1].size] if blocks else ctx
    printed = printed[: max(40, 2 * len(official))]
    if not printed:
        return
    pos = layout(fmt).cells[entry.keys[0]]
    out.findings.append(Finding(rule="IMPORT_LABEL_VARIANT", severity="info", sheet=pos.sheet, cell=pos.ref,
                                key=entry.keys[0], row_label=entry.node.label,
                                message=f"行标签印为“{printed}”（{_where(line)}），与标准格式“{entry.node.label}”"
                                        "不同，已按标准格式的这一行读取。"))


def _header_units(fmt: Format, table: Table, lines: list[Line], out: Mapped) -> None:
    """A money column whose header prints 元 where the format prints 万元 (“本年收费金额（单位：元）”)."""
    text = C.label_key(" ".join(ln.text for ln in lines))
    for key, cell in fmt.cells.items():
        if cell.table != table.key or cell.kind != "money" or "万元" not in cell.column_label:
            continue
        printed = C.label_key(cell.column_label.replace("万元", "元"))
        if printed not in text or key not in out.tables:
            continue
        out.states[key] = {**out.states.get(key, {"state": C.NUMBER}), "unit": "元"}
        pos = layout(fmt).cells[key]
        out.findings.append(Finding(rule="IMPORT_UNIT", severity="warning", sheet=pos.sheet, cell=pos.ref, key=key,
                                    row_label=cell.row_label, column_label=cell.column_label,
                                    message=f"表头印为“{cell.column_label.replace('万元', '元')}”，单位是元，而格式规定为"
                                            f"万元；按印出的数字 {out.tables[key]} 原样读取，未换算。"))


def _subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(ch in it for ch in needle)


def _column_centres(lines: list[Line], assigned: dict) -> dict[tuple[int, int], list[float]]:
    """PDF: the x centre of each column, from the lines that print every cell (per block and width)."""
    seen: dict[tuple[int, int], list[list[float]]] = {}
    for li, (_, entry) in assigned.items():
        words = [i for i in lines[li].items if i.kind == WORD and C.number_like(i.text)]
        if len(words) == len(entry.keys):
            seen.setdefault((entry.block, len(entry.keys)), []).append([w.centre for w in words])
    return {k: [sum(col) / len(col) for col in zip(*v, strict=True)] for k, v in seen.items()}


def _read_values(fmt: Format, entry: Expected, line: Line, centres: dict, settings: ImportSettings,
                 out: Mapped) -> None:
    n = len(entry.keys)
    texts: list[tuple[str, str] | None] = [None] * n  # (printed text, source) per column
    rebuilt = [False] * n
    why = ""
    run = next((i for i in line.items if i.kind == RUN), None)
    if run is not None:
        money = {i for i, k in enumerate(entry.kinds) if k == "money"}
        signed = {i for i, k in enumerate(entry.kinds) if k == "signed"}
        sp = split_run(run.text, n, _sums_within(fmt, entry.keys), limit=settings.max_splits, money=money,
                       signed=signed)
        if sp.texts is None:
            why = f"{sp.why}（印为“{run.text.strip()[:40]}”）"
        else:
            texts = [(t, run.source) for t in sp.texts]
            rebuilt = list(sp.reconstructed)
    elif line.row:
        cells = [i for i in line.items if i.kind == CELL]
        values = 0
        for item in reversed(cells):
            if not (C.number_like(item.text) or C.blank_like(item.text)):
                break
            values += 1
        extra = cells[len(cells) - values:len(cells) - n] if values > n else []
        if any(C.number_like(i.text) for i in extra):  # more numbers than columns: which is which is not known
            why = f"本行印了 {values} 个数字格，应为 {n} 个（多出的列无法对应）"
            for key in entry.keys:
                out.states[key] = {"state": C.UNREADABLE, "printed": "", "note": why}
                out.provenance[key] = line.source
            _unreadable_finding(fmt, entry.keys[0], f"“{entry.node.label}”一行：{why}", out)
            return
        tail = cells[-n:]
        if len(cells) <= n and cells and not C.blank_like(cells[0].text) and not C.number_like(cells[0].text):
            tail = cells[1:]  # the row's label and fewer value cells than columns
        offset = n - len(tail)
        for i, item in enumerate(tail):
            texts[offset + i] = (item.text, item.source)
        if offset:
            why = f"本行只印了 {len(tail)} 个数字格，应为 {n} 个"
    else:
        words = [i for i in line.items if i.kind == WORD and C.number_like(i.text)]
        if len(words) == n:
            texts = [(w.text, w.source) for w in words]
        else:
            ref = centres.get((entry.block, n))
            if ref is None or len(words) > n:
                why = f"本行印了 {len(words)} 个数字，应为 {n} 个，无法按位置对应到各列"
            else:
                texts = [("", line.source)] * n
                free = list(range(n))
                for w in words:
                    col = min(free, key=lambda c: abs(ref[c] - w.centre))
                    free.remove(col)
                    texts[col] = (w.text, w.source)
    if entry.leaves:
        _read_group(fmt, entry, texts, why, line, out)
        return
    if all(t is None for t in texts):  # the whole row: one finding, not one per cell
        for key in entry.keys:
            out.states[key] = {"state": C.UNREADABLE, "printed": run.text.strip() if run else "", "note": why}
            out.provenance[key] = run.source if run else line.source
        _unreadable_finding(fmt, entry.keys[0], f"“{entry.node.label}”一行 {n} 个单元格：{why}", out)
        return
    for i, key in enumerate(entry.keys):
        _store(fmt, key, texts[i], rebuilt[i], why, out)


def _store(fmt: Format, key: str, printed: tuple[str, str] | None, rebuilt: bool, why: str, out: Mapped) -> None:
    cell = fmt.cells[key]
    if printed is None:
        out.states[key] = {"state": C.UNREADABLE, "printed": "", "note": why or "未读到"}
        _unreadable_finding(fmt, key, why or "未读到", out)
        return
    text, source = printed
    out.provenance[key] = source
    read = C.read_cell(text, cell.kind, cell.unit)
    if read.state == C.NUMBER:
        out.tables[key] = read.value
        if rebuilt:
            out.states[key] = {"state": C.RECONSTRUCTED, "printed": text}
        if read.unit:
            out.states[key] = {**out.states.get(key, {"state": C.NUMBER}), "printed": text, "unit": read.unit}
            pos = layout(fmt).cells[key]
            out.findings.append(Finding(rule="IMPORT_UNIT", severity="warning", sheet=pos.sheet, cell=pos.ref,
                                        key=key, row_label=cell.row_label, column_label=cell.column_label,
                                        message=f"金额印为“{text}”，单位是{read.unit}，而格式规定为{cell.unit}；"
                                                f"按印出的数字 {read.value} 原样读取，未换算。"))
    elif read.state == C.BLANK:
        out.states[key] = {"state": C.BLANK, "printed": text}
    else:
        out.states[key] = {"state": C.UNREADABLE, "printed": text, "note": read.why or ""}
        _unreadable_finding(fmt, key, read.why or "", out)


def _unreadable_finding(fmt: Format, key: str, why: str, out: Mapped) -> None:
    cell = fmt.cells[key]
    pos = layout(fmt).cells[key]
    out.findings.append(Finding(rule="IMPORT_UNREADABLE", severity="warning", sheet=pos.sheet, cell=pos.ref, key=key,
                                row_label=cell.row_label, column_label=cell.column_label,
                                message=f"无法读取：{why}。" if why else "无法读取。"))


def _read_group(fmt: Format, entry: Expected, texts: list, why: str, line: Line, out: Mapped) -> None:
    """One printed line for a group of rows: all 0 maps exactly; anything else cannot be split."""
    reads = [C.read_cell(t[0], "count", "件") if t else None for t in texts]
    zero = all(r is not None and r.state == C.NUMBER and r.value == 0 for r in reads)
    table = entry.table
    children = [".".join(p for p in (table.key, leaf.key) if p) for leaf in entry.leaves]
    cols = [k.rsplit(".", 1)[-1] for k in entry.keys]
    for child in children:
        for ci, col in enumerate(cols):
            key = f"{child}.{col}"
            if zero:
                out.tables[key] = 0
                out.provenance[key] = texts[ci][1]
            else:
                out.states[key] = {"state": C.UNREADABLE, "printed": texts[ci][0] if texts[ci] else "",
                                   "note": f"印为一行“{entry.node.label}”，无法拆分到各子项"}
    pos = layout(fmt).cells[f"{children[0]}.{cols[0]}"]
    if zero:
        msg = (f"“{entry.node.label}”只印了一行（{line.source}），各列均为 0，"
               f"按其下 {len(children)} 个子项各为 0 读取。")
        sev = "info"
    else:
        msg = (f"“{entry.node.label}”只印了一行（{line.source}），数字不全为 0，无法拆分到其下 {len(children)} 个子项，"
               "这些单元格标为无法读取。" + (f"（{why}）" if why else ""))
        sev = "warning"
    out.findings.append(Finding(rule="IMPORT_GROUP_ROW", severity=sev, sheet=pos.sheet, cell=pos.ref,
                                key=f"{children[0]}.{cols[0]}", row_label=entry.node.label, message=msg))
