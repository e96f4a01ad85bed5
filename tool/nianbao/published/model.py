"""The raw structure every reader emits: a document as lines of items, nothing interpreted yet.

A table row from HTML or Word is one Line whose items are its cells — each cell once, in the
row where it starts (a spanned cell is never copied into the rows it covers). A PDF line is
the words on one baseline; a text dump gives label text and runs of digits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Item kinds
TEXT = "text"  # words or a paragraph
CELL = "cell"  # a table cell (HTML, Word): its text is the whole cell, empty when printed empty
WORD = "word"  # a PDF word with its horizontal position
RUN = "run"  # a text dump's run of digits that may hold several cells run together


@dataclass(frozen=True, slots=True)
class Item:
    text: str
    source: str  # where it is printed: 第3页 第12行, 表格2 第5行第3列, 第1行 第812字
    kind: str = TEXT
    x0: float | None = None  # PDF: left and right edge (pt)
    x1: float | None = None
    marks: tuple[str, ...] = ()  # what makes the visible text ambiguous: 删除线, 上标, 下标 (HTML, Word)

    @property
    def centre(self) -> float | None:
        return None if self.x0 is None or self.x1 is None else (self.x0 + self.x1) / 2


@dataclass(frozen=True, slots=True)
class Line:
    items: tuple[Item, ...]
    source: str
    row: bool = False  # a table row: its items are cells
    joined: bool = False  # text dump: continues the previous line without a break
    cut: str = ""  # the copy ends inside this row (a stored page cut at its length): "closed" after a cell's
    # closing pipe, "open" inside its last cell (which may go on); its printed cells are the row's first ones;
    # "run": a text dump printed words that are no label, then more figures, right after this row's run of
    # figures (“（六）其他处理 39 38 37 4 5 7 （单位：件） 130”): the run may be the row's first figures only

    @property
    def text(self) -> str:
        return " ".join(i.text for i in self.items if i.text)


@dataclass
class RawDocument:
    reader: str  # pdf | html | docx | text
    title: str
    lines: list[Line] = field(default_factory=list)
    meta: dict = field(default_factory=dict)  # published date and the like, as printed
    unread: list[str] = field(default_factory=list)  # what the reader could not honour, told the user as a warning

    def debug(self) -> list[str]:
        return [f"{i:4d} {'▦' if ln.row else ' '} {ln.source}: " + " | ".join(it.text for it in ln.items)
                for i, ln in enumerate(self.lines)]
