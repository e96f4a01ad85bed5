"""Figures in words drafted from a report's tables, by the spec's statements (statements.py).

Drafted text and the template's 参考表述 formula must agree character for character: numbers are
printed as a spreadsheet prints them (a count as its digits, money with two decimals, half away
from zero).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from .document import as_decimal, number_text
from .spec import Format
from .statements import END, PLACE, Listing, Said, Sentence


def figure_text(value: Any, kind: str) -> str:
    """A figure as a spreadsheet prints it in text: money TEXT(x,"0.00"), a count as its digits."""
    number = as_decimal(value)
    if kind == "money":
        return f"{number.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    return number_text(number)


def words(said: Said, value: Any) -> str:
    """The part's words with its figure."""
    return said.say.replace(PLACE, figure_text(value, said.kind))


def figure_value(said: Said, tables: dict) -> Decimal | int | None:
    """The stated figure: the sum of its cells, or None when one of them is not a number."""
    total: Decimal | int = 0
    for key in said.keys:
        value = tables.get(key)
        if value is None or isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            return None
        try:
            total = total + (value if type(value) is int else as_decimal(value))
        except (InvalidOperation, ValueError):
            return None
    if isinstance(total, Decimal) and not total.is_finite():
        return None
    return total


def draft_sentence(sentence: Sentence, tables: dict) -> str | None:
    """The sentence for these figures (with its 。), "" when it says nothing, None when a figure is unknown."""
    values = {said: figure_value(said, tables) for said in sentence.figures()}
    if any(v is None for v in values.values()):
        return None
    if sentence.none is not None and all(v == 0 for v in values.values()):
        return sentence.none + END if sentence.none else ""
    out = sentence.lead
    for index, part in enumerate(sentence.parts):
        sep = "" if index == 0 else part.sep
        if isinstance(part, Listing):
            said = [words(item, values[item]) for item in part.items if values[item] != 0]
            if said:
                out += sep + part.before + part.join.join(said)
            continue
        value = values[part]
        if value != 0 or part.zero is None:
            out += sep + words(part, value)
        elif part.zero:
            out += sep + part.zero
    return out + END


def draft_section(fmt: Format, section: str, tables: dict, *, whole: bool = False) -> str | None:
    """A table section's sentences as one paragraph. A sentence with an unknown figure is left out;
    whole: None instead, as the template's 参考表述 says nothing until every number is filled in."""
    out = ""
    for sentence in fmt.statements.get(section, ()):
        text = draft_sentence(sentence, tables)
        if text is None:
            if whole:
                return None
            continue
        out += text
    return out


def draft(fmt: Format, tables: dict) -> dict[str, str]:
    """Every table section's drafted paragraph, by section key (a section with nothing to say: "")."""
    return {section: draft_section(fmt, section, tables) or "" for section in fmt.statements}
