"""The state of every roster agency, decided once: verdict, current file, the office's decision, counted, chased.

`check`, `collect`, `compile`, `review`, `remind` (and the web pages) call this module; none
keeps its own idea of an agency's state. The rules:

1. Verdict (`judge`). Everything compile says about one file: the file's own check (with the
   issuer-signature verification), its agency name and level against the roster, the
   cross-year rules against that agency's report of last year (with last year's figure in
   the finding; from nianbao's data at the spec's severity, from published reports as
   warnings, an unreadable cell of last year's as 无法核对; none there: PREVIOUS_MISSING),
   and Y-1. Across agencies, identical figures under two codes are flagged on both. The
   status is the worst severity: 有错误 / 有警告 / 通过.
2. Arrivals. Every upload is an arrival with its own name and time (a `sent` event of
   events.jsonl; in a store written before events, its receipt), also when the bytes were
   received before. Arrivals are ordered by time.
3. Attribution. An arrival through an agency's link belongs to that agency; any other
   belongs to the agency code inside the file (none: unidentified).
4. Current file. A file is usable for its agency when it is a readable report of this year
   and format, of that agency, and (with the issuer secret) verified. The current file is the
   latest usable arrival's. An unusable file (unreadable, not a workbook, another year,
   format or agency, forged) is answered and kept, but never becomes current and never
   displaces a usable one; an identical re-upload of an earlier file makes it current again.
   An agency with arrivals but no usable file is 有错误 (only unusable files), never 未报送.
5. Decision. The office's latest decision on the current file (accepted / returned) holds
   while that file is current, and again when it becomes current again. Accepting a file
   with errors needs a reason and covers the errors the office saw: an error found later
   (e.g. last year's data added) reopens it (待重新审核). A new current file is 待审核.
6. Explanations. The department's explanation of a finding is kept with the finding's key
   (rule, place and figures), so it stays with that finding in later files too.
7. Included (counted) = a current file whose figures are complete, not forged, not returned,
   and either 通过/有警告, or 有错误 and accepted with a reason (or compile --include-errors).
8. Due (chased by remind) = 未报送, returned, or 有错误 and not accepted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from nianbao.check import rules
from nianbao.check.run import STATUS_LABELS as CHECK_LABELS
from nianbao.findings import Code, Finding, finding, worst
from nianbao.format.figures import Figures
from nianbao.format.spec import Format, all_formats

from .events import ACCEPTED, DECISIONS, EXPLAINED, RETURNED, SENT, Event, sort_time
from .gather import Checked, Submission
from .last_year import Previous
from .roster import RosterEntry
from .trust import duplicate_figures, rejected_note, roster_findings
from .yoy import yoy

STATUS_LABELS = {"missing": "未报送", **{s: CHECK_LABELS[s] for s in ("error", "warning", "ok")}}  # check's words
REVIEW_LABELS = {"": "", "pending": "待审核", "accepted": "已接收", "accepted_errors": "已接收（附说明）",
                 "returned": "已退回", "reopened": "待重新审核"}
ROLE_LABELS = {"current": "当前采用", "earlier": "与当前文件相同（较早的一次报送）", "superseded": "已被取代",
               "unusable": "无法采用", "forged": "签名核对不通过"}


@dataclass(frozen=True, slots=True)
class Upload:
    """One arrival of a file for an agency, and what became of it."""

    submission: Submission
    at: str  # when it arrived (ISO 8601)
    name: str  # the file name it arrived under
    via: str | None  # the agency whose link it came through; None: collected
    role: str = ""  # current | earlier | superseded | unusable | forged
    why: str = ""  # Chinese: why it is not the current file ("" for the current one)

    @property
    def sha256(self) -> str | None:
        return self.submission.sha256


@dataclass(slots=True)
class AgencyState:
    entry: RosterEntry
    status: str  # missing | error | warning | ok: the verdict of the current file (or of the files received)
    current: Submission | None = None  # the file that stands for the agency
    arrived: Upload | None = None  # the current file's latest arrival (its name and time as sent)
    latest: Upload | None = None  # the last arrival for the agency, usable or not
    history: list[Upload] = field(default_factory=list)  # newest first
    findings: list[Finding] = field(default_factory=list)
    review: str = ""  # "" (nothing to review) | pending | accepted | accepted_errors | returned | reopened
    decision: Event | None = None  # the office's latest decision on the current file
    explanations: dict[str, Event] = field(default_factory=dict)  # finding key -> the department's explanation
    included: bool = False
    due: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def review_label(self) -> str:
        return REVIEW_LABELS[self.review]

    @property
    def submission(self) -> Submission | None:
        return self.current

    @property
    def figures(self) -> Figures | None:
        return self.current.result.figures if self.current else None

    def count(self, severity: str) -> int:
        return sum(f.severity == severity for f in self.findings)

    def explanation(self, f: Finding) -> Event | None:
        return self.explanations.get(finding_key(f))


@dataclass
class RosterState:
    """Every roster agency's state, in roster order, and the files that stand for none of them."""

    agencies: list[AgencyState]
    unknown: list[Submission]  # identified, but not on the roster
    unidentified: list[Submission]  # not readable as any agency's report, and not sent at a link
    superseded: list[Submission]  # usable, but a later usable file is current
    rejected: list[Submission]  # failed the issuer's signature check
    unusable: list[Submission]  # a roster agency's, but not usable (another year or format, unreadable, …)

    def of(self, code: str) -> AgencyState | None:
        return next((s for s in self.agencies if s.entry.code == code), None)

    @property
    def due(self) -> list[AgencyState]:
        return [s for s in self.agencies if s.due]


