"""Province-scale benchmarks: nianbao against the readers' floor and a naive openpyxl baseline.

    make bench                      # N = 100, 1000, 5000 (workbooks cached in benchmarks/cache/)
    python benchmarks/run.py --sizes 100 --repeat 3
    python benchmarks/run.py --sizes 1000 --only floor check-j2   # selected jobs (ids: see PLAN_IDS)

Every measurement runs in a fresh child process (so peak RSS is its own), `--repeat` times,
and the median is reported. Results go to stdout and benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import random
import resource
import statistics
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tool"))

CACHE = HERE / "cache"
YEAR = 2021


# ---------------------------------------------------------------- corpus


def corpus(n: int) -> list[Path]:
    """N filled 2021 workbooks: varied, consistent, about 1 in 10 with an error. Cached on disk."""
    folder = CACHE / f"n{n}"
    done = folder / ".complete"
    if done.exists():
        return sorted(folder.glob("*.xlsx"))
    folder.mkdir(parents=True, exist_ok=True)
    from nianbao.format.spec import format_for_year
    from nianbao.template.write import write_template

    sys.path.insert(0, str(HERE.parent / "tests"))
    from factory import valid_document

    fmt = format_for_year(YEAR)
    rng = random.Random(n)
    for i in range(n):
        agency = {"name": f"测试县第{i:05d}单位", "code": f"B{i:05d}", "level": "county"}
        doc = valid_document(fmt, YEAR, seed=i, agency=agency)
        if rng.random() < 0.1:
            doc["tables"]["requests.carry_forward.natural"] += 1  # breaks T3-1
        if rng.random() < 0.05:
            doc["tables"]["requests.received.commercial"] = "十二"  # text in a number cell
        write_template(fmt, YEAR, agency, folder / f"B{i:05d}.xlsx", document=doc)
    roster = folder / "roster.csv"
    roster.write_text("code,name,level\n" + "".join(f"B{i:05d},测试县第{i:05d}单位,county\n" for i in range(n)),
                      encoding="utf-8")
    done.touch()
    return sorted(folder.glob("*.xlsx"))


# ---------------------------------------------------------------- the measured jobs (run in a child)


def job_floor(files: list[Path]) -> None:
    """Unzip and parse only the XML parts nianbao needs, nothing else (C-accelerated ElementTree).

    The parts: the workbook, its rels, identity, shared strings, styles, 封面, 正文, the three
    statutory tables and (since issue 12 asks that a 校验 formula overwritten by a constant be
    reported) the 校验 sheet, sheet6; and (since issue 19 asks what colour a figure is painted in,
    and a style's colour may be a theme colour) the theme."""
    from xml.etree import ElementTree as ET

    needed = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "docProps/custom.xml", "xl/sharedStrings.xml",
              "xl/styles.xml", "xl/theme/theme1.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
              "xl/worksheets/sheet3.xml", "xl/worksheets/sheet4.xml", "xl/worksheets/sheet5.xml",
              "xl/worksheets/sheet6.xml")
    for path in files:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            for part in needed:
                if part in names:
                    ET.fromstring(zf.read(part))


def job_naive(files: list[Path]) -> None:
    import openpyxl

    for path in files:
        openpyxl.load_workbook(path).close()


def job_check(files: list[Path], jobs: int) -> None:
    """The command itself, `nianbao check FILE... --year Y -j N`, its report sent to /dev/null."""
    import contextlib

    from nianbao.cli import main

    with open(os.devnull, "w", encoding="utf-8") as sink, contextlib.redirect_stdout(sink):
        status = main(["check", *map(str, files), "--year", str(YEAR), "-j", str(jobs)])
    assert status == 1, status  # about one workbook in ten has an error on purpose


