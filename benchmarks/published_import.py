"""Import speed of published reports (nianbao import / audit): PDF, HTML and text, 1 and 2 processes.

    python benchmarks/published_import.py [--copies 40] [--repeat 3]

Target (issue 15): PDF reports at >= 10 reports/s on 2 cores; HTML and text faster. The corpus
is the three real reports of tests/published/data, each copied --copies times, plus reports
nianbao renders itself (html, and PDF through LibreOffice when soffice is present). Runs on its
own; results go to stdout and benchmarks/published_results.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tool"))
sys.path.insert(0, str(ROOT / "tests"))
DATA = ROOT / "tests" / "published" / "data"


def corpus(folder: Path, copies: int) -> dict[str, list[Path]]:
    from factory import valid_document

    from nianbao.format.spec import all_formats
    from nianbao.render import render_document

    out: dict[str, list[Path]] = {"pdf": [], "html": [], "text": []}
    for kind, name in (("pdf", "huaian-2024.pdf"), ("html", "shuyang-fgj-2023.html"), ("text", "pingtan-2019.txt")):
        sub = folder / kind
        sub.mkdir(parents=True, exist_ok=True)
        for i in range(copies):
            target = sub / f"{i:04d}-{name}"
            shutil.copyfile(DATA / name, target)
            out[kind].append(target)
    docs = []
    (folder / "docx").mkdir()
    for i in range(4):
        for fid, fmt in all_formats().items():
            doc = valid_document(fmt, seed=i)
            docs.append(render_document(doc, fmt, "docx", folder / "docx" / f"{fid}-{i}.docx"))
            out["html"].append(render_document(doc, fmt, "html", folder / "html" / f"{fid}-{i}.html"))
    soffice = shutil.which("soffice")
    if soffice:
        import subprocess

        profile = Path(tempfile.mkdtemp(prefix="bench-lo-"))
        subprocess.run([soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf",
                        "--outdir", str(folder / "pdf"), *map(str, docs)],
                       capture_output=True, timeout=600, check=False)
        out["pdf"] += sorted((folder / "pdf").glob("gov-info-*.pdf"))
    return out


def run(files: list[Path], jobs: int) -> float:
    from nianbao.format.spec import all_formats
    from nianbao.parallel import run_parallel
    from nianbao.published.audit import import_one

    start = time.perf_counter()
    results = run_parallel(import_one, files, {}, jobs=jobs, prepare=all_formats)
    elapsed = time.perf_counter() - start
    failed = [f for f, (doc, _) in zip(files, results, strict=True) if doc is None]
    assert not failed, failed
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-import-") as tmp:
        files = corpus(Path(tmp), args.copies)
        rows = []
        for kind, paths in files.items():
            for jobs in (1, 2):
                times = [run(paths, jobs) for _ in range(args.repeat)]
                median = statistics.median(times)
                rows.append((kind, jobs, len(paths), median, len(paths) / median))
                rate = len(paths) / median
                print(f"{kind:5s} -j {jobs}: {len(paths)} reports in {median:.2f} s = {rate:.1f} reports/s", flush=True)
    load = os.getloadavg()[0]
    lines = ["# Import of published reports (benchmarks/published_import.py)", "",
             f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, load average "
             f"{load:.1f} when it finished (shared machine: numbers are pessimistic). Median of {args.repeat}.", "",
             "| input | processes | reports | seconds | reports/s |", "| --- | ---: | ---: | ---: | ---: |"]
    lines += [f"| {k} | {j} | {n} | {t:.2f} | {r:.1f} |" for k, j, n, t, r in rows]
    pdf2 = next(r for k, j, _, _, r in rows if k == "pdf" and j == 2)
    lines += ["", f"Target: PDF >= 10 reports/s on 2 processes — measured {pdf2:.1f} "
                  f"({'met' if pdf2 >= 10 else 'NOT met'})."]
    (HERE / "published_results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
