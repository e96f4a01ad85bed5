"""Values: the figures of a line aligned to a row → cell states, provenance and findings.

Table cells (HTML, Word, pipe text) by position from the right; PDF words by count, else by
the x-centres of the block's full lines; run-together digits (text dumps) become a Pending
row that `resolve` decides with every constraint of the report (solve.py). An amount printed
in 元 where the format says 万元 is converted exactly, keeping what was printed.
"""

from __future__ import annotations

import difflib
import itertools
import math
from decimal import Decimal

import nianbao.published.cells as C
from nianbao.findings import Finding
from nianbao.format.layout import layout
from nianbao.format.spec import Format, Table

from .model import CELL, RUN, WORD, Line
from .settings import ImportSettings
from .solve import Constraint, Pending, decide
from .split import candidates

__all__ = ["Pending", "column_centres", "header_units", "label_variant", "read_row", "resolve"]


def column_centres(lines: list[Line], assigned: dict) -> dict[tuple[int, int], list[float]]:
    """PDF: the x centre of each column, from the lines that print every cell (per block and width)."""
    seen: dict[tuple[int, int], list[list[float]]] = {}
    for li, (_, entry) in assigned.items():
        words = [i for i in lines[li].items if i.kind == WORD and C.number_like(i.text)]
        if len(words) == len(entry.keys):
            seen.setdefault((entry.block, len(entry.keys)), []).append([w.centre for w in words])
    return {k: [sum(col) / len(col) for col in zip(*v, strict=True)] for k, v in seen.items()}


def _row_texts(entry, line: Line, centres: dict, padded: bool = False):
    """(texts per column: (text, source, marks) or None, why) for a line that is not run-together digits;
    for a table row printing fewer value cells than columns: (None, why, the printed value cells)."""
    n = len(entry.keys)
    texts: list[tuple[str, str, tuple] | None] = [None] * n
    if line.row:
        cells = [i for i in line.items if i.kind == CELL]
        if not line.source.startswith("表格"):  # a pipe row of text: empty cells past the row's end are the
            while (len(cells) > n + 1 or padded) and cells and not cells[-1].text.strip():  # converter's
                cells.pop()  # (the header's width, or the padding its other rows show), not cells of it
        values = 0
        for item in reversed(cells):
            if not (C.number_like(item.text) or C.blank_like(item.text) or item.marks):
                break
            values += 1
        extra = cells[len(cells) - values:len(cells) - n] if values > n else []
        if any(C.number_like(i.text) for i in extra):  # more numbers than columns: which is which is not known
            return None, f"本行印了 {values} 个数字格，应为 {n} 个（多出的列无法对应）", []
        tail = cells[-n:]
        if len(cells) <= n and cells and not C.blank_like(cells[0].text) and not C.number_like(cells[0].text):
            tail = cells[1:]  # the row's label and fewer value cells than columns
        if len(tail) < n:  # which columns the printed cells are is not known: never shifted into place
            return None, f"本行只印了 {len(tail)} 个数字格，应为 {n} 个，无法确定各是哪一列", tail
        for i, item in enumerate(tail):
            texts[i] = (item.text, item.source, item.marks)
        return texts, "", []
    words = [i for i in line.items if i.kind == WORD and C.number_like(i.text)]
    if len(words) == n:
        return [(w.text, w.source, ()) for w in words], "", []
    ref = centres.get((entry.block, n))
    if ref is None or len(words) > n:
        return None, f"本行印了 {len(words)} 个数字，应为 {n} 个，无法按位置对应到各列", []
    texts = [("", line.source, ())] * n
    free = list(range(n))
    half = min((b - a for a, b in zip(ref, ref[1:], strict=False)), default=1e9) / 2
    for w in words:
        col = min(free, key=lambda c: abs(ref[c] - w.centre))
        if abs(ref[col] - w.centre) > half or sum(1 for c in ref if w.x0 - 1 <= c <= w.x1 + 1) > 1:
            return None, f"“{w.text}”的位置对不上任何一列（或跨了两列）", []
        free.remove(col)
        texts[col] = (w.text, w.source, ())
    return texts, "", []


MAX_PLACEMENTS = 5000  # a short row: ways to place its printed cells among the columns, at most


def _placements(entry, printed: list) -> list[tuple[list[str | None], list[bool]]]:
    """Every way to put the printed value cells, in order, into the row's columns (the others not printed)."""
    n, k = len(entry.keys), len(printed)
    if not k or math.comb(n, k) > MAX_PLACEMENTS or any(i.marks for i in printed):
        return []
    out = []
    for cols in itertools.combinations(range(n), k):
        texts: list[str | None] = [None] * n
        for col, item in zip(cols, printed, strict=True):
            texts[col] = item.text
        out.append((texts, [False] * n))
    return out


