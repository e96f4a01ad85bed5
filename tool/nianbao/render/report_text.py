"""The wording and content of a published report, shared by the .docx, .html and .md writers.

build_view() turns a report document into a ReportView: the title, the opening
paragraph, the six sections in order (narrative paragraphs, or for 二、三、四 the figures
in words drafted from the tables — format/statements.py — and the statutory table with its
official merged layout and formatted values), the signature, and for a county summary the
list of member units. The writers only draw a view, so the three forms always say the same
thing. draft_reason() says why a report must not be published as it is: the one place that
decides it, for `render`, `compile` and everything that draws a report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Protocol

from nianbao.findings import Finding
from nianbao.format.document import AGENCY_LEVELS, as_decimal
from nianbao.format.drafting import draft_section
from nianbao.format.layout import Grid, GridCell, layout
from nianbao.format.spec import Format, Table

DEFAULT_TITLE = "{agency}{year}年政府信息公开工作年度报告"
DRAFT_MARK = "草稿（未通过校验）"
DRAFT_NOTE = "本报告存在未通过校验的错误，仅供核对，不得作为正式年度报告发布。"
INCOMPLETE_MARK = "草稿（内容待补充）"  # a county report still lacking its own narrative
CONTRADICTION_MARK = "草稿（正文与表格不一致）"  # its words state figures its tables contradict
COUNTY_ERRORS_MARK = "草稿（汇总表未通过校验）"  # the county tables break a rule: reports with errors were counted
DRAFT_LEAD = "本稿仅供核对，不得发布。"  # every draft_reason() note opens with it, then says why and what to do
MISSING_TEXT = "【待补充：{heading}】"  # in a draft only, where a section's text is missing
APPENDIX_HEADING = "附件：汇总单位名单"
MEMBER_COLUMNS = ("序号", "单位名称", "单位代码", "层级")

_NUMERALS = "零一二三四五六七八九十"


class ContactLine(Protocol):
    """The public contact the opening paragraph closes with (contact.Contact)."""

    def sentence(self, agency: str) -> str: ...


class TitleTemplateError(ValueError):
    """The --title-template names a placeholder other than {agency} and {year}, or is malformed."""


@dataclass(frozen=True)
class TableView:
    """One statutory table ready to draw: the official grid plus the text of every value cell."""

    key: str
    caption: str  # e.g. 表二 主动公开政府信息情况 (for screen readers and the md heading)
    grid: Grid
    values: dict[str, str]  # cell key -> formatted value ('' when unknown)
    unit_note: str  # 单位：件（本年收费金额：万元）
    notes: tuple[str, ...]  # printed notes (the corner note of 表三), for forms that cannot show a corner cell

    def text(self, cell: GridCell) -> str:
        return self.values.get(cell.key, "") if cell.role == "value" else cell.text


@dataclass(frozen=True)
class SectionView:
    heading: str  # 一、总体情况
    paragraphs: tuple[str, ...] = ()
    table: TableView | None = None


@dataclass(frozen=True)
class ReportView:
    fmt: Format
    year: int | None
    title: str
    agency: str
    intro: tuple[str, ...]
    sections: tuple[SectionView, ...]
    date: str
    draft: bool = False
    members: tuple[tuple[str, str, str, str], ...] = ()  # (序号, 名称, 代码, 层级) of a county summary
    draft_mark: str = DRAFT_MARK  # what a draft says on every page, and why
    draft_note: str = DRAFT_NOTE
    title_parts: tuple[str, ...] = ()  # the title's lines: the unit, then 2021年政府信息公开工作年度报告

    @property
    def title_lines(self) -> tuple[str, ...]:
        return self.title_parts or (self.title,)


def missing_narrative(doc: dict, fmt: Format) -> list[str]:
    """Headings of the text sections (一、五、六) that say nothing."""
    texts = doc.get("sections") if isinstance(doc.get("sections"), dict) else {}
    return [s.heading for s in fmt.text_sections() if not paragraphs(texts.get(s.key))]


@dataclass(frozen=True)
class DraftReason:
    """One reason a report must not be published: its kind, the mark it puts on every page, and one
    sentence saying what is wrong and what to do."""

    kind: str  # errors | incomplete | contradictions
    mark: str
    text: str
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Draft:
    """Why a report must not be published as it is: every reason, the first one marking the pages."""

    reasons: tuple[DraftReason, ...]

    @property
    def mark(self) -> str:
        return self.reasons[0].mark

    @property
    def note(self) -> str:
        return DRAFT_LEAD + "".join(r.text for r in self.reasons)

    def of(self, kind: str) -> DraftReason | None:
        return next((r for r in self.reasons if r.kind == kind), None)


def draft_reason(doc: dict, fmt: Format, *, missing: Sequence[str] = (), causes: Sequence[str] = (),
                 findings: Sequence[Finding] | None = None) -> Draft | None:
    """Why a report cannot be published as it is, or None: what `nianbao audit` of the published report
    alone would flag, and what a county report lacks. The one place that decides “publishable”.

    - errors: its tables break a rule (a county's, when reports with errors were counted — accepted
      with a reason, or --include-errors; `causes` names them for the note);
    - incomplete: a county report without its own words (一、五、六), or `missing` (e.g. its name);
    - contradictions: its words state a figure its tables contradict (X1/T4-3).
    Warnings on the tables do not block (the office confirms them, as `render` asks); nor do the
    cross-year rules, which need last year's report and which an audit of this report alone never sees.
    findings: the report's check findings when the caller has them (default: checked here).
    """
    from nianbao.check.narrative import narrative_rules
    from nianbao.check.run import check_document

    county = "consolidated" in doc
    if findings is None:
        findings = check_document(doc, kind="summary" if county else "department").findings
    reasons = []
    errors = tuple(f for f in findings if f.severity == "error")
    if errors:
        rules = "、".join(dict.fromkeys(f.rule for f in errors))
        if county:
            named = "、".join(causes[:5]) + (f"等 {len(causes)} 个单位" if len(causes) > 5 else "")
            why = (f"因计入了有错误的报告（{named}），请退回、待单位改正后重新汇总。" if causes
                   else "请核对计入汇总的各单位报告。")
            reasons.append(DraftReason("errors", COUNTY_ERRORS_MARK,
                                       f"全县汇总表有 {len(errors)} 处不满足校验规则（{rules}），{why}", errors))
        else:
            reasons.append(DraftReason("errors", DRAFT_MARK,
                                       f"报告的表格有 {len(errors)} 处错误（{rules}），请改正后重新生成。", errors))
    lacking = list(dict.fromkeys([*missing, *(missing_narrative(doc, fmt) if county else [])]))
    if lacking:
        reasons.append(DraftReason("incomplete", INCOMPLETE_MARK,
                                   f"缺少：{'；'.join(lacking)}。补齐后重新运行 nianbao compile。"))
    said = tuple(f for f in findings if f.rule in narrative_rules(fmt))
    if said:
        where = "、".join(dict.fromkeys(f.row_label for f in said if f.row_label))
        reasons.append(DraftReason("contradictions", CONTRADICTION_MARK,
                                   f"正文有 {len(said)} 处所述数字与表格不一致（{where}），请改正正文或表格，"
                                   "或改用按表格生成的表述后重新生成。", said))
    return Draft(tuple(reasons)) if reasons else None


def with_missing_marked(doc: dict, fmt: Format) -> dict:
    """A copy of doc for drawing a draft: each text section without text says MISSING_TEXT."""
    texts = dict(doc.get("sections") if isinstance(doc.get("sections"), dict) else {})
    for section in fmt.text_sections():
        if not paragraphs(texts.get(section.key)):
            texts[section.key] = MISSING_TEXT.format(heading=section.heading)
    return {**doc, "sections": texts}


def chinese_count(n: int) -> str:
    """1..99 in Chinese numerals (六, 十二, 二十三); larger numbers as digits."""
    if 0 <= n <= 10:
        return _NUMERALS[n]
    if n < 20:
        return "十" + _NUMERALS[n - 10]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _NUMERALS[tens] + "十" + (_NUMERALS[ones] if ones else "")
    return str(n)


def make_title(template: str | None, agency: str, year: object) -> str:
    template = template or DEFAULT_TITLE
    try:
        return template.format(agency=agency, year=year if year is not None else "")
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        raise TitleTemplateError(
            f"标题模板 {template!r} 有误（{exc}）：只能使用 {{agency}}（机构名称）和 {{year}}（年度）") from None


def format_value(value: object, kind: str) -> str:
    """Counts as integers, money with two decimals, None as blank; anything else as it was written."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return clean_text(value)  # only in a --force render of a broken report
    try:
        number = as_decimal(value)
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if kind == "money":
        return f"{number.quantize(Decimal('0.01')):f}"
    if number == number.to_integral_value():
        return f"{number.to_integral_value():f}"
    return f"{number:f}"  # a fractional count: wrong, but show what the report says


