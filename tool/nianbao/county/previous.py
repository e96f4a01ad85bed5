"""Last year's reports for cross-year checks: from last year's store, summary.json or summary.xlsx."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nianbao.check.run import check_file
from nianbao.format.document import load_document
from nianbao.format.figures import Figures
from nianbao.format.spec import all_formats


class PreviousError(Exception):
    """Last year's source cannot be used; the message is Chinese and names the path."""


@dataclass
class Previous:
    source: str
    county: dict | None
    agencies: dict[str, Figures] = field(default_factory=dict)  # code -> last year's figures


def load_previous(path: Path, year: int) -> Previous:
    """Documents for report year `year` (last year), by agency code, plus the county total."""
    path = Path(path)
    if path.is_dir() and (path / "receipts.jsonl").exists():
        return _from_store(path, year)
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
        data = load_document(path)
        county = data["report"]
        agencies = {a["code"]: _figures(a["document"], path) for a in data.get("agencies", []) if a.get("document")}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PreviousError(f"无法读取上一年度汇总 {path}：{exc}") from None
    if not isinstance(county, dict):
        raise PreviousError(f"无法读取上一年度汇总 {path}：其中的 report 不是报告数据")
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
