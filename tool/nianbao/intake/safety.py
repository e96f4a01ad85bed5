"""Screen a received file before any spreadsheet library opens it.

Departments e-mail workbooks and some are not what they claim: a CSV renamed .xlsx, a
legacy .xls, a password-protected workbook, a Word document, a macro-enabled workbook,
or a deliberately hostile archive (zip bomb, XML entity bomb). ``screen`` decides from
the bytes alone, whatever the file's extension, and returns one catalogued finding or
None when openpyxl may open the file.

Every check is bounded: the file size is capped before anything is read, the zip's
central directory is measured before zipfile parses it, declared sizes are checked
before any member is inflated, and members are then inflated in fixed-size chunks that
stop as soon as the actual output passes a limit, whatever the headers claim.
"""

from __future__ import annotations

import os
import re
import stat
import struct
import zipfile
import zlib
from pathlib import Path

import olefile

from nianbao.findings import Code, Finding, finding

from .sniff import sniff

MB = 1024 * 1024

# A filled template is 30-100 KB (measured: 30 KB from xlsxwriter); 20 MB leaves room for
# pasted pictures yet refuses a misdirected video or archive before anything reads it.
DEFAULT_MAX_BYTES = 20 * MB
# Our template has 16 parts; Excel, WPS or LibreOffice re-saves add a few dozen at most.
MAX_MEMBERS = 1000
# A directory entry of an xlsx is ~100 bytes. Capping the directory bounds zipfile's own
# memory (one ZipInfo, ~400 bytes, per entry of at least 46 bytes) before it parses it.
MAX_CENTRAL_DIRECTORY = 256 * MAX_MEMBERS
# The template expands to ~0.25 MB; openpyxl needs tens of times the XML size in memory,
# so 100 MB of XML is already more than a clerk's laptop should be asked to load.
MAX_UNCOMPRESSED_BYTES = 100 * MB
# Spreadsheet XML compresses 3-20:1 (measured on our templates, 14:1 on 100 000 styled
# rows); deflate tops out near 1032:1. Parts below RATIO_FLOOR may compress as they like.
MAX_RATIO = 100
RATIO_FLOOR = 1 * MB

# A .xls or an encrypted workbook has 5-50 directory entries; olefile builds an object for
# every entry (~1 KB each), so a crafted directory is refused before olefile sees it.
MAX_OLE_ENTRIES = 2048

CHUNK = 64 * 1024  # compressed bytes read, and inflated bytes produced, per step
HEAD = 8 * 1024  # bytes sniffed to tell what a non-zip file is (sniff.py)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"

# Markup that only a DTD can carry; spreadsheet XML never has one. expat also reads UTF-16,
# which a part announces in its first two bytes (XML 1.0 appendix F), so each part is
# scanned in the one encoding its start implies.
_DTD_MARKERS = {
    enc: re.compile(b"|".join(re.escape(word.encode(enc)) for word in ("<!DOCTYPE", "<!ENTITY")))
    for enc in ("ascii", "utf-16-le", "utf-16-be")
}
_DTD_OVERLAP = len("<!DOCTYPE".encode("utf-16-le")) - 1
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_XML_STARTS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"<", b"\x00<")
_MACRO_CONTENT_TYPES = (b"macroenabled", b"vnd.ms-excel.macrosheet", b"vnd.ms-office.vbaproject")
_CONTENT_TYPES = "[Content_Types].xml"


class _Refuse(Exception):  # noqa: N818 - control flow inside this module, never escapes it
    def __init__(self, problem: Finding):
        self.problem = problem


def _human(n: int) -> str:
    if n >= MB:
        return f"{n / MB:.1f}".removesuffix(".0") + " MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} 字节"


