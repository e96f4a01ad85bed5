"""The county report's own words: sections 一、五、六 and the date, gathered without retyping.

A compiled county report sums the members' tables, but its narrative (总体情况, 存在的主要问题
及改进情况, 其他需要报告的事项) is the county office's own. It comes from, in this order:

1. a file the office writes (`--narrative`: .docx, .md or .txt with the headings 一、 五、 六、);
2. the report the office files like every department (`--narrative-from CODE`: the roster
   code of, say, 县政府办公室; its workbook's text sections are taken as they are).

A section found in neither is missing: the report is then a draft, marked on every page,
and compile names what is missing. A publishable county report never carries a placeholder.

Nor does it carry a figure its tables contradict. Text taken from the office's own report states
the office's figures (“全年新收政府信息公开申请7件”) under county tables of 98: compile reads the
county text against the county tables (check/narrative.py, what `audit` of the published report
does), keeps the report a draft while a sentence contradicts them, names each sentence and
figure, and writes a suggestion — the same text with each such sentence replaced by the one
drafted from the county tables — for the office to review and pass back as --narrative. The
office's words are never changed silently: the suggestion is a separate file.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from nianbao import clock
from nianbao.check.narrative import contradictions, fix, flatten
from nianbao.county.consolidate import Compilation
from nianbao.findings import Finding
from nianbao.format.spec import Format
from nianbao.render.report_text import Draft

MAX_TEXT_BYTES = 2 * 1024 * 1024  # a narrative of a few thousand characters; 2 MB is far beyond any real one
MAX_DOCX_BYTES = 20 * 1024 * 1024
MAX_DOCX_XML_BYTES = 40 * 1024 * 1024  # word/document.xml unpacked: refuse a zip bomb before parsing
_HEADING = re.compile(r"^\s*(?:#+\s*)?([一二三四五六七八九十]+)\s*[、.．]\s*(.*)$")
_DATE_FORMS = (re.compile(r"^\s*(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*$"),
               re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$"))


class NarrativeError(Exception):
    """A narrative file or date the office must fix; the message is Chinese and names the file."""


@dataclass
class CountyText:
    """What the county report says in its own words, where each part came from, and what is missing;
    once compile has judged the report it carries (render/report_text.draft_reason, the one place that
    decides it), whether it is publishable and why not."""

    sections: dict[str, str] = field(default_factory=dict)  # text section key -> text
    sources: dict[str, str] = field(default_factory=dict)  # text section key -> where it came from
    date: str = ""
    missing: list[str] = field(default_factory=list)  # Chinese, e.g. “一、总体情况”
    contradictions: list[Finding] = field(default_factory=list)  # its sentences the county tables contradict
    draft: Draft | None = None  # why the county report is a draft (set when judged)
    judged: bool = False  # draft_reason has been asked about the report these words are in

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def publishable(self) -> bool:
        """Only a judged report is ever publishable: nothing that audit of it would flag, nothing missing."""
        return self.judged and self.draft is None


def chinese_date(text: str | None, today: dt.date | None = None) -> str:
    """The signature date as published (2022年1月20日); accepts 2022-01-20 too. Default: today."""
    if not text:
        day = today or clock.now().date()  # today in the configured zone
        return f"{day.year}年{day.month}月{day.day}日"
    for form in _DATE_FORMS:
        match = form.match(text)
        if match:
            try:
                day = dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                break
            return f"{day.year}年{day.month}月{day.day}日"
    raise NarrativeError(f"日期“{text}”无法识别，请写成 2022-01-20 或 2022年1月20日")


def _decode(data: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NarrativeError(f"文字说明文件 {path} 的编码无法识别，请另存为 UTF-8 文本或 .docx")


def _docx_lines(path: Path) -> list[str]:
    import docx

    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("word/document.xml")
            if info.file_size > MAX_DOCX_XML_BYTES:
                raise NarrativeError(f"文字说明文件 {path} 的正文过大（解压后 {info.file_size // 2**20} MB），"
                                     "请精简后重试")
        word = docx.Document(str(path))
    except NarrativeError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise NarrativeError(f"文字说明文件 {path} 不是有效的 Word 文档（.docx）：{exc}") from None
    return [p.text for p in word.paragraphs]


def read_lines(path: Path) -> list[str]:
    """The lines of a narrative file: a .docx paragraph by paragraph, a .md/.txt line by line."""
    suffix = path.suffix.lower()
    if suffix not in (".docx", ".md", ".txt"):
        hint = "，请在 Word/WPS 中另存为 .docx" if suffix in (".doc", ".wps", ".odt", ".rtf") else ""
        raise NarrativeError(f"文字说明文件 {path} 的类型 {suffix or '（无扩展名）'} 不支持："
                             f"可用 .docx、.md 或 .txt{hint}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise NarrativeError(f"无法读取文字说明文件 {path}：{exc.strerror or exc}") from None
    if size > (MAX_DOCX_BYTES if suffix == ".docx" else MAX_TEXT_BYTES):
        raise NarrativeError(f"文字说明文件 {path} 过大（{size // 1024} KB），请只保留一、五、六三部分的文字")
    if suffix == ".docx":
        return _docx_lines(path)
    try:
        return _decode(path.read_bytes(), path).splitlines()
    except OSError as exc:
        raise NarrativeError(f"无法读取文字说明文件 {path}：{exc.strerror or exc}") from None


def split_sections(fmt: Format, lines: list[str]) -> dict[str, str]:
    """Text under each heading 一、… 六、 of the format, by section key; only text sections are kept.

    A line is a heading when its numeral is a later section's than the last heading and what
    follows names that section (its title's first word near the start: 一、总体情况, and as real
    reports word it, 五、政府信息公开工作存在的主要问题及改进措施): so “一、加强领导” inside
    总体情况, or 表三's row “四、结转下年度继续办理”, stays text. Lines before the first heading (a
    title) are left out.
    """
    by_number = {s.number: (i, s) for i, s in enumerate(fmt.sections)}
    texts: dict[str, list[str]] = {}
    current, last = None, -1
    for line in lines:
        match = _HEADING.match(line)
        if match and match.group(1) in by_number:
            index, section = by_number[match.group(1)]
            rest = match.group(2).strip()
            if index > last and (not rest or section.title[:2] in rest[:len(section.title) + 10]):
                current, last = section, index
                continue
        if current is not None and current.table is None:
            texts.setdefault(current.key, []).append(line.rstrip())
    if current is not None and current.key in texts:
        _drop_signature(texts[current.key])
    return {key: "\n".join(lines).strip() for key, lines in texts.items() if "".join(lines).strip()}


def _drop_signature(lines: list[str]) -> None:
    """A file that ends like a report (萝北县工业信息科技局 / 2020年12月31日) loses that signature:
    the county report signs itself."""
    def last() -> str:
        while lines and not lines[-1].strip():
            lines.pop()
        return lines[-1].strip() if lines else ""

    if _DATE_FORMS[1].match(last()):
        lines.pop()
        name = last()
        if name and len(name) <= 30 and not any(mark in name for mark in "。；，！？：,;"):
            lines.pop()


def read_narrative(path: Path, fmt: Format) -> dict[str, str]:
    """Sections 一、五、六 (the format's text sections) of a narrative file, by key."""
    found = split_sections(fmt, read_lines(path))
    if not found:
        names = "、".join(f"“{s.heading}”" for s in fmt.text_sections())
        raise NarrativeError(f"文字说明文件 {path} 中没有找到 {names} 等标题下的文字。"
                             "请每部分以标题开头单独成行（如“一、总体情况”），文字写在标题下面。")
    return found


def member_sections(comp: Compilation, code: str) -> tuple[dict[str, str], str, str]:
    """The text sections of the report a roster agency filed (e.g. 县政府办公室), where, and its date."""
    from nianbao.check.run import check_file

    status = next((s for s in comp.statuses if s.entry.code == code), None)
    if status is None:
        return {}, f"名单中没有单位代码 {code}", ""
    if status.submission is None:
        return {}, f"{status.entry.name}（{code}）尚未报送", ""
    doc = check_file(status.submission.file).document
    texts = doc.get("sections") if isinstance(doc, dict) and isinstance(doc.get("sections"), dict) else {}
    found = {k: v.strip() for k, v in texts.items() if isinstance(v, str) and v.strip()}
    date = doc.get("date") if isinstance(doc, dict) and isinstance(doc.get("date"), str) else ""
    return found, f"{status.entry.name}（{code}）报送的年报", date.strip()


def county_text(comp: Compilation, *, narrative: Path | None = None, narrative_from: str | None = None,
                date: str | None = None, named: bool = True) -> tuple[CountyText, list[str]]:
    """The county report's narrative and date from the office's sources; notes say what was used.

    The date: `date` if given, else the date of the report named by narrative_from, else today.
    """
    text = CountyText()
    notes: list[str] = []
    wanted = comp.fmt.text_sections()
    if narrative is not None:
        for key, value in read_narrative(narrative, comp.fmt).items():
            text.sections[key], text.sources[key] = value, f"文字说明文件 {narrative.name}"
    if narrative_from:
        found, where, filed_date = member_sections(comp, narrative_from)
        if not date and filed_date:
            try:
                text.date = chinese_date(filed_date)
            except NarrativeError:
                notes.append(f"{where}的落款日期“{filed_date}”无法识别，改用今天的日期")
        if not found:
            notes.append(f"{where}，没有可用的文字")
        for section in wanted:
            if section.key not in text.sections and found.get(section.key):
                text.sections[section.key], text.sources[section.key] = found[section.key], where
    text.date = text.date or chinese_date(date)
    if not named:
        text.missing.append("汇总单位名称（--name，用于标题和落款）")
    text.missing += [section.heading for section in wanted if section.key not in text.sections]
    return text, notes


def suggested_text(fmt: Format, tables: dict, sections: dict[str, str]) -> str | None:
    """The county text as a narrative file (headings 一、五、六) with every sentence the tables
    contradict replaced by the sentences drafted from them; None when nothing contradicts them.

    Only lines holding such a sentence are rewritten (their spaces dropped, as the check reads them);
    every other line is kept as it was written."""
    out: list[str] = []
    changed = False
    for section in fmt.text_sections():
        out.append(section.heading)
        for line in sections.get(section.key, "").splitlines():
            by_sentence: dict[str, list[str]] = {}
            for contradiction in contradictions(fmt, tables, line):
                drafted = fix(fmt, tables, contradiction) or f"【请核对：{contradiction.sentence}】"
                replacements = by_sentence.setdefault(contradiction.sentence, [])
                if drafted not in replacements:
                    replacements.append(drafted)
            if not by_sentence:
                out.append(line)
                continue
            flat = flatten(line)
            for sentence, replacements in by_sentence.items():
                flat = flat.replace(sentence, "".join(replacements), 1)
            out.append(flat)
            changed = True
        out.append("")
    return "\n".join(out).rstrip() + "\n" if changed else None
