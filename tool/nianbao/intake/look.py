"""How a cell looks: its style's colours, font, fill, alignment and number format, resolved to what
is painted, from SpreadsheetML elements — the ones a workbook carries (fast engine) or the ones
openpyxl rebuilds from its own model (reference engine); both give the same elements.

Colours resolve the way LibreOffice paints them (checked with it, tests/intake/test_look.py):
``rgb`` is RRGGBB or AARRGGBB with the alpha ignored; ``theme`` indexes the theme's colour scheme
with the light/dark pairs swapped (0 lt1, 1 dk1, 2 lt2, 3 dk2, then accents, hyperlinks);
``indexed`` the legacy palette (the workbook's own <indexedColors> if it has one; 64 is the
window text, 65 the window background); ``tint`` lightens or darkens in HLS; ``auto`` is the
window text colour. A solid pattern paints its foreground (black when it names none); other
patterns mix foreground and background by their density; a gradient is taken as the mean of its
stops; no fill is the sheet's white. In a conditional format's fill (dxf) a solid colour is the
*background* colour, as Excel writes it.

Contrast is WCAG's ratio of relative luminances: the template's black on light yellow is 19:1.
Below INVISIBLE (1.5:1, e.g. white, yellow or light grey D9D9D9 on the input yellow) the figure
cannot be seen; below HARD_TO_READ (3:1, WCAG's floor for large text) it is hard to read.
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass, field, replace
from xml.etree import ElementTree as ET

INVISIBLE = 1.5
HARD_TO_READ = 3.0
TINY_POINTS = 3.0  # a figure in a font this small is a speck
SMALL_POINTS = 6.0
# Fonts whose letters are pictures: a digit in Wingdings is a symbol, not a digit.
SYMBOL_FONTS = frozenset({"wingdings", "wingdings 2", "wingdings 3", "webdings", "symbol", "marlett",
                          "zapf dingbats", "opensymbol", "mt extra", "bookshelf symbol 7",
                          "ms reference specialty", "ms outlook"})

RGB = tuple[int, int, int]
BLACK: RGB = (0, 0, 0)
WHITE: RGB = (255, 255, 255)

# The Office theme's colours (dk1, lt1, dk2, lt2, accent1-6, hlink, folHlink) for a workbook without a theme.
DEFAULT_THEME = ("000000", "FFFFFF", "1F497D", "EEECE1", "4F81BD", "C0504D", "9BBB59", "8064A2", "4BACC6",
                 "F79646", "0000FF", "800080")
# The legacy 64-colour palette (indexed 0-63) of Excel and LibreOffice.
DEFAULT_INDEXED = (
    "000000", "FFFFFF", "FF0000", "00FF00", "0000FF", "FFFF00", "FF00FF", "00FFFF",
    "000000", "FFFFFF", "FF0000", "00FF00", "0000FF", "FFFF00", "FF00FF", "00FFFF",
    "800000", "008000", "000080", "808000", "800080", "008080", "C0C0C0", "808080",
    "9999FF", "993366", "FFFFCC", "CCFFFF", "660066", "FF8080", "0066CC", "CCCCFF",
    "000080", "FF00FF", "FFFF00", "00FFFF", "800080", "800000", "008080", "0000FF",
    "00CCFF", "CCFFFF", "CCFFCC", "FFFF99", "99CCFF", "FF99CC", "CC99FF", "FFCC99",
    "3366FF", "33CCCC", "99CC00", "FFCC00", "FF9900", "FF6600", "666699", "969696",
    "003366", "339966", "003300", "333300", "993300", "993366", "333399", "333333",
)
_SCHEME_ORDER = ("dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6",
                 "hlink", "folHlink")
_THEME_SWAP = (1, 0, 3, 2)  # a style's theme index 0 is lt1, 1 dk1, 2 lt2, 3 dk2
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
# Share of the foreground colour each pattern paints.
_DENSITY = {"solid": 1.0, "darkgray": 0.75, "mediumgray": 0.5, "lightgray": 0.25, "gray125": 0.125,
            "gray0625": 0.0625}
_NAMED = {"black": "000000", "blue": "0000FF", "cyan": "00FFFF", "green": "00FF00", "magenta": "FF00FF",
          "red": "FF0000", "white": "FFFFFF", "yellow": "FFFF00"}


@dataclass(frozen=True)
class ColorRef:
    """A colour as a style names it, before the theme and palette resolve it."""

    rgb: str | None = None
    theme: int | None = None
    indexed: int | None = None
    auto: bool = False
    tint: float = 0.0


@dataclass(frozen=True)
class Palette:
    theme: tuple[str, ...] = DEFAULT_THEME
    indexed: tuple[str, ...] = DEFAULT_INDEXED

    def resolve(self, ref: ColorRef | None, default: RGB) -> RGB:
        if ref is None:
            return default
        base: RGB | None = None
        if ref.rgb is not None:
            base = _hex(ref.rgb[-6:])
        elif ref.theme is not None:
            idx = _THEME_SWAP[ref.theme] if ref.theme < 4 else ref.theme
            base = _hex(self.theme[idx]) if 0 <= idx < len(self.theme) else None
        elif ref.indexed is not None:
            if ref.indexed == 64:
                base = BLACK
            elif ref.indexed == 65:
                base = WHITE
            elif 0 <= ref.indexed < len(self.indexed):
                base = _hex(self.indexed[ref.indexed])
        elif ref.auto:
            base = BLACK
        if base is None:
            return default
        return _tinted(base, ref.tint) if ref.tint else base


def _hex(text: str) -> RGB | None:
    try:
        value = int(text, 16)
    except (TypeError, ValueError):
        return None
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


def _tinted(rgb: RGB, tint: float) -> RGB:
    tint = max(-1.0, min(1.0, tint))
    h, lum, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    lum = lum * (1 + tint) if tint < 0 else lum * (1 - tint) + tint
    return tuple(round(c * 255) for c in colorsys.hls_to_rgb(h, lum, s))  # type: ignore[return-value]


def contrast(a: RGB, b: RGB) -> float:
    """WCAG 2 contrast ratio, 1 (same) to 21 (black on white)."""
    la, lb = _luminance(a), _luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def _luminance(rgb: RGB) -> float:
    def channel(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def named_colour(name: str, palette: Palette) -> RGB | None:
    """A number format's [Red] or [Color10] (the palette's entry 8 + 10 - 1)."""
    if name in _NAMED:
        return _hex(_NAMED[name])
    if name.startswith("color"):
        try:
            n = int(name[5:])
        except ValueError:
            return None
        return palette.resolve(ColorRef(indexed=n + 7), BLACK) if 1 <= n <= 56 else None
    return None


# ------------------------------------------------------------------------------- looks


@dataclass(frozen=True)
class Font:
    colour: ColorRef | None = None
    size: float | None = None
    name: str | None = None
    strike: bool = False


@dataclass(frozen=True)
class Fill:
    pattern: str | None = None  # None: no fill element at all (a dxf that leaves the fill alone)
    fg: ColorRef | None = None
    bg: ColorRef | None = None
    stops: tuple[ColorRef, ...] = ()  # a gradient


@dataclass(frozen=True)
class Look:
    """What one cell style (or a conditional format's differential style) sets."""

    number_format: str | None = None
    font: Font = field(default_factory=Font)
    fill: Fill = field(default_factory=Fill)
    horizontal: str | None = None


def local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _child(el: ET.Element | None, name: str) -> ET.Element | None:
    if el is None:
        return None
    for c in el:
        if local(c.tag) == name:
            return c
    return None


def number(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and value == value and abs(value) < 1e6 else None


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def colour_ref(el: ET.Element | None) -> ColorRef | None:
    if el is None:
        return None
    tint = number(el.get("tint")) or 0.0
    rgb = el.get("rgb")
    if rgb and _hex(rgb[-6:]) is not None:
        return ColorRef(rgb=rgb[-6:].upper(), tint=tint)
    theme = _int(el.get("theme"))
    if theme is not None:
        return ColorRef(theme=theme, tint=tint)
    indexed = _int(el.get("indexed"))
    if indexed is not None:
        return ColorRef(indexed=indexed, tint=tint)
    if el.get("auto") in ("1", "true"):
        return ColorRef(auto=True)
    return None


def font(el: ET.Element | None) -> Font:
    if el is None:
        return Font()
    size = _child(el, "sz")
    name = _child(el, "name")
    if name is None:
        name = _child(el, "rFont")  # a rich-text run's font
    strike = _child(el, "strike")
    return Font(colour=colour_ref(_child(el, "color")), size=number(size.get("val")) if size is not None else None,
                name=name.get("val") if name is not None else None,
                strike=strike is not None and strike.get("val", "1") not in ("0", "false"))


def fill(el: ET.Element | None, differential: bool = False) -> Fill:
    """<fill>: a pattern or a gradient. differential: a dxf's fill, whose solid colour is bgColor."""
    if el is None:
        return Fill()
    pattern = _child(el, "patternFill")
    if pattern is not None:
        kind = pattern.get("patternType")
        fg, bg = colour_ref(_child(pattern, "fgColor")), colour_ref(_child(pattern, "bgColor"))
        if differential:
            if kind in (None, "solid") and (bg is not None or fg is not None):
                return Fill("solid", bg if bg is not None else fg, None)
            return Fill(kind, fg, bg)
        return Fill(kind or "none", fg, bg)
    gradient = _child(el, "gradientFill")
    if gradient is not None:
        stops = tuple(colour_ref(_child(stop, "color")) or ColorRef(rgb="000000") for stop in gradient
                      if local(stop.tag) == "stop")
        return Fill("gradient", stops=stops[:16])
    return Fill()


def alignment_horizontal(el: ET.Element | None) -> str | None:
    return el.get("horizontal") if el is not None else None


def differential(el: ET.Element | None) -> Look:
    """A <dxf>: only what it names changes the cell."""
    if el is None:
        return Look()
    numfmt = _child(el, "numFmt")
    return Look(number_format=numfmt.get("formatCode") if numfmt is not None else None,
                font=font(_child(el, "font")), fill=fill(_child(el, "fill"), differential=True),
                horizontal=alignment_horizontal(_child(el, "alignment")))


def overlay(base: Look, top: Look) -> Look:
    """base with what a conditional format's style sets on top of it."""
    f = base.font
    f = replace(f, colour=top.font.colour if top.font.colour is not None else f.colour,
                strike=f.strike or top.font.strike)
    return Look(number_format=top.number_format or base.number_format, font=f,
                fill=top.fill if top.fill.pattern is not None else base.fill,
                horizontal=base.horizontal)


def theme_colours(xml: bytes | None) -> tuple[str, ...]:
    """The twelve scheme colours of a theme part (sysClr takes its lastClr)."""
    if not xml:
        return DEFAULT_THEME
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return DEFAULT_THEME
    scheme = next(root.iter(f"{_A}clrScheme"), None)
    if scheme is None:
        return DEFAULT_THEME
    found = {}
    for child in scheme:
        name = local(child.tag)
        for c in child:
            kind = local(c.tag)
            value = c.get("val") if kind == "srgbClr" else c.get("lastClr") if kind == "sysClr" else None
            if value and _hex(value) is not None:
                found[name] = value
    return tuple(found.get(name, default) for name, default in zip(_SCHEME_ORDER, DEFAULT_THEME, strict=True))


def custom_palette(root: ET.Element | None) -> tuple[str, ...] | None:
    """A styles part's <colors><indexedColors>, if it replaces the legacy palette."""
    if root is None:
        return None
    colors = _child(root, "colors")
    indexed = _child(colors, "indexedColors")
    if indexed is None:
        return None
    out = [c.get("rgb", "000000")[-6:] for c in indexed if local(c.tag) == "rgbColor"][:64]
    return tuple(out) if out else None


# ------------------------------------------------------------------------------- painted


@dataclass(frozen=True)
class Painted:
    """The colours and font a cell is painted with."""

    text: RGB
    background: RGB
    size: float
    font_name: str
    strike: bool

    @property
    def contrast(self) -> float:
        return contrast(self.text, self.background)


def painted(look: Look, palette: Palette, format_colour: str | None = None) -> Painted:
    text = palette.resolve(look.font.colour, BLACK)
    if format_colour:
        text = named_colour(format_colour, palette) or text
    return Painted(text, background(look.fill, palette), look.font.size or 11.0, (look.font.name or "").strip(),
                   look.font.strike)


def background(f: Fill, palette: Palette) -> RGB:
    if f.pattern == "gradient":
        colours = [palette.resolve(stop, BLACK) for stop in f.stops] or [WHITE]
        return tuple(round(sum(c[i] for c in colours) / len(colours)) for i in range(3))  # type: ignore[return-value]
    if f.pattern in (None, "none"):
        return WHITE
    fg = palette.resolve(f.fg, BLACK)
    if f.pattern == "solid":
        return fg
    bg = palette.resolve(f.bg, WHITE)
    share = _DENSITY.get(f.pattern.lower(), 0.5)  # the striped and checked patterns paint about half
    return tuple(round(fg[i] * share + bg[i] * (1 - share)) for i in range(3))  # type: ignore[return-value]
