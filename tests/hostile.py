"""Generators of hostile or mislabelled files, each written into a directory in well under a second.

Every generator takes a directory and returns the path it wrote, always named *.xlsx:
the file lies about what it is, the way a department's e-mail attachment might.
``CASES`` maps a case name to (generator, the Code name ``safety.screen`` must return).

Two small writers make files no library writes on purpose:
- ``cfb(streams)``: a real OLE2 compound file (CFB v3, 512-byte sectors, FAT, directory)
  with root-level streams, e.g. a legacy .xls's Workbook stream. olefile reads it back.
- ``raw_zip(entries)``: a zip whose headers say whatever the test wants (lying sizes,
  flags), with data already deflated, for zip bombs that stay tiny on disk.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import xlsxwriter  # noqa: TID251 - tests build their fixtures directly

MB = 1024 * 1024

# -- writers --------------------------------------------------------------------------------

_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        encoded, len(encoded), kind, 1, _NOSTREAM, right, child, b"\0" * 16, 0, 0, 0, start, size,
    )


def cfb(streams: dict[str, bytes]) -> bytes:
    """A compound file holding ``streams`` at its root (each padded to the 4096-byte mini cutoff;
    an empty stream stays empty and takes no sector)."""
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # the CFB directory's name order
    datas = [streams[n] + b"\0" * max(0, 4096 - len(streams[n])) if streams[n] else b"" for n in names]
    sizes = [len(data) and max(len(streams[n]), 4096) for n, data in zip(names, datas, strict=True)]
    dir_count = len(names) + 1
    dir_sectors = -(-dir_count // 4)
    data_sectors = [-(-len(d) // 512) for d in datas]
    body = dir_sectors + sum(data_sectors)
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + body:
        fat_sectors += 1
    assert fat_sectors <= 109, "streams too large for a header-only DIFAT"
    fat = [_FATSECT] * fat_sectors
    first_dir = len(fat)

    def chain(n: int) -> None:
        start = len(fat)
        fat.extend(range(start + 1, start + n))
        fat.append(_END)

    chain(dir_sectors)
    starts = []
    for n in data_sectors:
        starts.append(len(fat) if n else _END)
        if n:
            chain(n)
    fat.extend([_FREE] * (fat_sectors * 128 - len(fat)))
    # A degenerate but valid tree: each stream's right sibling is the next in name order.
    entries = [_dir_entry("Root Entry", 5, 1 if names else _NOSTREAM, _NOSTREAM, _END, 0)]
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else _NOSTREAM
        entries.append(_dir_entry(name, 2, _NOSTREAM, right, starts[i], sizes[i]))
    entries += [_dir_entry("", 0, _NOSTREAM, _NOSTREAM, 0, 0)] * (dir_sectors * 4 - len(entries))
    difat = list(range(fat_sectors)) + [_FREE] * (109 - fat_sectors)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16, 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6,
        0, fat_sectors, first_dir, 0, 4096, _END, 0, _END, 0, *difat,
    )
    out = io.BytesIO()
    out.write(header)
    out.write(struct.pack(f"<{len(fat)}I", *fat))
    out.write(b"".join(entries))
    for data, n in zip(datas, data_sectors, strict=True):
        out.write(data + b"\0" * (n * 512 - len(data)))
    return out.getvalue()


def raw_zip(entries: list[dict]) -> bytes:
    """A zip built byte by byte. Each entry: name, data (as stored in the file), and optional
    method (8 deflate, 0 stored), crc, size (declared uncompressed), csize, flags, offset
    (reuse an earlier local header: overlapping entries)."""
    out = io.BytesIO()
    central = io.BytesIO()
    offsets: list[int] = []
    for e in entries:
        name = e["name"].encode()
        data = e.get("data", b"")
        method = e.get("method", 8)
        crc, size, csize, flags = e.get("crc", 0), e.get("size", 0), e.get("csize", len(data)), e.get("flags", 0)
        if "offset" in e:
            offset = offsets[e["offset"]]
        else:
            offset = out.tell()
            out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, flags, method, 0, 0x21,
                                  crc, csize, size, len(name), 0) + name + data)
        offsets.append(offset)
        central.write(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, flags, method, 0, 0x21,
                                  crc, csize, size, len(name), 0, 0, 0, 0, 0, offset) + name)
    cd = central.getvalue()
    eocd = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(cd), out.tell(), 0)
    return out.getvalue() + cd + eocd


def deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return c.compress(data) + c.flush()


def repeated_deflated(mib: int, block: bytes = b"\0", prefix: bytes = b"") -> tuple[bytes, int]:
    """A raw deflate stream of ``mib`` MiB (``block`` repeated) built from one compressed MiB, and its CRC.

    After a full flush the compressor starts afresh, byte-aligned, so one MiB's output can be
    repeated: 300 MiB of zeros costs ~300 KB and no 300 MiB compression run. ``prefix`` goes
    first (e.g. an XML declaration, so the part looks like the sheet it claims to be)."""
    one = (block * (MB // len(block) + 1))[:MB]
    c = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    start = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    piece = c.compress(one) + c.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(prefix)
    for _ in range(mib):
        crc = zlib.crc32(one, crc)
    return start + piece * mib + b"\x03\x00", crc  # b"\x03\x00": an empty final block


# 8 KiB of fixed pseudo-random bytes repeated deflates ~66:1, under MAX_RATIO, like dense XML would.
_MODERATE_BLOCK = random.Random(20240101).randbytes(8192)


def rezip(src: Path, dest: Path, *, drop: tuple[str, ...] = (), add: dict[str, bytes] | None = None,
          edit: Callable[[str, bytes], bytes] | None = None, stored: tuple[str, ...] = ()) -> Path:
    """Copy a zip part by part, dropping, adding or editing parts."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = zin.read(info)
            if edit is not None:
                data = edit(info.filename, data)
            zout.writestr(info.filename, data, zipfile.ZIP_STORED if info.filename in stored else zipfile.ZIP_DEFLATED)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dest


# -- the valid baseline -----------------------------------------------------------------------


def valid_xlsx(d: Path, name: str = "valid.xlsx") -> Path:
    """A small real workbook: two sheets, numbers, text, a formula."""
    path = d / name
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("表一")
    sheet.write_row(0, 0, ["项目", "数量"])
    sheet.write_row(1, 0, ["主动公开", 12])
    sheet.write_formula(2, 1, "=B2*2", None, 24)
    book.add_worksheet("表二").write(0, 0, "说明")
    book.close()
    return path


def _parts(d: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(valid_xlsx(d, "_base.xlsx")) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def _xlsx_with(d: Path, name: str, replace: dict[str, dict]) -> Path:
    """A raw-written copy of the valid workbook whose named parts are replaced by raw entries."""
    entries = []
    for part, data in _parts(d).items():
        if part in replace:
            entries.append({"name": part, **replace.pop(part)})
        else:
            entries.append({"name": part, "data": deflate(data), "crc": zlib.crc32(data), "size": len(data)})
    entries += [{"name": part, **e} for part, e in replace.items()]
    path = d / name
    path.write_bytes(raw_zip(entries))
    return path


def _write(d: Path, name: str, data: bytes) -> Path:
    path = d / name
    path.write_bytes(data)
    return path


# -- not a zip at all ---------------------------------------------------------------------------


def empty(d: Path) -> Path:
    return _write(d, "empty.xlsx", b"")


def csv_renamed(d: Path) -> Path:
    rows = "单位,主动公开,依申请公开\r\n县教育局,12,3\r\n县财政局,8,0\r\n"
    return _write(d, "csv.xlsx", rows.encode("gb18030"))


def text_renamed(d: Path) -> Path:
    return _write(d, "note.xlsx", "附件是我们单位的年报，请查收。\n谢谢！\n".encode())


def pdf_renamed(d: Path) -> Path:
    pdf = (b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
           b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n")
    return _write(d, "report.xlsx", pdf + b"trailer <</Root 1 0 R>>\n%%EOF\n")


def png_renamed(d: Path) -> Path:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(b"\0\0")) + chunk(b"IEND", b"")
    return _write(d, "photo.xlsx", png)


def html_renamed(d: Path) -> Path:
    page = ('<html xmlns:x="urn:schemas-microsoft-com:office:excel">'
            "<body><table><tr><td>1</td></tr></table></body></html>")
    return _write(d, "web.xlsx", page.encode())


# -- OLE2 compound files --------------------------------------------------------------------------

# BIFF8 records: BOF (0x0809, workbook globals, BIFF8), then EOF (0x000A).
_BIFF8_BOF = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0x0DBB, 0x07CC, 0x41, 0x06)
_BIFF_EOF = struct.pack("<HH", 0x000A, 0)
# FILEPASS (0x002F) announcing RC4 CryptoAPI encryption, with a zeroed header.
_FILEPASS = struct.pack("<HHH", 0x002F, 6, 1) + b"\0" * 4


def legacy_xls(d: Path) -> Path:
    return _write(d, "old.xlsx", cfb({"Workbook": _BIFF8_BOF + _BIFF_EOF, "\x05SummaryInformation": b"\0" * 64}))


def legacy_xls_large(d: Path) -> Path:
    """A 6 MB Workbook stream with FILEPASS: only its first sector may be read to see that."""
    return _write(d, "old_big.xlsx", cfb({"Workbook": _BIFF8_BOF + _FILEPASS + b"\0" * (6 * MB)}))


def legacy_xls_encrypted(d: Path) -> Path:
    return _write(d, "old_locked.xlsx", cfb({"Workbook": _BIFF8_BOF + _FILEPASS + _BIFF_EOF}))


def excel95_book(d: Path) -> Path:
    return _write(d, "excel95.xlsx", cfb({"Book": struct.pack("<HHHH", 0x0809, 4, 0x0500, 0x0005) + _BIFF_EOF}))


def legacy_doc(d: Path) -> Path:
    return _write(d, "old.xlsx", cfb({"WordDocument": b"\xec\xa5" + b"\0" * 510, "1Table": b"\0" * 16}))


def other_ole(d: Path) -> Path:
    return _write(d, "other.xlsx", cfb({"Contents": b"nothing to see"}))


def ole_huge_directory(d: Path) -> Path:
    """3000 empty streams: no Office file has a directory like that; olefile would load it all."""
    return _write(d, "many.xlsx", cfb({f"s{i:05d}": b"" for i in range(3000)}))


def corrupt_ole(d: Path) -> Path:
    data = bytearray(cfb({"Workbook": _BIFF8_BOF + _BIFF_EOF}))
    data[48:52] = struct.pack("<I", 0x7FFFFFF0)  # the directory starts far past the end
    return _write(d, "broken.xlsx", bytes(data))


def encrypted_xlsx(d: Path) -> Path:
    """A real password-protected workbook: msoffcrypto-tool's ECMA-376 agile encryption."""
    from msoffcrypto.format.ooxml import OOXMLFile

    path = d / "locked.xlsx"
    with open(valid_xlsx(d, "_plain.xlsx"), "rb") as src, open(path, "wb") as out:
        OOXMLFile(src).encrypt("123456", out)
    return path


# -- damaged zips -----------------------------------------------------------------------------------