def finding_key(f: Finding) -> str:
    """A finding's identity for an explanation: rule and place readable, the figures hashed
    (the same rule at the same cell with other figures is another finding)."""
    where = f"@{f.sheet}!{f.cell}" if f.sheet or f.cell else ""
    figures = json.dumps([f.rule, f.sheet, f.cell, f.key, f.actual, f.expected], ensure_ascii=False, default=str)
    return f"{f.rule}{where}#{hashlib.sha256(figures.encode('utf-8')).hexdigest()[:10]}"


def judge(checked: Checked, entry: RosterEntry | None, previous: Previous | None) -> list[Finding]:
    """Everything compile says about one file on its own (rule 1; duplicate figures need the others)."""
    findings = list(checked.findings)
    if entry is not None:
        findings += roster_findings(entry, checked.agency)
    figures = checked.figures
    if figures is not None and previous is not None:
        code = entry.code if entry is not None else (figures.agency.get("code") or None)
        name = entry.name if entry is not None else figures.agency.get("name")
        findings += cross_year(figures, previous, code, name)
    return findings


def cross_year(figures: Figures, previous: Previous, code: str | None, name: str | None = None) -> list[Finding]:
    """The cross-year rules and Y-1 of one report against its agency's report of last year."""
    prev = previous.document_of(code, name)
    if prev is None:
        return [finding(Code.PREVIOUS_MISSING, source=previous.shown)]
    fmt = all_formats()[figures.format]
    tables = figures.tables()
    found = rules.evaluate(fmt, tables, level=figures.agency.get("level"), previous=prev,
                           cross_year_severity=previous.severity)
    ids = cross_year_ids(fmt)
    return [f for f in found if f.rule in ids] + yoy(fmt, tables, prev.get("tables", {}))


def cross_year_ids(fmt: Format) -> set[str]:
    return {r.id for r in fmt.rules if r.cross_year}


def summable(figures: Figures | None) -> bool:
    """Every input cell holds a number in its kind's range (so the sum is exact and bounded)."""
    if figures is None:
        return False
    fmt = all_formats()[figures.format]
    tables = figures.tables()
    for key in fmt.input_keys():
        value = tables.get(key)
        if value is None or isinstance(value, bool) or not fmt.in_bounds(fmt.cells[key].kind, value):
            return False
    return True


