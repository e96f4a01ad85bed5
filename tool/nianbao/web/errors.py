"""Typed HTTP errors and the one JSON error shape.

A view raises one of these; the app answers JSON ({"ok": false, "status": …, "code": …, "error": …})
to clients that ask for JSON and a Chinese error page to browsers. A workbook that fails its
checks is not an error: the upload answers 200 with its findings.
"""

from __future__ import annotations


class HTTPError(Exception):
    status = 500
    code = "internal"

    def __init__(self, message: str, *, code: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.headers = headers or {}


class BadRequest(HTTPError):
    status, code = 400, "bad_request"


class Unauthorized(HTTPError):
    status, code = 401, "login_required"


class Forbidden(HTTPError):
    status, code = 403, "forbidden"


class NotFound(HTTPError):
    status, code = 404, "not_found"


class PayloadTooLarge(HTTPError):
    status, code = 413, "too_large"


class TooManyRequests(HTTPError):
    status, code = 429, "rate_limited"


def error_body(status: int, code: str, message: str) -> dict:
    return {"ok": False, "status": status, "code": code, "error": message}
