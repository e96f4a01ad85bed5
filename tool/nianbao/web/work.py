"""The CPU-bound work of the service, as plain functions a worker process runs.

check_upload, annotated_copy, template_file and compile_outputs take and return only
picklable values, so the service runs them in a process pool off the event loop.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from nianbao.check.run import CheckResult, check_file, prepare

__all__ = ["prepare", "check_upload", "annotated_copy", "template_file", "compile_outputs"]


def check_upload(path: str, options: dict) -> CheckResult:
    """check_file without the report document (the service keeps the findings, not the figures)."""
    result = check_file(path, **options)
    result.document = None
    return result


def annotated_copy(path: str, options: dict, out: str) -> str:
    """The annotated copy of a stored workbook at `out` (written whole, then renamed into place)."""
    from nianbao.check.annotate import annotate

    out_path = Path(out)
    if out_path.exists():
        return out
    result = check_file(path, **options)
    with tempfile.TemporaryDirectory(dir=out_path.parent) as tmp:
        made = annotate(Path(path), result, Path(tmp))
        os.replace(made, out_path)
    return out


def template_file(fmt_id: str, year: int, agency: dict, secret: bytes | None, out: str) -> str:
    from nianbao.format.spec import get_format
    from nianbao.template.write import write_template

    out_path = Path(out)
    if not out_path.exists():
        with tempfile.TemporaryDirectory(dir=out_path.parent) as tmp:
            made = write_template(get_format(fmt_id), year, agency, Path(tmp) / "t.xlsx", secret=secret)
            os.replace(made, out_path)
    return out


def compile_outputs(fmt_id: str, year: int, roster_path: str, store: str, out_dir: str, previous: str | None,
                    name: str | None, code: str | None, secret: bytes | None) -> dict:
    """`nianbao compile --store` into out_dir; returns the written files and the counts."""
    from nianbao.county.roster import load_roster
    from nianbao.format.spec import get_format
    from nianbao.workflow.compile import CompileOptions, compile_reports, write_outputs

    opts = CompileOptions(fmt=get_format(fmt_id), year=year, roster=load_roster(roster_path), out_dir=Path(out_dir),
                          store=Path(store), previous=Path(previous) if previous else None, name=name, code=code,
                          secret=secret)
    comp = compile_reports(opts)
    written = write_outputs(comp, Path(out_dir))
    return {"files": {k: str(v) for k, v in written.items()}, "counts": comp.counts(), "bugs": len(comp.bugs),
            "included": len(comp.included)}
