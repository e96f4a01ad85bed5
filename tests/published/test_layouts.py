"""Every layout real copies of a report take (issue 21), and the traps around them.

Pipe/markdown tables and one cell per line (rendered from valid documents, both formats),
sentences printed next to the tables (never a row), headings numbered differently, typo'd,
reworded or missing (tables found by their content), page numbers between cells, titles
behind page chrome, and provenance naming the file's own line and character.
"""

from __future__ import annotations

import re

import pytest
from factory import valid_document
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from published_kit import FORMATS, assert_never_wrong, text_report
from transcripts import DATA

from nianbao.format.spec import all_formats
from nianbao.published import import_file

PINGTAN = (DATA / "pingtan-2019.txt").read_text(encoding="utf-8")


def _import_text(tmp_path, text: str, name: str = "r.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_file(path)


@pytest.mark.parametrize("format_id", FORMATS)
@pytest.mark.parametrize(("style", "outer"), [("pipe", True), ("pipe", False), ("cells", True), ("cellpipes", True)])
def test_pipe_tables_and_one_cell_per_line_read_exactly(tmp_path, format_id, style, outer):
    doc = valid_document(all_formats()[format_id], seed=5)
    imported = _import_text(tmp_path, text_report(doc, style, outer))
    back = imported.document
    assert back["tables"] == doc["tables"]
    assert back["cell_states"] == {}
    assert (back["agency"]["name"], back["year"]) == (doc["agency"]["name"], doc["year"])


def test_sentences_before_the_tables_are_never_rows(tmp_path, doc2021):
    """The issue's report: “2024年，共收到政府信息公开申请3条。” right before 表三 and “规范性文件类11条” before
    表二 were taken as rows 一 and 规章, shifting the real row's digits into 二. Neither is a row."""
    text = text_report(doc2021, "cells")
    text = text.replace("三、收到和处理政府信息公开申请情况\n",
                        "三、收到和处理政府信息公开申请情况\n2024年，共收到政府信息公开申请3条。\n"
                        "（本列数据的勾稽关系为：第一项加第二项之和，\n")
    text = text.replace("二、主动公开政府信息情况\n",
                        "二、主动公开政府信息情况\n本年制发规范性文件类11条\n规章 共 2 件\n")
    imported = _import_text(tmp_path, text, "s.txt")
    assert imported.document["tables"] == doc2021["tables"]


def test_sentences_in_a_crawler_dump_are_never_rows(tmp_path):
    """In a dump everything is one line: a row label or figures inside a sentence stay sentence text."""
    heading = "三、收到和处理政府信息公开申请情况"
    text = PINGTAN.replace(heading, heading + "2019年，共收到政府信息公开申请3条。其中规范性文件类11条。", 1)
    assert text != PINGTAN
    before = import_file(DATA / "pingtan-2019.txt").document
    after = _import_text(tmp_path, text, "p.txt").document
    assert after["tables"] == before["tables"]


@pytest.mark.parametrize(("old", "new"), [
    ("二、主动公开政府信息情况", "一、主动公开政府信息情况"),  # numbered differently
    ("四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行政法复议、行政诉讼情况"),  # a typo
    ("四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行政复议与行政诉讼情况"),  # 与 for 、
    ("三、收到和处理政府信息公开申请情况", ""),  # no heading at all
    ("二、主动公开政府信息情况", "主动公开情况"),  # reworded beyond recognition
])
@pytest.mark.parametrize("style", ["pipe", "cells"])
def test_a_variant_typoed_or_missing_heading_costs_nothing(tmp_path, doc2021, old, new, style):
    text = text_report(doc2021, style)
    assert old in text
    imported = _import_text(tmp_path, text.replace(old, new), "h.txt")
    assert imported.document["tables"] == doc2021["tables"]


def test_page_numbers_between_cells_are_dropped(tmp_path, doc2021):
    """pdftotext without -layout: “- 3 -” and a bare page number next to a form feed are not cells."""
    lines = text_report(doc2021, "cells").split("\n")
    at = lines.index("1.属于国家秘密") + 3
    lines[at:at] = ["- 3 -"]
    at = lines.index("3.其他") + 2
    lines[at] = "\f" + lines[at]  # a page break: the page's number is its last line
    lines[at:at] = [str(1 + sum(ln.count("\f") for ln in lines[:at]))]
    imported = _import_text(tmp_path, "\n".join(lines), "pages.txt")
    assert imported.document["tables"] == doc2021["tables"]


_ROW = "3.补正后申请内容仍不明确"
_UNCLEAR = [f"requests.outcome.unable.unclear.{c}" for c in
            ("natural", "commercial", "research", "nonprofit", "legal", "other_org", "total")]


def _cut_row(doc: dict, style: str, between: list[str], after: int, row: str = _ROW) -> str:
    """The report printed one cell per line, with `between` printed inside the row (3.补正后…) after its
    `after`-th figure (a note, a page's footer and the next page's header in a PDF's text)."""
    lines = text_report(doc, style).split("\n")
    label = lines.index(row + (" |" if style == "cellpipes" else ""))
    lines[label + 1 + after:label + 1 + after] = between
    return "\n".join(lines)


@pytest.mark.parametrize("style", ["cells", "cellpipes"])
@pytest.mark.parametrize("between", [["2024年，共收到政府信息公开申请3条。"],
                                     ["注：本表数据截至2024年12月31日。"],
                                     ["\f平潭综合实验区2024年政府信息公开工作年度报告", "（本页续上表，单位：件。）"]])
@pytest.mark.parametrize("after", [1, 6])
def test_a_row_cut_by_prose_lines_is_read_whole(tmp_path, doc2019, style, between, after):
    """A sentence, a 注 line or a page's header printed between a row's cells: the row goes on after it,
    its figures in their own columns (the total is never the figure printed before the prose)."""
    back = _import_text(tmp_path, _cut_row(doc2019, style, between, after), "cut.txt").document
    assert [back["tables"].get(k) for k in _UNCLEAR] == [doc2019["tables"][k] for k in _UNCLEAR]
    assert back["tables"] == doc2019["tables"]


def test_a_heading_worded_like_a_sentence_still_ends_the_table_before_it(tmp_path, doc2021):
    """hezhang-jtj-2021: “三、行政机关收到和处理政府信息公开申请情况” under 表二 printed one cell per line
    reads as a sentence (收到) but is 表三's heading: 表二's last rows stay in 表二."""
    text = text_report(doc2021, "cellpipes")
    assert "|||\n三、收到和处理政府信息公开申请情况\n" in text  # as in hezhang: no row end before the heading
    text = text.replace("|||\n三、收到和处理政府信息公开申请情况\n", "三、行政机关收到和处理政府信息公开申请情况\n")
    assert _import_text(tmp_path, text, "h.txt").document["tables"] == doc2021["tables"]


_FEES = ["proactive.fees.prev_count", "proactive.fees.change"]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("row", "keys", "after"), [(_ROW, _UNCLEAR, 1), (_ROW, _UNCLEAR, 4), (_ROW, _UNCLEAR, 6),
                                                    ("行政事业性收费", _FEES, 1)])
