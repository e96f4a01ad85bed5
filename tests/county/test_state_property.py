"""One truth, as a property: random sequences of uploads, reviews and a previous year added, driven
through the functions collect and `nianbao review` use, and after every step compile's statuses,
`included`, the current file and remind's list agree with each other and with a small model of
the rules written here independently (state.py's docstring, rules 2–8)."""

from __future__ import annotations

import argparse
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from state_kit import Office, name_of

from nianbao.cli.county_args import load_state
from nianbao.county import review

# What each file is, for the model: its agency, and its status without / with last year's data.
FILES = {
    "good": ("A01", "ok", "ok"), "good2": ("A01", "ok", "ok"), "carry": ("A01", "ok", "error"),
    "bad": ("A01", "error", "error"), "other": ("A02", "ok", "ok"),
    "wrong_year": ("A01", None, None), "ods": (None, None, None), "docx": (None, None, None),
}
ERRORS = {("carry", True): {"T3-4"}, ("bad", False): {"T3-1"}, ("bad", True): {"T3-1"}}

steps = st.lists(st.one_of(
    st.tuples(st.just("send"), st.sampled_from(sorted(FILES)), st.sampled_from(["A01", "A02", None])),
    st.tuples(st.just("accept"), st.sampled_from(["A01", "A02"]), st.sampled_from(["", "单位已说明，核实无误"])),
    st.tuples(st.just("return"), st.sampled_from(["A01", "A02"]), st.sampled_from(["", "请修改后重新报送"])),
    st.tuples(st.just("previous")),
), min_size=1, max_size=8)


class Model:
    """The rules, restated: arrivals by owner, the latest usable is current, decisions per (agency, file)."""

    def __init__(self):
        self.arrivals: dict[str, list[str]] = {"A01": [], "A02": []}
        self.decisions: dict[tuple[str, str], tuple[str, str, frozenset]] = {}
        self.previous = False

    def send(self, name: str, via: str | None) -> None:
        owner = via or FILES[name][0]
        if owner in self.arrivals:
            self.arrivals[owner].append(name)

    def usable(self, code: str, name: str) -> bool:
        return FILES[name][0] == code and FILES[name][1] is not None

    def current(self, code: str) -> str | None:
        return next((n for n in reversed(self.arrivals[code]) if self.usable(code, n)), None)

    def status(self, code: str) -> str:
        cur = self.current(code)
        if cur is None:
            return "error" if self.arrivals[code] else "missing"
        return FILES[cur][2 if self.previous else 1]

    def errors(self, code: str) -> frozenset:
        return frozenset(ERRORS.get((self.current(code), self.previous), set()))

    def review(self, code: str) -> str:
        cur = self.current(code)
        if cur is None:
            return ""
        kind, reason, covers = self.decisions.get((code, cur), ("pending", "", frozenset()))
        if kind != "accepted":
            return kind
        if self.status(code) != "error":
            return "accepted"
        return "accepted_errors" if reason and self.errors(code) <= covers else "reopened"

    def decide(self, kind: str, code: str, note: str) -> bool:
        """Whether the rules allow it (then it is recorded)."""
        cur = self.current(code)
        if cur is None or not note and (kind == "returned" or self.status(code) == "error"):
            return False
        self.decisions[(code, cur)] = (kind, note, self.errors(code) if kind == "accepted" else frozenset())
        return True

    def included(self, code: str) -> bool:
        status, rev = self.status(code), self.review(code)
        return self.current(code) is not None and rev != "returned" and (
            status in ("ok", "warning") or rev == "accepted_errors")

    def due(self, code: str) -> bool:
        status, rev = self.status(code), self.review(code)
        return status == "missing" or rev == "returned" or (status == "error" and rev != "accepted_errors")


@settings(max_examples=60, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=steps)
def test_every_surface_agrees_with_the_rules_after_every_step(kit, tmp_path_factory, steps):
    office = Office(kit, tmp_path_factory.mktemp("store") / "s")
    model = Model()
    for step in steps:
        kind = step[0]
        if kind == "send":
            office.send(step[1], step[2])
            model.send(step[1], step[2])
        elif kind == "previous":
            office.step(("previous",))
            model.previous = True
        else:
            code, note = step[1], step[2]
            decision = {"accept": "accepted", "return": "returned"}[kind]
            allowed = model.decide(decision, code, note)
            try:
                (review.accept if kind == "accept" else review.return_)(office.store, office.state(code), note, "t")
                recorded = True
            except review.ReviewError:
                recorded = False
            assert recorded == allowed, (step, model.arrivals)
        _agree(office, model, kit)


def _agree(office: Office, model: Model, kit) -> None:
    comp = office.compile()
    args = argparse.Namespace(store=office.store.root, roster=_roster_path(kit), year=2021, format_id=None,
                              previous=office.previous, secret_file=None, jobs=1)
    remind = load_state(args, check=kit["check"]).state  # what remind and review read
    for s in comp.statuses:
        code = s.entry.code
        got = (s.status, name_of(kit, s), s.review, s.included, s.due)
        want = (model.status(code), model.current(code), model.review(code), model.included(code), model.due(code))
        assert got == want, (code, model.arrivals, model.decisions, model.previous)
        other = remind.of(code)
        assert (other.status, name_of(kit, other), other.review, other.included, other.due) == got
    assert [s.entry.code for s in remind.due] == [s.entry.code for s in comp.due]
    assert [s.entry.code for s in comp.included] == [m.entry.code for m in comp.statuses if m.included]


def _roster_path(kit) -> Path:
    path = Path(kit["files"]["good"]).parent / "roster.csv"
    assert path.is_file()
    return path
