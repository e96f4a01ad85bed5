"""nianbao.clock: one zone for every time written and shown (北京时间 by default), deadlines judged there."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from nianbao import clock

UTC = dt.timezone.utc
DEADLINE = dt.date(2022, 1, 31)


pytestmark = pytest.mark.usefixtures("utc_server")  # a server whose clock runs in UTC (conftest)


def test_now_and_stamp_are_beijing_time_on_a_utc_server():
    assert clock.now().utcoffset() == dt.timedelta(hours=8)
    assert clock.stamp().endswith("+08:00")
    assert clock.stamp(dt.datetime(2022, 1, 31, 16, 30, tzinfo=UTC)) == "2022-02-01T00:30:00+08:00"


def test_show_names_the_zone():
    assert clock.show("2022-01-26T15:40:00+08:00") == "2022-01-26 15:40（北京时间）"
    assert clock.show("2022-01-26T07:40:00+00:00") == "2022-01-26 15:40（北京时间）"  # a UTC record, shown in Beijing
    assert clock.show("2022-01-26T15:40:00") == "2022-01-26 15:40（北京时间）"  # no offset: the configured zone
    assert clock.show(None) == ""
    assert clock.show("昨天") == "昨天"  # unreadable text is shown as it is, never dropped


@pytest.mark.parametrize(("received", "on_time"), [
    ("2022-01-31T23:59:59+08:00", True),
    ("2022-02-01T00:00:00+08:00", False),
    ("2022-01-31T15:59:59+00:00", True),   # 23:59:59 in Beijing
    ("2022-01-31T16:30:00+00:00", False),  # 00:30 on 1 February in Beijing: late, though still the 31st in UTC
    ("2022-01-31T23:30:00", True),         # stored without an offset: read as Beijing time
    ("2022-02-01T00:10:00", False),
    ("", None),
    (None, None),
])
def test_deadlines_are_judged_on_the_configured_zones_calendar(received, on_time):
    assert clock.on_time(received, DEADLINE) is on_time


def test_no_deadline_judges_nothing():
    assert clock.on_time("2022-02-01T00:00:00+08:00", None) is None


def test_another_zone_is_shown_by_its_offset_and_reaches_worker_processes():
    clock.configure("Asia/Urumqi")
    assert clock.show("2022-01-26T15:40:00+08:00") == "2022-01-26 13:40（UTC+06:00）"
    assert os.environ[clock.ENV] == "Asia/Urumqi"  # a spawned worker starts in the same zone
    assert clock.on_time("2022-02-01T01:30:00+08:00", DEADLINE) is True  # 23:30 on the 31st in Urumqi
    clock.configure("Asia/Shanghai")
    assert clock.zone_label() == "北京时间"


@pytest.mark.parametrize("name", ["Mars/Olympus", "../../etc/passwd", "", "Asia/Shanghai\n"])
def test_an_unknown_zone_is_a_clear_error(name):
    if name.strip() == "Asia/Shanghai":
        assert clock.configure(name).key == "Asia/Shanghai"  # surrounding blanks are forgiven
        return
    if not name:
        assert clock.configure(name) == clock.zone()  # nothing given: the zone stays
        return
    with pytest.raises(clock.ZoneError, match="IANA"):
        clock.configure(name)


def test_the_timezone_option_refuses_an_unknown_zone(tmp_path, capsys):
    from nianbao.cli import main

    assert main(["collect", str(tmp_path), "--store", str(tmp_path / "s"), "--timezone", "Beijing"]) == 2
    assert "无法识别的时区“Beijing”" in capsys.readouterr().err


def test_folder_stamp():
    assert clock.folder_stamp(dt.datetime(2022, 1, 31, 16, 30, tzinfo=UTC)) == "20220201-003000"
