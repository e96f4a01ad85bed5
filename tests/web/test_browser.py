"""The department and office flows in a real Chromium against the real server; a screenshot of each page.

Screenshots go to tmp_path/shots, or to $NIANBAO_SCREENSHOTS when set (to look at them).
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import openpyxl
import pytest
from browser import chrome, wait_for_download
from live import LiveServer
from web_kit import AGENCIES, PASSWORD, YEAR, workbook, write_roster

pytestmark = pytest.mark.chromium


@pytest.fixture
def served(tmp_path):
    password = tmp_path / "password.txt"
    password.write_text(PASSWORD, encoding="utf-8")
    server = LiveServer(tmp_path / "store", write_roster(tmp_path / "roster.csv"), YEAR, password,
                        "--deadline", "2099-01-31", "--workers", "1")
    try:
        from nianbao.county.roster import load_roster
        from nianbao.web.db import Database
        from nianbao.web.links import make_links

        db = Database(tmp_path / "store" / "web" / "service.sqlite3")
        links = {x["code"]: x["url"] for x in make_links(db, tmp_path / "store" / "web",
                                                         load_roster(tmp_path / "roster.csv"), server.url)}
        db.close()
        yield server, links
    finally:
        server.stop()


def _shots(tmp_path) -> Path:
    folder = Path(os.environ.get("NIANBAO_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _shot(driver, folder: Path, name: str) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, max(900, min(height + 40, 4000)))
    assert driver.save_screenshot(str(folder / f"{name}.png"))


def _click_and_wait(driver, element, done) -> None:
    """Click, then wait until the new page satisfies done(driver): a click returns before the page loads."""
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element("tag name", "html")
    element.click()
    WebDriverWait(driver, 120).until(lambda d: _stale(old) and done(d))


def _stale(element) -> bool:
    from selenium.common.exceptions import StaleElementReferenceException

    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True


def _has(text: str):
    return lambda d: text in d.page_source


def _upload(driver, path: Path, expect: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(path))
    _click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form.upload button"),
                    lambda d: d.find_element(By.CSS_SELECTOR, ".verdict").text == expect)


def test_department_flow(served, tmp_path):
    from selenium.webdriver.common.by import By

    server, links = served
    shots, downloads = _shots(tmp_path), tmp_path / "downloads"
    with chrome(downloads) as driver:
        driver.get(links["A1"])
        assert "测试县第一局" in driver.page_source
        _shot(driver, shots, "1-department-empty")

        before = set()
        driver.find_element(By.PARTIAL_LINK_TEXT, "下载 2021 年度填报模板").click()
        template = wait_for_download(downloads, ".xlsx", before)
        assert "测试县第一局" in template.name
        assert openpyxl.load_workbook(template).sheetnames

        _upload(driver, workbook(tmp_path / "填好的年报.xlsx", broken=True), "有错误")
        findings = driver.find_element(By.CSS_SELECTOR, "table.findings").text
        assert "表三" in findings
        assert "错误" in findings
        _shot(driver, shots, "2-department-error")

        before = {p.name for p in downloads.iterdir()}
        driver.find_element(By.PARTIAL_LINK_TEXT, "下载带批注的副本").click()
        annotated = wait_for_download(downloads, ".xlsx", before)
        assert annotated.name == "填好的年报-批注.xlsx"
        assert "问题清单" in openpyxl.load_workbook(annotated).sheetnames

        _upload(driver, workbook(tmp_path / "改好的年报.xlsx"), "通过")
        rows = driver.find_elements(By.CSS_SELECTOR, "section.card:last-of-type tbody tr")
        assert len(rows) == 2  # both uploads kept in the history
        _shot(driver, shots, "3-department-passed")


def test_office_flow(served, tmp_path):
    from selenium.webdriver.common.by import By

    server, links = served
    shots, downloads = _shots(tmp_path), tmp_path / "downloads"
    with chrome(downloads) as driver:
        driver.get(server.url + "/office")
        assert "/office/login" in driver.current_url
        _shot(driver, shots, "4-office-login")
        driver.find_element(By.NAME, "password").send_keys(PASSWORD)
        _click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form button"), _has("各单位状态"))

        def label(code):
            return driver.find_element(By.CSS_SELECTOR, f'tr[data-code="{code}"] .badge').text

        assert [label(a["code"]) for a in AGENCIES] == ["未报送"] * 3
        _shot(driver, shots, "5-office-empty")
        with httpx.Client(timeout=60) as http:  # two departments report meanwhile
            for code, broken in (("A1", False), ("A2", True)):
                path = workbook(tmp_path / f"{code}.xlsx", code, broken=broken)
                r = http.post(links[code], files={"file": (path.name, path.read_bytes())},
                              headers={"accept": "application/json"})
                assert r.status_code == 200
        driver.refresh()
        assert (label("A1"), label("A2"), label("A3")) == ("通过", "有错误", "未报送")
        assert "<script>" in driver.find_element(By.CSS_SELECTOR, 'tr[data-code="A3"]').text  # shown as text
        _shot(driver, shots, "6-office-status")

        _click_and_wait(driver, driver.find_element(By.LINK_TEXT, "测试县第二局"), _has("退回修改"))
        driver.find_element(By.NAME, "note").send_keys("表三收支不平，请核对后重新上传")
        _click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, 'button[value="returned"]'), _has("已退回"))
        _shot(driver, shots, "7-office-agency-returned")

        driver.get(links["A2"])
        assert "表三收支不平，请核对后重新上传" in driver.page_source
        assert "已退回" in driver.page_source
        _shot(driver, shots, "8-department-returned")

        driver.get(server.url + "/office")
        _click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, 'form[action="/office/compile"] button'),
                        _has("summary.xlsx</a>"))
        link = driver.find_element(By.LINK_TEXT, "summary.xlsx")
        _shot(driver, shots, "9-office-compiled")
        before = {p.name for p in downloads.iterdir()} if downloads.exists() else set()
        link.click()
        summary = wait_for_download(downloads, "summary.xlsx", before)
        book = openpyxl.load_workbook(summary)
        assert book.sheetnames
        text = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None)
        assert "测试县第一局" in text

        driver.get(server.url + "/office/audit")
        assert "审核" in driver.page_source
        assert "上传" in driver.page_source
        _shot(driver, shots, "10-office-audit")
