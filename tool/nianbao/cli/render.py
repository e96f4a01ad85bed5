"""nianbao render SOURCE --to docx|html|md -o FILE: the publishable annual report."""

from __future__ import annotations

import sys
from pathlib import Path

from nianbao.printable import printable

from . import UsageError

FORMS = ("docx", "html", "md")


def add_contact_arg(p) -> None:
    """--contact KEY=VALUE, repeated: the public contact line of the report's opening paragraph."""
    p.add_argument("--contact", action="append", metavar="键=值",
                   help="报告开头的联系方式，可重复：--contact 地址=… --contact 邮编=… --contact 电话=… "
                   "--contact 邮箱=…（可加 --contact 单位=…，默认为报告单位）/ the public contact line")


def contact_arg(args):
    """The Contact the --contact items give (None without any); a mistake is a usage error."""
    from nianbao.render import ContactError, parse_contact

    try:
        return parse_contact(args.contact)
    except ContactError as exc:
        raise UsageError(str(exc)) from None


def register(sub) -> None:
    p = sub.add_parser(
        "render", help="生成可发布的年度报告（.docx / .html / .md）/ render the publishable report",
        description="把报告数据（.json）、填好的年报工作簿（.xlsx）或县级汇总（summary.json / summary.xlsx）"
        "生成为可直接发布的年度报告：标题、导语、六个部分、三张法定表格（官方版式）和落款。"
        "第二、三、四部分在表格前写明按表格生成的数字表述。"
        "报告有错误、或正文所述数字与表格不一致时拒绝生成，除非加 --force（此时每页标注“草稿”）。"
        " 退出码：0 已生成且无错误；1 有错误（未生成，或按 --force 生成了草稿）；2 无法读取或参数错误。",
    )
    p.add_argument("source", type=Path, metavar="SOURCE",
                   help="报告数据 .json、工作簿 .xlsx 或汇总 summary.json / summary.xlsx")
    p.add_argument("--to", choices=FORMS, help="输出格式 output form（默认按 -o 的扩展名）")
    p.add_argument("-o", "--output", type=Path, metavar="FILE",
                   help="输出文件（默认与 SOURCE 同名，换扩展名）/ output file")
    p.add_argument("--title-template", metavar="TEXT",
                   help="标题格式，可用 {agency} 和 {year}（默认 “{agency}{year}年政府信息公开工作年度报告”）")
    p.add_argument("--force", action="store_true",
                   help="报告有错误或正文与表格不一致也生成，每页标注“草稿” / render a marked draft despite errors")
    p.add_argument("--previous", type=Path, metavar="FILE",
                   help="上一年度的报告，用于跨年度核对 / last year's report for cross-year rules")
    add_contact_arg(p)
    p.set_defaults(run=run)


def _target(args) -> tuple[str, Path]:
    to = args.to
    out = args.output
    if to is None:
        suffix = out.suffix.lower().lstrip(".") if out else ""
        if suffix not in FORMS:
            raise UsageError("请用 --to docx|html|md 指定输出格式（或让 -o 的扩展名为 .docx/.html/.md）")
        to = suffix
    if out is None:
        out = args.source.with_suffix(f".{to}")
    elif out.suffix.lower().lstrip(".") in FORMS and out.suffix.lower().lstrip(".") != to:
        raise UsageError(f"--to {to} 与输出文件 {out.name} 的扩展名不一致")
    if out.resolve() == args.source.resolve():
        raise UsageError(f"输出文件 {out} 与输入文件相同，请用 -o 另指定")
    if not out.parent.is_dir():
        raise UsageError(f"输出文件夹 {out.parent} 不存在")
    return to, out


def _load(source: Path, previous: dict | None):
    """The check result of the source; a summary.json is checked through its county report."""
    from nianbao.check.run import check_document, check_file

    if not source.exists():
        raise UsageError(f"文件不存在：{source}")
    if source.suffix.lower() == ".json":
        from nianbao.format.document import DocumentError, load_document

        try:
            data = load_document(source)
        except OSError as exc:
            raise UsageError(f"无法读取 {source}：{exc.strerror or exc}") from None
        except DocumentError as exc:
            raise UsageError(f"无法使用 {source}：{exc}") from None
        if isinstance(data, dict) and isinstance(data.get("report"), dict) and "agencies" in data:
            data = data["report"]  # summary.json from nianbao compile: its county report
        kind = "summary" if isinstance(data, dict) and "consolidated" in data else "department"
        return check_document(data, previous=previous, file=str(source), kind=kind)
    result = check_file(source, previous=previous)
    if result.document is not None and result.kind == "summary" and "consolidated" not in result.document:
        from nianbao.intake.read import read_breakdown

        members = [{"code": d["agency"]["code"], "name": d["agency"]["name"]} for d in read_breakdown(source).values()]
        result.document["consolidated"] = {"members": members}
    return result


