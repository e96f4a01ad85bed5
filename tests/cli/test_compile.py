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
