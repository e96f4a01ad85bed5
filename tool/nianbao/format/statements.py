"""How a report states its tables' figures in words: the spec's `statements`, resolved and drafted.

A table section (二、三、四) has sentences; a sentence has parts; a part says one figure (a cell,
or the sum of several) in fixed words — “制发行政规范性文件{n}件” — or is a list of figures said
only where they are not 0 (“其中自然人提出75件、商业企业提出12件”). A figure of 0 is said the
way its part says it (“未收到政府信息公开申请”), left out, or said as 0.

One definition serves three readers:
- draft() writes a section's sentences from a report's tables (render, the county report);
- the template writes the same sentences as a spreadsheet formula (template/reference.py);
- the check reads a report's own text with the same wordings (check/narrative.py).

Drafted text and the formula must agree character for character: numbers are printed as a
spreadsheet prints them (a count as its digits, money with two decimals, half away from zero).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from .document import as_decimal, number_text

if TYPE_CHECKING:
    from .spec import Format

PLACE = "{n}"  # where the figure goes in a part's words
DEFAULT_SEP = "，"
DEFAULT_JOIN = "、"
END = "。"


@dataclass(frozen=True)
class Said:
    """One figure in words: `say` with the figure for {n}; `zero` when it is 0 (None: say 0; "": leave out)."""

    keys: tuple[str, ...]  # the cells whose sum is stated
    say: str
    zero: str | None
    sep: str  # the punctuation before this part inside its sentence
    also: tuple[str, ...]  # other wordings the check recognises
    scoped: bool  # the words name no subject: the check looks only after a topic of its sentence
    name: str  # the figure as a person names it, for messages
    kind: str  # count | signed | money (of its cells)

    @property
    def unit(self) -> str:
        """The unit the words give the figure (件, 项, 万元): what follows {n}."""
        return self.say.split(PLACE, 1)[1][:2].rstrip("，。；、")

    def words(self, value: Any) -> str:
        return self.say.replace(PLACE, figure_text(value, self.kind))


@dataclass(frozen=True)
class Listing:
    """Figures said only where they are not 0, joined by `join` after `before`; nothing when all are 0."""

    items: tuple[Said, ...]
    before: str
    join: str
    sep: str


@dataclass(frozen=True)
class Sentence:
    section: str  # the table section it opens (proactive, requests, reviews)
    rule: str  # the rule id a contradiction of its figures is reported under (X1, T4-3)
    topics: tuple[str, ...]  # words that say what the sentence is about (规章, 新收, 行政复议)
    lead: str  # words before the first part (本年度)
    parts: tuple[Said | Listing, ...]
    none: str | None  # the whole sentence when every figure is 0 ("": nothing at all)

    def figures(self) -> list[Said]:
        """Every figure of the sentence, list items included, in order."""
        out: list[Said] = []
        for part in self.parts:
            out += list(part.items) if isinstance(part, Listing) else [part]
        return out


# ---------------------------------------------------------------- drafting


def figure_text(value: Any, kind: str) -> str:
    """A figure as a spreadsheet prints it in text: money TEXT(x,"0.00"), a count as its digits."""
    number = as_decimal(value)
    if kind == "money":
        return f"{number.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    return number_text(number)


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
            said = [item.words(values[item]) for item in part.items if values[item] != 0]
            if said:
                out += sep + part.before + part.join.join(said)
            continue
        value = values[part]
        if value != 0 or part.zero is None:
            out += sep + part.words(value)
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


# ---------------------------------------------------------------- loading (called by spec.load_spec)


def build_statements(fmt: Format, raw: list[dict], pattern_keys) -> dict[str, tuple[Sentence, ...]]:
    """Resolve the spec's `statements` block; SpecError (from spec) names the place of any mistake."""
    from .spec import SpecError

    tables = {s.key: s.table for s in fmt.sections if s.table}
    out: dict[str, tuple[Sentence, ...]] = {}
    for gi, group in enumerate(raw):
        place = f"statements[{gi}]"
        section = group["section"]
        if section not in tables:
            raise SpecError(f"{place}: {section!r} is not a section with a table")
        if section in out:
            raise SpecError(f"{place}: section {section!r} has two statement blocks")
        sentences = []
        for si, raw_sentence in enumerate(group["sentences"]):
            where = f"{place}.sentences[{si}]"
            sentence = _sentence(fmt, section, group["rule"], raw_sentence, where, pattern_keys)
            for said in sentence.figures():
                for key in said.keys:
                    if fmt.cells[key].table != tables[section]:
                        raise SpecError(f"{where}: {key!r} is not a cell of section {section!r}'s table")
            sentences.append(sentence)
        out[section] = tuple(sentences)
    return out


def _sentence(fmt: Format, section: str, rule: str, raw: dict, place: str, pattern_keys) -> Sentence:
    from .spec import SpecError

    topics = tuple(raw.get("topic", ()))
    parts: list[Said | Listing] = []
    for pi, part in enumerate(raw["parts"]):
        where = f"{place}.parts[{pi}]"
        if "list" in part:
            items = tuple(_said(fmt, item, where + f".list[{i}]", pattern_keys, zero="") for i, item in
                          enumerate(part["list"]))
            parts.append(Listing(items, part.get("before", ""), part.get("join", DEFAULT_JOIN),
                                 part.get("sep", DEFAULT_SEP)))
        else:
            parts.append(_said(fmt, part, where, pattern_keys, zero=part.get("zero")))
    sentence = Sentence(section, rule, topics, raw.get("lead", ""), tuple(parts), raw.get("none"))
    first = parts[0]
    if isinstance(first, Listing) and (len(parts) > 1 or sentence.none is None):
        raise SpecError(f"{place}: a sentence that opens with a list must be that list alone, with `none`")
    if isinstance(first, Said) and first.zero == "":
        raise SpecError(f"{place}: the first part cannot be left out when 0 (give `zero` words)")
    if any(said.scoped for said in sentence.figures()) and not topics:
        raise SpecError(f"{place}: a scoped part needs the sentence's `topic`")
    return sentence


def _said(fmt: Format, raw: dict, place: str, pattern_keys, zero: str | None) -> Said:
    from .spec import SpecError

    patterns = raw["figure"] if isinstance(raw["figure"], list) else [raw["figure"]]
    keys: list[str] = []
    for pattern in patterns:
        found = pattern_keys(fmt, pattern)
        if not found or any(k not in fmt.cells for k in found):
            raise SpecError(f"{place}: figure {pattern!r} names no cell of the format")
        keys += found
    kinds = {fmt.cells[k].kind for k in keys}
    if "money" in kinds and len(kinds) > 1:
        raise SpecError(f"{place}: figure adds money and counts")
    if len(keys) > 1 and "name" not in raw:
        raise SpecError(f"{place}: a figure of several cells needs a `name`")
    name = raw.get("name") or _name(fmt, keys[0])
    kind = "money" if "money" in kinds else ("signed" if "signed" in kinds else "count")
    return Said(tuple(keys), raw["say"], zero, raw.get("sep", DEFAULT_SEP), tuple(raw.get("also", ())),
                bool(raw.get("scoped", False)), name, kind)


def _name(fmt: Format, key: str) -> str:
    """规章（本年制发件数）, 一、本年新收政府信息公开申请数量（总计）"""
    cell = fmt.cells[key]
    numbering = r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)"
    row = re.sub(numbering + r"|（区分处理的.*）$", "", cell.row_label)
    return f"{row}（{cell.column_label}）" if cell.column_label else row
