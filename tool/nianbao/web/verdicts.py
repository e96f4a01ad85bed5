"""What the service makes of a check result: refused or not, the findings it shows, the row it indexes."""

from __future__ import annotations

import json

from nianbao.check.run import CheckResult
from nianbao.county.roster import RosterEntry
from nianbao.county.store import Receipt

REFUSED_DIR = "refused"  # inside the store: one Store per agency for refused workbooks (evidence, never counted)
IDENTITY_RULES = ("WRONG_YEAR", "WRONG_FORMAT")
VERDICT_LABELS = {"ok": "通过", "warning": "有警告", "error": "有错误", "unreadable": "无法读取", "refused": "已拒收"}


def refused_dir(code: str) -> str:
    """A folder name for an agency code: the code itself when it is plain, else its hex ("x-…"; a code that
    itself starts with "x-" too, or code_of_refused_dir would read it as hex)."""
    plain = code and all(c.isascii() and (c.isalnum() or c in "-_") for c in code) and len(code) <= 64 \
        and not code.startswith("x-")
    return code if plain else "x-" + code.encode("utf-8").hex()[:120]


def code_of_refused_dir(name: str) -> str:
    return bytes.fromhex(name[2:]).decode("utf-8") if name.startswith("x-") else name


def refusal(result: CheckResult, entry: RosterEntry) -> dict | None:
    """The finding that makes a workbook another agency's, year's or format's, or None."""
    for f in result.findings:
        if f.rule in IDENTITY_RULES:
            return _finding_dict(f.rule, "error", f.message + "此文件已留存备查，不计入报送。")
    claimed = (result.agency or {}).get("code")
    if claimed and claimed != entry.code:
        other = (result.agency or {}).get("name") or claimed
        return _finding_dict("WRONG_AGENCY", "error",
                             f"这份工作簿是“{other}”（代码 {claimed}）的模板，"
                             f"不是本单位“{entry.name}”（代码 {entry.code}）"
                             "的。请使用本页面下载的本单位模板填报。此文件已留存备查，不计入报送。")
    return None


def _finding_dict(rule, severity, message, sheet=None, cell=None, place=None) -> dict:
    """The API's finding; `place` names the cell's row and column as the table does (for people)."""
    return {"rule": rule, "severity": severity, "message": message, "sheet": sheet, "cell": cell, "place": place}


def findings_of(result: CheckResult) -> list[dict]:
    return [_finding_dict(f.rule, f.severity, f.message, f.sheet, f.cell,
                          " / ".join(x for x in (f.row_label, f.column_label) if x) or None) for f in result.findings
            if f.severity in ("error", "warning")]



def row_of(code: str | None, receipt: Receipt, place: str, status: str, findings: list[dict]) -> dict:
    """A submissions-table row for a receipt of the store (place "store") or of an evidence store ("refused")."""
    return {"agency_code": code, "sha256": receipt.sha256, "place": place, "stored_as": receipt.stored_as,
            "original_name": receipt.original_name, "received_at": receipt.received_at, "status": status,
            "errors": sum(f["severity"] == "error" for f in findings),
            "warnings": sum(f["severity"] == "warning" for f in findings),
            "findings": json.dumps(findings, ensure_ascii=False)}
