"""nianbao template: issue locked Excel templates, one agency at a time or one per roster row.

With --previous (last year's store, summary.json / summary.xlsx, or a folder of last year's published
reports — what `compile --previous` takes), each agency's template carries its last year's figures
(format/carried.py): 上年结转 pre-filled from last year's 结转下年度继续办理, and the 校验 sheet
checking live that they still agree."""

from __future__ import annotations

import errno
import re
from pathlib import Path

from nianbao.format.document import level_choices
from nianbao.format.identity import DEFAULT_PASSWORD
from nianbao.printable import printable

from . import UsageError
from .common import add_format_arg, read_secret, resolve_format


def register(sub) -> None:
    p = sub.add_parser(
        "template",
        help="生成加锁的填报模板 / issue locked Excel templates",
        description="为一个单位（--agency）或名单上的每个单位（--roster）生成加锁的年报填报模板。"
        " 格式版本默认按年度选择。",
    )
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--agency", metavar="NAME", help="单位名称 / agency name")
    who.add_argument("--roster", type=Path, metavar="ROSTER.csv",
                     help="单位名单（code,name,level[,group][,email]），每个单位生成一份 / one template per roster row")
    p.add_argument("--year", type=int, required=True, help="报告年度 / report year")
    add_format_arg(p)
    p.add_argument("--code", help="单位代码（默认同单位名称）/ agency code (default: the name)")
    p.add_argument("--level", metavar="LEVEL", help=f"单位层级：{level_choices()}")
    p.add_argument("--password", help=f"工作表保护密码（默认 {DEFAULT_PASSWORD}）/ sheet protection password")
    p.add_argument("--secret-file", type=Path, metavar="KEY",
                   help="密钥文件：在模板中写入下发签名，回收时可核对 / sign templates with this issuer secret")
    p.add_argument("--previous", type=Path, metavar="PREV",
                   help="上一年度的收件库、汇总（summary.json / summary.xlsx）或已公开年报所在文件夹："
                   "把每个单位上一年度的“结转下年度继续办理”等数字写入模板，预填“上年结转”，"
                   "并在「校验」表中实时核对 / last year's store, summary or published reports")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.xlsx|DIR",
                   help="输出文件（--agency）或文件夹（--roster）/ output file, or folder with --roster")
    p.set_defaults(run=run)


def template_filename(code: str, name: str, year: int) -> str:
    """{code}-{name}-{year}年报模板.xlsx, with characters Windows refuses in file names replaced."""
    return _safe(f"{code}-{name}-{year}年报模板") + ".xlsx"


def _safe(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", text).strip(" .") or "模板"


def run(args) -> int:
    from nianbao.county.roster import RosterError, load_roster
    from nianbao.format.document import level_choices, parse_level
    from nianbao.template.write import write_template

    fmt = resolve_format(args.format_id, args.year)
    if not fmt.covers(args.year):
        span = f"{fmt.year_from}–{fmt.year_to} 年度" if fmt.year_to else f"{fmt.year_from} 年度及以后"
        raise UsageError(f"格式 {fmt.id} 只适用于 {span}，不适用于 {args.year} 年度")
    secret = read_secret(args.secret_file)
    options = {"password": args.password, "secret": secret}
    last_year = _last_year(args, fmt, secret) if args.previous else None

    if args.roster is not None:
        if args.code or args.level:
            raise UsageError("使用 --roster 时，单位代码和层级取自名单，不能再给 --code/--level")
        try:
            roster = load_roster(args.roster)
        except RosterError as exc:
            raise UsageError(str(exc)) from None
        out = args.output
        if out.exists() and not out.is_dir():
            raise UsageError(f"{out} 已存在且不是文件夹；使用 --roster 时 -o 应为输出文件夹")
        _mkdir(out)
        if last_year is not None:
            last_year = last_year(roster)
        for entry in roster:
            agency = {"name": entry.name, "code": entry.code, "level": entry.level}
            path = out / template_filename(entry.code, entry.name, args.year)
            write_or_fail(write_template, fmt, args.year, agency, path, _with_carried(options, last_year, entry.code))
        print(f"已为名单 {printable(args.roster)} 上的 {len(roster)} 个单位生成 {args.year} 年度填报模板"
              f"（{fmt.notice} 格式）→ {printable(out)}")
        _say_carried(last_year, roster)
        return 0

    name = args.agency.strip()
    if not name:
        raise UsageError("单位名称不能为空 / --agency is empty")
    try:
        level = parse_level(args.level)
    except ValueError:
        raise UsageError(f"层级“{args.level}”无法识别，可填 {level_choices()}") from None
    agency = {"name": name, "code": (args.code or name).strip(), "level": level}
    path = args.output
    if path.is_dir():
        path = path / template_filename(agency["code"], name, args.year)
    elif path.suffix.lower() != ".xlsx":
        raise UsageError(f"输出文件应以 .xlsx 结尾：{path}")
    _mkdir(path.parent)
    from nianbao.county.roster import RosterEntry

    entry = RosterEntry(agency["code"], name, level, None, None)
    if last_year is not None:
        last_year = last_year([entry])
    write_or_fail(write_template, fmt, args.year, agency, path, _with_carried(options, last_year, entry.code))
    print(f"已生成 {printable(name)} {args.year} 年度填报模板（{fmt.notice} 格式）→ {printable(path)}")
    _say_carried(last_year, [entry])
    return 0


def _last_year(args, fmt, secret):
    """A function of the roster giving {code: what each agency's template carries}, from --previous
    (read once the roster is known: published reports are matched to it by name)."""
    from nianbao.county.previous import PreviousError, load_previous
    from nianbao.format.carried import carried_from

    if not args.previous.exists():
        raise UsageError(f"上一年度数据不存在：{args.previous}")

    def load(roster) -> dict:
        try:
            previous = load_previous(args.previous, args.year - 1, secret, roster=roster)
        except PreviousError as exc:
            raise UsageError(str(exc)) from None
        source = previous.kind
        out = {}
        for code, figures in previous.agencies.items():
            carried = carried_from(fmt, figures.document(), source)
            if carried is not None:
                out[code] = carried
        return out

    return load


def _with_carried(options: dict, last_year: dict | None, code: str) -> dict:
    return {**options, "carried": last_year.get(code)} if last_year else options


def _say_carried(last_year: dict | None, roster) -> None:
    if last_year is None:
        return
    missing = [f"{e.name}（{e.code}）" for e in roster if e.code not in last_year]
    if len(missing) < len(roster):
        print(f"其中 {len(roster) - len(missing)} 个单位的模板已写入上一年度的数字：“上年结转”已按上一年度"
              "“结转下年度继续办理”预填，「校验」表实时核对两者是否一致。")
    if missing:
        shown = "、".join(missing[:20]) + (f" 等 {len(missing)} 个单位" if len(missing) > 20 else "")
        print(f"上一年度数据中没有找到 {shown} 的报告，其模板未写入上一年度数字。")


def _mkdir(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"无法创建文件夹 {folder}：{exc.strerror or exc}") from None


def write_or_fail(write_template, fmt, year: int, agency: dict, path: Path, options: dict) -> None:
    from nianbao.paths import atomic_output, os_error_text

    try:
        with atomic_output(path) as tmp:  # a full disk leaves no half-written template
            write_template(fmt, year, agency, tmp, **options)
    except OSError as exc:
        hint = "（文件是否正在 Excel/WPS 中打开？）" if exc.errno in (errno.EACCES, errno.EPERM, errno.EBUSY) else ""
        raise UsageError(os_error_text(exc) + hint) from None
