"""A department's page at its private link: template, upload with instant verdict, explanations, history, decision."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from nianbao.web.auth import agency_of_token
from nianbao.web.errors import BadRequest, NotFound
from nianbao.web.uploads import receive_upload

from . import XLSX, download, page, respond, wants_json

_SHA = re.compile(r"^[0-9a-f]{64}$")
MAX_FORM_BYTES = 16 * 1024


def _entry(request: Request):
    service = request.app.state.service
    token = request.path_params["token"]
    code = agency_of_token(service.db, token)
    entry = service.by_code.get(code) if code else None
    if entry is None:
        raise NotFound("链接无效或已被更换。请使用县政府办公室最新发给本单位的报送链接。", code="bad_link")
    return service, entry, f"/d/{token}"


async def _context(service, entry, base: str) -> dict:
    context = service.department_context(await service.fresh_state(), entry)
    context["base"] = base
    return context


async def home(request: Request) -> Response:
    service, entry, base = _entry(request)
    context = await _context(service, entry, base)
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


async def explain(request: Request) -> Response:
    """One explanation of one finding of the current file (the one the page showed: sha256)."""
    service, entry, base = _entry(request)
    form = await request.form(max_files=0, max_fields=6, max_part_size=MAX_FORM_BYTES)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        await service.explain(entry.code, fields.get("sha256", ""), fields.get("key", ""), fields.get("text", ""),
                              f"agency:{entry.code}")
    except BadRequest as exc:
        if wants_json(request):
            raise
        context = await _context(service, entry, base)
        context["form_error"] = {"key": fields.get("key", ""), "message": exc.message, "text": fields.get("text", "")}
        return page("department.html", context, 400)
    if wants_json(request):
        context = await _context(service, entry, base)
        context.pop("base")
        return JSONResponse(context)
    return RedirectResponse(f"{base}#result", status_code=303)


async def template(request: Request) -> Response:
    service, entry, _ = _entry(request)
    path = await service.template(entry)
    await service.audit(f"agency:{entry.code}", "template", entry.code)
    return download(path, f"{entry.code}-{entry.name}-{service.config.year}年报模板.xlsx", XLSX)


async def annotated(request: Request) -> Response:
    service, entry, _ = _entry(request)
    sha = request.path_params["sha"]
    if not _SHA.match(sha):
        raise NotFound("没有找到这份文件的批注副本。")
    st, up = service.upload_of(await service.fresh_state(), entry.code, sha)
    if up.submission.result.figures is None:
        raise NotFound("这份文件无法读取，没有批注副本。")
    path = await service.annotated(st, up)
    await service.audit(f"agency:{entry.code}", "download", entry.code, sha, what="annotated", original_name=up.name)
    return download(path, f"{up.name.rsplit('.', 1)[0]}-批注.xlsx", XLSX)
