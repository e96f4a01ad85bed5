"""Argument helpers shared by commands."""

from __future__ import annotations

from . import UsageError
from ..spec import Format, all_formats, format_for_year, get_format


def add_format_arg(parser) -> None:
    ids = ", ".join(sorted(all_formats()))
    parser.add_argument("--format", dest="format_id", metavar="ID", help=f"格式版本 format version: {ids}")


def resolve_format(format_id: str | None, year: int | None) -> Format:
    """The format named, else the one that applies to the year (rule F2)."""
    if format_id:
        try:
            fmt = get_format(format_id)
        except KeyError:
            raise UsageError(f"未知的格式版本 unknown format {format_id!r}; 可选 known: {', '.join(sorted(all_formats()))}") from None
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


def run_parallel(func, items: list, options: dict, *, jobs: int = 1, label: str = "处理") -> list:
    """func(item, **options) for every item, in order; -j N uses N processes; a progress bar on a terminal."""
    import sys
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    call = partial(func, **options)
    show = sys.stderr.isatty() and len(items) > 1
    progress = None
    if show:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        progress = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                            TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    results = []
    task = None
    if progress:
        progress.start()
        task = progress.add_task(label, total=len(items))
    try:
        if jobs <= 1 or len(items) < 2:
            mapped = map(call, items)
        else:
            pool = ProcessPoolExecutor(max_workers=jobs)
            mapped = pool.map(call, items, chunksize=max(1, min(32, len(items) // (jobs * 4) or 1)))
        for result in mapped:
            results.append(result)
            if progress:
                progress.advance(task)
        if jobs > 1 and len(items) >= 2:
            pool.shutdown()
    finally:
        if progress:
            progress.stop()
    return results
