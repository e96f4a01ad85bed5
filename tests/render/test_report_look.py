"""The report looks like a published one (compared with the 淮安市人民政府 2024 PDF): a two-line bold
title (unit / year + 政府信息公开工作年度报告), an opening paragraph with the statistical period and the
public contact line (--contact), the unit and date at the end, and no punctuation mark lost at a line
end when LibreOffice prints it."""

from __future__ import annotations

import copy
import random
import re
import subprocess

import docx
import lxml.html
import pytest
from docx.shared import Pt
from lo import convert_all
from test_render import AGENCY, DOCS

from nianbao.cli import main
from nianbao.render import Contact, ContactError, parse_contact, render_document
from nianbao.render.report_text import text_width_em, title_parts, wrap_title

NAME = "gov-info-disclosure-2021"
CONTACT = Contact(office="萝北县教育局办公室", address="萝北县凤翔镇政通路1号", postcode="154200",
                  phone="0468-0000107", email="jyj@luobei.example")
CONTACT_LINE = ("如对本报告有疑问，请与萝北县教育局办公室联系（地址：萝北县凤翔镇政通路1号，邮编：154200，"
                "电话：0468-0000107，电子邮箱：jyj@luobei.example）。")
PERIOD = "本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。"


def _render(tmp_path, to: str, doc: dict | None = None, **options):
    fmt, base = DOCS[NAME]
    return render_document(doc or base, fmt, to, tmp_path / f"r.{to}", **options)


def _body(path) -> list:
    """The body's paragraphs in order (python-docx), tables left out."""
    return docx.Document(path).paragraphs


# ---------------------------------------------------------------- docx


def test_title_is_two_bold_centred_paragraphs_unit_then_year(tmp_path):
    paras = _body(_render(tmp_path, "docx", contact=CONTACT))
    title = [p for p in paras if p.style.name == "Title"]
    assert [p.text for p in title] == [AGENCY["name"], "2021年政府信息公开工作年度报告"]
    assert [p.text for p in paras[:2]] == [p.text for p in title]  # it opens the report
    for para in title:
        assert para.runs
        assert all(run.bold for run in para.runs)
        assert para.style.font.bold
        assert para.style.paragraph_format.alignment.name == "CENTER"
        assert para.style.font.size == Pt(22)  # 二号
    assert title[0].paragraph_format.keep_with_next  # the unit never stands alone at a page foot
    assert title[-1].paragraph_format.space_after > 0  # one blank line before the text


def test_opening_paragraph_has_the_period_and_the_contact_line(tmp_path):
    paras = _body(_render(tmp_path, "docx", contact=CONTACT))
    opening = paras[2].text
    assert opening.startswith("本报告根据《中华人民共和国政府信息公开条例》")
    assert PERIOD in opening
    assert opening.endswith(CONTACT_LINE)
    assert opening.index(PERIOD) < opening.index(CONTACT_LINE)


def test_without_a_contact_the_opening_has_no_contact_line(tmp_path):
    opening = _body(_render(tmp_path, "docx"))[2].text
    assert PERIOD in opening
    assert "联系" not in opening
    assert opening.endswith("止。")


def test_contact_office_defaults_to_the_unit_and_only_given_fields_print():
    line = Contact(phone="0468-0000107").sentence("萝北县教育局")
    assert line == "如对本报告有疑问，请与萝北县教育局联系（电话：0468-0000107）。"


def test_signature_closes_the_report_unit_over_date(tmp_path):
    fmt, doc = DOCS[NAME]
    paras = _body(_render(tmp_path, "docx"))
    assert [p.style.name for p in paras[-2:]] == ["落款", "落款"]
    assert [p.text for p in paras[-2:]] == [AGENCY["name"], doc["date"]]
    assert paras[-2].paragraph_format.keep_with_next  # name and date stay together


def test_county_report_signature_comes_before_the_member_list(tmp_path):
    fmt, base = DOCS[NAME]
    county = copy.deepcopy(base)
    county["agency"] = {"name": "萝北县人民政府", "code": "230421", "level": "county"}
    county["consolidated"] = {"members": [{"code": "230421-01", "name": "萝北县人民政府办公室"}]}
    paras = _body(render_document(county, fmt, "docx", tmp_path / "c.docx", contact=CONTACT))
    texts = [p.text for p in paras]
    assert texts[:2] == ["萝北县人民政府", "2021年政府信息公开工作年度报告"]
    appendix = texts.index("附件：汇总单位名单")
    assert texts[appendix - 2:appendix] == ["萝北县人民政府", county["date"]]
    assert [p.style.name for p in paras[appendix - 2:appendix]] == ["落款", "落款"]


