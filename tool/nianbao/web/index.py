"""The submissions table as an index of the store: caught up at every start, rebuildable whole.

The store (receipts.jsonl of the intake store, and of each agency's refused-evidence store)
is the truth. `sync` checks every receipt the database does not know yet (files collected by
`nianbao collect`, or an upload stored just before the server was killed) and indexes it
(a file that names no agency goes to the link it came through, from the journal);
`rebuild` empties the index and does the same for every receipt. What only the database knows
(links, sessions, reviews, the audit log) stays; it refers to files by SHA-256.
"""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path

from nianbao.county.store import Store

from . import journal, work
from .verdicts import REFUSED_DIR, code_of_refused_dir, findings_of, refusal, row_of

_INSERT = ("INSERT OR IGNORE INTO submissions (agency_code, sha256, place, stored_as, original_name, received_at, "
           "status, errors, warnings, findings) VALUES (:agency_code, :sha256, :place, :stored_as, :original_name, "
           ":received_at, :status, :errors, :warnings, :findings)")


def _stores(service) -> list[tuple[str, str | None, Store]]:
    """(place, link agency code or None, store) for the intake store and every evidence store."""
    out = [("store", None, service.store)]
    refused = Path(service.config.store) / REFUSED_DIR
    if refused.is_dir():
        codes = [code_of_refused_dir(d.name) for d in sorted(refused.iterdir()) if d.is_dir()]
        out += [("refused", code, service.evidence(code)) for code in codes]
    return out


def _missing(service) -> list[tuple[str, str | None, Store, object]]:
    known = {(r["place"], r["sha256"]) for r in service.db.query("SELECT place, sha256 FROM submissions")}
    return [(place, code, store, receipt) for place, code, store in _stores(service)
            for receipt in store.receipts() if (place, receipt.sha256) not in known]


def sync(service, pool: Executor | None = None) -> int:
    """Index every receipt the database lacks; returns how many were added."""
    todo = _missing(service)
    if not todo:
        return 0
    pool = pool or service.pool
    options = service.config.check_options()
    futures = [pool.submit(work.check_upload, str(store.path_of(r)), options) for _, _, store, r in todo]
    # A file that names no agency (unreadable) was uploaded at some agency's link: the journal says which.
    uploaded_at = {e["sha256"]: e["agency_code"] for e in journal.entries(service.web_dir)
                   if e.get("kind") == "audit" and e.get("event") == "upload"}
    rows = []
    for (place, code, _store, receipt), future in zip(todo, futures, strict=False):
        result = future.result()
        if place == "refused":
            entry = service.by_code.get(code)
            refused = refusal(result, entry) if entry else None
            findings = [refused] if refused else findings_of(result)
            rows.append(row_of(code, receipt, place, "refused", findings))
        else:
            code = receipt.agency_code or uploaded_at.get(receipt.sha256)
            rows.append(row_of(code, receipt, place, result.status, findings_of(result)))
    service.db.write_now(lambda conn: conn.executemany(_INSERT, rows))
    return len(rows)


def rebuild(service) -> int:
    """Empty the index and build it again from the store."""
    service.db.write_now(lambda conn: conn.execute("DELETE FROM submissions"))
    return sync(service)
