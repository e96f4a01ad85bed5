"""Issue 12 §5: one bad file never aborts a batch, and nothing overflows.

Every case is a generated fixture of tests/hostile.py (BATCH_CASES and same_names). Tests
assert Code names, cells and exit statuses; the Chinese wording only where the message
is the whole point (a CLI failure a clerk reads instead of "内部错误").
"""

from __future__ import annotations

import errno
import json
import shutil
from pathlib import Path

import hostile
import openpyxl
import pytest

from nianbao.check.run import check_file
from nianbao.cli import main
from nianbao.format.layout import layout
from nianbao.format.spec import get_format

FMT = get_format("gov-info-disclosure-2021")
ROSTER = "code,name,level\nGOOD-01,测试单位GOOD-01,county\nHOSTILE-01,测试单位HOSTILE-01,county\n" \
         "HOSTILE-02,测试单位HOSTILE-02,county\nHOSTILE-21,测试单位HOSTILE-21,county\n"


def rules_of(result) -> set[str]:
    return {f.rule for f in result.findings}


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("batch-cases")
    return {name: make(d) for name, (make, _codes) in hostile.BATCH_CASES.items()}


@pytest.mark.parametrize("case", list(hostile.BATCH_CASES))
def test_every_case_is_a_finding_on_its_file(cases, case):
    result = check_file(cases[case])
    expected = hostile.BATCH_CASES[case][1]
    assert "CHECK_FAILED" not in rules_of(result)
    if expected:
        assert rules_of(result) & set(expected), result.findings
    else:
        assert result.status in ("ok", "warning")


def test_out_of_range_values_name_sheet_and_cell(cases):
    for case, key in (("money_9e25", "proactive.fees.amount"), ("count_10e400", "proactive.licensing.decisions")):
        result = check_file(cases[case], expect_year=2022)
        [found] = [f for f in result.findings if f.rule == "CELL_OUT_OF_RANGE"]
        pos = layout(FMT).cells[key]
        assert (found.sheet, found.cell, found.key, found.severity) == (pos.sheet, pos.ref, key, "error")
        assert len(found.message) < 200  # 10^400 is shown by its head and length, not 401 digits
        assert not [f for f in result.findings if f.rule.startswith("T") or f.rule == "SCHEMA"]  # no follow-ons


def test_the_bound_is_the_specs(tmp_path):
    doc = hostile.report_document("GOOD-01")
    low, high = FMT.bounds["count"]
    doc["tables"]["proactive.licensing.decisions"] = int(high)
    (tmp_path / "at.json").write_text(json.dumps(doc), encoding="utf-8")
    assert "CELL_OUT_OF_RANGE" not in rules_of(check_file(tmp_path / "at.json"))
    doc["tables"]["proactive.licensing.decisions"] = int(high) + 1
    (tmp_path / "above.json").write_text(json.dumps(doc), encoding="utf-8")
    assert "CELL_OUT_OF_RANGE" in rules_of(check_file(tmp_path / "above.json"))


