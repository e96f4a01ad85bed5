"""Look of the template: cell formats, and sizing (column widths, row heights) from the text a cell holds.

xlsxwriter does not measure text and merged cells never auto-fit, so every row height is
computed here from an estimate: a CJK character is about 1.9 column-width units wide.
"""

from __future__ import annotations

import math

FONT = "宋体"  # what Chinese Excel/WPS use for official forms; LibreOffice falls back to a CJK font
HEADING_FONT = "黑体"
FONT_SIZE = 10
LINE_PT = 13.5  # height of one line of 10 pt text
PAD_PT = 5.0
DEFAULT_ROW_PT = 20.0

INPUT_FILL = "#FFF2CC"  # light yellow: type here
DERIVED_FILL = "#E7E6E6"  # grey: computed, locked
HEADER_FILL = "#F2F2F2"
HELP_COLOR = "#7F7F7F"
BORDER_COLOR = "#404040"

NUM_FORMATS = {"count": "0", "signed": "0", "money": "0.00"}


def checked(code: int | None, what: str) -> None:
    """xlsxwriter reports bad options with a warning and a return code, and silently skips the feature."""
    if code not in (0, None):
        raise RuntimeError(f"xlsxwriter refused {what} (return code {code})")


class Styles:
    """Cached xlsxwriter formats, created in a fixed order so the output is reproducible."""

    def __init__(self, workbook, read_only: bool = False):
        self._workbook = workbook
        self._cache: dict[tuple, object] = {}
        self.read_only = read_only  # a county summary: inputs look and behave like locked figures

    def get(self, **props):
        props = {"font_name": FONT, "font_size": FONT_SIZE, "valign": "vcenter", **props}
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self._workbook.add_format(props)
        return self._cache[key]

    def dxf(self, **props):
        """A format for conditional formatting (only font/fill/border properties)."""
        key = ("dxf",) + tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self._workbook.add_format(props)
        return self._cache[key]

    # -- named looks
    def title(self):
        return self.get(font_name=HEADING_FONT, font_size=16, bold=True, align="center", text_wrap=True)

    def heading(self):
        return self.get(font_name=HEADING_FONT, font_size=13, bold=True, align="left")

    def text(self, **extra):
        return self.get(align="left", text_wrap=True, **extra)

    def help(self):
        return self.get(font_color=HELP_COLOR, align="left", valign="top", text_wrap=True)

    def status(self):
        return self.get(bold=True, align="right", text_wrap=True)

    def boxed(self, **extra):
        return self.get(border=1, border_color=BORDER_COLOR, text_wrap=True, **extra)

    def header(self, **extra):
        return self.boxed(align="center", bg_color=HEADER_FILL, **extra)

    def rowhead(self, indent: int = 0):
        return self.boxed(align="left", indent=indent) if indent else self.boxed(align="left")

    def input(self, kind: str, locked: bool = False):
        """A number input; locked=True gives the same look for the hidden cells of a merged input."""
        if self.read_only:
            return self.boxed(align="center", num_format=NUM_FORMATS[kind], locked=True)
        return self.boxed(align="center", bg_color=INPUT_FILL, num_format=NUM_FORMATS[kind], locked=locked)

    def derived(self, kind: str):
        return self.boxed(align="center", bg_color=DERIVED_FILL, num_format=NUM_FORMATS[kind], bold=True)

    def text_input(self, locked: bool = False, multiline: bool = False, size: float = FONT_SIZE):
        valign = "top" if multiline else "vcenter"
        sized = {"font_size": size} if size != FONT_SIZE else {}
        if self.read_only:
            return self.boxed(align="left", valign=valign, locked=True, **sized)
        return self.boxed(align="left", valign=valign, bg_color=INPUT_FILL, locked=locked, **sized)


def is_wide(ch: str) -> bool:
    """A character about as wide as a CJK ideograph (the rest count as narrow)."""
    return ord(ch) >= 0x2E80 or ch in "“”‘’"


def text_units(text: str, size: float = FONT_SIZE) -> float:
    """Approximate width of text in column-width units (a wide character is 1.9, others 1.05)."""
    units = sum(1.9 if is_wide(ch) else 1.05 for ch in text)
    return units * size / FONT_SIZE


def lines_needed(text: str, width: float, size: float = FONT_SIZE) -> int:
    room = max(width - 1.2, 1.0)
    return sum(max(1, math.ceil(text_units(part, size) / room)) for part in str(text).split("\n"))


class RowHeights:
    """Collect what each row must hold, then set every row height once."""

    def __init__(self, widths: list[float], default: float = DEFAULT_ROW_PT):
        self.widths = widths
        self.default = default
        self.rows: dict[int, float] = {}
        self._spans: list[tuple[int, int, float]] = []

    def fixed(self, row: int, height: float) -> None:
        self.rows[row] = max(self.rows.get(row, 0.0), height)

    def need(self, row: int, col: int, text: str, *, colspan: int = 1, rowspan: int = 1,
             size: float = FONT_SIZE, minimum: float | None = None) -> None:
        width = sum(self.widths[col:col + colspan])
        height = lines_needed(text, width, size) * LINE_PT * size / FONT_SIZE + PAD_PT
        height = max(height, minimum or self.default)
        if rowspan == 1:
            self.fixed(row, height)
        else:
            self._spans.append((row, rowspan, height))

    def apply(self, worksheet, rows: range) -> float:
        """Set the heights; returns the total height in points."""
        heights = {r: self.rows.get(r, self.default) for r in rows}
        for row, span, height in self._spans:  # a merged block taller than its rows: share the rest
            have = sum(heights.get(r, self.default) for r in range(row, row + span))
            if height > have:
                extra = (height - have) / span
                for r in range(row, row + span):
                    heights[r] = heights.get(r, self.default) + extra
        for r in rows:
            heights[r] = min(round(heights[r], 1), 409)
            worksheet.set_row(r, heights[r])
        return sum(heights.values())


def page_setup(ws, *, landscape: bool, last_row: int, last_col: int, height: float | None = None,
               width: float | None = None) -> None:
    """A4, fit to the page width; a table that fits one page at a readable scale prints on one page."""
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    one_page = False
    if height is not None and width is not None:
        page_w, page_h = (770.0, 500.0) if landscape else (523.0, 745.0)  # printable points
        scale = min(page_w / (width * 5.6), page_h / height)
        one_page = scale >= 0.7
    ws.fit_to_pages(1, 1 if one_page else 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    ws.center_horizontally()
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.print_area(0, 0, last_row, last_col)
    ws.hide_gridlines(2)
