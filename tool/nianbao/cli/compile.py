"""nianbao compile: the county summary — status of every roster agency, consolidated tables, problems."""

from __future__ import annotations

from pathlib import Path

from . import UsageError
from .common import add_format_arg, expand_paths, read_secret, resolve_format


def register(sub) -> None:
    p = sub.add_parser(
        "compile", help="汇总：报送情况、汇总表、问题清单 / compile the county summary",
        description="按名单汇总各单位报送的年报：每个单位的报送状态（未报送/有错误/有警告/通过）、"
        "全县汇总表（默认只汇总“通过”和“有警告”的报告）、跨年度核对和问题清单。")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--store", type=Path, metavar="DIR", help="收件库（nianbao collect 生成）/ the intake store")
    src.add_argument("paths", nargs="*", type=Path, default=[], metavar="PATH", help="文件或文件夹 / files or folders")
    p.add_argument("--roster", type=Path, required=True, metavar="ROSTER.csv", help="单位名单 / the roster")
    p.add_argument("--year", type=int, required=True, help="报告年度 / report year")
    add_format_arg(p)
    p.add_argument("--previous", type=Path, metavar="PREV",
                   help="上一年度的汇总（summary.xlsx / summary.json）、收件库，或上一年度已公开年报所在文件夹"
                   "（PDF/网页/Word/文本，按单位名称对应名单）/ last year's summary, store or published reports")
    p.add_argument("--name", default=None, metavar="NAME", help="汇总单位名称，如 萝北县（输出为“萝北县（汇总）”）")
    p.add_argument("--code", default=None, metavar="CODE", help="汇总单位代码，如 230421")
    p.add_argument("--level", default="county", choices=["province", "city", "county", "township"],
                   help="汇总单位层级（默认 county）")
    p.add_argument("--include-errors", action="store_true", help="有错误的报告也计入汇总 / include reports with errors")
    p.add_argument("--secret-file", type=Path, metavar="KEY", help="下发模板时使用的密钥文件 / issuer secret")
    p.add_argument("--no-render", action="store_true", help="不生成汇总年报文档 / skip rendering the county report")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT_DIR", help="输出文件夹 / output folder")
    p.add_argument("-j", "--jobs", type=int, default=1, metavar="N", help="并行进程数 / parallel processes")
    p.set_defaults(run=run)


def run(args) -> int:
    from nianbao.check.terminal import make_console
    from nianbao.county.previous import PreviousError
    from nianbao.county.roster import RosterError, load_roster
    from nianbao.workflow.compile import CompileOptions, run_compile

    fmt = resolve_format(args.format_id, args.year)
    if not fmt.covers(args.year):
        raise UsageError(f"格式 {fmt.id} 不适用于 {args.year} 年度")
    try:
        roster = load_roster(args.roster)
    except RosterError as exc:
        raise UsageError(str(exc)) from None
    if args.store is None and not args.paths:
        raise UsageError("请给出 --store 收件库或要汇总的文件 / give --store or files")
    if args.store is not None and not (args.store / "receipts.jsonl").exists():
        raise UsageError(f"{args.store} 不是收件库（缺少 receipts.jsonl）。请先用 nianbao collect 收件。")
    options = CompileOptions(
        fmt=fmt, year=args.year, roster=roster, out_dir=args.output,
        store=args.store, paths=expand_paths(args.paths) if args.paths else [],
        previous=args.previous, name=args.name, code=args.code, level=args.level,
        include_errors=args.include_errors, secret=read_secret(args.secret_file), render=not args.no_render,
        jobs=args.jobs,
    )
    console = make_console()
    try:
        outcome = run_compile(options, console)
    except PreviousError as exc:
        raise UsageError(str(exc)) from None
    return outcome
