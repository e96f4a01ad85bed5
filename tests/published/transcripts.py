"""The hand-checked transcriptions (tests/published/data/*.json) as cell keys of a format."""

from __future__ import annotations

import json
from pathlib import Path

from nianbao.format.spec import Format, get_format

DATA = Path(__file__).parent / "data"
REAL = {  # published file -> its transcription
    "huaian-2024.pdf": "huaian-2024.json",
    "shuyang-fgj-2023.html": "shuyang-fgj-2023.json",
    "pingtan-2019.txt": "pingtan-2019.json",
}


def format_of(tr: dict) -> Format:
    return get_format(f"gov-info-disclosure-{tr['format_guess']}")


def expected_cells(tr: dict) -> dict[str, int | float | None]:
    """Every cell key of the report's format → the printed number, or None (blank/unreadable as printed)."""
    fmt = format_of(tr)
    out: dict = {}
    t2 = [c for c in fmt.cells.values() if c.table == "proactive"]
    rows2 = []
    for c in t2:
        if c.row.key not in rows2:
            rows2.append(c.row.key)
    assert len(rows2) == len(tr["table2"]), "table 二 rows"
    for row_key, row in zip(rows2, tr["table2"], strict=True):
        keys = [c.key for c in t2 if c.row.key == row_key]
        assert len(keys) == len(row["values"])
        out.update(zip(keys, row["values"], strict=True))
    t3_rows = []
    for c in fmt.cells.values():
        if c.table == "requests" and c.row.key not in t3_rows:
            t3_rows.append(c.row.key)
    assert len(t3_rows) == len(tr["table3"]["rows"])
    for row_key, row in zip(t3_rows, tr["table3"]["rows"], strict=True):
        assert row["label"].split("/")[-1] == [c for c in fmt.cells.values() if c.row.key == row_key][0].row.label
        keys = [c.key for c in fmt.cells.values() if c.table == "requests" and c.row.key == row_key]
        out.update(zip(keys, row["values"], strict=True))
    keys4 = [c.key for c in fmt.cells.values() if c.table == "reviews"]
    out.update(zip(keys4, tr["table4"]["values"], strict=True))
    assert set(out) == set(fmt.cells)
    return out


def load(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))
