"""nianbao remind: e-mail every agency that must still act (催报): not reported, errors not accepted, returned.

Whom to chase is county/state.py's `due`, computed from the store itself (its files, arrivals
and the office's decisions) exactly as `compile --store` and the web pages compute it: a unit
the office accepted is never chased, a returned one always is. It needs no running service and
never writes the service's data: the roster, year and deadline come from the options, or from
what `nianbao serve` recorded; each unit's link is included when the service has made one.

Exit status: 0 when every agency due got its reminder (sent, or written with --dry-run); 1 when
one was skipped (its roster e-mail cell is empty, holds several addresses, a line break or no
valid address: each is named with the reason) or its message failed to send; 2 could not run.
"""

from __future__ import annotations

import smtplib
from pathlib import Path

from . import UsageError
from .common import add_timezone_arg
from .county_args import add_state_args, deadline_of, load_state, served_config
from .links import use_recorded_timezone


def register(sub) -> None:
    p = sub.add_parser("remind", help="催报：给未报送、有错误或被退回的单位发邮件 / e-mail reminders",
                       description="给名单上尚未报送、当前文件有错误且未经审核接收、或被退回修改的单位发送催报邮件："
                       "附本单位的报送链接（如已开通网上报送）、截止日期、校验发现的问题和退回意见。"
                       "催报对象与 nianbao compile、nianbao review 的“需催报”完全一致；已接收的单位不会被催报。"
                       "邮箱取自名单的 email/邮箱 列，每个单位一个邮箱；"
                       "邮箱为空、有多个地址、有换行或格式不对的单位逐个列出并跳过，"
                       "其他单位照常发送（此时退出码为 1）。"
                       "--dry-run 只把邮件写成 .eml 文件，不发送。"
                       "名单、年度、截止日期默认取 nianbao serve 使用的设置，"
                       "未运行过服务时请用 --roster、--year 给出。")
    add_state_args(p)
    p.add_argument("--deadline", metavar="YYYY-MM-DD", help="报送截止日期（默认：nianbao serve 使用的截止日期）")
    p.add_argument("--smtp", metavar="HOST:PORT", help="发信服务器，如 smtp.example.gov.cn:25")
    p.add_argument("--starttls", action="store_true", help="连接后启用 STARTTLS 加密")
    p.add_argument("--smtp-user", metavar="USER", help="发信账户")
    p.add_argument("--smtp-password-file", type=Path, metavar="FILE", help="发信密码文件（第一行）")
    p.add_argument("--from", dest="sender", metavar="ADDR",
                   help="发件人：县政府办公室的邮箱（必填），如 gkb@luobei.gov.cn，"
                   "或带名称写成 \"萝北县人民政府办公室 <gkb@luobei.gov.cn>\"")
    p.add_argument("--from-name", metavar="NAME",
                   help="发件人名称（默认：--from 中的名称，"
                   "否则“nianbao serve --name 给出的名称 + 政府信息公开年报报送”）")
    p.add_argument("--dry-run", action="store_true", help="不发送，把邮件写成 .eml 文件 / write .eml files instead")
    p.add_argument("-o", "--output", type=Path, metavar="DIR", help="--dry-run 时 .eml 文件的文件夹")
    p.add_argument("--base-url", metavar="URL",
                   help="各单位访问本服务的地址，如 https://nianbao.example.gov.cn（默认：nianbao serve 记录的地址）")
    p.add_argument("--allow-local-links", action="store_true",
                   help="允许邮件中的链接指向本机（127.0.0.1、localhost）：只在本机试用时使用")
    add_timezone_arg(p, "nianbao serve 使用的时区，否则 Asia/Shanghai，即北京时间")
    p.set_defaults(run=run)


def _sender(args, county: str | None):
    """--from (and --from-name); without a name anywhere, the county's (serve --name) 政府信息公开年报报送."""
    from email.utils import parseaddr

    from nianbao.web.reminders import BadAddress, Sender, one_line, sender_of

    if not args.sender:
        raise UsageError("请用 --from 给出发件人：县政府办公室的邮箱，如 --from gkb@luobei.gov.cn"
                         "（也可写成 --from \"萝北县人民政府办公室 <gkb@luobei.gov.cn>\"）")
    try:
        sender = sender_of(args.sender, args.from_name)
    except BadAddress as exc:
        raise UsageError(f"--from：{exc}") from None
    if not args.from_name and not parseaddr(args.sender)[0] and one_line(county):
        sender = Sender(sender.address, f"{one_line(county)}政府信息公开年报报送")
    return sender


def links_of(store: Path, base_url: str) -> dict[str, str]:
    """Each agency's department link, made from the service's link key and the generations it recorded;
    read only, {} when the service has made none."""
    import sqlite3

    from nianbao.web.auth import LINK_KEY, link_token
    from nianbao.web.db import DB_NAME
    from nianbao.web.links import department_url
    from nianbao.web.service import WEB_DIR

    web_dir = Path(store) / WEB_DIR
    try:
        key = bytes.fromhex((web_dir / LINK_KEY).read_text().strip())
        conn = sqlite3.connect(f"{(web_dir / DB_NAME).resolve().as_uri()}?mode=ro", uri=True)
    except (OSError, ValueError, sqlite3.Error):
        return {}
    try:
        rows = conn.execute("SELECT agency_code, generation FROM links").fetchall()
    except sqlite3.Error:
        return {}
    finally:
        conn.close()
    return {code: department_url(base_url, link_token(key, code, gen)) for code, gen in rows}


