"""Consolidate many checked reports into a county summary: status, sums, cross-year checks.

Submissions are matched to the roster by the agency code in each workbook's identity,
never by file name. The newest submission per agency counts; older ones are listed. With
an issuer secret, only submissions the issuer's MAC vouches for count and supersede each
other; a forged one never displaces a genuine report and is listed as rejected (trust.py).
Names and levels are compared with the roster, and identical figures under two agency
codes are flagged on both.
Only 通过 and 有警告 reports are summed by default. Every rule of the format is linear,
so when every part passes, the sum must pass: a county-level error is a bug, reported
loudly, never hidden.

Of each checked file compile keeps only a Checked (status, findings, identity, figures), so
a province of thousands of reports fits in little memory; the outputs read the figures one
agency at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Any

from nianbao.check import rules
from nianbao.check.run import CheckResult, check_document, check_file, prepare
from nianbao.findings import Finding, worst
from nianbao.format.document import SUM_CONTEXT, as_decimal, compute_derived, new_document, to_json_number
from nianbao.format.figures import Figures
from nianbao.format.layout import layout
from nianbao.format.spec import Format

from .roster import RosterEntry
from .trust import duplicate_figures, pick, rejected_note, roster_findings, verification

STATUS_LABELS = {"missing": "未报送", "error": "有错误", "warning": "有警告", "ok": "通过"}
YOY_KEY = "requests.received.total"
YOY_RATIO = Decimal("0.5")  # a change of more than 50 % …
YOY_MIN = 5  # … and at least this many applications is listed as info
MEMBERS_NAMED = 60  # the overview names this many members; summary.xlsx lists them all


@dataclass(frozen=True, slots=True)
class Checked:
    """What compile keeps of one checked file: check_file's result without the report's texts and cell provenance.

    A province compiles thousands of reports, and every output needs only this of each: its
    status, findings and identity, and its figures (compactly, see format/figures.py).
    """

    status: str  # check's own: ok | warning | error | unreadable
    findings: tuple[Finding, ...]
    agency: dict | None
    format: str | None
    year: int | None
    figures: Figures | None = None  # None: the file gave no report document
    verified: bool | None = None  # the issuer MAC vouches for it; None: checked without a secret

    @classmethod
    def of(cls, result: CheckResult, secret: bytes | None = None) -> Checked:
        """secret: the one the file was checked with; it decides `verified`."""
        doc = result.document
        verified, extra = verification(result, secret)
        status = result.status if result.status == "unreadable" or not extra else "error"
        return cls(status, (*result.findings, *extra), result.agency, result.format, result.year,
                   Figures.of(doc) if doc is not None else None, verified)


@dataclass(slots=True)
class Submission:
    file: str
    received_at: str
    result: Checked
    original_name: str = ""
    sha256: str | None = None

    @property
    def code(self) -> str | None:
        return (self.result.agency or {}).get("code") or None


@dataclass(slots=True)
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
    def figures(self) -> Figures | None:
        return self.submission.result.figures if self.submission else None

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
    rejected: list[Submission] = field(default_factory=list)  # failed the issuer's MAC; never counted

    @property
    def included(self) -> list[AgencyStatus]:
        return [s for s in self.statuses if s.included]

    def counts(self) -> dict[str, int]:
        return {k: sum(s.status == k for s in self.statuses) for k in STATUS_LABELS}


def check_for_compile(path, **options) -> Checked:
    """check_file in a worker process; only what compile keeps is sent back."""
    return Checked.of(check_file(path, **options), options.get("secret"))


def gather_paths(paths: list[Path], check_options: dict, check=check_for_compile, jobs: int = 1) -> list[Submission]:
    """Submissions from files; received order is the file's modification time. check returns a Checked."""
    from nianbao.parallel import run_parallel

    ordered = sorted(paths, key=lambda p: (p.stat().st_mtime if p.exists() else 0, p.name))
    results = run_parallel(check, ordered, check_options, jobs=jobs, label="读取", prepare=prepare)
    out = []
    for path, result in zip(ordered, results):
        when = dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone().isoformat(timespec="seconds") \
            if path.exists() else ""
        out.append(Submission(str(path), when, result, path.name))
    return out


