"""Time as the county office keeps it: one configured zone, 北京时间 (Asia/Shanghai) by default.

Every time nianbao writes (store receipts, the web service's records, a mail's Date) is
`now()` in that zone, stored as ISO 8601 with its offset (`stamp`); every time a person reads
goes through `show`, which names the zone: "2022-01-26 15:40（北京时间）". A deadline is a day
on the zone's calendar (`on_time`): a file received by 23:59:59 that day, there, is on time,
whatever zone the server's clock runs in. A stored time without an offset (written by an older
version, or typed into a manifest) is read as the configured zone.

The zone is set once per process by `configure` (the commands' --timezone) and handed on to
worker processes through the environment (NIANBAO_TIMEZONE), so a check or compile in a pool
stamps what its parent would. zoneinfo reads the system's zone database, or the `tzdata`
package where there is none (Windows).
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"
ENV = "NIANBAO_TIMEZONE"

# What a reader calls the zones a Chinese office may run in; any other zone is shown by its offset.
_NAMES = {
    "Asia/Shanghai": "北京时间", "Asia/Chongqing": "北京时间", "Asia/Chungking": "北京时间",
    "Asia/Harbin": "北京时间", "PRC": "北京时间",
    "Asia/Hong_Kong": "香港时间", "Hongkong": "香港时间", "Asia/Macau": "澳门时间", "Asia/Macao": "澳门时间",
    "Asia/Taipei": "台北时间", "ROC": "台北时间",
}


class ZoneError(ValueError):
    """A --timezone that names no zone; the message says what to write, in Chinese."""


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, TypeError, AttributeError):
        raise ZoneError(f"无法识别的时区“{name}”，请写成 IANA 时区名，如 {DEFAULT_ZONE}（北京时间）") from None


def _from_environment() -> ZoneInfo:
    try:
        return zone_named(os.environ.get(ENV) or DEFAULT_ZONE)
    except ZoneError:
        return ZoneInfo(DEFAULT_ZONE)


_zone = _from_environment()


def configure(name: str | None) -> ZoneInfo:
    """Use this zone for the rest of the process (and the worker processes it starts); None keeps it."""
    global _zone
    if name:
        _zone = zone_named(name)
        os.environ[ENV] = _zone.key
    return _zone


def zone() -> ZoneInfo:
    return _zone


def now() -> dt.datetime:
    return dt.datetime.now(_zone)


def stamp(when: dt.datetime | None = None) -> str:
    """ISO 8601 with the zone's offset, to the second: what receipts and records store."""
    return in_zone(when or now()).isoformat(timespec="seconds")


def in_zone(when: dt.datetime) -> dt.datetime:
    """An aware time in the configured zone (a naive one is taken to be in that zone already)."""
    return when.replace(tzinfo=_zone) if when.tzinfo is None else when.astimezone(_zone)


def parse(text) -> dt.datetime | None:
    """A stored time (ISO 8601, with or without an offset) as an aware time in the configured zone."""
    if isinstance(text, dt.datetime):
        return in_zone(text)
    try:
        return in_zone(dt.datetime.fromisoformat(str(text).strip()))
    except (TypeError, ValueError):
        return None


def from_timestamp(seconds: float) -> dt.datetime:
    """A file's modification time, say, in the configured zone."""
    return dt.datetime.fromtimestamp(seconds, _zone)


def zone_label(when: dt.datetime | None = None) -> str:
    """北京时间, or the zone's offset at that moment (UTC+06:00) for a zone without a Chinese name."""
    name = _NAMES.get(_zone.key)
    if name:
        return name
    offset = in_zone(when or now()).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def show(when) -> str:
    """The one way a time is shown: "2022-01-26 15:40（北京时间）". Unreadable text is shown as it is."""
    if when is None or when == "":
        return ""
    moment = parse(when)
    if moment is None:
        return str(when)
    return f"{moment:%Y-%m-%d %H:%M}（{zone_label(moment)}）"


def show_date(day: dt.date | None) -> str | None:
    """A deadline as people write it: 2022年1月31日."""
    return f"{day.year}年{day.month}月{day.day}日" if day else None


def on_time(received, deadline: dt.date | None) -> bool | None:
    """Received by the end of the deadline's day in the configured zone; None when either is unknown."""
    moment = parse(received) if received is not None else None
    if deadline is None or moment is None:
        return None
    return moment.date() <= deadline


def folder_stamp(when: dt.datetime | None = None) -> str:
    """A folder name for one run: 20220126-154000."""
    return f"{in_zone(when or now()):%Y%m%d-%H%M%S}"
