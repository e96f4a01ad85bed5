"""Locate: where each section and each statutory table lies among a document's lines.

A table is found by its content — lines that print its own labels (block titles, column
headers, row labels that no other table prints) — with its section heading as one clue: a
heading found (in order, numbered or not, typo'd or reworded: scored against the spec's
title and the variants of formats.md §3) starts the region; without one, the first line
printing the table's labels does. A sentence is never a label. A region runs to the next
heading or table found. The narrative sections (一、五、六) are found by their headings.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache

from nianbao.format.spec import Format, Node, Table, all_formats

from .cells import fold, label_key, number_like, sentence_why
from .model import RUN, WORD, Line

# Heading variants seen in published reports (formats.md §3), by section number.
HEADING_ALIASES = {
    "四": ("因政府信息公开工作被申请行政复议和提起行政诉讼情况", "因政府信息公开工作被申请行政复议提起行政诉讼情况",
          "因政府信息公开申请行政复议、提起行政诉讼的情况", "政府信息公开行政复议、行政诉讼情况"),
    "五": ("政府信息公开工作存在的主要问题及改进情况", "存在的主要问题及整改措施", "存在的主要问题及改进措施"),
}
_NUMERALS = "一二三四五六七八九十"
HEADING_SCORE = 0.75  # share of a title's characters a heading must print (in order)
_LIST_GOES_ON = re.compile(r"[；;，,、]\s*[一二三四五六七八九十]+、")


def coverage(label: str, text: str) -> float:
    """Share of label's characters found, in order, in text (both label keys)."""
    if not label:
        return 0.0
    if label in text:
        return 1.0
    sm = difflib.SequenceMatcher(None, label, text, autojunk=False)
    return sum(b.size for b in sm.get_matching_blocks()) / len(label)


def _headings_of(fmt: Format) -> list[tuple[str, str, list[str]]]:
    """(section key, number, title variants) in order."""
    return [(s.key, s.number, [s.title, *HEADING_ALIASES.get(s.number, ())]) for s in fmt.sections]


def _value_items(line: Line) -> int:
    return sum(1 for i in line.items if i.kind == RUN or (i.kind == WORD and number_like(i.text)))


def _strip_number(key: str) -> tuple[str, str]:
    """(“二”, rest) for “二、主动公开…”, “（二）…”, “二.…”; ("", key) when not numbered."""
    k = key
    if k[:1] in "(（" and len(k) > 2 and k[1] in _NUMERALS and k[2:3] in ")）":
        return k[1], k[3:]
    if k[:1] in _NUMERALS:
        n = 1
        while n < len(k) and k[n] in _NUMERALS:
            n += 1
        if k[n:n + 1] in ("、", ".", "．", "，", ","):
            return k[:n], k[n + 1:]
    return "", k


def heading_score(line: Line, number: str, titles: list[str]) -> float:
    """How well a line reads as this section's heading: 0 when it cannot be one."""
    if line.row and sum(1 for i in line.items if i.text.strip()) > 1:
        return 0.0
    if _value_items(line):
        return 0.0
    key = label_key(line.text)
    if not key or len(key) > 60 or "。" in key:
        return 0.0
    printed_number, rest = _strip_number(key)
    best = 0.0
    for title in titles:
        tk = label_key(title)
        if rest.startswith(tk):
            score = 0.0 if _LIST_GOES_ON.match(rest[len(tk):]) else 1.0  # “一、总体情况；二、主动…”: a list
        elif len(rest) <= len(tk) + 12:
            score = coverage(tk, rest[: len(tk) + 4])
            if score >= HEADING_SCORE and coverage(rest[: len(tk) + 4], tk) < 0.6:
                score = 0.0  # much more printed than the title: a sentence or a row label
        else:
            score = 0.0
        best = max(best, score)
    if best < HEADING_SCORE:
        return 0.0
    if not printed_number:
        return best - 0.05 if best == 1.0 else 0.0  # unnumbered: only the title itself
    return best if printed_number == number else best - 0.1


@dataclass
class Located:
    """Line index ranges: sections[key] = (heading line, end line exclusive); tables[key] = (first, end)."""

    sections: dict[str, tuple[int, int]]
    tables: dict[str, tuple[int, int]] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)  # section or table key → how it was found (debug)

    def lines(self, key: str) -> range:
        if key not in self.sections:
            return range(0)
        start, end = self.sections[key]
        return range(start + 1, end)

    def table_lines(self, key: str) -> range:
        if key not in self.tables:
            return range(0)
        return range(*self.tables[key])


