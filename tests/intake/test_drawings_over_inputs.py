"""Something drawn over an input cell: a text box or filled shape hides the figure (an error naming the
sheet, the cell, what covers it and the figure counted); an unfilled shape without text, or a line, only
looks different (a warning). A shape that merely touches the cell's border — one point or less — is
neither. A comment on an input cell is quoted (a warning): it is not counted."""

from __future__ import annotations

import hostile
import pytest

from nianbao.check.run import check_file
from nianbao.intake.appearance import Overlay

_EMPTY_SHAPE = ('<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="3" name="Rectangle 2"/><xdr:cNvSpPr/>'
                '</xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></a:xfrm>'
                '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/></xdr:spPr></xdr:sp><xdr:clientData/>')


def test_a_text_box_over_a_figure_is_named_with_what_it_says(tmp_path):
    (f,) = check_file(hostile.text_box_two_cell(tmp_path)).findings
    assert (f.rule, f.sheet, f.cell, f.severity) == ("CELL_COVERED", hostile.T2, "D6", "error")
    assert f.message.startswith("此单元格被文本框（其中文字“9”）遮住，表中看到的是它而不是其中的数值 41。")


def test_an_unfilled_shape_without_text_over_a_figure_is_a_warning(tmp_path):
    path = hostile._drawing(
        tmp_path, "empty-shape.xlsx",
        '<xdr:twoCellAnchor><xdr:from><xdr:col>3</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>5</xdr:row>'
        '<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>4</xdr:col><xdr:colOff>0</xdr:colOff>'
        f"<xdr:row>6</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>{_EMPTY_SHAPE}</xdr:twoCellAnchor>")
    (f,) = check_file(path).findings
    assert (f.rule, f.sheet, f.cell, f.severity) == ("CELL_DRAWN_OVER", hostile.T2, "D6", "warning")
    assert f.message == "此单元格上画有图形（数值 41），看起来与模板不同。请删除或移开它后核对。"


CELL = (10.0, 10.0, 50.0, 30.0)  # left, top, right, bottom in points


@pytest.mark.parametrize(("box", "covers"), [
    ((49.0, 0.0, 90.0, 90.0), False),  # one point over the right border
    ((48.5, 0.0, 90.0, 90.0), True),  # one and a half
    ((0.0, 29.0, 90.0, 90.0), False),  # one point over the bottom border
    ((0.0, 28.5, 90.0, 90.0), True),
    ((0.0, 0.0, 11.0, 90.0), False), ((0.0, 0.0, 11.5, 90.0), True),  # left border
    ((0.0, 0.0, 90.0, 11.0), False), ((0.0, 0.0, 90.0, 11.5), True),  # top border
])
def test_a_drawing_hides_a_cell_only_beyond_one_point(box, covers):
    assert Overlay("图形", box, True).overlaps(CELL) is covers


@pytest.mark.parametrize(("text", "quoted"), [
    ("实际为\n  9   件", "实际为 9 件"),  # the comment's lines and runs of spaces read as one line
    ("", "（空）"),  # an empty comment, or one of spaces only, is still named: it says so
    ("   ", "（空）"),
])
def test_a_comment_on_a_figure_is_quoted_on_one_line(tmp_path, text, quoted):
    """A comment (a note shown only under the mouse) on 表二 D6: a warning on that cell quoting it."""
    (f,) = check_file(hostile._vml(tmp_path, "comment.xlsx", hostile._note(False), comment=text)).findings
    assert (f.rule, f.sheet, f.cell, f.severity) == ("CELL_COMMENT", hostile.T2, "D6", "warning")
    assert f.message.startswith(f"此单元格带有批注“{quoted}”。批注不计入汇总"), f.message
