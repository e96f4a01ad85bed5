"""Paint the sheets a department fills in: 封面 (cover, contact fields, instructions), 正文 (narrative
sections) and one sheet per statutory table, all at the places format/layout.py gives."""

from __future__ import annotations

import math

from nianbao.format.document import AGENCY_LEVELS
from nianbao.format.drafting import draft_section
from nianbao.format.layout import (
    CHECK_SHEET,
    COVER_SHEET,
    TEXT_SHEET,
    Grid,
    GridCell,
    Layout,
    col_letter,
    reference_heading_row,
)
from nianbao.format.spec import Format, Table
from nianbao.inert import write_cell

from .checks import cell_ranges, status_colours, status_width, table_status_formula
from .reference import reference_formula, reference_text
from .style import LINE_PT, PAD_PT, RowHeights, Styles, checked, lines_needed, page_setup, text_units

PORTRAIT_WIDTH = 92.0  # column-width units that fill an A4 portrait page
LANDSCAPE_FROM = 100.0  # wider tables print landscape
VALIDATION = {
    # kind: (xlsxwriter criteria, input title, input hint, error title, error message)
    "count": ({"validate": "integer", "criteria": ">=", "value": 0},
              "填写件数（整数）", "请填写大于或等于 0 的整数，单位：件。没有请填 0，不要留空。",
              "请填写整数", "这里只能填写大于或等于 0 的整数（单位：件）。没有数据请填 0；不要填文字、小数或负数。"),
    "signed": ({"validate": "integer", "criteria": "between", "minimum": -999999999, "maximum": 999999999},
               "填写本年增/减（整数）", "请填写整数：增加填正数，减少填负数（如 -3），没有变化填 0。",
               "请填写整数", "这里只能填写整数：本年增加填正数，减少填负数（如 -3），没有变化填 0。"),
    "money": ({"validate": "decimal", "criteria": ">=", "value": 0},
              "填写金额（万元）", "请填写金额，单位：万元，最多两位小数（如 1.25）。没有请填 0。注意不要按“元”填写。",
              "请填写金额", "这里只能填写大于或等于 0 的金额，单位：万元（如 1.25）。没有数据请填 0。"),
}


def _put(ws, row: int, col: int, rowspan: int, colspan: int, text: str, style) -> None:
    if rowspan > 1 or colspan > 1:
        ws.merge_range(row, col, row + rowspan - 1, col + colspan - 1, text, style)
    elif text:
        ws.write_string(row, col, text, style)
    else:
        ws.write_blank(row, col, None, style)


def _write_value(ws, row: int, col: int, value, style) -> None:
    """A document value as it is: numbers as numbers, anything else as text (never a formula), None blank."""
    write_cell(ws, row, col, value, style)


def agency_line(agency: dict, year: int) -> str:
    code = f"（代码 {agency['code']}）" if agency.get("code") else ""
    return f"填报单位：{agency.get('name', '')}{code}　　报告年度：{year}年"


# ---------------------------------------------------------------- 封面


def instructions(fmt: Format) -> list[str]:
    kinds = {c.kind for c in fmt.cells.values()}
    units = "数量单位为“件”，填整数"
    if "money" in kinds:
        money = "、".join(dict.fromkeys(c.column_label.split("（")[0] for c in fmt.cells.values() if c.kind == "money"))
        units += f"；{money}的单位为“万元”，保留两位小数（如 1.25），不要按“元”填写"
    if "signed" in kinds:
        units += "；“本年增/减”填本年增加（正数）或减少（负数，如 -3）的项目数"
    tables = "」「".join(t.sheet for t in fmt.tables)
    return [
        "黄色单元格为填写区域，其余单元格已锁定；灰色单元格（总计、合计）由公式自动计算，无需填写。",
        "空白不等于零：某项没有数据时请填 0，不要留空，也不要填“/”“无”“—”等文字。",
        units + "。",
        f"「{TEXT_SHEET}」表填写报告第一、五、六部分的文字；「{tables}」表填写数字，"
        f"「{TEXT_SHEET}」表下方的“参考表述”随之自动写出第二、三、四部分的数字表述。",
        "复制粘贴时请使用“选择性粘贴 → 数值”，不要粘贴格式或公式，以免破坏模板。",
        f"「{CHECK_SHEET}」表自动核对表内勾稽关系：✓ 一致，✗ 不一致（必须改正），⚠ 需要核实；"
        "每张表的右上角也显示本表的校验结果。全部显示 ✓ 后再报送。",
        "请勿插入或删除行、列和工作表，勿修改工作表名称；可以调整行高和列宽。",
        "填好后直接保存为 .xlsx 文件报送（不要另存为 .xls 或 .et 格式）。",
    ]


