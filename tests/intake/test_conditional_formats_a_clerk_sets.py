"""A conditional format a clerk (or a copied workbook) puts on an input cell hides the figure only when
its condition holds for the value: nianbao names the cell when it holds ("由条件格式设置"), says it may
when the condition cannot be worked out from the cell alone ("在条件格式生效时"), and says nothing when it
cannot hold. 表二 D6 holds 41; each rule's style paints the text in the input yellow."""

from __future__ import annotations

import hostile
import pytest

from nianbao.check.run import check_file
from nianbao.intake.read import read_workbook

HIDES = '<font><color rgb="FFFFF2CC"/></font>'  # the input fill's colour
APPLIES, MAY = "由条件格式设置", "在条件格式生效时"


def _rule(tmp_path, cf_rule: str, *, ref: str = "D6", value: str | None = None, dxf: str = HIDES):
    """The filled template with one conditional format on `ref` (its style `dxf`), `ref` holding `value`."""
    i = hostile._dxf_id(tmp_path)
    path = hostile._with_parts(tmp_path, "cond.xlsx", styles_edit=hostile._dxf(dxf),
                               sheet_edit=hostile._cond(ref, cf_rule.format(dxf=i)))
    if value is not None:
        path = _set(path, ref, value)
    return path


def _set(path, ref: str, value: str):
    import re

    def edit(member: str, data: bytes) -> bytes:
        if member != hostile.T2_PART:
            return data
        return re.sub(rf'(<c r="{ref}"[^>]*>)<v>[^<]*</v>', rf"\g<1><v>{value}</v>", data.decode(), count=1).encode()

    return hostile.rezip(path, path.with_name("valued-" + path.name), edit=edit)


def _said(path, ref: str = "D6") -> str | None:
    """APPLIES, MAY or None: what nianbao says of the cell."""
    shown = [f for f in check_file(path).findings if f.rule == "CELL_SHOWN_DIFFERENT"]
    if not shown:
        return None
    (f,) = shown
    assert (f.sheet, f.cell, f.severity) == (hostile.T2, ref, "error")
    return APPLIES if APPLIES in f.message else MAY if MAY in f.message else f.message


def _expression(formula: str) -> str:
    return f'<cfRule type="expression" dxfId="{{dxf}}" priority="9"><formula>{formula}</formula></cfRule>'


def _cell_is(operator: str, *formulas: str) -> str:
    body = "".join(f"<formula>{f}</formula>" for f in formulas)
    return f'<cfRule type="cellIs" dxfId="{{dxf}}" priority="9" operator="{operator}">{body}</cfRule>'


@pytest.mark.parametrize(("formula", "said"), [
    ("D6&lt;41", None), ("D6&lt;42", APPLIES),
    ("D6&lt;=41", APPLIES), ("D6&lt;=40", None),
    ("D6&gt;41", None), ("D6&gt;40", APPLIES),
    ("D6&gt;=41", APPLIES), ("D6&gt;=42", None),
    ("D6=41", APPLIES), ("$D$6=42", None),
    ("D6&lt;&gt;41", None), ("D6&lt;&gt;42", APPLIES),
    # a figure is never equal to a text: = never holds, <> always does; an order against a text cannot be told
    ('D6="41"', None), ('D6&lt;&gt;"41"', APPLIES), ('D6&gt;"41"', MAY),
    ("D6=TRUE", None), ("D6&lt;&gt;TRUE", APPLIES),  # TRUE is 1, as LibreOffice counts it
    ("D7&gt;40", MAY),  # another cell's value: cannot be told from D6
    ("X6", MAY),  # a cell of column X, not a constant
    ("XD6&gt;40", MAY),  # column XD's cell, not D6
    ("=TRUE()", APPLIES), ("FALSE", None), ("=FALSE()", None), ("TRUE", APPLIES),
])
def test_an_expression_on_the_cell_hides_the_figure_exactly_when_it_holds(tmp_path, formula, said):
    assert _said(_rule(tmp_path, _expression(formula))) == said


