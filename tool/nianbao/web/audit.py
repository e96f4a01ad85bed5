"""The audit log: every upload, decision, explanation, download, login and compile, appended, never edited."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from . import journal
from .db import now_iso
from .verdicts import VERDICT_LABELS

EVENTS = {"upload": "上传", "review": "审核", "explained": "单位说明", "download": "下载", "login": "登录",
          "login_failed": "登录失败", "logout": "退出", "compile": "汇总", "template": "下载模板",
          "county_text": "汇总年报设置"}

DOWNLOADS = {"original": "原件", "annotated": "批注副本", "summary.xlsx": "汇总表 summary.xlsx",
             "summary.json": "汇总数据 summary.json", "docx": "全县年报（Word）", "html": "全县年报（网页）",
             "md": "全县年报（Markdown）", "suggestion": "文字说明建议稿"}


@dataclass(frozen=True)
class AuditEntry:
    created_at: str
    actor: str  # office | agency:<code> | the client address for a failed login
    event: str
    agency_code: str | None
    sha256: str | None
    detail: dict

    @property
    def label(self) -> str:
        return EVENTS.get(self.event, self.event)

    @property
    def who(self) -> str:
        if self.actor == "office":
            return "县政府办公室"
        if self.actor.startswith("agency:"):
            return f"单位（{self.actor.removeprefix('agency:')}）"
        return self.actor  # a client address (failed login)

    @property
    def summary(self) -> str:
        """The detail in Chinese, for the office's page (the JSON twin keeps the raw detail)."""
        d = self.detail
        if self.event == "upload":
            verdict = VERDICT_LABELS.get(d.get("status"), d.get("status"))
            again = "（与收件库中已有的文件内容相同）" if d.get("duplicate") else ""
            return f"{verdict}{again}"
        if self.event == "review":
            word = "接收" if d.get("decision") == "accepted" else "退回修改"
            return f"{word}{'：' + d['note'] if d.get('note') else ''}"
        if self.event == "explained":
            return f"{d.get('rule', '')} {d.get('cell') or ''}：{d.get('note', '')}"
        if self.event == "county_text":
            text = d.get("narrative") or (f"采用 {d['from']} 的文字" if d.get("from") else "")
            return "、".join(x for x in (d.get("name"), text, d.get("date")) if x)
        if self.event == "download":
            return DOWNLOADS.get(d.get("what"), d.get("what") or "")
        if self.event == "compile":
            counts = d.get("counts") or {}
            shown = "、".join(f"{label}{counts.get(key, 0)}" for key, label in
                              (("ok", "通过 "), ("warning", "有警告 "), ("error", "有错误 "), ("missing", "未报送 ")))
            if "publishable" in d:
                shown += "；汇总年报" + ("可以发布" if d["publishable"] else "是草稿")
            return shown
        return ""


def record(conn: sqlite3.Connection, actor: str, event: str, code: str | None, sha256: str | None,
           detail: dict, web_dir=None) -> None:
    """Append an audit entry (on the writer thread, inside its transaction); also to the journal when given."""
    created = now_iso()
    conn.execute("INSERT INTO audit (created_at, actor, event, agency_code, sha256, detail) VALUES (?, ?, ?, ?, ?, ?)",
                 (created, actor, event, code, sha256, json.dumps(detail, ensure_ascii=False)))
    if web_dir is not None:
        journal.append(web_dir, "audit", {"created_at": created, "actor": actor, "event": event, "agency_code": code,
                                          "sha256": sha256, "detail": detail})


def entries(db, limit: int = 500) -> list[AuditEntry]:
    rows = db.query("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,))
    return [AuditEntry(r["created_at"], r["actor"], r["event"], r["agency_code"], r["sha256"], json.loads(r["detail"]))
            for r in rows]
