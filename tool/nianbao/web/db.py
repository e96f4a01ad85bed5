"""The service's own state in SQLite: schema as SQL with named migrations, one writer.

Every write goes through Database.write(fn), which runs fn(connection) on the one writer
thread inside BEGIN IMMEDIATE, so writes never interleave whatever the number of requests.
Reads use a connection of their own per thread (WAL: readers never wait for the writer).
The `checked` table is an index of the store (receipts.jsonl and events.jsonl are the truth):
index.py rebuilds it from the store. What happened to each file — every upload, the office's
decisions, the departments' explanations — is the store's own events.jsonl (county/events.py),
never a table here.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from nianbao import clock

DB_NAME = "service.sqlite3"

# (name, SQL or a function of (connection, database)). Applied in order, each once, inside one transaction;
# a new need is a new migration, never an edit.
MIGRATIONS: list[tuple[str, object]] = [
    ("001_initial", """
        CREATE TABLE config (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE links (
            agency_code TEXT PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,   -- sha256 of the token: the token itself is never stored
            generation INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            csrf TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at REAL NOT NULL
        );
        CREATE TABLE submissions (
            id INTEGER PRIMARY KEY,
            agency_code TEXT,                  -- the link it came through (refused) or the agency it names
            sha256 TEXT NOT NULL,
            place TEXT NOT NULL CHECK (place IN ('store', 'refused')),
            stored_as TEXT NOT NULL,           -- relative to the store root
            original_name TEXT NOT NULL,
            received_at TEXT NOT NULL,
            status TEXT NOT NULL,              -- ok | warning | error | unreadable | refused
            errors INTEGER NOT NULL,
            warnings INTEGER NOT NULL,
            findings TEXT NOT NULL,            -- JSON list of findings
            UNIQUE (agency_code, sha256, place)
        );
        CREATE INDEX submissions_agency ON submissions (agency_code, id);
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            agency_code TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('accepted', 'returned')),
            note TEXT NOT NULL,
            actor TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            actor TEXT NOT NULL,
            event TEXT NOT NULL,
            agency_code TEXT,
            sha256 TEXT,
            detail TEXT NOT NULL
        );
    """),
    ("002_readable_link_tokens", """
        -- links now print a readable token (auth.py), and the hash of a link's earlier base64 token stays
        -- here, so links already handed out keep working until rotated
        ALTER TABLE links ADD COLUMN legacy_hash TEXT;
        CREATE UNIQUE INDEX links_legacy_hash ON links (legacy_hash);
    """),
    # The office's reviews and the uploads become events of the store (web/migrate.py moves them once);
    # the index keeps each file's Checked instead of a row per upload.
    ("003_state_events", lambda conn, db: _move_to_events(conn, db)),
    ("004_checked_index", """
        DROP TABLE submissions;
        DROP TABLE reviews;
        CREATE TABLE checked (
            sha256 TEXT PRIMARY KEY,
            check_key TEXT NOT NULL,           -- index.check_key: the options and nianbao version it was made with
            data BLOB NOT NULL,                -- the file's Checked (county/gather.py), pickled
            mac TEXT NOT NULL                  -- HMAC of data with the service's link key
        );
    """),
]


def _move_to_events(conn: sqlite3.Connection, db: Database) -> None:
    from .migrate import move_to_events

    move_to_events(conn, db.path)


def now_iso() -> str:
    return clock.stamp()  # in the configured zone (北京时间 by default), with its offset


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable at checkpoints, never corrupt
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def migrate(conn: sqlite3.Connection, database: Database | None = None) -> list[str]:
    """Apply the migrations not yet applied; returns their names."""
    conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    done = {row[0] for row in conn.execute("SELECT name FROM migrations")}
    applied = []
    for name, sql in MIGRATIONS:
        if name in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if callable(sql):
                sql(conn, database)
            else:
                for statement in sql.split(";"):
                    if statement.strip():
                        conn.execute(statement)
            conn.execute("INSERT INTO migrations VALUES (?, ?)", (name, now_iso()))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


class Database:
    """One SQLite file; writes on one thread in order, reads on any thread."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = _connect(self.path)
        migrate(self._writer, self)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nianbao-db-writer")
        self._local = threading.local()

    def _reader(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = _connect(self.path)
        return conn

    def query(self, sql: str, params=()) -> list[sqlite3.Row]:
        return self._reader().execute(sql, params).fetchall()

    def one(self, sql: str, params=()) -> sqlite3.Row | None:
        return self._reader().execute(sql, params).fetchone()

    def transaction(self, fn):
        conn = self._writer
        conn.execute("BEGIN IMMEDIATE")
        try:
            out = fn(conn)
            conn.execute("COMMIT")
            return out
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def write_now(self, fn):
        """fn(conn) in one transaction on the writer thread; blocks until done (for CLI commands and tests)."""
        return self._pool.submit(self.transaction, fn).result()

    async def write(self, fn):
        """fn(conn) in one transaction on the writer thread, awaited from the event loop."""
        return await asyncio.wrap_future(self._pool.submit(self.transaction, fn))

    def serial(self, fn, *args):
        """Run fn(*args) on the writer thread (outside a transaction): the one place store writes happen."""
        return self._pool.submit(fn, *args)

    def get_config(self, key: str, default: str | None = None) -> str | None:
        row = self.one("SELECT value FROM config WHERE key = ?", (key,))
        return row[0] if row else default

    def set_config(self, **values: str) -> None:
        self.write_now(lambda c: c.executemany("INSERT OR REPLACE INTO config VALUES (?, ?)",
                                               [(k, str(v)) for k, v in values.items()]))

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self._writer.close()
