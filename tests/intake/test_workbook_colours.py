"""Colours a workbook names in its own terms — a number format's [ColorN], the workbook's legacy palette,
its theme — decide what the clerk sees: a figure painted in the fill's colour is named, one painted in a
readable colour is not. Each workbook is the filled 2021 template with one style, the palette or the theme
changed, checked whole (check_file) and read by both engines alike."""

from __future__ import annotations

import re
import zipfile

import hostile
import pytest

from nianbao.check.run import check_file
from nianbao.intake.read import read_workbook

INPUT_YELLOW = "FFF2CC"  # the template's input fill


def _findings(path) -> list[tuple[str, str, str]]:
    return [(f.rule, f.cell, f.severity) for f in check_file(path).findings]


def _same_in_both_engines(path) -> None:
    fast, ref = read_workbook(path, engine="fast"), read_workbook(path, engine="openpyxl")
    assert [f.to_dict() for f in fast.findings] == [f.to_dict() for f in ref.findings]


def _with_palette(path, entries: dict[int, str]):
    """The workbook's styles given a full <indexedColors> (the legacy palette) with some entries replaced."""
    from nianbao.intake.look import DEFAULT_INDEXED

    colours = [entries.get(i, rgb) for i, rgb in enumerate(DEFAULT_INDEXED)]
    block = "<colors><indexedColors>" + "".join(f'<rgbColor rgb="FF{c}"/>' for c in colours) + \
        "</indexedColors></colors>"

    def edit(member: str, data: bytes) -> bytes:
        if member != "xl/styles.xml":
            return data
        text = data.decode()
        return text.replace("</styleSheet>", block + "</styleSheet>").encode() if "<dxfs" not in text else \
            text.replace("<dxfs", block + "<dxfs", 1).encode()

    out = path.with_name("palette-" + path.name)
    return hostile.rezip(path, out, edit=edit)


def _with_theme_dk1(path, colour_xml: str):
    """The workbook's theme with its first dark colour (dk1, the text colour theme="1") replaced."""
    def edit(member: str, data: bytes) -> bytes:
        if member != "xl/theme/theme1.xml":
            return data
        return re.sub(r"<a:dk1>.*?</a:dk1>", f"<a:dk1>{colour_xml}</a:dk1>", data.decode(), count=1).encode()

    out = path.with_name("theme-" + path.name)
    return hostile.rezip(path, out, edit=edit)


@pytest.mark.parametrize(("code", "named"), [
    ("[Color2]0", True),  # the palette's entry 9: white on the input yellow
    ("[Color6]0", True),  # entry 13: yellow on yellow
    ("[Color10]0", False),  # entry 17: dark green, readable
    ("[Color1]0", False),  # entry 8: black
])
def test_a_format_colour_paints_the_figure_from_the_palette(tmp_path, code, named):
    path = hostile.restyled(tmp_path, "format-colour.xlsx", numfmt=code)
    got = _findings(path)
    if named:
        assert got == [("CELL_SHOWN_DIFFERENT", "D6", "error")]
    else:
        assert got == []
    _same_in_both_engines(path)


def test_a_format_colour_takes_the_workbooks_own_palette(tmp_path):
    """A workbook that redefines the legacy palette: its [Color10] is what the workbook says it is."""
    readable = hostile.restyled(tmp_path, "format-colour10.xlsx", numfmt="[Color10]0")
    assert _findings(readable) == []
    hidden = _with_palette(readable, {17: INPUT_YELLOW})  # [Color10] is entry 8 + 10 - 1
    (f,) = check_file(hidden).findings
    assert (f.rule, f.cell, f.severity) == ("CELL_SHOWN_DIFFERENT", "D6", "error")
    assert INPUT_YELLOW in f.message
    _same_in_both_engines(hidden)


def test_the_theme_text_colour_is_the_workbooks_theme(tmp_path):
    """The template's text is theme colour 1, the theme's dk1: a theme whose dk1 is the fill hides every
    figure; one whose dk1 is a readable colour hides none."""
    base = hostile.filled_2021(tmp_path, "theme.xlsx")
    hidden = _with_theme_dk1(base, f'<a:sysClr val="windowText" lastClr="{INPUT_YELLOW}"/>')
    got = _findings(hidden)
    assert got and {(rule, severity) for rule, _, severity in got} == {("CELL_SHOWN_DIFFERENT", "error")}
    assert ("CELL_SHOWN_DIFFERENT", "D6", "error") in got
    _same_in_both_engines(hidden)
    assert _findings(_with_theme_dk1(base, '<a:srgbClr val="1F3864"/>')) == []


def test_only_a_system_colour_is_read_from_its_last_colour(tmp_path):
    """lastClr is what a system colour (sysClr) last was; a preset colour carrying a stray lastClr is its
    preset (black here, the Office default dk1 as well), not the stray value — the figures stay readable."""
    base = hostile.filled_2021(tmp_path, "theme-preset.xlsx")
    preset = _with_theme_dk1(base, f'<a:prstClr val="black" lastClr="{INPUT_YELLOW}"/>')
    assert _findings(preset) == []
    _same_in_both_engines(preset)


def test_the_template_theme_is_read_as_written(tmp_path):
    base = hostile.filled_2021(tmp_path, "plain.xlsx")
    with zipfile.ZipFile(base) as z:
        assert "<a:dk1><a:sysClr" in z.read("xl/theme/theme1.xml").decode()  # what the helpers above replace
    assert _findings(base) == []


def _pattern(kind: str, fg: str, bg: str) -> str:
    return (f'<fill><patternFill patternType="{kind}"><fgColor rgb="FF{fg}"/><bgColor rgb="FF{bg}"/>'
            "</patternFill></fill>")


@pytest.mark.parametrize(("fill", "text", "named"), [
    (_pattern("mediumGray", "000000", "000000"), "000000", True),  # black dots on black: black figures vanish
    (_pattern("mediumGray", "FFFFFF", "FFFFFF"), "FFFFFF", True),  # white on white
    (_pattern("lightGray", "C00000", "C00000"), "C00000", True),  # dark red on dark red, a quarter of it dots
    (_pattern("mediumGray", "000000", "FFFFFF"), "000000", False),  # black and white mix to mid grey: readable
    (_pattern("darkGray", "FFFFFF", "000000"), "000000", False),  # three quarters white: light grey
])
def test_a_patterned_fill_mixes_both_its_colours_behind_the_figure(tmp_path, fill, text, named):
    path = hostile.restyled(tmp_path, "pattern.xlsx", fill=fill,
                            font=f'<font><sz val="10"/><color rgb="FF{text}"/><name val="宋体"/></font>')
    assert _findings(path) == ([("CELL_SHOWN_DIFFERENT", "D6", "error")] if named else [])
    _same_in_both_engines(path)


@pytest.mark.parametrize(("colour", "named"), [
    ('<color rgb="FF000000" tint="0.9"/>', True),  # black lightened by 0.9: E6E6E6 on the input yellow
    ('<color indexed="8" tint="0.9"/>', True),  # the palette's black, lightened alike
    ('<color rgb="FF000000" tint="0.3"/>', False),  # 4D4D4D: readable
    ('<color indexed="8"/>', False),
])
def test_a_tint_lightens_any_font_colour(tmp_path, colour, named):
    path = hostile.restyled(tmp_path, "tint.xlsx", font=f'<font><sz val="10"/>{colour}<name val="宋体"/></font>')
    assert _findings(path) == ([("CELL_SHOWN_DIFFERENT", "D6", "error")] if named else [])
    _same_in_both_engines(path)