def text_width_em(text: str) -> float:
    """Printed width in em: full-width (CJK) characters 1, digits and Latin letters about half."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.5 for ch in text)


def title_parts(title: str, agency: str) -> tuple[str, ...]:
    """The title as printed on two lines, unit first: 萝北县人民政府 / 2021年政府信息公开工作年度报告.

    A title that does not begin with the unit's name (a --title-template such as
    “{year}年度{agency}…”) stays one part; each part is wrapped to the page by wrap_title.
    """
    rest = title[len(agency):].strip() if agency and title.startswith(agency) else ""
    return (agency, rest) if rest else (title,)


# Where a title line may break: after the name of a unit or an administrative level (萝北县 /
# 人民政府办公室), before a word of the report's name (…工作 / 年度报告). Never inside such a word.
_BREAK_AFTER = ("人民政府", "办公室", "办公厅", "委员会", "管理委员会", "管委会", "人民代表大会", "街道办事处",
                "局", "厅", "委", "办", "部", "署", "院", "中心", "省", "自治区", "市", "自治州", "州", "盟",
                "县", "自治县", "区", "旗", "镇", "乡", "街道")
_BREAK_BEFORE = ("政府信息公开", "工作年度报告", "年度报告")
# A one-character level inside a word (萝北县市场监督管理局: not 市/场).
_WORDS = ("市场", "城市", "城乡", "区域", "社区", "部门", "办事", "办公", "委员", "县域", "乡村", "乡镇", "镇村",
          "院校", "州市", "省市", "市县", "区县", "省委", "市委", "县委", "区委")


def wrap_title(line: str, per_line: float) -> list[str]:
    """A title line broken as GB/T 9704 asks (words whole, lines of balanced length), each line
    at most per_line em wide: 黑龙江省鹤岗市萝北县 / 人民政府办公室. Breaks at a unit boundary
    or before a word of the report's name; a line with no such place breaks in the middle."""
    if text_width_em(line) <= per_line or len(line) < 2:
        return [line]
    cuts, strong = set(), set()
    for word in _BREAK_AFTER:
        ends = {m.end() for m in re.finditer(re.escape(word), line)}
        cuts |= ends
        strong |= ends if len(word) > 1 else set()
    for word in _BREAK_BEFORE:
        starts = {m.start() for m in re.finditer(re.escape(word), line)}
        cuts |= starts
        strong |= starts
    inside = {i for word in _BREAK_AFTER + _BREAK_BEFORE + _WORDS for m in re.finditer(re.escape(word), line)
              for i in range(m.start() + 1, m.end())}
    cuts = {c for c in cuts - inside if 0 < c < len(line)}
    fitting = [c for c in cuts if text_width_em(line[:c]) <= per_line and text_width_em(line[c:]) <= per_line]
    if fitting:  # the most even pair, a whole unit name before a bare level (县 / 市); on a tie the
        # shorter line first (a trapezoid, as titles are set)
        def cost(c: int) -> tuple[float, bool]:
            first, second = text_width_em(line[:c]), text_width_em(line[c:])
            return abs(first - second) + (0 if c in strong else 3), first > second

        cut = min(fitting, key=cost)
        return [line[:cut], line[cut:]]
    cut = _middle(line)
    return wrap_title(line[:cut], per_line) + wrap_title(line[cut:], per_line)