def test_a_row_cut_by_a_line_of_words_is_never_filled_by_splitting_a_figure(tmp_path, seed, row, keys, after):
    """A line that may be a label (a page header naming the agency) inside a row printed one cell per
    line: the figures before it are fewer than the columns. A figure printed alone on its line is one
    cell, so the row is unreadable — never a figure cut in two to fill the row (“17” read as 1 and 7)."""
    doc = valid_document(all_formats()["gov-info-disclosure-2019"], seed=seed)
    doc["tables"]["proactive.fees.prev_count"] = 17
    text = _cut_row(doc, "cells", ["平潭综合实验区财政金融局"], after, row)
    back = _import_text(tmp_path, text, "cut.txt").document
    assert_never_wrong(doc, back)
    assert {back["cell_states"][k]["state"] for k in keys} == {"unreadable"}


def test_title_is_never_page_chrome(tmp_path, doc2021):
    text = text_report(doc2021, "pipe", title="平潭综合实验区财政金融局2022年政府信息公开工作年度报告")
    chrome = "首 页 走进平潭 政务公开 互动交流\n当前位置：首页 > 政务公开 > 年报\nPage 9\n"
    imported = _import_text(tmp_path, chrome + text, "t.md")
    assert imported.document["agency"]["name"] == "平潭综合实验区财政金融局"
    assert imported.document["year"] == 2022


