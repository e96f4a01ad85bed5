"""What the clerk sees is what is counted: every statutory input cell's appearance, judged.

nianbao wrote the template, so every input cell's look is known: 宋体 10 pt black on light
yellow, number format "0" (counts) or "0.00" (money), nothing drawn over it. Whatever a workbook
changes, this module works out what the cell then *shows* and compares it with what nianbao
counts, using the same code for both reading engines (they differ only in how they get the XML):

- the number format, evaluated for the value (numfmt.py): "9" on 999, 0, on 9000, [<1000]0;"9",
  ;;;, a zero or text section, %, scientific, fractions, dates, [Red]/[ColorN] colours;
- font colour against fill (theme, indexed, tint, patterns, gradients; look.py), tiny fonts,
  symbol fonts (Wingdings), strike-through, "fill" alignment that repeats the figure;
- conditional formats that may apply to the value (their font, fill and number format), data bars
  and icon sets that hide the value (showValue="0"), colour scales;
- rich-text runs that cannot be seen (colour, size) in a string that is counted;
- drawings (DrawingML shapes, text boxes, pictures, charts, in any anchor) and VML shapes and
  shown comments whose box covers the cell; comments on the cell (but the lines nianbao's own
  annotated copy wrote, own_marks.py: a fixed copy that comes back is not warned about them);
- the sheet view's "show zeros" switch.

Where the shown text can differ from the counted value: an error (CELL_SHOWN_DIFFERENT, or
CELL_COVERED) naming the cell and what the clerk sees; where it only looks different (same figure
in scientific notation, with a unit, hard to read, struck through): a warning (CELL_LOOKS_DIFFERENT).
Sheets: a hidden statutory sheet, and a sheet whose name folds to a statutory name, are errors.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from nianbao.findings import Code, Finding, finding
from nianbao.format.layout import Layout, layout

from . import look as lk
from .numfmt import display
from .own_marks import clerk_part

_SHOWN_MAX = 30


# ------------------------------------------------------------------------------- sheets


@lru_cache(maxsize=1024)
def fold_name(name: str) -> str:
    """A sheet name as a person reads a tab: NFKC, no whitespace or invisible characters, case folded."""
    text = unicodedata.normalize("NFKC", name)
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Zs", "Cc")
                   ).casefold()


def sheet_findings(states: dict[str, str], lay: Layout) -> tuple[list[Finding], set[str]]:
    """Hidden statutory sheets and look-alike sheets; returns them and the look-alike names
    (which are then not also reported as merely extra)."""
    out: list[Finding] = []
    statutory = {fold_name(s): s for s in lay.sheets}
    read = _read_sheets(lay.fmt)
    lookalikes: set[str] = set()
    for name, state in states.items():
        if name in lay.sheets:
            if state in ("hidden", "veryHidden") and name in read:  # (the 校验 sheet's results are recomputed)
                how = "深度隐藏（veryHidden，在 Excel 的“取消隐藏”中也看不到）" if state == "veryHidden" else "隐藏"
                out.append(finding(Code.SHEET_HIDDEN, sheet=name, how=how))
            continue
        real = statutory.get(fold_name(name))
        if real is None:
            continue
        lookalikes.add(name)
        real_state = states.get(real, "visible")
        hidden = "，而真正的「{}」被{}".format(real, "深度隐藏" if real_state == "veryHidden" else "隐藏") \
            if real_state in ("hidden", "veryHidden") else ""
        out.append(finding(Code.SHEET_LOOKALIKE, sheet=name, real=real, how=_name_difference(name, real),
                           hidden=hidden))
    return out, lookalikes


@lru_cache(maxsize=16)
def _read_sheets(fmt) -> frozenset[str]:
    """The sheets whose cells nianbao reads: every input cell's and every text field's."""
    lay = layout(fmt)
    return frozenset({pos.sheet for pos in lay.cells.values()} | {f.pos.sheet for f in lay.fields.values()})


def _name_difference(name: str, real: str) -> str:
    # Spaces and invisible characters the real name does not have (its own plain space is no difference).
    extra = [ch for ch in name if (ch.isspace() or unicodedata.category(ch) in ("Cf", "Zs", "Cc")) and ch not in real]
    if name.rstrip() != name:
        return "名称末尾有空格"
    if "\u3000" in name:
        return "名称中有全角空格"
    if extra:
        return "名称中有不可见的字符或不同的空格"
    if unicodedata.normalize("NFKC", name) == unicodedata.normalize("NFKC", real):
        return "名称用了外形相同的其他字符（全角/兼容字符）"
    return "名称只有大小写或空格不同"


# ------------------------------------------------------------------------------- conditional formats


@dataclass(frozen=True)
class Rule:
    """One conditional-format rule, as it applies to the cells of its ranges."""

    ranges: tuple[tuple[int, int, int, int], ...]  # (min_col, min_row, max_col, max_row), 1-based
    kind: str
    operator: str | None
    formulas: tuple[str, ...]
    text: str | None
    look: lk.Look
    show_value: bool = True
    scale: tuple[lk.ColorRef, ...] = ()

    def covers(self, row: int, col: int) -> bool:
        return any(c0 <= col <= c1 and r0 <= row <= r1 for c0, r0, c1, r1 in self.ranges)


MAX_RULES = 512  # rules read per sheet; a sheet with more is judged on these


def rules_from(element, ranges: tuple, dxf: lk.Look) -> Rule:
    """A <cfRule> element (raw or rebuilt by openpyxl) with its differential style."""
    kind = element.get("type", "")
    formulas = tuple((f.text or "") for f in element if lk.local(f.tag) in ("formula", "f"))[:3]  # f: x14
    show, scale = True, ()
    for child in element:
        name = lk.local(child.tag)
        if name in ("dataBar", "iconSet"):
            show = child.get("showValue", "1") not in ("0", "false")
        elif name == "colorScale":
            scale = tuple(c for c in (lk.colour_ref(x) for x in child if lk.local(x.tag) == "color") if c)[:3]
    return Rule(ranges, kind, element.get("operator"), formulas, element.get("text"), dxf, show, scale)


_NUMBER = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")
_SELF_COMPARE = re.compile(r"^\s*\$?([A-Za-z]{1,3})\$?(\d+)\s*(<=|>=|<>|<|>|=)\s*(.+?)\s*$")


def _constant(text: str):
    """A formula that is a constant: a number, a quoted string, TRUE/FALSE; else None."""
    t = text.strip().lstrip("=").strip()
    if _NUMBER.match(t):
        return Decimal(t)
    if len(t) >= 2 and t[0] == t[-1] == '"':
        return t[1:-1].replace('""', '"')
    if t.upper() in ("TRUE", "TRUE()"):
        return True
    if t.upper() in ("FALSE", "FALSE()"):
        return False
    return None


def _compare(op: str, a, b) -> bool | None:
    if isinstance(a, bool) or isinstance(b, bool):
        a, b = (Decimal(int(a)) if isinstance(a, bool) else a), (Decimal(int(b)) if isinstance(b, bool) else b)
    if type(a) is not type(b):
        if isinstance(a, str) or isinstance(b, str):
            return op in ("<>", "notEqual") if op in ("=", "<>", "equal", "notEqual") else None
        return None
    if isinstance(a, str):
        a, b = a.casefold(), b.casefold()
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "=": a == b, "<>": a != b,
            "lessThan": a < b, "lessThanOrEqual": a <= b, "greaterThan": a > b, "greaterThanOrEqual": a >= b,
            "equal": a == b, "notEqual": a != b}.get(op)


def applies(rule: Rule, value, ref: str) -> bool | None:
    """Whether a rule applies to this cell's value: True, False, or None (cannot tell: it may)."""
    v = Decimal(str(value)) if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) else value
    kind = rule.kind
    if kind in ("dataBar", "iconSet", "colorScale"):
        return isinstance(v, Decimal)
    if kind == "cellIs":
        args = [_constant(f) for f in rule.formulas]
        if any(a is None for a in args) or not args:
            return None
        if rule.operator in ("between", "notBetween") and len(args) >= 2:
            low, high = _compare("<=", args[0], v), _compare("<=", v, args[1])
            if low is None or high is None:
                return None
            inside = low and high
            return inside if rule.operator == "between" else not inside
        return _compare(rule.operator or "equal", v, args[0])
    if kind == "expression":
        if not rule.formulas:
            return None
        formula = rule.formulas[0]
        const = _constant(formula)
        if const is not None:
            return bool(const) if not isinstance(const, str) else None
        match = _SELF_COMPARE.match(formula.lstrip("="))
        if match and f"{match.group(1).upper()}{match.group(2)}" == ref:
            other = _constant(match.group(4))
            return _compare(match.group(3), v, other) if other is not None else None
        return None
    text = "" if v is None else (str(v) if not isinstance(v, Decimal) else format(v.normalize(), "f"))
    needle = (rule.text or "").casefold()
    if kind == "containsText":
        return needle in text.casefold()
    if kind == "notContainsText":
        return needle not in text.casefold()
    if kind == "beginsWith":
        return text.casefold().startswith(needle)
    if kind == "endsWith":
        return text.casefold().endswith(needle)
    if kind == "containsBlanks":
        return v is None or (isinstance(v, str) and not v.strip())
    if kind == "notContainsBlanks":
        return not (v is None or (isinstance(v, str) and not v.strip()))
    if kind in ("containsErrors", "notContainsErrors"):
        is_error = isinstance(v, str) and v.startswith("#")
        return is_error if kind == "containsErrors" else not is_error
    return None  # top10, aboveAverage, duplicateValues, timePeriod …: depends on other cells


