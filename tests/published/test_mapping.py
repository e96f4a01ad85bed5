"""How the lines of a published report's tables are placed on the format's rows (published/mapping.py),
and what the user is told when they cannot be: a table not found, a row not found, a line left over."""

from __future__ import annotations

import pytest
from factory import valid_document
from published_kit import text_report

from nianbao.format.spec import all_formats
from nianbao.published import import_file

FMT = all_formats()["gov-info-disclosure-2021"]


@pytest.fixture
def doc():
    return valid_document(FMT, seed=7)


def _import(tmp_path, text: str, name: str = "r.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_file(path)


def _pipe(label: str, values) -> str:
    return "| " + " | ".join([label, *map(str, values)]) + " |"


def _row(doc: dict, prefix: str, columns: tuple[str, ...]) -> list:
    return [doc["tables"][f"{prefix}.{c}"] for c in columns]


PEOPLE = ("natural", "commercial", "research", "nonprofit", "legal", "other_org", "total")


def test_a_table_not_found_leaves_every_one_of_its_cells_unreadable_and_says_so(tmp_path, doc):
    text = text_report(doc)
    text = text[:text.index("四、政府信息公开行政复议")] + text[text.index("五、存在的主要问题"):]
    imported = _import(tmp_path, text)
    reviews = [k for k, c in FMT.cells.items() if c.table == "reviews"]
    states = imported.document["cell_states"]
    assert {k: states[k] for k in reviews} == {k: {"state": "unreadable", "printed": ""} for k in reviews}
    (f,) = [f for f in imported.findings if f.rule == "IMPORT_TABLE_MISSING"]
    assert (f.severity, f.sheet) == ("error", "表四 复议诉讼")
    assert f.message == ("没有找到四、政府信息公开行政复议、行政诉讼情况（既没有本表的标题，也没有本表的行列标签），"
                         "本表 15 个单元格无法读取。")
    assert not any(k.startswith("reviews.") for k in imported.document["tables"])
    others = {k: v for k, v in doc["tables"].items() if not k.startswith("reviews.")}
    assert imported.document["tables"] == others


def test_a_row_not_found_and_a_line_left_over_are_named_where_they_are(tmp_path, doc):
    repeated = _row(doc, "requests.outcome.not_processed.repeated", PEOPLE)
    text = text_report(doc).replace(_pipe("2.重复申请", repeated) + "\n", "")
    extra = _pipe("五、本年度网上申请数量", [1, 1, 1, 1, 1, 1, 7])
    text = text.replace("| 四、结转下年度", extra + "\n| 四、结转下年度")
    imported = _import(tmp_path, text)
    line = text.split("\n").index(extra) + 1
    (left,) = [f for f in imported.findings if f.rule == "IMPORT_EXTRA_ROW"]
    assert (left.severity, left.sheet) == ("warning", "表三 依申请公开")
    assert left.message == ("三、收到和处理政府信息公开申请情况中多出一行"
                            f"（第{line}行：“五、本年度网上申请数量 1 1 1 1 1 1 7”），"
                            "与标准格式的各行都对不上，未读取。")
    (missing,) = [f for f in imported.findings if f.rule == "IMPORT_ROW_MISSING"]
    assert (missing.severity, missing.sheet, missing.cell, missing.key, missing.row_label) == \
        ("error", "表三 依申请公开", "D22", "requests.outcome.not_processed.repeated.natural", "2.重复申请")
    assert missing.message == ("三、收到和处理政府信息公开申请情况中没有找到“2.重复申请”一行（或无法确定哪一行是它），"
                               "本行 7 个单元格无法读取。")
    states = imported.document["cell_states"]
    assert {states[f"requests.outcome.not_processed.repeated.{c}"]["state"] for c in PEOPLE} == {"unreadable"}


def test_a_long_line_left_over_is_shown_by_its_first_sixty_characters(tmp_path, doc):
    words = "其他渠道登记的咨询事项数量合计仅供参考不列入本表统计范围之内如下各项分列网上咨询电话咨询现场咨询合计"
    assert len(words) == 50  # a label's length (at most 64), its line longer than what is shown
    extra = _pipe(words, [1, 1, 1, 1, 1, 1, 7])
    text = text_report(doc).replace("| 四、结转下年度", extra + "\n| 四、结转下年度")
    imported = _import(tmp_path, text)
    (left,) = [f for f in imported.findings if f.rule == "IMPORT_EXTRA_ROW"]
    printed = (words + " 1 1 1 1 1 1 7")[:60]
    assert f"：“{printed}”），" in left.message


def test_a_one_column_row_not_found_is_named_at_its_cell(tmp_path, doc):
    imported = _import(tmp_path, text_report(doc).replace("| 行政许可 | 7 |\n", ""))
    (f,) = [f for f in imported.findings if f.rule == "IMPORT_ROW_MISSING"]
    assert (f.key, f.cell, f.row_label) == ("proactive.licensing.decisions", "B9", "行政许可")
    assert f.message == ("二、主动公开政府信息情况中没有找到“行政许可”一行（或无法确定哪一行是它），"
                         "本行 1 个单元格无法读取。")
    assert imported.document["cell_states"] == {"proactive.licensing.decisions": {"state": "unreadable", "printed": ""}}


def test_table_four_printed_without_its_figures_names_its_data_row(tmp_path, doc):
    """表四's one row prints no label: the finding calls it the data row."""
    (row,) = _rows(FMT.table("reviews"))
    figures = "| " + " | ".join(str(doc["tables"][k]) for k in row.keys) + " |\n"
    text = text_report(doc)
    assert figures in text
    imported = _import(tmp_path, text.replace(figures, ""))
    (f,) = [f for f in imported.findings if f.rule == "IMPORT_ROW_MISSING"]
    assert (f.key, f.cell, f.sheet) == ("reviews.admin_review.upheld", "A6", "表四 复议诉讼")
    assert f.message == ("四、政府信息公开行政复议、行政诉讼情况中没有找到“数据行”一行（或无法确定哪一行是它），"
                         "本行 15 个单元格无法读取。")
    assert imported.document["cell_states"] == {k: {"state": "unreadable", "printed": ""} for k in row.keys}


def _cells(doc: dict, label: str, printed: str) -> str:
    """The report one cell per line, the row `label` printed as `printed` (its label and figures replaced)."""
    text = text_report(doc, "cells")
    table, row = next((t, e) for t in FMT.tables for e in _rows(t) if e.node.label == label)
    figures = "".join(f"{doc['tables'][k]}\n" for k in row.keys)
    assert f"\n{label}\n{figures}" in text
    return text.replace(f"\n{label}\n{figures}", f"\n{printed}", 1)


def _rows(table):
    from nianbao.published.mapping import expected_rows

    return expected_rows(FMT, table)


@pytest.mark.parametrize(("label", "printed"), [
    ("规章", "规章\n"),  # a label of two characters
    ("规章", "规章\n—\n—\n—\n"),  # placeholders only
    ("行政规范性文件", "行政规范性文件情况\n"),  # a word more on the label's line
    ("规章", "规章情况\n"),  # at most twice the label's length
    ("行政事业性收费", "行政事业性收费\n"),  # the last row of its table
])
def test_a_row_printed_as_its_label_alone_is_blank_where_its_label_stands(tmp_path, doc, label, printed):
    text = _cells(doc, label, printed)
    imported = _import(tmp_path, text, "b.txt")
    row = next(e for t in FMT.tables for e in _rows(t) if e.node.label == label)
    states = imported.document["cell_states"]
    assert {k: states[k] for k in row.keys} == {k: {"state": "blank", "printed": ""} for k in row.keys}
    line = text.split("\n").index(printed.split("\n")[0]) + 1
    assert {imported.document["provenance"][k] for k in row.keys} == {f"第{line}行 第1字"}
    assert not [f for f in imported.findings if f.rule == "IMPORT_ROW_MISSING"]
    assert ("第%d行 第1字" % line, label, "只印了行标签：空白") in imported.stages["mapped"].matches
    others = {k: v for k, v in doc["tables"].items() if k not in row.keys}
    assert imported.document["tables"] == others


@pytest.mark.parametrize(("label", "printed"), [
    ("规章", "规章\n见附件\n"),  # words after the label: not printed empty
    ("行政规范性文件", "行政规范性文件\n见附件\n"),  # the line before it a figure
    ("行政规范性文件", "行政规范性文件\n见附件\n—\n"),
    ("规章", "规章有关情况\n"),  # more words than label on its line: not the label printed alone
])
def test_a_row_whose_label_is_followed_by_words_is_unreadable_not_blank(tmp_path, doc, label, printed):
    imported = _import(tmp_path, _cells(doc, label, printed), "u.txt")
    row = next(e for t in FMT.tables for e in _rows(t) if e.node.label == label)
    states = imported.document["cell_states"]
    assert {k: states[k] for k in row.keys} == {k: {"state": "unreadable", "printed": ""} for k in row.keys}
    assert [f.key for f in imported.findings if f.rule == "IMPORT_ROW_MISSING"] == [row.keys[0]]


def test_a_pipe_row_printing_its_label_and_no_cell_is_unreadable(tmp_path, doc):
    """A converter's table row cut after its label cell: its cells are not printed empty, they are lost."""
    imported = _import(tmp_path, text_report(doc).replace("| 规章 | 0 | 0 | 0 |\n", "| 规章 |\n"))
    keys = [f"proactive.rules.{c}" for c in ("issued", "repealed", "in_force")]
    assert {imported.document["cell_states"][k]["state"] for k in keys} == {"unreadable"}
    assert [f.key for f in imported.findings if f.rule == "IMPORT_ROW_MISSING"] == [keys[0]]


def test_a_row_missing_whole_is_named_when_nothing_is_left_over(tmp_path, doc):
    text = _cells(doc, "2.重复申请", "")
    imported = _import(tmp_path, text, "m.txt")
    keys = [f"requests.outcome.not_processed.repeated.{c}" for c in PEOPLE]
    assert {k: imported.document["cell_states"][k] for k in keys} == \
        {k: {"state": "unreadable", "printed": ""} for k in keys}
    assert [f.key for f in imported.findings if f.rule == "IMPORT_ROW_MISSING"] == [keys[0]]


GROUPS = (("行政复议", "admin_review"), ("行政诉讼（未经复议直接起诉）", "litigation_direct"),
          ("行政诉讼（复议后起诉）", "litigation_after_review"))
RESULTS = ("upheld", "corrected", "other", "pending", "total")


def _table_four(doc: dict, parts, style: str = "pipe") -> str:
    """The report with 表四 printed as one short table per column group, each under a heading naming it:
    parts are (heading, group key) in the order printed."""
    text = text_report(doc)
    head = "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|---|---|---|---|---|\n" if style == "pipe" else ""
    four = "四、政府信息公开行政复议、行政诉讼情况\n"
    for heading, group in parts:
        figures = [str(doc["tables"][f"reviews.{group}.{c}"]) for c in RESULTS]
        printed = "| " + " | ".join(figures) + " |" if style == "pipe" else " ".join(figures)
        four += f"{heading}\n{head}{printed}\n"
    return text[:text.index("四、政府信息公开行政复议")] + four + text[text.index("五、存在的主要问题"):]


@pytest.mark.parametrize("style", ["pipe", "text"])
@pytest.mark.parametrize("order", [(0, 1, 2), (2, 0, 1)])
def test_table_four_printed_as_a_table_per_column_group_is_read_by_the_groups_named(tmp_path, doc, style, order):
    imported = _import(tmp_path, _table_four(doc, [GROUPS[i] for i in order], style), "g.txt")
    assert imported.document["tables"] == doc["tables"]
    assert imported.document["cell_states"] == {}
    hows = [how for _, label, how in imported.stages["mapped"].matches if how.startswith("按位置")]
    names = ("行政复议", "未经复议直接起诉", "复议后起诉")
    assert hows == [f"按位置（“{names[i]}”之下的一行）" for i in order]


@pytest.mark.parametrize("parts", [
    GROUPS[:2],  # one group not printed
    (GROUPS[0], GROUPS[1], GROUPS[1]),  # one group twice: which line is which is not known
    (GROUPS[0], GROUPS[1], ("行政诉讼", "litigation_after_review")),  # a heading naming no group
])
def test_table_four_by_column_group_is_read_only_when_every_group_is_found_once(tmp_path, doc, parts):
    imported = _import(tmp_path, _table_four(doc, parts), "g.md")
    (row,) = _rows(FMT.table("reviews"))
    states = imported.document["cell_states"]
    assert {states[k]["state"] for k in row.keys} == {"unreadable"}
    assert not any(k.startswith("reviews.") for k in imported.document["tables"])
    assert [f.key for f in imported.findings if f.rule == "IMPORT_ROW_MISSING"] == [row.keys[0]]


@pytest.mark.parametrize("cut", ["cell", "figure"])
def test_table_four_by_column_group_is_not_read_from_a_line_a_figure_short(tmp_path, doc, cut):
    """A group's line must print one figure per column of the group (a cell left empty, or lost)."""
    text = _table_four(doc, GROUPS)
    figures = [str(doc["tables"][f"reviews.admin_review.{c}"]) for c in RESULTS]
    line = "| " + " | ".join(figures) + " |"
    assert text.count(line) == 1
    short = "| " + " | ".join(figures[:2] + ([" "] if cut == "cell" else []) + figures[3:]) + " |"
    imported = _import(tmp_path, text.replace(line, short), "g.md")
    assert not any(k.startswith("reviews.") for k in imported.document["tables"])
    assert [f.rule for f in imported.findings if f.key and f.key.startswith("reviews.")] == ["IMPORT_ROW_MISSING"]


def _requests_row(doc: dict, label: str) -> tuple[str, list[str]]:
    row = next(e for e in _rows(FMT.table("requests")) if e.node.label == label)
    return _pipe(label, [doc["tables"][k] for k in row.keys]), list(row.keys)


@pytest.mark.parametrize(("label", "printed"), [
    ("2.没有现成信息需要另行制作", "制作"),  # two characters of its label
    # 9 of its 10 characters in the label
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "行政机关不再处理其甲"),
    ("2.没有现成信息需要另行制作", ""),
])
def test_a_line_between_two_rows_printing_a_piece_of_the_one_row_between_is_that_row(tmp_path, doc, label, printed):
    line, keys = _requests_row(doc, label)
    imported = _import(tmp_path, text_report(doc).replace(line, line.replace(f"| {label} |", f"| {printed} |")))
    assert imported.document["tables"] == doc["tables"]
    hows = [how for _, lb, how in imported.stages["mapped"].matches if lb == label]
    assert hows == ["按位置（上下两行之间唯一的一行）"]


