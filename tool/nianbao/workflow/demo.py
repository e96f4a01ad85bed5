"""nianbao demo OUT_DIR: the whole county loop on the shipped 萝北县 samples, narrated in Chinese.

issue templates → collect last year's and this year's inbox into stores → check →
annotated copies → compile 2021 with 2020 as previous year → render reports → summary.
Writes only inside OUT_DIR, and only into a folder that is new, empty, or the output of an
earlier demo: that output carries a marker file (MARKER) listing every file the demo wrote,
and a new run deletes exactly those files, never anything else a user put there.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml
from rich.console import Console

from nianbao.paths import samples_dir
from nianbao.printable import markup

YEAR = 2021
COUNTY = {"name": "萝北县人民政府", "code": "230421", "narrative_from": "230421-01"}  # 县政府办公室 writes 一、五、六
# The county report's public contact (--contact): fictional, as samples/README.md says of every address and number.
CONTACT = {"office": "萝北县人民政府办公室", "address": "萝北县凤翔镇政通路1号", "postcode": "154200",
           "phone": "0468-0000100", "email": "gongkai@luobei.example"}
MARKER = ".nianbao-demo.json"  # in OUT_DIR: this folder is a demo's output, and which files the demo wrote


class DemoFolderError(Exception):
    """OUT_DIR holds files the demo did not write: refuse rather than delete them (Chinese message)."""


def _files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink()}


def prepare_folder(out: Path) -> None:
    """Make OUT_DIR ready: create it, or accept it empty, or clear a previous demo's own files.

    Deletes only the files a previous demo listed in its marker (and the folders they leave
    empty); raises DemoFolderError for anything else that is not empty.
    """
    if out.exists() and not out.is_dir():
        raise DemoFolderError(f"{out} 是一个文件，不是文件夹。请另指定一个输出文件夹，例如：nianbao demo 演示输出")
    if not out.exists():
        out.mkdir(parents=True)
        return
    marker = out / MARKER
    if not marker.exists():
        if any(out.iterdir()):
            raise DemoFolderError(
                f"输出文件夹 {out} 不是空的，也不是 nianbao 演示生成的（没有标记文件 {MARKER}）。"
                "为免删除您的文件，演示不使用这个文件夹，里面的文件一个也没有动。"
                "请指定一个新的或空的文件夹，例如：nianbao demo 演示输出")
        return
    try:
        listed = json.loads(marker.read_text(encoding="utf-8")).get("files", [])
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        raise DemoFolderError(f"{out} 中的标记文件 {MARKER} 已损坏，无法确定哪些文件是演示生成的，"
                              "因此不删除任何文件。请指定一个新的或空的文件夹。") from None
    root = out.resolve()
    folders: set[Path] = set()
    for name in listed if isinstance(listed, list) else []:
        path = out / str(name)
        if root not in path.resolve().parents or not (path.is_file() or path.is_symlink()):
            continue  # never outside OUT_DIR, never a folder the marker names
        path.unlink()
        folders.update(p for p in path.parents if root in p.resolve().parents)
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    marker.unlink()


def _write_marker(out: Path, before: set[str]) -> None:
    created = sorted(_files_under(out) - before - {MARKER})
    data = {"说明": "此文件夹由 nianbao demo 生成；再次运行演示时只删除下面列出的文件。",
            "files": created}
    (out / MARKER).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _step(console: Console, n: int, text: str) -> None:
    console.print(f"\n[bold cyan]第 {n} 步[/bold cyan] {text}")


def run_demo(out: Path, console: Console) -> int:
    samples = samples_dir()
    roster_path = samples / "roster-luobei.csv"
    inbox = samples / "inbox-2021"
    last_year = samples / "workbooks" / "2020"
    if not (roster_path.exists() and inbox.is_dir() and last_year.is_dir()):
        console.print(f"[red]找不到样例数据（{markup(str(samples))}）。请在代码仓库中运行，或重新安装 nianbao。[/red]")
        return 2
    try:
        prepare_folder(out)
    except DemoFolderError as exc:
        console.print(f"[red]{markup(str(exc))}[/red]")
        return 2
    before = _files_under(out)
    _write_marker(out, before)  # written first: an interrupted demo is still recognised as one
    try:
        return _run_steps(out, console, samples, roster_path, inbox, last_year)
    finally:
        _write_marker(out, before)


def _run_steps(out: Path, console: Console, samples: Path, roster_path: Path, inbox: Path, last_year: Path) -> int:
    from nianbao.check.annotate import annotate
    from nianbao.check.run import check_file
    from nianbao.check.terminal import print_result, print_total
    from nianbao.county.previous import load_previous
    from nianbao.county.roster import load_roster
    from nianbao.county.store import Store, collect
    from nianbao.format.spec import format_for_year
    from nianbao.render import Contact, render_document
    from nianbao.template.write import write_template

    from .compile import (
        CompileOptions,
        compile_reports,
        gather_county_text,
        print_compilation,
        print_county_text,
        write_outputs,
    )

    roster = load_roster(roster_path)
    fmt = format_for_year(YEAR)
    console.print(f"[bold]nianbao 演示：{COUNTY['name']} {YEAR} 年度政府信息公开工作年度报告的收集、校验与汇总[/bold]")
    console.print(f"名单：{markup(str(roster_path))}（{len(roster)} 个单位）；输出目录：{markup(str(out))}")

    _step(console, 1, f"为名单上的每个单位生成 {YEAR} 年度填报模板（{fmt.notice} 格式）")
    tpl_dir = out / "1-模板"
    tpl_dir.mkdir(exist_ok=True)
    for entry in roster:
        write_template(fmt, YEAR, {"name": entry.name, "code": entry.code, "level": entry.level or "county"},
                       tpl_dir / f"{entry.code}-{entry.name}-{YEAR}年报模板.xlsx")
    console.print(f"  已生成 {len(roster)} 份模板 → {markup(str(tpl_dir))}")

    _step(console, 2, "收件：把上一年度（2020）和本年度收到的文件原样存入收件库")
    store_prev, store_now = Store(out / "2-收件库" / "2020"), Store(out / "2-收件库" / "2021")
    collect(sorted(last_year.glob("*.xlsx")), store_prev)
    # The inbox manifest says in which order, and when, each file arrived (a newer file supersedes).
    manifest = yaml.safe_load((samples / "inbox-2021.yaml").read_text(encoding="utf-8"))
    inbox_files = [inbox / item["file"] for item in manifest["files"]]
    stored = 0
    for item, path in zip(manifest["files"], inbox_files, strict=True):
        when = dt.datetime.fromisoformat(item["received"]).replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
        stored += store_now.receive(path, check_file(path), actor="collect", received_at=when)[1]
    console.print(f"  2020 年度：{len(store_prev.receipts())} 份；2021 年度收件箱 {len(inbox_files)} 个文件，"
                  f"新收 {stored} 份（内容重复的只收一次）")
    console.print(f"  收件库 → {markup(str(out / '2-收件库'))}（每个文件按 SHA-256 保存，收件记录见 receipts.jsonl）")

    _step(console, 3, "校验本年度收件箱中的每个文件（与各单位 2020 年度报告做跨年度核对，与汇总时相同）")
    last = load_previous(store_prev.root, YEAR - 1, roster=roster)
    results = [_check_against(p, last) for p in inbox_files]
    for result in results:
        print_result(console, result, show_info=False)
    print_total(console, results)

    _step(console, 4, "为有问题的文件生成带批注的副本，发给单位改正或说明")
    ann_dir = out / "3-批注退回"
    ann_dir.mkdir(exist_ok=True)
    annotated = [annotate(Path(r.file), r, ann_dir) for r in results
                 if r.status in ("error", "warning") and r.document is not None]
    for path in annotated:
        console.print(f"  {markup(str(path))}")

    sum_dir = out / "4-汇总"
    options = CompileOptions(fmt=fmt, year=YEAR, roster=roster, out_dir=sum_dir,
                             store=store_now.root, previous=store_prev.root,
                             name=COUNTY["name"], code=COUNTY["code"], narrative_from=COUNTY["narrative_from"],
                             contact=Contact(**CONTACT))
    _step(console, 5, "审核：退回要改的报告；核实单位的说明后，附理由接收（命令行：nianbao review）")
    _review(console, compile_reports(options), store_now)

    _step(console, 6, f"汇总 {YEAR} 年度（以 2020 年度为上年，做跨年度核对）")
    comp = compile_reports(options)
    text, notes = gather_county_text(comp, options)
    written = write_outputs(comp, sum_dir, text=text, contact=options.contact)
    print_compilation(console, comp)
    print_county_text(console, comp, text, notes)
    if text.contradictions and "suggestion" in written:
        # The office's own report states the office's figures; the county's text must state the county's.
        console.print(f"  演示：县政府办公室核对“{markup(written['suggestion'].name)}”后，用 --narrative 重新汇总：")
        options.narrative = written["suggestion"]
        text, notes = gather_county_text(comp, options)
        written = write_outputs(comp, sum_dir, text=text, contact=options.contact)
        print_county_text(console, comp, text, notes)

    _step(console, 7, "生成可公开的年度报告")
    rep_dir = out / "5-年度报告"
    rep_dir.mkdir(exist_ok=True)
    # One department's report: 萝北县工业信息科技局 2020, the real published report in the samples.
    real = check_file(next(last_year.glob("230421-13-*.xlsx")))
    rendered = []
    if real.document is not None:
        name = real.document["agency"]["name"]
        for to in ("docx", "html"):
            rendered.append(render_document(real.document, format_for_year(real.year), to,
                                            rep_dir / f"{name}{real.year}年政府信息公开工作年度报告.{to}"))
    for path in rendered + [written["docx"], written["html"]]:
        console.print(f"  {markup(str(path))}")

    counts = comp.counts()
    console.print("\n[bold]小结[/bold]")
    console.print(f"  名单 {len(comp.statuses)} 个单位：已报送 {len(comp.statuses) - counts['missing']}，"
                  f"通过 {counts['ok']}，有警告 {counts['warning']}，有错误 {counts['error']}，"
                  f"未报送 {counts['missing']}。")
    console.print(f"  汇总表与报送情况：{markup(str(written['summary.xlsx']))}")
    console.print(f"  汇总数据：{markup(str(written['summary.json']))}")
    console.print(f"  带批注的副本：{markup(str(ann_dir))}（{len(annotated)} 份）；需催报 {len(comp.due)} 个单位"
                  f"（nianbao remind）")
    console.print(f"  年度报告：{markup(str(rep_dir))}，全县汇总报告在 {markup(str(sum_dir))}")
    return 0


def _check_against(path: Path, last):
    """A file's check as compile judges it (county/state.py rule 1): with the cross-year rules against
    its agency's report of last year, so a department sees last year's figure when it sends the file."""
    from nianbao.check.run import check_file
    from nianbao.county.state import cross_year
    from nianbao.format.figures import Figures

    result = check_file(path, expect_year=YEAR)
    if result.document is not None and result.year == YEAR:  # last year's template: its year is the finding
        agency = result.agency or {}
        for found in cross_year(Figures.of(result.document), last, agency.get("code"), agency.get("name")):
            if found.severity != "info":  # Y-1 and the like: compile's, not the clerk's
                result.add(found)
    return result


# The office's review in the demo (the units' own words are made up, like the samples). Table errors
# are returned to be corrected: counted, they would break the county tables, and the county report
# could not be published. A cross-year difference the department explains — last year's report was
# wrong and has been corrected — is accepted with the office's reason.
_RETURNS = (
    ("230421-03", "表二“行政规范性文件 / 现行有效件数”填了汉字“十二”，请改为阿拉伯数字 12 后重新报送。"),
    ("230421-09", "表三“本年新收 / 自然人”填为 18 件，正文写的是 16 件，“自然人”“总计”两列一+二=三+四 都相差 2 件。"
                  "请核对改正后重新报送。"),
)
_EXPLAIN = ("230421-12", "T3-4", "去年年报结转数有误，已于 2 月更正：2020 年 12 月 30 日收到的 1 件申请 "
                                 "2021 年 1 月 8 日才答复，2020 年度报告误计为当年办结，结转下年度应为 1 件。")
_ACCEPT = ("230421-12", "已核对市场监管局 2021 年 2 月更正后重新发布的 2020 年度报告，结转下年度为 1 件，"
                        "与本年上年结转一致，予以接收。")


def _review(console: Console, comp, store) -> None:
    """Return the reports with table errors; record a department's explanation of a cross-year
    finding and accept that report with the office's reason."""
    from nianbao.county import review

    states = {s.entry.code: s for s in comp.statuses}
    for code, note in _RETURNS:
        st = states[code]
        review.return_(store, st, note, "demo:县政府办公室")
        console.print(f"  退回 {st.entry.name}：{note}")
    st = states[_EXPLAIN[0]]
    explained = [f for f in st.findings if f.rule == _EXPLAIN[1]]
    for found in explained:  # one explanation per finding: the 自然人 column and the 总计
        review.explain(store, st, found, _EXPLAIN[2], f"demo:{st.entry.name}")
    console.print(f"  {st.entry.name}说明 {len(explained)} 处 {_EXPLAIN[1]}（本年“上年结转”与 2020 年度报告的"
                  f"“结转下年度”不一致）：{_EXPLAIN[2]}")
    review.accept(store, st, _ACCEPT[1], "demo:县政府办公室")
    console.print(f"  附说明接收 {st.entry.name}（{st.count('error')} 处错误）：{_ACCEPT[1]}")
    console.print(f"  审核记录 → {markup(str(store.root / 'events.jsonl'))}")
