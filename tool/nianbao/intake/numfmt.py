"""What a spreadsheet number format shows for a value: Excel's format grammar, evaluated.

``display(code, value)`` gives the text a cell shows (``Shown.text``), the colour a section
names (``[Red]``, ``[Color10]``) and whether the section is a date/time one. LibreOffice is the
oracle: tests/intake/test_numfmt.py holds the strings LibreOffice 7.4 shows for each construct,
and a LibreOffice test renders a sheet of formats and compares every cell.

The grammar, as Excel documents it and LibreOffice reads it:
- up to four sections split by unquoted ``;``: positive; negative; zero; text. With one section
  every number uses it (a negative gets its minus sign); with two, zero goes to the first. A
  section whose body is empty shows nothing (``;;;``).
- conditions ``[<1000]``, ``[=41]``, ``[>=0]`` replace the sign tests: the first section whose
  condition holds is used, a section without one takes what is left. A negative number in a
  conditional section keeps its minus sign.
- literals: ``"text"``, ``\\x``, and characters that need no quoting; ``_x`` is a space as wide as
  x; ``*x`` repeats x to fill the cell (shown here as nothing).
- digits: ``0`` (always), ``#`` (only if significant), ``?`` (a space if not); ``.`` the decimal
  point; ``,`` between digit placeholders groups thousands, ``,`` after the last one divides by
  1000 each; ``%`` multiplies by 100 (once, as LibreOffice does); ``E+``/``E-`` scientific;
  ``/`` a fraction; ``@`` the text itself; ``General`` (and the Chinese ``G/通用格式``).
- ``[DBNum1]``–``[DBNum3]`` show Chinese numerals (``dbnum`` is set; the digits are kept here);
  ``[$…-804]`` currency/locale tags show their symbol.
- any date or time token (y m d h s, AM/PM, [h] [m] [s], e, g): a date section.

Bounded: a code longer than MAX_CODE characters, or with more than MAX_DIGITS placeholders, is
not evaluated (``Shown.unknown``); the value is capped by the caller's range checks.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache

MAX_CODE = 1024  # Excel refuses codes over 255 characters; anything longer is not a real format
MAX_DIGITS = 64  # digit placeholders in one section
GENERAL_DIGITS = 11  # Excel's General shows at most 11 characters of a number

COLOURS = {"black", "blue", "cyan", "green", "magenta", "red", "white", "yellow"}
_DATE_LETTERS = set("yYmMdDhHsSeEgG")
_CONDITION = re.compile(r"^(<=|>=|<>|<|>|=)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)$")


@dataclass(frozen=True)
class Shown:
    text: str  # what the cell shows; "" shows nothing
    colour: str | None = None  # "red", "color10", … named by the section
    date: bool = False  # the section formats the value as a date or time
    dbnum: bool = False  # shown in Chinese numerals
    unknown: bool = False  # the code could not be evaluated (too long, malformed)


@dataclass(frozen=True)
class _Section:
    # (kind, text): lit, digit, point, comma, percent, exp, slash, at, general, date
    tokens: tuple[tuple[str, str], ...]
    condition: tuple[str, Decimal] | None
    colour: str | None
    dbnum: bool
    date: bool


def display(code: str, value) -> Shown:
    """What a cell formatted with `code` shows for `value` (int, float, Decimal, str or bool)."""
    if code is None or code == "" or _is_general(code):
        return Shown(_general_text(value))
    sections = _parse(code)
    if sections is None:
        return Shown("", unknown=True)
    if isinstance(value, bool):
        return Shown("TRUE" if value else "FALSE")
    if isinstance(value, str):
        return _text(sections, value)
    try:
        number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        return Shown(str(value))
    if not number.is_finite():
        return Shown("#NUM!")
    section, negative_sign = _choose(sections, number)
    if section is None:
        return Shown("###")  # no section fits (Excel and LibreOffice fill the cell with #)
    if section.date:
        return Shown(_date_text(section, number), section.colour, date=True, dbnum=section.dbnum)
    shown = number if negative_sign else abs(number)
    return Shown(_number_text(section, shown), section.colour, dbnum=section.dbnum)


def _is_general(code: str) -> bool:
    return code.strip().lower() in ("general", "g/通用格式", "通用格式", "标准", "standard")


def _general_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return "#NUM!"
    if number == number.to_integral_value() and abs(number) < Decimal(10) ** GENERAL_DIGITS:
        return str(int(number))
    text = format(number.normalize(), "f")
    if len(text.lstrip("-")) <= GENERAL_DIGITS:
        return text
    # Too long for General: Excel rounds to the digits that fit, or switches to scientific.
    exp = number.adjusted()
    if -5 <= exp < GENERAL_DIGITS - 1:
        places = max(0, GENERAL_DIGITS - 2 - max(exp, 0))
        rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return format(rounded.normalize(), "f")
    mantissa = (number.scaleb(-exp)).quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP).normalize()
    if abs(mantissa) >= 10:  # 9.999995… rounds up to 10: one digit, the next power (1E+11, never 10E+10)
        mantissa, exp = (mantissa / 10).normalize(), exp + 1
    return f"{format(mantissa, 'f')}E{'+' if exp >= 0 else '-'}{abs(exp):02d}"


# ------------------------------------------------------------------------------- parsing


@lru_cache(maxsize=2048)  # the same few codes in every workbook
def _parse(code: str) -> tuple[_Section, ...] | None:
    if len(code) > MAX_CODE:
        return None
    raw = _split_sections(code)
    if raw is None or len(raw) > 4:
        return None
    out = []
    for text in raw:
        section = _parse_section(text)
        if section is None:
            return None
        out.append(section)
    return tuple(out)


def _split_sections(code: str) -> list[str] | None:
    out, current, i = [], [], 0
    while i < len(code):
        ch = code[i]
        if ch == '"':
            end = code.find('"', i + 1)
            if end < 0:
                end = len(code) - 1  # an unclosed quote runs to the end, as LibreOffice reads it
            current.append(code[i:end + 1])
            i = end + 1
            continue
        if ch in "\\_*" and i + 1 < len(code):
            current.append(code[i:i + 2])
            i += 2
            continue
        if ch == "[":
            end = code.find("]", i)
            if end < 0:
                return None
            current.append(code[i:end + 1])
            i = end + 1
            continue
        if ch == ";":
            out.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    out.append("".join(current))
    return out


def _parse_section(text: str) -> _Section | None:
    tokens: list[tuple[str, str]] = []
    condition = colour = None
    dbnum = date = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "[":
            end = text.index("]", i)
            inner = text[i + 1:end].strip()
            low = inner.lower()
            i = end + 1
            if low in COLOURS or re.fullmatch(r"colou?r\s*\d{1,2}", low):
                colour = low.replace("colour", "color").replace(" ", "")
            elif low.startswith("dbnum"):
                dbnum = True
            elif low.startswith("$"):
                symbol = inner[1:].split("-", 1)[0]
                if symbol:
                    tokens.append(("lit", symbol))
            elif re.fullmatch(r"h+|m+|s+", low):
                tokens.append(("date", "[" + low + "]"))
                date = True
            else:
                match = _CONDITION.match(inner)
                if match:
                    condition = (match.group(1), Decimal(match.group(2)))
                # other tags ([ENG], [NatNum1], [~buddhist] …) do not change the digits
            continue
        if ch == '"':
            end = text.find('"', i + 1)
            end = len(text) if end < 0 else end
            tokens.append(("lit", text[i + 1:end]))
            i = end + 1
            continue
        if ch == "\\":
            tokens.append(("lit", text[i + 1:i + 2]))
            i += 2
            continue
        if ch == "_":
            tokens.append(("lit", " "))
            i += 2
            continue
        if ch == "*":
            i += 2  # fill: repeats to the cell's width; the text itself is unchanged
            continue
        if text[i:i + 7].lower() == "general":
            tokens.append(("general", ""))
            i += 7
            continue
        if text[i:i + 6] == "G/通用格式":
            tokens.append(("general", ""))
            i += 6
            continue
        if ch in "0#?":
            tokens.append(("digit", ch))
        elif ch == ".":
            tokens.append(("point", ch))
        elif ch == ",":
            tokens.append(("comma", ch))
        elif ch == "%":
            tokens.append(("percent", ch))
        elif ch in "eE" and i + 1 < len(text) and text[i + 1] in "+-":
            tokens.append(("exp", text[i + 1]))
            i += 2
            continue
        elif ch == "/":
            tokens.append(("slash", ch))
        elif ch == "@":
            tokens.append(("at", ch))
        elif text[i:i + 5].upper() == "AM/PM" or text[i:i + 3].upper() == "A/P":
            n = 5 if text[i:i + 5].upper() == "AM/PM" else 3
            tokens.append(("date", text[i:i + n].upper()))
            date = True
            i += n
            continue
        elif ch in _DATE_LETTERS:
            j = i
            while j < len(text) and text[j].lower() == ch.lower():
                j += 1
            tokens.append(("date", text[i:j].lower()))
            date = True
            i = j
            continue
        else:
            tokens.append(("lit", ch))
        i += 1
    if sum(1 for kind, _ in tokens if kind == "digit") > MAX_DIGITS:
        return None
    return _Section(tuple(tokens), condition, colour, dbnum, date)


# ------------------------------------------------------------------------------- choosing a section


def _holds(condition: tuple[str, Decimal], number: Decimal) -> bool:
    op, limit = condition
    return {"<": number < limit, "<=": number <= limit, ">": number > limit, ">=": number >= limit,
            "=": number == limit, "<>": number != limit}[op]


def _choose(sections: tuple[_Section, ...], number: Decimal) -> tuple[_Section | None, bool]:
    """The section a number uses, and whether it keeps its minus sign."""
    numeric = [s for s in sections[:3] if not (_is_text_section(s) and len(sections) > 1)] or list(sections[:1])
    if any(s.condition for s in numeric):
        # Conditions: the first section whose condition holds; a section without one takes the rest.
        for s in numeric:
            if s.condition is None or _holds(s.condition, number):
                return s, True
        return None, True
    if len(numeric) == 1:
        return numeric[0], True
    if number < 0:
        return numeric[1], False
    if number == 0 and len(numeric) >= 3:
        return numeric[2], False
    return numeric[0], False


def _is_text_section(section: _Section) -> bool:
    return any(kind == "at" for kind, _ in section.tokens)


def _text(sections: tuple[_Section, ...], value: str) -> Shown:
    if len(sections) >= 4:
        section = sections[3]
    else:
        section = next((s for s in sections if _is_text_section(s)), None)
    if section is None:
        return Shown(value)
    out = []
    for kind, text in section.tokens:
        if kind == "at":
            out.append(value)
        elif kind == "lit":
            out.append(text)
    return Shown("".join(out), section.colour)


# ------------------------------------------------------------------------------- numbers


def _round(number: Decimal, places: int) -> Decimal:
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _number_text(section: _Section, number: Decimal) -> str:
    tokens = list(section.tokens)
    if any(kind == "general" for kind, _ in tokens):
        body = _general_text(abs(number) if number < 0 else number)
        sign = "-" if number < 0 else ""
        kept = [(kind, text) for kind, text in tokens if kind in ("general", "lit")]
        return sign + "".join(body if kind == "general" else text for kind, text in kept)
    if any(kind == "at" for kind, _ in tokens):
        return _general_text(number)  # "@" on a number: shown as General, its digits and literals aside (LibreOffice)
    if not any(kind == "digit" for kind, _ in tokens):
        # Only literals: shown whatever the number (a "-" for a negative in a one-section code).
        return "".join(text for kind, text in tokens if kind == "lit")
    if any(kind == "percent" for kind, _ in tokens):
        number *= 100  # once, however many % (LibreOffice; Excel multiplies for each)
        tokens = [("lit", "%") if kind == "percent" else (kind, text) for kind, text in tokens]
    if any(kind == "slash" for kind, _ in tokens):
        return _fraction_text(tokens, number)
    if any(kind == "exp" for kind, _ in tokens):
        return _scientific_text(tokens, number)
    # Thousands scaling: commas right after the last digit placeholder (0, → thousands, 0.00, too).
    last_digit = max(i for i, (kind, _) in enumerate(tokens) if kind == "digit")
    j = last_digit + 1
    while j < len(tokens) and tokens[j][0] == "comma":
        j += 1
    if j > last_digit + 1:
        number /= Decimal(1000) ** (j - last_digit - 1)
        del tokens[last_digit + 1:j]
    point = next((i for i, (kind, _) in enumerate(tokens) if kind == "point"), len(tokens))
    int_tokens, frac_tokens = tokens[:point], tokens[point + 1:]
    grouping = any(kind == "comma" for kind, _ in int_tokens)
    frac_tokens = [("lit", ",") if kind == "comma" else (kind, text) for kind, text in frac_tokens]
    frac_places = sum(1 for kind, _ in frac_tokens if kind == "digit")
    negative = number < 0
    rounded = _round(abs(number), frac_places)
    int_digits, _, frac_digits = format(rounded, "f").partition(".")
    frac_digits = frac_digits.ljust(frac_places, "0")[:frac_places]
    int_text = _fill_integer(int_tokens, int_digits, grouping)
    frac_text = _fill_fraction(frac_tokens, frac_digits)
    # LibreOffice shows the point only when a decimal place shows after it ("#.##" on 41 is "41", "0.," on 41
    # is "41,", "0.,0" on 41.5 is "41.,5").
    text = int_text + ("." if point < len(tokens) and frac_text.strip(",") else "") + frac_text
    if negative and (int_digits.strip("0") or frac_digits.strip("0")):
        text = "-" + text
    return text


def _fill_integer(tokens: list[tuple[str, str]], digits: str, grouping: bool) -> str:
    """Digits placed right to left into the integer placeholders; extra digits go to the first one."""
    places = [i for i, (kind, _) in enumerate(tokens) if kind == "digit"]
    digits = digits.lstrip("0")
    if not places:
        return "".join(text for kind, text in tokens if kind == "lit") + digits
    if grouping:  # literals inside a grouped number are rare: keep those before and after it
        zeros = sum(1 for i in places if tokens[i][1] == "0")
        run = digits.rjust(zeros, "0")
        grouped = _group(run)
        head = "".join(text for kind, text in tokens[:places[0]] if kind == "lit")
        tail = "".join(text for kind, text in tokens[places[-1] + 1:] if kind == "lit")
        return head + grouped + tail
    out = [text if kind == "lit" else "" for kind, text in tokens]
    pad = {"0": "0", "?": " ", "#": ""}
    for n, i in enumerate(reversed(places)):
        if n == len(places) - 1:  # the leftmost placeholder takes every digit left
            out[i] = digits or pad[tokens[i][1]]
        elif digits:
            out[i], digits = digits[-1], digits[:-1]
        else:
            out[i] = pad[tokens[i][1]]
    return "".join(out)


def _group(run: str) -> str:
    """'41000' -> '41,000'."""
    groups = []
    while len(run) > 3:
        groups.insert(0, run[-3:])
        run = run[:-3]
    if run:
        groups.insert(0, run)
    return ",".join(groups)


def _fill_fraction(tokens: list[tuple[str, str]], digits: str) -> str:
    """Decimal digits left to right; a trailing zero shows as 0 under '0', a space under '?', nothing under '#'."""
    significant = len(digits.rstrip("0"))
    out, k = [], 0
    for kind, text in tokens:
        if kind == "digit":
            d = digits[k] if k < len(digits) else "0"
            if k >= significant and text != "0":
                d = " " if text == "?" else ""
            out.append(d)
            k += 1
        elif kind == "lit":
            out.append(text)
    return "".join(out)


def _scientific_text(tokens: list[tuple[str, str]], number: Decimal) -> str:
    exp_at = next(i for i, (kind, _) in enumerate(tokens) if kind == "exp")
    mantissa_tokens, exp_tokens = tokens[:exp_at], tokens[exp_at + 1:]
    sign_mode = tokens[exp_at][1]
    point = next((i for i, (kind, _) in enumerate(mantissa_tokens) if kind == "point"), len(mantissa_tokens))
    int_places = sum(1 for kind, _ in mantissa_tokens[:point] if kind == "digit")
    frac_places = sum(1 for kind, _ in mantissa_tokens[point + 1:] if kind == "digit")
    negative = number < 0
    number = abs(number)
    if number == 0:
        exponent = 0
    else:
        exponent = number.adjusted()
        if int_places > 1:  # engineering style: the exponent is a multiple of the integer places
            exponent -= exponent % int_places
        else:
            exponent -= max(int_places, 1) - 1
    mantissa = _round(number.scaleb(-exponent), frac_places)
    if mantissa >= Decimal(10) ** max(int_places, 1) and number != 0:
        exponent += max(int_places, 1)
        mantissa = _round(number.scaleb(-exponent), frac_places)
    int_digits, _, frac_digits = format(mantissa, "f").partition(".")
    frac_digits = frac_digits.ljust(frac_places, "0")[:frac_places]
    text = _fill_integer(mantissa_tokens[:point], int_digits, False)
    if point < len(mantissa_tokens):
        text += "." + _fill_fraction(mantissa_tokens[point + 1:], frac_digits)
    exp_places = sum(1 for kind, _ in exp_tokens if kind == "digit")
    exp_sign = "-" if exponent < 0 else ("+" if sign_mode == "+" else "")
    exp_digits = str(abs(exponent)).rjust(exp_places, "0")
    text += "E" + exp_sign + exp_digits + "".join(t for kind, t in exp_tokens if kind == "lit")
    return ("-" if negative else "") + text


def _fraction_text(tokens: list[tuple[str, str]], number: Decimal) -> str:
    slash = next(i for i, (kind, _) in enumerate(tokens) if kind == "slash")
    before, after = tokens[:slash], tokens[slash + 1:]
    if after and after[0][0] == "lit" and after[0][1] in "123456789":
        # A fixed denominator: its zeros are digits of the number ("# ??/100", Excel's "as hundredths").
        run = next((k for k, (kind, text) in enumerate(after) if not text.isdigit()), len(after))
        after = [("lit", text) for _, text in after[:run]] + after[run:]
    den_width = sum(1 for kind, _ in after if kind == "digit")
    fixed = "".join(text for kind, text in after if kind == "lit").strip()
    sign = "-" if number < 0 else ""
    number = abs(number)
    # "# ?/?": an integer part, then the numerator (two digit groups before the slash, split by a literal).
    digit_idx = [i for i, (kind, _) in enumerate(before) if kind == "digit"]
    split = next((b for a, b in zip(digit_idx, digit_idx[1:], strict=False)
                  if any(before[k][0] == "lit" for k in range(a + 1, b))), None)
    int_tokens, num_tokens = (before[:split], before[split:]) if split is not None else ([], before)
    whole = int(number) if int_tokens else 0
    rest = Fraction(number - whole)
    if fixed.isdigit() and not den_width:
        den = int(fixed) or 1
        frac = Fraction(round(rest * den), den)
        den_text = fixed
    else:
        frac = rest.limit_denominator(10 ** max(den_width, 1) - 1)
        den_text = None
    if int_tokens and frac == 1:
        whole, frac = whole + 1, Fraction(0)
    head = _fill_integer(int_tokens, str(whole), False) if int_tokens else ""
    if int_tokens and frac == 0:
        width = sum(1 for kind, _ in num_tokens if kind == "digit") + 1 + (den_width or len(fixed))
        return sign + head + " " * width
    numerator = frac.numerator if den_text is None else round(rest * int(fixed or 1))
    denominator = str(frac.denominator).ljust(den_width) if den_text is None else den_text
    return sign + head + _fill_integer(num_tokens, str(numerator), False) + "/" + denominator


# ------------------------------------------------------------------------------- dates

_EPOCH = dt.datetime(1899, 12, 30)  # LibreOffice's day 0 for xlsx serials (Excel's 1900 leap-year bug aside)


def _date_text(section: _Section, number: Decimal) -> str:
    try:
        moment = _EPOCH + dt.timedelta(days=float(number))
    except (OverflowError, ValueError):
        return "###"
    total_seconds = float(number) * 86400
    out = []
    prev_hour = False
    tokens = section.tokens
    twelve = any(kind == "date" and text.lower() in ("am/pm", "a/p") for kind, text in tokens)  # a 12-hour clock
    for i, (kind, text) in enumerate(tokens):
        if kind == "lit":
            out.append(text)
            continue
        if kind != "date":
            out.append(text if kind != "digit" else "0")
            continue
        t = text.lower()
        if t.startswith("["):
            unit = t.strip("[]")[0]
            value = total_seconds / {"h": 3600, "m": 60, "s": 1}[unit]
            out.append(str(int(value)).rjust(len(t) - 2, "0"))
            prev_hour = unit == "h"
            continue
        elif t[0] == "y":
            out.append(str(moment.year)[-2:] if len(t) <= 2 else str(moment.year))
        elif t[0] == "m":
            minute = prev_hour or any(k == "date" and v.lower()[0] == "s" for k, v in tokens[i + 1:i + 3])
            if minute and len(t) <= 2:
                out.append(str(moment.minute).rjust(len(t), "0"))
            elif len(t) <= 2:
                out.append(str(moment.month).rjust(len(t), "0"))
            else:
                out.append(moment.strftime("%b" if len(t) == 3 else "%B"))
        elif t[0] == "d":
            day = moment.strftime("%a" if len(t) == 3 else "%A")
            out.append(str(moment.day).rjust(len(t), "0") if len(t) <= 2 else day)
        elif t[0] == "h":
            out.append(str((moment.hour % 12 or 12) if twelve else moment.hour).rjust(len(t), "0"))
            prev_hour = True
            continue
        elif t[0] == "s":
            out.append(str(moment.second).rjust(len(t), "0"))
        elif t in ("am/pm", "a/p"):
            out.append(("AM" if moment.hour < 12 else "PM")[: 1 if t == "a/p" else 2])
        else:
            out.append(str(moment.year))  # e, g: era year and era name
        prev_hour = False
    return "".join(out)
