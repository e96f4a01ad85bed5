"""Store.add throughput: receipts appended under the store lock, each file and line fsynced.

    python benchmarks/store_add.py --files 500 --procs 1 4

Adds N distinct small files (about a filled workbook's size) to a fresh store from P
processes at once (each with 2 threads), then re-adds them all (every one a duplicate: the
path a rerun of collect takes). Prints files/s for both and checks the log has exactly N
whole receipts. Runs on its own; not part of `make bench`.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tool"))


def _add(root: str, paths: list[str]) -> None:
    from nianbao.check.run import CheckResult
    from nianbao.county.store import Store

    store = Store(Path(root))

    def work(part):
        for p in part:
            store.add(Path(p), CheckResult(p, None, None, None, "unreadable", []))

    threads = [threading.Thread(target=work, args=(paths[i::2],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def _run(root: Path, paths: list[str], procs: int) -> float:
    start = time.perf_counter()
    workers = [mp.get_context("spawn").Process(target=_add, args=(str(root), paths[k::procs])) for k in range(procs)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--procs", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args()
    from nianbao.county.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp) / "inbox"
        inbox.mkdir()
        paths = []
        for i in range(args.files):
            path = inbox / f"{i:05d}.xlsx"
            path.write_bytes(os.urandom(30_000))
            paths.append(str(path))
        for procs in args.procs:
            root = Path(tmp) / f"store-{procs}"
            new = _run(root, paths, procs)
            again = _run(root, paths, procs)
            receipts, damaged = Store(root).read()
            assert len(receipts) == args.files and not damaged
            print(f"{procs} 进程×2 线程：新文件 {args.files / new:.0f} 个/秒（{new:.2f} s），"
                  f"重复文件 {args.files / again:.0f} 个/秒（{again:.2f} s），收件记录 {len(receipts)} 条，无损坏行")


if __name__ == "__main__":
    main()
