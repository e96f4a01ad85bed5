"""`template --previous`: last year's figures stamped into each agency's template (signed with the issuer
MAC), 上年结转 pre-filled from last year's 结转下年度, the 校验 sheet checking them live (in LibreOffice),
and check catching a changed 上年结转 at upload without last year's files."""

from __future__ import annotations

import json

import openpyxl
import pytest
from factory import valid_document
from hostile import rezip
from lo import convert_all

from nianbao.check.run import check_file
from nianbao.cli import main
from nianbao.format.carried import carried_from, decode_previous, encode_previous, prefilled, previous_keys
from nianbao.format.document import compute_derived
from nianbao.format.layout import CHECK_SHEET, layout
from nianbao.format.spec import all_formats
from nianbao.intake.read import read_workbook
from nianbao.template.checks import RESULT_COL
from nianbao.template.write import write_template

F19, F21 = (all_formats()[f"gov-info-disclosure-{y}"] for y in (2019, 2021))
AGENCY = {"name": "萝北县测试局", "code": "P-01", "level": "county"}
SECRET = b"issuer-secret"
COLUMNS = ("natural", "commercial", "research", "nonprofit", "legal", "other_org")


def _last_year(carry: dict[str, int]) -> dict:
    """A 2020 report (the 2019 format) whose 结转下年度继续办理 is `carry` by column."""
    doc = valid_document(F19, 2020, seed=4, agency=AGENCY)
    for c in COLUMNS:  # received more, still to be handled: T3-1 holds
        doc["tables"][f"requests.received.{c}"] += carry.get(c, 0) - doc["tables"][f"requests.carry_forward.{c}"]
        doc["tables"][f"requests.carry_forward.{c}"] = carry.get(c, 0)
    doc["tables"] = compute_derived(F19, {k: doc["tables"][k] for k in F19.input_keys()})
    return doc


LAST = _last_year({"natural": 3, "legal": 1})


def test_what_a_template_carries_is_read_back_exactly():
    carried = carried_from(F21, LAST)
    text = encode_previous(F21, carried)
    assert text.startswith("2020|gov-info-disclosure-2019|nianbao|") and len(text) < 255  # a string constant
    assert decode_previous(F21, text) == carried
    assert carried.tables["requests.carry_forward.total"] == 4
    assert "proactive.rules.in_force" in previous_keys(F21) and "proactive.rules.in_force" not in carried.tables
    assert prefilled(F21, carried) == {f"requests.carried_over.{c}": {"natural": 3, "legal": 1}.get(c, 0)
                                       for c in COLUMNS}  # inputs only: the 总计 column is a formula
    for bad in ("", "2020|x|nianbao|1,2", "二〇二〇|x|nianbao|" + ",".join("1" * 9), "2020|x|forged|" + "," * 8,
                "2020|x|nianbao|" + ",".join(["NaN"] * 9), "2020|x|nianbao|" + ",".join(["1e999"] * 9),
                "2020|x|nianbao|" + ",".join(["9" * 400] * 9)):
        assert decode_previous(F21, bad) is None, bad


def test_the_template_is_prefilled_and_checks_a_changed_carry_over_without_last_years_files(tmp_path):
    carried = carried_from(F21, LAST)
    blank = write_template(F21, 2021, AGENCY, tmp_path / "blank.xlsx", carried=carried, secret=SECRET)
    read = read_workbook(blank, secret=SECRET)
    assert read.carried == carried and not [f for f in read.findings if f.rule.startswith("HMAC")]
    assert read.document["tables"]["requests.carried_over.natural"] == 3
    assert read.document["tables"]["requests.carried_over.total"] == 4

    doc = valid_document(F21, 2021, seed=2, agency=AGENCY)
    doc["tables"] |= prefilled(F21, carried)
    doc["tables"]["requests.carry_forward.natural"] += 3  # keep T3-1 in balance
    doc["tables"]["requests.carry_forward.legal"] += 1
    doc["tables"] = compute_derived(F21, {k: doc["tables"][k] for k in F21.input_keys()})
    same = write_template(F21, 2021, AGENCY, tmp_path / "same.xlsx", document=doc, carried=carried)
    assert [f.rule for f in check_file(same).findings if f.rule == "T3-4"] == []

    doc["tables"]["requests.carried_over.natural"] = 2  # the clerk typed over last year's figure
    doc["tables"]["requests.carry_forward.natural"] -= 1
    doc["tables"] = compute_derived(F21, {k: doc["tables"][k] for k in F21.input_keys()})
    changed = write_template(F21, 2021, AGENCY, tmp_path / "changed.xlsx", document=doc, carried=carried)
    result = check_file(changed)
    found = {(f.rule, f.column_label, f.severity) for f in result.findings if f.rule == "T3-4"}
    assert found == {("T3-4", "自然人", "error"), ("T3-4", "总计", "error")}
    assert [f for f in check_file(changed, carried=False).findings if f.rule == "T3-4"] == []
    explicit = {f.column_label for f in check_file(changed, previous=_last_year({"natural": 2})).findings
                if f.rule == "T3-4"}
    assert explicit == {"法律服务机构", "总计"}  # --previous wins over what the template carries

    published = carried_from(F21, LAST, source="published")  # from a published report: a warning (T3-4)
    from_web = write_template(F21, 2021, AGENCY, tmp_path / "published.xlsx", document=doc, carried=published)
    assert {f.severity for f in check_file(from_web).findings if f.rule == "T3-4"} == {"warning"}


