"""Run-together digits (`723000075` for a row of seven cells) → cells, only where the row's own totals decide.

A space in the printed text is taken as a boundary between cells; between two boundaries
every split into numbers without leading zeros is a candidate — but a figure printed alone on
its line in a run of one cell per line (text.py joins those lines with a line break) is one
cell. A candidate stands only if it satisfies every sum rule of the spec that lies wholly
within the row. Exactly one candidate → its cells (reconstructed where a piece of text held more than one cell);
none or several → the row is unreadable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .cells import PLACEHOLDERS, fold

_PIECE = re.compile(r"[-+]?(?:0|[1-9]\d*)(?:\.\d{1,2})?")
_LAST_PIECE = re.compile(r"(?:0|[1-9]\d*)\.\d{1,6}")
_UNIT = re.compile(r"(万元|元)$")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


@dataclass(frozen=True)
class Split:
    texts: tuple[str, ...] | None  # one text per cell, or None when not decided
    reconstructed: tuple[bool, ...] = ()  # per cell: came out of a piece that held several cells
    candidates: int = 0  # how many splits satisfied the row (0, 1 or more; capped)
    why: str = ""


class _TooMany(Exception):
    pass


def candidates(text: str, n: int, *, limit: int, money: set[int],
               signed: frozenset[int] | set[int] = frozenset()) -> tuple[list[tuple[list[str], list[bool]]], str]:
    """Every split of `text` into n cells (texts, reconstructed flags), at most `limit`; and why none.

    A space is a boundary between cells; between two boundaries every cut into numbers
    without leading zeros is a candidate (decimals only in money cells, a minus sign only
    in signed ones). The work is bounded: at most `limit` candidates and 20 × `limit` steps.
    """
    lines = fold(text).split("\n")
    segments: list[str] = []
    whole: list[bool] = []  # a figure printed alone on its line in a run of one cell per line: one cell
    for line in lines:
        parts = [s[:-1] if s.endswith("笔") and s[:-1].isdigit() else s  # “2笔”: a count with its 量词
                 for s in _THOUSANDS.sub("", line).split()]
        segments += parts
        whole += [len(lines) > 1 and len(parts) == 1] * len(parts)
    if not segments:
        return [([""] * n, [False] * n)], ""
    unit = ""
    m = _UNIT.search(segments[-1])
    if m and len(segments[-1]) > len(m.group(1)):
        unit, segments[-1] = m.group(1), segments[-1][: -len(m.group(1))]
    found: list[tuple[list[str], list[bool]]] = []
    steps = [0]  # every piece tried: the bound on work, whatever the text

    def pieces(seg: str, start: int, k: int, first_cell: int):
        """Every way to cut seg[start:] into k numbers."""
        if k == 0:
            if start == len(seg):
                yield []
            return
        if len(seg) - start < k:
            return
        for end in range(start + 1, len(seg) - (k - 1) + 1):  # leave a character for each cell after
            steps[0] += 1
            if steps[0] > limit * 20:
                raise _TooMany
            piece = seg[start:end]
            if end == len(seg) and _LAST_PIECE.fullmatch(piece) and "." in piece:
                pass  # a money figure ending its segment: its decimals as printed (“24252.311082”)
            elif not _PIECE.fullmatch(piece):
                bare = piece.lstrip("-+")
                if bare[:1] == "0" and bare != "0" and not bare.startswith("0."):
                    break  # a leading zero never becomes valid by growing
                continue
            if "." in piece and first_cell not in money:
                continue
            if piece.startswith(("-", "+")) and first_cell not in signed:
                continue
            for rest in pieces(seg, end, k - 1, first_cell + 1):
                yield [piece] + rest

    def walk(si: int, cell: int, acc: list[str], rec: list[bool]):
        steps[0] += 1
        if steps[0] > limit * 20:
            raise _TooMany
        if si == len(segments):
            if cell == n:
                found.append((list(acc), list(rec)))
                if len(found) > limit:
                    raise _TooMany
            return
        seg = segments[si]
        remaining = len(segments) - si - 1
        if seg in PLACEHOLDERS:
            if cell < n:
                walk(si + 1, cell + 1, acc + [""], rec + [False])
            return
        for k in range(1, (1 if whole[si] else min(len(seg), n - cell - remaining)) + 1):
            for cut in pieces(seg, 0, k, cell):
                walk(si + 1, cell + k, acc + cut, rec + [k > 1] * k)

    try:
        walk(0, 0, [], [])
    except _TooMany:
        return [], f"连写的数字可拆分方式过多（超过 {limit} 种）"
    if unit:
        for texts, _ in found:
            texts[-1] += unit
    return found, "" if found else f"连写的数字拆不成本行的 {n} 个单元格"


def split_run(text: str, n: int, sums: list[tuple[int, tuple[int, ...]]], *, limit: int, money: set[int],
              signed: frozenset[int] | set[int] = frozenset()) -> Split:
    """Split `text` into n cells where exactly one candidate satisfies the sums lying within the row
    (total index, part indexes); otherwise undecided. (The importer decides with every constraint
    of the report: solve.py.)"""
    found, why = candidates(text, n, limit=limit, money=money, signed=signed)
    if why and not found:
        return Split(None, candidates=-1 if "过多" in why else 0, why=why)
    good = [(t, r) for t, r in found if _holds(t, sums)]
    if len(good) != 1:
        why = "连写的数字无法按本行合计唯一拆分" if good else "连写的数字找不到符合本行合计的拆分"
        return Split(None, candidates=len(good), why=why)
    texts, rec = good[0]
    return Split(tuple(texts), tuple(rec), 1)


def _holds(texts: list[str], sums: list[tuple[int, tuple[int, ...]]]) -> bool:
    for total, parts in sums:
        try:
            if Decimal(_bare(texts[total])) != sum((Decimal(_bare(texts[p])) for p in parts), Decimal(0)):
                return False
        except ArithmeticError:
            return False
    return True


def _bare(text: str) -> str:
    return _UNIT.sub("", text) or "0"
