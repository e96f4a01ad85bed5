"""The app and its one route table.

    /                                   a landing page (departments use their own link)
    /d/{token}                          GET the department's page (.json twin: /d/{token}/status.json);
                                        POST an upload (JSON verdict with Accept: application/json)
    /d/{token}/template.xlsx            its blank template
    /d/{token}/explain                  POST the department's explanation of one finding
    /d/{token}/annotated/{sha}.xlsx     the annotated copy of one of its uploads
    /office/login, /office/logout       the office's session
    /office (+ /office/status.json)     the roster's state (county/state.py), the county text, 生成汇总
    /office/agency/{code} (+ .json)     one agency's files, findings and explanations; the review form
    /office/review, /office/compile     POST actions: accept / return the current file; compile
    /office/county-text                 POST the county report's name, text, date and contact
    /office/outputs/{name}              summary.xlsx, summary.json, docx, html, md, suggestion of the last compile
    /office/files/{code}/{sha}, /office/annotated/{code}/{sha}.xlsx, /office/audit
"""

from __future__ import annotations

import contextlib
import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from nianbao.printable import printable

from .errors import HTTPError, error_body
from .pages import STYLE
from .security import SecurityMiddleware
from .service import Service, ServiceConfig
from .views import department, office, page, wants_json

log = logging.getLogger("nianbao.web")
_TITLES = {400: "请求有误", 401: "请先登录", 403: "没有权限", 404: "页面不存在", 405: "不支持的操作",
           413: "文件过大", 429: "操作过于频繁", 500: "服务器内部错误"}


async def index(request: Request) -> Response:
    return page("index.html", {"year": request.app.state.service.config.year})


async def style(request: Request) -> Response:
    return FileResponse(STYLE, media_type="text/css")


def _routes() -> list[Route]:
    return [
        Route("/", index),
        Route("/static/style.css", style),
        Route("/d/{token}", department.home, methods=["GET"]),
        Route("/d/{token}", department.upload, methods=["POST"]),
        Route("/d/{token}/status.json", department.home),
        Route("/d/{token}/explain", department.explain, methods=["POST"]),
        Route("/d/{token}/template.xlsx", department.template),
        Route("/d/{token}/annotated/{sha}.xlsx", department.annotated),
        Route("/office/login", office.login_page, methods=["GET"]),
        Route("/office/login", office.login, methods=["POST"]),
        Route("/office/logout", office.logout, methods=["POST"]),
        Route("/office", office.status),
        Route("/office/status.json", office.status),
        Route("/office/agency/{code}", office.agency),
        Route("/office/review", office.review, methods=["POST"]),
        Route("/office/compile", office.run_compile, methods=["POST"]),
        Route("/office/county-text", office.save_county_text, methods=["POST"]),
        Route("/office/outputs/{name}", office.output),
        Route("/office/files/{code}/{sha}", office.original),
        Route("/office/annotated/{code}/{sha}.xlsx", office.annotated),
        Route("/office/audit", office.audit_log),
        Route("/office/audit.json", office.audit_log),
    ]


def error_response(request: Request | None, status: int, code: str, message: str, headers: dict | None = None,
                   json: bool | None = None) -> Response:
    as_json = wants_json(request) if json is None else json
    if as_json:
        return JSONResponse(error_body(status, code, message), status_code=status, headers=headers)
    response = page("error.html", {"title": _TITLES.get(status, "出错了"), "message": message,
                                   "back": _back(request, status)}, status)
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def _back(request: Request | None, status: int) -> str | None:
    """Where a person goes from an error page: the department's own page, or the office's."""
    path = request.url.path if request is not None else ""
    parts = path.split("/")
    if len(parts) >= 3 and parts[1] == "d" and status != 404:
        return f"/d/{parts[2]}"
    if path.startswith("/office") and status not in (401, 404):
        return "/office"
    return None


async def _http_error(request: Request, exc: HTTPError) -> Response:
    return error_response(request, exc.status, exc.code, exc.message, exc.headers)


async def _starlette_error(request: Request, exc: HTTPException) -> Response:
    messages = {404: "页面不存在。请检查链接是否完整。", 405: "不支持这种请求方式。"}
    return error_response(request, exc.status_code, {404: "not_found", 405: "method_not_allowed"}.get(
        exc.status_code, "http_error"), messages.get(exc.status_code, str(exc.detail)))


async def _login_redirect(request: Request, exc: office._LoginRedirect) -> Response:
    return RedirectResponse(exc.location, status_code=303)


async def _internal(request: Request, exc: Exception) -> Response:
    log.exception("internal error on %s %s", printable(request.method), printable(request.url.path))  # to a terminal
    return error_response(request, 500, "internal", "服务器内部错误，请稍后重试；如仍出错请联系县政府办公室。")


def _cross_site(scope) -> Response:
    request = Request(scope)
    return error_response(request, 403, "cross_site", "请求来源不是本网站（跨站请求），已拒绝。请从本网站页面上操作。")


def create_app(config: ServiceConfig, *, service: Service | None = None) -> Starlette:
    service = service or Service(config)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        service.clean_tmp()
        service.start()
        try:
            yield
        finally:
            service.stop()

    app = Starlette(routes=_routes(), lifespan=lifespan, exception_handlers={
        HTTPError: _http_error, HTTPException: _starlette_error, office._LoginRedirect: _login_redirect,
        Exception: _internal,
    })
    app.state.service = service
    trusted = set(config.trusted_origins)
    if config.base_url:
        from urllib.parse import urlsplit

        parts = urlsplit(config.base_url)
        trusted.add(f"{parts.scheme}://{parts.netloc}")
    app.add_middleware(SecurityMiddleware, trusted_origins=trusted, on_refuse=_cross_site)
    return app