def test_a_long_unit_name_wraps_at_a_unit_boundary_and_each_line_fits(tmp_path):
    fmt, base = DOCS[NAME]
    doc = copy.deepcopy(base)
    doc["agency"]["name"] = "中共黑龙江省鹤岗市萝北县委员会机构编制委员会办公室"
    title = [p.text for p in _body(render_document(doc, fmt, "docx", tmp_path / "l.docx")) if p.style.name == "Title"]
    assert title == ["中共黑龙江省鹤岗市萝北县委员会", "机构编制委员会办公室", "2021年政府信息公开工作年度报告"]


@pytest.mark.parametrize(("line", "expected"), [
    ("萝北县人民政府", ["萝北县人民政府"]),
    ("黑龙江省鹤岗市萝北县市场监督管理局综合行政执法大队",
     ["黑龙江省鹤岗市萝北县", "市场监督管理局综合行政执法大队"]),
    ("国家税务总局黑龙江省鹤岗市萝北县税务局第一税务分局办公室",
     ["国家税务总局黑龙江省鹤岗市", "萝北县税务局第一税务分局办公室"]),
    ("萝北县人民政府办公室关于2021年度政府信息公开工作年度报告的说明",
     ["萝北县人民政府办公室关于2021年度", "政府信息公开工作年度报告的说明"]),
])
def test_wrap_title_keeps_words_whole(line, expected):
    assert wrap_title(line, 20) == expected


def test_wrap_title_never_overflows_and_never_loses_a_character():
    rng = random.Random(7)
    pool = "萝北县人民政府办公室市场监督管理局委员会街道乡镇ABC123"
    for _ in range(300):
        line = "".join(rng.choice(pool) for _ in range(rng.randint(1, 70)))
        lines = wrap_title(line, 20)
        assert "".join(lines) == line
        assert all(text_width_em(part) <= 20 for part in lines) or len(line) == 1


def test_title_parts_split_only_a_title_that_begins_with_the_unit():
    assert title_parts("萝北县2021年政府信息公开工作年度报告", "萝北县") == ("萝北县", "2021年政府信息公开工作年度报告")
    assert title_parts("2021年度萝北县信息公开年报", "萝北县") == ("2021年度萝北县信息公开年报",)  # --title-template
    assert title_parts("萝北县", "萝北县") == ("萝北县",)


# ---------------------------------------------------------------- html and md


def test_html_title_two_lines_and_opening_contact(tmp_path):
    page = lxml.html.parse(str(_render(tmp_path, "html", contact=CONTACT))).getroot()
    h1 = page.find(".//h1")
    assert [t.strip() for t in h1.itertext()] == [AGENCY["name"], "2021年政府信息公开工作年度报告"]
    assert len(h1.findall("br")) == 1
    first = page.find(".//main/p").text_content()
    assert PERIOD in first
    assert first.endswith(CONTACT_LINE)
    assert [p.text_content() for p in page.findall(".//p[@class]") if "sign" in p.get("class")] == \
        [AGENCY["name"], DOCS[NAME][1]["date"]]


def test_markdown_opening_contact_and_signature(tmp_path):
    text = _render(tmp_path, "md", contact=CONTACT).read_text(encoding="utf-8")
    assert text.startswith(f"# {AGENCY['name']}2021年政府信息公开工作年度报告\n")
    assert PERIOD in text
    assert CONTACT_LINE.replace("_", "\\_") in text
    assert text.rstrip().endswith(DOCS[NAME][1]["date"])


# ---------------------------------------------------------------- --contact


@pytest.mark.parametrize("items", [
    ["地址=萝北县凤翔镇政通路1号", "邮编=154200", "电话=0468-0000107", "邮箱=jyj@luobei.example",
     "单位=萝北县教育局办公室"],
    ["address=萝北县凤翔镇政通路1号", "postcode=154200", "phone=0468-0000107", "e-mail=jyj@luobei.example",
     "office=萝北县教育局办公室"],
    ["联系地址：萝北县凤翔镇政通路1号", "邮政编码＝154200", "联系电话: 0468-0000107 ", "电子邮箱=jyj@luobei.example",
     "联系单位=萝北县教育局办公室"],
])
def test_parse_contact_in_chinese_or_english(items):
    assert parse_contact(items) == CONTACT


