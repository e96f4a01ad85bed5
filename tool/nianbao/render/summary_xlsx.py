"""summary.xlsx: the county summary workbook (xlsxwriter), read-only and reproducible byte for byte.

Sheets: 报送情况 (status of every roster agency, coloured, completion rate), 图表 (how
applications were received and handled, by department), then the same statutory sheets
as a department template holding the county totals (so `nianbao check` reads it and a
city can compile county summaries the same way), 分部门明细 (one row per agency, every
cell key a column — ready for a pivot table) and 问题清单 (every finding with its place).
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from xlsxwriter.exceptions import FileCreateError

from nianbao.county.consolidate import STATUS_LABELS, Compilation, percent
from nianbao.format.figures import Figures
from nianbao.format.identity import DEFAULT_PASSWORD
from nianbao.format.layout import BREAKDOWN_FIXED, BREAKDOWN_KEY_ROW, BREAKDOWN_SHEET, breakdown_label
from nianbao.inert import write_cell, xlsx_workbook
from nianbao.template.workbook import build_workbook

from .xlsx_rows import DeferredRowsWorksheet

STATUS_SHEET = "报送情况"
CHART_SHEET = "图表"
ISSUES_SHEET = "问题清单"
_COLOURS = {"ok": "#C6EFCE", "warning": "#FFEB9C", "error": "#FFC7CE", "missing": "#E4DFEC"}
_SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
# The outcome groups of 表三 shown in the chart: (label, key prefix under requests.outcome.)
_OUTCOMES = (("予以公开", "disclosed"), ("部分公开", "partial"), ("不予公开", "withheld"), ("无法提供", "unable"),
             ("不予处理", "not_processed"), ("其他处理", "other"))
READ_ONLY = {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True,
             "format_rows": True}


def write_summary_xlsx(comp: Compilation, path: Path, *, password: str | None = None) -> Path:
    path = Path(path)
    pw = DEFAULT_PASSWORD if password is None else password
    # Built in memory and written whole: a full disk is then one plain OSError from our write, not
    # xlsxwriter's FileCreateError plus a half-closed zip complaining while it is collected.
    buffer = io.BytesIO()
    book = xlsx_workbook(buffer)  # data is written as text, never as a formula or a link
    try:
        fmts = _Formats(book)
        status_ws = book.add_worksheet(STATUS_SHEET)
        chart_ws = book.add_worksheet(CHART_SHEET)
        build_workbook(book, comp.fmt, comp.year, comp.agency, comp.county, kind="summary", read_only=True,
                       password=pw)
        breakdown_ws = book.add_worksheet(BREAKDOWN_SHEET, worksheet_class=DeferredRowsWorksheet)
        issues_ws = book.add_worksheet(ISSUES_SHEET)
        _status_sheet(status_ws, fmts, comp)
        _breakdown_sheet(breakdown_ws, fmts, comp)
        _chart_sheet(book, chart_ws, fmts, comp)
        _issues_sheet(issues_ws, fmts, comp)
        for ws in (status_ws, chart_ws, breakdown_ws, issues_ws):
            ws.protect(pw, READ_ONLY)
        status_ws.activate()
    finally:
        try:
            book.close()
        except FileCreateError as exc:  # its temporary files: the OSError (a full /tmp) is what happened
            raise (exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))) from None
    breakdown_ws.assert_written()
    path.write_bytes(buffer.getvalue())
    return path


class _Formats:
    def __init__(self, book):
        self._book = book
        self._cache: dict = {}

    def __call__(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self._book.add_format({"font_name": "宋体", "font_size": 10, "valign": "vcenter",
                                                      **props})
        return self._cache[key]


def _table(ws, fmts, top: int, headers: list[str], rows: list[list], widths: list[float], fills=None) -> int:
    head = fmts(bold=True, border=1, bg_color="#DDEBF7", align="center", text_wrap=True)
    for col, (text, width) in enumerate(zip(headers, widths)):
        ws.write_string(top, col, text, head)
        ws.set_column(col, col, width)
    for i, row in enumerate(rows, start=1):
        fill = fills[i - 1] if fills else None
        for col, value in enumerate(row):
            style = fmts(border=1, text_wrap=True, **({"bg_color": fill} if fill and col == 3 else {}))
            write_cell(ws, top + i, col, "" if value is None else value, style)
    return top + len(rows) + 1


def _status_sheet(ws, fmts, comp: Compilation) -> None:
    counts = comp.counts()
    total = len(comp.statuses)
    reported = total - counts["missing"]
    ws.merge_range(0, 0, 0, 10, f"{comp.agency['name']} {comp.year} 年度政府信息公开工作年度报告报送情况",
                   fmts(bold=True, font_size=14, align="center"))
    line = (f"名单 {total} 个单位，已报送 {reported} 个，完成率 {percent(reported, total)}；通过 {counts['ok']}，"
            f"有警告 {counts['warning']}，有错误 {counts['error']}，未报送 {counts['missing']}；"
            f"计入汇总 {len(comp.included)} 个" + ("（含有错误的报告）" if comp.include_errors else
                                               "（只汇总“通过”和“有警告”的报告）") + "。") if total else "名单为空。"
    ws.merge_range(1, 0, 1, 10, line, fmts(text_wrap=True))
    ws.set_row(1, 32)
    rows, fills = [], []
    for i, s in enumerate(comp.statuses, start=1):
        sub = s.submission
        arrived = s.arrived
        rows.append([i, s.entry.code, s.entry.name, s.label, s.count("error"), s.count("warning"),
                     "是" if s.included else "否", s.entry.group or "", arrived.name if arrived else "",
                     arrived.at if arrived else "", "；".join(s.notes), s.review_label,
                     s.decision.note if s.decision else ""])
        fills.append(_COLOURS[s.status])
    end = _table(ws, fmts, 3, ["序号", "单位代码", "单位名称", "状态", "错误", "警告", "计入汇总", "分组", "文件",
                                "收到时间", "说明", "审核", "审核意见"], rows,
                 [5, 12, 26, 8, 6, 6, 8, 10, 30, 22, 40, 14, 30], fills)
    ws.freeze_panes(4, 3)
    others = ([("不在名单中的单位报送", s) for s in comp.unknown] + [("无法识别的文件", s) for s in comp.unidentified]
              + [("被新版本取代的文件（已保留）", s) for s in comp.superseded]
              + [("下发签名核对不通过、未采用的文件", s) for s in comp.rejected]
              + [("无法采用的文件（其他年度、格式或单位的模板，或无法读取）", s) for s in comp.unusable])
    if others:
        rows = []
        for what, sub in others:
            agency = sub.result.agency or {}
            reason = "；".join(f.message for f in sub.result.findings if f.severity == "error")[:200]
            rows.append([what, agency.get("code") or "", agency.get("name") or "", sub.original_name,
                         sub.received_at, reason])
        ws.write_string(end + 1, 0, "其他收到的文件", fmts(bold=True))
        _table(ws, fmts, end + 2, ["类别", "单位代码", "单位名称", "文件", "收到时间", "原因"], rows,
               [5, 12, 26, 8, 6, 6])
    _legend(ws, fmts, 2)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


def _legend(ws, fmts, row: int) -> None:
    for col, status in enumerate(("ok", "warning", "error", "missing"), start=3):
        ws.write_string(row, col, STATUS_LABELS[status], fmts(bg_color=_COLOURS[status], border=1, align="center"))


def _breakdown_sheet(ws, fmts, comp: Compilation) -> None:
    fmt = comp.fmt
    keys = list(fmt.cells)
    ws.write_string(0, 0, f"{comp.agency['name']} {comp.year} 年度分部门明细（每行一个单位；第 4 行为列名，"
                          "可选中第 4 行起的区域插入数据透视表；第 3 行为数据键，供程序读取）", fmts(bold=True))
    key_row = BREAKDOWN_KEY_ROW
    label_row = key_row + 1
    keyfmt = fmts(font_color="#808080", font_size=8)
    head = fmts(bold=True, border=1, bg_color="#DDEBF7", text_wrap=True, valign="top")
    columns = [k for k, _ in BREAKDOWN_FIXED] + keys
    labels = [label for _, label in BREAKDOWN_FIXED] + [breakdown_label(fmt, k) for k in keys]
    for col, (key, label) in enumerate(zip(columns, labels)):
        ws.write_string(key_row, col, key, keyfmt)
        ws.write_string(label_row, col, label, head)
    ws.set_row(label_row, 90)
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 3, 8)
    ws.set_column(4, len(columns) - 1, 9)
    # The figures (a million cells for a province) are made row by row while the sheet is saved.
    columns_of = list(enumerate(keys, start=len(BREAKDOWN_FIXED)))
    money_keys = {k for k in keys if fmt.cells[k].kind == "money"}
    money = None  # the money cells' format, made where it is first needed (this keeps styles.xml's order)
    deferred: dict[int, Figures] = {}
    row = label_row
    for s in comp.statuses:
        figures = s.figures
        if figures is None:
            continue
        row += 1
        ws.write_string(row, 0, s.entry.code)
        ws.write_string(row, 1, s.entry.name)
        ws.write_string(row, 2, s.entry.level or "")
        ws.write_string(row, 3, s.label)
        deferred[row] = figures
        if money is None and any(_is_number(v) for k, v in figures.tables().items() if k in money_keys):
            money = fmts(num_format="0.00")

    def cells(figures: Figures):
        tables = figures.tables()
        for col, key in columns_of:
            value = tables.get(key)
            if _is_number(value):
                yield col, value, money if key in money_keys else None

    ws.defer_rows(deferred, cells)
    ws.freeze_panes(label_row + 1, 2)
    if row > label_row:
        ws.autofilter(label_row, 0, row, len(columns) - 1)


# A spreadsheet number is a double: integers beyond 2^53 (and 10^400, which overflows it) are no figure
# it can hold; such a value is out of its kind's range anyway, and the 问题清单 names its cell.
_LARGEST_EXACT = 2**53


def _is_number(value) -> bool:
    """A figure written as a number cell; text and blanks stay empty (so do NaN, infinity and overflows)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    return abs(value) <= _LARGEST_EXACT if isinstance(value, int) else math.isfinite(value) and abs(value) <= _LARGEST_EXACT


