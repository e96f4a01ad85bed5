"""Reminders (催报): an e-mail to each agency that has not reported, whose report has errors, or
whose report the office returned — with its link, the deadline, the office's return note and
the findings (sheet, cell, message). Sent by SMTP, or written as .eml files.

From is the office (its address and name); Date is in the configured zone (nianbao/clock.py).
The roster's e-mail cell is the one field a clerk types freely: each is checked (`roster_address`)
and a cell that is empty, holds several addresses, a line break or no valid address is named
and skipped, never mailed, and never stops the reminders to the other agencies. No roster text
reaches a header unchecked: names are made one line, addresses are validated first.
"""

from __future__ import annotations

import re
import smtplib
import unicodedata
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

from nianbao import clock

MAX_FINDINGS_LISTED = 30
_SEPARATORS = re.compile(r"[,;，；、\s]+")
_LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
# Domains no office mails from (RFC 2606, 6761, 6762): a sender there is bounced or marked as spam.
_RESERVED_TLDS = ("localhost", "localdomain", "local", "invalid", "example", "test")
_RESERVED_DOMAINS = ("example.com", "example.net", "example.org")


class BadAddress(ValueError):
    """An e-mail address nianbao will not mail to or from; the message says why, in Chinese."""


@dataclass(frozen=True)
class Sender:
    address: str
    name: str  # the office, as the recipient's mail program shows it


@dataclass
class Reminder:
    code: str
    name: str
    to: str | None
    reason: str  # missing | error | returned
    message: EmailMessage | None
    problem: str | None = None  # why no message was made (the roster's e-mail cell), in Chinese


def one_line(text) -> str:
    """Roster text for a header or a line of its own: control, format and line-separator characters
    (CR, LF, NEL, U+2028 …) become spaces."""
    out = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in str(text or ""))
    return " ".join(out.split())


def check_address(text: str) -> str:
    """One plain e-mail address (ASCII, user@domain.tld), or BadAddress saying what is wrong with it."""
    if len(text) > 254:
        raise BadAddress("邮箱地址过长")
    if any(not ch.isascii() for ch in text):
        wide = "".join(sorted({ch for ch in text if not ch.isascii()}))[:10]
        raise BadAddress(f"邮箱中有中文或全角字符（{wide}），请改用半角字符")
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        raise BadAddress("邮箱缺少“@”或“@”前后的部分")
    if "@" in local or not _LOCAL_PART.fullmatch(local) or len(local) > 64:
        raise BadAddress("邮箱“@”前的部分有不允许的字符")
    labels = domain.rstrip(".").split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels) or not labels[-1].isalpha():
        raise BadAddress(f"邮箱的域名“{domain}”不正确")
    return f"{local}@{domain.rstrip('.').lower()}"


def roster_address(cell: str | None) -> str:
    """The address in a roster's e-mail cell, or BadAddress naming the problem. A department's link
    is private, so exactly one address is accepted: several are refused, not guessed between."""
    text = (cell or "").strip()
    if not text:
        raise BadAddress("名单中没有邮箱")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text):
        raise BadAddress("邮箱一栏有换行或不可见的控制字符，请只填一个邮箱地址")
    parts = [p for p in _SEPARATORS.split(text) if p]
    if len(parts) > 1 and sum("@" in p or "＠" in p for p in parts) > 1:
        raise BadAddress(f"邮箱一栏有 {len(parts)} 个地址；催报邮件附本单位专属链接，只发给一个邮箱，请只保留一个")
    return check_address(text)


def sender_of(text: str | None, name: str | None = None) -> Sender:
    """The office as sender: --from ADDRESS (or "名称 <ADDRESS>") and a display name. BadAddress for an
    address mail servers would reject or that is no real office's (nianbao@localhost, …@example.cn)."""
    if not text or not text.strip():
        raise BadAddress("没有发件人地址")
    given_name, address = parseaddr(text.strip())
    if not address or any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text):
        raise BadAddress(f"发件人“{one_line(text)}”无法识别")
    if "@" in address and "." not in address.rsplit("@", 1)[1]:  # nianbao@localhost, the old default
        raise BadAddress(f"发件人地址 {address} 不是真实的邮箱，收件方的邮件服务器会拒收")
    address = check_address(address)
    domain = address.rsplit("@", 1)[1]
    if domain.rsplit(".", 1)[-1] in _RESERVED_TLDS or domain.endswith(_RESERVED_DOMAINS):
        raise BadAddress(f"发件人地址 {address} 不是真实的邮箱，收件方的邮件服务器会拒收或归入垃圾邮件")
    return Sender(address, one_line(name or given_name) or "政府信息公开年报报送")


def _where(f: dict) -> str:
    where = f"「{f['sheet']}」{f['cell']}" if f.get("sheet") and f.get("cell") else (f"「{f['sheet']}」"
                                                                                 if f.get("sheet") else "")
    where += f"（{f['place']}）" if where and f.get("place") else ""
    return f"{where}：" if where else ""


def _findings_lines(findings: list[dict]) -> list[str]:
    errors = [f for f in findings if f.get("severity") == "error"]
    warnings = [f for f in findings if f.get("severity") == "warning"]
    lines = [f"  · {_where(f)}{one_line(f.get('message'))}" for f in errors[:MAX_FINDINGS_LISTED]]
    if len(errors) > MAX_FINDINGS_LISTED:
        lines.append(f"  · ……另有 {len(errors) - MAX_FINDINGS_LISTED} 处错误，请在报送页面查看全部问题。")
    if warnings:
        lines.append(f"  另有 {len(warnings)} 处警告，请在报送页面查看并核实。")
    return lines


