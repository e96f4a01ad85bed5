"""Names as a terminal may print them: every character that would steer the terminal made visible.

A file name, an agency name from a workbook or a roster, a sheet name, a published report's
title: each is chosen by someone else, and each reaches the office's terminal. Printed raw, a
name holding ESC [2J clears the screen, a carriage return or a line break overwrites or forges
a line ("✓ 通过"), and U+202E (right-to-left override) shows "xslx.exe" for "exe.xlsx". So
every command prints a name through `printable` (plain text) or `markup` (a rich console line,
where "[red]" or "[link=…]" in a name is markup too):

    C0, DEL and C1 controls           ESC [2J        -> \\x1b[2J
    bidi controls, invisible marks    U+202E         -> \\u202e
    bytes that are not UTF-8          GBK 0xC4 0xE3  -> \\xc4\\xe3   (a GBK name unpacked on Linux)

Nothing else changes: Chinese, full-width and emoji characters print as they are. `json_text`
gives --json output: the same characters written as JSON \\uXXXX escapes, so a program reading
it gets the exact name back while the terminal shows no control character.
"""

from __future__ import annotations

import json
import os
import re

# C0 controls, DEL, C1 controls (U+009B is an 8-bit CSI on some terminals), the Arabic letter
# mark, zero-width and directional marks (U+200B–U+200F), line and paragraph separators,
# directional embeddings and overrides (U+202A–U+202E), word joiner and invisible operators,
# directional isolates (U+2066–U+2069), the byte-order mark / zero-width no-break space, and
# lone surrogates (a name that was not valid Unicode).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
                     "\ud800-\udfff]")
_UNSAFE_OR_LINE_BREAK_KEPT = re.compile(_UNSAFE.pattern.replace("\x00-\x1f", "\x00-\x09\x0b-\x1f"))


def _code(ch: str) -> str:
    n = ord(ch)
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def printable(value: object, *, keep_newlines: bool = False) -> str:
    """value (a str, a path, bytes, or anything str() takes) as text that cannot steer a terminal.

    keep_newlines: for a whole message of ours that spans lines; a name is always one line."""
    if isinstance(value, (bytes, bytearray)):
        text = bytes(value).decode("utf-8", "backslashreplace")
    else:
        text = os.fspath(value) if isinstance(value, os.PathLike) else str(value)
        if isinstance(text, bytes):
            text = text.decode("utf-8", "backslashreplace")
        try:  # a name read from disk that was not UTF-8 holds its bytes as surrogates: show the bytes
            text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            pass  # other lone surrogates are escaped one by one below
    pattern = _UNSAFE_OR_LINE_BREAK_KEPT if keep_newlines else _UNSAFE
    return pattern.sub(lambda m: _code(m.group()), text)


def markup(value: object) -> str:
    """printable(value) for a rich console line: also "[" opening what rich would read as markup."""
    from rich.markup import escape

    return escape(printable(value))


def json_text(data, *, indent: int | None = 2) -> str:
    """json.dumps (UTF-8 text as itself) through safe_json: the same JSON value, safe on a terminal."""
    return safe_json(json.dumps(data, ensure_ascii=False, indent=indent))


def safe_json(text: str) -> str:
    """JSON text with every character printable() escapes written as a \\uXXXX escape (JSON itself
    escapes control characters inside strings; the line breaks between its lines stay)."""
    return _UNSAFE_OR_LINE_BREAK_KEPT.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