def _chart_sheet(book, ws, fmts, comp: Compilation) -> None:
    """A data block and two charts: applications received, and how they were handled, by department."""
    fmt = comp.fmt
    included = [s for s in comp.statuses if s.figures is not None and s.included]
    ws.write_string(0, 0, f"{comp.agency['name']} {comp.year} 年度依申请公开情况（计入汇总的单位）", fmts(bold=True))
    headers = ["单位名称", "本年新收申请"] + [label for label, _ in _OUTCOMES]
    for col, text in enumerate(headers):
        ws.write_string(2, col, text, fmts(bold=True, border=1, bg_color="#DDEBF7"))
    ws.set_column(0, 0, 26)
    ws.set_column(1, len(headers) - 1, 11)
    for i, s in enumerate(included, start=3):
        tables = s.figures.tables()
        ws.write_string(i, 0, s.entry.name, fmts(border=1))
        ws.write_number(i, 1, tables["requests.received.total"], fmts(border=1))
        for col, (_, prefix) in enumerate(_OUTCOMES, start=2):
            total = sum(v for k, v in tables.items() if k.startswith(f"requests.outcome.{prefix}.")
                        and k.endswith(".total") and k in fmt.cells)
            ws.write_number(i, col, total, fmts(border=1))
    if not included:
        ws.write_string(3, 0, "没有计入汇总的单位。")
        return
    last = 2 + len(included)
    bar = book.add_chart({"type": "bar", "subtype": "stacked"})
    palette = ("#4472C4", "#70AD47", "#FFC000", "#ED7D31", "#A5A5A5", "#5B9BD5")
    for col, colour in zip(range(2, 2 + len(_OUTCOMES)), palette):
        bar.add_series({"name": [CHART_SHEET, 2, col], "categories": [CHART_SHEET, 3, 0, last, 0],
                        "values": [CHART_SHEET, 3, col, last, col], "fill": {"color": colour}, "gap": 60})
    bar.set_title({"name": "各单位政府信息公开申请办理结果（件）", "name_font": {"name": "宋体", "size": 12}})
    bar.set_y_axis({"reverse": True, "num_font": {"name": "宋体", "size": 9}})
    bar.set_x_axis({"num_font": {"name": "宋体", "size": 9}})
    bar.set_legend({"position": "bottom", "font": {"name": "宋体", "size": 9}})
    bar.set_size({"width": 860, "height": max(320, 28 * len(included) + 120)})
    ws.insert_chart(last + 2, 0, bar)
    col_chart = book.add_chart({"type": "column"})
    col_chart.add_series({"name": "本年新收申请", "categories": [CHART_SHEET, 3, 0, last, 0],
                          "values": [CHART_SHEET, 3, 1, last, 1], "fill": {"color": "#4472C4"},
                          "data_labels": {"value": True}})
    col_chart.set_title({"name": "各单位本年新收政府信息公开申请（件）", "name_font": {"name": "宋体", "size": 12}})
    col_chart.set_legend({"none": True})
    col_chart.set_x_axis({"num_font": {"name": "宋体", "size": 9, "rotation": -45}})
    col_chart.set_size({"width": 860, "height": 340})
    ws.insert_chart(last + 2, 9, col_chart)