# ------------------------------------------------------------------------------- one cell


@dataclass(frozen=True)
class Verdict:
    severity: str  # "error" or "warning"
    shown: str  # what the clerk sees ("" nothing)
    why: str  # how it comes to look like that


def _strict_number(text: str) -> Decimal | None:
    t = text.strip().replace("\u00a0", "").replace("\u3000", "")
    if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?", t):
        t = t.replace(",", "")
    t = t.rstrip(".")
    if not re.fullmatch(r"[-+]?\d+(\.\d+)?", t):
        return None
    try:
        return Decimal(t)
    except InvalidOperation:
        return None


def _lenient_number(text: str) -> Decimal | None:
    """The figure a person reads in a decorated text: units and prefixes around it, scientific, fractions."""
    t = text.strip().replace(",", "").replace("\u00a0", " ")
    # .50: a format such as #.00 writes a figure under 1 without its leading zero.
    m = re.fullmatch(r"[^\d.\-+()]*\(?([-+]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?)(?:\s+(\d+)/(\d+))?\)?[^\d]*", t)
    if m:
        try:
            number = Decimal(m.group(1))
        except InvalidOperation:
            return None
        if m.group(2) and m.group(3) and int(m.group(3)):
            number += Decimal(int(m.group(2))) / Decimal(int(m.group(3)))
        return -number if t.strip().startswith("(") and t.strip().endswith(")") else number
    if t in ("-", "－", "—", "–"):
        return Decimal(0)  # accounting formats show zero as a dash
    return None


