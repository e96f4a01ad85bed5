"""Reports nianbao renders itself import back to exactly the same document (both format versions).

Every form nianbao renders — Word, web page, Markdown, and LibreOffice's PDF of the Word file —
reads back exactly: the figure sentences printed before each table are never rows, whatever
page breaks and line wraps fall where. With hypothesis: random valid reports (many zeros or
four- and five-digit figures, long and short narratives, every renderer).
"""

from __future__ import annotations

import pytest
from factory import valid_document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from published_kit import FORMATS, random_report, rendered

from nianbao.format.spec import all_formats
from nianbao.published import import_file


def assert_same(doc: dict, back: dict) -> None:
    """Everything a report prints: format, year, agency name, date, sections, every number; no states."""
    assert back["format"] == doc["format"]
    assert back["year"] == doc["year"]
    assert back["agency"]["name"] == doc["agency"]["name"]
    assert back["date"] == doc["date"]
    assert back["sections"] == doc["sections"]
    assert back["tables"] == doc["tables"]
    assert back["cell_states"] == {}


@pytest.mark.parametrize("to", ["docx", "html"])
@pytest.mark.parametrize("format_id", FORMATS)
def test_rendered_report_imports_back(tmp_path, format_id, to):
    doc = valid_document(all_formats()[format_id], seed=2)
    imported = import_file(rendered(tmp_path, doc, to))
    assert_same(doc, imported.document)
    assert imported.findings == []


# Seeds of random_report whose LibreOffice PDFs break pages and wrap the figure sentences in different
# places: a paragraph before a table split by a page break, a table starting a page, 表三 broken across
# pages inside （三）不予公开 and inside （六）其他处理, many zeros, four- and five-digit figures.
PDF_SEEDS = (2, 6, 10, 11, 17, 18, 29, 47)


@pytest.mark.libreoffice
def test_rendered_report_as_pdf_imports_back(tmp_path):
    """LibreOffice's PDF of the Word report: tables, title, date and narrative back exactly, no finding.
    The paragraph of figure sentences before each table (“本年度作出行政许可决定 39 件、行政处罚决定…”,
    wrapped so that a line reads “行政处罚 2609”) is running text, never a row."""
    from lo import convert_all

    docs = {(fid, seed): random_report(all_formats()[fid], seed) for fid in FORMATS for seed in PDF_SEEDS}
    sources = [rendered(tmp_path, doc, "docx", f"{fid}-{seed}") for (fid, seed), doc in docs.items()]
    for (fid, seed), pdf in zip(docs, convert_all(sources, tmp_path / "pdf", to="pdf"), strict=True):
        imported = import_file(pdf)
        assert_same(docs[(fid, seed)], imported.document)
        assert [f.message for f in imported.findings] == [], (fid, seed)


@pytest.mark.libreoffice
def test_a_figure_wrapped_in_its_cell_is_unreadable_never_a_part_of_it(tmp_path):
    """A six-digit figure does not fit 表三's columns: LibreOffice wraps it (“48454” over “2”). Neither part
    is ever read as the figure; every other cell reads exactly."""
    from lo import convert

    fmt = all_formats()["gov-info-disclosure-2021"]
    doc = valid_document(fmt, seed=3)
    doc["tables"] = {k: v * 997 if k.startswith("requests.") else v for k, v in doc["tables"].items()}
    pdf = convert(rendered(tmp_path, doc, "docx"), tmp_path / "pdf", to="pdf")
    back = import_file(pdf).document
    wide = {k for k, v in doc["tables"].items() if v >= 100_000}
    assert wide
    for key, value in doc["tables"].items():
        if key in back["tables"]:
            assert back["tables"][key] == value, key
        else:
            assert back["cell_states"][key]["state"] == "unreadable", key
    assert all(k in back["tables"] for k in doc["tables"] if k not in wide)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), format_id=st.sampled_from(FORMATS), to=st.sampled_from(["docx", "html", "md"]))
def test_random_reports_round_trip_through_every_renderer(tmp_path, seed, format_id, to):
    """Word, web page and Markdown (its escapes “\\-5”, “1\\.” and “\\|” read as the characters they stand for)."""
    doc = random_report(all_formats()[format_id], seed)
    imported = import_file(rendered(tmp_path, doc, to, f"r{seed}"))
    assert_same(doc, imported.document)
    assert [f.message for f in imported.findings] == []


def test_html_printed_to_pdf_by_chromium_imports_back(tmp_path):
    """Another PDF producer (Chromium's print to PDF of the web page): the same numbers come back."""
    import shutil
    import subprocess

    from lo import in_ci

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        if in_ci():
            pytest.fail("chromium is required under CI but was not found on PATH")
        pytest.skip("chromium is not installed (under CI this is a failure)")
    for fid in FORMATS:
        doc = valid_document(all_formats()[fid], seed=4)
        page = rendered(tmp_path, doc, "html", fid)
        pdf = tmp_path / f"{fid}.pdf"
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={pdf}", page.as_uri()],
                       capture_output=True, timeout=180, check=False)
        assert pdf.exists(), "chromium did not print the page"
        back = import_file(pdf).document
        assert back["tables"] == doc["tables"]
        assert back["cell_states"] == {}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), format_id=st.sampled_from(FORMATS))
def test_crawler_dump_of_a_rendered_page_is_never_wrong(tmp_path, seed, format_id):
    """The page's text as a crawler dumps it (cells run together): every number exact or unreadable, never wrong."""
    import lxml.html

    doc = valid_document(all_formats()[format_id], seed=seed)
    page = lxml.html.fromstring(rendered(tmp_path, doc, "html", f"p{seed}").read_bytes())
    for caption in page.iter("caption"):
        caption.getparent().remove(caption)
    title = page.findtext(".//title") or ""
    body = "".join(page.find("body").itertext())
    dump = tmp_path / f"p{seed}.txt"
    dump.write_text(f"标题: {title}\n" + " ".join(body.split()), encoding="utf-8")
    back = import_file(dump).document
    assert back["format"] == doc["format"]
    for key, value in doc["tables"].items():
        if key in back["tables"]:
            assert back["tables"][key] == value, key
        else:
            assert back["cell_states"][key]["state"] == "unreadable", key
    reviews = [k for k in doc["tables"] if k.startswith("reviews.")]
    assert len([k for k in reviews if k in back["tables"]]) in (0, len(reviews))