def locate(lines: list[Line], fmt: Format) -> Located:
    heads = _headings_of(fmt)
    found: dict[str, int] = {}
    i = 0
    for n, (key, number, titles) in enumerate(heads):
        best: tuple[float, int] | None = None
        for j in range(i, len(lines)):
            score = heading_score(lines[j], number, titles)
            if score and not _in_a_list(lines, j, heads[n + 1:]):
                # the first heading-like line wins unless a clearly better one follows soon after
                if best is None or score > best[0] + 0.05:
                    best = (score, j)
                if score >= 0.95:
                    break
        if best is not None:
            found[key] = best[1]
            i = best[1] + 1
    located = Located({})
    starts: list[tuple[int, str]] = [(j, key) for key, j in found.items()]
    # Tables by their content, in order, each after the one before.
    after = -1
    table_start: dict[str, int] = {}
    for section in fmt.sections:
        if not section.table:
            if section.key in found:
                after = max(after, found[section.key])
            continue
        table = fmt.table(section.table)
        own = _table_labels(fmt.id)[table.key]
        head = found.get(section.key)
        if head is not None:
            table_start[table.key] = head + 1
            located.how[table.key] = "按标题"
            after = head
            continue
        anchor = next((j for j in range(after + 1, len(lines)) if _hits(lines[j], own)), None)
        if anchor is not None:
            table_start[table.key] = anchor
            located.how[table.key] = "按表格内容（没有找到本表标题）"
            starts.append((anchor, f"table:{table.key}"))
            after = anchor
    starts.sort()
    for n, (start, key) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        if not key.startswith("table:"):
            located.sections[key] = (start, end)
    for table_key, start in table_start.items():
        end = next((s for s, k in starts if s >= start and k != f"table:{table_key}"), len(lines))
        located.tables[table_key] = (start, end)
    return located


def _hits(line: Line, own: frozenset[str]) -> bool:
    """The line prints one of a table's own labels, and is not a sentence."""
    for item in line.items:
        key = label_key(item.text)
        if key in own:
            return True
    words = " ".join(i.text for i in line.items if not number_like(i.text))
    key = label_key(words)
    if len(key) > 80 or sentence_why(words):
        return False
    return any(label in key and 2 * len(label) >= len(key) for label in own if len(label) >= 4)


@cache
def _table_labels(format_id: str) -> dict[str, frozenset[str]]:
    """Per table: the label keys it prints that no other table of the format prints."""
    fmt = all_formats()[format_id]
    per: dict[str, set[str]] = {}
    for table in fmt.tables:
        labels = set()
        for block in table.blocks:
            for text in (block.title, block.corner):
                if text:
                    labels.add(label_key(text))
            for node in (*_walk(block.columns), *_walk(block.rows)):
                if node.label:
                    labels.add(label_key(node.label))
        per[table.key] = labels
    out = {}
    for key, labels in per.items():
        others = set().union(*(v for k, v in per.items() if k != key))
        out[key] = frozenset(lab for lab in labels - others if len(lab) >= 2)
    return out


def heading_like(line: Line) -> bool:
    """A line any format's section heading could be (“三、行政机关收到和处理…” reads as a sentence too)."""
    return any(heading_score(line, number, titles) > 0
               for fmt in all_formats().values() for _, number, titles in _headings_of(fmt))


def table_labels(fmt: Format, table: Table) -> frozenset[str]:
    return _table_labels(fmt.id)[table.key]


def _in_a_list(lines: list[Line], j: int, later: list) -> bool:
    """A heading named in a sentence listing the parts (“全文包括…一、总体情况；二、主动公开…”): the next
    line with any words in it is already the following heading."""
    if not later:
        return False
    for line in lines[j + 1: j + 4]:
        if len(label_key(line.text).strip("；;，,。、.")) < 2:
            continue
        _, number, titles = later[0]
        return heading_score(line, number, titles) > 0
    return False


# ------------------------------------------------------------- labels for the text reader


def _walk(nodes: tuple[Node, ...]):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _folded(label: str) -> str:
    t = fold(label)
    return "".join("." if ch == "、" and i and t[i - 1].isdigit() else ch for i, ch in enumerate(t))


@cache
def _labels() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(every printed label, headings, row labels), folded, over every format."""
    every: set[str] = set()
    heads: set[str] = set()
    rows: set[str] = set()
    for fmt in all_formats().values():
        for _, number, titles in _headings_of(fmt):
            heads.update(_folded(f"{number}、{t}") for t in titles)
        for table in fmt.tables:
            for block in table.blocks:
                for text in (block.title, block.corner):
                    if text:
                        every.add(_folded(text))
                for node in _walk(block.columns):
                    if node.label:
                        every.add(_folded(node.label))
                for node in _walk(block.rows):
                    if node.label:
                        rows.add(_folded(node.label))
    every |= heads | rows
    every.add(_folded("信息内容"))
    return frozenset(every), frozenset(heads), frozenset(rows)


@cache
def known_label_index() -> dict[str, tuple[str, ...]]:
    """First character → labels starting with it, longest first."""
    index: dict[str, list[str]] = {}
    for label in _labels()[0]:
        index.setdefault(label[0], []).append(label)
    return {ch: tuple(sorted(ls, key=len, reverse=True)) for ch, ls in index.items()}


def heading_index() -> frozenset[str]:
    return _labels()[1]


def row_label_set() -> frozenset[str]:
    return _labels()[2]


@cache
def known_label_keys() -> frozenset[str]:
    """The label key of every label any format prints (headings, titles, row and column labels)."""
    return frozenset(label_key(x) for x in _labels()[0])


@cache
def row_label_keys() -> frozenset[str]:
    """The label key of every statutory row label of any format."""
    return frozenset(label_key(x) for x in _labels()[2])
