"""intake/appearance.py's judge on looks built in memory: which conditional formats may apply to a value,
what the clerk then sees (a number format, colours, fonts, runs, show-zeros, a narrow column, "fill"
alignment), error or warning, and the words each finding uses. test_what_the_clerk_sees.py and
test_appearance.py drive the same judge through real workbooks of both engines."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nianbao.format.layout import layout
from nianbao.format.spec import all_formats
from nianbao.intake import look as lk
from nianbao.intake.appearance import (
    Overlay,
    Rule,
    Verdict,
    applies,
    cell_finding,
    fold_name,
    judge,
    overlay_finding,
    plain,
    rules_by_cell,
    sheet_findings,
    shown_text,
)

F21 = all_formats()["gov-info-disclosure-2021"]
PALETTE = lk.Palette()
YELLOW = lk.Fill("solid", lk.ColorRef(rgb="FFFFF2CC"))
TEMPLATE = lk.Look("0", lk.Font(lk.ColorRef(rgb="FF000000"), 10.0, "宋体"), YELLOW)


def look(number_format="0", colour="FF000000", size=10.0, name="宋体", strike=False, fill=YELLOW, horizontal=None):
    return lk.Look(number_format, lk.Font(lk.ColorRef(rgb=colour) if colour else None, size, name, strike), fill,
                   horizontal)


def rule(kind, operator=None, formulas=(), text=None, dxf=None, show=True, scale=(), ranges=((4, 6, 4, 6),)):
    return Rule(ranges, kind, operator, tuple(formulas), text, dxf or lk.Look(), show, scale)


# ---------------------------------------------------------------- does a conditional format apply?


@pytest.mark.parametrize(("r", "value", "expected"), [
    (rule("cellIs", "equal", ["41"]), 41, True), (rule("cellIs", "equal", ["41"]), 42, False),
    (rule("cellIs", None, ["41"]), 41, True),  # no operator: equal
    (rule("cellIs", "notEqual", ["41"]), 41, False), (rule("cellIs", "lessThan", ["41"]), 40, True),
    (rule("cellIs", "lessThan", ["41"]), 41, False), (rule("cellIs", "lessThanOrEqual", ["41"]), 41, True),
    (rule("cellIs", "greaterThan", ["41"]), 41, False), (rule("cellIs", "greaterThan", ["41"]), 42, True),
    (rule("cellIs", "greaterThanOrEqual", ["41"]), 41, True), (rule("cellIs", "greaterThanOrEqual", ["41"]), 40, False),
    (rule("cellIs", "between", ["10", "20"]), 10, True), (rule("cellIs", "between", ["10", "20"]), 20, True),
    (rule("cellIs", "between", ["10", "20"]), 21, False), (rule("cellIs", "between", ["10", "20"]), 9, False),
    (rule("cellIs", "notBetween", ["10", "20"]), 15, False), (rule("cellIs", "notBetween", ["10", "20"]), 25, True),
    (rule("cellIs", "between", ["10", "A1"]), 15, None), (rule("cellIs", "equal", ["B7"]), 41, None),
    (rule("cellIs", "equal", []), 41, None), (rule("cellIs", "equal", ['"41"']), 41, False),
    (rule("cellIs", "notEqual", ['"41"']), 41, True), (rule("cellIs", "greaterThan", ['"a"']), 41, None),
    (rule("cellIs", "equal", ['"ABC"']), "abc", True), (rule("cellIs", "equal", ["TRUE"]), 1, True),
    (rule("cellIs", "equal", ["FALSE()"]), 0, True), (rule("cellIs", "equal", ["=41"]), 41.0, True),
    (rule("cellIs", "equal", [" 4.1e1 "]), 41, True), (rule("cellIs", "between", ['"a"', '"z"']), 41, None),
    (rule("cellIs", "between", ["1"]), 1, None),  # one bound only: cannot tell
    (rule("expression", formulas=["TRUE"]), 41, True), (rule("expression", formulas=["0"]), 41, False),
    (rule("expression", formulas=['"x"']), 41, None), (rule("expression", formulas=[]), 41, None),
    (rule("expression", formulas=["$D$6>100"]), 41, False), (rule("expression", formulas=["D6<100"]), 41, True),
    (rule("expression", formulas=["=d6=41"]), 41, True), (rule("expression", formulas=["D7>100"]), 41, None),
    (rule("expression", formulas=["D6>B2"]), 41, None), (rule("expression", formulas=["SUM(D6)>1"]), 41, None),
    (rule("dataBar"), 41, True), (rule("iconSet"), "x", False), (rule("colorScale"), None, False),
    (rule("containsText", text="4"), 41, True), (rule("containsText", text="9"), 41, False),
    (rule("notContainsText", text="9"), 41, True), (rule("notContainsText", text="4"), 41, False),
    (rule("beginsWith", text="4"), 41, True), (rule("beginsWith", text="1"), 41, False),
    (rule("endsWith", text="1"), 41, True), (rule("endsWith", text="4"), 41, False),
    (rule("containsText", text="AB"), "xabx", True), (rule("containsText", text="5"), 2.50, True),
    (rule("containsText"), 41, True),  # an empty text is in every text
    (rule("containsBlanks"), "  ", True), (rule("containsBlanks"), 41, False), (rule("containsBlanks"), None, True),
    (rule("notContainsBlanks"), 41, True), (rule("notContainsBlanks"), " ", False),
    (rule("containsErrors"), "#DIV/0!", True), (rule("containsErrors"), 41, False),
    (rule("notContainsErrors"), 41, True), (rule("notContainsErrors"), "#N/A", False),
    (rule("top10"), 41, None), (rule("duplicateValues"), 41, None),
])
def test_which_conditional_formats_apply_to_a_value(r, value, expected):
    assert applies(r, value, "D6") is expected


def test_a_rule_covers_the_cells_of_its_ranges():
    r = rule("dataBar", ranges=((2, 3, 4, 5), (8, 8, 8, 8)))
    assert [r.covers(row, col) for row, col in ((3, 2), (5, 4), (2, 2), (6, 4), (3, 1), (3, 5), (8, 8), (8, 9))] \
        == [True, True, False, False, False, False, True, False]
    cells = {(3, 2), (5, 4), (8, 8), (9, 9)}
    assert rules_by_cell((r,), cells) == {(3, 2): (r,), (5, 4): (r,), (8, 8): (r,)}
    wide = rule("dataBar", ranges=((1, 1, 1000, 1000), (1, 1, 1000, 1000)))  # bigger than the cells: no double count
    assert rules_by_cell((wide, r), cells) == {(3, 2): (wide, r), (5, 4): (wide, r), (8, 8): (wide, r),
                                              (9, 9): (wide,)}
    assert rules_by_cell((), cells) == {}


# ---------------------------------------------------------------- what the clerk sees


def test_the_template_look_shows_the_figure_plainly():
    assert judge(41, 41, TEMPLATE, PALETTE) is None
    assert judge(Decimal("12.50"), Decimal("12.5"), look("0.00"), PALETTE) is None
    assert judge(None, None, look('"9"'), PALETTE) is None
    assert judge("  ", None, look('"9"'), PALETTE) is None
    assert judge("十二", None, look('"9"'), PALETTE) is None  # not counted: the cell's own finding says so
    assert judge(1234, 1234, look("#,##0"), PALETTE) is None


@pytest.mark.parametrize(("lk_", "value", "severity", "shown", "why"), [
    (look('"9"'), 999, "error", "9", "数字格式为“\"9\"”"),
    (look("0;-0;;@"), 0, "error", "", "数字格式为“0;-0;;@”"),  # a three-section format hiding a zero
    (look(";;;"), 41, "error", "", "数字格式为“;;;”"),
    (look("0,"), 41000, "error", "41", "数字格式为“0,”"),
    (look("0.0E+0"), 41000, "warning", "4.1E+4", "数字格式为“0.0E+0”"),
    (look('0"件"'), 41, "warning", "41件", "数字格式为“0\"件\"”"),
    (look("[DBNum1]0"), 41, "warning", "41", "数字格式为“[DBNum1]0”，以中文数字显示"),
    (look("yyyy-mm-dd"), 41, "error", "1900-02-09", "数字格式“yyyy-mm-dd”按日期或时间显示"),
    (look("0" * 65), 41, "error", "", "数字格式“" + "0" * 30 + "…”无法判断显示内容"),
    (look(name="Wingdings"), 41, "error", "", "字体为符号字体“Wingdings”，数字显示为图形"),
    (look(size=2.5), 41, "error", "", "字号仅 2.5 磅，看不清"),
    (look(size=5), 41, "warning", "41", "字号仅 5 磅"),
    (look(colour="FFFFF2CC"), 41, "error", "", "文字颜色与底色几乎相同（#FFF2CC 在 #FFF2CC 上）"),
    (look(colour="FFB0B0B0"), 41, "warning", "41", "文字颜色与底色对比度过低（#B0B0B0 在 #FFF2CC 上），难以看清"),
    (look(strike=True), 41, "warning", "41", "数字带删除线"),
    (look("[White]0"), 41, "error", "", "文字颜色与底色几乎相同（#FFFFFF 在 #FFF2CC 上）"),
    (look(horizontal="fill"), 41, "error", "414141", "对齐方式为“填充”，数字被重复显示"),
    (look("General"), 41.5, None, None, None),
])
def test_what_a_look_shows_and_how_bad_it_is(lk_, value, severity, shown, why):
    verdict = judge(value, value, lk_, PALETTE)
    if severity is None:
        assert verdict is None
    else:
        assert verdict == Verdict(severity, shown, why)


def test_show_zeros_off_hides_a_zero_only():
    assert judge(0, 0, TEMPLATE, PALETTE, show_zeros=False) == Verdict("error", "", "工作表设置为不显示零值")
    assert judge(0.0, 0, TEMPLATE, PALETTE, show_zeros=False).shown == ""
    assert judge(41, 41, TEMPLATE, PALETTE, show_zeros=False) is None
    assert judge("0", 0, look("@"), PALETTE, show_zeros=False) is None  # a text "0" is still shown


def test_a_narrow_column_shows_hashes():
    assert judge(123456, 123456, TEMPLATE, PALETTE, width=4) == Verdict(
        "error", "###", "列宽只有 4 个字符，放不下这个数")
    assert judge(123456, 123456, TEMPLATE, PALETTE, width=8) is None
    assert judge(41, 41, TEMPLATE, PALETTE, width=3) is None  # 2 digits of 10 pt fit in 3 characters
    assert judge(41, 41, look(size=22), PALETTE, width=3).shown == "###"  # not at 22 pt
    assert judge("41", 41, look("@"), PALETTE, width=1) is None  # text overflows into the next cell


def test_conditional_formats_that_may_apply_are_each_judged():
    hide = rule("cellIs", "greaterThan", ["100"], dxf=lk.Look('";;;"'))
    white = rule("expression", formulas=["D6>B2"], dxf=lk.Look(None, lk.Font(lk.ColorRef(rgb="FFFFFFFF"))))
    assert judge(41, 41, TEMPLATE, PALETTE, rules=(hide,), ref="D6") is None  # does not apply to 41
    assert judge(999, 999, TEMPLATE, PALETTE, rules=(hide,), ref="D6") == Verdict(
        "error", ";;;", "数字格式为“\";;;\"”，由条件格式设置")
    verdict = judge(41, 41, TEMPLATE, PALETTE, rules=(white,), ref="D6")
    assert verdict.severity == "error"
    assert verdict.why.endswith("，在条件格式生效时")
    bar = rule("dataBar", show=False)
    assert judge(41, 41, TEMPLATE, PALETTE, rules=(bar,)) == Verdict(
        "error", "", "数据条或图标集不显示数值，由条件格式设置")
    assert judge(41, 41, TEMPLATE, PALETTE, rules=(rule("dataBar"),)) is None
    scale = rule("colorScale", scale=(lk.ColorRef(rgb="FFFFFFFF"), lk.ColorRef(rgb="FF000000")))
    verdict = judge(41, 41, TEMPLATE, PALETTE, rules=(scale,))
    assert verdict.severity == "error"
    assert verdict.why.startswith("文字颜色与底色几乎相同（#000000 在 #000000 上）色阶")
    warn = rule("cellIs", "equal", ["41"], dxf=lk.Look('0"件"'))
    both = judge(41, 41, TEMPLATE, PALETTE, rules=(warn, hide, bar), ref="D6")
    assert both.severity == "error"  # the worst of what may show
    assert judge(41, 41, TEMPLATE, PALETTE, rules=(warn,), ref="D6").severity == "warning"


def test_runs_that_cannot_be_seen_change_what_a_counted_text_shows():
    black, white = lk.Font(lk.ColorRef(rgb="FF000000")), lk.Font(lk.ColorRef(rgb="FFFFF2CC"))
    verdict = judge("41", 41, look("@"), PALETTE, runs=(("4", black), ("1", white)))
    assert verdict == Verdict("error", "4", "部分文字的颜色或字号使其看不见")
    tiny = lk.Font(None, 1.0)
    assert judge("41", 41, look("@"), PALETTE, runs=(("4", black), ("1", tiny))).shown == "4"
    symbol = lk.Font(None, None, "Webdings")
    assert judge("41", 41, look("@"), PALETTE, runs=(("4", symbol), ("1", black))).shown == "1"
    assert judge("41", 41, look("@"), PALETTE, runs=(("4", black), ("1", lk.Font()))) is None
    assert judge("41", 41, look("@"), PALETTE, runs=(("41", lk.Font(None, 10.0, "宋体")),)) is None


# ---------------------------------------------------------------- a plain look needs no judging


def test_plain_looks_are_the_safe_formats_readable_and_unstruck():
    assert plain(TEMPLATE, PALETTE)
    for ok in ("General", "0", "0.00", "#,##0", "#,##0.00", "0.0", "G/通用格式", "@", None):
        assert plain(look(ok), PALETTE), ok
    assert not plain(look("0;-0;;@"), PALETTE)
    assert not plain(look(horizontal="fill"), PALETTE)
    assert not plain(look(strike=True), PALETTE)
    assert not plain(look(colour="FFB0B0B0"), PALETTE)
    assert not plain(look(name="Symbol"), PALETTE)
    assert not plain(look(size=5.9), PALETTE)
    assert plain(look(size=6), PALETTE)
    assert plain(look(size=16), PALETTE)
    assert not plain(look(size=16.5), PALETTE)


# ---------------------------------------------------------------- findings and their words


def test_findings_say_what_is_shown_and_what_is_counted():
    where = {"sheet": "表三 依申请公开", "cell": "D6"}
    error = cell_finding(Verdict("error", "", ""), where, "41")
    assert (error.rule, error.severity, error.sheet, error.cell, error.actual) == (
        "CELL_SHOWN_DIFFERENT", "error", "表三 依申请公开", "D6", "空白")
    assert "显示为 空白，实际数值为 41（显示方式被改动）" in error.message
    warning = cell_finding(Verdict("warning", "41件", "数字格式为“0\"件\"”"), where, "41")
    assert (warning.rule, warning.severity, warning.actual) == ("CELL_LOOKS_DIFFERENT", "warning", "41件")
    assert warning.message.startswith("显示为 41件（数值 41），数字格式为“0\"件\"”，与模板不同")
    box = Overlay("文本框", (0, 0, 100, 20), True, "  九  ")
    covered = overlay_finding(box, where, "41")
    assert (covered.rule, covered.severity, covered.actual) == ("CELL_COVERED", "error", "文本框（其中文字“  九  ”）")
    line = overlay_finding(Overlay("线条", (0, 0, 100, 20), False), where, "41")
    assert (line.rule, line.severity, line.actual) == ("CELL_DRAWN_OVER", "warning", "线条")
    assert overlay_finding(Overlay("图形", (0, 0, 1, 1), True, "   "), where, "41").actual == "图形"


def test_shown_text_names_blank_and_control_characters_and_is_clipped():
    assert shown_text("") == "空白"
    assert shown_text("  ") == "空白"
    assert shown_text("4\x001") == "4�1"
    assert shown_text("9" * 30) == "9" * 30
    assert shown_text("9" * 31) == "9" * 30 + "…"


def test_a_drawn_object_covers_a_cell_only_beyond_a_sliver():
    box = Overlay("图片", (10, 10, 50, 30), True)
    assert box.overlaps((40, 20, 80, 40))
    assert not box.overlaps((49.5, 20, 80, 40))  # touches the border only
    assert not box.overlaps((10, 29.5, 50, 60))
    assert not box.overlaps((60, 10, 80, 30))
    assert not box.overlaps((10, 40, 50, 60))
    assert box.overlaps((0, 0, 100, 100))


# ---------------------------------------------------------------- sheets


def test_hidden_statutory_sheets_and_look_alike_names():
    lay = layout(F21)
    sheets = list(lay.sheets)
    t3 = next(s for s in sheets if s.startswith("表三"))
    states = {s: "visible" for s in sheets}
    assert sheet_findings(states, lay) == ([], set())
    found, _ = sheet_findings({**states, t3: "hidden"}, lay)
    assert [(f.rule, f.sheet) for f in found] == [("SHEET_HIDDEN", t3)]
    assert "被隐藏" in found[0].message
    found, _ = sheet_findings({**states, t3: "veryHidden"}, lay)
    assert "深度隐藏（veryHidden" in found[0].message
    check = next((s for s in sheets if "校验" in s), None)
    if check is not None:  # the check sheet's results are recomputed: hiding it hides nothing counted
        assert sheet_findings({**states, check: "hidden"}, lay) == ([], set())
    for name, how in ((t3 + " ", "名称末尾有空格"), (t3.replace(" ", "\u3000"), "名称中有全角空格"),
                      (t3.replace(" ", " \u200b"), "名称中有不可见的字符或不同的空格"),
                      (t3.replace(" ", ""), "名称只有大小写或空格不同")):
        found, lookalikes = sheet_findings({**states, name: "visible"}, lay)
        assert lookalikes == {name}
        assert [f.rule for f in found] == ["SHEET_LOOKALIKE"], name
        assert how in found[0].message
        assert "而真正的" not in found[0].message
    found, _ = sheet_findings({**states, t3: "veryHidden", t3 + " ": "visible"}, lay)
    assert [f.rule for f in found] == ["SHEET_HIDDEN", "SHEET_LOOKALIKE"]
    assert f"，而真正的「{t3}」被深度隐藏" in found[1].message
    found, _ = sheet_findings({**states, t3: "hidden", t3 + " ": "visible"}, lay)
    assert f"，而真正的「{t3}」被隐藏" in found[1].message
    wide = "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in "封面1")
    assert fold_name(wide) == fold_name("封面1") == "封面1"
    assert sheet_findings({**states, "其他": "hidden"}, lay) == ([], set())
