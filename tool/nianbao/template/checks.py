"""The live checks: the 校验 sheet (one formula row per rule instance) and each table's status line.

Every formula mirrors check/rules.py: a sum rule's left side is the derived cell and its right
side the sum of its parts; comparisons use the spec's money tolerance when a money cell is
involved; an instance whose input cells are not all numbers shows 待填 (the reader skips
it too); a rule whose applies_to excludes the agency's level shows 不适用.

A template issued with last year's figures (`template --previous`, format/carried.py) has a row
more for each cross-year rule instance they complete (T3-4 per column: 上年结转 against last
year's 结转下年度), below the others, with last year's figures as constants.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from nianbao.format.carried import Carried, cross_year_severity
from nianbao.format.document import as_decimal
from nianbao.format.layout import CHECK_SHEET, CheckRow, Layout, Pos, col_letter
from nianbao.format.spec import Format, RuleInstance, Term

from .style import RowHeights, Styles, checked, page_setup, text_units

PASS, FAIL, WARN, PENDING, NOT_APPLICABLE = "✓", "✗", "⚠", "待填", "不适用"
# (header, width); the rows start at CheckRow.row
COLUMNS = (("工作表", 15), ("规则", 6), ("规则说明", 32), ("核对对象", 36), ("左边", 9), ("右边", 9),
           ("差额", 8), ("结果", 7), ("单元格（点击跳转）", 20))
TABLE_COL, LEFT_COL, RIGHT_COL, DIFF_COL, RESULT_COL, WHERE_COL = 0, 4, 5, 6, 7, 8
HEADER_ROW = 2
SUMMARY_CELL = (0, 4)  # the overall result, top right of the 校验 sheet
LEGEND = ("结果：✓ 一致；✗ 不一致，必须改正；⚠ 需要核实，如确有其事请在报告中说明；"
          "待填 有关单元格还没有填写数字；不适用 本单位的层级不适用此规则。"
          "左边、右边按“规则说明”中的等式计算，合计类规则的左边是表中合计、右边是各项之和。"
          "本表由公式自动计算，无需填写。")


# ---------------------------------------------------------------- references


def cell_ranges(positions: Sequence[Pos], *, home: str | None = None, absolute: bool = True) -> list[str]:
    """The cells as few rectangular references as possible (D5:I5, not D5,E5,…).

    References on sheet `home` are left unqualified; others read '表三 依申请公开'!$D$5.
    """
    out: list[str] = []
    sheets = list(dict.fromkeys(p.sheet for p in positions))
    for sheet in sheets:
        cells = [(p.row, p.col) for p in positions if p.sheet == sheet]
        if len(set(cells)) == len(cells):
            rects = _rectangles(set(cells))
        else:  # a cell named twice: keep every mention, so a sum over them stays a sum
            rects = [(r, c, r, c) for r, c in cells]
        for r1, c1, r2, c2 in rects:
            ref = _ref(r1, c1, absolute)
            if (r1, c1) != (r2, c2):
                ref += ":" + _ref(r2, c2, absolute)
            out.append(ref if sheet == home else f"'{sheet}'!{ref}")
    return out


def _ref(row: int, col: int, absolute: bool) -> str:
    return f"${col_letter(col)}${row + 1}" if absolute else f"{col_letter(col)}{row + 1}"


def _rectangles(cells: set[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Vertical runs per column, merged across neighbouring columns with the same run."""
    runs: dict[int, list[tuple[int, int]]] = {}
    for col in sorted({c for _, c in cells}):
        rows = sorted(r for r, c in cells if c == col)
        start = prev = rows[0]
        for r in rows[1:] + [None]:
            if r is not None and r == prev + 1:
                prev = r
                continue
            runs.setdefault(col, []).append((start, prev))
            if r is not None:
                start = prev = r
    rects: list[list[int]] = []
    open_runs: dict[tuple[int, int], int] = {}
    for col in sorted(runs):
        still_open: dict[tuple[int, int], int] = {}
        for run in runs[col]:
            index = open_runs.get(run)
            if index is not None and rects[index][3] == col - 1:
                rects[index][3] = col
            else:
                rects.append([run[0], col, run[1], col])
                index = len(rects) - 1
            still_open[run] = index
        open_runs = still_open
    return sorted((tuple(r) for r in rects), key=lambda r: (r[0], r[1]))


