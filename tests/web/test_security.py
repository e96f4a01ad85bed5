"""Security: links grant one agency only, CSRF on every form, a strict CSP, everything escaped."""

from __future__ import annotations

import pytest
from web_kit import JSON, csrf_of, upload, workbook

from nianbao.web.auth import TOKEN_BITS, link_token
from nianbao.web.security import CSP


def test_a_link_shows_and_takes_only_its_own_agency(client, links, tmp_path):
    upload(client, links["A2"], workbook(tmp_path / "a2.xlsx", "A2"))
    a1 = client.get(links["A1"] + "/status.json").json()
    assert a1["agency"]["code"] == "A1"
    assert a1["agency"]["history"] == []
    page = client.get(links["A1"]).text
    assert "测试县第二局" not in page
    assert "a2.xlsx" not in page
    sha = client.get(links["A2"] + "/status.json").json()["agency"]["current"]["sha256"]
    assert client.get(f"{links['A1']}/annotated/{sha}.xlsx").status_code == 404


@pytest.mark.parametrize("first", ["A1", "A2"])
def test_bytes_another_unit_sent_never_show_its_name_or_time(client, links, tmp_path, first):
    """Issue 18: a file byte-identical to another unit's shows, in this unit's history, only this unit's own
    upload (its own name and time) — whichever unit sent it first."""
    a2 = workbook(tmp_path / "a2.xlsx", "A2")
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"the same unreadable bytes at two links")
    sends = {"A2": [(a2, "第二局机密名称.xlsx"), (junk, "第二局的坏文件.xlsx")],
             "A1": [(a2, "我的上传.xlsx"), (junk, "我的坏文件.xlsx")]}
    for code in (first, "A1" if first == "A2" else "A2"):
        for path, name in sends[code]:
            upload(client, links[code], path, name=name)
    mine = client.get(links["A1"] + "/status.json").json()
    assert [h["name"] for h in mine["agency"]["history"]] == ["我的坏文件.xlsx", "我的上传.xlsx"]
    page = client.get(links["A1"]).text
    assert "第二局机密名称" not in page
    assert "第二局的坏文件" not in page
    assert "测试县第二局" in mine["agency"]["history"][1]["why"]  # what the file itself says it is
    theirs = client.get(links["A2"] + "/status.json").json()
    assert [h["name"] for h in theirs["agency"]["history"]] == ["第二局的坏文件.xlsx", "第二局机密名称.xlsx"]
    assert "我的" not in client.get(links["A2"]).text


def test_a_wrong_or_old_link_opens_nothing(client, links, service):
    assert client.get("/d/not-a-token").status_code == 404
    assert client.get("/d/" + "x" * 500).status_code == 404
    assert client.post("/d/not-a-token", headers=JSON).json()["code"] == "bad_link"
    from nianbao.web.links import make_links

    new = make_links(service.db, service.web_dir, service.roster, "http://testserver", rotate={"A1"})
    assert client.get(links["A1"]).status_code == 404  # rotated: the old link is dead
    assert client.get(new[0]["url"].removeprefix("http://testserver")).status_code == 200
    assert client.get(links["A2"]).status_code == 200  # others untouched


def test_tokens_are_long_random_and_stored_hashed(service, links):
    assert TOKEN_BITS >= 128
    token = links["A1"].rsplit("/", 1)[1]
    assert len(token) >= 32
    stored = [r["token_hash"] for r in service.db.query("SELECT token_hash FROM links")]
    assert token not in stored
    assert all(len(h) == 64 for h in stored)
    assert link_token(b"k" * 32, "A1", 1) != link_token(b"k" * 32, "A1", 2) != link_token(b"j" * 32, "A1", 1)


@pytest.mark.parametrize(("headers", "allowed"), [
    ({"sec-fetch-site": "cross-site"}, False),
    ({"sec-fetch-site": "same-site"}, False),
    ({"origin": "http://evil.example"}, False),
    ({"origin": "null"}, False),
    ({"sec-fetch-site": "same-origin"}, True),
    ({"origin": "http://testserver"}, True),
    ({}, True),  # curl and scripts: no cookie to abuse
])
def test_cross_site_posts_are_refused_everywhere(client, links, tmp_path, headers, allowed):
    r = upload(client, links["A1"], workbook(tmp_path / "ok.xlsx"), headers=headers)
    assert (r.status_code == 200) is allowed
    if not allowed:
        assert r.status_code == 403
        assert r.json()["code"] == "cross_site"
    login = client.post("/office/login", data={"password": "x"}, headers=headers)
    assert (login.status_code == 403) is not allowed


def test_every_office_form_carries_the_csrf_token(office, links, tmp_path):
    upload(office, links["A1"], workbook(tmp_path / "ok.xlsx"))
    token = csrf_of(office)
    for path in ("/office", "/office/agency/A1", "/office/audit"):
        html = office.get(path).text
        forms = html.count("<form")
        assert forms, path
        assert html.count(f'name="csrf" value="{token}"') == forms, path
    for action in ("/office/compile", "/office/logout"):
        assert office.post(action, data={}).status_code == 403


def test_strict_content_security_policy_and_headers(client, links):
    for path in ("/", links["A1"], "/office/login", "/nowhere"):
        r = client.get(path)
        assert r.headers["content-security-policy"] == CSP
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
    assert "script-src" not in CSP
    assert "'unsafe-inline'" not in CSP
    assert "default-src 'none'" in CSP


def test_names_and_notes_are_text_never_markup(office, links, tmp_path):
    sha = upload(office, links["A3"], workbook(tmp_path / "x.xlsx", "A3", broken=True)).json()["receipt"]["sha256"]
    office.post("/office/review", data={"csrf": csrf_of(office), "code": "A3", "sha256": sha, "decision": "returned",
                                        "note": "<img src=x onerror=alert(2)>"})
    for path in (links["A3"], "/office", "/office/agency/A3"):
        html = office.get(path).text
        assert "<script>alert(1)</script>" not in html, path
        assert "<img src=x" not in html, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;局" in office.get(links["A3"]).text
    assert "&lt;img src=x onerror=alert(2)&gt;" in office.get(links["A3"]).text


def test_session_cookie_is_httponly_and_samesite(client):
    from web_kit import login

    r = login(client)
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "max-age=" in cookie


def test_pages_need_nothing_the_policy_forbids():
    """No inline script, style attribute or event handler in any template: the CSP would block it."""
    from nianbao.web.pages import HERE

    for path in (HERE / "templates").glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text, path.name
        assert " style=" not in text, path.name
        assert " on" + "click" not in text, path.name