@pytest.mark.parametrize(("rule", "said"), [
    (_cell_is("between", "TRUE", "100"), APPLIES),  # TRUE counts 1: 1 ≤ 41 ≤ 100
    (_cell_is("between", "FALSE", "40"), None),
    (_cell_is("notBetween", "TRUE", "40"), APPLIES),
    (_cell_is("equal", "TRUE"), None),
    (_cell_is("notEqual", '"41"'), APPLIES),
    (_cell_is("equal", '"41"'), None),
    (_cell_is("greaterThan", "40.5"), APPLIES), (_cell_is("lessThan", "41.5"), APPLIES),
    (_cell_is("lessThan", "40.5"), None),
    (_cell_is("equal", '""'), None),  # the empty text: a figure is never equal to it
    (_cell_is("equal", "TRUE()"), None), (_cell_is("greaterThan", "=TRUE()"), APPLIES),
    (_cell_is("greaterThan", "FALSE"), APPLIES), (_cell_is("lessThan", "FALSE()"), None),
    # one bound a text: whether 41 lies between cannot be told, whichever the other bound says
    (_cell_is("between", "50", '"z"'), MAY), (_cell_is("notBetween", '"a"', "100"), MAY),
])
def test_a_cell_value_rule_hides_the_figure_exactly_when_it_holds(tmp_path, rule, said):
    assert _said(_rule(tmp_path, rule)) == said


def test_a_negative_figure_against_false_is_compared_as_a_number(tmp_path):
    """FALSE is 0: −0.5 is not between 0 and 100, and the rule does not hide it."""
    path = _rule(tmp_path, _cell_is("between", "FALSE", "100"), value="-0.5")
    assert _said(path) is None


@pytest.mark.parametrize("rule", [_cell_is("between", "TRUE", "100"), _cell_is("equal", "TRUE"),
                                  _cell_is("greaterThan", "FALSE()")])
def test_a_text_in_a_cell_with_a_rule_against_true_is_read(tmp_path, rule):
    """Text typed into a count cell under a rule that compares with TRUE: read like any text, and the
    reading engines agree."""
    path = _text(_rule(tmp_path, rule), "D6", "无")
    fast, ref = read_workbook(path, engine="fast"), read_workbook(path, engine="openpyxl")
    assert not fast.fatal
    assert [f.to_dict() for f in fast.findings] == [f.to_dict() for f in ref.findings]
    assert "CELL_SHOWN_DIFFERENT" not in [f.rule for f in check_file(path).findings]


@pytest.mark.parametrize(("value", "said"), [("1.5", None), ("1", APPLIES)])
def test_an_amount_is_compared_with_true_as_one_exactly(tmp_path, value, said):
    """表二's fee amount (B16) under "equal to TRUE": TRUE is 1, and 1.5 is not 1."""
    path = _rule(tmp_path, _cell_is("equal", "TRUE"), ref="B16", value=value)
    assert _said(path, "B16") == said


def _text(path, ref: str, text: str):
    import re

    def edit(member: str, data: bytes) -> bytes:
        if member != hostile.T2_PART:
            return data
        return re.sub(rf'<c r="{ref}"( s="\d+")[^>]*>.*?</c>',
                      lambda m: f'<c r="{ref}"{m.group(1)} t="inlineStr"><is><t>{text}</t></is></c>',
                      data.decode(), count=1, flags=re.S).encode()

    return hostile.rezip(path, path.with_name("text-" + path.name), edit=edit)


@pytest.mark.parametrize(("stored", "rule", "said"), [
    ("41.0", '<cfRule type="endsWith" dxfId="{dxf}" priority="9" text="1"><formula>0</formula></cfRule>', APPLIES),
    ("100", '<cfRule type="beginsWith" dxfId="{dxf}" priority="9" text="10"><formula>0</formula></cfRule>', APPLIES),
    ("100", '<cfRule type="containsText" dxfId="{dxf}" priority="9" text="E"><formula>0</formula></cfRule>', None),
])
def test_a_text_rule_reads_the_figure_as_the_cell_writes_it(tmp_path, stored, rule, said):
    """Text rules (begins with, ends with, contains) test the figure as plain digits: 41.0 stored is 41,
    100 is 100 (never 1E+2)."""
    assert _said(_rule(tmp_path, rule, value=stored)) == said


