"""北京时间 on a server whose clock runs in UTC (issue 18): the demo's uploads are 按时, a file that
arrives after midnight in Beijing is 逾期 although it is still the deadline's day in UTC, and every
page shows the time in Beijing with the zone named."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import lxml.html
import pytest
from starlette.testclient import TestClient
from web_kit import FMT, PASSWORD, YEAR, login, upload, workbook, write_roster

from nianbao import clock
from nianbao.paths import samples_dir
from nianbao.web import auth
from nianbao.web.app import create_app
from nianbao.web.links import make_links
from nianbao.web.service import Service, ServiceConfig

DEADLINE = dt.date(2022, 1, 31)


pytestmark = pytest.mark.usefixtures("utc_server")  # a server whose clock runs in UTC (conftest)


def _rows(html: str) -> dict[str, str]:
    """code -> the text of its row on the office's status page."""
    page = lxml.html.fromstring(html)
    rows = page.xpath("//table[@id='status']/tbody/tr")
    return {tr.get("data-code"): " ".join(tr.text_content().split()) for tr in rows}


def _office(config: ServiceConfig):
    service = Service(config)
    auth.set_password(service.db, PASSWORD)
    return service, TestClient(create_app(config, service=service), base_url="http://testserver")


def test_the_demo_run_on_a_utc_server_shows_its_uploads_on_time(tmp_path):
    out = tmp_path / "demo"
    env = {**os.environ, "TZ": "UTC", "NIANBAO_TIMEZONE": ""}
    subprocess.run([sys.executable, "-m", "nianbao", "demo", str(out)], check=True, env=env,
                   capture_output=True, timeout=600)
    config = ServiceConfig(store=out / "2-收件库" / "2021", roster_path=samples_dir() / "roster-luobei.csv",
                           year=2021, format_id="gov-info-disclosure-2021", deadline=DEADLINE, workers=0)
    service, client = _office(config)
    with client:
        assert login(client).status_code == 303
        rows = _rows(client.get("/office").text)
    reported = {code: row for code, row in rows.items() if "未报送" not in row}
    assert len(reported) == 16
    current = {code: row for code, row in reported.items() if "最近一次上传无法采用" not in row}
    assert len(current) == 15  # 名山镇 sent only last year's template: 有错误, nothing to be on time with
    assert all("按时" in row and "逾期" not in row for row in current.values()), reported
    assert "2022-01-26 15:40（北京时间）" in rows["230421-08"]  # as the inbox manifest says it arrived
    assert all("（北京时间）" in row for row in reported.values())


@pytest.fixture
def served(tmp_path):
    config = ServiceConfig(store=tmp_path / "store", roster_path=write_roster(tmp_path / "roster.csv"), year=YEAR,
                           format_id=FMT.id, workers=0, deadline=DEADLINE, base_url="http://testserver")
    service, client = _office(config)
    links = {x["code"]: x["url"].removeprefix("http://testserver")
             for x in make_links(service.db, service.web_dir, service.roster, "http://testserver")}
    with client:
        yield client, links


def _upload_at(client, link, path, when: dt.datetime, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: when.astimezone(clock.zone()))
    return upload(client, link, path)


def test_a_file_after_midnight_in_beijing_is_late_on_a_utc_server(served, tmp_path, monkeypatch):
    client, links = served
    utc = dt.timezone.utc
    on_time = _upload_at(client, links["A1"], workbook(tmp_path / "a1.xlsx"),
                         dt.datetime(2022, 1, 31, 15, 30, tzinfo=utc), monkeypatch)  # 23:30 in Beijing
    late = _upload_at(client, links["A2"], workbook(tmp_path / "a2.xlsx", "A2"),
                      dt.datetime(2022, 1, 31, 16, 10, tzinfo=utc), monkeypatch)  # 00:10 on 1 February in Beijing
    assert on_time.json()["receipt"]["received_at"] == "2022-01-31T23:30:00+08:00"
    assert late.json()["receipt"]["received_at"] == "2022-02-01T00:10:00+08:00"
    assert login(client).status_code == 303
    rows = _rows(client.get("/office").text)
    assert "2022-01-31 23:30（北京时间） 按时" in rows["A1"]
    assert "2022-02-01 00:10（北京时间） 逾期" in rows["A2"]
    page = " ".join(lxml.html.fromstring(client.get(links["A2"]).text).text_content().split())
    assert "收到于 2022-02-01 00:10（北京时间） · 逾期" in page
