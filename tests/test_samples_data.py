"""The shipped sample data (samples/): valid, consistent, and faithful where it is real.

The rule check here is a deliberately tiny evaluator over fmt.instances, independent of
nianbao.check.rules, so a bug there cannot hide a bad sample (and vice versa).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from nianbao.county.roster import load_roster
from nianbao.format.document import as_decimal, compute_derived
from nianbao.format.schema import validate
from nianbao.format.spec import Format, RuleInstance, get_format
from nianbao.intake.normalise import normalise

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
YEARS = (2020, 2021)
REAL_LUOBEI = SAMPLES / "reports" / "2020" / "230421-13.json"
REPORT_PATHS = sorted((SAMPLES / "reports").glob("*/*.json"))
REAL_PATHS = sorted((SAMPLES / "real").glob("*.json"))
ALL_PATHS = REPORT_PATHS + REAL_PATHS


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, SAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- tiny rule evaluator

_OPS = {
    "==": lambda a, b, tol: abs(a - b) <= tol,
    "<=": lambda a, b, tol: a <= b + tol,
    ">=": lambda a, b, tol: a + tol >= b,
    "<": lambda a, b, tol: a < b,
    ">": lambda a, b, tol: a > b,
}


def _side(terms, tables: dict, prev: dict | None) -> Decimal:
    total = Decimal(0)
    for t in terms:
        value = t.const if t.key is None else as_decimal((prev if t.prev else tables)[t.key])
        total += t.sign * value
    return total


def holds(fmt: Format, inst: RuleInstance, tables: dict, prev: dict | None = None) -> bool:
    money = any(t.key and fmt.cells[t.key].kind == "money" for t in inst.left + inst.right)
    tol = fmt.money_tolerance if money else Decimal(0)
    return _OPS[inst.op](_side(inst.left, tables, prev), _side(inst.right, tables, prev), tol)


def broken_rules(fmt: Format, doc: dict) -> list[tuple[str, str]]:
    """(rule id, anchor cell) of every non-cross-year instance that applies to the agency and fails."""
    level = doc["agency"].get("level")
    return [
        (inst.rule.id, inst.anchor)
        for inst in fmt.instances
        if not inst.rule.cross_year
        and not (inst.rule.applies_to and level not in inst.rule.applies_to)
        and not holds(fmt, inst, doc["tables"])
    ]


def test_the_evaluator_can_fail():
    """Break one number of a valid sample: the evaluator names exactly the rules it breaks."""
    doc = _load(SAMPLES / "reports" / "2021" / "230421-08.json")
    fmt = get_format(doc["format"])
    assert broken_rules(fmt, doc) == []
    doc["tables"]["requests.received.natural"] += 1
    assert broken_rules(fmt, doc) == [("T3-1", "requests.received.natural"), ("T3-2", "requests.received.total")]
    doc["tables"]["requests.received.natural"] -= 1
    doc["tables"]["proactive.rules.issued"] = 1  # T2-3 applies to county agencies only
    assert ("T2-3", "proactive.rules.issued") in broken_rules(fmt, doc)
    doc["agency"]["level"] = "city"
    assert broken_rules(fmt, doc) == []


def test_money_is_compared_with_the_spec_tolerance():
    fmt = get_format("gov-info-disclosure-2021")
    inst = next(i for i in fmt.instances if i.rule.id == "T2-4")
    assert holds(fmt, inst, {"proactive.fees.amount": 999.99})
    assert not holds(fmt, inst, {"proactive.fees.amount": 1000.0})


# ---------------------------------------------------------------- every document


def test_the_sample_set_is_complete():
    assert len(REPORT_PATHS) == 36
    assert [p.name for p in REAL_PATHS] == ["huaian-2024.json", "pingtan-2019.json"]


@pytest.mark.parametrize("path", ALL_PATHS, ids=_id)
def test_document_matches_the_schema(path):
    doc = _load(path)
    assert validate(get_format(doc["format"]), doc) == []


@pytest.mark.parametrize("path", ALL_PATHS, ids=_id)
def test_document_satisfies_every_rule_of_its_year(path):
    """T3-1, T3-2, T3-3, T4-1, T2-3, T2-4, T2-6 …: totals are present and correct."""
    doc = _load(path)
    fmt = get_format(doc["format"])
    assert fmt.covers(doc["year"])
    assert broken_rules(fmt, doc) == []


@pytest.mark.parametrize("path", REPORT_PATHS, ids=_id)
def test_luobei_document_is_complete_and_well_formed(path):
    doc = _load(path)
    fmt = get_format(doc["format"])
    assert doc["format"] == {2020: "gov-info-disclosure-2019", 2021: "gov-info-disclosure-2021"}[doc["year"]]
    assert path.parent.name == str(doc["year"])
    assert path.stem == doc["agency"]["code"]
    assert set(doc["tables"]) == set(fmt.cells)
    assert all(v == 0 for k, v in doc["tables"].items() if k.startswith("proactive.rules."))
    assert re.fullmatch(r"20\d\d年\d{1,2}月\d{1,2}日", doc["date"])
    assert all(doc["sections"][key].strip() for key in ("overview", "problems", "other"))
    for key, cell in fmt.cells.items():
        if cell.kind == "money":
            assert as_decimal(doc["tables"][key]) == as_decimal(doc["tables"][key]).quantize(Decimal("0.01"))


def test_made_up_texts_are_not_copies():
    """No two reports share a 一 or 五 text: not across agencies, not from one year to the next."""
    seen: dict[str, str] = {}
    for path in REPORT_PATHS:
        doc = _load(path)
        for key in ("overview", "problems"):
            text = doc["sections"][key]
            assert text not in seen, f"{_id(path)} {key} repeats {seen.get(text)}"
            seen[text] = _id(path)


# ---------------------------------------------------------------- roster and years


def test_roster_codes_match_the_report_files_one_to_one():
    roster = load_roster(SAMPLES / "roster-luobei.csv")
    assert 16 <= len(roster) <= 18
    codes = [e.code for e in roster]
    for year in YEARS:
        assert sorted(p.stem for p in (SAMPLES / "reports" / str(year)).glob("*.json")) == sorted(codes)
    for entry in roster:
        assert entry.level in ("county", "township")
        assert entry.group in ("县政府", "县直部门", "乡镇")
        assert entry.email.endswith("@luobei.example")
        for year in YEARS:
            agency = _load(SAMPLES / "reports" / str(year) / f"{entry.code}.json")["agency"]
            assert agency == {"name": entry.name, "code": entry.code, "level": entry.level}


@pytest.mark.parametrize("code", [e.code for e in load_roster(SAMPLES / "roster-luobei.csv")])
def test_2021_carried_over_equals_2020_carry_forward(code):
    """T3-4, per column, across the 2019 → 2021 format change."""
    before = _load(SAMPLES / "reports" / "2020" / f"{code}.json")["tables"]
    doc = _load(SAMPLES / "reports" / "2021" / f"{code}.json")
    fmt = get_format(doc["format"])
    t34 = [i for i in fmt.instances if i.rule.id == "T3-4"]
    assert len(t34) == 7
    for inst in t34:
        assert holds(fmt, inst, doc["tables"], before), inst.bindings


# ---------------------------------------------------------------- the real 萝北县 report


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _source_part(lines: list[str], start: str, stop: str) -> str:
    """The text between the heading line `start` and the line `stop` (last occurrence)."""
    first = next(i for i, line in enumerate(lines) if line.strip().startswith(start))
    last = max(i for i, line in enumerate(lines) if line.strip() == stop)
    return _squash("".join(lines[first + 1:last]))


def test_luobei_gxkj_2020_numbers_are_the_real_reports_zeros():
    doc = _load(REAL_LUOBEI)
    assert doc["agency"]["name"] == "萝北县工业信息科技局"
    assert (doc["format"], doc["year"], doc["date"]) == ("gov-info-disclosure-2019", 2020, "2020年12月31日")
    assert all(v == 0 for v in doc["tables"].values())


def test_luobei_gxkj_2020_sections_are_transcribed_completely():
    lines = (SAMPLES / "real" / "transcribed" / "luobei-gxkj-2020.txt").read_text(encoding="utf-8").splitlines()
    sections = _load(REAL_LUOBEI)["sections"]
    assert _squash(sections["overview"]) == _source_part(lines, "一、总体情况", "二、主动公开政府信息情况")
    assert _squash(sections["problems"]) == _source_part(lines, "五、", "萝北县工业信息科技局")
    for sentence in ("马新军任组长，张凯任副组长", "“分类指导、统筹规划、加强工作、搞好服务、树立形象”二十字工作方针",
                     "2020年共报送快讯类信息36篇，调研类信息4篇。没有收到信息公开申请"):
        assert sentence in sections["overview"]
    assert "（一）领导重视\n" in sections["overview"]
    assert "（二）各项制度完善、组织健全\n" in sections["overview"]
    assert "三是一些规章制度还不够完善和健全，需要进一步完善和健全。" in sections["problems"]
    assert sections["other"] == "无。"  # the published report has no section 六


def test_make_reports_never_overwrites_real_or_edited_files(tmp_path, capsys):
    copy = tmp_path / "samples"
    shutil.copytree(SAMPLES, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    make_reports = _module("make_reports")
    make_reports.HERE = copy
    real, made_up = copy / "reports/2020/230421-13.json", copy / "reports/2020/230421-05.json"
    real.write_text(real.read_text(encoding="utf-8").replace("无。", "（手工修改）"), encoding="utf-8")
    edited = made_up.read_text(encoding="utf-8").replace("城乡低保", "城乡最低生活保障")
    made_up.write_text(edited, encoding="utf-8")
    assert make_reports.main([]) == 0
    assert "230421-05.json" in capsys.readouterr().out
    assert made_up.read_text(encoding="utf-8") == edited
    assert make_reports.main(["--force"]) == 0
    assert "城乡最低生活保障" not in made_up.read_text(encoding="utf-8")
    assert "（手工修改）" in real.read_text(encoding="utf-8")
    capsys.readouterr()
    assert make_reports.main([]) == 0
    assert "保留已修改的文件" not in capsys.readouterr().out


# ---------------------------------------------------------------- real published reports


def test_convert_real_reproduces_the_committed_files():
    convert_real = _module("convert_real")
    for path in REAL_PATHS:
        source = _load(SAMPLES / "real" / "transcribed" / path.name)
        assert convert_real.dump_document(convert_real.convert(path.stem, source)) == path.read_text(encoding="utf-8")


def _published(source: dict, table: str, label: str, column: str):
    if table == "table2":
        row = next(r for r in source["table2"] if r["item"] == label and column in r["columns"])
        return row["values"][row["columns"].index(column)]
    if table == "table3":
        row = next(r for r in source["table3"]["rows"] if r["label"] == label)
        return row["values"][source["table3"]["columns"].index(column)]
    return source["table4"]["values"][source["table4"]["columns"].index(column)]


@pytest.mark.parametrize(("name", "table", "label", "column", "key"), [
    ("huaian-2024", "table2", "行政许可", "本年处理决定数量", "proactive.licensing.decisions"),
    ("huaian-2024", "table2", "行政规范性文件", "本年废止件数", "proactive.normative_docs.repealed"),
    ("huaian-2024", "table2", "行政事业性收费", "本年收费金额（单位：万元）", "proactive.fees.amount"),
    ("huaian-2024", "table3", "一、本年新收政府信息公开申请数量", "总计", "requests.received.total"),
    ("huaian-2024", "table3", "三、本年度办理结果/（六）其他处理/3.其他", "自然人",
     "requests.outcome.other.misc.natural"),
    ("huaian-2024", "table3", "三、本年度办理结果/（七）总计", "法律服务机构", "requests.outcome.total.legal"),
    ("huaian-2024", "table3", "四、结转下年度继续办理", "总计", "requests.carry_forward.total"),
    ("huaian-2024", "table4", "", "行政复议-总计", "reviews.admin_review.total"),
    ("huaian-2024", "table4", "", "复议后起诉-尚未审结", "reviews.litigation_after_review.pending"),
    ("pingtan-2019", "table2", "规范性文件", "对外公开总数量", "proactive.normative_docs.total_public"),
    ("pingtan-2019", "table2", "行政处罚", "上一年项目数量", "proactive.penalty.prev_count"),
    ("pingtan-2019", "table2", "政府集中采购", "采购项目数量", "proactive.procurement.projects"),
    ("pingtan-2019", "table3", "三、本年度办理结果/（四）无法提供/3.补正后申请内容仍不明确", "自然人",
     "requests.outcome.unable.unclear.natural"),
    ("pingtan-2019", "table3", "三、本年度办理结果/（五）不予处理/2.重复申请", "总计",
     "requests.outcome.not_processed.repeated.total"),
    ("pingtan-2019", "table4", "", "未经复议直接起诉-总计", "reviews.litigation_direct.total"),
])
def test_real_report_cell_is_as_published(name, table, label, column, key):
    source = _load(SAMPLES / "real" / "transcribed" / f"{name}.json")
    assert _load(SAMPLES / "real" / f"{name}.json")["tables"][key] == _published(source, table, label, column)


@pytest.mark.parametrize("name", ["huaian-2024", "pingtan-2019"])
def test_real_report_keeps_every_published_number(name):
    """Nothing dropped, doubled or recomputed: the tables hold exactly the published values."""
    source = _load(SAMPLES / "real" / "transcribed" / f"{name}.json")
    doc = _load(SAMPLES / "real" / f"{name}.json")
    fmt = get_format(doc["format"])
    tables = doc["tables"]
    published3 = sorted(v for row in source["table3"]["rows"] for v in row["values"])
    assert sorted(v for k, v in tables.items() if k.startswith("requests.")) == published3
    assert [tables[k] for k in fmt.cells if k.startswith("reviews.")] == source["table4"]["values"]
    counts2 = sorted(v for row in source["table2"] for v, col in zip(row["values"], row["columns"], strict=True)
                     if "金额" not in col)
    counts = sorted(v for k, v in tables.items() if k.startswith("proactive.") and fmt.cells[k].kind != "money")
    assert counts == counts2
    assert compute_derived(fmt, tables) == tables  # the published totals are consistent as they stand


def test_pingtan_procurement_amount_in_wan_yuan():
    """“75394432.52元” → 7539.443252 万元 → 7539.44 (two decimals)."""
    doc = _load(SAMPLES / "real" / "pingtan-2019.json")
    assert doc["tables"]["proactive.procurement.amount"] == 7539.44
    assert (doc["agency"]["level"], doc["contact"], doc["sections"]["problems"]) == ("city", {
        "person": "", "phone": "", "department": ""}, "")


# ---------------------------------------------------------------- the 2021 inbox description


def _inbox() -> dict:
    return yaml.safe_load((SAMPLES / "inbox-2021.yaml").read_text(encoding="utf-8"))


def test_inbox_covers_the_roster_with_the_described_trouble():
    inbox = _inbox()
    codes = {e.code for e in load_roster(SAMPLES / "roster-luobei.csv")}
    files = inbox["files"]
    missing = {m["agency"] for m in inbox["missing"]}
    senders = [f["agency"] for f in files]
    assert set(senders) | missing == codes
    assert not set(senders) & missing
    assert [f["received"] for f in files] == sorted(f["received"] for f in files)
    assert len({f["file"] for f in files}) == len(files)
    kinds = [f.get("trouble") for f in files]
    for trouble in ("balance", "text_normalised", "text_rejected", "last_year_template", "not_a_workbook",
                    "carried_corrected"):
        assert kinds.count(trouble) == 1, trouble
    twice = [f for f in files if f.get("trouble") == "sent_twice"]
    assert [f["version"] for f in twice] == [1, 2]
    assert twice[0]["agency"] == twice[1]["agency"]
    assert "edits" in twice[0]
    assert "edits" not in twice[1]
    old = next(f for f in files if f.get("trouble") == "last_year_template")
    assert old["template"] == {"format": "gov-info-disclosure-2019", "year": 2020}
    assert _load(SAMPLES / old["document"])["year"] == 2020
    assert next(f for f in files if f.get("trouble") == "not_a_workbook")["file"].endswith(".docx")


def _edited(entry: dict) -> tuple[Format, dict]:
    doc = _load(SAMPLES / entry.get("document", f"reports/2021/{entry['agency']}.json"))
    fmt = get_format(doc["format"])
    for edit in entry.get("edits", []):
        if "section" in edit:  # words written otherwise: exactly once, as build.py requires
            assert doc["sections"][edit["section"]].count(edit["from"]) == 1, edit
            doc["sections"][edit["section"]] = doc["sections"][edit["section"]].replace(edit["from"], edit["to"])
            continue
        assert edit["cell"] in fmt.cells, edit
        assert edit["cell"] not in fmt.derived, edit
        assert doc["tables"][edit["cell"]] == edit["from"], edit
        outcome = normalise(edit["to"], fmt.cells[edit["cell"]].kind)
        doc["tables"][edit["cell"]] = None if outcome.value is None else int(outcome.value)
    doc["tables"] = compute_derived(fmt, {k: v for k, v in doc["tables"].items() if k not in fmt.derived})
    return fmt, doc


@pytest.mark.parametrize("entry", [f for f in _inbox()["files"] if f["content"] == "workbook"],
                         ids=lambda f: f"{f['agency']}-{f.get('trouble', 'clean')}{f.get('version', '')}")
def test_inbox_edits_cause_exactly_the_expected_findings(entry):
    """What the edits do to the numbers, as the reader would take them (normalised or rejected)."""
    fmt, doc = _edited(entry)
    expected = [tuple(f) for f in entry["expect"].get("findings", [])]
    rejected = [(code, key) for code, key in expected if code == "CELL_TEXT"]
    noted = [(code, key) for code, key in expected if code == "CELL_NORMALISED"]
    if rejected:  # the reader refuses the value: the cell is unknown and its rules cannot be evaluated
        assert all(doc["tables"][key] is None for _, key in rejected)
        return
    for edit in (e for e in entry.get("edits", []) if "cell" in e):
        outcome = normalise(edit["to"], fmt.cells[edit["cell"]].kind)
        assert (outcome.note is not None) == (("CELL_NORMALISED", edit["cell"]) in noted)
    rules = [(r, k) for r, k in expected if re.fullmatch(r"T\d-\d", r)]
    if entry.get("template"):
        assert entry["expect"]["findings"] == [["WRONG_YEAR", None]]
        rules = []
    assert broken_rules(fmt, doc) == rules
