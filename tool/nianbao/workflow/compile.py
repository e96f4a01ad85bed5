"""Run a compilation end to end: gather, check, consolidate, write OUT_DIR, tell the clerk.

The county report takes its title and signature from the name given (--name), its narrative
(sections 一、五、六) from the office's sources (see narrative.py) and its date from --date
(default: today); sections 二–四 open with the figures in words drafted from the county tables.

Whether the county report is publishable is decided in one place (render/report_text.draft_reason):
never while nianbao's own audit of that report alone would flag it. County tables that break a
rule — reports with errors were counted, accepted with a reason or by --include-errors — make it
a draft marked 草稿（汇总表未通过校验）, and the clerk is told which counted reports cause it and
what to do (return them, or have them corrected). Whatever is missing makes it a draft, marked
草稿（内容待补充）, and the clerk is told what to add. A sentence of the narrative that the county
tables contradict makes it a draft too (草稿（正文与表格不一致）): the clerk is told which sentence
states which figure, and gets a suggested narrative file with the drafted sentences in their place.
Cross-year findings of the county (its 上年结转 against last year's summary) need last year's data,
which an audit of the report alone never sees: they are shown, with the counted reports behind
them, their explanations and the office's reasons, but they do not block publication — the office
accepted those reports knowingly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from nianbao.check.terminal import code_tag
from nianbao.county.consolidate import (
    AgencyState,
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
from nianbao.county.state import cross_year_ids
from nianbao.county.summary import write_summary_json
from nianbao.findings import Finding
from nianbao.format.spec import Format
from nianbao.paths import atomic_output
from nianbao.printable import markup
from nianbao.render.contact import Contact
from nianbao.render.report_text import Draft, DraftReason, draft_reason

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
    judge_county_report(comp, text)
    from nianbao.render.summary_xlsx import write_summary_xlsx

    out_dir.mkdir(parents=True, exist_ok=True)
    writers = {"summary.json": (write_summary_json, out_dir / "summary.json"),
               "summary.xlsx": (write_summary_xlsx, out_dir / "summary.xlsx")}
    if render:
        from nianbao.render import render_document

        stem = f"{comp.agency['name']}{comp.year}年政府信息公开工作年度报告"
        options = {"contact": contact}
        if text.draft is not None:  # the verdict just taken, drawn on every page as it is
            options.update(draft=True, draft_mark=text.draft.mark, draft_note=text.draft.note)
        for to in ("docx", "html", "md"):
            writers[to] = (lambda c, p, to=to: render_document(c.county, c.fmt, to, p, **options),
                           out_dir / f"{stem}.{to}")
    suggestion = suggested_text(comp.fmt, comp.county["tables"], text.sections) if text.contradictions else None
    if render and suggestion:
        writers["suggestion"] = (lambda c, p: p.write_text(suggestion, encoding="utf-8"), out_dir / SUGGESTION_NAME)
    written = {}
    for name, (write, path) in writers.items():
        with atomic_output(path) as tmp:
            write(comp, tmp)
        written[name] = path
    return written


def judge_county_report(comp: Compilation, text: CountyText) -> Draft | None:
    """Whether the county report with these words may be published (report_text.draft_reason, the one
    place that decides it), kept on `text`; the counted reports with errors are named as the cause."""
    cross = cross_year_ids(comp.fmt)
    in_year = [f for f in comp.county_findings if f.severity == "error" and f.rule not in cross]
    text.draft = draft_reason(comp.county, comp.fmt, missing=text.missing,
                              causes=[_counted_label(s) for s in counted_with_errors(comp, in_year)])
    text.judged = True
    said = text.draft.of("contradictions") if text.draft else None
    text.contradictions = list(said.findings) if said else []
    return text.draft


def counted_with_errors(comp: Compilation, findings: list[Finding] | None = None) -> list[AgencyState]:
    """The counted reports with errors behind these county findings (default: all counted with errors)."""
    if findings is None:
        return [s for s in comp.included if s.status == "error"]
    out: list[AgencyState] = []
    for f in findings:
        out += [s for s, _ in comp.causes(f) if s.status == "error" and s not in out]
    return out or counted_with_errors(comp)


def _counted_label(s: AgencyState) -> str:
    """萝北县住房和城乡建设局，附说明接收 — as the draft's note on every page names it."""
    return f"{s.entry.name}，{'附说明接收' if s.review == 'accepted_errors' else '按 --include-errors 计入'}"


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
    _print_county_findings(console, comp)
    if comp.bugs:
        console.print("[bold white on red] 严重：各单位报告均通过校验，但汇总数不满足校验规则。这是 nianbao 的缺陷，"
                      "请勿发布，并将 summary.json 反馈给维护人员。 [/bold white on red]")
        for f in comp.bugs:
            console.print(f"  [red]{markup(f.message)}[/red] [dim]{markup(code_tag(f))}[/dim]")


