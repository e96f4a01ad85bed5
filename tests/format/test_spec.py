"""Format specs: every shipped spec loads with the statutory cell counts; broken specs fail loudly."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from nianbao.format.layout import layout
from nianbao.format.schema import build_schema
from nianbao.format.spec import SpecError, all_formats, format_for_year, load_spec
from nianbao.paths import formats_dir

SPECS = sorted(formats_dir().glob("*.yaml"))
COUNTS = {  # formats.md §4–§5: numeric cells per table
    "gov-info-disclosure-2019": {"proactive": 22, "requests": 23 * 7, "reviews": 15},
    "gov-info-disclosure-2021": {"proactive": 10, "requests": 25 * 7, "reviews": 15},
}


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_every_spec_loads_and_resolves(path):
    fmt = load_spec(path)
    assert fmt.id == path.stem
    for inst in fmt.instances:
        for key in inst.keys() + inst.keys(prev=True):
            assert key in fmt.cells, (inst.rule.id, key)
    assert set(layout(fmt).cells) == set(fmt.cells)


@pytest.mark.parametrize(("format_id", "counts"), COUNTS.items())
def test_statutory_cell_counts(format_id, counts):
    fmt = all_formats()[format_id]
    for table, n in counts.items():
        assert sum(c.table == table for c in fmt.cells.values()) == n, table
    assert len(fmt.input_keys()) == 166


@pytest.mark.parametrize("format_id", COUNTS)
def test_derived_cells_are_exactly_the_official_totals(format_id):
    fmt = all_formats()[format_id]
    derived = set(fmt.derived)
    t3 = {k for k in fmt.cells if k.startswith("requests.") and (k.endswith(".total") or ".outcome.total." in k)}
    t4 = {k for k in fmt.cells if k.startswith("reviews.") and k.endswith(".total")}
    assert derived == t3 | t4
    assert not any(k.startswith("proactive.") for k in derived)


def test_required_rules_present():
    ids = {fid: {r.id for r in f.rules} for fid, f in all_formats().items()}
    for fid in ids:
        assert {"T3-1", "T3-2", "T3-3", "T3-4", "T4-1", "T2-3", "T2-4"} <= ids[fid]
    assert "T2-6" in ids["gov-info-disclosure-2019"] and "T2-5" in ids["gov-info-disclosure-2019"]
    assert "T2-1" in ids["gov-info-disclosure-2021"]


def test_t3_1_expands_per_column():
    fmt = all_formats()["gov-info-disclosure-2021"]
    t31 = [i for i in fmt.instances if i.rule.id == "T3-1"]
    assert [dict(i.bindings)["col"] for i in t31] == [
        "natural", "commercial", "research", "nonprofit", "legal", "other_org", "total"]
    assert t31[0].keys() == ["requests.received.natural", "requests.carried_over.natural",
                             "requests.outcome.total.natural", "requests.carry_forward.natural"]


def test_t3_3_sums_every_leaf_outcome_row():
    for fmt in all_formats().values():
        inst = fmt.derived["requests.outcome.total.natural"]
        leaves = [k for k in fmt.cells if k.startswith("requests.outcome.") and k.endswith(".natural")
                  and k != "requests.outcome.total.natural"]
        assert sorted(inst.parts()) == sorted(leaves)
        assert len(leaves) == (19 if fmt.id.endswith("2019") else 21)  # 三 has 20 / 22 rows incl. （七）总计


def test_format_for_year_follows_the_notices():
    assert format_for_year(2019).id == "gov-info-disclosure-2019"
    assert format_for_year(2020).id == "gov-info-disclosure-2019"
    assert format_for_year(2021).id == "gov-info-disclosure-2021"
    assert format_for_year(2030).id == "gov-info-disclosure-2021"
    assert format_for_year(2018) is None


# -- malformed specs: each fails at load, naming the file and the place


def _broken(tmp_path: Path, edit) -> Path:
    src = formats_dir() / "gov-info-disclosure-2021.yaml"
    dst = tmp_path / "gov-info-disclosure-2021.yaml"
    dst.write_text(edit(src.read_text(encoding="utf-8")), encoding="utf-8")
    return dst


@pytest.mark.parametrize(
    ("edit", "expect"),
    [
        (lambda s: s.replace("money_tolerance:", "colour: red\nmoney_tolerance:"), r"\(top level\).*colour"),
        (lambda s: s.replace('"requests.carried_over.{col}"]', '"requests.carried_ovr.{col}"]', 1),
         r"rules\[0\] \(T3-1\).*unknown cell key 'requests.carried_ovr.natural'.*did you mean"),
        (lambda s: s.replace("    severity: error\n", "    severity: error\n    severity: warning\n", 1),
         r"line \d+: duplicate key 'severity'"),
        (lambda s: s.replace("{key: rules, label: 规章}", "{key: rules, label: 规章, lable: x}"),
         r"tables\[0\]\.blocks\[0\]\.rows\[0\].*lable"),
        (lambda s: s.replace("severity: error", "severity: fatal", 1), r"rules\[0\]\.severity"),
        (lambda s: s.replace('message: "“{col_label}”列：第一项', 'message: "“{colour}”列：第一项', 1),
         r"unknown placeholder \{colour\}"),
        (lambda s: s.replace('target: "requests.{row}.total"', 'target: "requests.{row}.natural"'),
         r"part of its own total"),
        (lambda s: s.replace("- {key: misc, label: 3.其他}", "- {key: misc, label: 3.其他}\n"
                             "                  - {key: misc, label: 4.重复}"), r"duplicate cell key"),
    ],
    ids=["unknown-top-key", "unknown-cell-in-rule", "duplicate-yaml-key", "unknown-row-key", "bad-enum",
         "unknown-placeholder", "self-sum", "duplicate-cell"],
)
def test_malformed_spec_is_rejected_with_place(tmp_path, edit, expect):
    path = _broken(tmp_path, edit)
    with pytest.raises(SpecError) as err:
        load_spec(path)
    assert path.name in str(err.value)
    assert re.search(expect, str(err.value), re.S), str(err.value)


def test_new_format_version_is_one_spec_file(tmp_path, monkeypatch):
    """A new statutory version needs one file: the engine loads, lays out and schemas it unchanged."""
    for path in SPECS:
        shutil.copy(path, tmp_path / path.name)
    text = (tmp_path / "gov-info-disclosure-2021.yaml").read_text(encoding="utf-8")
    text = text.replace("id: gov-info-disclosure-2021", "id: gov-info-disclosure-2099")
    text = text.replace("years: {from: 2021}", "years: {from: 2099}").replace("{key: misc, label: 3.其他}",
                                                                              "{key: misc, label: 3.其他情形}")
    (tmp_path / "gov-info-disclosure-2099.yaml").write_text(text, encoding="utf-8")
    text21 = (tmp_path / "gov-info-disclosure-2021.yaml").read_text(encoding="utf-8")
    (tmp_path / "gov-info-disclosure-2021.yaml").write_text(
        text21.replace("years: {from: 2021}", "years: {from: 2021, to: 2098}"), encoding="utf-8")
    monkeypatch.setenv("NIANBAO_FORMATS", str(tmp_path))
    all_formats.cache_clear()
    try:
        fmt = format_for_year(2100)
        assert fmt.id == "gov-info-disclosure-2099"
        assert layout(fmt).fingerprint() != layout(all_formats()["gov-info-disclosure-2021"]).fingerprint()
        assert build_schema(fmt)["properties"]["format"] == {"const": "gov-info-disclosure-2099"}
    finally:
        all_formats.cache_clear()


# -- the range of each number kind (issue 12 §5)


def test_every_kind_has_a_range_that_keeps_sums_exact():
    for fmt in all_formats().values():
        assert set(fmt.bounds) == {"count", "signed", "money"}
        for low, high in fmt.bounds.values():
            assert low <= 0 < high
            assert high * 100_000 < 2**53  # 100 000 reports of the largest value sum exactly in a double
        assert fmt.in_bounds("count", 0) and not fmt.in_bounds("count", -1)
        assert not fmt.in_bounds("count", 10**400) and not fmt.in_bounds("money", float("nan"))
        assert not fmt.in_bounds("money", float("inf")) and not fmt.in_bounds("money", "12")


@pytest.mark.parametrize(("edit", "expect"), [
    (lambda s: s.replace("  count: {minimum: 0, maximum: 999999999}\n", ""), r"kinds.*'count' is a required"),
    (lambda s: s.replace("money: {minimum: 0, maximum: 99999999.99}", "money: {minimum: 5, maximum: 1}"),
     r"kinds.money: minimum 5 is above maximum 1"),
    (lambda s: s.replace("count: {minimum: 0, maximum: 999999999}", "count: {minimum: 0, maximum: 1e400}"),
     r"kinds.count.maximum"),
], ids=["kind-missing", "min-above-max", "unbounded"])
def test_malformed_kind_ranges_are_rejected(tmp_path, edit, expect):
    path = _broken(tmp_path, edit)
    with pytest.raises(SpecError) as err:
        load_spec(path)
    assert re.search(expect, str(err.value), re.S), str(err.value)