def _middle(line: str) -> int:
    """The break nearest the middle, not inside a run of digits or Latin letters where there is another."""
    half = text_width_em(line) / 2

    def splits_word(i: int) -> bool:
        return all(ch.isascii() and ch.isalnum() for ch in line[i - 1:i + 1])

    places = [i for i in range(1, len(line)) if not splits_word(i)] or list(range(1, len(line)))
    return min(places, key=lambda i: abs(text_width_em(line[:i]) - half))


# Characters XML 1.0 (so .docx) cannot hold, and that no reader can see: C0 controls but tab and
# line breaks, lone UTF-16 surrogates, U+FFFE/U+FFFF. Word's manual line break (\x0b) and page
# break (\x0c), pasted into a cell, are line breaks.
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})


def clean_text(text: object) -> str:
    """Text as every renderer can write it: control characters removed, Word's breaks as line breaks."""
    return _INVISIBLE.sub("", str(text).translate(_BREAKS))


def paragraphs(text: object) -> tuple[str, ...]:
    """Narrative text as paragraphs: one per non-blank line, indentation (incl. 全角空格) removed."""
    if not isinstance(text, str):
        return () if text is None else (clean_text(text),)
    return tuple(line.strip() for line in clean_text(text).splitlines() if line.strip())


def is_printed_note(corner: str | None) -> bool:
    """A corner cell that is a printed note, e.g. 表三's （本列数据的勾稽关系为：…）, not a header like 信息内容."""
    return bool(corner) and corner.startswith("（") and corner.endswith("）")


