"""XML-level mutations of a valid workbook, for property tests of the readers.

    from mutants import mutations, apply_all, write_xlsx
    @given(mutations())
    def test(ops): parts = apply_all(BASE_PARTS, ops) ...

A mutation is a plain tuple (kind, part, a, b): ``kind`` names what changes, ``part`` which XML part,
``a`` and ``b`` pick the element and the new value (taken modulo what is there), so every mutation
applies to any workbook, deterministically, and hypothesis shrinks a failure to the smallest list.

The kinds are what a hostile sender or an odd program writes and what the review found the regex
reader got wrong: comments (around a cell, a duplicate cell inside one, a commented-out
sheetProtection), CDATA and character references, namespace prefixes and wrong namespaces,
attribute changes (t=, s=, r=, sheetProtection's sheet=, hidden rows), values Excel never writes,
formulas edited, shared formulas, rich-text and phonetic runs, processing instructions, and
unclosed or undefined markup.
"""

from __future__ import annotations

import io
import re
import zipfile

from hypothesis import strategies as st

# 表二, 表三, 表四 (the statutory sheets), the 校验 sheet, the cover, and the shared strings.
SHEETS = ("xl/worksheets/sheet3.xml", "xl/worksheets/sheet4.xml", "xl/worksheets/sheet5.xml",
          "xl/worksheets/sheet6.xml", "xl/worksheets/sheet1.xml")
STRINGS = "xl/sharedStrings.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

_T_VALUES = ("n", "s", "str", "b", "e", "inlineStr", "d", "x", "", "N")
_S_VALUES = ("0", "1", "5", "25", "26", "999", "-1", "", "x", " 3", "2.0")
_V_VALUES = ("", " 41 ", "41", "4.5e1", "1_000", "abc", "-0", "1e999", "NaN", "0x10", "٤١", "true", "1", "0",
             "41.000", "-3", "2022-01-20T00:00:00", "99999999", "3.14159")
_F_VALUES = ("SUM(D6:I6,D6)", "SUM(D6:I6)+1", "", "D6", "SUM(B5:D5)", "1+1", "SUM(D6:I6)")
_PROT_VALUES = ("0", "1", "true", "false", "", "no", "f", "True")
_R_VALUES = ("lower", "drop", "D6", "A1", "XFD1", "B99", "0", "AAAA1")


def _spans(text: str, pattern: str) -> list[re.Match]:
    return list(re.finditer(pattern, text, re.S))


def _pick(matches: list[re.Match], a: int) -> re.Match | None:
    return matches[a % len(matches)] if matches else None


def _replace(text: str, m: re.Match, new: str) -> str:
    return text[:m.start()] + new + text[m.end():]


_CELL = r'<c r="[^"]*"[^>]*?(?:/>|>.*?</c>)'
_VALUE = r"<v>([^<]*)</v>"


def _cell_comment(x: str, a: int, b: int) -> str:
    m = _pick(_spans(x, _CELL), a)
    if m is None:
        return x
    if b % 2:
        return _replace(x, m, "<!--" + m.group(0).replace("--", "- -") + "-->")
    dup = re.sub(r"<v>[^<]*</v>", f"<v>{_V_VALUES[b % len(_V_VALUES)] or 999}</v>", m.group(0))
    return _replace(x, m, m.group(0) + "<!--" + dup.replace("--", "- -") + "-->")


def _cdata(x: str, a: int, b: int) -> str:
    m = _pick(_spans(x, _VALUE), a)
    return _replace(x, m, f"<v><![CDATA[{m.group(1)}]]></v>") if m else x


def _charref(x: str, a: int, b: int) -> str:
    m = _pick(_spans(x, r"<(v|t)( [^>]*)?>([^<]+)</\1>"), a)
    if m is None:
        return x
    body = "".join(f"&#{ord(ch)};" if i % 2 == b % 2 else (f"&#x{ord(ch):x};" if b % 3 == 0 else ch)
                   for i, ch in enumerate(m.group(3)))
    return _replace(x, m, f"<{m.group(1)}{m.group(2) or ''}>{body}</{m.group(1)}>")