@pytest.mark.parametrize("printed", ["平潭", "另行制作甲乙"])
def test_a_line_between_two_rows_printing_other_words_is_not_placed(tmp_path, doc, printed):
    """Words that are not a piece of the one row between (a page header, a label with more in it): the
    row is unreadable and the line is left over, never read as the row."""
    label = "2.没有现成信息需要另行制作"
    line, keys = _requests_row(doc, label)
    imported = _import(tmp_path, text_report(doc).replace(line, line.replace(f"| {label} |", f"| {printed} |")))
    assert {imported.document["cell_states"][k]["state"] for k in keys} == {"unreadable"}
    assert [f.key for f in imported.findings if f.rule == "IMPORT_ROW_MISSING"] == [keys[0]]
    assert [f.rule for f in imported.findings if f.rule == "IMPORT_EXTRA_ROW"] == ["IMPORT_EXTRA_ROW"]


@pytest.mark.parametrize(("label", "printed", "how"), [
    ("（一）予以公开", "予以公开", "按标签（95%）"),  # its numbering is much of it: read without it, a little less sure
    ("1.属于国家秘密", "属于国家秘密", "按标签（75%）"),
    ("一、本年新收政府信息公开申请数量", "本年新收政府信息公开申请数量", "按标签（88%）"),
    ("3.其他", "其他", "按位置（上下两行之间唯一的一行）"),  # too short to be told by its words
    # short of its numbering and of a character or more: enough of it without the numbering, each kind of it
    ("（一）予以公开", "予以公", "按标签（71%）"),
    ("2.重复申请", "重复申", "按标签（71%）"),
    ("一、本年新收政府信息公开申请数量", "本年新收政府信息公", "按标签（61%）"),
    ("四、结转下年度继续办理", "结转下年度继", "按标签（63%）"),
    # without 新收, the words that tell it from 二、上年结转…: 12 of its 16 characters, but less of their weight
    ("一、本年新收政府信息公开申请数量", "本年政府信息公开申请数量", "按标签（65%）"),
])
def test_a_row_label_printed_without_its_numbering_reads_its_row_and_says_how_sure(tmp_path, doc, label, printed, how):
    line, keys = _requests_row(doc, label)
    imported = _import(tmp_path, text_report(doc).replace(line, line.replace(f"| {label} |", f"| {printed} |")))
    assert imported.document["tables"] == doc["tables"]
    assert [h for _, lb, h in imported.stages["mapped"].matches if lb == label] == [how]
    (variant,) = [f for f in imported.findings if f.rule == "IMPORT_LABEL_VARIANT"]
    assert variant.key == keys[0]