def read_row(fmt: Format, entry, line: Line, centres: dict, settings: ImportSettings, out,
             padded: bool = False) -> None:
    n = len(entry.keys)
    run = next((i for i in line.items if i.kind == RUN), None)
    if run is not None and line.cut == "run":
        _row_unreadable(fmt, entry, line.source, run.text.strip(), "本行的数字之后紧接着印有其他文字和数字，"
                        "本行的数字可能不全，无法确定各格", out)
        return
    if run is not None:
        money = {i for i, k in enumerate(entry.kinds) if k == "money"}
        signed = {i for i, k in enumerate(entry.kinds) if k == "signed"}
        options, why = candidates(run.text, n, limit=settings.max_splits, money=money, signed=signed)
        if entry.leaves:
            texts = [(t, run.source, ()) for t in options[0][0]] if len(options) == 1 else [None] * n
            _read_group(fmt, entry, texts, why or "连写的数字无法唯一拆分", line, out)
            return
        printed = run.text.strip().replace("\n", " ")  # one cell per line: shown as one line
        out.pending.append(Pending(entry.keys, options, printed, run.source, entry.node.label, why))
        return
    if line.cut and line.row and not entry.leaves:
        _cut_row(fmt, entry, line, out)
        return
    texts, why, short = _row_texts(entry, line, centres, padded)
    if texts is None and short and not entry.leaves and all(C.number_like(i.text) or C.blank_like(i.text)
                                                            for i in short):
        # fewer cells than columns: which column each is in may follow from the identities (solve.py)
        printed = " | ".join(i.text for i in short)
        out.pending.append(Pending(entry.keys, _placements(entry, short), printed, short[0].source,
                                   entry.node.label, why, short=True))
        return
    if texts is None:
        _row_unreadable(fmt, entry, line.source, "", why, out)
        return
    if entry.leaves:
        _read_group(fmt, entry, texts, why, line, out)
        return
    if all(t is None for t in texts):
        _row_unreadable(fmt, entry, line.source, "", why, out)
        return
    for i, key in enumerate(entry.keys):
        store(fmt, key, texts[i], why, out)


def _cut_row(fmt: Format, entry, line: Line, out) -> None:
    """A row the copy ends inside: its printed cells are the row's first ones; the last may go on past the
    end of the copy (unless its closing pipe is printed), and the cells after it are not in the copy."""
    cells = [i for i in line.items if i.kind == CELL]
    while cells and not (C.number_like(cells[0].text) or C.blank_like(cells[0].text)):
        cells = cells[1:]  # the label
    printed = cells[: len(entry.keys)]
    if line.cut == "open" and printed and len(printed) == len(cells):
        printed = printed[:-1]
    for ci, key in enumerate(entry.keys):
        if ci < len(printed):
            store(fmt, key, (printed[ci].text, printed[ci].source, printed[ci].marks), "", out)
        else:
            why = "存档在这一行中间截断：这一格" + ("可能不完整" if ci < len(cells) else "不在存档中")
            out.states[key] = {"state": C.UNREADABLE, "printed": cells[ci].text if ci < len(cells) else "",
                               "note": why}
            out.provenance[key] = line.source
    if len(printed) < len(entry.keys):
        _unreadable_finding(fmt, entry.keys[len(printed)], f"“{entry.node.label}”一行："
                            f"存档在这一行中间截断，只读到前 {len(printed)} 格", out)


def _row_unreadable(fmt: Format, entry, source: str, printed: str, why: str, out) -> None:
    """The whole row: one finding, not one per cell."""
    for key in entry.keys:
        out.states[key] = {"state": C.UNREADABLE, "printed": printed[:200], "note": why}
        out.provenance[key] = source
    label = entry.node.label or "数据行"
    _unreadable_finding(fmt, entry.keys[0], f"“{label}”一行 {len(entry.keys)} 个单元格：{why}", out)


def store(fmt: Format, key: str, printed: tuple | None, why: str, out, note: str = "") -> None:
    """One cell's printed text → its state; `note` (a reconstruction) marks it reconstructed."""
    cell = fmt.cells[key]
    if printed is None:
        out.states[key] = {"state": C.UNREADABLE, "printed": "", "note": why or "未读到"}
        _unreadable_finding(fmt, key, why or "未读到", out)
        return
    text, source, marks = printed
    out.provenance[key] = source
    read = C.read_cell(text, cell.kind, cell.unit, marks)
    if read.state == C.NUMBER:
        out.tables[key] = read.value
        if note:
            out.states[key] = {"state": C.RECONSTRUCTED, "printed": text, "note": note}
        if read.unit:
            _unit(fmt, key, text, read, out)
    elif read.state == C.BLANK:
        out.states[key] = {"state": C.BLANK, "printed": text}
    else:
        out.states[key] = {"state": C.UNREADABLE, "printed": text, "note": read.why or ""}
        _unreadable_finding(fmt, key, read.why or "", out)