def screen(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, keep: dict | None = None) -> Finding | None:
    """Decide whether a received file is a plain .xlsx that openpyxl may open.

    Args:
        path: the received file; its extension is ignored, its bytes decide.
        max_bytes: refuse files larger than this without reading them.
        keep: if given, filled with every part's inflated bytes (name -> bytes) of a file that
            passes, so the reader does not inflate them a second time. Bounded by the same caps.

    Returns:
        None when the file may be opened, else one FILE_* finding naming the problem.
    """
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        return finding(Code.FILE_MISSING, path=str(path))
    except OSError as exc:
        return finding(Code.FILE_UNREADABLE, what=exc.strerror or type(exc).__name__)
    if stat.S_ISDIR(st.st_mode):
        return finding(Code.FILE_UNREADABLE, what="这是一个文件夹，不是文件")
    if not stat.S_ISREG(st.st_mode):
        return finding(Code.FILE_UNREADABLE, what="这不是普通文件")
    if st.st_size == 0:
        return finding(Code.FILE_EMPTY)
    if st.st_size > max_bytes:
        return finding(Code.FILE_TOO_BIG, size=_human(st.st_size), limit=_human(max_bytes))
    try:
        with open(path, "rb") as fp:
            head = fp.read(HEAD)
            if head.startswith(ZIP_MAGICS):
                _screen_zip(fp, os.fstat(fp.fileno()).st_size, keep)
            elif head.startswith(OLE_MAGIC):
                code, what = _ole_kind(fp)
                raise _Refuse(finding(code, what=what))
            else:
                raise _Refuse(finding(Code.FILE_NOT_XLSX, what=sniff(head)))
    except _Refuse as refused:
        return refused.problem
    except OSError as exc:  # vanished, or an I/O error while reading
        return finding(Code.FILE_UNREADABLE, what=exc.strerror or type(exc).__name__)
    return None


def describe(path: str | Path) -> str:
    """A short Chinese description of what a file is, from its bytes, for messages.

    Cheap: it sniffs the head, the zip's part names or the OLE directory, and never
    inflates anything. It never raises.
    """
    path = Path(path)
    try:
        if path.is_dir():
            return "文件夹"
        size = path.stat().st_size
        if size == 0:
            return "空文件"
        with open(path, "rb") as fp:
            head = fp.read(HEAD)
            if head.startswith(ZIP_MAGICS):
                _guard_directory(fp, size)
                try:
                    with zipfile.ZipFile(fp) as zf:
                        names = [i.filename for i in zf.infolist()]
                except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, struct.error):
                    return "已损坏的 ZIP 文件"
                code, what = _zip_kind(names)
                if code is None:
                    return "Excel 工作簿（.xlsx）"
                return "启用宏的 Excel 工作簿（.xlsm）" if code is Code.FILE_MACRO else what
            if head.startswith(OLE_MAGIC):
                return _ole_kind(fp)[1]
            return sniff(head)
    except _Refuse as refused:
        return "ZIP 压缩包，部件数量或目录异常" if refused.problem.rule == "FILE_ZIP_BOMB" else "已损坏的 ZIP 文件"
    except FileNotFoundError:
        return "不存在的文件"
    except OSError:
        return "无法读取的文件"


# -- zip ---------------------------------------------------------------------------------


def _corrupt(what: str) -> _Refuse:
    return _Refuse(finding(Code.FILE_CORRUPT, what=what))


def _bomb(what: str) -> _Refuse:
    return _Refuse(finding(Code.FILE_ZIP_BOMB, what=what))


def _central_directory(fp, size: int) -> tuple[int, int]:
    """(entry count, directory size) as the end-of-central-directory record declares them."""
    back = min(size, 22 + 65535 + 20)  # the record, the longest comment, a zip64 locator
    fp.seek(size - back)
    tail = fp.read(back)
    at = tail.rfind(_EOCD)
    while at >= 0 and len(tail) - at < 22:
        at = tail.rfind(_EOCD, 0, at)
    if at < 0:
        raise _corrupt("找不到 ZIP 目录，文件可能不完整，或在下载、传输中被截断")
    _sig, _disk, _cd_disk, _n_here, count, cd_size, _cd_offset, _clen = struct.unpack("<4s4H2LH", tail[at:at + 22])
    loc = at - 20
    if loc >= 0 and tail[loc:loc + 4] == _EOCD64_LOCATOR:  # zipfile then believes the zip64 record
        (offset64,) = struct.unpack("<Q", tail[loc + 8:loc + 16])
        if offset64 + 56 > size:
            raise _corrupt("ZIP64 目录位置超出文件末尾")
        fp.seek(offset64)
        rec = fp.read(56)
        if rec[:4] != _EOCD64:
            raise _corrupt("ZIP64 目录记录缺失")
        count, cd_size = struct.unpack("<QQ", rec[32:48])
    return count, cd_size


