"""Counted = shown, or a finding on the cell: every hostile appearance case and a seeded set of appearance
mutants rendered in a real LibreOffice (UNO), for every statutory input cell.

LibreOffice is the oracle of what the clerk sees. For each input cell it says: the sheet, row and column
are visible; no drawing object it placed covers the cell; the text is not painted in (nearly) the
background's colour, in a speck of a font or in a symbol font; and then the string it shows. nianbao must
count exactly that figure, or name the cell (or its sheet) in a finding. NIANBAO_LO_MUTANTS sets how many
mutants (16 in `make test`; `make fuzz` runs more).
"""

from __future__ import annotations

import os
import random
import re
import warnings
from decimal import Decimal, InvalidOperation
from pathlib import Path

import hostile
import mutants
import pytest
from lo_shown import shown_cells
from lo_uno import require_uno

from nianbao.check.run import check_document
from nianbao.format.layout import layout
from nianbao.format.spec import all_formats
from nianbao.intake.look import SYMBOL_FONTS, contrast
from nianbao.intake.read import read_workbook
from nianbao.intake.safety import screen

FMT = all_formats()["gov-info-disclosure-2021"]
MUTANTS = int(os.environ.get("NIANBAO_LO_MUTANTS", "16"))
SEED = 20261203


def _rgb(value: int) -> tuple[int, int, int]:
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


def _visible_text(cell: dict) -> bool:
    back = (255, 255, 255) if cell["transparent"] or cell["back"] < 0 else _rgb(cell["back"])
    if cell["char"] < 0:  # automatic: LibreOffice picks black or white against the background
        return True
    return (contrast(_rgb(cell["char"]), back) >= 1.5 and cell["height"] >= 3
            and cell["font"].casefold() not in SYMBOL_FONTS)


def _covered(cell: dict, shapes: list) -> bool:
    x, y, w, h = cell["box"]
    for sx, sy, sw, sh, visible, _kind in shapes:
        if visible and min(x + w, sx + sw) - max(x, sx) > 35 and min(y + h, sy + sh) - max(y, sy) > 35:
            return True
    return False


def _number(text: str) -> Decimal | None:
    t = text.strip().replace(",", "")
    if not re.fullmatch(r"-?\d+(\.\d+)?", t):
        return None
    try:
        return Decimal(t)
    except InvalidOperation:
        return None


def _files(folder: Path) -> list[Path]:
    files = [make(folder / name) for name, (make, _) in sorted(hostile.APPEARANCE_CASES.items())
             if (folder / name).mkdir(parents=True) is None]
    base = mutants.read_parts(hostile.filled_2021(folder, "_base.xlsx"))
    rng = random.Random(SEED)
    for i in range(MUTANTS):
        path = folder / f"mutant-{i:03d}.xlsx"
        mutants.write_xlsx(mutants.apply_all(base, mutants.appearance_ops(rng, rng.randint(1, 3))), path)
        files.append(path)
    return [f for f in files if screen(f) is None]


@pytest.mark.libreoffice
def test_counted_is_shown_or_named(tmp_path):
    require_uno()
    files = _files(tmp_path)
    lay = layout(FMT)
    cells: dict[str, list[str]] = {}
    for key in FMT.input_keys():
        cells.setdefault(lay.cells[key].sheet, []).append(lay.cells[key].ref)
    shown = shown_cells(files, cells)
    checked = 0
    problems = []
    for path in files:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            read = read_workbook(path)
        if read.fatal:
            continue  # refused: nothing is counted
        findings = check_document(read.document, prior_findings=read.findings).findings
        named = {(f.sheet, f.cell) for f in findings} | {(f.sheet, None) for f in findings}
        lo = shown[str(path.resolve())]
        assert "error" not in lo, lo.get("error")
        for key in FMT.input_keys():
            sheet, ref = lay.cells[key].sheet, lay.cells[key].ref
            counted = read.document["tables"].get(key)
            if counted is None:
                continue  # blank or text: its own finding says so
            cell = lo["cells"][f"{sheet}!{ref}"]
            seen = (lo["sheets"].get(sheet) and cell["row"] and cell["col"] and _visible_text(cell)
                    and not _covered(cell, lo["shapes"].get(sheet, [])))
            figure = _number(cell["string"]) if seen else None
            checked += 1
            if figure is not None and figure == Decimal(str(counted)):
                continue
            if (sheet, ref) in named or (sheet, None) in named:
                continue
            problems.append(f"{path.name} {sheet}!{ref}: counted {counted}, LibreOffice shows "
                            f"{cell['string']!r} (seen={bool(seen)})")
    assert checked > 1000
    assert not problems, "\n".join(problems[:40])
