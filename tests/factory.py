"""Valid report documents built from a spec, for tests: every rule holds, numbers are distinct-ish."""

from __future__ import annotations

import random
from decimal import Decimal

from nianbao.format.document import compute_derived, new_document
from nianbao.format.spec import Format

AGENCY = {"name": "测试县测试局", "code": "TEST-01", "level": "county"}


def valid_tables(fmt: Format, seed: int = 1) -> dict:
    """Inputs that satisfy every (non-cross-year) rule of the format for a county agency."""
    rng = random.Random(seed)
    tables: dict = {}
    for key in fmt.input_keys():
        kind = fmt.cells[key].kind
        if kind == "money":
            tables[key] = float(Decimal(rng.randint(0, 99999)) / 100)
        elif kind == "signed":
            tables[key] = rng.randint(-9, 9)
        else:
            tables[key] = rng.randint(1, 40)
    for key in tables:  # county level: no 规章 (T2-3)
        if key.startswith("proactive.rules."):
            tables[key] = 0
    for row in ("rules", "normative_docs"):  # 2019 T2-6: published <= total_public
        pub, total = f"proactive.{row}.published", f"proactive.{row}.total_public"
        if pub in tables:
            tables[total] = tables[pub] + tables[total]
    _balance_requests(fmt, tables, rng)
    return compute_derived(fmt, tables)


def _balance_requests(fmt: Format, tables: dict, rng: random.Random) -> None:
    """T3-1 per column: received + carried_over = outcome.total + carry_forward."""
    leaves = [k for k in fmt.derived if k.startswith("requests.outcome.total.")]
    for total_key in leaves:
        col = total_key.rsplit(".", 1)[1]
        if f"requests.received.{col}" not in tables:
            continue  # the total column is derived
        closed = sum(tables[p] for p in fmt.derived[total_key].parts())
        carried = tables[f"requests.carried_over.{col}"]
        tables[f"requests.received.{col}"] = max(closed - carried, 0) + rng.randint(0, 5)
        tables[f"requests.carry_forward.{col}"] = tables[f"requests.received.{col}"] + carried - closed


def valid_document(fmt: Format, year: int | None = None, seed: int = 1, agency: dict | None = None) -> dict:
    doc = new_document(fmt, year or fmt.year_from + 1 if fmt.year_to is None else fmt.year_to, agency or AGENCY,
                       valid_tables(fmt, seed))
    doc["contact"] = {"person": "张三", "phone": "0468-1234567", "department": "办公室"}
    doc["date"] = "2022年1月20日"
    doc["sections"] = {s.key: f"{s.title}：测试文字。" for s in fmt.text_sections()}
    return doc
