"""Once, from a service database of an earlier version: its reviews and uploads become events of the store.

Before issue 18 the service kept the office's decisions in its own `reviews` table (and as
"review" lines of web/journal.jsonl), knew each upload only from its audit entry, and kept the
workbooks it refused (another agency's, year's or format's) in STORE/refused/<code>/, outside
the store compile reads. Now the store's events.jsonl says all of it (county/events.py), so
`compile`, `review` and `remind` see what the office decided on the web. This moves, once
(migration 003 of db.py):

- every review (table and journal) -> an `accepted` / `returned` event by its actor;
- every upload in the journal's audit log -> a `sent` event through its agency's link, at its time,
  under its own file name (also the uploads of bytes received before);
- every refused workbook -> its bytes into the store (never counted: state.py says why).

Events already in events.jsonl (written by the version in between) are not written twice. An
acceptance of a report with errors moved this way carries no `covers` (the old service did not
record which errors it saw): the office is asked to review it again (待重新审核).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from types import SimpleNamespace

from nianbao.county.events import ACCEPTED, RETURNED, SENT, Event, plain_text, read_events
from nianbao.county.store import Store

REFUSED_DIR = "refused"  # where the earlier version kept refused workbooks, one store per agency
WEB_DIR_NAME = "web"


def move_to_events(conn: sqlite3.Connection, db_path: Path) -> int:
    """Append the events the old tables and journal imply to the store beside db_path; returns how many."""
    web_dir = Path(db_path).parent
    if web_dir.name != WEB_DIR_NAME or not (web_dir.parent / "receipts.jsonl").exists():
        return 0  # not a store's service database, or a store that received nothing yet
    store = Store(web_dir.parent)
    existing, _ = read_events(store.root)
    seen_decisions = {(e.kind, e.sha256, e.agency_code, e.note) for e in existing if e.kind in (ACCEPTED, RETURNED)}
    seen_sent = {(e.sha256, e.agency_code, e.at) for e in existing if e.kind == SENT}
    journal = _journal(web_dir)
    written = 0
    for entry in journal:
        if entry.get("kind") != "audit" or entry.get("event") != "upload" or not _sha(entry.get("sha256")):
            continue
        detail = entry.get("detail") if isinstance(entry.get("detail"), dict) else {}
        key = (entry["sha256"], entry.get("agency_code"), str(entry.get("created_at") or ""))
        if key in seen_sent:
            continue
        if detail.get("status") == "refused":
            _bring_in(store, web_dir.parent, entry.get("agency_code"), entry["sha256"])
        store.append_event(Event(SENT, entry["sha256"], key[2], str(entry.get("actor") or "web"), key[1],
                                 plain_text(detail.get("original_name") or "", 255)))
        seen_sent.add(key)
        written += 1
    for review in _reviews(conn) + [e for e in journal if e.get("kind") == "review"]:
        kind = review.get("decision")
        if kind not in (ACCEPTED, RETURNED) or not _sha(review.get("sha256")):
            continue
        note = plain_text(review.get("note") or "")
        key = (kind, review["sha256"], review.get("agency_code"), note)
        if key in seen_decisions:
            continue
        store.append_event(Event(kind, review["sha256"], str(review.get("created_at") or ""),
                                 str(review.get("actor") or "office"), review.get("agency_code"), note=note))
        seen_decisions.add(key)
        written += 1
    return written


def _sha(value) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def _journal(web_dir: Path) -> list[dict]:
    path = web_dir / "journal.jsonl"
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict):
            out.append(item)
    return out


def _reviews(conn: sqlite3.Connection) -> list[dict]:
    try:
        rows = conn.execute("SELECT agency_code, sha256, decision, note, actor, created_at FROM reviews ORDER BY id")
    except sqlite3.Error:
        return []
    names = ("agency_code", "sha256", "decision", "note", "actor", "created_at")
    return [dict(zip(names, tuple(row), strict=True)) for row in rows]


def _bring_in(store: Store, root: Path, code, sha256: str) -> None:
    """A workbook the earlier version refused at this agency's link: its bytes into the store (once)."""
    if not isinstance(code, str):
        return
    from .verdicts import refused_dir

    evidence = Store(root / REFUSED_DIR / refused_dir(code))
    receipt = next((r for r in evidence.receipts() if r.sha256 == sha256), None)
    if receipt is None or not evidence.path_of(receipt).is_file():
        return
    fields = SimpleNamespace(agency={"code": receipt.agency_code, "name": receipt.agency_name},
                             format=receipt.format, year=receipt.year, status=receipt.status,
                             errors=receipt.errors, warnings=receipt.warnings)
    try:
        when = dt.datetime.fromisoformat(receipt.received_at)
    except ValueError:
        when = None
    store.put(evidence.path_of(receipt), fields, received_at=when, original_name=receipt.original_name)