def _blank(*printed: str) -> dict:
    return [{"state": "blank", "printed": p} for p in printed]


@pytest.mark.parametrize(("row", "printed", "keys", "states"), [
    ("| 行政许可 | 7 |", "| 行政许可 | — |", ["proactive.licensing.decisions"], _blank("—")),  # one cell
    ("| 行政许可 | 7 |", "| 行政许可 |\n|  | — |", ["proactive.licensing.decisions"], _blank("—")),  # under its label
    ("| 规章 | 0 | 0 | 0 |", "| 规章 | 见附件 | — | — |",
     [f"proactive.rules.{c}" for c in ("issued", "repealed", "in_force")],
     [{"state": "unreadable", "printed": "见附件", "note": "“见附件”不是数字"}, *_blank("—", "—")]),
])
def test_a_table_row_printing_placeholders_and_no_figure_is_read_cell_by_cell(tmp_path, doc, row, printed, keys,
                                                                               states):
    """A converter's row with no figure at all (“| 行政许可 | — |”) is still the row: its cells are read as
    printed (blank, or unreadable words), never the whole row lost."""
    text = text_report(doc)
    assert row in text
    imported = _import(tmp_path, text.replace(row, printed))
    assert [imported.document["cell_states"][k] for k in keys] == states
    assert not [f for f in imported.findings if f.rule == "IMPORT_ROW_MISSING"]