def test_compile_survives_what_check_used_to_accept(cases, tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(cases["money_9e25"], inbox)
    shutil.copy(cases["count_10e400"], inbox)
    second = hostile.report_document("HOSTILE-21", proactive__fees__amount=9e25)  # two of them overflowed the sum
    hostile.filled_workbook(inbox, "money-9e25-b.xlsx", second)
    good = hostile.report_document("GOOD-01", seed=2)  # its own figures: identical ones under two codes are flagged
    hostile.filled_workbook(inbox, "good.xlsx", good)
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    for extra in ([], ["--include-errors"]):
        out = tmp_path / f"out{len(extra)}"
        code = main(["compile", str(inbox), "--roster", str(tmp_path / "roster.csv"), "--year", "2022", "-o", str(out),
                     *extra])
        err = capsys.readouterr().err
        assert code == 1 and "内部错误" not in err
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        status = {a["code"]: (a["status"], a["included"]) for a in summary["agencies"]}
        assert status == {"GOOD-01": ("ok", True), "HOSTILE-01": ("error", False), "HOSTILE-02": ("error", False),
                          "HOSTILE-21": ("error", False)}
        county = summary["report"]["tables"]
        assert county["proactive.fees.amount"] == good["tables"]["proactive.fees.amount"]
        assert openpyxl.load_workbook(out / "summary.xlsx").sheetnames  # a whole workbook
        assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary files left


@pytest.mark.parametrize("case", [c for c, (_, codes) in hostile.BATCH_CASES.items() if "DOCUMENT_REFUSED" in codes])
def test_hostile_documents_through_every_command(cases, case, tmp_path, capsys):
    path = cases[case]
    assert main(["check", str(path), "--json"]) == 2
    [result] = json.loads(capsys.readouterr().out)
    assert [f["rule"] for f in result["findings"]] == ["DOCUMENT_REFUSED"]
    store = tmp_path / "store"
    assert main(["collect", str(path), "--store", str(store)]) == 0
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    capsys.readouterr()
    assert main(["compile", "--store", str(store), "--roster", str(tmp_path / "roster.csv"), "--year", "2022",
                 "-o", str(tmp_path / "out"), "--no-render"]) == 1
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert len(summary["unidentified"]) == 1
    for argv in (["render", str(path), "--to", "md", "-o", str(tmp_path / "r.md")],
                 ["fill", str(path), "-o", str(tmp_path / "f.xlsx")]):
        assert main(argv) in (1, 2)  # render takes summaries up to 64 MB: the 21 MB one is judged, and refused
        assert "内部错误" not in capsys.readouterr().err
        assert not (tmp_path / "r.md").exists() and not (tmp_path / "f.xlsx").exists()


def test_annotation_failure_is_a_finding_and_the_batch_goes_on(cases, tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(cases["broken_core_properties"], inbox)
    shutil.copy(cases["money_9e25"], inbox)
    assert main(["check", str(inbox), "--json", "--annotate", str(tmp_path / "ann")]) == 1
    results = {Path(r["file"]).name: r for r in json.loads(capsys.readouterr().out)}
    broken = results["broken-core-properties.xlsx"]
    # openpyxl cannot open it; a reader that refuses the part itself is as good
    assert broken["status"] == "unreadable" or "ANNOTATE_FAILED" in {f["rule"] for f in broken["findings"]}
    assert Path(results["money-9e25.xlsx"]["annotated"]).is_file()


def test_any_annotation_failure_stays_on_its_file(cases, tmp_path, monkeypatch, capsys):
    import nianbao.check.annotate as annotate

    real = annotate.openpyxl.load_workbook

    def flaky(fh, **kw):
        if "10e400" in fh.name:
            raise IndexError("list index out of range")  # one of openpyxl's many ways to fail
        return real(fh, **kw)

    monkeypatch.setattr(annotate.openpyxl, "load_workbook", flaky)
    files = [str(cases["count_10e400"]), str(cases["money_9e25"])]
    assert main(["check", *files, "--annotate", str(tmp_path / "ann")]) == 1
    out = capsys.readouterr().out
    assert "ANNOTATE_FAILED" in out and "批注副本：" in out
    assert [p.name for p in (tmp_path / "ann").iterdir()] == ["money-9e25-批注.xlsx"]


def test_annotated_names_never_collide_nor_overwrite(tmp_path, capsys):
    inbox = hostile.same_names(tmp_path / "inbox")
    ann = tmp_path / "ann"
    ann.mkdir()
    (ann / "report-批注.xlsx").write_bytes(b"a clerk's own file")
    assert main(["check", str(inbox), "--json", "--annotate", str(ann)]) == 1
    results = json.loads(capsys.readouterr().out)
    written = sorted(Path(r["annotated"]).name for r in results)
    assert written == ["report-批注-2.xlsx", "report-批注-3.xlsx"]
    assert (ann / "report-批注.xlsx").read_bytes() == b"a clerk's own file"
    codes = {openpyxl.load_workbook(ann / name)["问题清单"]["A1"].value is not None for name in written}
    assert codes == {True}


def test_a_million_styled_rows_is_not_annotated(cases, tmp_path, capsys):
    assert main(["check", str(cases["styled_empty_rows"]), str(cases["money_9e25"]), "--json",
                 "--annotate", str(tmp_path / "ann")]) == 1
    results = {Path(r["file"]).name: r for r in json.loads(capsys.readouterr().out)}
    big = results["styled-empty-rows.xlsx"]
    assert "ANNOTATE_TOO_BIG" in {f["rule"] for f in big["findings"]} and "annotated" not in big
    assert "annotated" in results["money-9e25.xlsx"]


@pytest.mark.parametrize("to", ["docx", "html", "md"])
def test_control_characters_render(cases, tmp_path, to):
    out = tmp_path / f"report.{to}"
    assert main(["render", str(cases["control_characters"]), "--to", to, "-o", str(out)]) == 0
    if to == "docx":
        import docx

        text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    else:
        text = out.read_text(encoding="utf-8")
    assert "第一段" in text and "含垂直制表符" in text and "测试单位" in text
    assert not any(ch in text for ch in "\x00\x01\x07\x0b\x1f")


# -- writing fails: clear Chinese messages, exit 2, nothing partial ---------------------------------


def test_name_with_a_slash_is_an_argument_error(tmp_path, capsys):
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["compile", str(tmp_path), "--roster", str(tmp_path / "roster.csv"), "--year", "2022",
              "-o", str(tmp_path / "out"), "--name", "萝北/县"])
    assert exc.value.code == 2
    assert "不能用于文件名" in capsys.readouterr().err


@pytest.mark.parametrize("size", ["nan", "inf", "-1", "0", "abc"])
def test_max_size_must_be_a_positive_number(size, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check", str(tmp_path), "--max-size", size])
    assert exc.value.code == 2
    assert "MB" in capsys.readouterr().err


@pytest.fixture
def writes_fail(monkeypatch):
    """Every output's final step fails as a full disk / read-only folder would (root ignores chmod)."""
    import nianbao.paths as paths

    def fail_with(code: int) -> None:
        def replace(src, dst):
            raise OSError(code, "simulated", str(src))
        monkeypatch.setattr(paths.os, "replace", replace)
    return fail_with


def _commands(tmp_path: Path, cases) -> dict[str, list[str]]:
    good = hostile.report_document("GOOD-01", seed=2)  # its own figures: identical ones under two codes are flagged
    (tmp_path / "good.json").write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    workbook = hostile.filled_workbook(tmp_path, "good.xlsx", good)
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    return {
        "compile": ["compile", str(workbook), "--roster", str(tmp_path / "roster.csv"), "--year", "2022",
                    "-o", str(out)],
        "render": ["render", str(tmp_path / "good.json"), "--to", "docx", "-o", str(out / "r.docx")],
        "fill": ["fill", str(tmp_path / "good.json"), "-o", str(out / "f.xlsx")],
        "template": ["template", "--agency", "某局", "--year", "2022", "-o", str(out / "t.xlsx")],
        "extract": ["extract", str(workbook), "-o", str(out / "e.json")],
        "schema": ["schema", "--year", "2022", "-o", str(out / "s.json")],
    }


@pytest.mark.parametrize(("code", "words"), [(errno.ENOSPC, "磁盘空间不足"), (errno.EROFS, "只读"),
                                         (errno.EACCES, "权限")])
def test_every_writing_command_says_why_it_could_not_write(tmp_path, cases, writes_fail, capsys, code, words):
    commands = _commands(tmp_path, cases)
    writes_fail(code)
    for name, argv in commands.items():
        capsys.readouterr()
        assert main(argv) == 2, name
        err = capsys.readouterr().err
        assert words in err and "内部错误" not in err, (name, err)
    assert list((tmp_path / "out").iterdir()) == []  # no partial file, no temporary file


def test_a_disk_full_midway_leaves_no_partial_summary(tmp_path, cases, monkeypatch, capsys):
    import nianbao.render.summary_xlsx as summary_xlsx

    def half(comp, path):
        Path(path).write_bytes(b"PK\x03\x04 half a workbook")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(summary_xlsx, "write_summary_xlsx", half)
    argv = _commands(tmp_path, cases)["compile"]
    assert main(argv) == 2
    assert "磁盘空间不足" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["summary.json"]  # written whole before


def test_fill_writes_a_number_no_spreadsheet_holds_as_text(tmp_path, capsys):
    doc = hostile.report_document("HOSTILE-02", proactive__licensing__decisions=10**400)
    (tmp_path / "doc.json").write_text(json.dumps(doc), encoding="utf-8")
    assert main(["fill", str(tmp_path / "doc.json"), "-o", str(tmp_path / "filled.xlsx")]) == 0
    result = check_file(tmp_path / "filled.xlsx")
    assert "CELL_OUT_OF_RANGE" in rules_of(result)