def _unit(fmt: Format, key: str, text: str, read: C.Read, out) -> None:
    cell = fmt.cells[key]
    pos = layout(fmt).cells[key]
    state = out.states.get(key, {"state": C.NUMBER})
    if read.converted:
        out.states[key] = {**state, "printed": text, "unit": read.unit,
                           "note": f"印为“{text}”，单位为元，已按 1 万元 = 10000 元换算为万元"}
        msg = (f"金额印为“{text}”，单位是元，而格式规定为万元；已换算为 {C.fold(str(read.value))} 万元"
               f"（原文保留在单元格状态中）。")
    else:
        out.states[key] = {**state, "printed": text, "unit": read.unit}
        msg = f"金额印为“{text}”，单位是{read.unit}，而格式规定为{cell.unit}；按印出的数字 {read.value} 原样读取。"
    out.findings.append(Finding(rule="IMPORT_UNIT", severity="warning", sheet=pos.sheet, cell=pos.ref, key=key,
                                row_label=cell.row_label, column_label=cell.column_label, message=msg))


def _unreadable_finding(fmt: Format, key: str, why: str, out, severity: str = "warning") -> None:
    cell = fmt.cells[key]
    pos = layout(fmt).cells[key]
    out.findings.append(Finding(rule="IMPORT_UNREADABLE", severity=severity, sheet=pos.sheet, cell=pos.ref, key=key,
                                row_label=cell.row_label, column_label=cell.column_label,
                                message=f"无法读取：{why}。" if why else "无法读取。"))


def _read_group(fmt: Format, entry, texts: list, why: str, line: Line, out) -> None:
    """One printed line for a group of rows: all 0 maps exactly; anything else cannot be split."""
    reads = [C.read_cell(t[0], "count", "件", t[2]) if t else None for t in texts]
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


def header_units(fmt: Format, table: Table, lines: list[Line], out) -> None:
    """A money column whose header prints 元 where the format prints 万元 (“本年收费金额（单位：元）”): converted."""
    text = C.label_key(" ".join(ln.text for ln in lines))
    for key, cell in fmt.cells.items():
        if cell.table != table.key or cell.kind != "money" or "万元" not in cell.column_label:
            continue
        printed = C.label_key(cell.column_label.replace("万元", "元"))
        if printed not in text or key not in out.tables or out.states.get(key, {}).get("unit"):
            continue
        value = out.tables[key]
        out.tables[key] = C.yuan_to_wan(value)
        header = cell.column_label.replace("万元", "元")
        out.states[key] = {**out.states.get(key, {"state": C.NUMBER}), "printed": C.fold(str(value)), "unit": "元",
                           "note": f"表头印为“{header}”，已按 1 万元 = 10000 元换算为万元"}
        pos = layout(fmt).cells[key]
        out.findings.append(Finding(rule="IMPORT_UNIT", severity="warning", sheet=pos.sheet, cell=pos.ref, key=key,
                                    row_label=cell.row_label, column_label=cell.column_label,
                                    message=f"表头印为“{header}”，单位是元，而格式规定为万元；印出的 {value} 元"
                                            f"已换算为 {out.tables[key]} 万元。"))


def label_variant(fmt: Format, entry, line: Line, own: str, context: str, out) -> None:
    official = C.fold(entry.node.label).replace(" ", "")
    printed_text = C.fold(context).replace(" ", "")
    if official in printed_text:
        return
    if not line.row and _subsequence(official, printed_text):
        return  # PDF: a group label's characters printed between the lines of a wrapped label
    if line.row and own.strip():
        printed = own.split(" ")[-1] if " " in own else own
    else:  # PDF and text: the stretch of the printed text that lines up with the official label
        ctx = printed_text
        blocks = [b for b in difflib.SequenceMatcher(None, official, ctx, autojunk=False).get_matching_blocks()
                  if b.size]
        printed = ctx[blocks[0].b: blocks[-1].b + blocks[-1].size] if blocks else ctx
    printed = printed[: max(40, 2 * len(official))]
    if not printed:
        return
    pos = layout(fmt).cells[entry.keys[0]]
    out.findings.append(Finding(rule="IMPORT_LABEL_VARIANT", severity="info", sheet=pos.sheet, cell=pos.ref,
                                key=entry.keys[0], row_label=entry.node.label,
                                message=f"行标签印为“{printed}”（{line.source}），与标准格式“{entry.node.label}”"
                                        "不同，已按标准格式的这一行读取。"))


def _subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(ch in it for ch in needle)


