"""Helpers for the tests of nianbao.published (a uniquely named module: every test folder has a conftest)."""

from __future__ import annotations

from nianbao.format.spec import all_formats
from nianbao.render import render_document

FORMATS = sorted(all_formats())


def rendered(tmp_path, doc: dict, to: str, name: str = "report", draft: bool = False):
    fmt = all_formats()[doc["format"]]
    return render_document(doc, fmt, to, tmp_path / f"{name}.{to}", draft=draft)


def found(result) -> set[tuple[str, str | None]]:
    """(rule, cell key) of every finding that is not informational."""
    return {(f.rule, f.key) for f in result.findings if f.severity != "info"}
