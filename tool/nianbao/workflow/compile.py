"""Run a compilation end to end: gather, check, consolidate, write OUT_DIR, tell the clerk.

The county report takes its title and signature from the name given (--name), its narrative
(sections 一、五、六) from the office's sources (see narrative.py) and its date from --date
(default: today); sections 二–四 open with the figures in words drafted from the county tables.
Whatever is missing makes it a draft, marked 草稿（内容待补充） on every page, and the clerk is
told what to add. A sentence of the narrative that the county tables contradict makes it a draft
too (草稿（正文与表格不一致）): the clerk is told which sentence states which figure, and gets
a suggested narrative file with the drafted sentences in their place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from nianbao.check.terminal import code_tag
from nianbao.county.consolidate import (
    Compilation,
    check_for_compile,
    consolidate,
    gather_paths,
    gather_store,
    percent,
)
from nianbao.county.events import read_events
from nianbao.county.previous import load_previous
from nianbao.county.roster import RosterEntry
from nianbao.county.summary import write_summary_json
from nianbao.format.spec import Format
from nianbao.paths import atomic_output
from nianbao.printable import markup
from nianbao.render.contact import Contact
from nianbao.render.report_text import INCOMPLETE_MARK, INCOMPLETE_NOTE, with_missing_marked

from .narrative import CountyText, county_text, suggested_text

_STYLE = {"missing": "magenta", "error": "red", "warning": "yellow", "ok": "green"}
_LIST_ALL_UP_TO = 60
OUTPUT_NAMES = {  # what write_outputs writes, as the clerk reads it
    "summary.json": "汇总数据（供下一年度核对和其他系统使用）",
    "summary.xlsx": "汇总表（报送情况、全县汇总、分部门明细、问题清单）",
    "docx": "全县年度报告（Word）",
    "html": "全县年度报告（网页）",
    "md": "全县年度报告（纯文本 Markdown）",
    "summary.json.hmac": "汇总数据的签名（下一年度用同一密钥核对）",
    "summary.xlsx.hmac": "汇总表的签名（下一年度用同一密钥核对）",
    "suggestion": "文字说明建议稿（正文与汇总表不一致的句子已换成按表格生成的表述，核对后用 --narrative 重新汇总）",
}
SUGGESTION_NAME = "文字说明（建议稿）.md"


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
    narrative: Path | None = None  # the office's narrative file (.docx/.md/.txt with 一、五、六)
    narrative_from: str | None = None  # roster code whose filed report gives the narrative
    date: str | None = None  # the signature date; default today
    contact: Contact | None = None  # the public contact line of the report's opening (--contact)


def compile_reports(opts: CompileOptions, check=check_for_compile) -> Compilation:
    """The compilation of a store (with its arrivals and the office's decisions, events.jsonl) or of files."""
    # Last year's figures a template carries stand in for --previous only where compile has none.
    check_options = {"expect_year": opts.year, "expect_format": opts.fmt.id, "secret": opts.secret,
                     "carried": opts.previous is None}
    events = []
    if opts.store is not None:
        submissions = gather_store(opts.store, check_options, check=check, jobs=opts.jobs)
        events = read_events(opts.store)[0]
    else:
        submissions = gather_paths(opts.paths, check_options, check=check, jobs=opts.jobs)
    prev = load_previous(opts.previous, opts.year - 1, opts.secret, roster=opts.roster) if opts.previous else None
    agency = {"name": opts.name or UNNAMED, "code": opts.code or "SUMMARY", "level": opts.level}
    return consolidate(opts.fmt, opts.year, opts.roster, submissions, agency=agency, previous=prev, events=events,
                       include_errors=opts.include_errors)


NO_CONTACT = ("汇总年报开头没有写联系方式。公开的年报通常写明公众咨询的地址、邮编、电话和电子邮箱，可用 "
              "--contact 地址=… --contact 邮编=… --contact 电话=… --contact 邮箱=… 补充（不写也可发布）。")
UNNAMED = "（汇总单位）"  # stands in for a missing --name; such a report is always a draft


def apply_county_text(comp: Compilation, text: CountyText) -> None:
    """The county report document says the office's own words and date, never a placeholder."""
    comp.county["sections"] = {s.key: text.sections.get(s.key, "") for s in comp.fmt.text_sections()}
    comp.county["date"] = text.date


def write_outputs(comp: Compilation, out_dir: Path, render: bool = True,
                  text: CountyText | None = None, contact: Contact | None = None) -> dict[str, Path]:
    """summary.json, summary.xlsx and (render) the county report; text: its narrative (none: a draft);
    contact: the public contact its opening paragraph closes with (none: no contact line).

    Every output is written to a temporary file first: a failure (disk full, no permission)
    raises OSError naming the file and never leaves a partial summary.xlsx or report behind."""
    if text is None:
        text, _ = county_text(comp, named=comp.agency["name"] != UNNAMED)
    apply_county_text(comp, text)
    from nianbao.check.narrative import check_narrative

    text.contradictions = check_narrative(comp.fmt, comp.county)
    from nianbao.render.summary_xlsx import write_summary_xlsx

    out_dir.mkdir(parents=True, exist_ok=True)
    writers = {"summary.json": (write_summary_json, out_dir / "summary.json"),
               "summary.xlsx": (write_summary_xlsx, out_dir / "summary.xlsx")}
    if render:
        from nianbao.render import render_document

        stem = f"{comp.agency['name']}{comp.year}年政府信息公开工作年度报告"
        options = {"contact": contact} if text.complete else {
            "contact": contact, "draft": True, "draft_mark": INCOMPLETE_MARK,
            "draft_note": INCOMPLETE_NOTE.format(missing="；".join(text.missing))}
        doc = comp.county if text.complete else with_missing_marked(comp.county, comp.fmt)
        for to in ("docx", "html", "md"):
            writers[to] = (lambda c, p, to=to: render_document(doc, c.fmt, to, p, **options), out_dir / f"{stem}.{to}")
    suggestion = suggested_text(comp.fmt, comp.county["tables"], text.sections) if text.contradictions else None
    if render and suggestion:
        writers["suggestion"] = (lambda c, p: p.write_text(suggestion, encoding="utf-8"), out_dir / SUGGESTION_NAME)
    written = {}
    for name, (write, path) in writers.items():
        with atomic_output(path) as tmp:
            write(comp, tmp)
        written[name] = path
    return written


def gather_county_text(comp: Compilation, opts: CompileOptions) -> tuple[CountyText, list[str]]:
    return county_text(comp, narrative=opts.narrative, narrative_from=opts.narrative_from, date=opts.date,
                       named=bool(opts.name))


def run_compile(opts: CompileOptions, console: Console) -> int:
    comp = compile_reports(opts)
    text, notes = gather_county_text(comp, opts)
    written = write_outputs(comp, opts.out_dir, opts.render, text, opts.contact)
    if opts.secret:  # next year's --previous verifies the summaries with the same secret
        from nianbao.county.previous import sign_summary

        for name in ("summary.json", "summary.xlsx"):
            written[f"{name}.hmac"] = sign_summary(written[name], opts.secret)
    print_compilation(console, comp)
    console.print("已生成：", highlight=False)
    for name, path in written.items():
        console.print(f"  {OUTPUT_NAMES.get(name, name)}：{markup(str(path))}", highlight=False)
    if opts.render:
        print_county_text(console, comp, text, notes)
        if opts.contact is None:
            console.print(f"  [yellow]注意[/yellow]：{markup(NO_CONTACT)}")
    if comp.bugs:
        return 2
    return 1 if comp.due else 0  # work remains: a unit to remind (state.py rule 8)


def print_compilation(console: Console, comp: Compilation) -> None:
    table = Table(title=f"{markup(comp.agency['name'])} {comp.year} 年度报送情况", show_lines=False)
    for col in ("单位代码", "单位名称", "状态", "审核", "错误", "警告", "计入汇总"):
        table.add_column(col, no_wrap=True)
    table.add_column("说明", overflow="fold")
    shown = comp.statuses
    if len(shown) > _LIST_ALL_UP_TO:  # a province-sized roster: list only the units that need attention
        shown = [s for s in comp.statuses if s.status != "ok" or s.notes or s.review not in ("pending", "accepted")]
        table.caption = f"另有 {len(comp.statuses) - len(shown)} 个单位通过，完整名单见 summary.xlsx“报送情况”"
    for s in shown:
        style = _STYLE[s.status]
        table.add_row(markup(s.entry.code), markup(s.entry.name), f"[{style}]{s.label}[/{style}]",
                      markup(s.review_label), str(s.count("error")), str(s.count("warning")),
                      "是" if s.included else "否", markup("；".join(s.notes)))
    console.print(table)
    counts = comp.counts()
    total = len(comp.statuses)
    reported = total - counts["missing"]
    console.print(f"名单 {total} 个单位：已报送 {reported}（{percent(reported, total)}），通过 {counts['ok']}，"
                  f"有警告 {counts['warning']}，有错误 {counts['error']}，未报送 {counts['missing']}；"
                  f"计入汇总 {len(comp.included)} 个" + _reviews_line(comp) + "。")
    for sub in comp.unknown:
        a = sub.result.agency or {}
        console.print(f"  [yellow]不在名单中[/yellow]：{markup(sub.original_name)}（{markup(a.get('code') or '')} "
                      f"{markup(a.get('name') or '')}），未计入汇总。")
    for sub in comp.rejected:
        a = sub.result.agency or {}
        console.print(f"  [red]签名核对不通过[/red]：{markup(sub.original_name)}（自称 {markup(a.get('code') or '')} "
                      f"{markup(a.get('name') or '')}，收到于 {markup(sub.received_at)}），疑似冒用，未采用。")
    for sub in comp.unidentified:
        reason = sub.result.findings[0].message if sub.result.findings else ""
        console.print(f"  [magenta]无法识别[/magenta]：{markup(sub.original_name)} — {markup(reason)}")
    bug_rules = {b.rule for b in comp.bugs}
    county_errors = [f for f in comp.county_findings if f.severity == "error" and f.rule not in bug_rules]
    with_errors = [s.entry.name for s in comp.included if s.status == "error"]
    if county_errors and with_errors:  # accepted with a reason (or --include-errors): their errors are in the sum
        console.print(f"  [yellow]注意[/yellow]：全县汇总表不满足 {len(county_errors)} 项校验规则"
                      f"（{markup('、'.join(dict.fromkeys(f.rule for f in county_errors)))}），因为计入了有错误的报告："
                      f"{markup('、'.join(with_errors))}。发布前请核实，详见 summary.xlsx“问题清单”。")
    if comp.bugs:
        console.print("[bold white on red] 严重：各单位报告均通过校验，但汇总数不满足校验规则。这是 nianbao 的缺陷，"
                      "请勿发布，并将 summary.json 反馈给维护人员。 [/bold white on red]")
        for f in comp.bugs:
            console.print(f"  [red]{markup(f.message)}[/red] [dim]{markup(code_tag(f))}[/dim]")


def _reviews_line(comp: Compilation) -> str:
    """（其中有错误、经审核附说明接收 1 个；已退回 2 个；仍需催报 3 个）"""
    accepted = sum(s.review == "accepted_errors" for s in comp.statuses)
    returned = sum(s.review == "returned" for s in comp.statuses)
    parts = [f"有错误、经审核附说明接收 {accepted} 个" if accepted else "", f"已退回 {returned} 个" if returned else "",
             f"仍需催报 {len(comp.due)} 个" if comp.due else ""]
    parts = [p for p in parts if p]
    return f"（{'；'.join(parts)}）" if parts else ""


def print_contradictions(console: Console, comp: Compilation, text: CountyText) -> None:
    """Which sentences of the county text state figures the county tables contradict, and the fix."""
    from nianbao.render.report_text import CONTRADICTION_MARK

    console.print(f"[bold yellow]汇总年报是草稿，每页标注“{CONTRADICTION_MARK}”，不得发布：正文有 "
                  f"{len(text.contradictions)} 处所述数字与汇总表不一致。[/bold yellow]")
    keys = {s.heading: s.key for s in comp.fmt.sections}
    for f in text.contradictions:
        source = text.sources.get(keys.get(f.row_label or "", ""))
        origin = f"（这段文字取自{source}）" if source else ""
        console.print(f"  [yellow]⚠[/yellow] {markup(f.message + origin)} [dim]{markup(code_tag(f))}[/dim]")
    console.print(f"  修改办法：在文字说明文件中改正这些句子（或直接采用输出目录中的“{SUGGESTION_NAME}”，"
                  "其中这些句子已换成按汇总表生成的表述），再用 --narrative 该文件重新汇总。")


def print_county_text(console: Console, comp: Compilation, text: CountyText, notes: list[str]) -> None:
    """Where the county report's words came from, or what is missing and how to add it."""
    for note in notes:
        console.print(f"  [yellow]注意[/yellow]：{markup(note)}")
    used = {}
    for key, where in text.sources.items():
        used.setdefault(where, []).append(next(s.number for s in comp.fmt.sections if s.key == key))
    for where, numbers in used.items():
        console.print(f"  汇总年报第{'、'.join(numbers)}部分的文字取自{markup(where)}。")
    if text.publishable:
        console.print(f"  汇总年报可以发布（落款：{markup(comp.agency['name'])}，{markup(text.date)}）。")
        return
    if text.contradictions:
        print_contradictions(console, comp, text)
    if text.complete:
        return
    console.print(f"[bold yellow]汇总年报是草稿，每页标注“{INCOMPLETE_MARK}”，不得发布。[/bold yellow]"
                  f"缺少：{markup('；'.join(text.missing))}。")
    hint = "补充办法：--narrative 文字说明文件（.docx/.md/.txt，含“一、”“五、”“六、”三部分）"
    office = next((s.entry for s in comp.statuses if "政府办公室" in s.entry.name), None)
    hint += "，或 --narrative-from 单位代码（采用该单位报送年报中的文字" + (
        f"，如 --narrative-from {office.code}（{office.name}）" if office else "，如县政府办公室") + "）"
    if any(m.startswith("汇总单位名称") for m in text.missing):
        hint += "；--name 汇总单位名称（如 萝北县人民政府）"
    console.print(f"  {markup(hint)}；--date 落款日期（默认今天）。")
