"""audit: import published reports, then check them as printed.

Every statutory rule on the printed figures (check's rules, with blank as 0 and 无法核对 for
unreadable cells), cross-year rules between reports of the same agency in consecutive years
found in the same run (warnings: last year's figures come from a published report), and the
narrative against the tables. One CheckResult per file, as `check` gives.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from nianbao.check.run import CheckResult, _stats, _status, check_document
from nianbao.findings import Finding
from nianbao.format.carried import cross_year_severity
from nianbao.format.spec import all_formats

from .errors import ImportError_
from .importer import READERS, import_file
from .settings import ImportSettings
from .states import state_findings

PUBLISHED_SUFFIXES = tuple(READERS)


def published_files(paths) -> list[Path]:
    """Files as given; inside folders, the files an importer reads (by name), sorted."""
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PUBLISHED_SUFFIXES
                          and not p.name.startswith((".", "~$")))
        else:
            out.append(path)
    return out


def import_one(path, settings: ImportSettings | None = None, previous: dict | None = None):
    """(document, import findings) or (None, [the reason it could not be read])."""
    try:
        imported = import_file(path, settings, previous=previous)
    except ImportError_ as exc:
        return None, [Finding(rule="IMPORT_FAILED", severity="error", message=f"无法读取：{exc.what}。")]
    return imported.document, imported.findings


def audit_documents(items: list[tuple[str, dict | None, list[Finding]]]) -> list[CheckResult]:
    """items: (file, document or None, import findings). Cross-year rules pair reports in the run."""
    by_agency: dict[tuple[str, int], dict] = {}
    for _, doc, _ in items:
        if doc is not None:
            by_agency.setdefault((doc["agency"]["name"], doc["year"]), doc)
    out = []
    for file, doc, found in items:
        if doc is None:
            out.append(CheckResult(file, None, None, None, "unreadable", found, _stats(None, found, None)))
            continue
        previous = by_agency.get((doc["agency"]["name"], doc["year"] - 1))
        result = check_document(doc, previous=previous, prior_findings=found + state_findings(doc),
                                cross_year_severity=cross_year_severity("published"), file=file)
        fmt = all_formats()[doc["format"]]
        result.findings = _blank_totals(fmt, doc, result.findings)  # check_document ran the narrative rules
        result.status = _status(result.findings, True)
        result.stats = _stats(fmt, result.findings, doc)
        if previous is not None:
            result.stats["previous_year"] = previous["year"]
        out.append(result)
    return out


def _blank_totals(fmt, doc: dict, findings: list[Finding]) -> list[Finding]:
    """A broken sum that involves a total printed blank says so: the total was left empty (a blank
    counts as 0 for the rules, and the sum does not hold), not that “0” was printed."""
    states = doc.get("cell_states") or {}
    blank = {k for k, s in states.items() if s.get("state") == "blank" and k in fmt.derived}
    if not blank:
        return findings
    by_anchor = {(inst.rule.id, inst.anchor): inst for inst in fmt.instances}
    out = []
    for f in findings:
        inst = by_anchor.get((f.rule, f.key))
        hit = sorted(k for k in (inst.keys() if inst else []) if k in blank)
        if f.severity != "info" and hit:
            labels = "、".join(f"“{fmt.cells[k].row_label}/{fmt.cells[k].column_label}”" for k in hit[:3])
            f = replace(f, message=f"合计格{labels}印为空白（没有填写），按空白为 0 核对不成立：{f.message}")
        out.append(f)
    return out


def audit_paths(paths, settings: ImportSettings | None = None, jobs: int = 1) -> list[CheckResult]:
    from nianbao.parallel import run_parallel

    files = published_files(paths)
    read = run_parallel(import_one, files, {"settings": settings}, jobs=jobs, label="读取", prepare=all_formats)
    read = with_previous_years(files, read, settings)
    return audit_documents([(str(f), doc, found) for f, (doc, found) in zip(files, read, strict=True)])


def previous_index(docs) -> dict[tuple[str, int], dict]:
    out: dict[tuple[str, int], dict] = {}
    for doc in docs:
        if doc is not None:
            out.setdefault((doc["agency"]["name"], doc["year"]), doc)
    return out


def with_previous_years(files, read, settings=None, previous: dict | None = None):
    """Read again, with last year's report as one more constraint, each report that has unreadable cells
    and whose agency's previous year is in the run (or in `previous`): run-together digits it leaves
    ambiguous may be decided by T3-4 (this year's 上年结转 = last year's 结转下年度)."""
    index = {**(previous or {}), **previous_index(doc for doc, _ in read)}
    out = list(read)
    for n, (path, (doc, _)) in enumerate(zip(files, read, strict=True)):
        if doc is None or not any(s.get("state") == "unreadable" for s in (doc.get("cell_states") or {}).values()):
            continue
        prev = index.get((doc["agency"]["name"], doc["year"] - 1))
        if prev is not None:
            out[n] = import_one(path, settings, prev)
    return out
