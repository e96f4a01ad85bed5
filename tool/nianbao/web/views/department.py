"""A department's page at its private link: template, upload with instant verdict, history, reviews."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from nianbao.web.auth import agency_of_token
from nianbao.web.errors import NotFound
from nianbao.web.uploads import receive_upload

from . import XLSX, download, respond, wants_json

_SHA = re.compile(r"^[0-9a-f]{64}$")


def _entry(request: Request):
    service = request.app.state.service
    token = request.path_params["token"]
    code = agency_of_token(service.db, token)
    entry = service.by_code.get(code) if code else None
    if entry is None:
        raise NotFound("链接无效或已被更换。请使用县政府办公室最新发给本单位的报送链接。", code="bad_link")
    return service, entry, f"/d/{token}"


async def home(request: Request) -> Response:
    service, entry, base = _entry(request)
    context = service.department_context(entry)
    context["base"] = base
    if wants_json(request):
        context.pop("base")
    return respond(request, "department.html", context)


async def upload(request: Request) -> Response:
    service, entry, base = _entry(request)
    service.limiter.check(entry.code)
    received = await receive_upload(request, service.tmp_dir())
    with received:
        verdict = await service.receive(entry, received.path, f"agency:{entry.code}")
    if wants_json(request):
        return JSONResponse(verdict)
    return RedirectResponse(f"{base}#result", status_code=303)


async def template(request: Request) -> Response:
    service, entry, _ = _entry(request)
    path = await service.template(entry)
    await service.audit(f"agency:{entry.code}", "template", entry.code)
    return download(path, f"{entry.code}-{entry.name}-{service.config.year}年报模板.xlsx", XLSX)


async def annotated(request: Request) -> Response:
    service, entry, _ = _entry(request)
    sha = request.path_params["sha"]
    row = service.submission(entry.code, sha) if _SHA.match(sha) else None
    if row is None or row["place"] != "store":
        raise NotFound("没有找到这份文件的批注副本。")
    path = await service.annotated(row)
    await service.audit(f"agency:{entry.code}", "download", entry.code, sha, what="annotated")
    stem = row["original_name"].rsplit(".", 1)[0]
    return download(path, f"{stem}-批注.xlsx", XLSX)
