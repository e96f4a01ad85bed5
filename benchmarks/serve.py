"""Benchmark of `nianbao serve` (issues 14, 18): upload → verdict latency, sustained rate, memory.

    python benchmarks/serve.py                       # the targets below, about 3-5 minutes
    python benchmarks/serve.py --uploads 500 --seconds 10

The clients send requests encoded before the run over keep-alive connections, so that they
take little of the 2 cores (httpx clients in this process took as much CPU as the server and
doubled the measured p95); the server reports its own time per request (Server-Timing).

Targets: p95 upload → verdict ≤ 300 ms for one workbook with 20 concurrent clients on 2 cores, with
the cross-year check (the server runs with --previous: last year's store holds a report of every
agency, and every verdict is county/state.py's over the whole store, as compile's); ≥ 30 uploads/s
sustained; server memory (the server process and its check workers) flat over 2,000 uploads. The real server runs in a subprocess on 127.0.0.1 on a free port; the clients
(httpx, 20 connections) run in this process, on the same 2 cores. Not a timed test: it reports.
Results go to stdout and benchmarks/results-serve.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tool"))
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE.parent / "tests" / "web"))

CACHE = HERE / "cache" / "serve"
YEAR = 2021
CLIENTS = 20
DISTINCT = 200  # filled workbooks; each upload sends one of them as new bytes (see variant)
PASSWORD = "bench-office-password"


def last_year(codes: list[str]) -> Path:
    """Last year's store: a report of every agency (so every upload is checked against its last year). Cached."""
    from factory import valid_document

    from nianbao.check.run import check_file
    from nianbao.county.store import Store
    from nianbao.format.spec import format_for_year
    from nianbao.template.write import write_template

    store = Store(CACHE / f"store-{YEAR - 1}")
    if store.receipts():
        return store.root
    fmt = format_for_year(YEAR - 1)
    for i, code in enumerate(codes):
        agency = {"name": f"测试县第{code}局", "code": code, "level": "county"}
        path = write_template(fmt, YEAR - 1, agency, CACHE / f"{code}-{YEAR - 1}.xlsx",
                              document=valid_document(fmt, YEAR - 1, seed=500 + i, agency=agency))
        store.receive(path, check_file(path), actor="collect")
    return store.root


def corpus() -> tuple[Path, list[tuple[str, Path]]]:
    """CLIENTS agencies, DISTINCT filled workbooks among them (1 in 10 with an error). Cached on disk."""
    from factory import valid_document

    from nianbao.format.spec import format_for_year
    from nianbao.template.write import write_template

    CACHE.mkdir(parents=True, exist_ok=True)
    roster = CACHE / "roster.csv"
    codes = [f"S{i:02d}" for i in range(CLIENTS)]
    roster.write_text("code,name,level\n" + "".join(f"{c},测试县第{c}局,county\n" for c in codes), encoding="utf-8")
    fmt = format_for_year(YEAR)
    rng = random.Random(14)
    files = []
    for i in range(DISTINCT):
        code = codes[i % CLIENTS]
        path = CACHE / f"{code}-{i:04d}.xlsx"
        if not path.exists():
            agency = {"name": f"测试县第{code}局", "code": code, "level": "county"}
            doc = valid_document(fmt, YEAR, seed=i, agency=agency)
            if rng.random() < 0.1:
                doc["tables"]["requests.carry_forward.natural"] += 1
            write_template(fmt, YEAR, agency, path, document=doc)
        files.append((code, path))
    return roster, files


