"""Drive a real LibreOffice from tests: headless conversion with a throwaway user profile.

    from lo import convert
    saved = convert(workbook, tmp_path / "lo")            # open in LibreOffice, save as .xlsx
    pdf = convert(workbook, tmp_path / "pdf", to="pdf")

Tests that need LibreOffice carry @pytest.mark.libreoffice (registered in pyproject.toml);
conftest.py calls require_soffice() for them: skipped when soffice is absent, except under
CI (env CI set), where a missing LibreOffice is a failure, never a silent skip.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

TIMEOUT = 240  # seconds for one soffice run (the first start builds the profile)
FILTERS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "pdf": "pdf"}
_profile: Path | None = None


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_soffice() -> None:
    if soffice():
        return
    if in_ci():
        pytest.fail("LibreOffice (soffice) is required under CI but was not found on PATH")
    pytest.skip("LibreOffice (soffice) is not installed (under CI this is a failure)")


def _profile_url() -> str:
    """One profile per test process: a second soffice on the same profile would hand its work over."""
    global _profile
    if _profile is None:
        _profile = Path(tempfile.mkdtemp(prefix="nianbao-lo-profile-"))
        atexit.register(shutil.rmtree, _profile, True)
    return _profile.as_uri()


def convert_all(sources: list[Path], outdir: Path, to: str = "xlsx") -> list[Path]:
    """Open every source in LibreOffice and save it into outdir as `to`; returns the new files in order."""
    binary = soffice()
    if binary is None:
        require_soffice()
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    sources = [Path(s).resolve() for s in sources]
    ext = to.split(":", 1)[0]
    targets = [outdir / f"{s.stem}.{ext}" for s in sources]
    if len(set(targets)) != len(targets):
        raise ValueError("two sources would convert to the same file name")
    for source, target in zip(sources, targets, strict=True):
        if source == target.resolve():
            raise ValueError(f"converting {source} into its own folder would overwrite it")
        target.unlink(missing_ok=True)
    cmd = [binary, "--headless", "--norestore", "--nolockcheck", f"-env:UserInstallation={_profile_url()}",
           "--convert-to", FILTERS.get(to, to), "--outdir", str(outdir), *map(str, sources)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    missing = [t for t in targets if not t.exists()]
    if proc.returncode != 0 or missing:
        raise AssertionError(f"LibreOffice conversion failed (exit {proc.returncode}); missing {missing}\n"
                             f"stdout: {proc.stdout}\nstderr: {proc.stderr}")
    return targets


def convert(src: Path, outdir: Path, to: str = "xlsx") -> Path:
    """Open src in LibreOffice and save it into outdir as `to` (xlsx, pdf, or a full filter string)."""
    return convert_all([src], outdir, to)[0]


# Every sheet as CSV of what LibreOffice shows (cell text as displayed, formulas as their results):
# separator, quote, UTF-8, -, -, -, quoted as text, special numbers, "as shown", no formulas, keep
# spaces, every sheet (-1: one file <stem>-<sheet>.csv each; LibreOffice 7.2 and later).
_SHOWN_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
_CSV_UTF8_IN = "CSV:44,34,76,1"  # how a UTF-8 CSV with its BOM opens (Excel reads the BOM the same way)


def shown_sheets(source: Path, outdir: Path) -> dict[str, list[list[str]]]:
    """Open source (.xlsx, or .csv as UTF-8) in LibreOffice: {sheet name: rows of the text each cell shows}.

    A formula shows its result here ("点我" for =HYPERLINK(…,"点我"), 2 for =1+1), a text its text."""
    import csv

    binary = soffice()
    if binary is None:
        require_soffice()
    source, outdir = Path(source).resolve(), Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    infilter = [f"--infilter={_CSV_UTF8_IN}"] if source.suffix.lower() == ".csv" else []
    cmd = [binary, "--headless", "--norestore", "--nolockcheck", f"-env:UserInstallation={_profile_url()}",
           *infilter, "--convert-to", _SHOWN_CSV, "--outdir", str(outdir), str(source)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    sheets = {}
    for line in proc.stdout.splitlines():  # "Writing sheet <name> -> <file>"
        if line.startswith("Writing sheet ") and " -> " in line:
            name, _, file = line.removeprefix("Writing sheet ").rpartition(" -> ")
            with open(file, encoding="utf-8", newline="") as fh:
                sheets[name] = list(csv.reader(fh))
    if proc.returncode != 0 or not sheets:
        raise AssertionError(f"LibreOffice CSV export failed (exit {proc.returncode})\nstdout: {proc.stdout}\n"
                             f"stderr: {proc.stderr}")
    return sheets
