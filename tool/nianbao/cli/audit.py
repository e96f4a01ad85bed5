"""nianbao audit FILE|DIR…: read published reports and check them as printed."""

from __future__ import annotations

from pathlib import Path

from nianbao.printable import printable

from . import UsageError


def register(sub) -> None:
    p = sub.add_parser(
        "audit", help="核查已公开的年报：勾稽关系、跨年度衔接、正文与表格 / audit published reports",
        description="读取已公开的年报（PDF/网页/Word/文本）并按印出的数字核查：全部法定勾稽关系、"
        "同一单位相邻年度报告的跨年度衔接、正文所述数字与表格是否一致。空白按 0 计并提示；"
        "涉及无法读取单元格的核对项标为“无法核对”。"
        " 退出码：0 无错误；1 有错误；2 有文件无法读取或参数错误。")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="文件或文件夹 / files or folders")
    p.add_argument("--json", action="store_true", help="以 JSON 输出结果 / print results as JSON")
    p.add_argument("-o", "--output", type=Path, metavar="REPORT.xlsx|.html",
                   help="写出核查表（每份报告一行、每个问题一行）/ write the audit as a workbook or web page")
    p.add_argument("--quiet-info", action="store_true", help="不显示提示级信息 / hide info findings")
    p.add_argument("-j", "--jobs", type=int, default=1, metavar="N", help="并行进程数 / parallel processes")
    p.set_defaults(run=run)


def run(args) -> int:
    from nianbao.published.audit import audit_paths, published_files

    if args.output is not None and args.output.suffix.lower() not in (".xlsx", ".html", ".htm"):
        raise UsageError(f"核查表应以 .xlsx 或 .html 结尾：{args.output}")
    if args.output is not None and args.output.parent and not args.output.parent.is_dir():
        raise UsageError(f"输出文件夹不存在：{args.output.parent}")
    if not published_files(args.paths):
        raise UsageError("没有找到要核查的文件（.pdf .html .docx .txt）/ no files to audit")
    results = audit_paths(args.paths, jobs=args.jobs)
    from nianbao.check.terminal import print_results

    print_results(results, as_json=args.json, show_info=not args.quiet_info)
    if args.output is not None:
        from nianbao.published.audit_report import write_html, write_xlsx

        (write_xlsx if args.output.suffix.lower() == ".xlsx" else write_html)(results, args.output)
        if not args.json:
            print(f"核查表已写入 {printable(args.output)}")
    if any(r.status == "unreadable" for r in results):
        return 2
    return 1 if any(r.errors for r in results) else 0