def write_cover(ws, st: Styles, fmt: Format, lay: Layout, year: int, agency: dict, document: dict | None,
                summary_ref: str) -> None:
    widths = [2.0, 30.0, 54.0, 2.0]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    heights = RowHeights(widths)
    name = agency.get("name", "")
    title = f"{name}{year}年政府信息公开工作年度报告（{'汇总表' if st.read_only else '填报模板'}）"
    ws.merge_range(0, 1, 0, 2, title, st.title())
    heights.need(0, 1, title, colspan=2, size=16, minimum=40)
    level = AGENCY_LEVELS.get(agency.get("level") or "", "")
    facts = [("填报单位", name), ("单位代码", agency.get("code", "")), ("报告年度", f"{year}年"),
             ("报告格式", f"{fmt.title}（{fmt.notice}）"), ("单位层级", level)]
    label, value = st.get(align="right", bold=True), st.text()
    for i, (head, text) in enumerate(facts):
        ws.write_string(2 + i, 1, head + "：", label)
        ws.write_string(2 + i, 2, str(text), value)
        heights.need(2 + i, 2, str(text))
    first_field = min(f.pos.row for f in lay.fields.values() if f.pos.sheet == COVER_SHEET)
    ws.write_string(first_field - 1, 1, "填报人信息（请在黄色单元格中填写）", st.get(bold=True, align="left"))
    heights.fixed(first_field - 1, 26)
    for fld in lay.fields.values():
        if fld.pos.sheet != COVER_SHEET:
            continue
        ws.write_string(fld.pos.row, fld.pos.col - 1, fld.label + "：", label)
        _write_value(ws, fld.pos.row, fld.pos.col, _field_value(document, fld.key), st.text_input())
        heights.fixed(fld.pos.row, 24)
    row = max(f.pos.row for f in lay.fields.values() if f.pos.sheet == COVER_SHEET) + 1
    ws.write_string(row, 1, "校验结果：", label)
    ws.write_formula(row, 2, f"={summary_ref}", st.get(bold=True, align="left"), "")
    status_colours(ws, st, _a1(row, 2))
    heights.fixed(row, 24)
    row += 2
    ws.merge_range(row, 1, row, 2, "填写说明", st.heading())
    heights.fixed(row, 24)
    for i, text in enumerate(instructions(fmt), start=1):
        row += 1
        line = f"{i}. {text}"
        ws.merge_range(row, 1, row, 2, line, st.text(valign="top"))
        heights.need(row, 1, line, colspan=2)
    heights.apply(ws, range(0, row + 1))
    page_setup(ws, landscape=False, last_row=row, last_col=3)
    ws.activate()
    first = lay.fields["contact.person"].pos if "contact.person" in lay.fields else None
    if first is not None:
        ws.set_selection(first.row, first.col, first.row, first.col)


def _field_value(document: dict | None, key: str):
    """contact.person -> document["contact"]["person"]; date -> document["date"]; "" counts as blank."""
    group, _, name = key.partition(".")
    value = (document or {}).get(group)
    if name:
        value = value.get(name) if isinstance(value, dict) else None
    return None if value == "" else value


# ---------------------------------------------------------------- 正文


TEXT_COLUMNS = 8
TEXT_COL_WIDTH = 11.5
# A text box is one merged cell over its own row and the one below it (layout.py leaves that row
# free): a row is at most 409 pt in Excel, two hold about 60 lines, a long 总体情况 of a real
# report (~1,400 characters in six paragraphs, e.g. 淮安市 2024) in 10 pt on one A4 page.
TEXT_SPAN = 2
PAGE_PT = 745.0  # printable height of an A4 portrait page (page_setup's margins)
TEXT_TOP_PT = 110.0  # the sheet's title and instructions, and a section heading, above the first box
# Every box prints whole on one page with its heading (a box over a page break would print in part):
# about 46 lines, in real paragraphs some 1,900 characters at 10 pt, 2,350 at 9 pt, 2,800 at 8 pt.
TEXT_ROOM_PT = PAGE_PT - TEXT_TOP_PT
# A blank box holds this many lines before anyone types: a required section a real report's
# 总体情况 (淮安市 2024: 1,340 characters, 31 lines), the others a few paragraphs. Rows can be
# made taller by hand.
BLANK_LINES = {True: 32, False: 12}
TEXT_SIZES = (10, 9, 8)  # a filled text too long for the box at 10 pt is shown smaller, never cut
LINE_BREAK_KEYS = "Excel、WPS 按 Alt+Enter；LibreOffice 按 Ctrl+Enter（在 LibreOffice 中按 Alt+Enter 会结束输入）"


