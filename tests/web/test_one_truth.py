"""One truth, as a property (issue 18, done when): random sequences of events driven through the web service —
uploads of good, erroneous, identical, other-agency, wrong-year and non-workbook files at either link,
explanations, the office accepting (with and without a reason) and returning (with and without a note), last
year's data added (the service restarted with --previous) — and after every step the department page and
its status.json, the office page and its status.json, `compile` on the same store and `remind`'s list agree.
At the end the office's 生成汇总 agrees with them too."""

from __future__ import annotations

import argparse
from pathlib import Path

import lxml.html
import pytest
from county.state_kit import F21
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient
from web_kit import JSON, csrf_of

from nianbao.cli.county_args import load_state
from nianbao.county import previous as previous_module
from nianbao.county.previous import load_previous
from nianbao.county.state import decision_allowed
from nianbao.web import auth, work
from nianbao.web import service as service_module
from nianbao.web.app import create_app
from nianbao.web.links import make_links
from nianbao.web.service import Service, ServiceConfig
from nianbao.workflow import compile as compile_module
from nianbao.workflow.compile import CompileOptions, compile_reports

CODES = ("A01", "A02")
FILES = ("good", "good2", "carry", "bad", "other", "wrong_year", "ods", "docx")
OFTEN = FILES + ("bad", "carry")  # files with findings twice as often, so explanations and acceptances happen
NOTES = ("", "单位已说明，核实无误")

steps = st.lists(st.one_of(
    st.tuples(st.just("upload"), st.sampled_from(OFTEN), st.sampled_from(CODES)),
    st.tuples(st.just("explain"), st.sampled_from(CODES)),
    st.tuples(st.just("accepted"), st.sampled_from(CODES), st.sampled_from(NOTES)),
    st.tuples(st.just("returned"), st.sampled_from(CODES), st.sampled_from(NOTES)),
    st.tuples(st.just("previous")),
), min_size=1, max_size=8)


class County:
    """A store served by the web service (in process), restarted when last year's data is added."""

    def __init__(self, kit, root: Path):
        self.kit, self.root = kit, root
        self.previous = None
        self.client = None
        self._open()
        self.links = {x["code"]: x["url"].removeprefix("http://testserver")
                      for x in make_links(self.service.db, self.service.web_dir, self.service.roster,
                                          "http://testserver")}

    def _open(self) -> None:
        config = ServiceConfig(store=self.root, roster_path=_roster_path(self.kit), year=2021, format_id=F21.id,
                               previous=self.previous, workers=0, base_url="http://testserver")
        self.service = Service(config)
        self.client = TestClient(create_app(config, service=self.service), base_url="http://testserver")
        self.client.__enter__()
        token, _ = auth.open_session(self.service.db)  # signed in (the login itself is tested in test_office.py)
        self.client.cookies.set(auth.SESSION_COOKIE, token)

    def close(self) -> None:
        self.client.__exit__(None, None, None)

    def add_previous(self) -> None:
        self.close()
        self.previous = self.kit["last"]
        self._open()

    def compile(self):
        return compile_reports(CompileOptions(fmt=F21, year=2021, roster=self.kit["roster"], out_dir=Path("unused"),
                                              store=self.root, previous=self.previous), check=self.kit["check"])

    def remind(self):
        args = argparse.Namespace(store=self.root, roster=None, year=None, format_id=None, previous=None,
                                  secret_file=None, jobs=1)  # what `nianbao serve` recorded, as remind reads it
        return load_state(args, check=self.kit["check"]).state


@pytest.fixture
def memo_checks(kit, monkeypatch):
    """The service checks a file exactly as compile does; each distinct file and options checked once, and
    last year's store read once (by the service, compile and remind alike)."""
    monkeypatch.setattr(work, "check_stored", lambda path, options: kit["check"](path, **options))
    loaded = {}

    def load_once(path, year, secret=None, roster=None):
        key = (str(path), year)
        if key not in loaded:
            loaded[key] = load_previous(path, year, secret, roster=roster)
        return loaded[key]

    for module in (previous_module, compile_module, service_module):
        monkeypatch.setattr(module, "load_previous", load_once)


@settings(max_examples=40, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=steps)
@example(steps=[("upload", "good", "A01"), ("upload", "ods", "A01"), ("upload", "good", "A01")])  # repro 2
@example(steps=[("upload", "good", "A01"), ("upload", "docx", "A01"), ("upload", "other", "A01")])  # repro 3
@example(steps=[("upload", "carry", "A01"), ("accepted", "A01", ""), ("previous",)])  # repro 1, reopened
@example(steps=[("upload", "bad", "A01"), ("explain", "A01"), ("accepted", "A01", ""),  # repro 4
                ("accepted", "A01", NOTES[1]), ("upload", "wrong_year", "A01"), ("returned", "A02", "")])