def job_compile(files: list[Path], jobs: int, out: str) -> None:
    """The whole compile: read, consolidate, and write summary.xlsx, summary.json and the county report."""
    from nianbao.county.roster import load_roster
    from nianbao.format.spec import format_for_year
    from nianbao.workflow.compile import CompileOptions, compile_reports, write_outputs

    roster = load_roster(files[0].parent / "roster.csv")
    comp = compile_reports(CompileOptions(fmt=format_for_year(YEAR), year=YEAR, roster=roster, out_dir=Path(out),
                                          paths=files, jobs=jobs))
    write_outputs(comp, Path(out))


# Agency names as a province roster has them: county + department, 5 to 24 characters.
_COUNTIES = ("萝北县", "绥滨县", "向阳区", "工农区", "南山区", "兴安区", "东山区", "兴山区", "鹤岗市", "佳木斯市郊区",
             "桦南县", "汤原县", "抚远市", "同江市", "富锦市")
_DEPARTMENTS = ("人民政府办公室", "发展和改革局", "教育局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局",
                "自然资源局", "生态环境分局", "住房和城乡建设局", "交通运输局", "水务局", "农业农村局", "商务局",
                "文化广电和旅游局", "卫生健康局", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局",
                "医疗保障局", "林业和草原局", "名山镇人民政府", "团结镇人民政府", "太平沟乡人民政府", "城市管理综合执法局")


def template_roster(n: int, folder: Path) -> Path:
    rows = [f"T{i:05d},{_COUNTIES[i % len(_COUNTIES)]}{_DEPARTMENTS[i // len(_COUNTIES) % len(_DEPARTMENTS)]},county"
            for i in range(n)]
    path = folder / f"template-roster-{n}.csv"
    path.write_text("code,name,level\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def job_template(files: list[Path], out: str) -> None:
    """The command itself, `nianbao template --roster R --year Y -o DIR`, for N agencies with varied names."""
    import contextlib
    import shutil

    from nianbao.cli import main

    target = Path(out)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    roster = template_roster(len(files), target)
    with open(os.devnull, "w", encoding="utf-8") as sink, contextlib.redirect_stdout(sink):
        status = main(["template", "--roster", str(roster), "--year", str(YEAR), "-o", str(target / "out")])
    assert status == 0 and len(list((target / "out").iterdir())) == len(files)


RENDER_COUNT = 100  # docx reports rendered one after another in one process (target: >= 20 /s)


def job_render(files: list[Path], out: str, count: int = RENDER_COUNT) -> None:
    """`count` different reports (checked first, a few ms each) rendered to .docx in one process."""
    from nianbao.check.run import check_file
    from nianbao.format.spec import get_format
    from nianbao.render import render_document

    Path(out).mkdir(parents=True, exist_ok=True)
    for i, path in enumerate(files[:count]):
        result = check_file(path)
        doc = result.document
        render_document(doc, get_format(doc["format"]), "docx", Path(out) / f"report{i % 2}.docx",
                        draft=bool(result.errors))


JOBS = {"floor": job_floor, "naive": job_naive, "check": job_check, "compile": job_compile,
        "template": job_template, "render": job_render}


def _child(name: str, files: list[str], kwargs: dict, queue) -> None:
    paths = [Path(f) for f in files]
    start = time.perf_counter()
    JOBS[name](paths, **kwargs)
    elapsed = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    queue.put((elapsed, max(own, kids) / 1024))


def measure(name: str, files: list[Path], repeat: int, **kwargs) -> tuple[float, float]:
    """Median seconds and max peak RSS (MB) over `repeat` fresh child processes."""
    ctx = mp.get_context("spawn")
    times, peaks = [], []
    for _ in range(repeat):
        queue = ctx.Queue()
        proc = ctx.Process(target=_child, args=(name, [str(f) for f in files], kwargs, queue))
        proc.start()
        elapsed, peak = queue.get()
        proc.join()
        times.append(elapsed)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


# ---------------------------------------------------------------- report


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}, {platform.system()}"


