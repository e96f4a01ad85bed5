"""Load and validate a statutory format spec; the data model every other module uses.

A spec (templates/formats/<id>.yaml) is data: sections, tables (blocks of row and
column trees), and rules. Loading resolves every cell key, expands every rule into
its instances and works out which cells are derived, so that a mistake in a spec
fails here, naming the file and the place, and never reaches a department.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from nianbao.paths import formats_dir

from .statements import StatementError, build_statements

OPS = ("==", "<=", ">=", "<", ">")


class SpecError(Exception):
    """The format spec itself is wrong: an author's error, never a department's."""


@dataclass(frozen=True)
class Node:
    """A row or column header: a leaf carries data, a group only a label."""

    key: str  # full dotted path of keyed ancestors and itself ('' for none)
    label: str
    depth: int
    children: tuple[Node, ...] = ()
    kind: str | None = None
    unit: str | None = None
    path: tuple[str, ...] = ()  # labels from the top group down to this node

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def leaves(self) -> list[Node]:
        if self.is_leaf:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]


@dataclass(frozen=True)
class Block:
    title: str | None
    corner: str | None
    columns: tuple[Node, ...]
    rows: tuple[Node, ...]

    def leaf_columns(self) -> list[Node]:
        return [leaf for node in self.columns for leaf in node.leaves()]

    def leaf_rows(self) -> list[Node]:
        return [leaf for node in self.rows for leaf in node.leaves()]


@dataclass(frozen=True)
class Table:
    key: str
    number: str
    title: str
    sheet: str
    blocks: tuple[Block, ...]

    @property
    def heading(self) -> str:
        return f"{self.number}、{self.title}"


@dataclass(frozen=True)
class Cell:
    """One numeric cell of a statutory table."""

    key: str
    table: str
    block: int
    row: Node
    column: Node
    kind: str  # count | signed | money
    unit: str

    @property
    def row_label(self) -> str:
        return self.row.label

    @property
    def column_label(self) -> str:
        return self.column.label


@dataclass(frozen=True)
class Section:
    key: str
    number: str
    title: str
    table: str | None
    required: str | None
    hint: str

    @property
    def heading(self) -> str:
        return f"{self.number}、{self.title}"


@dataclass(frozen=True)
class Term:
    """One signed term of a linear expression: a cell (this year's or last year's) or a constant."""

    sign: int
    key: str | None = None
    prev: bool = False
    const: Decimal | None = None


@dataclass(frozen=True)
class RuleInstance:
    """A rule with its for_each variable bound: the unit that is checked and reported."""

    rule: Rule
    bindings: tuple[tuple[str, str], ...]
    labels: tuple[tuple[str, str], ...]
    left: tuple[Term, ...]
    op: str
    right: tuple[Term, ...]
    target: str | None  # the derived cell, for sum rules

    @property
    def anchor(self) -> str:
        """The cell a finding points at: the derived cell, else the first current-year cell."""
        if self.target:
            return self.target
        for term in self.left + self.right:
            if term.key and not term.prev:
                return term.key
        raise AssertionError("rule instance without a current-year cell")  # refused at load

    def parts(self) -> list[str]:
        """For a sum rule: the cells whose sum the derived cell is."""
        return [t.key for t in self.right if t.key and not t.prev]

    def keys(self, prev: bool = False) -> list[str]:
        return [t.key for t in self.left + self.right if t.key and t.prev == prev]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: str
    message: str
    applies_to: tuple[str, ...] | None
    cross_year: bool
    is_sum: bool
    consolidated: bool = True  # False: a per-agency heuristic that means nothing on a county sum


@dataclass(eq=False)  # identity: formats are loaded once and used as cache keys
class Format:
    id: str
    title: str
    notice: str
    notice_title: str
    year_from: int
    year_to: int | None
    money_tolerance: Decimal
    sections: list[Section]
    tables: list[Table]
    cells: dict[str, Cell]
    rules: list[Rule]
    instances: list[RuleInstance]
    derived: dict[str, RuleInstance] = field(default_factory=dict)  # key -> defining sum instance
    bounds: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)  # kind -> (minimum, maximum)
    statements: dict = field(default_factory=dict)  # table section key -> its sentences (statements.py)
    path: Path | None = None
    _memo: dict = field(default_factory=dict, init=False, repr=False)  # input_keys, derived_order

    def covers(self, year: int) -> bool:
        return self.year_from <= year and (self.year_to is None or year <= self.year_to)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def tolerance(self, inst: RuleInstance) -> Decimal:
        """How far apart two sides may be: the money tolerance if any term is a money cell, else exact."""
        money = any(t.key and self.cells[t.key].kind == "money" for t in inst.left + inst.right)
        return self.money_tolerance if money else Decimal(0)

    def in_bounds(self, kind: str, value: Decimal | int | float) -> bool:
        """Whether a number lies in the range the spec allows its kind (kinds: in the spec)."""
        if "float_bounds" not in self._memo:  # ints and floats compare with floats exactly, and 20x faster
            self._memo["float_bounds"] = {k: (float(lo), float(hi)) for k, (lo, hi) in self.bounds.items()}
        low, high = self._memo["float_bounds"][kind] if type(value) in (int, float) else self.bounds[kind]
        try:
            return low <= value <= high  # False for NaN
        except (TypeError, ArithmeticError):  # not a number, or a Decimal NaN
            return False

    def input_keys(self) -> tuple[str, ...]:
        """The cells a person fills in, in spec order (computed once: a loaded format does not change)."""
        if "input_keys" not in self._memo:
            self._memo["input_keys"] = tuple(k for k in self.cells if k not in self.derived)
        return self._memo["input_keys"]

    def derived_order(self) -> tuple[str, ...]:
        """Derived keys in an order where every part is computed before its total (computed once)."""
        if "derived_order" not in self._memo:
            self._memo["derived_order"] = self._derived_order()
        return self._memo["derived_order"]

    def _derived_order(self) -> tuple[str, ...]:
        done: set[str] = set()
        order: list[str] = []

        def visit(key: str) -> None:
            if key in done:
                return
            done.add(key)
            for part in self.derived[key].parts():
                if part in self.derived:
                    visit(part)
            order.append(key)

        for key in self.derived:
            visit(key)
        return tuple(order)

    def text_sections(self) -> list[Section]:
        return [s for s in self.sections if s.table is None]


# ---------------------------------------------------------------- loading


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when PyYAML has it
    """SafeLoader that refuses duplicate mapping keys (PyYAML silently keeps the last)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise SpecError(f"line {key_node.start_mark.line + 1}: duplicate key {key!r}")
        seen[key] = True
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@cache
def _meta_schema() -> dict:
    return json.loads(resources.files("nianbao.data").joinpath("spec.schema.json").read_text(encoding="utf-8"))


