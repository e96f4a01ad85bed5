"""summary.json: the county report document plus the status of every roster agency and all findings.

The same data feeds summary.xlsx, so both always agree.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import __version__
from .consolidate import Compilation, Submission
from .findings import Finding


INDENT_UP_TO = 200


def _sub(sub: Submission) -> dict:
    agency = sub.result.agency or {}
    return {"file": sub.file, "original_name": sub.original_name, "received_at": sub.received_at,
            "sha256": sub.sha256, "code": agency.get("code"), "name": agency.get("name"), "year": sub.result.year,
            "format": sub.result.format, "reason": "; ".join(f.message for f in sub.result.findings
                                                             if f.severity == "error")[:300]}


def _numbers_only(doc: dict | None) -> dict | None:
    """Per-agency figures for next year's cross-year checks; the texts live in the agencies' own files."""
    if doc is None:
        return None
    return {k: doc[k] for k in ("format", "year", "agency", "tables") if k in doc}


def _finding(f: Finding, **where) -> dict:
    return {**where, **f.to_dict()}


def summary_data(comp: Compilation) -> dict:
    reported = sum(s.status != "missing" for s in comp.statuses)
    agencies = []
    findings = []
    for s in comp.statuses:
        sub = s.submission
        agencies.append({
            "code": s.entry.code, "name": s.entry.name, "level": s.entry.level, "group": s.entry.group,
            "status": s.status, "status_label": s.label, "included": s.included,
            "file": sub.file if sub else None, "original_name": sub.original_name if sub else None,
            "received_at": sub.received_at if sub else None,
            "errors": s.count("error"), "warnings": s.count("warning"), "infos": s.count("info"),
            "notes": s.notes, "document": _numbers_only(s.document),
        })
        for f in s.findings:
            findings.append(_finding(f, agency_code=s.entry.code, agency_name=s.entry.name,
                                     file=sub.original_name if sub else None))
    return {
        "generator": f"nianbao {__version__}",
        "format": comp.fmt.id,
        "year": comp.year,
        "report": comp.county,
        "completion": {"roster": len(comp.statuses), "reported": reported,
                       "rate": round(reported / len(comp.statuses), 4) if comp.statuses else 0.0,
                       **{k: v for k, v in comp.counts().items()}},
        "include_errors": comp.include_errors,
        "agencies": agencies,
        "unknown": [_sub(s) for s in comp.unknown],
        "unidentified": [_sub(s) for s in comp.unidentified],
        "superseded": [_sub(s) for s in comp.superseded],
        "findings": findings,
        "county_findings": [f.to_dict() for f in comp.county_findings],
        "bugs": [f.to_dict() for f in comp.bugs],
    }


def write_summary_json(comp: Compilation, path: Path) -> Path:
    # Streamed to the file: a province-sized summary is tens of MB of text, never built in memory.
    # Indented for a county (people read it); compact above that, where the C encoder is 5x faster.
    indent = 1 if len(comp.statuses) <= INDENT_UP_TO else None
    with path.open("w", encoding="utf-8") as fh:
        json.dump(summary_data(comp), fh, ensure_ascii=False, indent=indent)
        fh.write("\n")
    return path
