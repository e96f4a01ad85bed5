"""What the office's page says of a compiled county report: publishable or a draft, and what is missing.

The decision is the workflow's (`CountyText.publishable`, what `nianbao compile` prints as
“汇总年报可以发布”); this module only says it, and what to do, in the office's words: the
sections of text still missing, each sentence that contradicts the county tables with the
sentence drafted from them, the county tables' own rule errors with the accepted reports that
cause them, and the county's cross-year findings (against last year's summary: shown, for the
office to know, beside the verdict).
"""

from __future__ import annotations


def publication(comp, text, notes: list[str], *, has_contact: bool) -> dict:
    """comp: the Compilation; text: its CountyText (workflow/narrative.py); notes: where the text came from."""
    from nianbao.county.state import cross_year_ids

    bug_rules, cross = {b.rule for b in comp.bugs}, cross_year_ids(comp.fmt)
    county_errors = [f for f in comp.county_findings if f.severity == "error" and f.rule not in bug_rules | cross]
    county_cross = [f for f in comp.county_findings if f.severity in ("error", "warning") and f.rule in cross]
    with_errors = [s.entry.name for s in comp.included if s.status == "error"]
    sources: dict[str, list[str]] = {}
    for key, where in text.sources.items():
        sources.setdefault(where, []).append(next(s.number for s in comp.fmt.sections if s.key == key))
    draft = getattr(text, "draft", None)  # the workflow's reasons, where it gives them (report_text.draft_reason)
    return {
        "publishable": bool(text.publishable) and not comp.bugs,
        "reasons": [reason.text for reason in draft.reasons] if draft is not None else [],
        "date": text.date,
        "missing": list(text.missing),
        "contradictions": [{"section": f.row_label, "message": f.message} for f in text.contradictions],
        "county_errors": {"rules": list(dict.fromkeys(f.rule for f in county_errors)), "causes": with_errors}
        if county_errors else None,
        "cross_year": {"rules": list(dict.fromkeys(f.rule for f in county_cross)), "count": len(county_cross)}
        if county_cross else None,
        "sources": [{"where": where, "sections": numbers} for where, numbers in sources.items()],
        "notes": list(notes),
        "contact": has_contact,
    }
