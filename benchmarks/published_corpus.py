"""How `nianbao import` and `audit` read the corpus of real published reports (issue 21).

    python benchmarks/published_corpus.py [--corpus DIR ...] [--out docs/published-corpus.md] [--json FILE]

For every report of the corpus (tests/published/data/corpus/manifest.json, plus any --corpus
folder or NIANBAO_CORPUS_EXTRA folder with the same layout): import it, and for a transcribed report
class every cell against the hand transcription — exact / unreadable / wrong / blank as printed /
blank lost / undetermined by the copy (tests/published/corpus.py) — and compare the audit's rule
errors with the printed figures' true violations; for the others count the cells read, blank and
unreadable. Writes one row per report and the totals to docs/published-corpus.md (the table the
lead re-runs after the importer work lands); --json writes the per-cell detail.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tool"))
sys.path.insert(0, str(ROOT / "tests" / "published"))

COLUMNS = ("exact", "unreadable", "wrong", "blank", "blank_lost", "undetermined")
KEEP = "<!-- Everything below this line is written by hand and kept when the script rewrites the table. -->"


def measure(entries) -> list[dict]:
    from corpus import audit_vs_truth, format_of, read_counts, score

    from nianbao.published import ImportError_, import_file
    from nianbao.published.audit import audit_documents

    rows = []
    for entry in entries:
        row = {"name": entry.name, "file": entry.meta["file"], "layout": entry.meta["layout"],
               "format": entry.meta["format"], "transcribed": bool(entry.meta.get("transcription"))}
        started = time.perf_counter()
        try:
            imported = import_file(entry.file)
            document, findings = imported.document, imported.findings
            row["read_as"] = (f"{document['year']}年度 · {document['format'].rsplit('-', 1)[-1]}格式 · "
                              f"{document['agency']['name']}")
        except ImportError_ as exc:
            document, findings = None, []
            row["read_as"] = f"无法读取：{exc.what}"
        row["seconds"] = round(time.perf_counter() - started, 3)
        truth = entry.truth
        if truth is not None:
            scored = score(truth, document)
            row["counts"] = {c: scored.counts.get(c, 0) for c in COLUMNS}
            row["wrong_cells"] = [{"key": k, "expected": e, "printed": p, "imported": g} for k, e, g, p in scored.wrong]
            audited = audit_documents([(str(entry.file), document, findings)])[0] if document else None
            verdict = audit_vs_truth(truth, audited.findings if audited else [])
            row["audit"] = {k: [list(x) for x in v] for k, v in verdict.items()}
            row["format_ok"] = document is not None and document["format"] == format_of(truth).id
            row["year_ok"] = document is not None and document["year"] == truth["year"]
        else:
            row["counts"] = dict(read_counts(document))
        rows.append(row)
    return rows


def _git_head() -> str:
    try:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def table(rows: list[dict]) -> str:
    head = _git_head()
    trans = [r for r in rows if r["transcribed"]]
    other = [r for r in rows if not r["transcribed"]]
    tot = Counter()
    for r in trans:
        tot.update(r["counts"])
    found = sum(len(r["audit"]["found"]) for r in trans)
    true = sum(len(r["audit"]["true"]) for r in trans)
    false = sum(len(r["audit"]["false"]) for r in trans)
    lines = [
        "# Reading the corpus of real published reports",
        "",
        f"Measured by `python benchmarks/published_corpus.py` on commit {head} "
        f"({len(rows)} files: {len(trans)} with a hand transcription, {len(other)} without).",
        "The corpus, its sources and the transcription conventions: tests/published/data/corpus/README.md and "
        "tests/published/corpus.py.",
        "",
        "Cells of a transcribed report: **exact** = the printed number; **unreadable** = a printed number not read; "
        "**wrong** = a number that is not the printed one, a number where the copy prints none or cannot tell, "
        "or a printed figure reported blank; **blank** = printed empty and read so; **blank lost** = printed empty, "
        "reported unreadable; **undetermined** = the stored copy does not determine the cell (e.g. run-together "
        "digits with several consistent splits) and the import says unreadable. Audit: the printed figures' true "
        "rule violations (check's rules on the transcription) found by `audit`, and rule errors `audit` raised that "
        "the printed figures do not have.",
        "",
        "## Transcribed reports",
        "",
        "| report | format | read as | exact | unreadable | wrong | blank | blank lost | undetermined | "
        "violations found | false errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in trans:
        c = r["counts"]
        a = r["audit"]
        lines.append(f"| {r['file']} | {r['format']} | {r['read_as']} | {c['exact']} | {c['unreadable']} | "
                     f"**{c['wrong']}** | {c['blank']} | {c['blank_lost']} | {c['undetermined']} | "
                     f"{len(a['found'])}/{len(a['true'])} | {len(a['false'])} |")
    lines.append(f"| **total** | | | {tot['exact']} | {tot['unreadable']} | **{tot['wrong']}** | {tot['blank']} | "
                 f"{tot['blank_lost']} | {tot['undetermined']} | {found}/{true} | {false} |")
    if other:
        lines += ["", "## Reports without transcription", "",
                  "| report | format | layout | read as | cells read | blank | unreadable |",
                  "|---|---|---|---|---|---|---|"]
    for r in other:
        c = r["counts"]
        unread = sum(v for k, v in c.items() if k not in ("read", "blank"))
        lines.append(f"| {r['file']} | {r['format']} | {r['layout'].split(':')[0]} | {r['read_as']} | "
                     f"{c.get('read', 0)} | {c.get('blank', 0)} | {unread} |")
    wrong = [(r["file"], w) for r in trans for w in r["wrong_cells"]]
    if wrong:
        lines += ["", "## Every wrong cell", "", "| report | cell | expected (format unit) | printed | imported |",
                  "|---|---|---|---|---|"]
        lines += [f"| {f} | {w['key']} | {w['expected']} | {w['printed'] or ''} | {w['imported']} |" for f, w in wrong]
    misses = [(r["file"], x) for r in trans for x in r["audit"]["missed"]]
    falses = [(r["file"], x) for r in trans for x in r["audit"]["false"]]
    if misses or falses:
        lines += ["", "## Audit against the true violations", "", "| report | rule | cell | |", "|---|---|---|---|"]
        lines += [f"| {f} | {rule} | {key} | missed |" for f, (rule, key) in misses]
        lines += [f"| {f} | {rule} | {key} | false error |" for f, (rule, key) in falses]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    from corpus import CORPUS, entries, folders

    ap = argparse.ArgumentParser(description="导入语料库中的真实年报，逐格对照人工转录结果")
    ap.add_argument("--corpus", action="append", type=Path, help="另一个语料目录（含 manifest.json）")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "published-corpus.md", help="结果表（Markdown）")
    ap.add_argument("--json", type=Path, help="逐格结果（JSON）")
    args = ap.parse_args(argv)
    dirs = [*folders(), *(args.corpus or [])] if args.corpus else folders()
    found = entries(dirs)
    if not found:
        print(f"语料库为空：{CORPUS}", file=sys.stderr)
        return 2
    rows = measure(found)
    kept = ""
    if args.out.is_file() and KEEP in (old := args.out.read_text(encoding="utf-8")):
        kept = old[old.index(KEEP):]
    args.out.write_text(table(rows) + ("\n" + kept if kept else ""), encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    tot = Counter()
    for r in rows:
        if r["transcribed"]:
            tot.update(r["counts"])
    print(f"{len(rows)} reports; transcribed cells: " + ", ".join(f"{k} {tot[k]}" for k in COLUMNS)
          + f" → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
