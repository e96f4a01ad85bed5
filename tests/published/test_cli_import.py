"""nianbao import through the CLI: one document per file, a named error per unreadable file, --debug stages."""

from __future__ import annotations

import json
import shutil

from transcripts import DATA, REAL

from nianbao.cli import main
from nianbao.format.schema import validate
from nianbao.format.spec import all_formats


def test_import_writes_one_valid_document_per_file(tmp_path, capsys):
    folder = tmp_path / "in"  # a folder of the three real reports (data/corpus/ is test_corpus.py's)
    folder.mkdir()
    for name in REAL:
        shutil.copyfile(DATA / name, folder / name)
    assert main(["import", str(folder), "-o", str(tmp_path / "out"), "-j", "2"]) == 0
    out = capsys.readouterr().out
    assert "无法读取 19 格" in out and "空白 125 格" in out
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["huaian-2024.json", "pingtan-2019.json", "shuyang-fgj-2023.json"]
    for path in (tmp_path / "out").iterdir():
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert validate(all_formats()[doc["format"]], doc) == []


def test_import_json_summary_and_an_unreadable_file(tmp_path, capsys):
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.4\n%%EOF\n")
    assert main(["import", str(bad), str(DATA / "pingtan-2019.txt"), "-o", str(tmp_path / "o"), "--json"]) == 2
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert summary[0]["file"].endswith("scan.pdf")
    assert "PDF" in summary[0]["error"]
    assert summary[1]["unreadable"] == 19
    assert "scan.pdf" in captured.err


def test_import_debug_shows_every_stage(tmp_path, capsys):
    assert main(["import", str(DATA / "huaian-2024.pdf"), "-o", str(tmp_path), "--debug"]) == 0
    out = capsys.readouterr().out
    assert "[read] pdf" in out
    assert "[locate]" in out
    assert "→ （一）予以公开 按标签" in out


def test_import_refuses_an_output_that_is_a_file(tmp_path, capsys):
    target = tmp_path / "x"
    target.write_text("", encoding="utf-8")
    assert main(["import", str(DATA / "pingtan-2019.txt"), "-o", str(target)]) == 2
    assert "不是文件夹" in capsys.readouterr().err
