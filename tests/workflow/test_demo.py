"""nianbao demo never deletes what it did not write: a new, empty or previous-demo folder only."""

from __future__ import annotations

import json
import re
from pathlib import Path

from nianbao.cli import main
from nianbao.paths import samples_dir
from nianbao.render.report_text import COUNTY_ERRORS_MARK
from nianbao.workflow.demo import MARKER


def test_demo_refuses_a_folder_with_a_users_file(tmp_path, capsys):
    out = tmp_path / "文档"
    out.mkdir()
    mine = out / "我的报告.docx"
    mine.write_bytes(b"not nianbao's")
    assert main(["demo", str(out)]) == 2
    err = capsys.readouterr().out
    assert "不是空的" in err and "一个也没有动" in err
    assert mine.read_bytes() == b"not nianbao's"
    assert sorted(p.name for p in out.iterdir()) == ["我的报告.docx"]


def test_demo_dot_in_a_non_empty_folder_is_refused(tmp_path, capsys, monkeypatch):
    (tmp_path / "notes.txt").write_text("keep", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.xlsx").write_bytes(b"x")
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "."]) == 2
    assert "不是空的" in capsys.readouterr().out
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["notes.txt", "sub", "sub/a.xlsx"]


def test_demo_refuses_a_file_and_a_broken_marker(tmp_path, capsys):
    target = tmp_path / "out"
    target.write_text("x", encoding="utf-8")
    assert main(["demo", str(target)]) == 2
    assert "不是文件夹" in capsys.readouterr().out
    folder = tmp_path / "marked"
    folder.mkdir()
    (folder / MARKER).write_text("{broken", encoding="utf-8")
    (folder / "keep.txt").write_text("keep", encoding="utf-8")
    assert main(["demo", str(folder)]) == 2
    assert "已损坏" in capsys.readouterr().out
    assert (folder / "keep.txt").exists()


def test_demo_reruns_in_its_own_output_and_keeps_a_users_file_there(tmp_path, capsys):
    out = tmp_path / "demo"
    out.mkdir()  # empty: accepted
    assert main(["demo", str(out)]) == 0
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    assert "4-汇总/summary.json" in marker["files"]
    assert all((out / name).is_file() for name in marker["files"])
    stale = out / "4-汇总" / "old.tmp"  # listed as the demo's own: goes on the next run
    stale.write_text("x", encoding="utf-8")
    marker["files"].append("4-汇总/old.tmp")
    marker["files"].append("../outside.txt")  # a marker naming a file outside the folder: ignored
    (tmp_path / "outside.txt").write_text("keep", encoding="utf-8")
    (out / MARKER).write_text(json.dumps(marker, ensure_ascii=False), encoding="utf-8")
    (out / "4-汇总" / "我的批注.txt").write_text("mine", encoding="utf-8")  # the user's own, inside
    (out / "说明.txt").write_text("mine", encoding="utf-8")
    assert main(["demo", str(out)]) == 0
    capsys.readouterr()
    assert not stale.exists()
    assert (out / "4-汇总" / "我的批注.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "说明.txt").read_text(encoding="utf-8") == "mine"
    assert (tmp_path / "outside.txt").exists()
    again = json.loads((out / MARKER).read_text(encoding="utf-8"))["files"]
    assert "说明.txt" not in again and "4-汇总/我的批注.txt" not in again
    assert "4-汇总/summary.json" in again


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_the_demo_tells_the_review_loop_and_the_readme_shows_its_real_output(tmp_path, capsys, monkeypatch):
    """The demo returns the reports with table errors, accepts an explained cross-year difference, and its
    county report is publishable; every line of the README's demo output is a line the demo prints
    (“……” stands for words left out, paths as `make demo` prints them), in the same order."""
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "out"]) == 0
    printed = capsys.readouterr().out.replace(f"{samples_dir()}/", "samples/")
    for told in ("退回 萝北县住房和城乡建设局", "附说明接收 萝北县市场监督管理局", "注意（跨年度）"):
        assert told in printed
    assert COUNTY_ERRORS_MARK not in printed
    assert printed.rstrip().count("汇总年报可以发布") == 1
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("```text\n第 1 步") + len("```text\n"):]
    block = block[:block.index("```")]
    lines = [_squash(line) for line in printed.splitlines()]
    at = 0
    for shown in block.splitlines():
        parts = [_squash(p) for p in re.split(r"…{2,}", shown) if _squash(p)]
        while at < len(lines) and not all(p in lines[at] for p in parts):
            at += 1
        assert at < len(lines), f"README 演示输出中的这一行不是演示实际输出的（或次序不对）：{shown}"
        at += 1
