"""No name reaches the terminal raw (issue 19): every command, driven with files, agencies, roster rows,
sheets and report titles named ESC [2J, \\r, \\n, U+202E, C1 CSI, BEL/DEL or rich markup, prints them
escaped (printable) — and prints them, so the clerk still sees which file is meant."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from factory import valid_document
from hostile import RAW_CONTROL, TERMINAL_NAMES

from nianbao.cli import main
from nianbao.format.spec import all_formats
from nianbao.printable import printable
from nianbao.template.write import write_template

FMT = all_formats()["gov-info-disclosure-2021"]
NAMES = list(TERMINAL_NAMES.values())
PINGTAN = Path(__file__).resolve().parents[1] / "published" / "data" / "pingtan-2019.txt"
MARKUP = TERMINAL_NAMES["markup"]


def assert_clean(text: str, *must_show: str) -> None:
    """No raw control character; each of must_show there as printable() shows it."""
    raw = sorted({f"U+{ord(ch):04X}" for ch in re.findall(RAW_CONTROL, text)})
    assert raw == [], text[:2000]
    for name in must_show:
        assert printable(name) in text, (name, text[:3000])


def _run(capsys, argv: list, codes=(0, 1, 2)) -> str:
    """Everything the command printed, stdout then stderr."""
    return "".join(_streams(capsys, argv, codes))


def _streams(capsys, argv: list, codes=(0, 1, 2)) -> tuple[str, str]:
    code = main([str(a) for a in argv])
    assert code in codes
    captured = capsys.readouterr()
    return captured.out, captured.err


def _agency(i: int, name: str) -> dict:
    return {"name": name, "code": f"H{i}", "level": "county"}


def _workbooks(folder: Path, *, broken: bool = True) -> list[Path]:
    """One filled workbook per hostile name, named and signed with it; the first breaks a rule."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, name in enumerate(NAMES):
        doc = valid_document(FMT, 2021, seed=i + 1, agency=_agency(i, name))
        if broken and i == 0:
            doc["tables"]["requests.carry_forward.natural"] += 1
        paths.append(write_template(FMT, 2021, _agency(i, name), folder / f"{name}.xlsx", document=doc))
    return paths


def _roster(path: Path, names=NAMES, codes=None) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["code", "name", "level"])
        for i, name in enumerate(names):
            writer.writerow([codes[i] if codes else f"H{i}", name, "county"])
    return path


def test_check_terminal_json_and_annotate(tmp_path, capsys):
    _workbooks(tmp_path / "inbox")
    out = _run(capsys, ["check", tmp_path / "inbox", "--annotate", tmp_path / "ann"], codes=(1,))
    assert_clean(out, *NAMES, *(f"{n}.xlsx" for n in NAMES))
    assert MARKUP in out  # rich markup in a name is shown, not obeyed
    out, err = _streams(capsys, ["check", tmp_path / "inbox", "--json"], codes=(1,))
    assert_clean(out + err)
    assert {Path(r["file"]).name for r in json.loads(out)} == {f"{n}.xlsx" for n in NAMES}  # exact, via \\u escapes


