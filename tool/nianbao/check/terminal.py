"""The readable check report for a terminal: grouped by file, coloured, one verdict line each."""

from __future__ import annotations

from collections import Counter

from rich.console import Console

from nianbao.findings import Finding
from nianbao.printable import json_text, markup

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
    agency = result.agency or {}
    title = " ".join(x for x in (agency.get("name"), agency.get("code"),
                                 f"{result.year}年" if result.year else None) if x)
    console.print(f"[bold]━━ {markup(result.file or '')}[/bold]" + (f"  {markup(title)}" if title else ""))
    for f in result.findings:
        if f.severity == "info" and not show_info:
            continue
        mark, word, style = _MARK[f.severity]
        console.print(f"  [{style}]{mark} {word}[/{style}] {markup(finding_line(f))} [dim]{markup(code_tag(f))}[/dim]",
                      highlight=False)
    counts = Counter(f.severity for f in result.findings)
    detail = "，".join(f"{counts[s]} 个{_MARK[s][1]}" for s in ("error", "warning", "info") if counts[s])
    style = _VERDICT_STYLE[result.status]
    verdict = result.status_label + (f"（{detail}）" if detail else "")
    console.print(f"  结论：[{style}]{verdict}[/{style}]", highlight=False)
    if result.annotated:
        console.print(f"  批注副本：{markup(result.annotated)}", highlight=False)


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
