"""The running service: configuration, the store, the database, the worker pool, and what a
request asks of them (record an upload, the status of the roster, a review, a compile).

Views (views/*.py) turn HTTP into calls here; every context returned is a plain dict that
both the HTML page and its .json twin render.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from nianbao import clock
from nianbao.check.run import CheckResult
from nianbao.county.consolidate import percent
from nianbao.county.events import Event, stamp
from nianbao.county.previous import PreviousError
from nianbao.county.roster import RosterEntry, load_roster
from nianbao.county.store import Store
from nianbao.format.spec import Format, get_format

from . import journal, work
from .audit import record
from .auth import link_hash
from .db import DB_NAME, Database, now_iso
from .errors import BadRequest
from .tailstore import TailStore
from .uploads import RateLimiter
from .verdicts import REFUSED_DIR, VERDICT_LABELS, findings_of, refusal, refused_dir, row_of

WEB_DIR = "web"  # inside the store: the database, the link key, caches
STATUS_LABELS = {"missing": "未报送", "error": "有错误", "warning": "有警告", "ok": "通过"}
REVIEW_LABELS = {"accepted": "已接收", "returned": "已退回"}


@dataclass
class ServiceConfig:
    store: Path
    roster_path: Path
    year: int
    format_id: str
    deadline: dt.date | None = None
    previous: Path | None = None
    secret: bytes | None = None
    name: str | None = None  # the county, for the compile
    code: str | None = None
    base_url: str = "http://127.0.0.1:8000"
    workers: int = 2  # check processes; 0 = threads in this process (tests)
    rate_limit: int | None = None
    trusted_origins: set[str] = field(default_factory=set)

    @property
    def fmt(self) -> Format:
        return get_format(self.format_id)

    def check_options(self) -> dict:
        return {"expect_year": self.year, "expect_format": self.format_id, "secret": self.secret}


class Service:
    def __init__(self, config: ServiceConfig):
        self.config = config
        self.roster: list[RosterEntry] = load_roster(config.roster_path)
        self.by_code = {e.code: e for e in self.roster}
        self.store = TailStore(config.store)
        self.store.ensure()
        self._evidence: dict[str, TailStore] = {}
        self.web_dir = config.store / WEB_DIR
        for sub in ("tmp", "annotated", "templates", "outputs"):
            (self.web_dir / sub).mkdir(parents=True, exist_ok=True)
        self.db = Database(self.web_dir / DB_NAME)
        # a new database after a lost one: links, reviews and the audit log come back from the journal
        journal.restore(self.db, self.web_dir, link_hash(self.web_dir))
        self.db.set_config(year=config.year, format=config.format_id, roster=str(Path(config.roster_path).resolve()),
                           deadline=config.deadline.isoformat() if config.deadline else "", base_url=config.base_url)
        self.limiter = RateLimiter(**({"limit": config.rate_limit} if config.rate_limit else {}))
        self.login_failures = RateLimiter(limit=10, window=600, what="密码错误")
        self.pool: Executor | None = None

    # -- lifecycle

    def start(self) -> None:
        if self.config.workers > 0:
            import multiprocessing

            self.pool = ProcessPoolExecutor(self.config.workers, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=work.prepare, max_tasks_per_child=1000)
        else:
            work.prepare()
            self.pool = ThreadPoolExecutor(2, thread_name_prefix="nianbao-check")
        from .index import sync

        sync(self)

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        self.db.close()

    async def run(self, fn, *args):
        """fn(*args) in the worker pool, off the event loop."""
        return await asyncio.wrap_future(self.pool.submit(fn, *args))

    async def serial(self, fn, *args):
        """fn(*args) on the one writer thread: every store and database write happens there, in order."""
        return await asyncio.wrap_future(self.db.serial(fn, *args))

    def evidence(self, code: str) -> Store:
        """The store that keeps the workbooks refused at this agency's link (evidence, never counted)."""
        if code not in self._evidence:
            self._evidence[code] = TailStore(self.config.store / REFUSED_DIR / refused_dir(code))
        return self._evidence[code]

    # -- uploads

    async def receive(self, entry: RosterEntry, path: Path, actor: str) -> dict:
        """Check an uploaded file, store it (or keep it as evidence), record it; the upload's verdict."""
        result = await self.run(work.check_upload, str(path), self.config.check_options())
        refused = refusal(result, entry)
        return await self.serial(self._record_upload, entry, path, result, refused, actor)

    def _record_upload(self, entry: RosterEntry, path: Path, result: CheckResult, refused: dict | None,
                       actor: str) -> dict:
        store = self.evidence(entry.code) if refused else self.store
        receipt = store.add(path, result)
        duplicate = receipt is None
        if duplicate:
            from nianbao.county.store import sha256_of

            digest = sha256_of(path)
            receipt = next(r for r in store.receipts() if r.sha256 == digest)
        row = row_of(entry.code, receipt, "refused" if refused else "store",
                        "refused" if refused else result.status, [refused] if refused else findings_of(result))

        def write(conn):
            conn.execute("INSERT OR IGNORE INTO submissions (agency_code, sha256, place, stored_as, original_name, "
                         "received_at, status, errors, warnings, findings) VALUES (:agency_code, :sha256, :place, "
                         ":stored_as, :original_name, :received_at, :status, :errors, :warnings, :findings)", row)
            record(conn, actor, "upload", entry.code, receipt.sha256,
                   {"status": row["status"], "original_name": path.name, "duplicate": duplicate}, self.web_dir)

        self.db.transaction(write)
        return self.verdict(row, duplicate)

    @staticmethod
    def verdict(row, duplicate: bool = False) -> dict:
        findings = json.loads(row["findings"]) if isinstance(row["findings"], str) else row["findings"]
        return {"ok": True, "status": row["status"], "label": VERDICT_LABELS[row["status"]], "findings": findings,
                "receipt": {"sha256": row["sha256"], "received_at": row["received_at"],
                            "original_name": row["original_name"]},
                "duplicate": duplicate}

    # -- what pages show

    def submissions(self, code: str) -> list[dict]:
        rows = self.db.query("SELECT * FROM submissions WHERE agency_code = ? ORDER BY id DESC", (code,))
        reviews = self._reviews(code)
        out = []
        for row in rows:
            item = self.verdict(row)
            item.update(place=row["place"], on_time=self.on_time(row["received_at"]),
                        review=reviews.get(row["sha256"]) if row["place"] == "store" else None,
                        annotatable=row["place"] == "store" and row["status"] in ("error", "warning"))
            out.append(item)
        return out

    def _reviews(self, code: str) -> dict[str, dict]:
        out = {}
        for r in self.db.query("SELECT * FROM reviews WHERE agency_code = ? ORDER BY id", (code,)):
            out[r["sha256"]] = {"decision": r["decision"], "label": REVIEW_LABELS[r["decision"]], "note": r["note"],
                                "created_at": r["created_at"]}
        return out

    def on_time(self, received_at: str) -> bool | None:
        return clock.on_time(received_at, self.config.deadline)  # the deadline's day in the configured zone

    def agency_status(self, entry: RosterEntry) -> dict:
        history = self.submissions(entry.code)
        current = next((s for s in history if s["place"] == "store"), None)
        if current is None:
            status = "missing"
        else:
            status = {"ok": "ok", "warning": "warning"}.get(current["status"], "error")
        return {"code": entry.code, "name": entry.name, "group": entry.group, "email": entry.email,
                "status": status, "label": STATUS_LABELS[status], "current": current,
                "refused": sum(s["place"] == "refused" for s in history), "count": len(history), "history": history}

    def department_context(self, entry: RosterEntry) -> dict:
        agency = self.agency_status(entry)
        return {"year": self.config.year, "deadline": self.deadline_text(), "format": self.config.fmt.notice,
                "agency": agency, "latest": agency["history"][0] if agency["history"] else None}

    def deadline_text(self) -> str | None:
        return clock.show_date(self.config.deadline)

    def office_context(self) -> dict:
        agencies = [self.agency_status(e) for e in self.roster]
        for a in agencies:
            del a["history"]
        counts = {k: sum(a["status"] == k for a in agencies) for k in STATUS_LABELS}
        total = len(agencies)
        reported = total - counts["missing"]
        unassigned = [self.verdict(r) for r in self.db.query(
            "SELECT * FROM submissions WHERE place = 'store' AND (agency_code IS NULL OR agency_code NOT IN "
            f"({','.join('?' * len(self.roster))})) ORDER BY id DESC", [e.code for e in self.roster])]
        return {"year": self.config.year, "deadline": self.deadline_text(), "format": self.config.fmt.notice,
                "agencies": agencies, "counts": counts, "labels": STATUS_LABELS,
                "completion": {"reported": reported, "total": total,
                               "rate": round(reported / total, 4) if total else 0,
                               "shown": percent(reported, total)},  # as compile prints it: 16 of 18 is 88.9%
                "unassigned": unassigned, "compile": self.last_compile()}

    def last_compile(self) -> dict | None:
        text = self.db.get_config("last_compile")
        return json.loads(text) if text else None

    def submission(self, code: str, sha256: str) -> dict | None:
        row = self.db.one("SELECT * FROM submissions WHERE agency_code IS ? AND sha256 = ? ORDER BY id DESC",
                          (code, sha256))
        return dict(row) if row else None

    def any_submission(self, sha256: str) -> dict | None:
        row = self.db.one("SELECT * FROM submissions WHERE sha256 = ? ORDER BY id DESC", (sha256,))
        return dict(row) if row else None

    def file_path(self, row: dict) -> Path:
        if row["place"] == "refused":
            return self.evidence(row["agency_code"]).root / row["stored_as"]
        return self.store.root / row["stored_as"]

    async def annotated(self, row: dict) -> Path:
        out = self.web_dir / "annotated" / f"{row['sha256']}-批注.xlsx"
        if not out.exists():
            await self.run(work.annotated_copy, str(self.file_path(row)), self.config.check_options(), str(out))
        return out

    async def template(self, entry: RosterEntry) -> Path:
        out = self.web_dir / "templates" / f"{refused_dir(entry.code)}.xlsx"
        agency = {"name": entry.name, "code": entry.code, "level": entry.level or "county"}
        if not out.exists():
            await self.run(work.template_file, self.config.format_id, self.config.year, agency, self.config.secret,
                           str(out))
        return out

    # -- the office's actions

    async def review(self, code: str, sha256: str, decision: str, note: str, actor: str) -> None:
        def write(conn):
            created = now_iso()
            conn.execute("INSERT INTO reviews (agency_code, sha256, decision, note, actor, created_at) "
                         "VALUES (?, ?, ?, ?, ?, ?)", (code, sha256, decision, note, actor, created))
            journal.append(self.web_dir, "review", {"agency_code": code, "sha256": sha256, "decision": decision,
                                                    "note": note, "actor": actor, "created_at": created})
            record(conn, actor, "review", code, sha256, {"decision": decision, "note": note}, self.web_dir)

        await self.db.write(write)
        # The store's own record of the decision, which compile, review and remind read (county/state.py).
        # Interim bridge until the pages themselves are views of county/state.py (issue 18, phase 2).
        self.store.append_event(Event(decision, sha256, stamp(), actor, code, note=note))

    async def compile(self, actor: str) -> dict:
        stamp = clock.now().strftime("%Y%m%d-%H%M%S-%f")
        out_dir = self.web_dir / "outputs" / stamp
        c = self.config
        try:
            outcome = await self.run(work.compile_outputs, c.format_id, c.year, str(c.roster_path), str(c.store),
                                     str(out_dir), str(c.previous) if c.previous else None, c.name, c.code, c.secret)
        except PreviousError as exc:  # a --previous the office must fix: said in Chinese, not a 500
            raise BadRequest(f"无法读取上一年度数据：{exc}", code="previous") from None
        outcome.update(dir=stamp, created_at=now_iso())

        def write(conn):
            conn.execute("INSERT OR REPLACE INTO config VALUES ('last_compile', ?)",
                         (json.dumps(outcome, ensure_ascii=False),))
            record(conn, actor, "compile", None, None, {"dir": stamp, "counts": outcome["counts"]}, self.web_dir)

        await self.db.write(write)
        return outcome

    def output_file(self, name: str) -> Path | None:
        last = self.last_compile()
        if not last:
            return None
        path = last["files"].get(name)
        return Path(path) if path and Path(path).is_file() else None

    async def audit(self, actor: str, event: str, code: str | None = None, sha256: str | None = None,
                    **detail) -> None:
        await self.db.write(lambda conn: record(conn, actor, event, code, sha256, detail, self.web_dir))

    def tmp_dir(self) -> Path:
        return self.web_dir / "tmp"

    def clean_tmp(self) -> None:
        """Uploads a killed server left half-received: never stored, removed at start."""
        tmp = self.tmp_dir()
        for child in tmp.iterdir():
            shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)
        os.makedirs(tmp, exist_ok=True)