def _issues_sheet(ws, fmts, comp: Compilation) -> None:
    ws.write_string(0, 0, f"{comp.agency['name']} {comp.year} 年度问题清单（各单位报告中发现的全部问题）", fmts(bold=True))
    rows = []
    for s in comp.statuses:
        shown = s.arrived or s.latest
        reason = s.decision.note if s.decision else ""
        for f in s.findings:
            said = s.explanation(f)
            rows.append([s.entry.code, s.entry.name, shown.name if shown else "", _SEVERITY[f.severity],
                         f.rule, f.sheet or "", f.cell or "", " / ".join(x for x in (f.row_label, f.column_label) if x),
                         f.message, said.note if said else "",
                         f"{s.review_label}：{reason}" if reason and f.severity == "error" else ""])
    for f in comp.county_findings:
        rows.append([comp.agency.get("code", ""), comp.agency["name"], "（汇总）", _SEVERITY[f.severity], f.rule,
                     f.sheet or "", f.cell or "", " / ".join(x for x in (f.row_label, f.column_label) if x),
                     f.message, "", ""])
    if not rows:
        ws.write_string(2, 0, "未发现问题。")
        return
    end = _table(ws, fmts, 2, ["单位代码", "单位名称", "文件", "级别", "规则", "工作表", "单元格", "行 / 列", "问题说明",
                               "单位说明", "审核意见"], rows, [12, 24, 26, 6, 16, 16, 8, 40, 80, 40, 30])
    ws.autofilter(2, 0, end - 1, 10)
    ws.freeze_panes(3, 2)
