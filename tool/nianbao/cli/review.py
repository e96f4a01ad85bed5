"""nianbao review: the office's review without the web service — list, show, accept, return, explain.

The same decisions as the web's 接收/退回 and the same rules (county/state.py, county/review.py):
a report with errors is accepted only with a reason, a returned one is not counted and is chased
by `remind`, a department's explanation of a finding is kept with that finding. Each decision
is one line of the store's events.jsonl naming who made it (cli:<login name>, or --by).
"""

from __future__ import annotations

from nianbao.printable import markup, printable

from . import UsageError
from .county_args import add_state_args, load_state

_STYLE = {"missing": "magenta", "error": "red", "warning": "yellow", "ok": "green"}
_REVIEW_STYLE = {"accepted": "green", "accepted_errors": "green", "returned": "red", "reopened": "yellow",
                 "pending": "dim", "": "dim"}


def register(sub) -> None:
    p = sub.add_parser(
        "review", help="审核：接收、附说明接收、退回，记录单位说明 / review reports",
        description="县政府办公室审核各单位报送的年报（不需要网上报送服务）。list 列出每个单位当前采用的文件、"
        "校验结论和审核情况；show 查看一个单位的问题（带编号）、报送记录和说明；accept 接收（有错误的报告须用 "
        "--reason 写明接收理由，接收后计入汇总，标注“已接收（附说明）”）；return 退回修改（须用 --note 写明意见，"
        "退回的报告不计入汇总，remind 会催报）；explain 记录单位对某个问题的说明。审核只针对当前采用的文件，"
        "单位报送新文件后需重新审核。每个决定都记入收件库的 events.jsonl（时间、操作人）。"
        " 退出码：list/show 0 无需催报，1 有需催报的单位；accept/return/explain 0 已记录，2 不能这样审核或参数错误。")
    actions = p.add_subparsers(dest="action", metavar="操作", help="list 列表 / show 查看 / accept 接收 / "
                               "return 退回 / explain 记录说明")
    ls = actions.add_parser("list", help="列出各单位的状态和审核情况 / list units",
                            description="列出名单上每个单位当前采用的文件、校验结论、审核情况和是否计入汇总。")
    add_state_args(ls)
    ls.add_argument("--due", action="store_true", help="只列出需要催报的单位 / only units remind would chase")
    ls.set_defaults(run=run_list)
    show = actions.add_parser("show", help="查看一个单位：问题、报送记录、说明 / show one unit",
                              description="查看一个单位当前采用的文件、每个问题（带编号，explain 用）、单位的说明、"
                              "审核意见和全部报送记录（每份文件为何未被采用）。")
    show.add_argument("code", metavar="CODE", help="单位代码 / agency code")
    add_state_args(show)
    show.set_defaults(run=run_show)
    acc = actions.add_parser("accept", help="接收当前文件（有错误须写理由）/ accept",
                             description="接收单位当前采用的文件。有错误的报告须用 --reason 写明接收理由"
                             "（例如“单位已说明：去年年报结转数有误，已于 2 月更正”），接收后计入汇总，"
                             "标注“已接收（附说明）”；之后若又发现接收时没有的错误，需重新审核。")
    acc.add_argument("code", metavar="CODE", help="单位代码 / agency code")
    acc.add_argument("--reason", default="", metavar="TEXT", help="接收理由（有错误的报告必填）/ reason")
    acc.add_argument("--by", metavar="NAME", help="审核人（默认：当前登录用户）/ who decides")
    add_state_args(acc)
    acc.set_defaults(run=run_accept)
    ret = actions.add_parser("return", help="退回修改（须写意见）/ return with a note",
                             description="退回单位当前采用的文件，--note 写明需要修改的内容。退回的报告不计入汇总，"
                             "nianbao remind 会催报，直到单位报送新文件并通过审核。")
    ret.add_argument("code", metavar="CODE", help="单位代码 / agency code")
    ret.add_argument("--note", required=True, metavar="TEXT", help="退回意见 / what to change")
    ret.add_argument("--by", metavar="NAME", help="审核人（默认：当前登录用户）/ who decides")
    add_state_args(ret)
    ret.set_defaults(run=run_return)
    exp = actions.add_parser("explain", help="记录单位对某个问题的说明 / record an explanation",
                             description="记录单位对当前文件某个错误或警告的说明（例如电话或书面说明），"
                             "问题编号见 nianbao review show。说明显示在汇总表的问题清单和 summary.json 中。")
    exp.add_argument("code", metavar="CODE", help="单位代码 / agency code")
    exp.add_argument("number", type=int, metavar="N", help="问题编号（nianbao review show 中的 [N]）")
    exp.add_argument("--text", required=True, metavar="TEXT", help="单位的说明 / the explanation")
    exp.add_argument("--by", metavar="NAME", help="记录人（默认：当前登录用户）/ who records it")
    add_state_args(exp)
    exp.set_defaults(run=run_explain)
    p.set_defaults(run=lambda args: p.print_help() or 2)