def unit_note(fmt: Format, table: Table) -> str:
    units: dict[str, list[str]] = {}
    for cell in fmt.cells.values():
        if cell.table == table.key:
            label = cell.column.label.split("（")[0]
            names = units.setdefault(cell.unit, [])
            if label not in names:
                names.append(label)
    if not units:
        return ""
    main = "件" if "件" in units else next(iter(units))
    others = "；".join(f"{'、'.join(labels)}：{unit}" for unit, labels in units.items() if unit != main)
    return f"单位：{main}" + (f"（{others}）" if others else "")


def table_view(fmt: Format, table_key: str, tables: dict) -> TableView:
    table = fmt.table(table_key)
    grid = layout(fmt).grids[table_key]
    values = {key: format_value(tables.get(key), cell.kind)
              for key, cell in fmt.cells.items() if cell.table == table_key}
    notes = tuple(b.corner for b in table.blocks if is_printed_note(b.corner))
    return TableView(table_key, f"表{table.number} {table.title}", grid, values, unit_note(fmt, table), notes)


def intro_paragraphs(fmt: Format, year: object, agency: str, contact: ContactLine | None = None) -> tuple[str, ...]:
    """The opening paragraph: on what basis and by whom, the six parts, the statistical period and
    (given a contact) whom the public may ask, as published reports open."""
    parts = "；".join(s.heading for s in fmt.sections)
    if year is not None:
        period = f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
    else:
        period = "本报告中所列数据的统计期限自本年度1月1日起至12月31日止。"
    return (
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）第五十条和"
        f"《{fmt.title}》（{fmt.notice}）要求，由{agency}编制。全文包括{chinese_count(len(fmt.sections))}"
        f"个部分：{parts}。{period}" + (contact.sentence(agency) if contact is not None else ""),
    )


MEMBER_LIST_MAX = 300  # beyond this a printed appendix helps nobody; summary.xlsx lists them all


