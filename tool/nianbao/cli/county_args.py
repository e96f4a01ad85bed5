"""The state of a store's agencies for commands that act on it (review, remind): arguments and loading.

The roster, year and format come from the arguments, or else from what `nianbao serve` recorded
for the store (its database, read only: these commands never write the service's data and
never need it). Every agency's state is computed by county/state.py from the store itself —
its files, arrivals and decisions — exactly as `compile --store` computes it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from . import UsageError
from .common import add_format_arg, read_secret, resolve_format


def add_state_args(p) -> None:
    p.add_argument("--store", type=Path, required=True, metavar="DIR", help="收件库文件夹 / the intake store")
    p.add_argument("--roster", type=Path, metavar="ROSTER.csv", help="单位名单（默认：nianbao serve 使用的名单）")
    p.add_argument("--year", type=int, help="报告年度（默认：nianbao serve 使用的年度）")
    add_format_arg(p)
    p.add_argument("--previous", type=Path, metavar="PREV",
                   help="上一年度的收件库、汇总或已公开年报文件夹，用于跨年度核对（与 compile --previous 相同）")
    p.add_argument("--secret-file", type=Path, metavar="KEY", help="下发模板时使用的密钥文件 / issuer secret")
    p.add_argument("-j", "--jobs", type=int, default=1, metavar="N", help="并行进程数 / parallel processes")


@dataclass
class StoreState:
    store: Path
    roster: list
    fmt: object
    year: int
    previous: object  # county.previous.Previous | None
    secret: bytes | None
    submissions: list  # what was received, checked (gather.Submission)
    state: object  # county.state.RosterState
    served: dict  # what `nianbao serve` recorded (deadline, base_url, …); {} without it

    def refresh(self):
        """The state again from the same checked files and the store's events now (after a decision)."""
        from nianbao.county.events import read_events
        from nianbao.county.state import state_of

        self.state = state_of(self.submissions, self.roster, events=read_events(self.store)[0],
                              previous=self.previous, fmt=self.fmt)
        return self.state


def served_config(store: Path) -> dict:
    """The configuration `nianbao serve` recorded for this store, read only; {} when it never ran."""
    from nianbao.web.db import DB_NAME
    from nianbao.web.service import WEB_DIR

    path = Path(store) / WEB_DIR / DB_NAME
    if not path.is_file():
        return {}
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return {k: v for k, v in conn.execute("SELECT key, value FROM config")}
        finally:
            conn.close()
    except sqlite3.Error:
        return {}


def load_state(args, check=None) -> StoreState:
    """Every roster agency's state in args.store (UsageError, in Chinese, for what the user must fix)."""
    from nianbao.county.events import read_events
    from nianbao.county.gather import check_for_compile, gather_store
    from nianbao.county.previous import PreviousError, load_previous
    from nianbao.county.roster import RosterError, load_roster
    from nianbao.county.state import state_of
    from nianbao.county.store_verify import is_store

    store = args.store
    if not is_store(store):
        raise UsageError(f"{store} 不是收件库（缺少 receipts.jsonl）。请先用 nianbao collect 收件，或检查路径。")
    served = served_config(store)
    roster_path = args.roster or (Path(served["roster"]) if served.get("roster") else None)
    year = args.year or (int(served["year"]) if str(served.get("year", "")).isdigit() else None)
    if roster_path is None or year is None:
        raise UsageError("请用 --roster 单位名单 和 --year 报告年度 指明要审核的名单和年度"
                         "（在运行过 nianbao serve 的收件库上可省略）。")
    fmt = resolve_format(args.format_id or served.get("format") or None, year)
    try:
        roster = load_roster(roster_path)
    except RosterError as exc:
        raise UsageError(str(exc)) from None
    previous_path = args.previous or (Path(served["previous"]) if served.get("previous") else None)
    secret_path = args.secret_file or (Path(served["secret_file"]) if served.get("secret_file") else None)
    secret = read_secret(secret_path)
    try:
        previous = load_previous(previous_path, year - 1, secret, roster=roster) if previous_path else None
    except PreviousError as exc:
        raise UsageError(str(exc)) from None
    options = {"expect_year": year, "expect_format": fmt.id, "secret": secret}
    subs = gather_store(store, options, check=check or check_for_compile, jobs=getattr(args, "jobs", 1))
    state = state_of(subs, roster, events=read_events(store)[0], previous=previous, fmt=fmt)
    return StoreState(store, roster, fmt, year, previous, secret, subs, state, served)


def deadline_of(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise UsageError(f"截止日期应写成 YYYY-MM-DD，如 2022-01-31（现为 {text}）") from None
