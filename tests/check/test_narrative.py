"""The narrative against the tables (X1, T4-3): the statements' wordings and the generic patterns read
what a report's words say; a contradiction names the 正文 cell, quotes the sentence and offers the
drafted one. The drafted sentences themselves pass the check for any figures, and every figure they
state is read back (a wrong one is always caught)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from factory import valid_document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.check.narrative import check_narrative, claims, narrative_rules, sentences
from nianbao.check.run import check_document
from nianbao.format.document import compute_derived
from nianbao.format.drafting import draft, figure_value
from nianbao.format.layout import layout
from nianbao.format.spec import all_formats

FORMATS = sorted(all_formats().values(), key=lambda f: f.id)
F21 = all_formats()["gov-info-disclosure-2021"]


def _doc(fmt, overview: str, seed: int = 3) -> dict:
    doc = valid_document(fmt, seed=seed)
    doc["sections"]["overview"] = overview
    return doc


def test_a_wrong_figure_is_named_with_its_sentence_cell_and_the_drafted_fix():
    doc = _doc(F21, "2021年，本局认真落实《条例》。\n全年新收政府信息公开申请7件，其中自然人5件。")
    received = doc["tables"]["requests.received.total"]
    (f,) = check_narrative(F21, doc)
    assert (f.rule, f.severity, f.sheet, f.cell, f.row_label) == ("X1", "warning", "正文", "A4", "一、总体情况")
    assert f.key == "requests.received.total" and (f.actual, f.expected) == (7, received)
    assert "“全年新收政府信息公开申请7件，其中自然人5件。”" in f.message
    assert f"表中为 {received} 件（「表三 依申请公开」J6）" in f.message
    assert f"改用按表格生成的表述：“本年度共新收政府信息公开申请{received}件，其中自然人提出" in f.message
    assert "'表三 依申请公开'!D6" in f.cells  # 自然人 is wrong too, in the same finding


def test_check_reports_it_on_the_workbook_and_the_figures_that_agree_pass():
    doc = _doc(F21, "")
    t = doc["tables"]
    doc["sections"]["overview"] = (f"全年制发行政规范性文件{t['proactive.normative_docs.issued']}件，"
                                   f"废止{t['proactive.normative_docs.repealed']}件。"
                                   f"共受理政府信息公开申请{t['requests.received.total']}件。")
    assert [f for f in check_document(doc).findings if f.rule in narrative_rules(F21)] == []
    doc["sections"]["problems"] = f"本年度废止规范性文件{t['proactive.normative_docs.repealed'] + 1}件。"
    assert check_document(doc).findings == []  # “废止” without its subject in view is not read
    doc["sections"]["problems"] = f"本年度制发行政规范性文件3件，废止{t['proactive.normative_docs.repealed'] + 1}件。"
    (f,) = check_document(doc).findings
    assert f.cell == "A7" and f.row_label == "五、存在的主要问题及改进情况"  # the box of 五
    assert "本年制发件数" in f.message and "本年废止件数" in f.message


def test_saying_none_when_the_table_has_some_is_a_contradiction():
    doc = _doc(F21, "没\n有收到信息公开申请，没有收到有关政府信息公开行政复议申请。")  # 萝北县工信科局 2020
    found = {f.key for f in check_narrative(F21, doc)}
    assert found == {"requests.received.total", "reviews.admin_review.total"}
    for key in [k for k in doc["tables"] if k.startswith(("requests.", "reviews."))]:
        doc["tables"][key] = 0
    assert check_narrative(F21, doc) == []


def test_the_real_huaian_narrative_is_read_figure_by_figure_and_agrees():
    """淮安市 2024's 总体情况 states 16 figures of 表三 and 表四 in its own words: all read, all true."""
    from nianbao.published.audit import import_one

    doc, _ = import_one(Path(__file__).resolve().parents[1] / "published" / "data" / "huaian-2024.pdf")
    said = {c.wording.keys: c.stated for c in claims(F21, doc["sections"]["overview"])}
    assert said[("requests.received.total",)] == 3119 and said[("reviews.admin_review.pending",)] == 37
    assert said[("reviews.litigation_direct.upheld", "reviews.litigation_after_review.upheld")] == 25
    assert len(said) == 14
    assert check_narrative(F21, doc) == []


def test_sentences_join_lines_and_keep_semicolons():
    assert list(sentences("答\n复 3050 件；另有１０３件。次句")) == ["答复3050件；另有103件。", "次句"]


# ---------------------------------------------------------------- properties of the drafted sentences


def _figures(fmt):
    """Inputs of every kind, often 0 (zero wordings, lists that leave items out), up to the kind's maximum."""
    def value(kind):
        low, high = fmt.bounds[kind]
        if kind == "money":
            return st.one_of(st.just(0.0), st.decimals(0, high, places=2).map(float))
        return st.one_of(st.just(0), st.integers(1, 40), st.integers(int(low), int(high)))

    return st.fixed_dictionaries({k: value(fmt.cells[k].kind) for k in fmt.input_keys()})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_drafted_sentences_never_contradict_their_tables(data):
    for fmt in FORMATS:
        tables = compute_derived(fmt, data.draw(_figures(fmt)))
        doc = {"format": fmt.id, "tables": tables, "sections": {}}
        words = draft(fmt, tables)
        assert check_narrative(fmt, doc, texts=words) == [], words
        assert check_narrative(fmt, {**doc, "sections": {"overview": "".join(words.values())}}) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_figure_the_drafted_sentences_state_is_read_back_and_a_changed_one_is_caught(data):
    fmt = data.draw(st.sampled_from(FORMATS))
    tables = compute_derived(fmt, data.draw(_figures(fmt)))
    for section, text in draft(fmt, tables).items():
        read = {}
        for claim in claims(fmt, text):
            read.setdefault(claim.wording.keys, set()).add(claim.stated)
        for sentence in fmt.statements[section]:
            for said in sentence.figures():
                value = figure_value(said, tables)
                if value != 0 or said.zero:  # a 0 left out of a list is not said
                    assert Decimal(value).quantize(Decimal("0.01")) in {
                        v.quantize(Decimal("0.01")) for v in read.get(said.keys, ())} or \
                        (value == 0 and sentence.none is not None), (said.say, value, text)
        stated = [c for c in claims(fmt, text) if c.figure is not None]
        if not stated:
            continue
        claim = data.draw(st.sampled_from(stated))
        start, end = claim.figure
        wrong = claim.sentence[:start] + str(int(claim.stated) + 7) + claim.sentence[end:]
        found = check_narrative(fmt, {"format": fmt.id, "tables": tables, "sections": {}}, texts={section: wrong})
        wrong_cell = layout(fmt).cells[claim.wording.keys[0]].qualified.replace("$", "")
        assert any(wrong_cell in f.cells for f in found), (wrong, claim.wording.keys)


def test_hostile_text_is_read_in_bounded_pieces():
    """A megabyte of topic words and figures without a full stop: read piece by piece, never a hang."""
    doc = _doc(F21, "新收申请1件，行政复议规章废止2件" * 40_000)
    found = check_narrative(F21, doc)
    assert 0 < len(found) <= 30 and all(len(f.message) < 2000 for f in found)
    assert max(len(s) for s in sentences("甲" * 5000)) <= 600
