"""Helpers for the tests of nianbao.web (a uniquely named module: every test folder has a conftest)."""

from __future__ import annotations

from factory import valid_document

from nianbao.format.spec import all_formats
from nianbao.template.write import write_template

FMT = all_formats()["gov-info-disclosure-2021"]
YEAR = 2021
PASSWORD = "测试密码-office-1234"
AGENCIES = [
    {"code": "A1", "name": "测试县第一局", "level": "county"},
    {"code": "A2", "name": "测试县第二局", "level": "county"},
    {"code": "A3", "name": "<script>alert(1)</script>局", "level": "county"},
]


def workbook(path, code: str = "A1", *, broken: bool = False, year: int = YEAR, seed: int = 1):
    """A filled workbook for a roster agency; broken breaks rule T3-1 (a sum) in 表三."""
    agency = next(a for a in AGENCIES if a["code"] == code) if code in {a["code"] for a in AGENCIES} else \
        {"code": code, "name": f"名单外单位{code}", "level": "county"}
    fmt = FMT if year >= 2021 else all_formats()["gov-info-disclosure-2019"]
    doc = valid_document(fmt, year, seed=seed, agency=agency)
    if broken:
        doc["tables"]["requests.carry_forward.natural"] += 1
    write_template(fmt, year, agency, path, document=doc)
    return path


NARRATIVE = """一、总体情况
本年度，测试县坚持以公开为常态、不公开为例外，依法做好政府信息公开工作。
五、存在的主要问题及改进情况
个别单位公开不够及时，下一步将加强培训。
六、其他需要报告的事项
本年度未收取信息处理费。
"""  # the county office's own words (sections 一、五、六), stating no figure
COLUMNS = ("natural", "commercial", "research", "nonprofit", "legal", "other_org")


def last_year_report(code: str, carry: dict[str, int]) -> dict:
    """An agency's report of last year (the 2019 format) whose 结转下年度继续办理 is `carry` by column."""
    from nianbao.format.document import compute_derived

    f19 = all_formats()["gov-info-disclosure-2019"]
    agency = next(a for a in AGENCIES if a["code"] == code)
    doc = valid_document(f19, YEAR - 1, seed=4, agency=agency)
    for c in COLUMNS:  # received more, still to be handled: T3-1 holds
        doc["tables"][f"requests.received.{c}"] += carry.get(c, 0) - doc["tables"][f"requests.carry_forward.{c}"]
        doc["tables"][f"requests.carry_forward.{c}"] = carry.get(c, 0)
    doc["tables"] = compute_derived(f19, {k: doc["tables"][k] for k in f19.input_keys()})
    return doc


def last_year_store(root, reports: dict[str, dict]):
    """Last year's store holding these agencies' reports (as `compile --previous` takes it)."""
    from nianbao.check.run import check_file
    from nianbao.county.store import Store

    store = Store(root)
    for code, doc in reports.items():
        path = write_template(all_formats()["gov-info-disclosure-2019"], YEAR - 1, doc["agency"],
                              root.parent / f"{code}-{YEAR - 1}.xlsx", document=doc)
        store.receive(path, check_file(path), actor="collect")
    return store.root


def carried_over(path, code: str, carried: dict[str, int], seed: int = 6):
    """This year's filled workbook of an agency whose 上年结转 is `carried` by column, balanced in itself."""
    import random

    from factory import _balance_requests

    from nianbao.format.document import compute_derived

    agency = next(a for a in AGENCIES if a["code"] == code)
    doc = valid_document(FMT, YEAR, seed=seed, agency=agency)
    for c in COLUMNS:
        doc["tables"][f"requests.carried_over.{c}"] = carried.get(c, 0)
    _balance_requests(FMT, doc["tables"], random.Random(seed))
    doc["tables"] = compute_derived(FMT, {k: doc["tables"][k] for k in FMT.input_keys()})
    return write_template(FMT, YEAR, agency, path, document=doc)


def write_roster(path):
    lines = ["code,name,level,email"] + [f"{a['code']},{a['name']},{a['level']},{a['code'].lower()}@example.cn"
                                         for a in AGENCIES]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def login(client, password: str = PASSWORD):
    r = client.post("/office/login", data={"password": password, "next": "/office"}, follow_redirects=False)
    return r


def csrf_of(client, path: str = "/office") -> str:
    import re

    html = client.get(path).text
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


JSON = {"accept": "application/json"}


def upload(client, link: str, path, name: str | None = None, headers: dict | None = None):
    with open(path, "rb") as fh:
        return client.post(link, files={"file": (name or path.name, fh, "application/octet-stream")},
                           headers={**JSON, **(headers or {})})
