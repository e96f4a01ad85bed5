"""What a clerk is told about a file that is not a workbook: plain words, one level of brackets, no bytes."""

from __future__ import annotations

import re
import zipfile

import hostile
import pytest

from nianbao.intake.safety import screen
from nianbao.intake.sniff import sniff


def _depth(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        if ch in "（(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "）)":
            depth -= 1
    return deepest


def _ods(path):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    return path


# What LibreOffice's "save as CSV" wrote on a machine without a Chinese locale: the template's
# cover sheet in Windows-1252, every Chinese character a "?", “” as 0x93 0x94.
LO_CSV = (b",???????????2020????????????????(????),\n,,\n,????:,????????\n,????:,230421-13\n"
          b",????:,2020?\n,????:,\x93??\x94??\x97??\n")


@pytest.mark.parametrize(("name", "make"), [
    ("ods", lambda d: _ods(d / "年报.xlsx")),
    ("csv", lambda d: (d / "年报.xlsx").write_bytes(LO_CSV) and d / "年报.xlsx"),
    *[(case, gen) for case, (gen, code) in hostile.CASES.items() if code == "FILE_NOT_XLSX"],
])
def test_not_a_workbook_message_is_plain(tmp_path, name, make):
    problem = screen(make(tmp_path))
    assert problem.rule == "FILE_NOT_XLSX"
    assert _depth(problem.message) == 1, problem.message
    assert not re.search(r"\b[0-9a-f]{2} [0-9a-f]{2}\b", problem.message), problem.message


def test_ods_says_what_to_do(tmp_path):
    assert "另存为 .xlsx" in screen(_ods(tmp_path / "a.xlsx")).message


def test_csv_with_lost_chinese_is_named_and_the_loss_said():
    assert sniff(LO_CSV).startswith("文本/CSV 文件，其中的汉字已变成问号")
    assert sniff("单位,件数\n教育局,3\n".encode("gb18030")) == "文本/CSV 文件"


def test_binary_garbage_is_unknown_without_bytes():
    assert sniff(bytes(range(256)) * 4) == "无法识别的文件类型"