def _guard_directory(fp, size: int) -> None:
    """Refuse a directory too large for zipfile to parse cheaply, before it tries."""
    count, cd_size = _central_directory(fp, size)
    if count > MAX_MEMBERS:
        raise _bomb(f"含 {count} 个部件，上限 {MAX_MEMBERS}")
    if cd_size > MAX_CENTRAL_DIRECTORY:
        raise _bomb(f"ZIP 目录 {_human(cd_size)}，上限 {_human(MAX_CENTRAL_DIRECTORY)}")
    fp.seek(0)


def _zip_kind(names: list[str]) -> tuple[Code | None, str]:
    """What a zip is from its part names alone: (None, '') for a workbook openpyxl may read."""
    lower = {n.lower() for n in names}
    if "word/document.xml" in lower:
        return Code.FILE_DOCX, "Word 文档（.docx）"
    if "xl/workbook.xml" not in lower:
        if "xl/workbook.bin" in lower:
            return Code.FILE_NOT_XLSX, "Excel 二进制工作簿 .xlsb，请另存为 .xlsx"
        if "ppt/presentation.xml" in lower:
            return Code.FILE_NOT_XLSX, "PowerPoint 演示文稿 .pptx"
        if "mimetype" in lower and "content.xml" in lower:
            return Code.FILE_NOT_XLSX, "LibreOffice 或 WPS 保存的 .ods 表格，请另存为 .xlsx"
        books = [n for n in lower if n.endswith((".xlsx", ".xls", ".et"))]
        if books:
            return Code.FILE_NOT_XLSX, f"ZIP 压缩包，内含 {len(books)} 个表格文件，请解压后分别提交"
        if not names:
            return Code.FILE_NOT_XLSX, "空的 ZIP 压缩包"
        return Code.FILE_NOT_XLSX, "ZIP 压缩包，其中没有 Excel 工作簿"
    if any(n.endswith("vbaproject.bin") or n.startswith("xl/macrosheets/") for n in lower):
        return Code.FILE_MACRO, "启用宏的工作簿"
    return None, ""


def _screen_zip(fp, size: int, keep: dict | None = None) -> None:
    _guard_directory(fp, size)
    try:
        zf = zipfile.ZipFile(fp)
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, struct.error) as exc:
        raise _corrupt(f"ZIP 目录无法解析：{exc}") from None
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _bomb(f"含 {len(infos)} 个部件，上限 {MAX_MEMBERS}")
    names = [i.filename for i in infos]
    if len({n.lower() for n in names}) != len(names):
        raise _corrupt("ZIP 中有重名部件")
    code, what = _zip_kind(names)
    if code is not None:
        raise _Refuse(finding(code, what=what))
    if _CONTENT_TYPES not in names:
        raise _corrupt(f"缺少 {_CONTENT_TYPES}")
    declared = sum(i.file_size for i in infos)
    if declared > MAX_UNCOMPRESSED_BYTES:
        raise _bomb(f"声明解压后共 {_human(declared)}，上限 {_human(MAX_UNCOMPRESSED_BYTES)}")
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise _bomb(f"部件 {info.filename} 压缩比 {ratio}:1，上限 {MAX_RATIO}:1")
    parts: dict[str, bytes] = {}
    _stream_members(fp, size, infos, parts if keep is not None else None)
    if keep is not None:
        keep.update(parts)  # only once every part has passed


class _Budget:
    """What the whole archive has inflated so far, and the start of [Content_Types].xml."""

    def __init__(self):
        self.total = 0
        self.content_types = b""


def _stream_members(fp, size: int, infos: list[zipfile.ZipInfo], keep: dict | None = None) -> None:
    budget = _Budget()
    for info in infos:
        if info.flag_bits & 0x1:
            raise _Refuse(finding(Code.FILE_ENCRYPTED))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _corrupt(f"部件 {info.filename} 使用了 Excel 不用的压缩方式（{info.compress_type}）")
        fp.seek(_data_offset(fp, size, info))
        _inflate(fp, info, _PartScan(info, budget, keep))
    if any(m in budget.content_types.lower() for m in _MACRO_CONTENT_TYPES):
        raise _Refuse(finding(Code.FILE_MACRO))


def _data_offset(fp, size: int, info: zipfile.ZipInfo) -> int:
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise _corrupt(f"部件 {info.filename} 的文件头缺失")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    if start + info.compress_size > size:
        raise _corrupt(f"部件 {info.filename} 的数据不完整，文件可能被截断")
    return start


