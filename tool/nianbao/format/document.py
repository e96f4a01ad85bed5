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

import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from .spec import Format

AGENCY_LEVELS = {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇（街道）"}
CONTACT_KEYS = ("person", "phone", "department")


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


def to_json_number(value: Decimal | int | float, kind: str) -> int | float:
    """The JSON form of a cell value: int for counts, float rounded to cents for money."""
    if kind == "money":
        return float(round(as_decimal(value), 2))
    return int(value)


def compute_derived(fmt: Format, tables: dict[str, Any]) -> dict[str, Any]:
    """Fill every derived cell from its parts (None if any part is unknown)."""
    out = dict(tables)
    for key, parts, money in _derived_plan(fmt):
        values = [out.get(p) for p in parts]
        if all(type(v) is int for v in values):  # the common case: whole numbers, exact without Decimal
            total = sum(values)
            out[key] = float(total) if money else total
            continue
        if any(v is None or isinstance(v, bool) or not isinstance(v, (int, float, Decimal)) for v in values):
            out[key] = None
            continue
        total = sum((as_decimal(v) for v in values), Decimal(0))
        out[key] = to_json_number(total, "money" if money else "count")
    return out


@lru_cache(maxsize=None)
def _derived_plan(fmt: Format) -> tuple[tuple[str, tuple[str, ...], bool], ...]:
    """(derived key, its parts, is money) in computing order; formats are loaded once."""
    return tuple((key, tuple(fmt.derived[key].parts()), fmt.cells[key].kind == "money")
                 for key in fmt.derived_order())


def load_document(path: str | Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


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
