"""check/narrative.py, wording by wording: how real reports state each main figure (收到/受理/办结/顺延/
复议/诉讼, “没有收到…申请”), money within its tolerance, topics that keep “废止{n}件” with its subject,
what a finding quotes and names (a long sentence cut around the figure, a sum of cells, the drafted fix),
and the bounds on what is read."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from factory import valid_document

from nianbao.check.narrative import (
    MAX_FINDINGS,
    MAX_SENTENCE,
    check_narrative,
    claims,
    contradictions,
    fix,
    flatten,
    narrative_rules,
    sentences,
)
from nianbao.format.layout import layout
from nianbao.format.spec import all_formats, load_spec

F19 = all_formats()["gov-info-disclosure-2019"]
F21 = all_formats()["gov-info-disclosure-2021"]


@pytest.fixture
def doc():
    return valid_document(F21, seed=3)


def said(text: str, doc: dict, fmt=F21):
    """(cell keys, stated, table's) of each figure the text gets wrong."""
    return [(c.wording.keys, c.stated, actual) for found in contradictions(fmt, doc["tables"], text)
            for c, actual in found.wrong]


def test_how_real_reports_state_the_main_figures(doc):
    t = doc["tables"]
    litigation = t["reviews.litigation_direct.total"] + t["reviews.litigation_after_review.total"]
    right = (f"全年受理群众政府信息公开申请{t['requests.received.total']}件，"
             f"上年度结转{t['requests.carried_over.total']}件，"
             f"已答复{t['requests.outcome.total.total']}件，"
             f"{t['requests.carry_forward.total']}件顺延至下一年度办理。"
             f"发生行政复议{t['reviews.admin_review.total']}件，行政诉讼{litigation}起。")
    read = {c.wording.keys: c.stated for c in claims(F21, right)}
    assert read == {("requests.received.total",): t["requests.received.total"],
                    ("requests.carried_over.total",): t["requests.carried_over.total"],
                    ("requests.outcome.total.total",): t["requests.outcome.total.total"],
                    ("requests.carry_forward.total",): t["requests.carry_forward.total"],
                    ("reviews.admin_review.total",): t["reviews.admin_review.total"],
                    ("reviews.litigation_direct.total", "reviews.litigation_after_review.total"): litigation}
    assert check_narrative(F21, doc, texts={"overview": right}) == []
    wrong = right.replace(f"已答复{t['requests.outcome.total.total']}件", "已答复1件")
    assert said(wrong, doc) == [(("requests.outcome.total.total",), 1, t["requests.outcome.total.total"])]


@pytest.mark.parametrize("text", [
    "受理群众来信1件。",  # 受理 … 件 without 申请: not the requests figure
    "收到表扬信1件。",
    "办结率达到100%。",
    "本年度没有收到行政诉讼的申请。",  # 复议/诉讼 are not the requests figure
    "未收到行政复议的申请。",
])
def test_words_that_only_look_like_a_figure_are_not_read_as_it(text, doc):
    assert [c.wording.keys for c in claims(F21, text) if c.wording.keys == ("requests.received.total",)] == []


def test_saying_none_is_read_as_zero_for_requests_reviews_and_litigation(doc):
    text = "本年度没有收到政府信息公开申请，未发生行政复议，未发生行政诉讼。"
    zero = {c.wording.keys: (c.stated, c.figure) for c in claims(F21, text)}
    assert zero[("requests.received.total",)] == (0, None)
    assert zero[("reviews.admin_review.total",)] == (0, None)
    assert zero[("reviews.litigation_direct.total", "reviews.litigation_after_review.total")] == (0, None)
    (f, *_) = check_narrative(F21, doc, texts={"overview": text})
    assert "正文为 0 件" in f.message


def test_money_agrees_within_half_a_cent_and_is_named_in_wan_yuan(doc):
    doc["tables"]["proactive.fees.amount"] = 12.34
    assert said("本年度收取行政事业性收费12.344万元。", doc) == []
    assert said("本年度收取行政事业性收费12.335万元。", doc) == []
    assert said("行政事业性收费12.35万元。", doc) == [(("proactive.fees.amount",), Decimal("12.35"), Decimal("12.34"))]
    (f,) = check_narrative(F21, doc, texts={"overview": "本年度收取行政事业性收费1,012.35万元。"})
    assert "正文为 1012.35 万元，表中为 12.34 万元（「表二 主动公开」B16）" in f.message
    assert (f.actual, f.expected) == (1012.35, 12.34)
    assert isinstance(f.actual, float)
    assert isinstance(f.expected, float)
    (f,) = check_narrative(F21, doc, texts={"overview": "本年度收取行政事业性收费5万元。"})
    assert (f.actual, type(f.actual)) == (5, int)


def test_each_topic_keeps_its_own_repealed_figure(doc):
    t = doc["tables"]
    text = (f"本年度制发规章{t['proactive.rules.issued']}件，废止{t['proactive.rules.repealed'] + 1}件；"
            f"制发行政规范性文件{t['proactive.normative_docs.issued']}件，"
            f"废止{t['proactive.normative_docs.repealed']}件。")
    assert said(text, doc) == [(("proactive.rules.repealed",), t["proactive.rules.repealed"] + 1,
                                t["proactive.rules.repealed"])]
    swapped = (f"本年度制发行政规范性文件{t['proactive.normative_docs.issued']}件，"
               f"废止{t['proactive.normative_docs.repealed'] + 2}件；规章废止{t['proactive.rules.repealed']}件。")
    assert said(swapped, doc) == [(("proactive.normative_docs.repealed",), t["proactive.normative_docs.repealed"] + 2,
                                   t["proactive.normative_docs.repealed"])]
    # The topic word named twice in a row keeps one stretch: both 废止 are the documents'.
    twice = (f"行政规范性文件方面，制发行政规范性文件{t['proactive.normative_docs.issued']}件，"
             f"废止{t['proactive.normative_docs.repealed']}件。")
    assert said(twice, doc) == []


def test_a_sentence_that_returns_to_a_topic_reads_each_figure_under_the_topic_it_follows(doc):
    """规章 → 行政规范性文件 → 规章 again: each 废止 belongs to the topic named last before it, however often the
    sentence goes back and forth; a wrong one is named under its own topic and a right one is never taken for
    the other topic's."""
    t = doc["tables"]
    t["proactive.rules.repealed"], t["proactive.normative_docs.repealed"] = 2, 5
    issued = f"制发规章{t['proactive.rules.issued']}件；制发行政规范性文件{t['proactive.normative_docs.issued']}件，"

    def text(docs_repealed, rules_repealed, tail=""):
        return f"本年度{issued}废止{docs_repealed}件；规章废止{rules_repealed}件{tail}。"

    for tail in ("", "，规章和行政规范性文件均已主动公开"):  # the topics named again after the figures
        assert said(text(5, 2, tail), doc) == []
        assert said(text(6, 2, tail), doc) == [(("proactive.normative_docs.repealed",), 6, 5)]
        assert said(text(5, 3, tail), doc) == [(("proactive.rules.repealed",), 3, 2)]


def test_one_finding_per_sentence_and_statement_naming_every_wrong_figure(doc):
    t = doc["tables"]
    text = (f"本年度制发规章{t['proactive.rules.issued'] + 1}件，废止{t['proactive.rules.repealed'] + 1}件。"
            f"本年度制发行政规范性文件{t['proactive.normative_docs.issued'] + 1}件。")
    found = check_narrative(F21, doc, texts={"overview": text})
    assert [f.key for f in found] == ["proactive.rules.issued", "proactive.normative_docs.issued"]
    first = found[0]
    assert "规章（本年制发件数）正文为" in first.message
    assert "规章（本年废止件数）正文为" in first.message
    assert first.cells == ["'表二 主动公开'!B5", "'表二 主动公开'!C5"]
    assert (first.sheet, first.cell, first.row_label) == ("正文", "A4", "一、总体情况")


def test_a_figure_read_by_two_wordings_is_named_once(doc):
    text = "本年度共新收政府信息公开申请1件。"  # the statement's wording and the generic 收到/受理/新收 both read it
    (found,) = contradictions(F21, doc["tables"], text)
    assert [(c.wording.keys, c.stated) for c, _ in found.wrong] == [(("requests.received.total",), 1)]


def test_a_sum_of_cells_is_named_as_a_sum_and_a_long_list_is_cut(doc):
    (f,) = check_narrative(F21, doc, texts={"overview": "发生行政诉讼1起。"})
    assert "（「表四 复议诉讼」J6、O6之和）" in f.message
    assert f.cells == ["'表四 复议诉讼'!J6", "'表四 复议诉讼'!O6"]
    t = doc["tables"]
    withheld = sum(v for k, v in t.items() if k.startswith("requests.outcome.withheld.") and k.endswith(".total")
                   and k.count(".") == 4)
    text = f"本年度办结政府信息公开申请{t['requests.outcome.total.total']}件，其中不予公开{withheld + 1}件。"
    (f,) = check_narrative(F21, doc, texts={"requests": text})
    assert "等之和）" in f.message
    assert f.message.count("、") >= 3


def test_a_long_sentence_is_quoted_around_its_figure(doc):
    text = "本年度" + "认真落实条例要求" * 10 + "，共新收政府信息公开申请1件，" + "各项工作稳步推进" * 10 + "。"
    (f,) = check_narrative(F21, doc, texts={"overview": text})
    quoted = f.message.split("说“", 1)[1].split("”，与表格不符", 1)[0]
    assert quoted.startswith("…")
    assert quoted.endswith("…")
    assert "共新收政府信息公开申请1件" in quoted
    assert len(quoted) < len(text)
    assert len(quoted) <= 36 * 2 + len("共新收政府信息公开申请1件") + 2
    short = "本年度共新收政府信息公开申请1件。"
    (f,) = check_narrative(F21, doc, texts={"overview": short})
    assert f"说“{short}”" in f.message
    start = "共新收政府信息公开申请1件，" + "各项工作稳步推进" * 12 + "。"
    (f,) = check_narrative(F21, doc, texts={"overview": start})
    assert f.message.split("说“", 1)[1].startswith("共新收政府信息公开申请1件")
    assert "…”，与表格不符" in f.message


def test_a_table_sections_sentences_are_placed_at_its_reference_cell_and_others_are_skipped(doc):
    texts = {"requests": "本年度共新收政府信息公开申请1件。", "problems": "   ", "overview": None}
    (f,) = check_narrative(F21, doc, texts=texts)
    assert f.row_label == "三、收到和处理政府信息公开申请情况"
    assert f.sheet == "正文"
    assert check_narrative(F21, {**doc, "sections": {"overview": 5, "problems": ""}}) == []
    assert check_narrative(F21, {**doc, "tables": "broken", "sections": {"overview": "新收申请1件。"}}) == []
    assert check_narrative(F21, {"sections": "broken", "tables": doc["tables"]}) == []


def test_a_blank_or_unreadable_cell_is_not_compared(doc):
    doc["tables"]["requests.received.total"] = None
    assert said("本年度共新收政府信息公开申请1件。", doc) == []
    del doc["tables"]["requests.received.total"]
    assert said("本年度共新收政府信息公开申请1件。", doc) == []


def test_the_drafted_fix_is_offered_only_where_a_statement_says_the_figure(doc):
    (found,) = contradictions(F21, doc["tables"], "本年度共新收政府信息公开申请1件。")
    assert fix(F21, doc["tables"], found).startswith("本年度共新收政府信息公开申请")
    assert fix(F21, doc["tables"], found).endswith("。")
    found.statement = None
    assert fix(F21, doc["tables"], found) == ""


def test_the_2019_format_has_its_own_wordings(doc):
    old = valid_document(F19, seed=5)
    t = old["tables"]
    assert narrative_rules(F19) == narrative_rules(F21) == {"X1", "T4-3"}
    text = f"全年共受理政府信息公开申请{t['requests.received.total'] + 1}件。"
    (f,) = check_narrative(F19, old, texts={"overview": text})
    assert f.expected == t["requests.received.total"]
    assert f.rule == "X1"


def test_sentences_are_cut_at_a_semicolon_or_at_the_bound():
    assert [len(s) for s in sentences("甲" * (MAX_SENTENCE + 100))] == [MAX_SENTENCE, 100]
    pieces = list(sentences("乙；" * MAX_SENTENCE))
    assert all(p.endswith("；") for p in pieces)
    assert [len(p) for p in pieces] == [MAX_SENTENCE] * 2
    assert list(sentences("一句。二句！三句？四句")) == ["一句。", "二句！", "三句？", "四句"]
    # Up to the bound a sentence is read whole, its semicolons kept inside it.
    whole = "丙；" + "丁" * (MAX_SENTENCE - 3) + "。"
    assert list(sentences(whole)) == [whole]
    assert flatten(" １２　３．５\n件 ") == "123.5件"


@pytest.mark.parametrize("at", [0, 1, 449, MAX_SENTENCE - 1])
def test_a_long_sentence_is_cut_just_after_its_last_semicolon_within_the_bound_wherever_it_stands(at):
    text = "甲" * at + "；" + "乙" * (MAX_SENTENCE + 100 - at)
    pieces = list(sentences(text))
    assert pieces[0] == text[:at + 1]
    assert "".join(pieces) == text and all(len(p) <= MAX_SENTENCE for p in pieces)
    assert len(pieces) == 3 if at < 100 else 2  # the rest, without a semicolon, in pieces of the bound


def test_at_most_thirty_findings_per_report(doc):
    text = "".join(f"第{i}段：本年度共新收政府信息公开申请{i + 100000}件。" for i in range(MAX_FINDINGS + 5))
    assert len(check_narrative(F21, doc, texts={"overview": text})) == MAX_FINDINGS
    first = next(sentences(text))
    two = check_narrative(F21, doc, texts={"overview": first, "problems": first})
    assert [f.row_label for f in two] == ["一、总体情况", "五、存在的主要问题及改进情况"]


def test_the_whole_message_of_a_sentence_with_two_wrong_figures(doc):
    t = doc["tables"]
    text = "本年度制发规章1件，废止1件。"
    (f,) = check_narrative(F21, doc, texts={"overview": text})
    assert t["proactive.rules.issued"] == t["proactive.rules.repealed"] == 0
    assert f.message == (
        "正文“一、总体情况”说“本年度制发规章1件，废止1件。”，与表格不符："
        "规章（本年制发件数）正文为 1 件，表中为 0 件（「表二 主动公开」B5）；"
        "规章（本年废止件数）正文为 1 件，表中为 0 件（「表二 主动公开」C5）。"
        "请核对：表格填错的，改正表格；正文写错的，改正正文中的数字，"
        "或改用按表格生成的表述：“本年度未制发规章，无现行有效的规章”。")


def test_a_generic_wording_offers_its_statements_sentence_and_none_when_the_tables_say_nothing(doc):
    (f,) = check_narrative(F21, doc, texts={"overview": "本年度办结申请1件。"})
    total = doc["tables"]["requests.outcome.total.total"]
    disclosed = doc["tables"]["requests.outcome.disclosed.total"]
    assert f"，或改用按表格生成的表述：“本年度办结政府信息公开申请{total}件，其中予以公开{disclosed}件" in f.message
    assert f.message.endswith("件”。")
    for key in [k for k in doc["tables"] if k.startswith("requests.")]:
        doc["tables"][key] = 0
    (f,) = check_narrative(F21, doc, texts={"overview": "本年度办结申请5件。"})
    assert f.message.endswith("表中为 0 件（「表三 依申请公开」J29）。"
                              "请核对：表格填错的，改正表格；正文写错的，改正正文中的数字。")
    (found,) = contradictions(F21, doc["tables"], "本年度办结申请5件。")
    assert fix(F21, doc["tables"], found) == ""


def test_money_is_said_with_its_two_decimals_and_none_as_zero(doc):
    doc["tables"]["proactive.fees.amount"] = 12.3
    (f,) = check_narrative(F21, doc, texts={"overview": "本年度收取行政事业性收费12.5万元。"})
    assert "正文为 12.50 万元，表中为 12.30 万元（「表二 主动公开」B16）" in f.message
    (f,) = check_narrative(F21, doc, texts={"overview": "本年度未收取行政事业性收费。"})
    assert "正文为 0 万元，表中为 12.30 万元" in f.message
    assert (f.actual, f.expected) == (0, 12.3)


def test_a_sentence_of_ninety_characters_is_quoted_whole_and_a_longer_one_around_its_figure(doc):
    figure = "共新收政府信息公开申请1件"
    pad = 90 - len(figure) - 1
    whole = "甲" * (pad // 2) + figure + "乙" * (pad - pad // 2) + "。"
    assert len(whole) == 90
    (f,) = check_narrative(F21, doc, texts={"overview": whole})
    assert f"说“{whole}”" in f.message
    longer = "甲" + whole
    (f,) = check_narrative(F21, doc, texts={"overview": longer})
    start = longer.index(figure)
    assert f"说“…{longer[start - 36:start + len(figure) + 36]}…”" in f.message
    tail = "甲" * 80 + figure + "。"  # the figure at the end: cut before it only
    (f,) = check_narrative(F21, doc, texts={"overview": tail})
    assert f"说“…{tail[tail.index(figure) - 36:]}”，与表格不符" in f.message


def test_a_sum_of_more_than_four_cells_names_four_and_says_more(doc):
    t = doc["tables"]
    withheld = [k for k in t if k.startswith("requests.outcome.withheld.") and k.endswith(".total")
                and k.count(".") == 4]
    refs = [layout(F21).cells[k].ref for k in withheld]
    assert len(refs) > 5
    stated = sum(t[k] for k in withheld) + 1
    text = f"本年度办结政府信息公开申请{t['requests.outcome.total.total']}件，其中不予公开{stated}件。"
    (f,) = check_narrative(F21, doc, texts={"requests": text})
    assert f"（「表三 依申请公开」{'、'.join(refs[:4])}等之和）" in f.message
    (f,) = check_narrative(F21, doc, texts={"overview": "发生行政诉讼1起。"})
    assert "（「表四 复议诉讼」J6、O6之和）" in f.message


def test_words_for_none_of_a_statement_are_reported_under_its_rule(doc):
    (f,) = check_narrative(F21, doc, texts={"overview": "本年度未收取行政事业性收费。"})
    assert (f.rule, f.key, f.actual) == ("X1", "proactive.fees.amount", 0)
    assert "：行政事业性收费（本年收费金额（单位：万元））正文为 0 万元，表中为" in f.message
    (f, *_) = check_narrative(F21, doc, texts={"overview": "本年度未收到政府信息公开申请。"})
    assert (f.rule, f.key, f.actual) == ("X1", "requests.received.total", 0)


def test_a_sum_of_five_cells_names_the_first_four(doc):
    t = doc["tables"]
    keys = [k for k in t if k.startswith("requests.outcome.not_processed.") and k.endswith(".total")
            and k.count(".") == 4]
    refs = [layout(F21).cells[k].ref for k in keys]
    assert len(refs) == 5
    stated = sum(t[k] for k in keys) + 1
    text = f"本年度办结政府信息公开申请{t['requests.outcome.total.total']}件，其中不予处理{stated}件。"
    (f,) = check_narrative(F21, doc, texts={"requests": text})
    assert f"（「表三 依申请公开」{'、'.join(refs[:4])}等之和）" in f.message


def test_a_format_without_statements_is_still_read_by_the_generic_patterns(doc, tmp_path):
    """A spec without a statements block loads (format/statements.py); its narrative is read by the
    generic patterns alone, and a contradiction is reported without a drafted sentence."""
    head, _, _ = Path(F21.path).read_text(encoding="utf-8").partition("\nstatements:")
    path = tmp_path / Path(F21.path).name
    path.write_text(head + "\n", encoding="utf-8")
    bare = load_spec(path)
    assert not any(bare.statements.values())
    assert narrative_rules(bare) == {"X1", "T4-3"}
    (f,) = check_narrative(bare, doc, texts={"overview": "本年度办结申请1件。"})
    assert f.rule == "X1"
    assert f.message.endswith("正文写错的，改正正文中的数字。")
    assert check_narrative(bare, doc, texts={"overview": "本年度制发规章1件。"}) == []  # a statement's wording
    # Without statements the template has no 参考表述 cell: a table section's sentence is placed at none.
    (f,) = check_narrative(bare, doc, texts={"requests": "本年度办结申请1件。"})
    assert (f.sheet, f.cell, f.row_label) == (None, None, "三、收到和处理政府信息公开申请情况")


def test_a_format_whose_statements_share_a_topic_word_is_still_checked(doc, tmp_path):
    """Two statements may name the same topic word (a spec writer's choice, which load_spec allows): the
    narrative is still read sentence by sentence — two topic words starting at the same character do not
    stop the check — and a wrong figure outside the shared stretch is still named."""
    text = Path(F21.path).read_text(encoding="utf-8")
    assert text.count("topic: [行政规范性文件]") == 1
    path = tmp_path / Path(F21.path).name
    path.write_text(text.replace("topic: [行政规范性文件]", "topic: [行政规范性文件, 规章]"), encoding="utf-8")
    shared = load_spec(path)
    t = doc["tables"]
    sentence = f"本年度制发规章{t['proactive.rules.issued'] + 1}件，废止{t['proactive.rules.repealed']}件。"
    found = check_narrative(shared, doc, texts={"overview": sentence})
    assert ("proactive.rules.issued", t["proactive.rules.issued"] + 1) in [(f.key, f.actual) for f in found]


def test_a_match_that_is_not_the_figure_does_not_hide_a_later_one_in_the_sentence(doc):
    received = doc["tables"]["requests.received.total"]
    read = [(c.wording.keys, c.stated) for c in claims(F21, f"收到来信2件，受理政府信息公开申请{received + 1}件。")]
    assert (("requests.received.total",), received + 1) in read
    assert (("requests.received.total",), 2) not in read
    found = check_narrative(F21, doc, texts={"overview": "本年度没有收到行政复议申请，也没有收到信息公开申请。"})
    assert sorted((f.key, f.actual) for f in found) == [("requests.received.total", 0),
                                                         ("reviews.admin_review.total", 0)]


def test_words_for_none_in_a_long_sentence_are_quoted_around_them(doc):
    text = "本年度" + "认真落实条例要求" * 10 + "，未收取行政事业性收费，" + "各项工作稳步推进" * 10 + "。"
    (f,) = check_narrative(F21, doc, texts={"overview": text})
    assert "说“…" in f.message
    assert "，未收取行政事业性收费，" in f.message
    assert "…”，与表格不符" in f.message


def test_a_report_without_tables_is_compared_with_nothing(doc):
    assert check_narrative(F21, {"sections": {"overview": "本年度共新收政府信息公开申请1件。"}}) == []


def test_without_statements_each_generic_figure_is_its_own_finding(doc, tmp_path):
    head, _, _ = Path(F21.path).read_text(encoding="utf-8").partition("\nstatements:")
    path = tmp_path / Path(F21.path).name
    path.write_text(head + "\n", encoding="utf-8")
    bare = load_spec(path)
    found = check_narrative(bare, doc, texts={"overview": "本年度新收申请1件，办结申请1件。"})
    assert [f.key for f in found] == ["requests.received.total", "requests.outcome.total.total"]


def test_a_topic_word_opening_the_sentence_scopes_what_follows(doc):
    repealed = doc["tables"]["proactive.rules.repealed"]
    (f,) = check_narrative(F21, doc, texts={"overview": f"规章废止{repealed + 1}件。"})
    assert (f.key, f.actual) == ("proactive.rules.repealed", repealed + 1)


def test_a_claim_points_at_its_figure_in_the_sentence():
    read = list(claims(F21, "全年共新收政府信息公开申请3,119件。"))
    assert len(read) == 3  # the statement's two wordings and the generic one
    for claim in read:
        start, end = claim.figure
        assert claim.sentence[start:end] == "3,119"
        assert claim.stated == 3119
        assert claim.sentence[claim.start:claim.end].endswith("新收政府信息公开申请3,119件")
