"""One Jinja environment for every page, autoescaping everything (a roster name `<script>` stays text)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import jinja2

from nianbao import clock

HERE = Path(__file__).resolve().parent
STYLE = HERE / "static" / "style.css"
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?")


def times_in(text) -> str:
    """Every stored time inside a sentence of county/state.py (“已被 b.xlsx（2022-01-26T15:40:00+08:00）取代”)
    as the pages show times, in the configured zone (its name is on every time column of the page)."""
    def shown(match) -> str:
        moment = clock.parse(match.group())
        return f"{moment:%Y-%m-%d %H:%M}" if moment else match.group()

    return _ISO_TIME.sub(shown, str(text or ""))


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["when"] = clock.show  # "2022-01-26 15:40（北京时间）": every time a page shows
    env.filters["times"] = times_in  # the times inside a sentence
    return env


def render(name: str, context: dict, *, inline_css: bool = False) -> str:
    """A page; inline_css for a file opened outside the service (the printable links sheet)."""
    css = STYLE.read_text(encoding="utf-8") if inline_css else None
    return environment().get_template(name).render(**context, inline_css=css)