def _same(a: Decimal | None, b) -> bool:
    if a is None or b is None:
        return False
    try:
        return a == Decimal(str(b))
    except InvalidOperation:
        return False


def judge(value, counted, base: lk.Look, palette: lk.Palette, *, rules: tuple[Rule, ...] = (), ref: str = "",
          runs: tuple[tuple[str, lk.Font], ...] | None = None, show_zeros: bool = True,
          width: float | None = None) -> Verdict | None:
    """The worst of what the cell shows under its own look and under each conditional format that may
    apply; None when it shows what is counted, plainly."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    variants: list[tuple[lk.Look, bool, str]] = [(base, True, "")]  # (look, value shown, condition note)
    for rule in rules:
        ok = applies(rule, value, ref)
        if ok is False:
            continue
        note = "，在条件格式生效时" if ok is None else "，由条件格式设置"
        if not rule.show_value:
            variants.append((base, False, "数据条或图标集不显示数值" + note))
        elif rule.scale:
            for colour in rule.scale:
                variants.append((lk.Look(base.number_format, base.font, lk.Fill("solid", colour), base.horizontal),
                                 True, "色阶" + note))
        else:
            variants.append((lk.overlay(base, rule.look), True, note))
    verdicts = [v for look, shown_at_all, note in variants
                if (v := _judge_one(value, counted, look, palette, shown_at_all, note, runs, show_zeros, width))
                is not None]
    # The worst; among equals the first by text, so the rules' order in the file does not matter.
    return min(verdicts, key=lambda v: (v.severity != "error", v.why, v.shown), default=None)


def _judge_one(value, counted, look: lk.Look, palette: lk.Palette, shown_at_all: bool, note: str,
               runs, show_zeros: bool, width: float | None = None) -> Verdict | None:
    if counted is None:
        return None  # not counted (text that is no number): the cell's own finding says so
    if not shown_at_all:
        return Verdict("error", "", note)
    shown = display(look.number_format or "General", value)
    if shown.unknown:
        return Verdict("error", "", f"数字格式“{_clip(look.number_format)}”无法判断显示内容{note}")
    text = shown.text
    paint = lk.painted(look, palette, shown.colour)
    why: list[str] = []
    if paint.font_name.casefold() in lk.SYMBOL_FONTS:
        return Verdict("error", "", f"字体为符号字体“{paint.font_name}”，数字显示为图形{note}")
    if paint.size < lk.TINY_POINTS:
        return Verdict("error", "", f"字号仅 {paint.size:g} 磅，看不清{note}")
    if paint.contrast < lk.INVISIBLE:
        colours = f"#{_hex(paint.text)} 在 #{_hex(paint.background)} 上"
        return Verdict("error", "", f"文字颜色与底色几乎相同（{colours}）{note}")
    if runs:
        visible = []
        for text_run, run_font in runs:
            run_look = lk.Look(look.number_format, lk.Font(run_font.colour or look.font.colour,
                                                         run_font.size or look.font.size,
                                                         run_font.name or look.font.name), look.fill)
            run_paint = lk.painted(run_look, palette)
            if (run_paint.contrast >= lk.INVISIBLE and run_paint.size >= lk.TINY_POINTS
                    and run_paint.font_name.casefold() not in lk.SYMBOL_FONTS):
                visible.append(text_run)
        seen = "".join(visible)
        if seen != "".join(t for t, _ in runs):
            text = display(look.number_format or "General", seen).text if isinstance(value, str) else text
            why.append("部分文字的颜色或字号使其看不见")
    if not show_zeros and _same(Decimal(0), value) and not isinstance(value, str):
        text = ""
        why.append("工作表设置为不显示零值")
    if width is not None and text and not isinstance(value, str) and _too_wide(text, paint.size, width):
        text = "###"
        why.append(f"列宽只有 {width:g} 个字符，放不下这个数")
    if look.horizontal == "fill" and text:
        text = text * 3
        why.append("对齐方式为“填充”，数字被重复显示")
    if shown.date:
        why.append(f"数字格式“{_clip(look.number_format)}”按日期或时间显示")
    strict = _strict_number(text)
    if _same(strict, counted) and not why and not shown.dbnum:
        if paint.contrast < lk.HARD_TO_READ:
            colours = f"#{_hex(paint.text)} 在 #{_hex(paint.background)} 上"
            return Verdict("warning", text, f"文字颜色与底色对比度过低（{colours}），难以看清{note}")
        if paint.size < lk.SMALL_POINTS:
            return Verdict("warning", text, f"字号仅 {paint.size:g} 磅{note}")
        if paint.strike:
            return Verdict("warning", text, f"数字带删除线{note}")
        return None
    reason = "、".join(why) or (f"数字格式为“{_clip(look.number_format)}”" if look.number_format else "")
    if not why and (shown.dbnum or _same(_lenient_number(text), counted)):
        reason += "，以中文数字显示" if shown.dbnum else ""
        return Verdict("warning", text, reason + note)
    return Verdict("error", text, reason + note)


# Number formats that show any count or amount as itself (the template's, and what Excel, WPS and
# LibreOffice give a pasted plain number).
SAFE_FORMATS = frozenset({"General", "0", "0.00", "#,##0", "#,##0.00", "0.0", "G/通用格式", "@"})


def plain(look: lk.Look, palette: lk.Palette) -> bool:
    """A look that shows any value as itself, readably: no need to judge each cell that has it."""
    if (look.number_format or "General") not in SAFE_FORMATS or look.horizontal == "fill":
        return False
    paint = lk.painted(look, palette)
    return (paint.contrast >= lk.HARD_TO_READ and lk.SMALL_POINTS <= paint.size <= PLAIN_MAX_POINTS
            and not paint.strike
            and paint.font_name.casefold() not in lk.SYMBOL_FONTS)


PLAIN_MAX_POINTS = 16.0  # a plain style's largest font (the template's is 10 pt)


def _widest(value) -> str:
    """The longest text a plain style (SAFE_FORMATS) can make of a value."""
    try:
        return format(Decimal(str(value)), ",.2f") if not isinstance(value, str) else value
    except (InvalidOperation, ValueError):
        return str(value)


def _too_wide(text: str, size: float, width: float) -> bool:
    """A number that does not fit its column is shown as ### (a digit of 11 pt is about one character)."""
    return len(text) * max(size, 1.0) / 11.0 > max(width - 0.5, 0.0)


