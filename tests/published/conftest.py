"""Helpers for the published-report tests: render documents, edit published files, run the audit."""

from __future__ import annotations

import pytest
from factory import valid_document

from nianbao.format.spec import all_formats
from nianbao.render import render_document

FORMATS = sorted(all_formats())


def rendered(tmp_path, doc: dict, to: str, name: str = "report", draft: bool = False):
    fmt = all_formats()[doc["format"]]
    return render_document(doc, fmt, to, tmp_path / f"{name}.{to}", draft=draft)


def found(result) -> set[tuple[str, str | None]]:
    """(rule, cell key) of every finding that is not informational."""
    return {(f.rule, f.key) for f in result.findings if f.severity != "info"}


@pytest.fixture
def doc2021():
    return valid_document(all_formats()["gov-info-disclosure-2021"], seed=7)


@pytest.fixture
def doc2019():
    return valid_document(all_formats()["gov-info-disclosure-2019"], seed=7)