def test_the_issuer_mac_signs_last_years_figures(tmp_path):
    carried = carried_from(F21, LAST)
    path = write_template(F21, 2021, AGENCY, tmp_path / "signed.xlsx", carried=carried, secret=SECRET)
    honest = encode_previous(F21, carried)
    forged = honest.replace("nianbao|,,3,", "nianbao|,,2,")
    assert forged != honest

    def edit(name: str, data: bytes) -> bytes:
        return data.replace(honest.encode(), forged.encode())

    tampered = rezip(path, tmp_path / "tampered.xlsx", edit=edit)
    result = check_file(tampered, secret=SECRET)
    assert "HMAC_MISMATCH" in {f.rule for f in result.findings}
    unsigned = rezip(write_template(F21, 2021, AGENCY, tmp_path / "plain.xlsx", carried=carried),
                     tmp_path / "plain-edited.xlsx", edit=edit)
    assert read_workbook(unsigned).carried.tables["requests.carry_forward.natural"] == 2  # no secret: no proof


def test_cli_writes_last_years_figures_from_a_store_into_every_roster_template(tmp_path, capsys):
    store = tmp_path / "store-2020"
    last = tmp_path / "2020"
    last.mkdir()
    roster = tmp_path / "roster.csv"
    roster.write_text("code,name,level\nP-01,萝北县测试局,county\nP-02,萝北县新设局,county\n", encoding="utf-8")
    write_template(F19, 2020, AGENCY, last / "P-01.xlsx", document=LAST)
    assert main(["collect", str(last), "--store", str(store)]) in (0, 1)
    capsys.readouterr()
    out = tmp_path / "templates"
    assert main(["template", "--roster", str(roster), "--year", "2021", "--previous", str(store), "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert "1 个单位的模板已写入上一年度的数字" in said and "没有找到 萝北县新设局（P-02）" in said
    p1, p2 = sorted(out.glob("*.xlsx"))
    assert read_workbook(p1).carried == carried_from(F21, LAST) and read_workbook(p2).carried is None
    assert main(["template", "--agency", "萝北县测试局", "--code", "P-01", "--year", "2021", "--previous",
                 str(tmp_path / "none"), "-o", str(tmp_path / "one.xlsx")]) == 2
    assert "不存在" in capsys.readouterr().err


@pytest.mark.libreoffice
def test_libreoffice_checks_the_typed_carry_over_against_last_years_figure(tmp_path):
    carried = carried_from(F21, LAST)
    blank = write_template(F21, 2021, AGENCY, tmp_path / "blank.xlsx", carried=carried)
    lay = layout(F21)
    book = openpyxl.load_workbook(blank)
    for key in F21.input_keys():  # a clerk fills every cell with 0 but the pre-filled ones …
        pos = lay.cells[key]
        if book[pos.sheet][pos.ref].value is None:
            book[pos.sheet][pos.ref].value = 0
    natural, legal = lay.cells["requests.carried_over.natural"], lay.cells["requests.carried_over.legal"]
    assert (book[natural.sheet][natural.ref].value, book[legal.sheet][legal.ref].value) == (3, 1)  # pre-filled
    for key, value in (("natural", 3), ("legal", 1)):  # still to be handled next year: T3-1 holds
        pos = lay.cells[f"requests.carry_forward.{key}"]
        book[pos.sheet][pos.ref].value = value
    kept = tmp_path / "kept.xlsx"
    book.save(kept)
    book[natural.sheet][natural.ref].value = 5  # … and one types over last year's figure
    forward = lay.cells["requests.carry_forward.natural"]
    book[forward.sheet][forward.ref].value = 5
    changed = tmp_path / "changed.xlsx"
    book.save(changed)
    for path, want in zip(convert_all([kept, changed], tmp_path / "lo"), ("✓", "✗"), strict=True):
        sheet = openpyxl.load_workbook(path, data_only=True)[CHECK_SHEET]
        rows = [r for r in sheet.iter_rows(min_row=4) if r[1].value == "T3-4"]
        assert len(rows) == 7  # one per column, below the in-table checks
        by_column = {r[3].value.split("”")[0].lstrip("“"): r[RESULT_COL].value for r in rows}
        assert by_column["自然人"] == want and by_column["总计"] == want and by_column["商业企业"] == "✓"
        assert sheet["E1"].value.startswith("✗" if want == "✗" else "✓"), sheet["E1"].value


def test_compile_uses_what_templates_carry_only_without_its_own_previous(tmp_path, capsys):
    carried = carried_from(F21, LAST)
    doc = valid_document(F21, 2021, seed=2, agency=AGENCY)
    doc["tables"] = compute_derived(F21, {k: doc["tables"][k] for k in F21.input_keys()})  # 上年结转 not 3/1
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_template(F21, 2021, AGENCY, inbox / "P-01.xlsx", document=doc, carried=carried)
    roster = tmp_path / "roster.csv"
    roster.write_text("code,name,level\nP-01,萝北县测试局,county\n", encoding="utf-8")
    last = tmp_path / "2020.json"
    last.write_text(json.dumps({"report": {**LAST, "consolidated": {"members": []}},
                                "agencies": [{"code": "P-01", "document": LAST}]}, ensure_ascii=False),
                    encoding="utf-8")

    def t34(*extra) -> list:
        main(["compile", str(inbox), "--roster", str(roster), "--year", "2021", "--no-render",
              "-o", str(tmp_path / "out"), *extra])
        capsys.readouterr()
        summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
        return [f["column_label"] for f in summary["findings"] if f["rule"] == "T3-4" and f["agency_code"] == "P-01"]

    alone = t34()
    assert alone and len(alone) == len(set(alone))  # what the template carries: checked
    assert sorted(t34("--previous", str(last))) == sorted(alone)  # its own --previous: once, not twice
