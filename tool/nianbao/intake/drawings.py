"""What is drawn on a sheet and where, and how a sheet's rows and columns are sized; string escapes.

Parts openpyxl does not keep (DrawingML shapes and text boxes, VML shapes, the boxes of shown
comments) are read here, for both engines, from the package: ``drawing_overlays`` for a
drawing part (any anchor: twoCellAnchor, oneCellAnchor, absoluteAnchor; pictures, shapes, text
boxes, charts, groups, connectors; hidden ones skipped), ``vml_overlays`` for a legacy drawing
(comments shown with x:Visible, text boxes, labels, buttons, any v:shape), ``comment_texts``
for a comments part. ``Geometry`` turns a sheet's column widths and row heights into points,
so an anchor and a cell can be compared.

``decode_escapes`` decodes ``_xHHHH_`` in a string as LibreOffice shows it (checked code point by
code point with LibreOffice 7.4): only whole escapes, with a lower-case x and four hex digits, of a
character XML cannot carry (U+0000–U+001F, surrogates, U+FFFE, U+FFFF) or of the underscore
itself (``_x005F_``, which escapes a literal "_xHHHH_"). ``_x0041_`` stays as typed. openpyxl
instead deletes "x005F_" anywhere in a string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from .appearance import Overlay
from .look import local, number

EMU_PER_POINT = 12700
MAX_SHAPES = 2000  # shapes read per drawing part; a sheet with more is judged on these
MAX_TEXT = 200
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def decode_escapes(text: str) -> str:
    if "_x" not in text:
        return text
    out = _ESCAPE.sub(_decode_one, text)
    if any("\ud800" <= ch <= "\udfff" for ch in out):  # join surrogate pairs; a lone one is not text
        out = out.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return out


def _decode_one(match: re.Match) -> str:
    code = int(match.group(1), 16)
    if code < 0x20 or code == 0x5F or 0xD800 <= code <= 0xDFFF or code >= 0xFFFE:
        return chr(code)
    return match.group(0)


# ------------------------------------------------------------------------------- geometry


@dataclass
class Geometry:
    """Column widths (characters) and row heights (points) of one sheet, as positions in points."""

    cols: list[tuple[int, int, float | None, bool]] = field(default_factory=list)  # (min, max, width, hidden)
    rows: dict[int, tuple[str | float | None, bool]] = field(default_factory=dict)  # row -> (height, hidden)
    default_width: float = 8.43
    default_height: float = 15.0
    zero_height: bool = False

    def col_points(self, col: int) -> float:
        for low, high, width, hidden in self.cols:
            if low <= col <= high:
                return 0.0 if hidden else _width_points(width if width is not None else self.default_width)
        return _width_points(self.default_width)

    def _height(self, row: int) -> tuple[float | None, bool]:
        height, hidden = self.rows.get(row, (None, False))
        if isinstance(height, str):
            height = _size(height)
        return height, hidden

    def row_points(self, row: int) -> float:
        height, hidden = self._height(row)
        if hidden or (self.zero_height and height is None):
            return 0.0
        return height if height is not None else self.default_height

    def col_left(self, col: int) -> float:
        """Points from the sheet's left edge to column `col` (1-based)."""
        col = max(1, min(col, 16384))
        total = _width_points(self.default_width) * (col - 1)
        for low, high, width, hidden in self.cols:
            lo, hi = max(low, 1), min(high, col - 1)
            if lo <= hi:
                real = 0.0 if hidden else _width_points(width if width is not None else self.default_width)
                total += (hi - lo + 1) * (real - _width_points(self.default_width))
        return total

    def row_top(self, row: int) -> float:
        row = max(1, min(row, 1_048_576))
        total = self.default_height * (row - 1) if not self.zero_height else 0.0
        for r in self.rows:
            height, hidden = self._height(r)
            if r < row:
                base = 0.0 if self.zero_height else self.default_height
                total += (0.0 if hidden else (height if height is not None else base)) - base
        return total

    def cell_box(self, row: int, col: int) -> tuple[float, float, float, float]:
        left, top = self.col_left(col), self.row_top(row)
        return left, top, left + self.col_points(col), top + self.row_points(row)

    def point(self, col0: int, col_off: float, row0: int, row_off: float) -> tuple[float, float]:
        """A DrawingML marker (0-based cell, offsets in points) as points from the corner."""
        return self.col_left(col0 + 1) + col_off, self.row_top(row0 + 1) + row_off


