"""Helpers for the published-report tests: render documents, edit published files, run the audit."""

from __future__ import annotations

import pytest
from factory import valid_document

from nianbao.format.spec import all_formats


@pytest.fixture
def doc2021():
    return valid_document(all_formats()["gov-info-disclosure-2021"], seed=7)


@pytest.fixture
def doc2019():
    return valid_document(all_formats()["gov-info-disclosure-2019"], seed=7)