def state_of(submissions: Sequence[Submission], roster: Sequence[RosterEntry], *, events: Iterable[Event] = (),
             previous: Previous | None = None, fmt: Format | None = None, include_errors: bool = False,
             memo: dict | None = None) -> RosterState:
    """The state of every roster agency from what was received (submissions: checked files, one per
    distinct file) and the store's events. fmt: the format being collected (None: each file's own).

    memo: a dict a caller keeps between calls over the same files and the same `previous` (the web
    service, after every upload): each file is judged once. The rules are the same with or without it."""
    events = list(events)
    memo = {} if memo is None else memo
    uploads = _arrivals(submissions, events)
    owned: dict[str, list[Upload]] = {}
    unowned: list[Submission] = []
    for up in uploads:
        owner = up.via or up.submission.code
        if owner:
            owned.setdefault(owner, []).append(up)
        else:
            unowned.append(up.submission)
    unidentified = _unique(unowned)
    roster_codes = {e.code for e in roster}
    unknown = _unique(up.submission for code, ups in owned.items() if code not in roster_codes for up in ups)
    decided = _decisions(events)
    out = RosterState([], unknown, unidentified, [], [], [])
    listed: set[tuple[str, int]] = set()  # (role, file): each file once in each list
    for entry in roster:
        st = _agency_once(entry, owned.get(entry.code, []), fmt, previous, memo)
        out.agencies.append(st)
        for up in reversed(st.history):  # in the order received
            kind = {"superseded": out.superseded, "forged": out.rejected, "unusable": out.unusable}.get(up.role)
            if kind is not None and (up.role, id(up.submission)) not in listed and up.submission is not st.current:
                listed.add((up.role, id(up.submission)))
                kind.append(up.submission)
    copies = duplicate_figures((s.entry, s.figures.format, s.figures.values) for s in out.agencies
                               if s.figures is not None)
    for st in out.agencies:
        if st.current is not None:
            st.findings += copies.get(st.entry.code, [])
            st.status = _status(st.findings)
        _decide(st, decided.get(st.entry.code, {}), include_errors, memo)
    return out


def _arrivals(submissions: Sequence[Submission], events: list[Event]) -> list[Upload]:
    """Every arrival in time order: each `sent` event of a received file, or its receipt when it has none."""
    sent: dict[str, list[tuple[int, Event]]] = {}
    for i, e in enumerate(events):
        if e.kind == SENT:
            sent.setdefault(e.sha256, []).append((i, e))
    keyed = []
    for i, sub in enumerate(submissions):
        arrivals = sent.get(sub.sha256) if sub.sha256 else None
        if arrivals:
            keyed += [((sort_time(e.at), 1, n), Upload(sub, e.at, e.original_name or sub.original_name, e.agency_code))
                      for n, e in arrivals]
        else:
            keyed.append(((sort_time(sub.received_at), 0, i), Upload(sub, sub.received_at, sub.original_name, None)))
    keyed.sort(key=lambda k: k[0])
    return [up for _, up in keyed]


def _unique(subs: Iterable[Submission]) -> list[Submission]:
    """Each file once (by identity: one Submission per distinct file), in order."""
    seen: set[int] = set()
    out: list[Submission] = []
    for s in subs:
        if id(s) not in seen:
            seen.add(id(s))
            out.append(s)
    return out


def unusable_reason(sub: Submission, owner: RosterEntry, fmt: Format | None) -> str:
    """Why a file cannot stand for this agency (Chinese), or "" when it can (rule 4)."""
    result = sub.result
    first = result.findings[0].message.rstrip("。") if result.findings else ""
    if result.status == "unreadable":
        return f"无法读取：{first}" if first else "无法读取"
    if result.figures is None:
        return first or "不是可读取的年报"
    code = sub.code
    if code is None:
        return "文件中没有单位代码，无法确定报送单位"
    if code != owner.code:
        other = (result.agency or {}).get("name") or code
        return f"这是“{other}”（代码 {code}）的模板，不是本单位的"
    if fmt is not None and result.figures.format != fmt.id:
        return f"报告格式为 {result.figures.format}，应为 {fmt.id}"
    if result.verified is False:
        mac = next((f.message for f in result.findings if f.rule.startswith("HMAC")), first)
        return f"下发签名核对不通过：{mac.rstrip('。')}" if mac else "下发签名核对不通过"
    return ""


