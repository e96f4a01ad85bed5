"""Shared test setup: LibreOffice- and chromium-marked tests need their tool (skip locally, fail under CI)."""

from __future__ import annotations

import os
import time

import browser
import lo
import pytest
from hypothesis import settings

from nianbao import clock

# Under CI every property test draws the same examples in every run, so a run fails for the code it is
# given, never for the examples it happened to draw; locally (and in `make fuzz`) they explore anew.
if os.environ.get("CI"):
    settings.register_profile("ci", derandomize=True, database=None)
    settings.load_profile("ci")


def pytest_runtest_setup(item):
    if item.get_closest_marker("libreoffice"):
        lo.require_soffice()
    if item.get_closest_marker("chromium"):
        browser.require_chromium()


@pytest.fixture(autouse=True)
def _keep_the_configured_zone():
    """A command's --timezone configures the process (nianbao/clock.py): undone after each test."""
    zone, env = clock.zone(), os.environ.get(clock.ENV)
    yield
    clock.configure(zone.key)
    if env is None:
        os.environ.pop(clock.ENV, None)


@pytest.fixture
def utc_server(monkeypatch):
    """The process's local time is UTC, as on a server: nothing nianbao writes or shows may follow it."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