def text_intro(tables: str) -> str:
    """The instructions above the text boxes."""
    return ("在黄色框内填写文字。粘贴 Word 等处的文字时，先双击黄色框（或按 F2）进入编辑状态再粘贴，"
            f"整段文字才会都留在框内。框内换行：{LINE_BREAK_KEYS}。"
            "文字多于框的高度时，可向下拖动框下方的行号分隔线加高。"
            f"第二、三、四部分是表格，在「{tables}」表中填写；其数字表述见本表下方的“参考表述”。")


def text_box(value, required: bool) -> tuple[float, float]:
    """(height in points, font size) of the box for a section: room for its text, or for a real
    report's when blank; the first size of TEXT_SIZES at which the text fits."""
    width = TEXT_COL_WIDTH * TEXT_COLUMNS
    blank = BLANK_LINES[required] * LINE_PT + PAD_PT
    if not isinstance(value, str) or not value:
        return blank, TEXT_SIZES[0]
    for size in TEXT_SIZES:
        need = lines_needed(value, width, size) * LINE_PT * size / TEXT_SIZES[0] + PAD_PT
        if need <= TEXT_ROOM_PT:
            return max(need, blank), size
    return TEXT_ROOM_PT, TEXT_SIZES[-1]


REFERENCE_TITLE = "参考表述（第二、三、四部分的数字，按表格自动写出）"
REFERENCE_NOTE = ("以下文字由公式按「{tables}」表中的数字自动写出，随填写更新，无需也不能修改。"
                  "正式报告的第二、三、四部分以这些表述开头；第一部分如需写到这些数字，可选中后复制，"
                  "双击上面的文字框再粘贴，以免文字与表格不一致。")


def write_text_sheet(ws, st: Styles, fmt: Format, lay: Layout, document: dict | None,
                     tables: dict | None = None) -> None:
    """The text boxes of 一、五、六, then the 参考表述 of 二、三、四 (tables: the figures, for the
    formulas' cached text)."""
    widths = [TEXT_COL_WIDTH] * TEXT_COLUMNS
    ws.set_column(0, TEXT_COLUMNS - 1, TEXT_COL_WIDTH)
    heights = RowHeights(widths)
    last = TEXT_COLUMNS - 1
    ws.merge_range(0, 0, 0, last, "正文（报告第一、五、六部分）", st.heading())
    heights.fixed(0, 28)
    intro = text_intro("」「".join(t.sheet for t in fmt.tables))
    ws.merge_range(1, 0, 1, last, intro, st.help())
    heights.need(1, 0, intro, colspan=TEXT_COLUMNS)
    row, breaks = 1, []
    page = sum(heights.rows.get(i, 0.0) for i in (0, 1))
    for fld in lay.fields.values():
        if fld.pos.sheet != TEXT_SHEET:
            continue
        r = fld.pos.row
        hint = f"　（{fld.hint}）" if fld.hint else ""
        if hint:
            ws.merge_range(r - 1, 0, r - 1, last, "", st.text())
            ws.write_rich_string(r - 1, 0, st.get(bold=True, font_name="黑体", font_size=12), fld.label,
                                 st.get(font_color="#7F7F7F"), hint, st.text())
        else:
            ws.merge_range(r - 1, 0, r - 1, last, fld.label, st.get(bold=True, font_name="黑体", font_size=12))
        heights.need(r - 1, 0, fld.label + hint, colspan=TEXT_COLUMNS, size=12, minimum=26)
        value = _field_value(document, fld.key)
        height, size = text_box(value, fld.required is not None)
        end = r + TEXT_SPAN - 1
        ws.merge_range(r, 0, end, last, "", st.text_input(locked=True, multiline=True, size=size))
        _write_value(ws, r, 0, value, st.text_input(multiline=True, size=size))
        if not st.read_only:  # a county summary is not typed into
            checked(ws.data_validation(r, 0, r, 0, {
                "validate": "any", "input_title": "填写文字",
                "input_message": f"换行：{LINE_BREAK_KEYS}。粘贴时先双击本框再粘贴。"}), f"input help for {fld.key}")
        for i in range(r, end + 1):
            heights.fixed(i, height / TEXT_SPAN)
        # A heading and its box print on one page: break before the heading when they would not fit.
        block = heights.rows.get(r - 1, 26.0) + height
        if row > 1 and page + block > PAGE_PT:  # (the first box always shares the title's page)
            breaks.append(r - 1)
            page = 0.0
        page += block
        row = end
    if lay.references:
        row = _write_references(ws, st, fmt, lay, tables or {}, heights, page, breaks)
    heights.apply(ws, range(0, row + 1))
    page_setup(ws, landscape=False, last_row=row, last_col=last)
    if breaks:
        ws.set_h_pagebreaks(breaks)


