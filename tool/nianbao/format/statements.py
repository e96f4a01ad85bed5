"""How a report states its tables' figures in words: the spec's `statements`, resolved and drafted.

A table section (二、三、四) has sentences; a sentence has parts; a part says one figure (a cell,
or the sum of several) in fixed words — “制发行政规范性文件{n}件” — or is a list of figures said
only where they are not 0 (“其中自然人提出75件、商业企业提出12件”). A figure of 0 is said the
way its part says it (“未收到政府信息公开申请”), left out, or said as 0.

One definition serves three readers:
- drafting.py writes a section's sentences from a report's tables (render, the county report);
- the template writes the same sentences as a spreadsheet formula (template/reference.py);
- the check reads a report's own text with the same wordings (check/narrative.py).

spec.load_spec resolves the block through build_statements(); this module imports no other part
of the format package, so that the spec can load it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


# ---------------------------------------------------------------- loading (called by spec.load_spec)


class StatementError(ValueError):
    """A mistake in the spec's statements block, naming its place (load_spec reports it as a SpecError)."""


def build_statements(fmt, raw: list[dict], pattern_keys) -> dict[str, tuple[Sentence, ...]]:
    """Resolve the spec's `statements` block for the Format `fmt` being loaded (pattern_keys: the spec's
    resolver of cell patterns). StatementError names the place of any mistake."""
    tables = {s.key: s.table for s in fmt.sections if s.table}
    out: dict[str, tuple[Sentence, ...]] = {}
    for gi, group in enumerate(raw):
        place = f"statements[{gi}]"
        section = group["section"]
        if section not in tables:
            raise StatementError(f"{place}: {section!r} is not a section with a table")
        if section in out:
            raise StatementError(f"{place}: section {section!r} has two statement blocks")
        sentences = []
        for si, raw_sentence in enumerate(group["sentences"]):
            where = f"{place}.sentences[{si}]"
            sentence = _sentence(fmt, section, group["rule"], raw_sentence, where, pattern_keys)
            for said in sentence.figures():
                for key in said.keys:
                    if fmt.cells[key].table != tables[section]:
                        raise StatementError(f"{where}: {key!r} is not a cell of section {section!r}'s table")
            sentences.append(sentence)
        out[section] = tuple(sentences)
    return out


def _sentence(fmt, section: str, rule: str, raw: dict, place: str, pattern_keys) -> Sentence:
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
        raise StatementError(f"{place}: a sentence that opens with a list must be that list alone, with `none`")
    if isinstance(first, Said) and first.zero == "":
        raise StatementError(f"{place}: the first part cannot be left out when 0 (give `zero` words)")
    if any(said.scoped for said in sentence.figures()) and not topics:
        raise StatementError(f"{place}: a scoped part needs the sentence's `topic`")
    return sentence


def _said(fmt, raw: dict, place: str, pattern_keys, zero: str | None) -> Said:
    patterns = raw["figure"] if isinstance(raw["figure"], list) else [raw["figure"]]
    keys: list[str] = []
    for pattern in patterns:
        found = pattern_keys(fmt, pattern)
        if not found or any(k not in fmt.cells for k in found):
            raise StatementError(f"{place}: figure {pattern!r} names no cell of the format")
        keys += found
    kinds = {fmt.cells[k].kind for k in keys}
    if "money" in kinds and len(kinds) > 1:
        raise StatementError(f"{place}: figure adds money and counts")
    if len(keys) > 1 and "name" not in raw:
        raise StatementError(f"{place}: a figure of several cells needs a `name`")
    name = raw.get("name") or _name(fmt, keys[0])
    kind = "money" if "money" in kinds else ("signed" if "signed" in kinds else "count")
    return Said(tuple(keys), raw["say"], zero, raw.get("sep", DEFAULT_SEP), tuple(raw.get("also", ())),
                bool(raw.get("scoped", False)), name, kind)


def _name(fmt, key: str) -> str:
    """规章（本年制发件数）, 一、本年新收政府信息公开申请数量（总计）"""
    cell = fmt.cells[key]
    numbering = r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)"
    row = re.sub(numbering + r"|（区分处理的.*）$", "", cell.row_label)
    return f"{row}（{cell.column_label}）" if cell.column_label else row
