"""Consolidate a county: every roster agency's state (state.py), the sums, and the county's cross-year checks.

Which file stands for an agency, its verdict, the office's decision and whether it is counted
are decided by state.py, the one place that decides them. This module sums the counted
reports: every rule of the format is linear, so when every part passes, the sum must pass —
a county-level error is a bug, reported loudly, never hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any

from nianbao.check import rules
from nianbao.check.run import check_document
from nianbao.findings import Finding
from nianbao.format.document import SUM_CONTEXT, as_decimal, compute_derived, new_document, to_json_number
from nianbao.format.spec import Format

from .events import Event
from .gather import Checked, Submission, check_for_compile, gather_paths, gather_store
from .last_year import Previous
from .roster import RosterEntry
from .state import STATUS_LABELS, AgencyState, cross_year_ids, state_of
from .yoy import YOY_KEY, percent, yoy

__all__ = ["STATUS_LABELS", "YOY_KEY", "AgencyState", "AgencyStatus", "Checked", "Compilation", "Submission",
           "check_for_compile", "consolidate", "gather_paths", "gather_store", "percent", "sum_tables"]

AgencyStatus = AgencyState  # the name before state.py
MEMBERS_NAMED = 60  # the overview names this many members; summary.xlsx lists them all


@dataclass
class Compilation:
    fmt: Format
    year: int
    agency: dict
    statuses: list[AgencyState]
    county: dict  # the consolidated report document
    county_findings: list[Finding]
    bugs: list[Finding]  # county-level errors although every part passed
    unknown: list[Submission]  # identified, but not on the roster
    unidentified: list[Submission]  # not readable as any agency's report
    superseded: list[Submission]
    include_errors: bool = False
    rejected: list[Submission] = field(default_factory=list)  # failed the issuer's MAC; never counted
    unusable: list[Submission] = field(default_factory=list)  # a roster agency's, but another year/format/agency's
    previous: Previous | None = None

    @property
    def included(self) -> list[AgencyState]:
        return [s for s in self.statuses if s.included]

    @property
    def due(self) -> list[AgencyState]:
        """The agencies `remind` chases (state.py rule 8)."""
        return [s for s in self.statuses if s.due]

    def counts(self) -> dict[str, int]:
        return {k: sum(s.status == k for s in self.statuses) for k in STATUS_LABELS}

    def causes(self, f: Finding) -> list[tuple[AgencyState, Finding]]:
        """The counted reports behind a county finding (error or warning), each with its own finding:
        those breaking the same rule at the same cell, else the same rule anywhere. Every rule is
        linear, so a county total breaks a rule only where some counted report breaks it."""
        if f.severity not in ("error", "warning"):
            return []
        for same in (lambda g: g.rule == f.rule and g.key == f.key, lambda g: g.rule == f.rule):
            found = [(s, next(g for g in s.findings if same(g))) for s in self.included if any(map(same, s.findings))]
            if found:
                return found
        return []


def consolidate(
    fmt: Format,
    year: int,
    roster: list[RosterEntry],
    submissions: list[Submission],
    *,
    agency: dict,
    previous: Previous | None = None,
    events: Iterable[Event] = (),
    include_errors: bool = False,
) -> Compilation:
    """previous: last year's reports (cross-year checks per agency and for the county);
    events: the store's arrivals and decisions (events.jsonl)."""
    state = state_of(submissions, roster, events=events, previous=previous, fmt=fmt, include_errors=include_errors)
    statuses = state.agencies
    included = [s for s in statuses if s.included]
    county = sum_tables(fmt, year, agency, (s.figures.tables() for s in included), [s.entry for s in included])
    county_result = check_document(county)
    county_findings = list(county_result.findings)
    previous_county = None
    if previous is not None:
        previous_county, missing_prev = _previous_of_members(previous, included, year)
        if missing_prev:
            county_findings.append(Finding(
                rule="C4", severity="warning",
                message=f"以下单位没有上一年度报告（或其中有无法读取的数字），跨年度核对只比较其余单位：{'、'.join(missing_prev)}。"))
    if previous_county is not None:
        cross = rules.evaluate(fmt, county["tables"], level=agency.get("level"), previous=previous_county,
                               cross_year_severity=previous.severity, consolidated=True)
        county_findings += [f for f in cross if f.rule in cross_year_ids(fmt)]
        county_findings += yoy(fmt, county["tables"], previous_county.get("tables", {}))
    all_clean = all(s.status in ("ok", "warning") for s in included)
    # A sum above a kind's range (a province's figures) is reported, but is no defect of nianbao.
    bugs = [f for f in county_result.findings if f.severity == "error" and f.rule != "CELL_OUT_OF_RANGE"] \
        if all_clean else []
    return Compilation(fmt, year, agency, statuses, county, county_findings, bugs, state.unknown, state.unidentified,
                       state.superseded, include_errors, state.rejected, state.unusable, previous)


def _previous_of_members(previous: Previous, members: list[AgencyState], year: int):
    """Last year's county figures over this year's included members (C4: membership may change)."""
    from nianbao.format.spec import get_format

    entries = [m.entry for m in members if previous.complete(m.entry.code)]
    missing = [m.entry.name for m in members if not previous.complete(m.entry.code)]
    if not entries:
        return None, missing
    figures = previous.agencies
    fmt = get_format(figures[entries[0].code].format)
    tables = (figures[e.code].tables() for e in entries)
    return sum_tables(fmt, year - 1, {"name": "上年", "code": "PREV"}, tables, entries), missing


def sum_tables(fmt: Format, year: int, agency: dict, tables: Iterable[Mapping[str, Any]],
               members: list[RosterEntry]) -> dict:
    """The consolidated report: every input cell summed, totals derived again.

    tables: the members' tables, read once and one at a time (a generator builds each from its Figures).
    """
    keys = fmt.input_keys()
    sums = dict.fromkeys(keys, Decimal(0))
    with localcontext(SUM_CONTEXT):  # exact, or it raises: never a silently rounded county figure
        for one in tables:
            for key in keys:
                sums[key] += as_decimal(one[key])
    totals = {key: to_json_number(sums[key], fmt.cells[key].kind) for key in keys}
    doc = new_document(fmt, year, agency, compute_derived(fmt, totals))
    names = "、".join(m.name for m in members[:MEMBERS_NAMED])
    if len(members) > MEMBERS_NAMED:
        names += f"等{len(members)}个单位"
    county = agency["name"].removesuffix("（汇总）")
    doc["sections"]["overview"] = (
        f"本报告由{county}汇总{len(members)}个单位报送的{year}年度政府信息公开工作年度报告数据生成"
        f"（{names}）。总体情况的文字说明请汇总单位补充。" if members else "")
    doc["consolidated"] = {"members": [{"code": m.code, "name": m.name, "level": m.level or ""} for m in members]}
    return doc
