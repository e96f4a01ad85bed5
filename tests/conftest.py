"""Shared test setup: LibreOffice- and chromium-marked tests need their tool (skip locally, fail under CI)."""

from __future__ import annotations

import browser
import lo


def pytest_runtest_setup(item):
    if item.get_closest_marker("libreoffice"):
        lo.require_soffice()
    if item.get_closest_marker("chromium"):
        browser.require_chromium()