def run_list(args) -> int:
    from rich.table import Table

    from nianbao import clock
    from nianbao.check.terminal import make_console

    ctx = load_state(args)
    console = make_console()
    table = Table(title=f"{ctx.year} 年度报送与审核情况（{markup(ctx.store)}）")
    for col in ("单位代码", "单位名称", "状态", "审核", "错误", "警告", "计入汇总", "需催报"):
        table.add_column(col, no_wrap=True)
    table.add_column("当前采用的文件", overflow="fold")
    table.add_column("说明", overflow="fold")
    for s in ctx.state.agencies:
        if args.due and not s.due:
            continue
        style, rstyle = _STYLE[s.status], _REVIEW_STYLE[s.review]
        current = f"{printable(s.arrived.name)}（{clock.show(s.arrived.at)}）" if s.arrived else ""
        table.add_row(markup(s.entry.code), markup(s.entry.name), f"[{style}]{s.label}[/{style}]",
                      f"[{rstyle}]{s.review_label}[/{rstyle}]", str(s.count("error")), str(s.count("warning")),
                      "是" if s.included else "否", "是" if s.due else "", markup(current), markup("；".join(s.notes)))
    console.print(table)
    due = ctx.state.due
    console.print(f"名单 {len(ctx.state.agencies)} 个单位：计入汇总 {sum(s.included for s in ctx.state.agencies)} 个，"
                  f"需催报 {len(due)} 个。查看一个单位：nianbao review show 单位代码 --store {markup(str(ctx.store))}",
                  highlight=False)
    return 1 if due else 0


def run_show(args) -> int:
    ctx = load_state(args)
    st = _agency(ctx, args.code)
    print_agency(st)
    return 1 if st.due else 0


def print_agency(st) -> None:
    from nianbao import clock
    from nianbao.check.terminal import finding_line, make_console
    from nianbao.county.state import ROLE_LABELS

    console = make_console()
    style = _STYLE[st.status]
    console.print(f"[bold]{markup(st.entry.name)}[/bold]（{markup(st.entry.code)}）"
                  f"  结论：[{style}]{st.label}[/{style}]"
                  + (f"  审核：{st.review_label}" if st.review else "")
                  + f"  计入汇总：{'是' if st.included else '否'}" + ("  [red]需催报[/red]" if st.due else ""),
                  highlight=False)
    if st.arrived:
        console.print(f"  当前采用：{markup(st.arrived.name)}（{clock.show(st.arrived.at)} 收到）", highlight=False)
    if st.decision:
        word = {"accepted": "接收", "returned": "退回"}[st.decision.kind]
        console.print(f"  审核：{markup(st.decision.actor)} 于 {clock.show(st.decision.at)} {word}"
                      + (f"：{markup(st.decision.note)}" if st.decision.note else ""), highlight=False)
    for note in st.notes:
        console.print(f"  [yellow]注意[/yellow]：{markup(note)}", highlight=False)
    shown_findings = [f for f in st.findings if f.severity in ("error", "warning")]
    if shown_findings:
        console.print("  问题（编号用于 nianbao review explain）：")
    for n, f in enumerate(shown_findings, start=1):
        word = "错误" if f.severity == "error" else "警告"
        console.print(f"    [{n}] {word} {markup(finding_line(f))} [dim]〔{markup(f.rule)}〕[/dim]", highlight=False)
        said = st.explanation(f)
        if said:
            console.print(f"        单位说明（{markup(said.actor)}，{clock.show(said.at)}）：{markup(said.note)}",
                          highlight=False)
    if st.history:
        console.print("  报送记录（最新在前）：")
    for up in st.history:
        via = f"，经 {up.via} 的报送链接" if up.via else ""
        why = f"：{up.why}" if up.why else ""
        console.print(f"    {clock.show(up.at)}  {markup(up.name)}{markup(via)} — "
                      f"{ROLE_LABELS[up.role]}{markup(why)}", highlight=False)


def run_accept(args) -> int:
    from nianbao.county.review import accept

    return _decide(args, lambda store, st, actor: accept(store, st, args.reason, actor), "已接收")


def run_return(args) -> int:
    from nianbao.county.review import return_

    return _decide(args, lambda store, st, actor: return_(store, st, args.note, actor), "已退回")


def run_explain(args) -> int:
    from nianbao.county.review import explain

    def record(store, st, actor):
        shown_findings = [f for f in st.findings if f.severity in ("error", "warning")]
        if not 1 <= args.number <= len(shown_findings):
            raise UsageError(f"{st.entry.name} 当前文件的问题编号为 1–{len(shown_findings)}（见 nianbao review show "
                             f"{st.entry.code}），没有第 {args.number} 个。" if shown_findings else
                             f"{st.entry.name} 当前文件没有错误或警告，无需说明。")
        return explain(store, st, shown_findings[args.number - 1], args.text, actor)

    return _decide(args, record, "已记录说明")


def _decide(args, record, done: str) -> int:
    from nianbao.county.events import actor_of_user
    from nianbao.county.review import ReviewError
    from nianbao.county.store import Store, StoreError

    ctx = load_state(args)
    st = _agency(ctx, args.code)
    actor = f"cli:{args.by.strip()}" if args.by and args.by.strip() else actor_of_user()
    try:
        record(Store(ctx.store), st, actor)
    except (ReviewError, StoreError) as exc:
        raise UsageError(str(exc)) from None
    st = ctx.refresh().of(args.code)
    print(f"{done}：{st.entry.name}（{st.entry.code}）。")
    print_agency(st)
    return 0


def _agency(ctx, code: str):
    st = ctx.state.of(code)
    if st is None:
        raise UsageError(f"名单中没有单位代码 {code}。")
    return st