@cache
def _meta_validator() -> Draft202012Validator:
    return Draft202012Validator(_meta_schema())


@cache
def _fast_meta_validator():
    """jsonschema-rs answers "valid?" for a spec (every command loads them first) ~10x faster."""
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(_meta_schema())


def _place(path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def load_spec(path: str | Path) -> Format:
    """Load, validate and resolve one spec file. Raises SpecError naming file and place."""
    path = Path(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506 - strict SafeLoader
    except SpecError as exc:
        raise SpecError(f"{path.name}: {exc}") from None
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path.name}: cannot read spec: {exc}") from None
    errors = [] if _fast_meta_validator().is_valid(raw) else \
        sorted(_meta_validator().iter_errors(raw), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        lines = [f"{path.name}: {_place(e.absolute_path)}: {e.message}" for e in errors[:10]]
        raise SpecError("invalid format spec:\n  " + "\n  ".join(lines))
    try:
        fmt = _build(raw)
    except SpecError as exc:
        raise SpecError(f"{path.name}: {exc}") from None
    fmt.path = path
    return fmt


def _node(raw: dict, parent_key: str, depth: int, place: str, inherited_kind: str | None = None,
          parent_path: tuple[str, ...] = ()) -> Node:
    key = raw.get("key", "")
    full = ".".join(p for p in (parent_key, key) if p)
    kind = raw.get("kind", inherited_kind)
    path = parent_path + ((raw["label"],) if raw["label"] else ())
    children = tuple(
        _node(c, full, depth + 1, f"{place}.children[{i}]", kind, path) for i, c in enumerate(raw.get("children", []))
    )
    if not children and "key" not in raw and depth >= 0 and raw.get("label") and place.startswith("col"):
        raise SpecError(f"{place}: leaf column {raw['label']!r} has no key")
    return Node(full, raw["label"], depth, children, kind, raw.get("unit"), path)


def _build(raw: dict) -> Format:
    tables: list[Table] = []
    cells: dict[str, Cell] = {}
    for ti, t in enumerate(raw["tables"]):
        blocks = []
        for bi, b in enumerate(t["blocks"]):
            place = f"tables[{ti}].blocks[{bi}]"
            cols = tuple(_node(c, "", 0, f"columns {place}.columns[{i}]") for i, c in enumerate(b["columns"]))
            rows = tuple(_node(r, "", 0, f"rows {place}.rows[{i}]") for i, r in enumerate(b["rows"]))
            block = Block(b.get("title"), b.get("corner"), cols, rows)
            blocks.append(block)
            for row in block.leaf_rows():
                for col in block.leaf_columns():
                    key = ".".join(p for p in (t["key"], row.key, col.key) if p)
                    if key in cells:
                        raise SpecError(f"{place}: duplicate cell key {key!r}")
                    kind = col.kind or t.get("kind", "count")
                    unit = col.unit or ("万元" if kind == "money" else "件")
                    cells[key] = Cell(key, t["key"], bi, row, col, kind, unit)
        tables.append(Table(t["key"], t["number"], t["title"], t["sheet"], tuple(blocks)))
    _unique([t.key for t in tables], "table key")
    _unique([t.sheet for t in tables], "table sheet name")

    sections = [
        Section(s["key"], s["number"], s["title"], s.get("table"), s.get("required"), s.get("hint", ""))
        for s in raw["sections"]
    ]
    _unique([s.key for s in sections], "section key")
    for i, s in enumerate(sections):
        if s.table and s.table not in {t.key for t in tables}:
            raise SpecError(f"sections[{i}]: unknown table {s.table!r}")

    fmt = Format(
        id=raw["id"], title=raw["title"], notice=raw["notice"], notice_title=raw.get("notice_title", ""),
        year_from=raw["years"]["from"], year_to=raw["years"].get("to"),
        money_tolerance=Decimal(raw.get("money_tolerance", "0.005")),
        sections=sections, tables=tables, cells=cells, rules=[], instances=[],
        bounds={kind: _bounds(b, kind) for kind, b in raw["kinds"].items()},
    )
    _unique([r["id"] for r in raw["rules"]], "rule id")
    for ri, r in enumerate(raw["rules"]):
        _build_rule(fmt, r, f"rules[{ri}] ({r['id']})")
    _check_acyclic(fmt)
    if raw.get("statements"):
        try:
            fmt.statements = build_statements(fmt, raw["statements"], _pattern_keys)
        except StatementError as exc:
            raise SpecError(str(exc)) from None
    return fmt


def _bounds(raw: dict, kind: str) -> tuple[Decimal, Decimal]:
    low, high = Decimal(str(raw["minimum"])), Decimal(str(raw["maximum"]))
    if low > high:
        raise SpecError(f"kinds.{kind}: minimum {low} is above maximum {high}")
    return low, high


def _unique(values: list[str], what: str) -> None:
    seen = set()
    for v in values:
        if v in seen:
            raise SpecError(f"duplicate {what} {v!r}")
        seen.add(v)


def _domain(fmt: Format, spec: str | list, place: str) -> list[str]:
    if isinstance(spec, list):
        return spec
    what, table_key = spec.split(":")
    if table_key not in {t.key for t in fmt.tables}:
        raise SpecError(f"{place}: for_each names unknown table {table_key!r}")
    out: list[str] = []
    for block in fmt.table(table_key).blocks:
        for node in block.leaf_rows() if what == "rows" else block.leaf_columns():
            if node.key not in out:
                out.append(node.key)
    return out


def _label_of(fmt: Format, value: str, var: str, tables: set[str]) -> str:
    rows_first = var.startswith("row")
    for t in fmt.tables:
        if t.key not in tables:
            continue
        for block in t.blocks:
            groups = (block.rows, block.columns) if rows_first else (block.columns, block.rows)
            for nodes in groups:
                stack = list(nodes)
                while stack:
                    n = stack.pop(0)
                    if n.key == value or n.key.endswith("." + value):
                        return n.label
                    stack.extend(n.children)
    return value


def _pattern_keys(fmt: Format, pattern: str) -> list[str]:
    if "*" not in pattern:
        return [pattern]
    rx = re.compile("^" + re.escape(pattern).replace(r"\*", "[^.]+") + "$")
    return [k for k in fmt.cells if rx.match(k)]


def _terms(fmt: Format, raw: list, binding: dict[str, str], place: str) -> tuple[Term, ...]:
    out: list[Term] = []
    for item in raw:
        if isinstance(item, (int, float)):
            out.append(Term(1, const=Decimal(str(item))))
            continue
        sign = -1 if item.startswith("-") else 1
        text = item.lstrip("-")
        prev = text.startswith("prev:")
        text = text.removeprefix("prev:")
        try:
            text = text.format(**binding)
        except (KeyError, IndexError) as exc:
            raise SpecError(f"{place}: term {item!r} uses an unknown variable {exc}") from None
        keys = _pattern_keys(fmt, text)
        if not keys:
            raise SpecError(f"{place}: pattern {text!r} matches no cell")
        for key in keys:
            if key not in fmt.cells:
                raise SpecError(f"{place}: unknown cell key {key!r}{_suggest(fmt, key)}")
            out.append(Term(sign, key, prev))
    return tuple(out)


def _suggest(fmt: Format, key: str) -> str:
    import difflib

    close = difflib.get_close_matches(key, fmt.cells, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _build_rule(fmt: Format, r: dict, place: str) -> None:
    is_sum = "target" in r
    rule = Rule(
        id=r["id"], title=r["title"], severity=r["severity"], message=r["message"],
        applies_to=tuple(r["applies_to"]) if "applies_to" in r else None,
        cross_year=bool(r.get("cross_year", False)), is_sum=is_sum,
        consolidated=bool(r.get("consolidated", True)),
    )
    fmt.rules.append(rule)
    (var, domain_spec), = (r.get("for_each") or {"_": ["_"]}).items()
    domain = _domain(fmt, domain_spec, place)
    raw_terms = [r["target"]] + r["parts"] if is_sum else r["left"] + r["right"]
    tables = {t.lstrip("-").removeprefix("prev:").split(".")[0] for t in raw_terms if isinstance(t, str)}
    for value in domain:
        binding = {var: value}
        iplace = f"{place} for {var}={value}"
        if is_sum:
            target_terms = _terms(fmt, [r["target"]], binding, iplace)
            if len(target_terms) != 1 or target_terms[0].prev:
                raise SpecError(f"{iplace}: target must name exactly one current-year cell")
            left, right = target_terms, _terms(fmt, r["parts"], binding, iplace)
            target = target_terms[0].key
            if target in {t.key for t in right}:
                raise SpecError(f"{iplace}: {target!r} is a part of its own total")
        else:
            left = _terms(fmt, r["left"], binding, iplace)
            right = _terms(fmt, r["right"], binding, iplace)
            target = None
        if not any(t.key and not t.prev for t in left + right):
            raise SpecError(f"{iplace}: a rule must name at least one current-year cell")
        if not rule.cross_year and any(t.prev for t in left + right):
            raise SpecError(f"{iplace}: uses prev: terms but is not marked cross_year")
        labels = ((f"{var}_label", _label_of(fmt, value, var, tables)),)
        inst = RuleInstance(rule, ((var, value),), labels, left, r.get("op", "=="), right, target)
        fmt.instances.append(inst)
        if target and target not in fmt.derived:
            fmt.derived[target] = inst
    _check_message(rule, var, place)


def _check_message(rule: Rule, var: str, place: str) -> None:
    allowed = {"left", "right", "diff", "expected", "actual", f"{var}_label", var}
    for name in re.findall(r"{(\w+)}", rule.message):
        if name not in allowed:
            raise SpecError(f"{place}: message uses unknown placeholder {{{name}}}; allowed: {sorted(allowed)}")


def _check_acyclic(fmt: Format) -> None:
    state: dict[str, int] = {}

    def visit(key: str, trail: list[str]) -> None:
        if state.get(key) == 2:
            return
        if state.get(key) == 1:
            raise SpecError(f"derived cells form a cycle: {' -> '.join(trail + [key])}")
        state[key] = 1
        for part in fmt.derived[key].parts():
            if part in fmt.derived:
                visit(part, trail + [key])
        state[key] = 2

    for key in fmt.derived:
        visit(key, [])


# ---------------------------------------------------------------- registry


@cache
def all_formats() -> dict[str, Format]:
    """Every spec shipped in templates/formats, by id."""
    out: dict[str, Format] = {}
    for path in sorted(formats_dir().glob("*.yaml")):
        fmt = load_spec(path)
        if fmt.id != path.stem:
            raise SpecError(f"{path.name}: id {fmt.id!r} must equal the file name")
        out[fmt.id] = fmt
    return out


def get_format(format_id: str) -> Format:
    formats = all_formats()
    if format_id not in formats:
        raise KeyError(format_id)
    return formats[format_id]


def format_for_year(year: int) -> Format | None:
    """The format version that applies to a report year (rule F2), or None."""
    matches = [f for f in all_formats().values() if f.covers(year)]
    return max(matches, key=lambda f: f.year_from) if matches else None
