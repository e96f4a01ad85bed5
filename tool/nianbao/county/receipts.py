"""Receipts: one JSON line per received file in receipts.jsonl, read back however damaged.

A line is either a receipt or a DamagedLine that names its line number and what is wrong
with it (torn by a full disk, edited by hand, not UTF-8). Reading never stops at a bad
line, so one torn append cannot make a store unreadable. A receipt's stored_as must name
a file under files/ by its own hash: a hand-edited line cannot point compile at
/etc/shadow. Unknown keys are ignored (a newer nianbao may log more), so old and new
versions read each other's stores.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, fields
from pathlib import Path

FILES = "files"
_STORED_AS = re.compile(r"^files/([0-9a-f]{2})/([0-9a-f]{64})(\.[^/\\\x00]{0,9})?$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MAX_LINE_SHOWN = 80


@dataclass(frozen=True)
class Receipt:
    received_at: str
    original_name: str  # the name as received; bytes that are not UTF-8 kept as \xNN (see name_of)
    sha256: str
    size: int
    stored_as: str  # path relative to the store
    agency_code: str | None
    agency_name: str | None
    format: str | None
    year: int | None
    status: str  # ok | warning | error | unreadable
    errors: int
    warnings: int

    def line(self) -> bytes:
        """The receipt as one whole line of UTF-8: text that is not Unicode (lone surrogates from a
        name that was not UTF-8) is written as a visible \\udcxx escape, never an exception."""
        values = {k: _text(v) for k, v in self.__dict__.items()}
        return (json.dumps(values, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


_FIELDS = {f.name: f for f in fields(Receipt)}
_REQUIRED_STR = ("received_at", "original_name", "sha256", "stored_as", "status")
_OPTIONAL_STR = ("agency_code", "agency_name", "format")
_INTS = ("size", "errors", "warnings")


@dataclass(frozen=True)
class DamagedLine:
    number: int  # 1-based line number in the log
    reason: str  # Chinese
    text: str  # the start of the line, escaped, for the report
    log: str = "receipts.jsonl"  # or events.jsonl

    def message(self) -> str:
        what = "收件记录" if self.log == "receipts.jsonl" else "报送与审核记录"
        return f"{what} {self.log} 第 {self.number} 行已损坏（{self.reason}）：{self.text}"


def name_of(path: Path | str) -> str:
    """A file name as text for a receipt: UTF-8 names as they are, other bytes (a GBK zip unpacked on
    Linux) kept as \\xNN escapes, so the receipt is valid UTF-8 and the name can be recovered."""
    raw = os.fsencode(Path(path).name)
    return raw.decode("utf-8", "backslashreplace")


def gbk_reading(path: Path | str) -> str | None:
    """How a non-UTF-8 name reads as GBK (GB 18030), for the clerk; None for a UTF-8 name."""
    raw = os.fsencode(Path(path).name)
    try:
        raw.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return None


def parse_receipts(data: bytes) -> tuple[list[Receipt], list[DamagedLine]]:
    """Every receipt in receipts.jsonl bytes, in order, and every line that is not one."""
    return parse_log(data, _parse_line, "receipts.jsonl")


def parse_log(data: bytes, parse_line, log: str) -> tuple[list, list[DamagedLine]]:
    """Every item of a JSON-lines log, in order, and every damaged line. parse_line(raw) gives
    (item, "") or (None, why the line is damaged); (None, "") skips a line silently."""
    items: list = []
    damaged: list[DamagedLine] = []
    lines = data.split(b"\n")
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        item, reason = parse_line(raw)
        if item is not None:
            items.append(item)
        elif reason:
            if number == len(lines):  # the last line, without its newline: an append cut short
                reason = f"行不完整，写入时被中断；{reason}"
            damaged.append(DamagedLine(number, reason, _shown(raw), log))
    return items, damaged


def _parse_line(raw: bytes) -> tuple[Receipt | None, str]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "不是 UTF-8 文本"
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        return None, "不是完整的 JSON"
    if not isinstance(obj, dict):
        return None, "不是 JSON 对象"
    values = {k: v for k, v in obj.items() if k in _FIELDS}
    for key in _REQUIRED_STR:
        if not isinstance(values.get(key), str):
            return None, f"缺少或无效的字段 {key}"
    for key in _OPTIONAL_STR:
        if values.get(key) is not None and not isinstance(values[key], str):
            return None, f"无效的字段 {key}"
        values.setdefault(key, None)
    for key in _INTS:
        if not isinstance(values.get(key, 0), int) or isinstance(values.get(key), bool):
            return None, f"无效的字段 {key}"
        values.setdefault(key, 0)
    year = values.setdefault("year", None)
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        return None, "无效的字段 year"
    match = _STORED_AS.match(values["stored_as"])
    if not _SHA256.match(values["sha256"]) or not match or match.group(2) != values["sha256"] \
            or match.group(1) != values["sha256"][:2]:
        return None, "文件名与 SHA-256 不符"
    return Receipt(**values), ""


def _text(value):
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


def _shown(raw: bytes) -> str:
    text = raw[:_MAX_LINE_SHOWN].decode("utf-8", "backslashreplace")
    return text + ("…" if len(raw) > _MAX_LINE_SHOWN else "")