@pytest.mark.parametrize(("items", "said"), [
    (["传真=0468-0000107"], "不认识“传真”"),
    (["0468-0000107"], "请写成“键=值”"),
    (["电话=0468-0000107", "phone=0468-0000108"], "“电话”给了两次"),
    (["邮编=15420"], "6 位数字"),
    (["电话=请拨打办公室"], "不像电话号码"),
    (["电话=12345"], "不像电话号码"),
    (["邮箱=jyj.luobei.example"], "不像电子邮箱"),
    (["邮箱=jyj@luobei"], "不像电子邮箱"),
    (["地址="], "后面没有内容"),
    (["地址=" + "长" * 101], "过长"),
    (["单位=萝北县教育局办公室"], "至少要给出地址、电话或电子邮箱"),
])
def test_parse_contact_refuses_mistakes_in_chinese(items, said):
    with pytest.raises(ContactError, match=re.escape(said)):
        parse_contact(items)


def test_cli_render_contact(tmp_path, capsys):
    import json

    fmt, doc = DOCS[NAME]
    source = tmp_path / "r.json"
    source.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.docx"
    assert main(["render", str(source), "-o", str(out), "--contact", "单位=萝北县教育局办公室",
                 "--contact", "地址=萝北县凤翔镇政通路1号", "--contact", "邮编=154200", "--contact",
                 "电话=0468-0000107", "--contact", "邮箱=jyj@luobei.example"]) == 0
    assert "提示" not in capsys.readouterr().out
    assert _body(out)[2].text.endswith(CONTACT_LINE)
    assert main(["render", str(source), "-o", str(tmp_path / "plain.md")]) == 0
    assert "--contact" in capsys.readouterr().out  # says how to add the contact line
    assert main(["render", str(source), "-o", str(tmp_path / "bad.md"), "--contact", "邮编=1542"]) == 2
    assert "邮编“1542”应为 6 位数字" in capsys.readouterr().err
    assert not (tmp_path / "bad.md").exists()


# ---------------------------------------------------------------- LibreOffice


def _punctuated(seed: int, paragraphs: int) -> list[str]:
    """Text with a mark every few characters, so that many fall just after a full 28-character line."""
    rng = random.Random(seed)
    words = "政府信息公开工作年度报告本县各部门乡镇全年新收申请办理结果予以部分不主动行政复议诉讼"
    marks = "，。；：、（）《》“”！？"
    return ["".join(rng.choice(marks) if rng.random() < 0.15 else rng.choice(words)
                    for _ in range(rng.randint(60, 200))) for _ in range(paragraphs)]


def _page_text(pdf) -> str:
    """The PDF's text without page numbers (— 3 —) and white space, page after page."""
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line for line in raw.splitlines() if not re.fullmatch(r"\s*—\s*\d+\s*—\s*", line)]
    return re.sub(r"\s+", "", "".join(lines))


@pytest.mark.libreoffice
def test_libreoffice_prints_every_punctuation_mark_at_line_ends(tmp_path):
    """LibreOffice 7.4 dropped a mark that hung after a full justified line (the ；after 改进情况 in the
    demo's opening): the report's own text, every mark of it, must be in the PDF in order."""
    fmt, base = DOCS[NAME]
    doc = copy.deepcopy(base)
    texts = _punctuated(1, 45)
    doc["sections"] = {"overview": "\n".join(texts[:15]), "problems": "\n".join(texts[15:30]),
                       "other": "\n".join(texts[30:])}
    path = render_document(doc, fmt, "docx", tmp_path / "p.docx", contact=CONTACT)
    (pdf,) = convert_all([path], tmp_path / "pdf", to="pdf")
    printed = _page_text(pdf)
    lost = [p.text[:40] for p in docx.Document(path).paragraphs if re.sub(r"\s+", "", p.text) not in printed]
    assert not lost, f"{len(lost)} paragraphs miss a character in the PDF, e.g. {lost[:3]}"
    marks = sum(printed.count(m) for m in "，。；：、！？")
    assert marks >= sum(t.count(m) for t in texts for m in "，。；：、！？")
