"""The narrative against the tables (rules X1, T4-3): every figure a report's words state, compared
with the cells it names.

Two sources of wordings, both read sentence by sentence from the plain text (never markup):
- the spec's statements (format/statements.py): each part's words with {n} for the figure
  (“制发行政规范性文件{n}件”, its `also` variants), and the words it uses for 0 (“未收到政府信息
  公开申请”). A part without a subject of its own (“废止{n}件”) is read only after one of its
  sentence's topic words (规章, 行政规范性文件), up to the next sentence's topic;
- generic patterns for how real reports word the main figures (“受理…申请3119件”, “答复3050件”,
  “103件顺延到下年度”, “没有收到信息公开申请”).

A stated figure that differs from the table is a warning: it quotes the sentence, names the
figure, the table cell and the figure the table gives, and offers the sentence drafted from the
tables. It is a warning, not an error, because free text can be read wrongly; but no publishing
step (render, compile) calls a report publishable while one stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from nianbao.findings import Finding
from nianbao.format.document import as_decimal
from nianbao.format.drafting import draft_sentence, figure_text, figure_value
from nianbao.format.layout import layout
from nianbao.format.spec import Format
from nianbao.format.statements import PLACE, Said, Sentence

NUMBER = r"(?P<n>-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?))"
_GAP = "[^。；;，,\\d]"  # what may stand between a generic pattern's words and its figure


@dataclass(frozen=True)
class Wording:
    """One way a report states one figure: a pattern with the figure (group n), or words that mean 0."""

    rule: str
    pattern: re.Pattern
    keys: tuple[str, ...]  # cells whose sum the stated figure is
    what: str  # the figure, as a person names it
    unit: str
    kind: str
    sentence: Sentence | None = None  # the statement it belongs to (None: a generic pattern)
    scoped: bool = False  # read only after a topic of its sentence
    zero: bool = False  # the words state 0; no figure group
    needs: str = ""  # a word the matched text must contain (generic patterns: 申请)
    avoid: str = ""  # characters that must not be in the matched text (复议 in “未收到…申请”)


GENERIC = (  # (rule, pattern, cells, the figure's name, a word the match needs, characters it must not hold)
    ("X1", r"(?:收到|受理|新收)" + _GAP + "{0,20}?" + NUMBER + "件", ("requests.received.total",),
     "本年新收政府信息公开申请", "申请", ""),
    ("X1", r"上年(?:度)?结转" + _GAP + "{0,10}?" + NUMBER + "件", ("requests.carried_over.total",), "上年结转申请",
     "", ""),
    ("X1", r"(?:办结|答复)" + _GAP + "{0,6}?" + NUMBER + "件", ("requests.outcome.total.total",), "本年度办理结果总计",
     "", ""),
    ("X1", NUMBER + "件" + _GAP + r"{0,4}?(?:顺延|结转)(?:到|至)?下(?:一)?年度", ("requests.carry_forward.total",),
     "结转下年度继续办理", "", ""),
    ("T4-3", "行政复议" + _GAP + "{0,6}?" + NUMBER + "(?:件|起)", ("reviews.admin_review.total",), "行政复议总计",
     "", ""),
    ("T4-3", "行政诉讼" + _GAP + "{0,6}?" + NUMBER + "(?:件|起)",
     ("reviews.litigation_direct.total", "reviews.litigation_after_review.total"), "行政诉讼总计", "", ""),
    # How real reports say there were none (萝北县工业信息科技局 2020: “没有收到信息公开申请”).
    ("X1", r"(?:没有|未)(?:收到|受理)[^。；;，,\d]{0,12}?申请", ("requests.received.total",),
     "本年新收政府信息公开申请", "", "复诉"),
    ("T4-3", r"(?:没有|未)(?:发生|收到)[^。；;\d]{0,14}?行政复议", ("reviews.admin_review.total",), "行政复议总计",
     "", ""),
    ("T4-3", r"(?:没有|未)(?:发生|收到)[^。；;\d]{0,14}?行政诉讼",
     ("reviews.litigation_direct.total", "reviews.litigation_after_review.total"), "行政诉讼总计", "", ""),
)
_SENTENCE = re.compile(r"[^。！!？?]+[。！!？?]?")
MAX_FINDINGS = 30  # a text contradicting its tables more often than this is one to rewrite, not to list
MAX_SENTENCE = 600  # characters: real sentences stating figures are under 300 (淮安 2024's longest)
_WIDE_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")


def sentences(text: str):
    """The sentences of a text, all whitespace removed first: a published PDF breaks lines inside a
    sentence and even inside a figure (“答\n复 3050 件”). A sentence ends at 。！？; ；stays inside,
    so “制发规章0件；制发行政规范性文件5件，废止3件” keeps its topics in view. Text without full stops
    (a list, or a hostile file) is read in pieces of at most MAX_SENTENCE characters."""
    for m in _SENTENCE.finditer(flatten(text)):
        sentence = m.group(0)
        while len(sentence) > MAX_SENTENCE:
            cut = sentence.rfind("；", 0, MAX_SENTENCE) + 1 or MAX_SENTENCE
            yield sentence[:cut]
            sentence = sentence[cut:]
        if sentence:
            yield sentence


def flatten(text: str) -> str:
    """Text as the check reads it: no whitespace, full-width digits as digits."""
    return "".join(text.split()).translate(_WIDE_DIGITS)


@lru_cache(maxsize=None)
def wordings(fmt: Format) -> tuple[Wording, ...]:
    """Every wording the check reads for a format: its statements' first, then the generic patterns."""
    out: list[Wording] = []
    for section in fmt.statements.values():
        for sentence in section:
            for said in sentence.figures():
                for words in (said.say, *said.also):
                    before, after = words.split(PLACE, 1)
                    pattern = re.compile(re.escape(before) + NUMBER + re.escape(after))
                    out.append(Wording(sentence.rule, pattern, said.keys, said.name, said.unit, said.kind,
                                       sentence, said.scoped))
                if said.zero:
                    out.append(_zero_words(sentence, said, said.zero, said.keys))
            if sentence.none:
                none = sentence.none.removeprefix(sentence.lead) if sentence.lead else sentence.none
                for said in sentence.figures():
                    out.append(_zero_words(sentence, said, none, said.keys))
    for rule, pattern, keys, what, needs, avoid in GENERIC:
        if all(k in fmt.cells for k in keys):
            zero = "(?P<n>" not in pattern
            out.append(Wording(rule, re.compile(pattern), keys, what, "件", "count", zero=zero, needs=needs,
                               avoid=avoid))
    return tuple(out)


