"""The intake store: every received file kept as sent, and a receipt for each.

    STORE/
      说明.txt                 what this folder is (Chinese), written once
      files/ab/abcdef….xlsx    original bytes, named by SHA-256, never modified or overwritten
      receipts.jsonl           one JSON line per received file, appended, never rewritten
      events.jsonl             every arrival (also of bytes received before) and every decision
                               about the files (events.py), appended, never rewritten
      receipts.lock            taken (flock) by whoever adds a file or an event

The same bytes twice are stored once and have one receipt; each arrival of them is an event.
A file that cannot be read is stored and logged as unreadable all the same. Which file is an
agency's current one, and what was decided about it, is derived from the two logs (state.py),
so the folder can be backed up, copied and inspected by hand.

Safe for concurrent writers (several collect runs, a web service's threads and processes):
a file is copied and hashed into a temporary file outside the lock, then under the store
lock (a threading lock per store, and flock on receipts.lock across processes) the log is
re-read, the file renamed into place and one whole receipt line appended and fsynced. A
failed copy or append (a full disk) leaves no temporary file and no torn line; a torn line
left by a crash is reported by line number (receipts.DamagedLine) and never stops reading.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nianbao import clock
from nianbao.check.run import CheckResult, check_file

from .receipts import FILES, DamagedLine, Receipt, name_of, parse_receipts

if TYPE_CHECKING:
    from .events import Arrivals, Event

try:
    import fcntl
except ImportError:  # Windows: msvcrt byte-range locks instead
    fcntl = None

__all__ = ["FILES", "README", "RECEIPTS", "Collected", "DamagedLine", "Receipt", "Store", "StoreError", "collect",
           "collect_files", "sha256_of"]

RECEIPTS = "receipts.jsonl"
LOCK = "receipts.lock"
README = "说明.txt"
TEMP_PREFIX = ".incoming-"  # a copy not yet renamed into place; store verify lists leftovers
_CHUNK = 1 << 20
_README_TEXT = """\
本文件夹是 nianbao 的收件库，请整体备份，不要手工修改或删除其中的文件。

files/          收到的原始文件，按内容的 SHA-256 命名，与收到时逐字节相同，从不改动或覆盖。
receipts.jsonl  收件记录，每收到一个新文件追加一行（收到时间、原文件名、SHA-256、单位代码和名称、
                格式、年度、校验结论、错误数、警告数）。内容完全相同的文件只保存、记录一次。
events.jsonl    报送与审核记录，每次报送（包括再次报送内容相同的文件）、每个审核决定（接收、退回）
                和单位对问题的说明各追加一行，写明时间和操作人。
                同一单位最近报送的可用文件参与汇总；无法读取、不是本单位本年度模板的文件不会取代之前的
                可用文件。之前的文件和记录都保留。
receipts.lock   收件时加锁用，请勿删除正在使用的收件库中的此文件。

检查收件库是否完整：nianbao store verify --store 本文件夹
"""


class StoreError(Exception):
    """A file could not be stored (disk full, no permission, not a regular file); the message is Chinese."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


def _thread_lock(root: Path) -> threading.Lock:
    key = os.path.realpath(root)
    with _thread_locks_guard:
        return _thread_locks.setdefault(key, threading.Lock())


def _disk_message(exc: OSError, what: str) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{what}失败：磁盘空间已满。请清理磁盘后重新收取，已收取的文件不受影响。"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{what}失败：没有写入权限（{exc.strerror}）。请检查收件库文件夹的权限。"
    return f"{what}失败：{exc.strerror or exc}。"


