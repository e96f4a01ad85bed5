"""nianbao remind: to a local SMTP server started here, and as .eml files with --dry-run.

The mail itself (From is the office, Date in 北京时间, the return note and the findings), the
refusals (no --from, a loopback link), and issue 19's roster: one bad e-mail cell (a line
break, several addresses, an invalid or empty one, a name with CR/LF) is named and skipped,
every other reminder still goes out, and the exit status says something was skipped.
"""

from __future__ import annotations

import datetime as dt
import email
import email.header
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from web_kit import FMT, YEAR, csrf_of, upload, workbook

from nianbao.cli import main
from nianbao.web.links import make_links
from nianbao.web.service import Service, ServiceConfig

FROM = "gkb@luobei.gov.cn"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, msg))
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
    return msg.get_body(("plain",)).get_content()


def _eml_body(path) -> str:
    return _body(email.message_from_bytes(path.read_bytes(), policy=email.policy.default))


def _remind(store, controller, *extra) -> int:
    return main(["remind", "--store", str(store), "--smtp", f"127.0.0.1:{controller.port}", "--from", FROM, *extra])


@pytest.fixture
def reported(client, links, tmp_path):
    upload(client, links["A1"], workbook(tmp_path / "ok.xlsx"))
    upload(client, links["A2"], workbook(tmp_path / "bad.xlsx", "A2", broken=True))
    return links


def test_remind_mails_missing_and_erroneous_agencies(reported, service, smtp, capsys):
    controller, inbox = smtp
    code = _remind(service.config.store, controller)
    assert code == 0, capsys.readouterr()
    to = sorted(rcpt[0] for rcpt, _ in inbox.messages)
    assert to == ["a2@example.cn", "a3@example.cn"]  # A1 passed: no reminder
    msgs = {rcpt[0]: m for rcpt, m in inbox.messages}
    a2 = _body(msgs["a2@example.cn"])
    assert "错误" in a2
    assert "「表三 依申请公开」D6" in a2  # the finding's sheet and cell
    assert "bad.xlsx" in a2
    assert reported["A2"] in a2
    a3 = _body(msgs["a3@example.cn"])
    assert "尚未报送" in a3
    assert reported["A3"] in a3
    assert "催报" in str(msgs["a3@example.cn"]["Subject"])