def test_table_four_printed_as_a_row_of_placeholders_is_blank(tmp_path, doc):
    (row,) = _rows(FMT.table("reviews"))
    figures = "| " + " | ".join(str(doc["tables"][k]) for k in row.keys) + " |\n"
    imported = _import(tmp_path, text_report(doc).replace(figures, "| " + " | ".join(["—"] * 15) + " |\n"))
    assert imported.document["cell_states"] == {k: {"state": "blank", "printed": "—"} for k in row.keys}
    assert ("第55行", "", "按位置（表中唯一的数据行）") in imported.stages["mapped"].matches


def test_a_label_printed_across_two_cells_is_the_row_label_as_printed(tmp_path, doc):
    """“| （一） | 予以公开 | … |”: a converter split the label cell at its numbering — the same label, no variant."""
    line, keys = _requests_row(doc, "（一）予以公开")
    split = line.replace("| （一）予以公开 |", "| （一） | 予以公开 |")
    imported = _import(tmp_path, text_report(doc).replace(line, split))
    assert imported.document["tables"] == doc["tables"]
    assert not [f for f in imported.findings if f.rule == "IMPORT_LABEL_VARIANT"]


def _plain(text: str) -> str:
    """A pipe-table report as plain text lines: each row its label and figures separated by spaces (a copy
    pasted out of a page, the table's lines gone)."""
    out = []
    for line in text.split("\n"):
        if line.startswith("|---"):
            continue
        if line.startswith("|"):
            line = " ".join(c.strip() for c in line.strip("|").split("|") if c.strip())
        out.append(line)
    return "\n".join(out)


