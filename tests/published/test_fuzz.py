"""Mutated inputs never crash a reader: each gives a document or a named ImportError_ (hypothesis)."""

from __future__ import annotations

import copy
import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from transcripts import DATA

from nianbao.published import ImportError_, import_file
from nianbao.published.importer import sniff

SOURCES = {name: (DATA / name).read_bytes() for name in ("huaian-2024.pdf", "shuyang-fgj-2023.html",
                                                           "pingtan-2019.txt")}


_RENDERED: dict[str, bytes] = {}  # rendered once per test process


def _mutate(data: bytes, cuts: list[tuple[int, int, bytes]]) -> bytes:
    for at, drop, insert in cuts:
        at %= max(1, len(data))
        data = data[:at] + insert + data[at + drop:]
    return data


@pytest.mark.parametrize("name", sorted(SOURCES))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 400), st.binary(max_size=40)),
                     min_size=1, max_size=6))
def test_mutated_file_never_crashes(tmp_path, name, cuts):
    path = tmp_path / name
    path.write_bytes(_mutate(SOURCES[name], cuts))
    _read_or_refused(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from(list("0123456789 一二三四五、（）.规章总计其他行政复议诉讼申请年报告\n")),
                    max_size=400))
def test_random_text_never_crashes(tmp_path, text):
    path = tmp_path / "x.txt"
    path.write_text("2023年政府信息公开工作年度报告\n二、主动公开政府信息情况\n" + text, encoding="utf-8")
    _read_or_refused(path)


def test_sniff_by_content_not_name(tmp_path):
    assert sniff(tmp_path / "a.txt", SOURCES["huaian-2024.pdf"]) == "pdf"
    assert sniff(tmp_path / "a.pdf", SOURCES["shuyang-fgj-2023.html"]) == "html"


# Mutations of word/document.xml, the part the Word reader walks: an element dropped, repeated or moved
# (a table, row, cell, paragraph, run), a cell's text replaced, a gridSpan or vMerge changed (zero, negative,
# huge, unknown), and bytes cut or inserted in the XML itself. The rest of the package stays valid, so each
# mutant reaches the reader's own parsing rather than the zip layer.
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TAGS = ("tbl", "tr", "tc", "p", "r", "t", "tcPr")
_TEXTS = ("", "0", "-1", "１２", "12.5", "三", "—", "1 2", "999999999999", "<&>", "\u200b7", "x" * 300)
_SPANS = ("0", "-1", "2", "7", "40", "99999", "", "a")
_ops = st.lists(st.tuples(st.sampled_from(("drop", "repeat", "move", "text", "span", "merge", "bytes")),
                          st.sampled_from(_TAGS), st.integers(0, 10**4), st.integers(0, 10**4),
                          st.binary(max_size=12)), min_size=1, max_size=5)


def _docx_with_document_xml(docx: bytes, mutate) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, mutate(data) if info.filename == "word/document.xml" else data)
    return out.getvalue()


def _mutate_xml(xml: bytes, ops) -> bytes:
    root = etree.fromstring(xml)
    cuts = []
    for kind, tag, a, b, raw in ops:
        found = list(root.iter(W + tag))
        if kind == "bytes":
            cuts.append((a, b % 64, raw))
        if not found:
            continue
        el = found[a % len(found)]
        parent = el.getparent()
        if kind == "drop" and parent is not None:
            parent.remove(el)
        elif kind == "repeat":
            el.addnext(copy.deepcopy(el))
        elif kind == "move" and el.getprevious() is not None:
            el.getprevious().addprevious(el)
        elif kind == "text":
            for t in el.iter(W + "t"):
                t.text = _TEXTS[b % len(_TEXTS)]
        elif kind in ("span", "merge"):
            cells = list(root.iter(W + "tc"))
            if not cells:
                continue
            cell = cells[b % len(cells)]
            pr = cell.find(W + "tcPr")
            if pr is None:
                pr = etree.SubElement(cell, W + "tcPr")
                cell.insert(0, pr)
            if kind == "span":
                etree.SubElement(pr, W + "gridSpan").set(W + "val", _SPANS[a % len(_SPANS)])
            else:
                etree.SubElement(pr, W + "vMerge").set(W + "val", ("restart", "continue", "")[a % 3])
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    for at, drop, insert in cuts:  # malformed XML: for the reader to refuse by name, never to crash on
        at %= max(1, len(data))
        data = data[:at] + insert + data[at + drop:]
    return data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=_ops)
def test_mutated_docx_document_xml_never_crashes(tmp_path, ops):
    from factory import valid_document
    from published_kit import rendered

    from nianbao.format.spec import all_formats

    if "docx" not in _RENDERED:
        source = tmp_path / "src"
        source.mkdir(exist_ok=True)
        doc = valid_document(all_formats()["gov-info-disclosure-2021"], seed=1)
        _RENDERED["docx"] = rendered(source, doc, "docx").read_bytes()
    path = tmp_path / "m.docx"
    path.write_bytes(_docx_with_document_xml(_RENDERED["docx"], lambda xml: _mutate_xml(xml, ops)))
    _read_or_refused(path)


def test_the_docx_mutations_reach_the_reader(tmp_path):
    """The unmutated package reads whole; the same package with document.xml mutated reads differently
    or is refused by name: the mutations land in what the reader parses."""
    from factory import valid_document
    from published_kit import rendered

    from nianbao.format.spec import all_formats

    doc = valid_document(all_formats()["gov-info-disclosure-2021"], seed=1)
    docx = rendered(tmp_path, doc, "docx").read_bytes()
    whole = tmp_path / "whole.docx"
    whole.write_bytes(_docx_with_document_xml(docx, lambda xml: xml))
    assert import_file(whole).document["tables"] == import_file(tmp_path / "report.docx").document["tables"]
    dropped = tmp_path / "dropped.docx"  # the statutory tables' rows gone
    dropped.write_bytes(_docx_with_document_xml(docx, lambda xml: _mutate_xml(xml, [("drop", "tbl", 1, 0, b"")] * 3)))
    garbled = tmp_path / "garbled.docx"
    garbled.write_bytes(_docx_with_document_xml(docx, lambda xml: _mutate_xml(xml, [("bytes", "p", 400, 30, b"<")])))
    for path in (dropped, garbled):
        read = _read_or_refused(path)
        assert read is None or read["tables"] != import_file(whole).document["tables"]
    with pytest.raises(ImportError_) as refused:
        import_file(garbled)
    assert "garbled.docx" in str(refused.value)


def _read_or_refused(path):
    """A reader's two allowed answers: a document that accounts for every cell of its format, or a named
    ImportError_ (None here). Anything else — another exception — fails the test."""
    from nianbao.format.spec import all_formats

    try:
        doc, refused = import_file(path).document, None
    except ImportError_ as exc:
        doc, refused = None, exc
    if refused is not None:
        assert refused.what
        assert path.name in str(refused)
        return None
    assert set(doc["tables"]) | set(doc["cell_states"]) == set(all_formats()[doc["format"]].cells)
    return doc
