"""Build every sample workbook from the readable sources in samples/ (deterministic).

    python samples/build.py            # (re)write samples/workbooks/ and samples/inbox-2021/
    python samples/build.py --check    # exit 1 if the committed files drift from their sources

Sources: roster-luobei.csv, reports/<year>/<code>.json (report documents) and
inbox-2021.yaml (what each department sent, with the trouble in it). Outputs:

    workbooks/2020/<code>-<name>-2020年报.xlsx   every agency's filled 2020 workbook (last year)
    workbooks/2021/<code>-<name>-2021年报.xlsx   every agency's correct 2021 workbook
    inbox-2021/<file as sent>                    the 2021 inbox, trouble included
"""

from __future__ import annotations

import argparse
import filecmp
import io
import json
import sys
import tempfile
import zipfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tool"))

from nianbao.county.roster import load_roster  # noqa: E402
from nianbao.format.spec import format_for_year, get_format  # noqa: E402
from nianbao.template.write import write_template  # noqa: E402

YEARS = (2020, 2021)
FIXED_ZIP_TIME = (2022, 1, 1, 0, 0, 0)


def load_manifest() -> dict:
    return yaml.safe_load((HERE / "inbox-2021.yaml").read_text(encoding="utf-8"))


def report(year: int, code: str) -> dict:
    return json.loads((HERE / "reports" / str(year) / f"{code}.json").read_text(encoding="utf-8"))


def build(out: Path) -> list[Path]:
    written: list[Path] = []
    roster = load_roster(HERE / "roster-luobei.csv")
    for year in YEARS:
        fmt = format_for_year(year)
        folder = out / "workbooks" / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        for entry in roster:
            doc = report(year, entry.code)
            written.append(write_template(fmt, year, doc["agency"], folder / f"{entry.code}-{entry.name}-{year}年报.xlsx",
                                          document=doc))
    manifest = load_manifest()
    inbox = out / "inbox-2021"
    inbox.mkdir(parents=True, exist_ok=True)
    for item in manifest["files"]:
        target = inbox / item["file"]
        if item["content"] == "docx":
            target.write_bytes(_docx(item["text"]))
        else:
            written.append(_workbook(manifest, item, target))
            continue
        written.append(target)
    return written


def _workbook(manifest: dict, item: dict, target: Path) -> Path:
    tpl = item.get("template") or {"format": manifest["format"], "year": manifest["year"]}
    source = item.get("document") or manifest["documents"].format(year=manifest["year"], agency=item["agency"])
    doc = json.loads((HERE / source).read_text(encoding="utf-8"))
    for edit in item.get("edits", []):
        if "section" in edit:  # words of a text section written otherwise
            key, text = edit["section"], doc["sections"][edit["section"]]
            if text.count(edit["from"]) != 1:
                raise SystemExit(f"inbox-2021.yaml: {item['file']}: {key} does not hold {edit['from']!r} exactly once")
            doc["sections"][key] = text.replace(edit["from"], edit["to"])
            continue
        key = edit["cell"]
        if doc["tables"][key] != edit["from"]:
            raise SystemExit(f"inbox-2021.yaml: {item['file']}: {key} is {doc['tables'][key]!r}, not {edit['from']!r}")
        doc["tables"][key] = edit["to"]
    return write_template(get_format(tpl["format"]), tpl["year"], doc["agency"], target, document=doc)


def _docx(text: str) -> bytes:
    """A small Word document (not a workbook), with fixed zip times so the bytes never change."""
    import datetime as dt

    from docx import Document

    document = Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    props = document.core_properties
    props.created = props.modified = dt.datetime(2022, 1, 24, 15, 35)
    props.author = props.last_modified_by = "太平沟乡"
    props.revision = 1
    raw = io.BytesIO()
    document.save(raw)
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)
    return fixed.getvalue()


def drift() -> list[str]:
    """Files whose committed bytes differ from a fresh build (or that are missing or extra)."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        build(fresh)
        for sub in ("workbooks", "inbox-2021"):
            new = {p.relative_to(fresh) for p in (fresh / sub).rglob("*") if p.is_file()}
            old = {p.relative_to(HERE) for p in (HERE / sub).rglob("*") if p.is_file()}
            problems += [f"missing: {p}" for p in sorted(new - old)]
            problems += [f"not built from any source: {p}" for p in sorted(old - new)]
            problems += [f"differs: {p}" for p in sorted(new & old)
                         if not filecmp.cmp(fresh / p, HERE / p, shallow=False)]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    if args.check:
        problems = drift()
        for line in problems:
            print(line)
        print("samples are up to date" if not problems else f"{len(problems)} sample files drift from their sources")
        return 1 if problems else 0
    for path in build(HERE):
        print(path.relative_to(HERE))
    return 0


if __name__ == "__main__":
    sys.exit(main())
