"""The terminal report a clerk reads: each finding line leads with Chinese words, the code comes last."""

from __future__ import annotations

import io
import re

from factory import valid_document
from rich.console import Console

from nianbao.check.run import check_document
from nianbao.check.terminal import print_result
from nianbao.format.spec import all_formats

FMT = all_formats()["gov-info-disclosure-2021"]


def _printed(result) -> list[str]:
    buffer = io.StringIO()
    print_result(Console(file=buffer, width=300, color_system=None), result)
    return buffer.getvalue().splitlines()


def test_finding_lines_lead_with_chinese_and_end_with_the_code():
    doc = valid_document(FMT, 2021)
    doc["tables"]["requests.received.natural"] = "十二"  # CELL/schema finding
    doc["tables"]["requests.carry_forward.commercial"] += 1  # T3-1
    doc["tables"]["proactive.fees.amount"] = 2500.0  # T2-4, a warning: probably 元, not 万元
    result = check_document(doc)
    assert {f.rule for f in result.findings} >= {"T3-1", "T2-4"}
    assert {f.severity for f in result.findings} >= {"error", "warning"}
    printed = _printed(result)
    lines = [line.strip() for line in printed[1:-1]]
    assert len(lines) == len(result.findings)
    for line, f in zip(lines, result.findings, strict=True):
        mark, word, rest = line.split(" ", 2)
        assert (mark, word) == {"error": ("✗", "错误"), "warning": ("⚠", "警告"), "info": ("ℹ", "提示")}[f.severity]
        assert re.match(r"[\u4e00-\u9fff「“（]", rest), line  # words, not a code, come first
        assert line.endswith(f"〔{f.rule}〕"), line
        assert line.count(f.rule) == 1, line
    errors, warnings = (sum(f.severity == s for f in result.findings) for s in ("error", "warning"))
    assert printed[-1].strip() == f"结论：有错误（{errors} 个错误，{warnings} 个警告）"


def test_a_terminal_and_a_file_get_the_same_words():
    """Coloured on a terminal, written straight into a file or pipe: the same text either way, names
    made printable in both (a control character or rich markup in a file name is shown, never obeyed)."""
    doc = valid_document(FMT, 2021)
    doc["tables"]["requests.carry_forward.commercial"] += 1
    result = check_document(doc)
    result.file = "[red]报告\x1b[2J:warning:.xlsx"
    plain = _printed(result)
    colour = io.StringIO()
    print_result(Console(file=colour, width=300, force_terminal=True, color_system="truecolor"), result)
    coloured = colour.getvalue()
    assert "\x1b[" in coloured  # styled
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured).splitlines() == plain
    assert plain[0].startswith("━━ [red]报告\\x1b[2J:warning:.xlsx  ")
    assert any("T3-1" in line for line in plain)
