"""The audit as a workbook (.xlsx) or a web page (.html): one row per report, one row per finding.

An evaluator sorts and files it: 报告 lists agency, year, verdict and counts; 问题 lists every
finding with the cell it concerns and where it is printed in the published file.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from nianbao.check.run import CheckResult
from nianbao.format.document import cell_states
from nianbao.inert import write_row, xlsx_workbook

SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
REPORT_HEAD = ["文件", "单位", "年度", "格式", "结论", "错误", "警告", "提示", "无法读取的格", "空白的格", "重建的格"]
FINDING_HEAD = ["文件", "单位", "年度", "严重程度", "规则", "表", "单元格", "行", "列", "原文位置", "说明"]


def report_rows(results: list[CheckResult]) -> list[list]:
    rows = []
    for r in results:
        states = list(cell_states(r.document).values())
        rows.append([r.file, (r.agency or {}).get("name", ""), r.year or "", r.format or "", r.status_label,
                     r.errors, r.warnings, sum(f.severity == "info" for f in r.findings),
                     states.count("unreadable"), states.count("blank"), states.count("reconstructed")])
    return rows


def finding_rows(results: list[CheckResult]) -> list[list]:
    rows = []
    for r in results:
        provenance = (r.document or {}).get("provenance") or {}
        for f in r.findings:
            rows.append([Path(r.file).name if r.file else "", (r.agency or {}).get("name", ""), r.year or "",
                         SEVERITY[f.severity], f.rule,
                         f.sheet or "", f.cell or "", f.row_label or "", f.column_label or "",
                         provenance.get(f.key, "") if f.key else "", f.message])
    return rows


def write_xlsx(results: list[CheckResult], path: Path) -> Path:
    wb = xlsx_workbook(str(path))  # a report title or file name beginning with "=" stays text
    head = wb.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1, "text_wrap": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    for name, header, rows, widths in (
        ("报告", REPORT_HEAD, report_rows(results), [40, 28, 8, 26, 10, 6, 6, 6, 12, 10, 10]),
        ("问题", FINDING_HEAD, finding_rows(results), [30, 24, 8, 8, 22, 16, 8, 30, 20, 30, 80]),
    ):
        ws = wb.add_worksheet(name)
        write_row(ws, 0, 0, header, head)
        for i, row in enumerate(rows, 1):
            write_row(ws, i, 0, row, wrap)
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(1, len(rows)), len(header) - 1)
    wb.close()
    return path


def write_html(results: list[CheckResult], path: Path) -> Path:
    def table(caption: str, header: list[str], rows: list[list], cls: str) -> str:
        head = "".join(f"<th>{escape(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
        return (f'<table class="{cls}"><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table>")

    page = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>年报核查结果</title>
<style>body{{font-family:"Noto Sans CJK SC",sans-serif;margin:24px}}table{{border-collapse:collapse;margin:16px 0}}
th,td{{border:1px solid #999;padding:4px 8px;vertical-align:top;text-align:left}}th{{background:#eee}}
caption{{font-weight:bold;text-align:left;padding:4px 0}}th{{white-space:nowrap}}
.findings td:nth-child(n+3):nth-child(-n+7){{white-space:nowrap}}.findings td:nth-child(8){{min-width:10em}}
.findings td:nth-child(2),.findings td:nth-child(9),.findings td:nth-child(10){{min-width:7em}}
.findings td:last-child{{min-width:24em}}</style></head><body>
<h1>政府信息公开工作年度报告核查结果</h1>
{table("每份报告", REPORT_HEAD, report_rows(results), "reports")}
{table("每个问题", FINDING_HEAD, finding_rows(results), "findings")}
</body></html>
"""
    path.write_text(page, encoding="utf-8")
    return path
