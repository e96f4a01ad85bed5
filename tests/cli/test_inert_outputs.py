"""Every file nianbao writes for the office holds hostile text as text (issue 19): the template, a
filled template, the annotated copy, the audit workbook, summary.xlsx and the links CSV — read as
Excel reads the XML, and once each in a real LibreOffice, whose shown text must be the text given."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from excel_cells import cells, links
from factory import valid_document
from hostile import LIVE_TEXT
from lo import shown_sheets

from nianbao.cli import main
from nianbao.county.roster import load_roster
from nianbao.format.layout import COVER_SHEET
from nianbao.format.spec import all_formats
from nianbao.inert import csv_field
from nianbao.template.write import write_template

FMT = all_formats()["gov-info-disclosure-2021"]
PINGTAN = Path(__file__).resolve().parents[1] / "published" / "data" / "pingtan-2019.txt"
LIVE = list(LIVE_TEXT.values())
# What a live formula made of one of LIVE would contain; the templates' own formulas hold none of it.
FRAGMENTS = ("HYPERLINK", "evil", "cmd|", "1+1", "2+3", "SUM(1)")


def assert_inert(path, must_show=()) -> dict:
    """No formula made of data, no link out of the workbook; each of must_show in a text cell."""
    got = cells(path)
    live = {ref: c.text for ref, c in got.items() if c.kind == "formula" and any(f in c.text for f in FRAGMENTS)}
    assert live == {}, path.name
    assert [target for target in links(path) if not target.startswith("#")] == [], path.name
    texts = [c.text for c in got.values() if c.kind == "text"]
    for text in must_show:
        assert any(text in t for t in texts), (path.name, text)
    return got


def _agency(name: str, code: str = "X1") -> dict:
    return {"name": name, "code": code, "level": "county"}


@pytest.mark.parametrize("key", sorted(LIVE_TEXT))
def test_template_blank_and_filled_hold_the_agency_name_as_text(tmp_path, key):
    name = LIVE_TEXT[key]
    blank = write_template(FMT, 2021, _agency(name), tmp_path / "blank.xlsx")  # stamped into the base
    doc = valid_document(FMT, 2021, agency=_agency(name))
    filled = write_template(FMT, 2021, _agency(name), tmp_path / "filled.xlsx", document=doc)  # written directly
    for path in (blank, filled):
        got = assert_inert(path, [name])
        assert got[COVER_SHEET, "C3"] == ("text", name)  # 填报单位


def test_fill_writes_a_documents_words_as_text(tmp_path, capsys):
    import json

    doc = valid_document(FMT, 2021, agency=_agency("测试县测试局"))
    texts = iter(LIVE * 2)
    doc["contact"] = {k: next(texts) for k in doc["contact"]}
    doc["sections"] = {k: next(texts) for k in doc["sections"]}
    doc["date"] = next(texts)
    src = tmp_path / "doc.json"
    src.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert main(["fill", str(src), "-o", str(tmp_path / "f.xlsx")]) == 0
    got = assert_inert(tmp_path / "f.xlsx", [*doc["contact"].values(), *doc["sections"].values(), doc["date"]])
    assert ("text", doc["sections"]["overview"]) in got.values()


def _annotated(tmp_path, name: str):
    """A broken report of agency `name` (not signed by any issuer), with an extra sheet named "=1+1",
    through check --annotate."""
    doc = valid_document(FMT, 2021, agency=_agency(name))
    doc["tables"]["requests.carry_forward.natural"] += 1  # breaks T3-1
    (tmp_path / "in").mkdir(parents=True)
    src = write_template(FMT, 2021, _agency(name), tmp_path / "in" / "bad.xlsx", document=doc)
    book = openpyxl.load_workbook(src)
    book.create_sheet("=1+1")["A1"] = "留言"
    book.save(src)
    assert main(["check", str(src), "--annotate", str(tmp_path / "out")]) == 1
    return tmp_path / "out" / "bad-批注.xlsx"


# Names with control characters or _xHHHH_ are left out here: check reads them from the workbook
# still escaped (the reader's decoding is issue 19's appearance work); the copy holds what was read.
@pytest.mark.parametrize("key", ["hyperlink", "formula", "dde", "minus", "at", "array", "error_value", "bidi"])
def test_annotated_copy_holds_names_and_messages_as_text(tmp_path, capsys, key):
    name = LIVE_TEXT[key]
    copy = _annotated(tmp_path, name)
    got = assert_inert(copy, [name, "=1+1"])
    assert got["问题清单", "A1"].kind == "text"
    assert got["问题清单", "A1"].text.startswith(name)  # the title: the agency's name first
    sheets = [c.text for (sheet, ref), c in got.items() if sheet == "问题清单" and ref.startswith("C")]
    assert "=1+1" in sheets  # the extra sheet's name in the 工作表 column, as text
    assert got[COVER_SHEET, "C3"] == ("text", name)  # the department's own cells stay as they were


def _published_with_title(tmp_path, title_prefix: str, file_name: str):
    text = PINGTAN.read_text(encoding="utf-8")
    text = text.replace("标题: 平潭综合实验区2019", f"标题: {title_prefix}平潭综合实验区2019", 1)
    text = text.replace("平潭综合实验区2019年政府信息公开工作年度报告 根据",
                        f"{title_prefix}平潭综合实验区2019年政府信息公开工作年度报告 根据", 1)
    path = tmp_path / file_name
    path.write_text(text, encoding="utf-8")
    return path


def test_audit_workbook_holds_titles_and_file_names_as_text(tmp_path, capsys):
    hyperlink = LIVE_TEXT["hyperlink"]
    reports = [_published_with_title(tmp_path, hyperlink, "=1+1.txt"),
               _published_with_title(tmp_path, "@SUM(1)", "-2+3.txt")]
    out = tmp_path / "audit.xlsx"
    main(["audit", *map(str, reports), "-o", str(out)])
    got = assert_inert(out, [hyperlink, "=1+1.txt", "-2+3.txt", "@SUM(1)"])
    agencies = {c.text for (sheet, ref), c in got.items() if sheet == "报告" and ref.startswith("B")}
    assert f"{hyperlink}平潭综合实验区" in agencies
    names = {c.text for (sheet, ref), c in got.items() if sheet == "问题" and ref.startswith("A")}
    assert {"=1+1.txt", "-2+3.txt"} <= names


def _hostile_county(tmp_path):
    """An inbox of workbooks named and signed with hostile names, a roster that lists some of them."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    rows = ["code,name,level"]
    for i, key in enumerate(["hyperlink", "formula", "dde", "minus", "at"], 1):
        name = LIVE_TEXT[key]
        agency = _agency(name, f"A{i}")
        file_name = name.replace("/", "_") + ".xlsx"
        write_template(FMT, 2021, agency, inbox / file_name, document=valid_document(FMT, 2021, seed=i, agency=agency))
        if i <= 3:
            rows.append(f'A{i},"{name.replace(chr(34), chr(34) * 2)}",county')
    rows.append('B9,"=HYPERLINK(""http://evil.example/r"",""名单"")",county')  # on the roster, never reported
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return inbox, roster


