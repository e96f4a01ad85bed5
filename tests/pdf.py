"""Read a PDF the way a person looks at it (poppler-utils, which `make sysdeps` installs with LibreOffice).

    from pdf import info, text, pngs
    info(pdf)["Pages"], text(pdf), pngs(pdf, tmp_path / "png", dpi=60)
"""

from __future__ import annotations

import subprocess
from pathlib import Path


def _run(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=120).stdout


def info(pdf: Path) -> dict[str, str]:
    """pdfinfo's fields: Pages, Page size, …"""
    lines = _run("pdfinfo", str(pdf)).splitlines()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}


def text(pdf: Path, *options: str) -> str:
    return _run("pdftotext", *options, str(pdf), "-")


def pngs(pdf: Path, folder: Path, dpi: int = 60) -> list[Path]:
    """Every page as a PNG (to look at with an image viewer while working on a layout)."""
    folder.mkdir(parents=True, exist_ok=True)
    _run("pdftoppm", "-r", str(dpi), "-png", str(pdf), str(folder / "page"))
    return sorted(folder.glob("page-*.png"))


def printed_whole(message: str, flat: str) -> bool:
    """message (without white space) appears in flat (a PDF's text without white space) in order and to
    its last character; pdftotext may put a neighbouring cell's few words between its lines."""
    message = "".join(message.split())
    start = flat.find(message[:12])
    while start >= 0:
        at, ok = start, True
        for ch in message:
            at = flat.find(ch, at)
            if at < 0 or at - start > len(message) + 80:
                ok = False
                break
            at += 1
        if ok:
            return True
        start = flat.find(message[:12], start + 1)
    return False
