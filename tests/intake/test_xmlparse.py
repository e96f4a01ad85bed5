"""The XML parser every workbook part goes through: DTDs refused, malformed XML named, no hang."""

from __future__ import annotations

import pytest

from nianbao.intake.xmlparse import MAX_PART_BYTES, BadXml, DtdRefused, guard, parse

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def test_comments_cdata_and_character_references_read_as_a_conforming_reader_does():
    root = parse("p", f'<x:sheetData xmlns:x="{NS}"><!--<x:v>999</x:v>--><x:v><![CDATA[4]]>&#49;</x:v>'
                      f"</x:sheetData>".encode())
    assert [v.text for v in root.iter(f"{{{NS}}}v")] == ["41"]


@pytest.mark.parametrize("doc", [
    b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>',
    b'<?xml version="1.0"?><!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>',
    b"<!-- a long prolog -->" * 500 + b"<!DOCTYPE a><a/>",
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a><a/>'.encode("utf-16"),
])
def test_a_document_type_declaration_is_refused(doc):
    with pytest.raises(DtdRefused):
        parse("xl/sharedStrings.xml", doc)


def test_guard_stops_at_the_root_element():
    """guard reads the prolog only: markup after the root's start tag, broken or not, is parse's to judge."""
    broken_later = b"<a>" + b"<b/>" * 100_000 + b"<<not xml"
    assert guard("p", broken_later) is None  # read whole, the broken tail would have raised BadXml
    with pytest.raises(BadXml):
        parse("p", broken_later)
    with pytest.raises(DtdRefused):
        guard("p", b"<!-- before the root -->" * 300 + b"<!DOCTYPE a>" + broken_later)


@pytest.mark.parametrize("doc", [b'<a><c r="A1"><v>1</v>' * 2000, b"<a>&undefined;</a>", b"", b"<a></b>"])
def test_malformed_xml_is_bad_xml_with_a_place(doc):
    with pytest.raises(BadXml) as caught:
        parse("xl/worksheets/sheet3.xml", doc)
    assert "xl/worksheets/sheet3.xml" in caught.value.describe()


def test_a_part_too_large_is_refused_before_parsing():
    with pytest.raises(BadXml):
        parse("p", b" " * (MAX_PART_BYTES + 1))
