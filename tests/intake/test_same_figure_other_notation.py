"""A number format that writes the same figure another way — thousands separators and a unit, a fraction,
the accounting dash for zero — only looks different from the template (a warning quoting what is shown);
one that shows another figure is an error."""

from __future__ import annotations

import hostile
import pytest

from nianbao.check.run import check_file
from nianbao.format.layout import layout
from nianbao.format.spec import all_formats
from nianbao.intake.appearance import Verdict, cell_finding
from nianbao.intake.sheet_layout import where


@pytest.mark.parametrize(("ref", "value", "code", "rule", "shown"), [
    ("D6", "1234", '#,##0"件"', "CELL_LOOKS_DIFFERENT", "1,234件"),
    ("D6", "1234", '#,##0" 件"', "CELL_LOOKS_DIFFERENT", "1,234 件"),
    ("B16", "2.5", "# ?/?", "CELL_LOOKS_DIFFERENT", "2 1/2"),  # 表二's fee amount, money
    ("B16", "12.75", "# ?/?", "CELL_LOOKS_DIFFERENT", "12 3/4"),
    ("B16", "2.5", '"2 1/4"', "CELL_SHOWN_DIFFERENT", "2 1/4"),  # a literal: another figure
    ("B5", "0", '0;-0;"-"', "CELL_LOOKS_DIFFERENT", "-"),  # the accounting dash for zero
    ("B5", "0", '0;-0;"－"', "CELL_LOOKS_DIFFERENT", "－"),  # full-width, em and en dashes alike
    ("B5", "0", '0;-0;"—"', "CELL_LOOKS_DIFFERENT", "—"),
    ("B5", "0", '0;-0;"–"', "CELL_LOOKS_DIFFERENT", "–"),
    ("D6", "41", '0;-0;"-"', None, None),  # a figure other than zero is shown as itself
    ("D6", "41", '"-"', "CELL_SHOWN_DIFFERENT", "-"),  # a dash is zero, not 41
    ("D6", "1234", '#,##0"1"', "CELL_SHOWN_DIFFERENT", "1,2341"),  # a digit glued on: another figure
    ("D6", "41", '"("0")"', "CELL_SHOWN_DIFFERENT", "(41)"),  # 41 in brackets reads as the accountant's −41
    ("D6", "41", "0;(0)", None, None),  # a positive figure under it is shown plainly
    ("D6", "41", '"("0', "CELL_LOOKS_DIFFERENT", "(41"),  # one bracket is no negative
    ("D6", "41", '0")"', "CELL_LOOKS_DIFFERENT", "41)"),
    ("D6", "41", '0"X"', "CELL_LOOKS_DIFFERENT", "41X"),
    ("D6", "41.0", '0"件"', "CELL_LOOKS_DIFFERENT", "41件"),  # stored as 41.0, the figure is 41
    ("D6", "41", '0"."', None, None),  # a full stop after the figure: the figure itself
    ("D6", "1234", "#\u00a0##0", None, None),  # a no-break space between thousands: the same figure, plainly
    ("D6", "1234", "#\u3000##0", None, None),  # an ideographic space alike
    ("B16", "2.5", '0.0"万元"', "CELL_LOOKS_DIFFERENT", "2.5万元"),
    ("B16", "2.5", '"3"', "CELL_SHOWN_DIFFERENT", "3"),
    ("B16", "0.5", "#.00", "CELL_LOOKS_DIFFERENT", ".50"),  # no leading zero: the same figure
    ("B16", "0.5", "#,###.00", "CELL_LOOKS_DIFFERENT", ".50"),
    ("D6", "41", '"4.1e1"', "CELL_LOOKS_DIFFERENT", "4.1e1"),  # scientific with a small e, written out
    ("D6", "41", '0" 1/0"', "CELL_LOOKS_DIFFERENT", "41 1/0"),  # over zero: no fraction added (and no failure)
    ("D6", "41", '"XXXX"', "CELL_SHOWN_DIFFERENT", "XXXX"),  # the figure masked
    ("D6", "41", "", None, None),  # an empty format code is General: 41 as itself
])
def test_the_same_figure_in_another_notation_is_a_warning(tmp_path, ref, value, code, rule, shown):
    path = hostile.restyled(tmp_path, "notation.xlsx", ref=ref, value=value, numfmt=code)
    got = [f for f in check_file(path).findings if f.rule in ("CELL_LOOKS_DIFFERENT", "CELL_SHOWN_DIFFERENT")]
    if rule is None:
        assert got == []
        return
    assert [(f.rule, f.sheet, f.cell) for f in got] == [(rule, hostile.T2, ref)]
    counted = value.rstrip("0").rstrip(".") if "." in value else value  # 2.50 is counted 2.5
    said = f"显示为 {shown}（数值 {counted}）" if rule == "CELL_LOOKS_DIFFERENT" else \
        f"显示为 {shown}，实际数值为 {counted}（"
    assert got[0].message.startswith(said), got[0].message


def test_a_fraction_written_with_a_no_break_space_is_the_same_figure(tmp_path):
    """# ?/? with a no-break space for the space: 2.5 shows 2 1/2, a warning as with a plain space."""
    path = hostile.restyled(tmp_path, "nbsp-fraction.xlsx", ref="B16", value="2.5", numfmt="#\u00a0?/?")
    got = [f for f in check_file(path).findings if f.rule.startswith("CELL_")]
    assert [(f.rule, f.cell) for f in got] == [("CELL_LOOKS_DIFFERENT", "B16")]
    assert got[0].message.startswith("显示为 2 1/2（数值 2.5）"), got[0].message  # the space the clerk sees


@pytest.mark.parametrize("severity", ["warning", "error"])
def test_a_finding_on_what_a_cell_shows_always_gives_a_reason(severity):
    """A judgement without a reason of its own (a counted text under an empty format code) still reads as a
    sentence: never "…（数值 41），，与模板不同"."""
    fmt = all_formats()["gov-info-disclosure-2021"]
    key = next(iter(fmt.input_keys()))
    f = cell_finding(Verdict(severity, "41件", ""), where(fmt, key, layout(fmt).cells[key]), "41")
    assert "，，" not in f.message, f.message
    assert ("（数值 41），显示方式被改动，" if severity == "warning" else "（显示方式被改动）") in f.message, f.message


def test_a_text_format_shows_the_visible_runs_with_its_words(tmp_path):
    """The text 41 in runs "4" and "1", the "1" in the input yellow, under the format @"件": the clerk
    reads 4件."""
    path = hostile.restyled(tmp_path, "text-format.xlsx", numfmt='@"件"',
                            cell_xml='<c r="{ref}"{s} t="inlineStr"><is><r><t>4</t></r>'
                                     '<r><rPr><color rgb="FFFFF2CC"/></rPr><t>1</t></r></is></c>')
    (f,) = [f for f in check_file(path).findings if f.rule == "CELL_SHOWN_DIFFERENT"]
    assert (f.sheet, f.cell) == (hostile.T2, "D6")
    assert f.message.startswith("显示为 4件，实际数值为 41（部分文字的颜色或字号使其看不见）"), f.message
