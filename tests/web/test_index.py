"""The database is an index of the store: rebuilt from it, caught up with files `collect` added; an earlier
version's reviews, uploads and refused workbooks moved into the store's events once."""

from __future__ import annotations

import json
import sqlite3

from starlette.testclient import TestClient
from web_kit import csrf_of, upload, workbook

from nianbao.check.run import check_file
from nianbao.county.events import read_events
from nianbao.county.store import Store, collect, sha256_of
from nianbao.web import db as webdb
from nianbao.web.app import create_app
from nianbao.web.service import Service


def _statuses(client) -> dict:
    data = client.get("/office/status.json").json()
    return {a["code"]: (a["status"], a["current"]["sha256"] if a["current"] else None, a["review"], a["included"],
                        a["due"], a["unusable"]) for a in data["agencies"]}


def test_rebuild_from_the_store_gives_the_same_state(office, links, tmp_path, service):
    upload(office, links["A1"], workbook(tmp_path / "ok.xlsx"))
    sha = upload(office, links["A2"], workbook(tmp_path / "bad.xlsx", "A2", broken=True)).json()["receipt"]["sha256"]
    upload(office, links["A3"], workbook(tmp_path / "a1.xlsx", "A1", seed=5))  # A1's workbook at A3's link
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    upload(office, links["A3"], junk)  # unreadable: names no agency, counted at A3's link
    office.post("/office/review", data={"csrf": csrf_of(office), "code": "A2", "sha256": sha, "decision": "returned",
                                        "note": "请改"})
    before = _statuses(office)
    history = office.get(links["A2"] + "/status.json").json()
    assert before["A3"][0] == "error"
    assert before["A3"][5] == 2
    assert service.index.rebuild(service.store, service.pool) == 4
    assert _statuses(office) == before
    assert office.get(links["A2"] + "/status.json").json() == history  # findings and the decision survive


def test_files_collected_by_the_cli_are_indexed_at_start_and_while_running(service, config, client, links, tmp_path):
    collect([workbook(tmp_path / "a2.xlsx", "A2", seed=2)], Store(config.store))  # beside the running service
    assert client.get(links["A2"] + "/status.json").json()["agency"]["status"] == "ok"
    service.stop()
    collect([workbook(tmp_path / "a1.xlsx")], Store(config.store))
    again = Service(config)
    again.start()
    try:
        assert {sha256_of(tmp_path / "a1.xlsx"), sha256_of(tmp_path / "a2.xlsx")} <= again.index.known()
        assert again.state().of("A1").status == "ok"
    finally:
        again.stop()


def test_a_restart_does_not_check_the_files_again(service, config, client, links, tmp_path, monkeypatch):
    upload(client, links["A1"], workbook(tmp_path / "ok.xlsx"))
    service.stop()
    again = Service(config)
    from nianbao.web import work

    monkeypatch.setattr(work, "check_stored", lambda *a: (_ for _ in ()).throw(AssertionError("checked again")))
    again.start()
    try:
        assert again.state().of("A1").status == "ok"
    finally:
        again.stop()


def test_a_lost_database_comes_back_from_the_store_and_the_journal(office, links, tmp_path, service, config):
    sha = upload(office, links["A2"], workbook(tmp_path / "bad.xlsx", "A2", broken=True)).json()["receipt"]["sha256"]
    office.post("/office/review", data={"csrf": csrf_of(office), "code": "A2", "sha256": sha, "decision": "returned",
                                        "note": "请核对表三"})
    before = office.get(links["A2"] + "/status.json").json()
    audit = [(e["event"], e["actor"]) for e in office.get("/office/audit.json").json()["entries"]]
    service.stop()
    for name in ("service.sqlite3", "service.sqlite3-wal", "service.sqlite3-shm"):
        (service.web_dir / name).unlink(missing_ok=True)

    again = Service(config)  # a fresh, empty database
    from nianbao.web.auth import set_password

    set_password(again.db, "another-password-123")
    with TestClient(create_app(config, service=again), base_url="http://testserver") as client:
        assert client.get(links["A2"] + "/status.json").json() == before  # same link, history and decision
        client.post("/office/login", data={"password": "another-password-123"})
        entries = client.get("/office/audit.json").json()["entries"]
        assert [(e["event"], e["actor"]) for e in entries][-len(audit):] == audit
    assert [e.kind for e in read_events(config.store)[0]] == ["sent", "returned"]  # not written twice


def _old_database(store, rows: dict) -> None:
    """A service database as the version before issue 18 phase 2 left it (migrations 001 and 002)."""
    path = store / "web" / "service.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for name, sql in webdb.MIGRATIONS[:2]:
        for statement in sql.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("INSERT INTO migrations VALUES (?, ?)", (name, "2022-01-20T10:00:00+08:00"))
    for table, values in rows.items():
        for row in values:
            conn.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                         tuple(row.values()))
    conn.close()


def test_an_earlier_versions_reviews_uploads_and_refused_files_become_events_once(config, tmp_path):
    """Migration 003: reviews (table and journal), uploads (journal) and refused workbooks into the store."""
    store = Store(config.store)
    good = workbook(tmp_path / "a1.xlsx")
    receipt = store.add(good, check_file(good))
    other = workbook(tmp_path / "a2-at-a1.xlsx", "A2", seed=2)  # refused at A1's link by the earlier version
    evidence = Store(config.store / "refused" / "A1")
    refused = evidence.add(other, check_file(other))
    web = config.store / "web"
    web.mkdir(parents=True, exist_ok=True)
    lines = [{"kind": "audit", "created_at": "2022-01-20T10:00:00+08:00", "actor": "agency:A1", "event": "upload",
              "agency_code": "A1", "sha256": receipt.sha256, "detail": {"status": "ok", "original_name": "a1.xlsx"}},
             {"kind": "audit", "created_at": "2022-01-20T10:05:00+08:00", "actor": "agency:A1", "event": "upload",
              "agency_code": "A1", "sha256": refused.sha256,
              "detail": {"status": "refused", "original_name": "a2-at-a1.xlsx"}},
             {"kind": "review", "agency_code": "A1", "sha256": receipt.sha256, "decision": "returned",
              "note": "请补充第五部分", "actor": "office", "created_at": "2022-01-21T09:00:00+08:00"}]
    (web / "journal.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines),
                                       encoding="utf-8")
    _old_database(config.store, {"reviews": [{"agency_code": "A1", "sha256": receipt.sha256, "decision": "returned",
                                              "note": "请补充第五部分", "actor": "office",
                                              "created_at": "2022-01-21T09:00:00+08:00"}]})
    service = Service(config)
    service.start()
    try:
        st = service.state().of("A1")
        assert (st.status, st.review, st.decision.note) == ("ok", "returned", "请补充第五部分")
        assert [(h.name, h.role) for h in st.history] == [("a2-at-a1.xlsx", "unusable"), ("a1.xlsx", "current")]
        assert service.state().of("A2").status == "missing"
    finally:
        service.stop()
    events = read_events(config.store)[0]
    assert [e.kind for e in events] == ["sent", "sent", "returned"]  # the review once, from table and journal
    reopened = Service(config)
    assert reopened.db.query("SELECT name FROM sqlite_master WHERE name IN ('reviews', 'submissions')") == []
    reopened.db.close()
    assert [e.kind for e in read_events(config.store)[0]] == ["sent", "sent", "returned"]  # once
