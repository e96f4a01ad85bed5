"""audit: import published reports, then check them as printed.

Every statutory rule on the printed figures (check's rules, with blank as 0 and 无法核对 for
unreadable cells), cross-year rules between reports of the same agency in consecutive years
found in the same run (warnings: last year's figures come from a published report), and the
narrative against the tables. One CheckResult per file, as `check` gives.
"""

from __future__ import annotations

from pathlib import Path

from nianbao.check.run import CheckResult, _stats, check_document
from nianbao.findings import Finding
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


def import_one(path, settings: ImportSettings | None = None):
    """(document, import findings) or (None, [the reason it could not be read])."""
    try:
        imported = import_file(path, settings)
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
                                cross_year_severity="warning", file=file)
        if previous is not None:
            result.stats["previous_year"] = previous["year"]
        out.append(result)
    return out


def audit_paths(paths, settings: ImportSettings | None = None, jobs: int = 1) -> list[CheckResult]:
    from nianbao.parallel import run_parallel

    files = published_files(paths)
    read = run_parallel(import_one, files, {"settings": settings}, jobs=jobs, label="读取", prepare=all_formats)
    return audit_documents([(str(f), doc, found) for f, (doc, found) in zip(files, read, strict=True)])
