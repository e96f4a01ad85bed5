"""What the service knows of each file of the store: its Checked (county/gather.py), as compile has it.

The store (receipts.jsonl, events.jsonl) is the truth; this is an index of it. Every file is
checked once, in the worker pool, exactly as `compile --store` checks it (the same function and
options), and its Checked is kept in the database (table `checked`), so a restart does not
check every file again. `sync` (at every start) checks each receipt the index lacks: files
`nianbao collect` added beside the service, or an upload stored just before the server was
killed; `rebuild` drops the index and checks everything again.

A row is used only under the key it was made with (`check_key`): the check options (year,
format, issuer secret, whether a template's own last-year figures stand in for --previous)
and a fingerprint of nianbao's code and format specs, so a new version of nianbao, another
secret or a --previous added later re-checks every file instead of showing stale verdicts.
Rows are pickled and signed with the service's link key (HMAC): the database never makes
the service unpickle bytes it did not write itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
import threading
from concurrent.futures import Executor
from functools import cache
from pathlib import Path

from nianbao.county.gather import Checked

from . import work

_PICKLE_PROTOCOL = 5


@cache
def code_fingerprint() -> str:
    """SHA-256 over nianbao's own source files and format specs: what a Checked depends on besides the file."""
    import nianbao
    from nianbao.format.spec import formats_dir

    package = Path(nianbao.__file__).resolve().parent
    digest = hashlib.sha256()
    paths = []
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d not in ("shipped", "__pycache__"))
        paths += [Path(folder) / f for f in sorted(files) if f.endswith((".py", ".json"))]
    paths += sorted(Path(formats_dir()).glob("*.yaml"))
    for path in paths:
        digest.update(str(path.name).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def check_key(options: dict) -> str:
    """The key of a Checked made with these check options by this version of nianbao."""
    secret = options.get("secret")
    plain = {k: v for k, v in options.items() if k != "secret"}
    plain["secret"] = hashlib.sha256(secret).hexdigest() if secret else None
    text = json.dumps([code_fingerprint(), plain], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class Index:
    """sha256 -> Checked for every file of the store, in memory and in the database."""

    def __init__(self, db, key: bytes, options: dict):
        self.db, self._key, self.options = db, key, options
        self.key = check_key(options)
        self._lock = threading.Lock()
        self._checked: dict[str, Checked] = {}

    def _mac(self, sha256: str, data: bytes) -> str:
        return hmac.new(self._key, sha256.encode() + b"\0" + self.key.encode() + b"\0" + data,
                        hashlib.sha256).hexdigest()

    def load(self) -> int:
        """Read the rows made under the current key (a row whose signature fails is left out: checked again)."""
        rows = self.db.query("SELECT sha256, data, mac FROM checked WHERE check_key = ?", (self.key,))
        loaded = {}
        for row in rows:
            data = bytes(row["data"])
            if hmac.compare_digest(row["mac"], self._mac(row["sha256"], data)):
                try:
                    loaded[row["sha256"]] = pickle.loads(data)  # noqa: S301 - signed by this service's key
                except Exception:  # noqa: BLE001 - a row of another version: checked again
                    continue
        with self._lock:
            self._checked = loaded
        return len(loaded)

    def get(self, sha256: str) -> Checked | None:
        with self._lock:
            return self._checked.get(sha256)

    def count(self) -> int:
        with self._lock:
            return len(self._checked)

    def known(self) -> set[str]:
        with self._lock:
            return set(self._checked)

    def put(self, sha256: str, checked: Checked, conn) -> None:
        """Keep a file's Checked (conn: the writer's connection, inside its transaction)."""
        data = pickle.dumps(checked, protocol=_PICKLE_PROTOCOL)
        conn.execute("INSERT OR REPLACE INTO checked (sha256, check_key, data, mac) VALUES (?, ?, ?, ?)",
                     (sha256, self.key, data, self._mac(sha256, data)))
        with self._lock:
            self._checked[sha256] = checked

    def sync(self, store, pool: Executor) -> int:
        """Check every file of the store the index lacks; returns how many were checked."""
        known = self.known()
        todo = [r for r in store.receipts() if r.sha256 not in known]
        todo = list({r.sha256: r for r in todo}.values())
        if not todo:
            return 0
        futures = [pool.submit(work.check_stored, str(store.path_of(r)), self.options) for r in todo]
        results = [(r.sha256, f.result()) for r, f in zip(todo, futures, strict=True)]

        def write(conn):
            conn.execute("DELETE FROM checked WHERE check_key != ?", (self.key,))
            for sha256, checked in results:
                self.put(sha256, checked, conn)

        self.db.write_now(write)
        return len(results)

    def rebuild(self, store, pool: Executor) -> int:
        """Drop the index and check every file of the store again."""
        self.db.write_now(lambda conn: conn.execute("DELETE FROM checked"))
        with self._lock:
            self._checked = {}
        return self.sync(store, pool)