def test_summary_workbook_holds_roster_workbook_and_file_names_as_text(tmp_path, capsys):
    inbox, roster = _hostile_county(tmp_path)
    out = tmp_path / "out"
    main(["compile", str(inbox), "--roster", str(roster), "--year", "2021", "-o", str(out), "--no-render",
          "--name", "=1+1县", "--code", "999"])
    names = [e.name for e in load_roster(roster)]
    file_names = [p.name for p in inbox.iterdir()]
    assert_inert(out / "summary.xlsx", [*names, *file_names, LIVE_TEXT["at"], "=1+1县"])


def test_links_csv_protects_formula_like_names(tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("code,name,level\n" + "".join(
        f'C{i},"{t.strip().replace(chr(34), chr(34) * 2)}",county\n' for i, t in enumerate(LIVE)), encoding="utf-8")
    out = tmp_path / "links.csv"
    assert main(["links", "--store", str(tmp_path / "store"), "--roster", str(roster), "--year", "2021",
                 "--base-url", "https://nb.example.gov.cn", "-o", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    for row, entry in zip(rows, load_roster(roster), strict=True):
        assert row["name"] == csv_field(entry.name)
        assert not row["name"].startswith(("=", "+", "-", "@"))


@pytest.mark.libreoffice
def test_libreoffice_shows_every_hostile_text_as_written(tmp_path, capsys):
    """What LibreOffice shows (its CSV export "as shown"): a live formula would show its result —
    "点我", 2, Err:509 — instead of the text."""
    template = write_template(FMT, 2021, _agency(LIVE_TEXT["hyperlink"]), tmp_path / "template.xlsx")
    shown = shown_sheets(template, tmp_path / "lo-template")
    assert shown[COVER_SHEET][2][2] == LIVE_TEXT["hyperlink"]

    annotated = _annotated(tmp_path / "a", LIVE_TEXT["formula"])
    shown = shown_sheets(annotated, tmp_path / "lo-annotated")
    assert shown["问题清单"][0][0].startswith("=1+1")
    assert ["=1+1"] == [row[2] for row in shown["问题清单"][3:] if row[2] == "=1+1"]

    reports = [_published_with_title(tmp_path, LIVE_TEXT["hyperlink"], "=1+1.txt")]
    main(["audit", *map(str, reports), "-o", str(tmp_path / "audit.xlsx")])
    shown = shown_sheets(tmp_path / "audit.xlsx", tmp_path / "lo-audit")
    assert shown["报告"][1][1] == f"{LIVE_TEXT['hyperlink']}平潭综合实验区"
    assert {row[0] for row in shown["问题"][1:]} == {"=1+1.txt"}

    (tmp_path / "c").mkdir()
    inbox, roster = _hostile_county(tmp_path / "c")
    main(["compile", str(inbox), "--roster", str(roster), "--year", "2021", "-o", str(tmp_path / "out"),
          "--no-render"])
    shown = shown_sheets(tmp_path / "out" / "summary.xlsx", tmp_path / "lo-summary")
    status = {row[1]: row[2] for row in shown["报送情况"][4:] if len(row) > 2 and row[1]}
    for entry in load_roster(roster):
        assert status[entry.code] == entry.name
    everything = {cell for sheet in shown.values() for row in sheet for cell in row}
    assert {p.name for p in inbox.iterdir()} <= everything
    assert not {"点我", "名单", "Err:509", "#NAME?"} & everything

    links_roster = tmp_path / "links-roster.csv"
    links_roster.write_text("code,name,level\n" + "".join(
        f'C{i},"{t.strip().replace(chr(34), chr(34) * 2)}",county\n' for i, t in enumerate(LIVE)), encoding="utf-8")
    main(["links", "--store", str(tmp_path / "store"), "--roster", str(links_roster), "--year", "2021",
          "--base-url", "https://nb.example.gov.cn", "-o", str(tmp_path / "links.csv")])
    shown = next(iter(shown_sheets(tmp_path / "links.csv", tmp_path / "lo-links").values()))
    assert [row[1] for row in shown[1:]] == [csv_field(e.name) for e in load_roster(links_roster)]
