"""Run-together digits → cells, decided by every constraint the report itself gives.

Each run-together row (a `Pending`) has its candidate splits (split.candidates). The
constraints are linear equations over cells, in two tiers:

1. the statutory identities of the format (its error rules with "=="): row totals (T3-2,
   T4-1), column balances and sums (T3-1, T3-3); printed cells are constants, blank is 0;
2. what else the report says: the narrative's figure sentences (narrative.py's claims) and,
   when given, last year's report (T3-4: this year's 上年结转 = last year's 结转下年度).

Tier 1 decides first. Exactly one assignment of splits that satisfies it → its cells are
"reconstructed", naming the constraints that decided them. Several → tier 2 may narrow them
to one (named as such); otherwise each cell that is the same in every consistent assignment
is decided and the others are unreadable. None → the printed figures break at least one
identity, and they are never repaired into consistency. Explanations are sought, each
leaving out what may be wrong: one identity; else one cell (a wrong total breaks its row and
its column) with every identity touching it; else one run-together row. A cell that is the
same in every explanation is decided — so a wrong figure stands as printed (T3-2 in a
run-together row, say) and audit reports what it breaks — the others are unreadable, and a
finding (an error) says the digits cannot be split consistently.

Bounds: at most `max_splits` candidates per row (split.py), at most MAX_SOLUTIONS
assignments enumerated and MAX_STEPS search steps per solve, and the leave-one-out pass
only for components with at most MAX_DROP_ONE constraints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from nianbao.format.spec import Format

MAX_SOLUTIONS = 64
MAX_STEPS = 60_000
MAX_DROP_ONE = 80
MAX_DROP_CELLS = 400
DROP_STEPS = 4_000
_UNITS = ("万元", "元")


@dataclass
class Pending:
    """A row whose cells are not known one by one: printed as run-together digits (the candidate splits),
    or printed with fewer cells than columns (the candidate placements, a cell not printed being None)."""

    keys: tuple[str, ...]
    options: list[tuple[list[str | None], list[bool]]]  # (text per cell, came out of a piece holding several)
    printed: str
    source: str
    label: str
    why: str = ""  # why there is no candidate at all
    values: list[tuple[Decimal | None, ...]] = field(default_factory=list)
    short: bool = False  # fewer cells than columns: the options place the printed cells

    def __post_init__(self):
        self.values = [tuple(_value(t) for t in texts) for texts, _ in self.options]


def _value(text: str | None) -> Decimal | None:
    """A cell's value in an option: printed empty counts 0 (as in the rules); None = not printed, unknown."""
    if text is None:
        return None
    t = text
    for u in _UNITS:
        if t.endswith(u):
            t = t[: -len(u)]
            break
    if not t:
        return Decimal(0)
    try:
        return Decimal(t)
    except InvalidOperation:  # pragma: no cover - split.py admits only numbers
        return None


@dataclass(frozen=True)
class Constraint:
    """sum(sign · cell) + const == 0; `name` says it in Chinese (“T3-2 一、本年新收…行”)."""

    name: str
    terms: tuple[tuple[int, str], ...]
    const: Decimal
    tier: int = 1


@dataclass
class Decision:
    """Per cell of a pending row: the value texts it may have; the constraints that decided it."""

    cells: dict[str, set[str]]
    decided_by: list[str]
    broken: list[str]  # constraints the printed figures break
    why: str = ""
    alternatives: bool = False  # broken lists alternatives (one of them is broken), not all of them


def identities(fmt: Format) -> list[Constraint]:
    """The format's statutory identities: its error rules with ==, on this year's cells."""
    out = []
    for inst in fmt.instances:
        rule = inst.rule
        if rule.severity != "error" or rule.cross_year or inst.op != "==":
            continue
        terms, const = _linear(inst)
        if terms is None:
            continue
        out.append(Constraint(_name(fmt, inst), terms, const))
    return out


def cross_year(fmt: Format, previous: dict) -> list[Constraint]:
    """Tier 2: the cross-year identities (T3-4) with last year's printed cells as constants."""
    prev_tables = previous.get("tables") or {}
    out = []
    for inst in fmt.instances:
        rule = inst.rule
        if rule.severity != "error" or not rule.cross_year or inst.op != "==":
            continue
        terms, const = [], Decimal(0)
        ok = True
        for side, sign in ((inst.left, 1), (inst.right, -1)):
            for t in side:
                s = sign * t.sign
                if t.const is not None:
                    const += s * t.const
                elif t.prev:
                    v = prev_tables.get(t.key)
                    if not isinstance(v, (int, float)) or isinstance(v, bool):
                        ok = False
                        break
                    const += s * Decimal(repr(v) if isinstance(v, float) else v)
                else:
                    terms.append((s, t.key))
        if ok and terms:
            out.append(Constraint(f"{_name(fmt, inst)}（上一年度报告）", tuple(terms), const, tier=2))
    return out


