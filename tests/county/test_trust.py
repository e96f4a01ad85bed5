"""Whose report is it (issue 12 §3): a forged file never displaces a verified one; names, levels and
copied figures are compared without a secret."""

from __future__ import annotations

import json
import os

import hostile
import pytest
from factory import valid_document

from nianbao.check.run import check_file
from nianbao.cli import main
from nianbao.county.previous import load_previous
from nianbao.county.roster import load_roster
from nianbao.county.store import Store
from nianbao.format.spec import all_formats
from nianbao.template.write import write_template
from nianbao.workflow.compile import CompileOptions, compile_reports

F21 = all_formats()["gov-info-disclosure-2021"]
SECRET = hostile.ISSUER_SECRET
E01 = hostile.IDENTITY_AGENCY  # 测试县教育局
E02 = {"name": "测试县财政局", "code": "02", "level": "county"}


def _roster(tmp_path, *agencies, name="roster.csv"):
    path = tmp_path / name
    path.write_text("code,name,level\n" + "".join(f"{a['code']},{a['name']},{a['level']}\n" for a in agencies),
                    encoding="utf-8")
    return load_roster(path)


def _at(path, t):
    os.utime(path, (t, t))
    return path


def _compile(tmp_path, files, *agencies, secret=SECRET, **options):
    return compile_reports(CompileOptions(fmt=F21, year=2021, roster=_roster(tmp_path, *agencies),
                                          out_dir=tmp_path / "out", paths=files, secret=secret, **options))


def _status(comp, code):
    return next(s for s in comp.statuses if s.entry.code == code)


@pytest.mark.parametrize("forged_first", [False, True])
def test_a_forged_file_never_displaces_the_verified_report(tmp_path, forged_first):
    genuine = _at(hostile.signed_report(tmp_path, "02-财政局.xlsx", agency=E02, seed=2), 1_700_000_100)
    forged = hostile.identity_code_borrowed(tmp_path)  # E01's signed template relabelled as 02's
    _at(forged, 1_700_000_000 if forged_first else 1_700_000_200)
    comp = _compile(tmp_path, [genuine, forged], E01, E02, include_errors=True)
    st = _status(comp, "02")
    assert (st.status, st.included, st.submission.original_name) == ("ok", True, "02-财政局.xlsx")
    assert [s.original_name for s in comp.rejected] == ["code-borrowed.xlsx"] and comp.superseded == []
    assert any("签名核对不通过" in n and "code-borrowed.xlsx" in n for n in st.notes)
    # without the secret nothing can tell them apart: the latest counts, as before
    plain = _compile(tmp_path, [genuine, forged], E01, E02, secret=None)
    assert _status(plain, "02").submission.original_name == ("02-财政局.xlsx" if forged_first else "code-borrowed.xlsx")


def test_only_verified_files_supersede_verified_files(tmp_path):
    first = _at(hostile.signed_report(tmp_path, "v1.xlsx", seed=1), 1_700_000_000)
    second = _at(hostile.signed_report(tmp_path, "v2.xlsx", seed=3), 1_700_000_100)
    kind = _at(hostile.identity_kind_summary(tmp_path), 1_700_000_200)
    level = _at(hostile.identity_level_province(tmp_path), 1_700_000_300)
    mac = _at(hostile.identity_mac_non_ascii(tmp_path), 1_700_000_400)
    comp = _compile(tmp_path, [first, second, kind, level, mac], E01)
    st = _status(comp, "E01")
    assert (st.status, st.submission.original_name) == ("ok", "v2.xlsx")
    assert [s.original_name for s in comp.superseded] == ["v1.xlsx"]
    assert [s.original_name for s in comp.rejected] == ["kind-summary.xlsx", "level-province.xlsx",
                                                        "mac-non-ascii.xlsx"]


def test_a_forged_file_alone_is_shown_as_such_and_never_counted(tmp_path):
    forged = hostile.identity_code_borrowed(tmp_path)
    comp = _compile(tmp_path, [forged], E01, E02, include_errors=True)
    st = _status(comp, "02")
    assert st.status == "error" and not st.included
    assert "HMAC_MISMATCH" in [f.rule for f in st.findings]
    assert "下发签名核对不通过，未采用" in st.notes
    assert comp.county["consolidated"]["members"] == []


