"""Run one function over many files, in order, on N processes, with a progress bar on a terminal.

Used by check (many workbooks) and county consolidation; workers fork after the specs
are loaded so they do not parse them again.
"""

from __future__ import annotations

import contextlib
import gc

# Reading a workbook builds and drops thousands of XML elements, all freed by reference counting;
# at the default threshold (700 allocations) the cycle collector runs every few hundred cells and
# each run walks everything the process holds. A batch raises it (and freezes what was loaded
# before it, which forked workers then share untouched): measured 5-7 % of check's time.
BATCH_GC_THRESHOLD = (20_000, 20, 20)


def run_parallel(func, items: list, options: dict, *, jobs: int = 1, label: str = "处理", prepare=None,
                 each=None) -> list:
    """func(item, **options) for every item, in order; -j N uses N processes; a progress bar on a terminal.

    prepare: called once here first, e.g. to load specs, so forked workers inherit the result.
    each: called with every result in order, as soon as it and all before it are done, e.g. to print it
    while later items are still being worked on; when a progress bar holds the terminal the results
    would be printed on, each is called after the bar is gone.
    """
    import sys
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    call = partial(func, **options)
    if prepare is not None:
        prepare()
    with _batch_gc():
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
        stream = each is not None and not (progress and sys.stdout.isatty())
        results = []
        try:
            if pool is None:
                mapped = map(call, items)
            else:  # small chunks: the last ones finish close together, neither worker waits long for the other
                mapped = pool.map(call, items, chunksize=max(1, min(8, len(items) // (jobs * 8) or 1)))
            if progress:
                progress.start()
                task = progress.add_task(label, total=len(items))
            for result in mapped:
                results.append(result)
                if stream:
                    each(result)
                if progress:
                    progress.advance(task)
        finally:
            if progress:
                progress.stop()
            if pool is not None:
                pool.shutdown(cancel_futures=True)
    if each is not None and not stream:
        for result in results:
            each(result)
    return results


@contextlib.contextmanager
def _batch_gc():
    """BATCH_GC_THRESHOLD while a batch runs (here and in the workers forked meanwhile), then as before."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*BATCH_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _start_method():
    """fork on Linux (workers inherit loaded specs; the default from Python 3.14 is forkserver),
    the platform's default elsewhere (fork is unsafe on macOS)."""
    import multiprocessing
    import sys

    return multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