def _judged(memo: dict, sub: Submission, entry: RosterEntry, previous: Previous | None) -> list[Finding]:
    key = ("judge", sub.sha256 or id(sub), entry.code, entry.name, entry.level)
    if key not in memo:
        memo[key] = judge(sub.result, entry, previous)
    return list(memo[key])


def _summable(memo: dict, sub: Submission) -> bool:
    key = ("summable", sub.sha256 or id(sub))
    if key not in memo:
        memo[key] = summable(sub.result.figures)
    return memo[key]


def _agency_once(entry: RosterEntry, ups: list[Upload], fmt: Format | None, previous: Previous | None,
                 memo: dict) -> AgencyState:
    """_agency, or (with a caller's memo) a fresh copy of its result when the agency received nothing since."""
    key = (entry, fmt.id if fmt else None, tuple((id(up.submission), up.at, up.name, up.via) for up in ups))
    agencies = memo.setdefault("agencies", {})
    known = agencies.get(entry.code)
    if known is None or known[0] != key:
        known = agencies[entry.code] = (key, _agency(entry, ups, fmt, previous, memo))
    st = known[1]
    return replace(st, findings=list(st.findings), notes=list(st.notes), history=list(st.history), explanations={})


def _agency(entry: RosterEntry, ups: list[Upload], fmt: Format | None, previous: Previous | None,
            memo: dict) -> AgencyState:
    if not ups:
        return AgencyState(entry, "missing")
    reasons = [unusable_reason(up.submission, entry, fmt) for up in ups]
    usable = [i for i, why in enumerate(reasons) if not why]
    current_i = usable[-1] if usable else None
    current = ups[current_i].submission if current_i is not None else None
    history: list[Upload] = []
    for i, up in enumerate(ups):
        if i == current_i:
            role, why = "current", ""
        elif current is not None and up.submission is current:
            role, why = "earlier", "与当前采用的文件内容相同（较早的一次报送）"
        elif i in usable:
            nxt = ups[next(j for j in usable if j > i)]
            role, why = "superseded", f"已被 {nxt.name}（{nxt.at}）取代"
        elif up.submission.result.verified is False:
            role, why = "forged", reasons[i] or "下发签名核对不通过"
        else:
            role, why = "unusable", reasons[i]
        history.append(Upload(up.submission, up.at, up.name, up.via, role, why))
    history.reverse()
    st = AgencyState(entry, "error", current, history=history, latest=history[0])
    forged = _unique(h.submission for h in history if h.role == "forged")
    if current is None:
        latest = history[0]
        st.findings = list(latest.submission.result.findings) or [_not_ours(latest.submission, entry)]
        st.notes.append(f"只收到无法采用的文件：{latest.why}")
        if forged:
            st.notes.append("下发签名核对不通过，未采用")
        return st
    st.arrived = next(h for h in history if h.role == "current")
    st.findings = _judged(memo, current, entry, previous)
    st.status = _status(st.findings)
    if history[0].role not in ("current", "earlier"):
        st.notes.append(f"最近一次报送的 {history[0].name}（{history[0].at}）无法采用（{history[0].why}），"
                        f"仍采用 {st.arrived.name}（{st.arrived.at}）")
    elif len(history) > 1:
        signed = "签名核对通过的" if current.result.verified else ""
        st.notes.append(f"共报送 {len(history)} 份，采用{signed}最新一份（{st.arrived.at}）")
    if forged:
        st.notes.append(rejected_note(forged))
    return st


