"""intake/look.py: colours and looks read from SpreadsheetML as Excel and LibreOffice paint them — rgb
(alpha ignored), theme (lt1/dk1 and lt2/dk2 swapped), indexed (64/65 the window's text and background),
tint, auto; fonts, pattern and gradient fills, a conditional format's differential style laid over a
cell's own; a workbook's theme and legacy palette. The RGB values were checked in LibreOffice (see
docs/dev-notes/2026-12-03/appearance.md)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from nianbao.intake import look as lk

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = lk.Palette()


def x(body: str) -> ET.Element:
    """An element in the spreadsheet namespace, as a workbook's parts have them."""
    return ET.fromstring(f'<r xmlns="{NS}">{body}</r>')[0]


@pytest.mark.parametrize(("ref", "rgb"), [
    (lk.ColorRef(rgb="FF0000"), (255, 0, 0)), (lk.ColorRef(rgb="00FF0000"[-6:]), (255, 0, 0)),
    (lk.ColorRef(theme=0), (255, 255, 255)), (lk.ColorRef(theme=1), (0, 0, 0)),  # lt1 and dk1 swapped
    (lk.ColorRef(theme=2), (0xEE, 0xEC, 0xE1)), (lk.ColorRef(theme=3), (0x1F, 0x49, 0x7D)),
    (lk.ColorRef(theme=4), (0x4F, 0x81, 0xBD)), (lk.ColorRef(theme=11), lk._hex(lk.DEFAULT_THEME[11])),
    (lk.ColorRef(theme=12), (1, 2, 3)),
    (lk.ColorRef(indexed=64), (0, 0, 0)), (lk.ColorRef(indexed=65), (255, 255, 255)),
    (lk.ColorRef(indexed=2), (255, 0, 0)), (lk.ColorRef(indexed=0), (0, 0, 0)),
    (lk.ColorRef(indexed=9), (255, 255, 255)),
    (lk.ColorRef(indexed=66), (1, 2, 3)), (lk.ColorRef(indexed=-1), (1, 2, 3)),
    (lk.ColorRef(auto=True), (0, 0, 0)), (lk.ColorRef(), (1, 2, 3)), (None, (1, 2, 3)),
    (lk.ColorRef(rgb="zzzzzz"), (1, 2, 3)),
    (lk.ColorRef(theme=4, tint=0.7999), (0xDC, 0xE6, 0xF2)), (lk.ColorRef(theme=1, tint=0.9), (0xE6, 0xE6, 0xE6)),
    (lk.ColorRef(rgb="FFFFFF", tint=-0.5), (128, 128, 128)), (lk.ColorRef(rgb="FFFFFF", tint=-2), (0, 0, 0)),
    (lk.ColorRef(rgb="000000", tint=2), (255, 255, 255)), (lk.ColorRef(rgb="808080", tint=0.0), (128, 128, 128)),
])
def test_a_colour_resolves_as_excel_paints_it(ref, rgb):
    assert P.resolve(ref, (1, 2, 3)) == rgb


def test_a_workbooks_palette_and_theme_replace_the_defaults():
    palette = lk.Palette(theme=("111111", "222222") + lk.DEFAULT_THEME[2:], indexed=("333333",) * 10)
    assert palette.resolve(lk.ColorRef(theme=0), (0, 0, 0)) == (0x22, 0x22, 0x22)
    assert palette.resolve(lk.ColorRef(theme=1), (0, 0, 0)) == (0x11, 0x11, 0x11)
    assert palette.resolve(lk.ColorRef(indexed=9), (0, 0, 0)) == (0x33, 0x33, 0x33)
    assert palette.resolve(lk.ColorRef(indexed=10), (7, 7, 7)) == (7, 7, 7)


def test_named_and_numbered_format_colours():
    assert lk.named_colour("red", P) == (255, 0, 0)
    assert lk.named_colour("white", P) == (255, 255, 255)
    assert lk.named_colour("color1", P) == (0, 0, 0)  # the palette's entry 8
    assert lk.named_colour("color2", P) == (255, 255, 255)
    assert lk.named_colour("color10", P) == P.resolve(lk.ColorRef(indexed=17), (9, 9, 9))
    assert lk.named_colour("color56", P) is not None
    assert lk.named_colour("color0", P) is None
    assert lk.named_colour("color57", P) is None
    assert lk.named_colour("colorx", P) is None
    assert lk.named_colour("purple", P) is None


