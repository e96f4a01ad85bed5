"""What only the service knows, kept beside the store as an append-only log: STORE/web/journal.jsonl.

The links' generations and the audit log are written to the database and, in the same writer
step, appended here as one JSON line each. A lost or damaged service.sqlite3 is rebuilt from
the store (the index of checked files, index.py; every upload, decision and explanation is the
store's own events.jsonl) and from this journal (links, audit) when the service next starts:
`restore` replays it into a database that has none of them. Lines of the "review" kind, written
by versions before the office's decisions became events, are moved into events.jsonl once
(web/migrate.py) and not replayed.
"""

from __future__ import annotations

import json
from pathlib import Path

JOURNAL = "journal.jsonl"


def append(web_dir: Path, kind: str, fields: dict) -> None:
    line = json.dumps({"kind": kind, **fields}, ensure_ascii=False, sort_keys=True)
    with (Path(web_dir) / JOURNAL).open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def entries(web_dir: Path) -> list[dict]:
    """Every whole line (a line cut short by a crash is skipped)."""
    path = Path(web_dir) / JOURNAL
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out


def restore(db, web_dir: Path, link_hash) -> int:
    """Replay the journal into a database that has no links or audit entries; returns entries replayed.

    link_hash(code, generation, form) gives the stored hashes of that link's token (auth.py)."""
    counts = db.one("SELECT (SELECT count(*) FROM links) + (SELECT count(*) FROM audit)")[0]
    items = entries(web_dir)
    if counts or not items:
        return 0

    def write(conn):
        for e in items:
            if e["kind"] == "link":
                readable, legacy = link_hash(e["agency_code"], e["generation"], e.get("form"))
                conn.execute("INSERT OR REPLACE INTO links (agency_code, token_hash, generation, created_at, "
                             "legacy_hash) VALUES (?, ?, ?, ?, ?)",
                             (e["agency_code"], readable, e["generation"], e["created_at"], legacy))
            elif e["kind"] == "audit":
                conn.execute("INSERT INTO audit (created_at, actor, event, agency_code, sha256, detail) "
                             "VALUES (?, ?, ?, ?, ?, ?)", (e["created_at"], e["actor"], e["event"], e["agency_code"],
                                                           e["sha256"], json.dumps(e["detail"], ensure_ascii=False)))

    db.write_now(write)
    return len(items)
