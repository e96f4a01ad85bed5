"""The corpus of real published reports and how an import of one is scored against its transcription.

Takes: tests/published/data/corpus/ — manifest.json (one entry per report: file, agency, level,
province, year, format, layout, features, source) and, for the reports transcribed by hand,
<name>.json in the shape of tests/published/data/*.json; optionally more corpus folders with the
same layout (NIANBAO_CORPUS_EXTRA, os.pathsep-separated: files that may not live in git).
Gives: `entries()`; `expected(fmt, truth)` (every cell key → what the source prints);
`score(fmt, truth, document)` (every cell classed exact / unreadable / wrong / blank …);
`true_violations(fmt, truth)` and `audit_vs_truth(...)` (check's rules on the printed figures).

Used by tests/published/test_corpus.py (fails on any wrong number not in the baseline) and by
benchmarks/published_corpus.py (the table in docs/published-corpus.md).

Transcription conventions (beyond tests/published/data/README): `values` hold the number as
printed, in the printed unit; `raw` the printed text where it held more than a number (a unit
“元” there means the cell must be converted to the format's 万元); cell_flags.blank lists cells
printed empty; cell_flags.undetermined maps cells the stored copy does not determine (run-together
digits with more than one consistent split, a cell lost by the conversion) to the reason;
cell_flags.known_elsewhere gives such a cell's value where another source (the page, last year's
report) shows it. Flag keys: “row label|column” (表三), “item|column” (表二), “column” (表四).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.format.spec import Format, get_format

CORPUS = Path(__file__).resolve().parent / "data" / "corpus"
EXTRA_ENV = "NIANBAO_CORPUS_EXTRA"

# What one cell of an import is, against the transcription.
EXACT = "exact"              # the printed number, read
UNREADABLE = "unreadable"    # a printed number, not read (unreadable, missing, or the file not read)
WRONG = "wrong"              # a number that is not the printed one (or a number where none is printed)
BLANK = "blank"              # printed empty, read as blank
BLANK_LOST = "blank_lost"    # printed empty, reported unreadable (lost, not wrong)
UNDETERMINED = "undetermined"  # the copy does not determine it, and the import says so
CLASSES = (EXACT, UNREADABLE, WRONG, BLANK, BLANK_LOST, UNDETERMINED)


@dataclass
class Entry:
    name: str
    folder: Path
    meta: dict

    @property
    def file(self) -> Path:
        return self.folder / self.meta["file"]

    @property
    def truth(self) -> dict | None:
        if not self.meta.get("transcription"):
            return None
        return json.loads((self.folder / self.meta["transcription"]).read_text(encoding="utf-8"))


def folders() -> list[Path]:
    extra = [Path(p) for p in os.environ.get(EXTRA_ENV, "").split(os.pathsep) if p]
    return [CORPUS, *extra]


def entries(dirs: list[Path] | None = None) -> list[Entry]:
    """Every report of every corpus folder whose file is present (a folder without manifest is skipped)."""
    out = []
    for folder in dirs or folders():
        manifest = folder / "manifest.json"
        if not manifest.is_file():
            continue
        for meta in json.loads(manifest.read_text(encoding="utf-8"))["reports"]:
            entry = Entry(meta["name"], folder, meta)
            if entry.file.is_file():
                out.append(entry)
    return out


@dataclass(frozen=True)
class Expected:
    state: str                 # number | blank | undetermined
    value: float | int | None  # in the format's unit (元 converted to 万元)
    printed: str | None = None  # the printed text where it held more than a number


def format_of(truth: dict) -> Format:
    return get_format(f"gov-info-disclosure-{truth['format_guess']}")


def _flag_keys(truth: dict) -> dict[str, str]:
    """Transcription flag key → cell key, in the transcription's own row order."""
    fmt = format_of(truth)
    out = {}
    t2 = [c for c in fmt.cells.values() if c.table == "proactive"]
    rows2 = list(dict.fromkeys(c.row.key for c in t2))
    for row_key, row in zip(rows2, truth["table2"], strict=True):
        keys = [c.key for c in t2 if c.row.key == row_key]
        for col, key in zip(row["columns"], keys, strict=True):
            out[f"{row['item']}|{col}"] = key
    t3 = [c for c in fmt.cells.values() if c.table == "requests"]
    rows3 = list(dict.fromkeys(c.row.key for c in t3))
    for row_key, row in zip(rows3, truth["table3"]["rows"], strict=True):
        keys = [c.key for c in t3 if c.row.key == row_key]
        for col, key in zip(truth["table3"]["columns"], keys, strict=True):
            out[f"{row['label']}|{col}"] = key
    keys4 = [c.key for c in fmt.cells.values() if c.table == "reviews"]
    for col, key in zip(truth["table4"]["columns"], keys4, strict=True):
        out[col] = key
    return out


