"""Last year's reports for cross-year checks: from last year's store, summary.json or summary.xlsx,
or a folder of last year's published reports (PDF, web pages, Word, text: what `nianbao import` reads).

With the issuer secret, last year's store is read as compile reads this year's: only reports
the issuer MAC vouches for count, the latest verified one per agency (a forged file in last
year's store cannot set this year's carried-over figures). A summary compiled with the secret
is signed in a file beside it (summary.json.hmac, summary.xlsx.hmac: HMAC-SHA256 of its bytes);
with the secret, a summary is used only when that signature verifies. Published reports carry
no signature: they are what the agencies themselves published.
"""

from __future__ import annotations

import hashlib
import hmac
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
    published: bool = False  # read from published reports (a cross-year mismatch is then a warning)


def load_previous(path: Path, year: int, secret: bytes | None = None, roster=None) -> Previous:
    """Documents for report year `year` (last year), by agency code, plus the county total.

    secret: the issuer secret: it verifies the reports of last year's store, or a summary's signature file.
    roster: this year's roster entries; published reports are matched to them by agency name."""
    path = Path(path)
    if path.is_dir() and (path / "receipts.jsonl").exists():
        return _from_store(path, year, secret)
    if path.is_dir() and not (path / "summary.json").exists():
        return _from_published(path, year, roster or [])
    if path.is_dir() and (path / "summary.json").exists():
        path = path / "summary.json"
    if path.suffix.lower() == ".xlsx" and path.is_file() and path.with_name("summary.json").exists():
        path = path.with_name("summary.json")
    if path.suffix.lower() in (".json", ".xlsx") and path.is_file() and secret is not None:
        verify_summary(path, secret)
    if path.suffix.lower() == ".json" and path.is_file():
        return _from_summary_json(path, year)
    if path.suffix.lower() == ".xlsx" and path.is_file():
        return _from_summary_xlsx(path, year)
    raise PreviousError(f"无法识别上一年度数据 {path}：应为上一年度的收件库文件夹、summary.json 或 summary.xlsx")


def _from_store(path: Path, year: int, secret: bytes | None = None) -> Previous:
    from .consolidate import gather_store, sum_tables
    from .roster import RosterEntry

    agencies: dict[str, Figures] = {}
    for sub in gather_store(path, {"expect_year": year, "secret": secret}):
        figures = sub.result.figures
        if sub.result.verified is False:
            continue  # a forged file never stands for an agency, not even last year
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


SIGNATURE_SUFFIX = ".hmac"
_SUMMARY_TAG = b"nianbao-summary-mac-1\n"


def _summary_mac(data: bytes, secret: bytes) -> str:
    return hmac.new(secret, _SUMMARY_TAG + data, hashlib.sha256).hexdigest()


def sign_summary(path: Path, secret: bytes) -> Path:
    """Write PATH.hmac beside a compiled summary, so next year's --previous can verify it."""
    sig = path.with_name(path.name + SIGNATURE_SUFFIX)
    sig.write_text(_summary_mac(path.read_bytes(), secret) + "\n", encoding="ascii")
    return sig


def verify_summary(path: Path, secret: bytes) -> None:
    """PreviousError unless PATH.hmac is the signature of PATH's bytes with secret."""
    sig = path.with_name(path.name + SIGNATURE_SUFFIX)
    try:
        got = sig.read_bytes().strip()
    except FileNotFoundError:
        raise PreviousError(
            f"上一年度汇总 {path} 旁没有签名文件 {sig.name}，无法用密钥核对。请用上一年度的收件库作为 --previous"
            "（逐个文件核对下发签名），或用同一密钥重新汇总上一年度。") from None
    except OSError as exc:
        raise PreviousError(f"无法读取签名文件 {sig}：{exc.strerror}") from None
    if not hmac.compare_digest(got, _summary_mac(path.read_bytes(), secret).encode("ascii")):
        raise PreviousError(f"上一年度汇总 {path} 的签名核对不通过：文件在汇总后被改动过，或不是用同一密钥汇总的。"
                            "请使用原始的汇总文件或上一年度的收件库。")


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
    return Previous(str(path), county, agencies, published=True)
