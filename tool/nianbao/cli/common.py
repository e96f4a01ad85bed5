"""Argument helpers shared by commands."""

from __future__ import annotations

import argparse

from nianbao.format.document import level_choices, parse_level
from nianbao.format.spec import Format, all_formats, format_for_year, get_format

from . import UsageError


def add_format_arg(parser) -> None:
    ids = ", ".join(sorted(all_formats()))
    parser.add_argument("--format", dest="format_id", metavar="ID", help=f"格式版本 format version: {ids}")


def add_timezone_arg(parser, default_note: str = "Asia/Shanghai，即北京时间") -> None:
    """--timezone ZONE: the zone every time this command writes or shows is in (nianbao/clock.py).
    Applied by cli.main before the command runs; None leaves the default (or a recorded zone)."""
    parser.add_argument("--timezone", metavar="时区",
                        help=f"时区，IANA 名称（默认 {default_note}）：记录和显示的时间、截止日期的判断都按此时区")


def level_arg(text: str) -> str:
    """--level as argparse type: 县级, county, County … (format/document.parse_level) -> county."""
    try:
        level = parse_level(text)
    except ValueError:
        level = None
    if level is None:
        raise argparse.ArgumentTypeError(f"层级“{text}”无法识别，可填 {level_choices()}")
    return level


def resolve_format(format_id: str | None, year: int | None) -> Format:
    """The format named, else the one that applies to the year (rule F2)."""
    if format_id:
        try:
            fmt = get_format(format_id)
        except KeyError:
            known = ", ".join(sorted(all_formats()))
            raise UsageError(f"未知的格式版本 unknown format {format_id!r}; 可选 known: {known}") from None
        return fmt
    if year is None:
        raise UsageError("请用 --format 或 --year 指定格式版本 / give --format or --year")
    fmt = format_for_year(year)
    if fmt is None:
        raise UsageError(f"{year} 年度没有适用的报告格式 / no format covers report year {year}")
    return fmt


def expand_paths(paths) -> list:
    """Files as given, and every regular file inside given folders (sorted; hidden and ~$ lock files skipped)."""
    from pathlib import Path

    out: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))
        else:
            out.append(path)  # a missing file is reported by the check itself
    return out


def read_secret(path) -> bytes | None:
    if path is None:
        return None
    try:
        secret = path.read_bytes().strip()
    except OSError as exc:
        raise UsageError(f"无法读取密钥文件 {path}: {exc.strerror}") from None
    if not secret:
        raise UsageError(f"密钥文件 {path} 是空的")
    return secret


def size_mb(text: str) -> float:
    """argparse type of a size in MB: a finite number above 0 (nan, inf, 0, -1 are argument errors)."""
    import argparse
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为以 MB 计的数字，如 20，现为 {text!r}") from None
    if not math.isfinite(value) or value <= 0 or value > 1024 * 1024:
        raise argparse.ArgumentTypeError(f"应为大于 0 的有限数字（MB），如 20，现为 {text!r}")
    return value


def positive_int(text: str) -> int:
    """argparse type of a count that must be at least 1 (0, -1 and 2.5 are argument errors)."""
    import argparse

    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数，现为 {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为至少 1 的整数，现为 {text}")
    return value


_NOT_IN_NAMES = set('\\/:*?"<>|')


def output_name(text: str) -> str:
    """argparse type of a name that becomes part of an output file name (compile --name)."""
    import argparse

    name = text.strip()
    bad = sorted({c for c in name if c in _NOT_IN_NAMES or ord(c) < 0x20 or ord(c) == 0x7F})
    if bad:
        shown = " ".join(repr(c)[1:-1] for c in bad)
        raise argparse.ArgumentTypeError(f"名称“{name!r}”含有不能用于文件名的字符 {shown}，请去掉后重试")
    if not name:
        raise argparse.ArgumentTypeError("名称不能为空")
    if len(name.encode("utf-8")) > 150:
        raise argparse.ArgumentTypeError("名称过长（超过 50 个汉字），请用简称")
    return name
