"""What a received file that is neither a zip nor an OLE2 compound file looks like.

Used by safety.py for the FILE_NOT_XLSX message: a clerk who sent a PDF, a photo or a
CSV learns what they sent, in a few Chinese words, from the file's first bytes. The words go
inside the message's brackets, so they hold no brackets of their own, and no raw bytes.
"""

from __future__ import annotations

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF87a", "GIF 图片"),
    (b"GIF89a", "GIF 图片"),
    (b"II*\x00", "TIFF 图片"),
    (b"MM\x00*", "TIFF 图片"),
    (b"Rar!\x1a\x07", "RAR 压缩包，请解压后提交"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包，请解压后提交"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"{\\rtf", "RTF 文档"),
    (b"MZ", "可执行程序"),
    (b"\x7fELF", "可执行程序"),
)


def sniff(head: bytes) -> str:
    """What a file that is neither a zip nor an OLE2 file looks like, in a few words."""
    if b"%PDF-" in head[:1024]:
        return "PDF 文档"
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if head.startswith(b"BM") and head[6:10] == b"\0\0\0\0":
        return "BMP 图片"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP 图片"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return "手机拍摄的 HEIC 图片" if brand in (b"heic", b"heix", b"mif1", b"msf1") else "视频文件"
    text = _as_text(head)
    if text is not None:
        return _text_kind(text)
    return "无法识别的文件类型"


def _as_text(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head[2:len(head) - len(head) % 2].decode("utf-16-le" if head[0] == 0xFF else "utf-16-be", "replace")
    elif b"\0" in head:
        return None
    else:
        text = None
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = head.decode(encoding)
                break
            except UnicodeDecodeError as exc:
                if exc.start >= len(head) - 3:  # a character cut at the sniff boundary
                    text = head[:exc.start].decode(encoding)
                    break
        if text is None and _mostly_ascii(head):  # a Windows code page: “” are 0x93 0x94 in cp1252
            text = head.decode("cp1252", "replace")
        if text is None:
            return None
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\r\n\f")
    return text if controls <= len(text) // 100 else None


# Chinese text saved in an encoding without Chinese (LibreOffice's CSV export on a system without
# a Chinese locale writes "?" for every character): a clerk should know the words are gone.
_LOST_CHINESE = "????"


def _mostly_ascii(head: bytes) -> bool:
    printable = sum(1 for b in head if 32 <= b < 127 or b in (9, 10, 13))
    return printable >= len(head) * 0.9


def _text_kind(text: str) -> str:
    start = text.lstrip().lower()
    if start.startswith(("<!doctype html", "<html", "<table", "<meta")):
        return "网页 HTML 文件，可能是“另存为网页”得到的，请另存为 .xlsx"
    if start.startswith("<?xml"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in start or 'progid="excel.sheet"' in start:
            return "Excel 2003 XML 表格，请另存为 .xlsx"
        return "XML 文件"
    if start.startswith("mime-version:") or "content-type: multipart/related" in start:
        return "网页归档 .mht 文件，请另存为 .xlsx"
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    lost = "，其中的汉字已变成问号“?”，请直接提交 .xlsx 工作簿" if _LOST_CHINESE in text else ""
    if len(lines) >= 2 and sum(1 for line in lines if "," in line or "\t" in line) >= len(lines) * 0.8:
        return "文本/CSV 文件" + lost
    return "文本文件" + lost
