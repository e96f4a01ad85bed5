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
from nianbao.template.style import LINE_PT, PAD_PT, lines_needed
from nianbao.template.workbook import build_workbook

from .xlsx_print import (
    PAGE_HEIGHT_PT,
    PAGE_WIDTH_PT,
    PX_PER_PT,
    Column,
    Heights,
    column_px,
    fit_widths,
    print_as_document,
    sentences,
    set_widths,
    shown_time,
    shown_times_in,
)
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


STATUS_COLUMNS = (
    Column("index", "序号", 4, 6),
    Column("code", "单位代码", 9, 14),
    Column("name", "单位名称", 14, 28, wraps=True),
    Column("status", "状态", 6, 8),
    Column("errors", "错误", 4.5, 6),
    Column("warnings", "警告", 4.5, 6),
    Column("included", "计入汇总", 5, 9, wraps=True),
    Column("group", "分组", 6, 12),
    Column("file", "文件", 14, 34, wraps=True),
    Column("received", "收到时间", 19, 19),
    Column("notes", "说明", 16, 48, wraps=True),
    Column("review", "审核", 6, 12, wraps=True),
    Column("review_note", "审核意见", 12, 36, wraps=True),
)
# The block of other received files shares the status table's columns: its kind spans the
# columns between 单位名称 and 文件, its reason stands under 说明.
OTHER_FIELDS = ("index", "code", "name", "kind", "file", "received", "notes")
OTHER_HEADERS = {"index": "序号", "code": "单位代码", "name": "单位名称", "kind": "类别", "file": "文件",
                 "received": "收到时间", "notes": "原因"}
ISSUE_COLUMNS = (
    Column("code", "单位代码", 9, 14),
    Column("name", "单位名称", 10, 24, wraps=True),
    Column("file", "文件", 10, 28, wraps=True),
    Column("severity", "级别", 4.5, 6),
    Column("rule", "规则", 6, 18),
    Column("sheet", "工作表", 7, 16, wraps=True),
    Column("cell", "单元格", 5, 8),
    Column("place", "行 / 列", 12, 36, wraps=True),
    Column("message", "问题说明", 24, 70, wraps=True),
    Column("explained", "单位说明", 10, 36, wraps=True),
    Column("review", "审核意见", 10, 30, wraps=True),
)
REASONS_SHOWN = 3  # the reasons a rejected file's row lists; more are counted


def _table(ws, fmts, top: int, columns, widths: list[float], rows: list[dict], heights: Heights,
           fills: list[str] | None = None) -> int:
    """A bordered table of `columns` at row `top` (header) and the rows below, each row a dict by column
    key (a key no row has is an empty column); returns the row after the table."""
    head = fmts(bold=True, border=1, bg_color="#DDEBF7", align="center", text_wrap=True)
    for col, column in enumerate(columns):
        ws.write_string(top, col, column.header, head)
    heights.row(top, [c.header for c in columns])
    for i, row in enumerate(rows, start=1):
        fill = fills[i - 1] if fills else None
        values = [row.get(c.key, "") for c in columns]
        for col, value in enumerate(values):
            colour = {"bg_color": fill} if fill and columns[col].key == "status" else {}
            _write(ws, fmts, top + i, col, value, fmts(border=1, text_wrap=True, **colour))
        heights.row(top + i, values)
    return top + len(rows) + 1


def _write(ws, fmts, row: int, col: int, value, style) -> None:
    write_cell(ws, row, col, "" if value is None else value, style)


def _status_rows(comp: Compilation) -> list[dict]:
    rows = []
    for i, s in enumerate(comp.statuses, start=1):
        arrived = s.arrived  # the current file's arrival (its own name and time, also when sent again)
        rows.append({"index": i, "code": s.entry.code, "name": s.entry.name, "status": s.label,
                     "errors": s.count("error"), "warnings": s.count("warning"),
                     "included": "是" if s.included else "否", "group": s.entry.group or "",
                     "file": arrived.name if arrived else "", "received": shown_time(arrived.at) if arrived else "",
                     "notes": shown_times_in(sentences(s.notes)), "review": s.review_label,
                     "review_note": s.decision.note if s.decision else ""})
    return rows