def input_leaves(fmt: Format, keys: Sequence[str]) -> list[str]:
    """The input cells a set of cells depends on (derived cells expanded to their inputs)."""
    out: dict[str, None] = {}

    def visit(key: str) -> None:
        if key in fmt.derived:
            for part in fmt.derived[key].parts():
                visit(part)
        else:
            out[key] = None

    for key in keys:
        visit(key)
    return list(out)


def _side(lay: Layout, terms: tuple[Term, ...]) -> str:
    """A linear expression as a formula on the 校验 sheet."""
    plus = [lay.cells[t.key] for t in terms if t.key and t.sign > 0]
    minus = [lay.cells[t.key] for t in terms if t.key and t.sign < 0]
    const = sum((t.sign * t.const for t in terms if t.const is not None), 0)
    parts: list[str] = []
    for sign, group in (("", plus), ("-", minus)):
        if not group:
            continue
        # SUM even around one cell: a word typed into it counts as 0 here instead of giving #VALUE!
        parts.append(f"{sign}SUM({','.join(cell_ranges(group))})")
    if const or not parts:
        parts.append(_number(const) if not parts or const < 0 else "+" + _number(const))
    text = parts[0] + "".join(p if p.startswith(("-", "+")) else "+" + p for p in parts[1:])
    return "=" + text


def _number(value) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _condition(inst: RuleInstance, left: str, right: str, tol: str) -> str:
    return {
        "==": f"ABS({left}-{right})<={tol}",
        "<=": f"{left}<={right}+{tol}",
        ">=": f"{left}+{tol}>={right}",
        "<": f"{left}<{right}",
        ">": f"{left}>{right}",
    }[inst.op]


def instance_label(fmt: Format, inst: RuleInstance) -> str:
    """“自然人”列 / “一、本年新收…”行 / 行政复议; for an unbound rule the anchor cell's labels."""
    var, value = inst.bindings[0]
    label = dict(inst.labels).get(f"{var}_label", value)
    if var == "_":
        cell = fmt.cells[inst.anchor]
        return " · ".join(p for p in (cell.row_label, cell.column_label) if p)
    if var.startswith("col"):
        return f"“{label}”列"
    if var.startswith("row"):
        path = fmt.cells[inst.anchor].row.path
        if len(path) >= 3 and path[-1] == label:  # a sub-item: name its group too
            label = " ".join(path[-2:])
        return f"“{label}”行"
    return label


def applies(inst: RuleInstance, level: str | None) -> bool:
    return not inst.rule.applies_to or level in inst.rule.applies_to


def previous_rows(fmt: Format, lay: Layout, carried: Carried | None) -> list[CheckRow]:
    """The 校验 rows of the cross-year rule instances last year's figures complete: last year's cells
    as constants (a mismatch with figures from a published report is ⚠, as formats.md T3-4 says)."""
    if carried is None:
        return []
    rows: list[CheckRow] = []
    row = (lay.checks[-1].row if lay.checks else HEADER_ROW) + 1
    for inst in fmt.instances:
        if not inst.rule.cross_year or any(k not in carried.tables for k in inst.keys(prev=True)):
            continue
        severity = cross_year_severity(carried.source)
        rule = replace(inst.rule, severity=severity) if severity else inst.rule
        bound = replace(inst, rule=rule, left=_constants(inst.left, carried), right=_constants(inst.right, carried))
        rows.append(CheckRow(bound, row))
        row += 1
    return rows


