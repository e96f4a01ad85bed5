"""nianbao collect PATH... --store DIR: receive returned files into the store, never losing one."""

from __future__ import annotations

from pathlib import Path

from . import UsageError
from .common import expand_paths, read_secret


def register(sub) -> None:
    p = sub.add_parser("collect", help="收件：把报送的文件存入收件库 / receive files into the store",
                       description="把收到的文件逐字节原样存入收件库（按 SHA-256 命名，从不覆盖），并追加收件记录。"
                       " 内容相同的文件只收一次；同一单位的新文件取代旧文件参与汇总，旧文件仍保留。")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="文件或文件夹 / files or folders")
    p.add_argument("--store", type=Path, required=True, metavar="DIR", help="收件库文件夹 / store folder")
    p.add_argument("--secret-file", type=Path, metavar="KEY", help="下发模板时使用的密钥文件 / issuer secret")
    p.set_defaults(run=run)


def run(args) -> int:
    from rich.markup import escape

    from nianbao.check.terminal import make_console
    from nianbao.county.store import Store, collect

    files = expand_paths(args.paths)
    if not files:
        raise UsageError("没有找到要收取的文件 / nothing to collect")
    store = Store(args.store)
    console = make_console()
    new = 0
    for path, result, receipt in collect(files, store, secret=read_secret(args.secret_file)):
        agency = result.agency or {}
        who = " ".join(x for x in (agency.get("code"), agency.get("name")) if x) or "（无法识别单位）"
        if not path.is_file():
            console.print(f"  [red]✗ 找不到文件[/red] {escape(str(path))}")
            continue
        if receipt is None:
            console.print(f"  [dim]= 已收取过（内容相同，不重复保存）[/dim] {escape(path.name)}  {escape(who)}")
            continue
        new += 1
        console.print(f"  [green]+ 已收取[/green] {escape(path.name)}  {escape(who)}  "
                      f"{result.year or ''}{'年' if result.year else ''}  校验：{result.status_label}"
                      f"（错误 {result.errors}，警告 {result.warnings}）  → {escape(receipt.stored_as)}")
    console.print(f"新收取 {new} 个文件；收件库 {escape(str(args.store))} 共有 {len(store.receipts())} 条收件记录。")
    return 0
