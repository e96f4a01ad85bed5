"""Findings: the one shape every problem takes, and the catalogue of non-rule messages.

Rule findings take their id and message from the format spec. Everything else a
department can cause (a file that is not a workbook, text in a number cell, a
formula overwritten) has a stable code here with a Chinese message template.
Tests assert on codes and cells, never on prose.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Detail:
    name: str  # English, for developers
    severity: str
    msg: str  # Chinese template, for users


class Code(Enum):
    # -- the file itself (the file cannot be read at all: exit status 2)
    FILE_MISSING = Detail("file does not exist", "error", "文件不存在：{path}。")
    FILE_UNREADABLE = Detail("file cannot be read", "error", "无法读取文件（{what}）。请检查文件路径和读取权限后重试。")
    FILE_EMPTY = Detail("empty file", "error", "文件是空的（0 字节）。请重新导出或重新发送填好的 .xlsx 文件。")
    FILE_TOO_BIG = Detail("file over the size cap", "error",
                          "文件过大（{size}，上限 {limit}）。年报模板填好后通常不到 1 MB，请确认发送的是年报模板。")
    FILE_XLS = Detail("legacy .xls workbook", "error",
                      "这是旧版 Excel 97-2003（.xls）文件。请在 Excel/WPS 中“另存为 Excel 工作簿（.xlsx）”后重新提交。")
    FILE_ENCRYPTED = Detail("password-protected workbook", "error",
                            "文件设置了打开密码（已加密），无法读取。请去掉打开密码后另存为 .xlsx 重新提交。")
    FILE_MACRO = Detail("macro-enabled workbook", "error",
                        "这是启用宏的工作簿（.xlsm），出于安全原因不予读取。请使用下发的 .xlsx 模板重新填报。")
    FILE_DOCX = Detail("a Word document", "error", "这是 Word 文档，不是 Excel 工作簿。请提交填好的年报 .xlsx 模板。")
    FILE_NOT_XLSX = Detail("not an xlsx workbook", "error",
                           "这不是 Excel 工作簿（{what}）。请提交填好的年报 .xlsx 模板。")
    FILE_CORRUPT = Detail("corrupt or truncated workbook", "error",
                          "文件已损坏或不完整，无法打开（{what}）。请重新保存后再发送。")
    FILE_ZIP_BOMB = Detail("archive expands far too much (zip bomb)", "error",
                           "文件的压缩结构异常（{what}），疑似“压缩炸弹”，已拒绝读取。请提交用 Excel/WPS 正常保存的年报模板。")
    FILE_XML_BOMB = Detail("XML entity expansion", "error",
                           "文件内部含有不允许的 XML 实体声明，已拒绝读取。请用 Excel/WPS 重新另存为 .xlsx。")
    # -- identity of the workbook
    NOT_NIANBAO = Detail("not a nianbao template", "error",
                         "这不是本系统下发的年报模板（缺少模板标识）。请使用下发的模板填报，不要自行新建表格。")
    WRONG_FORMAT = Detail("other format version than expected", "error",
                          "模板格式为 {actual}，应为 {expected}。请使用 {year} 年度对应格式的模板重新填报。")
    WRONG_YEAR = Detail("other report year than expected", "error",
                        "这是 {actual} 年度的模板，本次收取的是 {expected} 年度。请使用 {expected} 年度模板填报。")
    UNKNOWN_FORMAT = Detail("format version this nianbao does not know", "error",
                            "模板格式 {actual} 不被本版本识别。请使用下发的模板，或升级 nianbao。")
    FINGERPRINT = Detail("layout fingerprint does not match", "error",
                         "模板版式已被改动（版式指纹 {actual}，应为 {expected}），可能插入或删除了行列。请在原模板中重新填报。")
    HMAC_MISMATCH = Detail("issuer signature does not match", "error",
                           "模板下发签名核对不通过：文件中的单位、层级、年度或类型与下发时不一致，"
                           "此文件不是下发给“{agency}”（代码 {agency_code}）的原模板，或其身份信息被改动过，"
                           "不予采用。请使用本单位下发的模板。")
    HMAC_MISSING = Detail("issuer signature missing", "error", "模板缺少下发签名，无法确认下发给哪个单位。请使用下发的模板。")
    HMAC_LEGACY = Detail("issuer signature of an older template version", "info",
                         "此模板由旧版 nianbao 下发（模板版本 {version}），其签名只核对单位代码和年度，"
                         "单位名称和层级已改为与单位名单核对。")
    HMAC_LEGACY_MISMATCH = Detail("issuer signature of an older template version does not match", "error",
                                  "模板下发签名核对不通过：此模板由旧版 nianbao 下发（模板版本 {version}），"
                                  "签名与文件中的单位“{agency}”（代码 {agency_code}）或类型不符，不予采用。"
                                  "请使用本单位下发的模板，或由汇总单位用新版 nianbao 重新下发。")
    HMAC_UNSIGNED_DOCUMENT = Detail("report document cannot carry an issuer signature", "error",
                                    "这是报告数据文件（.json），不带下发签名，启用密钥核对时无法确认报送单位，"
                                    "不予采用。请提交下发的 Excel 模板。")
    AGENCY_NAME_MISMATCH = Detail("agency name differs from the roster", "warning",
                                  "文件中的单位名称“{actual}”与单位名单中代码 {agency_code} 的名称"
                                  "“{expected}”不一致。请确认此文件确由该单位报送。")
    AGENCY_LEVEL_MISMATCH = Detail("agency level differs from the roster", "warning",
                                   "文件中的单位层级“{actual}”与单位名单中的“{expected}”不一致，"
                                   "校验规则按层级适用。请确认此文件确由该单位报送。")
    FIGURES_DUPLICATE = Detail("identical figures under another agency code", "warning",
                               "本单位报送的全部数字与“{other}”（代码 {other_code}）报送的完全相同。"
                               "请核实是否误用或冒用了其他单位的报表。")
    WRONG_AGENCY = Detail("another agency's workbook sent at this agency's link", "error",
                          "这份工作簿是“{other}”（代码 {other_code}）的模板，不是本单位“{own_name}”（代码 {own_code}）的，"
                          "不能作为本单位的报告。请使用本单位的模板填报。")
    PREVIOUS_MISSING = Detail("no report of this agency in last year's data", "info",
                              "上一年度数据（{source}）中没有本单位的报告，未做跨年度核对（如上年结转与上年结转下年度是否一致）。")
    SHEET_MISSING = Detail("statutory sheet missing", "error", "缺少工作表「{sheet}」。请在原模板中重新填报，不要删除工作表。")
    SHEET_EXTRA = Detail("extra sheet", "info", "工作簿中多了工作表「{sheet}」，汇总时不会读取其中内容。")
    PROTECTION_REMOVED = Detail("sheet protection removed", "warning",
                                "工作表「{sheet}」的保护被撤销。请确认合计公式和表头未被改动。")
    # -- cells
    CELL_BLANK = Detail("blank input", "error", "未填写（无数据请填 0）。")
    CELL_TEXT = Detail("text in a number cell", "error", "应填写数字，现为“{value}”。请改为阿拉伯数字（无数据请填 0）。")
    CELL_DECIMAL = Detail("decimal in a count cell", "error", "件数应为整数，现为 {value}。")
    CELL_NEGATIVE = Detail("negative where not allowed", "error", "不能为负数，现为 {value}。")
    CELL_ERROR_VALUE = Detail("spreadsheet error value", "error", "单元格显示错误值 {value}，请改为数字。")
    CELL_DATE = Detail("date in a number cell", "error", "单元格中是日期（{value}），应填写数字。")
    CELL_PRECISION = Detail("money with more than two decimals", "error", "金额单位为万元，最多保留两位小数，现为 {value}。")
    CELL_NORMALISED = Detail("value normalised on read", "info", "已将“{value}”按 {normalised} 读取（{how}）。请在原表中改为纯数字。")
    FORMULA_REPLACED = Detail("derived cell formula replaced by a constant", "error",
                              "合计公式被改写为固定值 {actual}（应为公式，按各项计算为 {expected}）。请恢复模板公式或重新填报。")
    FORMULA_CHANGED = Detail("derived cell formula edited", "error",
                             "合计公式被修改为 {actual}（应为模板原有的求和公式，按各项计算为 {expected}）。请恢复模板公式或重新填报。")
    FORMULA_STALE = Detail("cached total disagrees with the recomputed one (and is what the sheet shows)", "error",
                           "表中显示的合计为 {actual}，按各项计算应为 {expected}：文件中保存的计算结果已过时或被改动"
                           "（未重新计算），LibreOffice、WPS 等打开时显示的就是 {actual}。"
                           "汇总以重新计算的 {expected} 为准；请在 Excel/WPS 中重新计算（按 F9）后保存，再核对。")
    # -- text fields
    TEXT_EMPTY = Detail("required text is empty", "warning", "“{label}”未填写。")
    # -- the report document (JSON Schema)
    SCHEMA = Detail("report document does not match the schema", "error", "{what}")
    # -- one bad file never aborts a batch; nothing overflows (issue 12 §5)
    CELL_OUT_OF_RANGE = Detail("number outside the range its kind allows (spec kinds:)", "error",
                               "数值超出合理范围（{low} 至 {high} {unit}），现为 {value}。"
                               "请核对是否多填了位数，金额请按“万元”而不是“元”填写。")
    DOCUMENT_REFUSED = Detail("report document (.json) refused by screening", "error",
                              "报告数据文件（.json）无法使用：{what}。请提交由 nianbao 导出的报告数据，或填好的 .xlsx 模板。")
    CHECK_FAILED = Detail("nianbao failed on this file (a defect); the batch goes on", "error",
                          "nianbao 处理此文件时出现内部错误（{what}），已跳过此文件，其余文件照常处理。"
                          "请将此文件反馈给维护人员。")
    ANNOTATE_FAILED = Detail("annotated copy could not be written", "warning",
                             "未能生成批注副本（{what}）。校验结果不受影响；如需批注副本，"
                             "请在 Excel/WPS 中打开此文件，另存为 .xlsx 后重新校验。")
    ANNOTATE_TOO_BIG = Detail("workbook too large to annotate", "warning",
                              "工作簿过大（{what}），为免耗尽内存，未生成批注副本。校验结果不受影响；"
                              "请删除表格下方多余的空行或格式后另存，再重新校验。")
    # -- the workbook read as Excel shows it (issue 12: reader)
    FILE_STRICT_OOXML = Detail("Strict Open XML workbook", "error",
                               "这是“Strict Open XML 电子表格”格式的工作簿，本系统不读取这种格式。"
                               "请在 Excel 中“另存为”→“Excel 工作簿（*.xlsx）”（普通 Excel 工作簿 .xlsx）后重新提交。")
    LAYOUT_MOVED = Detail("statutory table moved (rows or columns inserted/deleted, labels changed)", "error",
                          "「{sheet}」的版式被改动：{what}。请使用原模板重新填写，或撤销插入/删除的行列。"
                          "为避免读错，本文件的数字均未被读取。")
    CELL_HIDDEN = Detail("input cell the clerk could not see", "warning",
                         "此单元格{how}，填表人看不到其中的值（现为 {value}）。请取消隐藏后核对。")
    CELL_MERGED = Detail("input cell covered by a merged range", "error",
                         "此单元格被合并单元格 {range} 遮住，其中的值（{value}）在表中看不到，未被读取。"
                         "请取消合并后填写。")
    # -- what the clerk sees is what is counted (issue 19: appearance)
    SHEET_HIDDEN = Detail("statutory sheet hidden", "error",
                          "工作表「{sheet}」被{how}，填表人和审核人看不到其中的内容，但汇总会读取它们。"
                          "请取消隐藏后核对，或使用原模板重新填报。")
    SHEET_LOOKALIKE = Detail("sheet whose name looks like a statutory sheet's", "error",
                             "工作表「{sheet}」与法定表格「{real}」看起来同名（{how}）{hidden}。汇总只读取「{real}」，"
                             "不读取这张表中的数字。请删除多余的工作表，在「{real}」中填写。")
    CELL_SHOWN_DIFFERENT = Detail("input cell shows another figure than the one counted", "error",
                                  "显示为 {shown}，实际数值为 {value}（{why}）。"
                                  "汇总按 {value} 计算，与表中看到的不一致。请恢复模板原有格式后核对此数。")
    CELL_LOOKS_DIFFERENT = Detail("input cell looks different from the template", "warning",
                                  "显示为 {shown}（数值 {value}），{why}，与模板不同。请恢复模板原有格式后核对。")
    CELL_COVERED = Detail("input cell covered by a drawn object", "error",
                          "此单元格被{what}遮住，表中看到的是它而不是其中的数值 {value}。汇总按 {value} 计算。"
                          "请删除或移开它后核对此数。")
    CELL_DRAWN_OVER = Detail("a drawn object over an input cell", "warning",
                             "此单元格上画有{what}（数值 {value}），看起来与模板不同。请删除或移开它后核对。")
    CELL_COMMENT = Detail("comment on an input cell", "warning",
                          "此单元格带有批注“{text}”。批注不计入汇总，也不会出现在年报中；需要说明的情况请写在正文中。")
    FORMULA_RESULT_TEXT = Detail("total's stored result is text", "warning",
                                 "合计单元格保存的结果是文本“{actual}”，不是计算结果（未重新计算）。"
                                 "汇总以按各项计算的 {expected} 为准；请在 Excel/WPS 中重新计算（按 F9）后保存。")
    CHECK_FORMULA_REPLACED = Detail("校验 sheet formula overwritten", "warning",
                                    "「校验」表的校验公式被改写为固定值 {actual}，此行显示的结果不再是实际核对结果。"
                                    "本系统会重新核对；请恢复模板或重新填报。")


@dataclass
class Finding:
    rule: str  # a rule id from the spec (T3-1) or a Code name (CELL_BLANK)
    severity: str
    message: str
    sheet: str | None = None
    cell: str | None = None  # A1 reference on that sheet
    key: str | None = None  # the cell key or field key
    row_label: str | None = None
    column_label: str | None = None
    expected: Any = None
    actual: Any = None
    cells: list[str] = field(default_factory=list)  # every A1 reference involved (same sheet or 'sheet'!A1)

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def where(self) -> str:
        """「表三 依申请公开」D8 — the place a clerk looks at."""
        if self.sheet and self.cell:
            return f"「{self.sheet}」{self.cell}"
        if self.sheet:
            return f"「{self.sheet}」"
        return ""


def finding(code: Code, **context: Any) -> Finding:
    """A catalogued finding; context fills the message and the location fields."""
    fields = {k: context.pop(k) for k in list(context) if k in Finding.__dataclass_fields__}
    msg = code.value.msg.format(**{**fields, **context})
    return Finding(rule=code.name, severity=code.value.severity, message=msg, **fields)


def worst(findings: list[Finding]) -> str | None:
    for severity in SEVERITIES:
        if any(f.severity == severity for f in findings):
            return severity
    return None
