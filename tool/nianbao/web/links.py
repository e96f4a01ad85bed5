"""Department links for mail merge (CSV: code,name,url) and a printable sheet (HTML, A4: one
cut-out block per agency, with its link's QR code drawn inline as SVG, and no script).

A link is only useful if a department's computer can open it: a base URL that points at
this machine (127.0.0.1, localhost, 0.0.0.0, ::1) is refused unless the office asks for local
links (`links_base_url`), so a sheet, a CSV or a reminder never goes out with a dead link.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from nianbao.county.roster import RosterEntry
from nianbao.inert import csv_text

from .auth import ensure_links, link_key

LOCAL_DEFAULT = "http://127.0.0.1:8000"  # what `nianbao serve` answers on when given no --host/--port
_URL_EXAMPLE = "https://nianbao.example.gov.cn"


def department_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/d/{token}"


def valid_base_url(text: str) -> str:
    """A base URL as given (--base-url), without its trailing slash; ValueError in Chinese when it is no URL."""
    url = (text or "").strip().rstrip("/")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is no number or out of range
    except ValueError:
        host = None
    bad = any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url)
    if bad or not host or parts.scheme not in ("http", "https") or parts.query or parts.fragment:
        raise ValueError(f"服务地址“{text}”无法使用：请写成以 http:// 或 https:// 开头的网址，如 {_URL_EXAMPLE}")
    return url


def is_local_url(url: str) -> bool:
    """A URL only this machine can open: a loopback or unspecified address, or localhost."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def links_base_url(given: str | None, recorded: str | None, allow_local: bool) -> str:
    """The base URL of the links a command prints or mails: --base-url, else the one `nianbao serve`
    recorded. A local one only with allow_local (--allow-local-links); ValueError in Chinese otherwise."""
    url = valid_base_url(given) if given else (recorded or LOCAL_DEFAULT).rstrip("/")
    if is_local_url(url) and not allow_local:
        source = "--base-url 给出的" if given else ("nianbao serve 记录的" if recorded else "默认的")
        raise ValueError(
            f"{source}服务地址 {url} 指向本机：印在链接单、CSV 和催报邮件里的链接，在各单位的电脑上打不开。"
            f"请用 --base-url 给出各单位访问本服务的地址，如 --base-url {_URL_EXAMPLE}"
            "（也可在 nianbao serve 时给出一次，此后自动沿用）；只在本机试用时加 --allow-local-links。")
    return url


def make_links(service_db, web_dir, roster: list[RosterEntry], base_url: str,
               rotate: set[str] = frozenset()) -> list[dict]:
    tokens = ensure_links(service_db, link_key(web_dir), [e.code for e in roster], rotate)
    return [{"code": e.code, "name": e.name, "email": e.email or "", "url": department_url(base_url, tokens[e.code])}
            for e in roster]


def links_csv(links: list[dict]) -> str:
    """UTF-8 with BOM, so Chinese Excel opens it for a mail merge without mojibake; a roster name
    beginning with "=" stays text (nianbao/inert.py)."""
    return csv_text([["code", "name", "url"]] + [[link["code"], link["name"], link["url"]] for link in links])


def qr_svg(url: str) -> str:
    """The URL's QR code as an inline <svg> (error correction M or better, sized by CSS): scanned
    from paper by a phone, it opens the link."""
    import segno

    return segno.make(url, error="m", micro=False, boost_error=True).svg_inline(
        scale=1, border=4, omitsize=True, svgclass="qr", lineclass=None)


def links_sheet(links: list[dict], year, deadline: str | None, generated: str = "") -> str:
    """A printable A4 page: one cut-out block per agency, with its link, written out and as a QR code."""
    from markupsafe import Markup

    from .pages import render

    items = [{**link, "qr": Markup(qr_svg(link["url"]))} for link in links]  # segno's SVG: our markup, no data
    return render("links_sheet.html", {"links": items, "year": year, "deadline": deadline, "generated": generated})
