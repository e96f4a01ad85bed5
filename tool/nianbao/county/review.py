"""The office's decisions and the departments' explanations, checked against the state and recorded.

accept / return_ / explain take an agency's state (state.py) as just computed, refuse what the
rules do not allow (a Chinese ReviewError), and append one event to the store's events.jsonl
under its lock. The command line (`nianbao review`) and the web service call these same
functions, so a decision means the same wherever it was made. `expect_sha256`: the file the
decider was looking at; when the agency's current file has changed since, nothing is recorded.
"""

from __future__ import annotations

from nianbao.findings import Finding

from .events import ACCEPTED, EXPLAINED, RETURNED, Event, plain_text, stamp
from .state import AgencyState, decision_allowed, decision_event, finding_key
from .store import Store


class ReviewError(Exception):
    """A decision the rules do not allow; the message is Chinese and says what to do instead."""


def accept(store: Store, st: AgencyState, reason: str, actor: str, *, expect_sha256: str | None = None) -> Event:
    """Accept the agency's current file; a file with errors only with a reason (counted from then on)."""
    return _decide(store, st, ACCEPTED, reason, actor, expect_sha256)


def return_(store: Store, st: AgencyState, note: str, actor: str, *, expect_sha256: str | None = None) -> Event:
    """Return the agency's current file with a note saying what to change (not counted, chased)."""
    return _decide(store, st, RETURNED, note, actor, expect_sha256)


def explain(store: Store, st: AgencyState, f: Finding, text: str, actor: str, *,
            expect_sha256: str | None = None) -> Event:
    """The department's explanation of one finding of its current file (the latest one counts)."""
    _same_file(st, expect_sha256)
    text = plain_text(text)
    if not text:
        raise ReviewError("说明不能为空：请写明这个问题的原因，例如“去年年报结转数有误，已于 2 月更正”。")
    if f.severity not in ("error", "warning") or all(f is not g for g in st.findings):
        raise ReviewError("只能对本单位当前文件的错误或警告作说明。")
    event = Event(EXPLAINED, st.current.sha256, stamp(), actor, st.entry.code, note=text, finding=finding_key(f))
    store.append_event(event)
    return event


def _decide(store: Store, st: AgencyState, kind: str, note: str, actor: str, expect: str | None) -> Event:
    _same_file(st, expect)
    note = plain_text(note)
    why = decision_allowed(st, kind, note)
    if why:
        raise ReviewError(why)
    event = decision_event(st, kind, note, actor, stamp())
    store.append_event(event)
    return event


def _same_file(st: AgencyState, expect: str | None) -> None:
    if st.current is None or not st.current.sha256:
        raise ReviewError(f"{st.entry.name}（{st.entry.code}）没有可审核的文件（{st.label}）。")
    if expect is not None and expect != st.current.sha256:
        raise ReviewError(f"{st.entry.name} 在此期间报送了新的文件，当前采用的已不是您看到的文件。请刷新后重新审核。")