# A short id per measured step of the plan, for --only.
PLAN_IDS = {"floor (unzip+parse needed XML)": "floor", "naive openpyxl.load_workbook": "naive",
            "nianbao check -j 1": "check-j1", "nianbao check -j 2": "check-j2",
            "nianbao compile -j 2 (all outputs)": "compile", "nianbao template (roster of N)": "template",
            f"nianbao render ({RENDER_COUNT} reports, docx)": "render"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="default results.md (results-JOB.md with --only)")
    parser.add_argument("--only", nargs="+", choices=sorted(set(PLAN_IDS.values())),
                        help="run only these jobs (a shared machine: e.g. --only floor check-j2)")
    args = parser.parse_args()
    # Measured as installed: pip compiles an installed package's modules once; a process that may not
    # write bytecode (PYTHONDONTWRITEBYTECODE, set on some development machines) would compile all of
    # nianbao again in every measured run. The children below are spawned with this environment.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.out is None:
        args.out = HERE / (f"results-{'-'.join(args.only)}.md" if args.only else "results.md")
    rows = []
    scratch = CACHE / "scratch"
    for n in args.sizes:
        t0 = time.perf_counter()
        files = corpus(n)
        print(f"corpus n={n}: {len(files)} workbooks ({time.perf_counter() - t0:.1f} s incl. cache)", flush=True)
        plan = [("floor", "floor (unzip+parse needed XML)", {}), ("naive", "naive openpyxl.load_workbook", {}),
                ("check", "nianbao check -j 1", {"jobs": 1}), ("check", "nianbao check -j 2", {"jobs": 2}),
                ("compile", "nianbao compile -j 2 (all outputs)", {"jobs": 2, "out": str(scratch / f"compile{n}")}),
                ("template", "nianbao template (roster of N)", {"out": str(scratch / f"tpl{n}")})]
        if n == args.sizes[0]:
            plan.append(("render", f"nianbao render ({RENDER_COUNT} reports, docx)", {"out": str(scratch / "render")}))
        if args.only:
            plan = [step for step in plan if PLAN_IDS[step[1]] in args.only]
        results = {}
        for name, label, kwargs in plan:
            repeat = args.repeat if n <= 1000 or name in ("floor", "check") else 1
            seconds, peak = measure(name, files, repeat, **kwargs)
            count = min(RENDER_COUNT, len(files)) if name == "render" else len(files)
            results[label] = (seconds, peak, count)
            print(f"  {label:38s} {seconds:8.2f} s  {count / seconds:9.1f} /s  peak {peak:6.0f} MB", flush=True)
        floor = results.get("floor (unzip+parse needed XML)", (None,))[0]
        naive = results.get("naive openpyxl.load_workbook", (None,))[0]
        for label, (seconds, peak, count) in results.items():
            rows.append((n, label, seconds, count / seconds, seconds / floor if floor and count > 1 else None,
                         seconds / naive if naive and count > 1 else None, peak))
    write_results(args.out, rows)
    print(f"written {args.out}")
    return 0


def write_results(path: Path, rows) -> None:
    lines = ["# nianbao benchmarks", "", f"Machine: {machine()}", "",
             "Each figure is the median of several runs in a fresh process (peak RSS: the maximum; the N = 5000",
             "compile and template jobs run once). `check` and `template` are the commands themselves",
             "(`nianbao check FILE… -j N`, `nianbao template --roster`), their output sent to /dev/null; the",
             "template roster has real-world department names of 5 to 24 characters. The floor runs in one process.",
             "",
             "| N | job | seconds | workbooks/s | × floor | × naive | peak RSS MB |",
             "|---:|---|---:|---:|---:|---:|---:|"]
    for n, label, seconds, rate, xf, xn, peak in rows:
        fx = f"{xf:.2f}" if xf is not None else "—"
        nx = f"{xn:.2f}" if xn is not None else "—"
        lines.append(f"| {n} | {label} | {seconds:.2f} | {rate:.1f} | {fx} | {nx} | {peak:.0f} |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (path.with_suffix(".json")).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