def test_provenance_names_the_files_own_line_and_character():
    """pingtan's dump starts with crawler header lines: a cell's line is the file's, counted from 1."""
    imported = import_file(DATA / "pingtan-2019.txt")
    lines = PINGTAN.split("\n")
    for key in ("requests.received.natural", "proactive.rules.made"):
        where = imported.document["provenance"][key]
        line, char = map(int, re.match(r"第(\d+)行 第(\d+)字", where).groups())
        printed = imported.document["cell_states"].get(key, {}).get("printed") or str(imported.document["tables"][key])
        assert lines[line - 1][char - 1:].startswith(printed[:1]), (key, where)


def test_pipe_table_provenance_is_the_cells_line_and_character(tmp_path, doc2021):
    text = text_report(doc2021, "pipe")
    imported = _import_text(tmp_path, text)
    where = imported.document["provenance"]["requests.received.total"]
    line, char = map(int, re.match(r"第(\d+)行 第(\d+)字", where).groups())
    row = text.split("\n")[line - 1]
    assert row.startswith("| 一、本年新收")
    assert row[char - 1:].startswith(str(doc2021["tables"]["requests.received.total"]))


_SENTENCES = ["2024年，共收到政府信息公开申请3条。", "本年制发规范性文件类11条", "其中行政许可 12 件。",
              "全年共受理申请 7 件，办结 7 件。", "注：本表数据截至2024年12月31日。",  # a note under a table
              "平潭综合实验区财政金融局", "- 3 -"]  # a page's header and footer


def _layout(doc: dict, style: str, outer: bool, change) -> str:
    """The report as text in `style`, its lines changed by `change` (sentences dropped in, a heading left out)
    before a "dump" style runs them together: a crawler dump of a page, its title on the first line and all
    the rest on one line, the cells printed one after another with nothing ("dump") or a space ("dump ")
    between them."""
    dump = style.startswith("dump")
    lines = change(text_report(doc, "cells" if dump else style, outer).split("\n"))
    return lines[0] + "\n" + style[4:].join(lines[1:]) if dump else "\n".join(lines)


@pytest.mark.parametrize("glue", ["", " "])
def test_a_note_inside_a_row_of_a_one_line_dump_never_cuts_the_row(tmp_path, glue):
    """A crawler dump on one line with a note dropped inside 7.属于行政查询事项: “122439149注：本表数据截至2024年
    12月31日。89”. The 89 after the note is the row's (its total), not the note's: read as sentence text, the
    row's run was cut short and T3-2's sums picked a unique wrong split (科研机构 2 for 24, 总计 49 for 89)."""
    doc = valid_document(all_formats()["gov-info-disclosure-2021"], seed=419)
    note = "注：本表数据截至2024年12月31日。"

    def insert(lines):
        return lines[:419 % len(lines)] + [note] + lines[419 % len(lines):]

    text = _layout(doc, "dump" + glue, True, insert)
    assert f"{glue}9{glue}{note}{glue}89{glue}1.本机关" in text
    back = _import_text(tmp_path, text, "d.txt").document
    assert_never_wrong(doc, back)
    keys = [k for k in doc["tables"] if k.startswith("requests.outcome.withheld.inquiry.")]
    assert back["tables"]["requests.outcome.withheld.inquiry.total"] == 89
    assert sum(k in back["tables"] for k in keys) >= 2