def _hex(rgb) -> str:
    return "%02X%02X%02X" % rgb


def _clip(text: str | None) -> str:
    text = text or ""
    return text if len(text) <= _SHOWN_MAX else text[:_SHOWN_MAX] + "…"


def shown_text(text: str) -> str:
    """A shown text for a message: blank says so, a space of any width is a space, a character that prints
    nothing else (a control character) is �."""
    if text == "" or not text.strip():
        return "空白"
    clean = "".join(" " if unicodedata.category(ch) == "Zs" else ch if ch.isprintable() else "�" for ch in text)
    return _clip(clean)


def cell_finding(verdict: Verdict, where: dict, value_text: str) -> Finding:
    if verdict.severity == "error":
        return finding(Code.CELL_SHOWN_DIFFERENT, **where, shown=shown_text(verdict.shown), value=value_text,
                       why=verdict.why or "显示方式被改动", actual=shown_text(verdict.shown))
    return finding(Code.CELL_LOOKS_DIFFERENT, **where, shown=shown_text(verdict.shown), value=value_text,
                   why=verdict.why or "显示方式被改动", actual=shown_text(verdict.shown))


# ------------------------------------------------------------------------------- drawings


@dataclass(frozen=True)
class Overlay:
    """Something drawn on a sheet: its box in points from the sheet's top-left corner."""

    what: str  # 文本框, 图片, 图形, 图表, 批注框 …
    box: tuple[float, float, float, float]  # left, top, right, bottom
    covers: bool  # opaque or carrying text: what is under it cannot be read
    text: str = ""

    def overlaps(self, cell: tuple[float, float, float, float]) -> bool:
        l1, t1, r1, b1 = self.box
        l2, t2, r2, b2 = cell
        # More than a sliver: a shape that only touches the cell's border does not hide it.
        return min(r1, r2) - max(l1, l2) > 1.0 and min(b1, b2) - max(t1, t2) > 1.0


