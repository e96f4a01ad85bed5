"""The three real published reports against their hand-checked transcriptions, cell by cell.

huaian-2024.pdf (PDF with a text layer, tables across pages, 表四 headers jumbled),
shuyang-fgj-2023.html (Word-paste HTML, 法人 columns printed blank, 规范性文件 label),
pingtan-2019.txt (a crawler's dump: cells run together).
"""

from __future__ import annotations

import pytest
from transcripts import DATA, REAL, expected_cells, load

from nianbao.format.schema import validate
from nianbao.format.spec import all_formats
from nianbao.published import import_file
from nianbao.published.audit import audit_paths

# pingtan 表二: the dump runs every row's digits together (“规范性文件898989”) and 表二 has no row
# totals, so no split is decided by the row's own arithmetic: those 19 cells must be unreadable.
AMBIGUOUS = {"pingtan-2019.txt": {
    "proactive.normative_docs.made", "proactive.normative_docs.published", "proactive.normative_docs.total_public",
    "proactive.licensing.prev_count", "proactive.licensing.change", "proactive.licensing.decisions",
    "proactive.other_services.prev_count", "proactive.other_services.change", "proactive.other_services.decisions",
    "proactive.penalty.prev_count", "proactive.penalty.change", "proactive.penalty.decisions",
    "proactive.enforcement.prev_count", "proactive.enforcement.change", "proactive.enforcement.decisions",
    "proactive.fees.prev_count", "proactive.fees.change",
    "proactive.procurement.projects", "proactive.procurement.amount"}}


@pytest.fixture(scope="module", params=sorted(REAL))
def real(request):
    name = request.param
    return name, import_file(DATA / name), load(REAL[name])


def test_every_number_as_printed(real):
    """Every cell equals the transcription; null there is blank here; nothing is ever wrong."""
    name, imported, transcription = real
    doc = imported.document
    assert doc["format"] == f"gov-info-disclosure-{transcription['format_guess']}"
    assert doc["year"] == transcription["year"]
    states = doc["cell_states"]
    ambiguous = AMBIGUOUS.get(name, set())
    for key, value in expected_cells(transcription).items():
        if key in ambiguous:
            assert states[key]["state"] == "unreadable", key
            assert key not in doc["tables"]
        elif value is None:
            assert states[key]["state"] == "blank", key
            assert key not in doc["tables"]
        else:
            assert doc["tables"][key] == value, key
            assert states.get(key, {}).get("state") in (None, "reconstructed"), key


def test_document_matches_the_schema_and_records_where_each_number_is(real):
    _, imported, _ = real
    doc = imported.document
    fmt = all_formats()[doc["format"]]
    assert validate(fmt, doc) == []
    assert set(doc["tables"]) | set(doc["cell_states"]) == set(fmt.cells)
    assert all(doc["provenance"].get(k) for k in doc["tables"])
    assert doc["imported"]["sha256"] and doc["imported"]["reader"] in ("pdf", "html", "text")


def test_agency_year_and_narrative(real):
    name, imported, transcription = real
    doc = imported.document
    assert transcription["agency"].startswith(doc["agency"]["name"])
    excerpt = "".join(transcription["narrative_excerpt"].split())[:30]
    assert excerpt in "".join(doc["sections"]["overview"].split())
    assert doc["sections"]["problems"]


def test_audit_reports_no_error_on_the_real_reports():
    results = audit_paths([DATA / name for name in REAL])  # data/corpus/ is test_corpus.py's
    assert sorted(r.file.rsplit("/", 1)[-1] for r in results) == sorted(REAL)
    assert all(r.errors == 0 for r in results), [(r.file, [f.message for f in r.findings if f.severity == "error"])
                                                 for r in results]


def test_shuyang_label_variant_and_blank_columns_are_findings():
    """shuyang prints 规范性文件 for 行政规范性文件 and leaves the five 法人 columns blank."""
    imported = import_file(DATA / "shuyang-fgj-2023.html")
    variants = [f for f in imported.findings if f.rule == "IMPORT_LABEL_VARIANT"]
    assert [f.key for f in variants] == ["proactive.normative_docs.issued"]
    assert "规范性文件" in variants[0].message
    blank = [k for k, s in imported.document["cell_states"].items() if s["state"] == "blank"]
    assert len(blank) == 125 and all(k.split(".")[-1] in ("commercial", "research", "nonprofit", "legal", "other_org")
                                      for k in blank)


def test_huaian_numbering_variant_1_dun_is_reported():
    """huaian prints “1、” where the format prints “1.” in the three （六） rows."""
    imported = import_file(DATA / "huaian-2024.pdf")
    keys = {f.key for f in imported.findings if f.rule == "IMPORT_LABEL_VARIANT"}
    assert keys == {"requests.outcome.other.no_correction.natural", "requests.outcome.other.unpaid_fee.natural",
                    "requests.outcome.other.misc.natural"}


def test_pingtan_run_together_rows_are_reconstructed_by_their_totals():
    """“230 000023” for 一、本年新收: the only split where 总计 = the six columns."""
    doc = import_file(DATA / "pingtan-2019.txt").document
    assert [doc["tables"][f"requests.received.{c}"] for c in
            ("natural", "commercial", "research", "nonprofit", "legal", "other_org", "total")] == [23, 0, 0, 0, 0, 0, 23]
    state = doc["cell_states"]["requests.received.natural"]
    assert (state["state"], state["printed"]) == ("reconstructed", "23") and "T3-2" in state["note"]
    assert doc["provenance"]["requests.received.natural"].startswith("第")
