"""nianbao fill report.json -o FILE.xlsx: a template filled from a report document.

The numbers are written as they are, even when they break the schema or the rules (a
word in a number cell, an unbalanced column): fill turns any document, broken ones
included, into the workbook a department would have returned. Only the format, year and
agency must be usable.

Totals are formulas in the workbook, so a document whose printed totals disagree with their
parts, or that has cells printed blank or unreadable (a published report read by `nianbao
import`), would be silently changed: fill refuses it, naming the cells, unless --recompute
accepts the recomputed totals (and leaves blank and unreadable cells empty) on purpose.
"""

from __future__ import annotations

from pathlib import Path

from nianbao.format.identity import DEFAULT_PASSWORD
from nianbao.printable import printable

from . import UsageError
from .common import read_secret
from .template import write_or_fail


def register(sub) -> None:
    p = sub.add_parser(
        "fill",
        help="用报告数据（.json）填写模板 / fill a template from a report document",
        description="读取报告数据（.json），生成按其数字和文字填好的年报模板；数字原样写入，不做校验。",
    )
    p.add_argument("document", type=Path, metavar="REPORT.json", help="报告数据 / report document")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.xlsx", help="输出文件 / output file")
    p.add_argument("--password", help=f"工作表保护密码（默认 {DEFAULT_PASSWORD}）/ sheet protection password")
    p.add_argument("--secret-file", type=Path, metavar="KEY", help="下发签名密钥 / issuer secret")
    p.add_argument("--recompute", action="store_true",
                   help="接受按各项重新计算的合计，空白和无法读取的单元格留空 / accept recomputed totals on purpose")
    p.set_defaults(run=run)


def load_fillable(path: Path) -> dict:
    """The document, if its format, year and agency are usable; UsageError naming the problem otherwise."""
    from nianbao.format.document import DocumentError, load_document

    try:
        doc = load_document(path)
    except OSError as exc:
        raise UsageError(f"无法读取报告数据 {path}：{exc.strerror or exc}") from None
    except DocumentError as exc:
        raise UsageError(f"报告数据 {path} 无法使用：{exc}") from None
    if not isinstance(doc, dict):
        raise UsageError(f"报告数据 {path} 应为一个 JSON 对象（{{\"format\": …, \"tables\": …}}）")
    year = doc.get("year")
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year)
    if not isinstance(year, int) or isinstance(year, bool):
        raise UsageError(f"报告数据 {path} 缺少有效的年度（year），现为 {doc.get('year')!r}")
    doc["year"] = year
    agency = doc.get("agency")
    if not isinstance(agency, dict) or not str(agency.get("name") or "").strip():
        raise UsageError(f"报告数据 {path} 缺少单位名称（agency.name）")
    if doc.get("tables") is not None and not isinstance(doc.get("tables"), dict):
        raise UsageError(f"报告数据 {path} 的 tables 应为一个对象（单元格 → 数字）")
    return doc


def run(args) -> int:
    from nianbao.format.document import parse_level
    from nianbao.format.spec import all_formats
    from nianbao.template.write import write_template

    doc = load_fillable(args.document)
    fmt = all_formats().get(str(doc.get("format")))
    if fmt is None:
        known = ", ".join(sorted(all_formats()))
        raise UsageError(f"报告数据 {args.document} 的格式 {doc.get('format')!r} 未知；可选：{known}")
    raw = doc["agency"]
    agency = {"name": str(raw["name"]).strip(), "code": str(raw.get("code") or raw["name"]).strip()}
    try:
        level = parse_level(str(raw.get("level") or ""))
    except ValueError:
        raise UsageError(f"报告数据 {args.document} 的层级 agency.level={raw.get('level')!r} 无法识别") from None
    if level:
        agency["level"] = level
    if args.output.suffix.lower() != ".xlsx":
        raise UsageError(f"输出文件应以 .xlsx 结尾：{args.output}")
    if args.output.parent and not args.output.parent.is_dir():
        raise UsageError(f"输出文件夹不存在：{args.output.parent}")
    refuse_changes(fmt, doc, args)
    options = {"document": doc, "password": args.password, "secret": read_secret(args.secret_file)}
    write_or_fail(write_template, fmt, doc["year"], agency, args.output, options)
    note = "" if fmt.covers(doc["year"]) else f"（注意：格式 {fmt.id} 本不适用于 {doc['year']} 年度）"
    print(f"已按 {printable(args.document)} 填写 {printable(agency['name'])} {doc['year']} 年度模板 → "
          f"{printable(args.output)}{note}")
    return 0


def refuse_changes(fmt, doc: dict, args) -> None:
    """UsageError naming every cell fill would change (printed totals, blank, unreadable), unless --recompute."""
    from nianbao.published.states import fill_problems

    problems = fill_problems(fmt, doc)
    if not problems or args.recompute:
        return
    shown = [f"  {p}" for p in problems[:20]] + ([f"  …… 共 {len(problems)} 处"] if len(problems) > 20 else [])
    raise UsageError(f"报告数据 {args.document} 填入模板会改变其内容（模板中的合计是公式），未填写：", *shown,
                     "如确需按各项重新计算合计（空白和无法读取的单元格留空），请加 --recompute。")