def resolve(fmt: Format, out, constraints: list[Constraint]) -> None:
    """Decide every run-together row with the report's constraints (solve.py) and store its cells."""
    if not out.pending:
        return
    pending_keys = {k for p in out.pending for k in p.keys}
    known: dict[str, Decimal | None] = {}
    for key in fmt.cells:
        if key in pending_keys:
            continue
        if key in out.tables:
            v = out.tables[key]
            known[key] = Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
        elif out.states.get(key, {}).get("state") == C.BLANK:
            known[key] = Decimal(0)
        else:
            known[key] = None
    decisions = decide(out.pending, constraints, known)
    for p, d in zip(out.pending, decisions, strict=True):
        _store_decision(fmt, p, d, constraints, out)


def _what(p: Pending) -> str:
    """The row as the messages name it: run-together digits, or a row printed with fewer cells than columns."""
    if p.short:
        return f"只印了 {len(p.printed.split(' | '))} 个数字格的一行（印为“{p.printed[:40]}”）"
    return f"连写的数字（印为“{p.printed[:40]}”）"


def _store_decision(fmt: Format, p: Pending, d, constraints: list[Constraint], out) -> None:
    what = _what(p)
    conflict = "不满足" in (d.why or "")
    if conflict:
        pos = layout(fmt).cells[p.keys[0]]
        out.findings.append(Finding(rule="IMPORT_SPLIT_CONFLICT", severity="error", sheet=pos.sheet, cell=pos.ref,
                                    key=p.keys[0], row_label=p.label,
                                    message=f"“{p.label}”一行的{what}：{d.why}。印出的数字至少有一处错误。"))
    if not d.cells:
        why = d.why or p.why or "连写的数字无法拆分"
        for key in p.keys:
            out.states[key] = {"state": C.UNREADABLE, "printed": p.printed[:200], "note": why}
            out.provenance[key] = p.source
        if not conflict:
            _unreadable_finding(fmt, p.keys[0], f"“{p.label}”一行 {len(p.keys)} 个单元格：{why}（{what}）", out)
        return
    touching = [c for c in constraints if c.name in d.decided_by and any(k in p.keys for _, k in c.terms)]
    basis = "、".join(dict.fromkeys(c.name.split("（")[0] if c.tier == 1 else c.name for c in touching))
    undecided = []
    for ci, key in enumerate(p.keys):
        texts = d.cells.get(key, set())
        if texts == {None}:
            note = f"{what}，这一格没有印出"
            out.states[key] = {"state": C.UNREADABLE, "printed": "", "note": note}
            out.provenance[key] = p.source
            _unreadable_finding(fmt, key, note, out)
        elif len(texts) == 1:
            (text,) = texts
            how = f"，依据{basis}" if basis else "，只有一种拆法"
            if p.short:
                note = f"{what}，这一格所在的列{how.lstrip('，')}确定"
            else:
                note = "" if _alone(p, ci) else f"由{what}拆分{how}"
            store(fmt, key, (text, p.source, ()), "", out, note)
        else:
            undecided.append((key, sorted(("未印" if t is None else t for t in texts), key=lambda t: (len(t), t))))
    if undecided:
        if d.why:
            why = d.why
        else:
            shown = "；".join(f"{fmt.cells[k].column_label} 可能为 {'/'.join(ts[:4])}" for k, ts in undecided)
            why = f"{what}有多种{'放法' if p.short else '拆法'}都符合本表的勾稽关系（{shown}）"
        for key, _ in undecided:
            out.states[key] = {"state": C.UNREADABLE, "printed": p.printed[:200], "note": why}
            out.provenance[key] = p.source
        if not conflict:
            _unreadable_finding(fmt, undecided[0][0], f"“{p.label}”一行：{why}", out)
    if d.broken:
        pos = layout(fmt).cells[p.keys[0]]
        if not d.alternatives:
            msg = (f"“{p.label}”一行的{what}按其余勾稽关系拆分；"
                   f"印出的数字不满足{'、'.join(d.broken[:4])}（见核查结果），未作修正。")
            sev = "warning"
        else:
            msg = (f"“{p.label}”一行的{what}怎样拆分都不能满足本表全部勾稽关系："
                   f"或者{'，或者'.join(d.broken[:4])}不成立。印出的数字至少有一处错误。")
            sev = "error"
        out.findings.append(Finding(rule="IMPORT_SPLIT_CONFLICT", severity=sev, sheet=pos.sheet, cell=pos.ref,
                                    key=p.keys[0], row_label=p.label, message=msg))


def _alone(p: Pending, ci: int) -> bool:
    """The cell's text is a piece of its own in every candidate (printed between spaces)."""
    return all(not rec[ci] for _, rec in p.options)
