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

Appearance mutations (issue 19, ``APPEARANCE`` and ``PACKAGE``): a cell style given another number
format, font (colour from any source, size, symbol font, strike), fill (solid, pattern, gradient) or
"fill" alignment; differential styles and conditional formats over input cells (expressions, cellIs,
data bars and icon sets that hide the value, colour scales); the sheet view's show-zeros switch; sheet
states; _xHHHH_ escapes in strings; rich-text runs in hiding colours or sizes; and a drawing part with a
shape, text box or line in any of the three anchor types.
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


# -- issue 19: appearance mutations (a cell's look, drawings, sheet states, string escapes) -----------------

STYLES = "xl/styles.xml"
WORKBOOK = "xl/workbook.xml"
FORMATS = ('"9"', "0,", '[<1000]0;"9"', ";;;", "0;-0;;@", '0;0;0;"9"', "0%", "0.0E+00", "[White]0", "[Red]0",
           "#,##0", "0.00", "# ?/?", "yyyy", "0;[Red]-0", '0"件"', "[DBNum1][$-804]0", "G/通用格式", "@", "0,,",
           '[=0]"";0', "0_);(0)", "[Color2]0", '"共"0', "000000", '_ * #,##0_ ;_ * -#,##0_ ;_ * "-"_ ;_ @_ ')
COLOURS = ('rgb="FFFFFFFF"', 'rgb="00FFFFFF"', 'theme="0"', 'theme="1"', 'theme="2"', 'theme="1" tint="0.9"',
           'theme="4" tint="0.7999"', 'indexed="9"', 'indexed="13"', 'indexed="64"', 'indexed="65"', 'auto="1"',
           'rgb="FFFFF2CC"', 'rgb="FFBFBFBF"', 'rgb="FFFF0000"', 'rgb="FFFFF"', 'theme="99"', 'indexed="200"')
FILLS = ('<patternFill patternType="solid"><fgColor {c}/></patternFill>', '<patternFill patternType="none"/>',
         '<patternFill patternType="solid"/>', '<patternFill patternType="darkGray"><fgColor {c}/>'
         '<bgColor rgb="FFFFFFFF"/></patternFill>', '<patternFill patternType="gray125"/>',
         '<gradientFill degree="90"><stop position="0"><color {c}/></stop><stop position="1"><color {c}/></stop>'
         "</gradientFill>")
RULES = ('<cfRule type="expression" dxfId="{d}" priority="1"><formula>TRUE</formula></cfRule>',
         '<cfRule type="cellIs" dxfId="{d}" priority="1" operator="greaterThan"><formula>0</formula></cfRule>',
         '<cfRule type="cellIs" dxfId="{d}" priority="1" operator="between"><formula>1</formula>'
         "<formula>100</formula></cfRule>",
         '<cfRule type="dataBar" priority="1"><dataBar showValue="0"><cfvo type="min"/><cfvo type="max"/>'
         '<color rgb="FF638EC6"/></dataBar></cfRule>',
         '<cfRule type="iconSet" priority="1"><iconSet showValue="0"><cfvo type="percent" val="0"/>'
         '<cfvo type="percent" val="33"/><cfvo type="percent" val="67"/></iconSet></cfRule>',
         '<cfRule type="colorScale" priority="1"><colorScale><cfvo type="min"/><cfvo type="max"/>'
         '<color rgb="FF000000"/><color rgb="FFFFFFFF"/></colorScale></cfRule>',
         '<cfRule type="containsText" dxfId="{d}" priority="1" operator="containsText" text="1">'
         "<formula>NOT(ISERROR(SEARCH(\"1\",A1)))</formula></cfRule>",
         '<cfRule type="expression" dxfId="{d}" priority="1"><formula>$B$9&gt;0</formula></cfRule>')
DXFS = ('<dxf><font><color rgb="FFFFF2CC"/></font></dxf>',
        '<dxf><numFmt numFmtId="300" formatCode="&quot;9&quot;"/></dxf>',
        '<dxf><fill><patternFill><bgColor rgb="FF000000"/></patternFill></fill></dxf>',
        '<dxf><font><color theme="0"/></font></dxf>', '<dxf><font><color rgb="FFFF0000"/></font></dxf>')
