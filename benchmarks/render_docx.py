"""Docx rendering throughput in one process: wall and CPU time per report (target: >= 20 reports/s).

    python benchmarks/render_docx.py            # 100 reports of the N = 100 corpus
    python benchmarks/render_docx.py --count 40

The reports are checked first (not timed); one warm-up render builds the cached base document.
CPU time is given beside wall time because the machine may be shared: on a loaded machine the
wall-clock rate understates what one free core does. Also runnable as `run.py --only render`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tool"))
sys.path.insert(0, str(HERE))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100)
    args = parser.parse_args()
    from run import CACHE, corpus

    from nianbao.check.run import check_file
    from nianbao.format.spec import get_format
    from nianbao.render import render_document

    results = [check_file(f) for f in corpus(max(args.count, 100))[:args.count]]
    out = CACHE / "scratch" / "render_docx"
    out.mkdir(parents=True, exist_ok=True)
    first = results[0].document
    render_document(first, get_format(first["format"]), "docx", out / "warm-up.docx")
    wall, cpu = time.perf_counter(), time.process_time()
    for i, result in enumerate(results):
        doc = result.document
        render_document(doc, get_format(doc["format"]), "docx", out / f"report{i % 2}.docx",
                        draft=bool(result.errors))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    n = len(results)
    print(f"{n} docx reports: wall {wall:.2f} s = {n / wall:.1f} reports/s; "
          f"CPU {cpu:.2f} s = {n / cpu:.1f} reports/s ({cpu / n * 1000:.0f} ms CPU each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
