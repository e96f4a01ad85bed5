"""How the sheets of summary.xlsx print: A4, one page wide, header rows repeated, rows as tall as their text.

A table is described by its columns (header, narrowest and widest width); the widths come
from the text the cells hold, so a column added later (审核, 说明) takes its share and the
table still fits the page width: long-text columns give way first, down to their narrowest,
and the rest is left to the printer's fit-to-width. Row heights are computed from the text
each row holds (xlsxwriter does not measure text, and neither Excel nor LibreOffice grows a
row for wrapped text written without a height), so no row prints over the next one.

Sizes follow template.style: column widths in Excel's character units (7 px each plus 5 px),
text measured by template.style.text_units. Times are shown as 2022-01-26 15:40 (shown_time:
the one place that says how a time looks in print).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from nianbao.template.style import RowHeights, page_setup, text_units

# Printable width of an A4 page (template.style.page_setup's margins), in points, and in pixels per point.
PAGE_WIDTH_PT = {"landscape": 770.0, "portrait": 523.0}
PAGE_HEIGHT_PT = {"landscape": 500.0, "portrait": 745.0}
PX_PER_PT = 4 / 3
PAD_UNITS = 1.2  # a cell's inner margins, in width units (template.style.lines_needed uses the same)
WIDEST_CHAR = 1.9  # template.style.text_units of a CJK character: no character is wider


@dataclass(frozen=True)
class Column:
    """One column of a printed table: its key, header, and narrowest / widest width (character units).

    A column that wraps (names, file names, explanations) narrows to make room; one that does not
    (codes, numbers, times) keeps the width its longest text needs, up to `widest`."""

    key: str
    header: str
    narrowest: float
    widest: float
    wraps: bool = False


def column_px(width: float) -> int:
    """Excel's pixel width of a column of `width` character units (Calibri 11: 7 px a unit + 5 px)."""
    return int(width * 7 + 5) if width >= 1 else int(width * 12)


def page_units(orientation: str, columns: int) -> float:
    """How many character units of columns fit across the printable width at 100 %."""
    return (PAGE_WIDTH_PT[orientation] * PX_PER_PT - 5 * columns) / 7


def fit_widths(columns: Sequence[Column], rows: Iterable[Mapping[str, object]], orientation: str) -> list[float]:
    """Widths that hold each column's longest text (rows are dicts by column key, between the column's
    narrowest and widest); when they do not fit across the page, the columns that wrap give way, those
    with most room first."""
    natural = [max(c.narrowest, min(c.widest, text_units(c.header) + PAD_UNITS)) for c in columns]
    for row in rows:
        for i, column in enumerate(columns):
            value = row.get(column.key)
            if value in (None, "") or natural[i] >= column.widest:
                continue
            text = str(value)
            if len(text) * WIDEST_CHAR + PAD_UNITS <= natural[i]:
                continue  # fits whatever its characters are (measuring every cell of a province is slow)
            longest = max(text_units(line) for line in text.split("\n"))
            natural[i] = max(natural[i], min(column.widest, longest + PAD_UNITS))
    budget = page_units(orientation, len(columns))
    widths = list(natural)
    excess = sum(widths) - budget
    slack = [w - c.narrowest if c.wraps else 0.0 for w, c in zip(widths, columns, strict=True)]
    if excess > 0 and sum(slack) > 0:
        give = min(1.0, excess / sum(slack))
        widths = [w - s * give for w, s in zip(widths, slack, strict=True)]
    return [round(w, 1) for w in widths]


def set_widths(ws, widths: Sequence[float], first: int = 0) -> None:
    for col, width in enumerate(widths, start=first):
        ws.set_column(col, col, width)


def print_as_document(ws, *, orientation: str, last_row: int, last_col: int, header_rows: tuple[int, int] | None,
                      first_row: int = 0, title: str | None = None) -> None:
    """A4 in the given orientation, fit to one page wide, header rows repeated on every page, page
    numbers in the footer (as the template's sheets print); title, when given, in every page's header."""
    page_setup(ws, landscape=orientation == "landscape", last_row=last_row, last_col=last_col)
    if first_row:
        ws.print_area(first_row, 0, last_row, last_col)
    if header_rows is not None:
        ws.repeat_rows(*header_rows)
    if title:
        ws.set_header("&C" + title.replace("&", "&&"))


class Heights(RowHeights):
    """RowHeights that also takes a whole row of cells at once, measured against the column widths."""

    def row(self, row: int, values: Sequence[object], spans: dict[int, int] | None = None) -> None:
        spans = spans or {}
        for col, value in enumerate(values):
            if value in (None, ""):
                continue
            text, span = str(value), spans.get(col, 1)
            if "\n" not in text and len(text) * WIDEST_CHAR + PAD_UNITS <= sum(self.widths[col:col + span]):
                continue  # one line whatever its characters are: the default height holds it
            self.need(row, col, text, colspan=span)


# -- how text and times look in print

def shown_time(value: str) -> str:
    """2022-01-26T15:40:00+08:00 as 2022-01-26 15:40 (the time where it was received); text that is
    not an ISO time as it is. The one place that formats a time for summary.xlsx (nianbao.clock,
    when it lands, will own the display format)."""
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError, TypeError):
        return value or ""
    return when.strftime("%Y-%m-%d %H:%M")


_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?")


def shown_times_in(text: str) -> str:
    """Every ISO time inside a sentence (…采用最新一份（2022-01-26T15:40:00+08:00）) as shown_time gives it."""
    return _ISO_TIME.sub(lambda m: shown_time(m.group()), text)


_ENDS = "。；，、;,. "


def sentences(parts: Iterable[str], end: str = "") -> str:
    """Clauses joined with “；” and no doubled marks (“…数字。；…” is “…数字；…”); `end` closes the last."""
    kept = [p.strip().rstrip(_ENDS) for p in parts if p and p.strip().rstrip(_ENDS)]
    return "；".join(kept) + (end if kept else "")