def test_contrast_is_wcag():
    assert lk.contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert lk.contrast((255, 255, 255), (0, 0, 0)) == pytest.approx(21.0)
    assert lk.contrast((9, 9, 9), (9, 9, 9)) == pytest.approx(1.0)
    assert lk.contrast((255, 0, 0), (255, 255, 255)) == pytest.approx(4.0, abs=0.01)
    assert lk.contrast((0x76, 0x76, 0x76), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)
    assert lk.contrast((0, 0, 255), (0, 0, 0)) == pytest.approx(2.44, abs=0.01)
    assert lk.contrast((0, 255, 0), (0, 0, 0)) == pytest.approx(15.3, abs=0.01)
    assert lk.contrast((3, 3, 3), (0, 0, 0)) == pytest.approx(1.019, abs=0.001)  # the linear part of sRGB


@pytest.mark.parametrize(("xml", "ref"), [
    ('<color rgb="FF00B050"/>', lk.ColorRef(rgb="00B050")), ('<color rgb="00b050"/>', lk.ColorRef(rgb="00B050")),
    ('<color rgb="zz" theme="3"/>', lk.ColorRef(theme=3)),
    ('<color theme="4" tint="-0.25"/>', lk.ColorRef(theme=4, tint=-0.25)),
    ('<color indexed="10"/>', lk.ColorRef(indexed=10)), ('<color auto="1"/>', lk.ColorRef(auto=True)),
    ('<color auto="true"/>', lk.ColorRef(auto=True)), ('<color auto="0"/>', None), ("<color/>", None),
    ('<color theme="x" indexed="5"/>', lk.ColorRef(indexed=5)), ('<color indexed="x"/>', None),
    ('<color rgb="FF000000" tint="nan"/>', lk.ColorRef(rgb="000000")),
    ('<color rgb="FF000000" tint="1e9"/>', lk.ColorRef(rgb="000000")),
])
def test_a_colour_element_is_read(xml, ref):
    assert lk.colour_ref(x(xml)) == ref


def test_numbers_in_styles_are_bounded():
    assert lk.number("10.5") == 10.5
    assert lk.number("-3") == -3.0
    assert lk.number(None) is None
    assert lk.number("x") is None
    assert lk.number("nan") is None
    assert lk.number("1e6") is None
    assert lk.number("999999") == 999999.0
    assert lk.number("-999999") == -999999.0


def test_a_font_element_is_read():
    f = lk.font(x('<font><b/><strike/><sz val="9"/><color rgb="FFFF0000"/><name val="宋体"/></font>'))
    assert f == lk.Font(lk.ColorRef(rgb="FF0000"), 9.0, "宋体", True)
    assert lk.font(x('<font><strike val="0"/></font>')).strike is False
    assert lk.font(x('<font><strike val="false"/></font>')).strike is False
    assert lk.font(x('<font><strike val="1"/></font>')).strike is True
    assert lk.font(x('<rPr><rFont val="Wingdings"/><sz val="abc"/></rPr>')) == lk.Font(None, None, "Wingdings")
    assert lk.font(None) == lk.Font()


