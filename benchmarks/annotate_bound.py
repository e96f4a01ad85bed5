"""The cost of `check --annotate` on a workbook padded with styled empty rows (issue 12 §5).

    python benchmarks/annotate_bound.py                 # 1 000 000 rows, like the reported file
    python benchmarks/annotate_bound.py --rows 200000 --unbounded

Each measurement runs in a fresh child process (peak RSS is its own): `check --annotate` as
nianbao does it now (the workbook is refused for annotation above MAX_ANNOTATE_XML, with a
finding), and with --unbounded what annotating it used to cost (openpyxl loads and saves
every row). Prints wall time and peak RSS; not part of `make bench`.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tool"))
sys.path.insert(0, str(HERE.parent / "tests"))


def _now(path: str, out: str, queue) -> None:
    import contextlib
    import io

    from nianbao.cli import main

    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        main(["check", path, "--annotate", out, "--json"])
    refused = "ANNOTATE_TOO_BIG" in printed.getvalue()
    queue.put((time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, refused))


def _unbounded(path: str, out: str, queue) -> None:
    import openpyxl

    start = time.perf_counter()
    book = openpyxl.load_workbook(path, keep_links=False)
    book.save(Path(out) / "copy.xlsx")
    queue.put((time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, False))


def measure(target, path: Path, out: Path) -> tuple[float, int, bool]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(str(path), str(out), queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main() -> None:
    import hostile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--unbounded", action="store_true", help="also time openpyxl on the whole file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        path = hostile.styled_empty_rows(d, rows=args.rows)
        print(f"{args.rows} styled empty rows: {path.stat().st_size / 1e6:.1f} MB on disk")
        runs = [("check --annotate (now)", _now)] + ([("openpyxl load+save (before)", _unbounded)]
                                                     if args.unbounded else [])
        for label, target in runs:
            out = d / label.split()[0]
            out.mkdir()
            seconds, rss_kb, refused = measure(target, path, out)
            note = "，批注被拒绝（ANNOTATE_TOO_BIG）" if refused else ""
            print(f"  {label}: {seconds:.1f} s, peak RSS {rss_kb / 1024:.0f} MB{note}")


if __name__ == "__main__":
    main()