def truncated_xlsx(d: Path) -> Path:
    data = valid_xlsx(d, "_full.xlsx").read_bytes()
    return _write(d, "truncated.xlsx", data[: len(data) * 2 // 3])


def bad_central_directory(d: Path) -> Path:
    data = bytearray(valid_xlsx(d, "_full.xlsx").read_bytes())
    at = data.rfind(b"PK\x01\x02")
    data[at:at + 4] = b"XX\x01\x02"  # the last central directory entry loses its signature
    return _write(d, "bad_cd.xlsx", bytes(data))


def crc_error(d: Path) -> Path:
    """A stored (uncompressed) part with one byte changed: only the CRC can notice."""
    src = valid_xlsx(d, "_full.xlsx")
    path = rezip(src, d / "crc.xlsx", stored=("xl/sharedStrings.xml",))
    data = bytearray(path.read_bytes())
    at = data.find(b"<si>")
    data[at + 1] = ord("S")
    return _write(d, "crc.xlsx", bytes(data))


def zip_encrypted_member(d: Path) -> Path:
    return _xlsx_with(d, "zipcrypto.xlsx", {"xl/workbook.xml": {"data": b"\0" * 40, "flags": 1, "size": 28}})


# -- other zips ---------------------------------------------------------------------------------------


def docx(d: Path) -> Path:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph("2024 年政府信息公开工作年度报告")
    path = d / "report.xlsx"
    document.save(str(path))
    return path


def other_zip(d: Path) -> Path:
    with zipfile.ZipFile(d / "archive.xlsx", "w") as z:
        z.writestr("readme.txt", "年报材料")
    return d / "archive.xlsx"


def zipped_xlsx(d: Path) -> Path:
    inner = valid_xlsx(d, "_inner.xlsx")
    with zipfile.ZipFile(d / "zipped.xlsx", "w") as z:
        z.write(inner, "教育局年报.xlsx")
    return d / "zipped.xlsx"


def no_content_types(d: Path) -> Path:
    return rezip(valid_xlsx(d, "_full.xlsx"), d / "no_ct.xlsx", drop=("[Content_Types].xml",))


# -- macros ---------------------------------------------------------------------------------------------

_MACRO_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_PLAIN_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def xlsm_vba(d: Path) -> Path:
    """A macro-enabled workbook saved as .xlsx: vbaProject.bin and the macro content type."""
    vba = cfb({"PROJECT": b'ID="{00000000-0000-0000-0000-000000000000}"\r\nName="VBAProject"\r\n'})

    def edit(name: str, data: bytes) -> bytes:
        return data.replace(_PLAIN_MAIN, _MACRO_MAIN) if name == "[Content_Types].xml" else data

    return rezip(valid_xlsx(d, "_full.xlsx"), d / "macro.xlsx", add={"xl/vbaProject.bin": vba}, edit=edit)


def xlsm_content_type(d: Path) -> Path:
    """Only the content type says macroEnabled (the VBA part hidden under another name)."""
    def edit(name: str, data: bytes) -> bytes:
        return data.replace(_PLAIN_MAIN, _MACRO_MAIN) if name == "[Content_Types].xml" else data

    return rezip(valid_xlsx(d, "_full.xlsx"), d / "macro_ct.xlsx", edit=edit, add={"xl/media/x.dat": b"\0" * 8})


def xlsm_macrosheet(d: Path) -> Path:
    """Excel 4.0 (XLM) macros live in a macrosheet part, no vbaProject.bin needed."""
    sheet = b'<?xml version="1.0"?><xm:macrosheet xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"/>'
    return rezip(valid_xlsx(d, "_full.xlsx"), d / "xlm.xlsx", add={"xl/macrosheets/sheet1.xml": sheet})


# -- zip bombs ------------------------------------------------------------------------------------------


_SHEET_START = b'<?xml version="1.0" encoding="UTF-8"?><worksheet><sheetData><row r="1"><c r="A1"><v>'


def bomb_declared(d: Path) -> Path:
    """The central directory declares a 3.9 GB part (its data is a few bytes)."""
    return _xlsx_with(d, "bomb_declared.xlsx", {"xl/media/image1.png": {"data": deflate(b"\0"), "size": 0xF0000000}})


def bomb_ratio(d: Path) -> Path:
    """An honest 50 MiB part of zeros in ~50 KB: under the total cap, far over the ratio."""
    data, crc = repeated_deflated(50)
    return _xlsx_with(d, "bomb_ratio.xlsx", {"xl/media/image1.png": {"data": data, "crc": crc, "size": 50 * MB}})


def bomb_lying(d: Path) -> Path:
    """300 MiB of zeros in ~300 KB whose headers claim 1 KB: only inflating shows the truth."""
    data, _crc = repeated_deflated(300, prefix=_SHEET_START)
    return _xlsx_with(d, "bomb_lying.xlsx", {"xl/worksheets/sheet2.xml": {"data": data, "size": 1024}})


def bomb_lying_ratio(d: Path) -> Path:
    """20 MiB of zeros declared as the size of its compressed data (ratio 1:1)."""
    data, _crc = repeated_deflated(20)
    return _xlsx_with(d, "bomb_lying_ratio.xlsx", {"xl/media/image1.png": {"data": data, "size": len(data)}})


def bomb_total(d: Path) -> Path:
    """120 MiB at a plausible 66:1 ratio, its headers claiming 1 KB: only the running total stops it."""
    data, _crc = repeated_deflated(120, _MODERATE_BLOCK, _SHEET_START)
    return _xlsx_with(d, "bomb_total.xlsx", {"xl/worksheets/sheet2.xml": {"data": data, "size": 1024}})


def bomb_members(d: Path) -> Path:
    """5000 empty parts (a template has 16)."""
    parts = [{"name": f"xl/media/{i}.bin", "method": 0} for i in range(5000)]
    return _write(d, "bomb_members.xlsx", raw_zip(parts))


def bomb_directory(d: Path) -> Path:
    """The end record claims 10 entries; the directory it points at holds 5000."""
    data = bytearray(raw_zip([{"name": f"xl/media/{i}.bin", "method": 0} for i in range(5000)]))
    data[-14:-10] = struct.pack("<HH", 10, 10)
    return _write(d, "bomb_directory.xlsx", bytes(data))


def bomb_zip64_members(d: Path) -> Path:
    """5000 entries announced only by a zip64 end record (which zipfile believes over the classic one)."""
    data = raw_zip([{"name": f"xl/media/{i}.bin", "method": 0} for i in range(5000)])
    body, eocd = data[:-22], bytearray(data[-22:])
    _sig, _d, _cd, _n, count, cd_size, cd_offset, _c = struct.unpack("<4s4H2LH", eocd)
    record = struct.pack("<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, cd_size, cd_offset)
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, len(body), 1)
    eocd[8:12] = b"\xff\xff\xff\xff"  # the classic record defers to zip64
    return _write(d, "bomb_zip64.xlsx", body + record + locator + bytes(eocd))


def bomb_overlap(d: Path) -> Path:
    """Twelve directory entries sharing one local file of 10 MiB at 66:1, each honestly declared."""
    data, crc = repeated_deflated(10, _MODERATE_BLOCK)
    entries = [{"name": n, "data": deflate(raw), "crc": zlib.crc32(raw), "size": len(raw)}
               for n, raw in _parts(d).items()]
    first = len(entries)
    entries += [{"name": f"xl/media/image{i}.png", "data": data, "crc": crc, "size": 10 * MB,
                 **({"offset": first} if i else {})} for i in range(12)]
    return _write(d, "bomb_overlap.xlsx", raw_zip(entries))


# -- XML bombs --------------------------------------------------------------------------------------------

_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode() for i in range(1, 10)
    )
    + b"]>\n"
)


def _with_laughs(name: str, data: bytes) -> bytes:
    if name != "xl/workbook.xml":
        return data
    body = data.split(b"?>", 1)[1]  # drop the XML declaration
    return _LAUGHS + body.replace(b'name="', b'name="&lol9;', 1)


def xml_bomb(d: Path) -> Path:
    """Billion laughs in xl/workbook.xml, referenced from a sheet name."""
    return rezip(valid_xlsx(d, "_full.xlsx"), d / "laughs.xlsx", edit=_with_laughs)


def xml_bomb_utf16(d: Path) -> Path:
    """The same bomb in a UTF-16 sheet part (expat reads UTF-16, an ASCII scan would miss it)."""
    def edit(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet2.xml":
            return data
        text = data.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').split("?>", 1)
        return "\ufeff".encode("utf-16-le") + (text[0] + "?>" + _LAUGHS.decode().split("?>", 1)[1] + text[1]).encode(
            "utf-16-le")

    return rezip(valid_xlsx(d, "_full.xlsx"), d / "laughs16.xlsx", edit=edit)


def xml_external_entity(d: Path) -> Path:
    """An external DTD reference (XXE) in the shared strings."""
    def edit(name: str, data: bytes) -> bytes:
        if name != "xl/sharedStrings.xml":
            return data
        head, body = data.split(b"?>", 1)
        return head + b'?><!DOCTYPE sst SYSTEM "file:///etc/passwd">' + body

    return rezip(valid_xlsx(d, "_full.xlsx"), d / "xxe.xlsx", edit=edit)


CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "empty": (empty, "FILE_EMPTY"),
    "csv_renamed": (csv_renamed, "FILE_NOT_XLSX"),
    "text_renamed": (text_renamed, "FILE_NOT_XLSX"),
    "pdf_renamed": (pdf_renamed, "FILE_NOT_XLSX"),
    "png_renamed": (png_renamed, "FILE_NOT_XLSX"),
    "html_renamed": (html_renamed, "FILE_NOT_XLSX"),
    "legacy_xls": (legacy_xls, "FILE_XLS"),
    "legacy_xls_encrypted": (legacy_xls_encrypted, "FILE_ENCRYPTED"),
    "legacy_xls_large": (legacy_xls_large, "FILE_ENCRYPTED"),
    "excel95_book": (excel95_book, "FILE_XLS"),
    "legacy_doc": (legacy_doc, "FILE_DOCX"),
    "other_ole": (other_ole, "FILE_NOT_XLSX"),
    "ole_huge_directory": (ole_huge_directory, "FILE_NOT_XLSX"),
    "corrupt_ole": (corrupt_ole, "FILE_CORRUPT"),
    "encrypted_xlsx": (encrypted_xlsx, "FILE_ENCRYPTED"),
    "truncated_xlsx": (truncated_xlsx, "FILE_CORRUPT"),
    "bad_central_directory": (bad_central_directory, "FILE_CORRUPT"),
    "crc_error": (crc_error, "FILE_CORRUPT"),
    "zip_encrypted_member": (zip_encrypted_member, "FILE_ENCRYPTED"),
    "no_content_types": (no_content_types, "FILE_CORRUPT"),
    "docx": (docx, "FILE_DOCX"),
    "other_zip": (other_zip, "FILE_NOT_XLSX"),
    "zipped_xlsx": (zipped_xlsx, "FILE_NOT_XLSX"),
    "xlsm_vba": (xlsm_vba, "FILE_MACRO"),
    "xlsm_content_type": (xlsm_content_type, "FILE_MACRO"),
    "xlsm_macrosheet": (xlsm_macrosheet, "FILE_MACRO"),
    "bomb_declared": (bomb_declared, "FILE_ZIP_BOMB"),
    "bomb_ratio": (bomb_ratio, "FILE_ZIP_BOMB"),
    "bomb_lying": (bomb_lying, "FILE_ZIP_BOMB"),
    "bomb_lying_ratio": (bomb_lying_ratio, "FILE_ZIP_BOMB"),
    "bomb_total": (bomb_total, "FILE_ZIP_BOMB"),
    "bomb_members": (bomb_members, "FILE_ZIP_BOMB"),
    "bomb_directory": (bomb_directory, "FILE_ZIP_BOMB"),
    "bomb_zip64_members": (bomb_zip64_members, "FILE_ZIP_BOMB"),
    "bomb_overlap": (bomb_overlap, "FILE_ZIP_BOMB"),
    "xml_bomb": (xml_bomb, "FILE_XML_BOMB"),
    "xml_bomb_utf16": (xml_bomb_utf16, "FILE_XML_BOMB"),
    "xml_external_entity": (xml_external_entity, "FILE_XML_BOMB"),
}


