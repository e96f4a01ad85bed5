"""nianbao check PATH...: check returned workbooks and say, cell by cell, what is wrong."""

from __future__ import annotations

from pathlib import Path

from nianbao.parallel import run_parallel
from nianbao.printable import markup

from . import UsageError
from .common import add_format_arg, expand_paths, read_secret, size_mb


def register(sub) -> None:
    p = sub.add_parser(
        "check",
        help="校验填好的年报工作簿 / check filled workbooks",
        description="校验填好的年报工作簿（或报告数据 .json），逐个单元格指出问题，并核对正文所述数字与表格是否一致。"
        "下发时写入了上一年度数字的模板（template --previous），未给 --previous 时按这些数字做跨年度核对。"
        " 退出码：0 无错误；1 有错误；2 有文件无法读取或参数错误。",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="文件或文件夹 / files or folders")
    p.add_argument("--year", type=int, help="应为哪个年度的报告 / expected report year")
    add_format_arg(p)
    p.add_argument("--previous", type=Path, metavar="PREV",
                   help="上一年度的报告，用于跨年度核对：某单位的工作簿或 .json（只与同一单位的文件核对），或上一年度的"
                   "收件库、汇总（summary.json/xlsx）、已公开年报文件夹（需 --year；每个文件与本单位的上年报告核对）"
                   " / last year's reports for cross-year rules, matched by agency")
    p.add_argument("--secret-file", type=Path, metavar="KEY", help="下发模板时使用的密钥文件 / issuer secret")
    p.add_argument("--json", action="store_true", help="以 JSON 输出结果 / print results as JSON")
    p.add_argument("--annotate", type=Path, metavar="DIR",
                   help="为有问题的文件生成批注副本，放入这个文件夹 / write annotated copies into DIR")
    p.add_argument("--quiet-info", action="store_true", help="不显示提示级信息 / hide info findings")
    p.add_argument("--max-size", type=size_mb, default=None, metavar="MB", help="单个文件大小上限（MB）/ size cap")
    p.add_argument("-j", "--jobs", type=int, default=1, metavar="N", help="并行进程数 / parallel processes")
    p.set_defaults(run=run)


def run(args) -> int:
    from nianbao.check.run import prepare
    from nianbao.intake.safety import DEFAULT_MAX_BYTES

    files = expand_paths(args.paths)
    if not files:
        raise UsageError("没有找到要校验的文件 / no files to check")
    previous = _previous(args) if args.previous else None
    options = dict(
        expect_year=args.year,
        expect_format=args.format_id,
        secret=read_secret(args.secret_file),
        previous=previous,
        max_bytes=int(args.max_size * 1024 * 1024) if args.max_size else DEFAULT_MAX_BYTES,
    )
    if args.annotate:  # a folder that cannot be written is refused before any file is checked
        import tempfile

        args.annotate.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=args.annotate).close()
    from nianbao.check.terminal import make_console, print_result, print_results, print_total

    show_info = not args.quiet_info
    console = None if args.json or args.annotate else make_console()  # each result printed as it is ready
    each = None if console is None else (lambda result: print_result(console, result, show_info=show_info))
    results = run_parallel(check_brief, files, options, jobs=args.jobs, label="校验", prepare=prepare, each=each)
    if args.annotate:  # the copies' names are part of each result's lines: printed once all are written
        from nianbao.check.annotate import annotate_all

        annotate_all(results, args.annotate)
    if console is not None:
        print_total(console, results)
    else:
        console = print_results(results, as_json=args.json, show_info=show_info)
    if console is not None and args.annotate:
        made = sum(r.annotated is not None for r in results)
        console.print(f"批注副本 {made} 个，已写入 {markup(args.annotate)}" if made else "没有生成批注副本",
                      highlight=False)
    if any(r.status == "unreadable" for r in results):
        return 2
    return 1 if any(r.errors for r in results) else 0


def _previous(args):
    """Last year's reports, by agency (county/previous.py): a store, a summary, a folder of published
    reports (these need --year), or one report (workbook or .json) of one agency."""
    from nianbao.county.previous import PreviousError, load_previous, load_report

    secret = read_secret(args.secret_file)
    path = args.previous
    if not path.exists():
        raise UsageError(f"找不到上一年度数据 {path}")
    try:
        single = load_report(path, secret)
        if single is not None:
            return single
        if args.year is None:
            raise UsageError("用上一年度的收件库、汇总或已公开年报文件夹核对时，请用 --year 给出本年度")
        return load_previous(path, args.year - 1, secret)
    except PreviousError as exc:
        raise UsageError(str(exc)) from None


def check_brief(path, previous=None, **options):
    """check_file without the report document: the command prints findings, and a province's
    worth of documents would only cost memory and transfer between processes. previous: last
    year's reports; the file is compared with its own agency's (county/state.py), as compile does."""
    from nianbao.check.run import check_file

    result = check_file(path, **options)
    if previous is not None and result.document is not None and result.kind != "summary":
        from nianbao.county.state import cross_year
        from nianbao.format.figures import Figures

        agency = result.agency or {}
        for found in cross_year(Figures.of(result.document), previous, agency.get("code"), agency.get("name")):
            result.add(found)
    result.document = None
    return result
