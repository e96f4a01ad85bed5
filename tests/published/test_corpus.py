"""The corpus of real published reports (tests/published/data/corpus/) against its hand transcriptions.

Never a wrong number: every cell an import gives as a number is the printed one (in the format's
unit), and no number appears where the stored copy prints none or cannot tell which. `audit` finds
every true violation of the printed figures and raises no rule error they do not have. What the
importer of main still gets wrong is listed in data/corpus/baseline.json; a failure not listed
fails, and so does a listed one that no longer happens (the list only shrinks).

Readability (how many printed cells are read) is measured, not asserted: benchmarks/published_corpus.py
writes it to docs/published-corpus.md.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from corpus import WRONG, audit_vs_truth, entries, expected, score, true_violations

from nianbao.published import ImportError_, import_file
from nianbao.published.audit import audit_documents

ENTRIES = entries()
TRANSCRIBED = [e for e in ENTRIES if e.meta.get("transcription")]


def _baseline(entry) -> dict:
    path = entry.folder / "baseline.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


@pytest.fixture(scope="module")
def imported():
    """name → (document or None, import findings, ImportError_ message or None); each file read once."""
    out = {}
    for entry in ENTRIES:
        try:
            result = import_file(entry.file)
            out[entry.name] = (result.document, result.findings, None)
        except ImportError_ as exc:
            out[entry.name] = (None, [], exc.what)
    return out


def test_the_corpus_is_there_and_varied():
    assert len(ENTRIES) >= 48
    assert len({e.meta["agency"] for e in ENTRIES}) >= 25
    assert {e.meta["format"] for e in ENTRIES} == {"2019", "2021"}
    assert len({e.meta["province"] for e in ENTRIES}) >= 12
    levels = " ".join(e.meta["level"] for e in ENTRIES)
    for level in ("township", "county department", "province department", "prefecture"):
        assert level in levels, level
    assert len(TRANSCRIBED) >= 48


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_stored_copy_is_unchanged_and_has_its_source(entry):
    """A report is kept as its source stored it: same bytes as when it was collected, with its address."""
    data = entry.file.read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry.meta["sha256"]
    source = entry.meta["source"]
    assert source["url"]
    copy = entry.meta.get("stored_copy") or {"kind": "repository", "truncated": False}
    if copy["kind"] == "repository":
        for key in ("repo", "path"):
            assert source[key], key
    else:  # the search tool's stored page text, answered from its beginning and cut at 2000 bytes
        assert copy["kind"] == "pages"
        assert source["via"]
        assert source["query"]
        if copy["truncated"]:
            assert 1998 <= len(data) <= 2000  # the cut falls on a character boundary
        else:
            assert len(data) < 2000
    for key in ("agency", "level", "province", "year", "format", "layout"):
        assert entry.meta[key], key


@pytest.mark.parametrize("entry", TRANSCRIBED, ids=lambda e: e.name)
def test_transcription_covers_every_cell_and_records_its_violations(entry):
    truth = entry.truth
    assert truth["year"] == entry.meta["year"]
    assert truth["format_guess"] == entry.meta["format"]
    cells = expected(truth)
    assert all(c.state in ("number", "blank", "undetermined") for c in cells.values())
    assert truth["source"]
    assert truth["notes"]
    recorded = truth["consistency"]["violations"]
    assert sorted(f"{rule} {key}" for rule, key in true_violations(truth)) == recorded
    assert truth["consistency"]["has_inconsistency"] == bool(recorded)


SAME_REPORT = [e for e in TRANSCRIBED if e.meta.get("same_report_as")]


@pytest.mark.parametrize("entry", SAME_REPORT, ids=lambda e: e.name)
def test_two_copies_of_one_report_agree_cell_by_cell(entry):
    """A second copy of a report (its HTML page, a page of its PDF) is transcribed on its own: where both
    copies determine a cell, they say the same."""
    other = entry.meta["same_report_as"]
    if other.endswith(".json"):
        theirs = expected(json.loads((entry.folder / other).read_text(encoding="utf-8")))
    else:
        theirs = expected(next(e for e in TRANSCRIBED if e.name == other).truth)
    mine = expected(entry.truth)
    both = [k for k in mine if "undetermined" not in (mine[k].state, theirs[k].state)]
    assert len(both) >= 50
    assert {k: (mine[k].state, mine[k].value) for k in both} == {k: (theirs[k].state, theirs[k].value) for k in both}


@pytest.mark.parametrize("entry", TRANSCRIBED, ids=lambda e: e.name)
def test_no_wrong_number(entry, imported):
    document, _, _ = imported[entry.name]
    wrong = {key: (want, got) for key, want, got, _ in score(entry.truth, document).wrong}
    known = set(_baseline(entry).get("wrong", {}).get(entry.name, []))
    new = {k: v for k, v in wrong.items() if k not in known}
    assert not new, f"{entry.file.name}: wrong numbers (cell: printed, imported): {new}"
    fixed = known - set(wrong)
    assert not fixed, f"{entry.file.name}: no longer wrong, remove from baseline.json: {sorted(fixed)}"


@pytest.mark.parametrize("entry", TRANSCRIBED, ids=lambda e: e.name)
def test_audit_finds_the_true_violations_and_no_false_error(entry, imported):
    document, findings, _ = imported[entry.name]
    if document is None:
        assert not true_violations(entry.truth)
        return
    result = audit_documents([(str(entry.file), document, findings)])[0]
    verdict = audit_vs_truth(entry.truth, result.findings)
    base = _baseline(entry)
    missed = {f"{r} {k}" for r, k in verdict["missed"]}
    false = {f"{r} {k}" for r, k in verdict["false"]}
    known_missed = set(base.get("audit_missed", {}).get(entry.name, []))
    known_false = set(base.get("audit_false", {}).get(entry.name, []))
    assert not missed - known_missed, f"{entry.file.name}: true violations missed: {sorted(missed - known_missed)}"
    assert not false - known_false, f"{entry.file.name}: rule errors the printed figures do not have: " \
                                    f"{sorted(false - known_false)}"
    stale = (known_missed - missed) | (known_false - false)
    assert not stale, f"{entry.file.name}: fixed, remove from baseline.json: {sorted(stale)}"


def test_a_page_without_the_report_is_refused_in_plain_chinese(imported):
    """The archived page of 公安局 2020 holds only its title: no number may come out of it."""
    document, _, message = imported["pingtan-gaj-2020"]
    assert document is None or not document["tables"]
    if document is None:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message or "")


def test_scoring_catches_a_wrong_number():
    """The measurement itself: a number moved into another row, or 元 kept as 万元, is counted wrong."""
    entry = next(e for e in TRANSCRIBED if e.name == "shanghai-bgt-2019")
    truth = entry.truth
    cells = expected(truth)
    doc = {"format": "gov-info-disclosure-2019", "year": 2019, "tables": {}, "cell_states": {}}
    for key, want in cells.items():
        if want.state == "number":
            doc["tables"][key] = want.value
        else:
            doc["cell_states"][key] = {"state": want.state if want.state == "blank" else "unreadable"}
    assert score(truth, doc).counts[WRONG] == 0
    assert doc["tables"]["proactive.procurement.amount"] == pytest.approx(25.1)  # 251000元 in 万元
    doc["tables"]["proactive.procurement.amount"] = 251000
    doc["tables"]["requests.carried_over.commercial"] = 35  # a figure where the page prints nothing
    del doc["cell_states"]["requests.carried_over.commercial"]
    assert {k for k, *_ in score(truth, doc).wrong} == {"proactive.procurement.amount",
                                                         "requests.carried_over.commercial"}
