"""nianbao import FILE… -o DIR: published reports (PDF, web page, Word, text) → report documents (.json)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from nianbao.printable import json_text, printable

from . import UsageError


def register(sub) -> None:
    p = sub.add_parser(
        "import", help="读取已公开的年报（PDF/网页/Word/文本）/ read published reports",
        description="读取已公开的政府信息公开工作年度报告（有文字层的 PDF、网页 .html、Word .docx、文本 .txt），"
        "每个文件写出一份报告数据（.json）。数字按印出的原样读取（含合计），不重新计算；空白、无法读取"
        "和由本行合计拆分出的单元格都会注明，并记录每个数字在原文中的位置。"
        " 退出码：0 全部读取且无错误；1 有错误；2 有文件无法读取或参数错误。")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE",
                   help="已公开的年报文件或文件夹 / published reports")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="输出文件夹 / output folder")
    p.add_argument("--debug", action="store_true",
                   help="显示每一步的中间结果（行、各部分位置、行的对应）/ show each stage")
    p.add_argument("--json", action="store_true", help="以 JSON 输出结果摘要 / print a JSON summary")
    p.add_argument("-j", "--jobs", type=int, default=1, metavar="N", help="并行进程数 / parallel processes")
    p.add_argument("--previous", action="append", type=Path, default=[], metavar="PATH",
                   help="上一年度的年报（已公开的文件、导入得到的 .json，或其文件夹；可重复）：用于拆分连写的数字"
                        "（本年“上年结转”应等于上年“结转下年度”）/ last year's reports, to split run-together digits")
    p.set_defaults(run=run)


def run(args) -> int:
    from nianbao.published.audit import published_files

    files = published_files(args.files)
    if not files:
        raise UsageError("没有找到要读取的文件（.pdf .html .docx .txt）/ no files to import")
    if args.output.exists() and not args.output.is_dir():
        raise UsageError(f"输出位置 {args.output} 已存在且不是文件夹")
    args.output.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    summary = []
    status = 0
    from nianbao.format.spec import all_formats
    from nianbao.parallel import run_parallel

    jobs = 1 if args.debug else args.jobs  # --debug prints every stage: one process keeps them
    results = run_parallel(_import_one, files, {"keep_stages": args.debug}, jobs=jobs, label="读取",
                           prepare=all_formats)
    if args.previous:
        results = _again_with_previous(files, results, _previous_documents(args.previous), args.debug)
    for path, imported in zip(files, results, strict=True):
        if isinstance(imported, str):
            print(f"✗ {printable(path)}：{printable(imported)}", file=sys.stderr)
            summary.append({"file": str(path), "error": imported})
            status = 2
            continue
        doc = imported.document
        name = _unique(path.stem, used)
        out = args.output / f"{name}.json"
        out.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        states = list(doc.get("cell_states", {}).values())
        counts = {s: sum(v.get("state") == s for v in states) for s in ("blank", "unreadable", "reconstructed")}
        errors = sum(f.severity == "error" for f in imported.findings)
        if errors and status == 0:
            status = 1
        summary.append({"file": str(path), "output": str(out), "format": doc["format"], "year": doc["year"],
                        "agency": doc["agency"]["name"], "numbers": len(doc["tables"]), **counts,
                        "findings": [f.to_dict() for f in imported.findings]})
        if not args.json:
            print(f"✓ {printable(path)} → {printable(out)}：{printable(doc['agency']['name'])} {doc['year']} 年度"
                  f"（{doc['format']}），"
                  f"读到 {len(doc['tables'])} 个数字，空白 {counts['blank']} 格，无法读取 {counts['unreadable']} 格，"
                  f"按本行合计拆分 {counts['reconstructed']} 格")
            for f in imported.findings:
                mark = {"error": "✗ 错误", "warning": "⚠ 警告", "info": "ℹ 提示"}[f.severity]
                where = f"「{f.sheet}」{f.cell}：" if f.sheet and f.cell else ""
                print(f"    {mark} {printable(where + f.message)}")
        if args.debug:
            _debug(imported)
    if args.json:
        print(json_text(summary))
    return status


def _import_one(path, keep_stages: bool = False):
    """The Imported, or the Chinese reason the file cannot be read (stages dropped unless kept: workers send less)."""
    from nianbao.published.errors import ImportError_
    from nianbao.published.importer import import_file

    try:
        imported = import_file(path)
    except ImportError_ as exc:
        return exc.what
    if not keep_stages:
        imported.stages = {}
    return imported


def _previous_documents(paths) -> dict:
    """(agency, year) → document, from last year's published reports or the .json documents import wrote."""
    from nianbao.format.document import DocumentError, load_document
    from nianbao.published.audit import import_one, previous_index, published_files

    docs = []
    for path in paths:
        if not path.exists():
            raise UsageError(f"找不到上一年度的年报：{path}")
        for f in ([path] if path.is_file() else sorted(path.rglob("*.json"))) + \
                (published_files([path]) if path.is_dir() else []):
            if f.suffix.lower() == ".json":
                try:
                    doc = load_document(f)
                except DocumentError as exc:
                    raise UsageError(f"上一年度的数据文件无法读取：{f}（{exc}）") from None
            else:
                doc, _ = import_one(f)
            if isinstance(doc, dict) and isinstance(doc.get("agency"), dict) and "year" in doc:
                docs.append(doc)
    return previous_index(docs)


def _again_with_previous(files, results, previous: dict, keep_stages: bool):
    """A report with unreadable cells whose agency's previous year was given is read again with it."""
    from nianbao.published.errors import ImportError_
    from nianbao.published.importer import import_file

    out = list(results)
    for n, (path, imported) in enumerate(zip(files, results, strict=True)):
        if isinstance(imported, str):
            continue
        doc = imported.document
        prev = previous.get((doc["agency"]["name"], doc["year"] - 1))
        if prev is None or not any(s.get("state") == "unreadable" for s in doc["cell_states"].values()):
            continue
        try:
            again = import_file(path, previous=prev)
        except ImportError_ as exc:  # pragma: no cover - it was read a moment ago
            out[n] = exc.what
            continue
        if not keep_stages:
            again.stages = {}
        out[n] = again
    return out


def _unique(stem: str, used: set[str]) -> str:
    name, n = stem, 1
    while name in used:
        n += 1
        name = f"{stem}-{n}"
    used.add(name)
    return name


def _debug(imported) -> None:
    raw, located, mapped = (imported.stages[k] for k in ("raw", "located", "mapped"))
    print(f"  [read] {raw.reader}：{len(raw.lines)} 行，标题“{printable(raw.title)}”")
    for line in raw.debug():
        print("    " + printable(line))
    print("  [locate] " + "，".join(f"{k}: 第{a}–{b - 1}行" for k, (a, b) in located.sections.items()))
    print("  [tables] " + "，".join(f"{k}: 第{a}–{b - 1}行 {located.how.get(k, '')}"
                                    for k, (a, b) in located.tables.items()))
    print("  [map]")
    for source, label, how in mapped.matches:
        print(f"    {printable(source)} → {printable(label or '（唯一数据行）')} {printable(how)}")
