"""What an imported document's cell states mean for the tools that use it (audit, fill).

Every cell left out of "tables" must have a state (blank or unreadable); fill must not
silently turn printed totals into formulas (`fill_problems`).
"""

from __future__ import annotations

from nianbao.findings import Finding
from nianbao.format.document import cell_states, compute_derived, number_text
from nianbao.format.layout import layout
from nianbao.format.spec import Format, all_formats


def state_findings(doc: dict) -> list[Finding]:
    """A cell neither in tables nor in cell_states (a hand-edited document): an error naming it."""
    fmt = all_formats().get(doc.get("format"))
    states = cell_states(doc)
    if fmt is None or not states:
        return []
    tables = doc.get("tables") or {}
    lay = layout(fmt)
    out = []
    for key in fmt.cells:
        if key not in tables and key not in states:
            pos = lay.cells[key]
            out.append(Finding(rule="STATE_MISSING", severity="error", sheet=pos.sheet, cell=pos.ref, key=key,
                               message="此单元格既没有数字，也没有注明是空白还是无法读取。"))
    return out


def fill_problems(fmt: Format, doc: dict) -> list[str]:
    """Why filling a template from this document would change what it says (one line per cell)."""
    tables = doc.get("tables") if isinstance(doc.get("tables"), dict) else {}
    states = cell_states(doc)
    lay = layout(fmt)
    out = []

    def name(key: str) -> str:
        cell, pos = fmt.cells[key], lay.cells[key]
        labels = " / ".join(x for x in (cell.row_label, cell.column_label) if x)
        return f"「{pos.sheet}」{pos.ref}（{labels}）"

    for key in fmt.cells:
        if states.get(key) == "blank":
            out.append(f"{name(key)} 印为空白（不是 0）")
        elif states.get(key) == "unreadable":
            out.append(f"{name(key)} 无法读取")
    inputs = {k: tables.get(k) for k in fmt.input_keys()}
    recomputed = compute_derived(fmt, inputs)
    for key in fmt.derived_order():
        printed = tables.get(key)
        if printed is None or recomputed.get(key) is None or isinstance(printed, bool):
            continue
        if not isinstance(printed, (int, float)):
            continue
        if abs(float(printed) - float(recomputed[key])) > float(fmt.money_tolerance if fmt.cells[key].kind == "money"
                                                                else 0):
            out.append(f"{name(key)} 印为 {number_text(printed)}，按各项重新计算为 {number_text(recomputed[key])}")
    return out
