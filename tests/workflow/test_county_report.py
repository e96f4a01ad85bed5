"""The county report as compile writes it: the name given, the office's own narrative, a date —
or, where any of it is missing, a draft marked on every page and a clerk told what to add."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import docx
import pytest
from factory import valid_document

from nianbao import clock
from nianbao.cli import main
from nianbao.format.document import compute_derived
from nianbao.format.spec import all_formats
from nianbao.render.report_text import CONTRADICTION_MARK, INCOMPLETE_MARK
from nianbao.template.write import write_template
from nianbao.workflow.narrative import NarrativeError, chinese_date, read_narrative, split_sections

FMT = all_formats()["gov-info-disclosure-2021"]
LUOBEI = Path(__file__).resolve().parent / "data" / "luobei-2020-report.txt"  # the real report, as published
OVERVIEW = ("2021年，县政府办公室组织全县各部门规范编制年度报告。\n"
            "一、加强组织领导\n"  # a sub-heading inside 总体情况: text, not section 一 again
            "全年组织政务公开业务培训3次。")
PROBLEMS = "一是政策解读形式单一。\n二是依申请公开办理衔接不畅。"
OTHER = "本年度未收取信息处理费。"
PLACEHOLDERS = ("请汇总单位补充", "待补充", "（汇总）")


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    units = [("A0", "测试县人民政府办公室"), ("A1", "测试县第1局"), ("A2", "测试县第2局")]
    for i, (code, name) in enumerate(units):
        agency = {"name": name, "code": code, "level": "county"}
        doc = valid_document(FMT, 2021, seed=i + 1, agency=agency)
        if code == "A0":
            doc["sections"] = {"overview": OVERVIEW, "problems": PROBLEMS, "other": OTHER}
            doc["date"] = "2022年1月18日"
        write_template(FMT, 2021, agency, folder / f"{code}.xlsx", document=doc)
    roster = tmp_path / "roster.csv"
    roster.write_text("code,name,level\n" + "".join(f"{c},{n},county\n" for c, n in units), encoding="utf-8")
    return folder, roster


def _compile(tmp_path, inbox, *extra: str) -> tuple[int, str]:
    folder, roster = inbox
    return main(["compile", str(folder), "--roster", str(roster), "--year", "2021", "-o", str(tmp_path / "out"),
                 "--code", "999", *extra])


def _texts(tmp_path) -> dict[str, str]:
    out = tmp_path / "out"
    word = docx.Document(next(out.glob("*.docx")))
    body = "\n".join(p.text.replace("\n", "") for p in word.paragraphs)  # the title breaks its line
    header = "".join(p.text for p in word.sections[0].header.paragraphs)
    return {"docx": body, "header": header, "md": next(out.glob("*.md")).read_text(encoding="utf-8"),
            "html": next(out.glob("*.html")).read_text(encoding="utf-8"), "name": next(out.glob("*.docx")).name}


def test_narrative_from_the_offices_own_report_makes_a_publishable_report(tmp_path, inbox, capsys):
    assert _compile(tmp_path, inbox, "--name", "测试县人民政府", "--narrative-from", "A0") == 0
    said = capsys.readouterr().out
    assert "取自测试县人民政府办公室（A0）报送的年报" in said and "可以发布" in said
    got = _texts(tmp_path)
    assert got["name"] == "测试县人民政府2021年政府信息公开工作年度报告.docx"
    for form in ("docx", "md", "html"):
        for placeholder in PLACEHOLDERS:
            assert placeholder not in got[form], (form, placeholder)
        assert INCOMPLETE_MARK not in got[form] and "草稿" not in got[form]
    assert got["header"] == ""
    lines = got["docx"].splitlines()
    assert lines[:2] == ["测试县人民政府", "2021年政府信息公开工作年度报告"]  # the title: unit, then year
    for text in (OVERVIEW, PROBLEMS, OTHER):
        for line in text.splitlines():
            assert line in lines
    at = lines.index("一、总体情况")
    assert lines[at + 1:at + 4] == OVERVIEW.splitlines()  # the sub-heading stayed inside 一
    assert lines.index("五、存在的主要问题及改进情况") < lines.index(PROBLEMS.splitlines()[0])
    appendix = lines.index("附件：汇总单位名单")
    assert lines[appendix - 2:appendix] == ["测试县人民政府", "2022年1月18日"]  # the signature, then the member list
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["report"]["sections"]["other"] == OTHER  # `nianbao render summary.json` says the same


def test_the_offices_own_figures_under_county_tables_keep_the_report_a_draft(tmp_path, inbox, capsys):
    """The office's report says its own 7 applications; the county tables say the county's. compile
    names the sentence and the figures, marks the report a draft, writes a suggestion with the drafted
    sentence in its place — and that suggestion, passed back as --narrative, is publishable."""
    folder, _ = inbox
    office = valid_document(FMT, 2021, seed=1, agency={"name": "测试县人民政府办公室", "code": "A0", "level": "county"})
    own = compute_derived(FMT, office["tables"])
    said_by_office = f"全年新收政府信息公开申请{own['requests.received.total']}件。"
    office["sections"] = {"overview": OVERVIEW + "\n" + said_by_office, "problems": PROBLEMS, "other": OTHER}
    write_template(FMT, 2021, office["agency"], folder / "A0.xlsx", document=office)
    assert main(["check", str(folder / "A0.xlsx")]) == 0  # true of the office's own tables
    capsys.readouterr()
    assert _compile(tmp_path, inbox, "--name", "测试县人民政府", "--narrative-from", "A0") == 0
    said = re.sub(r"\s+", "", capsys.readouterr().out)
    county = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))["report"]["tables"]
    assert "可以发布" not in said and CONTRADICTION_MARK in said
    assert said_by_office in said and f"表中为{county['requests.received.total']}件" in said
    assert "（这段文字取自测试县人民政府办公室（A0）报送的年报）" in said
    got = _texts(tmp_path)
    assert got["header"].startswith(CONTRADICTION_MARK)
    assert said_by_office in got["docx"]  # the office's words are printed as written, in a draft
    suggestion = tmp_path / "out" / "文字说明（建议稿）.md"
    text = suggestion.read_text(encoding="utf-8")
    assert said_by_office not in text and f"本年度共新收政府信息公开申请{county['requests.received.total']}件" in text
    assert "全年组织政务公开业务培训3次。" in text and PROBLEMS in text  # everything else as written
    assert _compile(tmp_path, inbox, "--name", "测试县人民政府", "--narrative", str(suggestion)) == 0
    assert "可以发布" in capsys.readouterr().out
    assert "草稿" not in _texts(tmp_path)["docx"]


def test_missing_narrative_gives_a_draft_marked_on_every_page_and_says_what_is_missing(tmp_path, inbox, capsys):
    assert _compile(tmp_path, inbox, "--name", "测试县人民政府") == 0
    said = re.sub(r"\s+", "", capsys.readouterr().out)
    assert "汇总年报是草稿" in said
    assert "缺少：一、总体情况；五、存在的主要问题及改进情况；六、其他需要报告的事项" in said
    assert "--narrative-fromA0（测试县人民政府办公室）" in said  # points at the office on the roster
    got = _texts(tmp_path)
    assert got["header"].startswith(INCOMPLETE_MARK)  # the header: on every page
    word = docx.Document(next((tmp_path / "out").glob("*.docx")))
    assert "PowerPlusWaterMarkObject" in word.sections[0].header._element.xml
    assert "【待补充：一、总体情况】" in got["docx"]
    assert "请汇总单位补充" not in got["docx"]
    assert INCOMPLETE_MARK in got["md"].splitlines()[0] and 'class="draft"' in got["html"]
    today = clock.now().date()  # the report's default: today in the configured zone (北京时间)
    assert got["docx"].splitlines().count(f"{today.year}年{today.month}月{today.day}日") == 1  # default: today


def test_missing_name_is_named_too(tmp_path, inbox, capsys):
    assert _compile(tmp_path, inbox, "--narrative-from", "A0") == 0
    said = capsys.readouterr().out
    assert "汇总单位名称" in said and "--name" in said
    assert INCOMPLETE_MARK in _texts(tmp_path)["header"]


def test_narrative_file_docx_comes_first_and_the_rest_from_the_office(tmp_path, inbox, capsys):
    word = docx.Document()
    for line in ("测试县2021年政府信息公开工作年度报告（文字部分）", "一、总体情况", "本县全年主动公开信息300条。",
                 "二、主动公开政府信息情况", "（表格略）", "五、存在的主要问题及改进情况", "一是专栏更新不及时。"):
        word.add_paragraph(line)
    path = tmp_path / "说明.docx"
    word.save(path)
    assert _compile(tmp_path, inbox, "--name", "测试县人民政府", "--narrative", str(path),
                    "--narrative-from", "A0", "--date", "2022-01-25") == 0
    said = capsys.readouterr().out
    assert "第一、五部分的文字取自文字说明文件 说明.docx" in said and "第六部分的文字取自测试县人民政府办公室" in said
    lines = _texts(tmp_path)["docx"].splitlines()
    assert "本县全年主动公开信息300条。" in lines and "一是专栏更新不及时。" in lines and OTHER in lines
    assert "（表格略）" not in lines and PROBLEMS.splitlines()[0] not in lines
    assert "2022年1月25日" in lines


def test_bad_date_narrative_file_or_code_stop_before_compiling(tmp_path, inbox, capsys):
    notes = tmp_path / "notes.doc"
    notes.write_bytes(b"\xd0\xcf\x11\xe0")
    empty = tmp_path / "empty.md"
    empty.write_text("# 标题\n随便写的文字。\n", encoding="utf-8")
    for extra, message in ((["--date", "明年"], "日期"), (["--narrative", str(notes)], "另存为 .docx"),
                           (["--narrative", str(empty)], "没有找到"),
                           (["--narrative-from", "ZZ"], "没有这个单位代码"),
                           (["--narrative", str(tmp_path / "none.md")], "不存在")):
        assert _compile(tmp_path, inbox, "--name", "测试县", *extra) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_split_sections_reads_markdown_and_plain_headings():
    lines = ["# 测试县2021年报告", "## 一、总体情况", "甲。", "", "（一）主动公开。",
             "## 三、收到和处理政府信息公开申请情况", "表格", "五、 存在的主要问题", "乙。",
             "六．其他需要报告的事项", "丙。", "一、总体情况", "丁。"]
    assert split_sections(FMT, lines) == {"overview": "甲。\n\n（一）主动公开。", "problems": "乙。",
                                          "other": "丙。\n一、总体情况\n丁。"}  # no going back to 一


def test_read_narrative_text_files_in_either_encoding(tmp_path):
    text = "一、总体情况\n甲。\n五、存在的主要问题及改进情况\n乙。\n六、其他需要报告的事项\n丙。\n"
    for name, encoding in (("a.txt", "gb18030"), ("b.md", "utf-8-sig")):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        assert read_narrative(path, FMT) == {"overview": "甲。", "problems": "乙。", "other": "丙。"}
    broken = tmp_path / "x.docx"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(NarrativeError, match="不是有效的 Word 文档"):
        read_narrative(broken, FMT)


def test_chinese_date():
    assert chinese_date("2022-01-05") == "2022年1月5日"
    assert chinese_date(" 2022年01月20日 ") == "2022年1月20日"
    assert chinese_date(None, today=dt.date(2022, 2, 3)) == "2022年2月3日"
    for bad in ("2022-02-30", "去年", "20220120"):
        with pytest.raises(NarrativeError):
            chinese_date(bad)


def test_rendering_a_summary_json_without_narrative_gives_a_draft(tmp_path, inbox, capsys):
    """`nianbao render summary.json` of a county report lacking 一、五、六: a marked draft, never bare headings."""
    assert _compile(tmp_path, inbox, "--name", "测试县人民政府", "--no-render") == 0
    out = tmp_path / "again.md"
    assert main(["render", str(tmp_path / "out" / "summary.json"), "-o", str(out)]) == 1  # a draft, not publishable
    assert "已生成草稿" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert INCOMPLETE_MARK in text.splitlines()[0] and "【待补充：五、存在的主要问题及改进情况】" in text


def test_a_real_reports_text_gives_its_sections(tmp_path):
    """The real 萝北县工信科局 2020 report as text: its 五 reads 政府信息公开工作存在的主要问题及改进措施,
    and 表三's rows (三、本年度办理结果, 四、结转下年度继续办理) are not taken for headings."""
    path = tmp_path / "luobei.txt"
    path.write_bytes(LUOBEI.read_bytes())
    found = read_narrative(path, FMT)
    assert set(found) == {"overview", "problems"}  # this report has no 六
    assert found["overview"].startswith("2020 年我局在县委、县政府的正确领导下") and len(found["overview"]) > 900
    assert "结转下年度" not in found["overview"] and "结转下年度" not in found["problems"]
    assert found["problems"].endswith("三是一些规章制度还不够完善和健全，"
                                      "需要进一步完善和健全。")  # its signature left out


