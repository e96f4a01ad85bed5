"""What a browser shows of a published page's element (published/visible.py), read as the importer reads it.

Each case is a small page a real site could print: the cell's text and its marks are what a reader sees, the
page's own style rules apply whatever else the stylesheet holds, and a page with more style rules than are read
is told to the user, never read silently as if every rule had been.
"""

from __future__ import annotations

import lxml.html
import pytest
from factory import valid_document
from published_kit import rendered

from nianbao.format.spec import all_formats
from nianbao.published import import_file
from nianbao.published.html import read_html
from nianbao.published.settings import ImportSettings
from nianbao.published.visible import HIDDEN, MAX_STYLE_RULES, STRUCK, Visibility, cell_text


def _cell(page: str, style: str = "") -> tuple[str, tuple[str, ...]]:
    """The text and marks of the page's cell with id="c"."""
    root = lxml.html.document_fromstring(f"<html><head><style>{style}</style></head><body><table><tr>"
                                         f"<td id='c'>{page}</td></tr></table><p>.gone{{display:none}}</p></body>"
                                         f"</html>")
    return cell_text(root.get_element_by_id("c"), Visibility(root))


@pytest.mark.parametrize("inner", [
    "12<s></s>",  # an editor's empty strike-through, left after the figure
    "12<s> <span></span> </s>",  # … holding only spaces, in several pieces
    "<del>\n</del>12<sup> </sup>",
])
def test_an_empty_struck_or_raised_element_does_not_make_a_figure_ambiguous(inner):
    assert _cell(inner) == ("12", ())


def test_a_struck_element_with_its_own_inline_style_is_still_struck():
    assert _cell('<del style="color:red">12</del>') == ("12", (STRUCK,))
    assert _cell('<span style="color:red" class="x">12</span>', ".x{text-decoration:line-through}") == ("12", (STRUCK,))


@pytest.mark.parametrize("style", [
    "@media print { td { color: black } } .n { display: none }",  # an at-rule before the rule that hides
    "@import url(x.css); .n { display: none }",
    ".a { color: red } .n { display: none }",  # a rule that changes nothing that is read, before it
    ".n, a:hover { display: none }",  # grouped with a selector the page's rules do not apply (a pseudo-class)
    "a::before, .n { display: none }",
    "SPAN.n { display: none }",  # upper-case element names, as older editors write them
])
def test_a_rule_that_hides_applies_whatever_else_the_style_sheet_holds(style):
    assert _cell('<span class="n">3</span>12', style) == ("12", ())


def test_text_that_looks_like_a_style_rule_outside_a_style_element_styles_nothing():
    # the page's paragraph prints ".gone{display:none}" as text: a browser shows it and applies nothing
    assert _cell('<span class="gone">1</span>2') == ("12", ())


def _page_with_rules(count: int, hiding_last: bool = True) -> bytes:
    filler = "".join(f".f{i} {{ color: red }}" for i in range(count - 1))
    last = ".n { display: none }" if hiding_last else ".g { color: blue }"
    return (f"<html><head><style>{filler}{last}</style></head><body><p>本年度新收申请<span class='n'>9</span>"
            f"3件。</p></body></html>").encode()


def test_the_page_style_rules_are_read_up_to_the_bound_and_a_longer_sheet_is_told():
    at_bound = read_html("p.html", _page_with_rules(MAX_STYLE_RULES), ImportSettings())
    assert at_bound.lines[0].text == "本年度新收申请3件。"
    assert at_bound.unread == []
    past = read_html("p.html", _page_with_rules(MAX_STYLE_RULES + 1), ImportSettings())
    assert past.lines[0].text == "本年度新收申请93件。"  # the rule past the bound is not read …
    assert len(past.unread) == 1 and f"超过 {MAX_STYLE_RULES} 条" in past.unread[0]  # … and the user is told


def test_the_bound_counts_only_rules_that_are_rules():
    # at-rules are not counted: MAX_STYLE_RULES rules after a thousand @font-face blocks are all read
    fonts = "".join(f"@font-face {{ font-family: f{i} }}" for i in range(1000))
    page = _page_with_rules(MAX_STYLE_RULES).replace(b"<style>", f"<style>{fonts}".encode())
    doc = read_html("p.html", page, ImportSettings())
    assert doc.lines[0].text == "本年度新收申请3件。" and doc.unread == []


def test_an_element_inside_a_paragraph_runs_on_with_its_text():
    doc = read_html("p.html", "<html><body><p>本年度新制作<span>12</span>件，<b>其中</b>主动公开<a>3</a>件。</p>"
                              "<div>另起一段</div></body></html>".encode(), ImportSettings())
    assert [ln.text for ln in doc.lines] == ["本年度新制作12件，其中主动公开3件。", "另起一段"]


def test_an_import_of_a_page_with_too_many_style_rules_warns_and_names_why(tmp_path):
    fmt = all_formats()["gov-info-disclosure-2021"]
    page = rendered(tmp_path, valid_document(fmt, seed=5), "html")
    filler = "".join(f".f{i} {{ color: red }}" for i in range(MAX_STYLE_RULES + 1))
    html = page.read_text(encoding="utf-8").replace("</head>", f"<style>{filler}</style></head>", 1)
    page.write_text(html, encoding="utf-8")
    result = import_file(page)
    told = [f for f in result.findings if f.rule == "IMPORT_UNREAD"]
    assert [f.severity for f in told] == ["warning"]
    assert "请对照网页核对" in told[0].message
    page.write_text(rendered(tmp_path, valid_document(fmt, seed=5), "html").read_text(encoding="utf-8"),
                    encoding="utf-8")
    assert not [f for f in import_file(page).findings if f.rule == "IMPORT_UNREAD"]


def test_hidden_is_what_an_element_and_its_rules_say():
    root = lxml.html.document_fromstring("<html><head><style>.n{display:none}</style></head><body>"
                                         "<p id='a' class='n' style='color:red'>1</p><p id='b' hidden>2</p>"
                                         "<p id='c'>3</p></body></html>")
    seen = Visibility(root)
    assert [seen.hidden(root.get_element_by_id(i)) for i in "abc"] == [True, True, False]
    assert HIDDEN in seen.effects(root.get_element_by_id("a"))
