"""The report document: plain JSON that extract writes, fill reads, compile sums and renderers print.

    {
      "format": "gov-info-disclosure-2021", "year": 2021,
      "agency": {"name": "…", "code": "…", "level": "county"},
      "contact": {"person": "…", "phone": "…", "department": "…"},
      "date": "2022年1月20日",
      "sections": {"overview": "…", "problems": "…", "other": "…"},
      "tables": {"requests.received.natural": 3, …every cell key…},
      "provenance": {"requests.received.natural": "表三 依申请公开!D5", …}   (optional)
      "cell_states": {"requests.received.legal": {"state": "blank", "printed": ""}, …}   (optional)
      "imported": {"file": "…", "sha256": "…", "reader": "pdf", "findings": […]}       (optional)
      "consolidated": {"members": [{"code": "…", "name": "…"}, …]}          (county summaries)
    }

Counts are JSON integers; money (万元) is a JSON number with at most two decimals.

cell_states is written only by `nianbao import` (a published report): a cell printed blank or
not read with confidence is left out of "tables" and has a state here (blank | unreadable);
a number split out of run-together text is in "tables" and marked reconstructed. A document
without cell_states has every cell, as before.
"""

from __future__ import annotations

import decimal
import json
import math
import re
from decimal import Context, Decimal, localcontext
from functools import lru_cache
from pathlib import Path
from typing import Any

from .spec import Format

