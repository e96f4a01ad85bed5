"""events.jsonl: every arrival and every decision about the store's files, one JSON line each.

    STORE/events.jsonl   beside receipts.jsonl; appended under the store's lock, never rewritten

receipts.jsonl says which bytes the store holds (one line per distinct file). events.jsonl
says what happened to them, in order:

  sent       a file arrived: its own name and time, the link it came through (web) or none
             (collect). Every upload is one, also when the bytes were received before.
  accepted   the office accepted the agency's current file; `note` is its reason (required
             when the file has errors), `covers` the error findings it saw and accepted.
  returned   the office returned the current file; `note` says what to change.
  explained  the department explained one finding (`finding`: its key, see state.finding_key).

The actor of each line is the record of who decided (a command-line decision names the
user; the web adds its own audit log). A line that is not a whole, valid event (a crash
mid-append, a hand edit) is reported by line number and skipped, as receipts.jsonl's are;
a kind this version does not know (a newer nianbao) is skipped silently. A store written
before events existed has none: each receipt then stands for its file's one arrival.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from nianbao import clock

from .receipts import DamagedLine, Receipt, _text, parse_log

EVENTS = "events.jsonl"
SENT, ACCEPTED, RETURNED, EXPLAINED = "sent", "accepted", "returned", "explained"
KINDS = (SENT, ACCEPTED, RETURNED, EXPLAINED)
DECISIONS = (ACCEPTED, RETURNED)
MAX_NOTE = 2000  # characters of a reason, note or explanation
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Event:
    kind: str  # sent | accepted | returned | explained
    sha256: str  # the file it is about
    at: str  # ISO 8601 with its zone
    actor: str  # collect | cli:<user> | office | agency:<code> …
    agency_code: str | None = None  # sent: the link it came through (None: collect); else the agency decided on
    original_name: str = ""  # sent: the file's name as sent
    note: str = ""  # accepted: the reason; returned: what to change; explained: the explanation
    finding: str = ""  # explained: the finding's key
    covers: tuple[str, ...] = field(default=())  # accepted: the keys of the error findings accepted

    def line(self) -> bytes:
        """One whole line of UTF-8; empty optional fields are left out."""
        values = {"kind": self.kind, "sha256": self.sha256, "at": self.at, "actor": self.actor,
                  "agency_code": self.agency_code}
        values.update({k: v for k in ("original_name", "note", "finding") if (v := getattr(self, k))})
        if self.covers:
            values["covers"] = list(self.covers)
        values = {k: [_text(x) for x in v] if isinstance(v, list) else _text(v) for k, v in values.items()}
        return (json.dumps(values, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


_REQUIRED = ("kind", "sha256", "at", "actor")
_OPTIONAL = ("agency_code", "original_name", "note", "finding")


def now() -> dt.datetime:
    return clock.now()  # the configured zone (北京时间 by default), never the server's own


def stamp(when: dt.datetime | None = None) -> str:
    return (when or now()).isoformat(timespec="seconds")


def parse_events(data: bytes) -> tuple[list[Event], list[DamagedLine]]:
    """Every event of events.jsonl bytes in order, and every line that is not one (by line number)."""
    return parse_log(data, _parse_line, EVENTS)


def _parse_line(raw: bytes) -> tuple[Event | None, str]:
    """(event, "") or (None, why it is damaged); (None, "") for a kind this version does not know."""
    try:
        obj = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "不是 UTF-8 文本"
    except (ValueError, RecursionError):
        return None, "不是完整的 JSON"
    if not isinstance(obj, dict):
        return None, "不是 JSON 对象"
    for key in _REQUIRED:
        if not isinstance(obj.get(key), str):
            return None, f"缺少或无效的字段 {key}"
    if obj["kind"] not in KINDS:
        return None, ""
    if not _SHA256.match(obj["sha256"]):
        return None, "无效的 SHA-256"
    values = {k: obj[k] for k in _REQUIRED}
    for key in _OPTIONAL:
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            return None, f"无效的字段 {key}"
        if value is not None:
            values[key] = value
    covers = obj.get("covers") or []
    if not isinstance(covers, list) or not all(isinstance(c, str) for c in covers):
        return None, "无效的字段 covers"
    return Event(**values, covers=tuple(covers)), ""


def read_events(store_root: Path) -> tuple[list[Event], list[DamagedLine]]:
    """The store's events and damaged lines; none for a store without events.jsonl."""
    try:
        data = (Path(store_root) / EVENTS).read_bytes()
    except FileNotFoundError:
        return [], []
    return parse_events(data)


class Arrivals:
    """Which (bytes, name) arrivals a store has logged: collect's memory of an inbox it read before.

    Read once and then only what was appended (events.jsonl is append-only), so collecting a
    province's inbox stays linear."""

    def __init__(self, store_root: Path):
        self.path = Path(store_root) / EVENTS
        self._offset = 0
        self._inode = 0
        self.by_sha: dict[str, list[tuple[str, str]]] = {}  # sha256 -> [(name, at)] of every sent event

    def refresh(self) -> None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return
        if st.st_ino != self._inode or st.st_size < self._offset:
            self._offset, self._inode, self.by_sha = 0, st.st_ino, {}
        with self.path.open("rb") as fh:
            fh.seek(self._offset)
            data = fh.read()
        whole = data.rfind(b"\n") + 1
        events, _ = parse_events(data[:whole])
        for e in events:
            if e.kind == SENT:
                self.by_sha.setdefault(e.sha256, []).append((e.original_name, e.at))
        self._offset += whole

    def seen(self, receipt: Receipt, name: str, modified: float) -> bool:
        """Whether this inbox file (bytes, name, modification time) was collected before: an arrival of
        the same bytes under the same name at or after the time the file was last changed."""
        self.refresh()
        logged = self.by_sha.get(receipt.sha256) or [(receipt.original_name, receipt.received_at)]
        since = int(modified)  # times are logged to the second
        return any(n == name and _epoch(at) >= since for n, at in logged)


def _epoch(text: str) -> float:
    try:
        when = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return float("-inf")
    if when.tzinfo is None:
        when = when.astimezone()
    return when.timestamp()


@lru_cache(maxsize=1 << 16)
def sort_time(text: str) -> float:
    """A logged time as seconds since the epoch, for ordering; an unreadable one sorts first (remembered:
    a long-running service orders the same times again after every upload)."""
    return _epoch(text)


def plain_text(text: str, limit: int = MAX_NOTE) -> str:
    """A note as logged: stripped, line breaks kept, other control characters dropped, at most `limit`."""
    text = "".join(c for c in str(text) if c in "\n\t" or (ord(c) >= 0x20 and ord(c) != 0x7F))
    return text.strip()[:limit]


def actor_of_user() -> str:
    """cli:<login name> for decisions made at the command line."""
    try:
        import getpass

        user = getpass.getuser()
    except (OSError, KeyError, ImportError):
        user = os.environ.get("USER") or "?"
    return f"cli:{user}"
