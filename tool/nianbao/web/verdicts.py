"""What the pages show of an agency's state (county/state.py): plain dicts for the HTML pages and their .json twins.

Nothing here decides anything: the verdict, the current file, the office's decision, the
explanations, `included` and `due` are state.py's. This module only says them as the pages
do — file names and times (never a SHA-256 where a person reads), each upload's role and
why, findings with the department's explanation beside each.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from nianbao import clock
from nianbao.county.state import ROLE_LABELS, STATUS_LABELS, AgencyState, Upload, finding_key
from nianbao.findings import Finding

VERDICT_LABELS = {**STATUS_LABELS, "unreadable": "无法读取", "refused": "无法采用"}
SHOWN_SEVERITIES = ("error", "warning")  # infos (e.g. no report of last year to compare with) stay off the pages
IDENTITY_RULES = ("WRONG_YEAR", "WRONG_FORMAT")


def code_name(code: str) -> str:
    """A file name for an agency code (its template, its reminder): the code itself when it is plain, else
    "x-" and its hex — a code that itself starts with "x-" too, so that no plain code takes the name of
    another code's hex (a roster with "A 1" and "x-412031" would share one template file). A code whose hex
    is longer than HEX_CHARS keeps its first 40 bytes' hex and a digest of the whole code: two long codes
    sharing their first 60 bytes (20 Chinese characters) never share a file."""
    if code and not code.startswith("x-") and refused_dir(code) == code:
        return code
    spelled = code.encode("utf-8").hex()
    if len(spelled) <= HEX_CHARS:
        return "x-" + spelled
    return "x-" + spelled[:80] + "-" + hashlib.sha256(code.encode("utf-8")).hexdigest()[:HEX_CHARS - 81]


HEX_CHARS = 120  # a file name of at most 122 characters, within every file system's 255 bytes


def refused_dir(code: str) -> str:
    """The folder the earlier version kept an agency's refused workbooks in (migrate.py reads them)."""
    plain = code and all(c.isascii() and (c.isalnum() or c in "-_") for c in code) and len(code) <= 64
    return code if plain else "x-" + code.encode("utf-8").hex()[:120]


def place_of(f: Finding) -> str | None:
    """The row and column a finding is about, as the table names them (for people)."""
    return " / ".join(x for x in (f.row_label, f.column_label) if x) or None


def finding_view(f: Finding, explanation=None) -> dict:
    """One finding as the API and the pages show it; `key` is its handle for an explanation."""
    out = {"rule": f.rule, "severity": f.severity, "message": f.message, "sheet": f.sheet, "cell": f.cell,
           "place": place_of(f), "key": finding_key(f), "explanation": None}
    if explanation is not None:
        out["explanation"] = {"text": explanation.note, "at": explanation.at, "actor": explanation.actor}
    return out


