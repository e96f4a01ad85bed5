"""The audit log: every upload, review, download, login and compile, appended, never edited."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from .db import now_iso

EVENTS = {"upload": "上传", "review": "审核", "download": "下载", "login": "登录", "login_failed": "登录失败",
          "logout": "退出", "compile": "汇总", "template": "下载模板"}


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


def record(conn: sqlite3.Connection, actor: str, event: str, code: str | None, sha256: str | None,
           detail: dict) -> None:
    conn.execute("INSERT INTO audit (created_at, actor, event, agency_code, sha256, detail) VALUES (?, ?, ?, ?, ?, ?)",
                 (now_iso(), actor, event, code, sha256, json.dumps(detail, ensure_ascii=False)))


def entries(db, limit: int = 500) -> list[AuditEntry]:
    rows = db.query("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,))
    return [AuditEntry(r["created_at"], r["actor"], r["event"], r["agency_code"], r["sha256"], json.loads(r["detail"]))
            for r in rows]
