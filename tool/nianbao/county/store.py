"""The intake store: every received file kept as sent, and a receipt for each.

    STORE/
      说明.txt                 what this folder is (Chinese), written once
      files/ab/abcdef….xlsx    original bytes, named by SHA-256, never modified or overwritten
      receipts.jsonl           one JSON line per received file, appended, never rewritten

The same bytes twice is one submission (the second is not stored or logged again). A
newer file for the same agency and year supersedes the older one for compile, but the
older one stays in files/ and in the log. A file that cannot be read is stored and logged
as unreadable all the same. Everything else (which submission is current) is derived
from the log, so the folder can be backed up, copied and inspected by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from nianbao.check.run import CheckResult, check_file

RECEIPTS = "receipts.jsonl"
FILES = "files"
README = "说明.txt"
_README_TEXT = """\
本文件夹是 nianbao 的收件库，请整体备份，不要手工修改或删除其中的文件。

files/          收到的原始文件，按内容的 SHA-256 命名，与收到时逐字节相同，从不改动或覆盖。
receipts.jsonl  收件记录，每收到一个新文件追加一行（收到时间、原文件名、SHA-256、单位代码和名称、
                格式、年度、校验结论、错误数、警告数）。同一单位后来报送的文件取代之前的文件参与汇总，
                但之前的文件和记录都保留。内容完全相同的文件只记录一次。
"""


@dataclass(frozen=True)
class Receipt:
    received_at: str
    original_name: str
    sha256: str
    size: int
    stored_as: str  # path relative to the store
    agency_code: str | None
    agency_name: str | None
    format: str | None
    year: int | None
    status: str  # ok | warning | error | unreadable
    errors: int
    warnings: int

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, sort_keys=True)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Store:
    def __init__(self, root: Path):
        self.root = Path(root)

    def ensure(self) -> None:
        (self.root / FILES).mkdir(parents=True, exist_ok=True)
        readme = self.root / README
        if not readme.exists():
            readme.write_text(_README_TEXT, encoding="utf-8")

    def receipts(self) -> list[Receipt]:
        path = self.root / RECEIPTS
        if not path.exists():
            return []
        out = []
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    out.append(Receipt(**json.loads(line)))
        return out

    def path_of(self, receipt: Receipt) -> Path:
        return self.root / receipt.stored_as

    def add(self, source: Path, result: CheckResult, *, received_at: dt.datetime | None = None) -> Receipt | None:
        """Store source's bytes and log a receipt; None when these exact bytes are already in the store."""
        self.ensure()
        digest = sha256_of(source)
        if any(r.sha256 == digest for r in self.receipts()):
            return None
        suffix = source.suffix.lower()[:10] if source.suffix else ""
        rel = Path(FILES) / digest[:2] / f"{digest}{suffix}"
        target = self.root / rel
        if not target.exists():  # never overwrite: same name means same bytes
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
                with source.open("rb") as fh:
                    shutil.copyfileobj(fh, tmp)
            os.replace(tmp.name, target)
            target.chmod(0o444)
        agency = result.agency or {}
        when = (received_at or dt.datetime.now().astimezone()).isoformat(timespec="seconds")
        receipt = Receipt(
            received_at=when, original_name=source.name, sha256=digest, size=source.stat().st_size,
            stored_as=rel.as_posix(), agency_code=agency.get("code") or None, agency_name=agency.get("name") or None,
            format=result.format, year=result.year, status=result.status, errors=result.errors,
            warnings=result.warnings,
        )
        with (self.root / RECEIPTS).open("a", encoding="utf-8") as fh:
            fh.write(receipt.to_json() + "\n")
        return receipt

    def current(self, year: int | None = None) -> list[Receipt]:
        """The latest receipt per agency (and year), in log order; unreadable/unidentified ones all kept."""
        latest: dict[tuple, Receipt] = {}
        anonymous: list[Receipt] = []
        for r in self.receipts():
            if year is not None and r.year is not None and r.year != year:
                continue
            if r.agency_code:
                latest[(r.agency_code, r.year)] = r
            else:
                anonymous.append(r)
        return list(latest.values()) + anonymous

    def superseded(self) -> list[Receipt]:
        keep = {r.sha256 for r in self.current()}
        return [r for r in self.receipts() if r.sha256 not in keep and r.agency_code]


def collect(paths: list[Path], store: Store, **check_options) -> list[tuple[Path, CheckResult, Receipt | None]]:
    """Check and store each file; returns (file, result, receipt or None for an already-stored duplicate)."""
    out = []
    for path in paths:
        result = check_file(path, **check_options)
        receipt = store.add(path, result) if path.is_file() else None
        out.append((path, result, receipt))
    return out