@pytest.mark.parametrize("glue", ["", " "])
@pytest.mark.parametrize("words", ["（单位：件）", "本年制发规范性文件类11条", "平潭综合实验区财政金融局"])
def test_words_inside_a_row_of_a_one_line_dump_make_the_row_unreadable(tmp_path, glue, words):
    """Words that are no label and no whole sentence printed between a row's figures in a dump on one line,
    more figures after them (“（六）其他处理 39 38 37 4 5 7 （单位：件） 130”): whether the figures after the
    words are the row's is not known, so the row is unreadable — never its first figures cut to fill it
    (it was: 法律服务机构 4 for 5, 其他 5 for 7, 总计 7 for 130)."""
    doc = valid_document(all_formats()["gov-info-disclosure-2019"], seed=9824)
    keys = [k for k in doc["tables"] if k.startswith("requests.outcome.other.")]
    total = str(doc["tables"]["requests.outcome.other.total"])

    def insert(lines):
        at = lines.index("（七）总计") - 1
        assert lines[at] == total
        return lines[:at] + [words] + lines[at:]

    back = _import_text(tmp_path, _layout(doc, "dump" + glue, True, insert), "w.txt").document
    assert_never_wrong(doc, back)
    assert {back["cell_states"][k]["state"] for k in keys} == {"unreadable"}
    assert "本行的数字可能不全" in back["cell_states"][keys[0]]["note"]


@settings(max_examples=40, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(seed=0, format_id="gov-info-disclosure-2019", style="cells", outer=False,  # a row cut by the sentence
         noise=[(473, "2024年，共收到政府信息公开申请3条。")], drop_heading=None)
@example(seed=419, format_id="gov-info-disclosure-2021", style="dump", outer=True,  # a note inside a row
         noise=[(419, "注：本表数据截至2024年12月31日。")], drop_heading=None)
@example(seed=9824, format_id="gov-info-disclosure-2019", style="dump ", outer=True,  # words inside a row
         noise=[(1392, "（单位：件）")], drop_heading=None)
@example(seed=3318, format_id="gov-info-disclosure-2019", style="dump", outer=False,  # a sentence, no end mark
         noise=[(6543, "本年制发规范性文件类11条")], drop_heading="四、")
@example(seed=7623, format_id="gov-info-disclosure-2019", style="dump", outer=False,  # a page header in a row
         noise=[(8231, "全年共受理申请 7 件，办结 7 件。"), (1082, "平潭综合实验区财政金融局")], drop_heading="三、")
@example(seed=6678, format_id="gov-info-disclosure-2019", style="dump", outer=True,  # a note after a label
         noise=[(204, "（单位：件）"), (6952, "数据来源：本机关统计。")], drop_heading="二、")
@given(seed=st.integers(0, 10_000), format_id=st.sampled_from(FORMATS),
       style=st.sampled_from(["pipe", "cells", "cellpipes", "dump", "dump "]), outer=st.booleans(),
       noise=st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(_SENTENCES)), max_size=4),
       drop_heading=st.sampled_from([None, "二、", "三、", "四、"]))
def test_random_reports_in_every_text_layout_are_never_wrong(tmp_path, seed, format_id, style, outer, noise,
                                                             drop_heading):
    """Random valid reports as pipe tables, one cell per line or a crawler dump on one line, with sentences,
    notes and page headers and footers dropped in anywhere (inside a row too) and a heading left out: every
    cell is the true number or unreadable, never another number."""
    doc = valid_document(all_formats()[format_id], seed=seed)

    def change(lines):
        if drop_heading:
            lines = [ln for ln in lines if not ln.startswith(drop_heading)]
        for at, sentence in noise:
            lines.insert(at % len(lines), sentence)
        return lines

    back = _import_text(tmp_path, _layout(doc, style, outer, change), f"x{seed}.txt").document
    assert_never_wrong(doc, back)


