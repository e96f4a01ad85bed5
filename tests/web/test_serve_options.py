"""`nianbao serve`'s options: every help text says what the value is (--rate-limit was called 进程数),
counts and ports are checked, and the service records what `links` and `remind` go on using
(its base URL, its time zone, the county's name) — warning when its links point at this machine."""

from __future__ import annotations

import re

import pytest
from live import LiveServer
from web_kit import YEAR, write_roster

from nianbao.cli import build_parser, main
from nianbao.web.db import Database


def _help(capsys) -> str:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "-h"])
    return capsys.readouterr().out


def test_serve_help_names_each_value_for_what_it_is(capsys):
    text = _help(capsys)
    flat = " ".join(text.split())
    assert "--rate-limit 次数" in flat
    assert "--workers 进程数" in flat
    assert re.search(r"--rate-limit \S*进程数", flat) is None
    assert "--port 端口" in flat
    assert "--host 地址" in flat
    assert "--timezone 时区" in flat
    assert "北京时间" in flat
    assert "每个单位链接每 10 分钟最多上传的次数" in flat
    assert "nianbao links 和 nianbao remind 沿用" in flat  # --base-url is recorded


def _exit_status(args) -> int:
    """What the shell sees: argparse's own checks exit, the command's return."""
    try:
        return main(args)
    except SystemExit as exc:
        return exc.code


@pytest.mark.parametrize(("extra", "said"), [
    (["--workers", "0"], "至少 1"),
    (["--rate-limit", "-5"], "至少 1"),
    (["--rate-limit", "many"], "正整数"),
    (["--port", "70000"], "65535"),
    (["--timezone", "Beijing"], "无法识别的时区"),
    (["--base-url", "nianbao.luobei.gov.cn"], "http:// 或 https://"),
])
def test_bad_values_are_one_chinese_line(tmp_path, capsys, extra, said):
    args = ["serve", "--store", str(tmp_path / "s"), "--roster", str(write_roster(tmp_path / "r.csv")),
            "--year", "2021"]
    assert _exit_status(args + extra) == 2
    assert said in capsys.readouterr().err


def test_serve_records_what_links_and_remind_use_and_warns_of_local_links(tmp_path):
    roster = write_roster(tmp_path / "roster.csv")
    server = LiveServer(tmp_path / "store", roster, YEAR, None, "--name", "测试县")
    try:
        out = server.output()
    finally:
        server.stop()
    assert "链接指向本机" in out
    assert "--base-url" in out
    assert "时间均按北京时间（Asia/Shanghai）记录和显示" in out
    db = Database(tmp_path / "store" / "web" / "service.sqlite3")
    try:
        assert db.get_config("timezone") == "Asia/Shanghai"
        assert db.get_config("name") == "测试县"
        assert db.get_config("base_url") == server.url
    finally:
        db.close()
    server = LiveServer(tmp_path / "store", roster, YEAR, None, "--base-url", "https://nb.luobei.gov.cn/")
    try:
        out = server.output()
    finally:
        server.stop()
    assert "链接指向本机" not in out
    assert "单位链接：测试县第一局（A1）https://nb.luobei.gov.cn/d/" in out
