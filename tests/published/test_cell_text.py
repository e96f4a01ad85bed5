"""A cell's text is what a reader sees (HTML and Word): hidden text dropped, ambiguity unreadable.

Each case edits one number cell of a rendered report. Hidden elements (inline style, the page's
own <style> class rules, the hidden attribute, zero font size, <template>) are dropped; struck
text, superscripts, two digit groups (a space or a <br> between them), commas outside thousands
groups and a decimal in a count make the cell unreadable with the reason — never a joined number.
"""

from __future__ import annotations

import io
import zipfile

import lxml.html
import pytest
from factory import valid_document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from published_kit import assert_never_wrong, rendered

from nianbao.format.spec import all_formats
from nianbao.published import import_file

KEY = "requests.received.natural"  # 一、本年新收 / 自然人: the first value cell of its row


def _page(tmp_path, doc) -> str:
    return rendered(tmp_path, doc, "html").read_text(encoding="utf-8")


def _set_cell(html: str, row_start: str, inner: str, style: str = "") -> str:
    root = lxml.html.document_fromstring(html)
    for tr in root.iter("tr"):
        cells = [c for c in tr if c.tag in ("td", "th")]
        if cells and "".join(cells[0].text_content().split()).startswith(row_start):
            target = next(c for c in cells[1:] if c.text_content().strip())
            for child in list(target):
                target.remove(child)
            target.text = None
            for node in lxml.html.fragments_fromstring(inner):
                if isinstance(node, str):
                    target.text = (target.text or "") + node
                else:
                    target.append(node)
            if style:
                root.find(".//head").append(lxml.html.fromstring(f"<style>{style}</style>"))
            return lxml.html.tostring(root, encoding="unicode")
    raise AssertionError(row_start)


@pytest.fixture
def doc():
    d = valid_document(all_formats()["gov-info-disclosure-2021"], seed=21)
    d["tables"][KEY] = 8  # any value: the cases print their own text
    from nianbao.format.document import compute_derived

    fmt = all_formats()["gov-info-disclosure-2021"]
    d["tables"] = compute_derived(fmt, {k: d["tables"][k] for k in fmt.input_keys()})
    return d


@pytest.mark.parametrize(("inner", "style"), [
    ('8<span style="display:none">0</span>', ""),
    ('<span class="gone">1</span>8', ".gone { display: none }"),
    ('<span hidden>9</span>8', ""),
    ('<span style="font-size:0">9</span>8', ""),
    ('<span style="visibility: hidden">9</span>8', ""),
    ("<template>9</template>8", ""),
    ("<script>document.write(9)</script>8", ""),
    ('<p class="x">8</p><p class="y">7</p>', "td p.y {display:none}"),
])
def test_hidden_text_is_dropped(tmp_path, doc, inner, style):
    path = tmp_path / "h.html"
    path.write_text(_set_cell(_page(tmp_path, doc), "一、本年新收", inner, style), encoding="utf-8")
    back = import_file(path).document
    assert back["tables"][KEY] == 8
    assert KEY not in back["cell_states"]


@pytest.mark.parametrize(("inner", "style", "why"), [
    ("8<sup>1</sup>", "", "上标"),
    ("8<sub>1</sub>", "", "下标"),
    ("<s>12</s> 8", "", "删除线"),
    ("<del>12</del>8", "", "删除线"),
    ("<strike>12</strike>8", "", "删除线"),
    ('<span style="text-decoration: line-through">12</span>8', "", "删除线"),
    ('<span class="old">12</span>8', ".old{text-decoration-line:line-through}", "删除线"),
    ("1<br>8", "", "两组数字"),
    ("1 8", "", "两组数字"),
    ("<p>1</p><p>8</p>", "", "两组数字"),
    ("1,5", "", "逗号"),
    ("12,34", "", "逗号"),
    ("8.0", "", "整数"),
])
def test_ambiguous_text_is_unreadable_with_the_reason(tmp_path, doc, inner, style, why):
    path = tmp_path / "a.html"
    path.write_text(_set_cell(_page(tmp_path, doc), "一、本年新收", inner, style), encoding="utf-8")
    imported = import_file(path)
    back = imported.document
    assert KEY not in back["tables"]
    state = back["cell_states"][KEY]
    assert state["state"] == "unreadable"
    assert why in state["note"]
    assert any(f.key == KEY and why in f.message for f in imported.findings)


def test_thousands_separators_are_read(tmp_path, doc):
    doc["tables"][KEY] = 1234
    from nianbao.format.document import compute_derived

    fmt = all_formats()["gov-info-disclosure-2021"]
    doc["tables"] = compute_derived(fmt, {k: doc["tables"][k] for k in fmt.input_keys()})
    path = tmp_path / "t.html"
    path.write_text(_set_cell(_page(tmp_path, doc), "一、本年新收", "1,234"), encoding="utf-8")
    assert import_file(path).document["tables"][KEY] == 1234


