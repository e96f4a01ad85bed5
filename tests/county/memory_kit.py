"""Checked files built in memory for the county/state.py and consolidation tests: no workbook, no store."""

from __future__ import annotations

from factory import valid_document

from nianbao.county.events import SENT, Event
from nianbao.county.gather import Checked, Submission
from nianbao.county.roster import RosterEntry
from nianbao.findings import Finding
from nianbao.format.figures import Figures
from nianbao.format.spec import all_formats

F19 = all_formats()["gov-info-disclosure-2019"]
F21 = all_formats()["gov-info-disclosure-2021"]
A01 = RosterEntry("A01", "测试县第1局", "county", None, None)
A02 = RosterEntry("A02", "测试县第2局", "county", None, None)
T3_1 = Finding("T3-1", "error", "表三不平衡。", sheet="表三 依申请公开", cell="D7", key="requests.total", actual=5,
               expected=4)
UNREADABLE = Finding("FILE_UNREADABLE", "error", "文件已损坏。")
MAC = Finding("HMAC_MISMATCH", "error", "签名与内容不符。")
WARN = Finding("T2-9", "warning", "提醒。", sheet="表二 主动公开", cell="C5")


def doc_of(entry=A01, seed=1, fmt=F21, year=2021, **agency):
    return valid_document(fmt, year, seed=seed, agency={"name": entry.name, "code": entry.code, "level": "county",
                                                        **agency})


def checked(doc=None, *, findings=(), status=None, verified=None, figures=True) -> Checked:
    doc = doc_of() if doc is None else doc
    status = status or ("error" if any(f.severity == "error" for f in findings) else "ok")
    return Checked(status, tuple(findings), doc["agency"], doc["format"], doc["year"],
                   Figures.of(doc) if figures else None, verified)


def sub(name, result: Checked, minute: int = 0, sha=None) -> Submission:
    return Submission(f"/in/{name}", f"2022-01-10T09:{minute:02d}:00+08:00", result, name,
                      sha or (name.encode().hex() * 64)[:64])


def sent(s: Submission, minute: int, via: str | None = "A01", name: str = "") -> Event:
    return Event(SENT, s.sha256, f"2022-01-10T10:{minute:02d}:00+08:00", "agency:x", via, original_name=name)


def decided(kind, s: Submission, note="", covers=(), code="A01", minute=30) -> Event:
    return Event(kind, s.sha256, f"2022-01-10T11:{minute:02d}:00+08:00", "cli:test", code, note=note, covers=covers)