def gather_store(store_dir: Path, check_options: dict, check=check_for_compile, jobs: int = 1) -> list[Submission]:
    """Every submission in a store, in the order received. check returns a Checked."""
    from nianbao.parallel import run_parallel

    from .store import Store

    store = Store(store_dir)
    receipts = store.receipts()
    paths = [store.path_of(r) for r in receipts]
    results = run_parallel(check, paths, check_options, jobs=jobs, label="读取", prepare=prepare)
    return [Submission(str(p), r.received_at, res, r.original_name, r.sha256)
            for p, r, res in zip(paths, receipts, results)]


def consolidate(
    fmt: Format,
    year: int,
    roster: list[RosterEntry],
    submissions: list[Submission],
    *,
    agency: dict,
    previous: dict[str, Figures] | None = None,
    previous_county: dict | None = None,
    include_errors: bool = False,
) -> Compilation:
    """previous: last year's figures by agency code (from nianbao, so T3-4 is an error)."""
    by_code: dict[str, list[Submission]] = {}
    unidentified: list[Submission] = []
    for sub in submissions:
        (by_code.setdefault(sub.code, []) if sub.code else unidentified).append(sub)
    roster_codes = {e.code for e in roster}
    unknown = [s for code, subs in by_code.items() if code not in roster_codes for s in subs]
    superseded: list[Submission] = []
    rejected: list[Submission] = []
    statuses: list[AgencyStatus] = []
    for entry in roster:
        subs = by_code.get(entry.code, [])
        if not subs:
            statuses.append(AgencyStatus(entry, "missing"))
            continue
        current, older, forged = pick(subs)
        superseded += older
        rejected += forged
        st = AgencyStatus(entry, "ok", current, list(current.result.findings))
        if len(older) + len(forged) > 0 and current.result.verified:
            st.notes.append(f"共报送 {len(subs)} 份，采用签名核对通过的最新一份（{current.received_at}）")
        elif len(subs) > 1:
            st.notes.append(f"共报送 {len(subs)} 份，采用最新一份（{current.received_at}）")
        if forged:
            st.notes.append(rejected_note(forged))
        st.findings += roster_findings(entry, current.result.agency)
        figures = current.result.figures
        if figures is not None and previous and entry.code in previous:
            prev = previous[entry.code].document()
            cross = rules.evaluate(fmt, figures.tables(), level=figures.agency.get("level"), previous=prev)
            st.findings += [f for f in cross if f.rule in _cross_year_ids(fmt)]
            st.findings += _yoy(fmt, figures.tables(), prev["tables"])
        statuses.append(st)
    copies = duplicate_figures((s.entry, s.figures.format, s.figures.values) for s in statuses
                               if s.figures is not None)
    for st in statuses:
        if st.submission is None:
            continue
        current, figures = st.submission, st.figures
        st.findings += copies.get(st.entry.code, [])
        st.status = _status(current.result, st.findings)
        if figures is None and current.result.findings:  # unreadable, or another year's report (有错误)
            st.notes.append(current.result.findings[0].message.rstrip("。"))
        if current.result.verified is False:
            st.notes.append("下发签名核对不通过，未采用")
        tables = figures.tables() if figures is not None else None
        complete = tables is not None and _summable(fmt, tables)
        st.included = complete and (st.status in ("ok", "warning") or (include_errors and st.status == "error"))
        if current.result.verified is False:
            st.included = False  # --include-errors never counts a report the issuer did not sign
        if st.status == "error" and not st.included and current.result.verified is not False:
            st.notes.append("有错误，未计入汇总" if complete or figures is None
                            else "有未填、无法识别或超出范围的数字，未计入汇总")

    included = [s for s in statuses if s.included]
    county = sum_tables(fmt, year, agency, (s.figures.tables() for s in included), [s.entry for s in included])
    county_result = check_document(county)
    county_findings = list(county_result.findings)
    if previous:
        previous_county, missing_prev = _previous_of_members(previous, included, year)
        if missing_prev:
            county_findings.append(Finding(
                rule="C4", severity="warning",
                message=f"以下单位没有上一年度报告，跨年度核对只比较其余单位：{'、'.join(missing_prev)}。"))
    if previous_county is not None:
        cross = rules.evaluate(fmt, county["tables"], level=agency.get("level"), previous=previous_county,
                               consolidated=True)
        county_findings += [f for f in cross if f.rule in _cross_year_ids(fmt)]
        county_findings += _yoy(fmt, county["tables"], previous_county.get("tables", {}))
    all_clean = all(s.status in ("ok", "warning") for s in statuses if s.included)
    # A sum above a kind's range (a province's figures) is reported, but is no defect of nianbao.
    bugs = [f for f in county_result.findings if f.severity == "error" and f.rule != "CELL_OUT_OF_RANGE"] \
        if all_clean else []
    return Compilation(fmt, year, agency, statuses, county, county_findings, bugs, unknown, unidentified,
                       superseded, include_errors, rejected)


