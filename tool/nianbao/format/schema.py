"""JSON Schema (draft 2020-12) of a report document, generated from a format spec.

Also maps each validation error back to the workbook cell it concerns, as a Chinese
sentence, so a schema error reads like every other finding.
"""

from __future__ import annotations

import json
from functools import cache

from jsonschema import Draft202012Validator

from nianbao.findings import Code, Finding, finding

from .document import AGENCY_LEVELS, CONTACT_KEYS
from .layout import layout
from .spec import Format

DRAFT = "https://json-schema.org/draft/2020-12/schema"

# One mapping from a cell kind to a JSON type; its range comes from the spec's kinds: (kind_schema).
# template/sheets.py has the matching validation table.
JSON_TYPE = {"count": "integer", "signed": "integer", "money": "number"}

_TEXT = {"type": "string"}


def build_schema(fmt: Format) -> dict:
    cell_props = {}
    for key, cell in fmt.cells.items():
        label = " / ".join(p for p in (fmt.table(cell.table).heading, cell.row_label, cell.column_label) if p)
        cell_props[key] = {**kind_schema(fmt, cell.kind), "description": f"{label}（{cell.unit}）"}
    return {
        "$schema": DRAFT,
        "$id": f"https://nianbao.invalid/schemas/{fmt.id}.schema.json",
        "title": f"{fmt.title}（{fmt.notice}）— 年度报告数据",
        "type": "object",
        "additionalProperties": False,
        "required": ["format", "year", "agency", "sections", "tables"],
        "properties": {
            "format": {"const": fmt.id},
            "year": {"type": "integer", "minimum": fmt.year_from, **({"maximum": fmt.year_to} if fmt.year_to else {})},
            "agency": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "code"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "code": {"type": "string", "minLength": 1},
                    "level": {"enum": sorted(AGENCY_LEVELS)},
                },
            },
            "contact": {"type": "object", "additionalProperties": False,
                        "properties": {k: _TEXT for k in CONTACT_KEYS}},
            "date": _TEXT,
            "sections": {
                "type": "object",
                "additionalProperties": False,
                "required": [s.key for s in fmt.text_sections()],
                "properties": {s.key: {**_TEXT, "description": s.heading} for s in fmt.text_sections()},
            },
            "tables": {
                "type": "object",
                "additionalProperties": False,
                "properties": cell_props,
            },
            "provenance": {"type": "object", "additionalProperties": {"type": "string"}},
            "cell_states": _cell_states(fmt),
            "imported": _IMPORTED,
            "consolidated": {
                "type": "object",
                "additionalProperties": False,
                "required": ["members"],
                "properties": {
                    "members": {"type": "array", "items": {
                        "type": "object", "additionalProperties": False, "required": ["code", "name"],
                        "properties": {"code": _TEXT, "name": _TEXT, "level": _TEXT}}},
                },
            },
        },
        # A document without cell states (every document nianbao writes itself) has every cell;
        # one read from a published report leaves out the cells printed blank or unreadable and
        # says so in cell_states (published/states.py checks that every left-out cell has one).
        "if": {"not": {"required": ["cell_states"]}},
        "then": {"properties": {"tables": {"required": list(fmt.cells)}}},
    }


def kind_schema(fmt: Format, kind: str) -> dict:
    """{"type": "integer", "minimum": 0, "maximum": 999999999} for a count cell of the format."""
    low, high = fmt.bounds[kind]
    return {"type": JSON_TYPE[kind], "minimum": _json_number(low), "maximum": _json_number(high)}


def _json_number(value) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# How a cell of a published report was printed, when it was not simply a number
# (nianbao.published): blank (printed empty: not a zero), unreadable (not read with
# confidence), reconstructed (split out of run-together text by the row's own total),
# or a number with a note (a unit printed in the cell that is not the format's).
CELL_STATES = ("number", "blank", "unreadable", "reconstructed")


def _cell_states(fmt: Format) -> dict:
    return {
        "type": "object",
        "propertyNames": {"enum": list(fmt.cells)},
        "additionalProperties": {
            "type": "object",
            "additionalProperties": False,
            "required": ["state"],
            "properties": {"state": {"enum": list(CELL_STATES)}, "printed": _TEXT, "note": _TEXT, "unit": _TEXT},
        },
    }


# Where an imported document came from: the file, its hash, the reader and its settings, and
# the findings made while reading (each a finding as check prints it).
_IMPORTED = {
    "type": "object",
    "properties": {"file": _TEXT, "sha256": _TEXT, "reader": _TEXT, "title": _TEXT,
                   "settings": {"type": "object"}, "findings": {"type": "array", "items": {"type": "object"}}},
}