def test_a_row_with_fewer_cells_than_columns_is_never_shifted(tmp_path, doc2021):
    """A converter lost a cell: “| 规章 | 22 | 235 |” for three columns. Which column each figure is in is
    not known, so the row is unreadable — never 22 and 235 moved into 废止 and 现行有效."""
    text = text_report(doc2021, "pipe")
    row = "| 规章 | " + " | ".join(str(doc2021["tables"][f"proactive.rules.{c}"]) for c in
                                   ("issued", "repealed", "in_force")) + " |"
    assert row in text
    back = _import_text(tmp_path, text.replace(row, "| 规章 | 22 | 235 |")).document
    assert {back["cell_states"][f"proactive.rules.{c}"]["state"] for c in ("issued", "repealed", "in_force")} \
        == {"unreadable"}
    assert not any(k.startswith("proactive.rules.") for k in back["tables"])


def test_the_blocks_of_table_two_in_another_order(tmp_path, doc2021):
    """A converter printed 第二十条第（一）项 after the other blocks of 表二: each block is its own table."""
    lines = text_report(doc2021, "pipe").split("\n")
    a = lines.index("第二十条第（一）项")
    b = lines.index("第二十条第（五）项")
    c = lines.index("三、收到和处理政府信息公开申请情况")
    lines = lines[:a] + lines[b:c] + lines[a:b] + lines[c:]
    assert _import_text(tmp_path, "\n".join(lines)).document["tables"] == doc2021["tables"]


def test_a_cell_per_line_closed_by_a_pipe_is_one_cell_never_split(tmp_path, doc2019):
    """tongzhou-ju-2019 (a stored page text): “行政处罚 |”, “253 |”, “--253 |”, “0 |”. Each line is one cell:
    253 is never split into 2|5|3 to fill the row, and “--253” is unreadable, not a number."""
    text = text_report(doc2019, "cellpipes")
    penalty = [str(doc2019["tables"][f"proactive.penalty.{c}"]) for c in ("prev_count", "change", "decisions")]
    printed = "行政处罚 |\n" + "".join(f"{v} |\n" for v in penalty)
    assert printed in text
    text = text.replace(printed, "行政处罚 |\n253 |\n--253 |\n0 |\n")
    back = _import_text(tmp_path, text, "t.txt").document
    assert back["tables"]["proactive.penalty.prev_count"] == 253
    assert back["cell_states"]["proactive.penalty.change"]["state"] == "unreadable"
    assert back["tables"]["proactive.penalty.decisions"] == 0


@pytest.mark.parametrize(("opening", "year"), [
    ("本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。", 2022),
    ("本报告所列数据的统计期限为2024年1月1日至2024年12月31日。", 2024),
    ("根据条例的要求，某某街道特编制2023年政府信息公开年度报告。", 2023),
    ("2020年，我街按照全区政府信息公开工作的总体要求开展工作。", 2020),
])
def test_a_copy_without_its_title_takes_the_year_the_report_states(tmp_path, doc2021, opening, year):
    """Copies that start at 一、总体情况 (a stored page text, one page of a PDF): the year is the report's
    own — never the format's first year presented as read."""
    text = text_report(doc2021, "pipe").split("\n", 1)[1]  # no title line
    text = text.replace("总体情况：测试文字。", opening)
    back = _import_text(tmp_path, text, "y.md")
    assert back.document["year"] == year
    assert "IMPORT_NO_YEAR" not in {f.rule for f in back.findings}


def _requests_rows(doc) -> list[tuple[str, list[int]]]:
    from nianbao.published.mapping import expected_rows

    fmt = all_formats()[doc["format"]]
    return [(e.node.label, [doc["tables"][k] for k in e.keys]) for e in expected_rows(fmt, fmt.table("requests"))]


def _pipe(label: str, values) -> str:
    return "| " + " | ".join([label, *map(str, values)]) + " |"


