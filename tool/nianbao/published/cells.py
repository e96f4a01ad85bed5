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


@lru_cache(maxsize=16384)
def number_like(text: str) -> bool:
    """A printed number, possibly with a unit (PDF words, HTML cells); placeholders are not."""
    t = _WS.sub("", fold(text)).replace(",", "")
    for unit in _UNITS:
        if t.endswith(unit) and len(t) > len(unit):
            t = t[: -len(unit)]
            break
    return bool(_NUMBER_RX.fullmatch(t))


@lru_cache(maxsize=16384)
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
    converted: bool = False  # money printed in 元 where the format says 万元: value is the 万元 figure


_TWO_GROUPS = re.compile(r"\d\s+[\d.]|\.\s+\d")
_THOUSANDS_OK = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_WAN = Decimal(10000)


def read_cell(text: str, kind: str, unit: str, marks: tuple[str, ...] = ()) -> Read:
    """kind: count | signed | money (the spec's cell kind); unit: the format's unit (件, 万元).

    Only text a reader would take for exactly one number is a number: two digit groups (“1 8”,
    two lines), commas outside thousands groups (“1,5”), a decimal in a count, or struck,
    raised or lowered text in the cell (marks) make the cell unreadable with the reason.
    """
    printed = " ".join(text.split())
    folded = fold(printed).strip()
    t = _WS.sub("", folded)
    if t in PLACEHOLDERS and not marks:
        return Read(BLANK, None, printed)
    if marks:
        return Read(UNREADABLE, None, printed,
                    why=f"单元格里有{'、'.join(marks)}的文字（印为“{printed[:30]}”），印出的是哪个数不能确定")
    if _TWO_GROUPS.search(folded):
        return Read(UNREADABLE, None, printed, why=f"印有两组数字（“{printed[:30]}”），不能确定是哪个数")
    found_unit = None
    for u in _UNITS:
        if t.endswith(u) and len(t) > len(u):
            found_unit, t = u, t[: -len(u)]
            break
    if "," in t:
        if not _THOUSANDS_OK.fullmatch(t):
            return Read(UNREADABLE, None, printed, why=f"“{printed[:30]}”中的逗号不是千位分隔，不能确定是哪个数")
        t = t.replace(",", "")
    if not _NUMBER_RX.fullmatch(t):
        return Read(UNREADABLE, None, printed, why=f"“{printed[:30]}”不是数字")
    try:
        number = Decimal(t)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return Read(UNREADABLE, None, printed, why=f"“{printed[:30]}”不是数字")
    if kind != "signed" and number < 0:
        return Read(UNREADABLE, None, printed, why=f"“{printed}”为负数，本格不应为负")
    if kind == "money":
        if found_unit == "元" and unit == "万元":
            return Read(NUMBER, money_value(number / _WAN), printed, unit="元", converted=True)
        other_unit = found_unit if found_unit and found_unit != unit and found_unit in ("元", "万元") else None
        return Read(NUMBER, money_value(number, "." in t), printed, unit=other_unit)
    if number != number.to_integral_value() or "." in t:
        return Read(UNREADABLE, None, printed, why=f"件数应为整数，印为“{printed}”")
    return Read(NUMBER, int(number), printed)


def money_value(number: Decimal, decimal_point: bool = True) -> int | float:
    """A money figure as JSON keeps it: an int when whole and printed without a decimal point, else a float."""
    if number == number.to_integral_value() and not decimal_point:
        return int(number)
    return float(number)


def yuan_to_wan(value: int | float) -> int | float:
    """An amount printed in 元 as the 万元 figure, exactly (Decimal division by 10 000)."""
    return money_value(Decimal(repr(value)) / _WAN if isinstance(value, float) else Decimal(value) / _WAN)


# What a sentence has and a statutory label never has (a sentence is never a row label).
_SENTENCE_PUNCT = set("。！？；!?;…")
_SENTENCE_YEAR = re.compile(r"(?:19|20)\d\d\s*年")
_SENTENCE_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:条|件|个|项|次|人|家|起|份|篇|期|场|万元|元|%|％)")
_SENTENCE_WORDS = ("收到", "共计", "共有", "共收", "办结", "答复", "受理", "全年", "其中", "我局", "我委", "我市",
                   "我县", "我区", "我镇", "我办", "累计", "同比", "主要", "进一步")
MAX_LABEL_CHARS = 64  # the longest statutory label has 39 characters


@lru_cache(maxsize=16384)
def sentence_why(text: str) -> str | None:
    """Why a printed text is a sentence and not a table label (None when it may be a label)."""
    t = fold(text)
    if any(ch in _SENTENCE_PUNCT for ch in t):
        return "有句末标点"
    if _SENTENCE_YEAR.search(t):
        return "含年份"
    if _SENTENCE_FIGURE.search(t):
        return "含数字和量词"
    word = next((w for w in _SENTENCE_WORDS if w in t), None)
    if word:
        return f"含“{word}”"
    if len(_WS.sub("", t)) > MAX_LABEL_CHARS:
        return "太长"
    return None


_PAGE = re.compile(r"[-—－–]*\d{1,4}[-—－–]*|第\d+页(?:共\d+页)?|\d+/\d+")


@lru_cache(maxsize=16384)
def page_number(text: str) -> bool:
    """A page number line as printed: “— 3 —”, “-3-”, “第 3 页 共 6 页”, “3/6”."""
    return bool(_PAGE.fullmatch(_WS.sub("", fold(text))))