def test_a_counted_text_under_a_rule_on_another_cell_may_be_hidden(tmp_path):
    """The text "41" typed into D6 is counted; a rule comparing D6 with another cell may hide it."""
    path = _text(_rule(tmp_path, _expression("D6=B2")), "D6", "41")
    assert _said(path) == MAY


@pytest.mark.parametrize(("fill", "said"), [
    # a conditional format's solid fill is painted in its bgColor (as Excel writes it), not its fgColor
    ('<patternFill patternType="solid"><fgColor rgb="FFFFFFFF"/><bgColor rgb="FF000000"/></patternFill>', APPLIES),
    ('<patternFill><fgColor rgb="FFFFFFFF"/><bgColor rgb="FF000000"/></patternFill>', APPLIES),
    ('<patternFill patternType="solid"><fgColor rgb="FF000000"/><bgColor rgb="FFFFFFFF"/></patternFill>', None),
    ('<patternFill patternType="solid"><fgColor rgb="FF000000"/></patternFill>', APPLIES),  # no bgColor: fgColor
    # a pattern mixes both its colours: black dots on black hide black text, on white they do not
    ('<patternFill patternType="mediumGray"><fgColor rgb="FF000000"/><bgColor rgb="FF000000"/></patternFill>', APPLIES),
    ('<patternFill patternType="mediumGray"><fgColor rgb="FF000000"/><bgColor rgb="FFFFFFFF"/></patternFill>', None),
])
def test_a_conditional_fill_paints_its_background_colour(tmp_path, fill, said):
    """Black text on the fill a rule that always holds sets."""
    path = _rule(tmp_path, _expression("TRUE"), dxf=f"<fill>{fill}</fill>")
    assert _said(path) == said


_SCALE = ('<cfRule type="colorScale" priority="9"><colorScale><cfvo type="min"/><cfvo type="max"/>'
          '<color rgb="FF{low}"/><color rgb="FF{high}"/></colorScale></cfRule>')


@pytest.mark.parametrize(("low", "high", "said"), [
    ("FFFFFF", "FFEB84", None),  # light colours behind black figures: readable whatever the value
    ("FFFFFF", "000000", APPLIES),  # the dark end paints black behind black figures
])
def test_a_colour_scale_is_judged_by_each_of_its_colours(tmp_path, low, high, said):
    scale = _SCALE.format(low=low, high=high)
    path = hostile._with_parts(tmp_path, "scale.xlsx", sheet_edit=hostile._cond("D6", scale))
    assert _said(path) == said


@pytest.mark.parametrize(("operator", "said"), [("greaterThan", APPLIES), ("lessThan", None)])
def test_a_quoted_text_with_a_doubled_quote_is_compared_as_one_quote(tmp_path, operator, said):
    """A formula's text constant writes a quote as "": "4""1" is the text 4"1, which the counted text
    "41" typed into D6 comes after (a quote sorts before a digit)."""
    assert _said(_text(_rule(tmp_path, _cell_is(operator, '"4""1"')), "D6", "41")) == said


def _cells(path) -> list[str]:
    """The cells of 表二 nianbao says show another figure, in order."""
    return sorted(f.cell for f in check_file(path).findings
                  if f.rule == "CELL_SHOWN_DIFFERENT" and f.sheet == hostile.T2)


@pytest.mark.parametrize(("sqref", "cells"), [
    ("C5", ["C5"]),  # one cell: not the one below it, nor the one beside it
    ("B5:C5", ["B5", "C5"]),
    ("D6:D1000", ["D6"]),  # a whole column's rule: that column's figures only, not every row's
    ("D6:D5", ["D5", "D6"]),  # written backwards: LibreOffice (and Excel) read it as D5:D6
    ("D6:C5", ["C5", "C6", "D5", "D6"]),
])
def test_a_conditional_format_hides_only_the_cells_of_its_range(tmp_path, sqref, cells):
    i = hostile._dxf_id(tmp_path)
    path = hostile._with_parts(tmp_path, "range.xlsx", styles_edit=hostile._dxf(HIDES),
                               sheet_edit=hostile._cond(sqref, _expression("TRUE").format(dxf=i)))
    assert _cells(path) == cells