def _inflate(fp, info: zipfile.ZipInfo, scan: _PartScan) -> None:
    """Feed a part's bytes to ``scan`` as they come, never more than CHUNK at a time.

    The raw deflate stream is read by its compressed size alone, so a part whose header
    understates its size is inflated, and counted, for what it really holds."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type == zipfile.ZIP_DEFLATED else None
    left = info.compress_size
    try:
        while left > 0 and not (inflater is not None and inflater.eof):
            chunk = fp.read(min(CHUNK, left))
            if not chunk:
                raise _corrupt(f"部件 {info.filename} 的数据不完整，文件可能被截断")
            left -= len(chunk)
            if inflater is None:
                scan.feed(chunk)
                continue
            while True:
                data = inflater.decompress(chunk, CHUNK)
                scan.feed(data)
                chunk = inflater.unconsumed_tail
                if inflater.eof or (not chunk and len(data) < CHUNK):
                    break
    except zlib.error as exc:
        raise _corrupt(f"部件 {info.filename} 的压缩数据损坏（{exc}）") from None
    if inflater is not None and not inflater.eof:
        raise _corrupt(f"部件 {info.filename} 的压缩数据不完整")
    scan.finish()


class _PartScan:
    """Checks one part's inflated bytes as they stream past: size, ratio, CRC, DTD markup."""

    def __init__(self, info: zipfile.ZipInfo, budget: _Budget, keep: dict | None = None):
        self.info = info
        self.budget = budget
        self.keep = keep
        self.chunks: list[bytes] = []
        self.out = 0
        self.crc = 0
        self.tail = b""
        self.markers: re.Pattern | None = None
        self.check_start = info.filename.lower().endswith(_XML_SUFFIXES)
        self.capture = info.filename == _CONTENT_TYPES

    def feed(self, data: bytes) -> None:
        if not data:
            return
        name = self.info.filename
        self.out += len(data)
        self.budget.total += len(data)
        if self.budget.total > MAX_UNCOMPRESSED_BYTES:
            raise _bomb(f"实际解压已超过 {_human(MAX_UNCOMPRESSED_BYTES)}，与声明的大小不符")
        if self.out > RATIO_FLOOR and self.out > MAX_RATIO * max(self.info.compress_size, 1):
            raise _bomb(f"部件 {name} 实际压缩比超过 {MAX_RATIO}:1")
        self.crc = zlib.crc32(data, self.crc)
        if self.keep is not None:
            self.chunks.append(data)
        if self.markers is None:
            self.markers = _DTD_MARKERS[_xml_encoding(data)]
        if self.check_start:
            lead = data.lstrip(b" \t\r\n")
            if lead:
                self.check_start = False
                if not lead.startswith(_XML_STARTS):
                    raise _corrupt(f"部件 {name} 不是 UTF-8/UTF-16 编码的 XML")
        # One pass over the new bytes, and a short look across the seam with the previous ones.
        if self.markers.search(data) or (self.tail and self.markers.search(self.tail + data[:_DTD_OVERLAP])):
            raise _Refuse(finding(Code.FILE_XML_BOMB))
        self.tail = data[-_DTD_OVERLAP:] if len(data) >= _DTD_OVERLAP else (self.tail + data)[-_DTD_OVERLAP:]
        if self.capture and len(self.budget.content_types) < MB:
            self.budget.content_types += data[: MB - len(self.budget.content_types)]

    def finish(self) -> None:
        name = self.info.filename
        if self.out != self.info.file_size:
            raise _corrupt(f"部件 {name} 解压后 {self.out} 字节，与目录记载的 {self.info.file_size} 字节不符")
        if self.crc != self.info.CRC:
            raise _corrupt(f"部件 {name} 校验失败（CRC 错误）")
        if self.keep is not None:
            self.keep[name] = b"".join(self.chunks)


def _xml_encoding(start: bytes) -> str:
    """The encoding family an XML parser infers from a part's first bytes."""
    if start[:2] == b"\xff\xfe" or (len(start) > 1 and start[0] and not start[1]):
        return "utf-16-le"
    if start[:2] == b"\xfe\xff" or (len(start) > 1 and not start[0] and start[1]):
        return "utf-16-be"
    return "ascii"


# -- OLE2 / compound file binary ------------------------------------------------------------


