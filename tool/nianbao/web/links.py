"""Department links for mail merge (CSV: code,name,url) and a printable sheet (HTML)."""

from __future__ import annotations

from nianbao.county.roster import RosterEntry
from nianbao.inert import csv_text

from .auth import ensure_links, link_key


def department_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/d/{token}"


def make_links(service_db, web_dir, roster: list[RosterEntry], base_url: str,
               rotate: set[str] = frozenset()) -> list[dict]:
    tokens = ensure_links(service_db, link_key(web_dir), [e.code for e in roster], rotate)
    return [{"code": e.code, "name": e.name, "email": e.email or "", "url": department_url(base_url, tokens[e.code])}
            for e in roster]


def links_csv(links: list[dict]) -> str:
    """UTF-8 with BOM, so Chinese Excel opens it for a mail merge without mojibake; a roster name
    beginning with "=" stays text (nianbao/inert.py)."""
    return csv_text([["code", "name", "url"]] + [[link["code"], link["name"], link["url"]] for link in links])


def links_sheet(links: list[dict], year: int, deadline: str | None) -> str:
    """A printable page: one block per agency, to cut and hand out."""
    from .pages import render

    return render("links_sheet.html", {"links": links, "year": year, "deadline": deadline}, inline_css=True)
