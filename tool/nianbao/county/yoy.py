"""Y-1, the year-on-year change of applications received (info), and percentages as a reader reads them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from nianbao.findings import Finding
from nianbao.format.layout import layout
from nianbao.format.spec import Format

YOY_KEY = "requests.received.total"
YOY_RATIO = Decimal("0.5")  # a change of more than 50 % …
YOY_MIN = 5  # … and at least this many applications is listed as info


def percent(part: int | Decimal, whole: int | Decimal) -> str:
    """part of whole for a reader: one decimal (16 of 18 -> 88.9%), none when whole (9 of 18 -> 50%);
    never 100% unless all, never 0% unless none (1 of 10000 -> 0.1%, 9999 of 10000 -> 99.9%)."""
    if not whole:
        return "—"
    exact = Decimal(part) * 100 / Decimal(whole)
    shown = exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if shown >= 100 and exact < 100:
        shown = Decimal("99.9")
    elif shown == 0 and exact > 0:
        shown = Decimal("0.1")
    return f"{shown.normalize():f}%" if shown == shown.to_integral() else f"{shown}%"


def yoy(fmt: Format, tables: dict, prev_tables: dict) -> list[Finding]:
    """Y-1 (info): applications received changed by more than half, and by at least YOY_MIN, on last year."""
    cur, old = tables.get(YOY_KEY), prev_tables.get(YOY_KEY)
    if cur is None or old is None:
        return []
    change = Decimal(cur) - Decimal(old)
    if abs(change) < YOY_MIN or (old and abs(change) / Decimal(old) <= YOY_RATIO):
        return []
    pct = f"{'增加' if change > 0 else '减少'} {percent(abs(change), Decimal(old))}" if old else "上年为 0"
    pos, cell = layout(fmt).cells[YOY_KEY], fmt.cells[YOY_KEY]
    return [Finding(rule="Y-1", severity="info", sheet=pos.sheet, cell=pos.ref, key=YOY_KEY,
                    row_label=cell.row_label or None, column_label=cell.column_label or None,
                    actual=cur, expected=old,
                    message=f"本年新收政府信息公开申请 {cur} 件，上年 {old} 件（{pct}），变化较大，请确认。")]
