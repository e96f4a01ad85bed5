"""nianbao extract FILE -o report.json: the report document a workbook holds, with provenance."""

from __future__ import annotations

import sys
from pathlib import Path

from . import UsageError


def register(sub) -> None:
    p = sub.add_parser("extract", help="从工作簿导出报告数据 JSON / workbook -> report document",
                       description="读取填好的年报工作簿，导出报告数据（JSON，含每个数值来自哪个单元格）。"
                       " 有错误时仍导出可读部分（无法识别的单元格为 null），退出码 1。")
    p.add_argument("file", type=Path, metavar="FILE", help="填好的年报工作簿（.xlsx）/ a filled workbook")
    p.add_argument("-o", "--output", type=Path, metavar="report.json", help="输出文件（默认输出到屏幕）")
    p.add_argument("--no-provenance", action="store_true", help="不写入单元格来源 / omit provenance")
    p.set_defaults(run=run)


def run(args) -> int:
    from nianbao.check.run import check_file
    from nianbao.check.terminal import finding_line
    from nianbao.format.document import dump_document
    from nianbao.printable import printable, safe_json

    if args.file.suffix.lower() == ".json":
        raise UsageError("extract 读取的是 .xlsx 工作簿；报告数据 .json 已经是导出结果")
    result = check_file(args.file)
    if result.document is None:
        for f in result.findings:
            print(f"nianbao: {printable(args.file)}: {printable(finding_line(f))}", file=sys.stderr)
        return 2
    doc = dict(result.document)
    if args.no_provenance:
        doc.pop("provenance", None)
    text = dump_document(doc)
    if args.output:
        from nianbao.paths import atomic_output

        with atomic_output(args.output) as tmp:
            tmp.write_text(text, encoding="utf-8")
        print(f"已导出 {printable(args.output)}", file=sys.stderr)
    else:
        sys.stdout.write(safe_json(text))  # the same JSON value; no name steers the terminal
    for f in result.findings:
        if f.severity == "error":
            print(f"  ✗ {printable(finding_line(f))}", file=sys.stderr)
    return 1 if result.errors else 0
