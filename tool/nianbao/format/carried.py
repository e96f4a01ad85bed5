"""Last year's figures carried into this year's template (`template --previous`).

A template issued with last year's report in hand carries the figures this year's cross-year rules
compare with (T3-4: last year's 结转下年度继续办理, per column; T2-1/T2-2: last year's 现行有效件数;
2019's T2-5: last year's 项目数量 and 增/减), so that the clerk sees a cross-year error while typing
and `check` finds it without last year's files. They are stamped as one identity field
(`previous`, format/identity.py), which the issuer MAC signs; the encoding is short enough for a
spreadsheet's string constant (255 characters):

    2020|gov-info-disclosure-2019|nianbao|5,0,0,0,0,0,5,,

last year, last year's format, where the figures came from (nianbao: a store or summary, checked;
published: a published report, so a mismatch is a warning, formats.md T3-4), then the values of
previous_keys(fmt) in order ("" where last year's report had no such cell).

Cells this year's report should simply repeat — an input equal to last year's figures alone, as
上年结转 = last year's 结转下年度 — are pre-filled from them (prefilled()); the clerk may type over them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from .document import as_decimal, number_text
from .spec import Format, RuleInstance

SOURCES = ("nianbao", "published")
_SEP = "|"


def cross_year_severity(source: str) -> str | None:
    """The severity of cross-year findings by where last year's figures come from, decided here once:
    nianbao's own data (a store, a compiled summary, a workbook) → the spec's; a published report
    (what `nianbao import` read from a PDF or web page, misprints and all) → a warning."""
    return "warning" if source == "published" else None


@dataclass(frozen=True)
class Carried:
    """Last year's figures as a template carries them."""

    year: int
    format: str
    source: str  # nianbao | published
    tables: dict  # cell key of last year's report -> value

    def document(self) -> dict:
        """As a report document of last year, for the cross-year rules (check.rules.evaluate)."""
        return {"format": self.format, "year": self.year, "tables": dict(self.tables)}


@cache
def previous_keys(fmt: Format) -> tuple[str, ...]:
    """Last year's cells this format's cross-year rules read, in spec order."""
    wanted = {k for inst in fmt.instances if inst.rule.cross_year for k in inst.keys(prev=True)}
    return tuple(k for k in fmt.cells if k in wanted)


def carried_from(fmt: Format, previous: dict, source: str = "nianbao") -> Carried | None:
    """What this year's template of `fmt` carries of last year's report document; None if it has none of it."""
    tables = previous.get("tables") if isinstance(previous.get("tables"), dict) else {}
    values = {k: tables.get(k) for k in previous_keys(fmt)}
    values = {k: v for k, v in values.items() if _number(v)}
    if not values or not isinstance(previous.get("year"), int):
        return None
    return Carried(previous["year"], str(previous.get("format") or ""), source, values)


def encode_previous(fmt: Format, carried: Carried) -> str:
    values = ",".join(number_text(carried.tables[k]) if k in carried.tables else "" for k in previous_keys(fmt))
    return _SEP.join((str(carried.year), carried.format, carried.source, values))


def decode_previous(fmt: Format, text: str | None) -> Carried | None:
    """The figures a template carries, or None when it carries none (or what it carries is not readable)."""
    parts = (text or "").split(_SEP)
    keys = previous_keys(fmt)
    if len(parts) != 4 or parts[2] not in SOURCES:
        return None
    values = parts[3].split(",")
    if len(values) != len(keys):
        return None
    try:
        year = int(parts[0])
        tables = {k: _value(v) for k, v in zip(keys, values, strict=True) if v.strip()}
    except (ValueError, InvalidOperation):
        return None
    return Carried(year, parts[1], parts[2], tables) if tables else None


def prefilled(fmt: Format, carried: Carried) -> dict:
    """The inputs this year's report repeats from last year's figures (上年结转 per column), by key."""
    out = {}
    for inst in fmt.instances:
        if _repeats(fmt, inst) and all(k in carried.tables for k in inst.keys(prev=True)):
            out[inst.left[0].key] = sum(carried.tables[k] for k in inst.keys(prev=True))
    return out


def _repeats(fmt: Format, inst: RuleInstance) -> bool:
    """A cross-year equality whose one side is a single input of this year and the other last year's cells."""
    return (inst.rule.cross_year and inst.op == "==" and len(inst.left) == 1 and inst.left[0].key is not None
            and not inst.left[0].prev and inst.left[0].sign > 0 and inst.left[0].key not in fmt.derived
            and all(t.prev and t.sign > 0 for t in inst.right))


def _number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and \
        as_decimal(value).is_finite()


def _value(text: str) -> int | float:
    if len(text) > 20:  # no figure of any kind has more digits (kinds: in the spec)
        raise ValueError(text)
    number = Decimal(text.strip())
    if not number.is_finite() or abs(number) >= 10 ** 15:
        raise ValueError(text)
    return int(number) if number == number.to_integral_value() else float(number)
