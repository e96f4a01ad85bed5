"""Receive one uploaded workbook: bounded while it streams, complete on disk or not at all.

The body is refused from its Content-Length before anything is read, and counted as it
arrives (a client may lie or send chunked), so no upload over MAX_UPLOAD_BYTES is ever read
whole. The file part is written to a private temporary folder; the caller stores it through
county.store.Store (which renames into place) and removes the folder. The client's file name
is kept only as the receipt's original_name, never used as a path.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from collections import deque
from pathlib import Path

from python_multipart.exceptions import FormParserError
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import ClientDisconnect, Request

from nianbao.intake.safety import DEFAULT_MAX_BYTES

from .errors import BadRequest, HTTPError, PayloadTooLarge, TooManyRequests

MAX_UPLOAD_BYTES = DEFAULT_MAX_BYTES  # the same cap as `check`: a filled template is ~30-100 KB
MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 64 * 1024  # room for the multipart framing and a few small fields
MAX_FILES = 1
MAX_FIELDS = 8
MAX_FIELD_BYTES = 16 * 1024
FILE_FIELD = "file"
MAX_NAME_CHARS = 120
RATE_LIMIT = 30  # uploads per link …
RATE_WINDOW = 600.0  # … per this many seconds
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


class Received:
    """An uploaded file on disk (path None: an optional file not given); use as a context manager so the
    temporary folder always goes."""

    def __init__(self, folder: Path, path: Path | None, fields: dict[str, str]):
        self.folder, self.path, self.fields = folder, path, fields

    def __enter__(self) -> Received:
        return self

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def safe_name(name: str | None) -> str:
    """The client's file name, reduced to its last part with characters no file system takes removed."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE_NAME.sub("_", base).strip(" .")
    if len(base) > MAX_NAME_CHARS:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: MAX_NAME_CHARS - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else base[:MAX_NAME_CHARS]
    return base or "上传文件.xlsx"


class _Stopped(MultiPartException):
    """The body stopped counting (too large) or arriving (the client went away). Raised as the parser's own
    exception, so that it closes the temporary files of the parts it had begun (it does for no other)."""

    def __init__(self, error: HTTPError):
        super().__init__(error.message)
        self.error = error


async def _counted(request: Request, limit: int):
    seen = 0
    try:
        async for chunk in request.stream():
            seen += len(chunk)
            if seen > limit:
                raise _Stopped(PayloadTooLarge(_too_large(limit)))
            yield chunk
    except ClientDisconnect:
        raise _Stopped(BadRequest("上传中断，文件未保存。请重新上传。", code="disconnected")) from None


def _too_large(limit: int) -> str:
    return f"文件过大：上传上限为 {limit // (1024 * 1024)} MB。年报模板填好后通常不到 1 MB，请确认选择的是年报模板。"


async def receive_upload(request: Request, tmp_root: Path, limit: int | None = None, *, field: str = FILE_FIELD,
                         required: bool = True, max_fields: int = MAX_FIELDS) -> Received:
    """Parse the multipart body into a temporary folder; raises PayloadTooLarge / BadRequest.

    limit: the body's bound in bytes, MAX_BODY_BYTES (as it is when called) by default.
    field: the file's form field; required=False: a form whose file may be left empty (path None)."""
    limit = MAX_BODY_BYTES if limit is None else limit
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise PayloadTooLarge(_too_large(limit))
        except ValueError:
            raise BadRequest("请求头 Content-Length 无效。") from None
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise BadRequest("请用表单上传文件（multipart/form-data，文件字段名为 file）。", code="not_multipart")
    parser = MultiPartParser(request.headers, _counted(request, limit), max_files=MAX_FILES, max_fields=max_fields,
                             max_part_size=MAX_FIELD_BYTES)
    try:
        form = await parser.parse()
    except _Stopped as exc:
        raise exc.error from None
    except (MultiPartException, FormParserError) as exc:  # starlette's limits; python-multipart's malformed body
        _close_parts(parser)
        raise BadRequest(f"上传的表单无法解析（{exc}）。请只选择一个文件后重新上传。", code="bad_form") from None
    folder = Path(tempfile.mkdtemp(prefix="upload-", dir=tmp_root))
    try:
        upload = form.get(field)
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        if upload is None or isinstance(upload, str) or (not upload.filename and not upload.size):
            if not required:
                return Received(folder, None, fields)
            raise BadRequest("没有收到文件：请选择填好的年报 .xlsx 文件后再上传（表单字段名为 file）。", code="no_file")
        path = folder / safe_name(upload.filename)
        with path.open("wb") as out:
            shutil.copyfileobj(upload.file, out)
        return Received(folder, path, fields)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        await form.close()
        _close_parts(parser)


def _close_parts(parser: MultiPartParser) -> None:
    """Close the temporary file of every part the parser began: a part cut off before its end is in no
    form, and starlette closes them itself only on its own errors."""
    for part in getattr(parser, "_files_to_close_on_error", ()):
        part.close()


class RateLimiter:
    """At most `limit` uploads per key in any `window` seconds (in memory: one server process)."""

    def __init__(self, limit: int = RATE_LIMIT, window: float = RATE_WINDOW, what: str = "上传"):
        self.limit, self.window, self.what = limit, window, what
        self._hits: dict[str, deque] = {}

    def check(self, key: str, *, count: bool = True) -> None:
        """Raise TooManyRequests when key is at its limit; else count one use (unless count=False)."""
        now = time.monotonic()
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            wait = int(hits[0] + self.window - now) + 1
            raise TooManyRequests(f"{self.what}过于频繁：每 {int(self.window // 60)} 分钟最多 {self.limit} 次，"
                                  f"请 {wait} 秒后再试。", headers={"retry-after": str(wait)})
        if count:
            hits.append(now)
