"""The department and office flows in a real Chromium against the real server, with a screenshot of what a
person sees at 1366×768 at each step (issue 18: explain, accept with a reason, return, upload again; the
compile result where the office is looking; issue 20: the county text given on the office's page).

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
from web_kit import NARRATIVE, PASSWORD, YEAR, carried_over, last_year_report, last_year_store, workbook, write_roster

pytestmark = pytest.mark.chromium
EXPLANATION = "去年年报结转数有误，已于 2 月更正"
REASON = "单位已说明，去年年报的结转数确有错误，已核实更正文件"
RETURN_NOTE = "第五部分未写改进措施，请补充后重新上传"


@pytest.fixture
def served(tmp_path):
    password = tmp_path / "password.txt"
    password.write_text(PASSWORD, encoding="utf-8")
    last = last_year_store(tmp_path / "store-2020", {"A2": last_year_report("A2", {"natural": 2})})
    server = LiveServer(tmp_path / "store", write_roster(tmp_path / "roster.csv"), YEAR, password,
                        "--deadline", "2099-01-31", "--workers", "1", "--name", "测试县人民政府",
                        "--previous", str(last))
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


def _screen(driver) -> None:
    """A 1366×768 screen (the page area itself, whatever the browser's own bars take)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False})


def _shot(driver, folder: Path, name: str, at=None) -> None:
    """What a person sees at 1366×768: the page where it opened, or scrolled to `at` (an element)."""
    if at is not None:
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", at)
    assert driver.save_screenshot(str(folder / f"{name}.png"))


def _in_view(driver, element) -> bool:
    """Whether the element's top is on screen without scrolling (where the office is looking)."""
    return driver.execute_script("const r = arguments[0].getBoundingClientRect();"
                                 "return r.top >= 0 && r.top < window.innerHeight;", element)


def _click_and_wait(driver, element, done) -> None:
    """Click, then wait until the new page satisfies done(driver): a click returns before the page loads."""
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element("tag name", "html")
    element.click()
    WebDriverWait(driver, 120).until(lambda d: _stale(old) and done(d))


def _stale(element) -> bool:
    """Whether the page the element belonged to is gone. While a navigation is under way Chromium may
    answer "Node with given id does not belong to the document" instead of a stale reference."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise


def _has(text: str):
    return lambda d: text in d.page_source


def _upload(driver, path: Path, expect: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(path))
    _click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form.upload button"),
                    lambda d: d.find_element(By.CSS_SELECTOR, ".verdict").text.startswith(expect))


def _login(driver, server) -> None:
    from selenium.webdriver.common.by import By

    driver.get(server.url + "/office")
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    _click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form button"), _has("各单位状态"))


def test_department_uploads_explains_and_uploads_again(served, tmp_path):
    from selenium.webdriver.common.by import By

    server, links = served
    shots, downloads = _shots(tmp_path), tmp_path / "downloads"
    with chrome(downloads) as driver:
        _screen(driver)
        driver.get(links["A1"])
        assert "测试县第一局" in driver.page_source
        _shot(driver, shots, "01-department-empty")

        driver.find_element(By.PARTIAL_LINK_TEXT, "下载 2021 年度填报模板").click()
        template = wait_for_download(downloads, ".xlsx", set())
        assert "测试县第一局" in template.name
        assert openpyxl.load_workbook(template).sheetnames

        _upload(driver, workbook(tmp_path / "填好的年报.xlsx", broken=True), "有错误")
        result = driver.find_element(By.ID, "result")
        assert _in_view(driver, result)  # the page opens at the verdict
        findings = result.find_element(By.CSS_SELECTOR, "table.findings").text
        assert "表三" in findings
        assert "错误" in findings
        _shot(driver, shots, "02-department-error")

        before = {p.name for p in downloads.iterdir()}
        driver.find_element(By.PARTIAL_LINK_TEXT, "下载带批注的副本").click()
        annotated = wait_for_download(downloads, ".xlsx", before)
        assert annotated.name == "填好的年报-批注.xlsx"
        assert "问题清单" in openpyxl.load_workbook(annotated).sheetnames

        form = driver.find_elements(By.CSS_SELECTOR, "form.explain-form")[0]
        form.find_element(By.NAME, "text").send_keys(EXPLANATION)
        _click_and_wait(driver, form.find_element(By.CSS_SELECTOR, "button"), _has(EXPLANATION))
        explained = driver.find_element(By.CSS_SELECTOR, ".explanation")
        assert EXPLANATION in explained.text
        _shot(driver, shots, "03-department-explained", at=explained)

        fixed = workbook(tmp_path / "改好的年报.xlsx")
        _upload(driver, fixed, "通过")
        rows = driver.find_elements(By.CSS_SELECTOR, "#history tbody tr")
        assert [r.get_attribute("class") for r in rows] == ["role-current", "role-superseded"]
        assert "当前采用" in rows[0].text
        _shot(driver, shots, "04-department-passed")

        # issue 18 repro 2: a mistaken .ods never displaces the good report; the same good file again is current
        ods = tmp_path / "另存的年报.ods"
        ods.write_bytes(b"PK\x03\x04 an OpenDocument spreadsheet")
        _upload(driver, ods, "通过")  # the verdict shown is still the current report's
        mistaken = driver.find_element(By.CSS_SELECTOR, ".latest-upload")
        assert "另存的年报.ods" in mistaken.text and "无法读取" in mistaken.text
        assert "目前采用的仍是 改好的年报.xlsx" in mistaken.text
        _shot(driver, shots, "04b-department-mistaken-upload")
        _upload(driver, fixed, "通过")
        assert driver.find_elements(By.CSS_SELECTOR, ".latest-upload") == []
        assert "内容完全相同" in driver.find_element(By.CSS_SELECTOR, ".again").text
        rows = driver.find_elements(By.CSS_SELECTOR, "#history tbody tr")
        assert [r.get_attribute("class") for r in rows] == ["role-current", "role-unusable", "role-earlier",
                                                             "role-superseded"]
        _shot(driver, shots, "04c-department-same-file-again")


def test_the_office_reviews_explains_returns_and_compiles(served, tmp_path):
    from selenium.webdriver.common.by import By

    server, links = served
    shots, downloads = _shots(tmp_path), tmp_path / "downloads"
    with httpx.Client(timeout=60) as http:  # two departments report; A2 changed its 上年结转 and explains why
        for code, path in (("A1", workbook(tmp_path / "A1.xlsx")),
                           ("A2", carried_over(tmp_path / "A2.xlsx", "A2", {"natural": 3}))):
            r = http.post(links[code], files={"file": (path.name, path.read_bytes())},
                          headers={"accept": "application/json"})
            assert r.status_code == 200
        body = r.json()
        error = next(f for f in body["findings"] if f["severity"] == "error")
        assert error["rule"] == "T3-4"  # caught at upload, against last year's 结转下年度
        assert http.post(links["A2"] + "/explain", data={"key": error["key"], "sha256": body["receipt"]["sha256"],
                                                         "text": EXPLANATION}).status_code in (200, 303)
    with chrome(downloads) as driver:
        _screen(driver)
        _login(driver, server)

        def label(code):
            return driver.find_element(By.CSS_SELECTOR, f'tr[data-code="{code}"] .badge').text

        assert (label("A1"), label("A2"), label("A3")) == ("通过", "有错误", "未报送")
        assert "单位已说明 1 条" in driver.find_element(By.CSS_SELECTOR, 'tr[data-code="A2"]').text
        assert "<script>" in driver.find_element(By.CSS_SELECTOR, 'tr[data-code="A3"]').text  # shown as text
        _shot(driver, shots, "05-office-status")

        # accept A2's report with errors: refused without a reason, then with one
        _click_and_wait(driver, driver.find_element(By.LINK_TEXT, "测试县第二局"), _has("附说明接收"))
        assert EXPLANATION in driver.page_source
        _click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, 'button[value="accepted"]'), _has("接收理由"))
        refused = driver.find_element(By.CSS_SELECTOR, ".form-error")
        assert "接收理由" in refused.text
        _shot(driver, shots, "06-office-accept-needs-a-reason", at=refused)
        driver.find_element(By.NAME, "note").send_keys(REASON)
        _click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, 'button[value="accepted"]'),
                        _has("已接收（附说明）"))
        assert "计入汇总" in driver.find_element(By.ID, "review").text
        _shot(driver, shots, "07-office-accepted-with-reason")

        driver.get(links["A2"])
        decision = driver.find_element(By.CSS_SELECTOR, ".decision")
        assert "已接收（附说明）" in decision.text
        assert REASON in decision.text
        assert "accepted" not in decision.get_attribute("class").split()  # amber, never a green 已接收 on 有错误
        _shot(driver, shots, "08-department-accepted-with-reason")

        # return A1's report with a note; A1 uploads a corrected file
        driver.get(server.url + "/office/agency/A1")
        driver.find_element(By.NAME, "note").send_keys(RETURN_NOTE)
        _click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, 'button[value="returned"]'), _has("已退回"))
        _shot(driver, shots, "09-office-returned")
        driver.get(links["A1"])
        assert RETURN_NOTE in driver.find_element(By.CSS_SELECTOR, ".decision").text
        _shot(driver, shots, "10-department-returned")
        _upload(driver, workbook(tmp_path / "A1-改.xlsx", seed=7), "通过")
        assert "待审核" in driver.find_element(By.CSS_SELECTOR, ".verdict").text
        _shot(driver, shots, "11-department-uploaded-again")

        # the county text, date and contact; then 生成汇总 with the result in view
        driver.get(server.url + "/office")
        narrative = tmp_path / "文字说明.md"
        narrative.write_text(NARRATIVE, encoding="utf-8")
        form = driver.find_element(By.CSS_SELECTOR, "form.county-text")
        form.find_element(By.CSS_SELECTOR, 'input[name="source"][value="file"]').click()
        form.find_element(By.NAME, "narrative").send_keys(str(narrative))
        for name, value in (("contact_address", "测试县人民路1号"), ("contact_phone", "0468-3612345")):
            form.find_element(By.NAME, name).send_keys(value)
        _click_and_wait(driver, form.find_element(By.CSS_SELECTOR, "button"), _has("已上传：文字说明.md"))
        _shot(driver, shots, "12-office-county-text", at=driver.find_element(By.ID, "county-text"))
        _click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, 'form[action="/office/compile"] button'),
                        _has("最近一次汇总"))
        verdict = driver.find_element(By.CSS_SELECTOR, ".publication")
        assert _in_view(driver, driver.find_element(By.ID, "compile"))  # not reloaded at the top
        assert verdict.get_attribute("data-publishable") == "true", verdict.text
        assert "汇总年报可以发布" in verdict.text
        left = driver.find_element(By.CSS_SELECTOR, "table.left-out").text
        assert "未报送" in left
        assert "测试县第二局" not in left
        _shot(driver, shots, "13-office-compiled")
        before = {p.name for p in downloads.iterdir()} if downloads.exists() else set()
        driver.find_element(By.LINK_TEXT, "summary.xlsx").click()
        summary = wait_for_download(downloads, "summary.xlsx", before)
        issues = " ".join(str(c.value) for row in openpyxl.load_workbook(summary)["问题清单"].iter_rows()
                          for c in row if c.value is not None)
        assert EXPLANATION in issues
        assert REASON in issues

        driver.get(server.url + "/office/audit")
        for word in ("审核", "单位说明", "汇总年报设置", "上传"):
            assert word in driver.page_source
        _shot(driver, shots, "14-office-audit")
