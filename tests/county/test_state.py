"""county/state.py: one definition of an agency's verdict, current file, decision, included and due.

Scenarios of issue 18 and agency-state.md §2, each a sequence of arrivals (through a link, as
the web sends them, or collected) and decisions, driven through the functions collect and
`nianbao review` use, then read back through compile --store (the state every surface shows).
"""

from __future__ import annotations

import datetime as dt

import hostile
import pytest
from state_kit import F19, F21, T0, Office, name_of

from nianbao.check.run import check_file
from nianbao.county import review
from nianbao.county.events import read_events
from nianbao.county.previous import Previous, load_previous
from nianbao.county.roster import load_roster
from nianbao.county.state import finding_key, state_of
from nianbao.county.store import Store, sha256_of
from nianbao.format.figures import Figures
from nianbao.workflow.compile import CompileOptions, compile_reports

# (id, steps, expected A01: status, current, review, included, due, roles of its history newest first)
SCENARIOS = [
    ("good-ods-good-again (issue 18 repro 2)",
     [("send", "good"), ("send", "ods"), ("send", "good")],
     ("ok", "good", "pending", True, False, ["current", "unusable", "earlier"])),
    ("good-then-docx (repro 3): a mistaken upload never displaces a good report",
     [("send", "good"), ("send", "docx")],
     ("ok", "good", "pending", True, False, ["unusable", "current"])),
    ("good-then-wrong-year (collected): last year's template is no current report",
     [("send", "good", None), ("send", "wrong_year", None)],
     ("ok", "good", "pending", True, False, ["unusable", "current"])),
    ("only another agency's workbook at A01's link: 有错误, named as another agency's (found by the property test)",
     [("send", "other")],
     ("error", None, "", False, True, ["unusable"])),
    ("only-wrong-year: 有错误 (only unusable files), never 未报送, chased",
     [("send", "wrong_year", None)],
     ("error", None, "", False, True, ["unusable"])),
    ("identical re-upload after a newer file makes the older current again",
     [("send", "good"), ("send", "good2"), ("send", "good")],
     ("ok", "good", "pending", True, False, ["current", "superseded", "earlier"])),
    ("another agency's workbook at A01's link is A01's unusable upload, never A02's report",
     [("send", "good"), ("send", "other")],
     ("ok", "good", "pending", True, False, ["unusable", "current"])),
    ("accepted error (repro 4): counted as 已接收（附说明）, not chased",
     [("send", "bad"), ("accept", "A01", "单位已说明，数字核实无误")],
     ("error", "bad", "accepted_errors", True, False, ["current"])),
    ("returned ok: not counted, chased",
     [("send", "good"), ("return", "A01", "第五部分与表三不一致")],
     ("ok", "good", "returned", False, True, ["current"])),
    ("a new current file is 待审核 again",
     [("send", "good"), ("return", "A01", "请改"), ("send", "good2")],
     ("ok", "good2", "pending", True, False, ["current", "superseded"])),
    ("the decision on a file holds again when that file comes back",
     [("send", "good"), ("return", "A01", "请改"), ("send", "good2"), ("send", "good")],
     ("ok", "good", "returned", False, True, ["current", "superseded", "earlier"])),
    ("previous with T3-4 (repro 1): the upload's verdict is compile's",
     [("previous",), ("send", "carry")],
     ("error", "carry", "pending", False, True, ["current"])),
    ("previous added after an acceptance reopens it",
     [("send", "carry"), ("accept", "A01", ""), ("previous",)],
     ("error", "carry", "reopened", False, True, ["current"])),
]


