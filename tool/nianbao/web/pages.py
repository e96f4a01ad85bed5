"""One Jinja environment for every page, autoescaping everything (a roster name `<script>` stays text)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from nianbao import clock

HERE = Path(__file__).resolve().parent
STYLE = HERE / "static" / "style.css"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["when"] = clock.show  # "2022-01-26 15:40（北京时间）": every time a page shows
    return env


def render(name: str, context: dict, *, inline_css: bool = False) -> str:
    """A page; inline_css for a file opened outside the service (the printable links sheet)."""
    css = STYLE.read_text(encoding="utf-8") if inline_css else None
    return environment().get_template(name).render(**context, inline_css=css)