# -- identity forgeries (issue 12 §3) ---------------------------------------------------------------
# A filled template signed with ISSUER_SECRET, then its identity edited the way a department
# with a text editor and a zip tool would: the defined name and the document property alike.
# ``IDENTITY_CASES`` maps a case to (generator, the MAC finding a read with ISSUER_SECRET gives;
# None: it verifies).

ISSUER_SECRET = b"hostile-county-secret"
IDENTITY_AGENCY = {"name": "测试县教育局", "code": "E01", "level": "county"}
IDENTITY_FORMAT = "gov-info-disclosure-2021"


def signed_report(d: Path, name: str = "signed.xlsx", *, agency: dict | None = None, seed: int = 1,
                  secret: bytes = ISSUER_SECRET) -> Path:
    """A valid filled 2021 report in the template issued (and signed) for ``agency``."""
    from factory import valid_document

    from nianbao.format.spec import all_formats
    from nianbao.template.write import write_template

    fmt = all_formats()[IDENTITY_FORMAT]
    agency = agency or IDENTITY_AGENCY
    return write_template(fmt, 2021, agency, d / name, document=valid_document(fmt, 2021, seed=seed, agency=agency),
                          secret=secret)


def edit_identity(src: Path, dest: Path, **fields: str) -> Path:
    """Copy of src with identity fields replaced in both places the reader looks (an empty value removes
    them), whoever wrote the file (xlsxwriter, LibreOffice): a text edit of the two XML parts."""
    import re
    from xml.sax.saxutils import escape

    def splice(text: str, element: re.Pattern, value: str | None) -> str:
        """The element's inner text replaced by value, or the whole element removed (None)."""
        m = element.search(text)
        if m is None:
            return text
        if value is None:
            return text[:m.start()] + text[m.end():]
        return text[:m.start(1)] + value + text[m.end(1):]

    def edit(name: str, data: bytes) -> bytes:
        text = data.decode("utf-8")
        for field, value in fields.items():
            if name == "xl/workbook.xml":
                element = re.compile(r'<definedName [^>]*name="nb\.meta\.' + field + r'"[^>]*>(.*?)</definedName>')
                text = splice(text, element, escape('"' + value.replace('"', '""') + '"') if value else None)
            elif name == "docProps/custom.xml":
                element = re.compile(r'<property [^>]*name="nianbao\.' + field + r'"[^>]*><vt:lpwstr>(.*?)</vt:lpwstr>'
                                     r'</property>')
                text = splice(text, element, escape(value) if value else None)
        return text.encode("utf-8")

    return rezip(src, dest, edit=edit)


def _forgery(file: str, doc: str, **fields: str) -> Callable[[Path], Path]:
    """A generator: the signed report with `fields` edited, written as `file`."""
    def generate(d: Path) -> Path:
        return edit_identity(signed_report(d, "_s.xlsx"), d / file, **fields)

    generate.__doc__ = doc
    return generate


identity_kind_summary = _forgery("kind-summary.xlsx", "kind edited to summary: a county summary draws fewer warnings",
                                 kind="summary")
identity_level_province = _forgery("level-province.xlsx", "level edited to province: other rules apply",
                                   agency_level="province")
identity_level_removed = _forgery("level-removed.xlsx", "level removed", agency_level="")
identity_level_spaced = _forgery("level-spaced.xlsx", "a space after the level: the rules no longer know it",
                                 agency_level="county ")
identity_kind_cased = _forgery("kind-cased.xlsx", "kind in capitals", kind="Department")
identity_name_changed = _forgery("name-changed.xlsx", "another agency's name", agency_name="测试县财政局")
identity_code_borrowed = _forgery("code-borrowed.xlsx", "agency E01's signed template relabelled as agency 02's",
                                  agency_code="02")
identity_year_changed = _forgery("year-changed.xlsx", "last year's template relabelled", year="2022")
identity_version_changed = _forgery("version-legacy.xlsx", "the legacy version claimed, so that the old, narrower "
                                    "MAC would apply: still a mismatch", template_version="2026.1")
identity_mac_non_ascii = _forgery("mac-non-ascii.xlsx", "a signature of Chinese characters and an emoji: a mismatch, "
                                  "not a corrupt file", hmac="签名伪造😀" * 8)
identity_mac_removed = _forgery("mac-removed.xlsx", "the signature removed", hmac="")


def identity_mac_other_secret(d: Path) -> Path:
    return signed_report(d, "other-secret.xlsx", secret=b"another county")


def legacy_signed_report(d: Path, name: str = "legacy.xlsx", **fields: str) -> Path:
    """A template as nianbao 2026.1 wrote it: that version, and its MAC over format|year|code|version."""
    import nianbao
    from nianbao.format.identity import legacy_mac

    version, nianbao.TEMPLATE_VERSION = nianbao.TEMPLATE_VERSION, "2026.1"
    try:
        src = signed_report(d, "_legacy.xlsx")
    finally:
        nianbao.TEMPLATE_VERSION = version
    mac = legacy_mac(ISSUER_SECRET, IDENTITY_FORMAT, 2021, IDENTITY_AGENCY["code"], "2026.1")
    return edit_identity(src, d / name, hmac=mac, **fields)


def identity_legacy(d: Path) -> Path:
    return legacy_signed_report(d)


def identity_legacy_kind_summary(d: Path) -> Path:
    return legacy_signed_report(d, "legacy-kind-summary.xlsx", kind="summary")


def identity_legacy_code_borrowed(d: Path) -> Path:
    return legacy_signed_report(d, "legacy-code-borrowed.xlsx", agency_code="02")


IDENTITY_CASES: dict[str, tuple[Callable[[Path], Path], str | None]] = {
    "signed": (signed_report, None),
    "kind_summary": (identity_kind_summary, "HMAC_MISMATCH"),
    "level_province": (identity_level_province, "HMAC_MISMATCH"),
    "level_removed": (identity_level_removed, "HMAC_MISMATCH"),
    "level_spaced": (identity_level_spaced, "HMAC_MISMATCH"),
    "kind_cased": (identity_kind_cased, "HMAC_MISMATCH"),
    "name_changed": (identity_name_changed, "HMAC_MISMATCH"),
    "code_borrowed": (identity_code_borrowed, "HMAC_MISMATCH"),
    "year_changed": (identity_year_changed, "HMAC_MISMATCH"),
    "version_legacy": (identity_version_changed, "HMAC_LEGACY_MISMATCH"),
    "mac_non_ascii": (identity_mac_non_ascii, "HMAC_MISMATCH"),
    "mac_removed": (identity_mac_removed, "HMAC_MISSING"),
    "mac_other_secret": (identity_mac_other_secret, "HMAC_MISMATCH"),
    "legacy": (identity_legacy, "HMAC_LEGACY"),
    "legacy_kind_summary": (identity_legacy_kind_summary, "HMAC_LEGACY_MISMATCH"),
    "legacy_code_borrowed": (identity_legacy_code_borrowed, "HMAC_LEGACY_MISMATCH"),
}



# -- one bad file never aborts a batch, nothing overflows (issue 12 §5) ---------------------------
# Valid nianbao workbooks and report documents with one hostile value or shape each. Unlike CASES
# they pass screening; check, annotate, compile and render must each end with a finding on the
# file (or a clear message) and go on with the others. Each generator takes a directory and
# returns the path it wrote.


def report_document(code: str = "HOSTILE-01", seed: int = 1, **tables) -> dict:
    """A valid 2021 report document of agency `code` (year 2022), with `tables` values replaced
    (keys with __ for dots: proactive__fees__amount=9e25). Derived totals are not recomputed."""
    from factory import valid_document

    from nianbao.format.spec import get_format

    doc = valid_document(get_format("gov-info-disclosure-2021"), seed=seed,
                         agency={"name": f"测试单位{code}", "code": code, "level": "county"})
    for key, value in tables.items():
        doc["tables"][key.replace("__", ".")] = value
    return doc


def filled_workbook(d: Path, name: str, doc: dict) -> Path:
    """The template filled from `doc`, values written as they are (nianbao fill)."""
    from nianbao.format.spec import get_format
    from nianbao.template.write import write_template

    return write_template(get_format(doc["format"]), doc["year"], doc["agency"], d / name, document=doc)


def _sheet_part(path: Path, sheet: str) -> str:
    """The zip part of a sheet, found the way a reader does: workbook.xml, then its relationships."""
    import xml.etree.ElementTree as ET

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    rid = next(s.get(f"{{{ns['r']}}}id") for s in book.iterfind("m:sheets/m:sheet", ns) if s.get("name") == sheet)
    target = next(r.get("Target") for r in rels if r.get("Id") == rid)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def with_cell_xml(src: Path, dest: Path, key: str, cell_xml: str) -> Path:
    """A copy of a filled workbook whose input cell `key` is replaced by the raw `<c>` element given
    ({ref} is its reference): values no spreadsheet application writes, such as <v>1E+999</v>."""
    import xml.etree.ElementTree as ET

    from nianbao.format.layout import layout
    from nianbao.format.spec import get_format

    pos = layout(get_format("gov-info-disclosure-2021")).cells[key]
    part = _sheet_part(src, pos.sheet)
    ET.register_namespace("", "http://schemas.openxmlformats.org/spreadsheetml/2006/main")

    def edit(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        marker = f"@@{pos.ref}@@"
        root = ET.fromstring(data)
        for row in root.iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}row"):
            for i, c in enumerate(list(row)):
                if c.get("r") == pos.ref:
                    row.remove(c)
                    placeholder = ET.Element("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}c",
                                             {"r": marker})
                    row.insert(i, placeholder)
        text = ET.tostring(root, encoding="unicode")
        return text.replace(f'<c r="{marker}" />', cell_xml.format(ref=pos.ref)).encode("utf-8")

    return rezip(src, dest, edit=edit)


def money_9e25(d: Path) -> Path:
    """Two of these summed overflowed compile: a fee of 9×10^25 万元, which check used to accept."""
    return filled_workbook(d, "money-9e25.xlsx", report_document("HOSTILE-01", proactive__fees__amount=9e25))


