"""Run a compilation end to end: gather, check, consolidate, write OUT_DIR, tell the clerk."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from nianbao.county.consolidate import Compilation, consolidate, gather_paths, gather_store
from nianbao.county.previous import load_previous
from nianbao.county.roster import RosterEntry
from nianbao.county.summary import write_summary_json
from nianbao.format.spec import Format

_STYLE = {"missing": "magenta", "error": "red", "warning": "yellow", "ok": "green"}
_LIST_ALL_UP_TO = 60


@dataclass
class CompileOptions:
    fmt: Format
    year: int
    roster: list[RosterEntry]
    out_dir: Path
    store: Path | None = None
    paths: list[Path] = field(default_factory=list)
    previous: Path | None = None
    name: str | None = None
    code: str | None = None
    level: str = "county"
    include_errors: bool = False
    secret: bytes | None = None
    render: bool = True
    jobs: int = 1


def compile_reports(opts: CompileOptions) -> Compilation:
    check_options = {"expect_year": opts.year, "expect_format": opts.fmt.id, "secret": opts.secret}
    if opts.store is not None:
        submissions = gather_store(opts.store, check_options, jobs=opts.jobs)
    else:
        submissions = gather_paths(opts.paths, check_options, jobs=opts.jobs)
    prev = load_previous(opts.previous, opts.year - 1, opts.roster) if opts.previous else None
    name = opts.name or "汇总"
    agency = {"name": f"{name}（汇总）", "code": opts.code or "SUMMARY", "level": opts.level}
    return consolidate(opts.fmt, opts.year, opts.roster, submissions, agency=agency,
                       previous=prev.agencies if prev else None, previous_county=prev.county if prev else None,
                       include_errors=opts.include_errors)


def write_outputs(comp: Compilation, out_dir: Path, render: bool = True) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {"summary.json": write_summary_json(comp, out_dir / "summary.json")}
    from nianbao.render.summary_xlsx import write_summary_xlsx

    written["summary.xlsx"] = write_summary_xlsx(comp, out_dir / "summary.xlsx")
    if render:
        from nianbao.render import render_document

        stem = f"{comp.agency['name']}{comp.year}年政府信息公开工作年度报告"
        for to in ("docx", "html", "md"):
            written[to] = render_document(comp.county, comp.fmt, to, out_dir / f"{stem}.{to}")
    return written


def run_compile(opts: CompileOptions, console: Console) -> int:
    comp = compile_reports(opts)
    written = write_outputs(comp, opts.out_dir, opts.render)
    print_compilation(console, comp)
    for name, path in written.items():
        console.print(f"  输出 {name}: {escape(str(path))}")
    if comp.bugs:
        return 2
    return 1 if any(s.status in ("error", "missing") for s in comp.statuses) else 0


def print_compilation(console: Console, comp: Compilation) -> None:
    table = Table(title=f"{comp.agency['name']} {comp.year} 年度报送情况", show_lines=False)
    for col in ("单位代码", "单位名称", "状态", "错误", "警告", "计入汇总"):
        table.add_column(col, no_wrap=True)
    table.add_column("说明", overflow="fold")
    shown = comp.statuses
    if len(shown) > _LIST_ALL_UP_TO:  # a province-sized roster: list only the units that need attention
        shown = [s for s in comp.statuses if s.status != "ok" or s.notes]
        table.caption = f"另有 {len(comp.statuses) - len(shown)} 个单位通过，完整名单见 summary.xlsx“报送情况”"
    for s in shown:
        style = _STYLE[s.status]
        table.add_row(s.entry.code, s.entry.name, f"[{style}]{s.label}[/{style}]", str(s.count("error")),
                      str(s.count("warning")), "是" if s.included else "否", escape("；".join(s.notes)))
    console.print(table)
    counts = comp.counts()
    total = len(comp.statuses)
    reported = total - counts["missing"]
    console.print(f"名单 {total} 个单位：已报送 {reported}（{reported * 100 // max(total, 1)}%），通过 {counts['ok']}，"
                  f"有警告 {counts['warning']}，有错误 {counts['error']}，未报送 {counts['missing']}；"
                  f"计入汇总 {len(comp.included)} 个。")
    for sub in comp.unknown:
        a = sub.result.agency or {}
        console.print(f"  [yellow]不在名单中[/yellow]：{escape(sub.original_name)}（{escape(a.get('code') or '')} "
                      f"{escape(a.get('name') or '')}），未计入汇总。")
    for sub in comp.unidentified:
        reason = sub.result.findings[0].message if sub.result.findings else ""
        console.print(f"  [magenta]无法识别[/magenta]：{escape(sub.original_name)} — {escape(reason)}")
    if comp.bugs:
        console.print("[bold white on red] 严重：各单位报告均通过校验，但汇总数不满足校验规则。这是 nianbao 的缺陷，"
                      "请勿发布，并将 summary.json 反馈给维护人员。 [/bold white on red]")
        for f in comp.bugs:
            console.print(f"  [red]{escape(f.rule)} {escape(f.message)}[/red]")