class Views:
    """The views of one roster state; judged(submission, entry) gives a file's own findings (state.judge)."""

    def __init__(self, judged: Callable, deadline=None):
        self.judged = judged
        self.deadline = deadline

    def on_time(self, at: str | None) -> bool | None:
        return clock.on_time(at, self.deadline)  # the deadline's day in the configured zone

    # -- one file

    def upload_status(self, st: AgencyState, up: Upload) -> str:
        """The verdict of the file of one upload: the agency's own when it is the current file."""
        if up.role in ("current", "earlier"):
            return st.status
        result = up.submission.result
        if up.role == "superseded":
            findings = self.judged(up.submission, st.entry)
            return next((s for s in SHOWN_SEVERITIES if any(f.severity == s for f in findings)), "ok")
        return "unreadable" if result.status == "unreadable" else "refused"

    def upload_findings(self, st: AgencyState, up: Upload) -> list[dict]:
        if up.role in ("current", "earlier"):
            return self.findings(st)
        if up.role == "superseded":
            return [finding_view(f) for f in self.judged(up.submission, st.entry) if f.severity in SHOWN_SEVERITIES]
        own = [finding_view(f) for f in up.submission.result.findings if f.severity in SHOWN_SEVERITIES]
        if self.upload_status(st, up) == "unreadable" and own:
            return own
        message = f"{up.why.rstrip('。')}。这份文件不能作为本单位本年度的报告，已留存备查，不会取代已报送的文件。"
        why = {"rule": _unusable_rule(up, st), "severity": "error", "sheet": None, "cell": None, "place": None,
               "key": None, "explanation": None, "message": message}
        return [why] + [f for f in own if f["rule"] not in IDENTITY_RULES]

    def upload(self, st: AgencyState, up: Upload, *, findings: bool = False) -> dict:
        status = self.upload_status(st, up)
        out = {"sha256": up.sha256, "name": up.name, "at": up.at, "on_time": self.on_time(up.at), "role": up.role,
               "role_label": ROLE_LABELS.get(up.role, ""), "why": up.why, "current": up.role == "current",
               "status": status, "label": VERDICT_LABELS[status],
               "annotatable": status in ("error", "warning") and up.submission.result.figures is not None}
        shown = self.upload_findings(st, up)
        out["errors"] = sum(f["severity"] == "error" for f in shown)
        out["warnings"] = sum(f["severity"] == "warning" for f in shown)
        if findings:
            out["findings"] = shown
        return out

    # -- one agency

    def findings(self, st: AgencyState) -> list[dict]:
        """The current file's findings (compile's, duplicate figures included), each with its explanation."""
        return [finding_view(f, st.explanations.get(finding_key(f))) for f in st.findings
                if f.severity in SHOWN_SEVERITIES]

    def decision(self, st: AgencyState) -> dict | None:
        d = st.decision
        if d is None:
            return None
        return {"kind": d.kind, "label": st.review_label, "note": d.note, "at": d.at, "actor": d.actor}

    def agency(self, st: AgencyState, *, full: bool = False) -> dict:
        e = st.entry
        shown = self.findings(st) if st.current is not None else []
        out = {"code": e.code, "name": e.name, "group": e.group, "email": e.email,
               "status": st.status, "label": st.label, "review": st.review, "review_label": st.review_label,
               "decision": self.decision(st), "included": st.included, "due": st.due, "notes": list(st.notes),
               "errors": sum(f["severity"] == "error" for f in shown),
               "warnings": sum(f["severity"] == "warning" for f in shown),
               "explained": sum(f["explanation"] is not None for f in shown),
               "current": None, "latest": None, "count": len(st.history),
               "unusable": sum(h.role in ("unusable", "forged") for h in st.history)}
        if st.arrived is not None:
            a = st.arrived
            out["current"] = {"sha256": a.sha256, "name": a.name, "at": a.at, "on_time": self.on_time(a.at)}
        if st.latest is not None:
            out["latest"] = self.upload(st, st.latest)
        if full:
            out["findings"] = shown
            out["history"] = [self.upload(st, up) for up in st.history]
        return out

    def verdict(self, st: AgencyState, up: Upload) -> dict:
        """What a department is told of one of its uploads, at once and on its page."""
        own = self.upload(st, up, findings=True)
        at = next((i for i, h in enumerate(st.history) if h is up), len(st.history))
        earlier = next((h for h in st.history[at + 1:] if h.sha256 == up.sha256), None)
        return {"ok": True, "status": own["status"], "label": own["label"], "findings": own.pop("findings"),
                "receipt": {"sha256": up.sha256, "original_name": up.name, "received_at": up.at},
                "role": up.role, "why": up.why, "current": up.role == "current",
                "again": {"name": earlier.name, "at": earlier.at} if earlier else None,
                "duplicate": earlier is not None,
                "agency": {k: v for k, v in self.agency(st).items() if k not in ("latest", "email", "group")}}


def _unusable_rule(up: Upload, st: AgencyState) -> str:
    """The rule a file that cannot stand for the agency broke, as the API names it."""
    result = up.submission.result
    if result.figures is None:
        return result.findings[0].rule if result.findings else "FILE_UNREADABLE"
    if up.submission.code != st.entry.code:
        return "WRONG_AGENCY"
    if result.verified is False:
        return next((f.rule for f in result.findings if f.rule.startswith("HMAC")), "HMAC_MISMATCH")
    return "WRONG_FORMAT"
