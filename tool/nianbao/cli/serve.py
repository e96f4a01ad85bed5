"""nianbao serve: the web intake service — a private page per agency, the office's status and review."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from nianbao.printable import printable

from . import UsageError
from .common import add_format_arg, add_timezone_arg, positive_int, read_secret, resolve_format

DEFAULT_PORT = 8000


def register(sub) -> None:
    p = sub.add_parser(
        "serve", help="启动网上报送服务 / start the web intake service",
        description="启动网上报送服务：各单位通过专属链接下载模板、上传并立即看到校验结果；县政府办公室登录后查看"
        "报送情况、审核退回、生成汇总。收件库（files/ 与 receipts.jsonl）仍是唯一依据，"
        "服务数据库放在收件库的 web/ 中。")
    p.add_argument("--store", type=Path, required=True, metavar="DIR", help="收件库文件夹 / the intake store")
    p.add_argument("--roster", type=Path, required=True, metavar="ROSTER.csv", help="单位名单 / the roster")
    p.add_argument("--year", type=int, required=True, help="报告年度 / report year")
    add_format_arg(p)
    p.add_argument("--host", default="127.0.0.1", metavar="地址",
                   help="监听地址（默认 127.0.0.1，只接受本机的连接，放在反向代理之后）/ listen address")
    p.add_argument("--port", type=port_number, default=DEFAULT_PORT, metavar="端口",
                   help=f"监听端口（默认 {DEFAULT_PORT}）/ port")
    p.add_argument("--deadline", metavar="YYYY-MM-DD",
                   help="报送截止日期：当天 24 时（按 --timezone，默认北京时间）前收到的为按时，之后为逾期 / deadline")
    p.add_argument("--previous", type=Path, metavar="PREV",
                   help="上一年度的汇总（summary.xlsx / summary.json）、收件库或已公开年报所在文件夹："
                   "各单位上传时即做跨年度核对（与 compile --previous 相同），下发的模板预填“上年结转”")
    p.add_argument("--name", metavar="NAME", help="汇总单位名称，如 萝北县，用于汇总和催报邮件的发件人名称")
    p.add_argument("--code", metavar="CODE", help="汇总单位代码，如 230421 / the county's code")
    p.add_argument("--base-url", metavar="URL",
                   help="各单位访问本服务的地址，如 https://nianbao.example.gov.cn（反向代理之后）；"
                   "默认 http://地址:端口。记录下来，nianbao links 和 nianbao remind 沿用")
    p.add_argument("--office-password-file", type=Path, metavar="FILE",
                   help="办公室密码文件（第一行为密码，至少 8 个字符）；不给时首次启动生成并显示一次")
    p.add_argument("--secret-file", type=Path, metavar="KEY",
                   help="下发模板时使用的密钥文件：上传的文件据此核对签名 / issuer secret")
    p.add_argument("--workers", type=positive_int, default=2, metavar="进程数",
                   help="校验上传文件的进程数（默认 2）/ check processes")
    p.add_argument("--rate-limit", type=positive_int, metavar="次数",
                   help="每个单位链接每 10 分钟最多上传的次数（默认 30）/ uploads per link per 10 minutes")
    add_timezone_arg(p)
    p.set_defaults(run=run)


def port_number(text: str) -> int:
    """--port as argparse type: 1..65535."""
    value = positive_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"端口应在 1 到 65535 之间，现为 {text}")
    return value


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host  # an IPv6 address in a URL


def parse_deadline(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"截止日期“{text}”无法识别，请写成 2022-01-31 这样的格式") from None


def run(args) -> int:
    import uvicorn

    from nianbao import clock
    from nianbao.county.previous import PreviousError
    from nianbao.county.roster import RosterError
    from nianbao.web import auth
    from nianbao.web.app import create_app
    from nianbao.web.links import is_local_url, make_links, valid_base_url
    from nianbao.web.service import Service, ServiceConfig

    fmt = resolve_format(args.format_id, args.year)
    if args.previous is not None and not args.previous.exists():
        raise UsageError(f"上一年度的汇总或收件库 {args.previous} 不存在")
    try:
        base_url = valid_base_url(args.base_url) if args.base_url else f"http://{_url_host(args.host)}:{args.port}"
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    config = ServiceConfig(store=args.store, roster_path=args.roster, year=args.year, format_id=fmt.id,
                           deadline=parse_deadline(args.deadline), previous=args.previous,
                           secret=read_secret(args.secret_file), secret_file=args.secret_file, name=args.name,
                           code=args.code, base_url=base_url,
                           workers=args.workers, rate_limit=args.rate_limit)
    try:
        service = Service(config)
    except RosterError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"无法使用收件库 {args.store}：{exc.strerror or exc}") from None
    try:  # last year's reports, once: every upload is judged against them, as compile --previous judges
        service.load_previous()
    except PreviousError as exc:
        service.db.close()
        raise UsageError(f"无法读取上一年度数据（--previous）：{exc}") from None
    generated = None
    if args.office_password_file is not None:
        try:
            auth.password_from_file(service.db, args.office_password_file)
        except (OSError, ValueError) as exc:
            service.db.close()
            raise UsageError(str(exc)) from None
    elif not auth.has_password(service.db):
        generated = auth.new_password()
        auth.set_password(service.db, generated)
    service.db.set_config(timezone=clock.zone().key, name=args.name or "")  # for links and remind
    links = make_links(service.db, service.web_dir, service.roster, base_url)
    print(f"nianbao 网上报送服务：{args.year} 年度，名单 {len(service.roster)} 个单位，收件库 {printable(args.store)}",
          flush=True)
    print(f"  办公室页面：{printable(base_url)}/office", flush=True)
    if generated:
        print(f"  办公室密码（首次启动生成，只显示这一次，请记下）：{generated}", flush=True)
    elif args.office_password_file is not None:
        print(f"  办公室密码：见 {printable(args.office_password_file)}", flush=True)
    else:
        print("  办公室密码：首次启动时已显示；忘记时用 --office-password-file 重新设置", flush=True)
    for link in links[:2]:
        print(f"  单位链接：{printable(link['name'])}（{printable(link['code'])}）{printable(link['url'])}", flush=True)
    if is_local_url(base_url):
        print(f"  注意：链接指向本机（{printable(base_url)}），只能在这台电脑上打开。要让各单位在自己的电脑上打开，"
              "请加 --base-url 给出各单位访问本服务的地址，如 https://nianbao.example.gov.cn", flush=True)
        print(f"  全部 {len(links)} 个单位的链接：nianbao links --store {printable(args.store)} --base-url 对外地址 "
              "-o links.csv", flush=True)
    else:
        print(f"  全部 {len(links)} 个单位的链接：nianbao links --store {printable(args.store)} -o links.csv",
              flush=True)
    if service.previous is not None:
        print(f"  上一年度数据：{printable(service.previous.shown)}（{len(service.previous.agencies)} 个单位的报告）："
              "各单位上传时即做跨年度核对，下发的模板预填“上年结转”", flush=True)
    print(f"  时间均按{clock.zone_label()}（{clock.zone().key}）记录和显示", flush=True)
    app = create_app(config, service=service)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", proxy_headers=True,
                forwarded_allow_ips="127.0.0.1", server_header=False)
    return 0
