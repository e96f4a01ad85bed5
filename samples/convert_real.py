"""Convert the two transcribed REAL published reports into nianbao report documents.

    .venv/bin/python samples/convert_real.py     reads samples/real/transcribed/*.json, writes samples/real/*.json

Every label of the transcription is matched to a cell key of the format spec by its
printed text (whitespace and full/half-width brackets ignored), so a label that matches
nothing stops the conversion instead of being dropped. Every number is kept exactly as
published, totals included: nothing is recomputed or "fixed". The one conversion is a
money cell printed in 元 (pingtan's 采购总金额 "75394432.52元"), which becomes 万元 rounded
half-up to two decimals. Re-running gives byte-identical files.
"""

from __future__ import annotations

import json
import re
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from nianbao.format.document import dump_document, new_document
from nianbao.format.spec import Format, format_for_year

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "real" / "transcribed"

# What the transcription does not carry: the roster identity of each report.
AGENCIES = {
    "huaian-2024": {"code": "320800", "level": "city"},   # 淮安市 administrative division code
    "pingtan-2019": {"code": "350128", "level": "city"},  # 平潭 administrative division code
}
# Publication date where the transcription's source states it (pingtan: "published 2020-01-20").
DATES = {"pingtan-2019": "2020年1月20日"}


class ConversionError(Exception):
    pass


def norm(label: str) -> str:
    """A label as printed, minus what printing varies: spaces, bracket width, a unit suffix."""
    text = re.sub(r"\s+", "", label).replace("(", "（").replace(")", "）")
    return re.sub(r"（单位：[^）]*）$", "", text)


def _proactive_keys(fmt: Format) -> dict[tuple[str, str, str], str]:
    out = {}
    table = fmt.table("proactive")
    for block in table.blocks:
        for row in block.leaf_rows():
            for col in block.leaf_columns():
                key = ".".join(p for p in ("proactive", row.key, col.key) if p)
                out[(norm(block.title or ""), norm(row.label), norm(col.label))] = key
    return out


def _requests_keys(fmt: Format) -> tuple[dict[str, str], dict[str, str]]:
    block = fmt.table("requests").blocks[0]
    rows = {norm("/".join(r.path)): r.key for r in block.leaf_rows()}
    cols = {norm(c.label): c.key for c in block.leaf_columns()}
    return rows, cols


def _reviews_keys(fmt: Format) -> dict[str, str]:
    block = fmt.table("reviews").blocks[0]
    return {norm("-".join(c.path[-2:])): f"reviews.{c.key}" for c in block.leaf_columns()}


def _lookup(mapping: dict, label, what: str):
    try:
        return mapping[label]
    except KeyError:
        raise ConversionError(f"{what}: no cell of the format has the label {label!r}") from None


def _money(value, raw: str | None) -> float:
    amount = Decimal(str(value))
    if raw is not None and raw.strip().endswith("元") and not raw.strip().endswith("万元"):
        amount = amount / 10000  # printed in 元; the spec's unit is 万元
    return float(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def convert(name: str, src: dict) -> dict:
    fmt = format_for_year(src["year"])
    if fmt.id != f"gov-info-disclosure-{src['format_guess']}":
        raise ConversionError(f"{name}: year {src['year']} needs {fmt.id}, transcription says {src['format_guess']}")
    tables: dict = {}

    def put(key: str, value, raw: str | None = None) -> None:
        if key in tables:
            raise ConversionError(f"{name}: {key} is given twice")
        tables[key] = _money(value, raw) if fmt.cells[key].kind == "money" else value

    proactive = _proactive_keys(fmt)
    for row in src["table2"]:
        raws = row.get("raw") or [None] * len(row["values"])
        for col, value, raw in zip(row["columns"], row["values"], raws, strict=True):
            put(_lookup(proactive, (norm(row["section"]), norm(row["item"]), norm(col)), f"{name} 表二"), value, raw)

    rows, cols = _requests_keys(fmt)
    table3 = src["table3"]
    for row in table3["rows"]:
        row_key = _lookup(rows, norm(row["label"]), f"{name} 表三")
        for col, value in zip(table3["columns"], row["values"], strict=True):
            put(f"requests.{row_key}.{_lookup(cols, norm(col), f'{name} 表三')}", value)

    reviews = _reviews_keys(fmt)
    table4 = src["table4"]
    for col, value in zip(table4["columns"], table4["values"], strict=True):
        put(_lookup(reviews, norm(col), f"{name} 表四"), value)

    missing = [k for k in fmt.cells if k not in tables]
    if missing:
        raise ConversionError(f"{name}: the transcription has no value for {', '.join(missing)}")
    doc = new_document(fmt, src["year"], {"name": src["agency"], **AGENCIES[name]}, tables)
    doc["date"] = DATES.get(name, "")
    doc["sections"] = {s.key: "" for s in fmt.text_sections()}
    doc["sections"]["overview"] = src["narrative_excerpt"]
    return doc


def main() -> int:
    for path in sorted(SOURCES.glob("*.json")):
        name = path.stem
        try:
            doc = convert(name, json.loads(path.read_text(encoding="utf-8")))
        except ConversionError as exc:
            print(f"无法转换 {path.name}：{exc}", file=sys.stderr)
            return 1
        out = HERE / "real" / f"{name}.json"
        out.write_text(dump_document(doc), encoding="utf-8")
        print(f"{path.relative_to(HERE)} → {out.relative_to(HERE)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
