"""The running service: configuration, the store, the database, the worker pool, and what a
request asks of them (record an upload, the state of the roster, a decision, a compile).

Every page is a view of county/state.py over the store: its files (each checked once, as
compile checks it: index.py), its events (every upload, decision and explanation:
events.jsonl) and last year's reports (--previous, loaded once at start). The verdict a
department sees at upload, the office's pages, status.json, `remind` and 生成汇总 are the
same state; no page keeps its own. Decisions and explanations go through county/review.py
into the store's events.jsonl, and to the audit log.

Views (views/*.py) turn HTTP into calls here; every context returned is a plain dict that
both the HTML page and its .json twin render.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import os
import shutil
import threading
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from nianbao import clock
from nianbao.county import review as decide
from nianbao.county.consolidate import percent
from nianbao.county.events import ACCEPTED, EXPLAINED, RETURNED
from nianbao.county.gather import Checked, Submission
from nianbao.county.previous import Previous, PreviousError, load_previous
from nianbao.county.roster import RosterEntry, load_roster
from nianbao.county.state import STATUS_LABELS, AgencyState, RosterState, Upload, finding_key, judge, state_of
from nianbao.format.spec import Format, get_format

from . import county_text, journal, work
from .audit import record
from .auth import link_hash, link_key
from .db import DB_NAME, Database, now_iso
from .errors import BadRequest, NotFound
from .index import Index
from .tailstore import TailStore
from .uploads import RateLimiter
from .verdicts import Views, code_name

WEB_DIR = "web"  # inside the store: the database, the link key, caches


@dataclass
class ServiceConfig:
    store: Path
    roster_path: Path
    year: int
    format_id: str
    deadline: dt.date | None = None
    previous: Path | None = None  # last year: a store, summary.json/.xlsx or published reports (as compile takes)
    secret: bytes | None = None
    secret_file: Path | None = None  # where the secret came from (recorded for `remind` and `review`)
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
        """Exactly compile's: a template's own last-year figures stand in for --previous only without it."""
        return {"expect_year": self.year, "expect_format": self.format_id, "secret": self.secret,
                "carried": self.previous is None}


@dataclass(frozen=True)
class _Fields:
    """What a receipt records of a checked file (county/store.py): informational, the state re-judges it."""

    agency: dict | None
    format: str | None
    year: int | None
    status: str
    errors: int
    warnings: int

    @classmethod
    def of(cls, checked: Checked) -> _Fields:
        return cls(checked.agency, checked.format, checked.year, checked.status,
                   sum(f.severity == "error" for f in checked.findings),
                   sum(f.severity == "warning" for f in checked.findings))


class Service:
    def __init__(self, config: ServiceConfig):
        self.config = config
        self.roster: list[RosterEntry] = load_roster(config.roster_path)
        self.by_code = {e.code: e for e in self.roster}
        self.store = TailStore(config.store)
        self.store.ensure()
        self.web_dir = config.store / WEB_DIR
        for sub in ("tmp", "annotated", "templates", "outputs", county_text.FOLDER):
            (self.web_dir / sub).mkdir(parents=True, exist_ok=True)
        self.db = Database(self.web_dir / DB_NAME)  # migrations move an earlier version's reviews into events
        # a new database after a lost one: links and the audit log come back from the journal
        journal.restore(self.db, self.web_dir, link_hash(self.web_dir))
        self.db.set_config(year=config.year, format=config.format_id, roster=str(Path(config.roster_path).resolve()),
                           deadline=config.deadline.isoformat() if config.deadline else "", base_url=config.base_url,
                           previous=str(Path(config.previous).resolve()) if config.previous else "",
                           secret_file=str(Path(config.secret_file).resolve()) if config.secret_file else "")
        self.index = Index(self.db, link_key(self.web_dir), config.check_options())
        self.limiter = RateLimiter(**({"limit": config.rate_limit} if config.rate_limit else {}))
        self.login_failures = RateLimiter(limit=10, window=600, what="密码错误")
        self.pool: Executor | None = None
        self.previous: Previous | None = None
        self._previous_loaded = False
        self._state_lock = threading.Lock()
        self._state: tuple[tuple, RosterState] | None = None
        self._subs: dict[str, Submission] = {}  # sha256 -> the file as state.py takes it
        self._memo: dict = {}  # state_of's: each file judged once (previous does not change while running)
        self._judged: dict[tuple, list] = {}

    # -- lifecycle

    def load_previous(self) -> None:
        """Last year's reports, once (PreviousError, in Chinese, for a --previous that cannot be used)."""
        if self._previous_loaded:
            return
        c = self.config
        if c.previous is not None:
            if not Path(c.previous).exists():
                raise PreviousError(f"上一年度数据 {c.previous} 不存在")
            self.previous = load_previous(Path(c.previous), c.year - 1, c.secret, roster=self.roster)
        self._previous_loaded = True

    def start(self) -> None:
        self.load_previous()
        if self.config.workers > 0:
            import multiprocessing

            self.pool = ProcessPoolExecutor(self.config.workers, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=work.prepare, max_tasks_per_child=1000)
        else:
            work.prepare()
            self.pool = ThreadPoolExecutor(2, thread_name_prefix="nianbao-check")
        self.index.load()
        self.index.sync(self.store, self.pool)

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

    # -- the state: county/state.py over the store

    def state(self) -> RosterState:
        """Every roster agency's state over the files indexed so far and the store's events now.

        Computed once per change of the store and shared: requests that wait while it is computed
        (uploads arriving together) find the next one covering all of them."""
        with self._state_lock:
            receipts, events = self.store.receipts(), self.store.events()
            key = (len(receipts), len(events), self.index.count())
            if self._state is not None and self._state[0] == key:
                return self._state[1]
            subs = [sub for r in receipts if (sub := self._submission(r)) is not None]
            state = state_of(subs, self.roster, events=events, previous=self.previous, fmt=self.config.fmt,
                             memo=self._memo)
            self._state = (key, state)
            return state

    def _submission(self, receipt) -> Submission | None:
        """The stored file as state.py takes it (one object per file, kept: each file is judged once)."""
        sub = self._subs.get(receipt.sha256)
        if sub is None:
            checked = self.index.get(receipt.sha256)
            if checked is None:
                return None
            sub = self._subs[receipt.sha256] = Submission(str(self.store.path_of(receipt)), receipt.received_at,
                                                          checked, receipt.original_name, receipt.sha256)
        return sub

    async def fresh_state(self) -> RosterState:
        """The state with every file of the store indexed (a file collected beside the service is checked first)."""
        if self.index.count() < len({r.sha256 for r in self.store.receipts()}):
            await asyncio.to_thread(self.index.sync, self.store, self.pool)
        return await asyncio.to_thread(self.state)

    def judged(self, sub: Submission, entry: RosterEntry) -> list:
        """A file's own verdict for an agency (state.judge), e.g. of a file a later one superseded."""
        key = (sub.sha256, entry.code, entry.name, entry.level)
        if key not in self._judged:
            self._judged[key] = judge(sub.result, entry, self.previous)
        return self._judged[key]

    def views(self) -> Views:
        return Views(self.judged, self.config.deadline)

    def agency_state(self, state: RosterState, code: str) -> AgencyState:
        st = state.of(code)
        if st is None:
            raise NotFound(f"名单中没有代码为 {code} 的单位。")
        return st

    # -- uploads

    async def receive(self, entry: RosterEntry, path: Path, actor: str) -> dict:
        """Check an uploaded file as compile does, store it with its arrival, and say the agency's verdict."""
        checked = await self.run(work.check_stored, str(path), self.index.options)
        receipt, new, event = await self.serial(self._store_upload, entry, path, checked, actor)
        st = (await asyncio.to_thread(self.state)).of(entry.code)  # off the writer: uploads share one state
        up = next((h for h in st.history if h.sha256 == receipt.sha256 and h.at == event.at
                   and h.name == event.original_name), st.history[0])
        verdict = self.views().verdict(st, up)
        await self.db.write(lambda conn: record(conn, actor, "upload", entry.code, receipt.sha256, {
            "status": verdict["status"], "original_name": event.original_name, "duplicate": not new}, self.web_dir))
        return verdict

    def _store_upload(self, entry: RosterEntry, path: Path, checked: Checked, actor: str):
        """On the writer thread: the bytes into the store, the arrival into events.jsonl, the file into the index."""
        receipt, new, event = self.store.receive(path, _Fields.of(checked), actor=actor, via=entry.code,
                                                 original_name=path.name, received_at=clock.now())
        if self.index.get(receipt.sha256) is None:
            self.db.transaction(lambda conn: self.index.put(receipt.sha256, checked, conn))
        return receipt, new, event

    # -- what pages show

    def deadline_text(self) -> str | None:
        return clock.show_date(self.config.deadline)

    def department_context(self, state: RosterState, entry: RosterEntry) -> dict:
        st = self.agency_state(state, entry.code)
        views = self.views()
        return {"year": self.config.year, "deadline": self.deadline_text(), "format": self.config.fmt.notice,
                "agency": views.agency(st, full=True),
                "upload": views.verdict(st, st.latest) if st.latest is not None else None,
                "template": {"carried": self._carried(entry) is not None}}

    def office_context(self, state: RosterState) -> dict:
        views = self.views()
        agencies = [views.agency(st) for st in state.agencies]
        counts = {k: sum(a["status"] == k for a in agencies) for k in STATUS_LABELS}
        total = len(agencies)
        reported = total - counts["missing"]
        elsewhere = [{"name": s.original_name, "at": s.received_at, "agency": (s.result.agency or {}).get("name"),
                      "code": s.code, "why": why} for files, why in ((state.unknown, "不在名单中"),
                                                                     (state.unidentified, "无法识别报送单位"))
                     for s in files]
        return {"year": self.config.year, "deadline": self.deadline_text(), "format": self.config.fmt.notice,
                "agencies": agencies, "counts": counts, "labels": STATUS_LABELS,
                "completion": {"reported": reported, "total": total,
                               "rate": round(reported / total, 4) if total else 0,
                               "shown": percent(reported, total)},  # as compile prints it: 16 of 18 is 88.9%
                "reviews": {"accepted_errors": sum(a["review"] == "accepted_errors" for a in agencies),
                            "returned": sum(a["review"] == "returned" for a in agencies),
                            "pending": sum(a["review"] in ("pending", "reopened") for a in agencies),
                            "included": sum(a["included"] for a in agencies),
                            "due": sum(a["due"] for a in agencies)},
                "unassigned": elsewhere, "compile": self.last_compile(),
                "county_text": self.county_text(), "previous": self.previous_view()}

    def agency_context(self, state: RosterState, code: str) -> dict:
        st = self.agency_state(state, code)
        return {"agency": self.views().agency(st, full=True), "year": self.config.year,
                "deadline": self.deadline_text()}

    def previous_view(self) -> dict | None:
        if self.previous is None:
            return None
        return {"source": self.previous.shown, "kind": self.previous.kind, "agencies": len(self.previous.agencies)}

    def last_compile(self) -> dict | None:
        text = self.db.get_config("last_compile")
        return json.loads(text) if text else None

    def county_text(self) -> dict:
        return county_text.load(self.db, self.config.name)

    # -- files

    def upload_of(self, state: RosterState, code: str, sha256: str) -> tuple[AgencyState, Upload]:
        """One of the agency's uploads by its file's SHA-256 (only its own: never another agency's file)."""
        st = self.agency_state(state, code)
        up = next((h for h in st.history if h.sha256 == sha256), None)
        if up is None:
            raise NotFound("没有找到这份文件。")
        return st, up

    async def annotated(self, st: AgencyState, up: Upload) -> Path:
        """The annotated copy of a workbook, marking the state's verdict of it (cross-year findings included)."""
        findings = list(st.findings) if up.role in ("current", "earlier") else self.judged(up.submission, st.entry)
        mark = hashlib.sha256(json.dumps([finding_key(f) for f in findings]).encode()).hexdigest()[:12]
        out = self.web_dir / "annotated" / f"{up.sha256}-{mark}-批注.xlsx"
        if not out.exists():
            await self.run(work.annotated_copy, up.submission.file, self.index.options, str(out), findings)
        return out

    def _carried(self, entry: RosterEntry):
        """Last year's figures the agency's template carries (format/carried.py), when --previous has its report."""
        if self.previous is None:
            return None
        from nianbao.format.carried import carried_from

        prev = self.previous.document_of(entry.code, entry.name)
        return carried_from(self.config.fmt, prev, self.previous.kind) if prev else None

    async def template(self, entry: RosterEntry) -> Path:
        """The agency's template; with --previous, carrying its last year's figures (上年结转 pre-filled)."""
        carried = self._carried(entry)
        tag = ""
        if carried is not None:
            from nianbao.format.carried import encode_previous

            tag = "-" + hashlib.sha256(encode_previous(self.config.fmt, carried).encode()).hexdigest()[:12]
        out = self.web_dir / "templates" / f"{code_name(entry.code)}{tag}.xlsx"
        agency = {"name": entry.name, "code": entry.code, "level": entry.level or "county"}
        if not out.exists():
            await self.run(work.template_file, self.config.format_id, self.config.year, agency, self.config.secret,
                           str(out), carried)
        return out

    # -- decisions (county/review.py: the rules `nianbao review` applies) and explanations

    async def review(self, code: str, sha256: str, decision: str, note: str, actor: str) -> None:
        """The office accepts or returns the agency's current file (the one it was looking at: sha256)."""
        if decision not in (ACCEPTED, RETURNED):
            raise BadRequest("审核结论只能是“接收”或“退回修改”。")
        await self.fresh_state()

        def write():
            st = self.agency_state(self.state(), code)
            try:
                act = decide.accept if decision == ACCEPTED else decide.return_
                event = act(self.store, st, note, actor, expect_sha256=sha256)
            except decide.ReviewError as exc:
                raise BadRequest(str(exc), code="review") from None
            self.db.transaction(lambda conn: record(conn, actor, "review", code, sha256, {
                "decision": decision, "note": event.note, "status": st.status, "original_name": st.arrived.name},
                self.web_dir))

        await self.serial(write)

    async def explain(self, code: str, sha256: str, key: str, text: str, actor: str) -> None:
        """The department explains one finding of its current file (the file it was looking at: sha256)."""
        await self.fresh_state()

        def write():
            st = self.agency_state(self.state(), code)
            f = next((f for f in st.findings if finding_key(f) == key), None)
            if f is None:
                raise BadRequest("这个问题已不在本单位当前文件的校验结果中（可能已重新上传），请刷新页面后再说明。",
                                 code="explain")
            try:
                event = decide.explain(self.store, st, f, text, actor, expect_sha256=sha256)
            except decide.ReviewError as exc:
                raise BadRequest(str(exc), code="explain") from None
            self.db.transaction(lambda conn: record(conn, actor, EXPLAINED, code, sha256, {
                "rule": f.rule, "cell": f.cell, "note": event.note, "original_name": st.arrived.name}, self.web_dir))

        await self.serial(write)

    # -- the office's compile

    async def save_county_text(self, fields: dict, upload: Path | None, actor: str) -> dict:
        saved = county_text.parse(fields, upload, fmt=self.config.fmt, roster=self.roster, web_dir=self.web_dir,
                                  before=self.county_text())

        def write(conn):
            conn.execute("INSERT OR REPLACE INTO config VALUES (?, ?)",
                         (county_text.CONFIG_KEY, json.dumps(saved, ensure_ascii=False)))
            record(conn, actor, "county_text", None, None,
                   {"name": saved["name"], "narrative": saved["narrative_name"], "from": saved["narrative_from"],
                    "date": saved["date"], "contact": saved["contact"]}, self.web_dir)

        await self.db.write(write)
        return saved

    async def compile(self, actor: str) -> dict:
        stamp = clock.now().strftime("%Y%m%d-%H%M%S-%f")
        out_dir = self.web_dir / "outputs" / stamp
        c = self.config
        saved = self.county_text()
        try:
            outcome = await self.run(work.compile_outputs, c.format_id, c.year, str(c.roster_path), str(c.store),
                                     str(out_dir), str(c.previous) if c.previous else None, saved["name"] or None,
                                     c.code, c.secret, county_text.compile_options(saved))
        except PreviousError as exc:  # last year's data changed on disk since the start: said in Chinese
            raise BadRequest(f"无法读取上一年度数据：{exc}", code="previous") from None
        outcome.update(dir=stamp, created_at=now_iso())

        def write(conn):
            conn.execute("INSERT OR REPLACE INTO config VALUES ('last_compile', ?)",
                         (json.dumps(outcome, ensure_ascii=False),))
            record(conn, actor, "compile", None, None, {"dir": stamp, "counts": outcome["counts"],
                                                        "publishable": outcome["publication"]["publishable"]},
                   self.web_dir)

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
