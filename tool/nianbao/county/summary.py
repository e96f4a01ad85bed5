"""summary.json: the county report document plus the state of every roster agency (verdict, the
office's decision and reason, counted, chased) and all findings with the departments' explanations.

The same data feeds summary.xlsx, so both always agree.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import GeneratorType
from typing import TextIO

from nianbao import __version__
from nianbao.findings import Finding

from .consolidate import Compilation, Submission
from .state import AgencyState, finding_key

INDENT_UP_TO = 200


def _sub(sub: Submission) -> dict:
    agency = sub.result.agency or {}
    return {"file": sub.file, "original_name": sub.original_name, "received_at": sub.received_at,
            "sha256": sub.sha256, "code": agency.get("code"), "name": agency.get("name"), "year": sub.result.year,
            "format": sub.result.format, "reason": "; ".join(f.message for f in sub.result.findings
                                                             if f.severity == "error")[:300]}


def _agency(s: AgencyState) -> dict:
    sub = s.submission
    figures = s.figures
    arrived, latest, decision = s.arrived, s.latest, s.decision
    return {
        "code": s.entry.code, "name": s.entry.name, "level": s.entry.level, "group": s.entry.group,
        "status": s.status, "status_label": s.label, "included": s.included, "due": s.due,
        "file": sub.file if sub else None, "original_name": arrived.name if arrived else None,
        "received_at": arrived.at if arrived else None, "sha256": sub.sha256 if sub else None,
        # The office's decision on that file (state.py rule 5) and the last file received, usable or not.
        "review": s.review or None, "review_label": s.review_label or None,
        "decision": {"kind": decision.kind, "note": decision.note, "actor": decision.actor, "at": decision.at}
        if decision else None,
        "latest": {"original_name": latest.name, "received_at": latest.at, "sha256": latest.sha256,
                   "current": latest.role in ("current", "earlier"), "why": latest.why} if latest else None,
        "errors": s.count("error"), "warnings": s.count("warning"), "infos": s.count("info"), "notes": s.notes,
        # The figures, for next year's cross-year checks; the texts live in the agencies' own files.
        "document": figures.document() if figures is not None else None,
    }


def _finding(f: Finding, **where) -> dict:
    return {**where, **f.to_dict()}


def _findings(comp: Compilation) -> Iterator[dict]:
    for s in comp.statuses:
        shown = s.arrived or s.latest
        for f in s.findings:
            said = s.explanation(f)
            yield _finding(f, agency_code=s.entry.code, agency_name=s.entry.name,
                           file=shown.name if shown else None, finding_key=finding_key(f),
                           explanation={"text": said.note, "actor": said.actor, "at": said.at} if said else None)


def _county_finding(comp: Compilation, f: Finding) -> dict:
    """A finding of the county tables, with the counted reports behind it: each one's review, the
    department's explanation of its own finding and the office's reason (Compilation.causes)."""
    causes = []
    for s, own in comp.causes(f):
        said = s.explanation(own)
        causes.append({"agency_code": s.entry.code, "agency_name": s.entry.name, "review": s.review or None,
                       "review_label": s.review_label or None, "finding_key": finding_key(own),
                       "explanation": said.note if said else None,
                       "reason": s.decision.note if s.decision is not None and s.decision.note else None})
    return {**f.to_dict(), "causes": causes}


def summary_data(comp: Compilation) -> dict:
    """summary.json's content. The two lists that grow with the roster (agencies, findings) are
    generators, so that each item exists only while it is written."""
    reported = sum(s.status != "missing" for s in comp.statuses)
    return {
        "generator": f"nianbao {__version__}",
        "format": comp.fmt.id,
        "year": comp.year,
        "report": comp.county,
        "completion": {"roster": len(comp.statuses), "reported": reported,
                       "rate": round(reported / len(comp.statuses), 4) if comp.statuses else 0.0,
                       **{k: v for k, v in comp.counts().items()}},
        "include_errors": comp.include_errors,
        "agencies": (_agency(s) for s in comp.statuses),
        "unknown": [_sub(s) for s in comp.unknown],
        "unidentified": [_sub(s) for s in comp.unidentified],
        "superseded": [_sub(s) for s in comp.superseded],
        "rejected": [_sub(s) for s in comp.rejected],  # failed the issuer's signature check, never counted
        "unusable": [_sub(s) for s in comp.unusable],  # a roster agency's, but another year/format/agency's
        "findings": _findings(comp),
        "county_findings": [_county_finding(comp, f) for f in comp.county_findings],
        "bugs": [f.to_dict() for f in comp.bugs],
    }


def write_summary_json(comp: Compilation, path: Path) -> Path:
    # Indented for a county (people read it); compact above that, where the C encoder is 5x faster.
    indent = 1 if len(comp.statuses) <= INDENT_UP_TO else None
    with path.open("w", encoding="utf-8") as fh:
        dump_streaming(summary_data(comp), fh, indent=indent)
        fh.write("\n")
    return path


def dump_streaming(data: dict, fh: TextIO, *, indent: int | None) -> None:
    """json.dump(data, fh, ensure_ascii=False, indent=indent), byte for byte, except that a generator
    value is written as a list one item at a time: a province-sized summary is never built in memory.

    Every other value, and every item, is encoded whole and re-indented for its depth (the
    encoder never puts a raw line break inside a JSON string, so the text's line breaks are
    exactly its indentation points).
    """
    encoder = json.JSONEncoder(ensure_ascii=False, indent=indent)
    item_sep = "," if indent is not None else ", "

    def brk(level: int) -> str:  # what precedes an item at this depth
        return "" if indent is None else "\n" + " " * (indent * level)

    def encode(value, level: int) -> str:
        text = encoder.encode(value)
        return text if indent is None else text.replace("\n", brk(level))

    if not data:
        fh.write("{}")
        return
    fh.write("{")
    for i, (key, value) in enumerate(data.items()):
        fh.write((item_sep if i else "") + brk(1) + encoder.encode(key) + ": ")
        if not isinstance(value, GeneratorType):
            fh.write(encode(value, 1))
            continue
        empty = True
        for item in value:
            fh.write(("[" if empty else item_sep) + brk(2) + encode(item, 2))
            empty = False
        fh.write("[]" if empty else brk(1) + "]")
    fh.write(brk(0) + "}")
