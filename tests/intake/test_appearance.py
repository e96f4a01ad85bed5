"""What the clerk sees is what is counted (issue 19): the hostile appearance cases of tests/hostile.py
(APPEARANCE_CASES) through check_file and both engines, and the pieces they rest on."""

from __future__ import annotations

from pathlib import Path

import hostile
import pytest

from nianbao.check.run import check_document, check_file
from nianbao.intake.appearance import fold_name, judge
from nianbao.intake.drawings import decode_escapes
from nianbao.intake.look import ColorRef, Fill, Font, Look, Palette, contrast
from nianbao.intake.read import read_workbook


def _findings(path: Path, engine: str):
    read = read_workbook(path, engine=engine)
    if read.fatal:
        return read, read.findings
    return read, check_document(read.document, prior_findings=read.findings).findings


@pytest.mark.parametrize("case", sorted(hostile.APPEARANCE_CASES))
def test_appearance_case(tmp_path, case):
    make, want = hostile.APPEARANCE_CASES[case]
    path = make(tmp_path)
    result = check_file(path)
    got = [f.rule for f in result.findings]
    assert got == want, [f.message for f in result.findings]
    assert all("None" not in f.message for f in result.findings)
    fast, fast_findings = _findings(path, "fast")
    ref, ref_findings = _findings(path, "openpyxl")
    assert [f.to_dict() for f in fast_findings] == [f.to_dict() for f in ref_findings]
    assert fast.document["tables"] == ref.document["tables"]


def test_the_message_names_the_cell_and_what_the_clerk_sees(tmp_path):
    result = check_file(hostile.format_literal(tmp_path))
    (f,) = result.findings
    assert (f.sheet, f.cell, f.severity) == ("表二 主动公开", "D6", "error")
    assert f.message.startswith("显示为 9，实际数值为 41（数字格式为“\"9\"”）")


def test_a_total_shown_as_text_names_both(tmp_path):
    (f,) = check_file(hostile.total_text_result(tmp_path)).findings
    assert (f.cell, f.severity) == ("J6", "error")
    assert "“9”" in f.message
    assert "按各项计算应为" in f.message


def test_lookalike_names_the_hidden_real_sheet(tmp_path):
    hidden, lookalike = check_file(hostile.lookalike_ideographic_space(tmp_path)).findings
    assert (hidden.sheet, hidden.severity) == ("表三 依申请公开", "error")
    assert (lookalike.sheet, lookalike.severity) == ("表三\u3000依申请公开", "error")
    assert "全角空格" in lookalike.message
    assert "被隐藏" in lookalike.message


def test_strings_decode_as_libreoffice_shows_them(tmp_path):
    read = read_workbook(hostile.escape_in_text(tmp_path))
    assert "_x0041_ x005F_y 4_1" in read.document["sections"].values()
    for engine in ("fast", "openpyxl"):
        read = read_workbook(hostile.escape_count_text(tmp_path), engine=engine)
        assert read.document["tables"]["proactive.normative_docs.in_force"] is None


@pytest.mark.parametrize(("raw", "shown"), [
    # recorded from LibreOffice 7.4 (getString of a cell holding the text), code point by code point
    ("a_x005F_b", "a_b"), ("_x0041_", "_x0041_"), ("x005F_x", "x005F_x"), ("_x005F_x0041_", "_x0041_"),
    ("_x004a_", "_x004a_"), ("_x0041", "_x0041"), ("_x00410_", "_x00410_"), ("__x0041__", "__x0041__"),
    ("_x005f_x0041_", "_x0041_"), ("_x0034__x0031_", "_x0034__x0031_"), ("4_x005F_1", "4_1"),
    ("_x000D__x000A_", "\r\n"), ("_xD83D__xDE00_", "😀"), ("_x005F_", "_"), ("_x005F_x005F_", "_x005F_"),
    ("_X0041_", "_X0041_"), ("_x00G1_", "_x00G1_"), ("41_x0009_", "41\t"), ("a_x001F__x005F_x0041_", "a\x1f_x0041_"),
    ("a_xFFFF_b", "a\uffffb"), ("a_x0020_b", "a_x0020_b"), ("a_x3000_b", "a_x3000_b"),
])
def test_decode_escapes(raw, shown):
    assert decode_escapes(raw) == shown


