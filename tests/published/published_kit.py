"""Helpers for the tests of nianbao.published (a uniquely named module: every test folder has a conftest)."""

from __future__ import annotations

from nianbao.format.spec import all_formats
from nianbao.render import render_document

FORMATS = sorted(all_formats())


def rendered(tmp_path, doc: dict, to: str, name: str = "report", draft: bool = False):
    fmt = all_formats()[doc["format"]]
    return render_document(doc, fmt, to, tmp_path / f"{name}.{to}", draft=draft)


def found(result) -> set[tuple[str, str | None]]:
    """(rule, cell key) of every finding that is not informational."""
    return {(f.rule, f.key) for f in result.findings if f.severity != "info"}


def number_text(value) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def text_report(doc: dict, style: str = "pipe", outer: bool = True, title: str | None = None) -> str:
    """A report as text in one of the layouts real copies take: style "pipe" (markdown tables,
    `| 规章 | 0 | 0 | 0 |`, `|---|` separators, with or without the outer pipes), "cells" (one cell
    per line, as pdftotext without -layout prints a table) or "cellpipes" (one cell per line closed
    by a pipe, “253 |”, a line of pipes between rows: a search engine's stored page text)."""
    from nianbao.published.mapping import expected_rows

    fmt = all_formats()[doc["format"]]
    out = [title or f"{doc['agency']['name']}{doc['year']}年政府信息公开工作年度报告", ""]

    def row(cells: list[str]) -> None:
        if style == "cells":
            out.extend(cells)
        elif style == "cellpipes":
            out.extend(f"{c} |" for c in cells)
            out.append("|||")
        else:
            inner = " | ".join(cells)
            out.append(f"| {inner} |" if outer else inner)

    for section in fmt.sections:
        out.append(section.heading)
        if not section.table:
            out.append(doc["sections"].get(section.key, ""))
            continue
        table = fmt.table(section.table)
        rows = expected_rows(fmt, table)
        for bi, block in enumerate(table.blocks):
            if block.title:
                out.append(block.title)
            labels = [c.label for c in block.leaf_columns()]
            row(([block.corner] if block.corner else []) + labels)
            if style == "pipe":
                out.append("|" + "---|" * (len(labels) + (1 if block.corner else 0)))
            for entry in (r for r in rows if r.block == bi):
                values = [number_text(doc["tables"][k]) for k in entry.keys]
                row(([entry.node.label] if entry.node.label else []) + values)
    return "\n".join(out) + "\n"


def assert_never_wrong(doc: dict, back: dict) -> int:
    """Every cell of `back` is the number `doc` printed or unreadable; returns how many were read."""
    read = 0
    for key, value in doc["tables"].items():
        if key in back["tables"]:
            assert back["tables"][key] == value, key
            read += 1
        else:
            assert back["cell_states"][key]["state"] == "unreadable", key
    return read


_SENTENCES = (
    "坚持以公开为常态、不公开为例外，推进决策、执行、管理、服务、结果公开。",
    "围绕优化营商环境，及时发布惠企政策和办事指南，做好政策解读工作。",
    "完善政府信息公开平台建设，规范栏目设置，提高信息发布的及时性和准确性。",
    "严格执行保密审查制度，坚持“先审查、后公开”和“一事一审”原则。",
    "组织开展政务公开业务培训，提升工作人员的业务能力。",
    "依申请公开办理流程的内部衔接还不够顺畅，个别申请转办耗时较长。",
    "下一步将建立申请登记台账和限时办理提醒制度，确保按时答复。",
    "政策解读的形式还比较单一，图解、视频等解读方式运用不够。",
    "按照全省政务公开工作要点要求，完成了门户网站政府信息公开专栏的标准化调整。",
    "本年度未收取信息处理费。",
    "1.完善制度建设；2.加强平台管理。",  # a list number at a line's start (markdown escapes it)
    "-依托“互联网+政务服务”平台，推进*重点领域*信息公开[专栏]建设<试点>。",  # markdown's special characters
    "门户网站www.luobei.gov.cn和政务新媒体“萝北发布”同步发布，咨询电话0468-1234567。",
)
AGENCIES = ("测试县测试局", "萝北县人民政府办公室", "黑龙江省鹤岗市萝北县住房和城乡建设局",
            "某某市某某区人力资源和社会保障局", "团结镇人民政府")


def random_report(fmt, seed: int) -> dict:
    """A valid report of `fmt` with random figures (many zeros, or four- and five-digit figures), agency,
    year and narrative lengths — so a renderer's line wraps and page breaks fall in ever other places."""
    import random

    from factory import valid_document

    from nianbao.check.run import check_document
    from nianbao.format.document import compute_derived

    rng = random.Random(seed)
    years = range(fmt.year_from, (fmt.year_to or fmt.year_from + 4) + 1)
    doc = valid_document(fmt, year=rng.choice(years), seed=seed,
                         agency={"name": rng.choice(AGENCIES), "code": "T-01", "level": "county"})
    zeros, scale = rng.choice((0.0, 0.3, 0.9)), rng.choice((1, 1, 13, 97))
    tables = dict(doc["tables"])
    for key in fmt.input_keys():
        if fmt.cells[key].kind == "count" and not key.startswith("requests.") and key in tables:
            factor = min(scale, 13) if key.startswith("reviews.") else scale  # 表四's columns are narrow
            tables[key] = 0 if rng.random() < zeros else tables[key] * factor
    requests = [k for k in fmt.input_keys() if k.startswith("requests.")]
    if rng.random() < zeros:  # no application at all
        tables.update({k: 0 for k in requests})
    else:
        tables.update({k: tables[k] * scale for k in requests})
    doc["tables"] = compute_derived(fmt, {k: v for k, v in tables.items() if k in fmt.input_keys()})
    # at most five digits: what a county or city reports (and what fits the rendered table's narrowest column)
    if any(f.severity == "error" for f in check_document(doc).findings) or max(doc["tables"].values()) >= 100_000:
        doc["tables"] = valid_document(fmt, seed=seed)["tables"]
    doc["sections"] = {s.key: "\n".join("".join(rng.choice(_SENTENCES) for _ in range(rng.randint(1, 4)))
                                        for _ in range(rng.randint(1, 6)))
                       for s in fmt.text_sections()}
    return doc