def test_a_report_document_cannot_be_verified(tmp_path):
    doc = valid_document(F21, 2021, seed=4, agency=E01)
    path = tmp_path / "e01.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    st = _status(_compile(tmp_path, [path], E01), "E01")
    assert st.status == "error" and not st.included and "HMAC_UNSIGNED_DOCUMENT" in [f.rule for f in st.findings]
    assert _status(_compile(tmp_path, [path], E01, secret=None), "E01").status == "ok"


def test_compile_output_and_summary_list_the_forged_file(tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _at(hostile.signed_report(inbox, "02-财政局.xlsx", agency=E02, seed=2), 1_700_000_100)
    forged = hostile.identity_code_borrowed(tmp_path)
    os.replace(forged, inbox / forged.name)
    _at(inbox / forged.name, 1_700_000_200)
    key = tmp_path / "county.key"
    key.write_bytes(SECRET)
    roster = tmp_path / "roster.csv"
    roster.write_text("code,name,level\n02,测试县财政局,county\n", encoding="utf-8")
    store = tmp_path / "store"
    assert main(["collect", str(inbox), "--store", str(store), "--secret-file", str(key)]) == 0
    out_dir = tmp_path / "out"
    assert main(["compile", "--store", str(store), "--roster", str(roster), "--year", "2021", "--no-render",
                 "--secret-file", str(key), "-o", str(out_dir)]) == 0
    out = capsys.readouterr().out
    assert "签名核对不通过" in out and "code-borrowed.xlsx" in out
    data = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    assert [r["original_name"] for r in data["rejected"]] == ["code-borrowed.xlsx"]
    (a02,) = data["agencies"]
    assert a02["status"] == "ok" and a02["included"] and any("签名核对不通过" in n for n in a02["notes"])


def test_names_and_levels_are_compared_with_the_roster(tmp_path):
    path = write_template(F21, 2021, {**E02, "name": "测试县 财政局（代）", "level": "province"},
                          tmp_path / "02.xlsx", document=valid_document(F21, 2021, seed=2, agency=E02))
    fine = write_template(F21, 2021, {**E01, "name": "测试县教育局 "}, tmp_path / "01.xlsx",
                          document=valid_document(F21, 2021, seed=1, agency=E01))
    comp = _compile(tmp_path, [path, fine], E01, E02, secret=None)
    findings = {f.rule: f for f in _status(comp, "02").findings}
    name = findings["AGENCY_NAME_MISMATCH"]
    assert name.severity == "warning" and "测试县 财政局（代）" in name.message and "测试县财政局" in name.message
    level = findings["AGENCY_LEVEL_MISMATCH"]
    assert level.severity == "warning" and "省级" in level.message
    assert _status(comp, "02").status == "warning"
    assert not [f for f in _status(comp, "E01").findings if f.rule.startswith("AGENCY_")]


def test_identical_figures_under_two_codes_are_flagged_on_both(tmp_path):
    doc = valid_document(F21, 2021, seed=5, agency=E01)
    one = write_template(F21, 2021, E01, tmp_path / "01.xlsx", document=doc)
    two = write_template(F21, 2021, E02, tmp_path / "02.xlsx", document={**doc, "agency": E02})
    third = {"name": "测试县民政局", "code": "03", "level": "county"}
    other = write_template(F21, 2021, third, tmp_path / "03.xlsx", document=valid_document(F21, 2021, seed=6,
                                                                                          agency=third))
    comp = _compile(tmp_path, [one, two, other], E01, E02, third, secret=None)
    for code, named in (("E01", "测试县财政局"), ("02", "测试县教育局")):
        (dup,) = [f for f in _status(comp, code).findings if f.rule == "FIGURES_DUPLICATE"]
        assert dup.severity == "warning" and named in dup.message
    assert not [f for f in _status(comp, "03").findings if f.rule == "FIGURES_DUPLICATE"]


def test_all_zero_reports_are_not_called_copies():
    from nianbao.county.roster import RosterEntry
    from nianbao.county.trust import duplicate_figures

    a, b = RosterEntry("1", "甲", None, None, None), RosterEntry("2", "乙", None, None, None)
    zeros = (0,) * 50 + (1, 2)
    assert duplicate_figures([(a, "f", zeros), (b, "f", zeros)]) == {}
    some = (0,) * 50 + (1, 2.0, 3)
    assert set(duplicate_figures([(a, "f", some), (b, "f", (0,) * 50 + (1, 2, 3.00))])) == {"1", "2"}
    assert duplicate_figures([(a, "f", some), (b, "g", some)]) == {}  # different formats


def test_previous_store_is_verified_with_the_same_secret(tmp_path):
    f20 = all_formats()["gov-info-disclosure-2019"]
    store = Store(tmp_path / "store2020")
    genuine_doc = valid_document(f20, 2020, seed=7, agency=E01)
    genuine = write_template(f20, 2020, E01, tmp_path / "genuine.xlsx", document=genuine_doc, secret=SECRET)
    store.add(genuine, check_file(genuine))
    forged_doc = valid_document(f20, 2020, seed=8, agency=E01)
    forged = write_template(f20, 2020, E01, tmp_path / "forged.xlsx", document=forged_doc, secret=b"not the key")
    store.add(forged, check_file(forged))  # received later: without the secret it would count
    assert load_previous(store.root, 2020).agencies["E01"].tables() != load_previous(
        store.root, 2020, SECRET).agencies["E01"].tables()
    assert load_previous(store.root, 2020, SECRET).agencies["E01"].tables() == check_file(
        genuine).document["tables"]


def test_collect_with_a_secret_marks_a_report_document_unverifiable(tmp_path, capsys):
    path = tmp_path / "e01.json"
    path.write_text(json.dumps(valid_document(F21, 2021, seed=4, agency=E01), ensure_ascii=False), encoding="utf-8")
    key = tmp_path / "county.key"
    key.write_bytes(SECRET)
    assert main(["collect", str(path), "--store", str(tmp_path / "store"), "--secret-file", str(key)]) == 0
    (receipt,) = Store(tmp_path / "store").receipts()
    assert (receipt.status, receipt.errors) == ("error", 1)


def test_previous_summary_is_signed_and_verified_with_the_same_secret(tmp_path, capsys):
    import shutil

    f20 = all_formats()["gov-info-disclosure-2019"]
    last = tmp_path / "2020"
    last.mkdir()
    write_template(f20, 2020, E01, last / "e01.xlsx", document=valid_document(f20, 2020, seed=7, agency=E01),
                   secret=SECRET)
    key = tmp_path / "county.key"
    key.write_bytes(SECRET)
    roster = tmp_path / "roster.csv"
    roster.write_text("code,name,level\nE01,测试县教育局,county\n", encoding="utf-8")
    out20 = tmp_path / "out2020"
    assert main(["compile", str(last / "e01.xlsx"), "--roster", str(roster), "--year", "2020", "--no-render",
                 "--secret-file", str(key), "-o", str(out20)]) == 0
    for name in ("summary.json", "summary.xlsx"):
        assert (out20 / f"{name}.hmac").is_file()
        assert "E01" in load_previous(out20 / name, 2020, SECRET).agencies
    alone = tmp_path / "alone"  # summary.xlsx without its summary.json
    alone.mkdir()
    for name in ("summary.xlsx", "summary.xlsx.hmac"):
        shutil.copy(out20 / name, alone / name)
    assert "E01" in load_previous(alone / "summary.xlsx", 2020, SECRET).agencies

    from nianbao.county.previous import PreviousError

    with pytest.raises(PreviousError, match="签名核对不通过"):
        load_previous(out20, 2020, b"another secret")
    data = json.loads((out20 / "summary.json").read_text(encoding="utf-8"))
    data["agencies"][0]["document"]["tables"]["requests.carry_forward.natural"] += 5  # edited by hand
    (out20 / "summary.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(PreviousError, match="签名核对不通过"):
        load_previous(out20 / "summary.json", 2020, SECRET)
    (out20 / "summary.json.hmac").unlink()
    with pytest.raises(PreviousError, match="没有签名文件"):
        load_previous(out20 / "summary.json", 2020, SECRET)
    assert load_previous(out20 / "summary.json", 2020).agencies  # without the secret: used as written
    this = write_template(F21, 2021, E01, tmp_path / "e01-2021.xlsx",
                          document=valid_document(F21, 2021, seed=8, agency=E01), secret=SECRET)
    capsys.readouterr()
    assert main(["compile", str(this), "--roster", str(roster), "--year", "2021", "--no-render", "--previous",
                 str(out20 / "summary.json"), "--secret-file", str(key), "-o", str(tmp_path / "out")]) == 2
    assert "没有签名文件" in capsys.readouterr().err