def test_fills_as_a_cell_and_as_a_conditional_format_set_them():
    solid = x('<fill><patternFill patternType="solid"><fgColor rgb="FFFFF2CC"/><bgColor indexed="64"/>'
              "</patternFill></fill>")
    assert lk.fill(solid) == lk.Fill("solid", lk.ColorRef(rgb="FFF2CC"), lk.ColorRef(indexed=64))
    assert lk.fill(x("<fill><patternFill/></fill>")) == lk.Fill("none")
    # A dxf's solid colour is its bgColor (else its fgColor); no colour at all leaves the fill as a pattern.
    dxf = x('<fill><patternFill><fgColor rgb="FF00FF00"/><bgColor rgb="FFFF0000"/></patternFill></fill>')
    assert lk.fill(dxf, differential=True) == lk.Fill("solid", lk.ColorRef(rgb="FF0000"))
    fg_only = x('<fill><patternFill patternType="solid"><fgColor rgb="FF00FF00"/></patternFill></fill>')
    assert lk.fill(fg_only, differential=True) == lk.Fill("solid", lk.ColorRef(rgb="00FF00"))
    assert lk.fill(x("<fill><patternFill/></fill>"), differential=True) == lk.Fill(None)
    stripes = x('<fill><patternFill patternType="gray125"><fgColor rgb="FF000000"/></patternFill></fill>')
    assert lk.fill(stripes, differential=True) == lk.Fill("gray125", lk.ColorRef(rgb="000000"), None)
    gradient = x('<fill><gradientFill><stop position="0"><color rgb="FF000000"/></stop>'
                 '<stop position="1"><color theme="0"/></stop><stop position="1"/></gradientFill></fill>')
    assert lk.fill(gradient) == lk.Fill("gradient", stops=(lk.ColorRef(rgb="000000"), lk.ColorRef(theme=0),
                                                          lk.ColorRef(rgb="000000")))
    many = x("<fill><gradientFill>" + '<stop><color rgb="FFFFFFFF"/></stop>' * 20 + "</gradientFill></fill>")
    assert len(lk.fill(many).stops) == 16
    assert lk.fill(x("<fill/>")) == lk.Fill()
    assert lk.fill(None) == lk.Fill()


@pytest.mark.parametrize(("fill", "rgb"), [
    (lk.Fill("gray125", lk.ColorRef(rgb="000000"), lk.ColorRef(rgb="FFFFFF")), (0xE0, 0xE0, 0xE0)),
    (lk.Fill("darkGray", lk.ColorRef(rgb="000000"), lk.ColorRef(rgb="FFFFFF")), (0x40, 0x40, 0x40)),
    (lk.Fill("lightGray", lk.ColorRef(rgb="000000"), lk.ColorRef(rgb="FFFFFF")), (0xBF, 0xBF, 0xBF)),
    (lk.Fill("mediumGray", lk.ColorRef(rgb="000000"), lk.ColorRef(rgb="FFFFFF")), (0x80, 0x80, 0x80)),
    (lk.Fill("darkHorizontal", lk.ColorRef(rgb="000000"), lk.ColorRef(rgb="FFFFFF")), (0x80, 0x80, 0x80)),
    (lk.Fill("gray125", lk.ColorRef(rgb="000000")), (0xE0, 0xE0, 0xE0)),  # no bgColor: white
    (lk.Fill("gray125", None, lk.ColorRef(rgb="FFFFFF")), (0xE0, 0xE0, 0xE0)),  # no fgColor: black
    (lk.Fill("solid"), (0, 0, 0)), (lk.Fill("solid", lk.ColorRef(rgb="FFF2CC")), (0xFF, 0xF2, 0xCC)),
    (lk.Fill("none", lk.ColorRef(rgb="000000")), (255, 255, 255)), (lk.Fill(), (255, 255, 255)),
    (lk.Fill("gradient", stops=(lk.ColorRef(rgb="000000"), lk.ColorRef(rgb="FFFFFF"))), (128, 128, 128)),
    (lk.Fill("gradient", stops=(lk.ColorRef(rgb="FF0000"), None)), (128, 0, 0)),
    (lk.Fill("gradient"), (255, 255, 255)),
])
def test_the_background_a_fill_paints(fill, rgb):
    got = lk.background(fill, P)
    assert all(abs(a - b) <= 1 for a, b in zip(got, rgb, strict=True)), (got, rgb)  # LibreOffice's, to 1/255


def test_what_a_cell_is_painted_with():
    white = lk.Fill("solid", lk.ColorRef(rgb="FFFFFF"))
    cell = lk.Look("0", lk.Font(lk.ColorRef(rgb="FF0000"), 9.0, " 宋体 ", True), white)
    p = lk.painted(cell, P)
    assert (p.text, p.background, p.size, p.font_name, p.strike) == ((255, 0, 0), (255, 255, 255), 9.0, "宋体", True)
    assert lk.painted(cell, P, "blue").text == (0, 0, 255)  # the format's [Blue] wins over the font
    assert lk.painted(cell, P, "color99").text == (255, 0, 0)  # an unknown format colour leaves the font's
    default = lk.painted(lk.Look(), P)
    assert (default.text, default.background, default.size, default.font_name, default.strike) == (
        (0, 0, 0), (255, 255, 255), 11.0, "", False)
    assert p.contrast == pytest.approx(4.0, abs=0.01)


