"""Last year's reports for cross-year checks: from last year's store, summary.json or summary.xlsx,
or a folder of last year's published reports (PDF, web pages, Word, text: what `nianbao import` reads)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.check.run import check_file
from nianbao.format.figures import Figures
from nianbao.format.spec import all_formats


class PreviousError(Exception):
    """Last year's source cannot be used; the message is Chinese and names the path."""


@dataclass
class Previous:
    source: str
    county: dict | None
    agencies: dict[str, Figures] = field(default_factory=dict)  # code -> last year's figures


def load_previous(path: Path, year: int, roster=None) -> Previous:
    """Documents for report year `year` (last year), by agency code, plus the county total.

    roster: this year's roster entries; published reports are matched to them by agency name."""
    path = Path(path)
    if path.is_dir() and (path / "receipts.jsonl").exists():
        return _from_store(path, year)
    if path.is_dir() and not (path / "summary.json").exists():
        return _from_published(path, year, roster or [])
    if path.is_dir() and (path / "summary.json").exists():
        path = path / "summary.json"
    if path.suffix.lower() == ".json" and path.is_file():
        return _from_summary_json(path, year)
    if path.suffix.lower() == ".xlsx" and path.is_file():
        return _from_summary_xlsx(path, year)
    raise PreviousError(f"无法识别上一年度数据 {path}：应为上一年度的收件库文件夹、summary.json 或 summary.xlsx")


def _from_store(path: Path, year: int) -> Previous:
    from .consolidate import gather_store, sum_tables
    from .roster import RosterEntry

    agencies: dict[str, Figures] = {}
    for sub in gather_store(path, {"expect_year": year}):
        figures = sub.result.figures
        if figures is not None and sub.code and sub.result.status in ("ok", "warning"):
            agencies[sub.code] = figures  # later receipts supersede earlier ones
    county = None
    if agencies:
        fmt = all_formats()[next(iter(agencies.values())).format]
        members = [RosterEntry(c, f.agency["name"], f.agency.get("level"), None, None) for c, f in agencies.items()]
        county = sum_tables(fmt, year, {"name": "上年汇总", "code": "PREV"},
                            (f.tables() for f in agencies.values()), members)
    return Previous(str(path), county, agencies)


def _from_summary_json(path: Path, year: int) -> Previous:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        county = data["report"]
        agencies = {a["code"]: _figures(a["document"], path) for a in data.get("agencies", []) if a.get("document")}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PreviousError(f"无法读取上一年度汇总 {path}：{exc}") from None
    if county.get("year") != year:
        raise PreviousError(f"{path} 是 {county.get('year')} 年度的汇总，应为 {year} 年度")
    return Previous(str(path), county, agencies)


def _from_summary_xlsx(path: Path, year: int) -> Previous:
    sibling = path.with_name("summary.json")
    if sibling.exists():
        return _from_summary_json(sibling, year)
    result = check_file(path, expect_year=year)
    if result.document is None:
        raise PreviousError(f"无法读取上一年度汇总 {path}：{result.findings[0].message if result.findings else ''}")
    from nianbao.intake.read import read_breakdown

    agencies = {code: _figures(doc, path) for code, doc in read_breakdown(path).items()}
    return Previous(str(path), result.document, agencies)


def _figures(doc: dict, path: Path) -> Figures:
    """Last year's figures of one agency, held compactly (a province's summary lists thousands)."""
    if doc.get("format") not in all_formats():
        raise PreviousError(f"上一年度汇总 {path} 中的报告格式 {doc.get('format')!r} 不被本版本识别，请升级 nianbao")
    return Figures.of(doc)


def _from_published(path: Path, year: int, roster) -> Previous:
    """Last year's published reports, matched to the roster by agency name (blank cells count as 0)."""
    from nianbao.format.document import cell_states
    from nianbao.published.audit import import_one, published_files

    from .consolidate import sum_tables

    files = published_files([path])
    if not files:
        raise PreviousError(f"{path} 中没有上一年度的收件库、summary.json，也没有已公开的年报（.pdf .html .docx .txt）")
    by_name = {e.name: e for e in roster}
    agencies: dict[str, Figures] = {}
    entries = []
    for file in files:
        doc, _ = import_one(file)
        if doc is None or doc.get("year") != year:
            continue
        entry = by_name.get(doc["agency"]["name"])
        if entry is None:
            continue
        states = cell_states(doc)
        tables = {**doc["tables"], **{k: 0 for k, s in states.items() if s == "blank"}}
        if any(tables.get(k) is None for k in all_formats()[doc["format"]].input_keys()):
            continue  # an unreadable cell: last year's figures are not known, nothing to compare with
        agencies[entry.code] = Figures.of({**doc, "agency": {**doc["agency"], "code": entry.code}, "tables": tables})
        entries.append(entry)
    county = None
    if agencies:
        fmt = all_formats()[next(iter(agencies.values())).format]
        county = sum_tables(fmt, year, {"name": "上年汇总", "code": "PREV"},
                            (f.tables() for f in agencies.values()), entries)
    return Previous(str(path), county, agencies)
