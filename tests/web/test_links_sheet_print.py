"""The printable link sheet as a county office prints it: Chromium's print to PDF, A4, then each
page as an image (pdftoppm) read by zbar: every unit's QR code opens that unit's link, and no
cut-out block is split across two pages. NIANBAO_SCREENSHOTS=folder keeps the pages to look at.
"""

from __future__ import annotations

import base64
import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from browser import chrome
from lo import in_ci
from web_kit import FMT, YEAR

from nianbao.cli import main
from nianbao.web.service import Service, ServiceConfig

pytestmark = pytest.mark.chromium

# Real-length names: the longest ones wrap in their block.
UNITS = [("230421-01", "萝北县人民政府办公室"), ("230421-02", "萝北县发展和改革局"),
         ("230421-03", "萝北县教育局"), ("230421-04", "萝北县公安局"),
         ("230421-05", "萝北县人力资源和社会保障局"), ("230421-06", "萝北县自然资源局"),
         ("230421-07", "萝北县住房和城乡建设局"), ("230421-08", "萝北县退役军人事务局"),
         ("230421-21", "萝北县凤翔镇人民政府"),
         ("230421-99", "黑龙江省鹤岗市萝北县名山镇人民政府农业综合服务中心（名山镇乡村振兴工作站）")]
BASE_URL = "https://nianbao.luobei.gov.cn"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if in_ci():
            pytest.fail(f"{name} is required under CI (make sysdeps)")
        pytest.skip(f"{name} not installed")
    return path


@pytest.fixture
def sheet(tmp_path) -> tuple[Path, dict[str, str]]:
    roster = tmp_path / "roster.csv"
    roster.write_text("code,name,level\n" + "".join(f"{c},{n},county\n" for c, n in UNITS), encoding="utf-8")
    config = ServiceConfig(store=tmp_path / "store", roster_path=roster, year=YEAR, format_id=FMT.id, workers=0,
                           deadline=None, base_url=BASE_URL)
    Service(config).db.close()
    out = tmp_path / "links.csv"
    assert main(["links", "--store", str(config.store), "-o", str(out), "--sheet", str(tmp_path / "links.html")]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    return tmp_path / "links.html", {r["code"]: r["url"] for r in rows}


def _print_to_pdf(html: Path, pdf: Path, tmp_path: Path) -> None:
    with chrome(tmp_path / "downloads") as driver:
        driver.get(html.as_uri())
        printed = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True,
                                                             "displayHeaderFooter": False})
    pdf.write_bytes(base64.b64decode(printed["data"]))


def test_the_printed_sheet_is_a4_and_every_qr_code_opens_its_unit(sheet, tmp_path):
    pdftoppm, zbarimg, pdftotext, pdfinfo = (_tool(n) for n in ("pdftoppm", "zbarimg", "pdftotext", "pdfinfo"))
    html, urls = sheet
    pdf = tmp_path / "links.pdf"
    _print_to_pdf(html, pdf, tmp_path)

    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, timeout=60).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size:"))
    width, height = (float(x) for x in size.split(":")[1].split("pts")[0].split(" x "))
    assert (round(width), round(height)) == (595, 842)  # A4 portrait, in points
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    assert 2 <= pages <= 4  # about four blocks to a page

    folder = Path(os.environ.get("NIANBAO_SCREENSHOTS") or tmp_path / "pages")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([pdftoppm, "-r", "110", "-png", str(pdf), str(folder / "links-sheet")], check=True, timeout=120)
    images = sorted(folder.glob("links-sheet*.png"))
    assert len(images) == pages
    decoded = []
    for image in images:
        out = subprocess.run([zbarimg, "--raw", "-q", str(image)], capture_output=True, text=True, timeout=120)
        decoded += out.stdout.split()
    assert sorted(decoded) == sorted(urls.values())  # every unit's code, each read once, each its own link

    for page in range(1, pages + 1):  # a block is never cut by a page break: its name and link share a page
        text = subprocess.run([pdftotext, "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
                              capture_output=True, text=True, timeout=60).stdout
        flat = "".join(text.split())
        for code, name in UNITS:
            token = urls[code].rsplit("/", 1)[1]
            assert (name in flat) == (token in flat), (page, code)
