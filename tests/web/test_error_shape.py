"""One JSON error shape for every error path; a failing workbook is not an error."""

from __future__ import annotations

import pytest
from web_kit import JSON, upload, workbook

SHAPE = {"ok", "status", "code", "error"}


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/nowhere", 404),
    ("GET", "/d/bad-token/status.json", 404),
    ("POST", "/d/bad-token", 404),
    ("GET", "/office/status.json", 401),
    ("GET", "/office/agency/A1.json", 401),
    ("DELETE", "/", 405),
])
def test_error_paths_share_one_shape(client, method, path, status):
    r = client.request(method, path, headers=JSON)
    assert r.status_code == status
    body = r.json()
    assert set(body) == SHAPE
    assert body["ok"] is False
    assert body["status"] == status
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["error"])


def test_upload_errors_share_the_shape(client, links):
    r = client.post(links["A1"], content=b"x", headers={**JSON, "content-type": "text/plain"})
    assert set(r.json()) == SHAPE
    assert r.json()["status"] == 400


def test_browsers_get_a_chinese_page_not_json(client):
    r = client.get("/nowhere")
    assert r.status_code == 404
    assert "页面不存在" in r.text
    assert r.headers["content-type"].startswith("text/html")


def test_a_failing_workbook_is_200_with_findings(client, links, tmp_path):
    r = upload(client, links["A1"], workbook(tmp_path / "bad.xlsx", broken=True))
    assert r.status_code == 200
    assert r.json()["ok"] is True
    assert r.json()["status"] == "error"