def _zero_words(sentence: Sentence, said: Said, words: str, keys: tuple[str, ...]) -> Wording:
    return Wording(sentence.rule, re.compile(re.escape(words)), keys, said.name, said.unit, said.kind, sentence,
                   zero=True)


@dataclass(frozen=True)
class Claim:
    """A figure a sentence states."""

    wording: Wording
    sentence: str
    start: int
    end: int
    stated: Decimal
    figure: tuple[int, int] | None  # where the figure itself is in the sentence (None: words for 0)


def claims(fmt: Format, text: str):
    """Every figure the text states in a wording the format knows, sentence by sentence."""
    for sentence in sentences(text):
        spans = _topic_spans(fmt, sentence)
        figures = any(ch.isdigit() for ch in sentence)
        for wording in wordings(fmt):
            if not (figures or wording.zero):
                continue  # no figure in the sentence: only words for 0 can be read in it
            if wording.scoped:
                where = spans.get(id(wording.sentence), ())
            else:
                where = ((0, len(sentence)),)
            for start, end in where:
                for m in wording.pattern.finditer(sentence, start, end):
                    said = m.group(0)
                    if wording.needs and wording.needs not in said:
                        continue
                    if wording.avoid and any(ch in said for ch in wording.avoid):
                        continue
                    if wording.zero:
                        yield Claim(wording, sentence, m.start(), m.end(), Decimal(0), None)
                    else:
                        stated = Decimal(m.group("n").replace(",", ""))
                        yield Claim(wording, sentence, m.start(), m.end(), stated, m.span("n"))


def _topic_spans(fmt: Format, sentence: str) -> dict[int, list[tuple[int, int]]]:
    """For each statement with topics: the stretches of the sentence from one of its topic words to
    the next topic word of another statement."""
    found: list[tuple[int, Sentence]] = []
    for section in fmt.statements.values():
        for statement in section:
            for topic in statement.topics:
                start = sentence.find(topic)
                while start >= 0:
                    found.append((start, statement))
                    start = sentence.find(topic, start + 1)
    found.sort(key=lambda item: item[0])
    spans: dict[int, list[tuple[int, int]]] = {}
    end = len(sentence)  # from the right: where the next occurrence of another statement's topic is
    for i in range(len(found) - 1, -1, -1):
        start, statement = found[i]
        if i + 1 < len(found) and found[i + 1][1] is not statement:
            end = found[i + 1][0]
        if i and found[i - 1][1] is statement:
            continue  # within the stretch of the same statement's earlier topic word
        spans.setdefault(id(statement), []).append((start, end))
    return spans


# ---------------------------------------------------------------- findings


@dataclass
class Contradiction:
    """A sentence of the text that states figures of one statement its tables contradict."""

    sentence: str  # whitespace removed, as sentences() gives it
    statement: Sentence | None  # the statement whose figures it states (its drafted form is the fix)
    wrong: list[tuple[Claim, Decimal]]  # each figure it gets wrong, with the table's


def contradictions(fmt: Format, tables: dict, text: str) -> list[Contradiction]:
    """The sentences of `text` that state figures the tables contradict, one per sentence and statement.
    A figure whose cells are blank or unreadable is not compared."""
    found: dict[tuple, Contradiction] = {}
    seen: set[tuple] = set()
    for claim in claims(fmt, text):
        wording = claim.wording
        actual = _actual(wording, tables)
        if actual is None or _agrees(fmt, wording, claim.stated, actual):
            continue
        if (claim.sentence, wording.keys, claim.stated) in seen:
            continue  # the same figure read by two wordings (its statement's and a generic one)
        seen.add((claim.sentence, wording.keys, claim.stated))
        statement = _statement_of(fmt, wording)
        group = (claim.sentence, id(statement) if statement else wording.keys)
        found.setdefault(group, Contradiction(claim.sentence, statement, [])).wrong.append((claim, actual))
    return list(found.values())