def compose(*, to: str, agency_name: str, year: int, url: str | None, deadline: str | None, sender: Sender,
            status: str, findings: list[dict] = (), current: dict | None = None, return_note: dict | None = None,
            when=None) -> EmailMessage:
    """One reminder. status: missing | error (the current report has errors: findings lists them) |
    returned (the office returned the current report: return_note {note, created_at}). current is the
    report concerned ({original_name, received_at}); to must be an address check_address accepted;
    url is the agency's own link, None when the county does not use the web service."""
    name = one_line(agency_name)
    msg = EmailMessage()
    msg["Subject"] = f"【催报】请报送{year}年度政府信息公开工作年度报告（{name}）"
    msg["From"] = Address(display_name=sender.name, addr_spec=sender.address)
    msg["To"] = Address(addr_spec=check_address(to))
    msg["Date"] = format_datetime(clock.in_zone(when) if when else clock.now())
    msg["Message-ID"] = make_msgid(domain=sender.address.rsplit("@", 1)[1])
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies to a reminder
    lines = [f"{name}：", ""]
    sent = ""
    if current:
        sent = f"（{one_line(current.get('original_name'))}，{clock.show(current.get('received_at'))} 收到）"
    if status == "missing" or not current:
        lines.append(f"贵单位尚未报送{year}年度政府信息公开工作年度报告。")
    if return_note:
        lines.append(f"贵单位报送的文件{sent}已被退回修改（{clock.show(return_note.get('created_at'))}），退回意见：")
        lines += [f"  {one_line(part)}" for part in str(return_note.get("note") or "").splitlines() if part.strip()]
        lines.append("请按意见修改后，在下面的报送页面重新上传。")
    errors = [f for f in findings if f.get("severity") == "error"]
    if current and (status == "error" or (status == "returned" and errors)):
        if return_note:
            lines.append("")
        lines += [f"贵单位最近一次报送的文件{sent}校验发现 {len(errors)} 处错误，请修改后重新上传：", ""]
        lines += _findings_lines(findings)
    if url:
        lines += ["", f"报送页面（本单位专属，请勿转发）：{url}",
                  "在该页面可以下载本单位的填报模板、上传填好的文件并立即看到校验结果。"]
    else:  # the county runs without the web service (no link was ever made)
        lines += ["", "请将填好的年报模板（.xlsx）报送县政府办公室。"]
    if deadline:
        lines.append(f"报送截止日期：{deadline}。")
    lines += ["", f"此邮件由年报报送系统代{sender.name}自动发送；如有疑问，可直接回复此邮件。"]
    msg.set_content("\n".join(lines), charset="utf-8")
    return msg


def reminders(due: list[dict], urls: dict[str, str], year: int, deadline: str | None,
              sender: Sender) -> list[Reminder]:
    """A reminder for every agency due (county/state.py decides who is; each a view with code, name, email,
    status, current {findings, receipt}, review); one whose roster e-mail cell is unusable gets none, with
    the reason (problem), and the others go on."""
    out = []
    for agency in due:
        current = agency.get("current") or None
        review = agency.get("review") or (current or {}).get("review") or {}
        item = Reminder(agency["code"], agency["name"], agency["email"], agency["status"], None)
        try:
            to = roster_address(agency["email"])
            item.message = compose(
                to=to, agency_name=agency["name"], year=year, url=urls.get(agency["code"]),
                deadline=deadline, sender=sender, status=agency["status"],
                findings=(current or {}).get("findings") or [],
                current=(current or {}).get("receipt"),
                return_note=review if review.get("decision") == "returned" else None)
        except (BadAddress, ValueError) as exc:  # a header the email package refuses: named, not raised
            item.problem = str(exc) if isinstance(exc, BadAddress) else f"无法生成邮件（{exc}）"
        out.append(item)
    return out


def write_eml(items: list[Reminder], folder: Path) -> list[Path]:
    from .verdicts import code_name

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for item in items:
        if item.message is not None:
            path = folder / f"{code_name(item.code)}.eml"
            path.write_bytes(item.message.as_bytes())
            written.append(path)
    return written


def _connect(host: str, port: int, starttls: bool, user: str | None, password: str | None,
             timeout: float) -> smtplib.SMTP:
    smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if starttls:
            smtp.starttls()
        if user:
            smtp.login(user, password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def send(items: list[Reminder], host: str, port: int, *, starttls: bool = False, user: str | None = None,
         password: str | None = None, timeout: float = 30) -> dict[str, str | None]:
    """Send each message; returns code → None when sent, else the error. The first connection's
    failure raises (nothing was sent); after that one failed message never stops the rest, and a
    server that hangs up is called again for the next one."""
    outcome: dict[str, str | None] = {}
    smtp: smtplib.SMTP | None = _connect(host, port, starttls, user, password, timeout)
    try:
        for item in items:
            if item.message is None:
                continue
            try:
                if smtp is None:
                    smtp = _connect(host, port, starttls, user, password, timeout)
                smtp.send_message(item.message)
                outcome[item.code] = None
            except smtplib.SMTPServerDisconnected as exc:
                outcome[item.code] = f"发信服务器断开了连接（{exc}）"
                smtp = None
            except (smtplib.SMTPException, OSError, ValueError, UnicodeError) as exc:
                outcome[item.code] = str(exc) or type(exc).__name__
                if isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException):
                    smtp = None  # the connection is gone: the next message connects again
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
    return outcome
