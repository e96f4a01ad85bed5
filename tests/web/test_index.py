"""The database is an index of the store: rebuilt from it, caught up with files `collect` added."""

from __future__ import annotations

from web_kit import csrf_of, upload, workbook

from nianbao.county.store import Store, collect
from nianbao.web import index


def _statuses(client) -> dict:
    data = client.get("/office/status.json").json()
    return {a["code"]: (a["status"], a["current"]["receipt"]["sha256"] if a["current"] else None, a["refused"])
            for a in data["agencies"]}


def test_rebuild_from_the_store_gives_the_same_status(office, links, tmp_path, service):
    upload(office, links["A1"], workbook(tmp_path / "ok.xlsx"))
    sha = upload(office, links["A2"], workbook(tmp_path / "bad.xlsx", "A2", broken=True)).json()["receipt"]["sha256"]
    upload(office, links["A3"], workbook(tmp_path / "a1.xlsx", "A1", seed=5))  # refused: A1's workbook
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    upload(office, links["A3"], junk)  # unreadable: names no agency, counted at A3's link
    office.post("/office/review", data={"csrf": csrf_of(office), "code": "A2", "sha256": sha, "decision": "returned",
                                        "note": "请改"})
    before = _statuses(office)
    history = office.get(links["A2"] + "/status.json").json()
    assert before["A3"][0] == "error"
    assert index.rebuild(service) == 4
    assert _statuses(office) == before
    assert office.get(links["A2"] + "/status.json").json() == history  # findings and the review survive


def test_files_collected_by_the_cli_are_indexed_at_start(service, config, tmp_path):
    collect([workbook(tmp_path / "a1.xlsx")], Store(config.store))
    assert service.db.query("SELECT * FROM submissions") == []
    service.start()
    try:
        rows = service.db.query("SELECT agency_code, status FROM submissions")
        assert [(r[0], r[1]) for r in rows] == [("A1", "ok")]
    finally:
        service.stop()


def test_a_lost_database_comes_back_from_the_store_and_the_journal(office, links, tmp_path, service, config):
    from nianbao.web.service import Service

    sha = upload(office, links["A2"], workbook(tmp_path / "bad.xlsx", "A2", broken=True)).json()["receipt"]["sha256"]
    office.post("/office/review", data={"csrf": csrf_of(office), "code": "A2", "sha256": sha, "decision": "returned",
                                        "note": "请核对表三"})
    before = office.get(links["A2"] + "/status.json").json()
    audit = [(e["event"], e["actor"]) for e in office.get("/office/audit.json").json()["entries"]]
    service.stop()
    for name in ("service.sqlite3", "service.sqlite3-wal", "service.sqlite3-shm"):
        (service.web_dir / name).unlink(missing_ok=True)

    again = Service(config)  # a fresh, empty database
    again.start()
    try:
        from starlette.testclient import TestClient

        from nianbao.web.app import create_app
        from nianbao.web.auth import set_password

        set_password(again.db, "another-password-123")
        with TestClient(create_app(config, service=again), base_url="http://testserver") as client:
            assert client.get(links["A2"] + "/status.json").json() == before  # same link, history and review
            client.post("/office/login", data={"password": "another-password-123"})
            entries = client.get("/office/audit.json").json()["entries"]
            assert [(e["event"], e["actor"]) for e in entries][-len(audit):] == audit
    finally:
        again.stop()