def expected(truth: dict) -> dict[str, Expected]:
    """Every cell key of the transcription's format → what the published report prints there."""
    fmt = format_of(truth)
    flags = truth.get("cell_flags") or {}
    by_flag = _flag_keys(truth)
    undetermined = {by_flag[k] for k in flags.get("undetermined", {})}
    known = {by_flag[k]: v for k, v in flags.get("known_elsewhere", {}).items()}
    printed: dict[str, tuple] = {}
    t2 = [c for c in fmt.cells.values() if c.table == "proactive"]
    for row_key, row in zip(dict.fromkeys(c.row.key for c in t2), truth["table2"], strict=True):
        keys = [c.key for c in t2 if c.row.key == row_key]
        raws = row.get("raw") or [None] * len(keys)
        printed.update({k: (v, r) for k, v, r in zip(keys, row["values"], raws, strict=True)})
    t3 = [c for c in fmt.cells.values() if c.table == "requests"]
    for row_key, row in zip(dict.fromkeys(c.row.key for c in t3), truth["table3"]["rows"], strict=True):
        keys = [c.key for c in t3 if c.row.key == row_key]
        printed.update({k: (v, None) for k, v in zip(keys, row["values"], strict=True)})
    keys4 = [c.key for c in fmt.cells.values() if c.table == "reviews"]
    printed.update({k: (v, None) for k, v in zip(keys4, truth["table4"]["values"], strict=True)})
    assert set(printed) == set(fmt.cells), "the transcription covers every cell of its format"
    out = {}
    for key, (value, raw) in printed.items():
        if key in undetermined:
            out[key] = Expected("undetermined", _in_format_unit(fmt, key, known.get(key), raw), raw)
        elif value is None:
            out[key] = Expected("blank", None, raw)
        else:
            out[key] = Expected("number", _in_format_unit(fmt, key, value, raw), raw)
    return out


def _in_format_unit(fmt: Format, key: str, value, raw: str | None):
    """A figure printed in 元 where the format says 万元 is worth value / 10000 in the document."""
    if value is None:
        return None
    unit = getattr(fmt.cells[key], "unit", None)
    if unit == "万元" and raw and raw.strip().endswith("元") and not raw.strip().endswith("万元"):
        return value / 10000
    return value


@dataclass
class Score:
    counts: Counter = field(default_factory=Counter)
    cells: list[tuple[str, str, object, object, str | None]] = field(default_factory=list)
    # key, class, expected value (format unit), what the import gave, printed text where not a bare number

    @property
    def wrong(self) -> list[tuple[str, object, object, str | None]]:
        return [(k, e, g, p) for k, c, e, g, p in self.cells if c == WRONG]


def _same(fmt: Format, key: str, want, got) -> bool:
    if want is None or got is None or isinstance(got, bool):
        return False
    tolerance = float(fmt.money_tolerance) if fmt.cells[key].kind == "money" else 0.0
    return abs(float(want) - float(got)) <= max(tolerance, 1e-9)


def score(truth: dict, document: dict | None) -> Score:
    """Class every cell of the imported document (None: the file could not be read at all)."""
    fmt = format_of(truth)
    out = Score()
    tables = (document or {}).get("tables") or {}
    states = (document or {}).get("cell_states") or {}
    if document is not None and document.get("format") != fmt.id:
        tables, states = {}, {}  # read as the other format: none of its cells is this format's
    for key, want in expected(truth).items():
        state = (states.get(key) or {}).get("state")
        got = tables.get(key)
        has_number = key in tables and got is not None
        if want.state == "number":
            if has_number:
                cls = EXACT if _same(fmt, key, want.value, got) else WRONG
            elif state == "blank":
                cls = WRONG  # a printed figure reported as printed empty
            else:
                cls = UNREADABLE
        elif want.state == "blank":
            cls = WRONG if has_number else (BLANK if state == "blank" else BLANK_LOST)
        else:  # undetermined by the stored copy
            if has_number:
                cls = EXACT if want.value is not None and _same(fmt, key, want.value, got) else WRONG
            else:
                cls = UNDETERMINED
        out.counts[cls] += 1
        out.cells.append((key, cls, want.value if want.state != "blank" else None, got if has_number else state,
                          want.printed))
    return out


def read_counts(document: dict | None, fmt_id: str | None = None) -> Counter:
    """For a report without transcription: how many cells came out as a number, blank or unreadable."""
    out: Counter = Counter()
    if document is None:
        return out
    fmt = get_format(document["format"])
    tables, states = document.get("tables") or {}, document.get("cell_states") or {}
    for key in fmt.cells:
        if key in tables:
            out["read"] += 1
        else:
            out[(states.get(key) or {}).get("state") or "missing"] += 1
    return out


def truth_document(truth: dict) -> dict:
    """The transcription as a report document (blank → blank, undetermined → unreadable)."""
    fmt = format_of(truth)
    tables, states = {}, {}
    for key, want in expected(truth).items():
        if want.state == "number":
            tables[key] = want.value
        elif want.state == "blank":
            states[key] = {"state": "blank"}
        else:
            states[key] = {"state": "unreadable"}
    return {"format": fmt.id, "year": truth["year"], "agency": {"name": truth["agency"], "code": truth["agency"]},
            "tables": tables, "cell_states": states}


def _rule_errors(fmt: Format, findings) -> set[tuple[str, str]]:
    rules = {r.id for r in fmt.rules}
    return {(f.rule, f.key) for f in findings if f.severity == "error" and f.rule in rules}


def true_violations(truth: dict) -> set[tuple[str, str]]:
    """(rule, cell) of every statutory rule the printed figures break (check's rules, blank as 0)."""
    from nianbao.check.run import check_document

    fmt = format_of(truth)
    return _rule_errors(fmt, check_document(truth_document(truth)).findings)


def audit_vs_truth(truth: dict, audit_findings) -> dict:
    """found / missed true violations and false rule errors of an audit of the imported report."""
    fmt = format_of(truth)
    true = true_violations(truth)
    got = _rule_errors(fmt, audit_findings)
    return {"true": sorted(true), "found": sorted(true & got), "missed": sorted(true - got),
            "false": sorted(got - true)}
