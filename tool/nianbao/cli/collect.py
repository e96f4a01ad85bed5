"""nianbao collect PATH... --store DIR: receive returned files into the store, never losing one."""

from __future__ import annotations

from pathlib import Path

from nianbao.printable import markup, printable

from . import UsageError
from .common import add_timezone_arg, read_secret


def register(sub) -> None:
    p = sub.add_parser("collect", help="收件：把报送的文件存入收件库 / receive files into the store",
                       description="把收到的文件逐字节原样存入收件库（按 SHA-256 命名，从不覆盖），并追加收件记录。"
                       " 按文件进入收件箱的先后（修改时间）收取；每次报送都记录（内容与以前收到的相同也记一次，"
                       "内容只保存一次），同一文件再次收取时不重复记录。同一单位最近报送的可用文件参与汇总，"
                       "无法读取或不是本单位本年度模板的文件不会取代之前的可用文件，旧文件仍保留。"
                       " 不跟随符号链接，不收取命名管道等特殊文件（均在输出中列出）；"
                       "收件库位于收件箱内时跳过收件库自身。")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="文件或文件夹 / files or folders")
    p.add_argument("--store", type=Path, required=True, metavar="DIR", help="收件库文件夹 / store folder")
    p.add_argument("--secret-file", type=Path, metavar="KEY", help="下发模板时使用的密钥文件 / issuer secret")
    add_timezone_arg(p)
    p.set_defaults(run=run)


def run(args) -> int:
    from nianbao import clock
    from nianbao.check.terminal import make_console
    from nianbao.county.inbox import scan
    from nianbao.county.receipts import gbk_reading
    from nianbao.county.store import Store, collect_files

    secret = read_secret(args.secret_file)
    store = Store(args.store)
    try:
        store.ensure()
    except OSError as exc:
        raise UsageError(f"无法创建收件库 {printable(args.store)}：{exc.strerror}") from None
    files, skipped = scan(args.paths, exclude=[args.store])
    console = make_console()
    for item in skipped:
        console.print(f"  [yellow]! 未收取[/yellow] {markup(item.path)}：{markup(item.reason)}")
    if not files and not skipped:
        raise UsageError("没有找到要收取的文件 / nothing to collect")
    new = again = failed = 0
    for item in collect_files(files, store, secret=secret):
        path, result = item.path, item.result
        name = markup(path.name)
        guess = gbk_reading(path)
        if guess:
            name += f"（文件名不是 UTF-8 编码，按 GBK 读作“{markup(guess)}”）"
        agency = result.agency or {}
        who = markup(" ".join(x for x in (agency.get("code"), agency.get("name")) if x) or "（无法识别单位）")
        if item.problem:
            failed += 1
            console.print(f"  [red]✗ 未能收取[/red] {markup(path)}：{markup(item.problem)}")
        elif item.again is not None:
            again += 1
            first = item.first
            console.print(f"  [cyan]↻ 再次报送[/cyan] {name}  {who}  "
                          f"内容与 {markup(clock.show(first.received_at))} 收到的 "
                          f"{markup(first.original_name)} 相同（不重复保存），记为一次新的报送，按最新报送计")
        elif item.receipt is None:
            console.print(f"  [dim]= 已收取过（内容相同，不重复保存）[/dim] {name}  {who}")
        else:
            new += 1
            console.print(f"  [green]+ 已收取[/green] {name}  {who}  "
                          f"{result.year or ''}{'年' if result.year else ''}  校验：{result.status_label}"
                          f"（错误 {result.errors}，警告 {result.warnings}）  → {markup(item.receipt.stored_as)}")
    receipts, damaged = store.read()
    for line in damaged:
        console.print(f"  [yellow]! {markup(line.message())}[/yellow]")
    if damaged:
        console.print("    已跳过损坏的行，其余收件记录照常使用。请运行 nianbao store verify 检查收件库。")
    console.print(f"新收取 {new} 个文件" + (f"，再次报送 {again} 个" if again else "")
                  + f"；收件库 {markup(args.store)} 共有 {len(receipts)} 条收件记录。"
                  + (f"未收取 {len(skipped) + failed} 项（见上）。" if skipped or failed else ""))
    return 2 if failed else 0
