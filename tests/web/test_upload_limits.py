"""receive_upload, safe_name and RateLimiter on their own: every limit at and one past its bound, what a
refused request is told, the bytes kept, and nothing left in the temporary folder."""

from __future__ import annotations

import asyncio

import pytest
from starlette.requests import Request

from nianbao.web import uploads
from nianbao.web.errors import BadRequest, PayloadTooLarge, TooManyRequests
from nianbao.web.uploads import MAX_FIELD_BYTES, MAX_FIELDS, MAX_NAME_CHARS, RateLimiter, receive_upload, safe_name

BOUNDARY = "nianbao-boundary"


def _form(parts: list[tuple[str, str | None, bytes]]) -> bytes:
    """A multipart/form-data body: (field, file name or None for a plain field, content)."""
    out = b""
    for field, filename, content in parts:
        disposition = f'form-data; name="{field}"' + (f'; filename="{filename}"' if filename is not None else "")
        out += (f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n"
                + ("Content-Type: application/octet-stream\r\n" if filename is not None else "")
                + "\r\n").encode("utf-8") + content + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


def _request(body: bytes, *, content_type: str | None = f"multipart/form-data; boundary={BOUNDARY}",
             length: str | None = "auto", chunks: int = 1, disconnect: bool = False) -> Request:
    headers = []
    if content_type is not None:
        headers.append((b"content-type", content_type.encode()))
    if length == "auto":
        length = str(len(body))
    if length is not None:
        headers.append((b"content-length", length.encode()))
    size = max(1, -(-len(body) // chunks))
    pieces = [body[i:i + size] for i in range(0, len(body), size)] or [b""]
    messages = [{"type": "http.request", "body": p, "more_body": i < len(pieces) - 1} for i, p in enumerate(pieces)]
    if disconnect:
        messages = messages[:1]
        messages[0]["more_body"] = True
        messages.append({"type": "http.disconnect"})

    async def receive():
        return messages.pop(0)

    return Request({"type": "http", "method": "POST", "path": "/d/x", "headers": headers, "query_string": b""},
                   receive)


def _receive(request: Request, tmp_path, limit: int | None = None):
    args = (request, tmp_path) if limit is None else (request, tmp_path, limit)
    return asyncio.run(receive_upload(*args))


def test_the_file_is_kept_byte_for_byte_with_the_other_fields(tmp_path):
    data = bytes(range(256)) * 40
    body = _form([("note", None, "说明".encode()), ("file", "年报.xlsx", data), ("agency", None, b"A1")])
    received = _receive(_request(body, chunks=7), tmp_path)
    with received:
        assert received.path.read_bytes() == data
        assert received.path.name == "年报.xlsx"
        assert received.path.parent == received.folder
        assert received.folder.parent == tmp_path
        assert received.folder.name.startswith("upload-")
        assert received.fields == {"note": "说明", "agency": "A1"}
    assert list(tmp_path.iterdir()) == []  # the temporary folder goes with the context


def test_a_body_over_the_declared_limit_is_refused_unread(tmp_path):
    with pytest.raises(PayloadTooLarge) as caught:
        _receive(_request(b"", length=str(3 * 1024 * 1024 + 1)), tmp_path, 3 * 1024 * 1024)
    assert caught.value.message == ("文件过大：上传上限为 3 MB。年报模板填好后通常不到 1 MB，请确认选择的是年报模板。")
    assert caught.value.status == 413
    assert list(tmp_path.iterdir()) == []
    body = _form([("file", "a.xlsx", b"x" * 100)])
    with _receive(_request(body), tmp_path, len(body)) as received:  # exactly at the limit: taken
        assert received.path.read_bytes() == b"x" * 100


def test_a_body_over_the_limit_without_a_length_is_refused_while_it_streams(tmp_path):
    body = _form([("file", "a.xlsx", b"y" * 5000)])
    with pytest.raises(PayloadTooLarge):
        _receive(_request(body, length=None, chunks=20), tmp_path, len(body) - 1)
    with _receive(_request(body, length=None, chunks=20), tmp_path, len(body)) as received:
        assert received.path.read_bytes() == b"y" * 5000
    lying = _request(body, length="10", chunks=20)  # a Content-Length that lies is counted all the same
    with pytest.raises(PayloadTooLarge):
        _receive(lying, tmp_path, 100)
    big = _form([("file", "a.xlsx", b"z" * (1024 * 1024))])
    with pytest.raises(PayloadTooLarge) as caught:  # told the limit as a declared length is
        _receive(_request(big, length=None, chunks=8), tmp_path, 1024 * 1024)
    assert caught.value.message == "文件过大：上传上限为 1 MB。年报模板填好后通常不到 1 MB，请确认选择的是年报模板。"
    assert caught.value.status == 413
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("length", ["abc", "-", "1.5", ""])
def test_a_content_length_that_is_no_number_is_a_bad_request(tmp_path, length):
    with pytest.raises(BadRequest) as caught:
        _receive(_request(b"", length=length), tmp_path)
    assert caught.value.message == "请求头 Content-Length 无效。"


@pytest.mark.parametrize("content_type", [None, "application/json", "text/plain", "application/x-www-form-urlencoded"])
def test_only_a_multipart_form_is_taken(tmp_path, content_type):
    with pytest.raises(BadRequest) as caught:
        _receive(_request(b"{}", content_type=content_type), tmp_path)
    assert caught.value.code == "not_multipart"
    assert caught.value.message == "请用表单上传文件（multipart/form-data，文件字段名为 file）。"


def test_no_file_field_or_a_plain_field_called_file_is_refused_and_leaves_nothing(tmp_path):
    for parts in ([("other", "a.xlsx", b"x")], [("file", None, b"text, not a file")]):
        with pytest.raises(BadRequest) as caught:
            _receive(_request(_form(parts)), tmp_path)
        assert caught.value.code == "no_file"
        assert caught.value.message.startswith("没有收到文件：")
    assert list(tmp_path.iterdir()) == []


def test_form_limits_one_past_each(tmp_path):
    fields = [(f"f{i}", None, b"v") for i in range(MAX_FIELDS)]
    with _receive(_request(_form(fields + [("file", "a.xlsx", b"x")])), tmp_path) as received:
        assert len(received.fields) == MAX_FIELDS
    with pytest.raises(BadRequest) as caught:
        _receive(_request(_form(fields + [("extra", None, b"v"), ("file", "a.xlsx", b"x")])), tmp_path)
    assert caught.value.code == "bad_form"
    assert caught.value.message.startswith("上传的表单无法解析（")
    with _receive(_request(_form([("note", None, b"n" * MAX_FIELD_BYTES), ("file", "a.xlsx", b"x")])),
                  tmp_path) as received:
        assert len(received.fields["note"]) == MAX_FIELD_BYTES
    with pytest.raises(BadRequest):
        _receive(_request(_form([("note", None, b"n" * (MAX_FIELD_BYTES + 1)), ("file", "a.xlsx", b"x")])),
                 tmp_path)
    with pytest.raises(BadRequest):
        _receive(_request(_form([("file", "a.xlsx", b"x"), ("file", "b.xlsx", b"y")])), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_client_that_goes_away_is_told_nothing_was_saved(tmp_path):
    body = _form([("file", "a.xlsx", b"z" * 10_000)])
    with pytest.raises(BadRequest) as caught:
        _receive(_request(body, chunks=4, disconnect=True), tmp_path)
    assert caught.value.code == "disconnected"
    assert caught.value.message == "上传中断，文件未保存。请重新上传。"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("given", "kept"), [
    ("年报.xlsx", "年报.xlsx"),
    ("C:\\Users\\张三\\年报.xlsx", "年报.xlsx"),
    ("../../etc/passwd", "passwd"),
    ('a:b*c?d"e<f>g|h.xlsx', "a_b_c_d_e_f_g_h.xlsx"),
    ("tab\there\x00nul\x7f.xlsx", "tab_here_nul_.xlsx"),
    ("  .年报.xlsx. ", "年报.xlsx"),
    (" . ", "上传文件.xlsx"),
    (None, "上传文件.xlsx"),
    ("dir/", "上传文件.xlsx"),
    ("长" * 120, "长" * 120),
    ("XX县XX局2021年报.XLSX", "XX县XX局2021年报.XLSX"),  # the template's placeholder letters, kept as sent
    ("年报（定稿）X", "年报（定稿）X"),
])
def test_safe_name_keeps_what_a_file_system_takes(given, kept):
    assert safe_name(given) == kept


def test_a_long_name_keeps_its_extension_and_the_limit():
    name = safe_name("长" * 500 + ".xlsx")
    assert name == "长" * (MAX_NAME_CHARS - 5) + ".xlsx"
    assert len(name) == MAX_NAME_CHARS
    odd = safe_name("长" * 500 + ".averyverylongext")  # not an extension to keep: cut plainly
    assert odd == "长" * MAX_NAME_CHARS
    tenth = safe_name("长" * 500 + ".abcdefghij")  # ten letters: still kept
    assert tenth == "长" * (MAX_NAME_CHARS - 11) + ".abcdefghij"
    assert safe_name("长" * 121) == "长" * MAX_NAME_CHARS  # no extension at all
    assert safe_name("长" * 116 + ".xlsx") == "长" * 115 + ".xlsx"  # 121 characters: one too many
    assert safe_name("长" * 116 + ".xls") == "长" * 116 + ".xls"  # 120: untouched
    eleventh = safe_name("长" * 500 + ".abcdefghijk")  # eleven: cut plainly
    assert eleventh == "长" * MAX_NAME_CHARS


def test_a_long_name_with_dots_inside_keeps_the_extension_after_the_last():
    name = safe_name("萝北县v1.2定稿" + "长" * 200 + ".xlsx")
    assert name == "萝北县v1.2定稿" + "长" * (MAX_NAME_CHARS - 5 - 9) + ".xlsx"
    assert safe_name("年报.第2版" + "长" * 200 + ".xls").endswith("长.xls")


class _Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_rate_limit_counts_per_key_within_its_window(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(uploads.time, "monotonic", clock)
    limiter = RateLimiter(limit=3, window=600.0)
    for _ in range(3):
        limiter.check("A1")
        clock.now += 1  # uploads at 1000, 1001, 1002
    with pytest.raises(TooManyRequests) as caught:
        limiter.check("A1")
    assert caught.value.message == "上传过于频繁：每 10 分钟最多 3 次，请 598 秒后再试。"
    assert caught.value.headers == {"retry-after": "598"}
    limiter.check("A2")  # another link has its own count
    clock.now = 1599.5
    with pytest.raises(TooManyRequests) as later:
        limiter.check("A1")
    assert later.value.headers == {"retry-after": "1"}
    clock.now += 0.5  # exactly a window after the first upload: that one no longer counts
    limiter.check("A1")
    with pytest.raises(TooManyRequests):
        limiter.check("A1")


def test_a_check_without_counting_only_asks(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(uploads.time, "monotonic", clock)
    limiter = RateLimiter(limit=2, window=60.0, what="密码错误")
    for _ in range(5):
        limiter.check("10.0.0.1", count=False)
    limiter.check("10.0.0.1")
    limiter.check("10.0.0.1")
    with pytest.raises(TooManyRequests) as caught:
        limiter.check("10.0.0.1", count=False)
    assert caught.value.message == "密码错误过于频繁：每 1 分钟最多 2 次，请 61 秒后再试。"


def test_the_default_limit_is_thirty_uploads_in_ten_minutes(monkeypatch):
    monkeypatch.setattr(uploads.time, "monotonic", _Clock())
    limiter = RateLimiter()
    for _ in range(30):
        limiter.check("A1")
    with pytest.raises(TooManyRequests) as caught:
        limiter.check("A1")
    assert caught.value.message.startswith("上传过于频繁：每 10 分钟最多 30 次")


def test_a_form_broken_after_its_file_began_is_a_bad_request_and_leaves_nothing(tmp_path):
    good = _form([("file", "a.xlsx", b"x" * 3000)])
    begun = good[:good.index(b"x" * 100) + 2000]
    for tail, code in ((f"\r\n--{BOUNDARY}\r\nContent-Disposition: \x00\xff\r\n\r\n".encode("latin-1"), "bad_form"),
                       (f"\r\n--{BOUNDARY}ZZ".encode(), "no_file")):  # a header no parser reads; a cut-off part
        with pytest.raises(BadRequest) as caught:
            _receive(_request(begun + tail, chunks=3), tmp_path)
        assert caught.value.code == code
    assert list(tmp_path.iterdir()) == []


def _receive_with(request: Request, tmp_path, **options):
    return asyncio.run(receive_upload(request, tmp_path, **options))


def test_a_form_whose_file_may_be_left_empty_gives_its_fields_and_no_path(tmp_path):
    """The county text form: its words in fields, a narrative file optional (an empty file input sends a part
    with no file name and no bytes)."""
    for parts in ([("contact", None, "电话 1234".encode())],
                  [("contact", None, "电话 1234".encode()), ("narrative", "", b"")]):
        with _receive_with(_request(_form(parts)), tmp_path, field="narrative", required=False) as received:
            assert received.path is None
            assert received.fields == {"contact": "电话 1234"}
            assert received.folder.is_dir()
        assert list(tmp_path.iterdir()) == []
    with pytest.raises(BadRequest) as caught:  # the same empty part where a file is required
        _receive_with(_request(_form([("narrative", "", b"")])), tmp_path, field="narrative")
    assert caught.value.code == "no_file"
    assert list(tmp_path.iterdir()) == []


def test_the_file_is_taken_from_the_field_named_and_no_other(tmp_path):
    body = _form([("narrative", "说明.docx", b"words"), ("csrf", None, b"token")])
    with _receive_with(_request(body), tmp_path, field="narrative", required=False) as received:
        assert received.path.read_bytes() == b"words"
        assert received.path.name == "说明.docx"
        assert received.fields == {"csrf": "token"}
    with pytest.raises(BadRequest) as caught:  # the upload form's field is "file": a file elsewhere is none
        _receive(_request(body), tmp_path)
    assert caught.value.code == "no_file"
    assert "file" in caught.value.message


def test_a_form_may_be_allowed_more_fields(tmp_path):
    parts = [(f"f{i}", None, b"v") for i in range(12)] + [("file", "a.xlsx", b"x")]
    with pytest.raises(BadRequest) as caught:
        _receive(_request(_form(parts)), tmp_path)  # eight fields by default
    assert caught.value.code == "bad_form"
    with _receive_with(_request(_form(parts)), tmp_path, max_fields=12) as received:
        assert len(received.fields) == 12
        assert received.path.read_bytes() == b"x"
    assert list(tmp_path.iterdir()) == []


def test_an_empty_file_that_was_chosen_is_received_to_be_checked(tmp_path):
    """A chosen file with no bytes (a 0-byte .xlsx) is kept and checked (and found unreadable), never
    taken for no file at all; bytes sent without a file name are a file too."""
    with _receive(_request(_form([("file", "空.xlsx", b"")])), tmp_path) as received:
        assert received.path.name == "空.xlsx"
        assert received.path.read_bytes() == b""
    with _receive(_request(_form([("file", "", b"PK bytes")])), tmp_path) as received:
        assert received.path.read_bytes() == b"PK bytes"
        assert received.path.name == "上传文件.xlsx"


def test_a_form_broken_after_its_file_began_leaves_no_file_open(tmp_path, monkeypatch):
    """python-multipart's own errors are not starlette's: the temporary files of the parts begun are closed
    all the same (no descriptor kept open per hostile request)."""
    parsers = []

    class Recording(uploads.MultiPartParser):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            parsers.append(self)

    monkeypatch.setattr(uploads, "MultiPartParser", Recording)
    good = _form([("file", "a.xlsx", b"x" * 3000)])
    begun = good[:good.index(b"x" * 100) + 2000]
    tail = f"\r\n--{BOUNDARY}\r\na header line without its colon\r\n\r\n".encode()
    with pytest.raises(BadRequest) as caught:
        _receive(_request(begun + tail, chunks=3), tmp_path)
    assert caught.value.code == "bad_form"
    assert "invalid character" in caught.value.message  # python-multipart's error, not starlette's
    (parser,) = parsers
    begun_parts = list(parser._files_to_close_on_error)
    assert begun_parts
    assert all(part.closed for part in begun_parts)
