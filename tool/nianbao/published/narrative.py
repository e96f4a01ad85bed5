"""The narrative against the tables (rules X1, T4-3): figures the text states vs the cells they name.

Regular expressions run over the report's plain text (never markup), sentence by sentence;
each pattern names the cells whose sum the stated figure must equal. A mismatch is a
warning that quotes the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nianbao.findings import Finding
from nianbao.format.layout import layout
from nianbao.format.spec import Format


@dataclass(frozen=True)
class Claim:
    rule: str
    pattern: re.Pattern
    keys: tuple[str, ...]  # cells whose sum the stated number is
    what: str  # the figure, as a person names it
    needs: str = ""  # a word the matched text must contain (e.g. 申请)


CLAIMS = (
    Claim("X1", re.compile(r"(?:收到|受理|新收)(?P<mid>[^。；;，,\d]{0,20}?)(?P<n>\d+)件"),
          ("requests.received.total",), "本年新收政府信息公开申请", needs="申请"),
    Claim("X1", re.compile(r"上年(?:度)?结转(?P<mid>[^。；;，,\d]{0,10}?)(?P<n>\d+)件"),
          ("requests.carried_over.total",), "上年结转申请"),
    Claim("X1", re.compile(r"(?:办结|答复)(?P<mid>[^。；;，,\d]{0,6}?)(?P<n>\d+)件"),
          ("requests.outcome.total.total",), "本年度办理结果总计"),
    Claim("X1", re.compile(r"(?P<n>\d+)件(?P<mid>[^。；;，,\d]{0,4}?)(?:顺延|结转)(?:到|至)?下(?:一)?年度"),
          ("requests.carry_forward.total",), "结转下年度继续办理"),
    Claim("T4-3", re.compile(r"行政复议(?P<mid>[^。；;，,\d]{0,6}?)(?P<n>\d+)(?:件|起)"),
          ("reviews.admin_review.total",), "行政复议总计"),
    Claim("T4-3", re.compile(r"行政诉讼(?P<mid>[^。；;，,\d]{0,6}?)(?P<n>\d+)(?:件|起)"),
          ("reviews.litigation_direct.total", "reviews.litigation_after_review.total"), "行政诉讼总计"),
)
_SENTENCE = re.compile(r"[^。；;！!？?]+[。；;！!？?]?")


def sentences(text: str):
    flat = re.sub(r"\s+", "", text)
    for m in _SENTENCE.finditer(flat):
        if m.group(0).strip():
            yield m.group(0)


def check_narrative(fmt: Format, doc: dict) -> list[Finding]:
    tables = doc.get("tables") or {}
    text = "\n".join(str(v) for v in (doc.get("sections") or {}).values() if isinstance(v, str))
    lay = layout(fmt)
    out: list[Finding] = []
    seen: set[tuple[str, int]] = set()
    for sentence in sentences(text):
        for claim in CLAIMS:
            if not all(k in fmt.cells for k in claim.keys):
                continue
            for m in claim.pattern.finditer(sentence):
                if claim.needs and claim.needs not in m.group(0):
                    continue
                stated = int(m.group("n"))
                values = [tables.get(k) for k in claim.keys]
                if any(not isinstance(v, int) or isinstance(v, bool) for v in values):
                    continue  # a cell that is blank or unreadable: nothing to compare with confidence
                actual = sum(values)
                if stated == actual or (claim.keys[0], stated) in seen:
                    continue
                seen.add((claim.keys[0], stated))
                pos = lay.cells[claim.keys[0]]
                cell = fmt.cells[claim.keys[0]]
                quoted = sentence if len(sentence) <= 90 else _around(sentence, m.start(), m.end())
                out.append(Finding(
                    rule=claim.rule, severity="warning", sheet=pos.sheet, cell=pos.ref, key=claim.keys[0],
                    row_label=cell.row_label or None, column_label=cell.column_label or None,
                    expected=actual, actual=stated, cells=[lay.cells[k].ref for k in claim.keys],
                    message=f"正文说“{quoted}”，即{claim.what} {stated} 件，而表中为 {actual} 件。请核对正文与表格。"))
    return out


def _around(sentence: str, start: int, end: int, reach: int = 36) -> str:
    """The part of a long sentence around the figure, with … where it is cut."""
    a, b = max(0, start - reach), min(len(sentence), end + reach)
    return ("…" if a else "") + sentence[a:b] + ("…" if b < len(sentence) else "")