def _constants(terms: tuple[Term, ...], carried: Carried) -> tuple[Term, ...]:
    return tuple(Term(t.sign, const=as_decimal(carried.tables[t.key])) if t.prev else t for t in terms)


# ---------------------------------------------------------------- the 校验 sheet


def write_check_sheet(ws, st: Styles, fmt: Format, lay: Layout, level: str | None,
                      carried: Carried | None = None) -> None:
    rows = lay.checks + previous_rows(fmt, lay, carried)
    widths = [w for _, w in COLUMNS]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    heights = RowHeights(widths)
    last_col = len(COLUMNS) - 1
    ws.merge_range(0, 0, 0, SUMMARY_CELL[1] - 1, "校验结果（自动计算）", st.heading())
    ws.merge_range(0, SUMMARY_CELL[1], 0, last_col, "", st.status())
    ws.write_formula(*SUMMARY_CELL, summary_formula(rows), st.status(), "")
    heights.fixed(0, 30)
    ws.merge_range(1, 0, 1, last_col, LEGEND, st.help())
    heights.need(1, 0, LEGEND, colspan=len(COLUMNS))
    for col, (head, _) in enumerate(COLUMNS):
        ws.write_string(HEADER_ROW, col, head, st.header(bold=True))
    heights.fixed(HEADER_ROW, 22)

    for check in rows:
        inst, row = check.instance, check.row
        money = fmt.tolerance(inst) > 0
        num = st.boxed(align="right", num_format="0.00" if money else "0")
        anchor = lay.cells[inst.anchor]
        label = instance_label(fmt, inst)
        if inst.rule.cross_year:
            label += f"（右边含 {carried.year} 年度报告的数字）"
        ws.write_string(row, TABLE_COL, anchor.sheet, st.boxed(align="left"))
        ws.write_string(row, 1, inst.rule.id, st.boxed(align="center"))
        ws.write_string(row, 2, inst.rule.title, st.boxed(align="left"))
        ws.write_string(row, 3, label, st.boxed(align="left"))
        heights.need(row, 2, inst.rule.title)
        heights.need(row, 3, label)
        left, right, diff = (f"{col_letter(c)}{row + 1}" for c in (LEFT_COL, RIGHT_COL, DIFF_COL))
        ws.write_formula(row, LEFT_COL, _side(lay, inst.left), num, "")
        ws.write_formula(row, RIGHT_COL, _side(lay, inst.right), num, "")
        ws.write_formula(row, DIFF_COL, f"=ROUND({left}-{right},2)" if money else f"={left}-{right}", num, "")
        result = st.boxed(align="center", bold=True)
        if applies(inst, level):
            ws.write_formula(row, RESULT_COL, result_formula(fmt, lay, inst, row), result, "")
        else:
            ws.write_string(row, RESULT_COL, NOT_APPLICABLE, result)
        where = f"{anchor.sheet} {anchor.ref}"
        checked(ws.write_url(row, WHERE_COL, f"internal:{anchor.qualified.replace('$', '')}",
                             st.boxed(align="left", font_color="#0563C1", underline=1), string=where), "link")

    if not rows:  # a format without in-table rules still gets the sheet, with its header
        page_setup(ws, landscape=True, last_row=HEADER_ROW, last_col=last_col)
        heights.apply(ws, range(0, HEADER_ROW + 1))
        return
    first, last = rows[0].row, rows[-1].row
    results = f"{col_letter(RESULT_COL)}{first + 1}:{col_letter(RESULT_COL)}{last + 1}"
    for text, font, fill in ((PASS, "#006100", "#C6EFCE"), (FAIL, "#9C0006", "#FFC7CE"),
                             (WARN, "#9C5700", "#FFEB9C"), (PENDING, "#7F7F7F", "#F2F2F2")):
        checked(ws.conditional_format(results, {"type": "cell", "criteria": "==", "value": f'"{text}"',
                                                 "format": st.dxf(font_color=font, bg_color=fill)}), "colours")
    status_colours(ws, st, f"{col_letter(SUMMARY_CELL[1])}{SUMMARY_CELL[0] + 1}")
    heights.apply(ws, range(0, last + 1))
    page_setup(ws, landscape=True, last_row=last, last_col=last_col)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    ws.repeat_rows(0, HEADER_ROW)


