"""Turn what people really type into a number, or say exactly why not.

Accepted with a note (the note becomes an info finding, so nothing is changed silently):
surrounding spaces and NBSP, numbers stored as text, full-width digits (１２),
thousands separators, a trailing 件 (counts) or 万元 (money), integral floats (12.0).
Rejected: any other text (十二, 无, /, -), decimals in count cells, negatives where not
allowed, spreadsheet error values, dates.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from nianbao.findings import Code

ERROR_VALUES = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!",
                "#CALC!"}
_UNITS = {"count": ("件", "个", "项"), "signed": ("件", "个", "项"), "money": ("万元",)}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


@dataclass(frozen=True)
class Outcome:
    value: int | Decimal | None  # None: blank or rejected
    problem: Code | None = None  # a rejection (error finding)
    note: str | None = None  # how an accepted value was changed (info finding)
    shown: str = ""  # the value as the user typed it, for messages


def normalise(raw: object, kind: str) -> Outcome:
    """Interpret one input cell of the given kind (count, signed, money)."""
    if raw is None:
        return Outcome(None, Code.CELL_BLANK)
    if isinstance(raw, bool):
        return Outcome(None, Code.CELL_TEXT, shown="TRUE" if raw else "FALSE")
    if isinstance(raw, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        return Outcome(None, Code.CELL_DATE, shown=str(raw))
    if isinstance(raw, int):
        if kind == "money":
            return _check_range(Decimal(raw), kind, str(raw), None)
        if kind == "count" and raw < 0:
            return Outcome(None, Code.CELL_NEGATIVE, shown=str(raw))
        return Outcome(raw, shown=str(raw))  # what _check_range gives a whole number, without Decimal
    if isinstance(raw, float):
        if not math.isfinite(raw):  # <v>1E+999</v> or <v>NaN</v>: what Excel shows for an overflow
            return Outcome(None, Code.CELL_ERROR_VALUE, shown="#NUM!")
        shown = repr(raw)
        value = Decimal(repr(raw))
        note = None
        if kind != "money" and value == value.to_integral_value():
            note = "小数形式的整数"
        return _check_range(value, kind, shown, note)
    if isinstance(raw, str):
        return _from_text(raw, kind)
    return Outcome(None, Code.CELL_TEXT, shown=str(raw))


def _from_text(raw: str, kind: str) -> Outcome:
    shown = raw
    if raw.strip().upper() in ERROR_VALUES:
        return Outcome(None, Code.CELL_ERROR_VALUE, shown=raw.strip())
    how: list[str] = []
    folded = unicodedata.normalize("NFKC", raw)  # full-width digits, NBSP and ideographic space
    if any(unicodedata.east_asian_width(c) == "F" for c in raw):
        how.append("全角字符转为半角")
    cleaned = folded.strip()
    if cleaned != folded:
        how.append("去除空格")
    if not cleaned:
        return Outcome(None, Code.CELL_BLANK, shown=shown)
    for unit in _UNITS[kind]:
        if cleaned.endswith(unit) and len(cleaned) > len(unit):
            cleaned = cleaned[: -len(unit)].strip()
            how.append(f"去掉单位“{unit}”")
            break
    if "，" in cleaned:
        cleaned = cleaned.replace("，", ",")
    if _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
        how.append("去掉千位分隔符")
    if not _NUMBER.match(cleaned):
        return Outcome(None, Code.CELL_TEXT, shown=shown)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return Outcome(None, Code.CELL_TEXT, shown=shown)
    how.insert(0, "文本格式的数字")
    if kind != "money" and "." in cleaned and value == value.to_integral_value():
        how.append("小数形式的整数")
    return _check_range(value, kind, shown, "、".join(how))


def _check_range(value: Decimal, kind: str, shown: str, note: str | None) -> Outcome:
    if kind in ("count", "signed") and value != value.to_integral_value():
        return Outcome(None, Code.CELL_DECIMAL, shown=shown)
    if kind in ("count", "money") and value < 0:
        return Outcome(None, Code.CELL_NEGATIVE, shown=shown)
    if kind == "money":
        cents = value.quantize(Decimal("0.01"))
        if abs(cents - value) > Decimal("1e-9"):
            return Outcome(None, Code.CELL_PRECISION, shown=shown)
        return Outcome(cents, note=note, shown=shown)
    return Outcome(int(value), note=note, shown=shown)
