"""The database is an index of the store: rebuilt from it, caught up with files `collect` added."""

from __future__ import annotations

from conftest import csrf_of, upload, workbook

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
    office.post("/office/review", data={"csrf": csrf_of(office), "code": "A2", "sha256": sha, "decision": "returned",
                                        "note": "请改"})
    before = _statuses(office)
    history = office.get(links["A2"] + "/status.json").json()
    assert index.rebuild(service) == 3
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
