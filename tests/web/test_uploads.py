"""Upload limits, each tested one past the limit; refused before the body is read."""

from __future__ import annotations

from web_kit import JSON, upload, workbook

from nianbao.county.store import Store
from nianbao.web import uploads


def test_declared_too_large_is_refused_before_reading(client, links, service):
    r = client.post(links["A1"], content=b"x" * 10, headers={**JSON, "content-type": "multipart/form-data; boundary=b",
                                                              "content-length": str(uploads.MAX_BODY_BYTES + 1)})
    assert r.status_code == 413
    assert r.json()["code"] == "too_large"


def test_streamed_body_over_the_cap_is_refused_while_counting(client, links, service, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_BODY_BYTES", 4096)
    seen = []

    def body():
        for _ in range(100):  # no Content-Length: chunked, counted as it arrives
            seen.append(1)
            yield b"-" * 1024

    r = client.post(links["A1"], content=body(), headers={**JSON, "content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413
    assert Store(service.config.store).receipts() == []
    assert list((service.web_dir / "tmp").iterdir()) == []


def test_exactly_at_the_cap_passes(client, links, tmp_path, monkeypatch):
    path = workbook(tmp_path / "ok.xlsx")
    size = len(path.read_bytes()) + 1000
    monkeypatch.setattr(uploads, "MAX_BODY_BYTES", size)
    assert upload(client, links["A1"], path).status_code == 200
    monkeypatch.setattr(uploads, "MAX_BODY_BYTES", size - 2000)
    assert upload(client, links["A1"], path).status_code == 413


def test_two_files_are_refused(client, links, tmp_path):
    path = workbook(tmp_path / "ok.xlsx")
    with open(path, "rb") as a, open(path, "rb") as b:
        r = client.post(links["A1"], files=[("file", ("a.xlsx", a)), ("file", ("b.xlsx", b))], headers=JSON)
    assert r.status_code == 400
    assert r.json()["code"] == "bad_form"


def test_no_file_field(client, links):
    r = client.post(links["A1"], data={"other": "x"}, files={"wrong": ("a.xlsx", b"x")}, headers=JSON)
    assert r.status_code == 400
    assert r.json()["code"] == "no_file"


def test_not_multipart(client, links):
    r = client.post(links["A1"], content=b"{}", headers={**JSON, "content-type": "application/json"})
    assert r.status_code == 400
    assert r.json()["code"] == "not_multipart"


def test_rate_limited_per_link(client, links, tmp_path, service):
    service.limiter.limit = 3
    path = workbook(tmp_path / "ok.xlsx")
    codes = [upload(client, links["A1"], path).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert upload(client, links["A2"], workbook(tmp_path / "a2.xlsx", "A2")).status_code == 200  # another link


def test_client_file_name_is_never_a_path(client, links, tmp_path, service):
    body = upload(client, links["A1"], workbook(tmp_path / "ok.xlsx"), name="../../etc/passwd.xlsx").json()
    receipt = Store(service.config.store).receipts()[0]
    assert receipt.original_name == "passwd.xlsx"
    assert receipt.stored_as.startswith("files/")
    assert body["status"] == "ok"


def test_safe_name():
    assert uploads.safe_name('C:\\Users\\张三\\年报<1>.xlsx') == "年报_1_.xlsx"
    assert uploads.safe_name("") == "上传文件.xlsx"
    assert len(uploads.safe_name("长" * 500 + ".xlsx")) == uploads.MAX_NAME_CHARS


def test_a_browser_refused_upload_gets_a_chinese_page_back_to_its_link(client, links):
    r = client.post(links["A1"], content=b"x", headers={"content-type": "multipart/form-data; boundary=b",
                                                        "content-length": str(uploads.MAX_BODY_BYTES + 1)})
    assert r.status_code == 413
    assert "文件过大" in r.text
    assert f'href="{links["A1"]}"' in r.text


def test_a_malformed_form_below_the_cap_is_a_bad_request_not_a_crash(client, links):
    """A body that says multipart but is not (a broken client, a probe): 400 with the one error shape."""
    for body in (b"-" * 2000, b"--b\r\nContent-Disposition: form-data\r\n\r\nx", b"\x00\xff" * 300):
        r = client.post(links["A1"], content=body, headers={**JSON, "content-type": "multipart/form-data; boundary=b"})
        assert r.status_code == 400, body[:20]
        assert r.json()["code"] == "bad_form"