def schema_text(fmt: Format) -> str:
    return json.dumps(build_schema(fmt), ensure_ascii=False, indent=2) + "\n"


@cache
def validator(fmt: Format) -> Draft202012Validator:
    return Draft202012Validator(build_schema(fmt))


@cache
def _fast_validator(fmt: Format):
    """jsonschema-rs answers "valid?" ~100× faster; python-jsonschema then explains the invalid ones."""
    try:
        import jsonschema_rs
    except ImportError:  # optional accelerator: the answer is the same without it
        return None
    return jsonschema_rs.Draft202012Validator(build_schema(fmt))


def prepare(fmt: Format) -> None:
    """Build the validators now (see check.prepare)."""
    _fast_validator(fmt)
    validator(fmt)


_KIND_WORDS = {"count": "非负整数", "signed": "整数（减少填负数）", "money": "不小于 0 的金额（万元）"}


_FIELD_NAMES = {"format": "格式版本", "year": "报告年度", "agency": "单位信息", "agency/name": "单位名称",
                "agency/code": "单位代码", "agency/level": "单位层级", "contact": "联系人信息", "date": "报告日期",
                "sections": "正文", "tables": "表格数据", "consolidated": "汇总信息"}


def _field_sentence(path: list, err) -> str:
    """A Chinese sentence for a schema error outside the table cells (a report document given as JSON)."""
    where = "/".join(map(str, path))
    name = _FIELD_NAMES.get(where, f"“{where or '顶层'}”")
    shown = json.dumps(err.instance, ensure_ascii=False)[:60]
    if err.validator == "required":
        return f"报告数据缺少{name}。"
    if err.validator == "const":
        return f"{name}应为 {err.validator_value}，现为 {shown}。"
    if err.validator == "enum":
        return f"{name}应为以下之一：{'、'.join(map(str, err.validator_value))}，现为 {shown}。"
    if err.validator in ("minimum", "maximum"):
        return f"{name}超出了本格式适用的范围（{'不小于' if err.validator == 'minimum' else '不大于'} " \
               f"{err.validator_value}），现为 {shown}。"
    if err.validator == "minLength":
        return f"{name}不能为空。"
    if err.validator == "type":
        words = {"string": "文字", "integer": "整数", "object": "一组字段", "array": "列表", "number": "数字"}
        want = err.validator_value if isinstance(err.validator_value, str) else err.validator_value[0]
        return f"{name}应为{words.get(want, want)}，现为 {shown}。"
    return f"{name}不符合格式要求（{err.validator}），现为 {shown}。"


def validate(fmt: Format, doc: dict) -> list[Finding]:
    """Every schema error as a finding that names the sheet and cell where possible."""
    fast = _fast_validator(fmt)
    if fast is not None and fast.is_valid(doc):
        return []
    out: list[Finding] = []
    lay = layout(fmt)
    named: set[tuple] = set()  # (path, property) already reported missing: one error per property
    for err in sorted(validator(fmt).iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path]):
        path = list(err.absolute_path)
        where: dict = {}
        if err.validator == "required":
            missing = [p for p in err.validator_value if isinstance(err.instance, dict) and p not in err.instance
                       and (tuple(path), p) not in named]
            named.update((tuple(path), p) for p in missing[:1])
            path = path + missing[:1]
        if len(path) >= 2 and path[0] == "tables" and path[1] in fmt.cells:
            key = path[1]
            cell = fmt.cells[key]
            pos = lay.cells[key]
            where = dict(sheet=pos.sheet, cell=pos.ref, key=key, row_label=cell.row_label,
                         column_label=cell.column_label, actual=err.instance if err.validator != "required" else None)
            if err.validator == "required" or err.instance is None:
                what = "未填写（无数据请填 0）。"
            else:
                what = f"应为{_KIND_WORDS[cell.kind]}，现为 {json.dumps(err.instance, ensure_ascii=False)[:60]}。"
        elif len(path) >= 2 and path[0] == "sections" and f"sections.{path[1]}" in lay.fields:
            fld = lay.fields[f"sections.{path[1]}"]
            where = dict(sheet=fld.pos.sheet, cell=fld.pos.ref, key=fld.key)
            what = f"“{fld.label}”应为文字。"
        elif err.validator == "additionalProperties":
            extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
            place = "/".join(map(str, path)) or "顶层"
            what = f"报告数据中有不认识的项目：{'、'.join(map(str, extra))}（位置 {place}）。"
        else:
            what = _field_sentence(path, err)
        out.append(finding(Code.SCHEMA, what=what, **where))
    return out