def _other_rows(comp: Compilation) -> list[dict]:
    """Files received but not counted for a roster unit: not on the roster, unreadable, superseded, forged."""
    others = ([("不在名单中的单位报送", s) for s in comp.unknown] + [("无法识别的文件", s) for s in comp.unidentified]
              + [("被新版本取代的文件（已保留）", s) for s in comp.superseded]
              + [("下发签名核对不通过、未采用的文件", s) for s in comp.rejected]
              + [("无法采用的文件（其他年度、格式或单位的模板，或无法读取）", s) for s in comp.unusable])
    rows = []
    for i, (kind, sub) in enumerate(others, start=1):
        agency = sub.result.agency or {}
        errors = [f.message for f in sub.result.findings if f.severity == "error"]
        reason = sentences(errors[:REASONS_SHOWN], "。")
        if len(errors) > REASONS_SHOWN:
            reason += f"另有 {len(errors) - REASONS_SHOWN} 个错误。"
        rows.append({"index": i, "code": agency.get("code") or "", "name": agency.get("name") or "", "kind": kind,
                     "file": sub.original_name, "received": shown_time(sub.received_at), "notes": reason})
    return rows


def _others_block(ws, fmts, top: int, columns, others: list[dict], heights: Heights) -> int:
    """The other received files under the status table, on its columns: each field under the column of
    its key, the kind across the columns between 单位名称 and 文件; returns the row after the block."""
    keys = [c.key for c in columns]
    first, last = keys.index("name") + 1, keys.index("file") - 1
    ws.write_string(top, 0, "其他收到的文件", fmts(bold=True))
    head = fmts(bold=True, border=1, bg_color="#DDEBF7", align="center", text_wrap=True)
    body = fmts(border=1, text_wrap=True)
    for r, values in enumerate([OTHER_HEADERS] + others, start=top + 1):
        style = head if r == top + 1 else body
        placed = [values["kind"] if col == first else values.get(key, "") if key in OTHER_FIELDS else ""
                  for col, key in enumerate(keys)]
        for col, value in enumerate(placed):
            if col == first and last > first:
                ws.merge_range(r, first, r, last, value, style)
            elif not first < col <= last:
                _write(ws, fmts, r, col, value, style)
        heights.row(r, placed, spans={first: last - first + 1})
    return top + len(others) + 2


def _status_sheet(ws, fmts, comp: Compilation) -> None:
    counts = comp.counts()
    total = len(comp.statuses)
    reported = total - counts["missing"]
    columns = STATUS_COLUMNS
    last = len(columns) - 1
    rows, others = _status_rows(comp), _other_rows(comp)
    widths = fit_widths(columns, rows + others, "landscape")  # the other files' fields stand in the same columns
    set_widths(ws, widths)
    heights = Heights(widths)
    title = f"{comp.agency['name']} {comp.year} 年度政府信息公开工作年度报告报送情况"
    ws.merge_range(0, 0, 0, last, title, fmts(bold=True, font_size=14, align="center"))
    heights.fixed(0, 24)
    line = (f"名单 {total} 个单位，已报送 {reported} 个，完成率 {percent(reported, total)}；通过 {counts['ok']}，"
            f"有警告 {counts['warning']}，有错误 {counts['error']}，未报送 {counts['missing']}；"
            f"计入汇总 {len(comp.included)} 个" + ("（含有错误的报告）" if comp.include_errors else
                                               "（只汇总“通过”和“有警告”的报告）") + "。") if total else "名单为空。"
    ws.merge_range(1, 0, 1, last, line, fmts(text_wrap=True))
    heights.need(1, 0, line, colspan=last + 1)
    _legend(ws, fmts, 2, [c.key for c in columns].index("status"), heights)
    end = _table(ws, fmts, 3, columns, widths, rows, heights, [_COLOURS[s.status] for s in comp.statuses])
    ws.freeze_panes(4, 3)
    if others:
        end = _others_block(ws, fmts, end + 1, columns, others, heights)
    heights.apply(ws, range(0, end))
    print_as_document(ws, orientation="landscape", last_row=end - 1, last_col=last, header_rows=(3, 3))


