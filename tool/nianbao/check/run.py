"""Check one report — a workbook or a report document — and return one result object.

screen the file (safety) → read it (read) → validate the document (schema) → run the
spec's rules (rules). Every problem on the way is a finding; nothing escapes as an
exception. The terminal report, --json, annotated workbooks and compile all render
this same result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nianbao.findings import Code, Finding, finding
from nianbao.format import schema
from nianbao.format.document import cell_states
from nianbao.format.spec import Format, all_formats
from nianbao.intake.read import read_workbook

from . import rules

STATUS_LABELS = {"ok": "通过", "warning": "有警告", "error": "有错误", "unreadable": "无法读取"}


@dataclass
class CheckResult:
    file: str | None
    agency: dict | None
    format: str | None
    year: int | None
    status: str  # ok | warning | error | unreadable
    findings: list[Finding]
    stats: dict = field(default_factory=dict)
    document: dict | None = None
    kind: str = "department"

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def to_dict(self, with_document: bool = False) -> dict:
        out = {
            "file": self.file,
            "agency": self.agency,
            "format": self.format,
            "year": self.year,
            "status": self.status,
            "findings": [f.to_dict() for f in self.findings],
            "stats": self.stats,
        }
        if with_document:
            out["document"] = self.document
        return out

    def flatten(self, fields: list[str]) -> list[list]:
        """Findings as rows of the named fields — for tests and scripts."""
        return [[getattr(f, name) for name in fields] for f in self.findings]


def _status(findings: list[Finding], readable: bool) -> str:
    if not readable:
        return "unreadable"
    if any(f.severity == "error" for f in findings):
        return "error"
    if any(f.severity == "warning" for f in findings):
        return "warning"
    return "ok"


def _stats(fmt: Format | None, findings: list[Finding], doc: dict | None) -> dict:
    stats = {sev: sum(f.severity == sev for f in findings) for sev in ("error", "warning", "info")}
    if fmt is not None and doc is not None:
        tables = doc.get("tables", {})
        stats["cells"] = len(fmt.cells)
        stats["filled"] = sum(tables.get(k) is not None for k in fmt.input_keys())
        stats["inputs"] = len(fmt.input_keys())
    return stats


def prepare() -> None:
    """Load what every check needs (formats, layouts, validators, the reader's plans) now.

    Called once before worker processes fork, so each of them starts with it instead of
    building it again."""
    from nianbao.intake.read import warm_up

    for fmt in all_formats().values():
        schema.prepare(fmt)
        warm_up(fmt)


def check_document(
    doc: dict,
    *,
    previous: dict | None = None,
    prior_findings: list[Finding] | None = None,
    cross_year_severity: str | None = None,
    file: str | None = None,
    kind: str = "department",
) -> CheckResult:
    """Schema + rules over a report document; prior_findings come from reading its workbook."""
    findings = list(prior_findings or [])
    fmt = all_formats().get(doc.get("format")) if isinstance(doc, dict) else None
    if fmt is None:
        what = f"未知的报告格式 {doc.get('format')!r}" if isinstance(doc, dict) else "报告数据不是 JSON 对象"
        findings.append(finding(Code.SCHEMA, what=what))
        return CheckResult(file, None, None, None, "unreadable", findings, _stats(None, findings, None), None, kind)
    tables = doc.get("tables") if isinstance(doc.get("tables"), dict) else {}
    already = _explained(fmt, tables, {f.key for f in findings if f.key})
    findings += [f for f in schema.validate(fmt, doc) if f.key is None or f.key not in already]
    agency = doc.get("agency") if isinstance(doc.get("agency"), dict) else {}
    findings += rules.evaluate(fmt, tables, level=agency.get("level"), previous=previous,
                               cross_year_severity=cross_year_severity,
                               consolidated="consolidated" in doc or kind == "summary",
                               states=cell_states(doc))
    return CheckResult(file, agency or None, fmt.id, doc.get("year"), _status(findings, True), findings,
                       _stats(fmt, findings, doc), doc, kind)


def _explained(fmt: Format, tables: dict, keys: set[str]) -> set[str]:
    """The keys with a finding already, plus every total left empty because one of its parts
    has one: "未填写" on a formula cell would send the filler to the wrong place."""
    out = set(keys)
    for key in fmt.derived_order():
        if tables.get(key) is None and any(p in out for p in fmt.derived[key].parts()):
            out.add(key)
    return out


def check_file(
    path: str | Path,
    *,
    expect_year: int | None = None,
    expect_format: str | None = None,
    secret: bytes | None = None,
    previous: dict | None = None,
    max_bytes: int | None = None,
) -> CheckResult:
    """Check a workbook (.xlsx) or a report document (.json)."""
    from nianbao.intake.safety import DEFAULT_MAX_BYTES, screen

    path = Path(path)
    name = str(path)
    if path.suffix.lower() == ".json" and path.is_file():
        return _check_json(path, previous, expect_year, expect_format)
    parts: dict[str, bytes] = {}  # screening inflates every part anyway: the reader reuses them
    problem = screen(path, max_bytes=max_bytes or DEFAULT_MAX_BYTES, keep=parts)
    if problem is not None:
        return CheckResult(name, None, None, None, "unreadable", [problem], _stats(None, [problem], None))
    read = read_workbook(path, expect_format=expect_format, expect_year=expect_year, secret=secret, parts=parts)
    if read.fatal or read.document is None:
        fmt_id = read.fmt.id if read.fmt else None
        return CheckResult(name, read.agency, fmt_id, read.year, "unreadable", read.findings,
                           _stats(None, read.findings, None), kind=read.kind)
    return check_document(read.document, previous=previous, prior_findings=read.findings, file=name, kind=read.kind)


def _check_json(path: Path, previous, expect_year, expect_format) -> CheckResult:
    import json

    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        problem = finding(Code.FILE_NOT_XLSX, what=f"JSON 无法解析：{exc}")
        return CheckResult(str(path), None, None, None, "unreadable", [problem], _stats(None, [problem], None))
    if isinstance(doc, dict):
        if expect_year is not None and doc.get("year") != expect_year:
            problem = finding(Code.WRONG_YEAR, actual=doc.get("year"), expected=expect_year)
            return CheckResult(str(path), None, doc.get("format"), doc.get("year"), "unreadable", [problem])
        if expect_format is not None and doc.get("format") != expect_format:
            problem = finding(Code.WRONG_FORMAT, actual=doc.get("format"), expected=expect_format,
                              year=doc.get("year"))
            return CheckResult(str(path), None, doc.get("format"), doc.get("year"), "unreadable", [problem])
    kind = "summary" if isinstance(doc, dict) and "consolidated" in doc else "department"
    return check_document(doc, previous=previous, file=str(path), kind=kind)
