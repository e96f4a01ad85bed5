"""Running text among a table's lines: the figures a report states in words are never table rows.

A report may state its figures in sentences right before a table (“本年度作出行政许可决定 39 件、
行政处罚决定 33 件……”); a PDF wraps such a paragraph over lines that print a row label and a
figure (“行政处罚 2609”) with nothing on the line itself that marks a sentence. Two things
tell it apart from a table row, whatever the wrap:
- a table row prints its label, then its figures — nothing but figures follows the first one
  (a bare unit in the cell, “35.97 万元”, aside); in a sentence words follow a figure;
- a figure of a sentence is followed by its unit and the sentence goes on (“39 件、”, “69.03 万元。”),
  on the line or at the start of the next one when the line breaks after the figure.
Text dumps and markdown do this in the text reader (a figure followed by a 量词 is sentence
text); HTML and Word paragraphs are not table rows at all.
"""

from __future__ import annotations

import re

from .cells import blank_like, fold, number_like
from .model import WORD, Line

# a unit word as it follows a stated figure: alone in the cell, or going on with the sentence
UNITS = ("万元", "元", "件", "项", "个", "条", "次", "人", "家", "篇", "份", "起", "批次")
_CELL_UNITS = frozenset(("万元", "元", "件", "项", "个"))  # a unit printed alone beside a figure in a cell
_GOES_ON = re.compile(r"^(?:万元|元|件|项|个|条|次|人|家|篇|份|起|批次)[，。；、,;：:）)]")
_ENDS = re.compile(r"^(?:万元|元|件)$")


def running_why(lines: list[Line], index: int) -> str | None:
    """Why a PDF line with figures is running text (a sentence) and not a table row; None when it may be a row."""
    line = lines[index]
    if line.row:
        return None
    words = [i for i in line.items if i.kind == WORD]
    if not words:
        return None
    seen_figure = False
    for n, word in enumerate(words):
        text = fold(word.text).strip()
        if number_like(text):
            seen_figure = True
            nxt = fold(words[n + 1].text).strip() if n + 1 < len(words) else _next_start(lines, index)
            if nxt and _GOES_ON.match(nxt):
                return f"数字“{word.text}”后接“{nxt[:6]}”，是句子中的数字"
            continue
        if seen_figure and not blank_like(text) and text not in _CELL_UNITS:
            return f"数字之后又印有文字“{word.text[:10]}”，是句子而不是表格行"
    if seen_figure and number_like(fold(words[-1].text)):
        nxt = _next_start(lines, index)
        if nxt and _ENDS.match(nxt):
            return f"数字“{words[-1].text}”的单位“{nxt}”印在下一行，是句子中的数字"
    return None


def _next_start(lines: list[Line], index: int) -> str:
    """The first word of the next line when it is running text too (a PDF line, not a table row)."""
    if index + 1 >= len(lines):
        return ""
    nxt = lines[index + 1]
    if nxt.row or not nxt.items or nxt.items[0].kind != WORD:
        return ""
    return fold(nxt.items[0].text).strip()