def test_contact_line_closes_the_opening_of_every_form(tmp_path, inbox, capsys):
    assert _compile(tmp_path, inbox, "--name", "测试县人民政府", "--narrative-from", "A0",
                    "--contact", "单位=测试县人民政府办公室", "--contact", "地址=测试县人民路1号",
                    "--contact", "邮编=154200", "--contact", "电话=0468-0000100",
                    "--contact", "邮箱=gk@test.example") == 0
    line = ("如对本报告有疑问，请与测试县人民政府办公室联系（地址：测试县人民路1号，邮编：154200，"
            "电话：0468-0000100，电子邮箱：gk@test.example）。")
    said = capsys.readouterr().out
    assert "可以发布" in said
    assert "--contact" not in said  # nothing to add
    got = _texts(tmp_path)
    opening = got["docx"].splitlines()[2]
    assert opening.endswith(line)
    assert "统计期限自2021年1月1日起至2021年12月31日止。" in opening
    assert line in got["md"]
    assert line in got["html"]


def test_without_a_contact_the_report_is_publishable_and_compile_says_how_to_add_one(tmp_path, inbox, capsys):
    assert _compile(tmp_path, inbox, "--name", "测试县人民政府", "--narrative-from", "A0") == 0
    said = capsys.readouterr().out
    assert "可以发布" in said
    assert "没有写联系方式" in said
    assert "--contact 地址=" in said
    assert "如对本报告有疑问" not in _texts(tmp_path)["docx"]


def test_a_bad_contact_stops_compile_before_it_starts(tmp_path, inbox, capsys):
    assert _compile(tmp_path, inbox, "--name", "测试县人民政府", "--contact", "邮箱=不是邮箱") == 2
    assert "不像电子邮箱" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