def overlay_finding(o: Overlay, where: dict, value_text: str) -> Finding:
    label = o.what + (f"（其中文字“{_clip(o.text)}”）" if o.text.strip() else "")
    if o.covers:
        return finding(Code.CELL_COVERED, **where, what=label, value=value_text, actual=label)
    return finding(Code.CELL_DRAWN_OVER, **where, what=label, value=value_text, actual=label)


def rules_by_cell(rules: tuple[Rule, ...], cells: set[tuple[int, int]]) -> dict[tuple[int, int], tuple[Rule, ...]]:
    """(row, col) of the given cells -> the rules that cover it (most sheets: none of them)."""
    out: dict[tuple[int, int], list[Rule]] = {}
    for rule in rules:
        for c0, r0, c1, r1 in rule.ranges:
            if (c1 - c0 + 1) * (r1 - r0 + 1) <= len(cells):
                hits = [(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) in cells]
            else:
                hits = [(r, c) for r, c in cells if c0 <= c <= c1 and r0 <= r <= r1]
            for hit in hits:
                if rule not in out.setdefault(hit, []):
                    out[hit].append(rule)
    return {k: tuple(v) for k, v in out.items()}


@dataclass(frozen=True)
class _SheetLooks:
    """What is read once per sheet to judge its cells."""

    rules: tuple
    overlays: list
    comments: dict
    show_zeros: bool
    plain: object  # `ref in plain`: the cell's style shows any value plainly
    geometry: object