@pytest.mark.parametrize(("steps", "expected"), [s[1:] for s in SCENARIOS], ids=[s[0] for s in SCENARIOS])
def test_scenario(kit, tmp_path, steps, expected):
    office = Office(kit, tmp_path / "store")
    for step in steps:
        office.step(step)
    comp = office.compile()
    st = next(s for s in comp.statuses if s.entry.code == "A01")
    status, current, review_, included, due, roles = expected
    assert (st.status, name_of(kit, st), st.review, st.included, st.due) == (status, current, review_, included, due)
    assert [h.role for h in st.history] == roles
    assert st.latest is st.history[0]
    assert all(h.why for h in st.history if h.role != "current")  # every file not counted says why
    assert [s.entry.code for s in comp.due] == [s.entry.code for s in comp.statuses if s.due]
    a02 = next(s for s in comp.statuses if s.entry.code == "A02")
    assert a02.status == "missing" and a02.due  # nothing A01 sent ever stands for A02


def test_a_mistaken_upload_is_named_and_the_good_one_still_counts(kit, tmp_path):
    office = Office(kit, tmp_path / "s")
    for step in [("send", "good"), ("send", "docx")]:
        office.step(step)
    st = office.state("A01")
    assert st.latest.name == "docx.docx" and st.arrived.name == "good.xlsx"
    assert any("docx.docx" in n and "仍采用 good.xlsx" in n for n in st.notes)


def test_cross_year_finding_carries_last_years_figure(kit, tmp_path):
    office = Office(kit, tmp_path / "s")
    office.step(("previous",))
    office.step(("send", "carry"))
    st = office.state("A01")
    t34 = [f for f in st.findings if f.rule == "T3-4"]
    last = kit["prev"][1]["tables"]["requests.carry_forward.natural"]
    assert [(f.severity, f.column_label) for f in t34] == [("error", "自然人"), ("error", "总计")]
    assert t34[0].expected == last and t34[0].actual == last + 1


def test_accepting_errors_needs_a_reason_and_a_complete_file(kit, tmp_path):
    office = Office(kit, tmp_path / "s")
    office.step(("send", "bad"))
    with pytest.raises(review.ReviewError, match="接收理由"):
        review.accept(office.store, office.state("A01"), "  ", "cli:test")
    with pytest.raises(review.ReviewError, match="退回意见"):
        review.return_(office.store, office.state("A01"), "", "cli:test")
    assert read_events(office.store.root)[0][-1].kind == "sent"  # nothing recorded
    office.step(("send", "good"))
    with pytest.raises(review.ReviewError, match="新的文件"):  # the office looked at "bad"; "good" came since
        review.accept(office.store, office.state("A01"), "ok", "cli:test",
                      expect_sha256=sha256_of(kit["files"]["bad"]))


def test_explanation_is_shown_with_its_finding_and_follows_it_into_a_later_file(kit, tmp_path):
    office = Office(kit, tmp_path / "s")
    office.step(("previous",))
    office.step(("send", "carry"))
    office.step(("explain", "A01", "T3-4", "去年年报结转数有误，已于 2 月更正"))
    st = office.state("A01")
    explained = [f for f in st.findings if st.explanation(f)]
    assert [f.column_label for f in explained] == ["自然人"]
    assert st.explanation(explained[0]).note == "去年年报结转数有误，已于 2 月更正"
    assert st.review == "pending" and not st.included  # an explanation alone decides nothing


def test_published_previous_gives_warnings_and_an_unreadable_cell_gives_wu_fa_he_dui(kit):
    carry = kit["check"](kit["files"]["carry"], expect_year=2021)
    prev_doc = kit["prev"][1]
    figures = Figures.of({**prev_doc, "agency": {**prev_doc["agency"], "code": "A01"}})
    entry = kit["roster"][0]
    for kind, states, severity in (("nianbao", {}, "error"), ("published", {}, "warning")):
        previous = Previous("上年", None, {"A01": figures}, kind, states)
        sub_state = _state_with(carry, entry, previous)
        assert {f.severity for f in sub_state.findings if f.rule == "T3-4"} == {severity}
    lost = {"requests.carry_forward.natural": "unreadable"}
    tables = {**figures.tables(), "requests.carry_forward.natural": None}
    blurred = Figures.of({**figures.document(), "tables": tables})
    st = _state_with(carry, entry, Previous("上年", None, {"A01": blurred}, "published", {"A01": lost}))
    t34 = [f for f in st.findings if f.rule == "T3-4"]
    assert any(f.message.startswith("无法核对") and f.column_label == "自然人" for f in t34), [f.message for f in t34]