def _ole_kind(fp) -> tuple[Code, str]:
    """Tell a legacy .xls from an encrypted OOXML workbook from any other OLE2 file."""
    if _ole_directory_too_big(fp):
        return Code.FILE_NOT_XLSX, f"OLE 复合文档，目录超过 {MAX_OLE_ENTRIES} 项，不是 Excel 工作簿"
    fp.seek(0)
    try:
        with olefile.OleFileIO(fp) as ole:
            entries = ole.listdir(streams=True, storages=True)
            names = {"/".join(parts).lower() for parts in entries}
            if "encryptedpackage" in names or "encryptioninfo" in names:
                return Code.FILE_ENCRYPTED, "加密的 Office 文档"
            for stream in ("Workbook", "Book"):
                if stream.lower() in names:
                    if _biff_filepass(ole, fp, stream):
                        return Code.FILE_ENCRYPTED, "加密的旧版 Excel 工作簿（.xls）"
                    return Code.FILE_XLS, "旧版 Excel 工作簿（.xls）"
            if "worddocument" in names:
                return Code.FILE_DOCX, "Word 97-2003 文档（.doc）"
            if "powerpoint document" in names:
                return Code.FILE_NOT_XLSX, "PowerPoint 97-2003 演示文稿 .ppt"
            if any(n.startswith("__substg1.0_") for n in names):
                return Code.FILE_NOT_XLSX, "Outlook 邮件 .msg，请从邮件中取出附件后提交"
            return Code.FILE_NOT_XLSX, "其他 OLE 复合文档，不是 Excel 工作簿"
    except Exception:  # noqa: BLE001 - olefile raises many types for a damaged directory
        return Code.FILE_CORRUPT, "OLE 复合文档结构损坏"


def _ole_directory_too_big(fp) -> bool:
    """Walk the directory's sector chain in the FAT (reading 4 bytes a step, at most
    MAX_OLE_ENTRIES entries' worth of steps); a malformed chain is left to olefile."""
    size = os.fstat(fp.fileno()).st_size
    fp.seek(0)
    header = fp.read(512)
    if len(header) < 512:
        return False
    (shift,) = struct.unpack_from("<H", header, 30)
    if shift not in (9, 12):
        return False
    ssize = 1 << shift
    per = ssize // 4  # FAT entries per sector
    (first_dir,) = struct.unpack_from("<I", header, 48)
    first_difat, n_difat = struct.unpack_from("<II", header, 68)
    fat_sectors = list(struct.unpack_from("<109I", header, 76))
    # More DIFAT sectors than the file could need are never read.
    sector, wanted = first_difat, min(n_difat, size // ssize // (per * (per - 1)) + 2)
    while sector < 0xFFFFFFFA and wanted > 0:
        fp.seek((sector + 1) * ssize)
        block = fp.read(ssize)
        if len(block) < ssize:
            break
        values = struct.unpack(f"<{per}I", block)
        fat_sectors += values[:-1]
        sector, wanted = values[-1], wanted - 1
    steps, limit = 0, MAX_OLE_ENTRIES * 128 // ssize
    sector = first_dir
    while sector < 0xFFFFFFFA:  # above are ENDOFCHAIN, FREESECT and other markers
        steps += 1
        if steps > limit:
            return True  # also a chain that loops
        index = sector // per
        if index >= len(fat_sectors) or fat_sectors[index] >= 0xFFFFFFFA:
            return False
        fp.seek((fat_sectors[index] + 1) * ssize + (sector % per) * 4)
        raw = fp.read(4)
        if len(raw) < 4:
            return False
        (sector,) = struct.unpack("<I", raw)
    return False


def _biff_filepass(ole: olefile.OleFileIO, fp, stream: str) -> bool:
    """An RC4- or XOR-encrypted .xls has a FILEPASS record right after the first BOF.

    Only the stream's first sector is read: olefile's openstream would load it whole."""
    entry = ole.root.kids_dict[stream.lower()]
    if entry.size < ole.minisectorcutoff:  # a tiny stream lives in the mini stream
        head = ole.openstream(stream).read(512)
    else:
        fp.seek((entry.isectStart + 1) * ole.sectorsize)
        head = fp.read(ole.sectorsize)
    if len(head) < 4:
        return False
    _bof, length = struct.unpack_from("<HH", head)
    return head[4 + length:6 + length] == b"\x2f\x00"
