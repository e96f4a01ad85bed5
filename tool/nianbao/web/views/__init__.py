"""Page families: department.py (a link's page), office.py (behind the login), common helpers here."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response

from nianbao.web.pages import render


def wants_json(request: Request) -> bool:
    if request.url.path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def page(name: str, context: dict, status: int = 200) -> HTMLResponse:
    return HTMLResponse(render(name, context), status_code=status)


def respond(request: Request, name: str, context: dict) -> Response:
    """The same context as an HTML page or, for a .json URL or Accept: application/json, as JSON."""
    if wants_json(request):
        return JSONResponse(context)
    return page(name, context)


def download(path, filename: str, media_type: str | None = None) -> FileResponse:
    """A file with its Chinese name (RFC 6266 filename*) and an ASCII fallback."""
    disposition = f"attachment; filename=\"download{_ext(filename)}\"; filename*=UTF-8''{quote(filename)}"
    return FileResponse(path, media_type=media_type, headers={"content-disposition": disposition})


def _ext(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:] if dot > 0 and name[dot:].isascii() else ""


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
