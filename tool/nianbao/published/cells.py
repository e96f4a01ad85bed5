"""Printed text → a cell state: a number, blank (printed empty), or unreadable; and label keys.

Normalisation is written once here for every reader: full-width digits and punctuation,
thousands separators, a unit printed in the cell (元, 万元, 件), “1、” for “1.”.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

NUMBER = "number"
BLANK = "blank"
UNREADABLE = "unreadable"
RECONSTRUCTED = "reconstructed"  # a number split out of run-together text by the row's own total

# One character for one character, so positions in folded text are positions in the original.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0xA0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20, 0x200B: 0x20,
              0xFE50: 0x2C, 0x3002: 0x3002})
PLACEHOLDERS = {"", "/", "-", "—", "——", "－", "―", "–", "\\", "无", "空", "—/—"}
_NUMBER_RX = re.compile(r"[+-]?\d+(?:\.\d+)?")
_UNITS = ("万元", "元", "件", "个", "项", "次")
_WS = re.compile(r"\s+")


def fold(text: str) -> str:
    """Full-width ASCII → ASCII, odd spaces → space; same length as the input."""
    return text.translate(_FOLD)


@lru_cache(maxsize=8192)
def label_key(text: str) -> str:
    """What two labels are compared by: folded, no whitespace or quotes, “1、” as “1.”."""
    t = _WS.sub("", fold(text))
    t = re.sub(r"(?<=\d)、", ".", t)
    return t.replace("“", "").replace("”", "").replace('"', "").replace("‘", "").replace("’", "")


def number_like(text: str) -> bool:
    """A printed number, possibly with a unit (PDF words, HTML cells); placeholders are not."""
    t = _WS.sub("", fold(text)).replace(",", "")
    for unit in _UNITS:
        if t.endswith(unit) and len(t) > len(unit):
            t = t[: -len(unit)]
            break
    return bool(_NUMBER_RX.fullmatch(t))


def blank_like(text: str) -> bool:
    return _WS.sub("", fold(text)) in PLACEHOLDERS


@dataclass(frozen=True, slots=True)
class Read:
    """One cell as read: state, value (a number when state is number/reconstructed), what was printed."""

    state: str
    value: int | float | None
    printed: str
    unit: str | None = None  # a unit printed in the cell, when it is not the format's
    why: str | None = None  # for unreadable: why, in Chinese


def read_cell(text: str, kind: str, unit: str) -> Read:
    """kind: count | signed | money (the spec's cell kind); unit: the format's unit (件, 万元)."""
    printed = text.strip()
    t = _WS.sub("", fold(printed)).replace(",", "")
    if t in PLACEHOLDERS:
        return Read(BLANK, None, printed)
    found_unit = None
    for u in _UNITS:
        if t.endswith(u) and len(t) > len(u):
            found_unit, t = u, t[: -len(u)]
            break
    if not _NUMBER_RX.fullmatch(t):
        return Read(UNREADABLE, None, printed, why=f"“{printed[:30]}”不是数字")
    try:
        number = Decimal(t)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return Read(UNREADABLE, None, printed, why=f"“{printed[:30]}”不是数字")
    if kind != "signed" and number < 0:
        return Read(UNREADABLE, None, printed, why=f"“{printed}”为负数，本格不应为负")
    if kind == "money":
        value: int | float = int(number) if number == number.to_integral_value() and "." not in t else float(number)
        other_unit = found_unit if found_unit and found_unit != unit and found_unit in ("元", "万元") else None
        return Read(NUMBER, value, printed, unit=other_unit)
    if number != number.to_integral_value() or "." in t:
        return Read(UNREADABLE, None, printed, why=f"件数应为整数，印为“{printed}”")
    return Read(NUMBER, int(number), printed)


_PAGE = re.compile(r"[-—－–]*\d{1,4}[-—－–]*|第\d+页(?:共\d+页)?|\d+/\d+")


def page_number(text: str) -> bool:
    """A page number line as printed: “— 3 —”, “-3-”, “第 3 页 共 6 页”, “3/6”."""
    return bool(_PAGE.fullmatch(_WS.sub("", fold(text))))
