"""nianbao store verify --store DIR: check that a store is complete and unchanged."""

from __future__ import annotations

from pathlib import Path

from nianbao.printable import markup, printable

from . import UsageError


def register(sub) -> None:
    p = sub.add_parser("store", help="收件库维护：核对收件库 / maintain the intake store",
                       description="收件库维护命令。verify：重新计算每个文件的 SHA-256，"
                       "核对收件记录与文件是否一一对应，以及报送与审核记录（events.jsonl）是否完好。")
    actions = p.add_subparsers(dest="action", metavar="操作", help="要做的维护：verify 核对收件库")
    v = actions.add_parser("verify", help="核对收件库：文件是否齐全、未被改动 / verify the store",
                           description="重新计算收件库中每个文件的 SHA-256，列出：损坏的收件记录行（行号）、"
                           "有记录但文件缺失、文件内容被改动、有文件但没有收件记录、重复记录、"
                           "损坏的报送与审核记录行、指向收件库中没有的文件的报送与审核记录。"
                           "只读取，不修改收件库。有任何问题时退出码为 1。")
    v.add_argument("--store", type=Path, required=True, metavar="文件夹", help="收件库文件夹 / store folder")
    v.set_defaults(run=run_verify)
    p.set_defaults(run=lambda args: p.print_help() or 2)


_KIND_WORDS = {"sent": "报送", "accepted": "接收", "returned": "退回", "explained": "说明"}


def run_verify(args) -> int:
    from nianbao import clock
    from nianbao.check.terminal import make_console
    from nianbao.county.store_verify import is_store, verify_store

    if not is_store(args.store):
        raise UsageError(f"{printable(args.store)} 不是收件库（缺少 receipts.jsonl 和 files/）。")
    report = verify_store(args.store)
    console = make_console()
    console.print(f"收件库 {markup(args.store)}：收件记录 {report.receipts} 条，文件 {report.files} 个，"
                  f"报送与审核记录 {report.events} 条。")
    sections = [
        ([d.message() for d in report.damaged], "损坏的收件记录行（已跳过，其余记录照常使用）"),
        ([f"{r.stored_as}（{r.original_name}，收到于 {clock.show(r.received_at)}）" for r in report.missing],
         "有收件记录但文件缺失"),
        (report.altered, "文件内容与其 SHA-256 名称不符（收到后被改动或损坏）"),
        (report.orphans, "有文件但没有收件记录（再次收取该文件即可补记）"),
        ([f"{r.stored_as}（{r.original_name}，收到于 {clock.show(r.received_at)}）" for r in report.duplicates],
         "同一文件的重复收件记录"),
        (report.strange, "files/ 中不应出现的项目（符号链接、特殊文件或名称不符）"),
        ([d.message() for d in report.events_damaged], "损坏的报送与审核记录行（已跳过，其余记录照常使用）"),
        ([f"{_KIND_WORDS.get(e.kind, e.kind)}（{e.at}，{e.actor}，单位 {e.agency_code or '—'}）：{e.sha256}"
          for e in report.events_unmatched], "报送与审核记录指向收件库中没有收件记录的文件"),
    ]
    for items, title in sections:
        if items:
            console.print(f"[red]✗ {title}：{len(items)} 项[/red]")
            for item in items:
                console.print(f"    {markup(item)}")
    if report.temporary:
        console.print(f"[yellow]! 中断的收件留下的临时文件 {len(report.temporary)} 个（不影响收件记录，"
                      f"确认没有正在进行的收件后可删除）：[/yellow]")
        for item in report.temporary:
            console.print(f"    {markup(item)}")
    if report.ok:
        console.print("[green]✓ 收件库完整：每条收件记录都有对应文件，每个文件内容未被改动且都有记录，"
                      "报送与审核记录完好。[/green]")
        return 0
    console.print("[red]收件库有问题，见上。原始文件请勿手工修改；如有备份，请从备份恢复缺失或被改动的文件。[/red]")
    return 1
