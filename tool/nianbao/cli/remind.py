"""nianbao remind: e-mail every agency that has not reported, or whose report has errors (催报)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from nianbao.printable import printable

from . import UsageError


def register(sub) -> None:
    p = sub.add_parser("remind", help="催报：给未报送或有错误的单位发邮件 / e-mail reminders",
                       description="给名单上尚未报送、或最近一次报送有错误的单位发送催报邮件：附本单位的报送链接、截止日期"
                       "和校验发现的问题。邮箱取自名单的 email/邮箱 列。--dry-run 只把邮件写成 .eml 文件，不发送。")
    p.add_argument("--store", type=Path, required=True, metavar="DIR", help="收件库文件夹（nianbao serve 使用的）")
    p.add_argument("--smtp", metavar="HOST:PORT", help="发信服务器，如 smtp.example.gov.cn:25")
    p.add_argument("--starttls", action="store_true", help="连接后启用 STARTTLS 加密")
    p.add_argument("--smtp-user", metavar="USER", help="发信账户")
    p.add_argument("--smtp-password-file", type=Path, metavar="FILE", help="发信密码文件（第一行）")
    p.add_argument("--from", dest="sender", default="nianbao@localhost", metavar="ADDR", help="发件人地址")
    p.add_argument("--dry-run", action="store_true", help="不发送，把邮件写成 .eml 文件 / write .eml files instead")
    p.add_argument("-o", "--output", type=Path, metavar="DIR", help="--dry-run 时 .eml 文件的文件夹")
    p.add_argument("--base-url", metavar="URL", help="服务地址（默认：nianbao serve 使用的地址）")
    p.set_defaults(run=run)


def _service(store: Path):
    from nianbao.county.roster import RosterError
    from nianbao.web.db import DB_NAME, Database
    from nianbao.web.service import WEB_DIR, Service, ServiceConfig

    db_path = store / WEB_DIR / DB_NAME
    if not db_path.exists():
        raise UsageError(f"{store} 还没有运行过 nianbao serve（缺少 {db_path}）")
    db = Database(db_path)
    try:
        get = db.get_config
        if not get("roster"):
            raise UsageError(f"{store} 的服务数据库中没有名单，请先运行 nianbao serve")
        deadline = get("deadline")
        config = ServiceConfig(store=store, roster_path=Path(get("roster")), year=int(get("year")),
                               format_id=get("format"), deadline=dt.date.fromisoformat(deadline) if deadline else None,
                               base_url=get("base_url") or "http://127.0.0.1:8000", workers=0)
    finally:
        db.close()
    try:
        return Service(config)
    except RosterError as exc:
        raise UsageError(str(exc)) from None


def run(args) -> int:
    from nianbao.web.links import make_links
    from nianbao.web.reminders import reminders, send, write_eml

    if not args.dry_run and not args.smtp:
        raise UsageError("请用 --smtp HOST:PORT 指定发信服务器，或用 --dry-run 只生成邮件文件")
    service = _service(args.store)
    try:
        if args.base_url:
            service.config.base_url = args.base_url.rstrip("/")
        urls = {x["code"]: x["url"] for x in make_links(service.db, service.web_dir, service.roster,
                                                        service.config.base_url)}
        items = reminders(service, urls, args.sender)
    finally:
        service.db.close()
    no_mail = [i for i in items if i.message is None]
    for item in no_mail:
        print(f"  ! {printable(item.code)} {printable(item.name)}：名单中没有邮箱，未能催报")
    if not items:
        print("所有单位均已报送且没有错误，无需催报。")
        return 0
    if args.dry_run:
        folder = args.output or args.store / "web" / "reminders" / dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        written = write_eml(items, folder)
        print(f"已生成 {len(written)} 封催报邮件（未发送）→ {printable(folder)}")
        return 0
    host, _, port = args.smtp.rpartition(":")
    if not host or not port.isdigit():
        raise UsageError(f"--smtp 应写成 主机:端口，如 smtp.example.gov.cn:25（现为 {args.smtp}）")
    password = None
    if args.smtp_password_file:
        try:
            password = args.smtp_password_file.read_text(encoding="utf-8").splitlines()[0].strip()
        except (OSError, IndexError) as exc:
            raise UsageError(f"无法读取发信密码文件 {args.smtp_password_file}：{exc}") from None
    try:
        outcome = send(items, host, int(port), starttls=args.starttls, user=args.smtp_user, password=password)
    except (OSError, Exception) as exc:  # noqa: BLE001 - smtplib raises many kinds; the clerk sees one line
        raise UsageError(f"无法连接发信服务器 {args.smtp}：{exc}") from None
    sent = [c for c, err in outcome.items() if err is None]
    for code, err in outcome.items():
        if err is not None:
            print(f"  ✗ {printable(code)}：发送失败（{printable(err)}）")
    print(f"已发送 {len(sent)} 封催报邮件（共 {len(items)} 个单位需要催报，{len(no_mail)} 个没有邮箱）。")
    return 1 if len(sent) < len(items) - len(no_mail) else 0
