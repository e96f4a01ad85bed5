"""PDF words → lines as a reader sees them: words on one baseline, a figure wrapped inside its
cell, the lines of one paragraph.

- A line is the words whose vertical centres lie within the tolerance, read left to right.
- A figure printed over two lines of one table cell (“48454” filling its cell, “2” right under it)
  is one word “48454 2”: the cell reader makes it unreadable (two groups of digits), never the
  part on either line.
- A line continues the paragraph before it when that line runs to the text's right edge and
  this one starts at its left edge (a paragraph's first line is indented, its last line ends
  short), also across a page break: `Line.joined`, so a section's text comes back as written.
  Within a line, words are joined as the text was written: a space between two Western words,
  none beside Chinese text (autospace beside a figure, a justified line's letter spacing).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from .cells import number_like, page_number
from .model import WORD, Item, Line
from .settings import ImportSettings


@dataclass(frozen=True)
class Placed:
    """A line with where it lies on its page (pt)."""

    line: Line
    page: int
    top: float
    bottom: float

    @property
    def x0(self) -> float:
        return self.line.items[0].x0 or 0.0

    @property
    def x1(self) -> float:
        return self.line.items[-1].x1 or 0.0

    @property
    def height(self) -> float:
        return self.bottom - self.top


def page_lines(words: list, pno: int, settings: ImportSettings) -> list[Placed]:
    """One page's words (text, (x0, y0, x1, y1)) → its lines, without page numbers at the foot or head."""
    words = _stacked_figures(words)
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
        out.append(Placed(Line(items, where), pno, min(b[1] for _, b in group), max(b[3] for _, b in group)))
    # Page furniture: a page number printed alone at the foot (GB/T 9704 “— 3 —”) or the head of
    # a page is not text; inside a section it would be read as part of the narrative.
    while out and page_number(out[-1].line.text):
        out.pop()
    if out and page_number(out[0].line.text):
        out.pop(0)
    return out


def _stacked_figures(words: list) -> list:
    """A figure that fills its cell with the rest of it on the next line (one cell's text wrapped:
    “48454” above “2”) becomes one word of both texts, so the cell reads as two groups of digits.
    A cell is as wide as the distance to the next figure on the line; a figure fills it when one more
    digit would not fit. The lower line is a wrapped remainder only when its lines overlap the upper's
    (a paragraph's lines do; a ruled table's rows do not) and every figure on it lies under a figure
    that fills its cell: the next row of a table prints figures under cells that were not full."""
    figures = [w for w in words if number_like(w[0])]
    full = {id(w) for w in figures if _fills_its_cell(w, figures)}
    if not full:
        return words
    merged: dict[int, tuple] = {}
    gone: set[int] = set()
    for upper in sorted((w for w in figures if id(w) in full), key=lambda w: w[1][1]):
        if id(upper) in gone:
            continue
        text, (x0, y0, x1, y1) = upper
        current, bottom = upper, y1
        while (lower := _wrapped_under(current, figures, full, gone)) is not None:
            text, bottom = f"{text} {lower[0]}", lower[1][3]
            gone.add(id(lower))
            if id(lower) not in full:
                break
            current = lower  # the figure goes on over a third line
        if text != upper[0]:
            merged[id(upper)] = (text, _row_box(upper[1], bottom, figures, gone | {id(upper)}))
    return [merged.get(id(w), w) for w in words if id(w) not in gone]


def _row_box(box: tuple, bottom: float, figures: list, skip: set) -> tuple:
    """The box a wrapped figure is lined up by: the whole cell (its lines' middle, where the row's other
    figures stand when a table centres its cells vertically) or its first line (a table that sets its
    cells at the top) — whichever the row's other figures stand level with."""
    x0, y0, x1, y1 = box
    whole, first = (x0, y0, x1, bottom), box
    others = [(f[1][1] + f[1][3]) / 2 for f in figures if id(f) not in skip and not x0 <= (f[1][0] + f[1][2]) / 2 <= x1]
    for candidate in (whole, first):
        middle = (candidate[1] + candidate[3]) / 2
        if any(abs(m - middle) <= (y1 - y0) / 4 for m in others):
            return candidate
    return whole


