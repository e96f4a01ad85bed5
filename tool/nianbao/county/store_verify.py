"""nianbao store verify: is every received file still there, unchanged, and logged exactly once?

Re-hashes every file under files/ and compares the store with its log:
  - damaged lines of receipts.jsonl (by line number),
  - receipts whose file is missing,
  - files whose bytes no longer match the SHA-256 they are named by (changed after receipt),
  - files without a receipt (e.g. a crash between storing and logging; the next collect of
    the same file logs it),
  - receipts logged twice for the same bytes,
  - anything under files/ that is not a regular file (a link, a folder where a file belongs),
  - temporary copies left by an interrupted collect (harmless, listed for cleaning up),
  - damaged lines of events.jsonl, and events (arrivals, decisions, explanations) about a file
    the store has no receipt for.
Reads only; never changes the store.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .events import Event, read_events
from .receipts import FILES, DamagedLine, Receipt
from .store import RECEIPTS, TEMP_PREFIX, Store, sha256_of

_NAMED = re.compile(r"^([0-9a-f]{64})(\.[^/]*)?$")


@dataclass
class StoreReport:
    receipts: int = 0
    files: int = 0
    damaged: list[DamagedLine] = field(default_factory=list)
    missing: list[Receipt] = field(default_factory=list)  # receipts without their file
    altered: list[str] = field(default_factory=list)  # stored_as of files whose bytes changed
    orphans: list[str] = field(default_factory=list)  # files (relative paths) without a receipt
    duplicates: list[Receipt] = field(default_factory=list)  # a second receipt for the same bytes
    strange: list[str] = field(default_factory=list)  # not a regular file, or misnamed
    temporary: list[str] = field(default_factory=list)  # leftovers of an interrupted copy
    events: int = 0
    events_damaged: list[DamagedLine] = field(default_factory=list)  # damaged lines of events.jsonl
    events_unmatched: list[Event] = field(default_factory=list)  # about a file without a receipt

    @property
    def ok(self) -> bool:
        return not (self.damaged or self.missing or self.altered or self.orphans or self.duplicates or self.strange
                    or self.events_damaged or self.events_unmatched)


def verify_store(root: Path) -> StoreReport:
    store = Store(root)
    receipts, damaged = store.read()
    report = StoreReport(receipts=len(receipts), damaged=damaged)
    logged: set[str] = set()  # stored_as of every receipt
    digests: set[str] = set()
    for r in receipts:
        if r.sha256 in digests:
            report.duplicates.append(r)
        digests.add(r.sha256)
        logged.add(r.stored_as)
    found: set[str] = set()
    files_dir = Path(root) / FILES
    for rel, st in _walk(files_dir):
        name = rel.rsplit("/", 1)[-1]
        if name.startswith(TEMP_PREFIX):
            report.temporary.append(rel)
            continue
        match = _NAMED.match(name)
        if not stat.S_ISREG(st.st_mode) or not match or rel.count("/") != 2 or rel.split("/")[1] != name[:2]:
            report.strange.append(rel)
            continue
        report.files += 1
        found.add(rel)
        if sha256_of(Path(root) / rel) != match.group(1):
            report.altered.append(rel)
        elif rel not in logged:
            report.orphans.append(rel)
    report.missing = [r for r in receipts if r.stored_as not in found and r.stored_as not in report.altered]
    report.missing = list({r.stored_as: r for r in report.missing}.values())
    events, report.events_damaged = read_events(root)
    report.events = len(events)
    report.events_unmatched = [e for e in events if e.sha256 not in digests]
    return report


def _walk(top: Path):
    """(path relative to the store, lstat) of everything under files/, never following links."""
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            st = entry.stat(follow_symlinks=False)
            rel = Path(entry.path).relative_to(top.parent).as_posix()
            if stat.S_ISDIR(st.st_mode) and rel.count("/") < 2:
                stack.append(Path(entry.path))
            else:
                yield rel, st


def is_store(root: Path) -> bool:
    return (Path(root) / RECEIPTS).is_file() or (Path(root) / FILES).is_dir()
