"""What the office's page says of a compiled county report: publishable or a draft, and what is missing.

The decision is the workflow's (`CountyText.publishable`, what `nianbao compile` prints as
“汇总年报可以发布”); this module only says it, and what to do, in the office's words: the
sections of text still missing, each sentence that contradicts the county tables with the
sentence drafted from them, and the county tables' own rule errors with the accepted reports
that cause them.
"""

from __future__ import annotations


def publication(comp, text, notes: list[str], *, has_contact: bool) -> dict:
    """comp: the Compilation; text: its CountyText (workflow/narrative.py); notes: where the text came from."""
    bug_rules = {b.rule for b in comp.bugs}
    county_errors = [f for f in comp.county_findings if f.severity == "error" and f.rule not in bug_rules]
    with_errors = [s.entry.name for s in comp.included if s.status == "error"]
    sources: dict[str, list[str]] = {}
    for key, where in text.sources.items():
        sources.setdefault(where, []).append(next(s.number for s in comp.fmt.sections if s.key == key))
    return {
        "publishable": bool(text.publishable) and not comp.bugs,
        "date": text.date,
        "missing": list(text.missing),
        "contradictions": [{"section": f.row_label, "message": f.message} for f in text.contradictions],
        "county_errors": {"rules": list(dict.fromkeys(f.rule for f in county_errors)), "causes": with_errors}
        if county_errors else None,
        "sources": [{"where": where, "sections": numbers} for where, numbers in sources.items()],
        "notes": list(notes),
        "contact": has_contact,
    }