def _size(text: str | None) -> float | None:
    value = number(text)
    return value if value is not None and value >= 0 else None


def _width_points(chars: float) -> float:
    """Excel's column width (characters of a 7-pixel digit) in points."""
    chars = max(0.0, min(chars, 255.0))
    pixels = int(((256 * chars + int(128 / 7)) / 256) * 7) if chars else 0
    return pixels * 0.75


# ------------------------------------------------------------------------------- DrawingML


def _num(text: str | None) -> float:
    try:
        value = float(text) if text is not None else 0.0
    except ValueError:
        return 0.0
    return value if value == value and abs(value) < 1e12 else 0.0


def _find(el: ET.Element, name: str) -> ET.Element | None:
    for child in el:
        if local(child.tag) == name:
            return child
    return None


def _marker(el: ET.Element | None) -> tuple[int, float, int, float] | None:
    if el is None:
        return None
    parts = {local(c.tag): (c.text or "").strip() for c in el}
    try:
        return (int(_num(parts.get("col"))), _num(parts.get("colOff")) / EMU_PER_POINT,
                int(_num(parts.get("row"))), _num(parts.get("rowOff")) / EMU_PER_POINT)
    except (ValueError, OverflowError):
        return None


_OBJECTS = {"sp": "图形", "pic": "图片", "graphicFrame": "图表或对象", "grpSp": "组合图形", "cxnSp": "线条",
            "contentPart": "墨迹"}


def drawing_overlays(root: ET.Element, geometry: Geometry) -> list[Overlay]:
    out: list[Overlay] = []
    for anchor in root.iter():
        kind = local(anchor.tag)
        if kind not in ("twoCellAnchor", "oneCellAnchor", "absoluteAnchor"):
            continue
        if len(out) >= MAX_SHAPES:
            break
        obj = next((c for c in anchor if local(c.tag) in _OBJECTS), None)
        if obj is None:
            obj = next((c for c in anchor.iter() if local(c.tag) in _OBJECTS), None)  # inside mc:AlternateContent
        if obj is None or _hidden(obj):
            continue
        box = _anchor_box(anchor, kind, geometry)
        if box is None:
            continue
        text = _text(obj)
        name = local(obj.tag)
        what = "文本框" if text.strip() and name == "sp" else _OBJECTS[name]
        covers = name not in ("cxnSp",) and not (name == "sp" and not text.strip() and _no_fill(obj))
        out.append(Overlay(what, box, covers, text))
    return out


def _hidden(obj: ET.Element) -> bool:
    for el in obj.iter():
        if local(el.tag) == "cNvPr":
            return el.get("hidden") in ("1", "true")
    return False


def _no_fill(obj: ET.Element) -> bool:
    sppr = _find(obj, "spPr")
    return sppr is not None and _find(sppr, "noFill") is not None


def _text(obj: ET.Element) -> str:
    pieces = [el.text or "" for el in obj.iter() if local(el.tag) == "t"]
    return "".join(pieces)[:MAX_TEXT]


def _anchor_box(anchor: ET.Element, kind: str, g: Geometry) -> tuple[float, float, float, float] | None:
    if kind == "twoCellAnchor":
        start, end = _marker(_find(anchor, "from")), _marker(_find(anchor, "to"))
        if start is None or end is None:
            return None
        left, top = g.point(*start)
        right, bottom = g.point(*end)
        return left, top, right, bottom
    ext = _find(anchor, "ext")
    width, height = (_num(ext.get("cx")) / EMU_PER_POINT, _num(ext.get("cy")) / EMU_PER_POINT) if ext is not None \
        else (0.0, 0.0)
    if kind == "oneCellAnchor":
        start = _marker(_find(anchor, "from"))
        if start is None:
            return None
        left, top = g.point(*start)
    else:
        pos = _find(anchor, "pos")
        if pos is None:
            return None
        left, top = _num(pos.get("x")) / EMU_PER_POINT, _num(pos.get("y")) / EMU_PER_POINT
    return left, top, left + width, top + height