def test_a_report_as_plain_lines_of_labels_and_figures_reads_exactly(tmp_path, doc):
    imported = _import(tmp_path, _plain(text_report(doc)), "p.txt")
    assert imported.document["tables"] == doc["tables"]
    assert imported.document["cell_states"] == {}
    assert not imported.findings


def test_a_label_wrapped_onto_the_line_above_its_figures_is_read_a_little_less_sure(tmp_path, doc):
    label = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    line, keys = _requests_row(doc, label)
    figures = " ".join(str(doc["tables"][k]) for k in keys)
    text = _plain(text_report(doc))
    assert f"{label} {figures}" in text
    wrapped = "（二）部分公开（区分处理的，\n只计这一情形，不计其他情形） " + figures
    imported = _import(tmp_path, text.replace(f"{label} {figures}", wrapped), "w.txt")
    assert imported.document["tables"] == doc["tables"]
    assert [h for _, lb, h in imported.stages["mapped"].matches if lb == label] == ["按标签（90%）"]
    assert not imported.findings


@pytest.mark.parametrize(("sentence", "why"), [("2024年，本机关共收到政府信息公开申请3件。", "有句末标点"),
                                               ("全年共收到申请", "含“收到”")])
def test_a_sentence_in_a_table_rows_first_cell_is_no_row(tmp_path, doc, sentence, why):
    """A converter put a sentence of the report into a table row beside a figure: it is not a row of the table
    (no line left over, no row shifted), and --debug says why."""
    line, _ = _requests_row(doc, "2.重复申请")
    text = text_report(doc).replace(line, _pipe(sentence, [3]) + "\n" + line)
    imported = _import(tmp_path, text)
    assert imported.document["tables"] == doc["tables"]
    assert not imported.findings
    at = text.split("\n").index(_pipe(sentence, [3])) + 1
    assert (f"第{at}行", "", f"是句子（{why}），不当作表格行") in imported.stages["mapped"].matches