def test_the_mail_comes_from_the_office_in_beijing_time(reported, service, smtp, capsys):
    controller, inbox = smtp
    assert _remind(service.config.store, controller, "--from-name", "测试县人民政府办公室") == 0, capsys.readouterr()
    msg = inbox.messages[0][1]
    sender = msg["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("测试县人民政府办公室", FROM)
    date = email.utils.parsedate_to_datetime(msg["Date"])
    assert date.utcoffset() == dt.timedelta(hours=8)  # 北京时间, whatever zone the machine runs in
    assert msg["Message-ID"].endswith("@luobei.gov.cn>")
    assert msg["Auto-Submitted"] == "auto-generated"
    assert "（北京时间）" in _body(msg)  # the time the file was received, with its zone


def test_the_county_name_recorded_by_serve_names_the_sender(reported, service, smtp, capsys):
    service.db.set_config(name="测试县")
    controller, inbox = smtp
    assert _remind(service.config.store, controller) == 0, capsys.readouterr()
    assert inbox.messages[0][1]["From"].addresses[0].display_name == "测试县政府信息公开年报报送"


def test_a_returned_report_carries_the_office_note(office, links, service, smtp, tmp_path, capsys):
    r = upload(office, links["A2"], workbook(tmp_path / "bad.xlsx", "A2", broken=True))
    sha = r.json()["receipt"]["sha256"]
    note = "表三第 6 行合计与分项不符，请核对后重报。\n另：请补填联系电话。"
    assert office.post("/office/review", data={"csrf": csrf_of(office), "code": "A2", "sha256": sha,
                                               "decision": "returned", "note": note}).status_code in (200, 303)
    controller, inbox = smtp
    assert _remind(service.config.store, controller) == 0, capsys.readouterr()
    body = _body({m["To"].addresses[0].addr_spec: m for _, m in inbox.messages}["a2@example.cn"])
    assert "已被退回修改" in body
    assert "表三第 6 行合计与分项不符，请核对后重报。" in body
    assert "另：请补填联系电话。" in body
    assert "「表三 依申请公开」D6" in body


def test_dry_run_writes_eml_files(reported, service, tmp_path, capsys):
    out = tmp_path / "eml"
    assert main(["remind", "--store", str(service.config.store), "--dry-run", "-o", str(out), "--from", FROM]) == 0
    files = sorted(p.name for p in out.iterdir())
    assert files == ["A2.eml", "A3.eml"]
    msg = email.message_from_bytes((out / "A3.eml").read_bytes(), policy=email.policy.default)
    assert msg["To"] == "a3@example.cn"
    assert reported["A3"] in _body(msg)


@pytest.mark.parametrize(("sender", "why"), [
    (None, "--from"),
    ("nianbao@localhost", "不是真实的邮箱"),  # the old default
    ("office@example.com", "不是真实的邮箱"),
    ("not an address", "--from"),
    ("gkb@luobei.gov.cn\r\nBcc: x@evil.cn", "--from"),
])
def test_a_sender_the_office_does_not_own_is_refused(service, tmp_path, capsys, sender, why):
    args = ["remind", "--store", str(service.config.store), "--dry-run", "-o", str(tmp_path / "eml")]
    assert main(args + (["--from", sender] if sender else [])) == 2
    assert why in capsys.readouterr().err
    assert not (tmp_path / "eml").exists()


def test_remind_without_a_server_is_a_usage_error(service, capsys):
    assert main(["remind", "--store", str(service.config.store), "--from", FROM]) == 2
    assert "--smtp" in capsys.readouterr().err


def test_unreachable_smtp_is_one_clear_line(service, capsys):
    port = _free_port()
    assert main(["remind", "--store", str(service.config.store), "--smtp", f"127.0.0.1:{port}", "--from", FROM]) == 2
    assert "无法连接发信服务器" in capsys.readouterr().err


def test_loopback_links_are_refused_unless_asked_for(service, links, tmp_path, capsys):  # serve made the links
    service.db.set_config(base_url="http://127.0.0.1:8000")  # what serve records without --base-url
    out = tmp_path / "eml"
    args = ["remind", "--store", str(service.config.store), "--dry-run", "-o", str(out), "--from", FROM]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "--base-url" in err
    assert "--allow-local-links" in err
    assert not out.exists()
    assert main(args + ["--base-url", "https://nb.luobei.gov.cn"]) == 0
    assert "https://nb.luobei.gov.cn/d/" in _eml_body(out / "A3.eml")
    assert main(args + ["--allow-local-links", "-o", str(tmp_path / "local")]) == 0
    assert "http://127.0.0.1:8000/d/" in _eml_body(tmp_path / "local" / "A3.eml")


# -- issue 19: one bad roster cell never stops the reminders

BAD_ROSTER = [
    ("B1", "第一局", "b1@luobei.gov.cn", None),
    ("B2", "换行局", "b2@luobei.gov.cn\nb2x@luobei.gov.cn", "换行"),
    ("B3", "多址局", "b3@luobei.gov.cn; b3x@luobei.gov.cn", "个地址"),
    ("B4", "无效局", "b4-at-luobei.gov.cn", "缺少“@”"),
    ("B5", "全角局", "b5＠luobei.gov.cn", "全角"),
    ("B6", "空邮箱局", "", "没有邮箱"),
    ("B7", "注入局\r\nBcc: victim@evil.cn", "b7@luobei.gov.cn", None),
    ("B8", "第八局", "b8@luobei.gov.cn\r\nBcc: victim@evil.cn", "换行"),
    ("B9", "第九局", "B9@LuoBei.gov.cn", None),
]


def _csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@pytest.fixture
def bad_roster_store(tmp_path):
    roster = tmp_path / "roster.csv"
    lines = ["code,name,level,email"] + [f"{c},{_csv_cell(n)},county,{_csv_cell(e)}" for c, n, e, _ in BAD_ROSTER]
    roster.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8", newline="")
    config = ServiceConfig(store=tmp_path / "store", roster_path=roster, year=YEAR, format_id=FMT.id, workers=0,
                           base_url="https://nb.luobei.gov.cn")
    service = Service(config)
    make_links(service.db, service.web_dir, service.roster, config.base_url)
    service.db.close()
    return config.store


def test_one_bad_roster_cell_is_named_and_skipped_and_the_rest_go_out(bad_roster_store, smtp, capsys):
    controller, inbox = smtp
    assert _remind(bad_roster_store, controller) == 1  # something was skipped
    out = capsys.readouterr().out
    sent = sorted(r for rcpt, _ in inbox.messages for r in rcpt)
    assert sent == ["B9@luobei.gov.cn", "b1@luobei.gov.cn", "b7@luobei.gov.cn"]  # the domain in lower case
    for code, name, _, why in BAD_ROSTER:
        if why:
            line = next(x for x in out.splitlines() if f"（{code}）" in x)
            assert name in line
            assert why in line
            assert "未催报" in line
    assert "\r" not in out
    assert "已发送 3 封" in out
    assert "6 个因邮箱问题跳过" in out


def test_a_name_with_a_line_break_cannot_add_a_header(bad_roster_store, smtp, capsys):
    controller, inbox = smtp
    _remind(bad_roster_store, controller)
    msg = next(m for rcpt, m in inbox.messages if rcpt == ["b7@luobei.gov.cn"])
    assert msg["Bcc"] is None
    assert [k for k in msg.keys() if k.lower() == "bcc"] == []
    assert "注入局 Bcc: victim@evil.cn" in str(msg["Subject"])  # the name, made one line
    assert all(rcpt != ["victim@evil.cn"] for rcpt, _ in inbox.messages)


def test_dry_run_with_a_bad_cell_still_writes_the_others(bad_roster_store, tmp_path, capsys):
    out = tmp_path / "eml"
    assert main(["remind", "--store", str(bad_roster_store), "--dry-run", "-o", str(out), "--from", FROM]) == 1
    assert sorted(p.name for p in out.iterdir()) == ["B1.eml", "B7.eml", "B9.eml"]
    assert "6 个单位因邮箱问题未生成" in capsys.readouterr().out


def test_a_message_the_server_refuses_does_not_stop_the_others(bad_roster_store, capsys):
    class Picky(_Inbox):
        async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802 - aiosmtpd's hook
            if address.startswith("b1@"):
                return "550 no such mailbox"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    inbox = Picky()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        assert _remind(bad_roster_store, controller) == 1
    finally:
        controller.stop()
    out = capsys.readouterr().out
    assert sorted(r for rcpt, _ in inbox.messages for r in rcpt) == ["B9@luobei.gov.cn", "b7@luobei.gov.cn"]
    assert "第一局（B1）：发送失败" in out