def _state_with(checked, entry, previous):
    from nianbao.county.gather import Submission

    sub = Submission("x.xlsx", T0.isoformat(), checked, "x.xlsx", "0" * 64)
    return state_of([sub], [entry], previous=previous, fmt=F21).agencies[0]


def test_published_previous_folder_keeps_an_unreadable_agency(kit, tmp_path):
    """Issue 22's survivor: a cell of last year's published report printed unreadably makes the rules
    that need it 无法核对 (a warning naming the cell), never a silent pass."""
    from nianbao.county.previous import _from_published
    from nianbao.render import render_document

    folder = tmp_path / "prev"
    folder.mkdir()
    prev = kit["prev"][1]
    prev = {**prev, "tables": {**prev["tables"], "requests.carry_forward.natural": 987}}
    page = render_document(prev, F19, "html", folder / "a01.html")
    html = page.read_text(encoding="utf-8")
    assert html.count(">987<") == 1
    page.write_text(html.replace(">987<", ">9■7<"), encoding="utf-8")
    found = _from_published(folder, 2020, kit["roster"])
    assert found.kind == "published" and found.states == {"A01": {"requests.carry_forward.natural": "unreadable"}}
    assert not found.complete("A01")
    checked = kit["check"](kit["files"]["good"], expect_year=2021)
    st = _state_with(checked, kit["roster"][0], found)
    t34 = [f for f in st.findings if f.rule == "T3-4"]
    assert [(f.severity, f.message[:4]) for f in t34 if f.column_label == "自然人"] == [("warning", "无法核对")]


def _roster_file(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("code,name,level\nA01,测试县第1局,county\n", encoding="utf-8")
    return path


def test_forged_after_genuine_never_becomes_current(tmp_path):
    d = tmp_path / "f"
    d.mkdir()
    genuine = hostile.signed_report(d, "02-财政局.xlsx", agency={"name": "测试县财政局", "code": "02",
                                                                 "level": "county"}, seed=2)
    forged = hostile.identity_code_borrowed(d)  # E01's signed template relabelled as 02's
    store = Store(tmp_path / "store")
    for i, path in enumerate((genuine, forged)):
        store.receive(path, check_file(path), actor="collect", received_at=T0 + dt.timedelta(minutes=i))
    roster = tmp_path / "r.csv"
    roster.write_text("code,name,level\n02,测试县财政局,county\n", encoding="utf-8")
    comp = compile_reports(CompileOptions(fmt=F21, year=2021, roster=load_roster(roster), out_dir=tmp_path,
                                          store=store.root, secret=hostile.ISSUER_SECRET))
    (st,) = comp.statuses
    assert (st.status, st.arrived.name, st.included) == ("ok", "02-财政局.xlsx", True)
    assert [h.role for h in st.history] == ["forged", "current"]
    assert [s.original_name for s in comp.rejected] == [forged.name]


def test_finding_key_names_the_rule_and_place_and_tells_other_figures_apart():
    from nianbao.findings import Finding

    a = Finding("T3-4", "error", "m", sheet="表三", cell="D7", actual=1, expected=2)
    assert finding_key(a).startswith("T3-4@表三!D7#")
    assert finding_key(a) == finding_key(Finding("T3-4", "error", "other words", sheet="表三", cell="D7", actual=1,
                                                 expected=2))
    assert finding_key(a) != finding_key(Finding("T3-4", "error", "m", sheet="表三", cell="D7", actual=1, expected=3))


def test_last_year_is_what_last_years_compile_counted(kit, tmp_path):
    """A returned report of last year is not last year's figure (previous from a store, decisions included)."""
    office = Office(kit, tmp_path / "s")
    office.step(("send", "good"))
    assert "A01" in load_previous(office.store.root, 2021).agencies
    office.step(("return", "A01", "请改"))
    assert "A01" not in load_previous(office.store.root, 2021).agencies
