"""nianbao links: one private link per roster agency, as CSV for mail merge and a printable sheet."""

from __future__ import annotations

import sys
from pathlib import Path

from nianbao.printable import printable

from . import UsageError
from .common import add_timezone_arg


def register(sub) -> None:
    p = sub.add_parser("links", help="各单位的专属报送链接 / the agencies' private links",
                       description="按名单为每个单位打印专属报送链接（CSV：code,name,url，可用于邮件合并），并可生成可打印的"
                       "链接单。链接只能打开对应单位的页面；--rotate 更换某个单位的链接，旧链接立即失效。")
    p.add_argument("--store", type=Path, required=True, metavar="DIR", help="收件库文件夹 / the intake store")
    p.add_argument("--roster", type=Path, metavar="ROSTER.csv", help="单位名单（默认：nianbao serve 使用的名单）")
    p.add_argument("--year", type=int, help="报告年度（默认：nianbao serve 使用的年度）")
    p.add_argument("--base-url", metavar="URL",
                   help="各单位访问本服务的地址，如 https://nianbao.example.gov.cn（默认：nianbao serve 记录的地址）")
    p.add_argument("--allow-local-links", action="store_true",
                   help="允许指向本机（127.0.0.1、localhost）的链接：只在本机试用时使用 / allow loopback links")
    p.add_argument("--rotate", action="append", default=[], metavar="CODE", help="更换该单位的链接 / replace a link")
    p.add_argument("-o", "--output", type=Path, metavar="links.csv", help="写入 CSV 文件（默认输出到屏幕）")
    p.add_argument("--sheet", type=Path, metavar="links.html",
                   help="另存可打印的链接单（HTML，A4，每个单位一块，附二维码，可剪开分发）/ printable sheet")
    add_timezone_arg(p, "nianbao serve 使用的时区，否则 Asia/Shanghai，即北京时间")
    p.set_defaults(run=run)


def recorded(store: Path, *keys: str) -> dict[str, str | None]:
    """What `nianbao serve` recorded in the store's service database (nothing when it never ran there)."""
    from nianbao.web.db import DB_NAME, Database
    from nianbao.web.service import WEB_DIR

    path = store / WEB_DIR / DB_NAME
    if not path.is_file():
        return dict.fromkeys(keys)
    db = Database(path)
    try:
        return {key: db.get_config(key) for key in keys}
    finally:
        db.close()


def use_recorded_timezone(args, zone: str | None) -> None:
    """No --timezone: the zone `nianbao serve` recorded, so every tool shows the service's times."""
    from nianbao import clock

    if not getattr(args, "timezone", None) and zone:
        try:
            clock.configure(zone)
        except clock.ZoneError:
            pass


def _deadline_text(iso: str | None) -> str | None:
    import datetime as dt

    from nianbao import clock

    try:
        return clock.show_date(dt.date.fromisoformat(iso)) if iso else None
    except ValueError:
        return iso


def run(args) -> int:
    from nianbao import clock
    from nianbao.county.roster import RosterError, load_roster
    from nianbao.web.db import DB_NAME, Database
    from nianbao.web.links import links_base_url, links_csv, links_sheet, make_links
    from nianbao.web.service import WEB_DIR

    web_dir = args.store / WEB_DIR
    if args.store.exists() and not args.store.is_dir():
        raise UsageError(f"收件库 {args.store} 不是文件夹")
    if not args.store.exists() and args.roster is None:
        raise UsageError(f"收件库 {args.store} 不存在；第一次生成链接时请同时给出 --roster 和 --year")
    seen = recorded(args.store, "base_url", "timezone") if args.store.is_dir() else {}
    use_recorded_timezone(args, seen.get("timezone"))
    try:  # before anything is written: a refused base URL leaves the store as it was
        base_url = links_base_url(args.base_url, seen.get("base_url"), args.allow_local_links)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    db = Database(web_dir / DB_NAME)
    try:
        roster_path = args.roster or (Path(db.get_config("roster")) if db.get_config("roster") else None)
        if roster_path is None:
            raise UsageError("请用 --roster 给出单位名单（或先运行一次 nianbao serve）")
        try:
            roster = load_roster(roster_path)
        except RosterError as exc:
            raise UsageError(str(exc)) from None
        unknown = [c for c in args.rotate if c not in {e.code for e in roster}]
        if unknown:
            raise UsageError(f"名单中没有这些单位代码：{'、'.join(unknown)}")
        year = args.year or int(db.get_config("year") or 0) or None
        links = make_links(db, web_dir, roster, base_url, set(args.rotate))
        deadline = db.get_config("deadline") or None
    finally:
        db.close()
    if args.output:
        args.output.write_text(links_csv(links), encoding="utf-8", newline="")
        print(f"已写出 {len(links)} 个单位的报送链接 → {printable(args.output)}", file=sys.stderr)
    else:  # on the screen: every field printable (no name steers the terminal or breaks a line), LF line ends
        shown = [{key: printable(value) for key, value in link.items()} for link in links]
        sys.stdout.write(links_csv(shown).lstrip("\ufeff").replace("\r\n", "\n"))
    if args.sheet:
        generated = clock.show(clock.now())
        args.sheet.write_text(links_sheet(links, year or "", _deadline_text(deadline), generated), encoding="utf-8")
        print(f"可打印的链接单 → {printable(args.sheet)}", file=sys.stderr)
    for code in args.rotate:
        print(f"已更换 {printable(code)} 的链接，旧链接已失效。", file=sys.stderr)
    return 0