PROACTIVE = {"规章": ("proactive.rules", ("issued", "repealed", "in_force")),
             "行政规范性文件": ("proactive.normative_docs", ("issued", "repealed", "in_force")),
             "行政许可": ("proactive.licensing", ("decisions",)), "行政处罚": ("proactive.penalty", ("decisions",)),
             "行政强制": ("proactive.enforcement", ("decisions",)), "行政事业性收费": ("proactive.fees", ("amount",))}


def _proactive_row(doc: dict, label: str) -> str:
    prefix, columns = PROACTIVE[label]
    return _pipe(label, [doc["tables"][f"{prefix}.{c}"] for c in columns])


def test_a_table_half_in_rows_of_cells_and_half_in_plain_lines_reads_both(tmp_path, doc):
    """表二 with three of its rows as a converter's table rows and three as plain lines: the plain lines are
    rows too, not loose figures beside a table (only when most of its lines are table rows are they)."""
    text = text_report(doc)
    for label in ("行政许可", "行政处罚", "行政强制"):
        row = _proactive_row(doc, label)
        assert row in text
        text = text.replace(row, row.strip("| ").replace(" | ", " "))
    imported = _import(tmp_path, text, "h.md")
    assert imported.document["tables"] == doc["tables"]
    assert not imported.findings