def test_cells_outside_every_rule_are_still_judged_on_a_sheet_with_rules(tmp_path):
    """The sheet hides zeros and D6 has a rule: B5, C5, D5 (zeros) are named beside D6."""
    i = hostile._dxf_id(tmp_path)
    cond = hostile._cond("D6", _expression("TRUE").format(dxf=i))
    zeros = hostile.show_zeros_off(tmp_path)  # the sheet view's showZeros="0"
    path = hostile.rezip(zeros, tmp_path / "zeros-and-rule.xlsx", edit=lambda m, d: cond(d.decode()).encode()
                         if m == hostile.T2_PART else d)
    path = hostile.rezip(path, tmp_path / "zeros-rule-style.xlsx", edit=lambda m, d: hostile._dxf(HIDES)(
        d.decode()).encode() if m == "xl/styles.xml" else d)
    assert _cells(path) == ["B5", "C5", "D5", "D6"]


_DATA_BAR = ('<cfRule type="dataBar" priority="9"><dataBar{show}><cfvo type="min"/><cfvo type="max"/>'
             '<color rgb="FF638EC6"/></dataBar></cfRule>')


@pytest.mark.parametrize(("show", "said"), [
    ("", None),  # a data bar beside the figure (the default): the figure is still shown
    (' showValue="1"', None), (' showValue="true"', None),
    (' showValue="0"', APPLIES), (' showValue="false"', APPLIES),  # only the bar
])
def test_a_data_bar_hides_the_figure_only_when_it_says_so(tmp_path, show, said):
    path = hostile._with_parts(tmp_path, "bar.xlsx", sheet_edit=hostile._cond("D6", _DATA_BAR.format(show=show)))
    assert _said(path) == said


def _x14(rule: str) -> str:
    """An Excel 2010 rule (the sheet's extLst; its formulas are <xm:f>) over D6, its style the fill's colour."""
    return ('<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
            'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:conditionalFormattings>'
            '<x14:conditionalFormatting xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
            f'<x14:cfRule priority="1" id="{{00000000-0000-0000-0000-000000000002}}" {rule}'
            '<x14:dxf><font><color rgb="FFFFF2CC"/></font></x14:dxf></x14:cfRule><xm:sqref>D6</xm:sqref>'
            "</x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst>")


@pytest.mark.parametrize(("rule", "said"), [
    ('type="expression"><xm:f>TRUE</xm:f>', APPLIES),
    ('type="expression"><xm:f>FALSE</xm:f>', None),
    ('type="cellIs" operator="greaterThan"><xm:f>40</xm:f>', APPLIES),
    ('type="cellIs" operator="lessThan"><xm:f>40</xm:f>', None),
])
def test_an_excel_2010_rule_is_judged_by_its_formula(tmp_path, rule, said):
    path = hostile._with_parts(tmp_path, "x14.xlsx",
                               sheet_edit=lambda x: x.replace("</worksheet>", _x14(rule) + "</worksheet>"))
    assert _said(path) == said


def test_a_red_number_format_under_a_colour_scale_that_reaches_red_hides_the_figure(tmp_path):
    """D6's format paints the figure red ([Red]0: readable on the input yellow); a colour scale from white
    to red paints the cell red behind it."""
    path = hostile.restyled(tmp_path, "red.xlsx", numfmt="[Red]0")
    assert _said(path) is None
    scale = hostile._cond("D6", _SCALE.format(low="FFFFFF", high="FF0000"))
    path = hostile.rezip(path, tmp_path / "red-scale.xlsx",
                         edit=lambda m, d: scale(d.decode()).encode() if m == hostile.T2_PART else d)
    assert _said(path) == APPLIES
