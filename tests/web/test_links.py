"""nianbao links: CSV for mail merge, a printable sheet with QR codes, --rotate; the same links every time;
readable tokens (and the earlier ones still accepted); no loopback links unless asked for."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess

import pytest
from lo import in_ci

from nianbao.cli import main
from nianbao.web.auth import TOKEN_BITS, agency_of_token, legacy_link_token, link_key, token_hash
from nianbao.web.links import is_local_url, make_links, qr_svg
from nianbao.web.service import Service


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_links_csv_has_code_name_url_for_every_agency(service, tmp_path, capsys):
    out = tmp_path / "links.csv"
    assert main(["links", "--store", str(service.config.store), "--base-url", "https://nb.example.cn",
                 "-o", str(out), "--sheet", str(tmp_path / "links.html")]) == 0
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode())  # Excel opens UTF-8 CSV with its BOM
    rows = _rows(raw.decode("utf-8"))
    assert [r["code"] for r in rows] == ["A1", "A2", "A3"]
    assert list(rows[0]) == ["code", "name", "url"]
    assert all(r["url"].startswith("https://nb.example.cn/d/") for r in rows)
    assert len({r["url"] for r in rows}) == 3
    sheet = (tmp_path / "links.html").read_text(encoding="utf-8")
    assert rows[0]["url"] in sheet
    assert "&lt;script&gt;" in sheet
    assert "<script>alert" not in sheet


def test_links_are_stable_and_rotate_replaces_one(service, capsys):
    store = str(service.config.store)  # the base URL serve recorded (http://testserver) is used
    assert main(["links", "--store", store]) == 0
    first = _rows(capsys.readouterr().out)
    assert main(["links", "--store", store]) == 0
    assert _rows(capsys.readouterr().out) == first
    assert main(["links", "--store", store, "--rotate", "A2"]) == 0
    rotated = _rows(capsys.readouterr().out)
    assert rotated[0] == first[0]
    assert rotated[2] == first[2]
    assert rotated[1]["url"] != first[1]["url"]


def test_rotate_unknown_code_is_a_usage_error(service, capsys):
    assert main(["links", "--store", str(service.config.store), "--rotate", "ZZ"]) == 2
    assert "ZZ" in capsys.readouterr().err


def test_links_before_the_service_ever_ran(tmp_path, capsys):
    from web_kit import write_roster

    store = tmp_path / "new-store"
    assert main(["links", "--store", str(store)]) == 2
    assert "--roster" in capsys.readouterr().err
    roster = str(write_roster(tmp_path / "r.csv"))
    assert main(["links", "--store", str(store), "--roster", roster]) == 2  # no address: the links would be local
    assert "--base-url" in capsys.readouterr().err
    assert not store.exists()  # refused before anything was written
    assert main(["links", "--store", str(store), "--roster", roster, "--base-url", "https://nb.luobei.gov.cn"]) == 0
    assert len(_rows(capsys.readouterr().out)) == 3


# -- loopback links (issue 18): refused unless asked for

@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://localhost:8000", "http://0.0.0.0:8000",
                                 "http://[::1]:8000", "http://127.1.2.3", "http://LOCALHOST."])
def test_local_links_are_refused_unless_asked_for(service, tmp_path, capsys, url):
    out = tmp_path / "links.csv"
    assert main(["links", "--store", str(service.config.store), "--base-url", url, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "指向本机" in err
    assert "--allow-local-links" in err
    assert not out.exists()
    assert main(["links", "--store", str(service.config.store), "--base-url", url, "-o", str(out),
                 "--allow-local-links"]) == 0
    assert all(r["url"].startswith(url.rstrip("/") + "/d/") for r in _rows(out.read_text(encoding="utf-8")))


def test_the_loopback_address_serve_recorded_is_refused_too(service, capsys):
    service.db.set_config(base_url="http://127.0.0.1:8000")  # `nianbao serve` without --base-url
    assert main(["links", "--store", str(service.config.store)]) == 2
    assert "nianbao serve 记录的服务地址 http://127.0.0.1:8000 指向本机" in capsys.readouterr().err
    assert main(["links", "--store", str(service.config.store), "--base-url", "http://192.168.1.20:8000"]) == 0
    assert _rows(capsys.readouterr().out)[0]["url"].startswith("http://192.168.1.20:8000/d/")  # the county's LAN


@pytest.mark.parametrize("url", ["nb.luobei.gov.cn", "ftp://nb.luobei.gov.cn", "https://", "https://nb.cn/?a=1",
                                 "https://nb.cn:99999", "https://nb .cn"])
def test_a_base_url_that_is_no_url_is_refused(service, capsys, url):
    assert main(["links", "--store", str(service.config.store), "--base-url", url]) == 2
    assert "http:// 或 https://" in capsys.readouterr().err


def test_is_local_url():
    assert is_local_url("http://127.0.0.1:8000")
    assert is_local_url("https://sub.localhost/x")
    assert not is_local_url("http://192.168.1.20:8000")
    assert not is_local_url("https://nianbao.luobei.gov.cn")


# -- readable tokens

def test_tokens_are_readable_grouped_and_dense_enough(service, capsys):
    assert main(["links", "--store", str(service.config.store)]) == 0
    tokens = [r["url"].rsplit("/", 1)[1] for r in _rows(capsys.readouterr().out)]
    for token in tokens:
        assert re.fullmatch(r"[23456789abcdefghjkmnpqrstuvwxyz]{4}(-[23456789abcdefghjkmnpqrstuvwxyz]{4}){6}", token)
    assert not set("".join(tokens)) & set("01oliIOL")
    assert TOKEN_BITS >= 128
    assert round(TOKEN_BITS, 1) == 138.7


def test_a_token_typed_by_hand_opens_its_page(client, links):
    token = links["A1"].rsplit("/", 1)[1]
    for typed in (token.upper(), token.replace("-", ""), token.replace("-", " ").upper()):
        assert client.get("/d/" + typed).status_code == 200, typed
    assert client.get("/d/" + token[:-1] + ("2" if token[-1] != "2" else "3")).status_code == 404


def _as_before_readable_tokens(service) -> dict[str, str]:
    """Make the service's links look as an earlier version left them: the base64 token's hash in
    token_hash, journalled without a form. Returns code -> the legacy token that was handed out."""
    make_links(service.db, service.web_dir, service.roster, "http://testserver")
    key = link_key(service.web_dir)
    legacy = {e.code: legacy_link_token(key, e.code, 1) for e in service.roster}
    service.db.write_now(lambda conn: [conn.execute("UPDATE links SET token_hash = ?, legacy_hash = NULL, "
                                                    "generation = 1 WHERE agency_code = ?", (token_hash(t), c))
                                       for c, t in legacy.items()])
    journal = service.web_dir / "journal.jsonl"
    lines = [json.loads(x) for x in journal.read_text(encoding="utf-8").splitlines()]
    journal.write_text("".join(json.dumps({k: v for k, v in e.items() if k != "form"}, ensure_ascii=False) + "\n"
                               for e in lines), encoding="utf-8")
    return legacy


def test_links_handed_out_before_keep_working_until_rotated(client, service, capsys):
    legacy = _as_before_readable_tokens(service)
    assert client.get("/d/" + legacy["A1"]).status_code == 200
    assert main(["links", "--store", str(service.config.store)]) == 0  # prints the readable form of the same links
    readable = {r["code"]: r["url"].removeprefix("http://testserver") for r in _rows(capsys.readouterr().out)}
    for code in ("A1", "A2"):
        assert client.get("/d/" + legacy[code]).status_code == 200
        assert client.get(readable[code]).status_code == 200
        assert client.get(readable[code] + "/status.json").json()["agency"]["code"] == code
    assert main(["links", "--store", str(service.config.store), "--rotate", "A1"]) == 0
    assert client.get("/d/" + legacy["A1"]).status_code == 404  # rotated: both old forms are dead
    assert client.get(readable["A1"]).status_code == 404
    assert client.get("/d/" + legacy["A2"]).status_code == 200  # others untouched


def test_a_lost_database_restores_legacy_links_from_the_journal(config, service, capsys):
    legacy = _as_before_readable_tokens(service)
    assert main(["links", "--store", str(config.store)]) == 0
    readable = {r["code"]: r["url"].rsplit("/", 1)[1] for r in _rows(capsys.readouterr().out)}
    service.db.close()
    for path in (config.store / "web").glob("service.sqlite3*"):
        path.unlink()
    again = Service(config)
    try:
        assert agency_of_token(again.db, legacy["A2"]) == "A2"
        assert agency_of_token(again.db, readable["A2"]) == "A2"
        assert agency_of_token(again.db, legacy["A2"][:-2]) is None
    finally:
        again.db.close()


# -- the printable sheet: A4, one cut-out block per unit, a QR code each, no script

def test_the_sheet_has_a_qr_code_per_unit_and_no_script(service, tmp_path, capsys):
    sheet = tmp_path / "links.html"
    assert main(["links", "--store", str(service.config.store), "--sheet", str(sheet)]) == 0
    rows = _rows(capsys.readouterr().out)
    html = sheet.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "size: A4" in html
    assert html.count('<section class="unit">') == len(rows) == 3
    assert html.count("<svg") == 3
    for row in rows:
        assert qr_svg(row["url"]) in html  # the code drawn is the code of the link printed beside it
    assert "（北京时间）" in html  # when the sheet was made


def test_the_qr_code_decodes_to_the_link(tmp_path):
    """The code segno draws, as a PNG, read back by zbar (Debian's zbar-tools, `make sysdeps`)."""
    import segno

    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        if in_ci():
            pytest.fail("zbarimg (zbar-tools) is required under CI")
        pytest.skip("zbarimg (zbar-tools) not installed")
    url = "https://nianbao.luobei.gov.cn/d/k7m2-x9pq-4hfa-tz3e-8nwb-c6dr-yu5s"
    png = tmp_path / "qr.png"
    segno.make(url, error="m", micro=False, boost_error=True).save(png, scale=4)
    out = subprocess.run([zbarimg, "--raw", "-q", str(png)], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == url
