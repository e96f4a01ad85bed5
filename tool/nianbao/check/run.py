"""Check one report — a workbook or a report document — and return one result object.

screen the file (safety) → read it (read) → validate the document (schema) → run the
spec's rules (rules). Every problem on the way is a finding; nothing escapes as an
exception. The terminal report, --json, annotated workbooks and compile all render
this same result.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from nianbao.findings import Code, Finding, finding
from nianbao.format import schema
from nianbao.format.carried import cross_year_severity
from nianbao.format.document import cell_states, number_text
from nianbao.format.layout import layout
from nianbao.format.spec import Format, all_formats
from nianbao.intake.read import read_workbook

from . import rules
from .narrative import check_narrative

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
    annotated: str | None = None  # the annotated copy written by check --annotate

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
        if self.annotated is not None:
            out["annotated"] = self.annotated
        return out

    def add(self, extra: Finding) -> None:
        """One more finding about this file (e.g. from annotating it); status and stats follow."""
        self.findings.append(extra)
        if self.status != "unreadable":
            self.status = _status(self.findings, True)
        for sev in ("error", "warning", "info"):
            self.stats[sev] = sum(f.severity == sev for f in self.findings)

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
    outside = out_of_range(fmt, tables)
    findings += outside
    if outside:  # the rules judge the figures without them: a sum with 10^400 in it says nothing
        tables = {**tables, **{f.key: None for f in outside}}
    already = _explained(fmt, tables, {f.key for f in findings if f.key})
    findings += [f for f in schema.validate(fmt, doc) if f.key is None or f.key not in already]
    agency = doc.get("agency") if isinstance(doc.get("agency"), dict) else {}
    findings += rules.evaluate(fmt, tables, level=agency.get("level"), previous=previous,
                               cross_year_severity=cross_year_severity,
                               consolidated="consolidated" in doc or kind == "summary",
                               states=cell_states(doc))
    findings += check_narrative(fmt, doc)
    return CheckResult(file, agency or None, fmt.id, doc.get("year"), _status(findings, True), findings,
                       _stats(fmt, findings, doc), doc, kind)


def out_of_range(fmt: Format, tables: dict) -> list[Finding]:
    """CELL_OUT_OF_RANGE for every number outside the range the spec gives its kind (kinds:); a total
    only when its parts are in range (else the part is the place to look)."""
    out = []
    lay = None
    explained: set[str] = set()  # flagged cells, and the totals that include one
    for key, kind, low, high in _range_plan(fmt):
        if explained and key in fmt.derived and any(p in explained for p in fmt.derived[key].parts()):
            explained.add(key)
            continue
        value = tables.get(key)
        if type(value) in (int, float) and low <= value <= high:
            continue  # the common case, without a call
        if value is None or isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            continue  # not a number: the schema says so
        if fmt.in_bounds(kind, value):
            continue
        explained.add(key)
        cell = fmt.cells[key]
        lay = lay or layout(fmt)
        low, high = fmt.bounds[cell.kind]
        pos = lay.cells[key]
        out.append(finding(Code.CELL_OUT_OF_RANGE, sheet=pos.sheet, cell=pos.ref, key=key,
                           row_label=cell.row_label or None, column_label=cell.column_label or None,
                           actual=shown_number(value), low=number_text(low), high=number_text(high),
                           unit=cell.unit, value=shown_number(value)))
    return out


@lru_cache(maxsize=None)
def _range_plan(fmt: Format) -> tuple[tuple[str, str, float, float], ...]:
    """(key, kind, low, high) of every cell, inputs before totals and parts before their totals."""
    return tuple((key, fmt.cells[key].kind, *map(float, fmt.bounds[fmt.cells[key].kind]))
                 for key in (*fmt.input_keys(), *fmt.derived_order()))


def shown_number(value: int | float | Decimal) -> str:
    """A number as a message shows it: in full up to 30 characters, else its head and its length."""
    try:
        text = number_text(value)
    except (ValueError, OverflowError, ArithmeticError):  # NaN or infinity (only from Python callers)
        return str(value)
    if len(text) <= 30:
        return text
    digits = len(text.lstrip("-").split(".")[0])
    return f"{text[:12]}…（共 {digits} 位整数）"


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
    carried: bool = True,
) -> CheckResult:
    """Check a workbook (.xlsx) or a report document (.json).

    previous: last year's report for the cross-year rules. Without it, a workbook issued with last
    year's figures (`template --previous`) is checked against those (carried=False: not; compile
    does so when it has last year's reports itself); figures from a published report make a
    cross-year mismatch a warning.

    Never raises for what a file holds: one file that trips a defect in nianbao (or in a
    library under it) is reported as CHECK_FAILED on that file, and a batch goes on."""
    try:
        return _check_file(Path(path), expect_year=expect_year, expect_format=expect_format, secret=secret,
                           previous=previous, max_bytes=max_bytes, carried=carried)
    except Exception as exc:  # noqa: BLE001 - a per-file safety net; the finding names the defect
        if os.environ.get("NIANBAO_DEBUG"):
            raise
        problem = finding(Code.CHECK_FAILED, what=f"{type(exc).__name__}: {str(exc)[:200]}")
        return CheckResult(str(path), None, None, None, "unreadable", [problem], _stats(None, [problem], None))


def _check_file(path: Path, *, expect_year, expect_format, secret, previous, max_bytes, carried) -> CheckResult:
    from nianbao.intake.safety import DEFAULT_MAX_BYTES, screen

    name = str(path)
    if path.suffix.lower() == ".json" and path.is_file():
        return _check_json(path, previous, expect_year, expect_format, max_bytes or DEFAULT_MAX_BYTES)
    parts: dict[str, bytes] = {}  # screening inflates every part anyway: the reader reuses them
    problem = screen(path, max_bytes=max_bytes or DEFAULT_MAX_BYTES, keep=parts)
    if problem is not None:
        return CheckResult(name, None, None, None, "unreadable", [problem], _stats(None, [problem], None))
    read = read_workbook(path, expect_format=expect_format, expect_year=expect_year, secret=secret, parts=parts)
    if read.fatal or read.document is None:
        fmt_id = read.fmt.id if read.fmt else None
        return CheckResult(name, read.agency, fmt_id, read.year, _refused_status(read.findings), read.findings,
                           _stats(None, read.findings, None), kind=read.kind)
    severity = None
    if previous is None and carried and read.carried is not None:
        previous = read.carried.document()
        severity = cross_year_severity(read.carried.source)
    return check_document(read.document, previous=previous, prior_findings=read.findings, file=name, kind=read.kind,
                          cross_year_severity=severity)


# A report read and identified, but of another year or format than the one being collected: the
# file is fine, the department sent the wrong one. It is 有错误 (to be corrected and sent again)
# everywhere — check, collect and compile — not 无法读取, which is for files nothing can be read from.
WRONG_REPORT = {Code.WRONG_YEAR.name, Code.WRONG_FORMAT.name}


def _refused_status(findings: list[Finding]) -> str:
    return "error" if findings and all(f.rule in WRONG_REPORT for f in findings) else "unreadable"


def _check_json(path: Path, previous, expect_year, expect_format, max_bytes: int) -> CheckResult:
    from nianbao.format.document import MAX_REPORT_BYTES, DocumentError, load_document

    try:
        doc = load_document(path, max_bytes=min(max_bytes, MAX_REPORT_BYTES))
    except OSError as exc:
        problem = finding(Code.FILE_UNREADABLE, what=exc.strerror or type(exc).__name__)
        return CheckResult(str(path), None, None, None, "unreadable", [problem], _stats(None, [problem], None))
    except DocumentError as exc:
        problem = finding(Code.DOCUMENT_REFUSED, what=str(exc))
        return CheckResult(str(path), None, None, None, "unreadable", [problem], _stats(None, [problem], None))
    if isinstance(doc, dict):
        if expect_year is not None and doc.get("year") != expect_year:
            problem = finding(Code.WRONG_YEAR, actual=doc.get("year"), expected=expect_year)
            return CheckResult(str(path), None, doc.get("format"), doc.get("year"), "error", [problem])
        if expect_format is not None and doc.get("format") != expect_format:
            problem = finding(Code.WRONG_FORMAT, actual=doc.get("format"), expected=expect_format,
                              year=doc.get("year"))
            return CheckResult(str(path), None, doc.get("format"), doc.get("year"), "error", [problem])
    kind = "summary" if isinstance(doc, dict) and "consolidated" in doc else "department"
    return check_document(doc, previous=previous, file=str(path), kind=kind)