def test_a_conditional_format_changes_only_what_it_names():
    yellow, black = lk.Fill("solid", lk.ColorRef(rgb="FFF2CC")), lk.Fill("solid", lk.ColorRef(rgb="000000"))
    base = lk.Look("0", lk.Font(lk.ColorRef(rgb="000000"), 10.0, "宋体", False), yellow, "center")
    assert lk.overlay(base, lk.Look()) == base
    top = lk.Look('";;;"', lk.Font(lk.ColorRef(rgb="FFFFFF"), 30.0, "Wingdings", True), black, "fill")
    over = lk.overlay(base, top)
    assert over.number_format == '";;;"'
    assert over.font.colour == lk.ColorRef(rgb="FFFFFF")
    assert over.font.strike
    assert (over.font.size, over.font.name, over.horizontal) == (10.0, "宋体", "center")  # a dxf cannot set these
    assert over.fill == top.fill
    struck = lk.overlay(lk.Look(font=lk.Font(strike=True)), lk.Look(font=lk.Font(strike=False)))
    assert struck.font.strike


def test_a_differential_style_is_read_from_its_dxf():
    dxf = x('<dxf><font><color rgb="FFFFFFFF"/><strike/></font><numFmt numFmtId="200" formatCode="0;-0;;@"/>'
            '<fill><patternFill><bgColor rgb="FF000000"/></patternFill></fill><alignment horizontal="fill"/></dxf>')
    got = lk.differential(dxf)
    assert got == lk.Look("0;-0;;@", lk.Font(lk.ColorRef(rgb="FFFFFF"), None, None, True),
                          lk.Fill("solid", lk.ColorRef(rgb="000000")), "fill")
    assert lk.differential(None) == lk.Look()
    assert lk.differential(x("<dxf/>")) == lk.Look(None, lk.Font(), lk.Fill(), None)
    assert lk.alignment_horizontal(x('<alignment horizontal="center"/>')) == "center"
    assert lk.alignment_horizontal(None) is None


def test_a_workbooks_theme_and_legacy_palette_are_read():
    theme = (f'<a:theme xmlns:a="{A}"><a:themeElements><a:clrScheme name="x">'
             '<a:dk1><a:sysClr val="windowText" lastClr="111111"/></a:dk1>'
             '<a:lt1><a:sysClr val="window" lastClr="FFFFFE"/></a:lt1>'
             '<a:dk2><a:srgbClr val="222222"/></a:dk2><a:lt2><a:srgbClr val="nothex"/></a:lt2>'
             '<a:accent1><a:prstClr val="red"/></a:accent1>'
             '</a:clrScheme></a:themeElements></a:theme>').encode()
    colours = lk.theme_colours(theme)
    assert colours[:4] == ("111111", "FFFFFE", "222222", lk.DEFAULT_THEME[3])
    assert colours[4:] == lk.DEFAULT_THEME[4:]
    assert len(colours) == 12
    assert lk.theme_colours(None) == lk.DEFAULT_THEME
    assert lk.theme_colours(b"<not xml") == lk.DEFAULT_THEME
    assert lk.theme_colours(b"<a/>") == lk.DEFAULT_THEME
    styles = ET.fromstring(f'<styleSheet xmlns="{NS}"><colors><indexedColors>'
                           + '<rgbColor rgb="FF123456"/>' * 70 + "<other/></indexedColors></colors></styleSheet>")
    palette = lk.custom_palette(styles)
    assert palette == ("123456",) * 64
    assert lk.custom_palette(ET.fromstring(f'<styleSheet xmlns="{NS}"><colors/></styleSheet>')) is None
    empty = ET.fromstring(f'<styleSheet xmlns="{NS}"><colors><indexedColors/></colors></styleSheet>')
    assert lk.custom_palette(empty) is None
    assert lk.custom_palette(None) is None
    no_rgb = ET.fromstring(f'<styleSheet xmlns="{NS}"><colors><indexedColors><rgbColor/></indexedColors></colors>'
                           "</styleSheet>")
    assert lk.custom_palette(no_rgb) == ("000000",)