def test_check_unreadable_files_and_missing_ones(tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in NAMES:
        (inbox / f"{name}.xlsx").write_bytes(b"%PDF-1.4 not a workbook")
    out = _run(capsys, ["check", inbox, tmp_path / "\x1b[2J不存在.xlsx"], codes=(2,))
    assert_clean(out, *(f"{n}.xlsx" for n in NAMES), "\x1b[2J不存在.xlsx")


def test_extract_render_fill(tmp_path, capsys):
    name = TERMINAL_NAMES["bidi"]  # one the workbook reader gives back exactly (it does not decode _x001B_)
    book = _workbooks(tmp_path / "in", broken=False)[NAMES.index(name)]
    out, err = _streams(capsys, ["extract", book], codes=(0,))  # the document to stdout: names as JSON \\u escapes
    assert_clean(out + err)
    assert json.loads(out)["agency"]["name"] == name
    doc = tmp_path / f"{TERMINAL_NAMES['carriage_return']}.json"
    out = _run(capsys, ["extract", book, "-o", doc], codes=(0,))
    assert_clean(out, doc.name)
    bad = tmp_path / f"{TERMINAL_NAMES['bidi']}.xlsx"
    bad.write_bytes(b"not a workbook")
    assert_clean(_run(capsys, ["extract", bad], codes=(2,)), bad.name)
    target = tmp_path / f"{TERMINAL_NAMES['line_break']}.md"
    assert_clean(_run(capsys, ["render", doc, "-o", target], codes=(0,)), target.name)
    filled = tmp_path / f"{TERMINAL_NAMES['c1_csi']}.xlsx"
    assert_clean(_run(capsys, ["fill", doc, "-o", filled], codes=(0,)), doc.name, filled.name, name)
    missing = tmp_path / f"{TERMINAL_NAMES['bell_del']}.json"
    assert_clean(_run(capsys, ["render", missing, "-o", tmp_path / "x.md"], codes=(2,)), missing.name)


def test_template_one_agency_and_a_roster(tmp_path, capsys):
    for i, name in enumerate(NAMES):
        out = _run(capsys, ["template", "--agency", name, "--code", f"H{i}", "--year", "2021", "-o",
                            tmp_path / f"t{i}.xlsx"], codes=(0,))
        assert_clean(out, name)
    roster = _roster(tmp_path / f"{TERMINAL_NAMES['clear_screen']}名单.csv")
    assert_clean(_run(capsys, ["template", "--roster", roster, "--year", "2021", "-o", tmp_path / "all"], codes=(0,)),
                 roster.name)


def test_collect_store_verify_and_compile(tmp_path, capsys):
    _workbooks(tmp_path / "inbox")
    store = tmp_path / "store"
    out = _run(capsys, ["collect", tmp_path / "inbox", "--store", store], codes=(0,))
    assert_clean(out, *(f"{n}.xlsx" for n in NAMES), *NAMES)
    with open(store / "receipts.jsonl", "ab") as fh:  # a damaged line holding an escape sequence
        fh.write("\x1b[2J\x1b]0;标题\x07 不是 JSON\r\n".encode())
    out = _run(capsys, ["store", "verify", "--store", store], codes=(1,))
    assert_clean(out)
    assert "\\x1b[2J" in out
    # The roster lists all but the last agency, and one that never reported.
    roster = _roster(tmp_path / "roster.csv", NAMES[:-1] + ["\x1b[31m未报送\x1b[0m"],
                     codes=[f"H{i}" for i in range(len(NAMES) - 1)] + ["M1"])
    out = _run(capsys, ["compile", "--store", store, "--roster", roster, "--year", "2021", "-o", tmp_path / "out",
                        "--no-render", "--name", "[red]县"], codes=(1,))
    assert_clean(out, *NAMES, "\x1b[31m未报送\x1b[0m", f"{NAMES[-1]}.xlsx")


def test_import_and_audit_of_published_reports(tmp_path, capsys):
    text = PINGTAN.read_text(encoding="utf-8")
    files = []
    for name in NAMES:
        path = tmp_path / f"{name}.txt"
        path.write_text(text.replace("标题: 平潭", f"标题: {name}平潭", 1), encoding="utf-8")
        files.append(path)
    (tmp_path / f"{TERMINAL_NAMES['bidi']}坏.txt").write_bytes(b"\x00\x01 not a report")
    files.append(tmp_path / f"{TERMINAL_NAMES['bidi']}坏.txt")
    out = _run(capsys, ["import", *files, "-o", tmp_path / "docs"])
    assert_clean(out, *(p.name for p in files))
    out, err = _streams(capsys, ["import", *files, "-o", tmp_path / "docs2", "--json"])
    assert_clean(out + err)
    assert {Path(r["file"]).name for r in json.loads(out)} == {p.name for p in files}
    out = _run(capsys, ["import", files[0], "-o", tmp_path / "docs3", "--debug"])
    assert_clean(out)
    report = tmp_path / f"{TERMINAL_NAMES['carriage_return']}.xlsx"
    out = _run(capsys, ["audit", *files, "-o", report])
    assert_clean(out, *(p.name for p in files), report.name)
    assert_clean(_run(capsys, ["audit", *files, "--json"]))


def test_links_remind_and_serve(tmp_path, capsys, monkeypatch):
    roster = _roster(tmp_path / "roster.csv")
    store = tmp_path / f"{TERMINAL_NAMES['clear_screen']}收件库"
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)  # prints its lines, then would serve
    out = _run(capsys, ["serve", "--store", store, "--roster", roster, "--year", "2021",
                        "--base-url", "https://nb.example.gov.cn"], codes=(0,))
    assert_clean(out, store.name, NAMES[0], NAMES[1])
    out = _run(capsys, ["links", "--store", store], codes=(0,))  # the CSV to the screen
    assert_clean(out, *NAMES)
    assert MARKUP in out
    out = _run(capsys, ["links", "--store", store, "--rotate", "\x1b[2J不在名单"], codes=(2,))
    assert_clean(out, "\x1b[2J不在名单")
    out = _run(capsys, ["remind", "--store", store, "--from", "gkb@luobei.gov.cn", "--dry-run", "-o", tmp_path / "eml"],
               codes=(0, 1))
    assert_clean(out, *NAMES)


def test_argument_errors_quote_what_was_typed_escaped(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["check", "--year", "\x1b[2J二〇二一", str(tmp_path)])
    assert_clean(capsys.readouterr().err, "\x1b[2J二〇二一")
    assert_clean(_run(capsys, ["compile", "--store", tmp_path / "\x1b]0;x\x07无", "--roster", tmp_path / "r.csv",
                               "--year", "2021", "-o", tmp_path / "o"], codes=(2,)))