def _not_ours(sub: Submission, entry: RosterEntry) -> Finding:
    agency = sub.result.agency or {}
    return finding(Code.WRONG_AGENCY, other=agency.get("name") or agency.get("code") or "其他单位",
                   other_code=agency.get("code") or "", own_name=entry.name, own_code=entry.code)


def _status(findings: list[Finding]) -> str:
    return {"error": "error", "warning": "warning"}.get(worst(findings) or "", "ok")


def _decisions(events: list[Event]) -> dict[str, dict[str, Any]]:
    """code -> {"by_sha": sha -> latest decision, "explained": finding key -> latest explanation}."""
    out: dict[str, dict[str, Any]] = {}
    for e in events:
        if e.kind not in (*DECISIONS, EXPLAINED) or not e.agency_code:
            continue
        mine = out.setdefault(e.agency_code, {"by_sha": {}, "explained": {}})
        if e.kind == EXPLAINED:
            mine["explained"][e.finding] = e
        else:
            mine["by_sha"][e.sha256] = e
    return out


def _decide(st: AgencyState, decided: Mapping[str, Any], include_errors: bool, memo: dict) -> None:
    """Rules 5–8: the review, explanations, included and due of one agency."""
    current = st.current
    if current is None:
        st.due = True
        return
    explained = decided.get("explained", {})
    st.explanations = {k: explained[k] for k in map(finding_key, st.findings) if k in explained}
    decision = decided.get("by_sha", {}).get(current.sha256) if current.sha256 else None
    st.decision = decision
    complete = _summable(memo, current)
    forged = current.result.verified is False
    if decision is None:
        st.review = "pending"
    elif decision.kind == RETURNED:
        st.review = "returned"
    elif st.status != "error":
        st.review = "accepted"
    else:
        errors = {finding_key(f) for f in st.findings if f.severity == "error"}
        covered = bool(decision.note) and errors <= set(decision.covers) and complete and not forged
        st.review = "accepted_errors" if covered else "reopened"
    if st.review == "returned" or not complete or forged:
        st.included = False
    elif st.status in ("ok", "warning"):
        st.included = True
    else:
        st.included = st.review == "accepted_errors" or include_errors
    st.due = st.review == "returned" or (st.status == "error" and st.review != "accepted_errors")
    if st.review == "returned":
        st.notes.append(f"已退回（{decision.note}），未计入汇总" if decision.note else "已退回，未计入汇总")
    elif st.review == "accepted_errors":
        st.notes.append(f"有错误，经审核接收（理由：{decision.note}），计入汇总")
    elif st.review == "reopened":
        st.notes.append("接收后发现新的错误，需重新审核")
    if st.status == "error" and not st.included and st.review != "returned" and not forged:
        st.notes.append("有错误，未计入汇总" if complete else "有未填、无法识别或超出范围的数字，未计入汇总")


def decision_allowed(st: AgencyState, kind: str, note: str) -> str:
    """Why the office may not make this decision on the agency's current file (Chinese), or ""."""
    if st.current is None or not st.current.sha256:
        return f"{st.entry.name}（{st.entry.code}）没有可审核的文件（{st.label}）。"
    if kind == RETURNED and not note:
        return "退回时请写明需要修改的内容（退回意见）。"
    if kind == ACCEPTED and st.status == "error":
        if not note:
            return (f"{st.entry.name} 的报告有 {st.count('error')} 处错误：接收有错误的报告须写明接收理由"
                    "（例如单位的说明已核实），否则请退回修改。")
        if st.current.result.verified is False:
            return "此文件下发签名核对不通过，不能接收。"
        if not summable(st.current.result.figures):
            return "此文件有未填、无法识别或超出范围的数字，无法计入汇总，不能接收，请退回修改。"
    return ""


def decision_event(st: AgencyState, kind: str, note: str, actor: str, at: str) -> Event:
    """The event recording the office's decision on the current file (check decision_allowed first)."""
    covers = tuple(finding_key(f) for f in st.findings if f.severity == "error") if kind == ACCEPTED else ()
    return Event(kind, st.current.sha256, at, actor, st.entry.code, note=note, covers=covers)
