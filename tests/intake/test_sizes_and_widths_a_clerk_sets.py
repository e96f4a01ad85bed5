"""Font sizes and column widths a clerk (or a copied workbook) gives an input cell: a figure in a font
under 3 points cannot be seen (an error), under 6 points is hard to read (a warning), from 6 points on
is plain; a column too narrow for what the cell writes shows ### (an error naming the width). A digit
of 11 points takes about one character of width, and half a character goes to the cell's margins.
表二 holds B5:D5 = 0, B6 17, C6 8, D6 41, B9 29, B12 31, B13 25 and the fee amount B16 275.19."""

from __future__ import annotations

import hostile
import pytest

from nianbao.check.run import check_file

T2 = hostile.T2
COLS = '<col min="2" max="4" width="26" customWidth="1"/>'  # the template's columns B–D


def _appearance(path) -> list[tuple[str, str, str]]:
    """(rule, cell, message) of what nianbao says of how 表二's figures look, by cell."""
    return sorted((f.rule, f.cell, f.message) for f in check_file(path).findings
                  if f.rule in ("CELL_SHOWN_DIFFERENT", "CELL_LOOKS_DIFFERENT") and f.sheet == T2)


def _columns(path, cols: str):
    """The workbook at `path` with 表二's columns B–D given `cols` instead."""
    def edit(member: str, data: bytes) -> bytes:
        return data.decode().replace(COLS, cols, 1).encode() if member == hostile.T2_PART else data

    return hostile.rezip(path, path.with_name("cols-" + path.name), edit=edit)


def _width(column: str, width: float) -> str:
    n = "BCD".index(column) + 2
    spans = [(2, n - 1, "26"), (n, n, f"{width:g}"), (n + 1, 4, "26")]
    return "".join(f'<col min="{a}" max="{b}" width="{w}" customWidth="1"/>' for a, b, w in spans if a <= b)


# ---------------------------------------------------------------- font sizes


@pytest.mark.parametrize(("size", "said"), [
    ("2.5", [("CELL_SHOWN_DIFFERENT", "D6", "显示为 空白，实际数值为 41（字号仅 2.5 磅，看不清）。")]),
    ("3", [("CELL_LOOKS_DIFFERENT", "D6", "显示为 41（数值 41），字号仅 3 磅，与模板不同。")]),  # small, not a speck
    ("5.5", [("CELL_LOOKS_DIFFERENT", "D6", "显示为 41（数值 41），字号仅 5.5 磅，与模板不同。")]),
    ("6", []),  # from 6 points on a figure is plainly readable (the template's own style: not judged further)
])
def test_a_small_font_is_named_by_its_size(tmp_path, size, said):
    path = hostile.restyled(tmp_path, "size.xlsx", font=hostile._font(size=size))
    got = [(rule, cell, message[:message.index("。") + 1]) for rule, cell, message in _appearance(path)]
    assert got == said


@pytest.mark.parametrize(("style", "said"), [
    # judged (the format is not one of the template's), and 6 points are readable
    ({"font": hostile._font(size="6"), "numfmt": "0;-0;0"}, []),
    ({"font": hostile._font(size="5.5"), "numfmt": "0;-0;0"}, [("CELL_LOOKS_DIFFERENT", "D6")]),
    # an empty format code is General, in a font of 18 points as in any: 41 shown as itself
    ({"font": hostile._font(size="18"), "numfmt": ""}, []),
])
def test_a_figure_judged_for_its_style_is_named_only_when_it_looks_different(tmp_path, style, said):
    path = hostile.restyled(tmp_path, "judged.xlsx", **style)
    assert [(rule, cell) for rule, cell, _ in _appearance(path)] == said


def _rich(second_run: str) -> str:
    """The text 41 in two runs: "4" in the cell's font, "1" with the run properties given."""
    return ('<c r="{ref}"{s} t="inlineStr"><is><r><t>4</t></r>'
            f"<r><rPr>{second_run}</rPr><t>1</t></r></is></c>")


@pytest.mark.parametrize(("run", "shown"), [
    ('<sz val="2.5"/>', "4"),  # a speck: the clerk reads 4
    ('<sz val="3"/>', None),  # small but seen: 41 (the text read as a figure is said elsewhere)
])
def test_a_run_of_a_rich_text_is_seen_from_three_points(tmp_path, run, shown):
    path = hostile.restyled(tmp_path, "run-size.xlsx", cell_xml=_rich(run))
    got = _appearance(path)
    if shown is None:
        assert got == []
        return
    ((rule, cell, message),) = got
    assert (rule, cell) == ("CELL_SHOWN_DIFFERENT", "D6")
    assert message.startswith(f"显示为 {shown}，实际数值为 41（部分文字的颜色或字号使其看不见）"), message


def test_a_run_is_seen_against_the_cells_own_fill(tmp_path):
    """White text on a black cell; the run "1" is painted black: on the black fill it cannot be seen
    (on the white of a sheet without fill it could, and "4" could not)."""
    path = hostile.restyled(tmp_path, "run-fill.xlsx", font=hostile._font(colour='<color rgb="FFFFFFFF"/>'),
                            fill=hostile._solid('rgb="FF000000"'), cell_xml=_rich('<color rgb="FF000000"/>'))
    ((rule, cell, message),) = _appearance(path)
    assert (rule, cell) == ("CELL_SHOWN_DIFFERENT", "D6")
    assert message.startswith("显示为 4，实际数值为 41（部分文字的颜色或字号使其看不见）"), message