def _legend(ws, fmts, row: int, first_col: int, heights: Heights) -> None:
    for col, status in enumerate(("ok", "warning", "error", "missing"), start=first_col):
        ws.write_string(row, col, STATUS_LABELS[status], fmts(bg_color=_COLOURS[status], border=1, align="center",
                                                              text_wrap=True))
        heights.need(row, col, STATUS_LABELS[status])


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
    for col, (key, label) in enumerate(zip(columns, labels, strict=True)):
        ws.write_string(key_row, col, key, keyfmt)
        ws.write_string(label_row, col, label, head)
    ws.set_row(label_row, 90)
    set_widths(ws, BREAKDOWN_WIDTHS)
    ws.set_column(len(BREAKDOWN_WIDTHS), len(columns) - 1, BREAKDOWN_FIGURE_WIDTH)
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
    # Printed, the sheet is its title and this note: a column per figure (about 200) fits one A4 page
    # wide only at LibreOffice's and Excel's 10 % floor, three pages of one-point type; what it holds
    # prints readably elsewhere (the county totals on 表二–表四, each unit's applications on 图表).
    note = (f"打印说明：本表每个单位一行、每项数字一列（共 {len(keys)} 项），供在电子表格中筛选、插入数据透视表和"
            f"程序读取，打印时只印本说明。全县汇总数见“{'”“'.join(_statutory_sheets(fmt))}”各表，"
            f"各单位的依申请公开情况见“{CHART_SHEET}”。")
    last = min(len(columns) - 1, NOTE_COLUMNS)
    ws.merge_range(1, 0, 1, last, note, fmts(font_color="#595959", text_wrap=True, valign="top"))
    width = sum(BREAKDOWN_WIDTHS) + BREAKDOWN_FIGURE_WIDTH * (last + 1 - len(BREAKDOWN_WIDTHS))
    ws.set_row(1, lines_needed(note, width) * LINE_PT + PAD_PT)
    print_as_document(ws, orientation="landscape", last_row=1, last_col=last, header_rows=None)


NOTE_COLUMNS = 13  # the columns the breakdown's printed title and note run over
BREAKDOWN_WIDTHS = (12, 24, 8, 8)  # 单位代码, 单位名称, 层级, 报送状态
BREAKDOWN_FIGURE_WIDTH = 9


def _statutory_sheets(fmt) -> list[str]:
    return [table.sheet for table in fmt.tables]


# A spreadsheet number is a double: integers beyond 2^53 (and 10^400, which overflows it) are no figure
# it can hold; such a value is out of its kind's range anyway, and the 问题清单 names its cell.
_LARGEST_EXACT = 2**53