def consolidated_sentence(agency: str, year: object, count: int) -> str:
    where = "附件" if count <= MEMBER_LIST_MAX else "汇总表（summary.xlsx）的“报送情况”"
    return (f"本报告为{agency}汇总{count}个单位报送的{year}年度政府信息公开工作年度报告而成的汇总报告，"
            f"表中数据为各单位数据之和，汇总单位名单见{where}。")


def _members(doc: dict) -> tuple[tuple[str, str, str, str], ...]:
    consolidated = doc.get("consolidated")
    if not isinstance(consolidated, dict) or not isinstance(consolidated.get("members"), list):
        return ()
    rows = []
    for i, m in enumerate(consolidated["members"], start=1):
        m = m if isinstance(m, dict) else {}
        level = str(m.get("level") or "")
        rows.append((str(i), clean_text(m.get("name") or ""), clean_text(m.get("code") or ""),
                     clean_text(AGENCY_LEVELS.get(level, level))))
    return tuple(rows)


def build_view(doc: dict, fmt: Format, *, draft: bool = False, title_template: str | None = None,
               draft_mark: str | None = None, draft_note: str | None = None,
               contact: ContactLine | None = None) -> ReportView:
    """Everything a published report says, in order, from a report document.

    draft_mark / draft_note replace the default 草稿（未通过校验） wording of a draft; contact
    (the office's public address, telephone…) closes the opening paragraph.
    """
    agency_info = doc.get("agency") if isinstance(doc.get("agency"), dict) else {}
    agency = clean_text(agency_info.get("name") or "")
    year = doc.get("year")
    texts = doc.get("sections") if isinstance(doc.get("sections"), dict) else {}
    tables = doc.get("tables") if isinstance(doc.get("tables"), dict) else {}
    members = _members(doc)
    intro = intro_paragraphs(fmt, year, agency, contact)
    if "consolidated" in doc:
        intro += (consolidated_sentence(agency, year, len(members)),)
    sections = []
    for section in fmt.sections:
        if section.table:  # the figures in words, drafted from the table, open the section
            words = paragraphs(draft_section(fmt, section.key, tables))
            sections.append(SectionView(section.heading, words, table=table_view(fmt, section.table, tables)))
        else:
            sections.append(SectionView(section.heading, paragraphs(texts.get(section.key))))
    date = doc.get("date")
    title = clean_text(make_title(title_template, agency, year))
    return ReportView(
        fmt=fmt, year=year if isinstance(year, int) else None,
        title=title, title_parts=title_parts(title, agency),
        agency=agency, intro=intro, sections=tuple(sections), date=clean_text(date).strip() if date else "",
        draft=draft, members=members if len(members) <= MEMBER_LIST_MAX else (),
        draft_mark=draft_mark or DRAFT_MARK, draft_note=draft_note or DRAFT_NOTE,
    )


# -- flattened labels for forms without merged cells (Markdown, plain text)

def row_path(fmt: Format, key: str) -> str:
    """三、本年度办理结果 / （三）不予公开 / 1.属于国家秘密"""
    return " / ".join(fmt.cells[key].row.path)


def column_path(fmt: Format, key: str) -> str:
    """申请人情况·法人或其他组织·商业企业"""
    return "·".join(fmt.cells[key].column.path)


def column_fractions(grid: Grid) -> list[float]:
    """Relative column widths of a statutory table that fit a portrait A4 page.

    Value columns get what a number and a wrapped two-character header need; the row
    label columns share the rest, the innermost (longest labels) getting most of it.
    """
    values = grid.width - grid.label_cols
    if grid.label_cols == 0:
        return [1 / grid.width] * grid.width
    if grid.label_cols == 1:
        label = 0.28
        return [label] + [(1 - label) / values] * values
    value = min(0.56 / values, 0.13)
    outer = [0.075] + [0.13] * (grid.label_cols - 2)
    inner = 1 - value * values - sum(outer)
    return outer + [inner] + [value] * values
