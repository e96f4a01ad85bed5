"""Whose report is it? The issuer's signature at the county, the roster, and copied figures.

- With a secret, a submission is verified when the issuer MAC vouches for it; only verified
  submissions supersede verified ones, so a forged file claiming an agency never displaces
  that agency's genuine report (pick). A report document (.json) carries no MAC: with a
  secret it is unverified.
- Always: the agency name and level in the file are compared with the roster's (a
  warning names both), and reports of different agencies whose figures are identical are
  flagged on both (a copied or borrowed workbook). Reports with fewer than
  DUPLICATE_MIN_NONZERO non-zero figures are not compared: small agencies legitimately
  report (almost) nothing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from nianbao.findings import Code, Finding, finding
from nianbao.format.identity import mac_verified

from .roster import RosterEntry

DUPLICATE_MIN_NONZERO = 3
LEVEL_NAMES = {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇（街道）"}


class _Sub(Protocol):  # consolidate.Submission
    result: object
    original_name: str
    received_at: str


def verification(result, secret: bytes | None) -> tuple[bool | None, list[Finding]]:
    """(verified, extra findings) of a check result: None without a secret."""
    if secret is None:
        return None, []
    if result.file and Path(result.file).suffix.lower() == ".json" and result.agency:
        return False, [finding(Code.HMAC_UNSIGNED_DOCUMENT)]
    return bool(result.agency) and mac_verified(result.findings), []


def pick(subs: Sequence[_Sub]) -> tuple[_Sub, list[_Sub], list[_Sub]]:
    """(current, superseded, rejected) of one agency's submissions in received order.

    Without a secret the latest counts. With one, the latest verified submission counts and
    every unverified one is rejected; when none verifies, the latest is current (and shows its
    signature error) and the earlier ones are rejected."""
    if all(s.result.verified is None for s in subs):
        return subs[-1], list(subs[:-1]), []
    verified = [s for s in subs if s.result.verified]
    if not verified:
        return subs[-1], [], list(subs[:-1])
    return verified[-1], verified[:-1], [s for s in subs if not s.result.verified]


def rejected_note(rejected: Sequence[_Sub]) -> str:
    names = "、".join(f"{s.original_name}（{s.received_at}）" for s in rejected[:5])
    more = f"等 {len(rejected)} 份" if len(rejected) > 5 else ""
    return f"另有下发签名核对不通过的文件 {names}{more}，疑似冒用本单位名义，未采用"


def roster_findings(entry: RosterEntry, agency: dict | None) -> list[Finding]:
    """Warnings when the file's agency name or level is not the roster's."""
    agency = agency or {}
    out = []
    name = str(agency.get("name") or "")
    if name and _plain(name) != _plain(entry.name):
        out.append(finding(Code.AGENCY_NAME_MISMATCH, actual=name, expected=entry.name, agency_code=entry.code))
    level = str(agency.get("level") or "")
    if level and entry.level and level != entry.level:
        out.append(finding(Code.AGENCY_LEVEL_MISMATCH, actual=LEVEL_NAMES.get(level, level),
                           expected=LEVEL_NAMES.get(entry.level, entry.level)))
    return out


def duplicate_figures(reports: Iterable[tuple[RosterEntry, str, Sequence]]) -> dict[str, list[Finding]]:
    """reports: (entry, format id, input values). A warning per agency whose figures another agency also sent."""
    groups: dict[tuple, list[RosterEntry]] = {}
    for entry, format_id, values in reports:
        key = _figures_key(values)
        if key is not None:
            groups.setdefault((format_id, key), []).append(entry)
    out: dict[str, list[Finding]] = {}
    for entries in groups.values():
        for entry in entries if len(entries) > 1 else ():
            others = [e for e in entries if e.code != entry.code]
            if not others:
                continue
            other = others[0].name + (f"等 {len(others)} 个单位" if len(others) > 1 else "")
            out.setdefault(entry.code, []).append(
                finding(Code.FIGURES_DUPLICATE, other=other, other_code=others[0].code))
    return out


def _figures_key(values: Sequence) -> tuple | None:
    if isinstance(values, tuple) and not any(type(v) is bool for v in values):  # True == 1 for the cache
        try:
            return _tuple_key(values)
        except TypeError:  # a value that cannot be hashed: compared without the cache
            pass
    return _key_of(values)


@lru_cache(maxsize=1 << 12)
def _tuple_key(values: tuple) -> tuple | None:
    """_key_of, remembered: the web service compares the same reports again after every upload."""
    return _key_of(values)


def _key_of(values: Sequence) -> tuple | None:
    try:
        numbers = tuple(Decimal(str(v)).normalize() if v is not None else None for v in values)
    except (InvalidOperation, ValueError, TypeError):
        return None
    if sum(1 for n in numbers if n) < DUPLICATE_MIN_NONZERO:
        return None
    return numbers


def _plain(name: str) -> str:
    """A name as compared: NFKC (full-width letters and brackets), no spaces, without the "（汇总）"
    a compiled summary adds to its county's name."""
    return "".join(unicodedata.normalize("NFKC", name).split()).removesuffix("(汇总)")