def test_a_converters_rows_without_labels_are_placed_in_statutory_order(tmp_path, doc2021):
    """shanghai-kw-2024 / bgt-2025: a PDF converter cut the labels of several rows off into loose lines
    (or left a fragment of the label in the row). Between two labelled rows, as many whole unlabelled rows
    as statutory rows: in order. One row fewer: those cells unreadable, never shifted."""
    text = text_report(doc2021)
    rows = _requests_rows(doc2021)
    unable = [(label, values) for label, values in rows if label.startswith(("1.本机关", "2.没有现成", "3.补正后"))]
    for n, (label, values) in enumerate(unable):
        cut = "" if n != 1 else "另行制作"  # a piece of its own label left in the row
        text = text.replace(_pipe(label, values), f"{label}\n" + _pipe(cut, values) if n != 1 else _pipe(cut, values))
    back = _import_text(tmp_path, text, "o.md").document
    assert back["tables"] == doc2021["tables"]

    dropped = text.replace(_pipe("", unable[2][1]) + "\n", "", 1)
    assert dropped != text
    back = _import_text(tmp_path, dropped, "d.md").document
    assert_never_wrong(doc2021, back)
    assert any(k.startswith("requests.outcome.unable.") for k in back["cell_states"])


def test_loose_figures_beside_a_pipe_table_are_not_rows(tmp_path, doc2021):
    """A lone “1” a converter left between the rows of a pipe table (shanghai-kw-2024) is not a row."""
    text = text_report(doc2021)
    label, values = _requests_rows(doc2021)[-2]  # （七）总计
    text = text.replace(_pipe(label, values), "1\n" + _pipe(label, values))
    back = _import_text(tmp_path, text, "l.md").document
    assert back["tables"] == doc2021["tables"]


def test_a_label_cell_with_a_note_in_brackets_is_a_row_label(tmp_path, doc2019):
    """huangpi-slqj-2020 prints its local template's notes in the label cells."""
    values = [doc2019["tables"][f"proactive.normative_docs.{c}"] for c in ("made", "published", "total_public")]
    note = ("规范性文件(行政机关制定发布的决定、公告、通告、意见、通知,以及标题采用“规定”“办法”等字样的公文,"
            "一般情况下属于规范性文件)")
    text = text_report(doc2019).replace(_pipe("规范性文件", values), _pipe(note, values))
    assert note in text
    back = _import_text(tmp_path, text, "n.md").document
    assert back["tables"] == doc2019["tables"]


def test_counts_with_their_measure_word_and_signed_changes_in_a_dump(tmp_path):
    """pingtan-czj-2020 “政府集中采购 2笔 984361元”; lw-nanyuan-2020 one cell per line “21 / +19 / 40”."""
    text = PINGTAN.replace("政府集中采购13575394432.52元", "政府集中采购 2笔 984361元")
    assert text != PINGTAN
    back = _import_text(tmp_path, text, "c.txt").document
    assert back["tables"]["proactive.procurement.projects"] == 2
    assert back["tables"]["proactive.procurement.amount"] == 98.4361
    doc = valid_document(all_formats()["gov-info-disclosure-2019"], seed=5)
    doc["tables"]["proactive.licensing.change"] = 19
    cells = text_report(doc, "cells").replace("\n19\n", "\n+19\n", 1)
    back = _import_text(tmp_path, cells, "s.txt").document
    assert back["tables"]["proactive.licensing.change"] == 19


@pytest.mark.parametrize(("end", "last"), [("| 0 | 7 | 0 | 0 | 0 | 5", None), ("| 0 | 7 | 0 | 0 | 0 | 5 |", 5),
                                           ("| 0 | 7 | 0 | 0 | 0 | 5 ", 5)])
def test_a_copy_cut_inside_a_row_reads_the_cells_it_printed(tmp_path, doc2021, end, last):
    """Stored page text is cut at its length: the last row's printed cells are its first ones; the last may
    go on past the cut (unless its closing pipe or the space before it is printed); the rest is not there."""
    text = text_report(doc2021)
    label, values = _requests_rows(doc2021)[3]
    head = text[: text.index(_pipe(label, values))]
    back = _import_text(tmp_path, head + f"| {label} {end}", "cut.md").document
    keys = [f"requests.outcome.partial.{c}" for c in
            ("natural", "commercial", "research", "nonprofit", "legal", "other_org", "total")]
    assert [back["tables"].get(k) for k in keys[:5]] == [0, 7, 0, 0, 0]
    assert back["tables"].get(keys[5]) == last
    assert back["cell_states"][keys[6]]["state"] == "unreadable"