ESCAPES = ("_x005F_", "_x0009_", "_x0041_", "_x005F_x0041_", "x005F_", "_x000A_", "_xD800_", "_x00")


def _xf(x: str, a: int, b: int) -> str:
    """Give one cell style another number format, font, fill or alignment (every cell using it changes)."""
    xfs = re.search(r'<cellXfs count="\d+">(.*?)</cellXfs>', x, re.S)
    if xfs is None:
        return x
    m = _pick(list(re.finditer(r"<xf [^>]*?(?:/>|>.*?</xf>)", xfs.group(1), re.S)), a)
    if m is None:
        return x
    xf, what = m.group(0), b % 5
    if what == 0:
        code = FORMATS[b // 5 % len(FORMATS)].replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        x = x.replace("</numFmts>", f'<numFmt numFmtId="{400 + b % 50}" formatCode="{code}"/></numFmts>', 1)
        new = re.sub(r'numFmtId="\d+"', f'numFmtId="{400 + b % 50}"', xf, count=1)
    elif what == 1:
        colour = COLOURS[b // 5 % len(COLOURS)]
        size, name = ("1", "宋体") if b % 7 == 0 else ("10", "Wingdings" if b % 11 == 0 else "宋体")
        x, i = _append(x, "fonts", f'<font>{"<strike/>" if b % 13 == 0 else ""}<sz val="{size}"/><color {colour}/>'
                                   f'<name val="{name}"/></font>')
        new = re.sub(r'fontId="\d+"', f'fontId="{i}"', xf, count=1)
    elif what == 2:
        body = FILLS[b // 5 % len(FILLS)].format(c=COLOURS[b // 7 % len(COLOURS)])
        x, i = _append(x, "fills", f"<fill>{body}</fill>")
        new = re.sub(r'fillId="\d+"', f'fillId="{i}"', xf, count=1)
    elif what == 3:
        new = re.sub(r'horizontal="\w+"', 'horizontal="fill"', xf, count=1)
    else:
        new = re.sub(r'fontId="\d+"', f'fontId="{b % 9}"', xf, count=1)  # another font, maybe one that is not there
    start = xfs.start(1) + m.start()
    return x[:start] + new + x[start + len(xf):]


def _append(x: str, tag: str, element: str) -> tuple[str, int]:
    m = re.search(rf'<{tag} count="(\d+)">', x)
    if m is None:
        return x, 0
    n = len(re.findall(rf"<{tag[:-1]}[ >/]", x[m.end():x.find(f"</{tag}>")]))
    return x.replace(f"</{tag}>", element + f"</{tag}>", 1).replace(m.group(0), f'<{tag} count="{n + 1}">', 1), n


def _dxfs(x: str, a: int, b: int) -> str:
    """Add differential styles a conditional format can name (the template has seven)."""
    return _append(x, "dxfs", DXFS[b % len(DXFS)])[0] if "<dxfs " in x else x


def _conditional(x: str, a: int, b: int) -> str:
    """A conditional format over some input cells, naming one of the differential styles."""
    if "<dataValidations" not in x:
        return x
    cols, rows = "BCDEFGHIJ", range(5, 30)
    c0, r0 = cols[a % len(cols)], rows[a // 9 % len(rows)]
    c1, r1 = cols[min(len(cols) - 1, cols.index(c0) + b % 3)], r0 + b % 4
    rule = RULES[b % len(RULES)].format(d=b % 12)
    block = f'<conditionalFormatting sqref="{c0}{r0}:{c1}{r1}">{rule}</conditionalFormatting>'
    return x.replace("<dataValidations", block + "<dataValidations", 1)


def _show_zeros(x: str, a: int, b: int) -> str:
    return x.replace("<sheetView ", f'<sheetView showZeros="{b % 2}" ', 1) if "showZeros" not in x else x


def _sheet_state(x: str, a: int, b: int) -> str:
    m = _pick(_spans(x, r"<sheet name=\"[^\"]*\""), a)
    state = ("hidden", "veryHidden", "visible")[b % 3]
    return _replace(x, m, m.group(0) + f' state="{state}"') if m and "state=" not in x[m.end():m.end() + 60] else x


def _escape(x: str, a: int, b: int) -> str:
    """An _xHHHH_ escape (or a broken one) put inside a text."""
    m = _pick(_spans(x, r"<t( [^>]*)?>([^<]*)</t>"), a)
    if m is None:
        return x
    text = m.group(2)
    cut = b % (len(text) + 1)
    return _replace(x, m, f"<t{m.group(1) or ''}>{text[:cut]}{ESCAPES[b % len(ESCAPES)]}{text[cut:]}</t>")


def _rich_colour(x: str, a: int, b: int) -> str:
    """A shared string split into runs, the second in a colour or size that may hide it."""
    m = _pick(_spans(x, r"<si><t([^>]*)>([^<]*)</t></si>"), a)
    if m is None:
        return x
    text, cut = m.group(2), b % (len(m.group(2)) + 1)
    props = (f"<color {COLOURS[b % len(COLOURS)]}/>", '<sz val="1"/>', '<rFont val="Wingdings"/>')[b % 3]
    return _replace(x, m, f"<si><r><t>{text[:cut]}</t></r><r><rPr>{props}</rPr><t>{text[cut:]}</t></r></si>")


_XDR_NS = ('xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
           'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"')
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _shape(a: int, b: int) -> str:
    """A shape, text box, picture frame or line in one of the three anchor types, near the input cells."""
    col, row = 1 + a % 9, 4 + a // 9 % 26
    body = ('<xdr:sp><xdr:nvSpPr><xdr:cNvPr id="9" name="s"{h}/><xdr:cNvSpPr/></xdr:nvSpPr><xdr:spPr>{fill}</xdr:spPr>'
            '{text}</xdr:sp><xdr:clientData/>')
    fill = ('<a:solidFill><a:srgbClr val="FFF2CC"/></a:solidFill>', "<a:noFill/>", "")[b % 3]
    text = '<xdr:txBody><a:bodyPr/><a:p><a:r><a:t>9</a:t></a:r></a:p></xdr:txBody>' if b % 2 else ""
    if b % 5 == 4:
        body = ('<xdr:cxnSp macro=""><xdr:nvCxnSpPr><xdr:cNvPr id="9" name="l"{h}/><xdr:cNvCxnSpPr/></xdr:nvCxnSpPr>'
                "<xdr:spPr/></xdr:cxnSp><xdr:clientData/>")
    body = body.format(h=' hidden="1"' if b % 7 == 0 else "", fill=fill, text=text)
    kind = b % 3
    if kind == 0:
        return (f"<xdr:twoCellAnchor><xdr:from><xdr:col>{col}</xdr:col><xdr:colOff>{b % 5 * 190500}</xdr:colOff>"
                f"<xdr:row>{row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>{col + b % 2}</xdr:col>"
                f"<xdr:colOff>{(1 + b % 4) * 254000}</xdr:colOff><xdr:row>{row + b % 2}</xdr:row><xdr:rowOff>95250"
                f"</xdr:rowOff></xdr:to>{body}</xdr:twoCellAnchor>")
    if kind == 1:
        return (f"<xdr:oneCellAnchor><xdr:from><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row}"
                f'</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="{(1 + b % 9) * 254000}" '
                f'cy="{(1 + b % 3) * 95250}"/>{body}</xdr:oneCellAnchor>')
    return (f'<xdr:absoluteAnchor><xdr:pos x="{a * 127000 % 7620000}" y="{a * 38100 % 2540000}"/>'
            f'<xdr:ext cx="{(1 + b % 9) * 254000}" cy="{(1 + b % 3) * 95250}"/>{body}</xdr:absoluteAnchor>')


def _drawing(parts: dict[str, bytes], a: int, b: int) -> dict[str, bytes]:
    """A drawing part with one shape, on one of the statutory sheets (every part it needs added)."""
    sheet = SHEETS[a % 3]
    folder, name = sheet.rsplit("/", 1)
    rels_part = f"{folder}/_rels/{name}.rels"
    drawing = f"xl/drawings/drawingNb{a % 3}.xml"
    if drawing in parts:
        return parts
    out = dict(parts)
    out[drawing] = (f'<?xml version="1.0" encoding="UTF-8"?>\n<xdr:wsDr {_XDR_NS}>{_shape(a, b)}</xdr:wsDr>').encode()
    rel = f'<Relationship Id="rIdNb" Type="{_REL}/drawing" Target="../drawings/drawingNb{a % 3}.xml"/>'
    old = out.get(rels_part, b'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.'
                              b'openxmlformats.org/package/2006/relationships"></Relationships>').decode()
    out[rels_part] = old.replace("</Relationships>", rel + "</Relationships>").encode()
    out[sheet] = out[sheet].decode().replace("</worksheet>", '<drawing r:id="rIdNb"/></worksheet>').encode()
    out["[Content_Types].xml"] = out["[Content_Types].xml"].decode().replace(
        "</Types>", f'<Override PartName="/{drawing}" ContentType="application/vnd.openxmlformats-officedocument.'
                    'drawing+xml"/></Types>').encode()
    return out


APPEARANCE = {
    "xf": (_xf, (STYLES,)),
    "dxfs": (_dxfs, (STYLES,)),
    "conditional": (_conditional, SHEETS[:3]),
    "show_zeros": (_show_zeros, SHEETS[:3]),
    "sheet_state": (_sheet_state, (WORKBOOK,)),
    "escape": (_escape, (STRINGS, *SHEETS[:3])),
    "rich_colour": (_rich_colour, (STRINGS,)),
}
PACKAGE = {"drawing": _drawing}  # mutations that add parts: applied to the whole package


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


def appearance_mutation() -> st.SearchStrategy[tuple[str, str, int, int]]:
    """One appearance mutation: (kind, part, a, b); part "*" for the package-wide ones."""
    numbers = (st.integers(0, 10_000), st.integers(0, 10_000))
    ops = [st.tuples(st.just(kind), st.sampled_from(parts), *numbers)
           for kind, (_, parts) in sorted(APPEARANCE.items())]
    ops += [st.tuples(st.just(kind), st.just("*"), *numbers) for kind in sorted(PACKAGE)]
    return st.one_of(*ops)


def mutation() -> st.SearchStrategy[tuple[str, str, int, int]]:
    sheet_ops = st.tuples(st.sampled_from(sorted(MUTATORS)), st.sampled_from(SHEETS),
                          st.integers(0, 10_000), st.integers(0, 10_000))
    string_ops = st.tuples(st.sampled_from(_FOR_STRINGS), st.just(STRINGS),
                           st.integers(0, 10_000), st.integers(0, 10_000))
    return st.one_of(sheet_ops, sheet_ops, sheet_ops, string_ops, appearance_mutation(), appearance_mutation())


def appearance_ops(rng, count: int = 3) -> list[tuple[str, str, int, int]]:
    """A seeded list of appearance mutations (for tests that cannot use hypothesis, e.g. in LibreOffice)."""
    kinds = sorted(APPEARANCE) + sorted(PACKAGE)
    out = []
    for _ in range(count):
        kind = rng.choice(kinds)
        part = "*" if kind in PACKAGE else rng.choice(APPEARANCE[kind][1])
        out.append((kind, part, rng.randrange(10_000), rng.randrange(10_000)))
    return out


def mutations(max_size: int = 3) -> st.SearchStrategy[list[tuple[str, str, int, int]]]:
    return st.lists(mutation(), min_size=1, max_size=max_size)


def apply_all(parts: dict[str, bytes], ops: list[tuple[str, str, int, int]]) -> dict[str, bytes]:
    out = dict(parts)
    for kind, part, a, b in ops:
        if kind in PACKAGE:
            out = PACKAGE[kind](out, a, b)
        elif part in out:
            mutate = MUTATORS[kind] if kind in MUTATORS else APPEARANCE[kind][0]
            out[part] = mutate(out[part].decode("utf-8"), a, b).encode("utf-8")
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