def test_a_loose_figure_beside_a_table_of_three_rows_is_not_a_row(tmp_path, doc):
    text = text_report(doc)
    for label in ("行政处罚", "行政强制", "行政事业性收费"):
        text = text.replace(_proactive_row(doc, label) + "\n", "")
    text = text.replace(_proactive_row(doc, "规章") + "\n", _proactive_row(doc, "规章") + "\n1\n")
    imported = _import(tmp_path, text, "l.md")
    loose = text.split("\n").index("1") + 1
    assert (f"第{loose}行 第1字", "", "表格以行和单元格印出，这些散落在表格外的数字不当作表格行") in \
        imported.stages["mapped"].matches
    assert not [f for f in imported.findings if f.rule == "IMPORT_EXTRA_ROW"]
    assert {k: v for k, v in imported.document["tables"].items() if k.startswith("proactive.")} == \
        {k: v for k, v in doc["tables"].items() if k.startswith(("proactive.rules", "proactive.normative_docs",
                                                                  "proactive.licensing"))}


def _pdf(doc: dict, change=lambda text: text):
    """The report as a PDF's text layer gives it: each line its words, placed left to right (a plain
    copy of the pipe tables, `change`d first), read from the lines directly (no PDF renderer needed)."""
    from pathlib import Path

    from nianbao.published.importer import build
    from nianbao.published.model import WORD, Item, Line, RawDocument
    from nianbao.published.settings import ImportSettings

    text = change(_plain(text_report(doc)))
    lines = []
    for n, printed in enumerate(text.split("\n"), 1):
        x, items = 60.0, []
        for word in printed.split():
            if word != "_":  # “_”: nothing printed there, a cell left empty
                items.append(Item(word, f"第1页 第{n}行", WORD, x, x + 8 * len(word)))
            x += max(8 * len(word) + 10, 60)
        if items:
            lines.append(Line(tuple(items), f"第1页 第{n}行"))
    return build(Path("r.pdf"), text.encode(), RawDocument("pdf", text.split("\n")[0], lines), ImportSettings())


WRAPPED = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"


@pytest.mark.parametrize(("above", "below", "how"), [
    ("（二）部分公开（区分处理的，", "只计这一情形，不计其他情形）", "按标签（90%）"),  # most below: a little less sure
    ("（二）部分公开（区分处理的，只计这一情形，", "不计其他情形）", "按标签（75%）"),  # what is above is enough
    ("（二）部分公开\n（区分处理的，\n只计这一情形，不计其他情形）", "", "按标签（100%）"),  # all of it above
])
def test_a_pdf_label_wrapped_around_its_figures_is_read(doc, above, below, how):
    """A PDF prints a long label's lines above and below the line of its figures: the row is read from
    what is printed around the figures, the less sure the more of the label it needs from below."""
    line, keys = _requests_row(doc, WRAPPED)
    figures = " ".join(str(doc["tables"][k]) for k in keys)
    imported = _pdf(doc, lambda text: text.replace(f"{WRAPPED} {figures}", f"{above}\n{figures}\n{below}".strip()))
    assert imported.document["tables"] == doc["tables"]
    assert [h for _, lb, h in imported.stages["mapped"].matches if lb == WRAPPED] == [how]
    assert not imported.findings


def test_a_pdf_report_reads_exactly_and_a_line_of_figures_without_its_label_is_placed_between_its_neighbours(doc):
    assert _pdf(doc).document["tables"] == doc["tables"]
    label = "2.没有现成信息需要另行制作"
    line, keys = _requests_row(doc, label)
    figures = " ".join(str(doc["tables"][k]) for k in keys)
    imported = _pdf(doc, lambda text: text.replace(f"{label} {figures}", figures))
    assert imported.document["tables"] == doc["tables"]
    assert [h for _, lb, h in imported.stages["mapped"].matches if lb == label] == ["按位置（上下两行之间唯一的一行）"]


