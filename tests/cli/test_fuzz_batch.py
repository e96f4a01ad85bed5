"""Fuzz of the batch paths: seeded zip- and byte-level mutations of a valid workbook go through
`check --json --annotate` and `compile`, and nothing escapes as an exception.

Every mutant must come back with a status, no file may trip the per-file safety net
(CHECK_FAILED: a defect), every readable mutant with findings gets an annotated copy or a
finding saying why not, and compile lists every file once.

`make test` runs exactly FUZZ_MUTANTS (150) seeded mutants, however long the machine takes: what
passes does not depend on its speed. Only `make fuzz` (NIANBAO_FUZZ=3000, NIANBAO_FUZZ_SECONDS=1800)
is time-boxed, and must still cover MIN_MUTANTS. A failure names the seed and the mutation, and
NIANBAO_FUZZ_SEED picks another seed to explore.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import time
import warnings
import zipfile
from collections import Counter
from pathlib import Path

import hostile
import pytest

from nianbao.cli import main

FUZZ_MUTANTS = int(os.environ.get("NIANBAO_FUZZ", "150"))
FUZZ_SECONDS = float(os.environ["NIANBAO_FUZZ_SECONDS"]) if os.environ.get("NIANBAO_FUZZ_SECONDS") else None
SEED = int(os.environ.get("NIANBAO_FUZZ_SEED", "20260112"))
BATCH = 50  # mutants per `check` run
MIN_MUTANTS = 100  # a time-boxed run on a loaded machine still covers this many

# Values no spreadsheet writes in a number cell, and markup that stresses a reader.
_HOSTILE_VALUES = [b"1E+999", b"-1E+999", b"NaN", b"inf", b"9e25", b"1" + b"0" * 400, b"-0", b"0x10", b"",
                   b"&#49;&#50;", b"<![CDATA[7]]>", b"1e308", b"-5", b"3.14159", b"\xef\xbf\xbf", b"99999999999"]
_HOSTILE_TEXT = [b"\x01\x02", b"&amp;&lt;", b"\xe2\x80\xae", b"<!-- c -->", b"\xc3\x28", b"&#0;", b"&#xD800;"]
_NUMBER = re.compile(rb"<v>[^<]*</v>")
_TEXT = re.compile(rb"<t[^>]*>[^<]*</t>")
_ATTR = re.compile(rb'(\s[a-zA-Z:]+=")([^"]*)(")')


def _parts(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


def _zip(parts: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        warnings.simplefilter("ignore")  # a duplicate part name is one of the mutations
        for name, data in parts:
            z.writestr(name, data)
    return buf.getvalue()


def _sub_one(rng: random.Random, pattern: re.Pattern, data: bytes, make) -> bytes:
    matches = list(pattern.finditer(data))
    if not matches:
        return data
    m = rng.choice(matches)
    return data[:m.start()] + make(m) + data[m.end():]


# -- zip-level: the archive stays a valid zip, a part's content changes --------------------------

def _value(rng, parts):
    i = rng.randrange(len(parts))
    name, data = parts[i]
    parts[i] = (name, _sub_one(rng, _NUMBER, data, lambda m: b"<v>" + rng.choice(_HOSTILE_VALUES) + b"</v>"))
    return f"value in {name}"


def _text(rng, parts):
    i = rng.randrange(len(parts))
    name, data = parts[i]
    parts[i] = (name, _sub_one(rng, _TEXT, data, lambda m: m.group(0)[:-4] + rng.choice(_HOSTILE_TEXT) + b"</t>"))
    return f"text in {name}"


def _attribute(rng, parts):
    i = rng.randrange(len(parts))
    name, data = parts[i]
    junk = rng.choice([b"", b"-1", b"99999999", b"A0", b"XFD1048577", b"\xff", b"&lt;", b"1:2", b"s"])
    parts[i] = (name, _sub_one(rng, _ATTR, data, lambda m: m.group(1) + junk + m.group(3)))
    return f"attribute in {name}"


def _drop(rng, parts):
    name, _ = parts.pop(rng.randrange(len(parts)))
    return f"dropped {name}"


def _truncate_part(rng, parts):
    i = rng.randrange(len(parts))
    name, data = parts[i]
    parts[i] = (name, data[:rng.randrange(len(data) + 1)])
    return f"truncated {name}"


def _flip_in_part(rng, parts):
    i = rng.randrange(len(parts))
    name, data = parts[i]
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    parts[i] = (name, bytes(data))
    return f"flipped bytes in {name}"


def _swap(rng, parts):
    i, j = rng.randrange(len(parts)), rng.randrange(len(parts))
    (a, da), (b, db) = parts[i], parts[j]
    parts[i], parts[j] = (a, db), (b, da)
    return f"swapped {a} and {b}"


def _duplicate_element(rng, parts):
    i = rng.randrange(len(parts))
    name, data = parts[i]
    rows = list(re.finditer(rb"<row [^>]*>.*?</row>", data, re.S))
    if rows:
        m = rng.choice(rows)
        data = data[:m.end()] + m.group(0) * rng.randint(1, 50) + data[m.end():]
    parts[i] = (name, data)
    return f"repeated a row in {name}"


def _nest(rng, parts):
    i = rng.randrange(len(parts))
    name, data = parts[i]
    depth = rng.choice([100, 5000, 50_000])
    at = data.rfind(b"</")
    if at > 0:
        data = data[:at] + b"<x>" * depth + b"</x>" * depth + data[at:]
    parts[i] = (name, data)
    return f"{depth} nested elements in {name}"


def _extra_part(rng, parts):
    name = rng.choice(["xl/worksheets/sheet99.xml", "xl/vbaProject.bin", "[Content_Types].xml", "../evil.xml",
                       "xl/sharedStrings.xml", "xl/styles.xml"])
    parts.append((name, rng.choice([b"", b"<x/>", b"\x00" * 100, parts[rng.randrange(len(parts))][1]])))
    return f"added {name}"


# -- byte-level: the file itself ------------------------------------------------------------------

def _flip_bytes(rng, data: bytes) -> tuple[bytes, str]:
    out = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out), "flipped bytes of the file"


def _truncate(rng, data: bytes) -> tuple[bytes, str]:
    n = rng.randrange(len(data))
    return data[:n], f"file truncated at {n}"


def _splice(rng, data: bytes) -> tuple[bytes, str]:
    at, n = rng.randrange(len(data)), rng.randint(1, 4096)
    return data[:at] + rng.randbytes(n) + data[at:], f"{n} random bytes inserted at {at}"


ZIP_MUTATORS = [_value, _value, _text, _attribute, _attribute, _drop, _truncate_part, _flip_in_part, _swap,
                _duplicate_element, _nest, _extra_part]
BYTE_MUTATORS = [_flip_bytes, _truncate, _splice]


def mutant(base: bytes, seed: int) -> tuple[bytes, str]:
    """One seeded mutant of base and what was done to it."""
    rng = random.Random(seed)
    if rng.random() < 0.25:
        return rng.choice(BYTE_MUTATORS)(rng, base)
    parts = _parts(base)
    done = [rng.choice(ZIP_MUTATORS)(rng, parts) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
    return _zip(parts), "; ".join(done)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> bytes:
    """A valid report with one error (so every readable mutant is annotated)."""
    d = tmp_path_factory.mktemp("fuzz-base")
    doc = hostile.report_document("FUZZ-01")
    doc["tables"]["requests.carry_forward.natural"] += 1
    return hostile.filled_workbook(d, "base.xlsx", doc).read_bytes()


def test_mutants_never_crash_check_annotate_or_compile(base, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("NIANBAO_DEBUG", raising=False)  # it turns per-file findings into tracebacks
    deadline = None if FUZZ_SECONDS is None else time.monotonic() + FUZZ_SECONDS
    inbox, annotated = tmp_path / "inbox", tmp_path / "annotated"
    inbox.mkdir()
    what: dict[str, str] = {}
    tally: Counter = Counter()
    done = 0
    while done < FUZZ_MUTANTS and (deadline is None or time.monotonic() < deadline):
        batch = inbox / f"batch{done // BATCH:03d}"
        batch.mkdir()
        for seed in range(SEED + done, SEED + min(done + BATCH, FUZZ_MUTANTS)):
            data, how = mutant(base, seed)
            (batch / f"m{seed}.xlsx").write_bytes(data)
            what[f"m{seed}.xlsx"] = f"seed {seed}: {how}"
        capsys.readouterr()
        assert main(["check", str(batch), "--json", "--annotate", str(annotated)]) in (0, 1, 2)
        printed = capsys.readouterr()
        assert "内部错误" not in printed.err, printed.err
        results = json.loads(printed.out)
        assert sorted(Path(r["file"]).name for r in results) == sorted(p.name for p in batch.iterdir())
        for r in results:
            name = Path(r["file"]).name
            rules = {f["rule"] for f in r["findings"]}
            assert r["status"] in ("ok", "warning", "error", "unreadable"), what[name]
            assert "CHECK_FAILED" not in rules, (what[name], r["findings"])
            if r["status"] != "unreadable" and r["findings"]:
                assert r.get("annotated") or rules & {"ANNOTATE_FAILED", "ANNOTATE_TOO_BIG"}, what[name]
            tally.update([r["status"], *(rule for rule in rules if rule.startswith("ANNOTATE"))])
        done += len(results)
    if deadline is None:
        assert done == FUZZ_MUTANTS
    else:
        assert done >= min(MIN_MUTANTS, FUZZ_MUTANTS), f"only {done} mutants in {FUZZ_SECONDS} s"
    names = {p.name for p in annotated.iterdir()}
    assert len(names) == sum(1 for _ in annotated.iterdir())  # no copy replaced another

    roster = tmp_path / "roster.csv"
    roster.write_text("code,name,level\nFUZZ-01,测试单位FUZZ-01,county\n", encoding="utf-8")
    out = tmp_path / "summary"
    capsys.readouterr()
    assert main(["compile", str(inbox), "--roster", str(roster), "--year", "2022", "-o", str(out),
                 "--no-render"]) in (0, 1), capsys.readouterr().err
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    listed = (sum(a["file"] is not None for a in summary["agencies"]) + len(summary["superseded"])
              + len(summary["unknown"]) + len(summary["unidentified"]) + len(summary["unusable"])
              + len(summary["rejected"]))
    assert listed == done
    print(f"fuzz: {done} mutants, {len(names)} annotated copies, {dict(sorted(tally.items()))}")
