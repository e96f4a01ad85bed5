"""What the county/state.py tests send and do: the files (checked once), last year's store, an office."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import hostile
import pytest
from factory import _balance_requests, valid_document

from nianbao.check.run import check_file
from nianbao.county import review
from nianbao.county.gather import check_for_compile
from nianbao.county.roster import load_roster
from nianbao.county.store import Store, sha256_of
from nianbao.format.document import compute_derived
from nianbao.format.spec import all_formats
from nianbao.template.write import write_template
from nianbao.workflow.compile import CompileOptions, compile_reports

F19 = all_formats()["gov-info-disclosure-2019"]
F21 = all_formats()["gov-info-disclosure-2021"]
COLS = ("natural", "commercial", "research", "nonprofit", "legal", "other_org")
T0 = dt.datetime(2022, 1, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def agency(i: int) -> dict:
    return {"name": f"测试县第{i}局", "code": f"A{i:02d}", "level": "county"}


def _carried_from(doc: dict, prev: dict, seed: int) -> dict:
    """doc with 上年结转 = last year's 结转下年度, still balanced (T3-1) in itself."""
    for col in COLS:
        doc["tables"][f"requests.carried_over.{col}"] = prev["tables"][f"requests.carry_forward.{col}"]
    _balance_requests(F21, doc["tables"], random.Random(seed))
    doc["tables"] = compute_derived(F21, doc["tables"])
    return doc


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    """The files every scenario sends, checked once; last year's store; the roster."""
    d = tmp_path_factory.mktemp("files")
    prev = {i: valid_document(F19, 2020, seed=40 + i, agency=agency(i)) for i in (1, 2)}
    good = _carried_from(valid_document(F21, 2021, seed=1, agency=agency(1)), prev[1], 1)
    good2 = _carried_from(valid_document(F21, 2021, seed=2, agency=agency(1)), prev[1], 2)
    carry = _carried_from(valid_document(F21, 2021, seed=3, agency=agency(1)), prev[1], 3)
    carry["tables"]["requests.carried_over.natural"] += 1  # T3-4 against last year only: balanced in itself
    carry["tables"]["requests.carry_forward.natural"] += 1
    carry["tables"] = compute_derived(F21, carry["tables"])
    bad = _carried_from(valid_document(F21, 2021, seed=4, agency=agency(1)), prev[1], 4)
    bad["tables"]["requests.carry_forward.natural"] += 3  # T3-1: 一+二 ≠ 三+四
    bad["tables"] = compute_derived(F21, bad["tables"])
    other = _carried_from(valid_document(F21, 2021, seed=5, agency=agency(2)), prev[2], 5)
    files = {name: write_template(F21, 2021, doc["agency"], d / f"{name}.xlsx", document=doc)
             for name, doc in (("good", good), ("good2", good2), ("carry", carry), ("bad", bad), ("other", other))}
    files["wrong_year"] = write_template(F19, 2020, prev[1]["agency"], d / "wrong_year.xlsx", document=prev[1])
    files["ods"] = d / "ods.ods"
    files["ods"].write_bytes(b"PK\x03\x04 an OpenDocument spreadsheet, not a workbook nianbao reads")
    files["docx"] = hostile.docx(d).rename(d / "docx.docx")
    last = Store(tmp_path_factory.mktemp("s") / "2020")
    for i in (1, 2):
        path = write_template(F19, 2020, prev[i]["agency"], d / f"prev{i}.xlsx", document=prev[i])
        last.receive(path, check_file(path), actor="collect")
    roster_csv = d / "roster.csv"
    roster_csv.write_text("code,name,level\nA01,测试县第1局,county\nA02,测试县第2局,county\n", encoding="utf-8")
    checked = {}

    def check(path, **options):  # compile's check, once per file and options
        key = (sha256_of(Path(path)), tuple(sorted((k, str(v)) for k, v in options.items())))
        if key not in checked:
            checked[key] = check_for_compile(path, **options)
        return checked[key]

    names = {sha256_of(p): n for n, p in files.items()}
    return {"files": files, "last": last.root, "roster": load_roster(roster_csv), "check": check, "names": names,
            "prev": prev}


class Office:
    """A store, and the steps a county's office and departments take on it."""

    def __init__(self, kit, root: Path):
        self.kit = kit
        self.store = Store(root)
        self.store.ensure()
        self.previous = None
        self.t = T0

    def send(self, name: str, via: str | None = "A01") -> None:
        path = self.kit["files"][name]
        self.t += dt.timedelta(minutes=7)
        self.store.receive(path, check_file(path, expect_year=2021), actor=f"agency:{via}" if via else "collect",
                           via=via, original_name=f"{name}{path.suffix}", received_at=self.t)

    def compile(self, **options):
        return compile_reports(CompileOptions(fmt=F21, year=2021, roster=self.kit["roster"], out_dir=Path("unused"),
                                              store=self.store.root, previous=self.previous, **options),
                               check=self.kit["check"])

    def state(self, code: str):
        return next(s for s in self.compile().statuses if s.entry.code == code)

    def step(self, step: tuple) -> None:
        kind, *args = step
        if kind == "send":
            self.send(*args)
        elif kind == "previous":
            self.previous = self.kit["last"]
        elif kind == "accept":
            review.accept(self.store, self.state(args[0]), args[1], "cli:test")
        elif kind == "return":
            review.return_(self.store, self.state(args[0]), args[1], "cli:test")
        elif kind == "explain":
            st = self.state(args[0])
            f = next(f for f in st.findings if f.rule == args[1])
            review.explain(self.store, st, f, args[2], f"agency:{args[0]}")
        else:
            raise AssertionError(kind)


def name_of(kit, st) -> str | None:
    return kit["names"][st.current.sha256] if st.current else None