def _linear(inst) -> tuple[tuple[tuple[int, str], ...] | None, Decimal]:
    terms, const = [], Decimal(0)
    for side, sign in ((inst.left, 1), (inst.right, -1)):
        for t in side:
            if t.prev:
                return None, const
            if t.const is not None:
                const += sign * t.sign * t.const
            else:
                terms.append((sign * t.sign, t.key))
    return tuple(terms), const


def _name(fmt: Format, inst) -> str:
    where = "、".join(label for _, label in inst.labels if label)
    return f"{inst.rule.id}（{where}）" if where else inst.rule.id


def narrative_figures(fmt: Format, sections: dict[str, str]) -> list[tuple[str, tuple[str, ...], Decimal]]:
    """(sentence, cell keys, stated figure) for every figure sentence of the narrative, read by the
    same claims the narrative check uses (check/narrative.py, from the format's statements)."""
    from nianbao.check.narrative import claims

    text = "\n".join(v for v in sections.values() if isinstance(v, str))
    out = []
    for claim in claims(fmt, text):
        keys = tuple(claim.wording.keys)
        if keys and all(k in fmt.cells for k in keys):
            out.append((claim.sentence, keys, claim.stated))
    return out


def narrative(figures: list[tuple[str, tuple[str, ...], Decimal]]) -> list[Constraint]:
    """Tier 2: a figure the narrative states (“共收到…申请26件”) equals the sum of the cells it names."""
    return [Constraint(f"正文“{sentence[:40]}”", tuple((1, k) for k in keys), Decimal(-stated), tier=2)
            for sentence, keys, stated in figures]


def decide(pendings: list[Pending], constraints: list[Constraint], known: dict[str, Decimal | None]
           ) -> list[Decision]:
    """One Decision per pending row. known: printed cells (None = unreadable; blank is Decimal 0)."""
    decisions: list[Decision | None] = [None] * len(pendings)
    known = dict(known)
    for pi, p in enumerate(pendings):  # one split only: the digits alone decide, no constraint needed
        if len(p.options) == 1:
            texts = p.options[0][0]
            decisions[pi] = Decision({k: {texts[ci]} for ci, k in enumerate(p.keys)}, [], [])
            known.update({k: p.values[0][ci] for ci, k in enumerate(p.keys)})
    open_rows = [pi for pi in range(len(pendings)) if decisions[pi] is None]
    cell_of = {k: (pi, ci) for pi in open_rows for ci, k in enumerate(pendings[pi].keys)}
    usable = [c for c in constraints
              if any(k in cell_of for _, k in c.terms)
              and all(k in cell_of or known.get(k) is not None for _, k in c.terms)]
    for comp, cons in _components(pendings, open_rows, usable, cell_of):
        for pi, decision in _decide_component(pendings, comp, cons, cell_of, known).items():
            decisions[pi] = decision
    return [d or Decision({}, [], []) for d in decisions]


