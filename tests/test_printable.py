"""printable / markup / json_text: a name on a terminal shows every character that would steer it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hostile import RAW_CONTROL, TERMINAL_NAMES
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from nianbao.printable import json_text, markup, printable, safe_json

RAW = re.compile(RAW_CONTROL)


def test_each_hostile_name_is_made_visible():
    assert printable("\x1b[2J\x1b[H清屏") == "\\x1b[2J\\x1b[H清屏"
    assert printable("好\r✓ 通过") == "好\\x0d✓ 通过"
    assert printable("换\n行") == "换\\x0a行"
    assert printable("报告\u202eslx.exe") == "报告\\u202eslx.exe"
    assert printable("c1\x9b31m红") == "c1\\x9b31m红"
    assert printable("响\x07铃\x7f") == "响\\x07铃\\x7f"
    assert printable("\u2066隔离\u2069\u2028") == "\\u2066隔离\\u2069\\u2028"
    assert printable("看不见\u200b的\ufeff字") == "看不见\\u200b的\\ufeff字"


def test_ordinary_names_print_as_they_are():
    for name in ("萝北县教育局 2021 年度.xlsx", "ＡＢＣ　全角", "emoji 📄.xlsx", "a\\b", "[1] 序号"):
        assert printable(name) == name


def test_paths_and_bytes_that_are_not_utf8():
    gbk = "报告".encode("gbk")
    assert printable(gbk + b".xlsx") == "\\xb1\\xa8\\xb8\\xe6.xlsx"
    as_read_from_disk = (gbk + b".xlsx").decode("utf-8", "surrogateescape")  # what os.listdir gives
    assert printable(Path("/inbox") / as_read_from_disk) == "/inbox/\\xb1\\xa8\\xb8\\xe6.xlsx"
    assert printable("lone \ud800 surrogate") == "lone \\ud800 surrogate"


def test_keep_newlines_is_for_our_own_lines_only():
    assert printable("第一行\n第二行\r\x1b", keep_newlines=True) == "第一行\n第二行\\x0d\\x1b"


def test_markup_is_text_on_a_rich_console():
    console = Console(record=True, width=200, force_terminal=False)
    for name in TERMINAL_NAMES.values():
        console.print(f"[bold]━━ {markup(name)}[/bold]")
    shown = console.export_text()
    assert not RAW.search(shown)
    assert TERMINAL_NAMES["markup"] in shown  # the markup shown, not obeyed
    assert "\\x1b[2J\\x1b[H清屏" in shown


def test_json_text_is_the_same_value_and_safe():
    data = {"file": "\x1b[2J好\r\n\u202e\x85.xlsx", "list": [1, "\u2066"], "中文": "照常"}
    text = json_text(data)
    assert json.loads(text) == data
    assert not RAW.search(text)
    assert "照常" in text  # UTF-8 text stays readable
    assert safe_json(json.dumps(data, ensure_ascii=False)) == json_text(data, indent=None)


@given(st.text())
def test_no_text_reaches_a_terminal_raw(text):
    assert not RAW.search(printable(text))
    assert not RAW.search(json_text({"name": text}))
    assert json.loads(json_text({"name": text})) == {"name": text}
    if not re.search("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
                     "\ud800-\udfff]", text):
        assert printable(text) == text
