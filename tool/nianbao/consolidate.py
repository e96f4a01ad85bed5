"""Consolidate many checked reports into a county summary: status, sums, cross-year checks.

Submissions are matched to the roster by the agency code in each workbook's identity,
never by file name. The newest submission per agency counts; older ones are listed.
Only 通过 and 有警告 reports are summed by default. Every rule of the format is linear,
so when every part passes, the sum must pass: a county-level error is a bug, reported
loudly, never hidden.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from . import rules
from .check import CheckResult, check_document, check_file
from .document import as_decimal, compute_derived, new_document, to_json_number
from .findings import Finding, worst
from .roster import RosterEntry
from .spec import Format, all_formats

STATUS_LABELS = {"missing": "未报送", "error": "有错误", "warning": "有警告", "ok": "通过"}
YOY_KEY = "requests.received.total"
YOY_RATIO = Decimal("0.5")  # a change of more than 50 % …
YOY_MIN = 5  # … and at least this many applications is listed as info
MEMBERS_NAMED = 60  # the overview names this many members; summary.xlsx lists them all


@dataclass
class Submission:
    file: str
    received_at: str
    result: CheckResult
    original_name: str = ""
    sha256: str | None = None

    @property
    def code(self) -> str | None:
        return (self.result.agency or {}).get("code") or None


@dataclass
class AgencyStatus:
    entry: RosterEntry
    status: str  # missing | error | warning | ok
    submission: Submission | None = None
    findings: list[Finding] = field(default_factory=list)
    included: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def document(self) -> dict | None:
        return self.submission.result.document if self.submission else None

    def count(self, severity: str) -> int:
        return sum(f.severity == severity for f in self.findings)


@dataclass
class Compilation:
    fmt: Format
    year: int
    agency: dict
    statuses: list[AgencyStatus]
    county: dict  # the consolidated report document
    county_findings: list[Finding]
    bugs: list[Finding]  # county-level errors although every part passed
    unknown: list[Submission]  # identified, but not on the roster
    unidentified: list[Submission]  # not readable as any agency's report
    superseded: list[Submission]
    include_errors: bool = False

    @property
    def included(self) -> list[AgencyStatus]:
        return [s for s in self.statuses if s.included]

    def counts(self) -> dict[str, int]:
        return {k: sum(s.status == k for s in self.statuses) for k in STATUS_LABELS}


def _lean(result: CheckResult) -> CheckResult:
    """Compile keeps thousands of results: drop what it never uses (cell provenance), and hold each
    table on the spec's own key strings (results coming back from worker processes bring copies)."""
    doc = result.document
    if doc is not None:
        doc.pop("provenance", None)
        fmt = all_formats().get(doc.get("format"))
        if fmt is not None and isinstance(doc.get("tables"), dict):
            doc["tables"] = {key: doc["tables"].get(key) for key in fmt.cells}
    return result


def check_for_compile(path, **options) -> CheckResult:
    """check_file in a worker process, lean before it is sent back."""
    return _lean(check_file(path, **options))


def gather_paths(paths: list[Path], check_options: dict, check=check_for_compile, jobs: int = 1) -> list[Submission]:
    """Submissions from files; received order is the file's modification time."""
    from .cli.common import run_parallel

    ordered = sorted(paths, key=lambda p: (p.stat().st_mtime if p.exists() else 0, p.name))
    results = run_parallel(check, ordered, check_options, jobs=jobs, label="读取")
    out = []
    for path, result in zip(ordered, results):
        when = dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone().isoformat(timespec="seconds") \
            if path.exists() else ""
        out.append(Submission(str(path), when, _lean(result), path.name))
    return out


def gather_store(store_dir: Path, check_options: dict, check=check_for_compile, jobs: int = 1) -> list[Submission]:
    """Every submission in a store, in the order received."""
    from .cli.common import run_parallel
    from .store import Store

    store = Store(store_dir)
    receipts = store.receipts()
    paths = [store.path_of(r) for r in receipts]
    results = run_parallel(check, paths, check_options, jobs=jobs, label="读取")
    return [Submission(str(p), r.received_at, _lean(res), r.original_name, r.sha256)
            for p, r, res in zip(paths, receipts, results)]


