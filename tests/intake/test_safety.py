"""Screening received files: every hostile or mislabelled file gets its FILE_* code, in bounded memory.

The hostile files come from tests/hostile.py; tests assert Code names, never prose.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import hostile
import olefile
import pytest
from factory import valid_document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.findings import Code
from nianbao.format.spec import all_formats
from nianbao.intake import safety
from nianbao.intake.safety import describe, screen
from nianbao.template.write import write_template

# Far below the file (a bomb inflates to 100+ MB, a capped file is up to 20 MB): screening
# streams in 64 KB steps and must never hold a part, let alone the archive, in memory.
PEAK_LIMIT = 4 * 1024 * 1024


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory) -> dict[str, Path]:
    made = {}
    for name, (generate, _code) in hostile.CASES.items():
        folder = tmp_path_factory.mktemp(name)
        made[name] = generate(folder)
    return made


def _screen_peak(path: Path, **kw):
    tracemalloc.start()
    try:
        problem = screen(path, **kw)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return problem, peak


@pytest.mark.parametrize("case", list(hostile.CASES))
def test_hostile_file_gets_its_code(hostile_files, case):
    problem = screen(hostile_files[case])
    assert problem is not None, f"{case} was let through"
    assert problem.rule == hostile.CASES[case][1]
    assert problem.severity == "error"
    assert "\n" not in problem.message
    assert "{" not in problem.message


@pytest.mark.parametrize("case", list(hostile.CASES))
def test_hostile_file_is_screened_in_bounded_memory(hostile_files, case):
    _problem, peak = _screen_peak(hostile_files[case])
    assert peak < PEAK_LIMIT, f"{case}: peak {peak / 1e6:.1f} MB"


# -- files that must pass ------------------------------------------------------------------------


def test_small_xlsxwriter_workbook_passes(tmp_path):
    assert screen(hostile.valid_xlsx(tmp_path)) is None


@pytest.mark.parametrize("fmt_id", sorted(all_formats()))
def test_filled_nianbao_template_passes(tmp_path, fmt_id):
    fmt = all_formats()[fmt_id]
    doc = valid_document(fmt)
    path = write_template(fmt, doc["year"], doc["agency"], tmp_path / "book.xlsx", document=doc)
    problem, peak = _screen_peak(path)
    assert problem is None
    assert peak < PEAK_LIMIT


def test_openpyxl_resave_passes(tmp_path):
    import openpyxl  # noqa: TID251 - a workbook saved by another writer

    book = openpyxl.load_workbook(hostile.valid_xlsx(tmp_path))
    book.active["C3"] = "改过"
    book.save(tmp_path / "resaved.xlsx")
    assert screen(tmp_path / "resaved.xlsx") is None


def test_large_legitimate_workbook_passes(tmp_path):
    """20 000 dense rows: real-world ratios and sizes stay under every limit."""
    import xlsxwriter  # noqa: TID251 - tests build their fixtures directly

    path = tmp_path / "big.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    bold = book.add_format({"bold": True, "border": 1})
    for r in range(20000):
        sheet.write_row(r, 0, [r, "县教育局", r * 0.5, 0], bold)
    book.close()
    with zipfile.ZipFile(path) as z:
        assert sum(i.file_size for i in z.infolist()) > safety.RATIO_FLOOR  # the ratio rule applies
    assert screen(path) is None


def test_extension_does_not_matter(tmp_path):
    good = hostile.valid_xlsx(tmp_path)
    assert screen(good.rename(tmp_path / "book.xls")) is None
    macro = hostile.xlsm_vba(tmp_path)
    assert screen(macro.rename(tmp_path / "macro.xlsm")).rule == "FILE_MACRO"


# -- the file system and the size cap ---------------------------------------------------------------


def test_missing_file(tmp_path):
    problem = screen(tmp_path / "nope.xlsx")
    assert problem.rule == Code.FILE_MISSING.name
    assert "nope.xlsx" in problem.message


def test_directory(tmp_path):
    assert screen(tmp_path).rule == "FILE_UNREADABLE"


def test_size_cap(tmp_path):
    path = hostile.valid_xlsx(tmp_path)
    size = path.stat().st_size
    assert screen(path, max_bytes=size) is None
    assert screen(path, max_bytes=size - 1).rule == "FILE_TOO_BIG"


def test_size_cap_is_checked_before_reading(tmp_path):
    """A sparse 30 MB file costs nothing to refuse: nothing of it is read."""
    path = tmp_path / "huge.xlsx"
    with open(path, "wb") as f:
        f.truncate(30 * 1024 * 1024)
    problem, peak = _screen_peak(path)
    assert problem.rule == "FILE_TOO_BIG"
    assert peak < 64 * 1024


def test_default_limits_are_documented_numbers():
    assert safety.DEFAULT_MAX_BYTES == 20 * 1024 * 1024
    assert safety.MAX_UNCOMPRESSED_BYTES > 100 * 250_000  # a hundred times our template's XML
    assert safety.MAX_MEMBERS >= 100
    assert safety.MAX_RATIO >= 50


# -- the hostile files are what they claim to be -----------------------------------------------------


def test_cfb_writer_makes_real_compound_files(hostile_files):
    with olefile.OleFileIO(str(hostile_files["legacy_xls"])) as ole:
        assert ole.exists("Workbook")
        workbook = ole.openstream("Workbook").read()
    assert workbook[:4] == b"\x09\x08\x10\x00"  # a BIFF8 BOF record opens the stream
    with olefile.OleFileIO(str(hostile_files["legacy_doc"])) as ole:
        assert sorted("/".join(p) for p in ole.listdir()) == ["1Table", "WordDocument"]


def test_encrypted_workbook_is_real(hostile_files):
    import msoffcrypto

    with open(hostile_files["encrypted_xlsx"], "rb") as f:
        office = msoffcrypto.OfficeFile(f)
        assert office.is_encrypted()
    with olefile.OleFileIO(str(hostile_files["encrypted_xlsx"])) as ole:
        assert ole.exists("EncryptionInfo")
        assert ole.exists("EncryptedPackage")


@pytest.mark.parametrize(("case", "actual_mib"), [("bomb_lying", 300), ("bomb_total", 120)])
def test_lying_bombs_really_expand(hostile_files, case, actual_mib):
    """The headers claim 1 KB; inflating (in steps, here too) yields hundreds of MB."""
    path = hostile_files[case]
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet2.xml")
    assert info.file_size == 1024
    out = 0
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    with open(path, "rb") as f:
        f.seek(safety._data_offset(f, path.stat().st_size, info))
        data = f.read(info.compress_size)
    while data:
        out += len(inflater.decompress(data, 1 << 20))
        data = inflater.unconsumed_tail
    assert out > actual_mib * 1024 * 1024


@pytest.mark.parametrize("case", ["bomb_members", "bomb_directory", "bomb_zip64_members"])
def test_member_bombs_are_believed_by_zipfile(hostile_files, case):
    """zipfile itself would build 5000 entries: the refusal has to come before it parses."""
    with zipfile.ZipFile(hostile_files[case]) as z:
        assert len(z.infolist()) == 5000


def test_crc_case_differs_from_the_original_by_one_byte(tmp_path, hostile_files):
    with zipfile.ZipFile(hostile_files["crc_error"]) as z, pytest.raises(zipfile.BadZipFile, match="CRC"):
        z.read("xl/sharedStrings.xml")


# -- defence in depth: openpyxl itself refuses entity bombs -------------------------------------------


def _sheet_bomb(tmp_path: Path) -> Path:
    def edit(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        head, body = data.split(b"?>", 1)
        return head + b"?>" + hostile._LAUGHS.split(b"?>", 1)[1] + body.replace(b"<v>12</v>", b"<v>&lol9;</v>")

    return hostile.rezip(hostile.valid_xlsx(tmp_path, "_f.xlsx"), tmp_path / "sheet_bomb.xlsx", edit=edit)


def test_openpyxl_refuses_a_worksheet_entity_bomb(tmp_path):
    """Worksheets are parsed with defusedxml's iterparse: openpyxl raises ValueError
    ("Unable to read workbook") chained from defusedxml.common.EntitiesForbidden."""
    import openpyxl  # noqa: TID251 - the defence-in-depth check is about openpyxl itself
    from defusedxml.common import EntitiesForbidden

    path = _sheet_bomb(tmp_path)
    assert screen(path).rule == "FILE_XML_BOMB"
    tracemalloc.start()
    try:
        # a file object we close: openpyxl leaves its own handle open when parsing fails
        with open(path, "rb") as f, pytest.raises(ValueError, match="Unable to read workbook") as caught:
            openpyxl.load_workbook(f)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(caught.value.__context__, EntitiesForbidden)
    assert peak < 50 * 1024 * 1024  # a billion laughs expanded would be a gigabyte


def test_openpyxl_refuses_a_workbook_entity_bomb(hostile_files):
    """xl/workbook.xml goes through lxml when lxml is installed (python-docx brings it):
    openpyxl parses with resolve_entities=False and libxml2 (>= 2.12) stops the expansion
    with lxml.etree.XMLSyntaxError. Without lxml it is defusedxml again (next test)."""
    import openpyxl  # noqa: TID251 - the defence-in-depth check is about openpyxl itself
    from defusedxml.common import EntitiesForbidden

    with open(hostile_files["xml_bomb"], "rb") as f, pytest.raises((ValueError, SyntaxError)) as caught:
        openpyxl.load_workbook(f)
    error = caught.value
    assert isinstance(error.__context__, EntitiesForbidden) or type(error).__name__ == "XMLSyntaxError"


def test_openpyxl_without_lxml_refuses_a_workbook_entity_bomb(hostile_files):
    code = (
        "import sys, openpyxl\n"
        "from defusedxml.common import EntitiesForbidden\n"
        "assert openpyxl.LXML is False and openpyxl.DEFUSEDXML is True\n"
        "try:\n    openpyxl.load_workbook(open(sys.argv[1], 'rb'))\n"
        "except ValueError as e:\n    sys.exit(0 if isinstance(e.__context__, EntitiesForbidden) else 3)\n"
        "sys.exit(4)\n"
    )
    env = {**os.environ, "OPENPYXL_LXML": "False"}
    done = subprocess.run([sys.executable, "-c", code, str(hostile_files["xml_bomb"])], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


# -- describe ------------------------------------------------------------------------------------------


def test_describe(tmp_path, hostile_files):
    assert "xlsx" in describe(hostile.valid_xlsx(tmp_path))
    assert describe(tmp_path / "nope.xlsx") == "不存在的文件"
    assert describe(tmp_path) == "文件夹"
    assert describe(hostile_files["empty"]) == "空文件"
    assert ".xls" in describe(hostile_files["legacy_xls"])
    assert "PDF" in describe(hostile_files["pdf_renamed"])
    assert "CSV" in describe(hostile_files["csv_renamed"])
    assert "图片" in describe(hostile_files["png_renamed"])
    assert "Word" in describe(hostile_files["docx"])
    assert "宏" in describe(hostile_files["xlsm_vba"])
    assert "损坏" in describe(hostile_files["truncated_xlsx"])
    for path in hostile_files.values():
        assert describe(path)


# -- never a traceback -----------------------------------------------------------------------------------

# NIANBAO_FUZZ_EXAMPLES=5000 for a longer hunt; the suite runs 150 of each.
_FUZZ = settings(max_examples=int(os.environ.get("NIANBAO_FUZZ_EXAMPLES", 150)), deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def seeds(fuzz_dir) -> list[bytes]:
    """A real workbook, a legacy .xls, an encrypted workbook and a macro workbook to damage."""
    made = [hostile.valid_xlsx, hostile.legacy_xls, hostile.encrypted_xlsx, hostile.xlsm_vba]
    return [make(fuzz_dir).read_bytes() for make in made]


@_FUZZ
@given(prefix=st.sampled_from([b"", b"PK\x03\x04", safety.OLE_MAGIC, b"PK\x05\x06", b"%PDF-"]),
       body=st.binary(max_size=4096))
def test_screen_never_raises_on_random_bytes(fuzz_dir, prefix, body):
    path = fuzz_dir / "random.xlsx"
    path.write_bytes(prefix + body)
    problem = screen(path)
    assert problem is not None
    assert problem.rule.startswith("FILE_")
    assert describe(path)


@_FUZZ
@given(data=st.data())
def test_screen_never_raises_on_damaged_files(fuzz_dir, seeds, data):
    raw = bytearray(data.draw(st.sampled_from(seeds)))
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(raw)))
    path = fuzz_dir / "damaged.xlsx"
    path.write_bytes(bytes(raw[:cut]))
    problem = screen(path)
    assert problem is None or problem.rule.startswith("FILE_")
    assert describe(path)


# -- a real legacy .xls and a LibreOffice re-save ----------------------------------------------------------

_SOFFICE = shutil.which("soffice")


@pytest.mark.libreoffice
@pytest.mark.skipif(_SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice is not installed")
def test_libreoffice_xls_is_refused_and_its_xlsx_passes(tmp_path):
    src = hostile.valid_xlsx(tmp_path)
    profile = (tmp_path / "profile").as_uri()
    for target, out in (("xls", "xls"), ("xlsx:Calc MS Excel 2007 XML", "xlsx")):
        (tmp_path / out).mkdir()
        subprocess.run([_SOFFICE or "soffice", f"-env:UserInstallation={profile}", "--headless",
                        "--convert-to", target, "--outdir", str(tmp_path / out), str(src)],
                       check=True, capture_output=True, timeout=120)
    legacy = tmp_path / "xls" / "valid.xls"
    with olefile.OleFileIO(str(legacy)) as ole:
        assert ole.exists("Workbook")
    assert screen(legacy).rule == "FILE_XLS"
    assert screen(tmp_path / "xlsx" / "valid.xlsx") is None


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("cut", range(0, 20))
def test_a_dtd_marker_split_between_two_inflated_chunks_is_found(encoding, cut):
    """The DTD scan sees a marker whatever chunk boundary falls inside it."""
    import zipfile

    from nianbao.intake.safety import _Budget, _PartScan, _Refuse

    bom = {"utf-8": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[encoding]
    text = bom + '<?xml version="1.0"?>\n<!DOCTYPE x SYSTEM "y.dtd"><x/>'.encode(encoding)  # one marker
    at = text.index("<!DOCTYPE".encode(encoding)) + cut
    info = zipfile.ZipInfo("xl/workbook.xml")
    info.file_size, info.compress_size = len(text), len(text)
    scan = _PartScan(info, _Budget())
    pieces = (text[:at], text[at:at + 1], text[at + 1:])
    with pytest.raises(_Refuse) as refused:
        list(map(scan.feed, pieces))
    assert refused.value.problem.rule == "FILE_XML_BOMB"
