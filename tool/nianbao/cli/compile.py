"""nianbao compile: the county summary — status of every roster agency, consolidated tables, problems."""

from __future__ import annotations

from pathlib import Path

from nianbao.format.document import level_choices

from . import UsageError
from .common import add_format_arg, add_timezone_arg, expand_paths, level_arg, output_name, read_secret, resolve_format
from .render import add_contact_arg, contact_arg


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
    p.add_argument("--name", type=output_name, default=None, metavar="NAME",
                   help="汇总单位名称，用于汇总年报的标题和落款，如 萝北县人民政府")
    p.add_argument("--code", default=None, metavar="CODE", help="汇总单位代码，如 230421")
    p.add_argument("--level", default="county", type=level_arg, metavar="LEVEL",
                   help=f"汇总单位层级：{level_choices()}（默认 县级）")
    p.add_argument("--include-errors", action="store_true", help="有错误的报告也计入汇总 / include reports with errors")
    p.add_argument("--secret-file", type=Path, metavar="KEY", help="下发模板时使用的密钥文件 / issuer secret")
    p.add_argument("--no-render", action="store_true", help="不生成汇总年报文档 / skip rendering the county report")
    p.add_argument("--narrative", type=Path, metavar="FILE",
                   help="汇总年报的文字说明文件（.docx/.md/.txt），含“一、总体情况”“五、存在的主要问题及改进情况”"
                   "“六、其他需要报告的事项”三部分，每部分以标题单独成行")
    p.add_argument("--narrative-from", metavar="CODE",
                   help="名单中某单位的代码（如县政府办公室）：汇总年报第一、五、六部分采用该单位报送年报中的文字"
                   "（--narrative 文件中已有的部分优先）")
    p.add_argument("--date", metavar="DATE", help="汇总年报的落款日期，如 2022-01-20 或 2022年1月20日（默认今天）")
    add_contact_arg(p)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT_DIR", help="输出文件夹 / output folder")
    p.add_argument("-j", "--jobs", type=int, default=1, metavar="N", help="并行进程数 / parallel processes")
    add_timezone_arg(p)
    p.set_defaults(run=run)


def run(args) -> int:
    from nianbao.check.terminal import make_console
    from nianbao.county.previous import PreviousError
    from nianbao.county.roster import RosterError, load_roster
    from nianbao.workflow.compile import CompileOptions, run_compile
    from nianbao.workflow.narrative import NarrativeError, chinese_date, read_narrative

    fmt = resolve_format(args.format_id, args.year)
    if not fmt.covers(args.year):
        raise UsageError(f"格式 {fmt.id} 不适用于 {args.year} 年度")
    try:
        roster = load_roster(args.roster)
    except RosterError as exc:
        raise UsageError(str(exc)) from None
    if args.store is None and not args.paths:
        raise UsageError("请给出 --store 收件库或要汇总的文件 / give --store or files")
    if args.narrative_from and args.narrative_from not in {e.code for e in roster}:
        raise UsageError(f"--narrative-from {args.narrative_from}：名单 {args.roster} 中没有这个单位代码")
    if args.narrative is not None and not args.narrative.is_file():
        raise UsageError(f"文字说明文件不存在：{args.narrative}")
    if args.store is not None and not (args.store / "receipts.jsonl").exists():
        raise UsageError(f"{args.store} 不是收件库（缺少 receipts.jsonl）。请先用 nianbao collect 收件。")
    options = CompileOptions(
        fmt=fmt, year=args.year, roster=roster, out_dir=args.output,
        store=args.store, paths=expand_paths(args.paths) if args.paths else [],
        previous=args.previous, name=args.name, code=args.code, level=args.level,
        include_errors=args.include_errors, secret=read_secret(args.secret_file), render=not args.no_render,
        jobs=args.jobs, narrative=args.narrative, narrative_from=args.narrative_from, date=args.date,
        contact=contact_arg(args),
    )
    try:
        chinese_date(args.date)  # a bad date or narrative file stops before the long part, not after it
        if args.narrative is not None:
            read_narrative(args.narrative, fmt)
    except NarrativeError as exc:
        raise UsageError(str(exc)) from None
    console = make_console()
    if args.store is not None:
        _report_damaged_receipts(console, args.store)
    try:
        outcome = run_compile(options, console)
    except (PreviousError, NarrativeError) as exc:
        raise UsageError(str(exc)) from None
    return outcome


def _report_damaged_receipts(console, store_dir: Path) -> None:
    """Damaged lines of the store's log are skipped by compile; say so, by line number."""
    from nianbao.county.store import Store
    from nianbao.printable import markup

    damaged = Store(store_dir).damaged()
    for line in damaged:
        console.print(f"[yellow]! {markup(line.message())}[/yellow]")
    if damaged:
        console.print("  已跳过损坏的行，其余收件记录照常汇总。请运行 nianbao store verify 检查收件库。")
