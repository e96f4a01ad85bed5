"""Mutated inputs never crash a reader: each gives a document or a named ImportError_ (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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
    data = _mutate(SOURCES[name], cuts)
    path = tmp_path / name
    path.write_bytes(data)
    try:
        imported = import_file(path)
    except ImportError_ as exc:
        assert exc.what and name in str(exc)
        return
    doc = imported.document
    from nianbao.format.spec import all_formats

    fmt = all_formats()[doc["format"]]
    assert set(doc["tables"]) | set(doc["cell_states"]) == set(fmt.cells)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from(list("0123456789 一二三四五、（）.规章总计其他行政复议诉讼申请年报告\n")),
                    max_size=400))
def test_random_text_never_crashes(tmp_path, text):
    path = tmp_path / "x.txt"
    path.write_text("2023年政府信息公开工作年度报告\n二、主动公开政府信息情况\n" + text, encoding="utf-8")
    try:
        import_file(path)
    except ImportError_:
        pass


def test_sniff_by_content_not_name(tmp_path):
    assert sniff(tmp_path / "a.txt", SOURCES["huaian-2024.pdf"]) == "pdf"
    assert sniff(tmp_path / "a.pdf", SOURCES["shuyang-fgj-2023.html"]) == "html"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 200), st.binary(max_size=20)),
                     min_size=1, max_size=4))
def test_mutated_docx_never_crashes(tmp_path, cuts):
    from factory import valid_document
    from published_kit import rendered

    from nianbao.format.spec import all_formats

    if "docx" not in _RENDERED:
        source = tmp_path / "src"
        source.mkdir(exist_ok=True)
        doc = valid_document(all_formats()["gov-info-disclosure-2021"], seed=1)
        _RENDERED["docx"] = rendered(source, doc, "docx").read_bytes()
    data = _mutate(_RENDERED["docx"], cuts)
    path = tmp_path / "m.docx"
    path.write_bytes(data)
    try:
        import_file(path)
    except ImportError_ as exc:
        assert exc.what