def consolidate(
    fmt: Format,
    year: int,
    roster: list[RosterEntry],
    submissions: list[Submission],
    *,
    agency: dict,
    previous: dict[str, dict] | None = None,
    previous_county: dict | None = None,
    include_errors: bool = False,
) -> Compilation:
    """previous: last year's documents by agency code (from nianbao, so T3-4 is an error)."""
    by_code: dict[str, list[Submission]] = {}
    unidentified: list[Submission] = []
    for sub in submissions:
        (by_code.setdefault(sub.code, []) if sub.code else unidentified).append(sub)
    roster_codes = {e.code for e in roster}
    unknown = [s for code, subs in by_code.items() if code not in roster_codes for s in subs]
    superseded: list[Submission] = []
    statuses: list[AgencyStatus] = []
    for entry in roster:
        subs = by_code.get(entry.code, [])
        if not subs:
            statuses.append(AgencyStatus(entry, "missing"))
            continue
        current = subs[-1]
        superseded += subs[:-1]
        st = AgencyStatus(entry, "ok", current, list(current.result.findings))
        if len(subs) > 1:
            st.notes.append(f"共报送 {len(subs)} 份，采用最新一份（{current.received_at}）")
        doc = current.result.document
        if doc is not None and previous and entry.code in previous:
            prev = previous[entry.code]
            cross = rules.evaluate(fmt, doc["tables"], level=(doc["agency"].get("level")), previous=prev)
            st.findings += [f for f in cross if f.rule in _cross_year_ids(fmt)]
            st.findings += _yoy(doc, prev)
        st.status = _status(current.result, st.findings)
        if current.result.status == "unreadable" and current.result.findings:
            st.notes.append(current.result.findings[0].message.rstrip("。"))
        complete = doc is not None and all(doc["tables"].get(k) is not None for k in fmt.input_keys())
        st.included = complete and (st.status in ("ok", "warning") or (include_errors and st.status == "error"))
        if st.status == "error" and not st.included:
            st.notes.append("有错误，未计入汇总" if complete or doc is None else "有未填或无法识别的数字，未计入汇总")
        statuses.append(st)

    included_docs = [s.document for s in statuses if s.included]
    county = sum_documents(fmt, year, agency, included_docs, [s.entry for s in statuses if s.included])
    county_result = check_document(county)
    county_findings = list(county_result.findings)
    if previous:
        previous_county, missing_prev = _previous_of_members(previous, [s for s in statuses if s.included], year)
        if missing_prev:
            county_findings.append(Finding(
                rule="C4", severity="warning",
                message=f"以下单位没有上一年度报告，跨年度核对只比较其余单位：{'、'.join(missing_prev)}。"))
    if previous_county is not None:
        cross = rules.evaluate(fmt, county["tables"], level=agency.get("level"), previous=previous_county,
                               consolidated=True)
        county_findings += [f for f in cross if f.rule in _cross_year_ids(fmt)]
        county_findings += _yoy(county, previous_county)
    all_clean = all(s.status in ("ok", "warning") for s in statuses if s.included)
    bugs = [f for f in county_result.findings if f.severity == "error"] if all_clean else []
    return Compilation(fmt, year, agency, statuses, county, county_findings, bugs, unknown, unidentified,
                       superseded, include_errors)


def _previous_of_members(previous: dict[str, dict], members: list[AgencyStatus], year: int):
    """Last year's county figures over this year's included members (C4: membership may change)."""
    from .spec import get_format

    docs = [previous[m.entry.code] for m in members if m.entry.code in previous]
    missing = [m.entry.name for m in members if m.entry.code not in previous]
    if not docs:
        return None, missing
    fmt = get_format(docs[0]["format"])
    entries = [m.entry for m in members if m.entry.code in previous]
    return sum_documents(fmt, year - 1, {"name": "上年", "code": "PREV"}, docs, entries), missing


def _cross_year_ids(fmt: Format) -> set[str]:
    return {r.id for r in fmt.rules if r.cross_year}


def _status(result: CheckResult, findings: list[Finding]) -> str:
    if result.status == "unreadable":
        return "error"
    return {"error": "error", "warning": "warning"}.get(worst(findings) or "", "ok")


def _yoy(doc: dict, prev: dict) -> list[Finding]:
    cur, old = doc["tables"].get(YOY_KEY), prev.get("tables", {}).get(YOY_KEY)
    if cur is None or old is None:
        return []
    change = Decimal(cur) - Decimal(old)
    if abs(change) < YOY_MIN or (old and abs(change) / Decimal(old) <= YOY_RATIO):
        return []
    pct = f"{'增加' if change > 0 else '减少'} {abs(change) / Decimal(old) * 100:.0f}%" if old else "上年为 0"
    return [Finding(rule="Y-1", severity="info", key=YOY_KEY, actual=cur, expected=old,
                    message=f"本年新收政府信息公开申请 {cur} 件，上年 {old} 件（{pct}），变化较大，请确认。")]


def sum_documents(fmt: Format, year: int, agency: dict, docs: list[dict], members: list[RosterEntry]) -> dict:
    """The consolidated report: every input cell summed, totals derived again."""
    totals: dict = {}
    for key in fmt.input_keys():
        total = sum((as_decimal(d["tables"][key]) for d in docs), Decimal(0))
        totals[key] = to_json_number(total, fmt.cells[key].kind)
    doc = new_document(fmt, year, agency, compute_derived(fmt, totals))
    names = "、".join(m.name for m in members[:MEMBERS_NAMED])
    if len(members) > MEMBERS_NAMED:
        names += f"等{len(members)}个单位"
    county = agency["name"].removesuffix("（汇总）")
    doc["sections"]["overview"] = (
        f"本报告由{county}汇总{len(members)}个单位报送的{year}年度政府信息公开工作年度报告数据生成"
        f"（{names}）。总体情况的文字说明请汇总单位补充。" if members else "")
    doc["consolidated"] = {"members": [{"code": m.code, "name": m.name, "level": m.level or ""} for m in members]}
    return doc