def _summable(fmt: Format, tables: Mapping[str, Any]) -> bool:
    """Every input cell holds a number in its kind's range (so the sum is exact and bounded)."""
    for key in fmt.input_keys():
        value = tables.get(key)
        if value is None or isinstance(value, bool) or not fmt.in_bounds(fmt.cells[key].kind, value):
            return False
    return True


def _previous_of_members(previous: dict[str, Figures], members: list[AgencyStatus], year: int):
    """Last year's county figures over this year's included members (C4: membership may change)."""
    from nianbao.format.spec import get_format

    entries = [m.entry for m in members if m.entry.code in previous]
    missing = [m.entry.name for m in members if m.entry.code not in previous]
    if not entries:
        return None, missing
    fmt = get_format(previous[entries[0].code].format)
    tables = (previous[e.code].tables() for e in entries)
    return sum_tables(fmt, year - 1, {"name": "上年", "code": "PREV"}, tables, entries), missing


def _cross_year_ids(fmt: Format) -> set[str]:
    return {r.id for r in fmt.rules if r.cross_year}


def _status(result: Checked, findings: list[Finding]) -> str:
    if result.status == "unreadable":
        return "error"
    return {"error": "error", "warning": "warning"}.get(worst(findings) or "", "ok")


def percent(part: int | Decimal, whole: int | Decimal) -> str:
    """part of whole for a reader: one decimal (16 of 18 -> 88.9%), none when whole (9 of 18 -> 50%);
    never 100% unless all, never 0% unless none (1 of 10000 -> 0.1%, 9999 of 10000 -> 99.9%)."""
    if not whole:
        return "—"
    exact = Decimal(part) * 100 / Decimal(whole)
    shown = exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if shown >= 100 and exact < 100:
        shown = Decimal("99.9")
    elif shown == 0 and exact > 0:
        shown = Decimal("0.1")
    return f"{shown.normalize():f}%" if shown == shown.to_integral() else f"{shown}%"


def _yoy(fmt: Format, tables: dict, prev_tables: dict) -> list[Finding]:
    """Y-1 (info): applications received changed by more than half, and by at least YOY_MIN, on last year."""
    cur, old = tables.get(YOY_KEY), prev_tables.get(YOY_KEY)
    if cur is None or old is None:
        return []
    change = Decimal(cur) - Decimal(old)
    if abs(change) < YOY_MIN or (old and abs(change) / Decimal(old) <= YOY_RATIO):
        return []
    pct = f"{'增加' if change > 0 else '减少'} {percent(abs(change), Decimal(old))}" if old else "上年为 0"
    pos, cell = layout(fmt).cells[YOY_KEY], fmt.cells[YOY_KEY]
    return [Finding(rule="Y-1", severity="info", sheet=pos.sheet, cell=pos.ref, key=YOY_KEY,
                    row_label=cell.row_label or None, column_label=cell.column_label or None,
                    actual=cur, expected=old,
                    message=f"本年新收政府信息公开申请 {cur} 件，上年 {old} 件（{pct}），变化较大，请确认。")]


def sum_tables(fmt: Format, year: int, agency: dict, tables: Iterable[Mapping[str, Any]],
               members: list[RosterEntry]) -> dict:
    """The consolidated report: every input cell summed, totals derived again.

    tables: the members' tables, read once and one at a time (a generator builds each from its Figures).
    """
    keys = fmt.input_keys()
    sums = dict.fromkeys(keys, Decimal(0))
    with localcontext(SUM_CONTEXT):  # exact, or it raises: never a silently rounded county figure
        for one in tables:
            for key in keys:
                sums[key] += as_decimal(one[key])
    totals = {key: to_json_number(sums[key], fmt.cells[key].kind) for key in keys}
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