def variant(data: bytes, k: int) -> bytes:
    """The same workbook as other bytes: the document's author (docProps/core.xml) carries k.

    Every upload is then a new file the store keeps (as a re-saved workbook would be), so the
    store grows with the run instead of answering duplicates."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info)
            if info.filename == "docProps/core.xml":
                mark = f"<dc:creator>nianbao {k}</dc:creator>".encode()
                part = part.replace(b"<dc:creator>nianbao</dc:creator>", mark)
            dst.writestr(info, part)
    return out.getvalue()


def uploads(files, n: int, first: int) -> list[tuple[str, str, bytes]]:
    """n distinct uploads (code, file name, bytes) cycling over the corpus, numbered from first."""
    blobs = [(code, path.name, path.read_bytes()) for code, path in files]
    return [(code, name, variant(data, first + k)) for k, (code, name, data) in
            ((k, blobs[k % len(blobs)]) for k in range(n))]


def rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants (KiB)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


SERVER_MS: list[float] = []  # the server's own time per upload (its Server-Timing header)
BOUNDARY = "nianbao-bench-boundary"


def request_bytes(url: str, name: str, data: bytes) -> bytes:
    """One upload as the bytes a browser sends: encoded before the run, so the clients cost little CPU
    (in real use they are the departments' own computers, not this machine's two cores)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    body = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n").encode()
    body += data + f"\r\n--{BOUNDARY}--\r\n".encode()
    head = (f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nAccept: application/json\r\n"
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


class Client:
    """A keep-alive HTTP/1.1 connection sending prepared requests (no HTTP library on the hot path)."""

    def __init__(self, url: str):
        from urllib.parse import urlsplit

        self.host, self.port = urlsplit(url).hostname, urlsplit(url).port
        self.reader = self.writer = None

    async def __aenter__(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return self

    async def __aexit__(self, *exc):
        self.writer.close()

    async def post(self, raw: bytes) -> float:
        import json

        start = time.perf_counter()
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode("latin-1").split("\r\n")[1:] if ": " in line)
        headers = {k.lower(): v for k, v in headers.items()}
        body = await self.reader.readexactly(int(headers["content-length"]))
        elapsed = time.perf_counter() - start
        status = json.loads(body).get("status")
        if not head.startswith(b"HTTP/1.1 200") or status not in ("ok", "error", "warning"):
            raise AssertionError(f"upload failed: {head[:40]!r} {body[:300]!r}")
        SERVER_MS.append(float(headers["server-timing"].split("dur=")[1]))
        return elapsed


def _by_code(links, items) -> dict[str, list[bytes]]:
    by_code: dict[str, list[bytes]] = {}
    for code, name, data in items:
        by_code.setdefault(code, []).append(request_bytes(links[code], name, data))
    return by_code


async def paced(links, items, rate: float, seconds: float) -> tuple[list[float], float]:
    """Open loop: CLIENTS clients together send `rate` uploads/s for `seconds`; latencies and achieved rate."""
    by_code = _by_code(links, items)
    interval = CLIENTS / rate
    latencies: list[float] = []
    start = time.perf_counter()

    async def client(i, code):
        async with Client(links[code]) as http:
            await asyncio.sleep(interval * i / CLIENTS)  # staggered starts
            n = 0
            while True:
                due = start + interval * i / CLIENTS + n * interval
                if due - start > seconds:
                    return
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                latencies.append(await http.post(by_code[code][n % len(by_code[code])]))
                n += 1

    await asyncio.gather(*(client(i, c) for i, c in enumerate(by_code)))
    return latencies, len(latencies) / (time.perf_counter() - start)


async def closed(links, items, on_progress=None) -> tuple[list[float], float]:
    """Closed loop: CLIENTS clients upload back to back until every item is sent; latencies and rate."""
    by_code = _by_code(links, items)
    total = len(items)
    latencies: list[float] = []
    counter = iter(range(total))
    start = time.perf_counter()

    async def client(code):
        async with Client(links[code]) as http:
            n = 0
            for k in counter:
                latencies.append(await http.post(by_code[code][n % len(by_code[code])]))
                n += 1
                if on_progress:
                    on_progress(k + 1)

    await asyncio.gather(*(client(c) for c in by_code))
    return latencies, len(latencies) / (time.perf_counter() - start)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=2000, help="uploads in the memory run")
    parser.add_argument("--rate", type=float, default=30.0, help="offered uploads/s in the latency run")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the latency run")
    parser.add_argument("--workers", type=int, default=2, help="the server's check processes")
    args = parser.parse_args(argv)

    from live import LiveServer

    from nianbao.county.roster import load_roster
    from nianbao.web.db import Database
    from nianbao.web.links import make_links

    roster, files = corpus()
    work = Path(tempfile.mkdtemp(prefix="nianbao-bench-serve-"))
    (work / "password").write_text(PASSWORD)
    previous = last_year([f"S{i:02d}" for i in range(CLIENTS)])
    server = LiveServer(work / "store", roster, YEAR, work / "password", "--rate-limit", "1000000",
                        "--workers", str(args.workers), "--previous", str(previous))
    lines = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    try:
        db = Database(work / "store" / "web" / "service.sqlite3")
        links = {x["code"]: x["url"] for x in make_links(db, work / "store" / "web", load_roster(roster), server.url)}
        db.close()
        load = os.getloadavg()
        say(f"# nianbao serve benchmark — {time.strftime('%Y-%m-%d %H:%M')} UTC")
        say("")
        say(f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, load average at start "
            f"{load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f} (a shared machine: other work ran alongside).")
        say(f"Server: nianbao serve --previous (last year's store, a report of every agency: every verdict "
            f"includes the cross-year check), {args.workers} check processes; {CLIENTS} keep-alive clients in one "
            f"process sending prepared requests; {DISTINCT} filled workbooks of ~30 KB (1 in 10 with an error), "
            "every upload new bytes (stored), every verdict county/state.py's over the whole store.")
        say("")
        paced_items = uploads(files, int(args.rate * args.seconds) + 100, 0)
        closed_items = uploads(files, args.uploads, len(paced_items))
        asyncio.run(closed(links, uploads(files, 40, -1000)))  # warm up: workers started, first files stored
        rss_start = rss_kib(server.proc.pid)

        SERVER_MS.clear()
        lat, achieved = asyncio.run(paced(links, paced_items, args.rate, args.seconds))
        ms = [x * 1000 for x in lat]
        srv = list(SERVER_MS)
        say(f"Latency, {CLIENTS} concurrent clients offering {args.rate:g} uploads/s for {args.seconds:g} s: "
            f"{len(ms)} uploads, achieved {achieved:.1f}/s; upload → verdict p50 {pct(ms, .5):.0f} ms, "
            f"p95 {pct(ms, .95):.0f} ms, p99 {pct(ms, .99):.0f} ms, max {max(ms):.0f} ms "
            f"(target p95 ≤ 300 ms: {'met' if pct(ms, .95) <= 300 else 'NOT met'}); inside the server "
            f"(request received → verdict sent) p50 {pct(srv, .5):.0f} ms, p95 {pct(srv, .95):.0f} ms.")

        samples = []

        def progress(k):
            if k % 250 == 0:
                samples.append((k, rss_kib(server.proc.pid)))

        lat, rate = asyncio.run(closed(links, closed_items, progress))
        ms = [x * 1000 for x in lat]
        say(f"Throughput, {CLIENTS} clients back to back, {args.uploads} uploads: {rate:.1f} uploads/s "
            f"(target ≥ 30/s: {'met' if rate >= 30 else 'NOT met'}); p50 {pct(ms, .5):.0f} ms, "
            f"p95 {pct(ms, .95):.0f} ms (closed loop: latency = clients ÷ rate).")
        mib = [f"{k}: {v / 1024:.0f}" for k, v in samples]
        growth = (samples[-1][1] - samples[0][1]) / 1024 if len(samples) > 1 else 0.0
        say(f"Memory (server + check workers, RSS MiB) after warm-up {rss_start / 1024:.0f}; by uploads "
            f"{', '.join(mib)}; growth from first to last sample {growth:+.0f} MiB.")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    (HERE / "results-serve.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