def count_10e400(d: Path) -> Path:
    """A count typed as text with 401 digits: a number by every normalising rule, but no figure."""
    doc = report_document("HOSTILE-02", proactive__licensing__decisions="1" + "0" * 400)
    return filled_workbook(d, "count-10e400.xlsx", doc)


def count_1e999_xml(d: Path) -> Path:
    """<v>1E+999</v> in a count cell: infinity to a float parser (Excel would show #NUM!)."""
    src = filled_workbook(d, ".base-1e999.xlsx", report_document("HOSTILE-03"))
    out = with_cell_xml(src, d / "count-1e999.xlsx", "proactive.licensing.decisions", '<c r="{ref}"><v>1E+999</v></c>')
    src.unlink()
    return out


def count_nan_xml(d: Path) -> Path:
    """<v>NaN</v> in a count cell."""
    src = filled_workbook(d, ".base-nan.xlsx", report_document("HOSTILE-04"))
    out = with_cell_xml(src, d / "count-nan.xlsx", "proactive.licensing.decisions", '<c r="{ref}"><v>NaN</v></c>')
    src.unlink()
    return out


def _json(d: Path, name: str, text: str | bytes) -> Path:
    path = d / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def json_1e999(d: Path) -> Path:
    import json

    text = json.dumps(report_document("HOSTILE-05"), ensure_ascii=False)
    key = '"proactive.fees.amount": '
    return _json(d, "doc-1e999.json", text.replace(key, key + '1e999, "x": ', 1))


def json_nan(d: Path) -> Path:
    import json

    doc = report_document("HOSTILE-06", requests__received__natural=float("nan"))
    return _json(d, "doc-nan.json", json.dumps(doc, ensure_ascii=False))  # Python writes NaN, JSON has none


def json_nested(d: Path) -> Path:
    """100 000 nested arrays: a recursive parser overflows its stack."""
    return _json(d, "doc-nested.json", b'{"format": "gov-info-disclosure-2021", "tables": ' + b"[" * 100_000
                 + b"]" * 100_000 + b"}")


def json_huge(d: Path) -> Path:
    """A 21 MB document (over check's 20 MB cap for any file, and its 4 MB for a report document)."""
    return _json(d, "doc-huge.json", b'{"format": "gov-info-disclosure-2021", "x": "' + b"a" * (21 * MB) + b'"}')


def json_long_number(d: Path) -> Path:
    """A 5 000-digit integer: Python's int() refuses it (a ValueError inside the JSON parser)."""
    return _json(d, "doc-long-number.json", b'{"format": "gov-info-disclosure-2021", "year": 1' + b"0" * 5000 + b"}")


def json_surrogate(d: Path) -> Path:
    """A lone UTF-16 surrogate in the agency name: valid JSON, but no text that can be printed or saved."""
    import json

    text = json.dumps(report_document("HOSTILE-07"), ensure_ascii=True)
    return _json(d, "doc-surrogate.json", text.replace("\\u6d4b", "\\ud800", 1))


def control_characters(d: Path) -> Path:
    """A report document whose narrative, agency name and date hold control characters (\\x01, \\x0b,
    \\x1f) that XML 1.0 forbids: a .docx writer refuses them."""
    import json

    doc = report_document("HOSTILE-08")
    doc["sections"]["overview"] = "总体情况\x01第一段。\n第二段\x0b含垂直制表符\x1f。"
    doc["agency"]["name"] = "测试\x07单位"
    doc["date"] = "2022年1月\x0020日"
    return _json(d, "doc-control-characters.json", json.dumps(doc, ensure_ascii=False))


def same_names(d: Path) -> Path:
    """Folders a/ and b/ each holding report.xlsx, both with findings: their annotated copies must
    not share a name. Returns the folder holding a/ and b/."""
    for sub, seed in (("a", 1), ("b", 2)):
        (d / sub).mkdir(parents=True, exist_ok=True)
        doc = report_document(f"HOSTILE-1{seed}", seed=seed)
        doc["tables"]["requests.carry_forward.natural"] += 1  # a T3-1 error, so both are annotated
        filled_workbook(d / sub, "report.xlsx", doc)
    return d


def styled_empty_rows(d: Path, rows: int = 1_000_000) -> Path:
    """A valid report whose 表二 has `rows` styled empty rows below the table (7-8 MB on disk, ~50 MB
    of XML): what a clerk gets by formatting whole columns. openpyxl loads every row to annotate it."""
    doc = report_document("HOSTILE-09")
    doc["tables"]["requests.carry_forward.natural"] += 1  # a finding, so it is annotated
    src = filled_workbook(d, ".base-rows.xlsx", doc)
    part = _sheet_part(src, "表二 主动公开")
    body = "".join(f'<row r="{r}" s="1" customFormat="1"/>' for r in range(1000, 1000 + rows)).encode()

    def edit(name: str, data: bytes) -> bytes:
        return data.replace(b"</sheetData>", body + b"</sheetData>", 1) if name == part else data

    out = rezip(src, d / "styled-empty-rows.xlsx", edit=edit)
    src.unlink()
    return out


def broken_core_properties(d: Path) -> Path:
    """A report with a finding whose docProps/core.xml is not XML: nianbao's reader does not need the
    part, openpyxl (which annotates) cannot open the workbook."""
    doc = report_document("HOSTILE-10")
    doc["tables"]["requests.carry_forward.natural"] += 1
    src = filled_workbook(d, ".base-core.xlsx", doc)
    out = rezip(src, d / "broken-core-properties.xlsx",
                edit=lambda name, data: b"<cp:coreProperties" if name == "docProps/core.xml" else data)
    src.unlink()
    return out


# case -> (generator, the Code names `check` may give the file: a finding on it, never CHECK_FAILED)
BATCH_CASES: dict[str, tuple[Callable[[Path], Path], tuple[str, ...]]] = {
    "money_9e25": (money_9e25, ("CELL_OUT_OF_RANGE",)),
    "count_10e400": (count_10e400, ("CELL_OUT_OF_RANGE",)),
    "count_1e999_xml": (count_1e999_xml, ("CELL_ERROR_VALUE", "FILE_CORRUPT")),
    "count_nan_xml": (count_nan_xml, ("CELL_ERROR_VALUE", "FILE_CORRUPT")),
    "json_1e999": (json_1e999, ("DOCUMENT_REFUSED",)),
    "json_nan": (json_nan, ("DOCUMENT_REFUSED",)),
    "json_nested": (json_nested, ("DOCUMENT_REFUSED",)),
    "json_huge": (json_huge, ("DOCUMENT_REFUSED",)),
    "json_long_number": (json_long_number, ("DOCUMENT_REFUSED",)),
    "json_surrogate": (json_surrogate, ("DOCUMENT_REFUSED",)),
    "control_characters": (control_characters, ()),  # a valid report: render must draw it
    "broken_core_properties": (broken_core_properties, ("T3-1", "FILE_CORRUPT")),
    "styled_empty_rows": (styled_empty_rows, ("T3-1",)),
}



# -- issue 12 (reader): workbooks read as Excel shows them, and tables that moved ---------------------
#
# Each generator writes a filled 2021 template (tests/factory.py) and changes it at the XML level the
# way a hostile sender or an unlucky program would. ``READ_CASES`` maps a case to (generator, the Code
# names check_file must report — for a refusal, the one finding). Every case passes safety.screen.

T2 = "表二 主动公开"
T2_PART = "xl/worksheets/sheet3.xml"  # 封面, 正文, then 表二
T2_D6 = 41  # 表二 D6: 行政规范性文件 · 现行有效件数, the cell the review used


def filled_2021(d: Path, name: str = "_filled.xlsx") -> Path:
    from factory import valid_document

    from nianbao.format.spec import all_formats
    from nianbao.template.write import write_template

    fmt = all_formats()["gov-info-disclosure-2021"]
    doc = valid_document(fmt)
    doc["tables"]["proactive.normative_docs.in_force"] = T2_D6
    return write_template(fmt, doc["year"], doc["agency"], d / name, document=doc)


def _edit_part(d: Path, name: str, part: str, edit: Callable[[str], str]) -> Path:
    def change(member: str, data: bytes) -> bytes:
        return edit(data.decode("utf-8")).encode("utf-8") if member == part else data

    return rezip(filled_2021(d), d / name, edit=change)


def _cell_xml(xml: str, ref: str) -> str:
    start = xml.index(f'<c r="{ref}"')
    return xml[start:xml.index("</c>", start) + 4]


def unclosed_cells(d: Path) -> Path:
    """~260 KB of <c r=…> tags that never close (the regex scan backtracked for minutes on this)."""
    rng = random.Random(12)
    junk = "".join(f'<c r="{get_col(rng.randrange(1, 200))}{rng.randrange(1, 99999)}" s="{rng.randrange(30)}">'
                   f"<v>{rng.random()}</v>" for _ in range(13000))
    return _edit_part(d, "unclosed_cells.xlsx", T2_PART, lambda x: x.replace("<sheetData>", "<sheetData>" + junk, 1))


def unclosed_shared_strings(d: Path) -> Path:
    rng = random.Random(13)
    junk = "".join(f"<si><t>{rng.random()}{rng.random()}" for _ in range(9000))
    return _edit_part(d, "unclosed_si.xlsx", "xl/sharedStrings.xml",
                      lambda x: x.replace("</sst>", junk + "</sst>"))