# ------------------------------------------------------------------ Word: the same rules for runs

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx_with_run(tmp_path, doc, make) -> bytes:
    """The rendered .docx with the first value cell of 一、本年新收 rebuilt by make(paragraph)."""
    data = rendered(tmp_path, doc, "docx").read_bytes()
    src = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(src.read("word/document.xml"))
    w = f"{{{_W}}}"
    for tr in root.iter(w + "tr"):
        tcs = list(tr.iter(w + "tc"))
        text = "".join(t.text or "" for t in tcs[0].iter(w + "t")) if tcs else ""
        if text.replace(" ", "").startswith("一、本年新收"):
            cell = next(tc for tc in tcs[1:] if "".join(t.text or "" for t in tc.iter(w + "t")).strip())
            p = cell.find(w + "p")
            for r in p.findall(w + "r"):
                p.remove(r)
            make(p, w)
            break
    return _rezip(src, root)


def _rezip(src: zipfile.ZipFile, root) -> bytes:
    """The package with word/document.xml replaced by root."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for item in src.infolist():
            body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) \
                if item.filename == "word/document.xml" else src.read(item.filename)
            z.writestr(item, body)
    return out.getvalue()


def _run(p, w, text, *props):
    r = etree.SubElement(p, w + "r")
    if props:
        rpr = etree.SubElement(r, w + "rPr")
        for name, val in props:
            el = etree.SubElement(rpr, w + name)
            if val:
                el.set(w + "val", val)
    t = etree.SubElement(r, w + "t")
    t.text = text
    return r


@pytest.mark.parametrize(("runs", "expect"), [
    ([("8", ()), ("0", (("vanish", None),))], 8),
    ([("8", ()), ("1", (("vertAlign", "superscript"),))], "上标"),
    ([("12", (("strike", None),)), ("8", ())], "删除线"),
    ([("12", (("dstrike", None),)), ("8", ())], "删除线"),
    ([("1", ()), ("BR", ()), ("8", ())], "两组数字"),
])
def test_word_runs_follow_the_same_rules(tmp_path, doc, runs, expect):
    def make(p, w):
        for text, props in runs:
            if text == "BR":
                etree.SubElement(etree.SubElement(p, w + "r"), w + "br")
            else:
                _run(p, w, text, *props)

    path = tmp_path / "w.docx"
    path.write_bytes(_docx_with_run(tmp_path, doc, make))
    back = import_file(path).document
    if isinstance(expect, int):
        assert back["tables"][KEY] == expect
    else:
        assert KEY not in back["tables"]
        assert expect in back["cell_states"][KEY]["note"]


# ------------------------------------------------------------------ random pages

_VARIANTS = [
    ('{v}<span style="display:none">7</span>', True),
    ('<span class="gone">3</span>{v}', True),
    ("<s>9</s> {v}", False),
    ("{v}<sup>2</sup>", False),
    ("{v}<br>1", False),
    ('<span style="text-decoration:line-through">4</span>{v}', False),
]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), picks=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 5)),
                                                    min_size=1, max_size=12))
def test_random_pages_with_hidden_and_struck_figures_are_never_wrong(tmp_path, seed, picks):
    """A random valid report's page with hidden spans and struck, raised or two-line figures in random
    number cells: every cell is the true number (hidden text dropped) or unreadable, never another."""
    doc = valid_document(all_formats()["gov-info-disclosure-2021"], seed=seed)
    root = lxml.html.document_fromstring(rendered(tmp_path, doc, "html", f"s{seed}").read_bytes())
    root.find(".//head").append(lxml.html.fromstring("<style>.gone{display:none}</style>"))
    numbers = [td for td in root.iter("td") if td.text and td.text.strip().isdigit() and not len(td)]
    chosen = {at % len(numbers): variant for at, variant in picks}
    for at, variant in chosen.items():
        td = numbers[at]
        value = td.text.strip()
        td.text = None
        for node in lxml.html.fragments_fromstring(_VARIANTS[variant][0].format(v=value)):
            if isinstance(node, str):
                td.text = (td.text or "") + node
            else:
                td.append(node)
    path = tmp_path / f"s{seed}.html"
    path.write_bytes(lxml.html.tostring(root))
    assert_never_wrong(doc, import_file(path).document)


_RUN_VARIANTS = [  # (extra run text, its properties, whether the cell still reads as the true number)
    ("7", (("vanish", None),), True),
    ("2", (("vertAlign", "superscript"),), False),
    ("9", (("strike", None),), False),
    ("3", (("dstrike", None),), False),
]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), picks=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 3)),
                                                    min_size=1, max_size=10))
def test_random_word_reports_with_hidden_and_struck_runs_are_never_wrong(tmp_path, seed, picks):
    """A random valid report as Word with a hidden, struck or raised run added to random number cells:
    every cell is the true number (hidden runs dropped) or unreadable, never another number."""
    doc = valid_document(all_formats()["gov-info-disclosure-2021"], seed=seed)
    data = rendered(tmp_path, doc, "docx", f"w{seed}").read_bytes()
    src = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(src.read("word/document.xml"))
    w = f"{{{_W}}}"
    cells = [tc for tc in root.iter(w + "tc")
             if "".join(t.text or "" for t in tc.iter(w + "t")).strip().isdigit()]
    for at, variant in {at % len(cells): v for at, v in picks}.items():
        text, props, _ = _RUN_VARIANTS[variant]
        _run(cells[at].find(w + "p"), w, text, *props)
    path = tmp_path / f"w{seed}.docx"
    path.write_bytes(_rezip(src, root))
    assert_never_wrong(doc, import_file(path).document)
