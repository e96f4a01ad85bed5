"""Stamped blank templates are byte for byte what the writer gives, or are not stamped at all."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.check.run import check_file
from nianbao.format.spec import all_formats
from nianbao.template.stamp import stamp
from nianbao.template.workbook import template_bytes
from nianbao.template.write import write_template

FORMATS = sorted(all_formats())

AGENCIES = [
    {"name": "萝北县教育局", "code": "230421-03", "level": "county"},
    {"name": "A", "code": "1"},  # no level; one narrow character each
    {"name": "黑龙江省鹤岗市萝北县名山镇人民政府办公室综合服务中心（县政务服务中心）第二分中心",
     "code": "X" * 40, "level": "township"},  # long: taller rows, other print scaling
    {"name": "单位 甲“乙”", "code": "B 1", "level": "city"},  # inner spaces, curly quotes (wide)
    {"name": "𠀾𡈼镇人民政府", "code": "𠀾-1", "level": "province"},  # characters beyond the BMP
]


@pytest.mark.parametrize("format_id", FORMATS)
@pytest.mark.parametrize("agency", AGENCIES, ids=lambda a: a["code"][:8])
@pytest.mark.parametrize(("password", "secret"), [(None, None), ("区县密码", b"county-secret")])
def test_stamped_template_equals_the_written_one(format_id, agency, password, secret):
    fmt = all_formats()[format_id]
    year = fmt.year_from
    stamped = stamp(fmt, year, agency, password=password, secret=secret)
    assert stamped is not None
    assert stamped == template_bytes(fmt, year, agency, None, password=password, secret=secret)


_SAFE_CHARS = list("萝北县教育局人民政府办公室镇乡街道（）·—0123456789ABCabc-_. “”ＡＢ１２") + ["𠀾"]
_SAFE = st.sampled_from(_SAFE_CHARS)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(_SAFE, min_size=1, max_size=70), code=st.text(_SAFE, min_size=1, max_size=24))
def test_stamping_any_name_gives_the_written_bytes_or_declines(name, code):
    fmt = all_formats()["gov-info-disclosure-2021"]
    agency = {"name": name, "code": code, "level": "county"}
    stamped = stamp(fmt, 2021, agency)
    if name != name.strip() or code != code.strip():
        assert stamped is None  # xml:space="preserve": left to the writer
        return
    if stamped is not None:
        assert stamped == template_bytes(fmt, 2021, agency, None)


@pytest.mark.parametrize(
    "agency",
    [
        {"name": "财政局&审计局", "code": "01"},  # escaped in XML
        {"name": "<局>", "code": "01"},
        {"name": '某"局"', "code": "01"},  # doubled in a defined-name constant
        {"name": "某局", "code": "'01"},
        {"name": " 某局", "code": "01"},  # leading space
        {"name": "某局\n二科", "code": "01"},  # line break: two lines in row heights
        {"name": "某局", "code": ""},  # no code: no （代码 …） in the table headings
        {"name": "某局", "code": "某局"},  # equal strings are stored once
        {"name": "县级", "code": "01", "level": "county"},  # equal to the level shown on the cover
        {"name": "某\ue000局", "code": "01"},  # a placeholder character
    ],
    ids=lambda a: repr(a["name"] + "|" + a["code"]),
)
def test_what_stamping_cannot_stand_for_is_written_directly(tmp_path, agency):
    fmt = all_formats()["gov-info-disclosure-2021"]
    assert stamp(fmt, 2021, agency) is None
    path = write_template(fmt, 2021, agency, tmp_path / "t.xlsx")
    assert path.read_bytes() == template_bytes(fmt, 2021, agency, None)
    result = check_file(path)
    assert result.agency["name"] == agency["name"] and result.agency["code"] == agency["code"]


def test_plain_names_are_stamped_not_declined():
    """Names and codes of ordinary characters, none equal to a string of the template, are always stamped:
    declining (the slow writer for every department of a roster) is for what placeholders cannot stand for."""
    rng = random.Random(22)
    plain = [c for c in _SAFE_CHARS if c.strip()]
    fmt = all_formats()["gov-info-disclosure-2021"]
    for _ in range(12):
        agency = {"name": "".join(rng.choices(plain, k=rng.randint(4, 40))) + "局",
                  "code": "2304" + "".join(rng.choices("0123456789-", k=rng.randint(1, 12))), "level": "county"}
        stamped = stamp(fmt, 2021, agency)
        assert stamped is not None, agency
        assert stamped == template_bytes(fmt, 2021, agency, None), agency


def test_a_stamped_template_reads_back_as_its_agency(tmp_path):
    fmt = all_formats()["gov-info-disclosure-2019"]
    for i, agency in enumerate(AGENCIES):
        stamped = stamp(fmt, 2020, agency, secret=b"k")
        assert stamped is not None, agency  # these are read back as stamped, not as the writer would give them
        path = write_template(fmt, 2020, agency, tmp_path / f"{i}.xlsx", secret=b"k")
        assert path.read_bytes() == stamped
        result = check_file(path, secret=b"k")
        assert result.agency == {k: agency[k] for k in ("name", "code", "level") if k in agency}
        assert not [f for f in result.findings if f.rule.startswith(("HMAC", "FINGERPRINT", "NOT_"))]