AGENCY_LEVELS = {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇（街道）"}
CONTACT_KEYS = ("person", "phone", "department")
# Sums of in-range figures: 40 digits hold 10^6 reports of the largest value a kind allows
# exactly, and any overflow or inexact step raises instead of rounding silently.
SUM_CONTEXT = Context(prec=40, traps=[decimal.InvalidOperation, decimal.Overflow, decimal.Inexact,
                                      decimal.DivisionByZero])


def new_document(fmt: Format, year: int, agency: dict, tables: dict[str, Any] | None = None) -> dict:
    """A complete document with every cell present (None where not known)."""
    return {
        "format": fmt.id,
        "year": year,
        "agency": dict(agency),
        "contact": {k: "" for k in CONTACT_KEYS},
        "date": "",
        "sections": {s.key: "" for s in fmt.text_sections()},
        "tables": {key: (tables or {}).get(key) for key in fmt.cells},
    }


def as_decimal(value: Any) -> Decimal:
    """Exact arithmetic for every cell: ints stay exact, money is compared as decimals."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


# Money as a JSON float keeps its cents exactly up to 15 significant digits; beyond that (far
# outside any format's kinds: range) it is kept as an exact integer for the range check to name.
_MONEY_AS_FLOAT_BELOW = Decimal("1e13")


def to_json_number(value: Decimal | int | float, kind: str) -> int | float:
    """The JSON form of a finite cell value: int for counts, float rounded to cents for money."""
    if kind == "money":
        number = as_decimal(value)
        if abs(number) < _MONEY_AS_FLOAT_BELOW:
            return float(round(number, 2))
        return int(number)
    return int(value)


# No figure is this large: a part beyond it (10^400, NaN, infinity) makes its total unknown, and the
# part's own finding (CELL_OUT_OF_RANGE) says why. Every kind's range lies far inside it.
_SUMMABLE_BELOW = 1e15  # a float: compared with ints, floats and Decimals exactly, and fast


def _summable(value: Any) -> bool:
    try:
        return -_SUMMABLE_BELOW < value < _SUMMABLE_BELOW  # False for NaN
    except (TypeError, ArithmeticError):  # not a number; a signalling Decimal NaN
        return False


def compute_derived(fmt: Format, tables: dict[str, Any]) -> dict[str, Any]:
    """Fill every derived cell from its parts (None if any part is unknown, or no figure at all)."""
    out = dict(tables)
    for key, parts, money in _derived_plan(fmt):
        values = [out.get(p) for p in parts]
        usable = all(_summable(v) for v in values if v is not None and not isinstance(v, bool))
        if usable and all(type(v) is int for v in values):  # the common case: whole numbers, exact without Decimal
            total = sum(values)
            out[key] = float(total) if money else total
            continue
        if not usable or any(v is None or isinstance(v, bool) or not isinstance(v, (int, float, Decimal))
                             for v in values):
            out[key] = None
            continue
        with localcontext(SUM_CONTEXT):
            total = sum((as_decimal(v) for v in values), Decimal(0))
        out[key] = to_json_number(total, "money" if money else "count")
    return out


@lru_cache(maxsize=None)
def _derived_plan(fmt: Format) -> tuple[tuple[str, tuple[str, ...], bool], ...]:
    """(derived key, its parts, is money) in computing order; formats are loaded once."""
    return tuple((key, tuple(fmt.derived[key].parts()), fmt.cells[key].kind == "money")
                 for key in fmt.derived_order())


# A report document is 10-20 KB and four levels deep (a county's lists its members, ~60 bytes each):
# check reads at most 4 MB of one, which parses into well under 100 MB whatever its shape. A
# county summary.json (render, --previous) lists every agency's figures, ~10 KB each, so 64 MB
# holds a province of 5 000.
MAX_REPORT_BYTES = 4 * 1024 * 1024
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
MAX_DOCUMENT_DEPTH = 12
# Python refuses to turn more than 4 300 digits into an int; a document's numbers have at most 15, and
# up to 1 000 a number is read so that the range check names its cell (CELL_OUT_OF_RANGE).
_MAX_NUMBER_CHARS = 1000


class DocumentError(ValueError):
    """A report document (.json) that cannot be used; the message is Chinese and complete."""


def load_document(path: str | Path, max_bytes: int = MAX_DOCUMENT_BYTES) -> Any:
    """Parse a JSON report document the way a workbook is screened: size, nesting and numbers bounded.

    Raises OSError when the file cannot be read, DocumentError for everything else: too large,
    not UTF-8, not JSON, nested deeper than any document, NaN/Infinity/1e999, a number of
    thousands of digits. Callers turn both into a finding or a message; nothing else escapes."""
    path = Path(path)
    with path.open("rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise DocumentError(f"文件过大（超过 {max_bytes // (1024 * 1024) or 1} MB），不是年报数据文件")
    return parse_document(data)


def parse_document(data: bytes) -> Any:
    """The JSON value of `data` under load_document's bounds (DocumentError otherwise)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError("不是 UTF-8 编码的文本") from None
    try:
        # The C decoder counts its own recursion and raises RecursionError, whatever the nesting.
        value = json.loads(text, parse_float=_finite_float, parse_int=_bounded_int, parse_constant=_no_constant)
    except DocumentError:
        raise
    except json.JSONDecodeError as exc:
        raise DocumentError(f"第 {exc.lineno} 行第 {exc.colno} 列：JSON 格式错误（{exc.msg}）") from None
    except RecursionError:
        raise DocumentError(f"嵌套层次过深（超过 {MAX_DOCUMENT_DEPTH} 层），不是年报数据文件") from None
    # A lone surrogate can only come from a \\uD800-\\uDFFF escape: without one, no string needs looking at.
    _screen_tree(value, MAX_DOCUMENT_DEPTH, strings=_SURROGATE_ESCAPE.search(text) is not None)
    return value


def _screen_tree(value: Any, limit: int, strings: bool) -> None:
    """Refuse containers nested deeper than limit and, if strings, strings with lone surrogates
    (\\ud800 is valid JSON but no text: it cannot be printed or saved). One level at a time, so a
    hostile document cannot recurse, and fast on a million small containers."""
    level, depth = [value], 1
    while level:
        below: list = []
        for item in level:
            if type(item) is dict:
                below.extend(item.values())
                if strings:
                    below.extend(item)
            elif type(item) is list:
                below.extend(item)
            elif strings and type(item) is str and _SURROGATE.search(item):
                raise DocumentError("含有无效的字符编码（孤立的 UTF-16 代理项，如 \\ud800）")
        if below and depth >= limit and any(type(x) in (dict, list) for x in below):
            raise DocumentError(f"嵌套层次过深（超过 {limit} 层），不是年报数据文件")
        level, depth = below, depth + 1


_SURROGATE = re.compile("[\\ud800-\\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _finite_float(text: str) -> float:
    if len(text) > _MAX_NUMBER_CHARS:
        raise DocumentError(f"数字过长（{text[:20]}…，共 {len(text)} 位）")
    value = float(text)
    if not math.isfinite(value):
        raise DocumentError(f"数字 {text} 超出可表示的范围")
    return value


def _bounded_int(text: str) -> int:
    if len(text) > _MAX_NUMBER_CHARS:
        raise DocumentError(f"数字过长（{text[:20]}…，共 {len(text)} 位）")
    return int(text)


def _no_constant(name: str) -> None:
    raise DocumentError(f"含有非数字值 {name}（NaN/Infinity 不是 JSON 数字）")


def dump_document(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def number_text(value: Decimal | int | float | None) -> str:
    """How a number appears in a message: 12, 3.5, 0.25 (no exponent, no trailing zeros)."""
    if value is None:
        return "（空）"
    d = as_decimal(value)
    if d == d.to_integral_value():
        return str(int(d))
    return format(d.normalize(), "f")


# Agency levels as people write them: 县级, County, 区县 … (roster, --level, fill).
LEVELS = {
    "province": ("province", "省级", "省"),
    "city": ("city", "市级", "市"),
    "county": ("county", "县级", "县", "区县", "县区", "县（区）级"),
    "township": ("township", "乡镇", "乡镇（街道）", "乡镇(街道)", "街道", "乡级", "乡镇级"),
}
_LEVEL_ALIASES = {alias.lower(): level for level, aliases in LEVELS.items() for alias in aliases}


def parse_level(text: str | None) -> str | None:
    """'县级' or 'County' -> 'county'; blank -> None; anything else raises ValueError."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return _LEVEL_ALIASES[text.lower()]
    except KeyError:
        raise ValueError(text) from None


def level_choices() -> str:
    return "、".join(f"{aliases[1]}（{level}）" for level, aliases in LEVELS.items())


def cell_states(doc: dict | None) -> dict[str, str]:
    """Cell key → state (blank | unreadable | reconstructed | number) of an imported document; {} otherwise."""
    raw = doc.get("cell_states") if isinstance(doc, dict) else None
    if not isinstance(raw, dict):
        return {}
    return {k: v.get("state") for k, v in raw.items() if isinstance(v, dict) and isinstance(v.get("state"), str)}
