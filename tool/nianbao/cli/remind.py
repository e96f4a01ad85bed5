"""nianbao remind: e-mail every agency that must still act (催报): not reported, errors not accepted, returned.

Whom to chase is county/state.py's `due`, computed from the store itself (its files, arrivals
and the office's decisions) exactly as `compile --store` and the web pages compute it: a unit
the office accepted is never chased, a returned one always is. It needs no running service and
never writes the service's data: the roster, year and deadline come from the options, or from
what `nianbao serve` recorded; each unit's link is included when the service has made one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import UsageError
from .county_args import add_state_args, deadline_of, load_state


def register(sub) -> None:
    p = sub.add_parser("remind", help="催报：给未报送、有错误或被退回的单位发邮件 / e-mail reminders",
                       description="给名单上尚未报送、当前文件有错误且未经审核接收、或被退回修改的单位发送催报邮件："
                       "附本单位的报送链接（如已开通网上报送）、截止日期、校验发现的问题和退回意见。"
                       "催报对象与 nianbao compile、nianbao review 的“需催报”完全一致；已接收的单位不会被催报。"
                       "邮箱取自名单的 email/邮箱 列。--dry-run 只把邮件写成 .eml 文件，不发送。"
                       "名单、年度、截止日期默认取 nianbao serve 使用的设置，"
                       "未运行过服务时请用 --roster、--year 给出。")
    add_state_args(p)
    p.add_argument("--deadline", metavar="YYYY-MM-DD", help="报送截止日期（默认：nianbao serve 使用的截止日期）")
    p.add_argument("--smtp", metavar="HOST:PORT", help="发信服务器，如 smtp.example.gov.cn:25")
    p.add_argument("--starttls", action="store_true", help="连接后启用 STARTTLS 加密")
    p.add_argument("--smtp-user", metavar="USER", help="发信账户")
    p.add_argument("--smtp-password-file", type=Path, metavar="FILE", help="发信密码文件（第一行）")
    p.add_argument("--from", dest="sender", default="nianbao@localhost", metavar="ADDR", help="发件人地址")
    p.add_argument("--dry-run", action="store_true", help="不发送，把邮件写成 .eml 文件 / write .eml files instead")
    p.add_argument("-o", "--output", type=Path, metavar="DIR", help="--dry-run 时 .eml 文件的文件夹")
    p.add_argument("--base-url", metavar="URL", help="服务地址（默认：nianbao serve 使用的地址）")
    p.set_defaults(run=run)


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
    from nianbao.web.reminders import Reminder, compose, send, write_eml

    if not args.dry_run and not args.smtp:
        raise UsageError("请用 --smtp HOST:PORT 指定发信服务器，或用 --dry-run 只生成邮件文件")
    ctx = load_state(args)
    deadline = deadline_of(args.deadline or ctx.served.get("deadline") or None)
    deadline_text = f"{deadline.year}年{deadline.month}月{deadline.day}日" if deadline else None
    base_url = (args.base_url or ctx.served.get("base_url") or "http://127.0.0.1:8000").rstrip("/")
    urls = links_of(args.store, base_url)
    items = []
    for st in ctx.state.due:
        view = mail_view(st)
        msg = compose(view, urls.get(st.entry.code), ctx.year, deadline_text, args.sender) if st.entry.email else None
        items.append(Reminder(st.entry.code, st.entry.name, st.entry.email, view["status"], msg))
    no_mail = [i for i in items if i.message is None]
    for item in no_mail:
        print(f"  ! {item.code} {item.name}：名单中没有邮箱，未能催报")
    if not items:
        print("所有单位均已报送，没有未经接收的错误或退回，无需催报。")
        return 0
    if args.dry_run:
        folder = args.output or args.store / "web" / "reminders" / dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        written = write_eml(items, folder)
        print(f"已生成 {len(written)} 封催报邮件（未发送）→ {folder}")
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
            print(f"  ✗ {code}：发送失败（{err}）")
    print(f"已发送 {len(sent)} 封催报邮件（共 {len(items)} 个单位需要催报，{len(no_mail)} 个没有邮箱）。")
    return 1 if len(sent) < len(items) - len(no_mail) else 0
