"""nianbao compile through the CLI: outputs in OUT_DIR and an honest exit status."""

from __future__ import annotations

import json

from factory import valid_document

from nianbao.cli import main
from nianbao.format.spec import all_formats
from nianbao.template.write import write_template

FMT = all_formats()["gov-info-disclosure-2021"]


def _inbox(tmp_path, broken: bool):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in (1, 2):
        agency = {"name": f"测试县第{i}局", "code": f"A{i}", "level": "county"}
        doc = valid_document(FMT, 2021, seed=i, agency=agency)
        if broken and i == 2:
            doc["tables"]["requests.carry_forward.natural"] += 1
        write_template(FMT, 2021, agency, inbox / f"{i}.xlsx", document=doc)
    roster = tmp_path / "roster.csv"
    roster.write_text("code,name,level\nA1,测试县第1局,county\nA2,测试县第2局,county\n", encoding="utf-8")
    return inbox, roster


def test_compile_writes_every_output(tmp_path, capsys):
    inbox, roster = _inbox(tmp_path, broken=False)
    out = tmp_path / "out"
    code = main(["compile", str(inbox), "--roster", str(roster), "--year", "2021", "-o", str(out),
                 "--name", "测试县", "--code", "999"])
    assert code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["summary.json", "summary.xlsx", "测试县2021年政府信息公开工作年度报告.docx",
                     "测试县2021年政府信息公开工作年度报告.html", "测试县2021年政府信息公开工作年度报告.md"]
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert data["completion"]["rate"] == 1.0
    assert "通过 2" in capsys.readouterr().out


def test_compile_exit_1_when_work_remains_and_2_for_bad_arguments(tmp_path):
    inbox, roster = _inbox(tmp_path, broken=True)
    assert main(["compile", str(inbox), "--roster", str(roster), "--year", "2021", "-o", str(tmp_path / "o"),
                 "--no-render"]) == 1
    assert main(["compile", "--store", str(tmp_path / "nope"), "--roster", str(roster), "--year", "2021",
                 "-o", str(tmp_path / "o")]) == 2
    bad_roster = tmp_path / "bad.csv"
    bad_roster.write_text("代码,名称\n", encoding="utf-8")
    assert main(["compile", str(inbox), "--roster", str(bad_roster), "--year", "2021", "-o",
                 str(tmp_path / "o")]) == 2


def test_a_wrong_year_file_has_one_status_in_check_and_compile(tmp_path, capsys):
    """名山镇 sends last year's workbook: the file reads fine, it is the wrong report — 有错误
    (send the right one), the same in check, check --json and compile; 无法读取 is for files
    nothing can be read from."""
    inbox, roster = _inbox(tmp_path, broken=False)
    last_year = valid_document(all_formats()["gov-info-disclosure-2019"], 2020, seed=3,
                               agency={"name": "测试县第2局", "code": "A2", "level": "county"})
    write_template(all_formats()["gov-info-disclosure-2019"], 2020, last_year["agency"], inbox / "2.xlsx",
                   document=last_year)
    assert main(["check", str(inbox / "2.xlsx"), "--year", "2021", "--json"]) == 1
    result = json.loads(capsys.readouterr().out)[0]
    assert result["status"] == "error" and [f["rule"] for f in result["findings"]] == ["WRONG_YEAR"]
    assert main(["check", str(inbox / "2.xlsx"), "--year", "2021"]) == 1
    assert "结论：有错误" in capsys.readouterr().out
    assert main(["compile", str(inbox), "--roster", str(roster), "--year", "2021", "-o", str(tmp_path / "o"),
                 "--no-render"]) == 1
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if "A2" in line)
    assert "有错误" in row and "无法读取" not in out
    data = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    assert {a["code"]: a["status"] for a in data["agencies"]}["A2"] == "error"


def test_compile_tells_in_chinese_what_it_wrote(tmp_path, capsys):
    inbox, roster = _inbox(tmp_path, broken=False)
    roster.write_text(roster.read_text(encoding="utf-8") + "A3,测试县第3局,county\n", encoding="utf-8")
    assert main(["compile", str(inbox), "--roster", str(roster), "--year", "2021", "-o", str(tmp_path / "o"),
                 "--level", "县级"]) == 1
    out = capsys.readouterr().out
    assert "已报送 2（66.7%）" in out
    assert "输出 " not in out and "汇总数据" in out and "全县年度报告（Word）" in out