def result_formula(fmt: Format, lay: Layout, inst: RuleInstance, row: int) -> str:
    inputs = [lay.cells[k] for k in input_leaves(fmt, inst.keys())]
    count = f"COUNT({','.join(cell_ranges(inputs))})"
    tol = _number(fmt.tolerance(inst))
    left, right = f"{col_letter(LEFT_COL)}{row + 1}", f"{col_letter(RIGHT_COL)}{row + 1}"
    fail = WARN if inst.rule.severity == "warning" else FAIL
    cond = _condition(inst, left, right, tol)
    return f'=IF({count}<{len(inputs)},"{PENDING}",IF({cond},"{PASS}","{fail}"))'


def _results_range(rows: Sequence[CheckRow], col: int) -> str:
    first, last = rows[0].row + 1, rows[-1].row + 1
    return f"'{CHECK_SHEET}'!${col_letter(col)}${first}:${col_letter(col)}${last}"


def summary_formula(rows: Sequence[CheckRow]) -> str:
    if not rows:
        return f'="{PASS} 本格式没有表内校验规则"'
    rng = _results_range(rows, RESULT_COL).split("!", 1)[1]
    fail, warn, pending = (f'COUNTIF({rng},"{s}")' for s in (FAIL, WARN, PENDING))
    return (f'=IF({fail}>0,"{FAIL} 有 "&{fail}&" 处不一致，请核对",'
            f'IF({warn}>0,"{WARN} 有 "&{warn}&" 处需要核实",'
            f'IF({pending}>0,"尚有 "&{pending}&" 项待填","{PASS} 全部通过")))')


def table_status_formula(fmt: Format, lay: Layout, sheet: str, rows: Sequence[CheckRow] | None = None) -> str:
    """One line for the top of a table sheet: this table's ✗/⚠ count, else its unfilled cells.
    rows: every row of the 校验 sheet (default: the format's, lay.checks)."""
    rows = lay.checks if rows is None else rows
    if rows:
        tables, results = _results_range(rows, TABLE_COL), _results_range(rows, RESULT_COL)
        fail, warn = (f'COUNTIFS({tables},"{sheet}",{results},"{s}")' for s in (FAIL, WARN))
    else:
        fail = warn = "0"
    inputs = [lay.cells[k] for k in fmt.input_keys() if lay.cells[k].sheet == sheet]
    blank = f"({len(inputs)}-COUNT({','.join(cell_ranges(inputs, home=sheet))}))"
    return (f'=IF({fail}>0,"{FAIL} 本表有 "&{fail}&" 处不一致，见「{CHECK_SHEET}」表",'
            f'IF({warn}>0,"{WARN} 本表有 "&{warn}&" 处需要核实，见「{CHECK_SHEET}」表",'
            f'IF({blank}>0,"本表还有 "&{blank}&" 格未填数字（无数据请填 0）","{PASS} 本表校验全部通过")))')


def status_colours(ws, st: Styles, ref: str) -> None:
    """Green/red/orange text for a status cell, by its first character."""
    for mark, colour in ((PASS, "#006100"), (FAIL, "#C00000"), (WARN, "#9C5700")):
        checked(ws.conditional_format(ref, {"type": "text", "criteria": "begins with", "value": mark,
                                            "format": st.dxf(font_color=colour)}), "status colours")


def status_width() -> float:
    """Column-width units a status line needs to stay on one line."""
    return text_units(f"{FAIL} 本表有 12 处不一致，见「{CHECK_SHEET}」表") + 2
