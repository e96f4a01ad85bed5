"""The roster CSV: English or Chinese headers, UTF-8 (BOM or not) or GB18030, Chinese errors naming file and line."""

from __future__ import annotations

import pytest

from nianbao.county.roster import RosterEntry, RosterError, load_roster
from nianbao.format.document import parse_level


def _write(tmp_path, text: str, encoding: str = "utf-8", name: str = "roster.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_english_header_utf8_with_bom_and_crlf(tmp_path):
    path = _write(tmp_path, "code,name,level,group,email\r\n001,萝北县教育局,county,县直部门,jy@example.cn\r\n"
                            "002,名山镇人民政府,township,,\r\n", encoding="utf-8-sig")
    assert load_roster(path) == [
        RosterEntry("001", "萝北县教育局", "county", "县直部门", "jy@example.cn"),
        RosterEntry("002", "名山镇人民政府", "township", None, None),
    ]


def test_chinese_header_and_levels_in_gb18030(tmp_path):
    text = ("代码,单位名称,层级,分组,邮箱\n001,萝北县教育局,县级,县直部门,\n002,名山镇,乡镇,乡镇,\n"
            "003,鹤岗市某局,市级,,\n004,某省厅,省级,,\n")
    path = _write(tmp_path, text, encoding="gb18030")
    entries = load_roster(path)
    assert [e.level for e in entries] == ["county", "township", "city", "province"]
    assert entries[0].name == "萝北县教育局" and entries[0].group == "县直部门"


def test_optional_columns_blank_lines_and_whitespace(tmp_path):
    path = _write(tmp_path, "\n name , code \n\n 甲局 , A1 \n,,\n乙局,A2\n")
    assert load_roster(path) == [RosterEntry("A1", "甲局", None, None, None),
                                 RosterEntry("A2", "乙局", None, None, None)]


@pytest.mark.parametrize(("text", "words"), [
    ("code,name,level\nA,甲局,county\nB,乙局,county\nA,丙局,city\n", ["第 4 行", "A", "第 2 行", "重复"]),
    ("code,name,level\nA,,county\n", ["第 2 行", "缺少单位名称"]),
    ("code,name,level\n,甲局,county\n", ["第 2 行", "缺少单位代码"]),
    ("code,name,level\nA,甲局,村级\n", ["第 2 行", "村级", "无法识别", "县级"]),
    ("code,name,level\n", ["没有单位"]),
    ("", ["是空的"]),
    ("code,单位,级别,备注\nA,甲局,county,x\n", ["第 1 行", "备注", "无法识别"]),
    ("name,level\n甲局,county\n", ["表头缺少", "代码", "code"]),
    ("code,name,代码\nA,甲,B\n", ["重复"]),
])
def test_errors_name_file_and_line_in_chinese(tmp_path, text, words):
    path = _write(tmp_path, text, name="县直名单.csv")
    with pytest.raises(RosterError) as exc:
        load_roster(path)
    message = str(exc.value)
    assert "县直名单.csv" in message
    for word in words:
        assert word in message, (word, message)


def test_unreadable_roster(tmp_path):
    with pytest.raises(RosterError, match="无法读取"):
        load_roster(tmp_path / "missing.csv")
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\x81\x30\xff\xfe\x00code")  # neither UTF-8 nor GB18030
    with pytest.raises(RosterError, match="编码"):
        load_roster(path)


def test_parse_level():
    assert parse_level("County") == "county"
    assert parse_level(" 乡镇（街道） ") == "township"
    assert parse_level("") is None and parse_level(None) is None
    with pytest.raises(ValueError, match="村"):
        parse_level("村")
