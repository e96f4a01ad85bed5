"""What compile keeps of each received file: check it (in worker processes) and keep a Checked.

Of each checked file only a Checked is kept (status, findings, identity, figures), so a
province of thousands of reports fits in little memory; the outputs read the figures one
agency at a time. A Submission is one checked file with where it came from: a store's
receipt (its first arrival) or a file given on the command line (its modification time).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nianbao import clock
from nianbao.check.run import CheckResult, check_file, prepare
from nianbao.findings import Finding
from nianbao.format.figures import Figures

from .trust import verification


@dataclass(frozen=True, slots=True)
class Checked:
    """What compile keeps of one checked file: check_file's result without the report's texts and cell provenance.

    A province compiles thousands of reports, and every output needs only this of each: its
    status, findings and identity, and its figures (compactly, see format/figures.py).
    """

    status: str  # check's own: ok | warning | error | unreadable
    findings: tuple[Finding, ...]
    agency: dict | None
    format: str | None
    year: int | None
    figures: Figures | None = None  # None: the file gave no report document
    verified: bool | None = None  # the issuer MAC vouches for it; None: checked without a secret

    @classmethod
    def of(cls, result: CheckResult, secret: bytes | None = None) -> Checked:
        """secret: the one the file was checked with; it decides `verified`."""
        doc = result.document
        verified, extra = verification(result, secret)
        status = result.status if result.status == "unreadable" or not extra else "error"
        return cls(status, (*result.findings, *extra), result.agency, result.format, result.year,
                   Figures.of(doc) if doc is not None else None, verified)


@dataclass(slots=True)
class Submission:
    file: str
    received_at: str
    result: Checked
    original_name: str = ""
    sha256: str | None = None

    @property
    def code(self) -> str | None:
        return (self.result.agency or {}).get("code") or None


def check_for_compile(path, **options) -> Checked:
    """check_file in a worker process; only what compile keeps is sent back."""
    return Checked.of(check_file(path, **options), options.get("secret"))


def gather_paths(paths: list[Path], check_options: dict, check=check_for_compile, jobs: int = 1) -> list[Submission]:
    """Submissions from files; received order is the file's modification time. check returns a Checked."""
    from nianbao.parallel import run_parallel

    ordered = sorted(paths, key=lambda p: (p.stat().st_mtime if p.exists() else 0, p.name))
    results = run_parallel(check, ordered, check_options, jobs=jobs, label="读取", prepare=prepare)
    out = []
    for path, result in zip(ordered, results, strict=True):
        when = clock.from_timestamp(path.stat().st_mtime).isoformat(timespec="seconds") if path.exists() else ""
        out.append(Submission(str(path), when, result, path.name))
    return out


def gather_store(store_dir: Path, check_options: dict, check=check_for_compile, jobs: int = 1) -> list[Submission]:
    """Every submission in a store, in the order received. check returns a Checked."""
    from nianbao.parallel import run_parallel

    from .store import Store

    store = Store(store_dir)
    receipts = store.receipts()
    paths = [store.path_of(r) for r in receipts]
    results = run_parallel(check, paths, check_options, jobs=jobs, label="读取", prepare=prepare)
    return [Submission(str(p), r.received_at, res, r.original_name, r.sha256)
            for p, r, res in zip(paths, receipts, results, strict=True)]