@example(steps=[("upload", "bad", "A01"), ("explain", "A01"), ("returned", "A01", NOTES[1]),
                ("upload", "good", "A01"), ("upload", "bad", "A01"), ("previous",), ("upload", "other", "A02")])
def test_every_surface_tells_the_same_story_after_every_step(kit, memo_checks, tmp_path_factory, steps):
    county = County(kit, tmp_path_factory.mktemp("store") / "s")
    try:
        for step in steps:
            _act(county, step)
            _agree(county, step)
        _agree_with_the_offices_compile(county)
    finally:
        county.close()


def _act(county: County, step: tuple) -> None:
    kind, *args = step
    client = county.client
    if kind == "upload":
        name, code = args
        path = county.kit["files"][name]
        with open(path, "rb") as fh:
            r = client.post(county.links[code], files={"file": (path.name, fh)}, headers=JSON)
        assert r.status_code == 200, r.text
        said = r.json()["agency"]
        st_ = county.compile().statuses
        truth = next(s for s in st_ if s.entry.code == code)
        assert (said["status"], said["review"], said["included"], said["due"]) == (
            truth.status, truth.review, truth.included, truth.due), step  # the verdict at upload is compile's
    elif kind == "explain":
        (code,) = args
        mine = client.get(county.links[code] + "/status.json").json()["agency"]
        target = next(iter(mine.get("findings") or []), None)
        if mine["current"] is None or target is None:
            return
        r = client.post(county.links[code] + "/explain", data={"key": target["key"], "text": "已核实，情况属实",
                                                               "sha256": mine["current"]["sha256"]}, headers=JSON)
        assert r.status_code == 200, r.text
    elif kind in ("accepted", "returned"):
        code, note = args
        truth = next(s for s in county.compile().statuses if s.entry.code == code)
        allowed = not decision_allowed(truth, kind, note)  # what `nianbao review` allows
        sha = truth.current.sha256 if truth.current else ""
        r = client.post("/office/review", data={"csrf": csrf_of(client), "code": code, "sha256": sha,
                                                "decision": kind, "note": note}, headers=JSON)
        assert (r.status_code == 200) is allowed, (step, r.text)
        if not allowed:
            assert r.json()["code"] == "review"
    else:
        county.add_previous()


def _key(status, current, review, included, due, explained) -> tuple:
    return (status, current, review, included, due, explained)


def _agree(county: County, step) -> None:
    comp = county.compile()
    truth = {s.entry.code: _key(s.status, s.current.sha256 if s.current else None, s.review, s.included, s.due,
                                len(s.explanations)) for s in comp.statuses}
    client = county.client
    office = {a["code"]: _key(a["status"], (a["current"] or {}).get("sha256"), a["review"], a["included"], a["due"],
                              a["explained"]) for a in client.get("/office/status.json").json()["agencies"]}
    assert office == truth, step
    rows = lxml.html.fromstring(client.get("/office").text).xpath("//table[@id='status']/tbody/tr")
    shown = {tr.get("data-code"): (tr.get("data-status"), tr.get("data-review"), tr.get("data-included") == "true",
                                   tr.get("data-due") == "true") for tr in rows}
    assert shown == {c: (t[0], t[2], t[3], t[4]) for c, t in truth.items()}, step
    for code in CODES:
        mine = client.get(county.links[code] + "/status.json").json()
        a = mine["agency"]
        got = _key(a["status"], (a["current"] or {}).get("sha256"), a["review"], a["included"], a["due"],
                   a["explained"])
        assert got == truth[code], (code, step)
        page = lxml.html.fromstring(client.get(county.links[code]).text)
        result = page.xpath("//section[@id='result']")
        if a["history"]:
            assert (result[0].get("data-status"), result[0].get("data-review")) == (a["status"], a["review"])
            if a["current"]:
                assert page.xpath("//div[contains(@class,'verdict')]")[0].text.strip() == comp.statuses[
                    CODES.index(code)].label
        else:
            assert result == []
        agency = client.get(f"/office/agency/{code}.json").json()["agency"]
        assert (agency["status"], agency["review"], agency["included"]) == (truth[code][0], truth[code][2],
                                                                           truth[code][3])
    remind = county.remind()
    assert [s.entry.code for s in remind.due] == [s.entry.code for s in comp.due], step
    assert {s.entry.code: (s.status, s.review, s.included) for s in remind.agencies} == {
        c: (t[0], t[2], t[3]) for c, t in truth.items()}, step


def _agree_with_the_offices_compile(county: County) -> None:
    r = county.client.post("/office/compile", data={"csrf": csrf_of(county.client)}, headers=JSON)
    assert r.status_code == 200, r.text
    web = {a["code"]: (a["status"], a["review"], a["included"], a["due"]) for a in r.json()["agencies"]}
    assert web == {s.entry.code: (s.status, s.review, s.included, s.due) for s in county.compile().statuses}


def _roster_path(kit) -> Path:
    return Path(kit["files"]["good"]).parent / "roster.csv"