# ------------------------------------------------------------------------------- VML

_VML_SHAPES = {"shape", "rect", "roundrect", "oval", "line", "polyline", "image", "arc", "curve"}
_UNITS = {"pt": 1.0, "px": 0.75, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "pc": 12.0, "": 0.75}


def parse_vml(data: bytes) -> ET.Element | None:
    """VML as Excel writes it is not always well-formed (<br> in comment boxes): tidy that, else give up."""
    for attempt in (data, re.sub(rb"<br\s*>", b"<br/>", data, flags=re.I)):
        try:
            return ET.fromstring(attempt)
        except ET.ParseError:
            continue
    return None


def vml_overlays(root: ET.Element, geometry: Geometry) -> list[Overlay]:
    out: list[Overlay] = []
    for shape in root.iter():
        if local(shape.tag) not in _VML_SHAPES or len(out) >= MAX_SHAPES:
            continue
        data = next((c for c in shape if local(c.tag) == "ClientData"), None)
        kind = data.get("ObjectType", "") if data is not None else ""
        style = _style(shape.get("style", ""))
        if kind == "Note":
            if data is None or _find(data, "Visible") is None:
                continue  # a comment shows only when the mouse is over its cell
        elif style.get("visibility") == "hidden" or style.get("display") == "none":
            continue
        box = _vml_box(data, style, geometry)
        if box is None:
            continue
        text = "".join(t for t in (el.text for el in shape.iter() if local(el.tag) not in ("ClientData",)) if t)
        text = " ".join(text.split())[:MAX_TEXT] if any(local(el.tag) == "textbox" for el in shape.iter()) else ""
        filled = shape.get("filled", "t") not in ("f", "false") and not any(
            local(el.tag) == "fill" and el.get("on") in ("f", "false") for el in shape)
        what = {"Note": "批注框", "Button": "按钮", "Label": "标签", "Drop": "下拉框", "Checkbox": "复选框",
                "Radio": "选项按钮", "List": "列表框", "Spin": "微调按钮", "Scroll": "滚动条", "Pict": "图片",
                "Edit": "编辑框", "GBox": "分组框"}.get(kind)
        if what is None:
            what = "图片" if local(shape.tag) == "image" else ("文本框" if text else "图形")
        covers = filled or bool(text) or kind not in ("",) or local(shape.tag) == "image"
        out.append(Overlay(what, box, covers, text))
    return out


def _style(text: str) -> dict[str, str]:
    out = {}
    for part in text.split(";")[:64]:
        name, _, value = part.partition(":")
        out[name.strip().lower()] = value.strip().lower()
    return out


def _length(text: str | None) -> float | None:
    if not text:
        return None
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*([a-z]*)", text.strip())
    if not m or m.group(2) not in _UNITS:
        return None
    return float(m.group(1)) * _UNITS[m.group(2)]


def _vml_box(data: ET.Element | None, style: dict[str, str], g: Geometry):
    anchor = _find(data, "Anchor") if data is not None else None
    if anchor is not None and anchor.text:
        try:
            c1, dx1, r1, dy1, c2, dx2, r2, dy2 = (int(float(x)) for x in anchor.text.split(",")[:8])
        except ValueError:
            return None
        left, top = g.point(c1, dx1 * 0.75, r1, dy1 * 0.75)
        right, bottom = g.point(c2, dx2 * 0.75, r2, dy2 * 0.75)
        return left, top, right, bottom
    left = _length(style.get("margin-left")) or _length(style.get("left")) or 0.0
    top = _length(style.get("margin-top")) or _length(style.get("top")) or 0.0
    width, height = _length(style.get("width")), _length(style.get("height"))
    if width is None or height is None:
        return None
    return left, top, left + width, top + height


# ------------------------------------------------------------------------------- comments


MAX_COMMENTS = 10_000


def comment_texts(root: ET.Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for el in root.iter():
        if local(el.tag) == "comment" and el.get("ref"):
            text = "".join(t.text or "" for t in el.iter() if local(t.tag) == "t")
            out[el.get("ref").replace("$", "").upper()] = decode_escapes(text)[:MAX_TEXT]
            if len(out) >= MAX_COMMENTS:
                break
    return out
