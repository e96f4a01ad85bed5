"""Shared test setup: LibreOffice-marked tests need soffice (skip locally, fail under CI)."""

from __future__ import annotations

import lo


def pytest_runtest_setup(item):
    if item.get_closest_marker("libreoffice"):
        lo.require_soffice()