def _write_references(ws, st: Styles, fmt: Format, lay: Layout, tables: dict, heights: RowHeights, page: float,
                      breaks: list[int]) -> int:
    """The 参考表述 block below the text boxes: a heading, a note, and per table section its label and
    its formula cell (grey: computed, locked). Returns the last row written."""
    last = TEXT_COLUMNS - 1
    top = reference_heading_row(lay)
    ws.merge_range(top, 0, top, last, REFERENCE_TITLE, st.get(bold=True, font_name="黑体", font_size=12))
    heights.fixed(top, 26)
    note = REFERENCE_NOTE.format(tables="」「".join(t.sheet for t in fmt.tables))
    ws.merge_range(top + 1, 0, top + 1, last, note, st.help())
    heights.need(top + 1, 0, note, colspan=TEXT_COLUMNS)
    block = heights.rows[top] + heights.rows[top + 1]
    box = st.get(align="left", valign="top", text_wrap=True, border=1, bg_color="#E7E6E6")
    for key, pos in lay.references.items():
        heading = next(s.heading for s in fmt.sections if s.key == key)
        ws.merge_range(pos.row - 1, 0, pos.row - 1, last, heading, st.get(bold=True, align="left"))
        heights.fixed(pos.row - 1, 22)
        ws.merge_range(pos.row, 0, pos.row, last, "", box)
        ws.write_formula(pos.row, 0, reference_formula(fmt, lay, key), box, reference_text(fmt, key, tables))
        heights.need(pos.row, 0, _longest(fmt, key), colspan=TEXT_COLUMNS)
        block += heights.rows[pos.row - 1] + heights.rows[pos.row]
    if page + block > PAGE_PT:  # the block prints on a page of its own rather than split from its heading
        breaks.append(top)
    return max(pos.row for pos in lay.references.values())


def _longest(fmt: Format, section: str) -> str:
    """The longest the section's 参考表述 can say: every figure as large as its kind allows (the row
    is sized once, for whatever the clerk will type)."""
    largest = {key: fmt.bounds[cell.kind][1] for key, cell in fmt.cells.items()}
    return draft_section(fmt, section, largest) or ""


# ---------------------------------------------------------------- statutory tables


def column_widths(grid: Grid) -> list[float]:
    """Readable widths: group labels narrow, leaf labels wide, value columns fit their header."""
    widths = [0.0] * grid.width
    label_cols = grid.label_cols
    for col in range(grid.width):
        starts = [c for c in grid.cells if c.col == col and c.colspan == 1 and c.text]
        if col < label_cols - 1:
            units = max((text_units(c.text) for c in starts if c.role == "rowhead"), default=8)
            widths[col] = min(max(math.ceil(units / 2) + 1, 6), 12)
        elif col == label_cols - 1:
            units = max((text_units(c.text) for c in starts if c.role in ("rowhead", "corner")), default=8)
            widths[col] = min(max(units + 2, 16), 32)  # most leaf labels on one line, the longest on two
        else:
            # A header of up to six characters stays on one line; longer ones wrap onto two.
            heads = [c for c in starts if c.role == "colhead"]
            units = max((text_units(c.text) for c in heads), default=8)
            one_line = units * 0.95 + 1.5
            widths[col] = max(one_line if units <= 12 else min(units / 2 + 2, 14), 9)
    values = widths[label_cols:]
    if values:  # value columns of one width look like the printed form
        widths = widths[:label_cols] + [max(values)] * len(values)
    total = sum(widths)
    if total < PORTRAIT_WIDTH and grid.width > label_cols:  # a narrow table: widen its value columns
        extra = (PORTRAIT_WIDTH - total) / (grid.width - label_cols)
        widths = [w if i < label_cols else w + extra for i, w in enumerate(widths)]
    return widths


def _status_start(widths: list[float]) -> int:
    """First column of the status area at the right of the heading row."""
    need, have = status_width(), 0.0
    for col in range(len(widths) - 1, 0, -1):
        have += widths[col]
        if have >= need:
            return col
    return 1


def _cell_style(st: Styles, cell: GridCell):
    if cell.role == "block_title":
        return st.header(bold=True)
    if cell.role == "colhead":
        return st.header(bold=True)
    if cell.role == "corner":
        return st.header(font_size=9) if len(cell.text) > 8 else st.header(bold=True)
    return st.rowhead(indent=1 if cell.depth and cell.rowspan == 1 else 0)