def _prefix(x: str, a: int, b: int) -> str:
    """Every element with a prefix bound to the right namespace (the default namespace dropped)."""
    prefix = ("x", "ss", "main", "a")[a % 4]
    head, sep, body = x.partition("?>")
    if not sep:
        head, body = "", x
    if f'xmlns="{MAIN}"' not in body:
        return x
    body = body.replace(f'xmlns="{MAIN}"', f'xmlns:{prefix}="{MAIN}"', 1)
    body = re.sub(r"<(/?)([A-Za-z][\w]*)([ />])", rf"<\1{prefix}:\2\3", body)
    return head + sep + body


def _wrong_ns(x: str, a: int, b: int) -> str:
    tag = ("v", "c", "f", "t", "row", "sheetProtection", "si", "is")[b % 8]
    m = _pick(_spans(x, rf"<{tag}[ >/]"), a)
    return _rename_into_other_namespace(x, m.start(), tag) if m else x


def _rename_into_other_namespace(x: str, start: int, tag: str) -> str:
    """Rename one <tag …>…</tag> element (up to the first closing tag after it) into another namespace."""
    opening_end = x.find(">", start)
    renamed = f'<w:{tag} xmlns:w="urn:other"'
    if x[opening_end - 1] == "/":
        return x[:start] + renamed + x[start + len(tag) + 1:]
    end = x.find(f"</{tag}>", start)
    if end == -1:
        return x
    return x[:start] + renamed + x[start + len(tag) + 1:end] + f"</w:{tag}>" + x[end + len(tag) + 3:]


def _attr(x: str, a: int, b: int, name: str, values: tuple[str, ...]) -> str:
    m = _pick(_spans(x, r"<c( [^>]*?)(/?)>"), a)
    if m is None:
        return x
    attrs = m.group(1)
    new = values[b % len(values)]
    if name == "r" and new in ("lower", "drop"):
        found = re.search(r' r="([^"]*)"', attrs)
        if not found:
            return x
        attrs = attrs.replace(found.group(0), "" if new == "drop" else f' r="{found.group(1).lower()}"')
    elif re.search(rf' {name}="[^"]*"', attrs):
        attrs = re.sub(rf' {name}="[^"]*"', f' {name}="{new}"', attrs, count=1)
    else:
        attrs += f' {name}="{new}"'
    return _replace(x, m, f"<c{attrs}{m.group(2)}>")


def _value(x: str, a: int, b: int) -> str:
    m = _pick(_spans(x, _VALUE), a)
    return _replace(x, m, f"<v>{_V_VALUES[b % len(_V_VALUES)]}</v>") if m else x


def _formula(x: str, a: int, b: int) -> str:
    m = _pick(_spans(x, r"<f>([^<]*)</f>"), a)
    if m is None:
        return x
    choice = b % (len(_F_VALUES) + 2)
    if choice == len(_F_VALUES):
        return _replace(x, m, "")  # the formula dropped, its cached value stays: a constant
    if choice == len(_F_VALUES) + 1:
        return _replace(x, m, f'<f t="shared" ref="A1:A1" si="{b % 3}">{m.group(1)}</f>')
    return _replace(x, m, f"<f>{_F_VALUES[choice]}</f>")


def _protection(x: str, a: int, b: int) -> str:
    m = _pick(_spans(x, r"<sheetProtection[^>]*/>"), a)
    if m is None:
        return x
    if b % 3 == 0:
        return _replace(x, m, "<!--" + m.group(0) + "-->")
    return _replace(x, m, re.sub(r' sheet="[^"]*"', f' sheet="{_PROT_VALUES[b % len(_PROT_VALUES)]}"', m.group(0)))


def _unclosed(x: str, a: int, b: int) -> str:
    tag = ("c", "row", "v", "si", "t", "sheetData", "f")[b % 7]
    m = _pick(_spans(x, f"</{tag}>"), a)
    return _replace(x, m, "") if m else x


