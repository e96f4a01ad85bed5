"""Generated JSON Schemas: committed copies match the specs; errors map back to sheet and cell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from factory import valid_document
from jsonschema import Draft202012Validator

from nianbao.cli import main
from nianbao.format.layout import layout
from nianbao.format.schema import build_schema, schema_text, validate
from nianbao.format.spec import all_formats

SCHEMAS = Path(__file__).resolve().parents[2] / "templates" / "schemas"
FORMATS = sorted(all_formats())


@pytest.mark.parametrize("format_id", FORMATS)
def test_committed_schema_matches_spec(format_id):
    """If this fails, run: nianbao schema --format ID -o templates/schemas/ID.schema.json"""
    committed = (SCHEMAS / f"{format_id}.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(all_formats()[format_id])


@pytest.mark.parametrize("format_id", FORMATS)
def test_schema_is_valid_draft_2020_12(format_id):
    schema = build_schema(all_formats()[format_id])
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"].endswith("2020-12/schema")
    assert schema["additionalProperties"] is False
    assert schema["properties"]["tables"]["additionalProperties"] is False
    assert set(schema["then"]["properties"]["tables"]["required"]) == set(all_formats()[format_id].cells)
    assert schema["if"] == {"not": {"required": ["cell_states"]}}  # only imported documents may leave cells out


@pytest.mark.parametrize("format_id", FORMATS)
def test_valid_document_passes_and_bad_ones_fail(format_id):
    fmt = all_formats()[format_id]
    doc = valid_document(fmt)
    assert validate(fmt, doc) == []
    lay = layout(fmt)
    doc["tables"]["requests.received.natural"] = "12"
    doc["tables"]["reviews.admin_review.upheld"] = -1
    del doc["tables"]["requests.carry_forward.legal"]
    doc["tables"]["requests.bogus"] = 1
    doc["colour"] = "red"
    found = {(f.cell, f.key) for f in validate(fmt, doc)}
    assert (lay.cells["requests.received.natural"].ref, "requests.received.natural") in found
    assert (lay.cells["reviews.admin_review.upheld"].ref, "reviews.admin_review.upheld") in found
    assert (lay.cells["requests.carry_forward.legal"].ref, "requests.carry_forward.legal") in found
    messages = " ".join(f.message for f in validate(fmt, doc))
    assert "requests.bogus" in messages and "colour" in messages
    assert "未填写" in messages and "非负整数" in messages


def test_money_cell_message_names_the_unit():
    fmt = all_formats()["gov-info-disclosure-2021"]
    doc = valid_document(fmt)
    doc["tables"]["proactive.fees.amount"] = -5
    (f,) = validate(fmt, doc)
    assert f.sheet == "表二 主动公开" and f.cell == layout(fmt).cells["proactive.fees.amount"].ref
    assert "万元" in f.message


def test_schema_command(capsys, tmp_path):
    assert main(["schema", "--year", "2020"]) == 0
    assert json.loads(capsys.readouterr().out)["properties"]["format"]["const"] == "gov-info-disclosure-2019"
    out = tmp_path / "s.json"
    assert main(["schema", "--format", "gov-info-disclosure-2021", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["properties"]["year"]["minimum"] == 2021
    assert main(["schema", "--format", "nope"]) == 2
    assert main(["schema", "--year", "2010"]) == 2


@pytest.mark.parametrize("format_id", FORMATS)
def test_fast_and_reference_validators_agree(format_id):
    """jsonschema-rs only short-cuts valid documents; both validators must agree on validity."""
    from nianbao.format.schema import _fast_validator, validator

    fmt = all_formats()[format_id]
    fast = _fast_validator(fmt)
    assert fast is not None, "jsonschema-rs is a declared dependency"
    good = valid_document(fmt)
    variants = [good]
    for key, value in [("requests.received.natural", None), ("requests.received.natural", 1.5),
                       ("requests.received.natural", -1), ("requests.received.natural", "1"),
                       ("requests.received.natural", True)]:
        bad = json.loads(json.dumps(good))
        bad["tables"][key] = value
        variants.append(bad)
    extra = json.loads(json.dumps(good))
    extra["surplus"] = 1
    variants.append(extra)
    for doc in variants:
        assert fast.is_valid(doc) == validator(fmt).is_valid(doc), doc["tables"]["requests.received.natural"]
    assert [fast.is_valid(d) for d in variants] == [True] + [False] * 6


def test_errors_outside_the_tables_are_chinese_sentences():
    fmt = all_formats()["gov-info-disclosure-2021"]
    doc = valid_document(fmt)
    doc["year"] = 2019
    doc["agency"]["level"] = "village"
    del doc["agency"]["code"]
    doc["date"] = 20220120
    messages = sorted(f.message for f in validate(fmt, doc))
    assert messages == sorted([
        "报告数据缺少单位代码。",
        "单位层级应为以下之一：city、county、province、township，现为 \"village\"。",
        "报告年度超出了本格式适用的范围（不小于 2021），现为 2019。",
        "报告日期应为文字，现为 20220120。",
    ])
