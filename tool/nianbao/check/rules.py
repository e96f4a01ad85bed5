"""Evaluate a format's rules over a report's numbers and turn every violation into a finding.

Rules are data in the spec; this module only knows two shapes: a sum (a derived cell
equals the sum of its parts) and a comparison of two linear expressions. Counts are
compared exactly; any rule touching a money cell uses Decimal with the spec's tolerance.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from nianbao.findings import Finding
from nianbao.format.document import as_decimal, cell_states, number_text
from nianbao.format.layout import layout
from nianbao.format.spec import Format, RuleInstance, Term

_OPS = {
    "==": lambda a, b, tol: abs(a - b) <= tol,
    "<=": lambda a, b, tol: a <= b + tol,
    ">=": lambda a, b, tol: a + tol >= b,
    "<": lambda a, b, tol: a < b,
    ">": lambda a, b, tol: a > b,
}


def evaluate(
    fmt: Format,
    tables: dict[str, Any],
    *,
    level: str | None = None,
    previous: dict | None = None,
    cross_year_severity: str | None = None,
    consolidated: bool = False,
    states: dict[str, str] | None = None,
) -> list[Finding]:
    """Findings for every rule instance that does not hold.

    previous: last year's report document (any format version); cross-year rules run only
    with it, and an instance whose last-year cells that format lacks is skipped.
    cross_year_severity: overrides the spec severity of cross-year rules (a warning when last
    year's figures come from a published report rather than a nianbao workbook).
    consolidated: the figures are a county summary; per-agency heuristics are skipped.
    states: cell key → state of a report read from a published file (document.cell_states):
    a blank cell counts as 0 (one info finding per table says which), and an instance that
    touches an unreadable cell is reported as 无法核对 — neither passed nor broken.
    """
    prev_tables = previous.get("tables", {}) if previous else None
    out: list[Finding] = []
    prev_states = cell_states(previous)
    if states or prev_states:
        tables, prev_tables, out = _with_states(fmt, tables, prev_tables, states or {}, prev_states)
    unreadable = {k for k, s in (states or {}).items() if s == "unreadable"}
    prev_unreadable = {k for k, s in prev_states.items() if s == "unreadable"}
    for inst, tol in _plan(fmt):
        rule = inst.rule
        if rule.cross_year and prev_tables is None:
            continue
        if rule.applies_to and level not in rule.applies_to:
            continue
        if consolidated and not rule.consolidated:
            continue
        if unreadable or prev_unreadable:
            lost = [k for k in inst.keys() if k in unreadable]
            lost_prev = [k for k in inst.keys(prev=True) if k in prev_unreadable]
            if lost or lost_prev:
                out.append(_uncheckable(fmt, inst, lost, lost_prev))
                continue
        left = _sum(inst.left, tables, prev_tables)
        right = _sum(inst.right, tables, prev_tables)
        if left is None or right is None:
            continue  # an unreadable or missing cell: reported by the reader or the schema
        if _OPS[inst.op](left, right, tol):
            continue
        severity = cross_year_severity if (rule.cross_year and cross_year_severity) else rule.severity
        out.append(_finding(fmt, inst, left, right, severity))
    return out


@lru_cache(maxsize=None)
def _plan(fmt: Format) -> tuple[tuple[RuleInstance, Decimal], ...]:
    """Every rule instance with its tolerance; formats are loaded once."""
    return tuple((inst, fmt.tolerance(inst)) for inst in fmt.instances)


def _sum(terms: tuple[Term, ...], tables: dict, prev: dict | None) -> Decimal | None:
    whole = 0  # whole-number cells add up exactly as ints; Decimal only for money and constants
    total = Decimal(0)
    for term in terms:
        if term.const is not None:
            total += term.sign * term.const
            continue
        source = prev if term.prev else tables
        value = None if source is None else source.get(term.key)
        if type(value) is int:
            whole += term.sign * value
            continue
        if value is None or isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            return None
        try:
            total += term.sign * as_decimal(value)
        except InvalidOperation:
            return None
    return total + whole


def json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _finding(fmt: Format, inst: RuleInstance, left: Decimal, right: Decimal, severity: str) -> Finding:
    lay = layout(fmt)
    anchor = inst.anchor
    pos = lay.cells[anchor]
    cell = fmt.cells[anchor]
    # A sum rule's left side is its derived cell: the actual figure; the parts give the expected one.
    actual, expected = left, right
    context = {
        "left": number_text(left),
        "right": number_text(right),
        "diff": number_text(abs(left - right)),
        "expected": number_text(expected),
        "actual": number_text(actual),
        **dict(inst.labels),
        **dict(inst.bindings),
    }
    refs: list[str] = []
    for key in inst.keys():
        p = lay.cells[key]
        ref = p.ref if p.sheet == pos.sheet else f"'{p.sheet}'!{p.ref}"
        if ref not in refs:
            refs.append(ref)
    return Finding(
        rule=inst.rule.id,
        severity=severity,
        message=inst.rule.message.format(**context),
        sheet=pos.sheet,
        cell=pos.ref,
        key=anchor,
        row_label=cell.row_label or None,
        column_label=cell.column_label or None,
        expected=json_number(expected),
        actual=json_number(actual),
        cells=refs,
    )


UNCHECKABLE = "无法核对"


def _with_states(fmt: Format, tables: dict, prev_tables: dict | None, states: dict, prev_states: dict):
    """Blank cells as 0 (this year's and last year's), with one info finding per table naming them."""
    out: list[Finding] = []
    blank = [k for k in fmt.cells if states.get(k) == "blank"]
    if blank:
        tables = {**tables, **{k: 0 for k in blank}}
        lay = layout(fmt)
        for table in fmt.tables:
            keys = [k for k in blank if fmt.cells[k].table == table.key]
            if not keys:
                continue
            refs = [lay.cells[k].ref for k in keys]
            shown = "、".join(refs[:12]) + (f" 等 {len(refs)} 格" if len(refs) > 12 else "")
            first = fmt.cells[keys[0]]
            out.append(Finding(rule="BLANK_AS_ZERO", severity="info", sheet=lay.cells[keys[0]].sheet, cell=refs[0],
                               key=keys[0], row_label=first.row_label or None, column_label=first.column_label or None,
                               message=f"{table.heading}中 {len(keys)} 个单元格印为空白（不是 0）：{shown}；"
                                       "核对勾稽关系时按 0 计。", cells=refs))
    if prev_tables is not None and prev_states:
        prev_tables = {**prev_tables, **{k: 0 for k, s in prev_states.items() if s == "blank"}}
    return tables, prev_tables, out


def _uncheckable(fmt: Format, inst: RuleInstance, lost: list[str], lost_prev: list[str]) -> Finding:
    """A rule instance touching an unreadable cell (this year's: lost; last year's report's: lost_prev): not
    checkable, never passed, never broken. Last year's cells are named as such, also where the rule compares
    a cell with its own last-year value (T2-1: 现行有效件数)."""
    lay = layout(fmt)
    anchor = inst.anchor
    pos = lay.cells[anchor]
    cell = fmt.cells[anchor]
    labels = "，".join(v for (_, v), (_, b) in zip(inst.labels, inst.bindings, strict=True) if v and b != "_")
    names = []
    for key, prefix in [(k, "") for k in lost] + [(k, "上一年度 ") for k in lost_prev]:
        c = fmt.cells.get(key)
        where = lay.cells[key].ref if key in lay.cells else key
        names.append(f"{prefix}{where}（{' / '.join(x for x in (c.row_label, c.column_label) if x) if c else key}）")
    refs = list(dict.fromkeys(lay.cells[k].ref for k in inst.keys()))
    return Finding(
        rule=inst.rule.id, severity="warning",
        message=f"{UNCHECKABLE}：{inst.rule.title}" + (f"（{labels}）" if labels else "") +
                f"涉及无法读取的单元格 {'、'.join(names[:6])}，本项既不算通过也不算不符。",
        sheet=pos.sheet, cell=pos.ref, key=anchor, row_label=cell.row_label or None,
        column_label=cell.column_label or None, cells=refs)
