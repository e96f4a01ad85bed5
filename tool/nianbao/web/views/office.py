"""The county office's pages, behind the login: status, each agency, review, compile, audit."""

from __future__ import annotations

import asyncio
import re
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from nianbao.web import auth
from nianbao.web.audit import entries
from nianbao.web.errors import BadRequest, Forbidden, NotFound, Unauthorized

from . import XLSX, download, page, respond, wants_json

_SHA = re.compile(r"^[0-9a-f]{64}$")
OUTPUTS = {"summary.xlsx": ("summary.xlsx", XLSX), "summary.json": ("summary.json", "application/json"),
           "docx": (None, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
           "html": (None, "text/html; charset=utf-8"), "md": (None, "text/markdown; charset=utf-8")}
MAX_NOTE_CHARS = 2000


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
    context = request.app.state.service.office_context()
    if not wants_json(request):
        context["csrf"] = csrf
    return respond(request, "office_status.html", context)


def _agency_entry(request: Request, code: str):
    entry = request.app.state.service.by_code.get(code)
    if entry is None:
        raise NotFound(f"名单中没有代码为 {code} 的单位。")
    return entry


async def agency(request: Request) -> Response:
    csrf = _require(request)
    code = request.path_params["code"]
    if code.endswith(".json"):
        code = code[:-5]
    service = request.app.state.service
    context = {"agency": service.agency_status(_agency_entry(request, code)), "year": service.config.year}
    if not wants_json(request):
        context["csrf"] = csrf
    return respond(request, "office_agency.html", context)


async def review(request: Request) -> Response:
    fields, _ = await _form_with_csrf(request)
    service = request.app.state.service
    code, sha, decision = fields.get("code", ""), fields.get("sha256", ""), fields.get("decision", "")
    note = fields.get("note", "").strip()[:MAX_NOTE_CHARS]
    entry = _agency_entry(request, code)
    row = service.submission(entry.code, sha) if _SHA.match(sha) else None
    if row is None or row["place"] != "store":
        raise NotFound("没有找到要审核的这份报告。")
    if decision not in ("accepted", "returned"):
        raise BadRequest("审核结论只能是“接收”或“退回修改”。")
    if decision == "returned" and not note:
        raise BadRequest("退回时请填写审核意见，告诉单位需要修改什么。", code="note_required")
    await service.review(entry.code, sha, decision, note, "office")
    return RedirectResponse(f"/office/agency/{quote(entry.code)}", status_code=303)


async def run_compile(request: Request) -> Response:
    await _form_with_csrf(request)
    await request.app.state.service.compile("office")
    return RedirectResponse("/office", status_code=303)


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


async def original(request: Request) -> Response:
    _require(request)
    service = request.app.state.service
    code, sha = request.path_params["code"], request.path_params["sha"]
    row = service.submission(code, sha) if _SHA.match(sha) else None
    if row is None:
        raise NotFound("没有找到这份文件。")
    await service.audit("office", "download", code, sha, what="original")
    return download(service.file_path(row), row["original_name"])


async def annotated(request: Request) -> Response:
    _require(request)
    service = request.app.state.service
    code, sha = request.path_params["code"], request.path_params["sha"]
    row = service.submission(code, sha) if _SHA.match(sha) else None
    if row is None or row["place"] != "store":
        raise NotFound("没有找到这份文件。")
    path = await service.annotated(row)
    await service.audit("office", "download", code, sha, what="annotated")
    return download(path, f"{row['original_name'].rsplit('.', 1)[0]}-批注.xlsx", XLSX)


async def audit_log(request: Request) -> Response:
    csrf = _require(request)
    items = entries(request.app.state.service.db)
    if wants_json(request):
        from starlette.responses import JSONResponse

        return JSONResponse({"entries": [e.__dict__ for e in items]})
    return page("office_audit.html", {"entries": items, "csrf": csrf})