def _sheet_looks(book, sheet: str, cache: dict | None) -> _SheetLooks:
    got = cache.get(sheet) if cache is not None else None
    if got is None:
        got = _SheetLooks(book.conditional_rules(sheet), book.overlays(sheet), book.comments(sheet),
                          book.show_zeros(sheet), book.plain_looks(sheet), book.geometry(sheet))
        if cache is not None:
            cache[sheet] = got
    return got


def judge_inputs(book, lay: Layout, keys, values: dict, counted: dict, where, cache: dict | None = None
                 ) -> list[Finding]:
    """Findings for every cell of `keys` whose appearance differs from what is counted.

    values: key -> the cell's value; counted: key -> the number nianbao counts (None: not counted);
    where: key -> the finding's location fields; cache: shared between calls on the same book."""
    out: list[Finding] = []
    palette = book.palette()
    by_sheet: dict[str, list[str]] = {}
    for key in keys:
        by_sheet.setdefault(lay.cells[key].sheet, []).append(key)
    for sheet, sheet_keys in by_sheet.items():
        looks = _sheet_looks(book, sheet, cache)
        rules, overlays, comments, show_zeros = looks.rules, looks.overlays, looks.comments, looks.show_zeros
        plain, geometry = looks.plain, looks.geometry
        at = rules_by_cell(rules, {(lay.cells[k].row + 1, lay.cells[k].col + 1) for k in sheet_keys}) if rules else {}
        widths = _column_widths(geometry, {lay.cells[k].col + 1 for k in sheet_keys})
        narrow = any(w < NARROW for w in widths.values())
        if not (at or overlays or comments or narrow) and show_zeros:  # the usual sheet: odd styles and text only
            sheet_keys = [k for k in sheet_keys if lay.cells[k].ref not in plain or type(values.get(k)) is str]
        for key in sheet_keys:
            pos = lay.cells[key]
            ref = pos.ref
            value = values.get(key)
            if value is None:
                continue
            cell_rules = at.get((pos.row + 1, pos.col + 1), ()) if at else ()
            runs = book.runs(sheet, ref) if isinstance(value, str) else None
            width = widths.get(pos.col + 1)
            if ref in plain and (width is None or width >= NARROW
                                 or not _too_wide(_widest(value), PLAIN_MAX_POINTS, width)):
                width = None  # fits however a plain style writes it
            if cell_rules or runs or not show_zeros or ref not in plain or width is not None:
                verdict = judge(value, counted.get(key), book.look(sheet, ref), palette, rules=cell_rules, ref=ref,
                                runs=runs, show_zeros=show_zeros, width=width)
                if verdict is not None:
                    out.append(cell_finding(verdict, where(key), _value_text(value)))
            if overlays:
                box = geometry.cell_box(pos.row + 1, pos.col + 1)
                for o in overlays:
                    if o.overlaps(box):
                        out.append(overlay_finding(o, where(key), _value_text(value)))
                        break
            text = clerk_part(comments[ref]) if comments and ref in comments else None
            if text is not None:  # a comment of nianbao's own annotation, come back in a fixed copy: known
                out.append(finding(Code.CELL_COMMENT, **where(key), text=_clip(" ".join(text.split())) or "（空）"))
    return out


NARROW = 12.0  # characters: a column narrower than this may be too narrow for a plainly styled figure (the
# template's are 26); a figure in a style of its own (a larger font) is measured against any width


def _column_widths(geometry, cols: set[int]) -> dict[int, float]:
    """The width in characters of each input column a clerk sees: its <col> element's, else the sheet's
    default. Hidden columns and those under half a character are left out (sheet_layout says so)."""
    out: dict[int, float] = {}
    for low, high, width, hidden in geometry.cols:  # the first <col> naming a column decides, as col_points
        for c in cols:
            if low <= c <= high and c not in out:
                out[c] = -1.0 if hidden else (width if width is not None else geometry.default_width)
    out = {c: out.get(c, geometry.default_width) for c in cols}
    return {c: w for c, w in out.items() if w >= 0.5}


def _value_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, Decimal):
        value = format(value.normalize(), "f")
    return shown_text(str(value))
