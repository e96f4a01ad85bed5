"""The figures in words (the spec's statements): drafted from the tables in the wording of real reports,
zero said naturally or left out, money with two decimals; a broken statements block fails at load."""

from __future__ import annotations

import re

import pytest
from factory import valid_tables
from test_spec import _broken

from nianbao.format.document import compute_derived
from nianbao.format.drafting import draft, draft_section, figure_text
from nianbao.format.spec import SpecError, all_formats, load_spec

F19, F21 = (all_formats()[f"gov-info-disclosure-{y}"] for y in (2019, 2021))


def _tables(fmt, **values) -> dict:
    tables = {k: 0 for k in fmt.input_keys()}
    tables.update({k.replace("__", "."): v for k, v in values.items()})
    return compute_derived(fmt, tables)


def test_every_table_section_of_both_formats_states_its_figures():
    for fmt in (F19, F21):
        assert set(fmt.statements) == {s.key for s in fmt.sections if s.table}
        stated = {k for section in fmt.statements.values() for s in section for f in s.figures() for k in f.keys}
        for key in ("requests.received.total", "requests.carried_over.total", "requests.carry_forward.total",
                    "requests.outcome.total.total", "reviews.admin_review.total", "proactive.penalty.decisions"):
            assert key in stated, (fmt.id, key)
        assert {k for k in stated if k.startswith("requests.received.")} == {
            f"requests.received.{c}" for c in ("natural", "commercial", "research", "nonprofit", "legal", "other_org",
                                               "total")}  # the applicant split
    assert "proactive.fees.amount" in {k for s in F21.statements["proactive"] for f in s.figures() for k in f.keys}
    assert {"proactive.procurement.projects", "proactive.procurement.amount"} <= {
        k for s in F19.statements["proactive"] for f in s.figures() for k in f.keys}  # 2019's own rows


def test_requests_in_the_words_of_real_reports():
    tables = _tables(F21, requests__received__natural=75, requests__received__commercial=12,
                     requests__received__legal=11, requests__carried_over__natural=2,
                     requests__outcome__disclosed__natural=60, requests__outcome__partial__commercial=10,
                     requests__outcome__withheld__third_party__natural=3,
                     requests__outcome__withheld__process_info__natural=2,
                     requests__outcome__unable__not_held__legal=11, requests__carry_forward__natural=12)
    assert draft_section(F21, "requests", tables) == (
        "本年度共新收政府信息公开申请98件，其中自然人提出75件、商业企业提出12件、法律服务机构提出11件；上年结转2件。"
        "本年度办结政府信息公开申请86件，其中予以公开60件、部分公开10件、不予公开5件、无法提供11件；"
        "结转下年度继续办理12件。")


def test_none_at_all_is_said_once_and_naturally():
    zero = _tables(F21)
    words = draft(F21, zero)
    assert words["requests"] == "本年度未收到政府信息公开申请；无上年结转申请。"  # no second sentence of zeros
    assert words["reviews"] == "本年度未发生政府信息公开行政复议案件。未发生政府信息公开行政诉讼案件。"
    assert words["proactive"] == ("本年度未制发规章，无现行有效的规章。"
                                  "本年度未制发行政规范性文件，无现行有效的行政规范性文件。"
                                  "本年度未作出行政许可、行政处罚、行政强制决定。本年度未收取行政事业性收费。")
    assert "0件" not in "".join(words.values())


def test_a_zero_inside_a_sentence_is_left_out_or_said_in_words():
    tables = _tables(F21, proactive__normative_docs__issued=5, proactive__normative_docs__in_force=41,
                     proactive__penalty__decisions=7, proactive__fees__amount=63.625)
    words = draft_section(F21, "proactive", tables)
    assert "本年度制发行政规范性文件5件，现行有效41件。" in words  # 废止 0: left out
    assert "本年度作出行政处罚决定7件。" in words  # the list says only what is not 0
    assert "本年度收取行政事业性收费63.63万元。" in words  # 万元, two decimals, half away from zero
    reviews = draft_section(F21, "reviews", _tables(F21, reviews__litigation_after_review__corrected=2,
                                                    reviews__litigation_direct__upheld=1))
    assert reviews == ("本年度未发生政府信息公开行政复议案件。"
                       "因政府信息公开被提起行政诉讼3件，其中结果维持1件、结果纠正2件。")  # both 诉讼 groups summed


def test_the_2019_format_says_its_own_rows():
    tables = _tables(F19, proactive__fees__prev_count=4, proactive__fees__change=-1,
                     proactive__procurement__projects=3, proactive__procurement__amount=46.8,
                     proactive__other_services__decisions=12)
    words = draft_section(F19, "proactive", tables)
    assert "现有行政事业性收费项目3项。" in words  # 上一年项目数量 + 本年增/减
    assert "本年度政府集中采购项目3个，采购总金额46.80万元。" in words
    assert "本年度作出其他对外管理服务事项处理决定12件。" in words
    assert "其他处理" in draft_section(F19, "requests", _tables(
        F19, requests__received__natural=1, requests__outcome__other__natural=1))  # its single （六） row


def test_an_unknown_figure_leaves_its_sentence_out_or_the_section_unsaid():
    tables = {**compute_derived(F21, valid_tables(F21)), "requests.carried_over.natural": None}
    tables = compute_derived(F21, tables)
    words = draft_section(F21, "requests", tables)
    assert "新收" not in words and "办结" in words  # the sentence needing 上年结转 is left out
    assert draft_section(F21, "requests", tables, whole=True) is None  # the template's cell waits for it


def test_figure_text_is_what_a_spreadsheet_prints():
    assert figure_text(3, "count") == "3" and figure_text(3.0, "count") == "3"
    assert figure_text(0.005, "money") == "0.01" and figure_text(1234567.5, "money") == "1234567.50"
    assert figure_text(-2, "signed") == "-2"


@pytest.mark.parametrize(
    ("edit", "expect"),
    [
        (lambda s: s.replace('say: "制发规章{n}件"', 'say: "制发规章件"'), r"statements\[0\].*say"),
        (lambda s: s.replace("figure: proactive.rules.issued", "figure: proactive.rules.isued"),
         r"statements\[0\]\.sentences\[0\]\.parts\[0\].*names no cell"),
        (lambda s: s.replace("  - section: reviews\n", "  - section: overview\n"), r"not a section with a table"),
        (lambda s: s.replace('say: "制发规章{n}件", zero: 未制发规章', 'say: "制发规章{n}件", zero: ""'),
         r"first part cannot be left out"),
        (lambda s: s.replace("      - topic: [规章]\n", "      -\n"), r"scoped part needs"),
        (lambda s: s.replace("figure: proactive.fees.amount", "figure: [proactive.fees.amount, "
                                                              "proactive.penalty.decisions], name: x"),
         r"adds money and counts"),
        (lambda s: s.replace("figure: proactive.penalty.decisions", "figure: requests.received.total"),
         r"not a cell of section 'proactive'"),
    ],
    ids=["no-placeholder", "unknown-cell", "text-section", "first-part-omitted", "scoped-without-topic",
         "money-and-counts", "other-table"],
)
def test_a_broken_statements_block_is_refused_with_its_place(tmp_path, edit, expect):
    path = _broken(tmp_path, edit)
    with pytest.raises(SpecError) as err:
        load_spec(path)
    assert re.search(expect, str(err.value), re.S), str(err.value)


def test_a_format_without_statements_still_loads(tmp_path):
    path = _broken(tmp_path, lambda s: s[:s.index("\nstatements:")] + "\n")
    fmt = load_spec(path)
    assert fmt.statements == {} and draft(fmt, {}) == {}
