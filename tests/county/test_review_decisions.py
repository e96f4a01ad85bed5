"""county/review.py: what a decision or an explanation records, and what it refuses (Chinese), the same
for `nianbao review` and the web."""

from __future__ import annotations

import pytest
from memory_kit import A01, T3_1, WARN, checked, sub
from state_kit import Office

from nianbao.county import review
from nianbao.county.events import ACCEPTED, EXPLAINED, RETURNED, read_events
from nianbao.county.state import finding_key, state_of
from nianbao.county.store import Store, sha256_of


def _events(office):
    return read_events(office.store.root)[0]


def test_an_accepted_file_with_errors_records_the_reason_and_the_errors_it_covers(kit, tmp_path):
    office = Office(kit, tmp_path / "s")
    office.step(("send", "bad"))
    st = office.state("A01")
    bad = sha256_of(kit["files"]["bad"])
    event = review.accept(office.store, st, "  单位已说明：\x07结转数有误。 ", "cli:王", expect_sha256=bad)
    assert _events(office)[-1] == event
    assert (event.kind, event.sha256, event.actor, event.agency_code, event.note) == (
        ACCEPTED, bad, "cli:王", "A01", "单位已说明：结转数有误。")
    assert event.covers == tuple(finding_key(f) for f in st.findings if f.severity == "error")
    assert event.covers
    assert office.state("A01").review == "accepted_errors"


def test_a_returned_file_records_what_to_change(kit, tmp_path):
    office = Office(kit, tmp_path / "s")
    office.step(("send", "good"))
    event = review.return_(office.store, office.state("A01"), "请补充第五部分。", "office")
    assert (event.kind, event.note, event.covers) == (RETURNED, "请补充第五部分。", ())
    assert _events(office)[-1] == event
    assert office.state("A01").review == "returned"


def test_an_agency_without_a_file_to_review_is_told_so_and_nothing_is_recorded(kit, tmp_path):
    office = Office(kit, tmp_path / "s")
    st = office.state("A02")
    for act in (lambda: review.accept(office.store, st, "理由", "office"),
                lambda: review.return_(office.store, st, "意见", "office")):
        with pytest.raises(review.ReviewError) as caught:
            act()
        assert str(caught.value) == "测试县第2局（A02）没有可审核的文件（未报送）。"
    office.step(("send", "wrong_year"))
    with pytest.raises(review.ReviewError, match="没有可审核的文件"):
        review.accept(office.store, office.state("A01"), "理由", "office")
    assert [e.kind for e in _events(office)] == ["sent"]


def test_an_explanation_is_recorded_for_its_finding_of_the_current_file_only(kit, tmp_path):
    office = Office(kit, tmp_path / "s")
    office.step(("send", "bad"))
    st = office.state("A01")
    error = next(f for f in st.findings if f.severity == "error")
    bad = sha256_of(kit["files"]["bad"])
    event = review.explain(office.store, st, error, " 去年结转数有误\x00，已更正。\n", "agency:A01", expect_sha256=bad)
    assert (event.kind, event.sha256, event.agency_code, event.finding, event.note, event.actor) == (
        EXPLAINED, bad, "A01", finding_key(error), "去年结转数有误，已更正。", "agency:A01")
    assert _events(office)[-1] == event
    assert office.state("A01").explanations[finding_key(error)] == event
    with pytest.raises(review.ReviewError) as empty:
        review.explain(office.store, st, error, " \x01 ", "agency:A01")
    assert str(empty.value).startswith("说明不能为空")
    copy = type(error)(**{**error.__dict__})  # the same words, but not a finding of this state
    infos = [f for f in st.findings if f.severity == "info"]
    for other in [copy, *infos]:
        with pytest.raises(review.ReviewError) as caught:
            review.explain(office.store, st, other, "说明", "agency:A01")
        assert str(caught.value) == "只能对本单位当前文件的错误或警告作说明。"
    with pytest.raises(review.ReviewError, match="新的文件"):
        review.explain(office.store, st, error, "说明", "agency:A01", expect_sha256="0" * 64)
    assert [e.kind for e in _events(office)] == ["sent", "explained"]


def test_a_department_may_explain_a_warning_as_well_as_an_error(tmp_path):
    s = sub("a.xlsx", checked(findings=(T3_1, WARN)))
    st = state_of([s], [A01]).of("A01")
    store = Store(tmp_path / "s")
    warning = next(f for f in st.findings if f.severity == "warning")
    event = review.explain(store, st, warning, "该项按惯例填报。", "agency:A01", expect_sha256=s.sha256)
    assert (event.kind, event.finding, event.note) == (EXPLAINED, finding_key(warning), "该项按惯例填报。")
    assert read_events(store.root)[0] == [event]
