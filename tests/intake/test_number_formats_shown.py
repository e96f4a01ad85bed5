"""intake/numfmt.py beyond the LibreOffice-recorded cases: General's eleven characters, the sign and the
section each number takes, conditions no section meets, dates and times, scientific, fractions, grouping
and scaling, tags and text sections — what a cell shows, as Excel and LibreOffice show it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nianbao.intake.numfmt import display


@pytest.mark.parametrize(("code", "value", "shown"), [
    # General (and its names) shows a number as itself, up to 11 characters.
    (None, 41, "41"), ("", 41.5, "41.5"), ("G/通用格式", 41, "41"), ("标准", 7, "7"), (" general ", 7, "7"),
    ("General", None, ""), ("General", True, "TRUE"), ("General", False, "FALSE"), ("General", "abc", "abc"),
    ("General", float("inf"), "#NUM!"), ("General", 12345678901, "12345678901"),
    ("General", 123456789012, "1.23457E+11"), ("General", -123456789012, "-1.23457E+11"),
    ("General", Decimal("1E+20"), "1E+20"), ("General", 1 / 3, "0.333333333"), ("General", -1 / 3, "-0.333333333"),
    ("General", 99999999999.9, "1E+11"), ("General", -999999999999.99, "-1E+12"),  # rounded up: the next power
    ("General", 0.0000099999999999, "1E-05"),
    ("General", 41.25, "41.25"), ("General", 99999.123456789, "99999.12346"), ("General", Decimal("-0"), "0"),
    ('General"件"', 41, "41件"), ('General"件"', -41, "-41件"), ("0", True, "TRUE"), ("0", float("nan"), "#NUM!"),
    # The section a number takes, and its sign.
    ("0", -41, "-41"), ("0;0", -41, "41"), ("0;(0)", -41, "(41)"), ('0;-0;"零"', 0, "零"), ('0;-0;"零"', 41, "41"),
    ("0;-0;0", -41, "-41"), ("0;0", 0, "0"), ("0", -0.4, "0"), ("0.0", -0.04, "0.0"), ("0.0", -0.06, "-0.1"),
    ("[>100]0;[<10]0", 50, "###"), ('[>=100]"大";0', 100, "大"), ('[<=10]"小";0', 10, "小"), ('[<=10]"小";0', 11, "11"),
    ('[>=100]"大";0', 99, "99"), ('[>100]"大";0', 100, "100"), ('[<100]"小";0', 100, "100"),
    ('[<0]"负";0', -5, "负"), ('[<0]0;0', -5, "-5"), ('[<>0]0;"零"', 0, "零"),
    # Digits, grouping, scaling, percent, literals.
    ("0.0%", 0.1234, "12.3%"), ("0%", -0.5, "-50%"), ('#,##0"件"', 41000, "41,000件"),
    ('"共"#,##0', 1234567, "共1,234,567"),
    ("#,##0.00", -1234.5, "-1,234.50"), ("#,##0,", 1234567, "1,235"), ("000-0000", 1234567, "123-4567"),
    ("?0", 5, " 5"), ("#0", 0, "0"), ("#,###", 0, ""), ("#,##0", 999, "999"), ("#,##0", 1000, "1,000"),
    ("0.000", 1.0005, "1.001"), ("0.##", 1.5, "1.5"), ("0.0#", 1.5, "1.5"), ("0.00", 1.005, "1.01"),
    ("#.00", 0.5, ".50"), ('0"件"', 41, "41件"), ("[$€-407]0.00", 41, "€41.00"), ("[$-804]0", 41, "41"),
    # Scientific.
    ("0.00E+00", 0.000123, "1.23E-04"), ("0.00E-00", 123456, "1.23E05"), ("0.00E-00", 0.000123, "1.23E-04"),
    ("0.0E+0", -41, "-4.1E+1"), ("0.00E+00", 0, "0.00E+00"), ("00.0E+0", 123456, "12.3E+4"), ("0E+0", 9.6, "1E+1"),
    ("0.0E+00", 99999, "1.0E+05"), ('0.0E+00"件"', 41, "4.1E+01件"),
    # Fractions.
    ("# ?/8", 41.3, "41 2/8"), ("?/?", 0.75, "3/4"), ("# ?/?", -41.5, "-41 1/2"), ("# ??/??", 0.3333, "  1/3 "),
    ("0/4", 0.5, "2/4"), ("# ?/?", 41.99, "42    "), ("?/?", 1.5, "3/2"), ("# ?/4", 2.25, "2 1/4"),
    # Text: the fourth section, else a section with @; a number under a text-only section is shown as General.
    ('@"件"', 41, "41"), ("0;0;0;@", 41, "41"), ("0;@", "x", "x"), ('"a"', "x", "x"), ("0;-0;0;", "x", ""),
    ('0;-0;0;"文字"', "x", "文字"), ('0;"负"@', "x", "负x"),
    # General's eleven characters: ten digits and no decimals, rounded half up, 1E+11 from twelve digits.
    ("General", 100000000000, "1E+11"), ("General", 1234567890.4, "1234567890"),
    ("General", Decimal("0.1234567885"), "0.123456789"), ("General", 123456500000, "1.23457E+11"),
    # G/通用格式 (General as Chinese Excel and WPS write it) inside a longer code: a number, never a date.
    ('G/通用格式"件"', 41, "41件"), ("G/通用格式;-G/通用格式", -5, "-5"), ('"共"G/通用格式', 41.5, "共41.5"),
    ("G/通用格式 件", 41, "41 件"), ("通用格式", 41, "41"), ("Standard", 41.5, "41.5"), ("0", False, "FALSE"),
])
def test_what_a_cell_shows(code, value, shown):
    assert display(code, value).text == shown


@pytest.mark.parametrize(("code", "value", "shown"), [
    ("yyyy-mm-dd", 44562, "2022-01-01"), ("yy/m/d", 44562.5, "22/1/1"), ("mmm", 44562, "Jan"),
    ("mmmm", 44562, "January"), ("ddd", 44562, "Sat"), ("dddd", 44562, "Saturday"), ("d", 44562, "1"),
    ("dd", 44562, "01"), ("hh:mm:ss", 44562.5123, "12:17:42"), ("[mm]:ss", 1.5, "2160:00"), ("[ss]", 0.01, "864"),
    ("[h]:mm", 1.5, "36:00"), ("h:mm A/P", 44562.25, "6:00 A"), ("m:ss", 0.0416, "59:54"), ("yyyy", 1e12, "###"),
    ("m/d", 44562, "1/1"), ("mm", 44593, "02"), ("h:m", 0.75, "18:0"), ("h:mm A/P", 0.75, "6:00 P"),
    ("yyy", 44927, "2023"), ("e", 44927, "2023"),
    ("[$-x-sysdate]dddd, mmmm d, yyyy", 44927, "Sunday, January 1, 2023"),  # Excel's long date: a tag, no symbol
    ("A/P h:mm", 0.75, "P 6:00"),
])
def test_a_date_or_time_section_shows_a_date_and_says_so(code, value, shown):
    got = display(code, value)
    assert (got.text, got.date, got.dbnum) == (shown, True, False)


def test_numbers_are_not_dates_and_colours_are_named_by_their_section():
    assert not display("0.00", 41).date
    assert not display('"共"0', 41).date
    assert display("[Colour 3]0", 41).colour == "color3"
    assert display("[Red]0;[Blue]0", -1).colour == "blue"
    assert display("[Red]0;[Blue]0", 1).colour == "red"
    assert display("[Red]0", 1).text == "1"
    assert display('[Green]0;0;0;[Magenta]@', "x").colour == "magenta"
    assert display("[DBNum1]0", 41).dbnum
    assert not display("0", 41).dbnum
    assert display("[dbnum2][$-804]0", 41).dbnum
    assert display("[Red]yyyy", 44927).colour == "red"  # a date section names its colour too
    assert display("[DBNum1]yyyy", 44927).dbnum


def test_malformed_codes_are_unknown_never_a_guess():
    for code in ("0;0;0;0;0", "[Red", "0" * 65):
        got = display(code, 41)
        assert (got.unknown, got.text) == (True, "")
    assert not display("0" * 64, 41).unknown
    assert not display('"unclosed', 41).unknown
    assert display('"unclosed', 41).text == "unclosed"


def test_a_fraction_that_rounds_to_a_whole_shows_the_whole_number():
    assert display("# ?/8", 41.99).text.rstrip() == "42"
    assert display("# ?/8", 41.01).text.rstrip() == "41"
    assert display("# ?/8", 41.3).text == "41 2/8"
    assert not display("# ?/?", 0).text.startswith("-")  # a zero is not negative


# Pieces of format codes, hostile ones included (unclosed quotes and brackets, stray escapes, odd tags).
_PIECES = [*'0#?.,%E+-/@;"\\_*[]<>=$ymdhsAMPape 159年件', "General", "AM/PM", "A/P", "[Red]", "[>=10]", "[<0]",
           "[h]", "[mm]", "[DBNum1]", "[$-804]", "[$¥-804]", "G/通用格式", "E+00", "# ?/?", "??/100"]


@settings(max_examples=600, suppress_health_check=list(HealthCheck), deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=16).map("".join),
       st.one_of(st.integers(-10**12, 10**12), st.floats(-1e12, 1e12), st.text(max_size=4), st.booleans(),
                 st.decimals(-10**9, 10**9, places=2)))
@example(code="0/", value=5)  # a fraction without its denominator
def test_any_format_code_shows_a_text_and_never_raises(code, value):
    """The checks range-bound a value before it is shown; whatever the code, display answers."""
    shown = display(code, value)
    assert isinstance(shown.text, str)
    assert not (shown.unknown and shown.text)
