"""Run one function over many files, in order, on N processes, with a progress bar on a terminal.

Used by check (many workbooks) and county consolidation; workers fork after the specs
are loaded so they do not parse them again.
"""

from __future__ import annotations


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