def write_table_sheet(ws, st: Styles, fmt: Format, lay: Layout, table: Table, year: int, agency: dict,
                      values: dict, derived_values: dict, check_rows=None) -> None:
    """check_rows: every row of the 校验 sheet, when it has more than the format's (last year's figures)."""
    grid = lay.grids[table.key]
    top = lay.grid_origin[table.key]
    widths = column_widths(grid)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    last_col = grid.width - 1
    heights = RowHeights(widths, default=19.0)
    split = _status_start(widths)
    _put(ws, 0, 0, 1, split, table.heading, st.heading())
    _put(ws, 0, split, 1, grid.width - split, "", st.status())
    ws.write_formula(0, split, table_status_formula(fmt, lay, table.sheet, check_rows), st.status(), "")
    status_colours(ws, st, f"{_a1(0, split)}")
    heights.need(0, 0, table.heading, colspan=split, size=13, minimum=30)
    line = agency_line(agency, year) + _unit_note(fmt, table)
    _put(ws, 1, 0, 1, grid.width, line, st.text())
    heights.need(1, 0, line, colspan=grid.width)

    for cell in grid.cells:
        row, col = top + cell.row, cell.col
        if cell.role == "value":
            _value_cell(ws, st, fmt, lay, cell, row, values, derived_values)
            continue
        size = 9 if cell.role == "corner" and len(cell.text) > 8 else 10
        _put(ws, row, col, cell.rowspan, cell.colspan, cell.text, _cell_style(st, cell))
        heights.need(row, col, cell.text + ("　" if cell.depth else ""), colspan=cell.colspan,
                     rowspan=cell.rowspan, size=size)
    last_row = top + grid.height - 1
    total = heights.apply(ws, range(0, last_row + 1))
    page_setup(ws, landscape=sum(widths) > LANDSCAPE_FROM, last_row=last_row, last_col=last_col,
          height=total, width=sum(widths))
    header_end = top + grid.header_rows - 1
    ws.repeat_rows(0, max(header_end, 1))
    ws.freeze_panes(max(header_end, 1) + 1, grid.label_cols)
    first = min((lay.cells[k] for k in fmt.input_keys() if lay.cells[k].sheet == table.sheet),
                key=lambda p: (p.row, p.col))
    ws.set_selection(first.row, first.col, first.row, first.col)


def _a1(row: int, col: int) -> str:
    return f"{col_letter(col)}{row + 1}"


def _unit_note(fmt: Format, table: Table) -> str:
    if any(c.kind == "money" for c in fmt.cells.values() if c.table == table.key):
        return "　　单位：件（金额单位：万元）"
    return "　　单位：件"


def _value_cell(ws, st: Styles, fmt: Format, lay: Layout, cell: GridCell, row: int, values: dict,
                derived_values: dict) -> None:
    key = cell.key
    kind = fmt.cells[key].kind
    col, span = cell.col, cell.colspan
    if key in fmt.derived:
        style = st.derived(kind)
        if span > 1:
            ws.merge_range(row, col, row, col + span - 1, "", style)
        parts = [lay.cells[p] for p in fmt.derived[key].parts()]
        formula = "=SUM(" + ",".join(cell_ranges(parts, home=lay.cells[key].sheet, absolute=False)) + ")"
        cached = derived_values.get(key)
        ws.write_formula(row, col, formula, style, cached if cached is not None else "")
        return
    if span > 1:  # only the first cell of a merged input is unlocked: the others cannot be typed into
        ws.merge_range(row, col, row, col + span - 1, "", st.input(kind, locked=True))
    _write_value(ws, row, col, values.get(key), st.input(kind))
    criteria, title, hint, error_title, error = VALIDATION[kind]
    label = _cell_label(fmt, key)
    room = 250 - len(hint)
    if len(label) > room:
        label = label[: room - 1] + "…"
    options = {**criteria, "input_title": title, "input_message": f"{label}\n{hint}",
               "error_title": error_title, "error_message": error, "error_type": "stop"}
    checked(ws.data_validation(row, col, row, col, options), f"data validation for {key}")


def _cell_label(fmt: Format, key: str) -> str:
    cell = fmt.cells[key]
    table = fmt.table(cell.table)
    block = table.blocks[cell.block].title
    row = " ".join(p for p in ((block,) if block else ()) + cell.row.path)
    column = " ".join(cell.column.path)
    return " · ".join(p for p in (row, column) if p)