def _components(pendings, rows, constraints, cell_of):
    parent = list(range(len(pendings)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for c in constraints:
        vars_ = {cell_of[k][0] for _, k in c.terms if k in cell_of}
        first = next(iter(vars_))
        for v in vars_:
            parent[find(v)] = find(first)
    groups: dict[int, list[int]] = {}
    for i in rows:
        groups.setdefault(find(i), []).append(i)
    for root, members in groups.items():
        cons = [c for c in constraints if find(next(cell_of[k][0] for _, k in c.terms if k in cell_of)) == root]
        yield members, cons


class _Budget(Exception):
    pass


def _solve(pendings, comp, cons, cell_of, known, max_steps: int = MAX_STEPS):
    """Every assignment (option index per member) satisfying cons; None when the bounds are hit."""
    order = sorted(comp, key=lambda pi: len(pendings[pi].options))
    position = {pi: n for n, pi in enumerate(order)}
    due: list[list[Constraint]] = [[] for _ in order]
    for c in cons:
        last = max(position[cell_of[k][0]] for _, k in c.terms if k in cell_of)
        due[last].append(c)
    chosen: dict[int, int] = {}
    solutions: list[dict[int, int]] = []
    steps = [0]

    def value(key):
        if key in cell_of:
            pi, ci = cell_of[key]
            return pendings[pi].values[chosen[pi]][ci]
        return known[key]

    def holds(c):
        return _balance(c, value) in (None, 0)

    def walk(n):
        if n == len(order):
            solutions.append(dict(chosen))
            if len(solutions) > MAX_SOLUTIONS:
                raise _Budget
            return
        pi = order[n]
        for oi in range(len(pendings[pi].options)):
            steps[0] += 1
            if steps[0] > max_steps:
                raise _Budget
            chosen[pi] = oi
            if all(holds(c) for c in due[n]):
                walk(n + 1)
        chosen.pop(pi, None)

    try:
        walk(0)
    except _Budget:
        return None
    return solutions


def _cells(pendings, solutions) -> dict[int, list[set[str]]]:
    out = {}
    for sol in solutions:
        for pi, oi in sol.items():
            texts = pendings[pi].options[oi][0]
            sets = out.setdefault(pi, [set() for _ in texts])
            for ci, t in enumerate(texts):
                sets[ci].add(t)
    return out


def _decide_component(pendings, comp, cons, cell_of, known) -> dict[int, Decision]:
    if any(not pendings[pi].options for pi in comp):
        # a row with no candidate at all: nothing to solve for it; the others are solved without it
        empty = {pi: Decision({}, [], [], pendings[pi].why) for pi in comp if not pendings[pi].options}
        rest = [pi for pi in comp if pendings[pi].options]
        keys = {k for pi in empty for k in pendings[pi].keys}
        cons = [c for c in cons if not any(k in keys for _, k in c.terms)]
        sub = {k: v for k, v in cell_of.items() if v[0] in rest}
        out = dict(empty)
        for members, sub_cons in _components_of(rest, cons, sub):
            out.update(_decide_component(pendings, members, sub_cons, sub, known))
        return out
    tier1 = [c for c in cons if c.tier == 1]
    tier2 = [c for c in cons if c.tier == 2]
    names1 = [c.name for c in tier1]
    solutions = _solve(pendings, comp, tier1, cell_of, known)
    if solutions is None:
        return {pi: Decision({}, [], [], "连写的数字可拆分的组合过多，无法判断") for pi in comp}
    if len(solutions) > 1 and tier2:
        narrowed = _solve(pendings, comp, tier1 + tier2, cell_of, known)
        if narrowed:
            return _result(pendings, comp, narrowed, names1 + [c.name for c in tier2], [])
    if solutions:
        return _result(pendings, comp, solutions, names1, [])
    # The printed figures break at least one identity: leave each out in turn, never repair.
    if len(tier1) > MAX_DROP_ONE:
        return {pi: Decision({}, [], [], "连写的数字怎样拆分都不满足本表的勾稽关系") for pi in comp}
    union: list[dict[int, int]] = []
    broken: list[str] = []
    for c in tier1:
        rest = [x for x in tier1 if x is not c]
        found = _solve(pendings, comp, rest, cell_of, known)
        if found is None:
            return {pi: Decision({}, [], [], "连写的数字可拆分的组合过多，无法判断") for pi in comp}
        if found:
            union += found
            broken.append(c.name)
    if not union:
        return _drop_cell(pendings, comp, tier1, cell_of, known)
    out = _result(pendings, comp, union, [n for n in names1 if n not in broken], broken)
    for d in out.values():
        d.alternatives = len(broken) > 1
    return out


def _drop_cell(pendings, comp, tier1, cell_of, known) -> dict[int, Decision]:
    """Several identities broken: one cell printed wrong (a total, say, breaks its row and its column)?
    Each cell is left out in turn with every identity that touches it; the splits that fit all the
    others are the explanations. A cell the same in every explanation is decided — the wrong one stands
    as printed and audit reports what it breaks — the others are unreadable; no explanation: by rows."""
    cells = list(dict.fromkeys(k for c in tier1 for _, k in c.terms))
    if len(cells) > MAX_DROP_CELLS:
        return _drop_row(pendings, comp, tier1, cell_of, known)
    union: list[dict[int, int]] = []
    culprits: list[str] = []
    for key in cells:
        cons = [c for c in tier1 if not any(k == key for _, k in c.terms)]
        found = _solve(pendings, comp, cons, cell_of, known, max_steps=DROP_STEPS)
        if found is None:
            return {pi: Decision({}, [], [], "连写的数字可拆分的组合过多，无法判断") for pi in comp}
        if found:
            union += found
            culprits.append(key)
    if not union:
        return _drop_row(pendings, comp, tier1, cell_of, known)
    broken = sorted({c.name for c in tier1 if any(k in culprits for _, k in c.terms)
                     and not all(_holds_in(c, sol, pendings, cell_of, known) for sol in union)})
    return _result(pendings, comp, union, [c.name for c in tier1], broken)


def _holds_in(c: Constraint, sol: dict[int, int], pendings, cell_of, known) -> bool:
    def value(k):
        if k in cell_of:
            pi, ci = cell_of[k]
            return pendings[pi].values[sol[pi]][ci]
        return known.get(k)

    return _balance(c, value) in (None, 0)


def _balance(c: Constraint, value) -> Decimal | None:
    """sum(sign · cell) + const; None when a cell is not printed (the constraint cannot be checked)."""
    total = c.const
    for s, k in c.terms:
        v = value(k)
        if v is None:
            return None
        total += s * v
    return total


def _drop_row(pendings, comp, tier1, cell_of, known) -> dict[int, Decision]:
    """More than one identity broken: which row printed wrong? Each run-together row is left out in
    turn (with every identity that touches it); a row that can be left out so that the rest fit is a
    possible culprit and stays unreadable; the others are decided by what every explanation agrees on."""
    why = "连写的数字怎样拆分都不满足本表的勾稽关系（至少两处不成立）"
    explanations: list[tuple[int, list[dict[int, int]]]] = []
    for pi in comp:
        keys = set(pendings[pi].keys)
        rest = [x for x in comp if x != pi]
        cons = [c for c in tier1 if not any(k in keys for _, k in c.terms)]
        found = _solve(pendings, rest, cons, cell_of, known) if rest else [{}]
        if found is None:
            return {x: Decision({}, [], [], "连写的数字可拆分的组合过多，无法判断") for x in comp}
        if found:
            explanations.append((pi, found))
    if not explanations:
        return {pi: Decision({}, [], [], why) for pi in comp}
    culprits = {pi for pi, _ in explanations}
    cells = _cells(pendings, [sol for _, sols in explanations for sol in sols])
    out = {}
    names = [pendings[pi].label for pi, _ in explanations]  # in the order of the report's rows
    for pi in comp:
        if pi in culprits:  # only what the row itself says (its digits, its own total), never fitted to the others
            keys = set(pendings[pi].keys)
            inside = [c for c in tier1 if all(k in keys for _, k in c.terms)]
            fits = _solve(pendings, [pi], inside, cell_of, known) or [{pi: oi} for oi in
                                                                     range(len(pendings[pi].options))]
            own = _cells(pendings, fits).get(pi, [])
            decided = {k: own[ci] for ci, k in enumerate(pendings[pi].keys) if own and len(own[ci]) == 1}
            out[pi] = Decision(decided, [c.name for c in inside], [],
                               why + "；印错的可能是“" + "”或“".join(names[:4]) + "”一行")
        else:
            sets = cells.get(pi, [set() for _ in pendings[pi].keys])
            out[pi] = Decision({k: sets[ci] for ci, k in enumerate(pendings[pi].keys)},
                               [c.name for c in tier1], [])
    return out


def _components_of(members, cons, cell_of):
    index = {pi: n for n, pi in enumerate(members)}
    parent = list(range(len(members)))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for c in cons:
        vs = [index[cell_of[k][0]] for _, k in c.terms if k in cell_of]
        for v in vs[1:]:
            parent[find(v)] = find(vs[0])
    groups: dict[int, list[int]] = {}
    for pi in members:
        groups.setdefault(find(index[pi]), []).append(pi)
    for root, ms in groups.items():
        yield ms, [c for c in cons if any(k in cell_of and find(index[cell_of[k][0]]) == root for _, k in c.terms)]


def _result(pendings, comp, solutions, decided_by, broken) -> dict[int, Decision]:
    cells = _cells(pendings, solutions)
    out = {}
    for pi in comp:
        sets = cells.get(pi, [set() for _ in pendings[pi].keys])
        out[pi] = Decision({k: sets[ci] for ci, k in enumerate(pendings[pi].keys)}, decided_by, broken)
    return out