def _print_county_findings(console: Console, comp: Compilation) -> None:
    """The county tables' own errors (reports with errors were counted) and its cross-year findings,
    each with the counted reports behind it, their explanations and the office's reasons."""
    if comp.bugs:
        return  # every part passed: a defect of nianbao, said below
    cross = cross_year_ids(comp.fmt)
    in_year = [f for f in comp.county_findings if f.severity == "error" and f.rule not in cross]
    if in_year:
        names = "、".join(s.entry.name for s in counted_with_errors(comp, in_year))
        console.print(f"  [yellow]注意[/yellow]：全县汇总表有 {len(in_year)} 处不满足校验规则"
                      f"（{markup('、'.join(dict.fromkeys(f.rule for f in in_year)))}），因为计入了有错误的报告："
                      f"{markup(names)}。这样的汇总年报不能发布（见下），详见 summary.xlsx“问题清单”。")
    groups: dict[tuple, list[Finding]] = {}  # one line per rule and the counted reports behind it
    for f in comp.county_findings:
        if f.rule in cross and f.severity in ("error", "warning"):
            behind = tuple(s.entry.code for s, _ in comp.causes(f))
            groups.setdefault((f.rule, behind), []).append(f)
    for found in groups.values():
        first = found[0]
        places = "、".join(dict.fromkeys(f.cell or "" for f in found if f.cell))
        where = f"（「{first.sheet}」{places}）" if first.sheet and places else ""
        console.print(f"  [yellow]注意[/yellow]（跨年度）：全县汇总表与上一年度汇总有 {len(found)} 处不衔接"
                      f"{markup(where)}，如{markup(first.message)} [dim]{markup(code_tag(first))}[/dim]")
        causes = "；".join(_cause_text(s, own) for s, own in comp.causes(first))
        if causes:
            console.print(f"    来自计入汇总的报告：{markup(causes)}。")
        console.print("    跨年度核对要用上一年度的数据，不是本年度报告自身的问题，不影响汇总年报发布；"
                      "已列入 summary.xlsx“问题清单”。")


def _cause_text(s: AgencyState, f: Finding) -> str:
    """萝北县市场监督管理局（已接收（附说明）；单位说明：…；接收理由：…）"""
    parts = [s.review_label or s.label]
    said = s.explanation(f)
    if said:
        parts.append(f"单位说明：{said.note.rstrip('。')}")
    if s.decision is not None and s.decision.note:
        parts.append(f"{'接收理由' if s.review.startswith('accepted') else '审核意见'}：{s.decision.note.rstrip('。')}")
    return f"{s.entry.name}（{'；'.join(parts)}）"


def _reviews_line(comp: Compilation) -> str:
    """（其中有错误、经审核附说明接收 1 个；已退回 2 个；仍需催报 3 个）"""
    accepted = sum(s.review == "accepted_errors" for s in comp.statuses)
    returned = sum(s.review == "returned" for s in comp.statuses)
    parts = [f"有错误、经审核附说明接收 {accepted} 个" if accepted else "", f"已退回 {returned} 个" if returned else "",
             f"仍需催报 {len(comp.due)} 个" if comp.due else ""]
    parts = [p for p in parts if p]
    return f"（{'；'.join(parts)}）" if parts else ""


def print_county_text(console: Console, comp: Compilation, text: CountyText, notes: list[str]) -> None:
    """Where the county report's words came from; whether it is publishable, and if not every reason
    (the first one is the mark on its pages) with what to do."""
    for note in notes:
        console.print(f"  [yellow]注意[/yellow]：{markup(note)}")
    used = {}
    for key, where in text.sources.items():
        used.setdefault(where, []).append(next(s.number for s in comp.fmt.sections if s.key == key))
    for where, numbers in used.items():
        console.print(f"  汇总年报第{'、'.join(numbers)}部分的文字取自{markup(where)}。")
    if text.publishable:
        console.print(f"  汇总年报可以发布（落款：{markup(comp.agency['name'])}，{markup(text.date)}）。")
        cross = cross_year_ids(comp.fmt)
        warned = [f for f in comp.county_findings if f.severity == "warning" and f.rule not in cross
                  and f.rule != "C4"]
        if warned:  # a warning is for the office to confirm, as `render` asks; it does not block
            console.print(f"  [yellow]注意[/yellow]：全县汇总表有 {len(warned)} 个警告"
                          f"（{markup('、'.join(dict.fromkeys(f.rule for f in warned)))}），发布前请确认，"
                          "详见 summary.xlsx“问题清单”。")
        return
    if text.draft is None:
        return  # not judged: write_outputs judges the report it writes
    console.print(f"[bold yellow]汇总年报是草稿，每页标注“{markup(text.draft.mark)}”，不得发布。[/bold yellow]")
    for reason in text.draft.reasons:
        _REASON_PRINTERS[reason.kind](console, comp, text, reason)