def test_every_reason_a_figure_is_shown_otherwise_is_named(tmp_path):
    """A hidden run and "fill" alignment: the clerk sees 444, for both reasons."""
    path = hostile.restyled(tmp_path, "two-reasons.xlsx", align="fill", cell_xml=_rich('<color rgb="FFFFF2CC"/>'))
    ((rule, cell, message),) = _appearance(path)
    assert (rule, cell) == ("CELL_SHOWN_DIFFERENT", "D6")
    why = "部分文字的颜色或字号使其看不见、对齐方式为“填充”，数字被重复显示"
    assert message.startswith(f"显示为 444，实际数值为 41（{why}）"), message


# ---------------------------------------------------------------- column widths


def _hashes(cells: list[str], width: float) -> list[tuple[str, str, str]]:
    return [("CELL_SHOWN_DIFFERENT", c, f"显示为 ###，实际数值为 {v}（列宽只有 {width:g} 个字符，放不下这个数）。")
            for c, v in cells]


@pytest.mark.parametrize(("width", "cells"), [
    (0.5, [("D5", 0), ("D6", 41)]),  # the narrowest column that is not hidden: nothing fits
    (1, [("D5", 0), ("D6", 41)]),  # one character, less the margins: not even a 0
    (1.5, [("D6", 41)]),  # a 0 fits, 41 does not
    (2.5, []),
])
def test_a_narrow_column_shows_what_does_not_fit_as_hashes(tmp_path, width, cells):
    path = _columns(hostile.filled_2021(tmp_path, "narrow.xlsx"), _width("D", width))
    got = [(rule, cell, message[:message.index("。") + 1]) for rule, cell, message in _appearance(path)]
    assert got == _hashes(cells, width)


@pytest.mark.parametrize(("width", "fits"), [(2.4, False), (2.5, True)])
def test_two_digits_of_eleven_points_need_two_and_a_half_characters(tmp_path, width, fits):
    path = _columns(hostile.restyled(tmp_path, "eleven.xlsx", font=hostile._font(size="11")), _width("D", width))
    got = [(rule, cell) for rule, cell, _ in _appearance(path)]
    assert got == ([] if fits else [("CELL_SHOWN_DIFFERENT", "D6")])


def test_a_narrow_first_input_column_is_judged_too(tmp_path):
    """Column B (表二's first input column) one and a half characters wide: each figure of two digits
    or more shows ###; its zero and the other columns' figures are seen."""
    path = _columns(hostile.filled_2021(tmp_path, "narrow-b.xlsx"), _width("B", 1.5))
    assert [cell for _, cell, _ in _appearance(path)] == ["B12", "B13", "B16", "B6", "B9"]


@pytest.mark.parametrize(("style", "value", "width"), [
    ({"font": hostile._font(size="48")}, "41", 9),  # a figure of 48 points: 41 is wider than 9 characters
    ({}, "1234567", 6.5),  # seven digits of the template's 10 points in six and a half characters
    ({"numfmt": "#,##0.00"}, "1234", 7),  # 1,234.00: the separator and the decimals take room too
])
def test_a_figure_wider_than_its_column_is_named(tmp_path, style, value, width):
    path = _columns(hostile.restyled(tmp_path, "wide.xlsx", value=value, **style), _width("D", width))
    got = [(rule, cell, message[:message.index("（")]) for rule, cell, message in _appearance(path)]
    assert got == [("CELL_SHOWN_DIFFERENT", "D6", f"显示为 ###，实际数值为 {value}")]


@pytest.mark.parametrize(("size", "cols", "width"), [
    ("72", _width("D", 12), 12),  # a wide column, but not for 41 in 72 points
    ("48", '<col min="2" max="3" width="26" customWidth="1"/>', 8.43),  # D without a <col>: the default width
    ("48", COLS, None),  # 26 wide: it fits
])
def test_a_large_font_is_measured_against_any_column_width(tmp_path, size, cols, width):
    path = _columns(hostile.restyled(tmp_path, "large.xlsx", font=hostile._font(size=size)), cols)
    got = [(rule, cell, message[:message.index("。") + 1]) for rule, cell, message in _appearance(path)]
    assert got == ([] if width is None else _hashes([("D6", 41)], width))


def test_a_blank_input_does_not_stop_the_cells_after_it_being_judged(tmp_path):
    """表二 B5 left empty (before D6 in the table) and D6 formatted to show the literal 9."""
    path = hostile.format_literal(tmp_path)

    def edit(member: str, data: bytes) -> bytes:
        return data.decode().replace('<c r="B5" s="16"><v>0</v></c>', '<c r="B5" s="16"/>', 1).encode() \
            if member == hostile.T2_PART else data

    path = hostile.rezip(path, tmp_path / "blank-b5.xlsx", edit=edit)
    assert [(rule, cell) for rule, cell, _ in _appearance(path)] == [("CELL_SHOWN_DIFFERENT", "D6")]
