"""Reminders (催报): an e-mail to each agency that has not reported, or whose latest report has
errors, with its link, the deadline and its findings. Sent by SMTP, or written as .eml files."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

MAX_FINDINGS_LISTED = 30


@dataclass
class Reminder:
    code: str
    name: str
    to: str | None
    reason: str  # missing | error
    message: EmailMessage | None


def due(service) -> list[dict]:
    """The roster agencies to remind, with their status (missing, or error with its findings)."""
    return [a for a in (service.agency_status(e) for e in service.roster) if a["status"] in ("missing", "error")]


def compose(agency: dict, url: str | None, year: int, deadline: str | None, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = f"【催报】请报送{year}年度政府信息公开工作年度报告（{agency['name']}）"
    msg["From"] = sender
    msg["To"] = agency["email"]
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1] if "@" in sender else None)
    lines = [f"{agency['name']}：", ""]
    if agency["status"] == "missing":
        lines.append(f"贵单位尚未报送{year}年度政府信息公开工作年度报告。")
    elif agency["status"] == "returned":  # the office returned it (county/state.py): its note says what to change
        receipt = agency["current"]["receipt"]
        lines.append(f"贵单位报送的文件（{receipt['original_name']}，{receipt['received_at'].replace('T', ' ')[:16]} "
                     f"收到）已被退回修改，意见：{agency['review']['note']}")
        lines.append("请修改后重新上传。")
    else:
        current = agency["current"]
        errors = [f for f in current["findings"] if f["severity"] == "error"]
        lines.append(f"贵单位最近一次报送的文件（{current['receipt']['original_name']}，"
                     f"{current['receipt']['received_at'].replace('T', ' ')[:16]} 收到）校验发现 {len(errors)} 处错误，"
                     "请修改后重新上传：")
        lines.append("")
        for f in errors[:MAX_FINDINGS_LISTED]:
            where = f"「{f['sheet']}」{f['cell']}" if f.get("sheet") and f.get("cell") else ""
            where += f"（{f['place']}）" if where and f.get("place") else ""
            where += "：" if where else ""
            lines.append(f"  · {where}{f['message']}")
        if len(errors) > MAX_FINDINGS_LISTED:
            lines.append(f"  · ……另有 {len(errors) - MAX_FINDINGS_LISTED} 处，请在报送页面查看全部问题。")
    if url:
        lines += ["", f"报送页面（本单位专属，请勿转发）：{url}",
                  "在该页面可以下载本单位的填报模板、上传填好的文件并立即看到校验结果。"]
    else:
        lines += ["", "请将填好的年报模板（.xlsx）报送县政府办公室。"]
    if deadline:
        lines.append(f"报送截止日期：{deadline}。")
    lines += ["", "此邮件由年报报送系统自动发送。如有疑问请联系县政府办公室。"]
    msg.set_content("\n".join(lines), charset="utf-8")
    return msg


def reminders(service, urls: dict[str, str], sender: str) -> list[Reminder]:
    out = []
    for agency in due(service):
        msg = None
        if agency["email"]:
            msg = compose(agency, urls[agency["code"]], service.config.year, service.deadline_text(), sender)
        out.append(Reminder(agency["code"], agency["name"], agency["email"], agency["status"], msg))
    return out


def write_eml(items: list[Reminder], folder: Path) -> list[Path]:
    from .verdicts import refused_dir

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for item in items:
        if item.message is not None:
            path = folder / f"{refused_dir(item.code)}.eml"
            path.write_bytes(item.message.as_bytes())
            written.append(path)
    return written


def send(items: list[Reminder], host: str, port: int, *, starttls: bool = False, user: str | None = None,
         password: str | None = None, timeout: float = 30) -> dict[str, str | None]:
    """Send each message; returns code → None when sent, else the error (one failure never stops the rest)."""
    outcome: dict[str, str | None] = {}
    with smtplib.SMTP(host, port, timeout=timeout) as smtp:
        if starttls:
            smtp.starttls()
        if user:
            smtp.login(user, password or "")
        for item in items:
            if item.message is None:
                continue
            try:
                smtp.send_message(item.message)
                outcome[item.code] = None
            except smtplib.SMTPException as exc:
                outcome[item.code] = str(exc)
    return outcome
