"""Edit a workbook in a real LibreOffice through UNO, the way a clerk would: insert or delete rows
and columns of a sheet, then save it as .xlsx.

    from lo_uno import edit_rows
    edit_rows(src, dest, "表二 主动公开", [("insert_rows", 4, 1), ("delete_rows", 7, 1)])  # 0-based

UNO needs Debian's python3-uno (the system Python, not the venv): the edit runs in a child
/usr/bin/python3 that starts a headless soffice on a private pipe with a throwaway profile.
Tests that use it carry @pytest.mark.libreoffice and call require_uno(): skipped when soffice or
python3-uno is absent, except under CI, where that is a failure.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from lo import in_ci, soffice

SYSTEM_PYTHON = "/usr/bin/python3"
TIMEOUT = 240

_SCRIPT = r'''
import json, subprocess, sys, time
import uno
from com.sun.star.beans import PropertyValue

job = json.loads(sys.argv[1])

def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p

pipe = job["pipe"]
office = subprocess.Popen([job["soffice"], "--headless", "--norestore", "--nolockcheck", "--nodefault",
                           "-env:UserInstallation=" + job["profile"], "--accept=pipe,name=%s;urp;" % pipe])
try:
    resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext())
    for _ in range(600):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            time.sleep(0.2)
    else:
        sys.exit("soffice did not answer")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(job["src"]), "_blank", 0, (prop("Hidden", True),))
    sheet = doc.Sheets.getByName(job["sheet"])
    if sheet.isProtected():
        sheet.unprotect(job["password"])
    for op, index, count in job["ops"]:
        {"insert_rows": sheet.Rows.insertByIndex, "delete_rows": sheet.Rows.removeByIndex,
         "insert_cols": sheet.Columns.insertByIndex, "delete_cols": sheet.Columns.removeByIndex}[op](index, count)
    doc.storeToURL(uno.systemPathToFileUrl(job["dest"]), (prop("FilterName", "Calc MS Excel 2007 XML"),))
    doc.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass
finally:
    try:
        office.wait(timeout=30)
    except subprocess.TimeoutExpired:
        office.kill()
'''


def uno_available() -> bool:
    if not soffice() or not Path(SYSTEM_PYTHON).exists():
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, check=False).returncode == 0


def require_uno() -> None:
    if uno_available():
        return
    if in_ci():
        pytest.fail("LibreOffice with python3-uno is required under CI but was not found")
    pytest.skip("LibreOffice or python3-uno is not installed (under CI this is a failure)")


def edit_rows(src: Path, dest: Path, sheet: str, ops: list[tuple[str, int, int]], password: str = "") -> Path:
    """Open src in LibreOffice, apply ops (insert_rows/delete_rows/insert_cols/delete_cols, 0-based index,
    count) to one sheet, save as dest (.xlsx)."""
    profile = Path(tempfile.mkdtemp(prefix="nianbao-uno-profile-"))
    try:
        job = {"soffice": soffice(), "profile": profile.as_uri(), "pipe": f"nianbao_{uuid.uuid4().hex}",
               "src": str(Path(src).resolve()), "dest": str(Path(dest).resolve()), "sheet": sheet,
               "ops": ops, "password": password}
        proc = subprocess.run([SYSTEM_PYTHON, "-c", _SCRIPT, json.dumps(job)], capture_output=True, text=True,
                              timeout=TIMEOUT, check=False)
        if proc.returncode != 0 or not Path(dest).exists():
            raise AssertionError(f"LibreOffice (UNO) edit failed (exit {proc.returncode})\n"
                                 f"stdout: {proc.stdout}\nstderr: {proc.stderr}")
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return Path(dest)
