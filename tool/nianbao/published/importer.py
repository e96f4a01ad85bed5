"""import_file: one published file → a report document with cell states, provenance and findings.

read → locate → map, each stage's value kept on the result (Imported.stages) for `import --debug`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.findings import Finding
from nianbao.format.document import CONTACT_KEYS
from nianbao.format.spec import Format, all_formats, format_for_year

from .cells import BLANK, label_key, page_number
from .errors import ImportError_
from .locate import Located, locate
from .mapping import Mapped, map_tables
from .model import RawDocument
from .pdf_layout import prose_text
from .settings import ImportSettings
from .solve import cross_year, identities, narrative, narrative_figures
from .title import agency_of, choose_title, year_of
from .values import resolve

BLANK_TEMPLATE = "空白模板，没有数字（三张表格都没有填写任何数字）"

READERS = {".pdf": "pdf", ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html",
           ".docx": "docx", ".txt": "text", ".text": "text"}
_DATE = re.compile(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")

__all__ = ["ImportError_", "Imported", "import_file", "READERS"]


@dataclass
class Imported:
    path: str
    document: dict
    findings: list[Finding]
    stages: dict = field(default_factory=dict)  # raw, located, mapped: for --debug and tests


def sniff(path: Path, data: bytes) -> str | None:
    """The reader for a file: by its first bytes, then by its name."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return None
    low = head[:512].lower()
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<table" in data[:200_000].lower() \
            or b"<p" in low or b"<div" in low:
        return "html"
    return READERS.get(path.suffix.lower(), "text" if data and b"\x00" not in data[:4096] else None)


def read_raw(path: Path, data: bytes, settings: ImportSettings) -> RawDocument:
    kind = sniff(path, data)
    if kind == "pdf":
        from .pdf import read_pdf

        return read_pdf(path, data, settings)
    if kind == "html":
        from .html import read_html

        return read_html(path, data, settings)
    if kind == "docx":
        from .docx import read_docx

        return read_docx(path, data, settings)
    if kind == "text":
        from .text import read_text

        return read_text(path, data, settings)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportError_(path, "这是旧版 Word 97-2003（.doc）或其他 OLE 文件，请在 Word/WPS 中另存为 .docx 后再读取")
    raise ImportError_(path, "无法识别的文件类型：应为 PDF、网页（.html）、Word（.docx）或文本（.txt）")


def import_file(path, settings: ImportSettings | dict | None = None, *, data: bytes | None = None,
                previous: dict | None = None) -> Imported:
    """Read one published report. Raises ImportError_ (Chinese, naming the file) when nothing can be read.

    previous: last year's report document of the same agency, when known: its figures are one more
    constraint for splitting run-together digits (T3-4)."""
    settings = ImportSettings.resolve(settings)
    path = Path(path)
    if data is None:
        try:
            size = path.stat().st_size
            if size > settings.max_bytes:
                raise ImportError_(path, f"文件过大（{size // 1024 // 1024} MB，上限 "
                                         f"{settings.max_bytes // 1024 // 1024} MB），不像一份年度报告")
            data = path.read_bytes()
        except FileNotFoundError:
            raise ImportError_(path, "文件不存在") from None
        except IsADirectoryError:
            raise ImportError_(path, "这是文件夹，不是文件") from None
        except OSError as exc:
            raise ImportError_(path, f"无法读取文件（{exc.strerror or exc}）") from None
    if not data:
        raise ImportError_(path, "文件是空的（0 字节）")
    if len(data) > settings.max_bytes:
        raise ImportError_(path, "文件过大，不像一份年度报告")
    raw = read_raw(path, data, settings)
    return build(path, data, raw, settings, previous)


