"""pdftotext works within limits set by the PDF's size and pages: a hostile PDF of a few KB is refused
in seconds with a clear finding, and the files after it are read as before."""

from __future__ import annotations

import shutil
import time

import pytest
from hostile import SLOW_PDFS
from lo import in_ci
from transcripts import DATA

from nianbao.cli import main
from nianbao.external import MB
from nianbao.published import pdf
from nianbao.published.audit import audit_paths

REAL_PDF = DATA / "huaian-2024.pdf"


@pytest.fixture(autouse=True)
def _poppler():
    if shutil.which("pdftotext") and shutil.which("pdfinfo"):
        return
    if in_ci():
        pytest.fail("poppler-utils (pdftotext, pdfinfo) is required under CI")
    pytest.skip("poppler-utils (pdftotext, pdfinfo) is not installed (under CI this is a failure)")


@pytest.mark.parametrize("case", sorted(SLOW_PDFS))
def test_a_hostile_pdf_is_refused_in_seconds_and_the_batch_goes_on(tmp_path, case):
    make, words = SLOW_PDFS[case]
    hostile = make(tmp_path)
    assert hostile.stat().st_size < 10_000
    real = tmp_path / "real.pdf"
    real.write_bytes(REAL_PDF.read_bytes())
    start = time.monotonic()
    bad, good = audit_paths([hostile, real])
    took = time.monotonic() - start
    assert bad.status == "unreadable"
    assert [f.rule for f in bad.findings] == ["IMPORT_FAILED"]
    assert bad.findings[0].message.startswith(f"无法读取：{words}")
    assert good.status != "unreadable"
    assert good.agency["name"]
    # The hostile file's limit is 3.5 s (1 page, a few KB) or its output cap; the real one takes
    # well under a second. 20 s leaves room for a loaded machine, against minutes without limits.
    assert took < 20, took


def test_audit_names_the_timeout_and_exits_as_for_any_unreadable_file(tmp_path, capsys):
    hostile = SLOW_PDFS["nested_drawings"][0](tmp_path)
    assert main(["audit", str(hostile)]) == 2
    out = capsys.readouterr().out
    assert "无法读取：PDF 处理超时（超过 3.5 秒，按文件大小 4 KB、1 页给出的上限）" in out


def test_limits_grow_with_the_input_and_are_capped():
    small, one_page = pdf.limits(3_000, 1)
    assert small == 3.5
    assert one_page == 4 * MB + MB // 4 + 16 * 3_000
    report = pdf.limits(412_842, 6)  # the real 6-page 淮安 report
    assert 6 < report[0] < 8
    assert report[1] > 40 * 50_245  # its pdftotext -bbox output is 50 KB
    assert pdf.limits(30 * MB, 10_000) == (pdf.MAX_SECONDS, pdf.MAX_OUTPUT)
    assert pdf.limits(1_000, 2)[0] < pdf.limits(1_000, 20)[0] < pdf.limits(5 * MB, 20)[0]


def test_page_count_comes_from_pdfinfo_and_a_guess_without_it(tmp_path, monkeypatch):
    real = tmp_path / "real.pdf"
    real.write_bytes(REAL_PDF.read_bytes())
    assert pdf._page_count(real, real, real.stat().st_size) == 6
    flood = SLOW_PDFS["text_flood"][0](tmp_path)
    assert pdf._page_count(flood, flood, flood.stat().st_size) == 40
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None if name == "pdfinfo" else shutil.which(name))
    assert pdf._page_count(real, real, 412_842) == 9  # 50 KB a page