def get_col(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def comment_value(d: Path) -> Path:
    """A second D6 inside an XML comment after the real one: Excel, LibreOffice and openpyxl show 41."""
    return _edit_part(d, "comment_value.xlsx", T2_PART, lambda x: x.replace(
        _cell_xml(x, "D6"), _cell_xml(x, "D6") + '<!--<c r="D6"><v>999</v></c>-->', 1))


def comment_protection(d: Path) -> Path:
    """Protection removed, and a <sheetProtection> left inside a comment: not protection."""
    def edit(x: str) -> str:
        start = x.index("<sheetProtection")
        end = x.index("/>", start) + 2
        return x[:start] + "<!--" + x[start:end] + "-->" + x[end:]

    return _edit_part(d, "comment_protection.xlsx", T2_PART, edit)


def cdata_value(d: Path) -> Path:
    return _edit_part(d, "cdata.xlsx", T2_PART, lambda x: x.replace(
        _cell_xml(x, "D6"), _cell_xml(x, "D6").replace(f"<v>{T2_D6}</v>", f"<v><![CDATA[{T2_D6}]]></v>"), 1))


def charref_value(d: Path) -> Path:
    refs = "".join(f"&#{ord(ch)};" for ch in str(T2_D6))
    return _edit_part(d, "charref.xlsx", T2_PART, lambda x: x.replace(
        _cell_xml(x, "D6"), _cell_xml(x, "D6").replace(f"<v>{T2_D6}</v>", f"<v>{refs}</v>"), 1))


def prefixed_elements(d: Path) -> Path:
    """Every SpreadsheetML element of 表二 written with an x: prefix bound to the right namespace."""
    import re as _re

    def edit(x: str) -> str:
        head, body = x.split("?>", 1)
        body = body.replace('xmlns="http://schemas', 'xmlns:x="http://schemas', 1)
        return head + "?>" + _re.sub(r"<(/?)([A-Za-z]+)([ />])", r"<\1x:\2\3", body)

    return _edit_part(d, "prefixed.xlsx", T2_PART, edit)


def wrong_namespace_value(d: Path) -> Path:
    """D6's <v> in a namespace that is not SpreadsheetML's: a conforming reader sees no value."""
    return _edit_part(d, "wrong_ns.xlsx", T2_PART, lambda x: x.replace(
        _cell_xml(x, "D6"), _cell_xml(x, "D6").replace(f"<v>{T2_D6}</v>", f'<w:v xmlns:w="urn:other">{T2_D6}</w:v>'),
        1))


def bad_style_index(d: Path) -> Path:
    return _edit_part(d, "bad_style.xlsx", T2_PART, lambda x: x.replace(
        _cell_xml(x, "D6"), _cell_xml(x, "D6").replace('s="', 's="9', 1), 1))


def unknown_cell_type(d: Path) -> Path:
    """t="x": not a type Excel writes; openpyxl keeps the text, so both engines read "41" as text."""
    return _edit_part(d, "unknown_t.xlsx", T2_PART, lambda x: x.replace(
        _cell_xml(x, "D6"), _cell_xml(x, "D6").replace('<c r="D6"', '<c r="D6" t="x"', 1), 1))


_STRICT = {
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main": "http://purl.oclc.org/ooxml/spreadsheetml/main",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships":
        "http://purl.oclc.org/ooxml/officeDocument/relationships",
}


def strict_open_xml(d: Path) -> Path:
    """Saved as Excel's "Strict Open XML 电子表格": other namespace URIs for the same elements."""
    def change(member: str, data: bytes) -> bytes:
        if not member.endswith((".xml", ".rels")):
            return data
        text = data.decode("utf-8")
        for old, new in _STRICT.items():
            text = text.replace(old, new)
        if member == "xl/workbook.xml":
            text = text.replace("<workbook ", '<workbook conformance="strict" ', 1)
        return text.encode("utf-8")

    return rezip(filled_2021(d), d / "strict.xlsx", edit=change)


def _with_openpyxl(d: Path, name: str, mutate: Callable) -> Path:
    import openpyxl

    path = filled_2021(d, name)
    book = openpyxl.load_workbook(path)
    mutate(book)
    book.save(path)
    return path


def moved_rows(d: Path) -> Path:
    """Row 5 of 表二 inserted, row 8 deleted (openpyxl moves cells only; see the LibreOffice test)."""
    def mutate(book):
        book[T2].insert_rows(5)
        book[T2].delete_rows(8)

    return _with_openpyxl(d, "moved_rows.xlsx", mutate)


def hidden_row(d: Path) -> Path:
    return _with_openpyxl(d, "hidden_row.xlsx", lambda b: setattr(b[T2].row_dimensions[6], "hidden", True))


def hidden_column(d: Path) -> Path:
    return _with_openpyxl(d, "hidden_col.xlsx", lambda b: setattr(b[T2].column_dimensions["D"], "hidden", True))


def hiding_number_format(d: Path) -> Path:
    return _with_openpyxl(d, "hidden_format.xlsx", lambda b: setattr(b[T2]["D6"], "number_format", ";;;"))


def merged_over_input(d: Path) -> Path:
    """C6:D6 merged: Excel shows C6 across both cells, D6's 41 stays in the file unseen."""
    return _edit_part(d, "merged.xlsx", T2_PART, lambda x: x.replace(
        '<mergeCell ref="A1:B1"/>', '<mergeCell ref="A1:B1"/><mergeCell ref="C6:D6"/>', 1))


def sum_counts_a_cell_twice(d: Path) -> Path:
    """A total of 表三 that adds one of its parts twice: the sheet shows it, the rules would not."""
    return _edit_part(d, "sum_twice.xlsx", "xl/worksheets/sheet4.xml",
                      lambda x: x.replace("<f>SUM(D6:I6)</f>", "<f>SUM(D6:I6,D6)</f>", 1))


def sum_plus_one(d: Path) -> Path:
    return _edit_part(d, "sum_plus_one.xlsx", "xl/worksheets/sheet4.xml",
                      lambda x: x.replace("<f>SUM(D6:I6)</f>", "<f>SUM(D6:I6)+1</f>", 1))


def check_formula_constant(d: Path) -> Path:
    """A 校验 result overwritten with a ✓ typed in."""
    def mutate(book):
        from nianbao.format.layout import CHECK_SHEET

        book[CHECK_SHEET]["H4"] = "✓"

    return _with_openpyxl(d, "check_constant.xlsx", mutate)


READ_CASES: dict[str, tuple[Callable[[Path], Path], list[str]]] = {
    "unclosed_cells": (unclosed_cells, ["FILE_CORRUPT"]),
    "unclosed_shared_strings": (unclosed_shared_strings, ["FILE_CORRUPT"]),
    "comment_value": (comment_value, []),
    "comment_protection": (comment_protection, ["PROTECTION_REMOVED"]),
    "cdata_value": (cdata_value, []),
    "charref_value": (charref_value, []),
    "prefixed_elements": (prefixed_elements, []),
    "wrong_namespace_value": (wrong_namespace_value, ["CELL_BLANK"]),
    "bad_style_index": (bad_style_index, ["FILE_CORRUPT"]),
    "unknown_cell_type": (unknown_cell_type, ["CELL_NORMALISED"]),
    "strict_open_xml": (strict_open_xml, ["FILE_STRICT_OOXML"]),
    "moved_rows": (moved_rows, ["LAYOUT_MOVED"]),
    "hidden_row": (hidden_row, ["CELL_HIDDEN"] * 3),
    "hidden_column": (hidden_column, ["CELL_HIDDEN"] * 2),
    "hiding_number_format": (hiding_number_format, ["CELL_SHOWN_DIFFERENT"]),  # issue 19: shown blank, counted 41
    "merged_over_input": (merged_over_input, ["CELL_MERGED"]),
    "sum_counts_a_cell_twice": (sum_counts_a_cell_twice, ["FORMULA_CHANGED"]),
    "sum_plus_one": (sum_plus_one, ["FORMULA_CHANGED"]),
    "check_formula_constant": (check_formula_constant, ["CHECK_FORMULA_REPLACED"]),
}


# -- issue 19: every file the office opens is inert; bounded external programs ----------------------
# Text chosen by someone else (an agency name, a roster row, a published report's title, a file
# name, a sheet name) that a spreadsheet would run — a formula, a link, DDE — or a terminal would
# obey — escape sequences, carriage returns, line breaks, bidi overrides, rich markup. And PDFs
# of a few KB that keep poppler busy for minutes or flood its output.

LIVE_TEXT = {  # what every spreadsheet and CSV nianbao writes must hold as the text it is
    "hyperlink": '=HYPERLINK("http://evil.example/x","点我")',
    "formula": "=1+1",
    "plus": "+1+1",
    "minus": "-2+3",
    "at": "@SUM(1)",
    "dde": "=cmd|' /C calc'!A0",
    "array": "{=1+1}",
    "error_value": "#N/A",
    "url": "http://evil.example/x",
    "blank_then_formula": " =1+1",
    "tab_formula": "\t=1+1",
    "cr_formula": "\r=1+1",
    "excel_escape": "_x0041__x005F_ 编码",
    "control": "单位\x07\x1b[2J名称",
    "bidi": "教育局\u202exslx.exe",
}
TERMINAL_NAMES = {  # names a file may carry that a terminal would obey (no "/" and no NUL: valid file names)
    "clear_screen": "\x1b[2J\x1b[H清屏",
    "carriage_return": "好\r✓ 通过",
    "line_break": "换\n行",
    "bidi": "报告\u202eslx.exe",
    "c1_csi": "c1\x9b31m红",
    "bell_del": "响\x07铃\x7f",
    "markup": "[red]红[link=https:evil.example]点我[blink]闪",  # no "/": closing tags could not be in a file name
}
# What must never reach a terminal raw: C0 controls but the line feed of our own lines, DEL, C1,
# bidi embeddings, overrides and isolates, and the line and paragraph separators.
RAW_CONTROL = "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]"


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF of the given objects (1 0 obj is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _pdf_stream(data: bytes, entries: str = "", *, deflated: bool = False) -> bytes:
    if deflated:
        data, entries = zlib.compress(data, 9), entries + " /Filter /FlateDecode"
    return f"<< {entries} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


_PDF_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _nested_forms(d: Path, name: str, leaf: bytes, depth: int, fan: int = 10) -> Path:
    """One page that draws form X0, which draws X1 `fan` times, … down to X(depth-1), which draws
    `leaf`: fan**(depth-1) leaves from a file of a few KB."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> "
            b"/XObject << /X0 6 0 R >> >> /Contents 5 0 R >>",
            _PDF_FONT, _pdf_stream(b"BT /F1 12 Tf 72 770 Td (2021 annual report) Tj ET q /X0 Do Q")]
    for k in range(depth):
        last = k == depth - 1
        body = leaf if last else b"q 1 0 0 1 0.1 0.1 cm /X Do Q " * fan
        resources = "/Resources << /Font << /F1 4 0 R >> " + ("" if last else f"/XObject << /X {7 + k} 0 R >> ") + ">>"
        objs.append(_pdf_stream(body, f"/Type /XObject /Subtype /Form /BBox [0 0 595 842] {resources}"))
    return _write(d, name, raw_pdf(objs))


def pdf_nested_drawings(d: Path) -> Path:
    """4 KB: 10^7 strokes through eight levels of nested forms. Measured: pdftotext -bbox draws
    10^6 of them in 13 s, so this one alone takes minutes."""
    return _nested_forms(d, "nested-drawings.pdf", b"0 0 m 1 1 l S", depth=8)


def pdf_nested_text(d: Path) -> Path:
    """3.2 KB: 10^5 one-point characters drawn at nearly one place; poppler's text pool grows
    quadratically (measured: 60 s and 300 MB within 10 s)."""
    return _nested_forms(d, "nested-text.pdf", b"BT /F1 1 Tf (x) Tj ET", depth=6)


def pdf_text_flood(d: Path, pages: int = 40) -> Path:
    """8 KB: every page shows one deflated content stream of 160 000 words (330 KB), ~2 MB of
    pdftotext -bbox output a page — 80 MB in all, far past what 40 pages of a report print."""
    line = b"0 -1 Td (" + b"a " * 200 + b") Tj\n"
    content = b"BT /F1 1 Tf 10 830 Td " + line * 800 + b"ET"
    kids = " ".join(f"{5 + i} 0 R" for i in range(pages))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
            _PDF_FONT, _pdf_stream(content, deflated=True)]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
             b"/Contents 4 0 R >>"] * pages
    return _write(d, "text-flood.pdf", raw_pdf(objs))


SLOW_PDFS: dict[str, tuple[Callable[[Path], Path], str]] = {  # case -> (generator, words of the finding)
    "nested_drawings": (pdf_nested_drawings, "PDF 处理超时"),
    "nested_text": (pdf_nested_text, "PDF 处理超时"),
    "text_flood": (pdf_text_flood, "PDF 文字层过大"),
}
# -- issue 19 (appearance): what the clerk sees is what is counted -----------------------------------
#
# Each generator writes a filled 2021 template and changes how an input cell *looks* at the XML level,
# the way a department with a text editor (or an odd program) could: a number format, a colour from
# any source, a conditional format, a data bar, rich-text runs, a drawing or comment over the cell,
# a hidden or look-alike sheet, an escape in a string, a total's stored result. ``APPEARANCE_CASES``
# maps a case to (generator, the Code names check_file must report, in order). LibreOffice shows each
# as described (tests/intake/test_appearance_lo.py renders them).

_STYLES = "xl/styles.xml"
T3_PART = "xl/worksheets/sheet4.xml"  # 表三 依申请公开
T3 = "表三 依申请公开"


def _count_tag(xml: str, tag: str) -> int:
    import re as _re

    return int(_re.search(rf'<{tag} count="(\d+)"', xml).group(1))


def _append_to(xml: str, tag: str, element: str) -> tuple[str, int]:
    """Append an element to <tag count=…>, creating the holder before <fonts> style-wise; its index."""
    import re as _re

    if f"<{tag} " not in xml:
        anchor = {"numFmts": "<fonts ", "dxfs": "<tableStyles", "fills": "<borders "}[tag]
        if anchor not in xml:
            anchor = "</styleSheet>"
        xml = xml.replace(anchor, f'<{tag} count="0"></{tag}>' + anchor, 1)
    n = _count_tag(xml, tag)
    xml = _re.sub(rf'<{tag} count="\d+"( ?/?)>', f'<{tag} count="{n + 1}">', xml, count=1)
    xml = xml.replace(f"</{tag}>", element + f"</{tag}>", 1) if f"</{tag}>" in xml else xml
    return xml, n


def add_style(styles: str, base: int, *, font: str | None = None, fill: str | None = None,
              numfmt: str | None = None, align: str | None = None) -> tuple[str, int]:
    """A copy of cell style `base` with another font, fill, number format or horizontal alignment."""
    import re as _re
    from xml.sax.saxutils import quoteattr

    xfs = _re.search(r'<cellXfs count="\d+">(.*?)</cellXfs>', styles, _re.S).group(1)
    xf = _re.findall(r"<xf [^>]*?(?:/>|>.*?</xf>)", xfs, _re.S)[base]
    if font is not None:
        styles, i = _append_to(styles, "fonts", font)
        xf = _re.sub(r'fontId="\d+"', f'fontId="{i}"', xf)
    if fill is not None:
        styles, i = _append_to(styles, "fills", fill)
        xf = _re.sub(r'fillId="\d+"', f'fillId="{i}"', xf)
    if numfmt is not None:
        styles, i = _append_to(styles, "numFmts", f'<numFmt numFmtId="{{id}}" formatCode={quoteattr(numfmt)}/>')
        styles = styles.replace('numFmtId="{id}"', f'numFmtId="{300 + i}"')
        xf = _re.sub(r'numFmtId="\d+"', f'numFmtId="{300 + i}"', xf)
    if align is not None:
        xf = _re.sub(r'horizontal="\w+"', f'horizontal="{align}"', xf)
    styles, index = _append_to(styles, "cellXfs", xf)
    return styles, index


def _cell_style(xml: str, ref: str) -> int:
    import re as _re

    return int(_re.search(rf'<c r="{ref}" s="(\d+)"', xml).group(1))


def restyled(d: Path, name: str, *, ref: str = "D6", part: str = T2_PART, value: str | None = None,
             cell_xml: str | None = None, **style) -> Path:
    """The filled template with one input cell given another font/fill/number format/alignment, and
    optionally another stored value (`value`, the <v> text) or a whole new <c> body (`cell_xml`)."""
    import re as _re

    src = filled_2021(d, f".base-{name}")
    with zipfile.ZipFile(src) as z:
        sheet = z.read(part).decode()
        styles = z.read(_STYLES).decode()
    if style:
        styles, index = add_style(styles, _cell_style(sheet, ref), **style)
        sheet = _re.sub(rf'<c r="{ref}" s="\d+"', f'<c r="{ref}" s="{index}"', sheet, count=1)
    if value is not None:
        sheet = _re.sub(rf'(<c r="{ref}"[^>]*>)<v>[^<]*</v>', rf"\g<1><v>{value}</v>", sheet, count=1)
    if cell_xml is not None:
        sheet = _re.sub(rf'<c r="{ref}"( s="\d+")[^>]*>.*?</c>', lambda m: cell_xml.format(ref=ref, s=m.group(1)),
                        sheet, count=1, flags=_re.S)
    edited = {part: sheet.encode(), _STYLES: styles.encode()}
    out = rezip(src, d / name, edit=lambda member, data: edited.get(member, data))
    src.unlink()
    return out


def _font(extra: str = "", colour: str = '<color theme="1"/>', size: str = "10", name: str = "宋体") -> str:
    return f'<font>{extra}<sz val="{size}"/>{colour}<name val="{name}"/><family val="2"/></font>'


def _solid(colour: str) -> str:
    return f'<fill><patternFill patternType="solid"><fgColor {colour}/><bgColor indexed="64"/></patternFill></fill>'


def format_literal(d: Path) -> Path:
    """「表二」D6 holds 41 and shows 9: the number format is the literal "9"."""
    return restyled(d, "format-literal.xlsx", numfmt='"9"')


def format_thousands(d: Path) -> Path:
    """9000 shown as 9 by the thousands scaling of "0,"."""
    return restyled(d, "format-thousands.xlsx", numfmt="0,", value="9000")


def format_conditional_section(d: Path) -> Path:
    """[<1000]0;"9" on 5000: the second section, the literal 9."""
    return restyled(d, "format-conditional.xlsx", numfmt='[<1000]0;"9"', value="5000")


def format_hides_zero(d: Path) -> Path:
    """0;-0;;@ on 0: the zero section is empty, the cell looks unfilled."""
    return restyled(d, "format-hides-zero.xlsx", ref="B5", numfmt="0;-0;;@")


def format_text_section(d: Path) -> Path:
    """The text "41" in a cell whose fourth (text) section is "9": read as 41, shown as 9."""
    return restyled(d, "format-text-section.xlsx", numfmt='0;0;0;"9"',
                    cell_xml='<c r="{ref}"{s} t="inlineStr"><is><t>41</t></is></c>')


def format_percent(d: Path) -> Path:
    """0% on 41: 4100%."""
    return restyled(d, "format-percent.xlsx", numfmt="0%")


def format_scientific(d: Path) -> Path:
    """0.0E+00 on 41: 4.1E+01, the same figure in another notation (a warning)."""
    return restyled(d, "format-scientific.xlsx", numfmt="0.0E+00")


def format_date(d: Path) -> Path:
    """yyyy on 41: the year 1900 (a cell with a date format holds a date: CELL_DATE says so)."""
    return restyled(d, "format-date.xlsx", numfmt="yyyy")


def format_colour_white(d: Path) -> Path:
    """[White]0: the format's own colour paints the figure white on the input yellow."""
    return restyled(d, "format-white.xlsx", numfmt="[White]0")


def font_white_rgb(d: Path) -> Path:
    return restyled(d, "font-white.xlsx", font=_font(colour='<color rgb="FFFFFFFF"/>'))


def font_theme_background(d: Path) -> Path:
    """theme="0" is lt1, the theme's white (a style's first two theme indexes are swapped)."""
    return restyled(d, "font-theme0.xlsx", font=_font(colour='<color theme="0"/>'))


def font_indexed_fill_colour(d: Path) -> Path:
    """Indexed 13 (yellow) on the input yellow FFF2CC."""
    return restyled(d, "font-indexed13.xlsx", font=_font(colour='<color indexed="13"/>'))


def font_tinted_grey(d: Path) -> Path:
    """Black lightened by tint 0.9: E6E6E6 on FFF2CC, a near-equal colour."""
    return restyled(d, "font-tint.xlsx", font=_font(colour='<color theme="1" tint="0.9"/>'))


def fill_black(d: Path) -> Path:
    """The fill changed to the theme's black (theme 1), the text black."""
    return restyled(d, "fill-black.xlsx", fill=_solid('theme="1"'))


def fill_pattern_dark(d: Path) -> Path:
    """A darkGray pattern of black on white (75 % black) under black text."""
    return restyled(d, "fill-dark-pattern.xlsx",
                    fill='<fill><patternFill patternType="darkGray"><fgColor rgb="FF000000"/>'
                         '<bgColor rgb="FFFFFFFF"/></patternFill></fill>')


def font_grey_hard_to_read(d: Path) -> Path:
    """Light grey BFBFBF on the input yellow: readable, barely (a warning)."""
    return restyled(d, "font-grey.xlsx", font=_font(colour='<color rgb="FFBFBFBF"/>'))


def font_tiny(d: Path) -> Path:
    return restyled(d, "font-tiny.xlsx", font=_font(size="1"))


def font_symbol(d: Path) -> Path:
    """Wingdings: the digits are drawn as symbols."""
    return restyled(d, "font-wingdings.xlsx", font=_font(name="Wingdings"))


def font_struck(d: Path) -> Path:
    return restyled(d, "font-strike.xlsx", font=_font(extra="<strike/>"))


def align_fill(d: Path) -> Path:
    """Horizontal alignment "fill" repeats the figure across the cell: 41 reads 414141."""
    return restyled(d, "align-fill.xlsx", align="fill")


def _with_parts(d: Path, name: str, *, sheet_edit: Callable[[str], str] | None = None, part: str = T2_PART,
                add: dict[str, str] | None = None, content_types: str = "", rels: str = "",
                styles_edit: Callable[[str], str] | None = None, workbook_edit: Callable[[str], str] | None = None,
                workbook_rels: str = "") -> Path:
    """The filled template with parts added, the sheet part, styles, workbook and relationships edited."""
    src = filled_2021(d, f".base-{name}")
    folder, file = part.rsplit("/", 1)
    rels_part = f"{folder}/_rels/{file}.rels"
    with zipfile.ZipFile(src) as z:
        names = set(z.namelist())
        existing_rels = z.read(rels_part).decode() if rels_part in names else None

    def edit(member: str, data: bytes) -> bytes:
        text = data.decode("utf-8") if member.endswith((".xml", ".rels")) else None
        if member == part and sheet_edit is not None:
            return sheet_edit(text).encode()
        if member == _STYLES and styles_edit is not None:
            return styles_edit(text).encode()
        if member == "xl/workbook.xml" and workbook_edit is not None:
            return workbook_edit(text).encode()
        if member == "[Content_Types].xml" and content_types:
            return text.replace("</Types>", content_types + "</Types>").encode()
        if member == "xl/_rels/workbook.xml.rels" and workbook_rels:
            return text.replace("</Relationships>", workbook_rels + "</Relationships>").encode()
        if member == rels_part and rels:
            return text.replace("</Relationships>", rels + "</Relationships>").encode()
        return data

    extra = {k: v.encode() for k, v in (add or {}).items()}
    if rels and existing_rels is None:
        extra[rels_part] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
                            f'"http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>'
                            ).encode()
    out = rezip(src, d / name, edit=edit, add=extra)
    src.unlink()
    return out


def _cond(sqref: str, rule: str) -> Callable[[str], str]:
    """Insert a <conditionalFormatting> where the schema puts it (after the existing ones)."""
    def edit(x: str) -> str:
        block = f'<conditionalFormatting sqref="{sqref}">{rule}</conditionalFormatting>'
        return x.replace("<dataValidations", block + "<dataValidations", 1)

    return edit


def _dxf(body: str) -> Callable[[str], str]:
    def edit(x: str) -> str:
        return _append_to(x, "dxfs", f"<dxf>{body}</dxf>")[0]

    return edit


def _dxf_id(d: Path) -> int:
    with zipfile.ZipFile(filled_2021(d, ".probe-dxf.xlsx")) as z:
        styles = z.read(_STYLES).decode()
    (d / ".probe-dxf.xlsx").unlink()
    return _count_tag(styles, "dxfs") if "<dxfs " in styles else 0


def cond_always_true_white(d: Path) -> Path:
    """An always-true conditional format (expression TRUE) whose font colour is the fill's."""
    i = _dxf_id(d)
    return _with_parts(d, "cond-true-white.xlsx", styles_edit=_dxf('<font><color rgb="FFFFF2CC"/></font>'),
                       sheet_edit=_cond("D6", f'<cfRule type="expression" dxfId="{i}" priority="9">'
                                              "<formula>TRUE</formula></cfRule>"))


def cond_number_format(d: Path) -> Path:
    """A cellIs rule (greater than 0) whose style shows the literal "9"."""
    i = _dxf_id(d)
    return _with_parts(d, "cond-numfmt.xlsx", styles_edit=_dxf('<numFmt numFmtId="400" formatCode="&quot;9&quot;"/>'),
                       sheet_edit=_cond("B5:D6", f'<cfRule type="cellIs" dxfId="{i}" priority="9" '
                                                 'operator="greaterThan"><formula>0</formula></cfRule>'))


def cond_fill_black(d: Path) -> Path:
    """A conditional format whose fill (a dxf's solid colour is its bgColor) is black under black text."""
    i = _dxf_id(d)
    return _with_parts(d, "cond-fill.xlsx",
                       styles_edit=_dxf('<fill><patternFill><bgColor rgb="FF000000"/></patternFill></fill>'),
                       sheet_edit=_cond("D6", f'<cfRule type="cellIs" dxfId="{i}" priority="9" operator="between">'
                                              "<formula>1</formula><formula>100</formula></cfRule>"))


def cond_data_bar(d: Path) -> Path:
    """A data bar that hides the value (showValue="0"): only the bar is drawn."""
    return _with_parts(d, "cond-databar.xlsx", sheet_edit=_cond(
        "D6", '<cfRule type="dataBar" priority="9"><dataBar showValue="0"><cfvo type="min"/><cfvo type="max"/>'
              '<color rgb="FF638EC6"/></dataBar></cfRule>'))


def cond_icon_set(d: Path) -> Path:
    return _with_parts(d, "cond-iconset.xlsx", sheet_edit=_cond(
        "D6", '<cfRule type="iconSet" priority="9"><iconSet iconSet="3Arrows" showValue="0">'
              '<cfvo type="percent" val="0"/><cfvo type="percent" val="33"/><cfvo type="percent" val="67"/>'
              "</iconSet></cfRule>"))


def rich_text_hidden_run(d: Path) -> Path:
    """The text "41" in rich-text runs "4" and "1", the second white: read as 41, shown as 4."""
    return restyled(d, "rich-hidden-run.xlsx",
                    cell_xml='<c r="{ref}"{s} t="inlineStr"><is><r><t>4</t></r>'
                             '<r><rPr><color rgb="FFFFFFFF"/><sz val="10"/></rPr><t>1</t></r></is></c>')


_XDR = 'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" ' \
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
_TEXT_BOX = ('<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="2" name="TextBox 1"/><xdr:cNvSpPr txBox="1"/>'
             '</xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></a:xfrm>'
             '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:solidFill><a:srgbClr val="FFF2CC"/></a:solidFill>'
             '</xdr:spPr><xdr:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="zh-CN" sz="1000"/><a:t>9</a:t>'
             "</a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData/>")


def _drawing(d: Path, name: str, anchor: str) -> Path:
    body = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr {_XDR}>{anchor}</xdr:wsDr>'
    return _with_parts(
        d, name, add={"xl/drawings/drawing1.xml": body},
        sheet_edit=lambda x: x.replace("</worksheet>", '<drawing r:id="rIdNb1"/></worksheet>'),
        rels='<Relationship Id="rIdNb1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
             'drawing" Target="../drawings/drawing1.xml"/>',
        content_types='<Override PartName="/xl/drawings/drawing1.xml" '
                      'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>')


def text_box_two_cell(d: Path) -> Path:
    """A text box saying 9, drawn exactly over 表二 D6 (twoCellAnchor from D6 to E7)."""
    return _drawing(d, "textbox-twocell.xlsx",
                    '<xdr:twoCellAnchor><xdr:from><xdr:col>3</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>5</xdr:row>'
                    '<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>4</xdr:col><xdr:colOff>0</xdr:colOff>'
                    f"<xdr:row>6</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>{_TEXT_BOX}</xdr:twoCellAnchor>")


def text_box_one_cell(d: Path) -> Path:
    """The same text box, anchored at C6 with an offset and a size in EMU (oneCellAnchor)."""
    return _drawing(d, "textbox-onecell.xlsx",
                    '<xdr:oneCellAnchor><xdr:from><xdr:col>2</xdr:col><xdr:colOff>1905000</xdr:colOff>'
                    '<xdr:row>5</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="1270000" cy="228600"/>'
                    f"{_TEXT_BOX}</xdr:oneCellAnchor>")


def text_box_absolute(d: Path) -> Path:
    """The same text box placed in EMU from the sheet's corner (absoluteAnchor), over D6."""
    return _drawing(d, "textbox-absolute.xlsx",
                    '<xdr:absoluteAnchor><xdr:pos x="4826000" y="1346200"/><xdr:ext cx="1270000" cy="190500"/>'
                    f"{_TEXT_BOX}</xdr:absoluteAnchor>")


_VML_HEAD = ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
             'xmlns:x="urn:schemas-microsoft-com:office:excel">')