def _print_errors(console: Console, comp: Compilation, text: CountyText, reason: DraftReason) -> None:
    """The county tables break a rule: which counted reports carry the errors, and how to get them out."""
    by_rule: dict[str, list[str]] = {}
    for f in reason.findings:
        by_rule.setdefault(f.rule, []).append(f.where)
    places = "；".join(f"{rule}：{'、'.join(_short_places(where))}" if any(where) else rule
                      for rule, where in by_rule.items())
    console.print(f"  [red]✗[/red] 全县汇总表有 {len(reason.findings)} 处不满足校验规则（{markup(places)}）。")
    behind = counted_with_errors(comp, list(reason.findings))
    accepted = [s for s in behind if s.review == "accepted_errors"]
    forced = [s for s in behind if s.review != "accepted_errors"]
    causes = "；".join(_cause_text(s, _own(s, reason)) for s in behind)
    console.print(f"    原因：计入了有错误的报告：{markup(causes)}。"
                  "这些错误随之进入全县合计，附说明接收不能使合计成立。")
    if accepted:
        example = f"nianbao review return {accepted[0].entry.code} --note 修改意见"
        console.print(f"    修改办法：退回这些报告（如 {markup(example)}），单位改正后重新报送，再重新汇总；"
                      "或请单位改正后直接重新报送（新文件待审核，原接收不再适用）。")
    if forced:
        console.print(f"    {markup('、'.join(s.entry.name for s in forced))} 是按 --include-errors 计入的："
                      "去掉该选项重新汇总即不计入；或请单位改正后重新报送。")


def _short_places(where: list[str]) -> list[str]:
    """「表三 依申请公开」D6, 「表三 依申请公开」J6 -> 「表三 依申请公开」D6, J6: each sheet named once."""
    out, sheet = [], None
    for place in dict.fromkeys(w for w in where if w):
        name, _, cell = place.rpartition("」")
        out.append(cell if name and name == sheet else place)
        sheet = name or sheet
    return out


def _own(s: AgencyState, reason: DraftReason) -> Finding:
    """The agency's own finding behind a county error (for its explanation)."""
    mine = (g for g in s.findings if any(g.rule == f.rule and g.key == f.key for f in reason.findings))
    return next(mine, None) or next(g for g in s.findings if g.severity == "error")


def _print_contradictions(console: Console, comp: Compilation, text: CountyText, reason: DraftReason) -> None:
    """Which sentences of the county text state figures the county tables contradict, and the fix."""
    console.print(f"  正文有 {len(reason.findings)} 处所述数字与汇总表不一致：")
    keys = {s.heading: s.key for s in comp.fmt.sections}
    for f in reason.findings:
        source = text.sources.get(keys.get(f.row_label or "", ""))
        origin = f"（这段文字取自{source}）" if source else ""
        console.print(f"  [yellow]⚠[/yellow] {markup(f.message + origin)} [dim]{markup(code_tag(f))}[/dim]")
    console.print(f"  修改办法：在文字说明文件中改正这些句子（或直接采用输出目录中的“{SUGGESTION_NAME}”，"
                  "其中这些句子已换成按汇总表生成的表述），再用 --narrative 该文件重新汇总。")


def _print_incomplete(console: Console, comp: Compilation, text: CountyText, reason: DraftReason) -> None:
    """What the county report still lacks, and the options that add it."""
    lacking = text.missing or [reason.text]
    console.print(f"  缺少：{markup('；'.join(lacking))}。")
    hint = "补充办法：--narrative 文字说明文件（.docx/.md/.txt，含“一、”“五、”“六、”三部分）"
    office = next((s.entry for s in comp.statuses if "政府办公室" in s.entry.name), None)
    hint += "，或 --narrative-from 单位代码（采用该单位报送年报中的文字" + (
        f"，如 --narrative-from {office.code}（{office.name}）" if office else "，如县政府办公室") + "）"
    if any(m.startswith("汇总单位名称") for m in text.missing):
        hint += "；--name 汇总单位名称（如 萝北县人民政府）"
    console.print(f"  {markup(hint)}；--date 落款日期（默认今天）。")


_REASON_PRINTERS = {"errors": _print_errors, "contradictions": _print_contradictions, "incomplete": _print_incomplete}