def check_narrative(fmt: Format, doc: dict, texts: dict[str, str] | None = None) -> list[Finding]:
    """Findings for the sentences of the report's text that state a figure its tables contradict:
    one per sentence and statement, naming every figure it gets wrong.

    texts: the texts to read, by section key (default: the document's text sections, 一、五、六);
    a table section's key reads drafted or printed sentences of 二–四."""
    tables = doc.get("tables") if isinstance(doc.get("tables"), dict) else {}
    if texts is None:
        raw = doc.get("sections") if isinstance(doc.get("sections"), dict) else {}
        texts = {k: v for k, v in raw.items() if isinstance(v, str)}
    out = []
    for section_key, text in texts.items():
        if isinstance(text, str) and text.strip():
            out += [_finding(fmt, section_key, c, tables) for c in contradictions(fmt, tables, text)]
    return out[:MAX_FINDINGS]


def narrative_rules(fmt: Format) -> frozenset[str]:
    """The rule ids a contradiction between text and tables is reported under (X1, T4-3)."""
    return frozenset({s.rule for section in fmt.statements.values() for s in section}
                     | {rule for rule, *_ in GENERIC})


def fix(fmt: Format, tables: dict, contradiction: Contradiction) -> str:
    """The sentence the tables give for a contradicting one (with its 。), "" when there is none."""
    statement = contradiction.statement
    return (draft_sentence(statement, tables) or "") if statement is not None else ""


def _actual(wording: Wording, tables: dict) -> Decimal | None:
    if any(k not in tables for k in wording.keys):
        return None
    said = Said(wording.keys, PLACE, None, "", (), False, wording.what, wording.kind)
    value = figure_value(said, tables)
    return None if value is None else as_decimal(value)


def _agrees(fmt: Format, wording: Wording, stated: Decimal, actual: Decimal) -> bool:
    if wording.kind == "money":
        return abs(stated - actual) <= fmt.money_tolerance
    return stated == actual


def _statement_of(fmt: Format, wording: Wording) -> Sentence | None:
    """The statement a wording belongs to; for a generic pattern, the one that says the same cells."""
    if wording.sentence is not None:
        return wording.sentence
    return next((s for section in fmt.statements.values() for s in section
                 if any(f.keys == wording.keys for f in s.figures())), None)


def _finding(fmt: Format, section_key: str, contradiction: Contradiction, tables: dict) -> Finding:
    lay = layout(fmt)
    section = next(s for s in fmt.sections if s.key == section_key)
    place = lay.fields.get(f"sections.{section_key}")
    pos = place.pos if place is not None else lay.references.get(section_key)
    found = contradiction.wrong
    first, actual = found[0]
    sentence = contradiction.sentence
    quoted = sentence if len(sentence) <= 90 else _around(sentence, first.start, found[-1][0].end)
    wrong = []
    for claim, value in found:
        w = claim.wording
        stated = "0" if w.zero else figure_text(claim.stated, w.kind)
        wrong.append(f"{w.what}正文为 {stated} {w.unit}，表中为 {figure_text(value, w.kind)} {w.unit}"
                     f"（{_cells_text(lay, w.keys)}）")
    drafted = fix(fmt, tables, contradiction).removesuffix("。")
    message = (f"正文“{section.heading}”说“{quoted}”，与表格不符：{'；'.join(wrong)}。"
               "请核对：表格填错的，改正表格；正文写错的，改正正文中的数字"
               + (f"，或改用按表格生成的表述：“{drafted}”。" if drafted else "。"))
    keys = list(dict.fromkeys(k for claim, _ in found for k in claim.wording.keys))
    return Finding(
        rule=first.wording.rule, severity="warning", message=message,
        sheet=pos.sheet if pos else None, cell=pos.ref if pos else None, key=first.wording.keys[0],
        row_label=section.heading, expected=_json(actual), actual=_json(first.stated),
        cells=[lay.cells[k].qualified.replace("$", "") for k in keys])


def _cells_text(lay, keys: tuple[str, ...]) -> str:
    first = lay.cells[keys[0]]
    refs = [lay.cells[k].ref for k in keys]
    if len(refs) == 1:
        return f"「{first.sheet}」{refs[0]}"
    shown = "、".join(refs[:4]) + ("等" if len(refs) > 4 else "")
    return f"「{first.sheet}」{shown}之和"


def _json(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _around(sentence: str, start: int, end: int, reach: int = 36) -> str:
    """The part of a long sentence around the figure, with … where it is cut."""
    a, b = max(0, start - reach), min(len(sentence), end + reach)
    return ("…" if a else "") + sentence[a:b] + ("…" if b < len(sentence) else "")