def _vml(d: Path, name: str, shapes: str, comment: str | None = None) -> Path:
    rels = ('<Relationship Id="rIdNb2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'vmlDrawing" Target="../drawings/vmlDrawing1.vml"/>')
    add = {"xl/drawings/vmlDrawing1.vml": _VML_HEAD + shapes + "</xml>"}
    types = '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
    if comment is not None:
        rels += ('<Relationship Id="rIdNb3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                 'comments" Target="../comments1.xml"/>')
        add["xl/comments1.xml"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns='
                                   '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>科员'
                                   '</author></authors><commentList><comment ref="D6" authorId="0"><text><r>'
                                   f"<t>{comment}</t></r></text></comment></commentList></comments>")
        types += ('<Override PartName="/xl/comments1.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/>')
    return _with_parts(d, name, add=add, rels=rels, content_types=types,
                       sheet_edit=lambda x: x.replace("</worksheet>", '<legacyDrawing r:id="rIdNb2"/></worksheet>'))


def _note(visible: bool) -> str:
    return ('<v:shape id="_x0000_s1025" type="#_x0000_t202" style="position:absolute;margin-left:300pt;margin-top:80pt;'
            'width:108pt;height:60pt;z-index:1;visibility:hidden" fillcolor="#ffffe1"><v:textbox><div>实际为 9</div>'
            '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            '<x:Anchor>3, 0, 5, 0, 4, 0, 8, 0</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>5</x:Row>'
            f'<x:Column>3</x:Column>{"<x:Visible/>" if visible else ""}</x:ClientData></v:shape>')


def comment_on_input(d: Path) -> Path:
    """A comment on 表二 D6, shown only when the mouse is over the cell (a warning)."""
    return _vml(d, "comment.xlsx", _note(False), comment="实际为 9")


def comment_shown_over_input(d: Path) -> Path:
    """The comment set to stay shown, its box anchored over D6:D8: it covers the figure."""
    return _vml(d, "comment-shown.xlsx", _note(True), comment="实际为 9")


def vml_text_box(d: Path) -> Path:
    """A VML text box (a legacy drawing shape, no ClientData) placed over D6 by its CSS position."""
    return _vml(d, "vml-textbox.xlsx",
                '<v:rect id="box" style="position:absolute;margin-left:380pt;margin-top:106pt;width:100pt;height:15pt;'
                'z-index:2" fillcolor="#FFF2CC" stroked="f"><v:textbox><div>9</div></v:textbox></v:rect>')


def _sheet_state(name: str, state: str) -> Callable[[str], str]:
    return lambda x: x.replace(f'<sheet name="{name}" ', f'<sheet name="{name}" state="{state}" ', 1)


def sheet_hidden(d: Path) -> Path:
    return _with_parts(d, "sheet-hidden.xlsx", workbook_edit=_sheet_state(T3, "hidden"))


def sheet_very_hidden(d: Path) -> Path:
    return _with_parts(d, "sheet-veryhidden.xlsx", workbook_edit=_sheet_state(T3, "veryHidden"))


def _lookalike(d: Path, file: str, name: str, state: str) -> Path:
    """A copy of 表三 named `name` (with D6 changed to 9), and the real 表三 in `state`."""
    import re as _re

    src = filled_2021(d, ".base-lookalike.xlsx")
    with zipfile.ZipFile(src) as z:
        copy = _re.sub(r'(<c r="D6"[^>]*>)<v>[^<]*</v>', r"\g<1><v>9</v>", z.read(T3_PART).decode(), count=1)
    src.unlink()

    def workbook(x: str) -> str:
        x = _sheet_state(T3, state)(x) if state != "visible" else x
        return x.replace("</sheets>", f'<sheet name="{name}" sheetId="77" r:id="rIdNb7"/></sheets>', 1)

    return _with_parts(
        d, file, add={"xl/worksheets/sheet77.xml": copy}, workbook_edit=workbook,
        workbook_rels='<Relationship Id="rIdNb7" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                      'relationships/worksheet" Target="worksheets/sheet77.xml"/>',
        content_types='<Override PartName="/xl/worksheets/sheet77.xml" '
                      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')


def lookalike_ideographic_space(d: Path) -> Path:
    """The real 表三 hidden behind a visible copy named 表三　依申请公开 (U+3000)."""
    return _lookalike(d, "lookalike-u3000.xlsx", "表三\u3000依申请公开", "hidden")


def lookalike_trailing_space(d: Path) -> Path:
    """The real 表三 veryHidden behind a visible copy named "表三 依申请公开 " (a trailing space)."""
    return _lookalike(d, "lookalike-trailing.xlsx", "表三 依申请公开 ", "veryHidden")


def lookalike_both_visible(d: Path) -> Path:
    """Both visible: a copy whose name ends in a zero-width space (U+200B), invisible on the tab."""
    return _lookalike(d, "lookalike-visible.xlsx", "表三 依申请公开\u200b", "visible")


def escape_in_text(d: Path) -> Path:
    """Section 一 of 正文 holds "_x005F_x0041_ x005F_y 4_x005F_1": LibreOffice shows "_x0041_ x005F_y 4_1"."""
    return _with_parts(d, "escape.xlsx", part="xl/sharedStrings.xml", sheet_edit=lambda x: x.replace(
        ">总体情况：测试文字。<", ">_x005F_x0041_ x005F_y 4_x005F_1<", 1))


def escape_count_text(d: Path) -> Path:
    """_x0034__x0031_ typed into a count cell: Excel would show 41, LibreOffice shows the text itself;
    nianbao reads what LibreOffice shows (text: an error, never a silent 41)."""
    return restyled(d, "escape-count.xlsx", cell_xml='<c r="{ref}"{s} t="inlineStr"><is><t>_x0034__x0031_</t></is></c>')


def _total(cell: str) -> Callable[[str], str]:
    import re as _re

    return lambda x: _re.sub(r'<c r="J6" s="(\d+)"><f>SUM\(D6:I6\)</f><v>[^<]*</v></c>',
                             lambda m: cell.replace("{s}", m.group(1)), x, count=1)


def total_text_result(d: Path) -> Path:
    """表三's J6 total stores the text "9" as its result: LibreOffice shows 9, the parts add up to more."""
    return _with_parts(d, "total-text.xlsx", part=T3_PART,
                       sheet_edit=_total('<c r="J6" s="{s}" t="str"><f>SUM(D6:I6)</f><v>9</v></c>'))


def total_text_equal(d: Path) -> Path:
    """J6 stores its right total, but as text: not recalculated (a warning)."""
    def edit(x: str) -> str:
        import re as _re

        right = _re.search(r'<c r="J6" s="\d+"><f>SUM\(D6:I6\)</f><v>([^<]*)</v></c>', x).group(1)
        return _total(f'<c r="J6" s="{{s}}" t="str"><f>SUM(D6:I6)</f><v>{right}</v></c>')(x)

    return _with_parts(d, "total-text-equal.xlsx", part=T3_PART, sheet_edit=edit)


def total_error_result(d: Path) -> Path:
    return _with_parts(d, "total-error.xlsx", part=T3_PART,
                       sheet_edit=_total('<c r="J6" s="{s}" t="e"><f>SUM(D6:I6)</f><v>#REF!</v></c>'))


def total_stale(d: Path) -> Path:
    """J6 stores 9 while its parts add up to more: LibreOffice shows 9 (it does not recalculate on opening)."""
    return _with_parts(d, "total-stale.xlsx", part=T3_PART,
                       sheet_edit=_total('<c r="J6" s="{s}"><f>SUM(D6:I6)</f><v>9</v></c>'))


def show_zeros_off(d: Path) -> Path:
    """表二's sheet view hides zero values: B5's 0 looks unfilled."""
    return _with_parts(d, "show-zeros.xlsx", sheet_edit=lambda x: x.replace(
        '<sheetView showGridLines="0"', '<sheetView showGridLines="0" showZeros="0"', 1))


S, L = "CELL_SHOWN_DIFFERENT", "CELL_LOOKS_DIFFERENT"
APPEARANCE_CASES: dict[str, tuple[Callable[[Path], Path], list[str]]] = {
    "format_literal": (format_literal, [S]),
    "format_thousands": (format_thousands, [S]),
    "format_conditional_section": (format_conditional_section, [S]),
    "format_hides_zero": (format_hides_zero, [S]),
    "format_text_section": (format_text_section, ["CELL_NORMALISED", S]),
    "format_percent": (format_percent, [S]),
    "format_scientific": (format_scientific, [L]),
    "format_date": (format_date, ["CELL_DATE"]),  # a date format makes the cell a date
    "format_colour_white": (format_colour_white, [S]),
    "font_white_rgb": (font_white_rgb, [S]),
    "font_theme_background": (font_theme_background, [S]),
    "font_indexed_fill_colour": (font_indexed_fill_colour, [S]),
    "font_tinted_grey": (font_tinted_grey, [S]),
    "fill_black": (fill_black, [S]),
    "fill_pattern_dark": (fill_pattern_dark, [L]),  # black on 404040: 2.2:1
    "font_grey_hard_to_read": (font_grey_hard_to_read, [L]),
    "font_tiny": (font_tiny, [S]),
    "font_symbol": (font_symbol, [S]),
    "font_struck": (font_struck, [L]),
    "align_fill": (align_fill, [S]),
    "cond_always_true_white": (cond_always_true_white, [S]),
    "cond_number_format": (cond_number_format, [S] * 3),  # B5:D5 hold 0 (not > 0); B6, C6, D6 do
    "cond_fill_black": (cond_fill_black, [S]),
    "cond_data_bar": (cond_data_bar, [S]),
    "cond_icon_set": (cond_icon_set, [S]),
    "rich_text_hidden_run": (rich_text_hidden_run, ["CELL_NORMALISED", S]),
    "text_box_two_cell": (text_box_two_cell, ["CELL_COVERED"]),
    "text_box_one_cell": (text_box_one_cell, ["CELL_COVERED"]),
    "text_box_absolute": (text_box_absolute, ["CELL_COVERED"]),
    "comment_on_input": (comment_on_input, ["CELL_COMMENT"]),
    "comment_shown_over_input": (comment_shown_over_input, ["CELL_COVERED", "CELL_COMMENT"]),
    "vml_text_box": (vml_text_box, ["CELL_COVERED"]),
    "sheet_hidden": (sheet_hidden, ["SHEET_HIDDEN"]),
    "sheet_very_hidden": (sheet_very_hidden, ["SHEET_HIDDEN"]),
    "lookalike_ideographic_space": (lookalike_ideographic_space, ["SHEET_HIDDEN", "SHEET_LOOKALIKE"]),
    "lookalike_trailing_space": (lookalike_trailing_space, ["SHEET_HIDDEN", "SHEET_LOOKALIKE"]),
    "lookalike_both_visible": (lookalike_both_visible, ["SHEET_LOOKALIKE"]),
    "escape_in_text": (escape_in_text, []),
    "escape_count_text": (escape_count_text, ["CELL_TEXT"]),
    "total_text_result": (total_text_result, ["FORMULA_STALE"]),
    "total_text_equal": (total_text_equal, ["FORMULA_RESULT_TEXT"]),
    "total_error_result": (total_error_result, ["FORMULA_STALE"]),
    "total_stale": (total_stale, ["FORMULA_STALE"]),
    "show_zeros_off": (show_zeros_off, [S] * 3),  # B5, C5, D5 hold 0
}


def zero_height_row(d: Path) -> Path:
    """Row 6 of 表二 given a height of 0 (not "hidden"): B6, C6, D6 cannot be seen."""
    return _with_parts(d, "zero-height.xlsx", sheet_edit=lambda x: x.replace('<row r="6" spans="1:4" ht="18.75"',
                                                                              '<row r="6" spans="1:4" ht="0"', 1))


def zero_width_column(d: Path) -> Path:
    """Column D of 表二 given a width of 0."""
    return _with_parts(d, "zero-width.xlsx", sheet_edit=lambda x: x.replace(
        '<col min="2" max="4" width="26" customWidth="1"/>',
        '<col min="2" max="3" width="26" customWidth="1"/><col min="4" max="4" width="0" customWidth="1"/>', 1))


APPEARANCE_CASES["zero_height_row"] = (zero_height_row, ["CELL_HIDDEN"] * 3)
APPEARANCE_CASES["zero_width_column"] = (zero_width_column, ["CELL_HIDDEN"] * 2)


def narrow_column(d: Path) -> Path:
    """Column D of 表二 one character wide: 41 does not fit and shows as ###."""
    return _with_parts(d, "narrow-column.xlsx", sheet_edit=lambda x: x.replace(
        '<col min="2" max="4" width="26" customWidth="1"/>',
        '<col min="2" max="3" width="26" customWidth="1"/><col min="4" max="4" width="1.5" customWidth="1"/>', 1))


APPEARANCE_CASES["narrow_column"] = (narrow_column, [S])  # D5's 0 fits (LibreOffice shows it), D6's 41 does not


def cond_x14_icon_set(d: Path) -> Path:
    """An Excel 2010 conditional format (in the sheet's extLst, which openpyxl drops): an icon set of
    three stars that hides the value, over D6."""
    ext = ('<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
           'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:conditionalFormattings>'
           '<x14:conditionalFormatting xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
           '<x14:cfRule type="iconSet" priority="1" id="{00000000-0000-0000-0000-000000000001}">'
           '<x14:iconSet iconSet="3Stars" showValue="0" custom="0"><x14:cfvo type="percent"><xm:f>0</xm:f></x14:cfvo>'
           '<x14:cfvo type="percent"><xm:f>33</xm:f></x14:cfvo><x14:cfvo type="percent"><xm:f>67</xm:f></x14:cfvo>'
           "</x14:iconSet></x14:cfRule><xm:sqref>D6</xm:sqref></x14:conditionalFormatting>"
           "</x14:conditionalFormattings></ext></extLst>")
    return _with_parts(d, "cond-x14.xlsx", sheet_edit=lambda x: x.replace("</worksheet>", ext + "</worksheet>"))


def cond_x14_white(d: Path) -> Path:
    """An Excel 2010 expression rule with its own inline style: the figure in the fill's colour."""
    ext = ('<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
           'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:conditionalFormattings>'
           '<x14:conditionalFormatting xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
           '<x14:cfRule type="expression" priority="1" id="{00000000-0000-0000-0000-000000000002}"><xm:f>TRUE</xm:f>'
           '<x14:dxf><font><color rgb="FFFFF2CC"/></font></x14:dxf></x14:cfRule><xm:sqref>D6</xm:sqref>'
           "</x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst>")
    return _with_parts(d, "cond-x14-white.xlsx", sheet_edit=lambda x: x.replace("</worksheet>", ext + "</worksheet>"))


APPEARANCE_CASES["cond_x14_icon_set"] = (cond_x14_icon_set, [S])
APPEARANCE_CASES["cond_x14_white"] = (cond_x14_white, [S])


def rich_text_symbol_run(d: Path) -> Path:
    """The text "41" in runs "4" and "1", the second in Wingdings (a run names its font with rFont)."""
    return restyled(d, "rich-symbol-run.xlsx",
                    cell_xml='<c r="{ref}"{s} t="inlineStr"><is><r><t>4</t></r>'
                             '<r><rPr><rFont val="Wingdings"/><sz val="10"/></rPr><t>1</t></r></is></c>')


APPEARANCE_CASES["rich_text_symbol_run"] = (rich_text_symbol_run, ["CELL_NORMALISED", S])


def total_hidden_by_format(d: Path) -> Path:
    """表三's J6 total, right and up to date, under the number format ";;;": the sheet shows no total."""
    return restyled(d, "total-format.xlsx", ref="J6", part=T3_PART, numfmt=";;;")


APPEARANCE_CASES["total_hidden_by_format"] = (total_hidden_by_format, [S])
