"""The real server: 50 concurrent uploads from 20 clients; kill -9 during uploads, then a restart."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import shutil
from pathlib import Path

import httpx
import pytest
from live import LiveServer
from web_kit import PASSWORD, YEAR, workbook

from nianbao.cli import main
from nianbao.county.events import read_events
from nianbao.county.store import Store, collect

CLIENTS = 20


def _codes():
    return [f"L{i:02d}" for i in range(1, CLIENTS + 1)]


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    """20 agencies, and for each: a passing workbook, a failing one, and (for half) another agency's."""
    root = tmp_path_factory.mktemp("fleet")
    roster = root / "roster.csv"
    roster.write_text("code,name,level\n" + "".join(f"{c},名单外单位{c},county\n" for c in _codes()),
                      encoding="utf-8")  # the names web_kit.workbook writes for codes of its own
    files = []  # (link code, path, expected status)
    for i, code in enumerate(_codes()):
        files.append((code, workbook(root / f"{code}-ok.xlsx", code, seed=i + 1), "ok"))
        files.append((code, workbook(root / f"{code}-bad.xlsx", code, broken=True, seed=i + 1), "error"))
        if i % 2 == 0:
            other = _codes()[(i + 1) % CLIENTS]
            files.append((code, workbook(root / f"{code}-other.xlsx", other, seed=100 + i), "refused"))
    password = root / "office-password.txt"
    password.write_text(PASSWORD + "\n", encoding="utf-8")
    return root, roster, password, files


def _start(root, roster, password, name: str) -> LiveServer:
    return LiveServer(root / name, roster, YEAR, password, "--rate-limit", "1000")


def _links(server: LiveServer, store) -> dict[str, str]:
    from nianbao.county.roster import load_roster
    from nianbao.web.db import Database
    from nianbao.web.links import make_links

    db = Database(store / "web" / "service.sqlite3")
    try:
        return {x["code"]: x["url"] for x in make_links(db, store / "web", load_roster(db.get_config("roster")),
                                                        server.url)}
    finally:
        db.close()


async def _upload_all(links: dict[str, str], files, stop_after: int | None = None, on_enough=None):
    """Each of CLIENTS clients uploads its agency's files in turn; all clients at once."""
    by_code: dict[str, list] = {}
    for code, path, expected in files:
        by_code.setdefault(code, []).append((path, expected))
    results, done = [], 0

    async def client(code):
        nonlocal done
        async with httpx.AsyncClient(timeout=120) as http:
            for path, expected in by_code[code]:
                try:
                    r = await http.post(links[code], files={"file": (path.name, path.read_bytes())},
                                        headers={"accept": "application/json"})
                    results.append((code, path, expected, r.status_code, r.json()))
                except httpx.HTTPError as exc:
                    results.append((code, path, expected, None, repr(exc)))
                done += 1
                if stop_after is not None and done == stop_after:
                    on_enough()

    await asyncio.gather(*(client(c) for c in by_code))
    return results


def _check_store_whole(store_dir):
    """Every receipt a whole JSON line naming a complete file whose SHA-256 is its name."""
    lines = (store_dir / "receipts.jsonl").read_text(encoding="utf-8").splitlines()
    receipts = [json.loads(line) for line in lines]  # raises on a torn line
    for r in receipts:
        data = (store_dir / r["stored_as"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == r["sha256"]
        assert len(data) == r["size"]
    assert len({r["sha256"] for r in receipts}) == len(receipts)
    return receipts


def test_fifty_concurrent_uploads_from_twenty_clients(fleet):
    root, roster, password, files = fleet
    assert len(files) == 50
    server = _start(root, roster, password, "store-concurrent")
    try:
        store = root / "store-concurrent"
        results = asyncio.run(_upload_all(_links(server, store), files))
        assert len(results) == 50
        for _code, path, expected, status, body in results:
            assert status == 200, (path.name, body)
            assert body["status"] == expected, (path.name, body["status"], body["findings"][:2])
        receipts = _check_store_whole(store)
        stored = {r["sha256"] for r in receipts}
        for _code, path, _expected, _, body in results:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            assert body["receipt"]["sha256"] == digest
            assert digest in stored  # every upload is kept; another agency's workbook never counts
        assert not (store / "refused").exists()
        with httpx.Client(base_url=server.url) as http:
            assert http.post("/office/login", data={"password": PASSWORD}).status_code == 303
            status = http.get("/office/status.json").json()
        assert status["completion"]["reported"] == CLIENTS
    finally:
        server.stop()


def _summary(out) -> dict:
    """What the county summary counts: its tables, and each counted agency's file and verdict (where and when
    it arrived differ between two stores of the same files; an agency that sent only another agency's
    workbook at its link is 有错误 in the web's store and 未报送 in a store of the own files only)."""
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    counted = {a["code"]: (a["sha256"], a["status"]) for a in data["agencies"] if a["included"]}
    return {"tables": data["report"]["tables"], "counted": counted}


def test_kill_9_during_uploads_then_restart(fleet, tmp_path):
    root, roster, password, files = fleet
    store = root / "store-killed"
    server = _start(root, roster, password, "store-killed")
    order = list(files)
    random.Random(7).shuffle(order)
    try:
        results = asyncio.run(_upload_all(_links(server, store), order, stop_after=12, on_enough=server.kill9))
    finally:
        server.stop()
    answered = [r for r in results if r[3] == 200]
    assert 12 <= len(answered) < len(files)
    receipts = _check_store_whole(store)  # consistent after the kill
    stored = {r["sha256"] for r in receipts}
    for _, _path, _expected, _, body in answered:  # everything answered was kept
        assert body["receipt"]["sha256"] in stored
    expected_of = {hashlib.sha256(p.read_bytes()).hexdigest(): e for _, p, e in files}
    own = [r for r in receipts if expected_of[r["sha256"]] != "refused"]  # each agency's own workbooks

    restarted = _start(root, roster, password, "store-killed")
    try:
        assert list((store / "web" / "tmp").iterdir()) == []  # half-received uploads gone
        with httpx.Client(base_url=restarted.url) as http:
            http.post("/office/login", data={"password": PASSWORD})
            status = http.get("/office/status.json").json()
        indexed = {a["code"] for a in status["agencies"] if a["current"]}
        assert indexed == {r["agency_code"] for r in own}  # the index caught up with the store
    finally:
        restarted.stop()

    by_sha = {hashlib.sha256(p.read_bytes()).hexdigest(): p for _, p, _, in [(c, p, e) for c, p, e in files]}
    arrived = [e.sha256 for e in read_events(store)[0] if e.kind == "sent"]  # the order the uploads arrived in
    mine = {r["sha256"] for r in own}
    inbox = []
    for i, sha in enumerate(s for s in arrived if s in mine):  # collect takes an inbox oldest first (mtime)
        path = shutil.copy(by_sha[sha], tmp_path / f"{i:03d}-{by_sha[sha].name}")
        os.utime(path, (1_600_000_000 + i, 1_600_000_000 + i))
        inbox.append(Path(path))
    fresh = Store(tmp_path / "collected")
    collect(inbox, fresh)  # the same own files, in the same order, by `collect`
    args = ["--roster", str(roster), "--year", str(YEAR), "--no-render"]
    main(["compile", "--store", str(store), *args, "-o", str(tmp_path / "a")])
    main(["compile", "--store", str(fresh.root), *args, "-o", str(tmp_path / "b")])
    assert _summary(tmp_path / "a") == _summary(tmp_path / "b")