def _is_number(value) -> bool:
    """A figure written as a number cell; text and blanks stay empty (so do NaN, infinity and overflows)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) <= _LARGEST_EXACT
    return math.isfinite(value) and abs(value) <= _LARGEST_EXACT


CHART_UNITS = 30  # departments in one chart: one chart fills one printed page
CHART_PAGES = 10  # at most so many charts of each kind: a province's thousands of units go to the table only


def _chart_sheet(book, ws, fmts, comp: Compilation) -> None:
    """A data block, then charts by department (how applications were handled, how many were received),
    each on a printed page of its own."""
    fmt = comp.fmt
    included = [s for s in comp.statuses if s.figures is not None and s.included]
    title = f"{comp.agency['name']} {comp.year} 年度依申请公开情况（计入汇总的单位）"
    ws.write_string(0, 0, title, fmts(bold=True))
    columns = [Column("name", "单位名称", 12, 26, wraps=True), Column("received", "本年新收申请", 6, 9)] + [
        Column(prefix, label, 6, 9) for label, prefix in _OUTCOMES]
    rows = []
    for s in included:
        tables = s.figures.tables()
        rows.append({"name": s.entry.name, "received": tables["requests.received.total"]} | {
            prefix: sum(v for k, v in tables.items() if k.startswith(f"requests.outcome.{prefix}.")
                        and k.endswith(".total") and k in fmt.cells) for _, prefix in _OUTCOMES})
    widths = fit_widths(columns, rows, "portrait")
    set_widths(ws, widths)
    heights = Heights(widths)
    end = _table(ws, fmts, 2, columns, widths, rows, heights)
    table_pt = heights.apply(ws, range(2, end)) + 40  # and the title above it
    last_col = len(columns) - 1
    if not included:
        ws.write_string(3, 0, "没有计入汇总的单位。")
        print_as_document(ws, orientation="portrait", last_row=3, last_col=last_col, header_rows=None)
        return
    table_px = sum(column_px(w) for w in widths)
    scale = min(1.0, PAGE_WIDTH_PT["portrait"] * PX_PER_PT / table_px)
    room_px = int(PAGE_HEIGHT_PT["portrait"] * PX_PER_PT / scale * 0.92)  # a page's height, less the header
    row, breaks = end + 1, []
    chunks = [(first, min(first + CHART_UNITS, len(included))) for first in range(0, len(included), CHART_UNITS)]
    for first, stop in chunks[:CHART_PAGES]:
        for make in (_outcome_chart, _received_chart):
            chart, wanted = make(book, 3 + first, 2 + stop, stop - first)
            if len(chunks) > 1:
                chart.set_title({"name": f"{_chart_titles[make]}：第 {first + 1}–{stop} 个单位",
                                 "name_font": {"name": "宋体", "size": 12}})
            height = min(wanted, room_px)
            chart.set_size({"width": table_px, "height": height})
            breaks.append(row)
            # a few pixels into the row: a frame on the break line would also print at the foot of the page before
            ws.insert_chart(row, 0, chart, {"y_offset": 6})
            row += -(-(height + 6) // DEFAULT_ROW_PX) + 1
    if len(chunks) > CHART_PAGES:
        ws.write_string(row, 0, f"图表只画出前 {CHART_UNITS * CHART_PAGES} 个单位，全部单位见上表。")
    ws.set_h_pagebreaks(breaks)
    # The header row repeats only where the table itself runs over a page (else it would top every chart).
    print_as_document(ws, orientation="portrait", last_row=row, last_col=last_col,
                      header_rows=(2, 2) if table_pt * scale > PAGE_HEIGHT_PT["portrait"] else None)


DEFAULT_ROW_PX = 20  # xlsxwriter's default row: 15 pt


def _outcome_chart(book, first: int, last: int, units: int):
    """Stacked bars: how each department's applications were handled (rows first..last of the data block)."""
    bar = book.add_chart({"type": "bar", "subtype": "stacked"})
    palette = ("#4472C4", "#70AD47", "#FFC000", "#ED7D31", "#A5A5A5", "#5B9BD5")
    for col, colour in zip(range(2, 2 + len(_OUTCOMES)), palette, strict=True):
        bar.add_series({"name": [CHART_SHEET, 2, col], "categories": [CHART_SHEET, first, 0, last, 0],
                        "values": [CHART_SHEET, first, col, last, col], "fill": {"color": colour}, "gap": 60})
    bar.set_title({"name": _chart_titles[_outcome_chart], "name_font": {"name": "宋体", "size": 12}})
    bar.set_y_axis({"reverse": True, "num_font": {"name": "宋体", "size": 9}})
    bar.set_x_axis({"num_font": {"name": "宋体", "size": 9}})
    bar.set_legend({"position": "bottom", "font": {"name": "宋体", "size": 9}})
    return bar, max(320, 28 * units + 120)


