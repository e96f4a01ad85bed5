"""nianbao remind: to a local SMTP server started here, and as .eml files with --dry-run."""

from __future__ import annotations

import email
import socket

import pytest
from aiosmtpd.controller import Controller
from web_kit import upload, workbook

from nianbao.cli import main


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def _body(msg) -> str:
    return msg.get_payload(decode=True).decode("utf-8")


@pytest.fixture
def reported(client, links, tmp_path):
    upload(client, links["A1"], workbook(tmp_path / "ok.xlsx"))
    upload(client, links["A2"], workbook(tmp_path / "bad.xlsx", "A2", broken=True))
    return links


def test_remind_mails_missing_and_erroneous_agencies(reported, service, smtp, capsys):
    controller, inbox = smtp
    code = main(["remind", "--store", str(service.config.store), "--smtp", f"127.0.0.1:{controller.port}",
                 "--from", "office@luobei.example.cn"])
    assert code == 0, capsys.readouterr()
    to = sorted(rcpt[0] for rcpt, _ in inbox.messages)
    assert to == ["a2@example.cn", "a3@example.cn"]  # A1 passed: no reminder
    msgs = {rcpt[0]: m for rcpt, m in inbox.messages}
    a2 = _body(msgs["a2@example.cn"])
    assert "错误" in a2
    assert "「表三" in a2
    assert reported["A2"] in a2
    a3 = _body(msgs["a3@example.cn"])
    assert "尚未报送" in a3
    assert reported["A3"] in a3
    assert "催报" in str(email.header.make_header(email.header.decode_header(msgs["a3@example.cn"]["Subject"])))


def test_dry_run_writes_eml_files(reported, service, tmp_path, capsys):
    out = tmp_path / "eml"
    assert main(["remind", "--store", str(service.config.store), "--dry-run", "-o", str(out)]) == 0
    files = sorted(p.name for p in out.iterdir())
    assert files == ["A2.eml", "A3.eml"]
    msg = email.message_from_bytes((out / "A3.eml").read_bytes())
    assert msg["To"] == "a3@example.cn"
    assert reported["A3"] in _body(msg)


def test_remind_without_a_server_is_a_usage_error(service, capsys):
    assert main(["remind", "--store", str(service.config.store)]) == 2
    assert "--smtp" in capsys.readouterr().err


def test_unreachable_smtp_is_one_clear_line(service, capsys):
    port = _free_port()
    assert main(["remind", "--store", str(service.config.store), "--smtp", f"127.0.0.1:{port}"]) == 2
    assert "无法连接发信服务器" in capsys.readouterr().err
