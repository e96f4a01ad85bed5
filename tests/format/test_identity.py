"""The issuer MAC covers every identity field that changes how a report is judged (issue 12 §3)."""

from __future__ import annotations

import hostile
import pytest

from nianbao.check.run import check_file
from nianbao.format.identity import (
    MAC_FAILURES,
    SIGNED_FIELDS,
    issuer_mac,
    legacy_mac,
    mac_verified,
    signed_message,
    verify_mac,
)
from nianbao.intake.read import read_workbook

META = {"format": "gov-info-disclosure-2021", "year": "2021", "agency_code": "E01", "agency_name": "测试县教育局",
        "agency_level": "county", "kind": "department", "template_version": "2026.2", "fingerprint": "abc"}


@pytest.mark.parametrize("field", SIGNED_FIELDS)
def test_every_signed_field_changes_the_mac(field):
    edited = {**META, field: META[field] + "x"}
    assert issuer_mac(b"k", edited) != issuer_mac(b"k", META)
    assert verify_mac({**edited, "hmac": issuer_mac(b"k", META)}, b"k")[0].rule == "HMAC_MISMATCH"


def test_message_is_unambiguous_and_defaults_count_as_written():
    # "a|b" + "c" and "a" + "b|c" were one message with a "|"-joined MAC
    assert signed_message({**META, "agency_code": "a|b", "agency_name": "c"}) != \
        signed_message({**META, "agency_code": "a", "agency_name": "b|c"})
    assert signed_message({k: v for k, v in META.items() if k != "kind"}) == signed_message(META)
    # a space the rules would see ("county " is not a level they know) is a different message
    assert signed_message({**META, "agency_level": "county "}) != signed_message(META)


@pytest.mark.parametrize("mac", ["签名" * 16, "\udcff" * 64, "é" * 64, "", "0" * 64, issuer_mac(b"k", META).upper()])
def test_any_signature_text_is_a_finding_never_an_exception(mac):
    rules = [f.rule for f in verify_mac({**META, "hmac": mac}, b"k")]
    assert rules == (["HMAC_MISSING"] if not mac else ["HMAC_MISMATCH"])
    assert not mac_verified([f for f in verify_mac({**META, "hmac": mac}, b"k")])


def test_legacy_templates_verify_with_a_note_but_only_as_department_reports():
    old = {**META, "template_version": "2026.1"}
    mac = legacy_mac(b"k", META["format"], 2021, "E01", "2026.1")
    (note,) = verify_mac({**old, "hmac": mac}, b"k")
    assert note.rule == "HMAC_LEGACY" and note.severity == "info" and "2026.1" in note.message
    assert mac_verified([note])
    assert [f.rule for f in verify_mac({**old, "hmac": mac, "kind": "summary"}, b"k")] == ["HMAC_LEGACY_MISMATCH"]
    assert [f.rule for f in verify_mac({**old, "hmac": mac, "agency_code": "02"}, b"k")] == ["HMAC_LEGACY_MISMATCH"]
    # a current template cannot claim the legacy version to fall back to the narrower MAC
    assert [f.rule for f in verify_mac({**old, "hmac": issuer_mac(b"k", META)}, b"k")] == ["HMAC_LEGACY_MISMATCH"]


@pytest.mark.parametrize("case", sorted(hostile.IDENTITY_CASES))
def test_identity_forgeries_in_real_workbooks(tmp_path, case):
    generate, want = hostile.IDENTITY_CASES[case]
    path = generate(tmp_path)
    for engine in ("fast", "openpyxl"):
        read = read_workbook(path, secret=hostile.ISSUER_SECRET, engine=engine)
        mac_rules = [f.rule for f in read.findings if f.rule.startswith("HMAC")]
        assert mac_rules == ([want] if want else []), (engine, read.findings)
        assert not [f for f in read.findings if f.rule == "FILE_CORRUPT"]
        assert mac_verified(read.findings) == (want not in MAC_FAILURES)
    result = check_file(path, secret=hostile.ISSUER_SECRET)
    if want in MAC_FAILURES:
        assert result.status in ("error", "unreadable")
        message = next(f.message for f in result.findings if f.rule == want)
        assert "签名" in message
    else:
        assert result.status == "ok", result.findings


def test_refused_file_still_carries_its_mac_finding(tmp_path):
    """A forged file that is refused for another reason (wrong year) is still known as unverified."""
    path = hostile.identity_code_borrowed(tmp_path)
    result = check_file(path, secret=hostile.ISSUER_SECRET, expect_year=2020)
    assert result.status == "unreadable" and result.agency["code"] == "02"
    assert [f.rule for f in result.findings] == ["HMAC_MISMATCH", "WRONG_YEAR"]


def test_kind_summary_without_a_secret_is_what_the_mac_now_stops(tmp_path):
    """The attack: as a "summary", a report with blank text draws no warnings. With the secret it is refused."""
    path = hostile.identity_kind_summary(tmp_path)
    assert read_workbook(path).kind == "summary"
    assert [f.rule for f in read_workbook(path, secret=hostile.ISSUER_SECRET).findings] == ["HMAC_MISMATCH"]


@pytest.mark.libreoffice
def test_signature_survives_a_libreoffice_save(tmp_path):
    """What a clerk does: open the issued template in LibreOffice, fill, save. Still verified, name and all."""
    from lo import convert

    agency = {"name": '萝北县 "教育" & <局> ', "code": "E<1>", "level": "township"}
    saved = convert(hostile.signed_report(tmp_path, "s.xlsx", agency=agency), tmp_path / "lo")
    result = check_file(saved, secret=hostile.ISSUER_SECRET)
    assert result.agency == agency
    assert [f.rule for f in result.findings if f.rule.startswith("HMAC")] == []
    forged = hostile.edit_identity(saved, tmp_path / "forged.xlsx", agency_level="province")
    assert [f.rule for f in check_file(forged, secret=hostile.ISSUER_SECRET).findings
            if f.rule.startswith("HMAC")] == ["HMAC_MISMATCH"]