def _received_chart(book, first: int, last: int, units: int):
    """Columns: applications each department received this year."""
    chart = book.add_chart({"type": "column"})
    chart.add_series({"name": [CHART_SHEET, 2, 1], "categories": [CHART_SHEET, first, 0, last, 0],
                      "values": [CHART_SHEET, first, 1, last, 1], "fill": {"color": "#4472C4"},
                      "data_labels": {"value": True}})
    chart.set_title({"name": _chart_titles[_received_chart], "name_font": {"name": "宋体", "size": 12}})
    chart.set_legend({"none": True})
    chart.set_x_axis({"num_font": {"name": "宋体", "size": 9, "rotation": -45}})
    chart.set_y_axis({"num_font": {"name": "宋体", "size": 9}})
    return chart, 420


_chart_titles = {_outcome_chart: "各单位政府信息公开申请办理结果（件）",
                 _received_chart: "各单位本年新收政府信息公开申请（件）"}


def _issues_sheet(ws, fmts, comp: Compilation) -> None:
    title = f"{comp.agency['name']} {comp.year} 年度问题清单（各单位报告中发现的全部问题）"
    ws.write_string(0, 0, title, fmts(bold=True))
    rows = [_agency_issue_row(s, f) for s in comp.statuses for f in s.findings]
    rows += [_county_issue_row(comp, f) for f in comp.county_findings]
    last_col = len(ISSUE_COLUMNS) - 1
    if not rows:
        ws.write_string(2, 0, "未发现问题。")
        ws.set_column(0, 0, 40)
        print_as_document(ws, orientation="landscape", last_row=2, last_col=0, header_rows=None)
        return
    widths = fit_widths(ISSUE_COLUMNS, rows, "landscape")
    set_widths(ws, widths)
    heights = Heights(widths)
    end = _table(ws, fmts, 2, ISSUE_COLUMNS, widths, rows, heights)
    heights.apply(ws, range(2, end))
    ws.autofilter(2, 0, end - 1, last_col)
    ws.freeze_panes(3, 2)
    print_as_document(ws, orientation="landscape", last_row=end - 1, last_col=last_col, header_rows=(2, 2))


def _agency_issue_row(s, f) -> dict:
    """A finding of one agency's report, with the department's explanation of it and, for an error the
    office accepted or returned, the office's decision and reason."""
    shown = s.arrived or s.latest
    row = _issue_row(s.entry.code, s.entry.name, shown.name if shown else "", f)
    said = s.explanation(f)
    reason = s.decision.note if s.decision else ""
    row["explained"] = said.note if said else ""
    row["review"] = f"{s.review_label}：{reason}" if reason and f.severity == "error" else ""
    return row


def _county_issue_row(comp: Compilation, f) -> dict:
    """A finding of the county tables, with the explanations and the office's reasons of the counted
    reports behind it (an accepted report's T3-4 carried into the county's 上年结转)."""
    row = _issue_row(comp.agency.get("code", ""), comp.agency["name"], "（汇总）", f)
    causes = comp.causes(f)
    said = [(s, s.explanation(own)) for s, own in causes]
    row["explained"] = "；".join(f"{s.entry.name}：{e.note}" for s, e in said if e is not None)
    row["review"] = "；".join(f"{s.entry.name} {s.review_label}：{s.decision.note}" for s, _ in causes
                             if s.decision is not None and s.decision.note)
    return row


def _issue_row(code: str, name: str, file: str, f) -> dict:
    return {"code": code, "name": name, "file": file, "severity": _SEVERITY[f.severity], "rule": f.rule,
            "sheet": f.sheet or "", "cell": f.cell or "",
            "place": " / ".join(x for x in (f.row_label, f.column_label) if x), "message": f.message}
