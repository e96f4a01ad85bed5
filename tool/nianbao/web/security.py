"""Headers every response carries, and the cross-site request check on every unsafe method.

CSRF: a POST is allowed when the browser says it comes from this site (Sec-Fetch-Site:
same-origin or none), or else when its Origin is this host; a request with neither header
(curl, scripts) passes, since it cannot carry a victim's cookie. Office forms also carry a
per-session token (views/office.py). The pages use no script at all, so the policy forbids it.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",  # a department's link is its key: never leak it in a Referer
    "cache-control": "no-store",
}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def cross_site(method: str, headers, trusted_origins: set[str]) -> bool:
    """True when an unsafe request comes from another site."""
    if method in SAFE_METHODS:
        return False
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None:
        return False
    if origin == "null":
        return True
    parts = urlsplit(origin)
    return parts.netloc != headers.get("host", "") and f"{parts.scheme}://{parts.netloc}" not in trusted_origins


class SecurityMiddleware:
    """ASGI middleware: refuse cross-site unsafe requests, add the security headers."""

    def __init__(self, app, trusted_origins: set[str] | None = None, on_refuse=None):
        self.app = app
        self.trusted = trusted_origins or set()
        self.on_refuse = on_refuse

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        from starlette.datastructures import Headers

        if cross_site(scope["method"], Headers(scope=scope), self.trusted):
            response = self.on_refuse(scope)
            return await self._with_headers(response, scope, receive, send)

        started = time.perf_counter()

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in HEADERS.items() if k.encode() not in present]
                # how long the server took, so a benchmark can tell it from time spent in the network or client
                extra.append((b"server-timing", f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()))
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _with_headers(self, response, scope, receive, send):
        for k, v in HEADERS.items():
            response.headers.setdefault(k, v)
        await response(scope, receive, send)
