"""A loose file's arrival time (an inbox collected without a store) is its modification time in the
configured zone (北京时间 by default), whatever zone the machine runs in."""

from __future__ import annotations

import datetime as dt
import os

from nianbao import clock
from nianbao.county.gather import gather_paths


def test_a_loose_files_time_is_its_modification_time_in_the_configured_zone(tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    path = tmp_path / "某局年报.xlsx"
    path.write_bytes(b"not a workbook")
    moment = dt.datetime(2022, 1, 20, 17, 30, tzinfo=dt.timezone.utc)  # 2022-01-21 01:30 in Beijing
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    before = clock.zone()
    try:
        clock.configure("Asia/Shanghai")
        [got] = gather_paths([path], {"expect_year": 2021})
    finally:
        clock.configure(before.key)
    assert got.received_at == "2022-01-21T01:30:00+08:00"
    assert got.original_name == "某局年报.xlsx"
