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
    `| 规章 | 0 | 0 | 0 |`, `|---|` separators, with or without the outer pipes) or "cells" (one cell
    per line, as pdftotext without -layout prints a table)."""
    from nianbao.published.mapping import expected_rows

    fmt = all_formats()[doc["format"]]
    out = [title or f"{doc['agency']['name']}{doc['year']}年政府信息公开工作年度报告", ""]

    def row(cells: list[str]) -> None:
        if style == "cells":
            out.extend(cells)
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
