"""Last year's reports for cross-year checks: from last year's store, summary.json or summary.xlsx,
a single report (workbook or .json), or a folder of last year's published reports (PDF, web
pages, Word, text: what `nianbao import` reads).

Last year's store gives what last year's compile counted: the agencies' `included` files under
the same state rules (state.py), the office's decisions in that store included. With the issuer
secret only reports the issuer MAC vouches for count (a forged file in last year's store cannot
set this year's carried-over figures). Published reports are matched by agency name; a cell
printed unreadably is kept as unreadable, so the rules that need it say 无法核对.
`kind` says where the figures come from: "nianbao" (cross-year findings at the spec's severity)
or "published" (warnings; format/carried.cross_year_severity decides). A summary compiled with the secret
is signed in a file beside it (summary.json.hmac, summary.xlsx.hmac: HMAC-SHA256 of its bytes);
with the secret, a summary is used only when that signature verifies. Published reports carry
no signature: they are what the agencies themselves published.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from nianbao.check.run import check_file
from nianbao.format.document import load_document
from nianbao.format.figures import Figures
from nianbao.format.spec import all_formats

from .last_year import Previous

__all__ = ["Previous", "PreviousError", "load_previous", "load_report", "sign_summary", "verify_summary"]


class PreviousError(Exception):
    """Last year's source cannot be used; the message is Chinese and names the path."""


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


def load_report(path: Path, secret: bytes | None = None) -> Previous | None:
    """One agency's report of last year (a workbook or a report document), or None when path is a
    store, a summary or a folder (load_previous). A report imported from a published page is
    kind "published"."""
    path = Path(path)
    if path.is_dir():
        return None
    result = check_file(path, secret=secret)
    if result.kind == "summary":
        return None
    doc = result.document
    if doc is None:
        raise PreviousError(f"无法读取上一年度报告 {path}：{result.findings[0].message if result.findings else ''}")
    if isinstance(doc, dict) and "report" in doc and "agencies" in doc:
        return None
    from nianbao.format.document import cell_states

    agency = doc.get("agency") if isinstance(doc.get("agency"), dict) else {}
    code = agency.get("code") or agency.get("name") or path.stem
    cells = cell_states(doc)
    tables = {**doc.get("tables", {}), **{k: 0 for k, s in cells.items() if s == "blank"}}
    states = {k: s for k, s in cells.items() if s == "unreadable"}
    figures = _figures({**doc, "agency": {**agency, "code": code}, "tables": tables}, path)
    return Previous(str(path), None, {code: figures}, "published" if cells else "nianbao",
                    {code: states} if states else {})


def _from_store(path: Path, year: int, secret: bytes | None = None) -> Previous:
    """What last year's compile over this store counted (state.py), decisions included."""
    from .events import read_events
    from .gather import gather_store
    from .roster import RosterEntry
    from .state import state_of

    subs = gather_store(path, {"expect_year": year, "secret": secret})
    # Last year's roster is not at hand: every agency that sent a report of that year stands for itself.
    names: dict[str, str] = {}
    for sub in subs:
        if sub.code and sub.result.figures is not None:
            names[sub.code] = (sub.result.agency or {}).get("name") or sub.code
    roster = [RosterEntry(code, name, None, None, None) for code, name in names.items()]
    counted = [s for s in state_of(subs, roster, events=read_events(path)[0]).agencies if s.included]
    agencies = {s.entry.code: s.figures for s in counted}
    return Previous(str(path), _county_of(agencies, year, [s.entry for s in counted]), agencies)


def _county_of(agencies: dict[str, Figures], year: int, members) -> dict | None:
    """Last year's county total over these agencies (every figure known), or None."""
    from .consolidate import sum_tables

    if not agencies:
        return None
    fmt = all_formats()[next(iter(agencies.values())).format]
    return sum_tables(fmt, year, {"name": "上年汇总", "code": "PREV"}, (f.tables() for f in agencies.values()), members)


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
    """Last year's published reports, matched to the roster by agency name (without a roster: each by its
    own name); blank cells count as 0, unreadable ones stay unreadable: a rule that needs one says 无法核对."""
    from nianbao.format.document import cell_states
    from nianbao.published.audit import import_one, published_files

    files = published_files([path])
    if not files:
        raise PreviousError(f"{path} 中没有上一年度的收件库、summary.json，也没有已公开的年报（.pdf .html .docx .txt）")
    by_name = {e.name: e for e in roster}
    agencies: dict[str, Figures] = {}
    states: dict[str, dict[str, str]] = {}
    for file in files:
        doc, _ = import_one(file)
        if doc is None or doc.get("year") != year:
            continue
        entry = by_name.get(doc["agency"]["name"])
        if entry is None and roster:
            continue
        code = entry.code if entry is not None else (doc["agency"].get("code") or doc["agency"]["name"])
        cells = cell_states(doc)
        tables = {**doc["tables"], **{k: 0 for k, s in cells.items() if s == "blank"}}
        agencies[code] = Figures.of({**doc, "agency": {**doc["agency"], "code": code}, "tables": tables})
        unreadable = {k: s for k, s in cells.items() if s == "unreadable"}
        if unreadable:
            states[code] = unreadable
    previous = Previous(str(path), None, agencies, "published", states)
    whole = {c: f for c, f in agencies.items() if previous.complete(c)}
    previous.county = _county_of(whole, year, [e for e in roster if e.code in whole])
    return previous