@pytest.mark.parametrize("figure", ["76.02", "—"])
def test_a_web_page_row_under_a_row_printing_its_label_alone_is_that_row(tmp_path, doc, figure):
    """A page whose table prints a row's label in a row of its own and the row's cells in the next one,
    their label cell empty (a label cell spanning two rows): the cells are that row's — the last row of its
    table too, where no row below could place it."""
    from published_kit import rendered

    html = rendered(tmp_path, doc, "html").read_text(encoding="utf-8")
    at = html.index(">行政事业性收费<")
    a, b = html.rindex("<tr", 0, at), html.index("</tr>", at) + len("</tr>")
    row = f"<tr><th>行政事业性收费</th></tr><tr><td></td><td colspan='3'>{figure}</td></tr>"
    (tmp_path / "s.html").write_text(html[:a] + row + html[b:], encoding="utf-8")
    imported = import_file(tmp_path / "s.html")
    if figure == "—":
        assert imported.document["cell_states"] == {"proactive.fees.amount": {"state": "blank", "printed": "—"}}
    else:
        assert imported.document["tables"] == doc["tables"]
    assert not [f for f in imported.findings if f.rule in ("IMPORT_ROW_MISSING", "IMPORT_EXTRA_ROW")]


def test_a_row_printed_twice_is_read_from_its_first_line_and_the_second_is_left_over(tmp_path, doc):
    """Two lines print the same label (a copy pasted twice, a draft line kept): the first is the row — the
    order the report prints — and the second is named as a line left over, never read in its place."""
    line, keys = _requests_row(doc, "2.重复申请")
    again = _pipe("2.重复申请", [1, 2, 3, 4, 5, 6, 21])
    text = text_report(doc).replace(line, f"{line}\n{again}")
    imported = _import(tmp_path, text)
    assert imported.document["tables"] == doc["tables"]
    (left,) = [f for f in imported.findings if f.rule == "IMPORT_EXTRA_ROW"]
    assert f"第{text.split(chr(10)).index(again) + 1}行" in left.message


def test_one_plain_line_for_a_group_of_rows_printed_all_zero_reads_each_row_zero(tmp_path, doc):
    """(六)其他处理 printed as one plain line of 0s for its three rows (a text copy): each row reads 0."""
    from nianbao.format.document import compute_derived

    for key in [k for k in doc["tables"] if k.startswith("requests.outcome.other.")]:
        doc["tables"][key] = 0
    doc["tables"] = compute_derived(FMT, {k: doc["tables"][k] for k in FMT.input_keys()})
    lines = _plain(text_report(doc)).split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("1.申请人无正当理由"))
    last = next(i for i, line in enumerate(lines) if line.startswith("3.其他"))
    lines[first:last + 1] = ["（六）其他处理 0 0 0 0 0 0 0"]
    imported = _import(tmp_path, "\n".join(lines), "g.txt")
    assert imported.document["tables"] == doc["tables"]
    assert [(f.rule, f.severity) for f in imported.findings] == [("IMPORT_GROUP_ROW", "info")]
    assert (f"第{first + 1}行 第1字", "（六）其他处理", "按标签（100%）") in imported.stages["mapped"].matches



def test_a_pdf_row_printing_fewer_figures_than_columns_reads_each_under_its_column(doc):
    """A PDF row with a cell left empty: each figure is read in the column it stands under (where the other
    rows of its table print theirs), the empty cell is blank."""
    doc["tables"].update({"proactive.rules.issued": 3, "proactive.rules.in_force": 5})
    row = _proactive_row(doc, "规章").strip("| ").replace(" | ", " ")
    imported = _pdf(doc, lambda text: text.replace(row, "规章 3 _ 5"))
    tables, states = imported.document["tables"], imported.document["cell_states"]
    assert (tables["proactive.rules.issued"], tables["proactive.rules.in_force"]) == (3, 5)
    assert states["proactive.rules.repealed"]["state"] == "blank"


@pytest.mark.parametrize("number", ["3", "- 3 -", "第 3 页"])
def test_a_page_number_between_a_pdfs_rows_is_no_row(doc, number):
    """A page break inside a PDF's table leaves the page's number between two rows: it is no row of the table
    (nothing left over, no finding)."""
    label = "2.重复申请"
    line, keys = _requests_row(doc, label)
    row = f"{label} " + " ".join(str(doc["tables"][k]) for k in keys)
    imported = _pdf(doc, lambda text: text.replace(row, f"{row}\n{number}"))
    assert imported.document["tables"] == doc["tables"]
    assert not imported.findings
