"""`nianbao serve` itself: the first-start credential shown once, bad arguments in Chinese, the wheel's pages."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
from live import LiveServer
from web_kit import YEAR, write_roster

from nianbao.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_first_start_prints_a_password_once_and_it_works(tmp_path):
    roster = write_roster(tmp_path / "roster.csv")
    first = LiveServer(tmp_path / "store", roster, YEAR, None)
    try:
        out = first.output()
        password = re.search(r"办公室密码（首次启动生成，只显示这一次，请记下）：(\S+)", out).group(1)
        assert "办公室页面：http://127.0.0.1:" in out
        assert out.count("单位链接：") == 2
        with httpx.Client(base_url=first.url) as http:
            assert http.post("/office/login", data={"password": password}).status_code == 303
            assert http.get("/office/status.json").status_code == 200
    finally:
        first.stop()
    second = LiveServer(tmp_path / "store", roster, YEAR, None)
    try:
        assert password not in second.output()
        assert "首次启动时已显示" in second.output()
    finally:
        second.stop()


def test_bad_arguments_are_one_chinese_line(tmp_path, capsys):
    roster = write_roster(tmp_path / "roster.csv")
    args = ["serve", "--store", str(tmp_path / "s"), "--roster", str(roster), "--year", "2021"]
    assert main(args + ["--deadline", "31/01/2022"]) == 2
    assert "截止日期" in capsys.readouterr().err
    short = tmp_path / "pw"
    short.write_text("123")
    assert main(args + ["--office-password-file", str(short)]) == 2
    assert "少于 8 个字符" in capsys.readouterr().err
    assert main(["serve", "--store", str(tmp_path / "s"), "--roster", str(tmp_path / "none.csv"),
                 "--year", "2021"]) == 2
    assert "单位名单" in capsys.readouterr().err


def test_the_wheel_ships_the_pages(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(REPO)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("nianbao-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(REPO / "tool").as_posix() for p in (REPO / "tool" / "nianbao" / "web").rglob("*")
               if p.suffix in (".html", ".css")}
    assert shipped
    assert shipped <= names