def test_a_lone_surrogate_escape_is_replaced_not_kept():
    assert decode_escapes("a_xD800_b") == "a\ufffdb"


@pytest.mark.parametrize(("name", "real"), [
    ("表三\u3000依申请公开", "表三 依申请公开"), ("表三 依申请公开 ", "表三 依申请公开"),
    ("表三依申请公开", "表三 依申请公开"),
    ("表三 依申请公开\u200b", "表三 依申请公开"), ("表三\u00a0依申请公开", "表三 依申请公开"), ("ＡＢＣ", "abc"),
])
def test_fold_name(name, real):
    assert fold_name(name) == fold_name(real)


def test_contrast_thresholds():
    yellow = (0xFF, 0xF2, 0xCC)
    assert contrast((0, 0, 0), yellow) > 15  # the template
    assert contrast((255, 255, 255), yellow) < 1.5
    assert 1.5 < contrast((0xBF, 0xBF, 0xBF), yellow) < 3.0


def _look(colour: ColorRef | None = None, fill: Fill | None = None, code: str = "0", **font) -> Look:
    return Look(code, Font(colour=colour, size=font.get("size", 10.0), name=font.get("name", "宋体")),
                fill or Fill("solid", ColorRef(rgb="FFF2CC")), "center")


@pytest.mark.parametrize(("colour", "severity"), [
    (ColorRef(theme=1), None), (ColorRef(theme=0), "error"), (ColorRef(indexed=9), "error"),
    (ColorRef(indexed=64), None), (ColorRef(indexed=65), "error"), (ColorRef(auto=True), None),
    (ColorRef(theme=1, tint=0.9), "error"), (ColorRef(theme=4, tint=0.7999), "error"),
    (ColorRef(rgb="BFBFBF"), "warning"), (ColorRef(rgb="7F7F7F"), None), (None, None),
])
def test_colour_sources(colour, severity):
    verdict = judge(41, 41, _look(colour), Palette())
    assert (verdict.severity if verdict else None) == severity


def test_a_custom_palette_and_theme_are_used():
    palette = Palette(theme=("000000", "FFF2CC") + Palette().theme[2:], indexed=("FFF2CC",) * 64)
    assert judge(41, 41, _look(ColorRef(theme=0)), palette).severity == "error"
    assert judge(41, 41, _look(ColorRef(indexed=8)), palette).severity == "error"
    assert judge(41, 41, _look(ColorRef(indexed=8)), Palette()) is None


def test_patterns_and_gradients_paint_what_libreoffice_paints():
    black_on_white = dict(fg=ColorRef(rgb="000000"), bg=ColorRef(rgb="FFFFFF"))
    assert judge(41, 41, _look(fill=Fill("gray125", **black_on_white)), Palette()) is None  # E0E0E0
    assert judge(41, 41, _look(fill=Fill("darkGray", **black_on_white)), Palette()).severity == "warning"  # 404040
    assert judge(41, 41, _look(fill=Fill("solid")), Palette()).severity == "error"  # solid, no colour: black
    stops = (ColorRef(rgb="000000"), ColorRef(rgb="000000"))
    assert judge(41, 41, _look(fill=Fill("gradient", stops=stops)), Palette()).severity == "error"
    assert judge(41, 41, _look(ColorRef(rgb="FFFFFF"), fill=Fill("none")), Palette()).severity == "error"


def test_blank_and_text_that_is_not_counted_are_left_to_the_cell_findings():
    assert judge(None, None, _look(code='"9"'), Palette()) is None
    assert judge("无", None, _look(code='0;0;0;"9"'), Palette()) is None