def run(args) -> int:
    from rich.console import Console

    from nianbao.check.narrative import narrative_rules
    from nianbao.check.terminal import print_result
    from nianbao.format.spec import all_formats
    from nianbao.paths import atomic_output, os_error_text
    from nianbao.render import TitleTemplateError, render_document
    from nianbao.render.report_text import CONTRADICTION_MARK, INCOMPLETE_MARK, make_title, missing_narrative

    to, out = _target(args)
    contact = contact_arg(args)
    if args.title_template is not None:
        try:
            make_title(args.title_template, "机构", 2021)
        except TitleTemplateError as exc:
            raise UsageError(str(exc)) from None
    previous = None
    if args.previous:
        prev = _load(args.previous, None)
        if prev.document is None:
            raise UsageError(f"无法读取上一年度报告 {args.previous}")
        previous = prev.document
    result = _load(args.source, previous)
    console = Console(stderr=True, highlight=False)
    fmt = all_formats().get(result.format) if result.format else None
    if result.document is None or fmt is None:
        print_result(console, result)
        print(f"nianbao: 无法读取报告 {printable(args.source)}，未生成。", file=sys.stderr)
        return 2
    if result.errors and not args.force:
        print_result(console, result, show_info=False)
        print(f"nianbao: 报告有 {result.errors} 个错误，未生成。请改正后重试；"
              "如只需核对用的草稿，可加 --force（每页将标注“草稿（未通过校验）”）。", file=sys.stderr)
        return 1
    contradictions = [f for f in result.findings if f.rule in narrative_rules(fmt)]
    if contradictions and not args.force:
        print_result(console, result, show_info=False)
        print(f"nianbao: 报告正文有 {len(contradictions)} 处所述数字与表格不一致（见上），未生成。"
              "请改正正文或表格（或改用提示中按表格生成的表述），然后重试；"
              f"如只需核对用的草稿，可加 --force（每页将标注“{CONTRADICTION_MARK}”）。", file=sys.stderr)
        return 1
    draft = bool(result.errors)
    try:
        with atomic_output(out) as tmp:  # a full disk leaves no half-written report
            render_document(result.document, fmt, to, tmp, draft=draft, title_template=args.title_template,
                            contact=contact)
    except OSError as exc:
        raise UsageError(os_error_text(exc)) from None
    if draft:
        print_result(console, result, show_info=False)
        print(f"已生成草稿（有 {result.errors} 个错误，每页标注“草稿（未通过校验）”，不得发布）：{printable(out)}")
        return 1
    if contradictions:
        print_result(console, result, show_info=False)
        print(f"已生成草稿（正文有 {len(contradictions)} 处与表格不一致，"
              f"每页标注“{CONTRADICTION_MARK}”，不得发布）：{out}")
        return 1
    missing = missing_narrative(result.document, fmt) if "consolidated" in result.document else []
    if missing:  # a county report without its own words is drawn as a draft (render_document)
        print(f"已生成草稿（缺少：{'；'.join(missing)}；每页标注“{INCOMPLETE_MARK}”，不得发布）：{printable(out)}\n"
              "请用 nianbao compile 的 --narrative 或 --narrative-from 补齐后重新生成。")
        return 1
    if result.warnings:
        print(f"已生成：{printable(out)}（有 {result.warnings} 个警告，发布前请确认）")
    else:
        print(f"已生成：{printable(out)}")
    if contact is None:
        print(NO_CONTACT_HINT)
    return 0


NO_CONTACT_HINT = ("提示：报告开头没有写联系方式（公开的年报通常写明地址、邮编、电话和电子邮箱），"
                   "可用 --contact 地址=… --contact 邮编=… --contact 电话=… --contact 邮箱=… 补充。")