def _wrapped_under(upper, figures, full, gone):
    """The figure on the next line of upper's cell: under it, its line overlapping upper's, and every
    figure on its line under a figure of upper's line that fills its cell."""
    x0, y0, x1, y1 = upper[1]
    for lower in figures:
        lx0, ly0, lx1, ly1 = lower[1]
        if lower is upper or id(lower) in gone or not (y0 < ly0 < y1) or not x0 <= (lx0 + lx1) / 2 <= x1:
            continue
        if all(_under_a_full_figure(f, upper, figures, full) for f in _same_line(lower, figures)):
            return lower
    return None


def _same_line(word, figures) -> list:
    """The figures printed on the word's baseline (a quarter of a line either way)."""
    middle, tolerance = (word[1][1] + word[1][3]) / 2, (word[1][3] - word[1][1]) / 4
    return [f for f in figures if abs((f[1][1] + f[1][3]) / 2 - middle) <= tolerance]


def _under_a_full_figure(word, upper, figures, full) -> bool:
    centre = (word[1][0] + word[1][2]) / 2
    return any(id(f) in full and f[1][0] <= centre <= f[1][2] for f in _same_line(upper, figures))


def _fills_its_cell(word, figures) -> bool:
    """One more digit would not fit: the cell is as wide as the distance to the nearest figure of another
    column on the row (its line, or the lines just above and below when the row's cells differ in height)."""
    text, (x0, y0, x1, y1) = word
    centre, middle, height = (x0 + x1) / 2, (y0 + y1) / 2, y1 - y0
    pitch = min((abs((f[1][0] + f[1][2]) / 2 - centre) for f in figures
                 if abs((f[1][1] + f[1][3]) / 2 - middle) <= 1.5 * height
                 and not x0 <= (f[1][0] + f[1][2]) / 2 <= x1), default=None)
    if pitch is None:
        return False
    digit = (x1 - x0) / max(len(text), 1)
    return (x1 - x0) + 1.5 * digit >= 0.8 * pitch


def paragraphs(placed: list[Placed]) -> list[Line]:
    """The lines, each marked `joined` when it continues the paragraph of the line before it."""
    # lines of running text: a few words (Chinese has no spaces; a table row has a word per cell), long
    full = [p for p in placed if len(p.line.items) <= 4 and len("".join(i.text for i in p.line.items)) >= 12]
    if len(full) < 3:
        return [p.line for p in placed]
    right = _mode(p.x1 for p in full)
    starts = Counter(round(p.x0) for p in full)
    left = float(min((x for x, n in starts.items() if n >= 2), default=min(starts)))  # first lines are indented
    out = [placed[0].line] if placed else []
    for prev, cur in zip(placed, placed[1:], strict=False):
        em = min(prev.height, cur.height) or 1.0
        below = cur.page > prev.page or 0 < cur.top - prev.top <= 2.5 * em
        goes_on = prev.x1 >= right - 0.6 * em and abs(cur.x0 - left) <= 0.5 * em and below
        out.append(replace(cur.line, joined=True) if goes_on else cur.line)
    return out


def _mode(values) -> float:
    counts = Counter(round(v) for v in values)
    return float(counts.most_common(1)[0][0])


def prose_text(line: Line) -> str:
    """A PDF line's words as the text was written: the gap between two Western words is a space; a gap
    beside Chinese text is not (LibreOffice's and Word's autospace beside a figure, “自 2020 年”, and a
    justified line's letter spacing; Chinese text is written without spaces)."""
    out = ""
    for item in line.items:
        if out and item.text and out[-1].isascii() and item.text[0].isascii():
            out += " "
        out += item.text
    return out
