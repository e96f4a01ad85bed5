"""The readable check report for a terminal: grouped by file, coloured, one verdict line each."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.text import Text

from nianbao.findings import Finding
from nianbao.printable import json_text, printable

from .run import STATUS_LABELS, CheckResult

_MARK = {"error": ("✗", "错误", "bold red"), "warning": ("⚠", "警告", "yellow"), "info": ("ℹ", "提示", "cyan")}
_VERDICT_STYLE = {"ok": "bold green", "warning": "bold yellow", "error": "bold red", "unreadable": "bold magenta"}


def location(f: Finding) -> str:
    """「表三 依申请公开」D5（一、本年新收… / 自然人）"""
    where = f.where
    labels = " / ".join(x for x in (f.row_label, f.column_label) if x)
    if labels:
        where += f"（{labels}）"
    return where


def finding_line(f: Finding) -> str:
    where = location(f)
    return f"{where}：{f.message}" if where else f.message


def code_tag(f: Finding) -> str:
    """The finding's rule id or code (T3-1, CELL_TEXT), for the end of a line: words first, the code
    for whoever is asked about it (--json carries it as "rule")."""
    return f"〔{f.rule}〕"


def print_result(console: Console, result: CheckResult, *, show_info: bool = True) -> None:
    for parts in result_lines(result, show_info=show_info):
        print_line(console, parts)


def result_lines(result: CheckResult, *, show_info: bool = True) -> list[list[tuple[str, str | None]]]:
    """A result's lines, each a list of (text, style) parts; every name in them already printable."""
    agency = result.agency or {}
    title = " ".join(x for x in (agency.get("name"), agency.get("code"),
                                 f"{result.year}年" if result.year else None) if x)
    lines = [[(f"━━ {printable(result.file or '')}", "bold")] + ([(f"  {printable(title)}", None)] if title else [])]
    for f in result.findings:
        if f.severity == "info" and not show_info:
            continue
        mark, word, style = _MARK[f.severity]
        lines.append([("  ", None), (f"{mark} {word}", style), (f" {printable(finding_line(f))} ", None),
                      (printable(code_tag(f)), "dim")])
    counts = Counter(f.severity for f in result.findings)
    detail = "，".join(f"{counts[s]} 个{_MARK[s][1]}" for s in ("error", "warning", "info") if counts[s])
    verdict = result.status_label + (f"（{detail}）" if detail else "")
    lines.append([("  结论：", None), (verdict, _VERDICT_STYLE[result.status])])
    if result.annotated:
        lines.append([(f"  批注副本：{printable(result.annotated)}", None)])
    return lines


def print_line(console: Console, parts: list[tuple[str, str | None]]) -> None:
    """One line of (text, style) parts: styled on a terminal; into a file or a pipe, the text written
    straight (what rich would write there, without its rendering: a province's batch prints fast)."""
    if console.is_terminal and not console.no_color:
        console.print(Text.assemble(*parts), highlight=False)
    else:
        console.file.write("".join(text for text, _ in parts) + "\n")


def print_total(console: Console, results: list[CheckResult]) -> None:
    counts = Counter(r.status for r in results)
    parts = [f"{label} {counts[s]}" for s, label in STATUS_LABELS.items() if counts[s]]
    console.print(f"[bold]合计：{len(results)} 个文件 — {'，'.join(parts) or '无'}[/bold]", highlight=False)


def make_console() -> Console:
    """Colours on a terminal; into a file or CI log, whole lines (no wrapping at 80 columns)."""
    import sys

    tty = sys.stdout.isatty()
    return Console(highlight=False, soft_wrap=not tty, width=None if tty else 160)


def print_results(results: list[CheckResult], *, as_json: bool, show_info: bool = True) -> Console | None:
    """Every result as --json prints it (a list of results), or as the terminal report with a total line.

    Returns the console of the terminal report, for what the command adds after it (None with as_json)."""
    if as_json:
        print(json_text([r.to_dict() for r in results]))  # names as \uXXXX where a terminal would obey them
        return None
    console = make_console()
    for result in results:
        print_result(console, result, show_info=show_info)
    print_total(console, results)
    return console