def build(path: Path, data: bytes, raw: RawDocument, settings: ImportSettings,
          previous: dict | None = None) -> Imported:
    findings = [Finding(rule="IMPORT_UNREAD", severity="warning", message=m) for m in raw.unread]
    title = choose_title(raw)
    year = year_of(title, raw)
    fmt, fmt_findings = _choose_format(raw, year)
    findings += fmt_findings
    located = locate(raw.lines, fmt)
    if not located.sections and not located.tables:
        raise ImportError_(path, "既没有找到年度报告的各部分标题（如“二、主动公开政府信息情况”），也没有找到"
                                 "法定表格的行列标签，不像一份政府信息公开工作年度报告")
    mapped = map_tables(fmt, raw.lines, located, settings)
    agency = agency_of(title, raw)
    sections = _sections(fmt, raw, located, agency)
    constraints = identities(fmt) + narrative(narrative_figures(fmt, sections))
    if previous is not None and previous.get("format") == fmt.id:
        constraints += cross_year(fmt, previous)
    resolve(fmt, mapped, constraints)
    if not mapped.tables:
        blank = sum(1 for s in mapped.states.values() if s.get("state") == BLANK)
        if blank * 2 > len(fmt.cells):
            raise ImportError_(path, BLANK_TEMPLATE)
    findings += mapped.findings
    doc = _document(fmt, year, agency, raw, sections, mapped)
    doc["imported"] = {
        "file": path.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "reader": raw.reader,
        "settings": settings.to_dict(),
        "title": title,
        "findings": [f.to_dict() for f in findings],
    }
    return Imported(str(path), doc, findings, {"raw": raw, "located": located, "mapped": mapped})


def _choose_format(raw: RawDocument, year: int | None) -> tuple[Format, list[Finding]]:
    """By the table shapes (labels only one format prints), else by the report year (rule F2)."""
    text = label_key(" ".join(ln.text for ln in raw.lines))
    formats = list(all_formats().values())
    own: dict[str, set[str]] = {}
    for fmt in formats:
        labels = set()
        for table in fmt.tables:
            for block in table.blocks:
                labels |= {label_key(c.label) for c in block.leaf_columns() if c.label}
                labels |= {label_key(r.label) for r in block.leaf_rows() if r.label}
        own[fmt.id] = labels
    scores = {}
    for fmt in formats:
        others = set().union(*(own[f.id] for f in formats if f is not fmt))
        scores[fmt.id] = sum(1 for lab in own[fmt.id] - others if lab in text)
    by_year = format_for_year(year) if year else None
    best = max(formats, key=lambda f: (scores[f.id], f is by_year, f.year_from))
    findings = []
    if scores[best.id] == 0 and by_year is not None:
        best = by_year
    if year is None:
        findings.append(Finding(rule="IMPORT_NO_YEAR", severity="warning",
                                message=f"标题中没有找到报告年度，按表格样式判断为{best.title}（{best.notice}）。"))
    elif not best.covers(year):
        findings.append(Finding(rule="F2", severity="error" if year >= 2021 else "warning",
                                message=f"{year} 年度报告使用了{best.title}（{best.notice}）的表格，"
                                        f"与该年度适用的格式不符。"))
    return best, findings


def _document(fmt: Format, year: int | None, agency: str, raw: RawDocument, sections: dict, mapped: Mapped) -> dict:
    return {
        "format": fmt.id,
        "year": year if year is not None else fmt.year_from,
        "agency": {"name": agency, "code": agency},
        "contact": {k: "" for k in CONTACT_KEYS},
        "date": _date(raw),
        "sections": sections,
        "tables": {k: mapped.tables[k] for k in fmt.cells if k in mapped.tables},
        "cell_states": {k: mapped.states[k] for k in fmt.cells if k in mapped.states},
        "provenance": {k: mapped.provenance[k] for k in fmt.cells if k in mapped.provenance},
    }


def _date(raw: RawDocument) -> str:
    for line in reversed(raw.lines[-30:]):
        m = _DATE.search(line.text)
        if m:
            return f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日"
    return str(raw.meta.get("发布时间") or "").split(" ")[0]


def _sections(fmt: Format, raw: RawDocument, located: Located, agency: str) -> dict[str, str]:
    """The narrative sections; the last one without the signature (agency, date) and page numbers after it."""
    out = {s.key: _section_text(raw, located, s.key) for s in fmt.text_sections()}
    last = fmt.text_sections()[-1].key
    lines = out[last].split("\n")
    while lines and _tail_line(lines[-1].strip(), agency):
        lines.pop()
    out[last] = "\n".join(lines).strip()
    return out


def _tail_line(text: str, agency: str) -> bool:
    if not text or page_number(text):
        return True
    if _DATE.fullmatch(text.replace(" ", "")):
        return True
    return bool(agency) and text.replace(" ", "") in (agency, f"{agency}（盖章）", f"{agency}(盖章)")


def _section_text(raw: RawDocument, located: Located, key: str) -> str:
    out = ""
    for i in located.lines(key):
        line = raw.lines[i]
        if raw.reader == "text":
            text = "".join(it.text for it in line.items)
        else:
            text = prose_text(line) if raw.reader == "pdf" else line.text
        out += text if (line.joined or not out) else "\n" + text
    return out.strip()
