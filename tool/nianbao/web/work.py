"""The CPU-bound work of the service, as plain functions a worker process runs.

check_stored, annotated_copy, template_file and compile_outputs take and return only
picklable values, so the service runs them in a process pool off the event loop.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from nianbao.check.run import check_file, prepare
from nianbao.county.gather import Checked, check_for_compile

__all__ = ["prepare", "check_stored", "annotated_copy", "template_file", "compile_outputs"]


def check_stored(path: str, options: dict) -> Checked:
    """A file checked exactly as `compile --store` checks it (county/gather.py): what the state is judged on."""
    return check_for_compile(path, **options)


def annotated_copy(path: str, options: dict, out: str, findings: list | None = None) -> str:
    """The annotated copy of a stored workbook at `out` (written whole, then renamed into place).

    findings: what to mark (the state's verdict of the file: cross-year, roster and duplicate
    findings included); None: the file's own check."""
    from nianbao.check.annotate import annotate

    out_path = Path(out)
    if out_path.exists():
        return out
    result = check_file(path, **options)
    if findings is not None:
        result.findings = list(findings)
    with tempfile.TemporaryDirectory(dir=out_path.parent) as tmp:
        made = annotate(Path(path), result, Path(tmp))
        os.replace(made, out_path)
    return out


def template_file(fmt_id: str, year: int, agency: dict, secret: bytes | None, out: str, carried=None) -> str:
    """The agency's template at `out`; carried: last year's figures it carries (format/carried.py), or None."""
    from nianbao.format.spec import get_format
    from nianbao.template.write import write_template

    out_path = Path(out)
    if not out_path.exists():
        with tempfile.TemporaryDirectory(dir=out_path.parent) as tmp:
            made = write_template(get_format(fmt_id), year, agency, Path(tmp) / "t.xlsx", secret=secret,
                                  carried=carried)
            os.replace(made, out_path)
    return out


def compile_outputs(fmt_id: str, year: int, roster_path: str, store: str, out_dir: str, previous: str | None,
                    name: str | None, code: str | None, secret: bytes | None, text: dict | None = None) -> dict:
    """`nianbao compile --store` into out_dir, with the office's county text (text: narrative, narrative_from,
    date, contact as the compile options take them); what the office's page shows of the result."""
    from nianbao.county.roster import load_roster
    from nianbao.format.spec import get_format
    from nianbao.workflow.compile import CompileOptions, compile_reports, gather_county_text, write_outputs

    text = text or {}
    opts = CompileOptions(fmt=get_format(fmt_id), year=year, roster=load_roster(roster_path), out_dir=Path(out_dir),
                          store=Path(store), previous=Path(previous) if previous else None, name=name, code=code,
                          secret=secret, narrative=Path(text["narrative"]) if text.get("narrative") else None,
                          narrative_from=text.get("narrative_from") or None, date=text.get("date") or None,
                          contact=text.get("contact"))
    comp = compile_reports(opts)
    county, notes = gather_county_text(comp, opts)
    written = write_outputs(comp, Path(out_dir), True, county, opts.contact)
    if secret:  # next year's --previous verifies the summaries with the same secret
        from nianbao.county.previous import sign_summary

        for key in ("summary.json", "summary.xlsx"):
            written[f"{key}.hmac"] = sign_summary(written[key], secret)
    from .publication import publication

    return {"files": {k: str(v) for k, v in written.items()}, "counts": comp.counts(), "bugs": len(comp.bugs),
            "included": len(comp.included), "agencies": [_outcome(s) for s in comp.statuses],
            "publication": publication(comp, county, notes, has_contact=opts.contact is not None)}


def _outcome(st) -> dict:
    """What compile decided of one agency, for the office's page: counted or not, and why not."""
    return {"code": st.entry.code, "name": st.entry.name, "status": st.status, "label": st.label,
            "review": st.review, "review_label": st.review_label, "included": st.included, "due": st.due,
            "notes": list(st.notes)}
