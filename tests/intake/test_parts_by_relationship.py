"""The fast reader finds a workbook's parts as Excel does: by the relationship's type, not the part's name.
A file whose styles or shared strings sit under other names (any OPC writer may choose them) is read
with its number formats and texts — never as if it had none (a ;;; format hiding a figure unseen)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import hostile

from nianbao.intake.read import read_workbook


def _renamed(src: Path, old: str, new: str, out: Path) -> Path:
    """The same package with part `old` stored as `new` and every reference to it rewritten."""
    old_rel, new_rel = old.split("/", 1)[1], new.split("/", 1)[1]  # relative to xl/
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.endswith(".rels") or info.filename == "[Content_Types].xml":
                data = data.replace(old_rel.encode(), new_rel.encode())
            zout.writestr(new if info.filename == old else info.filename, data)
    return out


def test_a_hiding_number_format_in_a_renamed_styles_part_is_still_seen(tmp_path):
    src = hostile.hiding_number_format(tmp_path)
    plain = read_workbook(src, engine="fast")
    renamed = read_workbook(_renamed(src, "xl/styles.xml", "xl/s.xml", tmp_path / "s.xlsx"), engine="fast")
    assert not renamed.fatal
    hidden = sorted((f.rule, f.cell) for f in plain.findings if f.cell == "D6")
    assert hidden  # the ;;; format on D6 is a finding
    assert sorted((f.rule, f.cell) for f in renamed.findings if f.cell == "D6") == hidden


def test_renamed_shared_strings_read_the_same_texts(tmp_path):
    src = hostile.filled_2021(tmp_path)
    renamed = _renamed(src, "xl/sharedStrings.xml", "xl/strings.xml", tmp_path / "t.xlsx")
    for engine in ("fast", "openpyxl"):
        got = read_workbook(renamed, engine=engine)
        assert not got.fatal, engine
        assert got.document == read_workbook(src, engine=engine).document, engine
