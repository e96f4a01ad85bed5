"""The intake store as the long-running service reads it: receipts.jsonl and events.jsonl read incrementally.

county.store.Store.receipts() parses the whole log on every call; that is right for a command
that runs once, but a service that has received 3,000 files would parse 3,000 lines for each
status page and upload (~100 ms measured). Both logs are append-only, so TailStore remembers
what it has parsed and reads only the lines appended since, by anyone (the service, or
`nianbao collect` and `nianbao review` run beside it). Writing stays Store's own code.
"""

from __future__ import annotations

import threading
from pathlib import Path

from nianbao.county.events import EVENTS, Event, parse_events
from nianbao.county.receipts import parse_receipts
from nianbao.county.store import RECEIPTS, Receipt, Store


class _Tail:
    """One append-only JSON-lines log, parsed once; a line still being written is read next time."""

    def __init__(self, path: Path, parse):
        self.path, self.parse = path, parse
        self._lock = threading.Lock()
        self._parsed: list = []
        self._offset = 0
        self._file = None  # (device, inode) of the log parsed so far

    def items(self) -> list:
        with self._lock:
            try:
                st = self.path.stat()
            except FileNotFoundError:
                self._parsed, self._offset, self._file = [], 0, None
                return []
            if (st.st_dev, st.st_ino) != self._file or st.st_size < self._offset:  # replaced: start again
                self._parsed, self._offset, self._file = [], 0, (st.st_dev, st.st_ino)
            if st.st_size > self._offset:
                with self.path.open("rb") as fh:
                    fh.seek(self._offset)
                    data = fh.read(st.st_size - self._offset)
                whole = data.rfind(b"\n") + 1
                parsed, _ = self.parse(data[:whole])  # a damaged line is skipped, as Store.read does
                self._parsed.extend(parsed)
                self._offset += whole
            return list(self._parsed)


class TailStore(Store):
    def __init__(self, root):
        super().__init__(root)
        self._receipts = _Tail(self.root / RECEIPTS, parse_receipts)
        self._events = _Tail(self.root / EVENTS, parse_events)

    def receipts(self) -> list[Receipt]:
        return self._receipts.items()

    def events(self) -> list[Event]:
        """Every arrival and decision of events.jsonl, in order (county/events.py)."""
        return self._events.items()
