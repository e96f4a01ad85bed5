"""The number-format evaluator against LibreOffice: what a cell shows for a value under a format code.

CASES are (code, value, the string LibreOffice 7.4 shows), recorded with getString() through UNO; the
LibreOffice test renders them again and compares, so a newer LibreOffice that shows something else fails
here. KNOWN_DIFFERENCES lists where the evaluator's text differs, and why nianbao's verdict still holds.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from nianbao.intake.numfmt import MAX_CODE, display

CASES = [
    ('"9"', 999, "9"), ("0,", 9000, "9"), ("0,", 9499, "9"), ("0,", 9500, "10"), ("0,,", 12345678, "12"),
    ('[<1000]0;"9"', 5000, "9"), ('[<1000]0;"9"', 500, "500"), (";;;", 41, ""), ("0;0;", 0, ""),
    ("0;-0;;@", 0, ""), ('0;-0;0;"9"', 41, "41"), ("@", 41, "41"), ("[Red]0", 41, "41"), ("0%", 41, "4100%"),
    ("0.0E+00", 41, "4.1E+01"), ("# ?/?", 41.5, "41 1/2"), ("# ?/?", 41, "41    "), ("0.00", 41, "41.00"),
    ("#,##0", 41000, "41,000"), ('0"件"', 41, "41件"), ('"共"0', 41, "共41"), ("00000", 41, "00041"),
    ("#", 0, ""), ('0;"负"0', -5, "负5"), ('[>100]"多";[<10]"少";0', 50, "50"), ('[>100]"多";[<10]"少";0', 5, "少"),
    ('[>100]"多";[<10]"少";0', 500, "多"), ('[=41]"9";0', 41, "9"), ('[<>41]0;"9"', 41, "9"), ("0_)", 41, "41 "),
    ("0*-", 41, "41"), ("\\9", 41, "9"), ("0\\0", 41, "410"), ("[$-804]0", 41, "41"), ("[DBNum1]0", 41, "41"),
    ("General", 41, "41"), ('General;General;"zero"', 0, "zero"), ("0.0", 41.25, "41.3"), ("0", 41.5, "42"),
    ("0", 42.5, "43"), ("0", 2.5, "3"), ("#.##", 41, "41"), ("?", 41, "41"), ("0 ", 41, "41 "), ("yyyy", 41, "1900"),
    ("mm/dd", 41, "02/09"), ("hh:mm", 41, "00:00"), ("[h]", 41, "984"), ("0.00,", 41, "0.04"), ("0,0", 41000, "41,000"),
    ("0.,", 41000, "41000,"), ("#,", 41, ""), ("# ??/??", 0.5, "  1/2 "), ("0 0/0", 41.75, "41 3/4"),
    ("[Color10]0", 41, "41"), ("[Blue]0;[Red]-0", -3, "-3"), ("0;;;", 41, "41"), ("0;0;0;", 41, "41"),
    ('"x";"y";"z";"t"', 41, "x"), ("0%%", 41, "4100%%"), ("0E+0", 123456, "1E+5"), ("##0.0E+0", 123456, "123.5E+3"),
    ("[$¥-804]#,##0.00", 41, "¥41.00"), ("0.00;;", 0, ""), ('[<=0]"";0', 0, ""), ('[<=0]"";0', 41, "41"),
    ('[>=1000]#,##0,"K";0', 41000, "41K"), ("0;[<10]\"x\"", -5, "-5"), ('0 "9"', 41, "41 9"),
    ("[ENG][$-409]0", 41, "41"),
    ('"a"\\"', 41, 'a"'), ("0.?", 41, "41. "), ("0.0?", 41.1, "41.1 "), ("_(0_)", 41, " 41 "), ("!9", 41, "!9"),
    ("b", 41, "b"), ("B1", 41, "B1"), ("x0", 41, "x41"),
    # A 12-hour clock when the section has AM/PM (or A/P): 18:00 is 6:00 PM, midnight and noon are 12.
    ("h:mm AM/PM", 44562.75, "6:00 PM"), ("hh:mm am/pm", 44562.9, "09:36 PM"), ("h:mm AM/PM", 44562, "12:00 AM"),
    ("h:mm AM/PM", 44562.5, "12:00 PM"), ("hh:mm:ss AM/PM", 0.999, "11:58:33 PM"),
    # A fixed denominator with zeros in it (Excel's "as tenths", "as hundredths"): its zeros are not placeholders.
    ("# ?/10", 0.33, " 3/10"), ("# ??/100", 0.123, " 12/100"), ("0/100", 0.123, "12/100"),
    ("# ??/100", 41.57, "41 57/100"), ("?/20", 0.5, "10/20"), ("# ?/16", 2.5, "2 8/16"),
]
# LibreOffice shows these differently; each is a date/era token or Chinese numerals, which nianbao reports
# anyway (a date format makes the cell a date; [DBNum] is reported as Chinese numerals).
KNOWN_DIFFERENCES = [("[DBNum1][$-804]0", 41, "四十一"), ("[DBNum2][$-804]General", 41, "肆拾壹"), ("0E", 41, "41"),
                     ("e", 41, "660"), ("g", 41, "CE")]


@pytest.mark.parametrize(("code", "value", "shown"), CASES)
def test_what_libreoffice_shows(code, value, shown):
    assert display(code, value).text == shown


@pytest.mark.parametrize(("code", "value", "shown"), KNOWN_DIFFERENCES)
def test_known_differences_are_flagged_anyway(code, value, shown):
    got = display(code, value)
    assert got.date or got.dbnum


def test_colours_dates_and_text_sections():
    assert display("[White]0", 41).colour == "white"
    assert display("[Color10]0", 41).colour == "color10"
    assert display("yyyy", 41).date
    assert display('0;0;0;"9"', "41").text == "9"
    assert display('0;0;0;@"件"', "41").text == "41件"
    assert display("0", "41").text == "41"  # a text with no text section shows as it is


def test_money_keeps_its_cents():
    assert display("0.00", Decimal("275.19")).text == "275.19"
    assert display("0", Decimal("275.19")).text == "275"


def test_bounded():
    assert display("0" * (MAX_CODE + 1), 41).unknown
    assert display("0" * 100, 41).unknown  # more digit placeholders than any real format
    assert display('"unclosed', 41).text == "unclosed"
    assert display("[<1000", 41).unknown
    assert display("0;0;0;0;0", 41).unknown  # five sections


@pytest.mark.libreoffice
def test_libreoffice_still_shows_the_same(tmp_path):
    """Render every case in LibreOffice and compare (a newer LibreOffice that differs fails here)."""
    from lo_shown import shown_formats
    from lo_uno import require_uno

    require_uno()
    cases = CASES + KNOWN_DIFFERENCES
    for (code, value, shown), got in zip(cases, shown_formats(tmp_path, cases, 40), strict=True):
        assert got == shown, (code, value)