class Store:
    """STORE/ as above. Store(path); put(path, result, received_at=…) / add(…); receipts(); append_event(e)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._seen: dict[str, Receipt] = {}  # the receipt of each digest read so far (under the lock)
        self._seen_at: tuple[int, int] = (0, 0)  # (inode, offset just after the last whole line read)

    def ensure(self) -> None:
        (self.root / FILES).mkdir(parents=True, exist_ok=True)
        readme = self.root / README
        if not readme.exists():
            readme.write_text(_README_TEXT, encoding="utf-8")

    def read(self) -> tuple[list[Receipt], list[DamagedLine]]:
        """Every receipt in log order, and every damaged line of the log (by line number)."""
        try:
            data = (self.root / RECEIPTS).read_bytes()
        except FileNotFoundError:
            return [], []
        return parse_receipts(data)

    def receipts(self) -> list[Receipt]:
        """Every readable receipt in log order; damaged lines are left out (see damaged())."""
        return self.read()[0]

    def damaged(self) -> list[DamagedLine]:
        return self.read()[1]

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store: one writer at a time across threads (a lock per store) and processes (flock)."""
        self.ensure()
        with _thread_lock(self.root):
            fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
            try:
                _lock(fd)
                yield
            finally:
                os.close(fd)  # closing the descriptor releases the flock

    def path_of(self, receipt: Receipt) -> Path:
        return self.root / receipt.stored_as

    def add(self, source: Path, result: CheckResult, *, received_at: dt.datetime | None = None,
            original_name: str | None = None) -> Receipt | None:
        """Store source's bytes and log a receipt; None when these exact bytes are already in the store."""
        receipt, new = self.put(source, result, received_at=received_at, original_name=original_name)
        return receipt if new else None

    def put(self, source: Path, result: CheckResult, *, received_at: dt.datetime | None = None,
            original_name: str | None = None) -> tuple[Receipt, bool]:
        """Store source's bytes and log a receipt: (receipt, True); (the first receipt of these bytes, False)
        when they are already in the store.

        original_name: the name the sender gave (a web upload saved under a temporary name); by
        default source's own name. Safe to call from several threads and processes at once.
        Raises StoreError (Chinese) when the file cannot be stored; then nothing of it is left in
        the store."""
        source = Path(source)
        try:
            self.ensure()
        except OSError as exc:
            raise StoreError(_disk_message(exc, "创建收件库")) from None
        src = _open_source(source)
        try:
            try:
                first = _hash_fd(src)
                with self.locked():
                    if first in self._known_digests():  # a rerun over the same inbox writes nothing
                        return self._seen[first], False
                os.lseek(src, 0, os.SEEK_SET)
            except OSError as exc:
                raise StoreError(_disk_message(exc, "读取文件")) from None
            temp, digest, size = self._copy_in(src)
        finally:
            os.close(src)
        try:
            with self.locked():
                if digest in self._known_digests():
                    return self._seen[digest], False
                name = name_of(source) if original_name is None else _plain_name(original_name)
                suffix = _safe_suffix(Path(name))
                rel = f"{FILES}/{digest[:2]}/{digest}{suffix}"
                target = self.root / rel
                # Never overwrite: same name means same bytes. Only a file whose bytes no longer match its
                # name (damaged since; store verify lists it) is put right with the bytes just received.
                if not target.exists() or sha256_of(target) != digest:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(temp, target)
                    temp = None
                    target.chmod(0o444)
                    _fsync_dir(target.parent)
                agency = result.agency or {}
                when = clock.stamp(received_at)  # the configured zone (北京时间 by default), with its offset
                receipt = Receipt(
                    received_at=when, original_name=name, sha256=digest, size=size, stored_as=rel,
                    agency_code=agency.get("code") or None, agency_name=agency.get("name") or None,
                    format=result.format, year=result.year, status=result.status, errors=result.errors,
                    warnings=result.warnings,
                )
                self._seen_at = self._append(receipt.line())  # read up to here: our own line included
                self._seen[digest] = receipt
                return receipt, True
        except OSError as exc:
            raise StoreError(_disk_message(exc, "保存收件记录")) from None
        finally:
            if temp is not None:
                _unlink_quietly(temp)

    def _copy_in(self, src: int) -> tuple[Path, str, int]:
        """Copy an open file into a temporary file under files/, hashing what is copied: (temp, sha256, size).
        On any failure nothing is left behind."""
        temp: Path | None = None
        try:
            fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=self.root / FILES)
            temp = Path(name)
            digest, size = hashlib.sha256(), 0
            try:
                while chunk := os.read(src, _CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    _write_all(fd, chunk)
                os.fsync(fd)
            finally:
                os.close(fd)
            return temp, digest.hexdigest(), size
        except BaseException as exc:
            if temp is not None:
                _unlink_quietly(temp)
            if isinstance(exc, OSError):
                raise StoreError(_disk_message(exc, "保存文件")) from None
            raise

    def _known_digests(self) -> dict[str, Receipt]:
        """The digests in the log, reading only what was appended since the last call (under the lock)."""
        path = self.root / RECEIPTS
        try:
            st = path.stat()
        except FileNotFoundError:
            self._seen, self._seen_at = {}, (0, 0)
            return self._seen
        inode, offset = self._seen_at
        if st.st_ino != inode or st.st_size < offset:  # replaced or truncated by hand: read it all again
            self._seen, offset = {}, 0
        with path.open("rb") as fh:
            fh.seek(offset)
            data = fh.read()
        whole = data.rfind(b"\n") + 1
        receipts, _ = parse_receipts(data)  # a torn tail may still be a whole receipt
        for r in receipts:
            self._seen.setdefault(r.sha256, r)
        self._seen_at = (st.st_ino, offset + whole)
        return self._seen

    def append_event(self, event) -> None:
        """Append one event (events.py) to events.jsonl under the store's lock; StoreError when it cannot."""
        from .events import EVENTS

        try:
            with self.locked():
                self._append(event.line(), EVENTS)
        except OSError as exc:
            raise StoreError(_disk_message(exc, "保存报送与审核记录")) from None

    def _append(self, line: bytes, log: str = RECEIPTS) -> tuple[int, int]:
        """Append one whole line and fsync; a failed write is cut back so no torn line stays behind.
        Returns the log's (inode, size) after it: a receipts log later cut back to before this line (a
        backup restored by hand) is then seen as cut, and read again whole."""
        fd = os.open(self.root / log, os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            size = os.fstat(fd).st_size
            if size and os.lseek(fd, size - 1, os.SEEK_SET) >= 0 and os.read(fd, 1) != b"\n":
                line = b"\n" + line  # a torn line before ours stays a line of its own
            try:
                _write_all(fd, line)
                os.fsync(fd)
            except OSError:
                os.ftruncate(fd, size)
                raise
            st = os.fstat(fd)
            return st.st_ino, st.st_size
        finally:
            os.close(fd)


    def receive(self, source: Path, result: CheckResult, *, actor: str, via: str | None = None,
                original_name: str | None = None, received_at: dt.datetime | None = None,
                inbox: Arrivals | None = None) -> tuple[Receipt, bool, Event | None]:
        """One arrival: store the bytes (put) and log a `sent` event with its own name and time.

        (receipt, new bytes?, the event logged). via: the agency whose link it came through.
        inbox: collect's memory of the store's arrivals; with it, a file of the inbox that was
        collected before (same bytes, same name, not changed since) is not a new arrival (event
        None), so a rerun over the same inbox changes nothing. StoreError as put()."""
        from .events import SENT, Event, stamp

        name = name_of(source) if original_name is None else _plain_name(original_name)
        when = received_at or clock.now()
        receipt, new = self.put(source, result, received_at=when, original_name=original_name)
        if not new and inbox is not None:
            try:
                modified = os.lstat(source).st_mtime
            except OSError:
                modified = when.timestamp()
            if inbox.seen(receipt, name, modified):
                return receipt, False, None
        event = Event(SENT, receipt.sha256, stamp(when), actor, via, name)
        self.append_event(event)
        return receipt, new, event


@dataclass
class Collected:
    path: Path
    result: CheckResult
    receipt: Receipt | None  # None: already stored, or not stored (problem says why)
    problem: str | None = None  # Chinese: why the file could not be stored
    first: Receipt | None = None  # bytes stored before: their first receipt
    again: Event | None = None  # bytes stored before, sent again: this arrival


def collect_files(paths: list[Path], store: Store, **check_options) -> list[Collected]:
    """Check and store each file, oldest first (its modification time: when it came into the inbox), so
    a later file is the later arrival; a file that cannot be stored is reported and the others go on."""
    from .events import Arrivals
    from .trust import verification

    inbox = Arrivals(store.root)
    out = []
    for path in sorted(paths, key=_arrival_order):
        result = check_file(path, **check_options)
        _, extra = verification(result, check_options.get("secret"))  # a .json cannot carry the signature
        if extra:
            result.findings += extra
            result.status = "unreadable" if result.status == "unreadable" else "error"
        if not os.path.lexists(path):
            out.append(Collected(path, result, None, "找不到文件"))
            continue
        try:
            receipt, new, event = store.receive(path, result, actor="collect", inbox=inbox)
        except StoreError as exc:
            out.append(Collected(path, result, None, str(exc)))
            continue
        out.append(Collected(path, result, receipt if new else None, None, None if new else receipt,
                             None if new else event))
    return out


def _arrival_order(path: Path) -> tuple:
    try:
        return (os.lstat(path).st_mtime, os.fsencode(path))
    except OSError:
        return (float("inf"), os.fsencode(path))


def collect(paths: list[Path], store: Store, **check_options) -> list[tuple[Path, CheckResult, Receipt | None]]:
    """Check and store each file; returns (file, result, receipt or None for an already-stored duplicate
    or a file that could not be stored)."""
    return [(c.path, c.result, c.receipt) for c in collect_files(paths, store, **check_options)]


def _plain_name(name: str) -> str:
    """A sender's file name as a receipt keeps it: the last path component, at most 255 characters."""
    return str(name).replace("\\", "/").rsplit("/", 1)[-1][:255]


def _safe_suffix(source: Path) -> str:
    """The stored file's extension: the received one when short and plain ASCII (.xlsx), else none."""
    suffix = source.suffix.lower()
    return suffix if 1 < len(suffix) <= 10 and suffix[1:].isascii() and suffix[1:].isalnum() else ""


def _lock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return
    import msvcrt  # pragma: no cover - Windows

    while True:  # pragma: no cover
        try:
            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
            return
        except OSError:
            continue


def _open_source(source: Path) -> int:
    """A received file opened for reading: never through a symbolic link, never a pipe or device."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        src = os.open(source, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise StoreError("这是符号链接，出于安全原因未收取。请把文件本身放入收件箱。") from None
        raise StoreError(f"无法读取文件（{exc.strerror}）。") from None
    if not stat.S_ISREG(os.fstat(src).st_mode):
        os.close(src)
        raise StoreError("不是普通文件（可能是命名管道或设备），未收取。")
    return src


def _hash_fd(fd: int) -> str:
    digest = hashlib.sha256()
    while chunk := os.read(fd, _CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows cannot open a folder
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
