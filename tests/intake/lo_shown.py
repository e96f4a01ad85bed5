"""What LibreOffice shows in given cells of workbooks, through UNO: the oracle for tests/intake/test_appearance_lo.py.

    from lo_shown import shown_cells
    got = shown_cells([path, ...], {"表二 主动公开": ["B5", "D6"], ...})
    got[str(path)]["cells"]["表二 主动公开!D6"] -> {"string": "9", "char": 0, "back": 16773836, ...}

One headless soffice (a private pipe, a throwaway profile) opens every file in turn; for each cell it
reports the formatted string (getString), its character colour and size, font, background, whether
its sheet, row and column are visible and where it is; for each sheet, the boxes of the drawing
objects LibreOffice placed on it (shapes, pictures, text boxes, shown comments), in 1/100 mm.
Needs Debian's python3-uno (the system Python): see lo_uno.require_uno.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from lo import soffice
from lo_uno import SYSTEM_PYTHON

TIMEOUT = 900

_SCRIPT = r'''
import json, subprocess, sys, time
import uno
from com.sun.star.beans import PropertyValue

job = json.load(open(sys.argv[1]))

def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p

office = subprocess.Popen([job["soffice"], "--headless", "--norestore", "--nolockcheck", "--nodefault",
                           "-env:UserInstallation=" + job["profile"], "--accept=pipe,name=%s;urp;" % job["pipe"]])
out = {}
try:
    resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext())
    for _ in range(600):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % job["pipe"])
            break
        except Exception:
            time.sleep(0.2)
    else:
        sys.exit("soffice did not answer")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    for path in job["files"]:
        entry = out[path] = {"sheets": {}, "cells": {}, "shapes": {}}
        try:
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0, (prop("Hidden", True),))
        except Exception as exc:
            entry["error"] = str(exc)
            continue
        try:
            for sheet in doc.Sheets:
                entry["sheets"][sheet.Name] = bool(sheet.IsVisible)
            for name, refs in job["cells"].items():
                if not doc.Sheets.hasByName(name):
                    continue
                sheet = doc.Sheets.getByName(name)
                shapes = []
                page = sheet.DrawPage
                for i in range(page.Count):
                    shape = page.getByIndex(i)
                    visible = True
                    try:
                        visible = bool(shape.Visible)
                    except Exception:
                        pass
                    shapes.append([shape.Position.X, shape.Position.Y, shape.Size.Width, shape.Size.Height,
                                   visible, shape.ShapeType])
                entry["shapes"][name] = shapes
                for ref in refs:
                    cell = sheet.getCellRangeByName(ref)
                    a = cell.CellAddress
                    row, col = sheet.Rows.getByIndex(a.Row), sheet.Columns.getByIndex(a.Column)
                    entry["cells"][name + "!" + ref] = {
                        "string": cell.getString(), "char": cell.CharColor, "back": cell.CellBackColor,
                        "transparent": bool(cell.IsCellBackgroundTransparent), "height": cell.CharHeight,
                        "font": cell.CharFontName, "row": bool(row.IsVisible) and row.Height > 0,
                        "col": bool(col.IsVisible) and col.Width > 0,
                        "box": [cell.Position.X, cell.Position.Y, cell.Size.Width, cell.Size.Height]}
        finally:
            doc.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass
finally:
    json.dump(out, open(sys.argv[2], "w"), ensure_ascii=False)
    try:
        office.wait(timeout=30)
    except subprocess.TimeoutExpired:
        office.kill()
'''


def shown_cells(files: list[Path], cells: dict[str, list[str]]) -> dict[str, dict]:
    work = Path(tempfile.mkdtemp(prefix="nianbao-lo-shown-"))
    try:
        job = {"soffice": soffice(), "profile": (work / "profile").as_uri(), "pipe": f"nianbao_{uuid.uuid4().hex}",
               "files": [str(Path(f).resolve()) for f in files], "cells": cells}
        (work / "job.json").write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
        proc = subprocess.run([SYSTEM_PYTHON, "-c", _SCRIPT, str(work / "job.json"), str(work / "out.json")],
                              capture_output=True, text=True, timeout=TIMEOUT, check=False)
        if not (work / "out.json").exists():
            raise AssertionError(f"LibreOffice (UNO) failed (exit {proc.returncode})\n{proc.stdout}\n{proc.stderr}")
        return json.loads((work / "out.json").read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def shown_formats(folder: Path, cases: list[tuple], width: float) -> list[str]:
    """What LibreOffice shows for each (code, value, …) case: one cell each, down column A of a new workbook
    (`width` characters wide: General shows more digits in a wider column)."""
    import openpyxl  # noqa: TID251 - the test builds its workbook directly

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "formats"
    ws.column_dimensions["A"].width = width
    for row, (code, value, *_) in enumerate(cases, 1):
        ws.cell(row, 1, value).number_format = code
    path = Path(folder) / "formats.xlsx"
    book.save(path)
    got = shown_cells([path], {"formats": [f"A{row}" for row in range(1, len(cases) + 1)]})[str(path.resolve())]
    return [got["cells"][f"formats!A{row}"]["string"] for row in range(1, len(cases) + 1)]