def _markup(x: str, a: int, b: int) -> str:
    """A processing instruction, a comment, whitespace or an undefined entity between elements."""
    m = _pick(_spans(x, r"></?(c|row|v|si|t)\b"), a)
    if m is None:
        return x
    insert = ("<?nianbao test?>", "<!-- 注释 -->", "\n  ", "&undefined;", "&amp;", "<![CDATA[]]>")[b % 6]
    return x[:m.start() + 1] + insert + x[m.start() + 1:]


def _hidden_row(x: str, a: int, b: int) -> str:
    m = _pick(_spans(x, r"<row( [^>]*?)>"), a)
    if m is None:
        return x
    return _replace(x, m, f'<row{m.group(1)} hidden="{_PROT_VALUES[b % len(_PROT_VALUES)]}">')


def _rich(x: str, a: int, b: int) -> str:
    """A shared string turned into rich-text runs, or given a phonetic run."""
    m = _pick(_spans(x, r"<si><t([^>]*)>([^<]*)</t></si>"), a)
    if m is None:
        return x
    text = m.group(2)
    cut = b % (len(text) + 1)
    if b % 2:
        return _replace(x, m, f"<si><r><t>{text[:cut]}</t></r><r><rPr><b/></rPr><t>{text[cut:]}</t></r></si>")
    return _replace(x, m, f'<si><t{m.group(1)}>{text}</t><rPh sb="0" eb="1"><t>ピン</t></rPh></si>')


def _inline(x: str, a: int, b: int) -> str:
    m = _pick(_spans(x, r'<c r="([^"]*)"([^>]*?) t="s"([^>]*)><v>[^<]*</v></c>'), a)
    if m is None:
        return x
    text = _V_VALUES[b % len(_V_VALUES)]
    return _replace(x, m, f'<c r="{m.group(1)}"{m.group(2)} t="inlineStr"{m.group(3)}><is><t>{text}</t></is></c>')


def _merge(x: str, a: int, b: int) -> str:
    if "<mergeCells" not in x:
        return x
    col = "ABCDEFGHIJ"[a % 10]
    row = 4 + b % 25
    other = "ABCDEFGHIJ"[(a + 1) % 10]
    return re.sub(r"(<mergeCells[^>]*>)", rf'\1<mergeCell ref="{col}{row}:{other}{row}"/>', x, count=1)


MUTATORS = {
    "cell_comment": _cell_comment,
    "cdata": _cdata,
    "charref": _charref,
    "prefix": _prefix,
    "wrong_ns": _wrong_ns,
    "t": lambda x, a, b: _attr(x, a, b, "t", _T_VALUES),
    "s": lambda x, a, b: _attr(x, a, b, "s", _S_VALUES),
    "r": lambda x, a, b: _attr(x, a, b, "r", _R_VALUES),
    "value": _value,
    "formula": _formula,
    "protection": _protection,
    "unclosed": _unclosed,
    "markup": _markup,
    "hidden_row": _hidden_row,
    "rich": _rich,
    "inline": _inline,
    "merge": _merge,
}
_FOR_STRINGS = ("charref", "prefix", "wrong_ns", "unclosed", "markup", "rich")


def mutation() -> st.SearchStrategy[tuple[str, str, int, int]]:
    sheet_ops = st.tuples(st.sampled_from(sorted(MUTATORS)), st.sampled_from(SHEETS),
                          st.integers(0, 10_000), st.integers(0, 10_000))
    string_ops = st.tuples(st.sampled_from(_FOR_STRINGS), st.just(STRINGS),
                           st.integers(0, 10_000), st.integers(0, 10_000))
    return st.one_of(sheet_ops, sheet_ops, sheet_ops, string_ops)


def mutations(max_size: int = 3) -> st.SearchStrategy[list[tuple[str, str, int, int]]]:
    return st.lists(mutation(), min_size=1, max_size=max_size)


def apply_all(parts: dict[str, bytes], ops: list[tuple[str, str, int, int]]) -> dict[str, bytes]:
    out = dict(parts)
    for kind, part, a, b in ops:
        if part in out:
            out[part] = MUTATORS[kind](out[part].decode("utf-8"), a, b).encode("utf-8")
    return out


def read_parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def write_xlsx(parts: dict[str, bytes], path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    path.write_bytes(buf.getvalue())
