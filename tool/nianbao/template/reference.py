"""正文's 参考表述: each table section's figures in words, as a formula over the tables.

The formula says what format/statements.py drafts, character for character, and updates as the
clerk types: `"本年度共新收政府信息公开申请"&'表三 依申请公开'!$J$6&"件"`, IF for the words of 0,
MID over IFs for a list said only where its figures are not 0. Only functions Excel, WPS and
LibreOffice compute alike: IF, AND, COUNT, SUM, MID, TEXT(x,"0.00") for money (no TEXTJOIN,
CONCAT, LET, LAMBDA). Until every number of the section is filled in it says so instead.
"""

from __future__ import annotations

from nianbao.format.drafting import draft_section
from nianbao.format.layout import Layout
from nianbao.format.spec import Format
from nianbao.format.statements import END, PLACE, Listing, Said, Sentence

from .checks import cell_ranges, input_leaves

MAX_FORMULA = 8192  # characters: Excel's limit for a formula (LibreOffice and WPS allow as many)
_LIST_ROOM = 4000  # MID's length: more than any list of figures says


def pending_text(fmt: Format, section: str) -> str:
    """What the cell says until the section's table is filled in."""
    table = fmt.table(next(s.table for s in fmt.sections if s.key == section))
    return f"（「{table.sheet}」表填完后，这里按表中数字自动写出本部分的数字表述。）"


def reference_text(fmt: Format, section: str, tables: dict) -> str:
    """What the formula computes for these figures: the drafted sentences, or the pending note."""
    text = draft_section(fmt, section, tables, whole=True)
    return pending_text(fmt, section) if text is None else text


def reference_formula(fmt: Format, lay: Layout, section: str) -> str:
    """The 参考表述 formula of one table section."""
    sentences = fmt.statements[section]
    inputs = [lay.cells[k] for k in input_leaves(fmt, [k for s in sentences for f in s.figures() for k in f.keys])]
    body = _concat([_sentence(lay, s) for s in sentences])
    count = f"COUNT({','.join(cell_ranges(inputs))})"
    formula = f"=IF({count}<{len(inputs)},{_quote(pending_text(fmt, section))},{body})"
    if len(formula) > MAX_FORMULA:  # a spec whose statements say more than a spreadsheet formula holds
        raise ValueError(f"the 参考表述 formula of {section!r} is {len(formula)} characters (at most {MAX_FORMULA})")
    return formula


def _sentence(lay: Layout, sentence: Sentence) -> str:
    pieces: list[str] = [_quote(sentence.lead)] if sentence.lead else []
    for index, part in enumerate(sentence.parts):
        sep = "" if index == 0 else part.sep
        pieces.append(_listing(lay, part, sep) if isinstance(part, Listing) else _part(lay, part, sep))
    pieces.append(_quote(END))
    said = _concat(pieces)
    if sentence.none is None:
        return said
    every_zero = f"AND({','.join(_value(lay, f) + '=0' for f in sentence.figures())})"
    return f"IF({every_zero},{_quote(sentence.none + END if sentence.none else '')},{said})"


def _part(lay: Layout, said: Said, sep: str) -> str:
    words = _words(lay, said, sep)
    if said.zero is None:
        return words
    return f"IF({_value(lay, said)}=0,{_quote(sep + said.zero if said.zero else '')},{words})"


def _listing(lay: Layout, listing: Listing, sep: str) -> str:
    items = _concat([f"IF({_value(lay, item)}=0,\"\",{_words(lay, item, listing.join)})" for item in listing.items])
    none = f"AND({','.join(_value(lay, item) + '=0' for item in listing.items)})"
    said = _concat([_quote(sep + listing.before), f"MID({items},{len(listing.join) + 1},{_LIST_ROOM})"])
    return f"IF({none},\"\",{said})"


def _words(lay: Layout, said: Said, before: str) -> str:
    """`before` + the part's words with its figure, as a formula."""
    head, tail = said.say.split(PLACE, 1)
    number = _value(lay, said)
    if said.kind == "money":
        number = f'TEXT({number},"0.00")'
    return _concat([_quote(before + head), number, _quote(tail)])


def _value(lay: Layout, said: Said) -> str:
    """The figure: one cell, or the SUM of its cells."""
    refs = cell_ranges([lay.cells[k] for k in said.keys])
    if len(said.keys) == 1:
        return refs[0]
    return f"SUM({','.join(refs)})"


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _concat(pieces: list[str]) -> str:
    """Pieces joined with &, empty strings left out and neighbouring literals merged."""
    out: list[str] = []
    for piece in pieces:
        if piece == '""':
            continue
        if out and piece.startswith('"') and piece.endswith('"') and _literal(out[-1]) and _literal(piece):
            out[-1] = out[-1][:-1] + piece[1:]
        else:
            out.append(piece)
    return "&".join(out) if out else '""'


def _literal(piece: str) -> bool:
    """A quoted string constant alone (not "a"&B1&"b")."""
    if len(piece) < 2 or not (piece.startswith('"') and piece.endswith('"')):
        return False
    inner = piece[1:-1].replace('""', "")
    return '"' not in inner
