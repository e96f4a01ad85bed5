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


def run_parallel(func, items: list, options: dict, *, jobs: int = 1, label: str = "处理", prepare=None) -> list:
    """func(item, **options) for every item, in order; -j N uses N processes; a progress bar on a terminal.

    prepare: called once here first, e.g. to load specs, so forked workers inherit the result.
    """
    import sys
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    call = partial(func, **options)
    if prepare is not None:
        prepare()
    pool = None
    if jobs > 1 and len(items) > 1:
        pool = ProcessPoolExecutor(max_workers=min(jobs, len(items)), mp_context=_start_method())
        pool.submit(int).result()  # start the workers now, before the progress bar starts a thread
    progress = None
    if sys.stderr.isatty() and len(items) > 1:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        progress = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                            TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    results = []
    try:
        if pool is None:
            mapped = map(call, items)
        else:
            mapped = pool.map(call, items, chunksize=max(1, min(32, len(items) // (jobs * 4) or 1)))
        if progress:
            progress.start()
            task = progress.add_task(label, total=len(items))
        for result in mapped:
            results.append(result)
            if progress:
                progress.advance(task)
    finally:
        if progress:
            progress.stop()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return results


def _start_method():
    """fork on Linux (workers inherit loaded specs; the default from Python 3.14 is forkserver),
    the platform's default elsewhere (fork is unsafe on macOS)."""
    import multiprocessing
    import sys

    return multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
