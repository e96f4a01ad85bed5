"""The county office's pages, behind the login: status, each agency, review, compile, audit."""

from __future__ import annotations

import asyncio
import re
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from nianbao.web import auth
from nianbao.web.audit import entries
from nianbao.web.errors import BadRequest, Forbidden, NotFound, Unauthorized
from nianbao.web.uploads import receive_upload

from . import XLSX, download, page, respond, wants_json

_SHA = re.compile(r"^[0-9a-f]{64}$")
OUTPUTS = {"summary.xlsx": ("summary.xlsx", XLSX), "summary.json": ("summary.json", "application/json"),
           "docx": (None, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
           "html": (None, "text/html; charset=utf-8"), "md": (None, "text/markdown; charset=utf-8"),
           "suggestion": (None, "text/markdown; charset=utf-8")}
MAX_NARRATIVE_BODY = 20 * 1024 * 1024 + 64 * 1024  # a .docx narrative (workflow/narrative.MAX_DOCX_BYTES) and the form


def _session(request: Request) -> str | None:
    """The session's CSRF token, or None when not signed in."""
    return auth.session_csrf(request.app.state.service.db, request.cookies.get(auth.SESSION_COOKIE))


def _require(request: Request) -> str:
    csrf = _session(request)
    if csrf is None:
        if wants_json(request) or request.method != "GET":
            raise Unauthorized("请先登录县政府办公室账户。")
        raise _LoginRedirect(request.url.path)
    return csrf


class _LoginRedirect(Exception):  # noqa: N818 - control flow: the app turns it into a redirect
    def __init__(self, next_path: str):
        self.location = f"/office/login?next={quote(next_path)}"


async def _form_with_csrf(request: Request) -> tuple[dict, str]:
    csrf = _require(request)
    form = await request.form(max_files=0, max_fields=10, max_part_size=16 * 1024)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    if not auth.same_secret(fields.get("csrf"), csrf):
        raise Forbidden("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。", code="csrf")
    return fields, csrf


async def login_page(request: Request) -> Response:
    nxt = request.query_params.get("next", "/office")
    return page("office_login.html", {"next": _safe_next(nxt), "failed": False})


def _safe_next(nxt: str) -> str:
    return nxt if nxt.startswith("/office") and "//" not in nxt and "\\" not in nxt else "/office"


async def login(request: Request) -> Response:
    service = request.app.state.service
    form = await request.form(max_files=0, max_fields=5, max_part_size=4096)
    client = request.client.host if request.client else "?"
    service.login_failures.check(client, count=False)  # ten wrong passwords: this address waits
    password = str(form.get("password") or "")
    ok = await asyncio.to_thread(auth.check_password, service.db, password)
    if not ok:
        await service.audit(client, "login_failed")
        service.login_failures.check(client)
        return page("office_login.html", {"next": _safe_next(str(form.get("next") or "")), "failed": True}, 401)
    token, _csrf = await asyncio.to_thread(auth.open_session, service.db)
    await service.audit("office", "login")
    response = RedirectResponse(_safe_next(str(form.get("next") or "/office")), status_code=303)
    response.set_cookie(auth.SESSION_COOKIE, token, max_age=auth.SESSION_SECONDS, httponly=True, samesite="lax",
                        secure=service.config.base_url.startswith("https://"), path="/")
    return response


async def logout(request: Request) -> Response:
    await _form_with_csrf(request)
    await asyncio.to_thread(auth.close_session, request.app.state.service.db, request.cookies.get(auth.SESSION_COOKIE))
    response = RedirectResponse("/office/login", status_code=303)
    response.delete_cookie(auth.SESSION_COOKIE, path="/")
    return response


async def status(request: Request) -> Response:
    csrf = _require(request)
    service = request.app.state.service
    context = service.office_context(await service.fresh_state())
    if not wants_json(request):
        context["csrf"] = csrf
    return respond(request, "office_status.html", context)


def _code(request: Request) -> str:
    code = request.path_params["code"]
    return code[:-5] if code.endswith(".json") else code


async def _agency_page(request: Request, csrf: str, code: str, form_error: dict | None = None,
                       status_code: int = 200) -> Response:
    service = request.app.state.service
    context = service.agency_context(await service.fresh_state(), code)
    if wants_json(request):
        return respond(request, "office_agency.html", context)
    context.update(csrf=csrf, form_error=form_error, roster=service.roster)
    return page("office_agency.html", context, status_code)


async def agency(request: Request) -> Response:
    csrf = _require(request)
    return await _agency_page(request, csrf, _code(request))


async def review(request: Request) -> Response:
    """Accept (a report with errors only with a reason) or return (with a note) the agency's current file."""
    fields, csrf = await _form_with_csrf(request)
    service = request.app.state.service
    code, sha, decision = fields.get("code", ""), fields.get("sha256", ""), fields.get("decision", "")
    if code not in service.by_code:
        raise NotFound(f"名单中没有代码为 {code} 的单位。")
    try:
        await service.review(code, sha if _SHA.match(sha) else "", decision, fields.get("note", ""), "office")
    except BadRequest as exc:
        if wants_json(request):
            raise
        return await _agency_page(request, csrf, code, {"message": exc.message, "note": fields.get("note", ""),
                                                        "decision": decision}, 400)
    return RedirectResponse(f"/office/agency/{quote(code)}#review", status_code=303)


async def run_compile(request: Request) -> Response:
    await _form_with_csrf(request)
    outcome = await request.app.state.service.compile("office")
    if wants_json(request):
        return JSONResponse(outcome)
    return RedirectResponse("/office#compile", status_code=303)


async def save_county_text(request: Request) -> Response:
    """The county report's own words, date and contact (compile --name, --narrative or --narrative-from, --date,
    --contact)."""
    csrf = _require(request)
    service = request.app.state.service
    received = await receive_upload(request, service.tmp_dir(), limit=MAX_NARRATIVE_BODY, field="narrative",
                                    required=False, max_fields=16)
    with received:
        if not auth.same_secret(received.fields.get("csrf"), csrf):
            raise Forbidden("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。", code="csrf")
        try:
            saved = await service.save_county_text(received.fields, received.path, "office")
        except BadRequest as exc:
            if wants_json(request):
                raise
            context = service.office_context(await service.fresh_state())
            context.update(csrf=csrf, text_error=exc.message, text_form=received.fields)
            return page("office_status.html", context, 400)
    if wants_json(request):
        return JSONResponse(saved)
    return RedirectResponse("/office#county-text", status_code=303)


async def output(request: Request) -> Response:
    _require(request)
    service = request.app.state.service
    name = request.path_params["name"]
    if name not in OUTPUTS:
        raise NotFound("没有这个汇总文件。")
    path = service.output_file(name)
    if path is None:
        raise NotFound("还没有生成汇总，请先点击“生成汇总”。", code="no_compile")
    await service.audit("office", "download", what=name)
    return download(path, OUTPUTS[name][0] or path.name, OUTPUTS[name][1])


async def _upload(request: Request):
    _require(request)
    service = request.app.state.service
    code, sha = request.path_params["code"], request.path_params["sha"]
    if not _SHA.match(sha):
        raise NotFound("没有找到这份文件。")
    return service, (*service.upload_of(await service.fresh_state(), code, sha),)


async def original(request: Request) -> Response:
    service, (st, up) = await _upload(request)
    await service.audit("office", "download", st.entry.code, up.sha256, what="original", original_name=up.name)
    return download(up.submission.file, up.name)


async def annotated(request: Request) -> Response:
    service, (st, up) = await _upload(request)
    if up.submission.result.figures is None:
        raise NotFound("这份文件无法读取，没有批注副本。")
    path = await service.annotated(st, up)
    await service.audit("office", "download", st.entry.code, up.sha256, what="annotated", original_name=up.name)
    return download(path, f"{up.name.rsplit('.', 1)[0]}-批注.xlsx", XLSX)


async def audit_log(request: Request) -> Response:
    csrf = _require(request)
    items = entries(request.app.state.service.db)
    if wants_json(request):
        return JSONResponse({"entries": [e.__dict__ for e in items]})
    return page("office_audit.html", {"entries": items, "csrf": csrf})
