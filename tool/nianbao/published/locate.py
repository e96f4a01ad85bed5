"""Locate: where each section and each statutory table lies among a document's lines.

Headings are found by the spec's own section titles (and the variants real reports print,
formats.md §3), in order, each after the one before; a table region runs from its heading
to the next heading found.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache

from nianbao.format.spec import Format, Node, all_formats

from .cells import fold, label_key, number_like
from .model import RUN, WORD, Line

# Heading variants seen in published reports (formats.md §3), by section number.
HEADING_ALIASES = {
    "四": ("因政府信息公开工作被申请行政复议和提起行政诉讼情况", "因政府信息公开工作被申请行政复议提起行政诉讼情况",
          "因政府信息公开申请行政复议、提起行政诉讼的情况", "政府信息公开行政复议、行政诉讼情况"),
    "五": ("政府信息公开工作存在的主要问题及改进情况", "存在的主要问题及整改措施", "存在的主要问题及改进措施"),
}


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


def heading_of(line: Line, number: str, titles: list[str]) -> bool:
    if line.row and len(line.items) > 1:
        return False
    if _value_items(line):
        return False
    key = label_key(line.text)
    prefix = label_key(number + "、")
    if not key.startswith(prefix) and not key.startswith(label_key(number + ".")):
        # printed without its number (“主动公开政府信息情况” as a heading of its own)
        return any(key == label_key(t) for t in titles)
    rest = key[len(prefix):]
    for title in titles:
        tk = label_key(title)
        if rest.startswith(tk):
            return True
        if len(rest) <= len(tk) + 12 and coverage(tk, rest[: len(tk) + 4]) >= 0.75:
            return True
    return False


@dataclass
class Located:
    """Line index ranges: sections[key] = (heading line, end line exclusive)."""

    sections: dict[str, tuple[int, int]]

    def lines(self, key: str) -> range:
        if key not in self.sections:
            return range(0)
        start, end = self.sections[key]
        return range(start + 1, end)


def locate(lines: list[Line], fmt: Format) -> Located:
    found: list[tuple[str, int]] = []
    i = 0
    heads = _headings_of(fmt)
    for n, (key, number, titles) in enumerate(heads):
        for j in range(i, len(lines)):
            if heading_of(lines[j], number, titles) and not _in_a_list(lines, j, heads[n + 1:]):
                found.append((key, j))
                i = j + 1
                break
    sections = {}
    for n, (key, start) in enumerate(found):
        end = found[n + 1][1] if n + 1 < len(found) else len(lines)
        sections[key] = (start, end)
    return Located(sections)


def _in_a_list(lines: list[Line], j: int, later: list) -> bool:
    """A heading named in a sentence listing the parts (“全文包括…一、总体情况；二、主动公开…”): the next
    line with any words in it is already the following heading."""
    if not later:
        return False
    for line in lines[j + 1: j + 4]:
        if len(label_key(line.text).strip("；;，,。、.")) < 2:
            continue
        _, number, titles = later[0]
        return heading_of(line, number, titles)
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