def mail_view(st) -> dict:
    """What the reminder says of one agency: its status, the file and findings it was judged on, the return note."""
    from nianbao.check.terminal import location

    shown = st.arrived or st.latest
    findings = [{"rule": f.rule, "severity": f.severity, "message": f.message, "sheet": f.sheet, "cell": f.cell,
                 "place": location(f).split("（", 1)[1].rstrip("）") if "（" in location(f) else None}
                for f in st.findings if f.severity in ("error", "warning")]
    review = None
    if st.decision is not None:
        review = {"decision": st.decision.kind, "label": st.review_label, "note": st.decision.note,
                  "created_at": st.decision.at}
    current = None
    if shown is not None:
        current = {"findings": findings, "receipt": {"original_name": shown.name, "received_at": shown.at},
                   "review": review}
    status = "returned" if st.review == "returned" else st.status
    return {"code": st.entry.code, "name": st.entry.name, "group": st.entry.group, "email": st.entry.email,
            "status": status, "label": st.label, "current": current, "review": review}


def run(args) -> int:
    from nianbao import clock
    from nianbao.printable import printable as shown
    from nianbao.web.links import links_base_url
    from nianbao.web.reminders import reminders, send, write_eml

    if not args.dry_run and not args.smtp:
        raise UsageError("请用 --smtp HOST:PORT 指定发信服务器，或用 --dry-run 只生成邮件文件")
    seen = served_config(args.store) if args.store.is_dir() else {}
    use_recorded_timezone(args, seen.get("timezone"))
    sender = _sender(args, seen.get("name"))
    urls: dict[str, str] = {}
    if seen or args.base_url:  # links exist only where `nianbao serve` made them; never a loopback one unasked
        try:
            base_url = links_base_url(args.base_url, seen.get("base_url"), args.allow_local_links)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        urls = links_of(args.store, base_url)
    ctx = load_state(args)
    deadline = deadline_of(args.deadline or ctx.served.get("deadline") or None)
    deadline_text = f"{deadline.year}年{deadline.month}月{deadline.day}日" if deadline else None
    items = reminders([mail_view(st) for st in ctx.state.due], urls, ctx.year, deadline_text, sender)
    skipped = [i for i in items if i.message is None]
    for item in skipped:
        print(f"  ! {shown(item.name)}（{shown(item.code)}）：{item.problem}，未催报"
              + (f"（名单中的邮箱：{shown(item.to)}）" if item.to else ""))
    if not items:
        print("所有单位均已报送，没有未经接收的错误或退回，无需催报。")
        return 0
    if args.dry_run:
        folder = args.output or args.store / "web" / "reminders" / clock.folder_stamp()
        written = write_eml(items, folder)
        print(f"已生成 {len(written)} 封催报邮件（未发送）→ {shown(folder)}"
              + (f"；{len(skipped)} 个单位因邮箱问题未生成，见上" if skipped else ""))
        return 1 if skipped else 0
    host, _, port = args.smtp.rpartition(":")
    if not host or not port.isdigit():
        raise UsageError(f"--smtp 应写成 主机:端口，如 smtp.example.gov.cn:25（现为 {args.smtp}）")
    password = None
    if args.smtp_password_file:
        try:
            password = args.smtp_password_file.read_text(encoding="utf-8").splitlines()[0].strip()
        except (OSError, IndexError) as exc:
            raise UsageError(f"无法读取发信密码文件 {args.smtp_password_file}：{exc}") from None
    if len(skipped) == len(items):
        print(f"没有可发送的催报邮件：{len(items)} 个需要催报的单位的邮箱都有问题，见上。")
        return 1
    try:
        outcome = send(items, host, int(port), starttls=args.starttls, user=args.smtp_user, password=password)
    except smtplib.SMTPAuthenticationError as exc:
        raise UsageError(f"发信服务器 {args.smtp} 拒绝登录（{exc.smtp_code}），请检查 --smtp-user 和密码文件") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise UsageError(f"无法连接发信服务器 {args.smtp}：{exc}") from None
    sent = [c for c, err in outcome.items() if err is None]
    names = {i.code: i.name for i in items}
    for code, err in outcome.items():
        if err is not None:
            print(f"  ✗ {shown(names[code])}（{shown(code)}）：发送失败（{shown(err)}）")
    print(f"已发送 {len(sent)} 封催报邮件（共 {len(items)} 个单位需要催报，{len(skipped)} 个因邮箱问题跳过，"
          f"{len(outcome) - len(sent)} 个发送失败）。")
    return 1 if skipped or len(sent) < len(outcome) else 0
