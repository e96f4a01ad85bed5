"""Drive Debian's chromium through chromium-driver from tests (selenium), never a downloaded browser.

    from browser import chrome
    with chrome(tmp_path / "downloads") as driver: ...

Tests that need it carry @pytest.mark.chromium (registered in pyproject.toml); conftest.py calls
require_chromium() for them: skipped when chromium is absent, except under CI (env CI set), where
a missing browser is a failure. Selenium Manager is never asked for anything: the driver and the
browser are given by path, and SE_OFFLINE keeps it from the network should it run anyway.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from lo import in_ci

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
         "--window-size=1280,1600", "--lang=zh-CN"]


def available() -> bool:
    return os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)


def require_chromium() -> None:
    if available():
        return
    if in_ci():
        pytest.fail(f"chromium and chromium-driver ({CHROMIUM}, {CHROMEDRIVER}) are required under CI")
    pytest.skip("chromium / chromium-driver not installed (under CI this is a failure)")


@contextlib.contextmanager
def chrome(downloads: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"
    downloads.mkdir(parents=True, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="nianbao-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False,
                                              "safebrowsing.enabled": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for_download(folder: Path, suffix: str, before: set[str], timeout: float = 60) -> Path:
    """The new, complete file ending in suffix that appeared in folder."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = [p for p in folder.iterdir() if p.name not in before and p.name.endswith(suffix)]
        if new and not any(p.name.endswith(".crdownload") for p in folder.iterdir()):
            return new[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} download in {folder}: {sorted(p.name for p in folder.iterdir())}")
