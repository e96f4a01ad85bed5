"""What a browser shows of an HTML element: hidden elements dropped, separators kept, ambiguity marked.

CSS honoured (parsed with tinycss2, selectors matched with cssselect through lxml):
- inline `style` attributes and the rules of the page's own `<style>` elements whose selectors
  cssselect understands (type, class, id, attribute, descendant/child; rules inside @media and
  selectors with pseudo-classes or pseudo-elements are ignored; linked stylesheets are not fetched);
- hidden: `display:none`, `visibility:hidden|collapse`, `font-size:0`, `opacity:0`, the `hidden`
  attribute, and `<script> <style> <template> <noscript> <head>` and the like;
- struck: `<s> <strike> <del>` and `text-decoration(-line): line-through`;
- raised or lowered: `<sup> <sub>` and `vertical-align: super|sub`.
Not honoured (said in the import notes): colour equal to the background, off-screen positioning,
clipping, `visibility:visible` inside a hidden parent.

Text is joined as a browser lays it out: inline elements run together, `<br>` and block
elements are line breaks, runs of white space are one space.
"""

from __future__ import annotations

from functools import lru_cache

import tinycss2
from lxml.cssselect import CSSSelector, ExpressionError, SelectorError

_NEVER_SHOWN = {"script", "style", "head", "noscript", "template", "select", "option", "iframe", "object", "svg",
                "title", "meta", "link", "input", "button", "textarea"}
_STRUCK_TAGS = {"s", "strike", "del"}
_RAISED_TAGS = {"sup": "上标", "sub": "下标"}
# Elements a browser lays out as lines of their own (ucapcontent: the article element of a common CMS).
_BLOCKS = {"p", "div", "br", "li", "tr", "td", "th", "table", "caption", "tbody", "thead", "tfoot", "h1", "h2", "h3",
           "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "dl", "dt", "dd", "center", "section", "article", "hr",
           "header", "footer", "main", "body", "html", "form", "ucapcontent"}
_PROPERTIES = ("display", "visibility", "font-size", "opacity", "text-decoration", "text-decoration-line",
               "vertical-align")
HIDDEN, STRUCK, SUPER, SUB = "hidden", "删除线", "上标", "下标"
MAX_STYLE_RULES = 2000  # a page's own <style> rules looked at, at most


def element_tag(el) -> str | None:
    """The lower-case name (libxml2's HTML parser keeps no namespaces), or None for comments and processing
    instructions."""
    if not isinstance(el.tag, str):
        return None
    return el.tag.lower()


def block_tag(tag: str) -> bool:
    return tag in _BLOCKS


@lru_cache(maxsize=4096)
def style_effects(style: str) -> frozenset[str]:
    """What an inline style or a rule's declarations do to the text: HIDDEN, STRUCK, SUPER, SUB."""
    if not any(p in style.lower() for p in _PROPERTIES):
        return frozenset()
    out = set()
    for decl in tinycss2.parse_blocks_contents(style, skip_whitespace=True, skip_comments=True):
        if decl.type != "declaration":
            continue
        tokens = [t for t in decl.value if t.type not in ("whitespace", "comment")]
        words = {t.lower_value for t in tokens if t.type == "ident"}
        name = decl.lower_name
        if name == "display" and "none" in words:
            out.add(HIDDEN)
        elif name == "visibility" and words & {"hidden", "collapse"}:
            out.add(HIDDEN)
        elif name in ("font-size", "opacity") and tokens and tokens[0].type in ("dimension", "number", "percentage") \
                and tokens[0].value == 0:
            out.add(HIDDEN)
        elif name in ("text-decoration", "text-decoration-line") and "line-through" in words:
            out.add(STRUCK)
        elif name == "vertical-align" and words & {"super", "sub"}:
            out.add(SUPER if "super" in words else SUB)
    return frozenset(out)


class Visibility:
    """The effects of a page's CSS on its elements, worked out once per page."""

    def __init__(self, root):
        self._by_rule: dict[object, set[str]] = {}
        self.rules_left_out = False  # the page has more style rules than MAX_STYLE_RULES: the rest are not read
        rules = 0
        for style in root.iter("style"):
            for rule in tinycss2.parse_stylesheet(style.text or "", skip_whitespace=True, skip_comments=True):
                if rule.type != "qualified-rule":
                    continue  # @media, @font-face, …: not applied
                rules += 1
                if rules > MAX_STYLE_RULES:
                    self.rules_left_out = True
                    return
                effects = style_effects(tinycss2.serialize(rule.content))
                if not effects:
                    continue
                for selector in tinycss2.serialize(rule.prelude).split(","):
                    try:
                        matched = CSSSelector(selector.strip(), translator="html")(root)
                    except (SelectorError, ExpressionError, ValueError):
                        continue
                    for el in matched:
                        self._by_rule.setdefault(el, set()).update(effects)

    def effects(self, el) -> frozenset[str] | set[str]:
        tag = element_tag(el)
        if tag is None:
            return frozenset()
        out = set(self._by_rule.get(el, ()))
        if tag in _NEVER_SHOWN or el.get("hidden") is not None:
            out.add(HIDDEN)
        if tag in _STRUCK_TAGS:
            out.add(STRUCK)
        if tag in _RAISED_TAGS:
            out.add(_RAISED_TAGS[tag])
        style = el.get("style")
        if style:
            out |= style_effects(style)
        return out

    def hidden(self, el) -> bool:
        return HIDDEN in self.effects(el)


def cell_text(el, seen: Visibility) -> tuple[str, tuple[str, ...]]:
    """(the text a browser shows, the marks that make it ambiguous: 删除线, 上标, 下标)."""
    parts: list[str] = []
    marks: list[str] = []
    _collect(el, seen, parts, marks)
    return " ".join("".join(parts).split()), tuple(dict.fromkeys(marks))


def _collect(el, seen: Visibility, parts: list[str], marks: list[str]) -> None:
    tag = element_tag(el)
    if tag is None:
        return
    effects = seen.effects(el)
    if HIDDEN in effects:
        return
    block = tag in _BLOCKS  # the line breaks around the element itself vanish with the outer white space
    if block:
        parts.append("\n")
    start = len(parts)
    if el.text:
        parts.append(el.text)
    for child in el:
        _collect(child, seen, parts, marks)
        if child.tail:
            parts.append(child.tail)
    if block:
        parts.append("\n")
    if "".join(parts[start:]).strip():
        marks.extend(m for m in (STRUCK, SUPER, SUB) if m in effects)
